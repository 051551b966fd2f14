//! Diagnostics: every problem a person can cause, with its place, in Chinese.
//!
//! The codes themselves, with severities, titles and hints, are registered in `codes.rs` and, for
//! the template's own rules, in `definition/rules.rs`; `all_codes` lists them together.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use crate::model::Pos;

pub use crate::codes::{Code, CodeInfo, Severity};

/// Every check code with its meaning, in the order of README's table (by stage: L, N, F, T, Y, D,
/// B, A; then by number): the general codes of codes.rs and the template's rules of the
/// definition.
pub fn all_codes() -> &'static [&'static CodeInfo] {
    static ALL: OnceLock<Vec<&'static CodeInfo>> = OnceLock::new();
    ALL.get_or_init(|| {
        const STAGES: &str = "LNFTYDBA";
        let mut all: Vec<&'static CodeInfo> = crate::codes::GENERAL_CODES
            .iter()
            .chain(crate::definition::RULE_CODES)
            .collect();
        all.sort_by_key(|c| {
            let name = c.code.as_str();
            let stage = name.chars().next().and_then(|s| STAGES.find(s));
            (stage, name)
        });
        all
    })
}

/// What a check code means.
pub(crate) fn code_info(code: Code) -> Option<&'static CodeInfo> {
    all_codes().iter().copied().find(|c| c.code == code)
}

/// The code written in data.yaml or typed by a user, if there is one.
pub(crate) fn parse_code(text: &str) -> Option<Code> {
    all_codes()
        .iter()
        .map(|c| c.code)
        .find(|c| c.as_str() == text)
}

/// One problem, with everything a person needs to find and fix it.
#[derive(Clone, Debug, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    /// The file, relative to the site root when it is inside it.
    pub file: PathBuf,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub yaml_path: Option<String>,
    /// The cell id (or row id) the problem concerns, as an acknowledgement names it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
    /// The official label of the cell, 「row」×「column」.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// The reason given in data.yaml when this problem is acknowledged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acknowledged: Option<String>,
    /// The problem is in a draft year (`published: draft`): shown, but never blocks a build.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub draft: bool,
    /// The line in data.yaml of the entry that acknowledges it (one entry may cover many).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acknowledged_by: Option<usize>,
    /// The source line, for the snippet.
    #[serde(skip)]
    pub source_line: Option<String>,
}

impl Diagnostic {
    /// A diagnostic of a registered code, with its default severity and message.
    pub fn new(code: Code, file: &Path) -> Diagnostic {
        let info = code_info(code);
        Diagnostic {
            severity: info.map(|i| i.severity).unwrap_or(Severity::Error),
            code,
            file: file.to_path_buf(),
            line: None,
            column: None,
            yaml_path: None,
            cell: None,
            label: None,
            message: info.map(|i| i.title.to_string()).unwrap_or_default(),
            expected: None,
            found: None,
            hint: info.map(|i| i.hint.to_string()).filter(|h| !h.is_empty()),
            acknowledged: None,
            draft: false,
            acknowledged_by: None,
            source_line: None,
        }
    }

    pub fn at(mut self, pos: Pos) -> Self {
        self.line = Some(pos.line);
        self.column = Some(pos.column);
        self
    }

    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }

    pub fn path(mut self, yaml_path: impl Into<String>) -> Self {
        self.yaml_path = Some(yaml_path.into());
        self
    }

    pub fn cell(mut self, cell: impl Into<String>) -> Self {
        self.cell = Some(cell.into());
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn expected(mut self, expected: impl Into<String>) -> Self {
        self.expected = Some(expected.into());
        self
    }

    pub fn found(mut self, found: impl Into<String>) -> Self {
        self.found = Some(found.into());
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// Fills in the source line for the snippet from the file's text.
    pub fn with_source(mut self, source: &str) -> Self {
        if let Some(line) = self.line {
            self.source_line = source
                .lines()
                .nth(line.saturating_sub(1))
                .map(str::to_string);
        }
        self
    }

    /// Fills in the source line from a file's lines split once (for many diagnostics of one file,
    /// so that each does not scan the file again).
    pub fn with_lines(mut self, lines: &SourceLines<'_>) -> Self {
        if let Some(line) = self.line {
            self.source_line = lines.line(line).map(str::to_string);
        }
        self
    }

    /// True when it counts against the exit code: an error nobody acknowledged, outside drafts.
    pub fn is_blocking(&self) -> bool {
        self.severity == Severity::Error && self.acknowledged.is_none() && !self.draft
    }

    /// "file:line:column".
    pub fn location(&self) -> String {
        let mut out = self.file.display().to_string();
        if let Some(line) = self.line {
            let _ = write!(out, ":{line}");
            if let Some(column) = self.column {
                let _ = write!(out, ":{column}");
            }
        }
        out
    }

    /// Renders the diagnostic like a compiler's message, for a terminal: text from content files
    /// has its control characters escaped, so it can never move the cursor or set the title.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let head = if self.acknowledged.is_some() {
            "已确认"
        } else {
            self.severity.label()
        };
        let draft = if self.draft { "（草稿）" } else { "" };
        let _ = writeln!(
            out,
            "{head}[{}]{draft}: {}",
            self.code,
            terminal_safe(&self.message)
        );
        let _ = writeln!(out, "  --> {}", terminal_safe(&self.location()));
        if let (Some(line), Some(text)) = (self.line, &self.source_line) {
            let number = line.to_string();
            let pad = " ".repeat(number.len());
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{number} | {}", terminal_safe(text));
            if let Some(column) = self.column {
                let before: String = text.chars().take(column.saturating_sub(1)).collect();
                let _ = writeln!(
                    out,
                    "{pad} | {}^",
                    " ".repeat(terminal_safe(&before).width())
                );
            }
        }
        let pad = " ".repeat(self.line.map(|l| l.to_string().len()).unwrap_or(1));
        let mut note = |name: &str, value: &Option<String>| {
            if let Some(value) = value {
                let _ = writeln!(out, "{pad} = {name}：{}", terminal_safe(value));
            }
        };
        note("单元格", &self.label);
        note("YAML 路径", &self.yaml_path);
        note("应为", &self.expected);
        note("实际", &self.found);
        if self.acknowledged.is_some() {
            note("确认原因", &self.acknowledged);
        } else {
            note("提示", &self.hint);
        }
        out
    }
}

/// Text made safe to print on a terminal: control characters, Unicode noncharacters and the
/// bidirectional overrides (which reorder what is shown) become visible escapes like `\u{1b}`.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| {
        is_forbidden_char(c) || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A file's lines, split once.
pub struct SourceLines<'a>(Vec<&'a str>);

impl<'a> SourceLines<'a> {
    pub fn new(source: &'a str) -> Self {
        SourceLines(source.lines().collect())
    }

    /// The 1-based line `n`.
    pub fn line(&self, n: usize) -> Option<&'a str> {
        self.0.get(n.checked_sub(1)?).copied()
    }
}

/// Counts for the closing line of `check`.
#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    pub agencies: usize,
    pub years: usize,
    /// Of `years`, how many are drafts.
    pub drafts: usize,
    /// Unacknowledged errors outside drafts (they block `build`).
    pub errors: usize,
    pub warnings: usize,
    pub acknowledged: usize,
    /// Errors in drafts (they do not block `build`).
    pub draft_errors: usize,
}

impl Summary {
    pub fn count(
        diagnostics: &[Diagnostic],
        agencies: usize,
        years: usize,
        drafts: usize,
    ) -> Summary {
        let mut summary = Summary {
            agencies,
            years,
            drafts,
            ..Summary::default()
        };
        for d in diagnostics {
            if d.acknowledged.is_some() {
                summary.acknowledged += 1;
            } else if d.severity == Severity::Error && d.draft {
                summary.draft_errors += 1;
            } else if d.severity == Severity::Error {
                summary.errors += 1;
            } else {
                summary.warnings += 1;
            }
        }
        summary
    }

    pub fn render(&self) -> String {
        let drafts = if self.drafts > 0 {
            format!("（其中 {} 个草稿）", self.drafts)
        } else {
            String::new()
        };
        let mut out = format!(
            "检查了 {} 个机关的 {} 个年度{drafts}：{} 个错误，{} 个警告，{} 个已确认的问题",
            self.agencies, self.years, self.errors, self.warnings, self.acknowledged
        );
        if self.draft_errors > 0 {
            let _ = write!(
                out,
                "；草稿中另有 {} 个错误（发布前要改正，不影响生成其他年度）",
                self.draft_errors
            );
        }
        out.push('。');
        out
    }
}

/// Renders all diagnostics for the terminal: open problems first, then the acknowledged ones.
pub fn render_all(diagnostics: &[Diagnostic], summary: &Summary) -> String {
    let mut out = String::new();
    for d in diagnostics.iter().filter(|d| d.acknowledged.is_none()) {
        out.push_str(&d.render());
        out.push('\n');
    }
    let acknowledged: Vec<_> = diagnostics
        .iter()
        .filter(|d| d.acknowledged.is_some())
        .collect();
    if !acknowledged.is_empty() {
        let _ = writeln!(
            out,
            "已确认的问题（已发布的报告中存在，不影响检查结果）：\n"
        );
        for d in acknowledged {
            out.push_str(&d.render());
            out.push('\n');
        }
    }
    out.push_str(&summary.render());
    out.push('\n');
    out
}

/// Renders all diagnostics as JSON.
pub fn render_json(diagnostics: &[Diagnostic], summary: &Summary) -> String {
    #[derive(Serialize)]
    struct Out<'a> {
        diagnostics: &'a [Diagnostic],
        summary: &'a Summary,
    }
    serde_json::to_string_pretty(&Out {
        diagnostics,
        summary,
    })
    .unwrap_or_else(|_| "{}".to_string())
}

/// The closest candidate to a misspelt key, if one is close enough to suggest.
pub(crate) fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// A character that must never reach a page, a feed or a terminal: control characters (NUL, tab,
/// line breaks, vertical tab, form feed, ESC…) and Unicode noncharacters (U+FFFE…).
pub(crate) fn is_forbidden_char(c: char) -> bool {
    let n = u32::from(c);
    c.is_control() || (0xFDD0..=0xFDEF).contains(&n) || n & 0xFFFE == 0xFFFE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique() {
        let codes = all_codes();
        for (i, a) in codes.iter().enumerate() {
            assert!(
                codes[i + 1..].iter().all(|b| b.code != a.code),
                "{}",
                a.code
            );
        }
    }

    #[test]
    fn caret_is_under_the_cell_even_after_chinese_text() {
        let d = Diagnostic::new(Code::L010, Path::new("data.yaml"))
            .at(Pos { line: 1, column: 8 })
            .with_source("标题: [1, x]");
        let text = d.render();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[3], "1 | 标题: [1, x]");
        // 「标题」 takes four terminal columns.
        assert_eq!(lines[4], "  |          ^");
    }

    #[test]
    fn control_characters_are_escaped_for_the_terminal() {
        let d = Diagnostic::new(Code::L001, Path::new("content/a\u{1b}]0;x\u{7}/data.yaml"))
            .at(Pos { line: 1, column: 9 })
            .message("名称\u{1b}]0;标题\u{7}")
            .found("\u{b}")
            .with_source("name: \u{1b}[31m红\u{202e}字");
        let text = d.render();
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "{text:?}"
        );
        assert!(text.contains("名称\\u{1b}]0;标题\\u{7}"), "{text}");
        assert!(
            text.contains("content/a\\u{1b}]0;x\\u{7}/data.yaml"),
            "{text}"
        );
        assert!(
            text.contains("1 | name: \\u{1b}[31m红\\u{202e}字"),
            "{text}"
        );
        // The caret stays under the character after the escape.
        assert!(text.contains("  |              ^"), "{text}");
        assert!(text.contains("实际：\\u{b}"), "{text}");
    }

    #[test]
    fn suggestion_for_near_miss() {
        assert_eq!(
            did_you_mean("recieved", ["received", "carried_in"]),
            Some("received")
        );
        assert_eq!(did_you_mean("zzz", ["received"]), None);
    }
}

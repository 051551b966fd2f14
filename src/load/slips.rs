//! What a clerk types on a Chinese keyboard into data.yaml: full-width colons, commas, brackets
//! and spaces, tabs, a list without its closing bracket. Found line by line before the YAML
//! parser runs, so the message is in Chinese and names the line and column where the slip is
//! (the parser would report it on a later line, in English, or not at all).

use crate::model::Pos;

/// A typing slip: where it is, what it is, and what to type instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Slip {
    pub pos: Pos,
    pub message: String,
    pub found: String,
    pub expected: String,
    /// False for an unbalanced bracket: a list may go on over the next line, so it is only a
    /// slip when the YAML parser fails too.
    pub certain: bool,
}

/// Full-width characters that stand for a YAML mark, with the mark they stand for.
const FULL_WIDTH: [(char, &str, &str); 10] = [
    ('：', "全角冒号", ":"),
    ('，', "全角逗号", ","),
    ('、', "顿号", ","),
    ('；', "全角分号", ","),
    ('［', "全角方括号", "["),
    ('］', "全角方括号", "]"),
    ('【', "中文方括号", "["),
    ('】', "中文方括号", "]"),
    ('\u{3000}', "全角空格", "半角空格"),
    ('\t', "Tab", "半角空格"),
];

/// The code part of a line: the text before a comment (`#` at the start or after a space).
fn code_part(line: &str) -> &str {
    let mut previous = ' ';
    for (i, c) in line.char_indices() {
        if c == '#' && (previous == ' ' || previous == '\t' || previous == '\u{3000}') {
            return &line[..i];
        }
        if c == '"' || c == '\'' {
            // A quoted value may hold anything; nianbao's data files never need one.
            return line;
        }
        previous = c;
    }
    line
}

fn column_of(line: &str, byte: usize) -> usize {
    line[..byte].chars().count() + 1
}

/// Whether a key as written is a data.yaml key (ASCII letters, digits and underscores).
fn is_key(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The slips of a data file, at most one per line, in line order.
pub(crate) fn slips(source: &str) -> Vec<Slip> {
    let mut out = Vec::new();
    for (n, line) in source.lines().enumerate() {
        if let Some(slip) = line_slip(line, n + 1) {
            out.push(slip);
        }
    }
    out
}

fn slip(
    line: usize,
    text: &str,
    byte: usize,
    message: String,
    found: &str,
    expected: &str,
) -> Slip {
    Slip {
        pos: Pos {
            line,
            column: column_of(text, byte),
        },
        message,
        found: found.to_string(),
        expected: expected.to_string(),
        certain: true,
    }
}

fn uncertain(slip: Slip) -> Slip {
    Slip {
        certain: false,
        ..slip
    }
}

fn line_slip(text: &str, line: usize) -> Option<Slip> {
    let code = code_part(text);
    // Indentation: spaces only.
    let indent_end = code
        .char_indices()
        .find(|&(_, c)| !matches!(c, ' ' | '\t' | '\u{3000}'))
        .map(|(i, _)| i)
        .unwrap_or(code.len());
    if let Some((i, c)) = code[..indent_end].char_indices().find(|&(_, c)| c != ' ') {
        let what = if c == '\t' {
            "Tab"
        } else {
            "全角空格「　」"
        };
        return Some(slip(
            line,
            text,
            i,
            format!("行首的缩进里有{what}：YAML 只能用半角空格缩进"),
            what,
            "半角空格（每层两个）",
        ));
    }
    let rest = &code[indent_end..];
    let rest = rest.strip_prefix("- ").unwrap_or(rest);
    let key_start = code.len() - rest.len();
    let key_len = rest
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '_'))
        .map(|(i, _)| i)
        .unwrap_or(rest.len());
    let key = &rest[..key_len];
    if !is_key(key) {
        return None;
    }
    let after = &rest[key_len..];
    let spaces = after.len() - after.trim_start_matches([' ', '\u{3000}']).len();
    let mark_at = key_start + key_len + spaces;
    let after_key = &code[mark_at..];
    if after_key.starts_with('：') {
        return Some(slip(
            line,
            text,
            mark_at,
            format!("键 {key} 后面的冒号是全角的「：」，要用半角冒号「:」（切换到英文输入法）"),
            "：",
            ":",
        ));
    }
    let value_start = match after_key.strip_prefix(':') {
        Some(value) => {
            if let Some(c) = value.chars().next()
                && !matches!(c, ' ' | '\t' | '\u{3000}')
            {
                return Some(slip(
                    line,
                    text,
                    mark_at + 1,
                    format!("键 {key} 的冒号后面要有一个半角空格"),
                    &format!("{key}:{c}"),
                    &format!("{key}: {c}"),
                ));
            }
            mark_at + 1
        }
        None => return None,
    };
    let value = &code[value_start..];
    let trimmed_start = value.len() - value.trim_start_matches([' ', '\u{3000}', '\t']).len();
    let value_at = value_start + trimmed_start;
    let value = value.trim_start_matches([' ', '\u{3000}', '\t']).trim_end();
    let is_list = value.starts_with(['[', '［', '【']);
    if !is_list {
        // A single figure: a full-width space or tab before it is the only slip here; text
        // values (reasons, names) may hold any punctuation.
        if let Some(i) = code[value_start..value_at].find(['\u{3000}', '\t']) {
            let c = code[value_start + i..].chars().next().unwrap_or(' ');
            let (_, name, _) = FULL_WIDTH
                .iter()
                .find(|(f, ..)| *f == c)
                .copied()
                .unwrap_or((c, "全角空格", ""));
            return Some(slip(
                line,
                text,
                value_start + i,
                format!("键 {key} 的冒号后面是{name}，要用半角空格"),
                name,
                "半角空格",
            ));
        }
        return None;
    }
    // A list of figures: every mark must be a half-width one.
    for (i, c) in value.char_indices() {
        if let Some((_, name, mark)) = FULL_WIDTH.iter().find(|(f, ..)| *f == c) {
            return Some(slip(
                line,
                text,
                value_at + i,
                format!(
                    "「{key}」这一行的数字之间有{name}「{c}」，要用半角的「{mark}」（切换到英文输入法）"
                ),
                &c.to_string(),
                mark,
            ));
        }
    }
    let opened = value.matches('[').count();
    let closed = value.matches(']').count();
    if opened > closed {
        return Some(uncertain(slip(
            line,
            text,
            value_at + value.len(),
            format!("「{key}」这一行的数字缺少右方括号「]」"),
            value,
            &format!("{value}]"),
        )));
    }
    if closed > opened {
        let at = value.rfind(']').unwrap_or(0);
        return Some(uncertain(slip(
            line,
            text,
            value_at + at,
            format!("「{key}」这一行多了一个右方括号「]」"),
            value,
            "[数, 数, …]，方括号各一个",
        )));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(source: &str) -> Slip {
        let found = slips(source);
        assert_eq!(found.len(), 1, "{found:#?}");
        found.into_iter().next().unwrap()
    }

    #[test]
    fn full_width_colon_is_on_its_own_line() {
        let s = one("requests:\n  received： [1, 0, 0, 0, 0, 0, 1]\n  carried_in: [0, 0]\n");
        assert_eq!(
            s.pos,
            Pos {
                line: 2,
                column: 11
            }
        );
        assert!(s.message.contains("全角"), "{}", s.message);
    }

    #[test]
    fn full_width_comma_and_brackets_in_a_row() {
        assert_eq!(one("a:\n  b: [1，2, 3]\n").pos, Pos { line: 2, column: 8 });
        assert_eq!(one("a:\n  b: ［1, 2］\n").pos, Pos { line: 2, column: 6 });
        assert_eq!(one("a:\n  b: [1, 2、3]\n").found, "、");
        assert_eq!(one("a:\n  b: [1,　2]\n").found, "\u{3000}");
    }

    #[test]
    fn tabs_and_full_width_indentation() {
        assert!(one("a:\n\tb: [1]\n").message.contains("Tab"));
        assert!(one("a:\n　b: [1]\n").message.contains("全角空格"));
    }

    #[test]
    fn missing_bracket_and_space() {
        assert!(
            one("a:\n  b: [1, 2\n  c: [3]\n")
                .message
                .contains("缺少右方括号")
        );
        assert!(one("a:\n  b:[1, 2]\n").message.contains("半角空格"));
    }

    #[test]
    fn prose_and_comments_may_hold_any_punctuation() {
        let source = "acknowledged:\n  - code: N001\n    reason: 原报告：此格空白，未填【原样照录】\n# 说明：第一，［注］\nfees:\n  notices: 0   # 件数，单位：件\n";
        assert!(slips(source).is_empty(), "{:#?}", slips(source));
    }
}

//! Diagnostics: every problem a person can cause, with its place, in Chinese.
//!
//! The registry `CODES` is the one list of check codes (README's table is tested against it).

use std::borrow::Cow;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use crate::model::Pos;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
        }
    }
}

/// What a check code means.
#[derive(Debug)]
pub struct CodeInfo {
    pub code: &'static str,
    pub severity: Severity,
    /// Whether a published report's data file may acknowledge it.
    pub acknowledgeable: bool,
    pub title: &'static str,
    pub hint: &'static str,
}

const fn code(
    code: &'static str,
    severity: Severity,
    acknowledgeable: bool,
    title: &'static str,
    hint: &'static str,
) -> CodeInfo {
    CodeInfo {
        code,
        severity,
        acknowledgeable,
        title,
        hint,
    }
}

use Severity::{Error as E, Warning as W};

/// Every check code, in the order of the README's table.
pub const CODES: &[CodeInfo] = &[
    code(
        "L001",
        E,
        false,
        "YAML 语法错误",
        "检查这一行及上一行：冒号后要有空格，方括号要成对，缩进要用空格对齐（不能用 Tab）。",
    ),
    code(
        "L002",
        E,
        false,
        "文件为空",
        "按 `nianbao new` 生成的样式填写内容。",
    ),
    code(
        "L003",
        E,
        false,
        "文件不是 UTF-8 编码",
        "用编辑器把文件另存为“UTF-8”编码（不要用 GBK/GB2312）。",
    ),
    code(
        "L004",
        E,
        false,
        "文件过大",
        "年报数据文件通常只有几 KB，请确认没有误把其他文件另存为这个文件名。",
    ),
    code(
        "L005",
        E,
        false,
        "未知的键",
        "检查拼写；键名必须与 `nianbao new` 生成的完全一致。",
    ),
    code(
        "L006",
        E,
        false,
        "缺少必填的项目",
        "缺项不会当作 0 处理：请补上这一项，没有发生的数量写 0。",
    ),
    code(
        "L007",
        E,
        false,
        "重复的键",
        "同一层里每个键只能出现一次，请删除或合并重复的一行。",
    ),
    code(
        "L008",
        E,
        false,
        "年度文件夹名不是年份",
        "年度文件夹以四位数字的报告年度命名，如 2024，且不早于 2019。",
    ),
    code(
        "L009",
        E,
        false,
        "data.yaml 与 report.md 不成对",
        "每个年度文件夹都要同时有 data.yaml（表格数字）和 report.md（正文）。",
    ),
    code(
        "L010",
        E,
        false,
        "不是整数",
        "只写阿拉伯数字（半角），不要写单位、汉字或小数。",
    ),
    code(
        "L011",
        E,
        false,
        "数量为负数",
        "件数和金额不能为负数；只有「本年增/减」可以为负。",
    ),
    code(
        "L012",
        E,
        false,
        "金额不是十进制数",
        "只写数字（如 1090.98），单位已由表格规定，不要写“万元”“元”或千位分隔符。",
    ),
    code(
        "L013",
        E,
        false,
        "一行中数的个数不对",
        "每行按官方表格的列依次填写，列名见该行的注释。",
    ),
    code(
        "L014",
        E,
        false,
        "内容的形式不对",
        "对照 `nianbao new` 生成的样式：一行数字写成 [0, 0, 0]，分组下再缩进一层。",
    ),
    code(
        "L015",
        E,
        false,
        "日期无效",
        "日期写成 2025-01-20 的形式；发布日期不详时写 unknown。",
    ),
    code(
        "L016",
        E,
        false,
        "取值无效",
        "只能从注释列出的取值中选择一个。",
    ),
    code(
        "L017",
        E,
        false,
        "机关文件夹无效",
        "机关文件夹名只用小写英文字母、数字和连字符（如 jiahe），并且要有 agency.yaml。",
    ),
    code(
        "L018",
        E,
        false,
        "正文嵌套过深",
        "引用（>）、列表等最多嵌套 32 层；请检查是否误把大段“>”或缩进粘贴进了正文。",
    ),
    code(
        "L019",
        E,
        false,
        "文字中有控制字符",
        "从 Word 等软件复制的文字可能带有看不见的控制字符（如垂直制表符、换页符）：删除这个值重新输入。",
    ),
    code(
        "L020",
        E,
        false,
        "文字过长",
        "名称、标题等只写一行；较长的说明请写在 report.md 中。",
    ),
    code(
        "L021",
        E,
        false,
        "链接指向站点以外",
        "content/ 中的文件和文件夹不能是指向站点目录以外的链接（快捷方式）：把文件复制到站点中。",
    ),
    code(
        "L022",
        E,
        false,
        "文件或文件夹无法读取",
        "检查权限：运行 nianbao 的用户要能打开这个文件夹、读取这个文件。",
    ),
    code(
        "N001",
        E,
        true,
        "单元格未填报",
        "没有发生的数量应填 0；如已发布的报告此格空白或为“/”，可登记为已确认的问题。",
    ),
    code(
        "N002",
        E,
        false,
        "总计未写且无法计算",
        "这一行有空白（/）的单元格，总计不能由 nianbao 计算：照原报告把总计写在行末；原报告总计也空白的，写 /。",
    ),
    code(
        "F001",
        E,
        true,
        "（六）其他处理未按2021年格式拆分为三项",
        "2021年格式把（六）其他处理分为三项分别填报；已发布的报告印为一行的，登记为已确认的问题。",
    ),
    code(
        "T001",
        E,
        true,
        "第三部分勾稽关系不成立：第一项加第二项之和应等于第三项加第四项之和",
        "上年结转和本年新收的申请，须在本年办结（计入“三、本年度办理结果”）或结转下年度（计入“四、结转下年度继续办理”）。",
    ),
    code(
        "T002",
        E,
        true,
        "第三部分该行总计不等于各类申请人之和",
        "总计 = 自然人 + 商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他。总计一列也可以不写，由 nianbao 计算。",
    ),
    code(
        "T003",
        E,
        true,
        "第三部分（七）总计不等于各项办理结果之和",
        "（七）总计 =（一）+（二）+（三）至（六）各小项之和。",
    ),
    code(
        "T004",
        E,
        true,
        "第四部分总计不等于各结果之和",
        "总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结。总计也可以不写，由 nianbao 计算。",
    ),
    code(
        "Y001",
        E,
        true,
        "上年结转与上一年度的结转下年度不一致",
        "本年“二、上年结转政府信息公开申请数量”应逐列等于上一年度的“四、结转下年度继续办理”。",
    ),
    code(
        "Y002",
        E,
        true,
        "上一年项目数量与上一年度数据不衔接",
        "2019年格式：本年的上一年项目数量 = 上一年度的上一年项目数量 + 上一年度的本年增/减。",
    ),
    code(
        "Y003",
        W,
        true,
        "现行有效件数与上一年度数据不衔接",
        "2021年格式：现行有效件数 ≈ 上年现行有效件数 + 本年制发件数 − 本年废止件数；修订、自然失效会造成差异，差异属实时可在正文中说明。",
    ),
    code(
        "Y004",
        W,
        true,
        "数字与上一年度相差 1000 倍以上",
        "多半是单位填错了（把“元”填进了“万元”的格）或多写、少写了几个 0；数字属实的，登记为已确认的问题。",
    ),
    code(
        "D001",
        E,
        true,
        "正文标题与官方格式不符",
        "各部分标题须与官方格式完全一致，如「五、存在的主要问题及改进情况」。",
    ),
    code(
        "D002",
        E,
        true,
        "正文各部分顺序不对或重复",
        "各部分按 一 至 六 的顺序各出现一次。",
    ),
    code(
        "D003",
        E,
        true,
        "正文缺少必需的部分",
        "report.md 须有「一、总体情况」「五、存在的主要问题及改进情况」「六、其他需要报告的事项」三部分。",
    ),
    code(
        "D004",
        E,
        true,
        "正文某部分内容为空",
        "每个部分都要写内容；确实没有需要报告的事项时写“无。”。",
    ),
    code(
        "D005",
        E,
        true,
        "声明的年报格式与报告年度不符",
        "2019、2020年度使用2019年格式，2021年度起使用2021年格式。",
    ),
    code(
        "D006",
        W,
        true,
        "发布日期晚于法定期限",
        "部门和街道、乡镇的年报应于次年1月31日前发布；人民政府本行政区域的年报应于次年3月31日前发布。",
    ),
    code(
        "D007",
        E,
        true,
        "正文留有填写说明",
        "发布前删除“（填写说明：……）”这样的模板文字。草稿年度（published: draft）中只是警告。",
    ),
    code(
        "D008",
        W,
        true,
        "发布日期早于报告年度结束",
        "年报统计全年情况，一般在次年年初发布；请核对发布日期。",
    ),
    code(
        "D010",
        W,
        true,
        "正文大段重复上一年度的内容",
        "评估中“内容雷同”会被扣分：请结合本年度的实际情况重写，说明新的做法、问题和措施。",
    ),
    code(
        "D011",
        W,
        true,
        "正文中的数字与表格不符",
        "正文和表格说的是同一项数字时应当一致；口径不同（如正文只计本机关、表格是全区）时在正文中写明口径，已发布的报告登记为已确认的问题。",
    ),
    code(
        "D012",
        E,
        true,
        "部分标题没有写成标题",
        "部分标题单独一行，前面写 `## ` （两个井号加一个半角空格），如 `## 五、存在的主要问题及改进情况`；行首不要有空格。",
    ),
    code(
        "D013",
        W,
        true,
        "部分标题的级别与其他部分不同",
        "各部分标题都写成 `## 一、总体情况` 这样的二级标题（两个井号），不要一处写 `#`、一处写 `##`。",
    ),
    code(
        "B001",
        E,
        false,
        "网站模板或站点设置有错误",
        "检查 templates/、themes/ 中的模板和 content/site.yaml。",
    ),
    code(
        "B002",
        E,
        false,
        "读写文件失败",
        "检查文件的权限和磁盘空间；提示“打开的文件过多”（Too many open files）时，关闭多余的程序或浏览器标签页后再试。",
    ),
    code(
        "B003",
        E,
        false,
        "nianbao 内部错误",
        "这是 nianbao 的缺陷：请把错误信息和出错的站点文件报告给维护者。",
    ),
    code(
        "A001",
        E,
        false,
        "登记的已确认问题无效",
        "acknowledged 中每一项要写 code（检查代码）、reason（原因），涉及单元格的还要写 cell。",
    ),
    code(
        "A002",
        W,
        false,
        "登记的已确认问题并未出现",
        "数据已经改正，或 code/cell 写得不对；请核对或删除这一项。",
    ),
    code(
        "A003",
        W,
        false,
        "登记的已确认问题与现在的数字不符",
        "登记时记录的实际值（found）与现在的数字不同：数字改动过，这一项不再适用。核对后更新 found，或删除这一项。",
    ),
];

pub(crate) fn code_info(code: &str) -> Option<&'static CodeInfo> {
    CODES.iter().find(|c| c.code == code)
}

/// One problem, with everything a person needs to find and fix it.
#[derive(Clone, Debug, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: &'static str,
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
    pub fn new(code: &'static str, file: &Path) -> Diagnostic {
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
        for (i, a) in CODES.iter().enumerate() {
            assert!(
                CODES[i + 1..].iter().all(|b| b.code != a.code),
                "{}",
                a.code
            );
        }
    }

    #[test]
    fn caret_is_under_the_cell_even_after_chinese_text() {
        let d = Diagnostic::new("L010", Path::new("data.yaml"))
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
        let d = Diagnostic::new("L001", Path::new("content/a\u{1b}]0;x\u{7}/data.yaml"))
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

//! Every check code (`Code`), what a code means (`CodeInfo`: severity, title, hint), and the
//! meanings of the codes that are not the template's rules. A table of data that every stage
//! names its problems by; README's table of check codes is tested against the full registry
//! (`diagnostic::all_codes`).

use std::fmt;

use serde::Serialize;

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

/// A check code: a letter for the stage that finds it (L load, T table identity, Y across years,
/// D document, A acknowledgement, N notice, F form, B build…) and a number. Each has one entry in
/// `CodeInfo` with its severity, title and hint (`diagnostic::all_codes`); README's table of codes is tested against them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Code {
    L001,
    L002,
    L003,
    L004,
    L005,
    L006,
    L007,
    L008,
    L009,
    L010,
    L011,
    L012,
    L013,
    L014,
    L015,
    L016,
    L017,
    L018,
    L019,
    L020,
    L021,
    L022,
    L023,
    N001,
    N002,
    F001,
    T001,
    T002,
    T003,
    T004,
    Y001,
    Y002,
    Y003,
    Y004,
    D001,
    D002,
    D003,
    D004,
    D005,
    D006,
    D007,
    D008,
    D010,
    D011,
    D012,
    D013,
    D014,
    B001,
    B002,
    B003,
    A001,
    A002,
    A003,
}

impl Code {
    /// The code as printed, `L001`.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::L001 => "L001",
            Code::L002 => "L002",
            Code::L003 => "L003",
            Code::L004 => "L004",
            Code::L005 => "L005",
            Code::L006 => "L006",
            Code::L007 => "L007",
            Code::L008 => "L008",
            Code::L009 => "L009",
            Code::L010 => "L010",
            Code::L011 => "L011",
            Code::L012 => "L012",
            Code::L013 => "L013",
            Code::L014 => "L014",
            Code::L015 => "L015",
            Code::L016 => "L016",
            Code::L017 => "L017",
            Code::L018 => "L018",
            Code::L019 => "L019",
            Code::L020 => "L020",
            Code::L021 => "L021",
            Code::L022 => "L022",
            Code::L023 => "L023",
            Code::N001 => "N001",
            Code::N002 => "N002",
            Code::F001 => "F001",
            Code::T001 => "T001",
            Code::T002 => "T002",
            Code::T003 => "T003",
            Code::T004 => "T004",
            Code::Y001 => "Y001",
            Code::Y002 => "Y002",
            Code::Y003 => "Y003",
            Code::Y004 => "Y004",
            Code::D001 => "D001",
            Code::D002 => "D002",
            Code::D003 => "D003",
            Code::D004 => "D004",
            Code::D005 => "D005",
            Code::D006 => "D006",
            Code::D007 => "D007",
            Code::D008 => "D008",
            Code::D010 => "D010",
            Code::D011 => "D011",
            Code::D012 => "D012",
            Code::D013 => "D013",
            Code::D014 => "D014",
            Code::B001 => "B001",
            Code::B002 => "B002",
            Code::B003 => "B003",
            Code::A001 => "A001",
            Code::A002 => "A002",
            Code::A003 => "A003",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl PartialOrd for Code {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Codes sort as they read (`D001` < `L001`), so diagnostics keep their printed order.
impl Ord for Code {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

/// What a check code means.
#[derive(Debug)]
pub struct CodeInfo {
    pub code: Code,
    pub severity: Severity,
    /// Whether a published report's data file may acknowledge it.
    pub acknowledgeable: bool,
    pub title: &'static str,
    pub hint: &'static str,
}

pub(crate) const fn code(
    code: Code,
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

/// The codes of loading, of the document's form, of building and of acknowledgements. The codes
/// of the template's own rules (its identities, cross-year rules, parts and years) are registered
/// next to those rules, in `definition/rules.rs`; `diagnostic::all_codes` lists both.
pub(crate) const GENERAL_CODES: &[CodeInfo] = &[
    code(
        Code::L001,
        E,
        false,
        "YAML 语法错误",
        "检查这一行及上一行：冒号后要有空格，方括号要成对，缩进要用空格对齐（不能用 Tab）。",
    ),
    code(
        Code::L002,
        E,
        false,
        "文件为空",
        "按 `nianbao new` 生成的样式填写内容。",
    ),
    code(
        Code::L003,
        E,
        false,
        "文件不是 UTF-8 编码",
        "用编辑器把文件另存为“UTF-8”编码（不要用 GBK/GB2312）。",
    ),
    code(
        Code::L004,
        E,
        false,
        "文件过大",
        "年报数据文件通常只有几 KB，请确认没有误把其他文件另存为这个文件名。",
    ),
    code(
        Code::L005,
        E,
        false,
        "未知的键",
        "检查拼写；键名必须与 `nianbao new` 生成的完全一致。",
    ),
    code(
        Code::L006,
        E,
        false,
        "缺少必填的项目",
        "缺项不会当作 0 处理：请补上这一项，没有发生的数量写 0。",
    ),
    code(
        Code::L007,
        E,
        false,
        "重复的键",
        "同一层里每个键只能出现一次，请删除或合并重复的一行。",
    ),
    code(
        Code::L008,
        E,
        false,
        "年度文件夹名不是年份",
        "年度文件夹以四位数字的报告年度命名，如 2024，且不早于 2019。",
    ),
    code(
        Code::L009,
        E,
        false,
        "data.yaml 与 report.md 不成对",
        "每个年度文件夹都要同时有 data.yaml（表格数字）和 report.md（正文）。",
    ),
    code(
        Code::L010,
        E,
        false,
        "不是整数",
        "只写阿拉伯数字（半角），不要写单位、汉字或小数。",
    ),
    code(
        Code::L011,
        E,
        false,
        "数量为负数",
        "件数和金额不能为负数；只有「本年增/减」可以为负。",
    ),
    code(
        Code::L012,
        E,
        false,
        "金额不是十进制数",
        "只写数字（如 1090.98），单位已由表格规定，不要写“万元”“元”或千位分隔符。",
    ),
    code(
        Code::L013,
        E,
        false,
        "一行中数的个数不对",
        "每行按官方表格的列依次填写，列名见该行的注释。",
    ),
    code(
        Code::L014,
        E,
        false,
        "内容的形式不对",
        "对照 `nianbao new` 生成的样式：一行数字写成 [0, 0, 0]，分组下再缩进一层。",
    ),
    code(
        Code::L015,
        E,
        false,
        "日期无效",
        "日期写成 2025-01-20 的形式；发布日期不详时写 unknown。",
    ),
    code(
        Code::L016,
        E,
        false,
        "取值无效",
        "只能从注释列出的取值中选择一个。",
    ),
    code(
        Code::L017,
        E,
        false,
        "机关文件夹无效",
        "机关文件夹名只用小写英文字母、数字和连字符（如 jiahe），并且要有 agency.yaml。",
    ),
    code(
        Code::L018,
        E,
        false,
        "正文嵌套过深",
        "引用（>）、列表等最多嵌套 32 层；请检查是否误把大段“>”或缩进粘贴进了正文。",
    ),
    code(
        Code::L019,
        E,
        false,
        "文字中有控制字符",
        "从 Word 等软件复制的文字可能带有看不见的控制字符（如垂直制表符、换页符）：删除这个值重新输入。",
    ),
    code(
        Code::L020,
        E,
        false,
        "文字过长",
        "名称、标题等只写一行；较长的说明请写在 report.md 中。",
    ),
    code(
        Code::L021,
        E,
        false,
        "链接指向站点以外",
        "content/ 中的文件和文件夹不能是指向站点目录以外的链接（快捷方式）：把文件复制到站点中。",
    ),
    code(
        Code::L022,
        E,
        false,
        "文件或文件夹无法读取",
        "检查权限：运行 nianbao 的用户要能打开这个文件夹、读取这个文件。",
    ),
    code(
        Code::L023,
        W,
        false,
        "机关分组有误",
        "site.yaml 的 groups 中每个机关代号写一次，且是 content/ 下的文件夹名；没写进分组的机关列在最后的“其他机关”分组。",
    ),
    code(
        Code::N001,
        E,
        true,
        "单元格未填报",
        "没有发生的数量应填 0；如已发布的报告此格空白或为“/”，可登记为已确认的问题。",
    ),
    code(
        Code::N002,
        E,
        false,
        "总计未写且无法计算",
        "这一行有空白（/）的单元格，总计不能由 nianbao 计算：照原报告把总计写在行末；原报告总计也空白的，写 /。",
    ),
    code(
        Code::Y004,
        W,
        true,
        "数字与上一年度相差 1000 倍以上",
        "多半是单位填错了（把“元”填进了“万元”的格）或多写、少写了几个 0；数字属实的，登记为已确认的问题。",
    ),
    code(
        Code::D004,
        E,
        true,
        "正文某部分内容为空",
        "每个部分都要写内容；确实没有需要报告的事项时写“无。”。",
    ),
    code(
        Code::D006,
        W,
        true,
        "发布日期晚于法定期限",
        "部门和街道、乡镇的年报应于次年1月31日前发布；人民政府本行政区域的年报应于次年3月31日前发布。",
    ),
    code(
        Code::D007,
        E,
        true,
        "正文留有填写说明",
        "发布前删除“（填写说明：……）”这样的模板文字。草稿年度（published: draft）中只是警告。",
    ),
    code(
        Code::D008,
        W,
        true,
        "发布日期早于报告年度结束",
        "年报统计全年情况，一般在次年年初发布；请核对发布日期。",
    ),
    code(
        Code::D010,
        W,
        true,
        "正文大段重复上一年度的内容",
        "评估中“内容雷同”会被扣分：请结合本年度的实际情况重写，说明新的做法、问题和措施。",
    ),
    code(
        Code::D011,
        W,
        true,
        "正文中的数字与表格不符",
        "正文和表格说的是同一项数字时应当一致；口径不同（如正文只计本机关、表格是全区）时在正文中写明口径，已发布的报告登记为已确认的问题。",
    ),
    code(
        Code::D012,
        E,
        true,
        "部分标题没有写成标题",
        "部分标题单独一行，前面写 `## ` （两个井号加一个半角空格），如 `## 五、存在的主要问题及改进情况`；行首不要有空格。",
    ),
    code(
        Code::D013,
        W,
        true,
        "部分标题的级别与其他部分不同",
        "各部分标题都写成 `## 一、总体情况` 这样的二级标题（两个井号），不要一处写 `#`、一处写 `##`。",
    ),
    code(
        Code::D014,
        E,
        true,
        "正文中的注释没有结束",
        "`<!--` 开始的注释要用 `-->` 结束；没有结束时，它后面的全部正文（包括部分标题）都不会显示。删掉注释的一部分时常会误删结尾的 `-->`。",
    ),
    code(
        Code::B001,
        E,
        false,
        "网站模板或站点设置有错误",
        "检查 templates/、themes/ 中的模板和 content/site.yaml。",
    ),
    code(
        Code::B002,
        E,
        false,
        "读写文件失败",
        "检查文件的权限和磁盘空间；提示“打开的文件过多”（Too many open files）时，关闭多余的程序或浏览器标签页后再试。",
    ),
    code(
        Code::B003,
        E,
        false,
        "nianbao 内部错误",
        "这是 nianbao 的缺陷：请把错误信息和出错的站点文件报告给维护者。",
    ),
    code(
        Code::A001,
        E,
        false,
        "登记的已确认问题无效",
        "acknowledged 中每一项要写 code（检查代码）、reason（原因），涉及单元格的还要写 cell。",
    ),
    code(
        Code::A002,
        W,
        false,
        "登记的已确认问题并未出现",
        "数据已经改正，或 code/cell 写得不对；请核对或删除这一项。",
    ),
    code(
        Code::A003,
        W,
        false,
        "登记的已确认问题与现在的数字不符",
        "登记时记录的实际值（found）与现在的数字不同：数字改动过，这一项不再适用。核对后更新 found，或删除这一项。",
    ),
];

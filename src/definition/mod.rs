//! The national templates of the annual report, defined once, as data.
//!
//! Everything about the official format lives here: the six parts and their headings, every
//! table of parts 二, 三, 四 (and the fee figures of 六) with its rows, columns and exact official
//! labels, the kind of every cell, the identities inside a year and the rules across consecutive
//! years. The loader, the checks, the scaffold and the renderer all derive what they need from
//! these definitions. Adding a template version means adding one `fn template_20xx`.
//!
//! Cell ids are stable and shared between templates wherever the two templates mean the same
//! thing (for example `requests.received.natural_person`); a cell id present in both templates
//! is comparable across them, every other cell is 口径不同.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// The report years nianbao accepts, the one rule for the loader (year folders) and `new`: the
/// 2019 format is the first national template; the upper bound keeps every year four digits and
/// arithmetic on years far from overflow.
pub(crate) const REPORT_YEARS: std::ops::RangeInclusive<u16> = 2019..=2099;

/// The years a publication date may have: annual reports exist since the Regulations on Open
/// Government Information took effect (2008), and a report is published the year after it ends.
pub(crate) const PUBLISHED_YEARS: std::ops::RangeInclusive<u16> = 2008..=2100;

/// A version of the national template.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TemplateId {
    /// 2019 format (试行), 国办公开办函〔2019〕60号: report years 2019 and 2020.
    F2019,
    /// 2021 format, 国办公开办函〔2021〕30号: report years 2021 onward.
    F2021,
}

impl TemplateId {
    pub const ALL: [TemplateId; 2] = [TemplateId::F2019, TemplateId::F2021];

    /// The key written in data.yaml (`template: 2021`).
    pub fn key(self) -> &'static str {
        match self {
            TemplateId::F2019 => "2019",
            TemplateId::F2021 => "2021",
        }
    }

    pub fn from_key(key: &str) -> Option<TemplateId> {
        TemplateId::ALL.into_iter().find(|t| t.key() == key)
    }

    /// The template that applies to a report year (none outside `REPORT_YEARS`): the newest
    /// whose definition's `first_year` the year has reached.
    pub fn for_year(year: u16) -> Option<TemplateId> {
        if !REPORT_YEARS.contains(&year) {
            return None;
        }
        TemplateId::ALL
            .into_iter()
            .rev()
            .find(|t| t.get().first_year <= year)
    }

    pub fn get(self) -> &'static Template {
        static TEMPLATES: OnceLock<[Template; 2]> = OnceLock::new();
        let all = TEMPLATES.get_or_init(|| [template_2019(), template_2021()]);
        &all[self as usize]
    }
}

/// The kind of value a cell holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellKind {
    /// A non-negative whole number.
    Count,
    /// A whole number that may be negative (「本年增/减」).
    SignedCount,
    /// An exact decimal amount of money in the given unit.
    Money(Unit),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Yuan,
    TenThousandYuan,
}

impl Unit {
    pub fn label(self) -> &'static str {
        match self {
            Unit::Yuan => "元",
            Unit::TenThousandYuan => "万元",
        }
    }

    /// How many yuan one of this unit is.
    pub fn yuan(self) -> u32 {
        match self {
            Unit::Yuan => 1,
            Unit::TenThousandYuan => 10_000,
        }
    }

    /// The note the official tables print after a money label: 「（单位：万元）」.
    pub fn note(self) -> String {
        format!("（单位：{}）", self.label())
    }

    /// Units a clerk may type after a figure, longest first, with their size in yuan.
    pub const TYPED: [(&'static str, u32); 3] = [("万元", 10_000), ("元", 1), ("万", 10_000)];
}

/// The id of a cell, `table.row.column` (`requests.withheld.state_secret.natural_person`): the
/// one place it is built; acknowledgements, diagnostics, anchors and exports all use it.
pub(crate) fn cell_id(table: &str, row: &str, column: &str) -> String {
    format!("{table}.{row}.{column}")
}

/// The id of a row, `table.row`, the prefix of its cells' ids.
pub(crate) fn row_id(table: &str, row: &str) -> String {
    format!("{table}.{row}")
}

/// A label with its unit note appended when the cell is money and the label does not already
/// say its unit (「采购总金额」 → 「采购总金额（单位：万元）」).
pub(crate) fn label_with_unit(label: &str, kind: CellKind) -> String {
    match kind.unit() {
        Some(unit) if !label.contains("单位") => format!("{label}{}", unit.note()),
        _ => label.to_string(),
    }
}

impl CellKind {
    /// The unit of a money cell; None for counts.
    pub fn unit(self) -> Option<Unit> {
        match self {
            CellKind::Money(unit) => Some(unit),
            CellKind::Count | CellKind::SignedCount => None,
        }
    }

    /// A Chinese description for messages and scaffold comments.
    pub fn describe(self) -> String {
        match self {
            CellKind::Count => "非负整数".to_string(),
            CellKind::SignedCount => "整数（可为负数，如 -3 或 +19）".to_string(),
            CellKind::Money(unit) => format!("金额，单位{}，十进制数（如 12.5）", unit.label()),
        }
    }
}

/// What a part of the report is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PartKind {
    /// Prose that report.md must contain.
    Prose,
    /// Statistical tables from data.yaml; report.md may add notes under the heading.
    Tables,
}

/// One of the six parts of the report.
#[derive(Debug)]
pub(crate) struct Part {
    /// 1 to 6.
    pub number: u8,
    /// The official heading, e.g. 「一、总体情况」.
    pub heading: &'static str,
    pub kind: PartKind,
    /// A line of guidance for the scaffold of report.md (prose parts only).
    pub guidance: &'static str,
}

impl Part {
    /// The leading numeral with its mark, e.g. 「一、」.
    pub(crate) fn numeral(&self) -> &'static str {
        let end = self
            .heading
            .find('、')
            .map(|i| i + '、'.len_utf8())
            .unwrap_or(0);
        &self.heading[..end]
    }

    /// An id for anchors and file names: `part1` … `part6`.
    pub(crate) fn anchor(&self) -> String {
        format!("part{}", self.number)
    }
}

/// The six parts, the same in both templates, in the official order.
pub(crate) const PARTS: [Part; 6] = [
    Part {
        number: 1,
        heading: "一、总体情况",
        kind: PartKind::Prose,
        guidance: "（填写说明：概述本年度贯彻落实《中华人民共和国政府信息公开条例》的情况，一般分为主动公开、依申请公开、政府信息管理、政府信息公开平台建设、监督保障五个方面。）",
    },
    Part {
        number: 2,
        heading: "二、主动公开政府信息情况",
        kind: PartKind::Tables,
        guidance: "",
    },
    Part {
        number: 3,
        heading: "三、收到和处理政府信息公开申请情况",
        kind: PartKind::Tables,
        guidance: "",
    },
    Part {
        number: 4,
        heading: "四、政府信息公开行政复议、行政诉讼情况",
        kind: PartKind::Tables,
        guidance: "",
    },
    Part {
        number: 5,
        heading: "五、存在的主要问题及改进情况",
        kind: PartKind::Prose,
        guidance: "（填写说明：如实说明上一年度年报所提问题的整改情况，以及本年度发现的主要问题和改进措施。）",
    },
    Part {
        number: 6,
        heading: "六、其他需要报告的事项",
        kind: PartKind::Prose,
        guidance: "（填写说明：说明其他需要报告的事项；2021年格式须写明信息处理费情况：发出收费通知的件数和总金额，以及实际收取的总金额。）",
    },
];

/// The prefix that marks scaffold guidance left in report.md.
pub(crate) const GUIDANCE_PREFIX: &str = "（填写说明：";

pub(crate) fn part(number: u8) -> &'static Part {
    &PARTS[usize::from(number.clamp(1, 6)) - 1]
}

/// A column of a table.
#[derive(Clone, Debug)]
pub struct Column {
    /// The key inside the cell id, e.g. `business`.
    pub key: &'static str,
    /// The official label of the column, e.g. 「商业企业」.
    pub label: &'static str,
    /// Labels of the header cells above this one, outermost first (e.g. 「申请人情况」, 「法人或其他组织」).
    pub header: Vec<&'static str>,
    pub kind: CellKind,
    /// A total that data.yaml may leave out; it is then computed from its row-sum identity.
    pub optional_total: bool,
}

/// A data row of a table, after groups are laid out.
#[derive(Clone, Debug)]
pub struct Row {
    /// The row's path inside the table, e.g. `withheld.state_secret` (YAML keys joined by dots).
    pub key: String,
    /// The kind of this row's cells when it differs from the column's (the fee figures of 六).
    pub kind: Option<CellKind>,
    /// Official labels from the outermost level in, e.g.
    /// [「三、本年度办理结果」, 「（三）不予公开」, 「1.属于国家秘密」].
    pub labels: Vec<&'static str>,
}

impl Row {
    /// The full official label, e.g. 「三、本年度办理结果（三）不予公开 1.属于国家秘密」.
    pub fn full_label(&self) -> String {
        let mut out = String::new();
        for label in &self.labels {
            if !out.is_empty() && !label.starts_with('（') {
                out.push(' ');
            }
            out.push_str(label);
        }
        out
    }
}

/// How a table is laid out on the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Rows down, columns across, row labels at up to three levels on the left.
    Rows,
    /// Part 四: the rows are column groups of a single official row (行政复议 | 行政诉讼…).
    GroupsAcross,
}

/// A row specification in a definition: a leaf, a group of numbered items, or a label that
/// only heads the rows below it (「三、本年度办理结果」).
#[derive(Clone, Debug)]
enum RowSpec {
    Leaf(&'static str, &'static str, Option<CellKind>),
    Group {
        key: &'static str,
        label: &'static str,
        children: Vec<(&'static str, &'static str)>,
        /// A published deviation: the group printed as one row. The check code that reports it.
        mergeable: Option<&'static str>,
    },
    Heading(&'static str, Vec<RowSpec>),
}

/// One statistical table (a sub-table of part 二, the table of part 三, of part 四, the fee figures).
#[derive(Clone, Debug)]
pub struct Table {
    /// The table's YAML path and cell-id prefix, e.g. `proactive.item1` or `requests`.
    pub key: &'static str,
    /// The part it belongs to (2, 3, 4 or 6).
    pub part: u8,
    /// The caption: 「第二十条第（一）项」 for part 二, the part's title otherwise.
    pub caption: &'static str,
    /// The text of the top-left header cell (「信息内容」 or the 勾稽关系 note).
    pub corner: &'static str,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    pub layout: Layout,
    /// Groups printed as one row in this form (a recorded deviation), by group key.
    pub merged: Vec<&'static str>,
    specs: Vec<RowSpec>,
}

impl Table {
    /// The number of label levels of the rows (1 to 3).
    pub fn row_levels(&self) -> usize {
        self.rows.iter().map(|r| r.labels.len()).max().unwrap_or(1)
    }

    /// The number of header rows above the data (1 to 3).
    pub fn header_levels(&self) -> usize {
        self.columns
            .iter()
            .map(|c| c.header.len() + 1)
            .max()
            .unwrap_or(1)
    }

    /// Whether the table is one of several under its part, with a caption of its own
    /// (「第二十条第（一）项」, 「信息处理费」) rather than the part's heading.
    pub fn is_sub_table(&self) -> bool {
        self.caption != part(self.part).heading
    }

    /// Whether the corner cell is the header of the row labels (「信息内容」, 「项目」); part 三's
    /// corner holds the form's note on its sums, which heads nothing.
    pub fn corner_heads_rows(&self) -> bool {
        self.part != 3 && !self.corner.is_empty()
    }

    /// Whether the table is a list of single figures (one column, 「本年度」), like the fees of 六.
    pub fn is_figure_list(&self) -> bool {
        matches!(self.columns.as_slice(), [only] if only.key == "value")
    }

    /// The official label of a row, with the sub-table's caption in front when there is one:
    /// 「第二十条第（一）项 规章」, 「三、本年度办理结果（四）无法提供 1.本机关不掌握相关政府信息」.
    pub fn row_label(&self, row: &Row) -> String {
        if self.is_sub_table() {
            format!("{} {}", self.caption, row.full_label())
        } else {
            row.full_label()
        }
    }

    /// The table's title: 「主动公开政府信息情况：第二十条第（一）项」, 「收到和处理政府信息公开申请情况」.
    pub fn title(&self) -> String {
        let heading = part(self.part).heading;
        let heading = heading
            .strip_prefix(part(self.part).numeral())
            .unwrap_or(heading);
        if self.is_sub_table() {
            format!("{heading}：{}", self.caption)
        } else {
            heading.to_string()
        }
    }

    pub fn column(&self, key: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.key == key)
    }

    /// The kind of a cell of this table, by row and column index.
    pub fn kind(&self, row: usize, column: usize) -> CellKind {
        self.rows[row].kind.unwrap_or(self.columns[column].kind)
    }

    /// The unit of a cell of this table (元 or 万元), by row and column index; None for counts.
    pub fn unit(&self, row: usize, column: usize) -> Option<Unit> {
        self.kind(row, column).unit()
    }

    pub fn row(&self, key: &str) -> Option<usize> {
        self.rows.iter().position(|r| r.key == key)
    }

    /// Mergeable groups of this table: (group key, group label, child count, deviation code).
    pub fn mergeable_groups(&self) -> Vec<(&'static str, &'static str, usize, &'static str)> {
        fn walk(
            specs: &[RowSpec],
            out: &mut Vec<(&'static str, &'static str, usize, &'static str)>,
        ) {
            for spec in specs {
                match spec {
                    RowSpec::Group {
                        key,
                        label,
                        children,
                        mergeable: Some(code),
                    } => out.push((key, label, children.len(), code)),
                    RowSpec::Heading(_, inner) => walk(inner, out),
                    _ => {}
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.specs, &mut out);
        out
    }

    /// The YAML keys of the entries directly under this table, in order, with whether each is a
    /// group of sub-items (a mapping) or a row (a list), as this form expects them.
    pub fn entries(&self) -> Vec<Entry> {
        fn walk(specs: &[RowSpec], merged: &[&str], out: &mut Vec<Entry>) {
            for spec in specs {
                match spec {
                    RowSpec::Leaf(key, label, _) => out.push(Entry {
                        key,
                        labels: vec![label],
                        children: Vec::new(),
                    }),
                    RowSpec::Group {
                        key,
                        label,
                        children,
                        ..
                    } => out.push(Entry {
                        key,
                        labels: vec![label],
                        children: if merged.contains(key) {
                            Vec::new()
                        } else {
                            children.clone()
                        },
                    }),
                    RowSpec::Heading(_, inner) => walk(inner, merged, out),
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.specs, &self.merged, &mut out);
        out
    }

    /// This table with a mergeable group printed as one row.
    fn with_merged(&self, group: &'static str) -> Table {
        let mut merged = self.merged.clone();
        merged.push(group);
        build_table(
            self.key,
            self.part,
            self.caption,
            self.corner,
            self.columns.clone(),
            self.specs.clone(),
            self.layout,
            merged,
        )
    }
}

/// An entry directly under a table in data.yaml: a row, or a group of numbered sub-items.
#[derive(Clone, Debug)]
pub struct Entry {
    pub key: &'static str,
    pub labels: Vec<&'static str>,
    /// Sub-item keys and labels; empty when the entry is a row.
    pub children: Vec<(&'static str, &'static str)>,
}

#[allow(clippy::too_many_arguments)]
fn build_table(
    key: &'static str,
    part: u8,
    caption: &'static str,
    corner: &'static str,
    columns: Vec<Column>,
    specs: Vec<RowSpec>,
    layout: Layout,
    merged: Vec<&'static str>,
) -> Table {
    fn flatten(
        specs: &[RowSpec],
        prefix: &[&'static str],
        merged: &[&'static str],
        out: &mut Vec<Row>,
    ) {
        for spec in specs {
            match spec {
                RowSpec::Leaf(key, label, kind) => {
                    let mut labels = prefix.to_vec();
                    labels.push(label);
                    out.push(Row {
                        key: key.to_string(),
                        kind: *kind,
                        labels,
                    });
                }
                RowSpec::Group {
                    key,
                    label,
                    children,
                    ..
                } => {
                    let mut labels = prefix.to_vec();
                    labels.push(label);
                    if merged.contains(key) {
                        out.push(Row {
                            key: key.to_string(),
                            kind: None,
                            labels,
                        });
                    } else {
                        for (child, child_label) in children {
                            let mut labels = labels.clone();
                            labels.push(child_label);
                            out.push(Row {
                                key: format!("{key}.{child}"),
                                kind: None,
                                labels,
                            });
                        }
                    }
                }
                RowSpec::Heading(label, inner) => {
                    let mut next = prefix.to_vec();
                    next.push(label);
                    flatten(inner, &next, merged, out);
                }
            }
        }
    }
    let mut rows = Vec::new();
    flatten(&specs, &[], &merged, &mut rows);
    Table {
        key,
        part,
        caption,
        corner,
        columns,
        rows,
        layout,
        merged,
        specs,
    }
}

/// An identity inside one table, stated once and expanded over rows or columns.
#[derive(Clone, Debug)]
enum TableRule {
    /// For every column: the sum of `lhs` rows equals the sum of `rhs` rows (part 三, 一 + 二 =
    /// （七）+ 四). Reported at the first `rhs` row.
    ColumnBalance {
        code: &'static str,
        table: &'static str,
        lhs: Vec<&'static str>,
        rhs: Vec<&'static str>,
    },
    /// For every row: `total` equals the sum of all other columns.
    RowTotal {
        code: &'static str,
        table: &'static str,
        total: &'static str,
    },
    /// For every column: the `total` row equals the sum of every row whose key starts with one
    /// of the `groups` (so it holds whether a group is split into items or printed as one row).
    ColumnTotal {
        code: &'static str,
        table: &'static str,
        total: &'static str,
        groups: Vec<&'static str>,
    },
}

/// A rule between a year and the year before, stated once and expanded.
#[derive(Clone, Debug)]
enum YearRule {
    /// For every column: this year's row `to` equals last year's row `from` (上年结转).
    CarryRow {
        code: &'static str,
        table: &'static str,
        from: &'static str,
        to: &'static str,
    },
    /// For every row of the tables: this year's `column` = last year's `column` + last year's
    /// `plus` (2019 format: 上一年项目数量 + 本年增/减).
    RollForward {
        code: &'static str,
        tables: Vec<&'static str>,
        column: &'static str,
        plus: &'static str,
    },
    /// For every row: this year's `stock` = last year's `stock` + this year's `inflow` − this
    /// year's `outflow` (2021 format: 现行有效件数).
    Stock {
        code: &'static str,
        table: &'static str,
        stock: &'static str,
        inflow: &'static str,
        outflow: &'static str,
    },
}

/// Which year a term of an equation reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum YearRef {
    Current,
    Previous,
}

/// One side's term: a cell of this year or of last year, added or subtracted.
#[derive(Clone, Debug)]
pub struct Term {
    pub year: YearRef,
    pub cell: String,
    pub negative: bool,
}

/// An identity expanded to single cells: sum(lhs) = sum(rhs).
#[derive(Clone, Debug)]
pub struct Equation {
    pub code: &'static str,
    /// The current-year cell where a failure is reported.
    pub anchor: String,
    pub lhs: Vec<Term>,
    pub rhs: Vec<Term>,
}

/// Where a cell sits in a form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CellPlace {
    pub table: usize,
    pub row: usize,
    pub column: usize,
}

/// A template as one year fills it in: the template's tables, with any mergeable groups that
/// the year prints as one row laid out that way, and the identities expanded over its cells.
#[derive(Debug)]
pub struct Form {
    pub template: TemplateId,
    pub tables: Vec<Table>,
    /// Every cell id in table, row, column order; a year's values are stored in this order.
    pub cells: Vec<String>,
    pub places: Vec<CellPlace>,
    index: HashMap<String, usize>,
    /// Identities inside the year.
    pub identities: Vec<Equation>,
    /// Rules against the previous year (checked when the previous year has the cells).
    pub year_rules: Vec<Equation>,
    /// Cells that are totals which data.yaml may omit, with the index of the equation that
    /// computes them.
    pub optional_totals: HashMap<usize, usize>,
}

impl Form {
    pub fn cell_index(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    pub fn table(&self, key: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.key == key)
    }

    pub fn place(&self, cell: usize) -> (&Table, &Row, &Column) {
        let p = self.places[cell];
        let table = &self.tables[p.table];
        (table, &table.rows[p.row], &table.columns[p.column])
    }

    /// The official label of a cell: 「row label」×「column label」.
    pub fn cell_label(&self, cell: usize) -> String {
        let (table, row, column) = self.place(cell);
        if table.is_figure_list() {
            format!("「{}」", table.row_label(row))
        } else {
            format!("「{}」×「{}」", table.row_label(row), column.label)
        }
    }

    /// The YAML path of a cell, e.g. `requests.withheld.state_secret[1]`.
    pub fn yaml_path(&self, cell: usize) -> String {
        let (table, row, _) = self.place(cell);
        let p = self.places[cell];
        if table.columns.len() == 1 {
            format!("{}.{}", table.key, row.key)
        } else {
            format!("{}.{}[{}]", table.key, row.key, p.column)
        }
    }

    pub fn kind(&self, cell: usize) -> CellKind {
        let (_, row, column) = self.place(cell);
        row.kind.unwrap_or(column.kind)
    }

    /// The unit of a money cell (元 or 万元), from the definition; None for counts.
    pub fn unit(&self, cell: usize) -> Option<Unit> {
        self.kind(cell).unit()
    }

    /// The deviations (merged groups) of this form: (table key, group key, check code).
    pub fn deviations(&self) -> Vec<(&'static str, &'static str, &'static str)> {
        let mut out = Vec::new();
        for table in &self.tables {
            for (group, _, _, code) in table.mergeable_groups() {
                if table.merged.contains(&group) {
                    out.push((table.key, group, code));
                }
            }
        }
        out
    }
}

/// A national template version.
#[derive(Debug)]
pub struct Template {
    pub id: TemplateId,
    /// 「2021年版」.
    pub name: &'static str,
    /// The notice that issued it.
    pub notice: &'static str,
    pub first_year: u16,
    /// Whether part 六 must report the information-processing fee figures.
    pub has_fees: bool,
    /// The form as the template prints it.
    pub form: Arc<Form>,
    /// Forms with mergeable groups printed as one row, keyed by "table.group".
    variants: HashMap<String, Arc<Form>>,
}

impl Template {
    /// The form with the given groups (as "table.group") printed as one row. A template defines
    /// at most one mergeable group (a test holds every definition to it), so a list of two is
    /// no form of this template.
    pub fn form_with(&self, merged: &[String]) -> Option<Arc<Form>> {
        match merged {
            [] => Some(self.form.clone()),
            [one] => self.variants.get(one).cloned(),
            _ => None,
        }
    }
}

fn col(key: &'static str, label: &'static str) -> Column {
    Column {
        key,
        label,
        header: Vec::new(),
        kind: CellKind::Count,
        optional_total: false,
    }
}

fn col_kind(key: &'static str, label: &'static str, kind: CellKind) -> Column {
    Column {
        kind,
        ..col(key, label)
    }
}

fn leaf(key: &'static str, label: &'static str) -> RowSpec {
    RowSpec::Leaf(key, label, None)
}

/// The caption of a part 二 sub-table and its corner label.
const ITEM_CORNER: &str = "信息内容";

fn proactive_table(
    key: &'static str,
    caption: &'static str,
    columns: Vec<Column>,
    rows: Vec<RowSpec>,
) -> Table {
    build_table(
        key,
        2,
        caption,
        ITEM_CORNER,
        columns,
        rows,
        Layout::Rows,
        Vec::new(),
    )
}

/// The note printed in the top-left header cell of part 三 (both templates).
pub(crate) const REQUESTS_NOTE: &str =
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）";

fn requests_table(other_handling: RowSpec) -> Table {
    let applicant = "申请人情况";
    let organisation = "法人或其他组织";
    let mut columns = vec![
        Column {
            header: vec![applicant],
            ..col("natural_person", "自然人")
        },
        Column {
            header: vec![applicant, organisation],
            ..col("business", "商业企业")
        },
        Column {
            header: vec![applicant, organisation],
            ..col("research", "科研机构")
        },
        Column {
            header: vec![applicant, organisation],
            ..col("public_interest", "社会公益组织")
        },
        Column {
            header: vec![applicant, organisation],
            ..col("legal_services", "法律服务机构")
        },
        Column {
            header: vec![applicant, organisation],
            ..col("other", "其他")
        },
        Column {
            header: vec![applicant],
            ..col("total", "总计")
        },
    ];
    columns[6].optional_total = true;
    let rows = vec![
        leaf("received", "一、本年新收政府信息公开申请数量"),
        leaf("carried_in", "二、上年结转政府信息公开申请数量"),
        RowSpec::Heading(
            "三、本年度办理结果",
            vec![
                leaf("granted", "（一）予以公开"),
                leaf(
                    "partly_granted",
                    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
                ),
                RowSpec::Group {
                    key: "withheld",
                    label: "（三）不予公开",
                    children: vec![
                        ("state_secret", "1.属于国家秘密"),
                        ("prohibited_by_law", "2.其他法律行政法规禁止公开"),
                        ("three_securities", "3.危及“三安全一稳定”"),
                        ("third_party", "4.保护第三方合法权益"),
                        ("internal_affairs", "5.属于三类内部事务信息"),
                        ("process_information", "6.属于四类过程性信息"),
                        ("enforcement_files", "7.属于行政执法案卷"),
                        ("query_matters", "8.属于行政查询事项"),
                    ],
                    mergeable: None,
                },
                RowSpec::Group {
                    key: "unavailable",
                    label: "（四）无法提供",
                    children: vec![
                        ("not_held", "1.本机关不掌握相关政府信息"),
                        ("needs_creation", "2.没有现成信息需要另行制作"),
                        ("still_unclear", "3.补正后申请内容仍不明确"),
                    ],
                    mergeable: None,
                },
                RowSpec::Group {
                    key: "not_handled",
                    label: "（五）不予处理",
                    children: vec![
                        ("petition", "1.信访举报投诉类申请"),
                        ("repeated", "2.重复申请"),
                        ("publications", "3.要求提供公开出版物"),
                        ("excessive", "4.无正当理由大量反复申请"),
                        ("confirmation", "5.要求行政机关确认或重新出具已获取信息"),
                    ],
                    mergeable: None,
                },
                other_handling,
                leaf("total", "（七）总计"),
            ],
        ),
        leaf("carried_over", "四、结转下年度继续办理"),
    ];
    build_table(
        "requests",
        3,
        PARTS[2].heading,
        REQUESTS_NOTE,
        columns,
        rows,
        Layout::Rows,
        Vec::new(),
    )
}

fn review_table() -> Table {
    let columns = vec![
        col("upheld", "结果维持"),
        col("corrected", "结果纠正"),
        col("other", "其他结果"),
        col("pending", "尚未审结"),
        Column {
            optional_total: true,
            ..col("total", "总计")
        },
    ];
    let rows = vec![
        leaf("reconsideration", "行政复议"),
        RowSpec::Heading(
            "行政诉讼",
            vec![
                leaf("litigation_direct", "未经复议直接起诉"),
                leaf("litigation_after_reconsideration", "复议后起诉"),
            ],
        ),
    ];
    build_table(
        "review",
        4,
        PARTS[3].heading,
        "",
        columns,
        rows,
        Layout::GroupsAcross,
        Vec::new(),
    )
}

fn fees_table() -> Table {
    let money = Some(CellKind::Money(Unit::Yuan));
    build_table(
        "fees",
        6,
        "信息处理费",
        "项目",
        vec![col("value", "本年度")],
        vec![
            leaf("notices", "发出收费通知的件数"),
            RowSpec::Leaf("notice_amount", "发出收费通知的总金额（单位：元）", money),
            RowSpec::Leaf("collected", "实际收取的总金额（单位：元）", money),
        ],
        Layout::Rows,
        Vec::new(),
    )
}

/// The in-year rules shared by both templates.
fn common_table_rules() -> Vec<TableRule> {
    vec![
        TableRule::ColumnBalance {
            code: "T001",
            table: "requests",
            lhs: vec!["received", "carried_in"],
            rhs: vec!["total", "carried_over"],
        },
        TableRule::RowTotal {
            code: "T002",
            table: "requests",
            total: "total",
        },
        TableRule::ColumnTotal {
            code: "T003",
            table: "requests",
            total: "total",
            groups: vec![
                "granted",
                "partly_granted",
                "withheld",
                "unavailable",
                "not_handled",
                "other_handling",
            ],
        },
        TableRule::RowTotal {
            code: "T004",
            table: "review",
            total: "total",
        },
    ]
}

fn carry_rule() -> YearRule {
    YearRule::CarryRow {
        code: "Y001",
        table: "requests",
        from: "carried_over",
        to: "carried_in",
    }
}

fn template_2019() -> Template {
    let item_count_columns = || {
        vec![
            col("prior_count", "上一年项目数量"),
            col_kind("change", "本年增/减", CellKind::SignedCount),
            col("decisions", "处理决定数量"),
        ]
    };
    let tables = vec![
        proactive_table(
            "proactive.item1",
            "第二十条第（一）项",
            vec![
                col("new_made", "本年新制作数量"),
                col("new_published", "本年新公开数量"),
                col("total_published", "对外公开总数量"),
            ],
            vec![
                leaf("rules", "规章"),
                leaf("normative_documents", "规范性文件"),
            ],
        ),
        proactive_table(
            "proactive.item5",
            "第二十条第（五）项",
            item_count_columns(),
            vec![
                leaf("licensing", "行政许可"),
                leaf("other_services", "其他对外管理服务事项"),
            ],
        ),
        proactive_table(
            "proactive.item6",
            "第二十条第（六）项",
            item_count_columns(),
            vec![leaf("penalties", "行政处罚"), leaf("coercion", "行政强制")],
        ),
        proactive_table(
            "proactive.item8",
            "第二十条第（八）项",
            vec![
                col("prior_count", "上一年项目数量"),
                col_kind("change", "本年增/减", CellKind::SignedCount),
            ],
            vec![leaf("fees", "行政事业性收费")],
        ),
        proactive_table(
            "proactive.item9",
            "第二十条第（九）项",
            vec![
                col("projects", "采购项目数量"),
                col_kind(
                    "amount",
                    "采购总金额",
                    CellKind::Money(Unit::TenThousandYuan),
                ),
            ],
            vec![leaf("procurement", "政府集中采购")],
        ),
        requests_table(leaf("other_handling", "（六）其他处理")),
        review_table(),
    ];
    let year_rules = vec![
        carry_rule(),
        YearRule::RollForward {
            code: "Y002",
            tables: vec!["proactive.item5", "proactive.item6", "proactive.item8"],
            column: "prior_count",
            plus: "change",
        },
    ];
    make_template(
        TemplateId::F2019,
        "2019年版（试行）",
        "国办公开办函〔2019〕60号",
        2019,
        false,
        tables,
        common_table_rules(),
        year_rules,
    )
}

fn template_2021() -> Template {
    let decisions = || vec![col("decisions", "本年处理决定数量")];
    let tables = vec![
        proactive_table(
            "proactive.item1",
            "第二十条第（一）项",
            vec![
                col("issued", "本年制发件数"),
                col("repealed", "本年废止件数"),
                col("in_force", "现行有效件数"),
            ],
            vec![
                leaf("rules", "规章"),
                leaf("normative_documents", "行政规范性文件"),
            ],
        ),
        proactive_table(
            "proactive.item5",
            "第二十条第（五）项",
            decisions(),
            vec![leaf("licensing", "行政许可")],
        ),
        proactive_table(
            "proactive.item6",
            "第二十条第（六）项",
            decisions(),
            vec![leaf("penalties", "行政处罚"), leaf("coercion", "行政强制")],
        ),
        proactive_table(
            "proactive.item8",
            "第二十条第（八）项",
            vec![col_kind(
                "amount",
                "本年收费金额（单位：万元）",
                CellKind::Money(Unit::TenThousandYuan),
            )],
            vec![leaf("fees", "行政事业性收费")],
        ),
        requests_table(RowSpec::Group {
            key: "other_handling",
            label: "（六）其他处理",
            children: vec![
                (
                    "no_correction",
                    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                ),
                (
                    "unpaid_fee",
                    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                ),
                ("other", "3.其他"),
            ],
            mergeable: Some("F001"),
        }),
        review_table(),
        fees_table(),
    ];
    let year_rules = vec![
        carry_rule(),
        YearRule::Stock {
            code: "Y003",
            table: "proactive.item1",
            stock: "in_force",
            inflow: "issued",
            outflow: "repealed",
        },
    ];
    make_template(
        TemplateId::F2021,
        "2021年版",
        "国办公开办函〔2021〕30号",
        2021,
        true,
        tables,
        common_table_rules(),
        year_rules,
    )
}

#[allow(clippy::too_many_arguments)]
fn make_template(
    id: TemplateId,
    name: &'static str,
    notice: &'static str,
    first_year: u16,
    has_fees: bool,
    tables: Vec<Table>,
    table_rules: Vec<TableRule>,
    year_rules: Vec<YearRule>,
) -> Template {
    let form = Arc::new(make_form(id, tables.clone(), &table_rules, &year_rules));
    let mut variants = HashMap::new();
    for (t, table) in tables.iter().enumerate() {
        for (group, ..) in table.mergeable_groups() {
            let mut variant_tables = tables.clone();
            variant_tables[t] = table.with_merged(group);
            variants.insert(
                format!("{}.{}", table.key, group),
                Arc::new(make_form(id, variant_tables, &table_rules, &year_rules)),
            );
        }
    }
    Template {
        id,
        name,
        notice,
        first_year,
        has_fees,
        form,
        variants,
    }
}

fn make_form(
    template: TemplateId,
    tables: Vec<Table>,
    table_rules: &[TableRule],
    year_rules: &[YearRule],
) -> Form {
    let mut cells = Vec::new();
    let mut places = Vec::new();
    for (t, table) in tables.iter().enumerate() {
        for (r, row) in table.rows.iter().enumerate() {
            for (c, column) in table.columns.iter().enumerate() {
                cells.push(cell_id(table.key, &row.key, column.key));
                places.push(CellPlace {
                    table: t,
                    row: r,
                    column: c,
                });
            }
        }
    }
    let index: HashMap<String, usize> = cells
        .iter()
        .cloned()
        .enumerate()
        .map(|(i, c)| (c, i))
        .collect();
    let id = cell_id;
    let cur = |cell: String| Term {
        year: YearRef::Current,
        cell,
        negative: false,
    };
    let prev = |cell: String| Term {
        year: YearRef::Previous,
        cell,
        negative: false,
    };

    let mut identities = Vec::new();
    let mut optional_totals = HashMap::new();
    for rule in table_rules {
        match rule {
            TableRule::ColumnBalance {
                code,
                table,
                lhs,
                rhs,
            } => {
                let Some(t) = tables.iter().find(|x| x.key == *table) else {
                    continue;
                };
                for column in &t.columns {
                    identities.push(Equation {
                        code,
                        anchor: id(table, rhs[0], column.key),
                        lhs: lhs.iter().map(|r| cur(id(table, r, column.key))).collect(),
                        rhs: rhs.iter().map(|r| cur(id(table, r, column.key))).collect(),
                    });
                }
            }
            TableRule::RowTotal { code, table, total } => {
                let Some(t) = tables.iter().find(|x| x.key == *table) else {
                    continue;
                };
                for row in &t.rows {
                    let anchor = id(table, &row.key, total);
                    if t.columns
                        .iter()
                        .any(|c| c.key == *total && c.optional_total)
                    {
                        optional_totals.insert(index[&anchor], identities.len());
                    }
                    identities.push(Equation {
                        code,
                        anchor: anchor.clone(),
                        lhs: vec![cur(anchor)],
                        rhs: t
                            .columns
                            .iter()
                            .filter(|c| c.key != *total)
                            .map(|c| cur(id(table, &row.key, c.key)))
                            .collect(),
                    });
                }
            }
            TableRule::ColumnTotal {
                code,
                table,
                total,
                groups,
            } => {
                let Some(t) = tables.iter().find(|x| x.key == *table) else {
                    continue;
                };
                for column in &t.columns {
                    let anchor = id(table, total, column.key);
                    identities.push(Equation {
                        code,
                        anchor: anchor.clone(),
                        lhs: vec![cur(anchor)],
                        rhs: t
                            .rows
                            .iter()
                            .filter(|r| {
                                let first = r.key.split('.').next().unwrap_or("");
                                groups.contains(&first)
                            })
                            .map(|r| cur(id(table, &r.key, column.key)))
                            .collect(),
                    });
                }
            }
        }
    }

    let mut rules = Vec::new();
    for rule in year_rules {
        match rule {
            YearRule::CarryRow {
                code,
                table,
                from,
                to,
            } => {
                let Some(t) = tables.iter().find(|x| x.key == *table) else {
                    continue;
                };
                for column in &t.columns {
                    let anchor = id(table, to, column.key);
                    rules.push(Equation {
                        code,
                        anchor: anchor.clone(),
                        lhs: vec![cur(anchor)],
                        rhs: vec![prev(id(table, from, column.key))],
                    });
                }
            }
            YearRule::RollForward {
                code,
                tables: keys,
                column,
                plus,
            } => {
                for key in keys {
                    let Some(t) = tables.iter().find(|x| x.key == *key) else {
                        continue;
                    };
                    for row in &t.rows {
                        let anchor = id(key, &row.key, column);
                        rules.push(Equation {
                            code,
                            anchor: anchor.clone(),
                            lhs: vec![cur(anchor)],
                            rhs: vec![
                                prev(id(key, &row.key, column)),
                                prev(id(key, &row.key, plus)),
                            ],
                        });
                    }
                }
            }
            YearRule::Stock {
                code,
                table,
                stock,
                inflow,
                outflow,
            } => {
                let Some(t) = tables.iter().find(|x| x.key == *table) else {
                    continue;
                };
                for row in &t.rows {
                    let anchor = id(table, &row.key, stock);
                    rules.push(Equation {
                        code,
                        anchor: anchor.clone(),
                        lhs: vec![cur(anchor)],
                        rhs: vec![
                            prev(id(table, &row.key, stock)),
                            cur(id(table, &row.key, inflow)),
                            Term {
                                negative: true,
                                ..cur(id(table, &row.key, outflow))
                            },
                        ],
                    });
                }
            }
        }
    }

    Form {
        template,
        tables,
        cells,
        places,
        index,
        identities,
        year_rules: rules,
        optional_totals,
    }
}

/// How a derived indicator is computed from cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IndicatorKind {
    /// The sum of the cells.
    Sum,
    /// The sum of `numerator` over the sum of `denominator`, as a percentage.
    Ratio,
    /// The change of the sum of the cells against the previous year, as a percentage.
    YearOnYear,
}

/// A derived indicator, defined on cell ids that both templates share.
#[derive(Debug)]
pub(crate) struct Indicator {
    pub key: &'static str,
    pub label: &'static str,
    /// The definition, as shown beside the figure.
    pub definition: &'static str,
    pub kind: IndicatorKind,
    pub numerator: &'static [&'static str],
    pub denominator: &'static [&'static str],
    /// Whether the agency page charts it over the years.
    pub chart: bool,
}

/// The derived indicators of the year pages, the comparisons and the agency charts.
pub(crate) const INDICATORS: &[Indicator] = &[
    Indicator {
        key: "received",
        label: "本年新收申请数量",
        definition: "三、一、本年新收政府信息公开申请数量（总计）",
        kind: IndicatorKind::Sum,
        numerator: &["requests.received.total"],
        denominator: &[],
        chart: true,
    },
    Indicator {
        key: "received_yoy",
        label: "申请量同比",
        definition: "（本年新收申请数量 − 上年新收申请数量）÷ 上年新收申请数量",
        kind: IndicatorKind::YearOnYear,
        numerator: &["requests.received.total"],
        denominator: &[],
        chart: false,
    },
    Indicator {
        key: "disclosure_rate",
        label: "公开率",
        definition: "（予以公开 + 部分公开）÷ 办结总数（三、（七）总计）",
        kind: IndicatorKind::Ratio,
        numerator: &["requests.granted.total", "requests.partly_granted.total"],
        denominator: &["requests.total.total"],
        chart: true,
    },
    Indicator {
        key: "reconsideration",
        label: "行政复议案件数",
        definition: "四、行政复议总计",
        kind: IndicatorKind::Sum,
        numerator: &["review.reconsideration.total"],
        denominator: &[],
        chart: true,
    },
    Indicator {
        key: "reconsideration_correction_rate",
        label: "复议纠错率",
        definition: "行政复议结果纠正 ÷ 行政复议总计",
        kind: IndicatorKind::Ratio,
        numerator: &["review.reconsideration.corrected"],
        denominator: &["review.reconsideration.total"],
        chart: false,
    },
    Indicator {
        key: "litigation",
        label: "行政诉讼案件数",
        definition: "四、行政诉讼（未经复议直接起诉 + 复议后起诉）总计",
        kind: IndicatorKind::Sum,
        numerator: &[
            "review.litigation_direct.total",
            "review.litigation_after_reconsideration.total",
        ],
        denominator: &[],
        chart: true,
    },
    Indicator {
        key: "litigation_correction_rate",
        label: "诉讼纠错率",
        definition: "行政诉讼结果纠正 ÷ 行政诉讼总计（未经复议直接起诉与复议后起诉合计）",
        kind: IndicatorKind::Ratio,
        numerator: &[
            "review.litigation_direct.corrected",
            "review.litigation_after_reconsideration.corrected",
        ],
        denominator: &[
            "review.litigation_direct.total",
            "review.litigation_after_reconsideration.total",
        ],
        chart: false,
    },
];

/// A figure that narratives state in words for a table item: the phrases that introduce it
/// and the cells it may stand for.
#[derive(Debug)]
pub(crate) struct NarrativeFigure {
    /// Phrases that come right before the number, e.g. 「收到政府信息公开申请」.
    pub cues: &'static [&'static str],
    /// The sums of cells the figure may state (a count with or without 上年结转, or the column
    /// of the 2019 or the 2021 format). The figure agrees when it equals any reading this year
    /// has; the first reading the year has is named when it does not.
    pub readings: &'static [&'static [&'static str]],
    /// Counts are written with a count word (件, 宗 …); money in 元 or 万元.
    pub unit: FigureUnit,
}

/// What follows the number of a narrative figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FigureUnit {
    /// A count of cases or decisions: 件, 宗, 起, 个, 份.
    Count,
    /// Money; the cells are in this unit, the text may say 元 or 万元.
    Money(Unit),
}

/// Count words that may follow the number of a counted figure.
pub(crate) const FIGURE_COUNT_WORDS: &[&str] = &["件", "宗", "起", "个", "份"];

/// Characters allowed between a cue and its number (「共计」「为」「案件」「：」), so that
/// 「行政处罚信息2428条」 or 「申请人电话」 never reads as a figure.
pub(crate) const FIGURE_FILLER: &str = "共计合总为达了有：:案件数量 ";

/// Words that, before a cue in the same clause, make the figure another year's.
pub(crate) const FIGURE_OTHER_YEAR: &[&str] =
    &["上年度", "上一年", "去年", "同比", "较上年", "上年同期"];

const RECEIVED: &[&str] = &["requests.received.total"];
const RECEIVED_AND_CARRIED: &[&str] = &["requests.received.total", "requests.carried_in.total"];

/// The figures a narrative states for table items (parts 二, 三, 四 and the fees of 六).
pub(crate) const NARRATIVE_FIGURES: &[NarrativeFigure] = &[
    NarrativeFigure {
        cues: &[
            "收到政府信息公开申请",
            "受理政府信息公开申请",
            "新收政府信息公开申请",
            "收到依申请公开申请",
            "受理依申请公开申请",
            "收到信息公开申请",
            "受理信息公开申请",
            "收到公开申请",
            "受理公开申请",
            "共收到申请",
            "共受理申请",
            "新收申请",
        ],
        readings: &[RECEIVED, RECEIVED_AND_CARRIED],
        unit: FigureUnit::Count,
    },
    NarrativeFigure {
        cues: &["上年结转"],
        readings: &[&["requests.carried_in.total"]],
        unit: FigureUnit::Count,
    },
    NarrativeFigure {
        cues: &["办结", "办理完结"],
        readings: &[&["requests.total.total"]],
        unit: FigureUnit::Count,
    },
    NarrativeFigure {
        cues: &["予以公开"],
        readings: &[&["requests.granted.total"]],
        unit: FigureUnit::Count,
    },
    NarrativeFigure {
        cues: &["部分公开"],
        readings: &[&["requests.partly_granted.total"]],
        unit: FigureUnit::Count,
    },
    NarrativeFigure {
        cues: &["结转下年度", "结转至下年度", "结转下一年度"],
        readings: &[&["requests.carried_over.total"]],
        unit: FigureUnit::Count,
    },
    NarrativeFigure {
        cues: &["行政复议"],
        readings: &[&["review.reconsideration.total"]],
        unit: FigureUnit::Count,
    },
    NarrativeFigure {
        cues: &["行政诉讼"],
        readings: &[&[
            "review.litigation_direct.total",
            "review.litigation_after_reconsideration.total",
        ]],
        unit: FigureUnit::Count,
    },
    NarrativeFigure {
        cues: &["发出收费通知"],
        readings: &[&["fees.notices.value"]],
        unit: FigureUnit::Count,
    },
    NarrativeFigure {
        cues: &[
            "收取信息处理费",
            "收取政府信息公开信息处理费",
            "收取费用",
            "收取信息公开处理费",
        ],
        readings: &[&["fees.collected.value"]],
        unit: FigureUnit::Money(Unit::Yuan),
    },
    NarrativeFigure {
        cues: &[
            "制发行政规范性文件",
            "制发规范性文件",
            "印发行政规范性文件",
            "印发规范性文件",
            "出台规范性文件",
            "主动公开行政规范性文件",
            "主动公开规范性文件",
            "新制作规范性文件",
            "新公开规范性文件",
        ],
        readings: &[
            &["proactive.item1.normative_documents.issued"],
            &["proactive.item1.normative_documents.new_made"],
            &["proactive.item1.normative_documents.new_published"],
        ],
        unit: FigureUnit::Count,
    },
    NarrativeFigure {
        cues: &["废止行政规范性文件", "废止规范性文件"],
        readings: &[&["proactive.item1.normative_documents.repealed"]],
        unit: FigureUnit::Count,
    },
    NarrativeFigure {
        cues: &["现行有效行政规范性文件", "现行有效规范性文件"],
        readings: &[&["proactive.item1.normative_documents.in_force"]],
        unit: FigureUnit::Count,
    },
    NarrativeFigure {
        cues: &["制发规章", "新制作规章", "公开规章"],
        readings: &[
            &["proactive.item1.rules.issued"],
            &["proactive.item1.rules.new_made"],
            &["proactive.item1.rules.new_published"],
        ],
        unit: FigureUnit::Count,
    },
    NarrativeFigure {
        cues: &["行政许可决定", "行政许可"],
        readings: &[&["proactive.item5.licensing.decisions"]],
        unit: FigureUnit::Count,
    },
    NarrativeFigure {
        cues: &["行政处罚决定", "行政处罚"],
        readings: &[&["proactive.item6.penalties.decisions"]],
        unit: FigureUnit::Count,
    },
    NarrativeFigure {
        cues: &["行政强制决定", "行政强制"],
        readings: &[&["proactive.item6.coercion.decisions"]],
        unit: FigureUnit::Count,
    },
    NarrativeFigure {
        cues: &["行政事业性收费"],
        readings: &[&["proactive.item8.fees.amount"]],
        unit: FigureUnit::Money(Unit::TenThousandYuan),
    },
];

/// A money or count cell this many times larger or smaller than last year's is a likely unit
/// slip (Y004): 元 typed into a 万元 cell.
pub(crate) const UNIT_SLIP_FACTOR: u32 = 1000;

/// Above this share of sentences repeated from last year's text, a prose part is flagged (D010).
pub(crate) const REPEATED_TEXT_LIMIT: f64 = 0.5;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_indicator_cell_exists_in_every_template_and_variant() {
        for id in TemplateId::ALL {
            let template = id.get();
            let forms = std::iter::once(&template.form).chain(template.variants.values());
            for form in forms {
                for indicator in INDICATORS {
                    for cell in indicator.numerator.iter().chain(indicator.denominator) {
                        assert!(
                            form.cell_index(cell).is_some(),
                            "indicator {} names {cell}, not a cell of template {}",
                            indicator.key,
                            template.name
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_template_has_at_most_one_mergeable_group() {
        // `Template::form_with` knows one merged group at a time; a second one in a definition
        // would be read as unmerged without a word.
        for id in TemplateId::ALL {
            let template = id.get();
            let groups: Vec<String> = template
                .form
                .tables
                .iter()
                .flat_map(|t| t.mergeable_groups().into_iter().map(|g| row_id(t.key, g.0)))
                .collect();
            assert!(groups.len() <= 1, "{}: {groups:?}", template.name);
            assert_eq!(template.variants.len(), groups.len());
        }
    }

    #[test]
    fn each_template_starts_at_its_first_year() {
        for id in TemplateId::ALL {
            let first = id.get().first_year;
            assert_eq!(TemplateId::for_year(first), Some(id));
        }
    }

    #[test]
    fn templates_by_year() {
        assert_eq!(TemplateId::for_year(2019), Some(TemplateId::F2019));
        assert_eq!(TemplateId::for_year(2020), Some(TemplateId::F2019));
        assert_eq!(TemplateId::for_year(2021), Some(TemplateId::F2021));
        assert_eq!(TemplateId::for_year(2030), Some(TemplateId::F2021));
        assert_eq!(TemplateId::for_year(2018), None);
        assert_eq!(TemplateId::for_year(2099), Some(TemplateId::F2021));
        assert_eq!(TemplateId::for_year(2100), None);
        assert_eq!(TemplateId::for_year(65535), None);
    }

    #[test]
    fn requests_rows_match_the_official_counts() {
        let f19 = &TemplateId::F2019.get().form;
        let f21 = &TemplateId::F2021.get().form;
        assert_eq!(f19.table("requests").unwrap().rows.len(), 23);
        assert_eq!(f21.table("requests").unwrap().rows.len(), 25);
        assert_eq!(f21.table("requests").unwrap().columns.len(), 7);
        assert_eq!(f21.table("review").unwrap().rows.len(), 3);
        assert_eq!(f21.table("requests").unwrap().header_levels(), 3);
        assert_eq!(f21.table("requests").unwrap().row_levels(), 3);
    }

    #[test]
    fn labels_are_official() {
        let f = &TemplateId::F2021.get().form;
        let cell = f
            .cell_index("requests.unavailable.not_held.business")
            .unwrap();
        assert_eq!(
            f.cell_label(cell),
            "「三、本年度办理结果（四）无法提供 1.本机关不掌握相关政府信息」×「商业企业」"
        );
        assert_eq!(f.yaml_path(cell), "requests.unavailable.not_held[1]");
        let fee = f.cell_index("fees.collected.value").unwrap();
        assert_eq!(f.yaml_path(fee), "fees.collected");
        let item1 = f.cell_index("proactive.item1.rules.issued").unwrap();
        assert_eq!(
            f.cell_label(item1),
            "「第二十条第（一）项 规章」×「本年制发件数」"
        );
    }

    #[test]
    fn merged_variant_lays_the_group_out_as_one_row() {
        let t = TemplateId::F2021.get();
        let merged = t
            .form_with(&["requests.other_handling".to_string()])
            .unwrap();
        assert_eq!(merged.table("requests").unwrap().rows.len(), 23);
        assert!(merged.cell_index("requests.other_handling.total").is_some());
        assert_eq!(
            merged.deviations(),
            vec![("requests", "other_handling", "F001")]
        );
        // The column total still sums the merged row.
        let t003 = merged
            .identities
            .iter()
            .find(|e| e.code == "T003" && e.anchor == "requests.total.total")
            .unwrap();
        assert!(
            t003.rhs
                .iter()
                .any(|t| t.cell == "requests.other_handling.total")
        );
        assert_eq!(t003.rhs.len(), 19);
    }

    #[test]
    fn identities_expand_over_cells() {
        let f = &TemplateId::F2019.get().form;
        let count = |code| f.identities.iter().filter(|e| e.code == code).count();
        assert_eq!(count("T001"), 7);
        assert_eq!(count("T002"), 23);
        assert_eq!(count("T003"), 7);
        assert_eq!(count("T004"), 3);
        let roll = f.year_rules.iter().filter(|e| e.code == "Y002").count();
        assert_eq!(roll, 5);
    }

    #[test]
    fn shared_cell_ids_are_comparable() {
        let a = &TemplateId::F2019.get().form;
        let b = &TemplateId::F2021.get().form;
        for id in [
            "requests.received.total",
            "review.reconsideration.upheld",
            "proactive.item6.penalties.decisions",
        ] {
            assert!(
                a.cell_index(id).is_some() && b.cell_index(id).is_some(),
                "{id}"
            );
        }
        assert!(b.cell_index("proactive.item1.rules.new_made").is_none());
    }

    #[test]
    fn money_cells_name_their_unit() {
        let f19 = &TemplateId::F2019.get().form;
        let amount = f19
            .cell_index("proactive.item9.procurement.amount")
            .unwrap();
        assert_eq!(f19.unit(amount), Some(Unit::TenThousandYuan));
        let (_, _, column) = f19.place(amount);
        assert_eq!(
            label_with_unit(column.label, column.kind),
            "采购总金额（单位：万元）"
        );
        let f21 = &TemplateId::F2021.get().form;
        let fee = f21.cell_index("proactive.item8.fees.amount").unwrap();
        let (_, _, column) = f21.place(fee);
        assert_eq!(
            label_with_unit(column.label, column.kind),
            "本年收费金额（单位：万元）"
        );
        let collected = f21.cell_index("fees.collected.value").unwrap();
        assert_eq!(f21.unit(collected), Some(Unit::Yuan));
        let count = f21.cell_index("requests.received.total").unwrap();
        assert_eq!(f21.unit(count), None);
    }

    #[test]
    fn every_part_numeral() {
        assert_eq!(PARTS[0].numeral(), "一、");
        assert_eq!(PARTS[5].numeral(), "六、");
    }
}

//! The shape of a template's form: tables, rows, columns, the cells they number and the
//! identities over them.

use super::*;

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
pub(super) enum RowSpec {
    Leaf(&'static str, &'static str, Option<CellKind>),
    Group {
        key: &'static str,
        label: &'static str,
        children: Vec<(&'static str, &'static str)>,
        /// A published deviation: the group printed as one row. The check code that reports it.
        mergeable: Option<Code>,
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
        !part(self.part).corner_is_note && !self.corner.is_empty()
    }

    /// The form's note on the table's sums printed in its corner (part 三's 勾稽关系), if the
    /// corner holds one rather than the header of the row labels.
    pub fn corner_note(&self) -> Option<&'static str> {
        (part(self.part).corner_is_note && !self.corner.is_empty()).then_some(self.corner)
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
    pub fn mergeable_groups(&self) -> Vec<(&'static str, &'static str, usize, Code)> {
        fn walk(specs: &[RowSpec], out: &mut Vec<(&'static str, &'static str, usize, Code)>) {
            for spec in specs {
                match spec {
                    RowSpec::Group {
                        key,
                        label,
                        children,
                        mergeable: Some(code),
                    } => out.push((key, label, children.len(), *code)),
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
    pub(super) fn with_merged(&self, group: &'static str) -> Table {
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
pub(super) fn build_table(
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
pub(super) enum TableRule {
    /// For every column: the sum of `lhs` rows equals the sum of `rhs` rows (part 三, 一 + 二 =
    /// （七）+ 四). Reported at the first `rhs` row.
    ColumnBalance {
        code: Code,
        table: &'static str,
        lhs: Vec<&'static str>,
        rhs: Vec<&'static str>,
    },
    /// For every row: `total` equals the sum of all other columns.
    RowTotal {
        code: Code,
        table: &'static str,
        total: &'static str,
    },
    /// For every column: the `total` row equals the sum of every row whose key starts with one
    /// of the `groups` (so it holds whether a group is split into items or printed as one row).
    ColumnTotal {
        code: Code,
        table: &'static str,
        total: &'static str,
        groups: Vec<&'static str>,
    },
}

/// A rule between a year and the year before, stated once and expanded.
#[derive(Clone, Debug)]
pub(super) enum YearRule {
    /// For every column: this year's row `to` equals last year's row `from` (上年结转).
    CarryRow {
        code: Code,
        table: &'static str,
        from: &'static str,
        to: &'static str,
    },
    /// For every row of the tables: this year's `column` = last year's `column` + last year's
    /// `plus` (2019 format: 上一年项目数量 + 本年增/减).
    RollForward {
        code: Code,
        tables: Vec<&'static str>,
        column: &'static str,
        plus: &'static str,
    },
    /// For every row: this year's `stock` = last year's `stock` + this year's `inflow` − this
    /// year's `outflow` (2021 format: 现行有效件数).
    Stock {
        code: Code,
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
    pub code: Code,
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
    pub fn deviations(&self) -> Vec<(&'static str, &'static str, Code)> {
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

pub(super) fn make_form(
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
                        code: *code,
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
                        code: *code,
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
                        code: *code,
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
                        code: *code,
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
                            code: *code,
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
                        code: *code,
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

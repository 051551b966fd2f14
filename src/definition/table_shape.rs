//! The shape of one statistical table: its columns, its rows after groups are laid out, how it
//! is laid out on the page, the entries a clerk writes under it in data.yaml.

use crate::codes::Code;

use super::{CellKind, Unit, part};

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

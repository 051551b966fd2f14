//! The HTML grid of a statistical table, derived from the template definition: header rows with
//! rowspan/colspan, row labels at their levels, `id`/`headers` associations for screen readers.

use serde::Serialize;

use crate::definition::{Layout, Table};

/// One cell of the grid, as the templates draw it.
#[derive(Debug, Default, Serialize)]
pub(crate) struct GridCell {
    /// `th` or `td`.
    pub tag: &'static str,
    pub text: String,
    pub rowspan: usize,
    pub colspan: usize,
    /// The `id` of a header cell; the anchor of a data cell.
    pub id: String,
    /// The ids of the header cells that describe this cell, separated by spaces.
    pub headers: String,
    /// `col`, `colgroup`, `row` or `rowgroup` for header cells.
    pub scope: &'static str,
    pub class: &'static str,
    /// The index of the form cell a data cell shows.
    #[serde(skip)]
    pub cell: Option<usize>,
    /// The link of a row label or a data cell to its metric page (a row label carries it for its
    /// whole row; in a table laid across, each data cell carries its own), and a cell's title.
    pub href: String,
    pub title: String,
    /// The change against last year, in text, and a class for styling.
    pub delta: String,
    pub delta_class: &'static str,
    /// The mark of an acknowledged problem (※1) and the id of its note.
    pub mark: String,
    pub mark_href: String,
    /// The mark of the note printed with the cell (注1), the id of the note and its text.
    pub note_mark: String,
    pub note_href: String,
    pub note: String,
    /// The official label of the cell, for the list of notes under the table.
    #[serde(skip)]
    pub note_label: String,
}

impl Clone for GridCell {
    fn clone(&self) -> GridCell {
        let mut out = GridCell::default();
        out.clone_from(self);
        out
    }

    /// Field by field, keeping the strings' buffers: a year page fills each cell of a cached
    /// grid in one scratch cell (`grid_html_with`) instead of copying the whole grid.
    fn clone_from(&mut self, source: &GridCell) {
        self.tag = source.tag;
        self.text.clone_from(&source.text);
        self.rowspan = source.rowspan;
        self.colspan = source.colspan;
        self.id.clone_from(&source.id);
        self.headers.clone_from(&source.headers);
        self.scope = source.scope;
        self.class = source.class;
        self.cell = source.cell;
        self.href.clone_from(&source.href);
        self.title.clone_from(&source.title);
        self.delta.clone_from(&source.delta);
        self.delta_class = source.delta_class;
        self.mark.clone_from(&source.mark);
        self.mark_href.clone_from(&source.mark_href);
        self.note_mark.clone_from(&source.note_mark);
        self.note_href.clone_from(&source.note_href);
        self.note.clone_from(&source.note);
        self.note_label.clone_from(&source.note_label);
    }
}

/// A table's grid: header rows and body rows.
#[derive(Clone, Debug, Default, Serialize)]
pub(crate) struct Grid {
    pub head: Vec<Vec<GridCell>>,
    pub body: Vec<Vec<GridCell>>,
}

/// A leaf column of the grid: its header labels, outermost first, and which of them takes the
/// spare header rows when the path is shorter than the header is deep.
struct Leaf<'a> {
    path: Vec<&'a str>,
    stretch: usize,
}

impl Leaf<'_> {
    /// (first header row, rows spanned) of each label of the path.
    fn placement(&self, levels: usize) -> Vec<(usize, usize)> {
        let spare = levels - self.path.len();
        let mut row = 0;
        self.path
            .iter()
            .enumerate()
            .map(|(k, _)| {
                let span = if k == self.stretch { 1 + spare } else { 1 };
                let at = (row, span);
                row += span;
                at
            })
            .collect()
    }
}

/// Header cells for label paths, merging neighbours that share a label and everything above it.
/// Returns the rows of header cells and, per leaf, the ids of the header cells covering it.
fn header_rows(
    prefix: &str,
    leaves: &[Leaf<'_>],
    levels: usize,
) -> (Vec<Vec<GridCell>>, Vec<Vec<String>>) {
    let mut rows: Vec<Vec<GridCell>> = vec![Vec::new(); levels];
    let mut covering: Vec<Vec<String>> = vec![Vec::new(); leaves.len()];
    let placements: Vec<Vec<(usize, usize)>> = leaves.iter().map(|l| l.placement(levels)).collect();
    let mut counter = 0;
    for (level, row_cells) in rows.iter_mut().enumerate() {
        let mut i = 0;
        while i < leaves.len() {
            let Some(k) = placements[i].iter().position(|(at, _)| *at == level) else {
                i += 1;
                continue;
            };
            let path = &leaves[i].path;
            let is_leaf_label = k + 1 == path.len();
            // Neighbours with the same labels down to this one share the cell (never a leaf's own label).
            let mut j = i + 1;
            while !is_leaf_label
                && j < leaves.len()
                && leaves[j].path.len() > k + 1
                && leaves[j].path[..=k] == path[..=k]
                && placements[j][k] == placements[i][k]
            {
                j += 1;
            }
            let (_, rowspan) = placements[i][k];
            counter += 1;
            let id = format!("{prefix}h{counter}");
            let headers = covering[i].join(" ");
            for cover in covering.iter_mut().take(j).skip(i) {
                cover.push(id.clone());
            }
            row_cells.push(GridCell {
                tag: "th",
                text: path[k].to_string(),
                rowspan,
                colspan: j - i,
                id,
                headers,
                scope: if j - i > 1 { "colgroup" } else { "col" },
                class: "",
                ..GridCell::default()
            });
            i = j;
        }
    }
    (rows, covering)
}

/// Builds the grid of a table. `prefix` makes the header ids unique on the page; `cell_id`
/// gives the anchor of a form cell.
pub(crate) fn grid(
    table: &Table,
    first_cell: usize,
    prefix: &str,
    cell_anchor: &dyn Fn(usize) -> String,
) -> Grid {
    let columns = table.columns.len();
    match table.layout {
        Layout::Rows => {
            // Money columns name their unit (「采购总金额（万元）」).
            let labels: Vec<String> = table
                .columns
                .iter()
                .map(|c| crate::definition::label_with_unit(c.label, c.kind))
                .collect();
            let leaves: Vec<Leaf<'_>> = table
                .columns
                .iter()
                .zip(&labels)
                .map(|(c, label)| {
                    let mut path = c.header.clone();
                    path.push(label);
                    Leaf {
                        stretch: path.len() - 1,
                        path,
                    }
                })
                .collect();
            let levels = table.header_levels();
            let (mut head, covering) = header_rows(prefix, &leaves, levels);
            let row_levels = table.row_levels();
            if head.is_empty() {
                head.push(Vec::new());
            }
            let heads = table.corner_heads_rows();
            head[0].insert(
                0,
                GridCell {
                    tag: if heads { "th" } else { "td" },
                    text: table.corner.to_string(),
                    rowspan: levels,
                    colspan: row_levels,
                    id: if heads {
                        format!("{prefix}c")
                    } else {
                        String::new()
                    },
                    headers: String::new(),
                    scope: if heads { "col" } else { "" },
                    class: "corner",
                    ..GridCell::default()
                },
            );
            let mut body = Vec::new();
            // Row header cells, merged down the rows that share a label at a level.
            let mut open: Vec<(Vec<&str>, String)> = Vec::new();
            let mut counter = 0;
            for (r, row) in table.rows.iter().enumerate() {
                let mut cells = Vec::new();
                let mut row_headers: Vec<String> = Vec::new();
                for level in 0..row.labels.len() {
                    let prefix_path = &row.labels[..=level];
                    if let Some((path, id)) = open.get(level)
                        && path.as_slice() == prefix_path
                        && level + 1 < row.labels.len()
                    {
                        row_headers.push(id.clone());
                        continue;
                    }
                    // A new header cell: count the rows below that share this prefix.
                    let is_last = level + 1 == row.labels.len();
                    let rowspan = if is_last {
                        1
                    } else {
                        table.rows[r..]
                            .iter()
                            .take_while(|other| {
                                other.labels.len() > level + 1
                                    && other.labels[..=level] == *prefix_path
                            })
                            .count()
                    };
                    counter += 1;
                    let id = format!("{prefix}{counter}");
                    cells.push(GridCell {
                        tag: "th",
                        text: row.labels[level].to_string(),
                        rowspan,
                        colspan: if is_last { row_levels - level } else { 1 },
                        id: id.clone(),
                        headers: row_headers.join(" "),
                        scope: if rowspan > 1 { "rowgroup" } else { "row" },
                        ..GridCell::default()
                    });
                    open.truncate(level);
                    open.push((prefix_path.to_vec(), id.clone()));
                    row_headers.push(id);
                }
                for (c, cover) in covering.iter().enumerate() {
                    let cell = first_cell + r * columns + c;
                    let mut headers = row_headers.clone();
                    headers.extend(cover.iter().cloned());
                    cells.push(data_cell(cell, headers.join(" "), cell_anchor));
                }
                body.push(cells);
            }
            Grid { head, body }
        }
        Layout::GroupsAcross => {
            let mut leaves = Vec::new();
            let mut cells = Vec::new();
            for (r, row) in table.rows.iter().enumerate() {
                for (c, column) in table.columns.iter().enumerate() {
                    let mut path = row.labels.clone();
                    path.push(column.label);
                    leaves.push(Leaf {
                        stretch: row.labels.len() - 1,
                        path,
                    });
                    cells.push(first_cell + r * columns + c);
                }
            }
            let levels = leaves.iter().map(|l| l.path.len()).max().unwrap_or(1);
            let (head, covering) = header_rows(prefix, &leaves, levels);
            let body = vec![
                cells
                    .into_iter()
                    .zip(covering)
                    .map(|(cell, cover)| data_cell(cell, cover.join(" "), cell_anchor))
                    .collect(),
            ];
            Grid { head, body }
        }
    }
}

/// The grid of the `t`th table of `form` with header ids from `prefix` and cell anchors from
/// `cell_anchor` (none: no anchors), made once per form, table, prefix and kind of anchors: it
/// depends only on the template. Never copied whole: the year page fills its cells one at a time
/// (`grid_html_with`), the Word file and the CMS page take only the cells' texts and spans.
pub(crate) fn shared_year_grid(
    form: &std::sync::Arc<crate::definition::Form>,
    t: usize,
    first: usize,
    prefix: &str,
    cell_anchor: Option<fn(usize) -> String>,
) -> std::sync::Arc<Grid> {
    static GRIDS: super::per_form::PerForm<(usize, String, bool), Grid> =
        super::per_form::PerForm::new();
    let key = (t, prefix.to_string(), cell_anchor.is_some());
    GRIDS.get(form, key, || {
        let anchor = |c| cell_anchor.map_or_else(String::new, |f| f(c));
        grid(&form.tables[t], first, prefix, &anchor)
    })
}

/// The class of the label of a row that is not part of the national template.
pub(crate) const EXTRA_CLASS: &str = "extra";
/// What the label of such a row says after the label as printed (the page, the Word file).
pub(crate) const EXTRA_LABEL: &str = "（本地增加，非全国统一格式）";
/// The same on the page, styled as a tag.
pub(crate) const EXTRA_TAG: &str = "<span class=\"extra-tag\">（本地增加，非全国统一格式）</span>";

/// The data cells of a row that is not part of the national template: each value as the page
/// shows it, and its printed note labelled by the row and the column.
pub(crate) fn extra_row_cells(table: &Table, row: &crate::model::ExtraRow) -> Vec<GridCell> {
    row.cells
        .iter()
        .zip(&row.notes)
        .zip(&table.columns)
        .map(|((&value, note), column)| {
            let mut cell = GridCell {
                text: crate::render::format::cell_text(value, column.kind),
                class: EXTRA_CLASS,
                ..GridCell::default()
            };
            if let Some(note) = note {
                cell.note.clone_from(note);
                cell.note_label =
                    format!("「{} {}」×「{}」", table.caption, row.label, column.label);
            }
            cell
        })
        .collect()
}

/// Inserts rows that are not part of the national template into a `Layout::Rows` grid, each
/// after the template row it follows (`after`, None: before the first). Each row is its label
/// and its data cells (text, class and notes filled in); the header associations are made here.
pub(crate) fn insert_extra_rows(
    grid: &mut Grid,
    prefix: &str,
    rows: Vec<(Option<usize>, String, Vec<GridCell>)>,
) {
    if rows.is_empty() {
        return;
    }
    let mut made = extra_grid_rows(grid, prefix, rows);
    let body = std::mem::take(&mut grid.body);
    let mut take = |at: Option<usize>, out: &mut Vec<Vec<GridCell>>| {
        for (after, row) in made.iter_mut() {
            if *after == at && !row.is_empty() {
                out.push(std::mem::take(row));
            }
        }
    };
    let mut out = Vec::with_capacity(body.len() + 1);
    take(None, &mut out);
    for (r, row) in body.into_iter().enumerate() {
        out.push(row);
        take(Some(r), &mut out);
    }
    grid.body = out;
}

/// The rows of `insert_extra_rows` as grid rows (label and data cells with their header
/// associations), each with the template row it follows, without touching the grid.
pub(crate) fn extra_grid_rows(
    grid: &Grid,
    prefix: &str,
    rows: Vec<(Option<usize>, String, Vec<GridCell>)>,
) -> Vec<(Option<usize>, Vec<GridCell>)> {
    if rows.is_empty() {
        return Vec::new();
    }
    let levels: usize = grid
        .body
        .first()
        .map(|r| r.iter().filter(|c| c.tag == "th").map(|c| c.colspan).sum())
        .unwrap_or(1);
    // The column headers of each data column, from the first template row.
    let column_headers: Vec<String> = grid
        .body
        .first()
        .map(|r| {
            r.iter()
                .filter(|c| c.tag == "td")
                .map(|c| {
                    c.headers
                        .split(' ')
                        .filter(|h| h.starts_with(&format!("{prefix}h")))
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect()
        })
        .unwrap_or_default();
    let mut made: Vec<(Option<usize>, Vec<GridCell>)> = Vec::new();
    for (n, (after, label, cells)) in rows.into_iter().enumerate() {
        let id = format!("{prefix}x{}", n + 1);
        let mut row = vec![GridCell {
            tag: "th",
            text: label,
            rowspan: 1,
            colspan: levels,
            id: id.clone(),
            scope: "row",
            class: EXTRA_CLASS,
            ..GridCell::default()
        }];
        for (c, mut cell) in cells.into_iter().enumerate() {
            cell.tag = "td";
            cell.rowspan = 1;
            cell.colspan = 1;
            cell.id = format!("{id}c{}", c + 1);
            cell.headers = match column_headers.get(c) {
                Some(h) if !h.is_empty() => format!("{id} {h}"),
                _ => id.clone(),
            };
            row.push(cell);
        }
        made.push((after, row));
    }
    made
}

fn data_cell(cell: usize, headers: String, cell_anchor: &dyn Fn(usize) -> String) -> GridCell {
    GridCell {
        tag: "td",
        text: String::new(),
        rowspan: 1,
        colspan: 1,
        id: cell_anchor(cell),
        headers,
        scope: "",
        class: "",
        cell: Some(cell),
        ..GridCell::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definition::TemplateId;

    fn grid_of(template: TemplateId, key: &str) -> Grid {
        let form = &template.get().form;
        let t = form.tables.iter().position(|t| t.key == key).unwrap();
        let table = &form.tables[t];
        let first = form
            .cell_index(&crate::definition::cell_id(
                table.key,
                &table.rows[0].key,
                table.columns[0].key,
            ))
            .unwrap();
        grid(table, first, "t", &|c| format!("c{c}"))
    }

    fn spans(row: &[GridCell]) -> Vec<(String, usize, usize)> {
        row.iter()
            .map(|c| (c.text.clone(), c.rowspan, c.colspan))
            .collect()
    }

    #[test]
    fn requests_header_has_three_levels() {
        let g = grid_of(TemplateId::F2021, "requests");
        assert_eq!(g.head.len(), 3);
        let top = spans(&g.head[0]);
        assert_eq!(top[0].1, 3);
        assert_eq!(top[0].2, 3);
        assert_eq!(top[1], ("申请人情况".to_string(), 1, 7));
        let second = spans(&g.head[1]);
        assert_eq!(
            second,
            vec![
                ("自然人".to_string(), 2, 1),
                ("法人或其他组织".to_string(), 1, 5),
                ("总计".to_string(), 2, 1)
            ]
        );
        assert_eq!(g.head[2].len(), 5);
        assert_eq!(g.body.len(), 25);
        // 一、本年新收 spans the three label columns.
        assert_eq!(
            spans(&g.body[0])[0],
            ("一、本年新收政府信息公开申请数量".to_string(), 1, 3)
        );
        // 三、本年度办理结果 spans the 22 outcome rows (2021: items of （六） split).
        assert_eq!(
            spans(&g.body[2])[0],
            ("三、本年度办理结果".to_string(), 22, 1)
        );
        assert_eq!(spans(&g.body[2])[1], ("（一）予以公开".to_string(), 1, 2));
        assert_eq!(spans(&g.body[4])[0], ("（三）不予公开".to_string(), 8, 1));
        assert_eq!(g.body[5].len(), 1 + 7);
        // A data cell names its row and column headers.
        let cell = g.body[4].last().unwrap();
        assert_eq!(cell.headers.split(' ').count(), 3 + 2);
    }

    #[test]
    fn review_is_one_row_of_fifteen() {
        let g = grid_of(TemplateId::F2019, "review");
        assert_eq!(g.body.len(), 1);
        assert_eq!(g.body[0].len(), 15);
        assert_eq!(
            spans(&g.head[0]),
            vec![
                ("行政复议".to_string(), 2, 5),
                ("行政诉讼".to_string(), 1, 10)
            ]
        );
        assert_eq!(g.head[1].len(), 2);
        assert_eq!(g.head[2].len(), 15);
        assert_eq!(g.body[0][7].headers.split(' ').count(), 3);
    }
}

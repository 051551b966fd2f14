//! The metric pages: one table of an agency across all its years.

use super::*;
use crate::definition::{cell_id, row_id};

impl Renderer<'_> {
    // ---- metric pages ------------------------------------------------------------------

    pub(super) fn metric_pages(
        &self,
        agency: &Agency,
        rows: &[MetricRow],
        notes: &AgencyNotes<'_>,
        out: &Output,
    ) -> Result<(), BuildError> {
        #[derive(Serialize)]
        struct Section {
            id: String,
            label: String,
            columns: Vec<String>,
            /// The rows of the years as HTML (written here rather than in a template loop: the
            /// metric pages hold every figure of every year).
            body: String,
            across: Option<String>,
        }
        #[derive(Serialize)]
        struct MetricView {
            title: String,
            part: &'static str,
            sections: Vec<Section>,
            note: Option<String>,
        }
        let mut tables: Vec<&'static str> = Vec::new();
        for row in rows {
            if !tables.contains(&row.table) {
                tables.push(row.table);
            }
        }
        for table in tables {
            let path = metric_path(agency, table);
            let root = root_of(&path);
            let mut has_gap = false;
            let mut pieces = Pieces::default();
            let mut sections = Vec::new();
            let mut title = String::new();
            let mut part_number = 2;
            for row in rows.iter().filter(|r| r.table == table) {
                title.clone_from(&row.table_title);
                part_number = row.part;
                let id = row_anchor(&row.row, None);
                let mut body = String::with_capacity(agency.years.len() * 400);
                for y in &agency.years {
                    has_gap |= metric_year_row(&mut body, agency, y, row, &id, notes, &root);
                }
                sections.push(Section {
                    id,
                    label: row.label.clone(),
                    columns: row.columns.iter().map(|(_, l)| l.clone()).collect(),
                    body: pieces.add(body),
                    across: (self.site.agencies.len() > 1)
                        .then(|| super::across::across_path(&row.id)),
                });
            }
            let metric = MetricView {
                title: title.clone(),
                part: part(part_number).heading,
                sections,
                note: has_gap.then(|| {
                    "“口径不同”表示该年度使用的年报格式没有这一项（2019年格式与2021年格式的项目不完全相同）。"
                        .to_string()
                }),
            };
            let mut ctx = self.context(
                &path,
                format!("{}：{}（历年）", agency.short_name, title),
                self.crumbs(Some(agency), vec![(format!("{title}（历年）"), None)]),
            );
            ctx.insert("metric", &metric);
            ctx.insert("draft_banner", &draft_banner(agency.years.iter()));
            ctx.insert("agency_name", &agency.name);
            out.put(
                &path,
                self.render_with_pieces("metric.html", &ctx, &pieces)?,
            )?;
        }
        Ok(())
    }
}

/// The `<tr>` of one year of a metric row, written at the end of `out`: the year linking to its
/// page, each figure to its cell there (links relative to the metric page, `<agency>/metrics/…`),
/// 「口径不同」 where the year's form has no such cell. Returns whether there was such a gap.
/// Written straight into the page's buffer: the metric pages hold every figure of every year.
fn metric_year_row(
    out: &mut String,
    agency: &Agency,
    y: &Year,
    row: &MetricRow,
    row_anchor: &str,
    notes: &AgencyNotes<'_>,
    root: &str,
) -> bool {
    use crate::render::theme::escape_html_into as esc;
    let mut digits = itoa::Buffer::new();
    let year = digits.format(y.year);
    out.push_str("<tr id=\"");
    esc(out, row_anchor);
    out.push_str("-y");
    out.push_str(year);
    out.push_str("\"><th scope=\"row\"><a href=\"../");
    out.push_str(year);
    out.push_str("/index.html\">");
    out.push_str(year);
    out.push_str("年</a></th>");
    // The row in this year's form: its table and row.
    let form = &y.form;
    let place = form
        .tables
        .iter()
        .enumerate()
        .find(|(_, t)| t.key == row.table)
        .and_then(|(t, table)| Some((t, table, table.row(&row.row)?)));
    let year_notes = notes.of(y.year).filter(|n| !n.notes.is_empty());
    let mut gap = false;
    for (key, _) in &row.columns {
        out.push_str("<td class=\"num\">");
        let cell = place.and_then(|(t, table, r)| {
            let c = table.columns.iter().position(|c| c.key == *key)?;
            form.cell_at(t, r, c)
        });
        match cell {
            Some(i) => {
                out.push_str("<a href=\"../");
                out.push_str(year);
                out.push_str("/index.html#");
                push_cell_anchor(out, i);
                out.push_str("\">");
                crate::render::format::push_cell_text(out, y.cells[i], form.kind(i));
                out.push_str("</a>");
                if year_notes.is_some() {
                    let id = cell_id(row.table, &row.row, key);
                    let mark = notes.mark(agency, y.year, &id);
                    super::compare_table::mark(out, &mark, root);
                }
            }
            None => {
                gap = true;
                out.push_str("口径不同");
            }
        }
        out.push_str("</td>");
    }
    out.push_str("</tr>");
    gap
}

/// A row of some table in some year of an agency: the subject of a metric page.
pub(crate) struct MetricRow {
    /// `table.row`, e.g. `requests.withheld.state_secret`.
    pub id: String,
    /// The table key and the row key within it.
    pub table: &'static str,
    pub row: String,
    /// The table's title on its metric page.
    pub table_title: String,
    pub label: String,
    pub group: String,
    pub part: u8,
    /// Column keys and labels (with the unit of money cells), the union over the years in order
    /// of appearance.
    pub columns: Vec<(&'static str, String)>,
}

/// The rows of all years of an agency, newest template first, each once.
pub(crate) fn metric_rows(agency: &Agency) -> Vec<MetricRow> {
    let mut out: Vec<MetricRow> = Vec::new();
    // Each row's place in `out` (found once per row and year, not by a search of `out`).
    let mut found: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for year in agency.years.iter().rev() {
        for table in &year.form.tables {
            for row in &table.rows {
                let id = row_id(table.key, &row.key);
                let index = match found.get(&id) {
                    Some(&i) => i,
                    None => {
                        found.insert(id.clone(), out.len());
                        let label = table.row_label(row);
                        out.push(MetricRow {
                            id: id.clone(),
                            table: table.key,
                            row: row.key.clone(),
                            table_title: table.title(),
                            label,
                            group: part(table.part).heading.to_string(),
                            part: table.part,
                            columns: Vec::new(),
                        });
                        out.len() - 1
                    }
                };
                for column in &table.columns {
                    if !out[index].columns.iter().any(|(k, _)| *k == column.key) {
                        let kind = row.kind.unwrap_or(column.kind);
                        out[index]
                            .columns
                            .push((column.key, column_label(row, column, kind)));
                    }
                }
            }
        }
    }
    out.sort_by_key(|m| m.part);
    out
}

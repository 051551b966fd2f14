//! The metric pages: one table of an agency across all its years.

use super::*;
use crate::definition::{cell_id, row_id};

impl Renderer<'_> {
    // ---- metric pages ------------------------------------------------------------------

    pub(super) fn metric_pages(
        &self,
        agency: &Agency,
        notes: &AgencyNotes<'_>,
        out: &Output,
    ) -> Result<(), BuildError> {
        struct MetricCell {
            text: String,
            href: Option<String>,
            mark: Option<Mark>,
        }
        struct MetricYear {
            year: u16,
            id: String,
            href: String,
            cells: Vec<MetricCell>,
        }
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
        /// The `<tr>` of each year: the year linking to its page, each figure to its cell there.
        fn body_html(years: &[MetricYear], root: &str) -> String {
            use crate::render::theme::{escape_html as esc, push_link_or_text};
            use std::fmt::Write as _;
            let mut out = String::with_capacity(years.len() * 400);
            for y in years {
                let _ = write!(
                    out,
                    "<tr id=\"{}\"><th scope=\"row\"><a href=\"{}\">{}年</a></th>",
                    esc(&y.id),
                    esc(&y.href),
                    y.year
                );
                for c in &y.cells {
                    out.push_str("<td class=\"num\">");
                    push_link_or_text(&mut out, "", c.href.as_deref(), &c.text);
                    super::compare_table::mark(&mut out, &c.mark, root);
                    out.push_str("</td>");
                }
                out.push_str("</tr>");
            }
            out
        }
        #[derive(Serialize)]
        struct MetricView {
            title: String,
            part: &'static str,
            sections: Vec<Section>,
            note: Option<String>,
        }
        let rows = metric_rows(agency);
        let mut tables: Vec<&'static str> = Vec::new();
        for row in &rows {
            if !tables.contains(&row.table) {
                tables.push(row.table);
            }
        }
        for table in tables {
            let mut has_gap = false;
            let mut sections = Vec::new();
            let mut title = String::new();
            let mut part_number = 2;
            for row in rows.iter().filter(|r| r.table == table) {
                title.clone_from(&row.table_title);
                part_number = row.part;
                let years: Vec<MetricYear> = agency
                    .years
                    .iter()
                    .map(|y| MetricYear {
                        year: y.year,
                        id: row_anchor(&row.row, Some(y.year)),
                        // Relative to the metric page (`<agency>/metrics/…`): short links.
                        href: format!("../{}/index.html", y.year),
                        cells: row
                            .columns
                            .iter()
                            .map(|(key, _)| {
                                let id = cell_id(row.table, &row.row, key);
                                match y.form.cell_index(&id) {
                                    Some(i) => MetricCell {
                                        text: cell_text(y.cells[i], y.form.kind(i)),
                                        href: Some(format!(
                                            "../{}/index.html#{}",
                                            y.year,
                                            cell_anchor(i)
                                        )),
                                        mark: notes.mark(agency, y.year, &id),
                                    },
                                    None => {
                                        has_gap = true;
                                        MetricCell {
                                            text: "口径不同".to_string(),
                                            href: None,
                                            mark: None,
                                        }
                                    }
                                }
                            })
                            .collect(),
                    })
                    .collect();
                sections.push(Section {
                    id: row_anchor(&row.row, None),
                    label: row.label.clone(),
                    columns: row.columns.iter().map(|(_, l)| l.clone()).collect(),
                    body: body_html(&years, &root_of(&metric_path(agency, table))),
                    across: (self.site.agencies.len() > 1)
                        .then(|| super::across::across_path(&row.id)),
                });
            }
            let path = metric_path(agency, table);
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
            out.put(&path, self.render_page("metric.html", &ctx)?)?;
        }
        Ok(())
    }
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
    for year in agency.years.iter().rev() {
        for table in &year.form.tables {
            for row in &table.rows {
                let id = row_id(table.key, &row.key);
                let existing = out.iter().position(|m| m.id == id);
                let index = match existing {
                    Some(i) => i,
                    None => {
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

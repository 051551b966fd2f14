//! Cross-agency metric pages (`across/requests.received.html`): one table row of the templates,
//! every agency (in its group) × every report year, each figure linked to that agency's metric
//! page, which links back here. One page per row, so a portal of 1,000 agencies makes as many
//! pages as a single agency has rows, each linear in agencies × years. A row with a total column
//! shows the total (part 三's, part 四's); other rows show each of their columns.

use std::collections::HashMap;
use std::sync::Arc;

use super::*;
use crate::definition::{Form, cell_id, row_id};

/// The cross-agency page of a row (`requests.withheld.state_secret`).
pub(crate) fn across_path(row_id: &str) -> String {
    format!("across/{row_id}.html")
}

/// A row of some template as the cross-agency pages show it.
struct AcrossRow {
    id: String,
    table: &'static str,
    row: String,
    label: String,
    part: u8,
    /// Column keys and labels shown.
    columns: Vec<(&'static str, String)>,
}

#[derive(Serialize)]
struct AcrossCell {
    text: String,
    href: Option<String>,
}

#[derive(Serialize)]
struct AcrossAgency {
    name: String,
    href: String,
    cells: Vec<AcrossCell>,
}

#[derive(Serialize)]
struct AcrossGroup {
    name: String,
    agencies: Vec<AcrossAgency>,
}

#[derive(Serialize)]
struct AcrossSection {
    id: String,
    label: String,
    groups: Vec<AcrossGroup>,
}

#[derive(Serialize)]
struct PartRows {
    heading: &'static str,
    rows: Vec<Link>,
}

impl Renderer<'_> {
    /// One page per row of the templates the site's years use, and an index of them.
    pub(super) fn across_pages(&self, out: &Output) -> Result<(), BuildError> {
        let rows = site_rows(self.site);
        let years = self.site.report_years();
        let grouped = self.site.grouped();
        for row in &rows {
            let path = across_path(&row.id);
            let sections: Vec<AcrossSection> = row
                .columns
                .iter()
                .map(|(key, label)| {
                    let id = cell_id(row.table, &row.row, key);
                    AcrossSection {
                        id: format!("c-{key}"),
                        label: label.clone(),
                        groups: grouped
                            .iter()
                            .map(|(name, agencies)| AcrossGroup {
                                name: name.to_string(),
                                agencies: agencies
                                    .iter()
                                    .map(|a| AcrossAgency {
                                        name: a.name.clone(),
                                        href: agency_path(a),
                                        cells: years
                                            .iter()
                                            .map(|&y| across_cell(a, y, row, &id))
                                            .collect(),
                                    })
                                    .collect(),
                            })
                            .collect(),
                    }
                })
                .collect();
            let title = format!("{}（各机关历年）", row.label);
            let crumbs = self.crumbs(
                None,
                vec![
                    ("各项数据（各机关）".to_string(), Some(across_path("index"))),
                    (row.label.clone(), None),
                ],
            );
            let mut ctx = self.context(&path, title, crumbs);
            ctx.insert("label", &row.label);
            ctx.insert("part", part(row.part).heading);
            ctx.insert("years", &years);
            ctx.insert("sections", &sections);
            ctx.insert("draft_banner", &self.site_draft_banner());
            out.put(&path, self.render("across.html", &ctx)?.into_bytes())?;
        }
        // The index of the rows, by part.
        let mut parts: Vec<PartRows> = Vec::new();
        for row in &rows {
            let heading = part(row.part).heading;
            if parts.last().is_none_or(|p| p.heading != heading) {
                parts.push(PartRows {
                    heading,
                    rows: Vec::new(),
                });
            }
            if let Some(p) = parts.last_mut() {
                p.rows.push(Link {
                    label: row.label.clone(),
                    href: across_path(&row.id),
                });
            }
        }
        let path = across_path("index");
        let title = "各项数据（各机关历年）".to_string();
        let crumbs = self.crumbs(None, vec![(title.clone(), None)]);
        let mut ctx = self.context(&path, title, crumbs);
        ctx.insert("parts", &parts);
        out.put(&path, self.render("across_index.html", &ctx)?.into_bytes())?;
        Ok(())
    }

    fn site_draft_banner(&self) -> Option<String> {
        draft_banner(self.site.draft_years().map(|(_, y)| y))
    }
}

/// One agency's figure of a row in one year, linked to its metric page; 「—」 without a report,
/// 「口径不同」 when the year's form has no such cell.
fn across_cell(agency: &Agency, year: u16, row: &AcrossRow, id: &str) -> AcrossCell {
    let Some(y) = agency.year(year) else {
        return AcrossCell {
            text: "—".to_string(),
            href: None,
        };
    };
    match y.form.cell_index(id) {
        Some(i) => AcrossCell {
            text: cell_text(y.cells[i], y.form.kind(i)),
            href: Some(format!(
                "{}#{}",
                metric_path(agency, row.table),
                row_anchor(&row.row, Some(year))
            )),
        },
        None => AcrossCell {
            text: "口径不同".to_string(),
            href: None,
        },
    }
}

/// The rows of every form the site's years use, newest template first, each once, by part; the
/// columns shown: the total alone when the row has one, else every column.
fn site_rows(site: &Site) -> Vec<AcrossRow> {
    let mut forms: Vec<&Arc<Form>> = Vec::new();
    for year in site.agencies.iter().flat_map(|a| a.years.iter()).rev() {
        if !forms.iter().any(|f| Arc::ptr_eq(f, &year.form)) {
            forms.push(&year.form);
        }
    }
    forms.sort_by_key(|f| std::cmp::Reverse(f.template.get().first_year));
    let mut out: Vec<AcrossRow> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for form in forms {
        for table in &form.tables {
            for row in &table.rows {
                let id = row_id(table.key, &row.key);
                let index = *seen.entry(id.clone()).or_insert_with(|| {
                    out.push(AcrossRow {
                        id: id.clone(),
                        table: table.key,
                        row: row.key.clone(),
                        label: table.row_label(row),
                        part: table.part,
                        columns: Vec::new(),
                    });
                    out.len() - 1
                });
                let has_total = table.columns.iter().any(|c| c.key == "total");
                for column in &table.columns {
                    if has_total && column.key != "total" {
                        continue;
                    }
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
    out.sort_by_key(|r| r.part);
    out
}

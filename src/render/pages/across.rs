//! Cross-agency metric pages (`across/requests.received.html`): one table row of the templates,
//! every agency (in its group) × every report year, each figure linked to that agency's metric
//! page, which links back here. One page per row, so a portal of 1,000 agencies makes as many
//! pages as a single agency has rows, each linear in agencies × years. A row with a total column
//! shows the total (part 三's, part 四's); other rows show each of their columns.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use super::*;
use crate::definition::{Form, cell_id, row_id};
use crate::render::format::push_cell_text;
use crate::render::theme::{escape_html, push_link_or_text};

/// The cross-agency page of a row (`requests.withheld.state_secret`).
pub(crate) fn across_path(row_id: &str) -> String {
    format!("across/{row_id}.html")
}

/// A row of some template as the cross-agency pages show it.
#[derive(PartialEq)]
struct AcrossRow {
    id: String,
    table: &'static str,
    row: String,
    label: String,
    part: u8,
    /// Column keys and labels shown.
    columns: Vec<(&'static str, String)>,
}

/// One section (a column of the row) of a page: its table body is spliced in after the frame
/// is rendered, where `body` (a marker) stands.
#[derive(Serialize)]
struct AcrossSection {
    id: String,
    label: String,
    body: String,
}

/// Where the table body of section `i` goes in a page's frame.
fn marker(i: usize) -> String {
    format!("<!--nianbao:across:{i}-->")
}

/// The root of the site from a cross-agency page (`across/…`).
const ROOT: &str = "../";

/// The rows of the cross-agency pages, rendered once per agency and kept: a page is its frame
/// (rendered with the theme) and, per section, the rows of every agency in its group, so that a
/// change of one agency (in `serve`) renders that agency's rows again and concatenates.
#[derive(Default)]
pub(crate) struct AcrossPieces {
    /// The rows shown and the report years: when either changes, every agency's rows do.
    rows: Vec<AcrossRow>,
    years: Vec<u16>,
    /// Where each row's sections start in an agency's list of pieces.
    starts: Vec<usize>,
    /// Per agency (folder name): its `<tr>` in each section of each row, in order.
    agencies: HashMap<String, Vec<String>>,
}

impl AcrossPieces {
    /// Brings the pieces up to the site: the agencies `changed` (all when None, or when the rows
    /// or years shown changed) and any not rendered yet are rendered, those gone are dropped.
    pub(crate) fn update(&mut self, site: &Site, changed: Option<&BTreeSet<String>>) {
        let rows = site_rows(site);
        let years = site.report_years();
        let all = changed.is_none() || rows != self.rows || years != self.years;
        if all {
            self.agencies.clear();
            self.starts = rows
                .iter()
                .scan(0, |at, row| {
                    let start = *at;
                    *at += row.columns.len();
                    Some(start)
                })
                .collect();
            self.rows = rows;
            self.years = years;
        }
        let slugs: BTreeSet<&str> = site.agencies.iter().map(|a| a.slug.as_str()).collect();
        self.agencies
            .retain(|slug, _| slugs.contains(slug.as_str()));
        for agency in &site.agencies {
            let stale = changed.is_some_and(|c| c.contains(&agency.slug));
            if stale || !self.agencies.contains_key(&agency.slug) {
                let pieces = self.agency_rows(agency);
                self.agencies.insert(agency.slug.clone(), pieces);
            }
        }
    }

    /// The `<tr>` of one agency in every section of every row.
    fn agency_rows(&self, agency: &Agency) -> Vec<String> {
        let head = format!(
            "<tr><th scope=\"row\"><a href=\"{ROOT}{}\">{}</a></th>",
            escape_html(&agency_path(agency)),
            escape_html(&agency.name)
        );
        let mut out = Vec::with_capacity(self.starts.last().map_or(0, |s| s + 1));
        // A cell's text and link, written into buffers kept from cell to cell.
        let (mut text, mut href) = (String::new(), String::new());
        for row in &self.rows {
            let metric = metric_path(agency, row.table);
            for (key, _) in &row.columns {
                let id = cell_id(row.table, &row.row, key);
                let mut tr = String::with_capacity(head.len() + 90 * self.years.len());
                tr.push_str(&head);
                for &year in &self.years {
                    text.clear();
                    href.clear();
                    let linked = across_cell(agency, year, row, &id, &metric, &mut text, &mut href);
                    tr.push_str("<td class=\"num\">");
                    push_link_or_text(&mut tr, ROOT, linked.then_some(href.as_str()), &text);
                    tr.push_str("</td>");
                }
                tr.push_str("</tr>\n");
                out.push(tr);
            }
        }
        out
    }
}

#[derive(Serialize)]
struct PartRows {
    heading: &'static str,
    rows: Vec<Link>,
}

impl Renderer<'_> {
    /// One page per row of the templates the site's years use, and an index of them, from the
    /// agencies' rows in `pieces` (brought up to the site by the caller).
    pub(super) fn across_pages(
        &self,
        pieces: &AcrossPieces,
        out: &Output,
    ) -> Result<(), BuildError> {
        let rows = &pieces.rows;
        let years = &pieces.years;
        let grouped = self.site.grouped();
        // The heading row of each group's table body.
        let heads: Vec<String> = grouped
            .iter()
            .map(|(name, _)| {
                format!(
                    "<tbody><tr><th scope=\"rowgroup\" colspan=\"{}\" class=\"group\">{}</th></tr>\n",
                    years.len() + 1,
                    escape_html(name)
                )
            })
            .collect();
        let missing = |slug: &str| BuildError::Panic(format!("跨机关页面缺少机关 {slug} 的数据行"));
        for (r, row) in rows.iter().enumerate() {
            let path = across_path(&row.id);
            let sections: Vec<AcrossSection> = row
                .columns
                .iter()
                .enumerate()
                .map(|(c, (key, label))| AcrossSection {
                    id: format!("c-{key}"),
                    label: label.clone(),
                    body: marker(c),
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
            let frame = self.render("across.html", &ctx)?;
            let mut page = String::with_capacity(frame.len() + 4096 * self.site.agencies.len());
            let mut rest = frame.as_str();
            for c in 0..row.columns.len() {
                let marker = marker(c);
                let Some((before, after)) = rest.split_once(&marker) else {
                    return Err(BuildError::Theme(
                        "模板 across.html 应以 {{ s.body | safe }} 输出每一栏的表格内容"
                            .to_string(),
                    ));
                };
                page.push_str(before);
                for ((_, agencies), head) in grouped.iter().zip(&heads) {
                    page.push_str(head);
                    for a in agencies {
                        let rows = pieces
                            .agencies
                            .get(&a.slug)
                            .ok_or_else(|| missing(&a.slug))?;
                        let piece = rows
                            .get(pieces.starts[r] + c)
                            .ok_or_else(|| missing(&a.slug))?;
                        page.push_str(piece);
                    }
                    page.push_str("</tbody>\n");
                }
                rest = after;
            }
            page.push_str(rest);
            out.put(&path, page.into_bytes())?;
        }
        // The index of the rows, by part.
        let mut parts: Vec<PartRows> = Vec::new();
        for row in rows {
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
        out.put(&path, self.render_page("across_index.html", &ctx)?)?;
        Ok(())
    }

    fn site_draft_banner(&self) -> Option<String> {
        draft_banner(self.site.draft_years().map(|(_, y)| y))
    }
}

/// One agency's figure of a row in one year, written into `text`, and its link to its metric
/// page into `href` (true when it has one); 「—」 without a report, 「口径不同」 when the
/// year's form has no such cell.
fn across_cell(
    agency: &Agency,
    year: u16,
    row: &AcrossRow,
    id: &str,
    metric: &str,
    text: &mut String,
    href: &mut String,
) -> bool {
    let Some(y) = agency.year(year) else {
        text.push('—');
        return false;
    };
    match y.form.cell_index(id) {
        Some(i) => {
            push_cell_text(text, y.cells[i], y.form.kind(i));
            href.push_str(metric);
            href.push('#');
            push_row_anchor(href, &row.row, Some(year));
            true
        }
        None => {
            text.push_str("口径不同");
            false
        }
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

//! The year's report as a document (for the Word file and the CMS page): the same tables, notes
//! and narrative as the year page, without the site around them.

use super::*;
use crate::render::document::{
    self, DocumentCell, DocumentGrid, DocumentPart, DocumentTable, ReportDocument,
};
use crate::render::pdf;

/// An acknowledged problem in words, as printed under its table.
fn note_text(note: &Note) -> String {
    let mut text = format!("{} 已确认的问题：{}", note.mark, note.title);
    if !note.label.is_empty() {
        text.push('：');
        text.push_str(&note.label);
    }
    if !note.detail.is_empty() {
        text.push_str(&format!("（{}）", note.detail));
    }
    text.push_str(&format!("。说明：{}", note.reason));
    text
}

impl Renderer<'_> {
    /// The report of the `i`th year of an agency as a document.
    pub(super) fn report_document(
        &self,
        agency: &Agency,
        i: usize,
        agency_notes: &AgencyNotes<'_>,
    ) -> ReportDocument {
        let year = &agency.years[i];
        let form = &year.form;
        let mut notes = agency_notes.0[i].clone();
        let mut note_count = 0;
        let mut parts = Vec::new();
        for part_def in &PARTS {
            let mut tables = Vec::new();
            for (t, table) in form.tables.iter().enumerate() {
                if table.part != part_def.number {
                    continue;
                }
                let Some(first) = first_cell(form, t) else {
                    continue;
                };
                let prefix = format!("t-{}", table.key.replace('.', "-"));
                let shared = crate::render::table::shared_year_grid(form, t, first, &prefix, None);
                let extra: Vec<_> = year
                    .extra_rows
                    .iter()
                    .filter(|x| x.table == t)
                    .map(|x| {
                        let cells = crate::render::table::extra_row_cells(table, x);
                        (
                            x.after,
                            format!("{}{}", x.label, crate::render::table::EXTRA_LABEL),
                            cells,
                        )
                    })
                    .collect();
                // The notes printed with cells, numbered in the order of the cells: 「注1：…」.
                let mut printed = Vec::new();
                let mut number = |text: &mut String, label: &str, note: &str| {
                    note_count += 1;
                    printed.push(format!("注{note_count}：{label}，{note}"));
                    text.push_str(&format!("（注{note_count}）"));
                };
                // A data cell's value with its note number and mark; a row added locally as
                // the year wrote it.
                let mut document_cell = |c: &GridCell| {
                    let text = match c.cell {
                        Some(i) => {
                            let mut text = cell_text(year.cells[i], form.kind(i));
                            if let Some(note) = year.note(i) {
                                number(&mut text, &form.cell_label(i), note);
                            }
                            if let Some((mark, _)) = notes.mark_for_cell(&form.cells[i]) {
                                text.push_str(&mark);
                            }
                            text
                        }
                        None => {
                            let mut text = c.text.clone();
                            if !c.note.is_empty() {
                                number(&mut text, &c.note_label, &c.note);
                            }
                            text.push_str(&c.mark);
                            text
                        }
                    };
                    DocumentCell::of(c, text)
                };
                // The template's grid as it is kept, or a copy with the rows added locally
                // inserted where they stand.
                let grown;
                let grid = if extra.is_empty() {
                    &*shared
                } else {
                    let mut g = (*shared).clone();
                    insert_extra_rows(&mut g, &prefix, extra);
                    grown = g;
                    &grown
                };
                let head = grid
                    .head
                    .iter()
                    .map(|row| {
                        row.iter()
                            .map(|c| DocumentCell::of(c, c.text.clone()))
                            .collect()
                    })
                    .collect();
                let body = grid
                    .body
                    .iter()
                    .map(|row| row.iter().map(&mut document_cell).collect())
                    .collect();
                printed.extend(notes.take_table(table).iter().map(note_text));
                tables.push(DocumentTable {
                    caption: if table.is_sub_table() {
                        table.caption.to_string()
                    } else {
                        String::new()
                    },
                    grid: DocumentGrid { head, body },
                    notes: printed,
                });
            }
            let blocks = year
                .narrative
                .section(part_def.number)
                .map(|s| document::blocks(year.narrative.body(s)))
                .unwrap_or_default();
            parts.push(DocumentPart {
                heading: part_def.heading,
                tables,
                blocks,
                notes: notes
                    .take_part(part_def.number)
                    .iter()
                    .map(note_text)
                    .collect(),
            });
        }
        let template = year.template.get();
        ReportDocument {
            title: format!("{}{}年政府信息公开工作年度报告", agency.name, year.year),
            meta: vec![
                format!("发布日期：{}", published_text(year)),
                format!("年报格式：{}（{}）", template.name, template.notice),
            ],
            draft: draft_banner(std::iter::once(year)),
            preamble: document::blocks(year.narrative.preamble_text()),
            parts,
            notes: notes.take_rest().iter().map(note_text).collect(),
        }
    }
}

impl Renderer<'_> {
    /// The Word file and the CMS page of the `i`th year of an agency.
    pub(super) fn report_files(
        &self,
        agency: &Agency,
        i: usize,
        agency_notes: &AgencyNotes<'_>,
        out: &Output,
    ) -> Result<(), BuildError> {
        let year = &agency.years[i];
        let report = self.report_document(agency, i, agency_notes);
        let docx = crate::render::docx::docx(&report).map_err(BuildError::Theme)?;
        let path = docx_path(agency, year.year);
        if self.options.soffice.is_some() {
            let kept = self
                .options
                .previous_output
                .as_deref()
                .and_then(|previous| pdf::reusable(previous, &path, &docx));
            match kept {
                Some(pdf) => out.put(&pdf::pdf_of(&path), pdf)?,
                None => self
                    .pdfs
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push((path.clone(), docx.clone())),
            }
        }
        out.put(&path, docx)?;
        let page = crate::render::cms::cms_page(
            &report,
            self.base_url().as_deref(),
            &year_path(agency, year.year),
        );
        out.put(&cms_path(agency, year.year), page.into_bytes())?;
        Ok(())
    }
}

/// The Word file of a year.
pub(crate) fn docx_path(agency: &Agency, year: u16) -> String {
    format!("{}/{year}/report.docx", agency.slug)
}

/// The CMS page of a year.
pub(crate) fn cms_path(agency: &Agency, year: u16) -> String {
    format!("{}/{year}/cms.html", agency.slug)
}

/// The Word file of one year of a checked site (`nianbao word`), the same as `build` writes.
pub(crate) fn year_docx(
    checked: &crate::check::Checked,
    options: &Options,
    slug: &str,
    year: u16,
) -> Result<Vec<u8>, BuildError> {
    let site = &checked.site;
    let missing = || {
        BuildError::Refused(format!(
            "没有 {slug} 的 {year} 年度（content/{slug}/{year}/）"
        ))
    };
    let agency = site.agency(slug).ok_or_else(missing)?;
    let i = agency
        .years
        .iter()
        .position(|y| y.year == year)
        .ok_or_else(missing)?;
    let tera = tera::Tera::default();
    let renderer = Renderer {
        site,
        diagnostics: &checked.diagnostics,
        options,
        tera: &tera,
        pdfs: std::sync::Mutex::new(Vec::new()),
        acknowledged: Acknowledged::default(),
    };
    let notes = renderer.agency_notes(agency);
    let report = renderer.report_document(agency, i, &notes);
    crate::render::docx::docx(&report).map_err(BuildError::Theme)
}

/// The PDF of a year, when the build makes PDFs.
pub(crate) fn pdf_path(options: &Options, agency: &Agency, year: u16) -> Option<String> {
    options
        .soffice
        .is_some()
        .then(|| pdf::pdf_of(&docx_path(agency, year)))
}

//! The pages of the site: template data made from the model (a view for templates, separate from
//! the domain model), rendered with the theme. One file per page kind; this one holds the paths,
//! the views every page shares and the renderer that makes them all.

mod across;
mod agency;
mod compare;
mod compare_table;
mod document;
mod front;
mod metric;
mod notes;
mod overview;
mod splice;
mod totals;
mod year;

pub(crate) use across::AcrossPieces;
pub(crate) use document::year_docx;
use metric::{MetricRow, metric_rows};
pub(crate) use notes::Acknowledged;
use notes::{AgencyNotes, Mark, Note, YearNotes};
pub(crate) use overview::OverviewPieces;
use splice::Pieces;

use rust_decimal::Decimal;
use serde::Serialize;
use tera::Context;

use super::grid_html::grid_html;
use super::markdown;
use super::table::{GridCell, extra_grid_rows, insert_extra_rows, shared_year_grid};
use super::{BuildError, Options, Output};
use crate::check::repetition;
use crate::definition::{
    CellKind, Column, INDICATORS, Indicator, IndicatorKind, Layout, PARTS, PartKind, Row, Table,
    label_with_unit, part,
};
use crate::diagnostic::{Diagnostic, code_info};
use crate::model::{Agency, Site, Year};
use crate::render::chart::{self, Point, ValueFormat};
use crate::render::compare::{
    Change, cell_of, cell_of_index, has_cell, indicator_value, same_form,
};
use crate::render::format::{cell_text, indicator_text};

// ---- paths -------------------------------------------------------------------------------

pub(crate) fn agency_path(agency: &Agency) -> String {
    format!("{}/index.html", agency.slug)
}

pub(crate) fn year_path(agency: &Agency, year: u16) -> String {
    format!("{}/{year}/index.html", agency.slug)
}

pub(crate) fn compare_path(agency: &Agency, year: u16) -> String {
    format!("{}/{year}/compare.html", agency.slug)
}

/// A metric page shows the rows of one table over all years (`metrics/requests.html`).
pub(crate) fn metric_path(agency: &Agency, table_key: &str) -> String {
    format!("{}/metrics/{table_key}.html", agency.slug)
}

/// The anchor of a row on its metric page, and of one year of it.
pub(crate) fn row_anchor(row_key: &str, year: Option<u16>) -> String {
    let mut out = String::with_capacity(row_key.len() + 8);
    push_row_anchor(&mut out, row_key, year);
    out
}

/// `row_anchor` written at the end of `out` (a year page links every row label to one).
fn push_row_anchor(out: &mut String, row_key: &str, year: Option<u16>) {
    use std::fmt::Write as _;
    out.push_str("r-");
    for (i, part) in row_key.split('.').enumerate() {
        if i > 0 {
            out.push('-');
        }
        out.push_str(part);
    }
    if let Some(year) = year {
        let _ = write!(out, "-y{year}");
    }
}

/// The anchor of a cell on its year page: `c` and the cell's place in its year's form (short,
/// since every cell of every year page carries one).
pub(crate) fn cell_anchor(index: usize) -> String {
    let mut out = String::new();
    push_cell_anchor(&mut out, index);
    out
}

/// `cell_anchor` written at the end of `out`.
pub(crate) fn push_cell_anchor(out: &mut String, index: usize) {
    out.push_str("c-");
    out.push_str(itoa::Buffer::new().format(index));
}

/// The prefix of the header ids of the `t`th table of a form on a year page: a letter (`a`, `b`…),
/// so that the `headers` of every cell stay short. Header ids are `{prefix}h{n}` (columns),
/// `{prefix}{n}` (rows), `{prefix}c` (the corner) and `{prefix}x{n}` (rows added locally).
pub(crate) fn table_prefix(t: usize) -> String {
    match u8::try_from(t) {
        Ok(n) if n < 26 => char::from(b'a' + n).to_string(),
        _ => format!("t{t}-"),
    }
}

/// The link from a year page to a row of a metric page (both pages are under the agency's folder).
pub(crate) fn metric_href_from_year(table_key: &str, row_key: &str, year: u16) -> String {
    let mut out = String::with_capacity(table_key.len() + row_key.len() + 32);
    out.push_str("../metrics/");
    out.push_str(table_key);
    out.push_str(".html#");
    push_row_anchor(&mut out, row_key, Some(year));
    out
}

/// The relative prefix from a page to the site root.
fn root_of(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

// ---- common view types ---------------------------------------------------------------------

#[derive(Serialize)]
struct Link {
    label: String,
    href: String,
}

#[derive(Serialize)]
struct Crumb {
    label: String,
    href: Option<String>,
}

#[derive(Serialize)]
struct FooterView<'a> {
    sponsor: &'a Option<String>,
    site_code: &'a Option<String>,
    icp: &'a Option<String>,
    police_record: &'a Option<String>,
    contact: &'a Option<String>,
    generator: bool,
}

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    base_url: &'a Option<String>,
    footer: FooterView<'a>,
    change_marks: bool,
}

#[derive(Serialize)]
struct PageView {
    title: String,
    path: String,
    canonical: Option<String>,
}

/// Renders pages into `files`.
pub(crate) struct Renderer<'a> {
    pub site: &'a Site,
    pub diagnostics: &'a [Diagnostic],
    pub options: &'a Options,
    pub tera: &'a tera::Tera,
    /// Word files whose PDF is still to be made (output path, bytes), with `build --pdf`.
    pub pdfs: std::sync::Mutex<Vec<(String, Vec<u8>)>>,
    /// The acknowledged diagnostics of each file, indexed at the first agency rendered.
    pub acknowledged: Acknowledged<'a>,
}

impl Renderer<'_> {
    fn base_url(&self) -> Option<String> {
        self.options.base_url(&self.site.config)
    }

    fn context(&self, path: &str, title: String, breadcrumbs: Vec<Crumb>) -> Context {
        let config = &self.site.config;
        let mut ctx = Context::new();
        ctx.insert("root", &root_of(path));
        ctx.insert(
            "site",
            &SiteView {
                title: &config.title,
                base_url: &config.base_url,
                footer: FooterView {
                    sponsor: &config.footer.sponsor,
                    site_code: &config.footer.site_code,
                    icp: &config.footer.icp,
                    police_record: &config.footer.police_record,
                    contact: &config.footer.contact,
                    generator: config.footer.generator,
                },
                change_marks: config.change_marks,
            },
        );
        ctx.insert(
            "page",
            &PageView {
                title,
                path: path.to_string(),
                canonical: self.base_url().map(|b| format!("{b}{path}")),
            },
        );
        ctx.insert("breadcrumbs", &breadcrumbs);
        ctx.insert("search", &config.search);
        ctx.insert("draft_banner", &None::<String>);
        ctx.insert(
            "sitemap",
            &self.options.absolute_base_url(&self.site.config).is_some(),
        );
        ctx
    }

    fn render(&self, template: &str, ctx: &Context) -> Result<String, BuildError> {
        self.tera
            .render(template, ctx)
            .map_err(|e| template_error(template, &e))
    }

    /// A page's bytes, the same as `render`'s, rendered into a buffer kept by the thread and
    /// copied out at their size: what `out.put` takes, without Tera's growing a fresh buffer
    /// from 2 KB for every page and checking the whole page's UTF-8 again to make a String
    /// (about 4 % of a build, issue 15).
    fn render_page(&self, template: &str, ctx: &Context) -> Result<Vec<u8>, BuildError> {
        self.with_rendered(template, ctx, <[u8]>::to_vec)
    }

    /// Renders a page into the thread's buffer and hands its bytes to `finish`.
    fn with_rendered(
        &self,
        template: &str,
        ctx: &Context,
        finish: impl FnOnce(&[u8]) -> Vec<u8>,
    ) -> Result<Vec<u8>, BuildError> {
        thread_local! {
            static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        BUFFER.with_borrow_mut(|buffer| {
            buffer.clear();
            self.tera
                .render_to(template, ctx, &mut *buffer)
                .map_err(|e| template_error(template, &e))?;
            Ok(finish(buffer.as_slice()))
        })
    }

    fn crumbs(&self, agency: Option<&Agency>, rest: Vec<(String, Option<String>)>) -> Vec<Crumb> {
        let mut out = vec![Crumb {
            label: "首页".to_string(),
            href: Some("index.html".to_string()),
        }];
        if let Some(agency) = agency {
            out.push(Crumb {
                label: agency.short_name.clone(),
                href: Some(agency_path(agency)),
            });
        }
        out.extend(rest.into_iter().map(|(label, href)| Crumb { label, href }));
        if let Some(last) = out.last_mut() {
            last.href = None;
        }
        out
    }

    /// Renders every page of the site into `out`, the agencies in parallel.
    pub(crate) fn render_all(
        &self,
        out: &Output,
        hold: Option<&crate::parallel::Hold>,
    ) -> Result<(), BuildError> {
        self.site_pages(out)?;
        let agencies = &self.site.agencies;
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            crate::parallel::try_map_beside(agencies, hold, |agency| self.agency_pages(agency, out))
        }))
        .unwrap_or_else(|payload| Err(BuildError::Panic(super::panic_message(&*payload))))
        .map(drop)
    }

    /// The pages about the site as a whole: the front page (it lists every agency) and the 404
    /// page.
    pub(crate) fn site_pages(&self, out: &Output) -> Result<(), BuildError> {
        self.front_page(out)?;
        self.not_found_page(out)
    }

    /// Every page and data file of one agency.
    pub(crate) fn agency_pages(&self, agency: &Agency, out: &Output) -> Result<(), BuildError> {
        // The acknowledged problems of each year, marked wherever its cells appear.
        let notes = self.agency_notes(agency);
        // The rows of every year, listed on the agency page and each shown on a metric page.
        let metric_rows = metric_rows(agency);
        self.agency_page(agency, &metric_rows, &notes, out)?;
        for (i, year) in agency.years.iter().enumerate() {
            let previous = i
                .checked_sub(1)
                .map(|p| &agency.years[p])
                .filter(|p| p.year + 1 == year.year);
            self.year_page(agency, i, &notes, out)?;
            if let Some(previous) = previous {
                self.compare_page(agency, previous, year, &notes, out)?;
            }
            let (csv, json) = super::data::year_files(agency, year)?;
            out.put(&format!("{}/{}/data.csv", agency.slug, year.year), csv)?;
            out.put(&format!("{}/{}/data.json", agency.slug, year.year), json)?;
            let xlsx = super::xlsx::export(&agency.name, year).map_err(BuildError::Theme)?;
            out.put(&format!("{}/{}/data.xlsx", agency.slug, year.year), xlsx)?;
            self.report_files(agency, i, &notes, out)?;
        }
        let (csv, json) = super::data::agency_files(agency)?;
        out.put(&format!("{}/data.csv", agency.slug), csv)?;
        out.put(&format!("{}/data.json", agency.slug), json)?;
        self.metric_pages(agency, &metric_rows, &notes, out)?;
        Ok(())
    }

    /// The acknowledged problems of each year of an agency.
    fn agency_notes<'y>(&self, agency: &'y Agency) -> AgencyNotes<'y> {
        AgencyNotes(
            agency
                .years
                .iter()
                .map(|y| YearNotes::new(self.acknowledged.of_year(self.diagnostics, y), y))
                .collect(),
        )
    }

    fn not_found_page(&self, out: &Output) -> Result<(), BuildError> {
        let path = "404.html".to_string();
        let mut ctx = self.context(&path, "页面不存在".to_string(), Vec::new());
        // The 404 page is served at any depth: link by the site's address when known.
        let root = self
            .options
            .not_found_root
            .clone()
            .or_else(|| self.base_url())
            .unwrap_or_default();
        ctx.insert("root", &root);
        ctx.insert("home", &format!("{root}index.html"));
        out.put(&path, self.render_page("404.html", &ctx)?)?;
        Ok(())
    }
}

fn template_error(template: &str, e: &tera::Error) -> BuildError {
    BuildError::Theme(format!(
        "渲染模板 {template} 时出错：{}",
        super::theme::tera_message(e)
    ))
}

// ---- helpers ---------------------------------------------------------------------------------

/// The index of a table's first cell in its form.
fn first_cell(form: &crate::definition::Form, table: usize) -> Option<usize> {
    form.places.iter().position(|p| p.table == table)
}

/// A column's label with the unit of the cell when neither the column nor the row names it
/// (「采购总金额（万元）」; the fee rows of 六 say 「（单位：元）」 themselves).
fn column_label(row: &Row, column: &Column, kind: CellKind) -> String {
    if row.labels.iter().any(|l| l.contains("单位")) {
        column.label.to_string()
    } else {
        label_with_unit(column.label, kind)
    }
}

/// The text of the 草稿（未发布） banner of a page that shows these years, if any is a draft.
fn draft_banner<'y>(years: impl Iterator<Item = &'y Year>) -> Option<String> {
    let drafts: Vec<String> = years
        .filter(|y| y.draft)
        .map(|y| format!("{}年度", y.year))
        .collect();
    (!drafts.is_empty()).then(|| {
        format!(
            "本页含{}的草稿：数字和文字尚未定稿，不是正式发布的年报。",
            drafts.join("、")
        )
    })
}

/// The publication date in words: the date, 草稿（未发布）, or 不详.
fn published_text(year: &Year) -> String {
    match year.published {
        Some(date) => date.chinese(),
        None if year.draft => "草稿（未发布）".to_string(),
        None => "不详".to_string(),
    }
}

/// A note printed with a cell in the report, listed under its table.
#[derive(Serialize)]
struct PrintedNote {
    id: String,
    mark: String,
    label: String,
    text: String,
}

/// Whether the report was published on time, in words.
fn timeliness(agency: &Agency, year: &Year) -> String {
    match year.published {
        None if year.draft => "尚未发布".to_string(),
        None => "发布日期不详".to_string(),
        Some(date) if date <= agency.kind.deadline(year.year) => "按时发布".to_string(),
        Some(_) => format!(
            "逾期发布（期限 {}）",
            agency.kind.deadline(year.year).chinese()
        ),
    }
}

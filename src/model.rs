//! The domain model: a site of agencies, each with its report years.

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use rust_decimal::Decimal;

use crate::definition::{Form, TemplateId};

/// The whole site as loaded from content/.
#[derive(Clone, Debug)]
pub struct Site {
    pub config: SiteConfig,
    /// Agencies in folder-name order, each behind an `Arc`: `serve` keeps one model per good
    /// build, and models share the agencies that did not change (a clone of the site copies no
    /// agency).
    pub agencies: Vec<Arc<Agency>>,
    /// The groups every page that lists agencies shows them in, in the portal's order: site.yaml's
    /// `groups`, or one group per agency kind. Every agency of the site is in exactly one.
    pub groups: Vec<AgencyGroup>,
}

impl Site {
    pub fn year_count(&self) -> usize {
        self.agencies.iter().map(|a| a.years.len()).sum()
    }

    pub fn agency(&self, slug: &str) -> Option<&Agency> {
        self.agencies
            .iter()
            .find(|a| a.slug == slug)
            .map(Arc::as_ref)
    }

    /// The agencies of the site in their groups, in the portal's order; groups with no agency in
    /// this site (all left out by `--agency`, or without a published year) are left out.
    pub fn grouped(&self) -> Vec<(&str, Vec<&Agency>)> {
        let by_slug: std::collections::HashMap<&str, &Agency> = self
            .agencies
            .iter()
            .map(|a| (a.slug.as_str(), &**a))
            .collect();
        self.groups
            .iter()
            .map(|g| {
                let members = g
                    .members
                    .iter()
                    .filter_map(|slug| by_slug.get(slug.as_str()).copied())
                    .collect::<Vec<_>>();
                (g.name.as_str(), members)
            })
            .filter(|(_, members)| !members.is_empty())
            .collect()
    }

    /// Every report year of the site, ascending.
    pub fn report_years(&self) -> Vec<u16> {
        let mut years: Vec<u16> = self
            .agencies
            .iter()
            .flat_map(|a| a.years.iter().map(|y| y.year))
            .collect();
        years.sort_unstable();
        years.dedup();
        years
    }

    /// Every draft year (`published: draft`).
    pub fn draft_years(&self) -> impl Iterator<Item = (&Agency, &Year)> {
        self.agencies
            .iter()
            .map(Arc::as_ref)
            .flat_map(|a| a.years.iter().filter(|y| y.draft).map(move |y| (a, y)))
    }

    /// The site as published: without draft years, and without agencies that have no published
    /// year, so that nothing of a draft reaches any page (charts, metric pages, comparisons,
    /// downloads of all years, the front page, the sitemap and the feed).
    pub fn without_drafts(mut self) -> Site {
        for agency in &mut self.agencies {
            if agency.years.iter().any(|y| y.draft) {
                Arc::make_mut(agency).years.retain(|y| !y.draft);
            }
        }
        self.agencies.retain(|a| !a.years.is_empty());
        self
    }
}

/// content/site.yaml.
#[derive(Clone, Debug, Default)]
pub struct SiteConfig {
    pub title: String,
    /// The address the site is published at; only for canonical links, the sitemap and the feed.
    pub base_url: Option<String>,
    pub language: String,
    pub theme: String,
    pub footer: Footer,
    /// Raw HTML in report.md is kept instead of sanitised.
    pub allow_html: bool,
    /// Whether the year pages show the change against last year under each number when a reader
    /// first opens them (the reader can switch them on and off).
    pub change_marks: bool,
    /// Whether the site has its offline search page and index (`settings.search`, default true).
    pub search: bool,
    /// site.yaml's `groups`, as written (empty: one group per agency kind).
    pub groups: Vec<GroupConfig>,
    /// Where `groups` is written in site.yaml.
    pub groups_pos: Option<Pos>,
}

/// A group of agencies as site.yaml writes it (`groups:`): its name and its members' folder names
/// in the portal's order, with their positions for diagnostics.
#[derive(Clone, Debug, Default)]
pub struct GroupConfig {
    pub name: String,
    pub pos: Pos,
    pub members: Vec<(String, Pos)>,
}

/// A group of agencies as the pages list them (区政府部门, 街道办事处…): members by folder name.
#[derive(Clone, Debug)]
pub struct AgencyGroup {
    pub name: String,
    pub members: Vec<String>,
}

/// The portal footer.
#[derive(Clone, Debug, Default)]
pub struct Footer {
    /// 主办单位
    pub sponsor: Option<String>,
    /// 网站标识码
    pub site_code: Option<String>,
    /// ICP备案号
    pub icp: Option<String>,
    /// 公安机关备案号
    pub police_record: Option<String>,
    /// 联系方式
    pub contact: Option<String>,
    /// Whether the footer says that the site was made with nianbao.
    pub generator: bool,
}

/// What kind of agency publishes the report; it sets the statutory deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AgencyKind {
    /// 县级以上人民政府部门: 31 January.
    Department,
    /// 街道办事处: 31 January (local practice).
    StreetOffice,
    /// 乡镇人民政府: 31 January (local practice).
    Town,
    /// 人民政府 reporting on its whole jurisdiction: 31 March.
    Government,
}

impl AgencyKind {
    pub const ALL: [AgencyKind; 4] = [
        AgencyKind::Department,
        AgencyKind::StreetOffice,
        AgencyKind::Town,
        AgencyKind::Government,
    ];

    pub fn key(self) -> &'static str {
        match self {
            AgencyKind::Department => "department",
            AgencyKind::StreetOffice => "street_office",
            AgencyKind::Town => "town",
            AgencyKind::Government => "government",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AgencyKind::Department => "政府部门",
            AgencyKind::StreetOffice => "街道办事处",
            AgencyKind::Town => "乡镇人民政府",
            AgencyKind::Government => "人民政府（本行政区域年报）",
        }
    }

    /// The group a portal lists an agency of this kind in when site.yaml names no groups.
    pub fn group_name(self) -> &'static str {
        match self {
            AgencyKind::Department => "政府部门",
            AgencyKind::StreetOffice => "街道办事处",
            AgencyKind::Town => "乡镇人民政府",
            AgencyKind::Government => "人民政府",
        }
    }

    pub fn from_key(key: &str) -> Option<AgencyKind> {
        AgencyKind::ALL.into_iter().find(|k| k.key() == key)
    }

    /// The statutory deadline in words: 「次年1月31日」.
    pub fn deadline_rule(self) -> String {
        let day = self.deadline(2020);
        format!("次年{}月{}日", day.month, day.day)
    }

    /// The last day to publish the report of `year`.
    pub fn deadline(self, year: u16) -> Date {
        match self {
            AgencyKind::Government => Date::new(year + 1, 3, 31),
            _ => Date::new(year + 1, 1, 31),
        }
        .expect("fixed deadlines are valid dates")
    }
}

/// content/<agency>/agency.yaml. Clone only for `Arc::make_mut` in `without_drafts`, where the
/// agency is never shared (so never copied).
#[derive(Clone, Debug)]
pub struct Agency {
    /// The folder name, e.g. `jiahe`.
    pub slug: String,
    pub dir: PathBuf,
    /// The full official name, e.g. 广州市白云区人民政府嘉禾街道办事处.
    pub name: String,
    pub short_name: String,
    pub kind: AgencyKind,
    /// The parent body or region, e.g. 广州市白云区.
    pub region: Option<String>,
    pub contact: Option<String>,
    /// Years in ascending order.
    pub years: Vec<Year>,
}

impl Agency {
    pub fn year(&self, year: u16) -> Option<&Year> {
        self.years.iter().find(|y| y.year == year)
    }
}

/// A calendar date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        let leap =
            (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days)
            .contains(&day)
            .then_some(Date { year, month, day })
    }

    /// Parses `2025-01-20`.
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.trim().split('-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    }

    /// 2025年1月20日.
    pub fn chinese(&self) -> String {
        format!("{}年{}月{}日", self.year, self.month, self.day)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A cell's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cell {
    /// A number (counts are whole decimals; money keeps the scale it was written with).
    Value(Decimal),
    /// Written as “/” (left blank in the published report).
    NotReported,
    /// Absent or unreadable in data.yaml (already reported as an error).
    Missing,
}

impl Cell {
    pub fn value(self) -> Option<Decimal> {
        match self {
            Cell::Value(v) => Some(v),
            _ => None,
        }
    }
}

/// A row a province adds to a table of part 二 (e.g. 「其他主动公开文件」): printed in its place,
/// marked as not part of the national template, left out of the checks and comparisons.
#[derive(Clone, Debug)]
pub struct ExtraRow {
    /// The index of the table in the year's form.
    pub table: usize,
    /// The row of the national template it follows (None: before the first row).
    pub after: Option<usize>,
    /// The label as printed.
    pub label: String,
    /// One per column of the table.
    pub cells: Vec<Cell>,
    /// The note printed with a cell, per column.
    pub notes: Vec<Option<String>>,
    pub pos: Pos,
}

/// A problem that a published report has and that its data file acknowledges.
#[derive(Clone, Debug)]
pub struct Acknowledgement {
    /// The check codes it covers (`code: T002` or `code: [N001, T002]`).
    pub codes: Vec<String>,
    /// What it covers: a cell id, a row or group (`requests.withheld`), a table (`requests`),
    /// a part (`part3`), a pattern (`requests.*.total`), or nothing for a problem of no cell.
    pub cell: Option<String>,
    /// The value found when the problem was acknowledged (`found: 0`); when the figures change
    /// the entry no longer matches.
    pub found: Option<String>,
    pub reason: String,
    pub pos: Pos,
}

/// One report year of one agency.
#[derive(Clone, Debug)]
pub struct Year {
    pub year: u16,
    pub dir: PathBuf,
    /// Paths relative to the site root, as diagnostics print them.
    pub data_file: PathBuf,
    pub report_file: PathBuf,
    /// The template data.yaml declares (the year's own template when it declares none).
    pub template: TemplateId,
    /// The template as this year fills it in (with any recorded deviation).
    pub form: Arc<Form>,
    /// One per cell of `form.cells`.
    pub cells: Vec<Cell>,
    /// Where each cell was written (None for computed totals and missing cells).
    pub positions: Vec<Option<Pos>>,
    /// Totals that data.yaml left out and nianbao computed.
    pub computed: Vec<bool>,
    /// Notes printed with cells (「12（其中修订5件）」 keeps 12 and 「其中修订5件」), by cell index,
    /// in cell order.
    pub cell_notes: Vec<(usize, String)>,
    /// Rows added to part 二 beyond the national template, in the order written.
    pub extra_rows: Vec<ExtraRow>,
    /// The publication date; None when unknown (historic reports) or not yet published.
    pub published: Option<Date>,
    /// `published: draft`: not yet published. Checked like any other year, but its problems never
    /// block a build, and only `build --drafts` and `serve` render it (with a banner).
    pub draft: bool,
    /// Where `template` and `published` are written in data.yaml.
    pub template_pos: Option<Pos>,
    pub published_pos: Option<Pos>,
    pub acknowledgements: Vec<Acknowledgement>,
    pub narrative: Narrative,
    /// The text of data.yaml, for snippets in diagnostics.
    pub data_source: Arc<str>,
}

impl Year {
    pub fn value(&self, cell_id: &str) -> Option<Decimal> {
        self.form
            .cell_index(cell_id)
            .and_then(|i| self.cells[i].value())
    }

    /// The note printed with a cell, if any.
    pub fn note(&self, cell: usize) -> Option<&str> {
        self.cell_notes
            .binary_search_by_key(&cell, |(c, _)| *c)
            .ok()
            .map(|i| self.cell_notes[i].1.as_str())
    }
}

/// A position in a source file: 1-based line and column (column counted in characters).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

/// A part heading found in report.md and the text under it.
#[derive(Clone, Debug)]
pub struct Section {
    /// The official part (1–6) the heading stands for, by its numeral.
    pub part: u8,
    /// The heading as written.
    pub heading: String,
    /// The Markdown heading level (1 for `#`, 2 for `##`…).
    pub level: u8,
    /// 1-based line of the heading.
    pub line: usize,
    /// The body under the heading (byte range in the source), up to the next part heading.
    pub body: Range<usize>,
    /// Whether the body has any text.
    pub has_text: bool,
}

impl Section {
    pub fn is_official(&self) -> bool {
        crate::definition::PARTS[usize::from(self.part) - 1].heading == self.heading
    }
}

/// The narrative of one year.
#[derive(Clone, Debug, Default)]
pub struct Narrative {
    pub source: Arc<str>,
    /// Text before the first part heading.
    pub preamble: Range<usize>,
    /// Part headings in the order written.
    pub sections: Vec<Section>,
    /// Lines that still hold the scaffold's guidance text.
    pub guidance_lines: Vec<usize>,
    /// The Markdown level the part headings are written at (the one most of them use).
    pub part_level: Option<u8>,
    /// Lines that read as a part heading but are not written as a heading (no `##`, or `#` with
    /// no space after it, or indented into a code block): the part they name and the text.
    pub unmarked_headings: Vec<UnmarkedHeading>,
    /// The line where the Markdown first nests deeper than [`MAX_NESTING`], if it does.
    pub too_deep: Option<usize>,
    /// Each section's sentences (in the order of `sections`), split once when first asked for:
    /// the check of repeated text and the comparison page both compare a year's parts with the
    /// year before's (`check::repetition::part_sentences`, which fills it).
    pub sentences: std::sync::OnceLock<Vec<Vec<String>>>,
}

/// A line that reads like a part heading but is plain text.
#[derive(Clone, Debug)]
pub struct UnmarkedHeading {
    pub part: u8,
    pub line: usize,
    pub text: String,
}

/// The deepest nesting of Markdown elements (quotes in quotes, lists in lists, emphasis in links…)
/// nianbao renders. A report needs a handful of levels; the HTML sanitiser's parser slows down
/// with the square of the depth, so deeper text is refused by `check` before it reaches it.
pub(crate) const MAX_NESTING: usize = 32;

impl Narrative {
    pub fn section(&self, part: u8) -> Option<&Section> {
        self.sections.iter().find(|s| s.part == part)
    }

    pub fn body(&self, section: &Section) -> &str {
        &self.source[section.body.clone()]
    }

    pub fn preamble_text(&self) -> &str {
        &self.source[self.preamble.clone()]
    }

    pub fn line_of(&self, offset: usize) -> usize {
        LineIndex::new(&self.source).line_of(offset)
    }
}

/// The byte offsets where lines start, to turn many offsets into line numbers in linear time.
pub(crate) struct LineIndex(Vec<usize>);

impl LineIndex {
    pub(crate) fn new(source: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(source.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex(starts)
    }

    /// The 1-based line of a byte offset.
    pub(crate) fn line_of(&self, offset: usize) -> usize {
        self.0.partition_point(|&start| start <= offset).max(1)
    }
}

//! `nianbao import`: a published report (HTML page, plain text, or the workbook of
//! `nianbao xlsx`) into a new year folder, read by the template's official labels.
//!
//! Every cell that could not be read with confidence is written as `/` with a comment saying
//! why, and listed in what the command prints; nothing is guessed.

mod html;
mod labels;
mod text;
mod workbook;
pub mod xlsx;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rust_decimal::Decimal;

// What the importer uses of the rest of nianbao.
use crate::definition::{Form, GUIDANCE_PREFIX, PARTS, PartKind, TemplateId};
use crate::model::Date;
use crate::scaffold::{ScaffoldError, YearData, write_data_yaml, write_year, year_template};

/// A cell read from a report.
#[derive(Clone, Debug, PartialEq)]
pub enum Read {
    /// A number, with the text to write in data.yaml (「+373」 keeps its sign).
    Value(Decimal, String),
    /// Printed blank (「/」).
    Blank,
}

/// What the importer made of one cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Reading {
    Read(Read),
    /// Not read with confidence, and why.
    Unread(String),
}

impl Reading {
    fn unread(why: &str) -> Reading {
        Reading::Unread(why.to_string())
    }
}

/// A problem that stops an import.
#[derive(Debug)]
pub struct ImportError(pub String);

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ImportError {}

impl From<ScaffoldError> for ImportError {
    fn from(e: ScaffoldError) -> Self {
        ImportError(e.0)
    }
}

/// A report read into the cells of its year's form.
#[derive(Debug)]
pub struct Report {
    pub year: u16,
    pub form: Arc<Form>,
    /// One per cell of `form.cells`.
    pub cells: Vec<Reading>,
    /// The narrative of parts 一 to 六 as printed (only 一, 五 and 六 are prose), and the lines
    /// before part 一.
    pub parts: [Option<Vec<String>>; 6],
    pub preface: Vec<String>,
    /// The publication date, when the report states one.
    pub published: Option<Date>,
    /// Read from a workbook (not from a printed report).
    pub workbook: bool,
}

/// The unread cells of one row that share a reason.
#[derive(Debug)]
pub struct Unread<'a> {
    /// The row's YAML path (`requests.withheld.third_party`).
    pub path: String,
    /// The row's official label.
    pub label: String,
    /// The columns not read (empty for a single figure).
    pub columns: Vec<&'static str>,
    /// How many columns the row has.
    pub width: usize,
    pub why: &'a str,
}

impl Unread<'_> {
    /// Which cells of the row: 「（整行）」, 「「自然人」「总计」」, or nothing for a single figure.
    pub fn columns_text(&self) -> String {
        match self.columns.len() {
            0 => String::new(),
            n if n == self.width => "（整行）".to_string(),
            _ => format!("「{}」", self.columns.join("」「")),
        }
    }
}

impl Report {
    /// The unread cells, a row at a time.
    pub fn unread_rows(&self) -> Vec<Unread<'_>> {
        let mut out: Vec<Unread> = Vec::new();
        for (i, reading) in self.cells.iter().enumerate() {
            let Reading::Unread(why) = reading else {
                continue;
            };
            let (table, row, column) = self.form.place(i);
            let path = format!("{}.{}", table.key, row.key);
            let column = (table.columns.len() > 1).then_some(column.label);
            match out.last_mut() {
                Some(last) if last.path == path && last.why == why => last.columns.extend(column),
                _ => out.push(Unread {
                    path,
                    label: table.row_label(row),
                    columns: column.into_iter().collect(),
                    width: table.columns.len(),
                    why,
                }),
            }
        }
        out
    }

    /// The cells not read, with the official label and the reason.
    pub fn unread(&self) -> Vec<(String, String, &str)> {
        self.cells
            .iter()
            .enumerate()
            .filter_map(|(i, r)| match r {
                Reading::Unread(why) => Some((
                    self.form.yaml_path(i),
                    self.form.cell_label(i),
                    why.as_str(),
                )),
                Reading::Read(_) => None,
            })
            .collect()
    }
}

/// The kinds of file `import` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    Html,
    Text,
    Workbook,
}

fn source_of(path: &Path, bytes: &[u8]) -> Source {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if ext == "xlsx" || bytes.starts_with(b"PK\x03\x04") {
        Source::Workbook
    } else if matches!(ext.as_str(), "html" | "htm" | "mhtml")
        || String::from_utf8_lossy(&bytes[..bytes.len().min(2048)])
            .to_ascii_lowercase()
            .contains("<table")
    {
        Source::Html
    } else {
        Source::Text
    }
}

/// Reads a report file. `year` is the report year when the command names it; otherwise it is
/// read from the title (「2023年政府信息公开工作年度报告」).
pub fn read(path: &Path, year: Option<u16>) -> Result<Report, ImportError> {
    let bytes = std::fs::read(path)
        .map_err(|e| ImportError(format!("无法读取 {}：{e}", path.display())))?;
    match source_of(path, &bytes) {
        Source::Workbook => xlsx::read(path, &bytes, year),
        source => {
            let text = decode(path, &bytes)?;
            let lines = if source == Source::Html {
                html::lines(&text)
            } else {
                text.lines().map(str::to_string).collect()
            };
            read_lines(path, &lines, year)
        }
    }
}

/// The text of a file: UTF-8, or GB18030 (which covers GBK and GB2312, what Notepad on a
/// Chinese Windows and many portals save).
fn decode(path: &Path, bytes: &[u8]) -> Result<String, ImportError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_string());
    }
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|text| text.into_owned())
        .ok_or_else(|| {
            ImportError(format!(
                "{} 既不是 UTF-8 也不是 GBK 编码的文本。请用记事本或 WPS 另存为 UTF-8 编码后再导入。",
                path.display()
            ))
        })
}

/// Reads a report from lines of text (plain text, or the text of an HTML page).
fn read_lines(path: &Path, lines: &[String], year: Option<u16>) -> Result<Report, ImportError> {
    let year = match year.or_else(|| year_in_title(lines)) {
        Some(year) => year,
        None => {
            return Err(ImportError(format!(
                "{} 的开头没有找到报告年度（如“2023年政府信息公开工作年度报告”）。请用 --year 指明年度。",
                path.display()
            )));
        }
    };
    let template = year_template(year)?;
    let (form, cells) = with_deviation(template, |form| Ok(text::read_tables(lines, form, year)))?;
    let parts = text::narrative(lines);
    let first_part = lines
        .iter()
        .position(|l| labels::squash(l).starts_with(&labels::squash(PARTS[0].heading)));
    // What comes after the title and before part 一 (the basis and period of the report).
    let before = &lines[..first_part.unwrap_or(0)];
    let title = before
        .iter()
        .rposition(|l| l.contains("年度报告"))
        .map_or(0, |i| i + 1);
    let preface = before[title..].to_vec();
    Ok(Report {
        year,
        form,
        cells,
        parts,
        preface,
        published: published_in(lines, year),
        workbook: false,
    })
}

/// Reads the cells of a year's form with `read`; when some items of a mergeable group were not
/// found (a 2021 report printing the 2019-style single （六）其他处理 row), reads the form with
/// that group as one row too, and keeps the reading with fewer unread cells.
pub(crate) fn with_deviation(
    template: TemplateId,
    read: impl Fn(&Form) -> Result<Vec<Reading>, ImportError>,
) -> Result<(Arc<Form>, Vec<Reading>), ImportError> {
    let definition = template.get();
    let mut form = definition.form.clone();
    let mut cells = read(&form)?;
    for table in &definition.form.tables {
        for (group, _, _, _) in table.mergeable_groups() {
            let prefix = format!("{}.{group}.", table.key);
            let items: Vec<usize> = (0..form.cells.len())
                .filter(|&i| form.cells[i].starts_with(&prefix))
                .collect();
            let all_found = items.iter().all(|&i| matches!(cells[i], Reading::Read(_)));
            if !items.is_empty()
                && !all_found
                && let Some(merged) = definition.form_with(&[format!("{}.{group}", table.key)])
            {
                let merged_cells = read(&merged)?;
                if unread_count(&merged_cells) < unread_count(&cells) {
                    form = merged;
                    cells = merged_cells;
                }
            }
        }
    }
    Ok((form, cells))
}

fn unread_count(cells: &[Reading]) -> usize {
    cells
        .iter()
        .filter(|r| matches!(r, Reading::Unread(_)))
        .count()
}

/// The report year in the first lines: 「2023年政府信息公开工作年度报告」, 「2023年度」.
fn year_in_title(lines: &[String]) -> Option<u16> {
    lines.iter().take(10).find_map(|line| {
        let at = line.find("年")?;
        let digits: String = line[..at]
            .chars()
            .rev()
            .take_while(char::is_ascii_digit)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let year: u16 = digits.parse().ok()?;
        (digits.len() == 4 && line.contains("年度报告") || line.contains("年度")).then_some(year)
    })
}

/// A publication date stated in the report: 「2024年1月20日」 or 「2024-01-20」 in its last lines
/// (or on a line saying 发布), in the months after the report year.
fn published_in(lines: &[String], year: u16) -> Option<Date> {
    let candidates = lines
        .iter()
        .rev()
        .take(8)
        .chain(lines.iter().filter(|l| l.contains("发布")));
    for line in candidates {
        let squashed: String = line.chars().filter(|c| !c.is_whitespace()).collect();
        for (i, _) in squashed.match_indices(&(year + 1).to_string()) {
            let rest = &squashed[i + 4..];
            let mut numbers = rest
                .split(['年', '月', '日', '-', '.', '/'])
                .skip(1)
                .take(2);
            let month = numbers.next().and_then(|m| m.parse::<u8>().ok());
            let day = numbers
                .next()
                .map(|d| {
                    d.chars()
                        .take_while(char::is_ascii_digit)
                        .collect::<String>()
                })
                .and_then(|d| d.parse::<u8>().ok());
            if let (Some(m), Some(d)) = (month, day)
                && let Some(date) = Date::new(year + 1, m, d)
            {
                return Some(date);
            }
        }
    }
    None
}

/// The data.yaml of an imported report: the layout of `nianbao new`, every unread cell `/` with
/// a comment above its row.
pub fn data_yaml(report: &Report, agency_name: &str, source: &str) -> String {
    let form = &report.form;
    let cells = report
        .cells
        .iter()
        .map(|reading| match reading {
            Reading::Read(Read::Value(_, text)) => text.clone(),
            Reading::Read(Read::Blank) | Reading::Unread(_) => "/".to_string(),
        })
        .collect();
    // One comment per row and reason, above the row.
    let mut notes: HashMap<String, Vec<String>> = HashMap::new();
    for row in report.unread_rows() {
        let what = row.columns_text();
        notes
            .entry(row.path)
            .or_default()
            .push(format!("未读出{what}：{}。请对照原报告填写", row.why));
    }
    let mut header = vec![format!(
        "由 nianbao import 从 {source} 导入，请逐格对照原报告核对。"
    )];
    if !form.deviations().is_empty() {
        header.push(
            "原报告把一组项目印成了一行（与年报格式不符），照原样导入；check 会提示，核实后可登记为已确认的问题。"
                .to_string(),
        );
    }
    write_data_yaml(
        agency_name,
        report.year,
        &YearData {
            form,
            header,
            published: report.published.map(|d| d.to_string()),
            cells,
            notes,
        },
    )
}

/// The report.md of an imported report: the narrative of parts 一, 五, 六 under the official
/// headings; a part not found is left with guidance text, which `check` points out.
/// Words of a portal page around the article (breadcrumbs, counters, footer), left out of the
/// narrative.
const PAGE_CHROME: &[&str] = &[
    "浏览次数",
    "字号：",
    "字号:",
    "网站标识码",
    "ICP备",
    "主办单位",
    "当前位置",
    "首页 >",
    "首页>",
    "分享到",
    "【打印】",
    "关闭窗口",
];

fn is_chrome(line: &str) -> bool {
    PAGE_CHROME.iter().any(|w| line.contains(w))
}

pub fn report_md(report: &Report, agency_name: &str, source: &str) -> String {
    // The names go into an HTML comment, which `--` would end early.
    let agency_name = agency_name.replace("--", "－－");
    let source = source.replace("--", "－－");
    let mut out = format!(
        "<!-- {agency_name} {}年政府信息公开工作年度报告：正文，由 nianbao import 从 {source} 导入。\n     第二、三、四部分的表格在 data.yaml 中。请对照原报告核对分段。 -->\n\n",
        report.year
    );
    for line in report
        .preface
        .iter()
        .filter(|l| !l.trim().is_empty() && !is_chrome(l))
    {
        out.push_str(line.trim());
        out.push_str("\n\n");
    }
    for part in PARTS.iter().filter(|p| p.kind == PartKind::Prose) {
        out.push_str(&format!("## {}\n\n", part.heading));
        let lines = report.parts[usize::from(part.number) - 1].as_deref();
        let text: Vec<&str> = lines
            .unwrap_or_default()
            .iter()
            .map(|l| l.trim())
            .filter(|l| !l.is_empty() && !is_chrome(l))
            .collect();
        if text.is_empty() {
            out.push_str(&format!(
                "{GUIDANCE_PREFIX}原报告中没有找到这一部分，请照原报告补上。）\n\n"
            ));
        }
        for line in text {
            out.push_str(line);
            out.push_str("\n\n");
        }
    }
    out
}

/// Imports `file` into a new year of the agency in `agency_dir`. Returns the files written and
/// the report read. An existing year is never overwritten.
pub fn import(
    agency_dir: &Path,
    agency_name: &str,
    file: &Path,
    year: Option<u16>,
) -> Result<(Vec<PathBuf>, Report), ImportError> {
    let report = read(file, year)?;
    let source = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let data = data_yaml(&report, agency_name, &source);
    let md = report_md(&report, agency_name, &source);
    let files = write_year(agency_dir, report.year, &data, &md)?;
    Ok((files, report))
}

/// The template of a year, for the workbook writer.
pub fn template_of(year: u16) -> Result<TemplateId, ImportError> {
    Ok(year_template(year)?)
}

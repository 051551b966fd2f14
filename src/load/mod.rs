//! Loading content/: site.yaml, agencies, years, data.yaml and report.md, with a diagnostic for
//! every problem a person can cause.

mod acknowledgements;
mod cells;
mod data;
mod fields;
mod files;
mod groups;
pub(crate) use groups::regroup;
pub mod narrative;
mod site_config;
pub(crate) mod slips;
mod text;
mod values;
pub(crate) mod yaml;

use crate::codes::Code;
pub(crate) use acknowledgements::*;
pub(crate) use cells::*;
pub(crate) use data::*;
use fields::*;
use files::{exists, read_yaml, unreadable};
pub(crate) use files::{inside_site, read_text, relative};
pub use site_config::base_url_problem;
pub(crate) use site_config::*;
pub(crate) use text::*;
pub(crate) use values::{parse_number, split_note};

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rust_decimal::Decimal;
use walkdir::WalkDir;

use crate::diagnostic::{Diagnostic, SourceLines, code_info, did_you_mean, parse_code};
use crate::model::{
    Acknowledgement, Agency, AgencyKind, Cell, Date, ExtraRow, Footer, Site, SiteConfig, Year,
};

use crate::definition::{CellKind, Form, Template, TemplateId, YearRef, row_id};
use crate::diagnostic::is_forbidden_char;
use crate::model::Pos;
use yaml::{Key, Node, Value};

/// A problem that stops nianbao before it can check anything (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum Fatal {
    /// The folder is not a nianbao site.
    #[error(
        "{} 不是 nianbao 站点：找不到 content/site.yaml。请在站点目录中运行，或用 --root 指定站点目录；新建站点请运行 nianbao init。",
        .0.display()
    )]
    NotASite(PathBuf),
    /// `--agency` named agencies that content/ does not have: (unknown, known).
    #[error(
        "没有机关 {}（content/ 下没有这个文件夹）。现有机关：{}。新增机关请运行 nianbao new-agency <代号> --name <全称> --kind <类型>。",
        .0.join("、"),
        if .1.is_empty() { "无".to_string() } else { .1.join("、") }
    )]
    UnknownAgencies(Vec<String>, Vec<String>),
    #[error("无法读取 {path}：{1}", path = .0.display())]
    Io(PathBuf, std::io::Error),
}

/// The result of loading: the site as far as it could be read, and the problems found.
pub struct Loaded {
    pub site: Site,
    pub diagnostics: Vec<Diagnostic>,
}

/// Loads the site under `root`.
pub fn load_site(root: &Path) -> Result<Loaded, Fatal> {
    load_agencies(root, &[])
}

/// Loads the site under `root` with only the agencies named (`--agency`; all when empty): the
/// others are not read at all, so one office's check stays fast in a portal of many.
pub(crate) fn load_agencies(root: &Path, only: &[String]) -> Result<Loaded, Fatal> {
    load_agencies_then(root, only, |_| {})
}

/// `load_agencies`, calling `config_read` with the site's settings as soon as site.yaml is read,
/// before the agencies load (`build` starts parsing the theme's templates then).
pub(crate) fn load_agencies_then(
    root: &Path,
    only: &[String],
    config_read: impl FnOnce(&SiteConfig),
) -> Result<Loaded, Fatal> {
    let content = root.join("content");
    let site_file = content.join("site.yaml");
    if !site_file.is_file() {
        return Err(Fatal::NotASite(root.to_path_buf()));
    }
    let mut diagnostics = Vec::new();
    let config = load_site_config(root, &mut diagnostics);
    config_read(&config);
    let mut agencies = Vec::new();
    let dirs = agency_dirs(root, only, &mut diagnostics)?;
    let folders: Option<Vec<String>> = only.is_empty().then(|| {
        dirs.iter()
            .filter_map(|d| Some(d.file_name()?.to_string_lossy().to_string()))
            .collect()
    });
    // Every core reads and parses folders (loading was one thread, about a tenth of a build's
    // CPU, while the other cores waited); results in folder order, as one after the other.
    let loaded = crate::parallel::map_in_order(&dirs, |dir| {
        let mut found = Vec::new();
        (load_agency(root, dir, &mut found), found)
    });
    for (agency, found) in loaded {
        diagnostics.extend(found);
        if let Some(agency) = agency? {
            agencies.push(Arc::new(agency));
        }
    }
    let groups = groups::resolve_groups(
        root,
        &config,
        &agencies,
        folders.as_deref(),
        &mut diagnostics,
    );
    Ok(Loaded {
        site: Site {
            config,
            agencies,
            groups,
        },
        diagnostics,
    })
}

/// The agency folders of the site, only those named when `only` is not empty; an error naming
/// the codes that content/ does not have. Problems with the folders (links out of the site,
/// unreadable folders) go to `diagnostics`, for the agencies named only.
pub(crate) fn agency_dirs(
    root: &Path,
    only: &[String],
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Vec<PathBuf>, Fatal> {
    let mut problems = Vec::new();
    let mut dirs = sorted_dirs(root, &root.join("content"), &mut problems);
    diagnostics.extend(problems.into_iter().filter(|d| {
        only.is_empty()
            || d.file
                .file_name()
                .is_some_and(|n| only.iter().any(|o| n.to_string_lossy() == *o))
    }));
    if !only.is_empty() {
        let name = |d: &PathBuf| d.file_name().map(|n| n.to_string_lossy().to_string());
        let unknown: Vec<String> = only
            .iter()
            .filter(|slug| {
                !dirs
                    .iter()
                    .any(|d| name(d).as_deref() == Some(slug.as_str()))
            })
            .cloned()
            .collect();
        if !unknown.is_empty() {
            return Err(Fatal::UnknownAgencies(
                unknown,
                dirs.iter().filter_map(name).collect(),
            ));
        }
        dirs.retain(|d| name(d).is_some_and(|n| only.contains(&n)));
    }
    Ok(dirs)
}

/// The subfolders of `dir`, sorted by name, skipping hidden ones. A link to a folder is followed
/// when it stays inside the site; a link out of the site and a folder that cannot be listed are
/// reported, never silently left out.
fn sorted_dirs(root: &Path, dir: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in WalkDir::new(dir)
        .min_depth(1)
        .max_depth(1)
        .sort_by_file_name()
    {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let path = err.path().unwrap_or(dir).to_path_buf();
                let err = std::io::Error::from(err);
                diagnostics.push(unreadable(root, &path, &err));
                continue;
            }
        };
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if hidden {
            continue;
        }
        if entry.path_is_symlink() {
            if let Err(d) = inside_site(root, entry.path()) {
                diagnostics.push(*d);
                continue;
            }
            match std::fs::metadata(entry.path()) {
                Ok(meta) if meta.is_dir() => out.push(entry.into_path()),
                // A link to a file: like any file here, not a folder of the site.
                Ok(_) => {}
                // A broken link or a loop of links: said, not silently left out.
                Err(err) => diagnostics.push(unreadable(root, entry.path(), &err)),
            }
        } else if entry.file_type().is_dir() {
            out.push(entry.into_path());
        }
    }
    out
}

fn load_agency(
    root: &Path,
    dir: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Option<Agency>, Fatal> {
    let slug = dir
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let shown_dir = relative(root, dir);
    if !is_slug(&slug) {
        diagnostics.push(Diagnostic::new(Code::L017, &shown_dir).message(format!(
            "机关文件夹名 {slug} 只能用小写英文字母、数字、连字符"
        )));
        return Ok(None);
    }
    let path = dir.join("agency.yaml");
    let shown = relative(root, &path);
    match exists(&path) {
        Ok(true) => {}
        Ok(false) => {
            diagnostics.push(
                Diagnostic::new(Code::L017, &shown)
                    .message(format!("机关文件夹 {slug} 中缺少 agency.yaml")),
            );
            return Ok(None);
        }
        Err(err) => {
            diagnostics.push(unreadable(root, dir, &err));
            return Ok(None);
        }
    }
    let Some((source, node)) = read_yaml(root, &path, diagnostics) else {
        return Ok(None);
    };
    let mut f = Fields::new(&shown, &source, diagnostics);
    f.unknown_keys(
        node.as_map().unwrap_or_default(),
        &["name", "short_name", "kind", "region", "contact"],
        "",
        "agency.yaml",
    );
    let name = f.string(&node, "name", "", "机关全称", true);
    let short_name = f.string(&node, "short_name", "", "简称", false);
    let kind_text = f.string(&node, "kind", "", "机关类型", true);
    let kind = match kind_text.as_deref().map(|k| (k, AgencyKind::from_key(k))) {
        Some((_, Some(kind))) => kind,
        Some((text, None)) => {
            let choices: Vec<String> = AgencyKind::ALL
                .iter()
                .map(|k| format!("{}（{}）", k.key(), k.label()))
                .collect();
            let pos = get(&node, "kind").map(|n| n.pos).unwrap_or(node.pos);
            let mut d = f
                .diag(Code::L016, pos)
                .message(format!("机关类型 {text} 无效"))
                .path("kind")
                .expected(choices.join("、"));
            if let Some(near) = did_you_mean(text, AgencyKind::ALL.iter().map(|k| k.key())) {
                d = d.hint(format!("是不是要写 {near}？"));
            }
            f.push(d);
            AgencyKind::Department
        }
        None => AgencyKind::Department,
    };
    let region = f.string(&node, "region", "", "所属地区", false);
    let contact = f.string(&node, "contact", "", "联系方式", false);
    let name = name.unwrap_or_else(|| slug.clone());
    let mut agency = Agency {
        short_name: short_name.unwrap_or_else(|| name.clone()),
        name,
        slug,
        dir: dir.to_path_buf(),
        kind,
        region,
        contact,
        years: Vec::new(),
    };
    for year_dir in sorted_dirs(root, dir, diagnostics) {
        if let Some(year) = load_year(root, &year_dir, diagnostics) {
            agency.years.push(year);
        }
    }
    agency.years.sort_by_key(|y| y.year);
    Ok(Some(agency))
}

/// Parses a year folder name.
fn year_of(dir: &Path) -> Result<u16, String> {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    if name.len() == 4 && name.chars().all(|c| c.is_ascii_digit()) {
        let year: u16 = name.parse().map_err(|_| name.clone())?;
        if TemplateId::for_year(year).is_some() {
            return Ok(year);
        }
    }
    Err(name)
}

fn load_year(root: &Path, dir: &Path, diagnostics: &mut Vec<Diagnostic>) -> Option<Year> {
    let shown_dir = relative(root, dir);
    let year = match year_of(dir) {
        Ok(year) => year,
        Err(name) => {
            diagnostics.push(
                Diagnostic::new(Code::L008, &shown_dir)
                    .message(format!("文件夹 {name} 不是报告年度"))
                    .found(name)
                    .expected(format!(
                        "四位数字的年份，{} 至 {}",
                        crate::definition::REPORT_YEARS.start(),
                        crate::definition::REPORT_YEARS.end()
                    )),
            );
            return None;
        }
    };
    let data_path = dir.join("data.yaml");
    let report_path = dir.join("report.md");
    let data_file = relative(root, &data_path);
    let report_file = relative(root, &report_path);
    let (has_data, has_report) = match (exists(&data_path), exists(&report_path)) {
        (Ok(data), Ok(report)) => (data, report),
        (Err(err), _) | (_, Err(err)) => {
            diagnostics.push(unreadable(root, dir, &err));
            return None;
        }
    };
    match (has_data, has_report) {
        (true, true) => {}
        (false, false) => {
            diagnostics.push(
                Diagnostic::new(Code::L009, &shown_dir)
                    .message(format!(
                        "{year} 年度的文件夹是空的：没有 data.yaml，也没有 report.md"
                    ))
                    .hint(format!(
                        "运行 nianbao new {} {year} 生成这两个文件，或删除这个空文件夹。",
                        dir.parent()
                            .and_then(Path::file_name)
                            .map(|n| n.to_string_lossy())
                            .unwrap_or_default()
                    )),
            );
            return None;
        }
        (has_data, _) => {
            let (present, missing) = if has_data {
                (&data_file, &report_file)
            } else {
                (&report_file, &data_file)
            };
            diagnostics.push(Diagnostic::new(Code::L009, missing).message(format!(
                "{year} 年度缺少 {}（同一文件夹中有 {}）",
                missing.file_name().unwrap_or_default().to_string_lossy(),
                present.file_name().unwrap_or_default().to_string_lossy()
            )));
            return None;
        }
    }
    let report_text = match read_text(root, &report_path) {
        Ok(text) => Some(text),
        Err(d) => {
            diagnostics.push(*d);
            None
        }
    };
    let (data_source, node) = read_yaml(root, &data_path, diagnostics)?;
    let report_text = report_text?;
    let narrative = narrative::parse(report_text.into());
    if let Some(line) = narrative.too_deep {
        diagnostics.push(
            Diagnostic::new(Code::L018, &report_file)
                .at(Pos { line, column: 1 })
                .message(format!(
                    "正文从这一行起嵌套超过 {} 层（引用、列表、强调等层层套叠），无法生成网页",
                    crate::model::MAX_NESTING
                ))
                .with_source(&narrative.source),
        );
    }
    let data = read_data(&data_file, &data_source, &node, year, diagnostics);
    Some(Year {
        year,
        dir: dir.to_path_buf(),
        data_file,
        report_file,
        template: data.template,
        form: data.form,
        cells: data.cells,
        positions: data.positions,
        computed: data.computed,
        cell_notes: data.cell_notes,
        extra_rows: data.extra_rows,
        published: data.published,
        draft: data.draft,
        template_pos: get(&node, "template").map(|n| n.pos),
        published_pos: get(&node, "published").map(|n| n.pos),
        acknowledgements: data.acknowledgements,
        narrative,
        data_source: data_source.into(),
    })
}

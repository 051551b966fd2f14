//! Loading content/: site.yaml, agencies, years, data.yaml and report.md, with a diagnostic for
//! every problem a person can cause.

mod acknowledgements;
mod cells;
mod data;
mod fields;
pub mod narrative;
mod site_config;
pub(crate) mod slips;
mod text;
pub(crate) mod yaml;

use crate::codes::Code;
pub(crate) use acknowledgements::*;
pub(crate) use cells::*;
pub(crate) use data::*;
use fields::*;
pub use site_config::base_url_problem;
pub(crate) use site_config::*;
pub(crate) use text::*;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rust_decimal::Decimal;
use walkdir::WalkDir;

use crate::diagnostic::{Diagnostic, SourceLines, code_info, did_you_mean, parse_code};
use crate::model::{
    Acknowledgement, Agency, AgencyKind, Cell, Date, ExtraRow, Footer, Site, SiteConfig, Year,
};

use crate::definition::{CellKind, Form, Template, TemplateId, Unit, YearRef, cell_id, row_id};
use crate::diagnostic::is_forbidden_char;
use crate::model::Pos;
use yaml::{Key, Node, Value, YamlErrorKind};

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
    let content = root.join("content");
    let site_file = content.join("site.yaml");
    if !site_file.is_file() {
        return Err(Fatal::NotASite(root.to_path_buf()));
    }
    let mut diagnostics = Vec::new();
    let config = load_site_config(root, &mut diagnostics);
    let mut agencies = Vec::new();
    let dirs = agency_dirs(root, only, &mut diagnostics)?;
    for entry in dirs {
        if let Some(agency) = load_agency(root, &entry, &mut diagnostics)? {
            agencies.push(agency);
        }
    }
    Ok(Loaded {
        site: Site { config, agencies },
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

/// The path as diagnostics print it: relative to the site root.
pub(crate) fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// Why a file or folder could not be read, in Chinese where the reason is a common one.
fn io_reason(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::PermissionDenied => format!("没有读取权限（{err}）"),
        std::io::ErrorKind::NotFound => format!("不存在（{err}）"),
        _ => err.to_string(),
    }
}

/// L022: a file or folder that exists but cannot be read.
fn unreadable(root: &Path, path: &Path, err: &std::io::Error) -> Diagnostic {
    let what = if path.is_dir() { "文件夹" } else { "文件" };
    Diagnostic::new(Code::L022, &relative(root, path))
        .message(format!("无法读取{what}：{}", io_reason(err)))
}

/// Whether a file is there: `Ok(false)` when it does not exist, an error when that cannot be
/// told (a folder without permission), so an unreadable folder is not reported as a missing file.
fn exists(path: &Path) -> std::io::Result<bool> {
    match std::fs::metadata(path) {
        Ok(_) => Ok(true),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(err) => Err(err),
    }
}

/// The one rule for links in a site, shared by the loader and serve's watcher: nothing whose
/// real path is outside the site root is read or watched (L021). Links that stay inside the site
/// are followed.
pub(crate) fn inside_site(root: &Path, path: &Path) -> Result<(), Box<Diagnostic>> {
    let real = match std::fs::canonicalize(path) {
        // Most sites are given by their real path: one lookup per file then.
        Ok(real) if root.is_absolute() && real.starts_with(root) => return Ok(()),
        Ok(real) => real,
        // A broken link: reading it gives its own message.
        Err(_) => return Ok(()),
    };
    let real_root =
        std::fs::canonicalize(root).map_err(|e| Box::new(unreadable(root, root, &e)))?;
    if real.starts_with(&real_root) {
        return Ok(());
    }
    let what = if real.is_dir() { "文件夹" } else { "文件" };
    Err(Box::new(
        Diagnostic::new(Code::L021, &relative(root, path))
            .message(format!(
                "这个{what}是指向站点目录以外的链接，nianbao 不读取站点以外的内容"
            ))
            .found(format!("指向 {}", real.display()))
            .expected(format!("站点目录 {} 中的{what}", real_root.display())),
    ))
}

/// Reads a content file as UTF-8 text, with a diagnostic for an oversized, non-UTF-8 or empty file,
/// or one that is a link to somewhere outside the site.
pub(crate) fn read_text(root: &Path, path: &Path) -> Result<String, Box<Diagnostic>> {
    let shown = relative(root, path);
    inside_site(root, path)?;
    let io_error = |err: std::io::Error| Box::new(unreadable(root, path, &err));
    let size = std::fs::metadata(path).map_err(io_error)?.len();
    if size > MAX_FILE_BYTES {
        return Err(Box::new(
            Diagnostic::new(Code::L004, &shown)
                .message(format!(
                    "文件过大：{:.1} MB，nianbao 最多读取 {} MB",
                    size as f64 / 1_048_576.0,
                    MAX_FILE_BYTES / 1_048_576
                ))
                .found(format!("{size} 字节")),
        ));
    }
    let bytes = std::fs::read(path).map_err(io_error)?;
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let bytes = err.as_bytes();
            let good = &bytes[..err.utf8_error().valid_up_to()];
            let good = std::str::from_utf8(good).unwrap_or("");
            let line = good.matches('\n').count() + 1;
            let column = good.rsplit('\n').next().unwrap_or("").chars().count() + 1;
            return Err(Box::new(
                Diagnostic::new(Code::L003, &shown)
                    .at(Pos { line, column })
                    .message("文件不是 UTF-8 编码（可能是 GBK 等编码），无法读取")
                    .with_source(&String::from_utf8_lossy(bytes)),
            ));
        }
    };
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text);
    // A NUL byte ends the text for the YAML parser: name it rather than whatever then looks missing.
    if let Some(at) = text.find('\0') {
        let before = &text[..at];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        return Err(Box::new(
            Diagnostic::new(Code::L019, &shown)
                .at(Pos { line, column })
                .message(format!(
                    "文件中有{}，文件可能已损坏或不是文本文件",
                    character_name('\0')
                ))
                .with_source(&text.replace('\0', "\u{2400}")),
        ));
    }
    if text.trim().is_empty() {
        return Err(Box::new(Diagnostic::new(Code::L002, &shown)));
    }
    Ok(text)
}

/// Reads and parses a YAML file into its root mapping.
fn read_yaml(
    root: &Path,
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(String, Node)> {
    let shown = relative(root, path);
    let text = match read_text(root, path) {
        Ok(text) => text,
        Err(d) => {
            diagnostics.push(*d);
            return None;
        }
    };
    let slips = crate::load::slips::slips(&text);
    let parsed = if slips.iter().any(|s| s.certain) {
        None
    } else {
        Some(yaml::parse(&text))
    };
    // Slips are reported where they are; an unbalanced bracket only when the parser fails too
    // (a list may go on over the next line).
    if parsed.as_ref().is_none_or(Result::is_err) && !slips.is_empty() {
        let any_certain = slips.iter().any(|s| s.certain);
        for slip in slips.into_iter().filter(|s| s.certain || !any_certain) {
            let typed_full_width = !slip.found.is_ascii() || slip.found.contains('\t');
            let hint = if typed_full_width {
                "中文输入法下打出的标点和空格是全角的；在 data.yaml 里写键、冒号、逗号、方括号和缩进时，切换到英文输入法。"
            } else {
                "一行数字写成 [0, 0, 0]：方括号成对，数与数之间用半角逗号隔开。"
            };
            diagnostics.push(
                Diagnostic::new(Code::L001, &shown)
                    .hint(hint)
                    .at(slip.pos)
                    .message(slip.message)
                    .found(slip.found)
                    .expected(slip.expected)
                    .with_source(&text),
            );
        }
        return None;
    }
    match parsed.unwrap_or_else(|| yaml::parse(&text)) {
        Ok(Some(node)) if node.as_map().is_some() => Some((text, node)),
        Ok(Some(node)) => {
            diagnostics.push(
                Diagnostic::new(Code::L014, &shown)
                    .at(node.pos)
                    .message(format!(
                        "文件的最外层应是“键: 值”的形式，实际是{}",
                        node.kind_name()
                    ))
                    .with_source(&text),
            );
            None
        }
        Ok(None) => {
            diagnostics
                .push(Diagnostic::new(Code::L002, &shown).message("文件中只有注释，没有内容"));
            None
        }
        Err(err) => {
            let d = Diagnostic::new(Code::L001, &shown).at(err.pos);
            let d = match err.kind {
                YamlErrorKind::Syntax(info) => d
                    .message("YAML 语法错误，无法读取这个文件")
                    .found(translate_syntax(&info)),
                YamlErrorKind::DuplicateKey { key, first } => Diagnostic::new(Code::L007, &shown)
                    .at(err.pos)
                    .message(format!("键 {key} 重复出现（第一次在第 {} 行）", first.line))
                    .path(key),
                YamlErrorKind::ComplexKey => d.message("键必须是一个简单的名字"),
                YamlErrorKind::Alias => d
                    .message("不支持 YAML 的锚点和引用（& 和 *）")
                    .hint("把数字直接写出来。"),
                YamlErrorKind::MultipleDocuments => {
                    d.message("一个文件中只能有一份内容（不要写第二个 ---）")
                }
            };
            diagnostics.push(d.with_source(&text));
            None
        }
    }
}

/// The YAML parser's message in Chinese; the parser's English text never reaches the user.
fn translate_syntax(info: &str) -> String {
    let known = [
        (
            "did not find expected ',' or ']'",
            "列表缺少逗号或右方括号 ]",
        ),
        ("did not find expected ',' or '}'", "缺少逗号或右花括号 }"),
        (
            "mapping values are not allowed in this context",
            "这里不能出现“键: 值”（可能缺少缩进、多了冒号，或上一行的冒号是全角的）",
        ),
        ("did not find expected key", "缩进不对齐，或缺少“键:”"),
        ("tabs disallowed", "用了 Tab 缩进（只能用半角空格）"),
        (
            "found character that cannot start any token",
            "出现了不能开头的字符（如 Tab、@ 或 `）",
        ),
        ("quoted scalar", "引号没有成对"),
        ("could not find expected ':'", "缺少冒号"),
        (
            "illegal placement of ':'",
            "冒号的位置不对（可能是上一行的列表没有写完）",
        ),
        (
            "block sequence entries are not allowed in this context",
            "列表项（- ）的缩进不对",
        ),
        (
            "unexpected end of stream",
            "文件在内容写完之前就结束了（括号或引号没有成对）",
        ),
        ("invalid indentation", "缩进不对齐"),
    ];
    known
        .iter()
        .find(|(en, _)| info.contains(en))
        .map(|(_, zh)| zh.to_string())
        .unwrap_or_else(|| "YAML 格式不对（检查缩进、冒号后的空格和方括号是否成对）".to_string())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_printed_with_numbers() {
        assert_eq!(split_note("12（其中修订5件）"), Some(("12", "其中修订5件")));
        assert_eq!(split_note("12 (含转发3件)"), Some(("12", "含转发3件")));
        assert_eq!(split_note("/（本年未开展）"), Some(("/", "本年未开展")));
        assert_eq!(split_note("12"), None);
        assert_eq!(split_note("（其中修订5件）"), None);
        assert_eq!(split_note("12（）"), None);
        assert_eq!(split_note("12（其中修订5件"), None);
    }

    #[test]
    fn numbers_by_kind() {
        assert_eq!(
            parse_number("12", CellKind::Count).unwrap(),
            Decimal::from(12)
        );
        assert_eq!(
            parse_number("+373", CellKind::SignedCount).unwrap(),
            Decimal::from(373)
        );
        assert_eq!(
            parse_number("-1", CellKind::SignedCount).unwrap(),
            Decimal::from(-1)
        );
        assert_eq!(
            parse_number("-1", CellKind::Count).unwrap_err().0,
            Code::L011
        );
        assert_eq!(
            parse_number("十二", CellKind::Count).unwrap_err().0,
            Code::L010
        );
        assert_eq!(
            parse_number("1.5", CellKind::Count).unwrap_err().0,
            Code::L010
        );
        assert_eq!(
            parse_number("１２", CellKind::Count).unwrap_err().0,
            Code::L010
        );
        let money = CellKind::Money(Unit::TenThousandYuan);
        assert_eq!(
            parse_number("1090.98", money).unwrap().to_string(),
            "1090.98"
        );
        assert_eq!(parse_number("7545", money).unwrap().to_string(), "7545");
        assert_eq!(
            parse_number("1090.98万元", money).unwrap_err().0,
            Code::L012
        );
        assert_eq!(parse_number("1,090", money).unwrap_err().0, Code::L012);
        assert_eq!(parse_number("1e3", money).unwrap_err().0, Code::L012);
        assert_eq!(parse_number("-3", money).unwrap_err().0, Code::L011);
        let (_, message) = parse_number("123500元", money).unwrap_err();
        assert!(message.contains("是不是 12.35？"), "{message}");
        let (_, message) = parse_number("1090.98万元", money).unwrap_err();
        assert!(message.contains("是不是 1090.98？"), "{message}");
        let yuan = CellKind::Money(Unit::Yuan);
        let (_, message) = parse_number("1.2万元", yuan).unwrap_err();
        assert!(message.contains("是不是 12000？"), "{message}");
        let (_, message) = parse_number("12件", CellKind::Count).unwrap_err();
        assert!(message.contains("是不是 12？"), "{message}");
    }
}

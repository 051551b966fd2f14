//! Loading content/: site.yaml, agencies, years, data.yaml and report.md, with a diagnostic for
//! every problem a person can cause.

pub(crate) mod narrative;
pub(crate) mod slips;
pub(crate) mod yaml;

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rust_decimal::Decimal;
use walkdir::WalkDir;

use crate::diagnostic::{Diagnostic, SourceLines, code_info, did_you_mean};
use crate::model::{
    Acknowledgement, Agency, AgencyKind, Cell, Date, ExtraRow, Footer, Site, SiteConfig, Year,
};

use crate::definition::{CellKind, Form, Template, TemplateId, Unit, YearRef, cell_id, row_id};
use crate::diagnostic::is_forbidden_char;
use crate::model::Pos;
use yaml::{Key, Node, Value, YamlErrorKind};

/// The largest content file nianbao reads. A year's data.yaml is a few KB.
pub(crate) const MAX_FILE_BYTES: u64 = 2 * 1024 * 1024;

/// The longest one-line text (a name, a title, a footer line) nianbao accepts, in characters:
/// the longest official agency names are under 50; a 400 KB name once made 599 MB of pages.
pub(crate) const MAX_TEXT_CHARS: usize = 200;

/// The longest reason of an acknowledgement, in characters (a few sentences).
pub(crate) const MAX_REASON_CHARS: usize = 2000;

/// What is wrong with a one-line text, if anything. The one rule for names and titles, shared
/// by the loader and `init`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum TextProblem {
    /// A control character or a Unicode noncharacter (which XML and terminals cannot take), at
    /// a 1-based character position.
    Control {
        ch: char,
        position: usize,
    },
    TooLong {
        chars: usize,
        max: usize,
    },
}

impl TextProblem {
    pub(crate) fn code(&self) -> &'static str {
        match self {
            TextProblem::Control { .. } => "L019",
            TextProblem::TooLong { .. } => "L020",
        }
    }

    /// The problem in words, after the name of the field.
    pub(crate) fn describe(&self) -> String {
        match self {
            TextProblem::Control { ch, position } => format!(
                "第 {position} 个字是看不见的控制字符 {}",
                character_name(*ch)
            ),
            TextProblem::TooLong { chars, max } => {
                format!("有 {chars} 个字，最多 {max} 个字，且只能写一行")
            }
        }
    }
}

/// A control character's name for a clerk: 「垂直制表符（U+000B）」.
pub(crate) fn character_name(c: char) -> String {
    let name = match c {
        '\0' => "空字符 NUL",
        '\t' => "制表符 Tab",
        '\n' | '\r' => "换行符",
        '\u{b}' => "垂直制表符",
        '\u{c}' => "换页符",
        '\u{1b}' => "转义符 ESC",
        _ => "",
    };
    let code = format!("U+{:04X}", u32::from(c));
    if name.is_empty() {
        code
    } else {
        format!("{name}（{code}）")
    }
}

/// Checks a one-line text against the rule: no forbidden characters, at most `max` characters.
pub(crate) fn text_problem(text: &str, max: usize) -> Option<TextProblem> {
    let mut chars = 0;
    for (i, c) in text.chars().enumerate() {
        if is_forbidden_char(c) {
            return Some(TextProblem::Control {
                ch: c,
                position: i + 1,
            });
        }
        chars += 1;
    }
    (chars > max).then_some(TextProblem::TooLong { chars, max })
}

/// A problem that stops nianbao before it can check anything (exit code 2).
#[derive(Debug)]
pub enum Fatal {
    /// The folder is not a nianbao site.
    NotASite(PathBuf),
    /// `--agency` named agencies that content/ does not have: (unknown, known).
    UnknownAgencies(Vec<String>, Vec<String>),
    Io(PathBuf, std::io::Error),
}

impl fmt::Display for Fatal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fatal::NotASite(root) => write!(
                f,
                "{} 不是 nianbao 站点：找不到 content/site.yaml。请在站点目录中运行，或用 --root 指定站点目录；新建站点请运行 nianbao init。",
                root.display()
            ),
            Fatal::UnknownAgencies(unknown, known) => write!(
                f,
                "没有机关 {}（content/ 下没有这个文件夹）。现有机关：{}。新增机关请运行 nianbao new-agency <代号> --name <全称> --kind <类型>。",
                unknown.join("、"),
                if known.is_empty() {
                    "无".to_string()
                } else {
                    known.join("、")
                }
            ),
            Fatal::Io(path, err) => write!(f, "无法读取 {}：{err}", path.display()),
        }
    }
}

impl std::error::Error for Fatal {}

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
        site: Site {
            root: root.to_path_buf(),
            config,
            agencies,
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
    Diagnostic::new("L022", &relative(root, path))
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
        Diagnostic::new("L021", &relative(root, path))
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
            Diagnostic::new("L004", &shown)
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
                Diagnostic::new("L003", &shown)
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
            Diagnostic::new("L019", &shown)
                .at(Pos { line, column })
                .message(format!(
                    "文件中有{}，文件可能已损坏或不是文本文件",
                    character_name('\0')
                ))
                .with_source(&text.replace('\0', "\u{2400}")),
        ));
    }
    if text.trim().is_empty() {
        return Err(Box::new(Diagnostic::new("L002", &shown)));
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
                Diagnostic::new("L001", &shown)
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
                Diagnostic::new("L014", &shown)
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
            diagnostics.push(Diagnostic::new("L002", &shown).message("文件中只有注释，没有内容"));
            None
        }
        Err(err) => {
            let d = Diagnostic::new("L001", &shown).at(err.pos);
            let d = match err.kind {
                YamlErrorKind::Syntax(info) => d
                    .message("YAML 语法错误，无法读取这个文件")
                    .found(translate_syntax(&info)),
                YamlErrorKind::DuplicateKey { key, first } => Diagnostic::new("L007", &shown)
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

/// Reads the fields of one mapping, reporting unknown keys with a suggestion.
struct Fields<'a> {
    file: &'a Path,
    lines: SourceLines<'a>,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl<'a> Fields<'a> {
    fn new(file: &'a Path, source: &'a str, diagnostics: &'a mut Vec<Diagnostic>) -> Self {
        Fields {
            file,
            lines: SourceLines::new(source),
            diagnostics,
        }
    }

    fn diag(&self, code: &'static str, pos: Pos) -> Diagnostic {
        Diagnostic::new(code, self.file)
            .at(pos)
            .with_lines(&self.lines)
    }

    fn push(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    /// Reports every key of `map` not in `allowed`.
    fn unknown_keys(&mut self, map: &[(Key, Node)], allowed: &[&str], path: &str, what: &str) {
        for (key, _) in map {
            if allowed.contains(&key.name.as_str()) {
                continue;
            }
            let full = join(path, &key.name);
            let mut d = self
                .diag("L005", key.pos)
                .message(format!("未知的键 {}（{what}）", key.name))
                .path(full);
            if let Some(near) = did_you_mean(&key.name, allowed.iter().copied()) {
                d = d.hint(format!("是不是要写 {near}？"));
            } else {
                d = d.hint(format!("这里可以写的键：{}。", allowed.join("、")));
            }
            self.push(d);
        }
    }

    /// A scalar string value; reports a missing required key.
    fn string(
        &mut self,
        map: &Node,
        key: &str,
        path: &str,
        label: &str,
        required: bool,
    ) -> Option<String> {
        match get(map, key) {
            Some(node) if node.is_null() => {
                if required {
                    let d = self
                        .diag("L006", node.pos)
                        .message(format!("{label}（{key}）没有填写"))
                        .path(join(path, key));
                    self.push(d);
                }
                None
            }
            Some(node) => match node.as_scalar() {
                Some(text) => {
                    let text = text.trim();
                    let max = if key == "reason" {
                        MAX_REASON_CHARS
                    } else {
                        MAX_TEXT_CHARS
                    };
                    if let Some(problem) = text_problem(text, max) {
                        let d = self
                            .diag(problem.code(), node.pos)
                            .message(format!("{label}（{key}）{}", problem.describe()))
                            .path(join(path, key));
                        self.push(d);
                        return None;
                    }
                    Some(text.to_string())
                }
                None => {
                    let d = self
                        .diag("L014", node.pos)
                        .message(format!(
                            "{label}（{key}）应是一段文字，实际是{}",
                            node.kind_name()
                        ))
                        .path(join(path, key));
                    self.push(d);
                    None
                }
            },
            None => {
                if required {
                    let d = self
                        .diag("L006", map.pos)
                        .message(format!("缺少{label}（{key}）"))
                        .path(join(path, key))
                        .hint(format!("在这一层加一行：{key}: …"));
                    self.push(d);
                }
                None
            }
        }
    }

    /// A true/false value.
    fn boolean(&mut self, map: &Node, key: &str, path: &str) -> Option<bool> {
        let node = get(map, key)?;
        match node.as_scalar() {
            Some("true" | "yes" | "是") => Some(true),
            Some("false" | "no" | "否") => Some(false),
            _ => {
                let d = self
                    .diag("L016", node.pos)
                    .message(format!("{key} 只能写 true 或 false"))
                    .path(join(path, key));
                self.push(d);
                None
            }
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// The value of `key` in a mapping node.
fn get<'n>(map: &'n Node, key: &str) -> Option<&'n Node> {
    map.as_map()?
        .iter()
        .find(|(k, _)| k.name == key)
        .map(|(_, v)| v)
}

fn load_site_config(root: &Path, diagnostics: &mut Vec<Diagnostic>) -> SiteConfig {
    let path = root.join("content/site.yaml");
    let shown = relative(root, &path);
    let mut config = SiteConfig {
        title: "政府信息公开工作年度报告".to_string(),
        language: "zh-CN".to_string(),
        theme: "default".to_string(),
        change_marks: true,
        footer: Footer {
            generator: true,
            ..Footer::default()
        },
        ..SiteConfig::default()
    };
    let Some((source, node)) = read_yaml(root, &path, diagnostics) else {
        return config;
    };
    let mut f = Fields::new(&shown, &source, diagnostics);
    let map = node.as_map().unwrap_or_default();
    f.unknown_keys(
        map,
        &[
            "title", "base_url", "language", "theme", "footer", "settings",
        ],
        "",
        "site.yaml",
    );
    if let Some(title) = f.string(&node, "title", "", "网站标题", true) {
        config.title = title;
    }
    config.base_url = f
        .string(&node, "base_url", "", "网站地址", false)
        .and_then(|url| match base_url_problem(&url) {
            None => Some(url),
            Some(problem) => {
                let pos = get(&node, "base_url").map(|n| n.pos).unwrap_or(node.pos);
                let d = f
                    .diag("L016", pos)
                    .message(format!("网站地址（base_url）{problem}"))
                    .path("base_url")
                    .found(url)
                    .expected("如 https://www.example.gov.cn/zwgk/ndbg/，或以 / 开头的路径");
                f.push(d);
                None
            }
        });
    if let Some(language) = f.string(&node, "language", "", "语言", false) {
        config.language = language;
    }
    if let Some(theme) = f.string(&node, "theme", "", "主题", false) {
        config.theme = theme;
    }
    if let Some(footer) = get(&node, "footer").filter(|n| !n.is_null()) {
        if let Some(entries) = footer.as_map() {
            f.unknown_keys(
                entries,
                &[
                    "sponsor",
                    "site_code",
                    "icp",
                    "police_record",
                    "contact",
                    "generator",
                ],
                "footer",
                "网站页脚",
            );
            config.footer = Footer {
                sponsor: f.string(footer, "sponsor", "footer", "主办单位", false),
                site_code: f.string(footer, "site_code", "footer", "网站标识码", false),
                icp: f.string(footer, "icp", "footer", "ICP备案号", false),
                police_record: f.string(footer, "police_record", "footer", "公安机关备案号", false),
                contact: f.string(footer, "contact", "footer", "联系方式", false),
                generator: f.boolean(footer, "generator", "footer").unwrap_or(true),
            };
        } else {
            let d = f
                .diag("L014", footer.pos)
                .message("footer 下应再缩进一层，写 sponsor、site_code 等")
                .path("footer");
            f.push(d);
        }
    }
    if let Some(settings) = get(&node, "settings").filter(|n| !n.is_null())
        && let Some(entries) = settings.as_map()
    {
        f.unknown_keys(
            entries,
            &["allow_html", "change_marks"],
            "settings",
            "网站设置",
        );
        config.allow_html = f
            .boolean(settings, "allow_html", "settings")
            .unwrap_or(false);
        config.change_marks = f
            .boolean(settings, "change_marks", "settings")
            .unwrap_or(true);
    }
    config
}

/// The one rule for the site's address (site.yaml's `base_url`, `build --base-url`): a full
/// http:// or https:// address, or a path beginning with `/`; no spaces, quotes or angle brackets.
/// Anything else (`javascript:`, `file:`, a bare word) would end up in links. `None` when valid.
pub fn base_url_problem(url: &str) -> Option<&'static str> {
    let bad_char = url.chars().any(|c| {
        c.is_whitespace()
            || is_forbidden_char(c)
            || matches!(c, '"' | '\'' | '<' | '>' | '`' | '\\')
    });
    if bad_char {
        return Some("中不能有空格、引号、尖括号或控制字符");
    }
    let host = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match host {
        Some(rest) if rest.split('/').next().is_some_and(|h| !h.is_empty()) => None,
        Some(_) => Some("缺少域名"),
        None if url.starts_with('/') && !url.starts_with("//") => None,
        None => Some("只能是以 http:// 或 https:// 开头的完整网址，或以 / 开头的路径"),
    }
}

fn is_slug(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
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
        diagnostics.push(Diagnostic::new("L017", &shown_dir).message(format!(
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
                Diagnostic::new("L017", &shown)
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
                .diag("L016", pos)
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
                Diagnostic::new("L008", &shown_dir)
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
                Diagnostic::new("L009", &shown_dir)
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
            diagnostics.push(Diagnostic::new("L009", missing).message(format!(
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
            Diagnostic::new("L018", &report_file)
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

struct Data {
    template: TemplateId,
    form: Arc<Form>,
    cells: Vec<Cell>,
    positions: Vec<Option<Pos>>,
    computed: Vec<bool>,
    cell_notes: Vec<(usize, String)>,
    extra_rows: Vec<ExtraRow>,
    published: Option<Date>,
    draft: bool,
    acknowledgements: Vec<Acknowledgement>,
}

/// The top-level keys of data.yaml besides the tables.
const DATA_KEYS: [&str; 3] = ["template", "published", "acknowledged"];

/// Reads data.yaml of `year`.
fn read_data(
    file: &Path,
    source: &str,
    node: &Node,
    year: u16,
    diagnostics: &mut Vec<Diagnostic>,
) -> Data {
    let mut f = Fields::new(file, source, diagnostics);
    let year_template = TemplateId::for_year(year).unwrap_or(TemplateId::F2021);

    // template: which national format the tables follow.
    let template = match get(node, "template") {
        None => {
            let d = f
                .diag("L006", node.pos)
                .message("缺少年报格式（template）")
                .path("template")
                .hint(format!("在第一行写：template: {}", year_template.key()));
            f.push(d);
            year_template
        }
        Some(value) => match value
            .as_scalar()
            .and_then(|t| TemplateId::from_key(t.trim()))
        {
            Some(t) => t,
            None => {
                let d = f
                    .diag("L016", value.pos)
                    .message("年报格式（template）只能是 2019 或 2021")
                    .path("template")
                    .found(value.as_scalar().unwrap_or("").to_string())
                    .expected(format!("{}（{year} 年度适用的格式）", year_template.key()));
                f.push(d);
                year_template
            }
        },
    };
    // A template that does not match the year is reported once (D005, or L016 above); the
    // tables are read in the template they are written in, so a wrong `template:` line does
    // not also turn every table into unknown keys and missing rows.
    let declared = template;
    let template = if template == year_template {
        template
    } else {
        TemplateId::ALL
            .into_iter()
            .max_by_key(|t| (fit(node, t.get()), *t == template))
            .unwrap_or(template)
    };
    let definition = template.get();

    // Which mergeable groups the file prints as one row (a recorded deviation).
    let mut merged = Vec::new();
    for table in &definition.form.tables {
        for (group, ..) in table.mergeable_groups() {
            let found = lookup(node, &format!("{}.{group}", table.key));
            if found.is_some_and(|n| n.as_map().is_none() && !n.is_null()) {
                merged.push(format!("{}.{group}", table.key));
            }
        }
    }
    let form = definition
        .form_with(&merged)
        .unwrap_or_else(|| definition.form.clone());

    let mut allowed: Vec<&str> = DATA_KEYS.to_vec();
    for table in &form.tables {
        let top = table.key.split('.').next().unwrap_or(table.key);
        if !allowed.contains(&top) {
            allowed.push(top);
        }
    }
    let what = format!("{}年格式的 data.yaml", template.key());
    f.unknown_keys(node.as_map().unwrap_or_default(), &allowed, "", &what);

    let (published, draft) = match read_published(&mut f, node) {
        Published::Draft => (None, true),
        Published::Unknown => (None, false),
        Published::On(date) => (Some(date), false),
    };
    let mut reader = CellReader {
        f,
        form: &form,
        cells: vec![Cell::Missing; form.cells.len()],
        positions: vec![None; form.cells.len()],
        computed: vec![false; form.cells.len()],
        notes: Vec::new(),
        extra_rows: Vec::new(),
    };
    reader.read_tables(node, definition);
    reader.notes.sort_by_key(|(cell, _)| *cell);
    reader.compute_totals();
    for (table, group, code) in form.deviations() {
        let path = format!("{table}.{group}");
        let pos = lookup(node, &path).map(|n| n.pos).unwrap_or(node.pos);
        let label = form
            .table(table)
            .and_then(|t| t.rows.iter().find(|r| r.key == group))
            .map(|r| format!("「{}」", r.full_label()))
            .unwrap_or_default();
        let d = reader
            .f
            .diag(code, pos)
            .path(path.clone())
            .cell(path)
            .label(label)
            .found("印为一行")
            .expected("按2021年格式分为三项");
        reader.f.push(d);
    }
    let acknowledgements = read_acknowledgements(&mut reader.f, node, &form);
    Data {
        template: declared,
        cells: reader.cells,
        positions: reader.positions,
        computed: reader.computed,
        cell_notes: reader.notes,
        extra_rows: reader.extra_rows,
        form,
        published,
        draft,
        acknowledgements,
    }
}

/// How many rows of a template's tables data.yaml writes in that template's shape.
fn fit(node: &Node, template: &Template) -> usize {
    let mut score = 0;
    for table in &template.form.tables {
        let n = table.columns.len();
        for entry in table.entries() {
            let path = format!("{}.{}", table.key, entry.key);
            let Some(value) = lookup(node, &path) else {
                continue;
            };
            let shaped = |v: &Node| match &v.value {
                Value::Seq(items) => {
                    n > 1
                        && (items.len() == n
                            || (items.len() + 1 == n && table.columns[n - 1].optional_total))
                }
                Value::Scalar { .. } => n == 1,
                Value::Map(_) => false,
            };
            if entry.children.is_empty() {
                score += usize::from(shaped(value));
            } else {
                score += entry
                    .children
                    .iter()
                    .filter(|(child, _)| get(value, child).is_some_and(shaped))
                    .count();
            }
        }
    }
    score
}

/// The node at a dotted path.
fn lookup<'n>(node: &'n Node, path: &str) -> Option<&'n Node> {
    path.split('.').try_fold(node, |n, key| get(n, key))
}

/// What `published:` says.
enum Published {
    /// `draft` (or 草稿): not yet published.
    Draft,
    /// `unknown` (or 不详): published on a date nobody recorded (historic reports).
    Unknown,
    On(Date),
}

/// The values of `published:` that mean a draft.
pub(crate) const DRAFT_WORDS: [&str; 2] = ["draft", "草稿"];

/// Whether the text of a data.yaml declares a draft, read line by line: for a file whose YAML
/// cannot be parsed, so that its problems are still known to belong to a draft.
pub(crate) fn declares_draft(source: &str) -> bool {
    source.lines().any(|line| {
        line.strip_prefix("published:").is_some_and(|rest| {
            let value = rest.split('#').next().unwrap_or("").trim();
            DRAFT_WORDS.contains(&value.trim_matches(|c| c == '"' || c == '\''))
        })
    })
}

fn read_published(f: &mut Fields<'_>, node: &Node) -> Published {
    let Some(value) = get(node, "published") else {
        let d = f
            .diag("L006", node.pos)
            .message("缺少发布日期（published）")
            .path("published")
            .hint("尚未发布写 published: draft；发布后写发布日期，如 published: 2025-01-20；早年的报告日期不详写 published: unknown");
        f.push(d);
        return Published::Unknown;
    };
    let text = value.as_scalar().unwrap_or("").trim();
    if DRAFT_WORDS.contains(&text) {
        return Published::Draft;
    }
    if value.is_null() || text == "unknown" || text == "不详" {
        return Published::Unknown;
    }
    match Date::parse(text) {
        Some(date) if crate::definition::PUBLISHED_YEARS.contains(&date.year) => {
            Published::On(date)
        }
        Some(_) => {
            let d = f
                .diag("L015", value.pos)
                .message(format!("发布日期 {text} 不在合理的范围内"))
                .path("published")
                .found(text.to_string())
                .expected(format!(
                    "{} 年至 {} 年之间的日期；尚未发布写 draft；早年的报告日期不详写 unknown",
                    crate::definition::PUBLISHED_YEARS.start(),
                    crate::definition::PUBLISHED_YEARS.end()
                ));
            f.push(d);
            Published::Unknown
        }
        None => {
            let d = f
                .diag("L015", value.pos)
                .message(format!("发布日期 {text} 无效"))
                .path("published")
                .found(text.to_string())
                .expected(
                    "年-月-日，如 2025-01-20；尚未发布写 draft；早年的报告日期不详写 unknown",
                );
            f.push(d);
            Published::Unknown
        }
    }
}

struct CellReader<'a, 'f> {
    f: Fields<'f>,
    form: &'a Form,
    cells: Vec<Cell>,
    positions: Vec<Option<Pos>>,
    computed: Vec<bool>,
    notes: Vec<(usize, String)>,
    extra_rows: Vec<ExtraRow>,
}

/// The key of a part 二 table under which a province's extra rows are written.
pub(crate) const EXTRA_ROWS_KEY: &str = "extra_rows";

/// The keys of a cell written as a value with its note: `{值: 12, 注: 其中修订5件}`.
const VALUE_KEY: &str = "值";
const NOTE_KEY: &str = "注";

/// Splits a cell printed with a note, 「12（其中修订5件）」 (or with half-width brackets), into
/// the value and the note.
pub(crate) fn split_note(text: &str) -> Option<(&str, &str)> {
    let open = text.find(['（', '('])?;
    let inner = &text[open..];
    let inner = inner
        .strip_prefix('（')
        .or_else(|| inner.strip_prefix('('))?;
    let inner = inner
        .strip_suffix('）')
        .or_else(|| inner.strip_suffix(')'))?;
    let value = text[..open].trim();
    let note = inner.trim();
    (!value.is_empty() && !note.is_empty()).then_some((value, note))
}

/// How to report a problem with one value: its code and position give the diagnostic, with the
/// cell's path and label filled in.
type CellDiag<'d> = dyn Fn(&Fields<'_>, &'static str, Pos) -> Diagnostic + 'd;

impl CellReader<'_, '_> {
    fn read_tables(&mut self, root: &Node, definition: &Template) {
        let form = self.form;
        // Parents of tables (`proactive` for `proactive.item1`): check their keys once.
        let mut parents_seen = HashSet::new();
        for table in &form.tables {
            let mut parts: Vec<&str> = table.key.split('.').collect();
            parts.pop();
            if parts.is_empty() {
                continue;
            }
            let parent = parts.join(".");
            if !parents_seen.insert(parent.clone()) {
                continue;
            }
            let children: Vec<&str> = form
                .tables
                .iter()
                .filter_map(|t| t.key.strip_prefix(&format!("{parent}.")))
                .collect();
            match lookup(root, &parent) {
                Some(node) => {
                    if let Some(map) = node.as_map() {
                        let what = format!(
                            "{}年格式的{}",
                            definition.id.key(),
                            crate::definition::part(table.part).heading
                        );
                        self.f.unknown_keys(map, &children, &parent, &what);
                    }
                }
                None => {
                    let d = self
                        .f
                        .diag("L006", root.pos)
                        .message(format!(
                            "缺少「{}」（{parent}）",
                            crate::definition::part(table.part).heading
                        ))
                        .path(parent.clone());
                    self.f.push(d);
                    parents_seen.insert(format!("missing:{parent}"));
                }
            }
        }
        for (t, table) in form.tables.iter().enumerate() {
            let mut parent: Vec<&str> = table.key.split('.').collect();
            parent.pop();
            if !parent.is_empty() && parents_seen.contains(&format!("missing:{}", parent.join(".")))
            {
                continue;
            }
            self.read_table(root, t);
        }
    }

    fn read_table(&mut self, root: &Node, t: usize) {
        let form = self.form;
        let table = &form.tables[t];
        let title = table.title();
        let Some(node) = lookup(root, table.key) else {
            let parent_pos = key_pos(root, table.key);
            let d = self
                .f
                .diag("L006", parent_pos)
                .message(format!("缺少「{title}」（{}）", table.key))
                .path(table.key);
            self.f.push(d);
            return;
        };
        let Some(map) = node.as_map() else {
            let d = self
                .f
                .diag("L014", node.pos)
                .message(format!("「{title}」下应再缩进一层，每行写一个项目"))
                .path(table.key)
                .found(node.kind_name());
            self.f.push(d);
            return;
        };
        let entries = table.entries();
        let mut keys: Vec<&str> = entries.iter().map(|e| e.key).collect();
        if table.part == 2 {
            keys.push(EXTRA_ROWS_KEY);
        }
        self.f
            .unknown_keys(map, &keys, table.key, &format!("「{title}」"));
        if table.part == 2
            && let Some(at) = map.iter().position(|(k, _)| k.name == EXTRA_ROWS_KEY)
        {
            self.read_extra_rows(t, map, at);
        }
        for entry in entries {
            let path = format!("{}.{}", table.key, entry.key);
            let Some(value) = get(node, entry.key) else {
                let d = self
                    .f
                    .diag("L006", key_pos(root, table.key))
                    .message(format!(
                        "「{title}」缺少一行「{}」（{}）",
                        entry.labels.join(""),
                        entry.key
                    ))
                    .path(path);
                self.f.push(d);
                continue;
            };
            if entry.children.is_empty() {
                self.read_row(t, entry.key, value);
                continue;
            }
            let Some(group) = value.as_map() else {
                let d = self
                    .f
                    .diag("L014", value.pos)
                    .message(format!(
                        "「{}」下应再缩进一层，分项填写",
                        entry.labels.join("")
                    ))
                    .path(path)
                    .found(value.kind_name());
                self.f.push(d);
                continue;
            };
            let child_keys: Vec<&str> = entry.children.iter().map(|(k, _)| *k).collect();
            self.f.unknown_keys(
                group,
                &child_keys,
                &path,
                &format!("「{}」", entry.labels.join("")),
            );
            for (child, label) in &entry.children {
                let row_key = format!("{}.{child}", entry.key);
                match get(value, child) {
                    Some(row) => self.read_row(t, &row_key, row),
                    None => {
                        let d = self
                            .f
                            .diag("L006", key_pos(root, &path))
                            .message(format!(
                                "「{}」缺少一项「{label}」（{child}）",
                                entry.labels.join("")
                            ))
                            .path(format!("{path}.{child}"));
                        self.f.push(d);
                    }
                }
            }
        }
    }

    fn read_row(&mut self, t: usize, row_key: &str, node: &Node) {
        let form = self.form;
        let table = &form.tables[t];
        let Some(r) = table.row(row_key) else { return };
        let row = &table.rows[r];
        let first_cell = form
            .cell_index(&cell_id(table.key, row_key, table.columns[0].key))
            .unwrap_or(0);
        let path = row_id(table.key, row_key);
        let n = table.columns.len();
        let has_optional_total = table.columns.last().is_some_and(|c| c.optional_total);
        let items: Vec<&Node> = match (&node.value, n) {
            (Value::Seq(items), _) => items.iter().collect(),
            (Value::Scalar { .. } | Value::Map(_), 1) => vec![node],
            _ => {
                let columns: Vec<&str> = table.columns.iter().map(|c| c.label).collect();
                let d = self
                    .f
                    .diag("L014", node.pos)
                    .message(format!(
                        "「{}」应写成一行数字 [{}]",
                        row.full_label(),
                        columns.join(", ")
                    ))
                    .path(path)
                    .found(node.kind_name());
                self.f.push(d);
                return;
            }
        };
        let total_omitted = has_optional_total && items.len() == n - 1;
        if total_omitted && let Some(d) = self.number_missing(t, r, &path, &items) {
            self.f.push(d);
            return;
        }
        if items.len() != n && !total_omitted {
            let columns: Vec<&str> = table.columns.iter().map(|c| c.label).collect();
            let expected = if has_optional_total {
                format!(
                    "{n} 个数（{}），或省略总计写 {} 个",
                    columns.join("、"),
                    n - 1
                )
            } else {
                format!("{n} 个数（{}）", columns.join("、"))
            };
            let d = self
                .f
                .diag("L013", node.pos)
                .message(format!(
                    "「{}」这一行有 {} 个数",
                    row.full_label(),
                    items.len()
                ))
                .path(path)
                .expected(expected)
                .found(format!("{} 个", items.len()));
            self.f.push(d);
            return;
        }
        for (c, item) in items.into_iter().enumerate() {
            let cell = first_cell + c;
            self.positions[cell] = Some(item.pos);
            self.cells[cell] = self.read_cell(cell, item);
        }
        if total_omitted {
            self.computed[first_cell + n - 1] = true;
        }
    }

    /// A row one number short whose last number is the sum of the others: a total written
    /// after a number that was left out, not a row whose total is left out to be computed.
    fn number_missing(
        &self,
        t: usize,
        r: usize,
        path: &str,
        items: &[&Node],
    ) -> Option<Diagnostic> {
        let table = &self.form.tables[t];
        let row = &table.rows[r];
        let values: Vec<Decimal> = items
            .iter()
            .map(|item| {
                let text = item.as_scalar()?.trim();
                parse_number(text, table.kind(r, 0)).ok()
            })
            .collect::<Option<_>>()?;
        let (last, others) = values.split_last()?;
        let sum: Decimal = others.iter().copied().sum();
        if last.is_zero() || *last != sum {
            return None;
        }
        let columns: Vec<&str> = table.columns.iter().map(|c| c.label).collect();
        let node_pos = items.first().map(|i| i.pos).unwrap_or_default();
        Some(
            self.f
                .diag("L013", node_pos)
                .message(format!(
                    "「{}」这一行少了一个数：最后一个数 {last} 等于前面各数之和，像是总计，那么前面漏写了一个数",
                    table.row_label(row)
                ))
                .path(path.to_string())
                .expected(format!("{} 个数（{}）", columns.len(), columns.join("、")))
                .found(format!("{} 个数", items.len()))
                .hint("对照原报告补上漏写的数（没有的写 0），写满这一行；只有确实没有写总计时，才少写最后一个数。"),
        )
    }

    fn read_cell(&mut self, cell: usize, node: &Node) -> Cell {
        let form = self.form;
        let kind = form.kind(cell);
        let d = |f: &Fields<'_>, code, pos| {
            f.diag(code, pos)
                .path(form.yaml_path(cell))
                .cell(form.cells[cell].clone())
                .label(form.cell_label(cell))
                .expected(kind.describe())
        };
        let (value, note) = self.read_value(node, kind, &d);
        if let Some(note) = note {
            self.notes.push((cell, note));
        }
        value
    }

    /// Reads one value: a number, 「/」, a number with its printed note (「12（其中修订5件）」),
    /// or the same as `{值: 12, 注: 其中修订5件}`.
    fn read_value(
        &mut self,
        node: &Node,
        kind: CellKind,
        d: &CellDiag<'_>,
    ) -> (Cell, Option<String>) {
        if node.is_null() {
            let diag = d(&self.f, "L006", node.pos)
                .message("单元格没有填写")
                .found("空");
            self.f.push(diag);
            return (Cell::Missing, None);
        }
        if let Some(map) = node.as_map() {
            return self.read_noted_value(node, map, kind, d);
        }
        let Some(text) = node.as_scalar() else {
            let diag = d(&self.f, "L014", node.pos)
                .message("单元格应是一个数")
                .found(node.kind_name());
            self.f.push(diag);
            return (Cell::Missing, None);
        };
        let (text, note) = match split_note(text.trim()) {
            Some((value, note)) => (value, Some(note.to_string())),
            None => (text.trim(), None),
        };
        if text == "/" || text == "／" {
            let diag = d(&self.f, "N001", node.pos).found("/");
            self.f.push(diag);
            return (Cell::NotReported, note);
        }
        match parse_number(text, kind) {
            Ok(value) => (Cell::Value(value), note),
            Err((code, message)) => {
                let diag = d(&self.f, code, node.pos)
                    .message(message)
                    .found(text.to_string());
                self.f.push(diag);
                (Cell::Missing, note)
            }
        }
    }

    /// `{值: 12, 注: 其中修订5件}`.
    fn read_noted_value(
        &mut self,
        node: &Node,
        map: &[(Key, Node)],
        kind: CellKind,
        d: &CellDiag<'_>,
    ) -> (Cell, Option<String>) {
        let allowed = [VALUE_KEY, NOTE_KEY];
        self.f.unknown_keys(map, &allowed, "", "带注释的单元格");
        let note = get(node, NOTE_KEY)
            .and_then(|n| n.as_scalar())
            .map(str::trim);
        let note = note.filter(|n| !n.is_empty()).map(str::to_string);
        if note.is_none() {
            let diag = d(&self.f, "L006", node.pos)
                .message("带注释的单元格缺少注释文字（注）")
                .found("{值: …}")
                .hint("写成 {值: 12, 注: 其中修订5件}，或直接写 12（其中修订5件）");
            self.f.push(diag);
        }
        let Some(value) = get(node, VALUE_KEY) else {
            let diag = d(&self.f, "L006", node.pos)
                .message("带注释的单元格缺少数值（值）")
                .hint("写成 {值: 12, 注: 其中修订5件}");
            self.f.push(diag);
            return (Cell::Missing, note);
        };
        if value.as_map().is_some() {
            let diag = d(&self.f, "L014", value.pos)
                .message("「值」应是一个数")
                .found(value.kind_name());
            self.f.push(diag);
            return (Cell::Missing, note);
        }
        let (cell, inner) = self.read_value(value, kind, d);
        (cell, note.or(inner))
    }

    /// The rows written under `extra_rows:` of a part 二 table (the entry at `at` of its mapping):
    /// `其他主动公开文件: [12, 12, 40]`, placed after the template row written before them.
    fn read_extra_rows(&mut self, t: usize, map: &[(Key, Node)], at: usize) {
        let form = self.form;
        let table = &form.tables[t];
        let (key, node) = &map[at];
        let path = format!("{}.{EXTRA_ROWS_KEY}", table.key);
        let after = map[..at].iter().rev().find_map(|(k, _)| {
            let group = format!("{}.", k.name);
            table
                .rows
                .iter()
                .rposition(|r| r.key == k.name || r.key.starts_with(&group))
        });
        let Some(rows) = node.as_map() else {
            let d = self
                .f
                .diag("L014", key.pos)
                .message("extra_rows 下每行写成「行名称: [数, 数, …]」")
                .path(path)
                .found(node.kind_name())
                .hint("例如：\n  extra_rows:\n    其他主动公开文件: [12, 12, 40]");
            self.f.push(d);
            return;
        };
        let n = table.columns.len();
        for (label_key, row) in rows {
            let label = label_key.name.trim().to_string();
            let row_path = format!("{path}.{label}");
            let items: Vec<&Node> = match (&row.value, n) {
                (Value::Seq(items), _) => items.iter().collect(),
                (Value::Scalar { .. } | Value::Map(_), 1) => vec![row],
                _ => {
                    let d = self
                        .f
                        .diag("L014", row.pos)
                        .message(format!("增加的行「{label}」应写成一行数字"))
                        .path(row_path)
                        .found(row.kind_name());
                    self.f.push(d);
                    continue;
                }
            };
            if items.len() != n {
                let columns: Vec<&str> = table.columns.iter().map(|c| c.label).collect();
                let d = self
                    .f
                    .diag("L013", row.pos)
                    .message(format!("增加的行「{label}」有 {} 个数", items.len()))
                    .path(row_path)
                    .expected(format!("{n} 个数（{}）", columns.join("、")))
                    .found(format!("{} 个", items.len()));
                self.f.push(d);
                continue;
            }
            let mut cells = Vec::with_capacity(n);
            let mut notes = Vec::with_capacity(n);
            for (c, item) in items.into_iter().enumerate() {
                let column = &table.columns[c];
                let cell_path = format!("{row_path}[{c}]");
                let cell_label = format!("「{} {label}」×「{}」", table.caption, column.label);
                let d = |f: &Fields<'_>, code, pos| {
                    f.diag(code, pos)
                        .path(cell_path.clone())
                        .label(cell_label.clone())
                        .expected(column.kind.describe())
                };
                let (cell, note) = self.read_value(item, column.kind, &d);
                cells.push(cell);
                notes.push(note);
            }
            self.extra_rows.push(ExtraRow {
                table: t,
                after,
                label,
                cells,
                notes,
                pos: label_key.pos,
            });
        }
    }

    /// Computes the totals data.yaml left out, from the identity that defines them. A total
    /// whose row has a blank cell (`/`) cannot be computed: that is an error, not an empty cell.
    fn compute_totals(&mut self) {
        let form = self.form;
        let mut totals: Vec<(usize, usize)> = form
            .optional_totals
            .iter()
            .map(|(&cell, &equation)| (cell, equation))
            .filter(|&(cell, _)| self.computed[cell])
            .collect();
        totals.sort_unstable();
        for (cell, equation) in totals {
            let eq = &form.identities[equation];
            let mut sum = Decimal::ZERO;
            let mut complete = true;
            let mut blanks = Vec::new();
            for term in &eq.rhs {
                debug_assert_eq!(term.year, YearRef::Current);
                let index = form.cell_index(&term.cell);
                match index.map(|i| self.cells[i]) {
                    Some(Cell::Value(v)) => match sum.checked_add(v) {
                        Some(total) => sum = total,
                        None => complete = false,
                    },
                    Some(Cell::NotReported) => {
                        complete = false;
                        blanks.extend(index);
                    }
                    _ => complete = false,
                }
            }
            if complete {
                self.cells[cell] = Cell::Value(sum);
            } else if !blanks.is_empty() {
                self.computed[cell] = false;
                let (table, row, _) = form.place(cell);
                let columns: Vec<&str> = blanks.iter().map(|&i| form.place(i).2.label).collect();
                let pos = blanks
                    .first()
                    .and_then(|&i| self.positions[i])
                    .unwrap_or_default();
                let d = self
                    .f
                    .diag("N002", pos)
                    .path(form.yaml_path(cell))
                    .cell(form.cells[cell].clone())
                    .label(form.cell_label(cell))
                    .message(format!(
                        "「{}」这一行没有写总计，而{}空白（/），nianbao 无法计算总计",
                        table.row_label(row),
                        columns
                            .iter()
                            .map(|c| format!("「{c}」"))
                            .collect::<Vec<_>>()
                            .join("、")
                    ))
                    .found("总计未写，且有空白的单元格")
                    .expected("照原报告写出这一行的总计；原报告总计也空白的，写 /");
                self.f.push(d);
            }
        }
    }
}

/// The position of the deepest key of `path` that exists (where a missing entry belongs).
fn key_pos(root: &Node, path: &str) -> Pos {
    let mut node = root;
    let mut pos = root.pos;
    for key in path.split('.') {
        let Some((k, next)) = node
            .as_map()
            .and_then(|m| m.iter().find(|(k, _)| k.name == key))
        else {
            break;
        };
        pos = k.pos;
        node = next;
    }
    pos
}

/// Parses a cell's text as the kind of value it must hold.
pub(crate) fn parse_number(text: &str, kind: CellKind) -> Result<Decimal, (&'static str, String)> {
    let full_width = text.chars().any(|c| ('０'..='９').contains(&c));
    if full_width {
        return Err(("L010", "数字是全角字符，请改用半角数字（0-9）".to_string()));
    }
    let digits = |s: &str| !s.is_empty() && s.len() <= 15 && s.chars().all(|c| c.is_ascii_digit());
    // All digits but more than 15 of them: too large, not "not a number".
    let too_many_digits = |s: &str| {
        let s = s.strip_prefix(['-', '+']).unwrap_or(s);
        let mut parts = s.splitn(2, '.');
        let whole = parts.next().unwrap_or("");
        let fraction = parts.next().unwrap_or("");
        let all_digits = |p: &str| p.chars().all(|c| c.is_ascii_digit());
        all_digits(whole) && all_digits(fraction) && (whole.len() > 15 || fraction.len() > 15)
    };
    if too_many_digits(text) {
        let code = if matches!(kind, CellKind::Money(_)) {
            "L012"
        } else {
            "L010"
        };
        return Err((
            code,
            format!(
                "数字位数过多（{} 位）：最多 15 位",
                text.chars().filter(char::is_ascii_digit).count()
            ),
        ));
    }
    match kind {
        CellKind::Count | CellKind::SignedCount => {
            let (negative, body) = match text.strip_prefix('-') {
                Some(rest) => (true, rest),
                None => (false, text.strip_prefix('+').unwrap_or(text)),
            };
            if !digits(body) {
                let counted = body
                    .strip_suffix(['件', '个', '项', '次', '宗', '条'])
                    .filter(|n| digits(n));
                let message = if let Some(number) = counted {
                    format!("数字后面不要写单位：是不是 {number}？")
                } else if text.parse::<f64>().is_ok() {
                    "应是整数，不能有小数".to_string()
                } else {
                    format!("「{text}」不是整数")
                };
                return Err(("L010", message));
            }
            if negative && kind == CellKind::Count {
                return Err(("L011", format!("数量不能为负数：{text}")));
            }
            let value: i64 = body.parse().map_err(|_| ("L010", "数字过大".to_string()))?;
            Ok(Decimal::from(if negative { -value } else { value }))
        }
        CellKind::Money(unit) => {
            let plain = text
                .strip_prefix('-')
                .unwrap_or(text)
                .split_once('.')
                .map(|(a, b)| digits(a) && (b.is_empty() || digits(b)))
                .unwrap_or_else(|| digits(text.strip_prefix('-').unwrap_or(text)));
            if !plain {
                let message = match with_unit(text) {
                    Some((value, typed)) => {
                        let converted =
                            (value * Decimal::from(typed) / Decimal::from(unit.yuan())).normalize();
                        format!(
                            "金额中不要写单位（本格的单位是{}）：{text} 是 {converted} {}，是不是 {converted}？",
                            unit.label(),
                            unit.label()
                        )
                    }
                    None => format!("「{text}」不是十进制数"),
                };
                return Err(("L012", message));
            }
            let value =
                Decimal::from_str_exact(text).map_err(|_| ("L012", "金额过大".to_string()))?;
            if value.is_sign_negative() && !value.is_zero() {
                return Err(("L011", format!("金额不能为负数：{text}")));
            }
            Ok(value)
        }
    }
}

/// A money figure typed with its unit (`123500元`, `12.35万元`, `1.2万`): the number and the
/// size of the unit in yuan.
fn with_unit(text: &str) -> Option<(Decimal, u32)> {
    Unit::TYPED.iter().find_map(|(word, yuan)| {
        let number = text.strip_suffix(word)?.trim().replace(',', "");
        let value = Decimal::from_str_exact(&number).ok()?;
        Some((value, *yuan))
    })
}

/// The ids an acknowledgement may name: every cell, row, group, table and parent of tables
/// of the form (a pattern with `*` or a part `part1`…`part6` is checked separately).
fn acknowledgeable_targets(form: &Form) -> HashSet<String> {
    let mut out: HashSet<String> = form.cells.iter().cloned().collect();
    for cell in &form.cells {
        let mut end = cell.len();
        while let Some(dot) = cell[..end].rfind('.') {
            out.insert(cell[..dot].to_string());
            end = dot;
        }
    }
    out
}

/// The codes of an acknowledgement: `code: T002` or `code: [N001, T002]`.
fn read_codes(f: &mut Fields<'_>, item: &Node, path: &str) -> Option<Vec<(String, Pos)>> {
    let Some(node) = get(item, "code").filter(|n| !n.is_null()) else {
        let d = f
            .diag("L006", item.pos)
            .message("缺少检查代码（code）")
            .path(format!("{path}.code"))
            .hint("在这一项里加一行：code: …（检查代码，见 nianbao check 的输出）");
        f.push(d);
        return None;
    };
    let nodes: Vec<&Node> = match &node.value {
        Value::Seq(items) => items.iter().collect(),
        _ => vec![node],
    };
    let mut out = Vec::new();
    for n in nodes {
        match n.as_scalar() {
            Some(text) if !text.trim().is_empty() => out.push((text.trim().to_string(), n.pos)),
            _ => {
                let d = f
                    .diag("L014", n.pos)
                    .message("检查代码应写成 T002，或几个代码写成 [N001, T002]")
                    .path(format!("{path}.code"))
                    .found(n.kind_name());
                f.push(d);
                return None;
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Whether a target pattern (`requests.*.total`) covers a cell id: `*` stands for one or more
/// whole segments of the id.
pub(crate) fn pattern_covers(pattern: &str, id: &str) -> bool {
    fn walk(pattern: &[&str], id: &[&str]) -> bool {
        match (pattern.split_first(), id.split_first()) {
            (None, None) => true,
            (Some((&"*", rest)), Some(_)) => (1..=id.len()).any(|n| walk(rest, &id[n..])),
            (Some((p, rest)), Some((i, id_rest))) => p == i && walk(rest, id_rest),
            _ => false,
        }
    }
    let pattern: Vec<&str> = pattern.split('.').collect();
    let id: Vec<&str> = id.split('.').collect();
    walk(&pattern, &id)
}

fn read_acknowledgements(f: &mut Fields<'_>, node: &Node, form: &Form) -> Vec<Acknowledgement> {
    let Some(list) = get(node, "acknowledged").filter(|n| !n.is_null()) else {
        return Vec::new();
    };
    let Some(items) = list.as_seq() else {
        let d = f
            .diag("L014", list.pos)
            .message("acknowledged 应是一个列表，每项以“- ”开头")
            .path("acknowledged");
        f.push(d);
        return Vec::new();
    };
    let mut targets: Option<HashSet<String>> = None;
    let parts: Vec<String> = crate::definition::PARTS
        .iter()
        .map(|p| p.anchor())
        .collect();
    let mut out = Vec::new();
    'items: for (i, item) in items.iter().enumerate() {
        let path = format!("acknowledged[{i}]");
        let Some(map) = item.as_map() else {
            let d = f
                .diag("L014", item.pos)
                .message("每项应写 code、cell、found、reason 这几个键")
                .path(path);
            f.push(d);
            continue;
        };
        f.unknown_keys(
            map,
            &["code", "cell", "found", "reason"],
            &path,
            "已确认的问题",
        );
        let codes = read_codes(f, item, &path);
        let cell = f.string(item, "cell", &path, "单元格", false);
        let found = f.string(item, "found", &path, "登记时的实际值", false);
        let reason = f.string(item, "reason", &path, "原因", true);
        let (Some(codes), Some(reason)) = (codes, reason) else {
            continue;
        };
        for (code, code_pos) in &codes {
            match code_info(code) {
                None => {
                    let mut d = f
                        .diag("A001", *code_pos)
                        .message(format!("没有检查代码 {code}"))
                        .path(format!("{path}.code"));
                    if let Some(near) =
                        did_you_mean(code, crate::diagnostic::CODES.iter().map(|c| c.code))
                    {
                        d = d.hint(format!("是不是要写 {near}？"));
                    }
                    f.push(d);
                    continue 'items;
                }
                Some(info) if !info.acknowledgeable => {
                    let d = f
                        .diag("A001", *code_pos)
                        .message(format!("{code}（{}）不能登记为已确认的问题", info.title))
                        .path(format!("{path}.code"))
                        .hint("这类问题使文件无法读取，必须改正。");
                    f.push(d);
                    continue 'items;
                }
                Some(_) => {}
            }
        }
        if let Some(cell) = &cell {
            let targets = targets.get_or_insert_with(|| acknowledgeable_targets(form));
            let known = if cell.contains('*') {
                form.cells.iter().any(|c| pattern_covers(cell, c))
            } else {
                targets.contains(cell) || parts.contains(cell)
            };
            if !known {
                let cell_pos = get(item, "cell").map(|n| n.pos).unwrap_or(item.pos);
                let mut d = f
                    .diag("A001", cell_pos)
                    .message(if cell.contains('*') {
                        format!("cell: {cell} 不能对应任何单元格")
                    } else {
                        format!("没有单元格 {cell}")
                    })
                    .path(format!("{path}.cell"));
                if let Some(near) = did_you_mean(cell, targets.iter().map(String::as_str)) {
                    d = d.hint(format!("是不是要写 {near}？"));
                }
                f.push(d);
                continue;
            }
        }
        out.push(Acknowledgement {
            codes: codes.into_iter().map(|(c, _)| c).collect(),
            cell,
            found,
            reason,
            pos: item.pos,
        });
    }
    out
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
        assert_eq!(parse_number("-1", CellKind::Count).unwrap_err().0, "L011");
        assert_eq!(parse_number("十二", CellKind::Count).unwrap_err().0, "L010");
        assert_eq!(parse_number("1.5", CellKind::Count).unwrap_err().0, "L010");
        assert_eq!(parse_number("１２", CellKind::Count).unwrap_err().0, "L010");
        let money = CellKind::Money(Unit::TenThousandYuan);
        assert_eq!(
            parse_number("1090.98", money).unwrap().to_string(),
            "1090.98"
        );
        assert_eq!(parse_number("7545", money).unwrap().to_string(), "7545");
        assert_eq!(parse_number("1090.98万元", money).unwrap_err().0, "L012");
        assert_eq!(parse_number("1,090", money).unwrap_err().0, "L012");
        assert_eq!(parse_number("1e3", money).unwrap_err().0, "L012");
        assert_eq!(parse_number("-3", money).unwrap_err().0, "L011");
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

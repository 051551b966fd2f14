//! Reading one file of content/: relative paths for diagnostics, the site's rule on links,
//! the text of a file (size, encoding, NUL) and its YAML tree, with the parser's messages in
//! Chinese.

use std::path::{Path, PathBuf};

use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::model::Pos;

use super::text::{MAX_FILE_BYTES, character_name};
use super::yaml::{self, Node, YamlErrorKind};

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
pub(super) fn unreadable(root: &Path, path: &Path, err: &std::io::Error) -> Diagnostic {
    let what = if path.is_dir() { "文件夹" } else { "文件" };
    Diagnostic::new(Code::L022, &relative(root, path))
        .message(format!("无法读取{what}：{}", io_reason(err)))
}

/// Whether a file is there: `Ok(false)` when it does not exist, an error when that cannot be
/// told (a folder without permission), so an unreadable folder is not reported as a missing file.
pub(super) fn exists(path: &Path) -> std::io::Result<bool> {
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
    // Opened once: its size from the open file, then its bytes (no second lookup of the path).
    let mut file = std::fs::File::open(path).map_err(io_error)?;
    let size = file.metadata().map_err(io_error)?.len();
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
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    std::io::Read::read_to_end(&mut file, &mut bytes).map_err(io_error)?;
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
pub(super) fn read_yaml(
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

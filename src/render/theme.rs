//! Themes: Tera templates and static files. `themes/default` is embedded in the binary; a site
//! may pick another theme from its own `themes/` and override any template from `templates/`.

use std::path::Path;

use tera::Tera;
use walkdir::WalkDir;

use super::BuildError;

/// The default theme, embedded so an installed nianbao works on any site.
const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    (
        "base.html",
        include_str!("../../themes/default/templates/base.html"),
    ),
    (
        "macros.html",
        include_str!("../../themes/default/templates/macros.html"),
    ),
    (
        "index.html",
        include_str!("../../themes/default/templates/index.html"),
    ),
    (
        "agency.html",
        include_str!("../../themes/default/templates/agency.html"),
    ),
    (
        "year.html",
        include_str!("../../themes/default/templates/year.html"),
    ),
    (
        "compare.html",
        include_str!("../../themes/default/templates/compare.html"),
    ),
    (
        "metric.html",
        include_str!("../../themes/default/templates/metric.html"),
    ),
    (
        "404.html",
        include_str!("../../themes/default/templates/404.html"),
    ),
    (
        "overview.html",
        include_str!("../../themes/default/templates/overview.html"),
    ),
    (
        "totals.html",
        include_str!("../../themes/default/templates/totals.html"),
    ),
    (
        "across.html",
        include_str!("../../themes/default/templates/across.html"),
    ),
    (
        "across_index.html",
        include_str!("../../themes/default/templates/across_index.html"),
    ),
    (
        "search.html",
        include_str!("../../themes/default/templates/search.html"),
    ),
    (
        "sitemap.xml",
        include_str!("../../themes/default/templates/sitemap.xml"),
    ),
    (
        "atom.xml",
        include_str!("../../themes/default/templates/atom.xml"),
    ),
];

const DEFAULT_STATIC: &[(&str, &[u8])] = &[
    (
        "static/style.css",
        include_bytes!("../../themes/default/static/style.css"),
    ),
    (
        "static/sort.js",
        include_bytes!("../../themes/default/static/sort.js"),
    ),
    (
        "static/search.js",
        include_bytes!("../../themes/default/static/search.js"),
    ),
];

/// A loaded theme.
pub(crate) struct Theme {
    pub tera: Tera,
    /// Static files by output path (`static/style.css`).
    pub statics: Vec<(String, Vec<u8>)>,
}

fn read_dir_files(dir: &Path) -> Result<Vec<(String, Vec<u8>)>, BuildError> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    for entry in WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| BuildError::Io(dir.to_path_buf(), e.into()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        if rel.starts_with('.') || rel.contains("/.") || rel.ends_with('~') {
            continue;
        }
        let bytes = std::fs::read(entry.path())
            .map_err(|e| BuildError::Io(entry.path().to_path_buf(), e))?;
        out.push((rel, bytes));
    }
    Ok(out)
}

/// Loads the theme named in site.yaml, file by file over the embedded default theme, then the
/// site's own template overrides: a theme or a site supplies only the files it changes (one
/// template, one extra stylesheet) and everything else comes from the built-in theme.
pub(crate) fn load(root: &Path, name: &str) -> Result<Theme, BuildError> {
    let mut templates: Vec<(String, String)> = DEFAULT_TEMPLATES
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    let mut statics: Vec<(String, Vec<u8>)> = DEFAULT_STATIC
        .iter()
        .map(|(n, b)| (n.to_string(), b.to_vec()))
        .collect();
    let theme_dir = root.join("themes").join(name);
    if theme_dir.is_dir() {
        let dir = theme_dir.join("templates");
        for (rel, bytes) in read_dir_files(&dir)?.into_iter().filter(is_template) {
            let body = text(&dir.join(&rel), bytes)?;
            put(&mut templates, rel, body);
        }
        for (rel, bytes) in read_dir_files(&theme_dir.join("static"))? {
            put(&mut statics, format!("static/{rel}"), bytes);
        }
    } else if name != "default" {
        return Err(BuildError::Theme(format!(
            "找不到主题 {name}：site.yaml 中的 theme 应是 themes/ 下的文件夹名，或写 default 使用内置主题"
        )));
    }
    // The site's overrides.
    let overrides = root.join("templates");
    for (rel, bytes) in read_dir_files(&overrides)?.into_iter().filter(is_template) {
        let body = text(&overrides.join(&rel), bytes)?;
        put(&mut templates, rel, body);
    }
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(escape_html);
    tera.add_raw_templates(templates)
        .map_err(|e| BuildError::Theme(format!("模板有错误：{}", tera_message(&e))))?;
    Ok(Theme { tera, statics })
}

/// Whether a file of a templates/ folder is a template: a README.md there (the repository's
/// templates/ has one that says what the folder is for) is a note to people, never parsed.
fn is_template((rel, _): &(String, Vec<u8>)) -> bool {
    !rel.eq_ignore_ascii_case("README.md")
}

/// Puts a file in place of the one with the same path, or adds it, keeping the order the files
/// were first seen in (the built-in ones first).
fn put<T>(files: &mut Vec<(String, T)>, path: String, body: T) {
    match files.iter_mut().find(|(p, _)| *p == path) {
        Some(slot) => slot.1 = body,
        None => files.push((path, body)),
    }
}

/// Escapes text for HTML: `& < > " '` (pulldown-cmark's own escaping, so pages and the Markdown
/// agree). Tera's built-in escaping also turns `/` into `&#x2F;`, which makes every relative link
/// unreadable in the page source.
pub(crate) fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + 16);
    escape_html_into(&mut out, input);
    out
}

/// `escape_html` written at the end of `out` (no string made per value: the tables' cells).
pub(crate) fn escape_html_into(out: &mut String, input: &str) {
    // Writing into a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(out, input);
}

/// A link to `prefix` + `href` with the text `text`, or the text alone when there is no `href`,
/// escaped and written at the end of `out` (the cells of the metric, cross-agency and overview
/// tables).
pub(crate) fn push_link_or_text(out: &mut String, prefix: &str, href: Option<&str>, text: &str) {
    match href {
        Some(href) => {
            out.push_str("<a href=\"");
            out.push_str(prefix);
            escape_html_into(out, href);
            out.push_str("\">");
            escape_html_into(out, text);
            out.push_str("</a>");
        }
        None => escape_html_into(out, text),
    }
}

fn text(path: &Path, bytes: Vec<u8>) -> Result<String, BuildError> {
    String::from_utf8(bytes)
        .map_err(|_| BuildError::Theme(format!("模板 {} 不是 UTF-8 编码", path.display())))
}

/// Tera's error with its causes, on one line.
pub(crate) fn tera_message(err: &tera::Error) -> String {
    let mut message = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        message.push('：');
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_only_what_html_needs() {
        assert_eq!(super::escape_html("../a/b.html"), "../a/b.html");
        assert_eq!(
            super::escape_html("「甲」<b>&\"'"),
            "「甲」&lt;b&gt;&amp;&quot;&#39;"
        );
    }
}

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
];

const DEFAULT_STATIC: &[(&str, &[u8])] = &[(
    "static/style.css",
    include_bytes!("../../themes/default/static/style.css"),
)];

/// The templates every theme must provide.
pub(crate) const PAGE_TEMPLATES: [&str; 6] = [
    "index.html",
    "agency.html",
    "year.html",
    "compare.html",
    "metric.html",
    "404.html",
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

/// Loads the theme named in site.yaml, then the site's own template overrides.
pub(crate) fn load(root: &Path, name: &str) -> Result<Theme, BuildError> {
    let theme_dir = root.join("themes").join(name);
    let mut templates: Vec<(String, String)> = Vec::new();
    let mut statics: Vec<(String, Vec<u8>)> = Vec::new();
    if theme_dir.is_dir() {
        for (rel, bytes) in read_dir_files(&theme_dir.join("templates"))? {
            templates.push((
                rel.clone(),
                text(&theme_dir.join("templates").join(&rel), bytes)?,
            ));
        }
        for (rel, bytes) in read_dir_files(&theme_dir.join("static"))? {
            statics.push((format!("static/{rel}"), bytes));
        }
    } else if name == "default" {
        templates = DEFAULT_TEMPLATES
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        statics = DEFAULT_STATIC
            .iter()
            .map(|(n, b)| (n.to_string(), b.to_vec()))
            .collect();
    } else {
        return Err(BuildError::Theme(format!(
            "找不到主题 {name}：site.yaml 中的 theme 应是 themes/ 下的文件夹名，或写 default 使用内置主题"
        )));
    }
    // The site's overrides.
    let overrides = root.join("templates");
    for (rel, bytes) in read_dir_files(&overrides)? {
        let body = text(&overrides.join(&rel), bytes)?;
        templates.retain(|(n, _)| *n != rel);
        templates.push((rel, body));
    }
    for page in PAGE_TEMPLATES {
        if !templates.iter().any(|(n, _)| n == page) {
            return Err(BuildError::Theme(format!("主题 {name} 缺少模板 {page}")));
        }
    }
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(escape_html);
    tera.add_raw_templates(templates)
        .map_err(|e| BuildError::Theme(format!("模板有错误：{}", tera_message(&e))))?;
    Ok(Theme { tera, statics })
}

/// Escapes text for HTML: `& < > " '`. (Tera's own escaping also turns `/` into `&#x2F;`,
/// which makes every relative link unreadable in the page source.)
pub(crate) fn escape_html(input: &str) -> String {
    let special = |b: &u8| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'');
    let Some(first) = input.bytes().position(|b| special(&b)) else {
        return input.to_string();
    };
    let mut out = String::with_capacity(input.len() + 16);
    out.push_str(&input[..first]);
    for c in input[first..].chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
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

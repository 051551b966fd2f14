//! What the preview adds to the site it builds in memory: the reload script, the warnings panel
//! and, when a build fails, the problems shown over the page.

use super::*;

/// The reload script, with `__EVENTS_URL__` where the address of the event stream goes; its
/// leading comment lines stay out of the pages.
pub(super) const RELOAD_SCRIPT: &str = include_str!("reload.js");

/// The script added to every page in serve mode: reload on a new build, show the problems of a
/// failed build over the page without leaving it.
pub fn reload_script(base: &str) -> String {
    let url = js_string(&format!("{base}{EVENTS_PATH}"));
    let script: String = RELOAD_SCRIPT
        .lines()
        .skip_while(|l| l.starts_with("//"))
        .flat_map(|l| [l, "\n"])
        .collect();
    format!(
        "<script>\n{}</script>\n",
        script.replacen("__EVENTS_URL__", &url, 1)
    )
}

/// A JavaScript string literal for `text` that is safe inside a `<script>` element: JSON, with
/// `<`, `>` and `&` escaped so that no `</script>` or `<!--` can end or change the element.
pub fn js_string(text: &str) -> String {
    serde_json::Value::String(text.to_string())
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// A page as served: the page of the site with its warnings panel (see `warnings_panel`; none
/// when there are none) and the reload script before `</body>`. The panel of an agency's pages
/// lists that agency's warnings; the site's own pages list them all. Other files are as built.
pub(super) fn with_reload_script(
    path: &str,
    bytes: &[u8],
    script: &str,
    warnings: &[Diagnostic],
) -> Vec<u8> {
    if !path.ends_with(".html") {
        return bytes.to_vec();
    }
    let scope = path.split_once('/').map_or("", |(first, _)| first);
    let prefix = Path::new("content").join(scope);
    let mine: Vec<&Diagnostic> = warnings
        .iter()
        .filter(|d| scope.is_empty() || d.file.starts_with(&prefix))
        .collect();
    let panel = warnings_panel(&mine);
    let at = bytes
        .windows(7)
        .rposition(|w| w == b"</body>")
        .unwrap_or(bytes.len());
    let mut out = Vec::with_capacity(bytes.len() + panel.len() + script.len());
    out.extend_from_slice(&bytes[..at]);
    out.extend_from_slice(panel.as_bytes());
    out.extend_from_slice(script.as_bytes());
    out.extend_from_slice(&bytes[at..]);
    out
}

/// At most this many warnings are listed on a page; the terminal has them all.
pub(super) const PANEL_LIMIT: usize = 50;

/// The warnings of a successful build, shown in the preview as a quiet panel in a corner of the
/// page (closed until clicked), so that guidance text left in report.md is seen in the browser.
/// Errors stop the build and get the overlay of the reload script instead.
pub fn warnings_panel(warnings: &[&Diagnostic]) -> String {
    use crate::render::theme::escape_html as esc;
    use std::fmt::Write as _;
    if warnings.is_empty() {
        return String::new();
    }
    let mut out = String::with_capacity(512 + 256 * warnings.len().min(PANEL_LIMIT));
    out.push_str("<aside id=\"nianbao-warnings\" role=\"status\" aria-label=\"预览：检查警告\" style=\"position:fixed;right:12px;bottom:12px;z-index:2147483646;max-width:min(560px,calc(100vw - 24px));max-height:70vh;overflow:auto;background:#fffbe6;color:#3d3000;border:1px solid #d4b106;border-radius:6px;box-shadow:0 2px 8px rgba(0,0,0,.15);font:14px/1.6 system-ui,'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif\"><details><summary style=\"cursor:pointer;padding:6px 12px;font-weight:600\">");
    let _ = write!(
        out,
        "检查警告 {} 个（仅预览中显示，不影响生成；发布前请处理）",
        warnings.len()
    );
    out.push_str("</summary><ol style=\"margin:0;padding:4px 12px 10px 32px\">");
    for d in warnings.iter().take(PANEL_LIMIT) {
        let _ = write!(
            out,
            "<li style=\"margin:6px 0\"><strong>警告[{}]</strong>：{}<br><span style=\"font-family:monospace\">{}</span>",
            esc(d.code.as_str()),
            esc(&d.message),
            esc(&d.location())
        );
        if let Some(label) = &d.label {
            let _ = write!(out, "<br>单元格：{}", esc(label));
        }
        if let Some(hint) = &d.hint {
            let _ = write!(out, "<br>提示：{}", esc(hint));
        }
        out.push_str("</li>");
    }
    out.push_str("</ol>");
    if warnings.len() > PANEL_LIMIT {
        let _ = write!(
            out,
            "<p style=\"margin:0;padding:0 12px 10px\">另有 {} 个警告，见运行 nianbao serve 的终端或 nianbao check 的输出。</p>",
            warnings.len() - PANEL_LIMIT
        );
    }
    out.push_str("</details></aside>\n");
    out
}

/// A file that could not be read or written: named, with the system's reason, never blamed on
/// the templates.
pub(super) fn io_problem(root: &Path, path: &Path, err: &std::io::Error) -> Diagnostic {
    Diagnostic::new(Code::B002, &crate::load::relative(root, path)).message(format!(
        "无法读写 {}：{err}",
        crate::load::relative(root, path).display()
    ))
}

/// A problem that is not about one file of content (a template error, a missing site.yaml).
pub(super) fn general_problem(message: String) -> Diagnostic {
    Diagnostic::new(Code::B001, Path::new("templates")).message(message)
}

pub(super) fn problems_json(problems: &[Diagnostic]) -> String {
    serde_json::to_string(problems).unwrap_or_else(|_| "[]".to_string())
}

/// A page shown when there is no good build yet.
pub(super) fn first_build_failed_page(base: &str, problems: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>构建失败</title></head>\n<body><h1>构建失败</h1><p>网站还没有成功生成过。改正错误后，页面会自动刷新。</p>\n<pre id=\"nianbao-problems\">{}</pre>\n{}</body></html>\n",
        crate::render::theme::escape_html(problems),
        reload_script(base)
    )
}

/// A page shown when the page asked for could not be rendered from the last good build (a
/// template error that only this page meets).
pub(super) fn render_failed_page(base: &str, problems: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>页面生成失败</title></head>\n<body><h1>页面生成失败</h1><p>这个页面无法生成，原因见下。改正后，页面会自动刷新。</p>\n<pre id=\"nianbao-problems\">{}</pre>\n{}</body></html>\n",
        crate::render::theme::escape_html(problems),
        reload_script(base)
    )
}

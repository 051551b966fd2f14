//! The CMS page of a year's report: one self-contained HTML file for portals that publish each
//! report as an article. Its styles sit in one `<style>`; it has no scripts, images or other
//! files; a link is absolute (made so with the site's address when it is relative and the
//! address is known) or, when it could only break, printed as plain text.

use std::fmt::Write as _;

use super::document::{Block, DocumentTable, ReportDocument, Span};
use super::theme::{escape_html as esc, escape_html_into as esc_into};

const STYLE: &str = "\
.nianbao-report{max-width:48em;margin:0 auto;font-family:\"仿宋_GB2312\",\"FangSong\",\"STFangsong\",\"Noto Serif CJK SC\",serif;font-size:16px;line-height:1.8;color:#111}
.nianbao-report h1{font-family:\"方正小标宋简体\",\"SimSun\",\"Noto Serif CJK SC\",serif;font-size:1.6em;font-weight:normal;text-align:center;line-height:1.4}
.nianbao-report h2{font-family:\"黑体\",\"SimHei\",\"Noto Sans CJK SC\",sans-serif;font-size:1.15em;font-weight:normal;margin:1.5em 0 .5em}
.nianbao-report h3{font-family:\"楷体_GB2312\",\"KaiTi\",\"STKaiti\",serif;font-size:1.05em;margin:1em 0 .3em}
.nianbao-report h4,.nianbao-report h5,.nianbao-report h6{font-size:1em;margin:.8em 0 .3em}
.nianbao-report p{text-indent:2em;margin:.3em 0;overflow-wrap:anywhere}
.nianbao-report .table-wrap{overflow-x:auto;max-width:100%}
.nianbao-report .meta,.nianbao-report .draft-banner{text-align:center;text-indent:0;color:#444}
.nianbao-report .draft-banner{color:#a00;font-weight:bold}
.nianbao-report .note,.nianbao-report .source{text-indent:0;font-size:.9em;color:#333}
.nianbao-report table{border-collapse:collapse;width:100%;margin:.6em 0;font-size:.85em;line-height:1.4}
.nianbao-report caption{text-align:left;font-weight:bold;padding:.3em 0}
.nianbao-report th,.nianbao-report td{border:1px solid #000;padding:.2em .3em;text-align:center;vertical-align:middle;font-weight:normal}
.nianbao-report ul,.nianbao-report ol{margin:.3em 0 .3em 2em;padding:0}
";

/// The CMS page of a report. `base_url` (ending in `/`) makes relative links absolute;
/// `year_page` is the year page's path under the site root.
pub(crate) fn cms_page(report: &ReportDocument, base_url: Option<&str>, year_page: &str) -> String {
    let dir = year_page.rsplit_once('/').map_or("", |(d, _)| d);
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<article class=\"nianbao-report\">\n<h1>{}</h1>\n",
        esc(&report.title),
        esc(&report.title)
    );
    if let Some(draft) = &report.draft {
        // The same banner as every page of the site shows for a draft.
        let _ = writeln!(
            out,
            "<p class=\"draft-banner\" role=\"note\"><strong>草稿（未发布）</strong>{}</p>",
            esc(draft)
        );
    }
    for line in &report.meta {
        let _ = writeln!(out, "<p class=\"meta\">{}</p>", esc(line));
    }
    blocks(&mut out, &report.preamble, base_url, dir);
    for part in &report.parts {
        let _ = writeln!(out, "<h2>{}</h2>", esc(part.heading));
        for table in &part.tables {
            statistical_table(&mut out, table);
        }
        blocks(&mut out, &part.blocks, base_url, dir);
        notes(&mut out, &part.notes);
    }
    notes(&mut out, &report.notes);
    match base_url.filter(|u| u.starts_with("http://") || u.starts_with("https://")) {
        Some(base) => {
            let _ = writeln!(
                out,
                "<p class=\"source\">本文由 nianbao 根据本机关的年报数据生成；网页版、数据下载（CSV、JSON、Excel）和 Word 文件见 <a href=\"{0}{1}\">{0}{1}</a>。</p>",
                esc(base),
                esc(year_page)
            );
        }
        None => out.push_str(
            "<p class=\"source\">本文由 nianbao 根据本机关的年报数据生成；网页版、数据下载和 Word 文件见本机关年报网站的本年度页面。</p>\n",
        ),
    }
    out.push_str("</article>\n</body>\n</html>\n");
    out
}

fn notes(out: &mut String, notes: &[String]) {
    for note in notes {
        note_line(out, note);
    }
}

/// `<p class="note">…</p>` and a line feed.
fn note_line(out: &mut String, note: &str) {
    out.push_str("<p class=\"note\">");
    esc_into(out, note);
    out.push_str("</p>\n");
}

/// A link's address as it may stand in a page pasted anywhere: absolute addresses as they are,
/// relative ones (written relative to the year page, in folder `dir`) joined to the site's
/// address; None when it would break (relative, address unknown) or is not a web address.
fn absolute(href: &str, base_url: Option<&str>, dir: &str) -> Option<String> {
    let href = href.trim();
    let lower = href.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:")
    {
        return Some(href.to_string());
    }
    if lower.contains(':') || href.starts_with('#') || href.starts_with("//") || href.is_empty() {
        return None;
    }
    let base = base_url.filter(|u| u.starts_with("http://") || u.starts_with("https://"))?;
    // Resolve the path against the year page's folder, never above the site root.
    let mut segments: Vec<&str> = if href.starts_with('/') {
        Vec::new()
    } else {
        dir.split('/').filter(|s| !s.is_empty()).collect()
    };
    for segment in href.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    let trailing = if href.ends_with('/') { "/" } else { "" };
    Some(format!("{base}{}{trailing}", segments.join("/")))
}

fn spans(out: &mut String, spans: &[Span], base_url: Option<&str>, dir: &str) {
    // The text with its emphasis, written straight into the page.
    let text = |out: &mut String, s: &Span| {
        if s.italic {
            out.push_str("<em>");
        }
        if s.bold {
            out.push_str("<strong>");
        }
        esc_into(out, &s.text);
        if s.bold {
            out.push_str("</strong>");
        }
        if s.italic {
            out.push_str("</em>");
        }
    };
    for s in spans {
        match s.link.as_deref().map(|l| (l, absolute(l, base_url, dir))) {
            Some((_, Some(href))) => {
                out.push_str("<a href=\"");
                esc_into(out, &href);
                out.push_str("\">");
                text(out, s);
                out.push_str("</a>");
            }
            // A link that would break is kept as its text, with where it led.
            Some((href, None)) if !href.starts_with('#') && !href.trim().is_empty() => {
                text(out, s);
                out.push('（');
                esc_into(out, href);
                out.push('）');
            }
            _ => text(out, s),
        }
    }
}

fn blocks(out: &mut String, blocks: &[Block], base_url: Option<&str>, dir: &str) {
    // The nesting of open lists: each entry is whether it is ordered.
    let mut lists: Vec<bool> = Vec::new();
    let close_lists = |out: &mut String, lists: &mut Vec<bool>, depth: usize| {
        while lists.len() > depth {
            out.push_str(if lists.pop() == Some(true) {
                "</li></ol>\n"
            } else {
                "</li></ul>\n"
            });
        }
    };
    for block in blocks {
        if !matches!(block, Block::Item(..)) {
            close_lists(out, &mut lists, 0);
        }
        match block {
            Block::Heading(level, s) => {
                let tag = ["h3", "h4", "h5", "h6"][usize::from(level.saturating_sub(1)).min(3)];
                out.push('<');
                out.push_str(tag);
                out.push('>');
                spans(out, s, base_url, dir);
                out.push_str("</");
                out.push_str(tag);
                out.push_str(">\n");
            }
            Block::Paragraph(s) => {
                out.push_str("<p>");
                spans(out, s, base_url, dir);
                out.push_str("</p>\n");
            }
            Block::Item(depth, marker, s) => {
                let depth = (*depth).min(crate::model::MAX_NESTING);
                close_lists(out, &mut lists, depth + 1);
                if lists.len() == depth + 1 {
                    out.push_str("</li>\n");
                }
                while lists.len() < depth + 1 {
                    let ordered = marker.ends_with('.');
                    out.push_str(if ordered { "<ol>" } else { "<ul>" });
                    lists.push(ordered);
                }
                out.push_str("<li>");
                spans(out, s, base_url, dir);
            }
            Block::Table(rows) => {
                out.push_str("<table>\n");
                for (r, row) in rows.iter().enumerate() {
                    let tag = if r == 0 { "</th>" } else { "</td>" };
                    out.push_str("<tr>");
                    for cell in row {
                        out.push_str(if r == 0 { "<th>" } else { "<td>" });
                        esc_into(out, cell);
                        out.push_str(tag);
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</table>\n");
            }
        }
    }
    close_lists(out, &mut lists, 0);
}

fn statistical_table(out: &mut String, table: &DocumentTable) {
    // A wide table (part 四 has 15 columns) scrolls in its own box on a phone; the box takes the
    // keyboard focus so that it can be scrolled without a mouse.
    let name = if table.caption.is_empty() {
        "统计表"
    } else {
        table.caption.as_str()
    };
    let _ = writeln!(
        out,
        "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"{}\">",
        esc(name)
    );
    out.push_str("<table>\n");
    if !table.caption.is_empty() {
        let _ = writeln!(out, "<caption>{}</caption>", esc(&table.caption));
    }
    for (head, rows) in [(true, &table.grid.head), (false, &table.grid.body)] {
        out.push_str(if head { "<thead>\n" } else { "<tbody>\n" });
        for row in rows {
            out.push_str("<tr>");
            for c in row {
                let tag = if c.tag.is_empty() { "td" } else { c.tag };
                out.push('<');
                out.push_str(tag);
                if !c.scope.is_empty() {
                    out.push_str(" scope=\"");
                    out.push_str(c.scope);
                    out.push('"');
                }
                if c.rowspan > 1 {
                    let _ = write!(out, " rowspan=\"{}\"", c.rowspan);
                }
                if c.colspan > 1 {
                    let _ = write!(out, " colspan=\"{}\"", c.colspan);
                }
                out.push('>');
                esc_into(out, &c.text);
                out.push_str("</");
                out.push_str(tag);
                out.push('>');
            }
            out.push_str("</tr>\n");
        }
        out.push_str(if head { "</thead>\n" } else { "</tbody>\n" });
    }
    out.push_str("</table>\n</div>\n");
    notes(out, &table.notes);
}

#[cfg(test)]
mod tests {
    use super::absolute;

    #[test]
    fn links_are_absolute_or_dropped() {
        let base = Some("https://example.gov.cn/nianbao/");
        assert_eq!(
            absolute("../2023/index.html", base, "jiedao/2024").as_deref(),
            Some("https://example.gov.cn/nianbao/jiedao/2023/index.html")
        );
        assert_eq!(
            absolute("../../../../x.html", base, "jiedao/2024").as_deref(),
            Some("https://example.gov.cn/nianbao/x.html")
        );
        assert_eq!(
            absolute("https://x.gov.cn/a", None, "").as_deref(),
            Some("https://x.gov.cn/a")
        );
        assert_eq!(absolute("a/b.html", None, "jiedao/2024"), None);
        assert_eq!(absolute("javascript:alert(1)", base, ""), None);
        assert_eq!(absolute("#part1", base, ""), None);
    }
}

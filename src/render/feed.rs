//! sitemap.xml and the Atom feed of reports.

use std::fmt::Write as _;

use super::pages::year_path;
use crate::model::{Date, Site};

/// Escapes text for XML. Characters XML 1.0 cannot hold at all (control characters, U+FFFE…)
/// are refused at load (L019); should one get here anyway it becomes U+FFFD, so the file stays
/// well-formed.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if crate::diagnostic::is_forbidden_char(c) => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// sitemap.xml: every page, at the site's absolute base URL (the protocol forbids relative
/// addresses, so the build leaves the file out without one).
pub(crate) fn sitemap(paths: &[String], base: &str) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for path in paths {
        if path.ends_with(".html") && path != "404.html" {
            let _ = writeln!(
                out,
                "  <url><loc>{}</loc></url>",
                escape(&format!("{base}{path}"))
            );
        }
    }
    out.push_str("</urlset>\n");
    out
}

/// The date of a report in the feed: its publication date, or the end of its year when unknown.
fn report_date(published: Option<Date>, year: u16) -> String {
    let date = published.unwrap_or(Date {
        year,
        month: 12,
        day: 31,
    });
    format!("{date}T00:00:00+08:00")
}

/// atom.xml: one entry per published report year (never a draft), newest first. The feed's id
/// is its own address when the base URL is absolute; otherwise a URN from the site title's bytes
/// in hex, which has no spaces and stays the same from build to build.
pub(crate) fn atom(site: &Site, base: &str, absolute: bool) -> String {
    let mut entries: Vec<(String, String, String, String)> = Vec::new();
    for agency in &site.agencies {
        for year in agency.years.iter().filter(|y| !y.draft) {
            let path = year_path(agency, year.year);
            entries.push((
                report_date(year.published, year.year),
                format!("{}{}年政府信息公开工作年度报告", agency.name, year.year),
                format!("{base}{path}"),
                format!("urn:nianbao:{}:{}", agency.slug, year.year),
            ));
        }
    }
    entries.sort_by(|a, b| b.0.cmp(&a.0).then(a.3.cmp(&b.3)));
    let updated = entries
        .first()
        .map(|e| e.0.clone())
        .unwrap_or_else(|| "2019-01-01T00:00:00+08:00".to_string());
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n",
    );
    let _ = writeln!(out, "  <title>{}</title>", escape(&site.config.title));
    let id = if absolute {
        format!("{base}atom.xml")
    } else {
        let hex: String = site
            .config
            .title
            .bytes()
            .map(|b| format!("{b:02x}"))
            .collect();
        format!("urn:nianbao:site:{hex}")
    };
    let _ = writeln!(out, "  <id>{}</id>", escape(&id));
    let _ = writeln!(out, "  <updated>{updated}</updated>");
    let _ = writeln!(out, "  <link href=\"{}index.html\"/>", escape(base));
    let _ = writeln!(
        out,
        "  <author><name>{}</name></author>",
        escape(
            site.config
                .footer
                .sponsor
                .as_deref()
                .unwrap_or(&site.config.title)
        )
    );
    for (date, title, link, id) in entries {
        let _ = writeln!(
            out,
            "  <entry>\n    <title>{}</title>\n    <link href=\"{}\"/>\n    <id>{}</id>\n    <updated>{date}</updated>\n  </entry>",
            escape(&title),
            escape(&link),
            escape(&id)
        );
    }
    out.push_str("</feed>\n");
    out
}

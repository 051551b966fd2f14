//! sitemap.xml and the Atom feed of reports.

use serde::Serialize;
use tera::{Context, Tera};

use super::BuildError;
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

/// Renders an XML template of the theme (`sitemap.xml`, `atom.xml`). Every text is escaped here
/// (`escape`), so the templates print the values with `| safe`.
fn render(tera: &Tera, template: &str, ctx: &Context) -> Result<String, BuildError> {
    tera.render(template, ctx).map_err(|e| {
        BuildError::Theme(format!(
            "渲染模板 {template} 时出错：{}",
            super::theme::tera_message(&e)
        ))
    })
}

/// sitemap.xml: every page, at the site's absolute base URL (the protocol forbids relative
/// addresses, so the build leaves the file out without one).
pub(crate) fn sitemap(tera: &Tera, paths: &[String], base: &str) -> Result<String, BuildError> {
    let locations: Vec<String> = paths
        .iter()
        .filter(|p| p.ends_with(".html") && *p != "404.html")
        .map(|p| escape(&format!("{base}{p}")))
        .collect();
    let mut ctx = Context::new();
    ctx.insert("locations", &locations);
    render(tera, "sitemap.xml", &ctx)
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

/// One report in the feed, its texts escaped.
#[derive(Serialize)]
struct Entry {
    updated: String,
    title: String,
    link: String,
    id: String,
}

/// atom.xml: one entry per published report year (never a draft), newest first. The feed's id
/// is its own address when the base URL is absolute; otherwise a URN from the site title's bytes
/// in hex, which has no spaces and stays the same from build to build.
pub(crate) fn atom(
    tera: &Tera,
    site: &Site,
    base: &str,
    absolute: bool,
) -> Result<String, BuildError> {
    let mut entries: Vec<Entry> = Vec::new();
    for agency in &site.agencies {
        for year in agency.years.iter().filter(|y| !y.draft) {
            let path = year_path(agency, year.year);
            entries.push(Entry {
                updated: report_date(year.published, year.year),
                title: escape(&format!(
                    "{}{}年政府信息公开工作年度报告",
                    agency.name, year.year
                )),
                link: escape(&format!("{base}{path}")),
                id: escape(&format!("urn:nianbao:{}:{}", agency.slug, year.year)),
            });
        }
    }
    entries.sort_by(|a, b| b.updated.cmp(&a.updated).then(a.id.cmp(&b.id)));
    let updated = entries
        .first()
        .map(|e| e.updated.clone())
        .unwrap_or_else(|| "2019-01-01T00:00:00+08:00".to_string());
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
    let author = site
        .config
        .footer
        .sponsor
        .as_deref()
        .unwrap_or(&site.config.title);
    let mut ctx = Context::new();
    ctx.insert("title", &escape(&site.config.title));
    ctx.insert("id", &escape(&id));
    ctx.insert("updated", &updated);
    ctx.insert("base", &escape(base));
    ctx.insert("author", &escape(author));
    ctx.insert("entries", &entries);
    render(tera, "atom.xml", &ctx)
}

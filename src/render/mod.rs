//! `nianbao build`: check, render, write. `render_site` makes every output file in memory (used by
//! `serve` too); `build` writes them to disk in one swap.

mod archive;
pub(crate) mod chart;
pub(crate) mod cms;
pub(crate) mod compare;
pub(crate) mod data;
pub(crate) mod document;
pub(crate) mod docx;
pub(crate) mod feed;
pub(crate) mod format;
pub(crate) mod grid_html;
pub mod markdown;
pub(crate) mod pages;
pub(crate) mod pdf;
mod per_form;
pub(crate) mod search;
pub(crate) mod table;
pub(crate) mod theme;
pub(crate) mod totals;
pub(crate) mod xlsx;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

pub(crate) use crate::output::{Files, Output};
pub(crate) use pages::year_docx;

use crate::check::Checked;
use crate::load::Fatal;

/// What a build needs besides the site.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Overrides site.yaml's base_url (canonical links, sitemap, feed).
    pub base_url: Option<String>,
    /// Where the 404 page's links lead (serve knows its base path).
    pub not_found_root: Option<String>,
    /// Only these agencies (`--agency`); all when empty.
    pub agencies: Vec<String>,
    /// Draft years are rendered, with a banner (`build --drafts`, `serve`); left out otherwise.
    pub drafts: bool,
    /// The search page is made without its index (`pagefind/`): `serve` builds the index in the
    /// background after each save (serve/search.rs) instead of before the reload.
    pub defer_search: bool,
    /// Replace an output folder that holds files nianbao did not write (`build --force`).
    pub force: bool,
    /// Make the PDF of each year (`build --pdf`), when LibreOffice is found.
    pub pdf: bool,
    /// The LibreOffice program the PDFs are made with: `build` finds it when `pdf` is asked
    /// (and overwrites what is set here).
    pub soffice: Option<PathBuf>,
    /// The previous output, whose PDFs are kept for Word files that did not change (`build`
    /// sets it to its output folder).
    pub previous_output: Option<PathBuf>,
}

impl Options {
    /// The address the site is published at, ending in `/`: `--base-url`, else site.yaml's.
    pub fn base_url(&self, config: &crate::model::SiteConfig) -> Option<String> {
        self.base_url
            .clone()
            .or_else(|| config.base_url.clone())
            .map(|u| if u.ends_with('/') { u } else { format!("{u}/") })
    }

    /// The base URL when it is a full http(s) address: what sitemap.xml needs (the sitemap
    /// protocol forbids relative addresses).
    pub fn absolute_base_url(&self, config: &crate::model::SiteConfig) -> Option<String> {
        self.base_url(config)
            .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
    }
}

/// Why sitemap.xml was left out, for build's output and README.
pub(crate) const NO_SITEMAP_NOTICE: &str = "没有生成 sitemap.xml：网站地图中的地址必须是完整网址，而站点没有设置以 http:// 或 https:// 开头的网站地址。发布前在 content/site.yaml 中写 base_url，或运行 nianbao build --base-url https://…/。";

/// Why a build stopped.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The site has unacknowledged errors: the diagnostics of `check`.
    #[error("检查发现 {} 个错误，没有生成网站", .0.summary.errors)]
    Check(Box<Checked>),
    /// A problem with a theme or template.
    #[error("{0}")]
    Theme(String),
    /// The output folder is not one `build` may replace (nothing was touched).
    #[error("{0}")]
    Refused(String),
    #[error("无法读写 {path}：{1}", path = .0.display())]
    Io(PathBuf, std::io::Error),
    #[error(transparent)]
    Fatal(Fatal),
    /// A page could not be made because nianbao itself failed (a bug): the panic's message.
    #[error(
        "生成页面时 nianbao 内部出错（{0}）。这是 nianbao 的缺陷，不是模板或数据的问题，请把这条信息和出错的站点报告给维护者"
    )]
    Panic(String),
}

/// The message of a panic caught from a thread, so it can be reported instead of a guess.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "（没有说明）".to_string())
}

impl From<crate::output::OutputError> for BuildError {
    fn from(err: crate::output::OutputError) -> Self {
        match err {
            crate::output::OutputError::Refused(message) => BuildError::Refused(message),
            crate::output::OutputError::Io(path, err) => BuildError::Io(path, err),
        }
    }
}

/// What the pages that list every agency are assembled from, rendered once per agency and kept
/// by `serve` between rebuilds (only a changed agency's pieces are rendered again).
#[derive(Default)]
pub(crate) struct Pieces {
    /// The rows of the cross-agency pages.
    pub across: pages::AcrossPieces,
    /// The rows of the year overview pages.
    pub overview: pages::OverviewPieces,
    /// The sums of the totals pages, by blocks of agencies.
    pub totals: totals::TotalsPieces,
}

impl Pieces {
    /// Renders the pieces of the agencies `changed` (all when None) and of any not rendered yet.
    pub(crate) fn update(
        &mut self,
        site: &crate::model::Site,
        changed: Option<&std::collections::BTreeSet<String>>,
    ) {
        self.across.update(site, changed);
        self.overview.update(site, changed);
        self.totals.update(changed);
    }
}

/// What `render_site` did besides the files.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Rendered {
    /// The search index, unless `settings.search: false`.
    pub(crate) search: Option<search::Indexed>,
}

/// Renders every output file of a checked site into `out`. The search index is built on a
/// thread of its own while the pages render (its records come from the model, not the pages).
pub(crate) fn render_site(
    root: &Path,
    checked: &Checked,
    options: &Options,
    out: &Output,
) -> Result<Rendered, BuildError> {
    let load_theme = |name: &str| theme::load(root, name);
    render_with(load_theme, checked, options, out)
}

/// `render_site` with the theme loaded by `load_theme`, given the theme's name (`build` parses
/// it on a thread while content/ loads and is checked, and hands over the wait for that thread).
pub(crate) fn render_site_themed(
    load_theme: impl FnOnce(&str) -> Result<theme::Theme, BuildError>,
    checked: &Checked,
    options: &Options,
    out: &Output,
) -> Result<Rendered, BuildError> {
    render_with(load_theme, checked, options, out)
}

/// Renders the site, the search index first: it needs no theme, so it is built on a thread of
/// its own while the theme loads and the pages render.
fn render_with(
    load_theme: impl FnOnce(&str) -> Result<theme::Theme, BuildError>,
    checked: &Checked,
    options: &Options,
    out: &Output,
) -> Result<Rendered, BuildError> {
    let site = &checked.site;
    // The index is one thread's work for most of its time: it keeps a core to itself while the
    // pages render on the others, and the pages take that core when it is done.
    let hold = crate::parallel::Hold::held();
    let (pages, search) = std::thread::scope(|scope| {
        // serve makes the index in the background instead (`defer_search`).
        let index = (site.config.search && !options.defer_search).then(|| {
            scope.spawn(|| {
                let _ended = hold.guard();
                search::index(site, out)
            })
        });
        let hold = index.is_some().then_some(&hold);
        let pages = load_theme(&site.config.theme).and_then(|theme| {
            let pdfs = render_pages(&theme, checked, options, hold, &mut Pieces::default(), out)?;
            Ok((theme, pdfs))
        });
        let search = index
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|payload| Err(BuildError::Panic(panic_message(&*payload))))
            })
            .transpose();
        (pages, search)
    });
    let (theme, mut pdfs) = pages?;
    let rendered = Rendered { search: search? };
    if let Some(soffice) = &options.soffice {
        pdfs.sort_by(|a, b| a.0.cmp(&b.0));
        pdf::convert(soffice, &pdfs, out)?;
    }
    feed(&theme, site, options, out)?;
    sitemap(&theme, site, options, &out.paths(), out)?;
    Ok(rendered)
}

/// The theme's static files and every page; the Word files waiting for their PDF.
fn render_pages(
    theme: &theme::Theme,
    checked: &Checked,
    options: &Options,
    hold: Option<&crate::parallel::Hold>,
    pieces: &mut Pieces,
    out: &Output,
) -> Result<Vec<(String, Vec<u8>)>, BuildError> {
    for (path, bytes) in &theme.statics {
        out.put(path, bytes.clone())?;
    }
    let renderer = renderer(theme, checked, options);
    renderer.render_all(out, hold)?;
    pieces.update(&checked.site, None);
    renderer.portal_pages(&checked.status, pieces, out)?;
    Ok(renderer
        .pdfs
        .into_inner()
        .unwrap_or_else(|p| p.into_inner()))
}

fn renderer<'a>(
    theme: &'a theme::Theme,
    checked: &'a Checked,
    options: &'a Options,
) -> pages::Renderer<'a> {
    pages::Renderer {
        site: &checked.site,
        diagnostics: &checked.diagnostics,
        options,
        tera: &theme.tera,
        pdfs: std::sync::Mutex::new(Vec::new()),
        acknowledged: pages::Acknowledged::default(),
    }
}

/// Every file of one agency of a checked site (its pages and data files), from its own
/// diagnostics: what `serve` renders again after a change in that agency's folder.
pub(crate) fn render_agency(
    theme: &theme::Theme,
    checked: &Checked,
    agency: &crate::model::Agency,
    options: &Options,
    out: &Output,
) -> Result<(), BuildError> {
    renderer(theme, checked, options).agency_pages(agency, out)
}

/// The files about the site as a whole: the theme's static files, the front page (it lists every
/// agency), the 404 page, the portal pages (without the search index) and atom.xml; with
/// `sitemap`, what `serve` renders again after any change.
pub(crate) fn render_listings(
    theme: &theme::Theme,
    checked: &Checked,
    options: &Options,
    pieces: &mut Pieces,
    out: &Output,
) -> Result<(), BuildError> {
    for (path, bytes) in &theme.statics {
        out.put(path, bytes.clone())?;
    }
    let pages = renderer(theme, checked, options);
    pages.site_pages(out)?;
    // The portal pages (overviews, totals, cross-agency rows, search) are about every agency.
    pages.portal_pages(&checked.status, pieces, out)?;
    // Not the search index: serve makes it in the background (serve/search.rs).
    feed(theme, &checked.site, options, out)
}

/// sitemap.xml of `paths` (every file of the site but itself), drafts left out; only with an
/// absolute base URL.
pub(crate) fn sitemap(
    theme: &theme::Theme,
    site: &crate::model::Site,
    options: &Options,
    paths: &[String],
    out: &Output,
) -> Result<(), BuildError> {
    let Some(absolute) = options.absolute_base_url(&site.config) else {
        return Ok(());
    };
    // Drafts stay out of the sitemap: their year folders, and agencies without a published year.
    let unlisted: HashSet<String> = site
        .agencies
        .iter()
        .flat_map(|a| {
            let unpublished = a.years.iter().all(|y| y.draft);
            let agency = unpublished.then(|| format!("{}/", a.slug));
            let years = a.years.iter().filter(|y| y.draft);
            agency
                .into_iter()
                .chain(years.map(|y| format!("{}/{}/", a.slug, y.year)))
        })
        .collect();
    let listed: Vec<String> = paths
        .iter()
        .filter(|p| {
            let mut folders = p.match_indices('/').map(|(i, _)| &p[..=i]);
            !folders.any(|f| unlisted.contains(f))
        })
        .cloned()
        .collect();
    out.put(
        "sitemap.xml",
        feed::sitemap(&theme.tera, &listed, &absolute)?.into_bytes(),
    )?;
    Ok(())
}

/// atom.xml: every published report year.
fn feed(
    theme: &theme::Theme,
    site: &crate::model::Site,
    options: &Options,
    out: &Output,
) -> Result<(), BuildError> {
    let base = options.base_url(&site.config).unwrap_or_default();
    out.put(
        "atom.xml",
        feed::atom(
            &theme.tera,
            site,
            &base,
            options.absolute_base_url(&site.config).is_some(),
        )?
        .into_bytes(),
    )?;
    Ok(())
}

/// Renders a checked site into memory (for `serve` and tests).
pub fn render_to_memory(
    root: &Path,
    checked: &Checked,
    options: &Options,
) -> Result<Files, BuildError> {
    let out = Output::memory();
    render_site(root, checked, options, &out)?;
    Ok(out.into_files())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_in_a_thread_is_reported_with_its_message() {
        let joined = std::thread::spawn(|| -> Result<(), BuildError> {
            let x = rust_decimal::Decimal::MAX;
            let _ =
                std::hint::black_box(x) / std::hint::black_box(rust_decimal::Decimal::new(1, 20));
            Ok(())
        })
        .join();
        let err = joined.unwrap_or_else(|payload| Err(BuildError::Panic(panic_message(&*payload))));
        let message = err.unwrap_err().to_string();
        assert!(message.contains("Division overflowed"), "{message}");
        assert!(!message.contains("模板有误"), "{message}");
    }
}

//! `nianbao build`: check, render, write. `render_site` makes every output file in memory (used by
//! `serve` too); `build` writes them to disk in one swap.

pub mod data;
pub mod feed;
pub mod files;
pub mod markdown;
pub mod pages;
pub mod table;
pub mod theme;

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use files::{Files, Output};

use crate::Checked;
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
    /// Replace an output folder that holds files nianbao did not write (`build --force`).
    pub force: bool,
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
pub const NO_SITEMAP_NOTICE: &str = "没有生成 sitemap.xml：网站地图中的地址必须是完整网址，而站点没有设置以 http:// 或 https:// 开头的网站地址。发布前在 content/site.yaml 中写 base_url，或运行 nianbao build --base-url https://…/。";

/// Why a build stopped.
#[derive(Debug)]
pub enum BuildError {
    /// The site has unacknowledged errors: the diagnostics of `check`.
    Check(Box<Checked>),
    /// A problem with a theme or template.
    Theme(String),
    /// The output folder is not one `build` may replace (nothing was touched).
    Refused(String),
    Io(PathBuf, std::io::Error),
    Fatal(Fatal),
    /// A page could not be made because nianbao itself failed (a bug): the panic's message.
    Panic(String),
}

/// The message of a panic caught from a thread, so it can be reported instead of a guess.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "（没有说明）".to_string())
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Check(checked) => write!(
                f,
                "检查发现 {} 个错误，没有生成网站",
                checked.summary.errors
            ),
            BuildError::Theme(message) | BuildError::Refused(message) => f.write_str(message),
            BuildError::Io(path, err) => write!(f, "无法读写 {}：{err}", path.display()),
            BuildError::Fatal(fatal) => fatal.fmt(f),
            BuildError::Panic(message) => write!(
                f,
                "生成页面时 nianbao 内部出错（{message}）。这是 nianbao 的缺陷，不是模板或数据的问题，请把这条信息和出错的站点报告给维护者"
            ),
        }
    }
}

impl std::error::Error for BuildError {}

/// Renders every output file of a checked site into `out`.
pub fn render_site(
    root: &Path,
    checked: &Checked,
    options: &Options,
    out: &Output,
) -> Result<(), BuildError> {
    let site = &checked.site;
    let theme = theme::load(root, &site.config.theme)?;
    for (path, bytes) in &theme.statics {
        out.put(path, bytes.clone())?;
    }
    let renderer = pages::Renderer {
        site,
        diagnostics: &checked.diagnostics,
        options,
        tera: &theme.tera,
    };
    renderer.render_all(out)?;
    let base = options.base_url(&site.config).unwrap_or_default();
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
    let listed: Vec<String> = out
        .paths()
        .into_iter()
        .filter(|p| {
            let mut folders = p.match_indices('/').map(|(i, _)| &p[..=i]);
            !folders.any(|f| unlisted.contains(f))
        })
        .collect();
    if let Some(absolute) = options.absolute_base_url(&site.config) {
        out.put(
            "sitemap.xml",
            feed::sitemap(&listed, &absolute).into_bytes(),
        )?;
    }
    out.put(
        "atom.xml",
        feed::atom(
            site,
            &base,
            options.absolute_base_url(&site.config).is_some(),
        )
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

/// What `build` did.
pub struct BuildReport {
    /// The site as built (without drafts unless `--drafts`) and every diagnostic of the check.
    pub checked: Checked,
    pub files: usize,
    pub pages: usize,
    pub elapsed: Duration,
    /// Draft years left out (without `--drafts`).
    pub drafts_left_out: Vec<(String, u16)>,
    /// Staging folders of killed builds that were removed.
    pub stale_removed: Vec<PathBuf>,
    /// What the user should know about the output (a file left out and why).
    pub notices: Vec<String>,
}

/// Loads, checks, renders and writes the site under `root` into `output`. The output folder is
/// checked first (`files::guard_output`): a folder that is not nianbao's is refused before
/// anything is read or touched.
pub fn build(root: &Path, output: &Path, options: &Options) -> Result<BuildReport, BuildError> {
    let start = Instant::now();
    if !root.join("content/site.yaml").is_file() {
        return Err(BuildError::Fatal(Fatal::NotASite(root.to_path_buf())));
    }
    let output = files::guard_output(root, output, options.force)?;
    let mut checked =
        crate::load_and_check_agencies(root, &options.agencies).map_err(BuildError::Fatal)?;
    if checked.has_errors() {
        return Err(BuildError::Check(Box::new(checked)));
    }
    let mut drafts_left_out = Vec::new();
    if !options.drafts {
        drafts_left_out = checked
            .site
            .draft_years()
            .map(|(a, y)| (a.slug.clone(), y.year))
            .collect();
        checked.site = checked.site.without_drafts();
    }
    let stale_removed = files::remove_stale_staging(&output);
    let paths = files::write_swapped(&output, |out| render_site(root, &checked, options, out))?;
    let mut notices = Vec::new();
    if options.absolute_base_url(&checked.site.config).is_none() {
        notices.push(NO_SITEMAP_NOTICE.to_string());
    }
    Ok(BuildReport {
        notices,
        pages: paths.iter().filter(|p| p.ends_with(".html")).count(),
        files: paths.len(),
        checked,
        elapsed: start.elapsed(),
        drafts_left_out,
        stale_removed,
    })
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

//! `nianbao build`: check, render, write. `render_site` makes every output file in memory (used by
//! `serve` too); `build` writes them to disk in one swap.

pub mod data;
pub mod feed;
pub mod files;
pub mod markdown;
pub mod pages;
pub mod table;
pub mod theme;

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use files::Files;

use crate::Checked;
use crate::diagnostic::Diagnostic;
use crate::load::Fatal;

/// What a build needs besides the site.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Overrides site.yaml's base_url (canonical links, sitemap, feed).
    pub base_url: Option<String>,
    /// Where the 404 page's links lead (serve knows its base path).
    pub not_found_root: Option<String>,
}

/// Why a build stopped.
#[derive(Debug)]
pub enum BuildError {
    /// The site has unacknowledged errors: the diagnostics of `check`.
    Check(Box<Checked>),
    /// A problem with a theme or template.
    Theme(String),
    Io(PathBuf, std::io::Error),
    Fatal(Fatal),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Check(checked) => write!(
                f,
                "检查发现 {} 个错误，没有生成网站",
                checked.summary.errors
            ),
            BuildError::Theme(message) => f.write_str(message),
            BuildError::Io(path, err) => write!(f, "无法读写 {}：{err}", path.display()),
            BuildError::Fatal(fatal) => fatal.fmt(f),
        }
    }
}

impl std::error::Error for BuildError {}

impl BuildError {
    /// The diagnostics behind the error, when it is a failed check.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            BuildError::Check(checked) => &checked.diagnostics,
            _ => &[],
        }
    }
}

/// Renders every output file of a checked site.
pub fn render_site(root: &Path, checked: &Checked, options: &Options) -> Result<Files, BuildError> {
    let site = &checked.site;
    let theme = theme::load(root, &site.config.theme)?;
    let mut files = Files::default();
    for (path, bytes) in &theme.statics {
        files.add(path.clone(), bytes.clone());
    }
    let renderer = pages::Renderer {
        site,
        diagnostics: &checked.diagnostics,
        options,
        tera: &theme.tera,
    };
    renderer.render_all(&mut files)?;
    for agency in &site.agencies {
        for year in &agency.years {
            let (csv, json) = data::year_files(agency, year)?;
            files.add(format!("{}/{}/data.csv", agency.slug, year.year), csv);
            files.add(format!("{}/{}/data.json", agency.slug, year.year), json);
        }
        let (csv, json) = data::agency_files(agency)?;
        files.add(format!("{}/data.csv", agency.slug), csv);
        files.add(format!("{}/data.json", agency.slug), json);
    }
    let base = options
        .base_url
        .clone()
        .or_else(|| site.config.base_url.clone())
        .map(|u| if u.ends_with('/') { u } else { format!("{u}/") })
        .unwrap_or_default();
    files.add("sitemap.xml", feed::sitemap(&files, &base));
    files.add("atom.xml", feed::atom(site, &base));
    Ok(files)
}

/// What `build` did.
pub struct BuildReport {
    pub checked: Checked,
    pub files: usize,
    pub pages: usize,
    pub bytes: usize,
    pub elapsed: Duration,
}

/// Loads, checks, renders and writes the site under `root` into `output`.
pub fn build(root: &Path, output: &Path, options: &Options) -> Result<BuildReport, BuildError> {
    let start = Instant::now();
    let checked = crate::load_and_check(root).map_err(BuildError::Fatal)?;
    if checked.has_errors() {
        return Err(BuildError::Check(Box::new(checked)));
    }
    let files = render_site(root, &checked, options)?;
    files
        .write_to(output)
        .map_err(|e| BuildError::Io(output.to_path_buf(), e))?;
    Ok(BuildReport {
        pages: files.files.keys().filter(|p| p.ends_with(".html")).count(),
        files: files.len(),
        bytes: files.total_bytes(),
        checked,
        elapsed: start.elapsed(),
    })
}

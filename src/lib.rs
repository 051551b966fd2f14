//! nianbao: a static site generator for government information-disclosure annual reports
//! (政府信息公开工作年度报告).
//!
//! The pipeline: `load` reads content/ into the `model`, `check` applies the rules of the
//! `template` definitions, and every problem becomes a `diagnostic`.

#![warn(unreachable_pub)]

mod check;
mod codes;
mod definition;
mod diagnostic;
pub mod import;
mod load;
mod model;
mod output;
mod parallel;
mod render;
pub mod scaffold;
pub mod serve;

pub use diagnostic::{
    Code, CodeInfo, Diagnostic, Severity, Summary, all_codes, render_all, render_json,
    terminal_safe,
};
pub use load::{Fatal, Loaded, base_url_problem, load_site};
pub use model::AgencyKind;
pub use render::search::Indexed;
pub use render::{BuildError, Options};

// What the property tests (tests/properties.rs) and the fuzz targets (fuzz/) reach besides the
// CLI's API: the template definitions, in-memory rendering, the narrative parser and the Markdown
// renderer, each on its own.
pub use definition::{CellKind, Form, Template, TemplateId, Term};
pub use load::narrative;
pub use model::{Narrative, Section};
pub use output::Files;
pub use render::{markdown, render_to_memory};

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use model::Site;

pub use check::Checked;
pub use check::status::{State, YearStatus, status_text};

/// Loads the site under `root` and runs every check.
/// The Word file (.docx) of one year of one agency, as `build` writes it (`nianbao word`). The
/// year's own check problems are the caller's to report: this only needs the year to exist.
pub fn year_docx(checked: &Checked, slug: &str, year: u16) -> Result<Vec<u8>, render::BuildError> {
    render::year_docx(checked, &render::Options::default(), slug, year)
}

pub fn load_and_check(root: &Path) -> Result<Checked, load::Fatal> {
    load_and_check_agencies(root, &[])
}

/// Loads and checks only the agencies named (`--agency`; all when empty). The problems of draft
/// years are marked as such: they are shown, but never block a build.
pub fn load_and_check_agencies(root: &Path, only: &[String]) -> Result<Checked, load::Fatal> {
    load_and_check_then(root, only, |_| {})
}

/// `load_and_check_agencies`, calling `config_read` with the site's settings as soon as they
/// are read, before the agencies load.
fn load_and_check_then(
    root: &Path,
    only: &[String],
    config_read: impl FnOnce(&model::SiteConfig),
) -> Result<Checked, load::Fatal> {
    let loaded = load::load_agencies_then(root, only, config_read)?;
    let mut diagnostics = check::check_site(&loaded.site, loaded.diagnostics);
    mark_drafts(root, &loaded.site, &mut diagnostics);
    let summary = Summary::count(
        &diagnostics,
        loaded.site.agencies.len(),
        loaded.site.year_count(),
        loaded.site.draft_years().count(),
    );
    let status = check::status::portal_status(&loaded.site, &diagnostics);
    Ok(Checked {
        site: loaded.site,
        diagnostics,
        summary,
        status,
    })
}

/// Marks the problems found in draft years. A year whose data.yaml could not be read is known
/// to be a draft from its `published: draft` line. In a draft, guidance text left in report.md is
/// expected: a warning, not an error.
fn mark_drafts(root: &Path, site: &Site, diagnostics: &mut [Diagnostic]) {
    // Year folder (relative, as diagnostics name files) → draft.
    let mut drafts: HashMap<PathBuf, bool> = site
        .agencies
        .iter()
        .flat_map(|a| a.years.iter())
        .filter_map(|y| Some((y.data_file.parent()?.to_path_buf(), y.draft)))
        .collect();
    for d in diagnostics.iter_mut() {
        let Some(dir) = d.file.parent().filter(|p| !p.as_os_str().is_empty()) else {
            continue;
        };
        d.draft = match drafts.get(dir) {
            Some(draft) => *draft,
            None => *drafts.entry(dir.to_path_buf()).or_insert_with(|| {
                std::fs::read_to_string(root.join(dir).join("data.yaml"))
                    .is_ok_and(|text| load::declares_draft(&text))
            }),
        };
        if d.draft && d.code == Code::D007 {
            d.severity = diagnostic::Severity::Warning;
        }
    }
}

/// What `build` did.
pub struct BuildReport {
    /// The site as built (without drafts unless `--drafts`) and every diagnostic of the check.
    pub checked: Checked,
    pub files: usize,
    /// Files of the previous output kept as they were (same bytes): `files - kept` were written.
    pub kept: usize,
    pub pages: usize,
    pub elapsed: Duration,
    /// Draft years left out (without `--drafts`).
    pub drafts_left_out: Vec<(String, u16)>,
    /// Staging folders of killed builds that were removed.
    pub stale_removed: Vec<PathBuf>,
    /// What the user should know about the output (a file left out and why).
    pub notices: Vec<String>,
    /// The search index: built anew or kept from the previous output; None without search.
    pub search: Option<Indexed>,
    /// There was no output folder (or only an empty one) before: nothing could be kept.
    pub first: bool,
}

/// Loads, checks, renders and writes the site under `root` into `output`. The output folder is
/// checked first (`output::guard_output`): a folder that is not nianbao's is refused before
/// anything is read or touched.
pub fn build(
    root: &Path,
    output: &Path,
    options: &render::Options,
) -> Result<BuildReport, render::BuildError> {
    let start = Instant::now();
    if !root.join("content/site.yaml").is_file() {
        return Err(render::BuildError::Fatal(load::Fatal::NotASite(
            root.to_path_buf(),
        )));
    }
    let output = output::guard_output(root, output, options.force)?;
    // The theme's templates are parsed on a thread of their own while content/ loads and is
    // checked, and while the search index starts (it needs no theme).
    std::thread::scope(|scope| {
        let mut theme = None;
        let checked = load_and_check_then(root, &options.agencies, |config| {
            let name = config.theme.clone();
            theme = Some(scope.spawn(move || render::theme::load(root, &name)));
        });
        let join = |handle: std::thread::ScopedJoinHandle<'_, _>| {
            handle.join().unwrap_or_else(|payload| {
                Err(render::BuildError::Panic(render::panic_message(&*payload)))
            })
        };
        let load_theme = |name: &str| match theme.take() {
            Some(handle) => join(handle),
            None => render::theme::load(root, name),
        };
        let built = write_site(&output, options, start, checked, load_theme);
        // Not needed when the build stopped before rendering.
        if let Some(handle) = theme.take() {
            let _ = join(handle);
        }
        built
    })
}

/// `build` once the output folder is known to be one it may replace and the site is loaded and
/// checked.
fn write_site(
    output: &Path,
    options: &render::Options,
    start: Instant,
    checked: Result<Checked, load::Fatal>,
    load_theme: impl FnOnce(&str) -> Result<render::theme::Theme, render::BuildError>,
) -> Result<BuildReport, render::BuildError> {
    let mut checked = checked.map_err(render::BuildError::Fatal)?;
    if checked.has_errors() {
        return Err(render::BuildError::Check(Box::new(checked)));
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
    let stale_removed = output::remove_stale_staging(output);
    let mut notices = Vec::new();
    let mut options = options.clone();
    if options.pdf {
        options.soffice = render::pdf::find_soffice();
        options.previous_output = Some(output.to_path_buf());
        if options.soffice.is_none() {
            notices.push(render::pdf::NO_PDF_NOTICE.to_string());
        }
    }
    let options = &options;
    let first = std::fs::read_dir(output).map_or(true, |mut entries| entries.next().is_none());
    let mut rendered = render::Rendered::default();
    // A folder overridden with --force is replaced, never reused.
    let swapped = output::write_swapped(output, !options.force, |out| {
        rendered = render::render_site_themed(load_theme, &checked, options, out)?;
        Ok::<(), render::BuildError>(())
    })?;
    let paths = swapped.paths;
    if options.absolute_base_url(&checked.site.config).is_none() {
        notices.push(render::NO_SITEMAP_NOTICE.to_string());
    }
    Ok(BuildReport {
        notices,
        pages: paths.iter().filter(|p| p.ends_with(".html")).count(),
        files: paths.len(),
        kept: swapped.kept,
        checked,
        elapsed: start.elapsed(),
        drafts_left_out,
        stale_removed,
        search: rendered.search,
        first,
    })
}

//! nianbao: a static site generator for government information-disclosure annual reports
//! (政府信息公开工作年度报告).
//!
//! The pipeline: `load` reads content/ into the `model`, `check` applies the rules of the
//! `template` definitions, and every problem becomes a `diagnostic`.

pub mod build;
pub mod chart;
pub mod check;
pub mod compare;
pub mod diagnostic;
pub mod figures;
pub mod format;
pub mod import;
pub mod load;
pub mod model;
pub mod narrative;
pub mod scaffold;
pub mod serve;
pub mod template;
pub mod textdiff;
pub mod typing;
pub mod yaml;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use diagnostic::{Diagnostic, Summary};
use model::Site;

/// A loaded and checked site.
#[derive(Debug)]
pub struct Checked {
    pub site: Site,
    pub diagnostics: Vec<Diagnostic>,
    pub summary: Summary,
}

impl Checked {
    /// True when an unacknowledged error remains.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_blocking)
    }
}

/// Loads the site under `root` and runs every check.
pub fn load_and_check(root: &Path) -> Result<Checked, load::Fatal> {
    load_and_check_agencies(root, &[])
}

/// Loads and checks only the agencies named (`--agency`; all when empty). The problems of draft
/// years are marked as such: they are shown, but never block a build.
pub fn load_and_check_agencies(root: &Path, only: &[String]) -> Result<Checked, load::Fatal> {
    let loaded = load::load_agencies(root, only)?;
    let mut diagnostics = check::check_site(&loaded.site, loaded.diagnostics);
    mark_drafts(root, &loaded.site, &mut diagnostics);
    let summary = Summary::count(
        &diagnostics,
        loaded.site.agencies.len(),
        loaded.site.year_count(),
        loaded.site.draft_years().count(),
    );
    Ok(Checked {
        site: loaded.site,
        diagnostics,
        summary,
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
        if d.draft && d.code == "D007" {
            d.severity = diagnostic::Severity::Warning;
        }
    }
}

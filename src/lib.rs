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
pub mod load;
pub mod model;
pub mod narrative;
pub mod scaffold;
pub mod serve;
pub mod template;
pub mod textdiff;
pub mod yaml;

use std::path::Path;

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
    let loaded = load::load_site(root)?;
    let diagnostics = check::check_site(&loaded.site, loaded.diagnostics);
    let summary = Summary::count(
        &diagnostics,
        loaded.site.agencies.len(),
        loaded.site.year_count(),
    );
    Ok(Checked {
        site: loaded.site,
        diagnostics,
        summary,
    })
}

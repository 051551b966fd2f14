//! The checks: identities inside a year, rules across consecutive years, the document, and the
//! matching of acknowledged problems.

mod acknowledgements;
mod document;
pub(crate) mod figures;
mod identities;
pub(crate) mod repetition;
pub(crate) mod status;

use acknowledgements::*;
use document::*;
use identities::*;

use crate::codes::Code;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use rust_decimal::Decimal;

use crate::definition::{
    CellKind, Equation, Form, PARTS, PartKind, REPEATED_TEXT_LIMIT, TemplateId, UNIT_SLIP_FACTOR,
    YearRef,
};
use crate::diagnostic::{Diagnostic, Severity, SourceLines, code_info};
use crate::model::{Agency, Cell, Site, Year};

/// A loaded and checked site. A clone shares the agencies (`Site::agencies`), it copies only the
/// diagnostics and statuses (`serve` keeps one per good build).
#[derive(Clone, Debug)]
pub struct Checked {
    pub site: Site,
    pub diagnostics: Vec<Diagnostic>,
    pub summary: crate::diagnostic::Summary,
    /// The publication status of every report year (computed before drafts are left out, so the
    /// overview pages and `nianbao status` see them).
    pub status: Vec<status::YearStatus>,
}

impl Checked {
    /// True when an unacknowledged error remains.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_blocking)
    }
}

/// Runs every check over the site and marks the acknowledged problems. `diagnostics` holds the
/// problems found while loading; the result is sorted by file and line.
pub(crate) fn check_site(site: &Site, mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    // Agencies are checked on every core, their diagnostics added in agency order.
    let found = crate::parallel::map_in_order(&site.agencies, |agency| {
        let mut out = Vec::new();
        for (i, year) in agency.years.iter().enumerate() {
            let previous = i
                .checked_sub(1)
                .map(|p| &agency.years[p])
                .filter(|p| p.year + 1 == year.year);
            check_year(agency, year, previous, &mut out);
        }
        out
    });
    diagnostics.extend(found.into_iter().flatten());
    acknowledge_site(site, &mut diagnostics);
    diagnostics.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.code).cmp(&(&b.file, b.line, b.column, b.code))
    });
    diagnostics
}

/// The checks of one year, pushed onto `out`.
pub(crate) fn check_year(
    agency: &Agency,
    year: &Year,
    previous: Option<&Year>,
    out: &mut Vec<Diagnostic>,
) {
    check_identities(year, previous, out);
    check_document(agency, year, out);
    crate::check::figures::check(year, out);
    if let Some(previous) = previous {
        check_repeated_text(year, previous, out);
        check_unit_slips(year, previous, out);
    }
}

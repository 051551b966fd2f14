//! Publication status for a disclosure office: for every report year of the site, each agency in
//! its group with its state (on time, late with its date, date unknown, draft, missing) and its
//! problem counts. The one function (`portal_status`) `nianbao status` and the overview pages read.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Agency, Site, Year};

/// Where a report of one agency and year stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Published by the deadline.
    OnTime,
    /// Published after the deadline.
    Late,
    /// Published, date unknown (`published: unknown`, historic reports).
    Undated,
    /// `published: draft`.
    Draft,
    /// No folder for the year.
    Missing,
}

impl State {
    pub const ALL: [State; 5] = [
        State::OnTime,
        State::Late,
        State::Undated,
        State::Draft,
        State::Missing,
    ];

    pub fn label(self) -> &'static str {
        match self {
            State::OnTime => "按时发布",
            State::Late => "逾期发布",
            State::Undated => "已发布（日期不详）",
            State::Draft => "草稿（未发布）",
            State::Missing => "缺失（没有该年度的文件夹）",
        }
    }
}

/// The problems `check` found in one agency's year.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Problems {
    /// Unacknowledged errors (only drafts can have them in a site that builds).
    pub errors: usize,
    /// Unacknowledged warnings.
    pub warnings: usize,
    /// Problems the data file acknowledges.
    pub acknowledged: usize,
}

/// One agency in one report year.
#[derive(Clone, Debug, Serialize)]
pub struct AgencyStatus {
    /// The folder name.
    pub agency: String,
    pub name: String,
    pub state: State,
    /// The state in words, with the date: 「逾期发布（2023年2月3日，期限2023年1月31日）」.
    pub text: String,
    /// 2023-01-16, when published with a date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// The statutory deadline, 2023-01-31.
    pub deadline: String,
    pub problems: Problems,
}

/// One group of one report year.
#[derive(Clone, Debug, Serialize)]
pub struct GroupStatus {
    pub name: String,
    pub agencies: Vec<AgencyStatus>,
}

/// How many agencies of a year are in one state.
#[derive(Clone, Debug, Serialize)]
pub struct Count {
    pub state: State,
    pub label: &'static str,
    pub count: usize,
}

/// One report year of the portal.
#[derive(Clone, Debug, Serialize)]
pub struct YearStatus {
    pub year: u16,
    /// How many agencies are in each state, in `State::ALL` order.
    pub counts: Vec<Count>,
    pub groups: Vec<GroupStatus>,
}

impl YearStatus {
    pub fn count(&self, state: State) -> usize {
        self.counts
            .iter()
            .find(|c| c.state == state)
            .map_or(0, |c| c.count)
    }
}

/// The status of every report year of the site (every year any agency has a folder for), each
/// agency in its group. Linear in agencies × years plus diagnostics.
pub(crate) fn portal_status(site: &Site, diagnostics: &[Diagnostic]) -> Vec<YearStatus> {
    // Year folder (as diagnostics name files) → the problems found in it.
    let mut problems: HashMap<&Path, Problems> = HashMap::new();
    for d in diagnostics {
        let Some(dir) = d.file.parent() else { continue };
        let p = problems.entry(dir).or_default();
        match (d.acknowledged.is_some(), d.severity) {
            (true, _) => p.acknowledged += 1,
            (false, Severity::Error) => p.errors += 1,
            (false, Severity::Warning) => p.warnings += 1,
        }
    }
    let grouped = site.grouped();
    site.report_years()
        .into_iter()
        .map(|year| {
            let groups: Vec<GroupStatus> = grouped
                .iter()
                .map(|(name, agencies)| GroupStatus {
                    name: name.to_string(),
                    agencies: agencies
                        .iter()
                        .map(|a| agency_status(a, year, &problems))
                        .collect(),
                })
                .collect();
            let counts = State::ALL
                .iter()
                .map(|s| {
                    let n = groups
                        .iter()
                        .flat_map(|g| &g.agencies)
                        .filter(|a| a.state == *s)
                        .count();
                    Count {
                        state: *s,
                        label: short_label(*s),
                        count: n,
                    }
                })
                .collect();
            YearStatus {
                year,
                counts,
                groups,
            }
        })
        .collect()
}

fn agency_status(agency: &Agency, year: u16, problems: &HashMap<&Path, Problems>) -> AgencyStatus {
    let deadline = agency.kind.deadline(year);
    let found = agency.year(year);
    let state = found.map_or(State::Missing, |y| state_of(y, deadline));
    let published = found.and_then(|y| y.published);
    let text = match (state, published) {
        (State::OnTime, Some(date)) => format!("按时发布（{}）", date.chinese()),
        (State::Late, Some(date)) => {
            format!("逾期发布（{}，期限{}）", date.chinese(), deadline.chinese())
        }
        _ => state.label().to_string(),
    };
    let dir: Option<PathBuf> = found.and_then(|y| y.data_file.parent().map(Path::to_path_buf));
    AgencyStatus {
        agency: agency.slug.clone(),
        name: agency.name.clone(),
        state,
        text,
        published: published.map(|d| d.to_string()),
        deadline: deadline.to_string(),
        problems: dir
            .and_then(|d| problems.get(d.as_path()).copied())
            .unwrap_or_default(),
    }
}

fn state_of(year: &Year, deadline: crate::model::Date) -> State {
    match year.published {
        _ if year.draft => State::Draft,
        None => State::Undated,
        Some(date) if date <= deadline => State::OnTime,
        Some(_) => State::Late,
    }
}

/// `nianbao status` for the terminal: the year's counts, then each group with its agencies.
pub fn status_text(status: &YearStatus) -> String {
    let mut out = String::new();
    let total: usize = status.counts.iter().map(|c| c.count).sum();
    let _ = writeln!(out, "{} 年度年报发布情况（共 {total} 个机关）", status.year);
    let counts: Vec<String> = status
        .counts
        .iter()
        .map(|c| format!("{}：{}", c.label, c.count))
        .collect();
    let _ = writeln!(out, "{}", counts.join("　"));
    for group in &status.groups {
        let _ = writeln!(out, "\n{}（{} 个机关）", group.name, group.agencies.len());
        for a in &group.agencies {
            let p = a.problems;
            let _ = writeln!(
                out,
                "  {}（{}）　{}　错误 {}、警告 {}、已确认问题 {}",
                crate::diagnostic::terminal_safe(&a.name),
                a.agency,
                a.text,
                p.errors,
                p.warnings,
                p.acknowledged
            );
        }
    }
    out
}

/// The short label of a state for counts: 「按时发布」「草稿」「缺失」.
pub(crate) fn short_label(state: State) -> &'static str {
    match state {
        State::OnTime => "按时发布",
        State::Late => "逾期发布",
        State::Undated => "日期不详",
        State::Draft => "草稿",
        State::Missing => "缺失",
    }
}

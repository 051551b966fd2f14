//! The portal's year overview (`overview/2023.html`): every agency in its group with its
//! publication status (from `check::status`, the same data `nianbao status` prints), its headline
//! figures linked to its year page, and its problem counts. One table per group, sortable in the
//! browser by a small script (static/sort.js), fully readable without it.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

use super::*;
use crate::check::status::{AgencyStatus, State, YearStatus, short_label};
use crate::definition::{OVERVIEW_FIGURES, indicator};
use crate::render::theme::{escape_html, push_link_or_text};

/// The overview page of one report year.
pub(crate) fn overview_path(year: u16) -> String {
    format!("overview/{year}.html")
}

#[derive(Serialize)]
pub(super) struct FigureCell {
    pub text: String,
    /// The number to sort by; None sorts last.
    pub sort: Option<String>,
}

struct OverviewRow {
    name: String,
    href: Option<String>,
    state: &'static str,
    status: String,
    /// The order of the state, for sorting (on time first).
    status_sort: usize,
    figures: Vec<FigureCell>,
    problems: String,
    problems_sort: usize,
}

impl OverviewRow {
    /// The row as the page's table has it, after a line break (the theme's overview.html
    /// prints the rows of a group with `{{ g.body | safe }}`).
    fn html(&self) -> String {
        let mut out = String::with_capacity(600);
        let _ = write!(
            out,
            "\n<tr class=\"state-{}\"><th scope=\"row\">",
            self.state
        );
        push_link_or_text(&mut out, "../", self.href.as_deref(), &self.name);
        let _ = write!(
            out,
            "</th><td data-sort=\"{}\">{}</td>",
            self.status_sort,
            escape_html(&self.status)
        );
        for f in &self.figures {
            out.push_str("<td class=\"num\"");
            if let Some(sort) = &f.sort {
                let _ = write!(out, " data-sort=\"{}\"", escape_html(sort));
            }
            let _ = write!(out, ">{}</td>", escape_html(&f.text));
        }
        let _ = write!(
            out,
            "<td data-sort=\"{}\">{}</td></tr>",
            self.problems_sort,
            escape_html(&self.problems)
        );
        out
    }
}

#[derive(Serialize)]
struct OverviewGroup {
    id: String,
    name: String,
    counts: String,
    /// How many agencies the group lists.
    count: usize,
    /// The rows of its table, each `\n<tr…</tr>` (from `OverviewPieces`).
    body: String,
    /// The state of each row.
    #[serde(skip)]
    states: Vec<&'static str>,
}

/// The rows of the overview pages, rendered once per agency and year and kept (`serve` renders
/// a changed agency's again): (state key, `<tr>`) by (folder name, year).
#[derive(Default)]
pub(crate) struct OverviewPieces {
    rows: HashMap<(String, u16), (&'static str, String)>,
}

impl OverviewPieces {
    /// Drops the rows of the agencies `changed` (all when None) and of agencies gone; they are
    /// rendered again when a page needs them.
    pub(crate) fn update(&mut self, site: &Site, changed: Option<&BTreeSet<String>>) {
        let Some(changed) = changed else {
            self.rows.clear();
            return;
        };
        let slugs: BTreeSet<&str> = site.agencies.iter().map(|a| a.slug.as_str()).collect();
        self.rows
            .retain(|(slug, _), _| slugs.contains(slug.as_str()) && !changed.contains(slug));
    }
}

#[derive(Serialize)]
struct Count {
    label: &'static str,
    count: usize,
}

impl Renderer<'_> {
    /// The pages that look across agencies: the year overviews.
    pub(crate) fn portal_pages(
        &self,
        status: &[YearStatus],
        pieces: &mut crate::render::Pieces,
        out: &Output,
    ) -> Result<(), BuildError> {
        self.overview_pages(status, &mut pieces.overview, out)?;
        if self.site.config.search {
            self.search_page(out)?;
        }
        if self.site.agencies.len() > 1 {
            self.totals_pages(&mut pieces.totals, out)?;
            self.across_pages(&pieces.across, out)?;
        }
        Ok(())
    }

    /// The search page (its index is render/search.rs's, built beside the pages).
    fn search_page(&self, out: &Output) -> Result<(), BuildError> {
        let path = "search.html".to_string();
        let title = "站内搜索".to_string();
        let crumbs = self.crumbs(None, vec![(title.clone(), None)]);
        let mut ctx = self.context(&path, title, crumbs);
        ctx.insert("bundle", crate::render::search::BUNDLE_DIR);
        out.put(&path, self.render_page("search.html", &ctx)?)?;
        Ok(())
    }

    /// One overview page per report year, its rows from `pieces` (those missing rendered now).
    pub(crate) fn overview_pages(
        &self,
        status: &[YearStatus],
        pieces: &mut OverviewPieces,
        out: &Output,
    ) -> Result<(), BuildError> {
        // Years the rendered site has (a year with only drafts has no page in a public build).
        let years = self.site.report_years();
        let status: Vec<&YearStatus> = status
            .iter()
            .filter(|s| years.binary_search(&s.year).is_ok())
            .collect();
        let headers: Vec<&'static str> = OVERVIEW_FIGURES
            .iter()
            .filter_map(|k| indicator(k))
            .map(|i| i.label)
            .collect();
        let by_slug: std::collections::HashMap<&str, &Agency> = self
            .site
            .agencies
            .iter()
            .map(|a| (a.slug.as_str(), &**a))
            .collect();
        for year_status in status {
            let year = year_status.year;
            let groups: Vec<OverviewGroup> = year_status
                .groups
                .iter()
                .enumerate()
                .map(|(g, group)| {
                    let mut states = Vec::with_capacity(group.agencies.len());
                    let mut body = String::new();
                    for a in &group.agencies {
                        let (state, tr) = pieces
                            .rows
                            .entry((a.agency.clone(), year))
                            .or_insert_with(|| {
                                let row = self.overview_row(a, year, &by_slug);
                                (row.state, row.html())
                            });
                        states.push(*state);
                        body.push_str(tr);
                    }
                    OverviewGroup {
                        id: format!("g{}", g + 1),
                        name: group.name.clone(),
                        counts: self.counts_text(states.iter().copied()),
                        count: states.len(),
                        body,
                        states,
                    }
                })
                .collect();
            let counts: Vec<Count> = self
                .shown_states()
                .into_iter()
                .map(|s| Count {
                    label: self.state_label(s),
                    count: groups
                        .iter()
                        .flat_map(|g| &g.states)
                        .filter(|k| **k == state_key(s))
                        .count(),
                })
                .collect();
            let path = overview_path(year);
            let title = format!("{year}年度年报发布情况");
            let crumbs = self.crumbs(None, vec![(title.clone(), None)]);
            let mut ctx = self.context(&path, title, crumbs);
            ctx.insert("year", &year);
            ctx.insert("groups", &groups);
            ctx.insert("counts", &counts);
            ctx.insert("headers", &headers);
            ctx.insert("deadline", &deadline_text());
            ctx.insert(
                "years",
                &years
                    .iter()
                    .map(|y| Link {
                        label: format!("{y}年度"),
                        href: overview_path(*y),
                    })
                    .collect::<Vec<_>>(),
            );
            ctx.insert("drafts", &self.options.drafts);
            ctx.insert(
                "totals",
                &(self.site.agencies.len() > 1).then(|| super::totals::totals_path(year)),
            );
            out.put(&path, self.render_page("overview.html", &ctx)?)?;
        }
        Ok(())
    }

    /// The row of one agency on the overview page of `year`.
    fn overview_row(
        &self,
        a: &AgencyStatus,
        year: u16,
        by_slug: &HashMap<&str, &Agency>,
    ) -> OverviewRow {
        let agency = by_slug.get(a.agency.as_str()).copied();
        let rendered = agency.and_then(|ag| ag.year(year).map(|y| (ag, y)));
        let state = self.shown_state(a.state);
        let p = a.problems;
        let mut problems = Vec::new();
        if p.errors > 0 {
            problems.push(format!("错误 {}", p.errors));
        }
        if p.warnings > 0 {
            problems.push(format!("警告 {}", p.warnings));
        }
        if p.acknowledged > 0 {
            problems.push(format!("已确认 {}", p.acknowledged));
        }
        OverviewRow {
            name: a.name.clone(),
            href: match rendered {
                Some((ag, _)) => Some(year_path(ag, year)),
                None => agency.map(agency_path),
            },
            state: state_key(state),
            status: match state {
                State::Missing if !self.options.drafts => "尚未发布".to_string(),
                State::Missing => "缺失（没有该年度的年报）".to_string(),
                _ => a.text.clone(),
            },
            status_sort: State::ALL.iter().position(|s| *s == state).unwrap_or(0),
            figures: OVERVIEW_FIGURES
                .iter()
                .filter_map(|k| indicator(k))
                .map(|i| figure(i, rendered))
                .collect(),
            problems: if problems.is_empty() {
                "无".to_string()
            } else {
                problems.join("，")
            },
            problems_sort: p.errors + p.warnings + p.acknowledged,
        }
    }

    /// A state as this build shows it: a public build (drafts left out) tells a draft from a
    /// missing report to no one (both 「尚未发布」); `build --drafts` and `serve` tell them apart.
    fn shown_state(&self, state: State) -> State {
        if !self.options.drafts && state == State::Draft {
            State::Missing
        } else {
            state
        }
    }

    fn shown_states(&self) -> Vec<State> {
        State::ALL
            .into_iter()
            .filter(|s| self.options.drafts || *s != State::Draft)
            .collect()
    }

    fn state_label(&self, state: State) -> &'static str {
        match state {
            State::Missing if !self.options.drafts => "尚未发布",
            _ => short_label(state),
        }
    }

    fn counts_text(&self, states: impl Iterator<Item = &'static str> + Clone) -> String {
        self.shown_states()
            .into_iter()
            .map(|s| {
                let n = states.clone().filter(|k| *k == state_key(s)).count();
                format!("{} {n}", self.state_label(s))
            })
            .collect::<Vec<_>>()
            .join("，")
    }
}

fn state_key(state: State) -> &'static str {
    match state {
        State::OnTime => "on-time",
        State::Late => "late",
        State::Undated => "undated",
        State::Draft => "draft",
        State::Missing => "missing",
    }
}

/// The deadline rule in words, for the page's explanation.
fn deadline_text() -> String {
    let department = crate::model::AgencyKind::Department.deadline_rule();
    let government = crate::model::AgencyKind::Government.deadline_rule();
    format!(
        "各部门、街道办事处、乡镇人民政府的年报应在{department}前发布，人民政府的本行政区域年报应在{government}前发布"
    )
}

/// One headline figure of a rendered year: a sum exactly as the cells add up (money keeps its
/// decimals), a ratio as a percentage; 「—」 when the year is not shown or has no such cells.
pub(super) fn figure(indicator: &Indicator, year: Option<(&Agency, &Year)>) -> FigureCell {
    let Some((agency, year)) = year else {
        return FigureCell {
            text: "—".to_string(),
            sort: None,
        };
    };
    match indicator.kind {
        IndicatorKind::Sum => {
            let sum = indicator
                .numerator
                .iter()
                .try_fold(Decimal::ZERO, |acc, id| {
                    crate::render::compare::value_of(year, id).and_then(|v| acc.checked_add(v))
                });
            FigureCell {
                text: sum.map_or("—".to_string(), |v| v.normalize().to_string()),
                sort: sum.map(|v| v.normalize().to_string()),
            }
        }
        _ => {
            let previous = agency.year(year.year.wrapping_sub(1));
            let value = indicator_value(indicator, year, previous);
            FigureCell {
                text: indicator_text(indicator, value),
                sort: value.map(|v| format!("{v:.6}")),
            }
        }
    }
}

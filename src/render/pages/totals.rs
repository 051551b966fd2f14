//! The jurisdiction totals page of a report year (`totals/2022.html`): every cell of parts 二, 三,
//! 四 and the fee figures of 六 summed over the included agencies (render/totals.rs), rates
//! recomputed from the sums, against last year over the agencies in both years. Titled as a
//! computed 汇总, never as a report.

use super::*;
use crate::render::totals::{Sums, TotalsPieces, YearTotals, year_totals};

pub(crate) fn totals_path(year: u16) -> String {
    format!("totals/{year}.html")
}

#[derive(Serialize)]
struct TotalRow {
    label: String,
    now: String,
    /// This year over the agencies in both years, when not all are.
    now_common: Option<String>,
    before: String,
    change: String,
    percent: String,
}

#[derive(Serialize)]
struct TotalSection {
    id: String,
    title: String,
    rows: Vec<TotalRow>,
}

#[derive(Serialize)]
struct IncludedGroup {
    name: String,
    agencies: Vec<Link>,
}

impl Renderer<'_> {
    /// One totals page per report year (only in a site of more than one agency).
    pub(super) fn totals_pages(
        &self,
        pieces: &mut TotalsPieces,
        out: &Output,
    ) -> Result<(), BuildError> {
        let grouped = self.site.grouped();
        let ordered: Vec<&Agency> = grouped
            .iter()
            .flat_map(|(_, a)| a.iter().copied())
            .collect();
        let years = self.site.report_years();
        for &year in &years {
            let Some(totals) = year_totals(&ordered, year, pieces) else {
                continue;
            };
            let included: Vec<IncludedGroup> = grouped
                .iter()
                .map(|(name, agencies)| IncludedGroup {
                    name: name.to_string(),
                    agencies: agencies
                        .iter()
                        .filter(|a| a.year(year).is_some())
                        .map(|a| Link {
                            label: a.name.clone(),
                            href: year_path(a, year),
                        })
                        .collect(),
                })
                .filter(|g| !g.agencies.is_empty())
                .collect();
            let left_out: Vec<String> = ordered
                .iter()
                .filter(|a| a.year(year).is_none())
                .map(|a| a.name.clone())
                .collect();
            let path = totals_path(year);
            let title = format!("{year}年度各机关年报数字汇总");
            let crumbs = self.crumbs(None, vec![(title.clone(), None)]);
            let mut ctx = self.context(&path, title, crumbs);
            ctx.insert("year", &year);
            ctx.insert("included", &included);
            ctx.insert("included_count", &totals.included.len());
            ctx.insert("left_out", &left_out);
            ctx.insert("sections", &sections(&totals));
            ctx.insert("rates", &rates(&totals));
            ctx.insert("template", &totals.form.template.get().name);
            ctx.insert(
                "previous",
                &totals.previous.as_ref().map(|p| {
                    let common = (p.common.len() != totals.included.len()).then(|| {
                        p.common
                            .iter()
                            .map(|a| a.name.clone())
                            .collect::<Vec<_>>()
                            .join("、")
                    });
                    (p.year, common, p.form.template != totals.form.template)
                }),
            );
            ctx.insert("overview", &super::overview::overview_path(year));
            ctx.insert(
                "years",
                &years
                    .iter()
                    .map(|y| Link {
                        label: format!("{y}年度"),
                        href: totals_path(*y),
                    })
                    .collect::<Vec<_>>(),
            );
            ctx.insert(
                "draft_banner",
                &draft_banner(totals.included.iter().filter_map(|a| a.year(year))),
            );
            out.put(&path, self.render_page("totals.html", &ctx)?)?;
        }
        Ok(())
    }
}

/// A sum as printed: the number, 「—」 when not comparable, with the count of blanks.
fn sum_text(sums: &Sums, i: usize) -> String {
    match sums.values[i] {
        None => "—".to_string(),
        Some(v) if sums.blanks[i] > 0 => {
            format!("{}（{}个机关空白）", v.normalize(), sums.blanks[i])
        }
        Some(v) => v.normalize().to_string(),
    }
}

fn sections(totals: &YearTotals<'_>) -> Vec<TotalSection> {
    let form = &totals.form;
    let mut sections: Vec<TotalSection> = Vec::new();
    for (i, id) in form.cells.iter().enumerate() {
        let (table, row, column) = form.place(i);
        if !matches!(table.part, 2 | 3 | 4 | 6) {
            continue;
        }
        if sections.last().is_none_or(|s| s.id != table.key) {
            sections.push(TotalSection {
                id: table.key.to_string(),
                title: format!("{}{}", part(table.part).numeral(), table.title()),
                rows: Vec::new(),
            });
        }
        let kind = row.kind.unwrap_or(column.kind);
        let label = if table.columns.len() == 1 {
            table.row_label(row)
        } else {
            format!(
                "{} — {}",
                table.row_label(row),
                column_label(row, column, kind)
            )
        };
        let now_common = totals
            .previous
            .as_ref()
            .and_then(|p| p.current.as_ref())
            .map(|c| sum_text(c, i));
        let (before, change, percent) = match &totals.previous {
            None => ("—".to_string(), String::new(), String::new()),
            Some(p) => {
                let current = p.current.as_ref().unwrap_or(&totals.sums);
                // The other template has no such cell: not comparable.
                match p.form.cell_index(id) {
                    None => ("口径不同".to_string(), String::new(), String::new()),
                    Some(j) => {
                        let change = match (p.sums.values[j], current.values[i]) {
                            (Some(previous), Some(current)) => Change::Values { previous, current },
                            _ => Change::NoData,
                        };
                        (sum_text(&p.sums, j), change.text(), change.percent())
                    }
                }
            }
        };
        if let Some(section) = sections.last_mut() {
            section.rows.push(TotalRow {
                label,
                now: sum_text(&totals.sums, i),
                now_common,
                before,
                change,
                percent,
            });
        }
    }
    sections
}

#[derive(Serialize)]
struct Rate {
    label: &'static str,
    definition: &'static str,
    now: String,
    before: String,
}

/// The ratio indicators recomputed from the sums (never averaged over agencies).
fn rates(totals: &YearTotals<'_>) -> Vec<Rate> {
    let ratio = |form: &crate::definition::Form, sums: &Sums, i: &Indicator| -> String {
        let sum = |ids: &[&str]| {
            ids.iter().try_fold(Decimal::ZERO, |acc, id| {
                sums.value(form, id).and_then(|v| acc.checked_add(v))
            })
        };
        let value = match (sum(i.numerator), sum(i.denominator)) {
            (Some(n), Some(d)) if !d.is_zero() => n
                .checked_div(d)
                .and_then(|r| rust_decimal::prelude::ToPrimitive::to_f64(&r)),
            _ => None,
        };
        indicator_text(i, value)
    };
    INDICATORS
        .iter()
        .filter(|i| i.kind == IndicatorKind::Ratio)
        .map(|i| Rate {
            label: i.label,
            definition: i.definition,
            now: ratio(&totals.form, &totals.sums, i),
            before: totals
                .previous
                .as_ref()
                .map_or("—".to_string(), |p| ratio(&p.form, &p.sums, i)),
        })
        .collect()
}

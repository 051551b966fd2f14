//! An agency's page: its years, charts of the main figures and its downloads.

use super::*;

impl Renderer<'_> {
    // ---- agency page -------------------------------------------------------------------

    pub(super) fn agency_page(
        &self,
        agency: &Agency,
        metric_rows: &[MetricRow],
        notes: &AgencyNotes<'_>,
        out: &Output,
    ) -> Result<(), BuildError> {
        #[derive(Serialize)]
        struct YearRow {
            year: u16,
            href: String,
            template: &'static str,
            published: String,
            timeliness: String,
            compare: Option<String>,
            csv: String,
            json: String,
            xlsx: String,
            draft: bool,
        }
        #[derive(Serialize)]
        struct ChartPoint {
            year: u16,
            value: String,
            mark: Option<Mark>,
        }
        #[derive(Serialize)]
        struct ChartView {
            title: &'static str,
            definition: &'static str,
            svg: String,
            points: Vec<ChartPoint>,
            /// The years whose figure rests on a cell with an acknowledged problem.
            notes: Vec<String>,
        }
        #[derive(Serialize)]
        struct MetricGroup {
            title: String,
            metrics: Vec<Link>,
        }
        #[derive(Serialize)]
        struct AgencyView<'a> {
            name: &'a str,
            kind: &'static str,
            region: &'a Option<String>,
            contact: &'a Option<String>,
            deadline_rule: String,
        }
        let years: Vec<YearRow> = agency
            .years
            .iter()
            .map(|y| YearRow {
                year: y.year,
                href: year_path(agency, y.year),
                template: y.template.get().name,
                published: published_text(y),
                timeliness: timeliness(agency, y),
                compare: agency
                    .year(y.year.wrapping_sub(1))
                    .map(|_| compare_path(agency, y.year)),
                csv: format!("{}/{}/data.csv", agency.slug, y.year),
                json: format!("{}/{}/data.json", agency.slug, y.year),
                xlsx: format!("{}/{}/data.xlsx", agency.slug, y.year),
                draft: y.draft,
            })
            .collect();
        let charts: Vec<ChartView> = INDICATORS
            .iter()
            .filter(|i| i.chart)
            .map(|indicator| {
                let values: Vec<(u16, Option<f64>, Option<Mark>)> = agency
                    .years
                    .iter()
                    .map(|y| {
                        let previous = agency.year(y.year.wrapping_sub(1));
                        let mark = notes.indicator_mark(agency, y.year, indicator);
                        (y.year, indicator_value(indicator, y, previous), mark)
                    })
                    .collect();
                let points: Vec<Point> = values
                    .iter()
                    .map(|(year, value, mark)| Point {
                        label: year.to_string(),
                        value: *value,
                        // The figure as every page prints it; the chart says 「无数据」 itself.
                        text: match (value, mark) {
                            (Some(_), _) => Some(format!(
                                "{}{}",
                                indicator_text(indicator, *value),
                                mark.as_ref().map_or("", |m| m.text.as_str())
                            )),
                            (None, Some(m)) => Some(format!("无数据{}", m.text)),
                            (None, None) => None,
                        },
                    })
                    .collect();
                let format = match indicator.kind {
                    IndicatorKind::Sum => ValueFormat::Count,
                    _ => ValueFormat::Percent,
                };
                ChartView {
                    title: indicator.label,
                    definition: indicator.definition,
                    svg: chart::bar_chart(
                        &format!("chart-{}", indicator.key),
                        indicator.label,
                        &format!("{}历年数值", indicator.label),
                        &points,
                        format,
                    ),
                    notes: values
                        .iter()
                        .filter_map(|(year, _, mark)| {
                            let m = mark.as_ref()?;
                            Some(format!("{year}年{}：{}", m.text, m.title))
                        })
                        .collect(),
                    points: values
                        .into_iter()
                        .map(|(year, value, mark)| ChartPoint {
                            year,
                            value: indicator_text(indicator, value),
                            mark,
                        })
                        .collect(),
                }
            })
            .collect();
        let metric_groups =
            metric_rows
                .iter()
                .fold(Vec::<MetricGroup>::new(), |mut groups, row| {
                    let link = Link {
                        label: row.label.clone(),
                        href: format!(
                            "{}#{}",
                            metric_path(agency, row.table),
                            row_anchor(&row.row, None)
                        ),
                    };
                    match groups.last_mut() {
                        Some(g) if g.title == row.group => g.metrics.push(link),
                        _ => groups.push(MetricGroup {
                            title: row.group.clone(),
                            metrics: vec![link],
                        }),
                    }
                    groups
                });
        let path = agency_path(agency);
        let mut ctx = self.context(
            &path,
            format!("{}政府信息公开工作年度报告", agency.name),
            self.crumbs(Some(agency), Vec::new()),
        );
        ctx.insert(
            "agency",
            &AgencyView {
                name: &agency.name,
                kind: agency.kind.label(),
                region: &agency.region,
                contact: &agency.contact,
                deadline_rule: format!("法定发布期限：{}", agency.kind.deadline_rule()),
            },
        );
        ctx.insert("years", &years);
        ctx.insert("draft_banner", &draft_banner(agency.years.iter()));
        ctx.insert("charts", &charts);
        ctx.insert("metric_groups", &metric_groups);
        #[derive(Serialize)]
        struct Downloads {
            csv: String,
            json: String,
        }
        ctx.insert(
            "downloads",
            &Downloads {
                csv: format!("{}/data.csv", agency.slug),
                json: format!("{}/data.json", agency.slug),
            },
        );
        out.put(&path, self.render_page("agency.html", &ctx)?)?;
        Ok(())
    }
}

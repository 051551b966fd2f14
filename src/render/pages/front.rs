//! The front page: every agency with its latest figures.

use super::*;

impl Renderer<'_> {
    // ---- front page --------------------------------------------------------------------

    pub(super) fn front_page(&self, out: &Output) -> Result<(), BuildError> {
        #[derive(Serialize)]
        struct Figure {
            label: &'static str,
            value: String,
        }
        #[derive(Serialize)]
        struct Latest {
            title: String,
            draft: bool,
            href: String,
            figures: Vec<Figure>,
        }
        #[derive(Serialize)]
        struct AgencyItem {
            name: String,
            kind: &'static str,
            region: Option<String>,
            href: String,
            year_count: usize,
            years: Vec<YearLink>,
            latest: Option<Latest>,
        }
        #[derive(Serialize)]
        struct YearLink {
            label: String,
            href: String,
            draft: bool,
        }
        #[derive(Serialize)]
        struct GroupItem {
            name: String,
            agencies: Vec<AgencyItem>,
        }
        let item = |a: &Agency| AgencyItem {
            name: a.name.clone(),
            kind: a.kind.label(),
            region: a.region.clone(),
            href: agency_path(a),
            year_count: a.years.len(),
            years: a
                .years
                .iter()
                .rev()
                .map(|y| YearLink {
                    label: format!("{}年度", y.year),
                    href: year_path(a, y.year),
                    draft: y.draft,
                })
                .collect(),
            latest: a.years.last().map(|y| {
                let previous = a.year(y.year.wrapping_sub(1));
                Latest {
                    title: format!("{}年度年报", y.year),
                    draft: y.draft,
                    href: year_path(a, y.year),
                    figures: INDICATORS
                        .iter()
                        .filter(|i| i.chart)
                        .map(|i| Figure {
                            label: i.label,
                            value: indicator_text(i, indicator_value(i, y, previous)),
                        })
                        .collect(),
                }
            }),
        };
        let groups: Vec<GroupItem> = self
            .site
            .grouped()
            .into_iter()
            .map(|(name, agencies)| GroupItem {
                name: name.to_string(),
                agencies: agencies.into_iter().map(item).collect(),
            })
            .collect();
        let overviews: Vec<Link> = self
            .site
            .report_years()
            .into_iter()
            .rev()
            .map(|y| Link {
                label: format!("{y}年度"),
                href: super::overview::overview_path(y),
            })
            .collect();
        let path = "index.html".to_string();
        let mut ctx = self.context(&path, self.site.config.title.clone(), Vec::new());
        ctx.insert("agency_count", &self.site.agencies.len());
        ctx.insert("groups", &groups);
        ctx.insert("overviews", &overviews);
        let totals: Vec<Link> = if self.site.agencies.len() > 1 {
            self.site
                .report_years()
                .into_iter()
                .rev()
                .map(|y| Link {
                    label: format!("{y}年度"),
                    href: super::totals::totals_path(y),
                })
                .collect()
        } else {
            Vec::new()
        };
        ctx.insert("totals", &totals);
        ctx.insert(
            "draft_banner",
            &draft_banner(self.site.draft_years().map(|(_, y)| y)),
        );
        out.put(&path, self.render_page("index.html", &ctx)?)?;
        Ok(())
    }
}

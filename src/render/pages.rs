//! The pages of the site: template data made from the model (a view for templates, separate from
//! the domain model), rendered with the theme.

use rust_decimal::Decimal;
use serde::Serialize;
use tera::Context;

use super::markdown;
use super::table::{GridCell, grid, grid_html, insert_extra_rows};
use super::{BuildError, Options, Output};
use crate::check::repetition;
use crate::definition::{
    CellKind, Column, INDICATORS, Indicator, IndicatorKind, PARTS, PartKind, Row, Table,
    label_with_unit, part,
};
use crate::diagnostic::{Diagnostic, code_info};
use crate::model::{Agency, Site, Year};
use crate::render::chart::{self, Point, ValueFormat};
use crate::render::compare::{Change, cell_of, has_cell, indicator_value};
use crate::render::format::{cell_text, indicator_text};

// ---- paths -------------------------------------------------------------------------------

pub(crate) fn agency_path(agency: &Agency) -> String {
    format!("{}/index.html", agency.slug)
}

pub(crate) fn year_path(agency: &Agency, year: u16) -> String {
    format!("{}/{year}/index.html", agency.slug)
}

pub(crate) fn compare_path(agency: &Agency, year: u16) -> String {
    format!("{}/{year}/compare.html", agency.slug)
}

/// A metric page shows the rows of one table over all years (`metrics/requests.html`).
pub(crate) fn metric_path(agency: &Agency, table_key: &str) -> String {
    format!("{}/metrics/{table_key}.html", agency.slug)
}

/// The anchor of a row on its metric page, and of one year of it.
pub(crate) fn row_anchor(row_key: &str, year: Option<u16>) -> String {
    let base = format!("r-{}", row_key.replace('.', "-"));
    match year {
        Some(year) => format!("{base}-y{year}"),
        None => base,
    }
}

/// The anchor of a cell on its year page.
pub(crate) fn cell_anchor(cell_id: &str) -> String {
    format!("c-{}", cell_id.replace('.', "-"))
}

/// The relative prefix from a page to the site root.
fn root_of(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

// ---- common view types ---------------------------------------------------------------------

#[derive(Serialize)]
struct Link {
    label: String,
    href: String,
}

#[derive(Serialize)]
struct Crumb {
    label: String,
    href: Option<String>,
}

#[derive(Serialize)]
struct FooterView<'a> {
    sponsor: &'a Option<String>,
    site_code: &'a Option<String>,
    icp: &'a Option<String>,
    police_record: &'a Option<String>,
    contact: &'a Option<String>,
    generator: bool,
}

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    base_url: &'a Option<String>,
    footer: FooterView<'a>,
    change_marks: bool,
}

#[derive(Serialize)]
struct PageView {
    title: String,
    path: String,
    canonical: Option<String>,
}

/// Renders pages into `files`.
pub(crate) struct Renderer<'a> {
    pub site: &'a Site,
    pub diagnostics: &'a [Diagnostic],
    pub options: &'a Options,
    pub tera: &'a tera::Tera,
}

impl Renderer<'_> {
    fn base_url(&self) -> Option<String> {
        self.options.base_url(&self.site.config)
    }

    fn context(&self, path: &str, title: String, breadcrumbs: Vec<Crumb>) -> Context {
        let config = &self.site.config;
        let mut ctx = Context::new();
        ctx.insert("root", &root_of(path));
        ctx.insert(
            "site",
            &SiteView {
                title: &config.title,
                base_url: &config.base_url,
                footer: FooterView {
                    sponsor: &config.footer.sponsor,
                    site_code: &config.footer.site_code,
                    icp: &config.footer.icp,
                    police_record: &config.footer.police_record,
                    contact: &config.footer.contact,
                    generator: config.footer.generator,
                },
                change_marks: config.change_marks,
            },
        );
        ctx.insert(
            "page",
            &PageView {
                title,
                path: path.to_string(),
                canonical: self.base_url().map(|b| format!("{b}{path}")),
            },
        );
        ctx.insert("breadcrumbs", &breadcrumbs);
        ctx.insert("draft_banner", &None::<String>);
        ctx.insert(
            "sitemap",
            &self.options.absolute_base_url(&self.site.config).is_some(),
        );
        ctx
    }

    fn render(&self, template: &str, ctx: &Context) -> Result<String, BuildError> {
        self.tera.render(template, ctx).map_err(|e| {
            BuildError::Theme(format!(
                "渲染模板 {template} 时出错：{}",
                super::theme::tera_message(&e)
            ))
        })
    }

    fn crumbs(&self, agency: Option<&Agency>, rest: Vec<(String, Option<String>)>) -> Vec<Crumb> {
        let mut out = vec![Crumb {
            label: "首页".to_string(),
            href: Some("index.html".to_string()),
        }];
        if let Some(agency) = agency {
            out.push(Crumb {
                label: agency.short_name.clone(),
                href: Some(agency_path(agency)),
            });
        }
        out.extend(rest.into_iter().map(|(label, href)| Crumb { label, href }));
        if let Some(last) = out.last_mut() {
            last.href = None;
        }
        out
    }

    /// Renders every page of the site into `out`, the agencies in parallel.
    pub(crate) fn render_all(&self, out: &Output) -> Result<(), BuildError> {
        self.front_page(out)?;
        self.not_found_page(out)?;
        let agencies = &self.site.agencies;
        let next = std::sync::atomic::AtomicUsize::new(0);
        let workers = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(agencies.len().max(1));
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..workers)
                .map(|_| {
                    scope.spawn(|| -> Result<(), BuildError> {
                        loop {
                            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some(agency) = agencies.get(i) else {
                                return Ok(());
                            };
                            self.agency_pages(agency, out)?;
                        }
                    })
                })
                .collect();
            handles.into_iter().try_for_each(|h| {
                h.join().unwrap_or_else(|payload| {
                    Err(BuildError::Panic(super::panic_message(&*payload)))
                })
            })
        })
    }

    /// Every page and data file of one agency.
    fn agency_pages(&self, agency: &Agency, out: &Output) -> Result<(), BuildError> {
        // The acknowledged problems of each year, marked wherever its cells appear.
        let notes = AgencyNotes(
            agency
                .years
                .iter()
                .map(|y| YearNotes::new(self.diagnostics, y))
                .collect(),
        );
        self.agency_page(agency, &notes, out)?;
        for (i, year) in agency.years.iter().enumerate() {
            let previous = i
                .checked_sub(1)
                .map(|p| &agency.years[p])
                .filter(|p| p.year + 1 == year.year);
            self.year_page(agency, i, &notes, out)?;
            if let Some(previous) = previous {
                self.compare_page(agency, previous, year, &notes, out)?;
            }
            let (csv, json) = super::data::year_files(agency, year)?;
            out.put(&format!("{}/{}/data.csv", agency.slug, year.year), csv)?;
            out.put(&format!("{}/{}/data.json", agency.slug, year.year), json)?;
            let xlsx = crate::import::xlsx::export(&agency.name, year)
                .map_err(|e| BuildError::Theme(format!("无法生成 Excel 工作簿：{e}")))?;
            out.put(&format!("{}/{}/data.xlsx", agency.slug, year.year), xlsx)?;
        }
        let (csv, json) = super::data::agency_files(agency)?;
        out.put(&format!("{}/data.csv", agency.slug), csv)?;
        out.put(&format!("{}/data.json", agency.slug), json)?;
        self.metric_pages(agency, &notes, out)?;
        Ok(())
    }

    // ---- front page --------------------------------------------------------------------

    fn front_page(&self, out: &Output) -> Result<(), BuildError> {
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
        let agencies: Vec<AgencyItem> = self
            .site
            .agencies
            .iter()
            .map(|a| AgencyItem {
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
            })
            .collect();
        let path = "index.html".to_string();
        let mut ctx = self.context(&path, self.site.config.title.clone(), Vec::new());
        ctx.insert("agencies", &agencies);
        ctx.insert(
            "draft_banner",
            &draft_banner(self.site.draft_years().map(|(_, y)| y)),
        );
        out.put(&path, self.render("index.html", &ctx)?.into_bytes())?;
        Ok(())
    }

    // ---- agency page -------------------------------------------------------------------

    fn agency_page(
        &self,
        agency: &Agency,
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
            metric_rows(agency)
                .into_iter()
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
        out.put(&path, self.render("agency.html", &ctx)?.into_bytes())?;
        Ok(())
    }

    // ---- year page ---------------------------------------------------------------------

    /// The page of the `i`th year of an agency.
    fn year_page(
        &self,
        agency: &Agency,
        i: usize,
        agency_notes: &AgencyNotes<'_>,
        out: &Output,
    ) -> Result<(), BuildError> {
        let year = &agency.years[i];
        let previous = i
            .checked_sub(1)
            .map(|p| &agency.years[p])
            .filter(|p| p.year + 1 == year.year);
        let earlier = agency.years[..i].last();
        let next = agency.years.get(i + 1);
        #[derive(Serialize)]
        struct TableView {
            id: String,
            class: String,
            caption: String,
            /// The header and body rows (see `table::grid_html`).
            html: String,
            notes: Vec<Note>,
            /// Notes printed with cells (「其中修订5件」), marked 注1, 注2… in the table.
            printed_notes: Vec<PrintedNote>,
            /// Whether the table has rows beyond the national template.
            extra_rows: bool,
        }
        #[derive(Serialize)]
        struct PartView {
            number: u8,
            anchor: String,
            heading: &'static str,
            html: String,
            tables: Vec<TableView>,
            notes: Vec<Note>,
        }
        #[derive(Serialize)]
        struct YearLink {
            label: String,
            href: String,
            year: u16,
        }
        #[derive(Serialize)]
        struct ReportView {
            title: String,
            /// The title in two parts that a desktop line break keeps whole: the agency, the rest.
            title_parts: [String; 2],
            year: u16,
            published: String,
            deadline: String,
            template: String,
            csv: String,
            json: String,
            xlsx: String,
            previous: Option<YearLink>,
            next: Option<YearLink>,
            compare: Option<YearLink>,
            notes: Vec<Note>,
        }
        #[derive(Serialize)]
        struct Figure {
            label: &'static str,
            value: String,
            mark: Option<Mark>,
            change: String,
            definition: &'static str,
        }
        let form = &year.form;
        let path = year_path(agency, year.year);
        let mut notes = agency_notes.0[i].clone();
        let mut note_count = 0;
        let mut ids = markdown::HeadingIds::default();
        let allow_html = self.site.config.allow_html;

        let mut parts = Vec::new();
        for part_def in &PARTS {
            let mut tables = Vec::new();
            for (t, table) in form.tables.iter().enumerate() {
                if table.part != part_def.number {
                    continue;
                }
                let Some(first) = first_cell(form, t) else {
                    continue;
                };
                let prefix = format!("t-{}", table.key.replace('.', "-"));
                let mut g = grid(table, first, &prefix, &|c| cell_anchor(&form.cells[c]));
                for row in &mut g.body {
                    for cell in row.iter_mut() {
                        if let Some(c) = cell.cell {
                            self.fill_cell(agency, year, previous, c, cell, &mut notes);
                            if let Some(note) = year.note(c) {
                                cell.note = note.to_string();
                                cell.note_label = form.cell_label(c);
                            }
                        }
                    }
                }
                let extra: Vec<_> = year
                    .extra_rows
                    .iter()
                    .filter(|x| x.table == t)
                    .map(|x| {
                        let cells = x
                            .cells
                            .iter()
                            .zip(&x.notes)
                            .zip(&table.columns)
                            .map(|((&value, note), column)| {
                                let mut cell = GridCell {
                                    text: cell_text(value, column.kind),
                                    class: "num extra",
                                    title: "本地增加的项目，不属于全国统一格式，不参与核对和比较"
                                        .to_string(),
                                    ..GridCell::default()
                                };
                                if let Some(note) = note {
                                    cell.note.clone_from(note);
                                    cell.note_label = format!(
                                        "「{} {}」×「{}」",
                                        table.caption, x.label, column.label
                                    );
                                }
                                cell
                            })
                            .collect();
                        (x.after, x.label.clone(), cells)
                    })
                    .collect();
                let has_extra = !extra.is_empty();
                insert_extra_rows(&mut g, &prefix, extra);
                // Number the printed notes in reading order (extra rows sit among the rows).
                let mut printed_notes = Vec::new();
                for row in &mut g.body {
                    for cell in row.iter_mut().filter(|c| !c.note.is_empty()) {
                        note_count += 1;
                        cell.note_mark = format!("注{note_count}");
                        cell.note_href = format!("fn-{note_count}");
                        printed_notes.push(PrintedNote {
                            id: cell.note_href.clone(),
                            mark: cell.note_mark.clone(),
                            label: std::mem::take(&mut cell.note_label),
                            text: cell.note.clone(),
                        });
                    }
                }
                tables.push(TableView {
                    class: format!("part{}", table.part),
                    caption: table.title(),
                    id: prefix,
                    html: grid_html(&g, &root_of(&path)),
                    notes: notes.take_table(table),
                    printed_notes,
                    extra_rows: has_extra,
                });
            }
            let html = year
                .narrative
                .section(part_def.number)
                .map(|s| markdown::render(year.narrative.body(s), allow_html, 0, &mut ids))
                .unwrap_or_default();
            if part_def.kind == PartKind::Tables || !html.is_empty() || !tables.is_empty() {
                parts.push(PartView {
                    number: part_def.number,
                    anchor: part_def.anchor(),
                    heading: part_def.heading,
                    html,
                    tables,
                    notes: notes.take_part(part_def.number),
                });
            }
        }
        let preamble = markdown::render(year.narrative.preamble_text(), allow_html, 0, &mut ids);
        let indicators: Vec<Figure> = INDICATORS
            .iter()
            .map(|i| {
                let value = indicator_value(i, year, previous);
                let change = match (i.kind, previous) {
                    (IndicatorKind::YearOnYear, _) | (_, None) => String::new(),
                    (kind, Some(p)) => {
                        let before = indicator_value(i, p, agency.year(p.year.wrapping_sub(1)));
                        match (value, before) {
                            (Some(now), Some(before)) if kind == IndicatorKind::Ratio => {
                                let points = (now - before) * 100.0;
                                if points.abs() < 0.05 {
                                    "持平".to_string()
                                } else {
                                    format!(
                                        "{}{:.1}个百分点",
                                        if points > 0.0 { "+" } else { "−" },
                                        points.abs()
                                    )
                                }
                            }
                            (Some(now), Some(before)) => crate::render::format::signed(
                                Decimal::try_from(now - before).unwrap_or_default(),
                            ),
                            _ => "无法比较".to_string(),
                        }
                    }
                };
                Figure {
                    label: i.label,
                    value: indicator_text(i, value),
                    mark: agency_notes.indicator_mark(agency, year.year, i),
                    change,
                    definition: i.definition,
                }
            })
            .collect();
        let link = |y: &Year| YearLink {
            label: format!("{}年度年报", y.year),
            href: year_path(agency, y.year),
            year: y.year,
        };
        let template = year.template.get();
        let title_rest = format!("{}年政府信息公开工作年度报告", year.year);
        let title = format!("{}{title_rest}", agency.name);
        let report = ReportView {
            title: title.clone(),
            title_parts: [agency.name.clone(), title_rest],
            year: year.year,
            published: year
                .published
                .map(|d| format!("{}（{}）", d.chinese(), timeliness(agency, year)))
                .unwrap_or_else(|| published_text(year)),
            deadline: agency.kind.deadline(year.year).chinese(),
            template: format!("{}（{}）", template.name, template.notice),
            csv: format!("{}/{}/data.csv", agency.slug, year.year),
            json: format!("{}/{}/data.json", agency.slug, year.year),
            xlsx: format!("{}/{}/data.xlsx", agency.slug, year.year),
            previous: earlier.map(link),
            next: next.map(link),
            compare: previous.map(|p| YearLink {
                label: format!("与{}年度逐项比较", p.year),
                href: compare_path(agency, year.year),
                year: p.year,
            }),
            notes: notes.take_rest(),
        };
        let mut ctx = self.context(
            &path,
            title,
            self.crumbs(Some(agency), vec![(format!("{}年度", year.year), None)]),
        );
        ctx.insert("report", &report);
        ctx.insert("draft_banner", &draft_banner(std::iter::once(year)));
        ctx.insert("parts", &parts);
        ctx.insert("preamble", &preamble.trim());
        ctx.insert("indicators", &indicators);
        out.put(&path, self.render("year.html", &ctx)?.into_bytes())?;
        Ok(())
    }

    /// Fills a data cell of a year's table: value, link to its metric page, change, mark.
    fn fill_cell(
        &self,
        agency: &Agency,
        year: &Year,
        previous: Option<&Year>,
        c: usize,
        cell: &mut GridCell,
        notes: &mut YearNotes<'_>,
    ) {
        let form = &year.form;
        let id = &form.cells[c];
        cell.text = cell_text(year.cells[c], form.kind(c));
        let (table, row, _) = form.place(c);
        cell.href = format!(
            "{}#{}",
            metric_path(agency, table.key),
            row_anchor(&row.key, Some(year.year))
        );
        cell.title = format!("{}：历年数字", form.cell_label(c));
        if year.computed[c] {
            cell.class = "num computed";
            cell.title = "data.yaml 中未填写，由 nianbao 按各列之和计算".to_string();
        }
        let change = Change::of(year, previous, id);
        cell.delta = change.text();
        cell.delta_class = change.class();
        if let Some((mark, note_id)) = notes.mark_for_cell(id) {
            cell.mark = mark;
            cell.mark_href = note_id;
            cell.class = if year.computed[c] {
                "num computed ack"
            } else {
                "num ack"
            };
        }
    }

    // ---- comparison page ---------------------------------------------------------------

    fn compare_page(
        &self,
        agency: &Agency,
        previous: &Year,
        year: &Year,
        notes: &AgencyNotes<'_>,
        out: &Output,
    ) -> Result<(), BuildError> {
        #[derive(Serialize)]
        struct Side {
            year: u16,
            label: String,
            href: String,
            template: &'static str,
        }
        /// One official row: its label and, per official column, last year, this year and the change.
        #[derive(Serialize)]
        struct Row {
            row: String,
            cells: Vec<Pair>,
        }
        #[derive(Serialize)]
        struct Pair {
            previous: String,
            current: String,
            previous_mark: Option<Mark>,
            current_mark: Option<Mark>,
            previous_href: Option<String>,
            current_href: Option<String>,
            change: String,
            percent: String,
            class: &'static str,
        }
        #[derive(Serialize)]
        struct CompareTable {
            id: String,
            caption: String,
            columns: Vec<String>,
            rows: Vec<Row>,
        }
        #[derive(Serialize)]
        struct Figure {
            label: &'static str,
            definition: &'static str,
            previous: String,
            current: String,
            previous_mark: Option<Mark>,
            current_mark: Option<Mark>,
        }
        #[derive(Serialize)]
        struct TextView {
            heading: &'static str,
            summary: String,
            sentences: Vec<repetition::Sentence>,
            removed: Vec<String>,
        }
        let form = &year.form;
        let mut tables = Vec::new();
        for (t, table) in form.tables.iter().enumerate() {
            let Some(first) = first_cell(form, t) else {
                continue;
            };
            let mut rows = Vec::new();
            for (r, row) in table.rows.iter().enumerate() {
                let mut cells = Vec::new();
                for c in 0..table.columns.len() {
                    let cell = first + r * table.columns.len() + c;
                    let id = &form.cells[cell];
                    let change = Change::of(year, Some(previous), id);
                    let comparable = !matches!(change, Change::NotComparable);
                    let kind = form.kind(cell);
                    cells.push(Pair {
                        previous: if comparable {
                            cell_text(cell_of(previous, id), kind)
                        } else {
                            "口径不同".to_string()
                        },
                        current: cell_text(year.cells[cell], kind),
                        previous_mark: comparable
                            .then(|| notes.mark(agency, previous.year, id))
                            .flatten(),
                        current_mark: notes.mark(agency, year.year, id),
                        previous_href: (comparable && previous.form.cell_index(id).is_some()).then(
                            || format!("{}#{}", year_path(agency, previous.year), cell_anchor(id)),
                        ),
                        current_href: Some(format!(
                            "{}#{}",
                            year_path(agency, year.year),
                            cell_anchor(id)
                        )),
                        change: change.text(),
                        percent: change.percent(),
                        class: if comparable { "" } else { "na" },
                    });
                }
                rows.push(Row {
                    row: row.full_label(),
                    cells,
                });
            }
            // A group one year prints as one row and the other splits: compare the sums.
            for (group, label, _, _) in table.mergeable_groups() {
                let group_row = format!("{}.{group}", table.key);
                let here = table.merged.contains(&group);
                let there = previous
                    .form
                    .table(table.key)
                    .is_some_and(|p| p.row(group).is_some());
                if here == there {
                    continue;
                }
                let cells = table
                    .columns
                    .iter()
                    .map(|column| {
                        let id = format!("{group_row}.{}", column.key);
                        let change = Change::of(year, Some(previous), &id);
                        Pair {
                            previous: cell_text(cell_of(previous, &id), column.kind),
                            current: cell_text(cell_of(year, &id), column.kind),
                            previous_mark: notes.mark(agency, previous.year, &id),
                            current_mark: notes.mark(agency, year.year, &id),
                            previous_href: None,
                            current_href: None,
                            change: change.text(),
                            percent: change.percent(),
                            class: "",
                        }
                    })
                    .collect();
                rows.push(Row {
                    row: format!("{label}（各项合计）"),
                    cells,
                });
            }
            tables.push(CompareTable {
                id: format!("t-{}", table.key.replace('.', "-")),
                caption: table.title(),
                // The unit of a money column goes into its header, as on the year page.
                columns: table
                    .columns
                    .iter()
                    .enumerate()
                    .map(|(c, column)| column_label(&table.rows[0], column, form.kind(first + c)))
                    .collect(),
                rows,
            });
        }
        let not_comparable: Vec<String> = previous
            .form
            .cells
            .iter()
            .enumerate()
            .filter(|(_, id)| !has_cell(year, id))
            .filter(|(_, id)| {
                // Items of a group this year prints as one row are compared as a sum above.
                let group_cell = id
                    .rsplit_once('.')
                    .and_then(|(row, col)| row.rsplit_once('.').map(|(g, _)| format!("{g}.{col}")));
                group_cell.is_none_or(|g| form.cell_index(&g).is_none())
            })
            .map(|(i, _)| previous.form.cell_label(i))
            .collect();
        let indicators: Vec<Figure> = INDICATORS
            .iter()
            .filter(|i| i.kind != IndicatorKind::YearOnYear)
            .map(|i| Figure {
                label: i.label,
                definition: i.definition,
                previous: indicator_text(i, indicator_value(i, previous, None)),
                current: indicator_text(i, indicator_value(i, year, Some(previous))),
                previous_mark: notes.indicator_mark(agency, previous.year, i),
                current_mark: notes.indicator_mark(agency, year.year, i),
            })
            .collect();
        let texts: Vec<TextView> = PARTS
            .iter()
            .filter(|p| p.kind == PartKind::Prose)
            .filter_map(|p| {
                let now = year.narrative.section(p.number)?;
                let before = previous.narrative.section(p.number)?;
                let c =
                    repetition::compare(previous.narrative.body(before), year.narrative.body(now));
                Some(TextView {
                    heading: p.heading,
                    summary: format!(
                        "本年 {} 句中有 {} 句与上年相同（{:.0}%），删去上年 {} 句。",
                        c.sentences.len(),
                        c.repeated,
                        c.share * 100.0,
                        c.removed.len()
                    ),
                    sentences: c.sentences,
                    removed: c.removed,
                })
            })
            .collect();
        let side = |y: &Year| Side {
            year: y.year,
            label: format!("{}年度年报", y.year),
            href: year_path(agency, y.year),
            template: y.template.get().name,
        };
        let path = compare_path(agency, year.year);
        let title = format!(
            "{}{}年与{}年年报比较",
            agency.name, year.year, previous.year
        );
        let mut ctx = self.context(
            &path,
            title.clone(),
            self.crumbs(
                Some(agency),
                vec![
                    (
                        format!("{}年度", year.year),
                        Some(year_path(agency, year.year)),
                    ),
                    (format!("与{}年比较", previous.year), None),
                ],
            ),
        );
        ctx.insert("title", &title);
        ctx.insert("previous", &side(previous));
        ctx.insert("current", &side(year));
        ctx.insert("draft_banner", &draft_banner([previous, year].into_iter()));
        ctx.insert("template_change", &(previous.template != year.template));
        ctx.insert("tables", &tables);
        ctx.insert("not_comparable", &not_comparable);
        ctx.insert("indicators", &indicators);
        ctx.insert("texts", &texts);
        out.put(&path, self.render("compare.html", &ctx)?.into_bytes())?;
        Ok(())
    }

    // ---- metric pages ------------------------------------------------------------------

    fn metric_pages(
        &self,
        agency: &Agency,
        notes: &AgencyNotes<'_>,
        out: &Output,
    ) -> Result<(), BuildError> {
        #[derive(Serialize)]
        struct MetricCell {
            text: String,
            href: Option<String>,
            mark: Option<Mark>,
        }
        #[derive(Serialize)]
        struct MetricYear {
            year: u16,
            id: String,
            href: String,
            cells: Vec<MetricCell>,
        }
        #[derive(Serialize)]
        struct Section {
            id: String,
            label: String,
            columns: Vec<String>,
            years: Vec<MetricYear>,
        }
        #[derive(Serialize)]
        struct MetricView {
            title: String,
            part: &'static str,
            sections: Vec<Section>,
            note: Option<String>,
        }
        let rows = metric_rows(agency);
        let mut tables: Vec<&'static str> = Vec::new();
        for row in &rows {
            if !tables.contains(&row.table) {
                tables.push(row.table);
            }
        }
        for table in tables {
            let mut has_gap = false;
            let mut sections = Vec::new();
            let mut title = String::new();
            let mut part_number = 2;
            for row in rows.iter().filter(|r| r.table == table) {
                title.clone_from(&row.table_title);
                part_number = row.part;
                let years = agency
                    .years
                    .iter()
                    .map(|y| MetricYear {
                        year: y.year,
                        id: row_anchor(&row.row, Some(y.year)),
                        href: year_path(agency, y.year),
                        cells: row
                            .columns
                            .iter()
                            .map(|(key, _)| {
                                let id = format!("{}.{key}", row.id);
                                match y.form.cell_index(&id) {
                                    Some(i) => MetricCell {
                                        text: cell_text(y.cells[i], y.form.kind(i)),
                                        href: Some(format!(
                                            "{}#{}",
                                            year_path(agency, y.year),
                                            cell_anchor(&id)
                                        )),
                                        mark: notes.mark(agency, y.year, &id),
                                    },
                                    None => {
                                        has_gap = true;
                                        MetricCell {
                                            text: "口径不同".to_string(),
                                            href: None,
                                            mark: None,
                                        }
                                    }
                                }
                            })
                            .collect(),
                    })
                    .collect();
                sections.push(Section {
                    id: row_anchor(&row.row, None),
                    label: row.label.clone(),
                    columns: row.columns.iter().map(|(_, l)| l.clone()).collect(),
                    years,
                });
            }
            let path = metric_path(agency, table);
            let metric = MetricView {
                title: title.clone(),
                part: part(part_number).heading,
                sections,
                note: has_gap.then(|| {
                    "“口径不同”表示该年度使用的年报格式没有这一项（2019年格式与2021年格式的项目不完全相同）。"
                        .to_string()
                }),
            };
            let mut ctx = self.context(
                &path,
                format!("{}：{}（历年）", agency.short_name, title),
                self.crumbs(Some(agency), vec![(format!("{title}（历年）"), None)]),
            );
            ctx.insert("metric", &metric);
            ctx.insert("draft_banner", &draft_banner(agency.years.iter()));
            ctx.insert("agency_name", &agency.name);
            out.put(&path, self.render("metric.html", &ctx)?.into_bytes())?;
        }
        Ok(())
    }

    fn not_found_page(&self, out: &Output) -> Result<(), BuildError> {
        let path = "404.html".to_string();
        let mut ctx = self.context(&path, "页面不存在".to_string(), Vec::new());
        // The 404 page is served at any depth: link by the site's address when known.
        let root = self
            .options
            .not_found_root
            .clone()
            .or_else(|| self.base_url())
            .unwrap_or_default();
        ctx.insert("root", &root);
        ctx.insert("home", &format!("{root}index.html"));
        out.put(&path, self.render("404.html", &ctx)?.into_bytes())?;
        Ok(())
    }
}

// ---- helpers ---------------------------------------------------------------------------------

/// The index of a table's first cell in its form.
fn first_cell(form: &crate::definition::Form, table: usize) -> Option<usize> {
    form.places.iter().position(|p| p.table == table)
}

/// A column's label with the unit of the cell when neither the column nor the row names it
/// (「采购总金额（万元）」; the fee rows of 六 say 「（单位：元）」 themselves).
fn column_label(row: &Row, column: &Column, kind: CellKind) -> String {
    if row.labels.iter().any(|l| l.contains("单位")) {
        column.label.to_string()
    } else {
        label_with_unit(column.label, kind)
    }
}

/// The text of the 草稿（未发布） banner of a page that shows these years, if any is a draft.
fn draft_banner<'y>(years: impl Iterator<Item = &'y Year>) -> Option<String> {
    let drafts: Vec<String> = years
        .filter(|y| y.draft)
        .map(|y| format!("{}年度", y.year))
        .collect();
    (!drafts.is_empty()).then(|| {
        format!(
            "本页含{}的草稿：数字和文字尚未定稿，不是正式发布的年报。",
            drafts.join("、")
        )
    })
}

/// The publication date in words: the date, 草稿（未发布）, or 不详.
fn published_text(year: &Year) -> String {
    match year.published {
        Some(date) => date.chinese(),
        None if year.draft => "草稿（未发布）".to_string(),
        None => "不详".to_string(),
    }
}

/// A note printed with a cell in the report, listed under its table.
#[derive(Serialize)]
struct PrintedNote {
    id: String,
    mark: String,
    label: String,
    text: String,
}

/// Whether the report was published on time, in words.
fn timeliness(agency: &Agency, year: &Year) -> String {
    match year.published {
        None if year.draft => "尚未发布".to_string(),
        None => "发布日期不详".to_string(),
        Some(date) if date <= agency.kind.deadline(year.year) => "按时发布".to_string(),
        Some(_) => format!(
            "逾期发布（期限 {}）",
            agency.kind.deadline(year.year).chinese()
        ),
    }
}

/// A row of some table in some year of an agency: the subject of a metric page.
pub(crate) struct MetricRow {
    /// `table.row`, e.g. `requests.withheld.state_secret`.
    pub id: String,
    /// The table key and the row key within it.
    pub table: &'static str,
    pub row: String,
    /// The table's title on its metric page.
    pub table_title: String,
    pub label: String,
    pub group: String,
    pub part: u8,
    /// Column keys and labels (with the unit of money cells), the union over the years in order
    /// of appearance.
    pub columns: Vec<(&'static str, String)>,
}

/// The rows of all years of an agency, newest template first, each once.
pub(crate) fn metric_rows(agency: &Agency) -> Vec<MetricRow> {
    let mut out: Vec<MetricRow> = Vec::new();
    for year in agency.years.iter().rev() {
        for table in &year.form.tables {
            for row in &table.rows {
                let id = format!("{}.{}", table.key, row.key);
                let existing = out.iter().position(|m| m.id == id);
                let index = match existing {
                    Some(i) => i,
                    None => {
                        let label = table.row_label(row);
                        out.push(MetricRow {
                            id: id.clone(),
                            table: table.key,
                            row: row.key.clone(),
                            table_title: table.title(),
                            label,
                            group: part(table.part).heading.to_string(),
                            part: table.part,
                            columns: Vec::new(),
                        });
                        out.len() - 1
                    }
                };
                for column in &table.columns {
                    if !out[index].columns.iter().any(|(k, _)| *k == column.key) {
                        let kind = row.kind.unwrap_or(column.kind);
                        out[index]
                            .columns
                            .push((column.key, column_label(row, column, kind)));
                    }
                }
            }
        }
    }
    out.sort_by_key(|m| m.part);
    out
}

// ---- acknowledged problems on the year page ------------------------------------------------

#[derive(Clone, Serialize)]
struct Note {
    id: String,
    mark: String,
    title: String,
    label: String,
    detail: String,
    reason: String,
    #[serde(skip)]
    cell: Option<String>,
    /// Every cell the note is about (several when one entry covers a group).
    #[serde(skip)]
    cells: Vec<String>,
}

/// The ※ mark of an acknowledged problem where a cell appears outside its year page: the mark,
/// a link to the note on the year page and the note in words (for `title` and lists).
#[derive(Clone, Serialize)]
struct Mark {
    text: String,
    href: String,
    title: String,
}

impl Mark {
    fn of(note: &Note, year_page: &str) -> Mark {
        let mut title = format!("已确认的问题：{}", note.title);
        if !note.label.is_empty() {
            title.push('：');
            title.push_str(&note.label);
        }
        if !note.detail.is_empty() {
            title.push_str(&format!("（{}）", note.detail));
        }
        title.push_str(&format!("。说明：{}", note.reason));
        Mark {
            text: note.mark.clone(),
            href: format!("{year_page}#{}", note.id),
            title,
        }
    }
}

/// The acknowledged problems of every year of an agency, in the order of its years.
struct AgencyNotes<'a>(Vec<YearNotes<'a>>);

impl<'a> AgencyNotes<'a> {
    fn of(&self, year: u16) -> Option<&YearNotes<'a>> {
        self.0.iter().find(|n| n.year.year == year)
    }

    /// The mark of an indicator of a year when a cell it is computed from has an acknowledged
    /// problem (a printed-but-wrong 0 is not drawn as a fact).
    fn indicator_mark(&self, agency: &Agency, year: u16, indicator: &Indicator) -> Option<Mark> {
        let notes = self.of(year)?;
        let mut ids = indicator.numerator.iter().chain(indicator.denominator);
        let note = ids.find_map(|id| notes.touching(id))?;
        Some(Mark::of(note, &year_path(agency, year)))
    }

    /// The mark of a cell of a year, for pages other than the year page.
    fn mark(&self, agency: &Agency, year: u16, cell_id: &str) -> Option<Mark> {
        let notes = self.of(year)?;
        let note = notes.touching(cell_id)?;
        Some(Mark::of(note, &year_path(agency, year)))
    }
}

/// The acknowledged problems of one year, handed out to the tables, parts and page top.
#[derive(Clone)]
struct YearNotes<'a> {
    year: &'a Year,
    notes: Vec<Note>,
}

impl<'a> YearNotes<'a> {
    fn new(diagnostics: &[Diagnostic], year: &'a Year) -> YearNotes<'a> {
        // One note per acknowledgement entry: an entry that covers a row, a table or a
        // pattern of cells gives one note, and every cell it covers carries its mark.
        let mut notes: Vec<Note> = Vec::new();
        let mut counts: Vec<usize> = Vec::new();
        let mut by_entry: std::collections::HashMap<usize, usize> =
            std::collections::HashMap::new();
        for d in diagnostics
            .iter()
            .filter(|d| d.acknowledged.is_some() && crate::check::belongs_to(year, &d.file))
        {
            if let Some(entry) = d.acknowledged_by
                && let Some(&n) = by_entry.get(&entry)
            {
                counts[n] += 1;
                notes[n].cells.extend(d.cell.clone());
                continue;
            }
            let i = notes.len();
            if let Some(entry) = d.acknowledged_by {
                by_entry.insert(entry, i);
            }
            counts.push(1);
            notes.push(Note {
                id: format!("note-{}", i + 1),
                mark: format!("※{}", i + 1),
                title: code_info(d.code)
                    .map(|c| c.title.to_string())
                    .unwrap_or_default(),
                label: d.label.clone().unwrap_or_default(),
                detail: match (&d.expected, &d.found) {
                    (Some(e), Some(f)) => format!("应为：{e}；实为：{f}"),
                    _ => String::new(),
                },
                reason: d.acknowledged.clone().unwrap_or_default(),
                cell: d.cell.clone(),
                cells: d.cell.clone().into_iter().collect(),
            });
        }
        for (note, count) in notes.iter_mut().zip(counts) {
            if count > 1 {
                note.label = format!("{}等 {count} 处", note.label);
                note.detail = String::new();
            }
        }
        YearNotes { year, notes }
    }

    /// The mark of the note about a cell (or the row or group holding it, shown at its first cell).
    fn mark_for_cell(&self, cell_id: &str) -> Option<(String, String)> {
        self.notes.iter().find_map(|n| {
            let target = n.cell.as_deref()?;
            let hit = n.cells.len() > 1 && n.cells.iter().any(|c| c == cell_id)
                || target == cell_id
                || (cell_id.starts_with(&format!("{target}."))
                    && self
                        .year
                        .form
                        .cells
                        .iter()
                        .find(|c| c.starts_with(&format!("{target}.")))
                        .is_some_and(|first| first == cell_id));
            hit.then(|| (n.mark.clone(), n.id.clone()))
        })
    }

    /// The note about a cell, or about a row, group or table that holds it (every cell of an
    /// acknowledged row carries the mark outside the year page).
    /// A note that covers a group of cells (one acknowledgement for a row, a table or a
    /// pattern) marks each of them. Bounded by the cells of one year's form.
    fn touching(&self, cell_id: &str) -> Option<&Note> {
        // `inner` is `outer` or lies inside it (`review.reconsideration` holds
        // `review.reconsideration.total`).
        fn within(inner: &str, outer: &str) -> bool {
            inner
                .strip_prefix(outer)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
        }
        self.notes.iter().find(|n| {
            n.cell
                .iter()
                .chain(&n.cells)
                .any(|target| within(cell_id, target) || within(target, cell_id))
        })
    }

    fn take(&mut self, keep: impl Fn(&Note) -> bool) -> Vec<Note> {
        let (taken, rest): (Vec<Note>, Vec<Note>) = self.notes.drain(..).partition(|n| keep(n));
        self.notes = rest;
        taken
    }

    fn take_table(&mut self, table: &Table) -> Vec<Note> {
        let prefix = format!("{}.", table.key);
        self.take(|n| n.cell.as_deref().is_some_and(|c| c.starts_with(&prefix)))
    }

    fn take_part(&mut self, part: u8) -> Vec<Note> {
        let anchor = format!("part{part}");
        self.take(|n| n.cell.as_deref() == Some(anchor.as_str()))
    }

    fn take_rest(&mut self) -> Vec<Note> {
        self.take(|_| true)
    }
}

//! A year's page: the report as published, its tables filled from data.yaml.

use super::*;

impl Renderer<'_> {
    // ---- year page ---------------------------------------------------------------------

    /// The page of the `i`th year of an agency.
    pub(super) fn year_page(
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
            docx: String,
            docx_name: String,
            pdf: Option<String>,
            cms: String,
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
        let mut pieces = Pieces::default();

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
                let prefix = table_prefix(t);
                let grid = shared_year_grid(form, t, first, &prefix, Some(cell_anchor));
                let across = table.layout == Layout::GroupsAcross;
                let extra: Vec<_> = year
                    .extra_rows
                    .iter()
                    .filter(|x| x.table == t)
                    .map(|x| {
                        let cells = crate::render::table::extra_row_cells(table, x);
                        (x.after, x.label.clone(), cells)
                    })
                    .collect();
                let has_extra = !extra.is_empty();
                let mut extra = extra_grid_rows(&grid, &prefix, extra);
                // Each cell filled as it is written; the printed notes numbered in reading
                // order (extra rows sit among the rows).
                let mut printed_notes = Vec::new();
                let html = grid_html(&grid, &mut extra, &mut |r, cell| {
                    // A row's cells all link to the same year of the same row of the metric
                    // page: the row label carries that link once (the last header of the row).
                    if let (false, Some(r), "th") = (across, r, cell.tag)
                        && let Some(row_def) = table.rows.get(r)
                        && is_row_label(&grid.body[r], cell)
                    {
                        cell.href = metric_href_from_year(table.key, &row_def.key, year.year);
                    }
                    if let Some(c) = cell.cell {
                        self.fill_cell(year, previous, c, cell, &mut notes);
                        if let Some(note) = year.note(c) {
                            cell.note = note.to_string();
                            cell.note_label = form.cell_label(c);
                        }
                    }
                    if !cell.note.is_empty() {
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
                });
                tables.push(TableView {
                    class: format!("part{}", table.part),
                    caption: table.title(),
                    id: format!("t-{}", table.key.replace('.', "-")),
                    html: pieces.add(html),
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
                    html: pieces.add(html),
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
            docx: super::document::docx_path(agency, year.year),
            docx_name: format!("{title}.docx"),
            pdf: super::document::pdf_path(self.options, agency, year.year),
            cms: super::document::cms_path(agency, year.year),
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
        ctx.insert("preamble", &pieces.add(preamble.trim().to_string()));
        ctx.insert("indicators", &indicators);
        out.put(&path, self.render_with_pieces("year.html", &ctx, &pieces)?)?;
        Ok(())
    }

    /// Fills a data cell of a year's table: value, link to its metric page, change, mark.
    pub(super) fn fill_cell(
        &self,
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
        if table.layout == Layout::GroupsAcross {
            cell.href = metric_href_from_year(table.key, &row.key, year.year);
        }
        if year.computed[c] {
            cell.class = "computed";
            cell.title = "data.yaml 中未填写，由 nianbao 按各列之和计算".to_string();
        }
        let change = Change::of_cell(year, previous, c);
        cell.delta = change.text();
        cell.delta_class = change.class();
        if let Some((mark, note_id)) = notes.mark_for_cell(id) {
            cell.mark = mark;
            cell.mark_href = note_id;
            cell.class = if year.computed[c] {
                "computed ack"
            } else {
                "ack"
            };
        }
    }
}

/// Whether `cell` (a header cell of a template row of a cached grid) is the row's last header,
/// its label: the cell whose id is that of the row's last `th`.
fn is_row_label(row: &[GridCell], cell: &GridCell) -> bool {
    row.iter()
        .rev()
        .find(|c| c.tag == "th")
        .is_some_and(|label| label.id == cell.id)
}

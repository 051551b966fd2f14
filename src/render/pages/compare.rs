//! The comparison page: one year beside the year before, cell by cell and in the narrative.

use super::compare_table::{ComparePair, CompareRow, PageIds, compare_table_html, shown_change};
use super::*;

impl Renderer<'_> {
    // ---- comparison page ---------------------------------------------------------------

    pub(super) fn compare_page(
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
        #[derive(Serialize)]
        struct CompareTable {
            id: String,
            caption: String,
            /// Whether last year's page has this table too (for the link to it).
            previous_has: bool,
            /// The header and body rows (see `compare_table::compare_table_html`).
            html: String,
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
        let root = root_of(&compare_path(agency, year.year));
        let mut tables = Vec::new();
        let mut ids = PageIds::default();
        let mut pieces = Pieces::default();
        // The same form both years: every cell at the same place, none missing this year.
        let same = same_form(previous, year);
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
                    let change = Change::of_cell(year, Some(previous), cell);
                    let comparable = !matches!(change, Change::NotComparable);
                    let kind = form.kind(cell);
                    cells.push(ComparePair {
                        previous: if comparable {
                            cell_text(cell_of_index(previous, year, cell), kind)
                        } else {
                            "口径不同".to_string()
                        },
                        current: cell_text(year.cells[cell], kind),
                        previous_mark: comparable
                            .then(|| notes.mark(agency, previous.year, id))
                            .flatten(),
                        current_mark: notes.mark(agency, year.year, id),
                        change: shown_change(&change, comparable),
                        class: change.class(),
                    });
                }
                rows.push(CompareRow {
                    label: row.full_label(),
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
                        ComparePair {
                            previous: cell_text(cell_of(previous, &id), column.kind),
                            current: cell_text(cell_of(year, &id), column.kind),
                            previous_mark: notes.mark(agency, previous.year, &id),
                            current_mark: notes.mark(agency, year.year, &id),
                            change: shown_change(&change, true),
                            class: change.class(),
                        }
                    })
                    .collect();
                rows.push(CompareRow {
                    label: format!("{label}（各项合计）"),
                    cells,
                });
            }
            // The unit of a money column goes into its header, as on the year page.
            let columns: Vec<String> = table
                .columns
                .iter()
                .enumerate()
                .map(|(c, column)| column_label(&table.rows[0], column, form.kind(first + c)))
                .collect();
            tables.push(CompareTable {
                id: format!("t-{}", table.key.replace('.', "-")),
                caption: table.title(),
                previous_has: previous.form.table(table.key).is_some(),
                html: pieces.add(compare_table_html(
                    &mut ids,
                    &columns,
                    &rows,
                    (previous.year, year.year),
                    &root,
                )),
            });
        }
        let not_comparable: Vec<String> = previous
            .form
            .cells
            .iter()
            .enumerate()
            .filter(|(_, id)| !same && !has_cell(year, id))
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
                let now = repetition::part_sentences(&year.narrative, p.number)?;
                let before = repetition::part_sentences(&previous.narrative, p.number)?;
                let c = repetition::compare_sentences(before, now);
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
        out.put(
            &path,
            self.render_with_pieces("compare.html", &ctx, &pieces)?,
        )?;
        Ok(())
    }
}

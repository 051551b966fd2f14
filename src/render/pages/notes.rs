//! Acknowledged problems, marked wherever the cells they cover appear.

use std::collections::HashMap;
use std::path::Path;

use super::*;

// ---- acknowledged problems on the year page ------------------------------------------------

#[derive(Clone, Serialize)]
pub(super) struct Note {
    pub(super) id: String,
    pub(super) mark: String,
    pub(super) title: String,
    pub(super) label: String,
    pub(super) detail: String,
    pub(super) reason: String,
    #[serde(skip)]
    pub(super) cell: Option<String>,
    /// Every cell the note is about (several when one entry covers a group).
    #[serde(skip)]
    pub(super) cells: Vec<String>,
}

/// The ※ mark of an acknowledged problem where a cell appears outside its year page: the mark,
/// a link to the note on the year page and the note in words (for `title` and lists).
#[derive(Clone, Serialize)]
pub(super) struct Mark {
    pub(super) text: String,
    pub(super) href: String,
    pub(super) title: String,
}

impl Mark {
    pub(super) fn of(note: &Note, year_page: &str) -> Mark {
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
pub(super) struct AgencyNotes<'a>(pub(super) Vec<YearNotes<'a>>);

impl<'a> AgencyNotes<'a> {
    pub(super) fn of(&self, year: u16) -> Option<&YearNotes<'a>> {
        self.0.iter().find(|n| n.year.year == year)
    }

    /// The mark of an indicator of a year when a cell it is computed from has an acknowledged
    /// problem (a printed-but-wrong 0 is not drawn as a fact).
    pub(super) fn indicator_mark(
        &self,
        agency: &Agency,
        year: u16,
        indicator: &Indicator,
    ) -> Option<Mark> {
        let notes = self.of(year)?;
        let mut ids = indicator.numerator.iter().chain(indicator.denominator);
        let note = ids.find_map(|id| notes.touching(id))?;
        Some(Mark::of(note, &year_path(agency, year)))
    }

    /// The mark of a cell of a year, for pages other than the year page.
    pub(super) fn mark(&self, agency: &Agency, year: u16, cell_id: &str) -> Option<Mark> {
        let notes = self.of(year)?;
        let note = notes.touching(cell_id)?;
        Some(Mark::of(note, &year_path(agency, year)))
    }
}

/// The acknowledged problems of one year, handed out to the tables, parts and page top.
#[derive(Clone)]
pub(super) struct YearNotes<'a> {
    pub(super) year: &'a Year,
    pub(super) notes: Vec<Note>,
}

/// The acknowledged diagnostics of each file (their places in the site's list), made once per
/// build: a year finds its own without going through every diagnostic of the site, which made a
/// build quadratic in the number of agencies (issue 15).
#[derive(Default)]
pub(crate) struct Acknowledged<'d>(std::sync::OnceLock<HashMap<&'d Path, Vec<usize>>>);

impl<'d> Acknowledged<'d> {
    /// The acknowledged diagnostics of a year's files, in the site's order.
    pub(super) fn of_year(
        &self,
        diagnostics: &'d [Diagnostic],
        year: &Year,
    ) -> Vec<&'d Diagnostic> {
        let index = self.0.get_or_init(|| {
            let mut index: HashMap<&Path, Vec<usize>> = HashMap::new();
            for (i, d) in diagnostics.iter().enumerate() {
                if d.acknowledged.is_some() {
                    index.entry(d.file.as_path()).or_default().push(i);
                }
            }
            index
        });
        let mut found: Vec<usize> = [year.data_file.as_path(), year.report_file.as_path()]
            .iter()
            .filter_map(|file| index.get(file))
            .flatten()
            .copied()
            .collect();
        found.sort_unstable();
        found.dedup();
        found.into_iter().map(|i| &diagnostics[i]).collect()
    }
}

impl<'a> YearNotes<'a> {
    /// The notes of `year` from its acknowledged diagnostics (`Acknowledged::of_year`).
    pub(super) fn new(acknowledged: Vec<&Diagnostic>, year: &'a Year) -> YearNotes<'a> {
        // One note per acknowledgement entry: an entry that covers a row, a table or a
        // pattern of cells gives one note, and every cell it covers carries its mark.
        let mut notes: Vec<Note> = Vec::new();
        let mut counts: Vec<usize> = Vec::new();
        let mut by_entry: std::collections::HashMap<usize, usize> =
            std::collections::HashMap::new();
        for d in acknowledged {
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
    pub(super) fn mark_for_cell(&self, cell_id: &str) -> Option<(String, String)> {
        self.notes.iter().find_map(|n| {
            let target = n.cell.as_deref()?;
            // `cell` lies inside `target` (`requests.received` holds `requests.received.total`).
            let inside = |cell: &str| {
                cell.strip_prefix(target)
                    .is_some_and(|rest| rest.starts_with('.'))
            };
            let hit = n.cells.len() > 1 && n.cells.iter().any(|c| c == cell_id)
                || target == cell_id
                || (inside(cell_id)
                    && self
                        .year
                        .form
                        .cells
                        .iter()
                        .find(|c| inside(c))
                        .is_some_and(|first| first == cell_id));
            hit.then(|| (n.mark.clone(), n.id.clone()))
        })
    }

    /// The note about a cell, or about a row, group or table that holds it (every cell of an
    /// acknowledged row carries the mark outside the year page).
    /// A note that covers a group of cells (one acknowledgement for a row, a table or a
    /// pattern) marks each of them. Bounded by the cells of one year's form.
    pub(super) fn touching(&self, cell_id: &str) -> Option<&Note> {
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

    pub(super) fn take(&mut self, keep: impl Fn(&Note) -> bool) -> Vec<Note> {
        let (taken, rest): (Vec<Note>, Vec<Note>) = self.notes.drain(..).partition(|n| keep(n));
        self.notes = rest;
        taken
    }

    pub(super) fn take_table(&mut self, table: &Table) -> Vec<Note> {
        let prefix = format!("{}.", table.key);
        self.take(|n| n.cell.as_deref().is_some_and(|c| c.starts_with(&prefix)))
    }

    pub(super) fn take_part(&mut self, part: u8) -> Vec<Note> {
        let anchor = format!("part{part}");
        self.take(|n| n.cell.as_deref() == Some(anchor.as_str()))
    }

    pub(super) fn take_rest(&mut self) -> Vec<Note> {
        self.take(|_| true)
    }
}

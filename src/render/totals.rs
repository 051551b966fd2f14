//! Jurisdiction totals: the sum over agencies of every cell of parts 二, 三, 四 and the fee figures
//! of 六, per report year, in the form of the year's template. A computed 汇总, never a report.
//!
//! A cell is summed only when every included year has it (its own cell, or its group's items
//! summed, as the comparisons find it): a year that prints a group as one row makes that group's
//! items not comparable (「—」), never a partial sum. A blank (「/」) counts as 0 and is counted.
//! Rows a province adds to part 二 are not summed. Linear in agencies × cells.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use rust_decimal::Decimal;

use crate::definition::{Form, TemplateId};
use crate::model::{Agency, Cell, Year};
use crate::render::compare::cell_of;

/// The sums of one set of years over one form.
pub(crate) struct Sums {
    /// One per cell of the form: None when some year lacks the cell (not comparable) or the sum
    /// overflows.
    pub values: Vec<Option<Decimal>>,
    /// How many years left the cell blank (「/」), counted as 0.
    pub blanks: Vec<usize>,
}

impl Sums {
    pub(crate) fn of(form: &Arc<Form>, years: &[&Year]) -> Sums {
        let n = form.cells.len();
        let mut values = vec![Some(Decimal::ZERO); n];
        let mut blanks = vec![0; n];
        for year in years {
            let same = Arc::ptr_eq(&year.form, form);
            for (i, id) in form.cells.iter().enumerate() {
                let Some(sum) = values[i] else { continue };
                let cell = if same {
                    year.cells[i]
                } else {
                    cell_of(year, id)
                };
                values[i] = match cell {
                    Cell::Value(v) => sum.checked_add(v),
                    Cell::NotReported => {
                        blanks[i] += 1;
                        Some(sum)
                    }
                    Cell::Missing => None,
                };
            }
        }
        Sums { values, blanks }
    }

    /// The sums of two sets of years over the same form, as `of` gives them over both sets.
    fn add(&self, other: &Sums) -> Sums {
        Sums {
            values: self
                .values
                .iter()
                .zip(&other.values)
                .map(|(a, b)| a.zip(*b).and_then(|(a, b)| a.checked_add(b)))
                .collect(),
            blanks: self
                .blanks
                .iter()
                .zip(&other.blanks)
                .map(|(a, b)| a + b)
                .collect(),
        }
    }

    /// The sum of a cell id of `form`, None when not comparable.
    pub(crate) fn value(&self, form: &Form, id: &str) -> Option<Decimal> {
        self.values[form.cell_index(id)?]
    }
}

/// The totals of one report year.
pub(crate) struct YearTotals<'a> {
    /// The form of the year's template, the layout of the sums.
    pub form: Arc<Form>,
    /// The agencies whose report of the year is included (published, or drafts when rendered).
    pub included: Vec<&'a Agency>,
    pub sums: Sums,
    /// Against the previous year, over the agencies included in both years.
    pub previous: Option<Previous<'a>>,
}

/// The previous year's totals over the agencies included in both years.
pub(crate) struct Previous<'a> {
    pub year: u16,
    pub form: Arc<Form>,
    /// The agencies in both years.
    pub common: Vec<&'a Agency>,
    /// This year's sums over `common` (the same as the year's when every agency is in both).
    pub current: Option<Sums>,
    pub sums: Sums,
}

/// How many agencies a block of `TotalsPieces` sums.
const BLOCK: usize = 32;

/// The sums of one block of agencies for one year: this year's over those with the year; last
/// year's and this year's over those with both.
struct BlockSums {
    now: Sums,
    before: Option<Sums>,
    now_common: Option<Sums>,
}

/// The sums of one block of agencies (all with the year): see `BlockSums`.
fn block_sums(
    chunk: &[&Agency],
    year: u16,
    form: &Arc<Form>,
    previous: Option<(u16, &Arc<Form>)>,
) -> BlockSums {
    let now: Vec<&Year> = chunk.iter().filter_map(|a| a.year(year)).collect();
    let (before, now_common) = match previous {
        None => (None, None),
        Some((before, previous_form)) => {
            let common: Vec<&Agency> = chunk
                .iter()
                .copied()
                .filter(|a| a.year(before).is_some())
                .collect();
            let then: Vec<&Year> = common.iter().filter_map(|a| a.year(before)).collect();
            let now: Vec<&Year> = common.iter().filter_map(|a| a.year(year)).collect();
            (
                Some(Sums::of(previous_form, &then)),
                Some(Sums::of(form, &now)),
            )
        }
    };
    BlockSums {
        now: Sums::of(form, &now),
        before,
        now_common,
    }
}

/// The totals' sums kept by blocks of `BLOCK` agencies (in portal order), so that a change of one
/// agency (in `serve`) sums its block again and adds the blocks' sums, instead of summing every
/// agency. A block is known by its year and its agencies' folder names.
#[derive(Default)]
pub(crate) struct TotalsPieces {
    /// Each block's sums and the round it was last used in.
    blocks: HashMap<(u16, Vec<String>), (u64, BlockSums)>,
    /// Counts the updates.
    round: u64,
}

impl TotalsPieces {
    /// Drops the blocks of the agencies `changed` (all when None), and those the last pages did
    /// not use (their agencies are now in other blocks).
    pub(crate) fn update(&mut self, changed: Option<&BTreeSet<String>>) {
        let round = self.round;
        match changed {
            None => self.blocks.clear(),
            Some(changed) => self.blocks.retain(|(_, slugs), (used, _)| {
                *used == round && !slugs.iter().any(|s| changed.contains(s))
            }),
        }
        self.round += 1;
    }
}

/// The totals of `year` over `agencies` (in portal order), from the sums of blocks kept in
/// `pieces` (those missing summed now); None when no agency has the year or no template defines it.
pub(crate) fn year_totals<'a>(
    agencies: &[&'a Agency],
    year: u16,
    pieces: &mut TotalsPieces,
) -> Option<YearTotals<'a>> {
    let form = TemplateId::for_year(year)?.get().form.clone();
    let included: Vec<&Agency> = agencies
        .iter()
        .copied()
        .filter(|a| a.year(year).is_some())
        .collect();
    if included.is_empty() {
        return None;
    }
    let before = year.checked_sub(1);
    let previous_form = before
        .and_then(TemplateId::for_year)
        .map(|t| t.get().form.clone());
    let keys: Vec<_> = included
        .chunks(BLOCK)
        .map(|chunk| {
            (
                year,
                chunk.iter().map(|a| a.slug.clone()).collect::<Vec<_>>(),
            )
        })
        .collect();
    let round = pieces.round;
    for (key, chunk) in keys.iter().zip(included.chunks(BLOCK)) {
        pieces
            .blocks
            .entry(key.clone())
            .and_modify(|(used, _)| *used = round)
            .or_insert_with(|| {
                let sums = block_sums(chunk, year, &form, before.zip(previous_form.as_ref()));
                (round, sums)
            });
    }
    let blocks: Vec<&BlockSums> = keys
        .iter()
        .filter_map(|key| pieces.blocks.get(key).map(|(_, sums)| sums))
        .collect();
    let total = |part: &dyn Fn(&BlockSums) -> Option<&Sums>, form: &Arc<Form>| {
        blocks
            .iter()
            .filter_map(|b| part(b))
            .fold(Sums::of(form, &[]), |sum, b| sum.add(b))
    };
    let sums = total(&|b| Some(&b.now), &form);
    let previous = before
        .zip(previous_form)
        .and_then(|(before, previous_form)| {
            let common: Vec<&Agency> = included
                .iter()
                .copied()
                .filter(|a| a.year(before).is_some())
                .collect();
            if common.is_empty() {
                return None;
            }
            let current =
                (common.len() != included.len()).then(|| total(&|b| b.now_common.as_ref(), &form));
            Some(Previous {
                year: before,
                sums: total(&|b| b.before.as_ref(), &previous_form),
                form: previous_form,
                common,
                current,
            })
        });
    Some(YearTotals {
        form,
        included,
        sums,
        previous,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A portal of 70 agencies (three blocks) made of copies of the district fixture's.
    fn portal() -> (tempfile::TempDir, crate::model::Site) {
        let dir = tempfile::tempdir().unwrap();
        let from = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/district");
        std::fs::create_dir_all(dir.path().join("content")).unwrap();
        std::fs::copy(
            from.join("content/site.yaml"),
            dir.path().join("content/site.yaml"),
        )
        .unwrap();
        let agencies = ["moumou", "mouzhen", "shili", "shilizhen"];
        for n in 0..70 {
            let source = from.join("content").join(agencies[n % 4]);
            let target = dir.path().join(format!("content/a{n:02}"));
            for entry in walkdir::WalkDir::new(&source) {
                let entry = entry.unwrap();
                let to = target.join(entry.path().strip_prefix(&source).unwrap());
                if entry.file_type().is_dir() {
                    std::fs::create_dir_all(&to).unwrap();
                } else {
                    std::fs::copy(entry.path(), &to).unwrap();
                }
            }
        }
        let site = crate::load::load_site(dir.path()).unwrap().site;
        (dir, site)
    }

    #[test]
    fn sums_by_blocks_are_the_sums_over_every_agency() {
        let (_dir, site) = portal();
        let agencies: Vec<&Agency> = site.agencies.iter().map(|a| &**a).collect();
        assert_eq!(agencies.len(), 70);
        let mut pieces = TotalsPieces::default();
        let mut blocks = 0;
        for year in site.report_years() {
            let Some(totals) = year_totals(&agencies, year, &mut pieces) else {
                continue;
            };
            let years: Vec<&Year> = agencies.iter().filter_map(|a| a.year(year)).collect();
            blocks = blocks.max(years.len().div_ceil(BLOCK));
            let whole = Sums::of(&totals.form, &years);
            assert_eq!(totals.sums.values, whole.values, "{year}");
            for (i, value) in whole.values.iter().enumerate() {
                if value.is_some() {
                    assert_eq!(totals.sums.blanks[i], whole.blanks[i], "{year}");
                }
            }
            if let Some(previous) = &totals.previous {
                let then: Vec<&Year> = previous
                    .common
                    .iter()
                    .filter_map(|a| a.year(previous.year))
                    .collect();
                let whole = Sums::of(&previous.form, &then);
                assert_eq!(previous.sums.values, whole.values, "{year}");
                if let Some(current) = &previous.current {
                    let now: Vec<&Year> = previous
                        .common
                        .iter()
                        .filter_map(|a| a.year(year))
                        .collect();
                    assert_eq!(current.values, Sums::of(&totals.form, &now).values);
                }
            }
        }
        assert!(blocks > 1, "{blocks}");
        // Kept blocks give the same sums again.
        assert!(!pieces.blocks.is_empty());
        pieces.update(Some(&BTreeSet::new()));
        let year = site.report_years()[1];
        let again = year_totals(&agencies, year, &mut pieces).unwrap();
        let years: Vec<&Year> = agencies.iter().filter_map(|a| a.year(year)).collect();
        assert_eq!(again.sums.values, Sums::of(&again.form, &years).values);
    }
}

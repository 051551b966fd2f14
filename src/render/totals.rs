//! Jurisdiction totals: the sum over agencies of every cell of parts 二, 三, 四 and the fee figures
//! of 六, per report year, in the form of the year's template. A computed 汇总, never a report.
//!
//! A cell is summed only when every included year has it (its own cell, or its group's items
//! summed, as the comparisons find it): a year that prints a group as one row makes that group's
//! items not comparable (「—」), never a partial sum. A blank (「/」) counts as 0 and is counted.
//! Rows a province adds to part 二 are not summed. Linear in agencies × cells.

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

/// The totals of `year` over `agencies` (in portal order); None when no agency has the year or no
/// template defines it.
pub(crate) fn year_totals<'a>(agencies: &[&'a Agency], year: u16) -> Option<YearTotals<'a>> {
    let form = TemplateId::for_year(year)?.get().form.clone();
    let included: Vec<&Agency> = agencies
        .iter()
        .copied()
        .filter(|a| a.year(year).is_some())
        .collect();
    if included.is_empty() {
        return None;
    }
    let years: Vec<&Year> = included.iter().filter_map(|a| a.year(year)).collect();
    let sums = Sums::of(&form, &years);
    let previous = year.checked_sub(1).and_then(|before| {
        let previous_form = TemplateId::for_year(before)?.get().form.clone();
        let common: Vec<&Agency> = included
            .iter()
            .copied()
            .filter(|a| a.year(before).is_some())
            .collect();
        if common.is_empty() {
            return None;
        }
        let then: Vec<&Year> = common.iter().filter_map(|a| a.year(before)).collect();
        let current = (common.len() != included.len()).then(|| {
            let now: Vec<&Year> = common.iter().filter_map(|a| a.year(year)).collect();
            Sums::of(&form, &now)
        });
        Some(Previous {
            year: before,
            sums: Sums::of(&previous_form, &then),
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

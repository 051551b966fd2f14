//! Year-over-year comparison: cells, groups printed or split, and the derived indicators.
//!
//! A cell is comparable with last year's when last year's form has the same cell id (the
//! template definitions share ids wherever the two templates mean the same thing), or when one
//! year prints as one row a group the other splits into items (then the items are summed).

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::definition::{Indicator, IndicatorKind};
use crate::model::{Cell, Year};
use crate::render::format::signed;

/// The value of a cell id in a year: the cell itself, or the sum of a group's items when the year
/// splits the group that the id names as one row.
pub(crate) fn value_of(year: &Year, id: &str) -> Option<Decimal> {
    cell_of(year, id).value()
}

/// The cell of an id in a year, as `value_of` finds it: a group's items summed, 「/」 when an
/// item was left blank, missing when the year has no such cell or an item is missing.
pub(crate) fn cell_of(year: &Year, id: &str) -> Cell {
    if let Some(i) = year.form.cell_index(id) {
        return year.cells[i];
    }
    let Some((row, column)) = crate::definition::split_cell_id(id) else {
        return Cell::Missing;
    };
    let mut sum: Option<Decimal> = None;
    let mut blank = false;
    for (i, cell) in year.form.cells.iter().enumerate() {
        if crate::definition::is_item_cell(cell, row, column) {
            match year.cells[i] {
                Cell::Value(v) => match sum.unwrap_or(Decimal::ZERO).checked_add(v) {
                    Some(total) => sum = Some(total),
                    None => return Cell::Missing,
                },
                Cell::NotReported => blank = true,
                Cell::Missing => return Cell::Missing,
            }
        }
    }
    match (blank, sum) {
        (true, _) => Cell::NotReported,
        (false, Some(v)) => Cell::Value(v),
        (false, None) => Cell::Missing,
    }
}

/// Whether two years share one form (then a cell has the same index in both).
pub(crate) fn same_form(a: &Year, b: &Year) -> bool {
    std::sync::Arc::ptr_eq(&a.form, &b.form)
}

/// `cell_of` in `year` for the `c`th cell of `other`'s form: at the same index when the two
/// years share a form, with no id looked up (the year and comparison pages read every cell).
pub(crate) fn cell_of_index(year: &Year, other: &Year, c: usize) -> Cell {
    if same_form(year, other) {
        year.cells[c]
    } else {
        cell_of(year, &other.form.cells[c])
    }
}

/// Whether a year has a cell id at all (as a cell or as a group of items).
pub(crate) fn has_cell(year: &Year, id: &str) -> bool {
    if year.form.cell_index(id).is_some() {
        return true;
    }
    let Some((row, column)) = id.rsplit_once('.') else {
        return false;
    };
    let prefix = format!("{row}.");
    let suffix = format!(".{column}");
    year.form
        .cells
        .iter()
        .any(|c| c.starts_with(&prefix) && c.ends_with(&suffix))
}

/// A cell against the previous year.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Change {
    /// There is no previous year in the site.
    NoPrevious,
    /// The previous year's template has no such cell (口径不同).
    NotComparable,
    /// One of the two values is missing or not reported.
    NoData,
    Values {
        previous: Decimal,
        current: Decimal,
    },
}

impl Change {
    pub(crate) fn of(current: &Year, previous: Option<&Year>, id: &str) -> Change {
        let Some(previous) = previous else {
            return Change::NoPrevious;
        };
        if !has_cell(previous, id) {
            return Change::NotComparable;
        }
        Change::between(value_of(previous, id), value_of(current, id))
    }

    /// Two years' values of a cell both years have.
    fn between(previous: Option<Decimal>, current: Option<Decimal>) -> Change {
        match (previous, current) {
            (Some(previous), Some(current)) => Change::Values { previous, current },
            _ => Change::NoData,
        }
    }

    /// `Change::of` for the `c`th cell of `current`'s form. When last year has the same form (the
    /// same template, no group printed differently), its cell is at the same place: no id is
    /// looked up (the year and comparison pages compare every cell).
    pub(crate) fn of_cell(current: &Year, previous: Option<&Year>, c: usize) -> Change {
        let Some(previous) = previous else {
            return Change::NoPrevious;
        };
        if !same_form(previous, current) && !has_cell(previous, &current.form.cells[c]) {
            return Change::NotComparable;
        }
        Change::between(
            cell_of_index(previous, current, c).value(),
            current.cells[c].value(),
        )
    }

    /// The change in words and signs: 「+3」「−2」「持平」「口径不同」.
    pub(crate) fn text(&self) -> String {
        match self {
            Change::NoPrevious => String::new(),
            Change::NotComparable => "口径不同".to_string(),
            Change::NoData => "无法比较".to_string(),
            Change::Values { previous, current } => current
                .checked_sub(*previous)
                .map_or_else(|| "无法比较".to_string(), signed),
        }
    }

    /// The relative change: 「+12.5%」, 「—」 when last year was zero.
    pub(crate) fn percent(&self) -> String {
        match self {
            Change::Values { previous, current } if !previous.is_zero() => {
                // Checked: a tiny last year and a huge this year overflow a decimal.
                let p = current
                    .checked_sub(*previous)
                    .and_then(|d| d.checked_div(*previous))
                    .and_then(|r| r.checked_mul(Decimal::ONE_HUNDRED));
                match p.map(|p| p.round_dp(1).normalize()) {
                    None => "—".to_string(),
                    Some(p) if p.is_zero() => "0%".to_string(),
                    Some(p) => format!("{}%", signed(p)),
                }
            }
            Change::Values { .. } => "—".to_string(),
            _ => String::new(),
        }
    }

    /// A class for styling (never the only carrier of meaning).
    pub(crate) fn class(&self) -> &'static str {
        match self {
            Change::Values { previous, current } if current > previous => "up",
            Change::Values { previous, current } if current < previous => "down",
            Change::Values { .. } => "same",
            Change::NotComparable => "na",
            _ => "",
        }
    }
}

/// The sum of the cells of an indicator. A blank cell (`/`) counts as 0 when another cell of
/// the sum is printed, so a printed total is used instead of 「无数据」; a sum of nothing but
/// blanks, or with an unreadable cell, has no value.
fn sum(year: &Year, ids: &[&str]) -> Option<Decimal> {
    let mut total = Decimal::ZERO;
    let mut printed = false;
    for id in ids {
        match value_of(year, id) {
            Some(v) => {
                total = total.checked_add(v)?;
                printed = true;
            }
            None => {
                let blank = year
                    .form
                    .cell_index(id)
                    .is_some_and(|i| year.cells[i] == crate::model::Cell::NotReported);
                if !blank {
                    return None;
                }
            }
        }
    }
    printed.then_some(total)
}

/// The value of an indicator for a year (percentages as fractions), None when it cannot be
/// computed (a missing cell, a zero denominator, no previous year).
pub(crate) fn indicator_value(
    indicator: &Indicator,
    year: &Year,
    previous: Option<&Year>,
) -> Option<f64> {
    match indicator.kind {
        IndicatorKind::Sum => sum(year, indicator.numerator)?.to_f64(),
        IndicatorKind::Ratio => {
            let denominator = sum(year, indicator.denominator)?;
            if denominator.is_zero() {
                return None;
            }
            sum(year, indicator.numerator)?
                .checked_div(denominator)?
                .to_f64()
        }
        IndicatorKind::YearOnYear => {
            let before = sum(previous?, indicator.numerator)?;
            if before.is_zero() {
                return None;
            }
            sum(year, indicator.numerator)?
                .checked_sub(before)?
                .checked_div(before)?
                .to_f64()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_are_words_or_signs() {
        let c = Change::Values {
            previous: Decimal::from(8),
            current: Decimal::from(9),
        };
        assert_eq!(c.percent(), "+12.5%");
        assert_eq!(c.text(), "+1");
        let zero = Change::Values {
            previous: Decimal::ZERO,
            current: Decimal::from(9),
        };
        assert_eq!(zero.percent(), "—");
        let same = Change::Values {
            previous: Decimal::from(9),
            current: Decimal::from(9),
        };
        assert_eq!(
            (same.text().as_str(), same.percent().as_str()),
            ("持平", "0%")
        );
    }
}

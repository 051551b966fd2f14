//! One way to show a value. The year page, the comparison page, the metric pages, the charts and
//! the CSV/JSON exports all print cells and indicators through these functions, so a 「/」 or the
//! sign of 「本年增/减」 reads the same everywhere.

use rust_decimal::Decimal;

use crate::definition::{CellKind, Indicator, IndicatorKind};
use crate::model::Cell;

/// A cell's value as printed: counts as integers, signed counts with their sign (「+3」, 「-2」),
/// money as written (its unit is named in the column header), 「/」 for a cell the report left
/// blank, 「—」 for a value that is missing.
pub(crate) fn cell_text(cell: Cell, kind: CellKind) -> String {
    let mut out = String::new();
    push_cell_text(&mut out, cell, kind);
    out
}

/// `cell_text` written at the end of `out` (no string made per cell: the pages' tables).
pub(crate) fn push_cell_text(out: &mut String, cell: Cell, kind: CellKind) {
    use std::fmt::Write as _;
    // Writing into a String cannot fail.
    match cell {
        Cell::Value(v) if kind == CellKind::SignedCount && v > Decimal::ZERO => {
            let _ = write!(out, "+{v}");
        }
        Cell::Value(v) => {
            let _ = write!(out, "{v}");
        }
        Cell::NotReported => out.push('/'),
        Cell::Missing => out.push('—'),
    }
}

/// A number with its sign: 「+3」, 「−2」 (a true minus sign), 「持平」 for zero.
pub(crate) fn signed(value: Decimal) -> String {
    if value.is_zero() {
        "持平".to_string()
    } else if value.is_sign_negative() {
        format!("−{}", value.abs().normalize())
    } else {
        format!("+{}", value.normalize())
    }
}

/// An indicator's value as text: counts as integers, ratios as percentages.
pub(crate) fn indicator_text(indicator: &Indicator, value: Option<f64>) -> String {
    match (indicator.kind, value) {
        (_, None) => "—".to_string(),
        (IndicatorKind::Sum, Some(v)) => format!("{}", v.round()),
        (IndicatorKind::Ratio, Some(v)) => format!("{:.1}%", v * 100.0),
        (IndicatorKind::YearOnYear, Some(v)) => {
            let text = format!("{:.1}%", v.abs() * 100.0);
            if v > 0.0 {
                format!("+{text}")
            } else if v < 0.0 {
                format!("−{text}")
            } else {
                "持平".to_string()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_the_same_everywhere() {
        let signed_count = CellKind::SignedCount;
        assert_eq!(cell_text(Cell::Value(Decimal::from(3)), signed_count), "+3");
        assert_eq!(
            cell_text(Cell::Value(Decimal::from(-2)), signed_count),
            "-2"
        );
        assert_eq!(cell_text(Cell::Value(Decimal::ZERO), signed_count), "0");
        assert_eq!(cell_text(Cell::NotReported, CellKind::Count), "/");
        assert_eq!(cell_text(Cell::Missing, CellKind::Count), "—");
        let money = CellKind::Money(crate::definition::Unit::TenThousandYuan);
        let amount = Decimal::from_str_exact("1090.90").unwrap_or_default();
        assert_eq!(cell_text(Cell::Value(amount), money), "1090.90");
    }

    #[test]
    fn signs_are_words_or_signs() {
        assert_eq!(signed(Decimal::from(3)), "+3");
        assert_eq!(signed(Decimal::from(-2)), "−2");
        assert_eq!(signed(Decimal::ZERO), "持平");
    }
}

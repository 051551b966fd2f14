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
    match cell {
        Cell::Value(v) if kind == CellKind::SignedCount && v > Decimal::ZERO => {
            out.push('+');
            push_decimal(out, v);
        }
        Cell::Value(v) => push_decimal(out, v),
        Cell::NotReported => out.push('/'),
        Cell::Missing => out.push('—'),
    }
}

/// A decimal as `Display` writes it (`-3`, `0`, `1090.90`), at the end of `out`. Integers, most
/// cells of a report, are written from their mantissa by `itoa` without `Decimal`'s `Display`
/// machinery (a digit at a time by long division, then the formatter's padding: about 2 % of a
/// build, issue 13); a value with decimals goes through `Display`.
pub(crate) fn push_decimal(out: &mut String, value: Decimal) {
    if value.scale() == 0 {
        // `Display` prints the sign of a negative zero too.
        if value.is_sign_negative() {
            out.push('-');
        }
        let magnitude = value.mantissa().unsigned_abs();
        let mut digits = itoa::Buffer::new();
        match u64::try_from(magnitude) {
            Ok(small) => out.push_str(digits.format(small)),
            Err(_) => out.push_str(digits.format(magnitude)),
        }
    } else {
        use std::fmt::Write as _;
        // Writing into a String cannot fail.
        let _ = write!(out, "{value}");
    }
}

/// A number with its sign: 「+3」, 「−2」 (a true minus sign), 「持平」 for zero.
pub(crate) fn signed(value: Decimal) -> String {
    if value.is_zero() {
        return "持平".to_string();
    }
    let mut out = String::with_capacity(8);
    out.push_str(if value.is_sign_negative() { "−" } else { "+" });
    push_decimal(&mut out, value.abs().normalize());
    out
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

    /// The integer fast path writes what `Display` writes, for every kind of value: negative,
    /// zero (and a negative zero), decimals, trailing zeros, the largest decimals.
    #[test]
    fn decimals_read_as_display_writes_them() {
        let mut negative_zero = Decimal::new(0, 3);
        negative_zero.set_sign_negative(true);
        let mut values: Vec<Decimal> = vec![
            Decimal::ZERO,
            -Decimal::ZERO,
            negative_zero,
            negative_zero.trunc(),
            Decimal::new(0, 2),
            Decimal::MAX,
            Decimal::MIN,
            Decimal::from(u64::MAX),
            Decimal::from(i64::MIN),
            Decimal::from(u64::MAX) + Decimal::ONE,
            Decimal::new(109090, 2),
            Decimal::new(-5, 1),
            Decimal::new(7, 28),
            Decimal::new(100, 0),
            Decimal::new(1000, 3),
        ];
        // A spread over the sizes and scales of a report's cells and beyond.
        let mut x: i64 = 1;
        for scale in 0..6 {
            for step in 0..200 {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(step);
                for magnitude in [x % 10, x % 1_000, x % 1_000_000, x] {
                    values.push(Decimal::new(magnitude, scale));
                }
            }
        }
        for v in values {
            let mut fast = String::new();
            push_decimal(&mut fast, v);
            assert_eq!(fast, v.to_string(), "{v:?}");
            for kind in [CellKind::Count, CellKind::SignedCount] {
                let shown = cell_text(Cell::Value(v), kind);
                let expected = if kind == CellKind::SignedCount && v > Decimal::ZERO {
                    format!("+{v}")
                } else {
                    v.to_string()
                };
                assert_eq!(shown, expected, "{v:?}");
            }
            if !v.is_zero() {
                let sign = if v.is_sign_negative() { "−" } else { "+" };
                assert_eq!(signed(v), format!("{sign}{}", v.abs().normalize()));
            }
        }
    }

    #[test]
    fn signs_are_words_or_signs() {
        assert_eq!(signed(Decimal::from(3)), "+3");
        assert_eq!(signed(Decimal::from(-2)), "−2");
        assert_eq!(signed(Decimal::ZERO), "持平");
    }
}

//! Numbers and text as the chart prints them: the scale's round maximum, values in their format,
//! coordinates, the width a label takes, and text made safe for SVG.

use super::{FONT_SIZE, ValueFormat};

/// The smallest "round" number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten) that is at
/// least `target`; 1 when `target` is not positive, so an all-zero series never divides by zero.
pub(super) fn nice_ceiling(target: f64) -> f64 {
    if !(target > 0.0 && target.is_finite()) {
        return 1.0;
    }
    // A power of ten not above target, by repeated multiplication (deterministic everywhere).
    let mut power = 1.0_f64;
    while power * 10.0 <= target {
        power *= 10.0;
    }
    while power > target {
        power /= 10.0;
    }
    const STEPS: [f64; 11] = [1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0];
    STEPS
        .iter()
        .map(|s| s * power)
        .find(|&candidate| candidate >= target * (1.0 - 1e-9))
        .unwrap_or(power * 10.0)
}

/// Prints a value in the chosen format without float noise.
pub(super) fn format_value(value: f64, format: ValueFormat) -> String {
    match format {
        ValueFormat::Count => fixed(value, 0),
        ValueFormat::Percent => {
            let mut s = fixed(value * 100.0, 1);
            s.push('%');
            s
        }
    }
}

/// `value` with exactly `digits` digits after the point, rounded half away from zero (四舍五入)
/// after removing the noise of binary floating point (so 0.0625 × 100 prints as 6.3, not 6.2),
/// and never printed as a negative zero.
pub(super) fn fixed(value: f64, digits: u8) -> String {
    const MAX_EXACT_DIGITS: u8 = 9;
    if digits <= MAX_EXACT_DIGITS {
        let mut factor = 1.0_f64;
        for _ in 0..digits {
            factor *= 10.0;
        }
        let scaled = value * factor;
        if scaled.abs() < 1e15 {
            // Round to 6 decimals first (kills noise like 62.09999999999), then half away from zero.
            let units = ((scaled * 1e6).round() / 1e6).round() as i64;
            let digits = usize::from(digits);
            let magnitude = units.unsigned_abs().to_string();
            let padded = format!("{magnitude:0>width$}", width = digits + 1);
            let (int_part, frac_part) = padded.split_at(padded.len() - digits);
            let mut out = String::with_capacity(padded.len() + 2);
            if units < 0 {
                out.push('-');
            }
            out.push_str(int_part);
            if digits > 0 {
                out.push('.');
                out.push_str(frac_part);
            }
            return out;
        }
    }
    // Huge values or absurd precision: the standard formatter (still exactly `digits` digits).
    let s = format!("{value:.prec$}", prec = usize::from(digits));
    if s.starts_with('-') && s[1..].bytes().all(|b| b == b'0' || b == b'.') {
        s[1..].to_string()
    } else {
        s
    }
}

/// A coordinate rounded to one decimal, printed without a trailing ".0" and never as "-0".
pub(super) fn num(x: f64) -> String {
    let tenths = (x * 10.0).round() as i64;
    if tenths % 10 == 0 {
        format!("{}", tenths / 10)
    } else {
        let sign = if tenths < 0 { "-" } else { "" };
        let abs = tenths.unsigned_abs();
        format!("{sign}{}.{}", abs / 10, abs % 10)
    }
}

pub(super) fn round_up_to_ten(x: f64) -> f64 {
    (x / 10.0).ceil() * 10.0
}

/// A conservative estimate of the width of `text` at `FONT_SIZE`: wide (CJK) characters one em,
/// narrow punctuation a third, everything else (digits, Latin) 0.62 em.
pub(super) fn text_width(text: &str) -> f64 {
    let ems: f64 = text
        .chars()
        .map(|c| match c {
            '.' | ',' | ':' | ';' | '\'' | '|' | '!' | 'i' | 'l' | ' ' => 0.34,
            '%' | 'M' | 'W' | 'm' | 'w' => 0.92,
            c if c.is_ascii() => 0.62,
            _ => 1.0,
        })
        .sum();
    ems * FONT_SIZE
}

/// Drops characters that XML 1.0 does not allow even escaped (control characters other than tab,
/// line feed and carriage return, and the non-characters U+FFFE and U+FFFF).
pub(super) fn clean_text(text: &str) -> String {
    text.chars()
        .filter(|&c| {
            let forbidden_control = c.is_control() && !matches!(c, '\t' | '\n' | '\r');
            !forbidden_control && c != '\u{FFFE}' && c != '\u{FFFF}'
        })
        .collect()
}

/// Escapes the five XML special characters, for both text and attribute values.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

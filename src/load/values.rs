//! The text of one cell as a clerk types it: a count or an amount of money (with the unit typed
//! after it named), or a value printed with its note.

use rust_decimal::Decimal;

use crate::codes::Code;
use crate::definition::{CellKind, Unit};

/// Splits a cell printed with a note, 「12（其中修订5件）」 (or with half-width brackets), into
/// the value and the note.
pub(crate) fn split_note(text: &str) -> Option<(&str, &str)> {
    let open = text.find(['（', '('])?;
    let inner = &text[open..];
    let inner = inner
        .strip_prefix('（')
        .or_else(|| inner.strip_prefix('('))?;
    let inner = inner
        .strip_suffix('）')
        .or_else(|| inner.strip_suffix(')'))?;
    let value = text[..open].trim();
    let note = inner.trim();
    (!value.is_empty() && !note.is_empty()).then_some((value, note))
}

/// Parses a cell's text as the kind of value it must hold.
pub(crate) fn parse_number(text: &str, kind: CellKind) -> Result<Decimal, (Code, String)> {
    let full_width = text.chars().any(|c| ('０'..='９').contains(&c));
    if full_width {
        return Err((
            Code::L010,
            "数字是全角字符，请改用半角数字（0-9）".to_string(),
        ));
    }
    let digits = |s: &str| !s.is_empty() && s.len() <= 15 && s.chars().all(|c| c.is_ascii_digit());
    // All digits but more than 15 of them: too large, not "not a number".
    let too_many_digits = |s: &str| {
        let s = s.strip_prefix(['-', '+']).unwrap_or(s);
        let mut parts = s.splitn(2, '.');
        let whole = parts.next().unwrap_or("");
        let fraction = parts.next().unwrap_or("");
        let all_digits = |p: &str| p.chars().all(|c| c.is_ascii_digit());
        all_digits(whole) && all_digits(fraction) && (whole.len() > 15 || fraction.len() > 15)
    };
    if too_many_digits(text) {
        let code = if matches!(kind, CellKind::Money(_)) {
            Code::L012
        } else {
            Code::L010
        };
        return Err((
            code,
            format!(
                "数字位数过多（{} 位）：最多 15 位",
                text.chars().filter(char::is_ascii_digit).count()
            ),
        ));
    }
    match kind {
        CellKind::Count | CellKind::SignedCount => {
            let (negative, body) = match text.strip_prefix('-') {
                Some(rest) => (true, rest),
                None => (false, text.strip_prefix('+').unwrap_or(text)),
            };
            if !digits(body) {
                let counted = body
                    .strip_suffix(['件', '个', '项', '次', '宗', '条'])
                    .filter(|n| digits(n));
                let message = if let Some(number) = counted {
                    format!("数字后面不要写单位：是不是 {number}？")
                } else if text.parse::<f64>().is_ok() {
                    "应是整数，不能有小数".to_string()
                } else {
                    format!("「{text}」不是整数")
                };
                return Err((Code::L010, message));
            }
            if negative && kind == CellKind::Count {
                return Err((Code::L011, format!("数量不能为负数：{text}")));
            }
            let value: i64 = body
                .parse()
                .map_err(|_| (Code::L010, "数字过大".to_string()))?;
            Ok(Decimal::from(if negative { -value } else { value }))
        }
        CellKind::Money(unit) => {
            let plain = text
                .strip_prefix('-')
                .unwrap_or(text)
                .split_once('.')
                .map(|(a, b)| digits(a) && (b.is_empty() || digits(b)))
                .unwrap_or_else(|| digits(text.strip_prefix('-').unwrap_or(text)));
            if !plain {
                let message = match with_unit(text) {
                    Some((value, typed)) => {
                        let converted =
                            (value * Decimal::from(typed) / Decimal::from(unit.yuan())).normalize();
                        format!(
                            "金额中不要写单位（本格的单位是{}）：{text} 是 {converted} {}，是不是 {converted}？",
                            unit.label(),
                            unit.label()
                        )
                    }
                    None => format!("「{text}」不是十进制数"),
                };
                return Err((Code::L012, message));
            }
            let value =
                Decimal::from_str_exact(text).map_err(|_| (Code::L012, "金额过大".to_string()))?;
            if value.is_sign_negative() && !value.is_zero() {
                return Err((Code::L011, format!("金额不能为负数：{text}")));
            }
            Ok(value)
        }
    }
}

/// A money figure typed with its unit (`123500元`, `12.35万元`, `1.2万`): the number and the
/// size of the unit in yuan.
fn with_unit(text: &str) -> Option<(Decimal, u32)> {
    Unit::TYPED.iter().find_map(|(word, yuan)| {
        let number = text.strip_suffix(word)?.trim().replace(',', "");
        let value = Decimal::from_str_exact(&number).ok()?;
        Some((value, *yuan))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_printed_with_numbers() {
        assert_eq!(split_note("12（其中修订5件）"), Some(("12", "其中修订5件")));
        assert_eq!(split_note("12 (含转发3件)"), Some(("12", "含转发3件")));
        assert_eq!(split_note("/（本年未开展）"), Some(("/", "本年未开展")));
        assert_eq!(split_note("12"), None);
        assert_eq!(split_note("（其中修订5件）"), None);
        assert_eq!(split_note("12（）"), None);
        assert_eq!(split_note("12（其中修订5件"), None);
    }

    #[test]
    fn numbers_by_kind() {
        assert_eq!(
            parse_number("12", CellKind::Count).unwrap(),
            Decimal::from(12)
        );
        assert_eq!(
            parse_number("+373", CellKind::SignedCount).unwrap(),
            Decimal::from(373)
        );
        assert_eq!(
            parse_number("-1", CellKind::SignedCount).unwrap(),
            Decimal::from(-1)
        );
        assert_eq!(
            parse_number("-1", CellKind::Count).unwrap_err().0,
            Code::L011
        );
        assert_eq!(
            parse_number("十二", CellKind::Count).unwrap_err().0,
            Code::L010
        );
        assert_eq!(
            parse_number("1.5", CellKind::Count).unwrap_err().0,
            Code::L010
        );
        assert_eq!(
            parse_number("１２", CellKind::Count).unwrap_err().0,
            Code::L010
        );
        let money = CellKind::Money(Unit::TenThousandYuan);
        assert_eq!(
            parse_number("1090.98", money).unwrap().to_string(),
            "1090.98"
        );
        assert_eq!(parse_number("7545", money).unwrap().to_string(), "7545");
        assert_eq!(
            parse_number("1090.98万元", money).unwrap_err().0,
            Code::L012
        );
        assert_eq!(parse_number("1,090", money).unwrap_err().0, Code::L012);
        assert_eq!(parse_number("1e3", money).unwrap_err().0, Code::L012);
        assert_eq!(parse_number("-3", money).unwrap_err().0, Code::L011);
        let (_, message) = parse_number("123500元", money).unwrap_err();
        assert!(message.contains("是不是 12.35？"), "{message}");
        let (_, message) = parse_number("1090.98万元", money).unwrap_err();
        assert!(message.contains("是不是 1090.98？"), "{message}");
        let yuan = CellKind::Money(Unit::Yuan);
        let (_, message) = parse_number("1.2万元", yuan).unwrap_err();
        assert!(message.contains("是不是 12000？"), "{message}");
        let (_, message) = parse_number("12件", CellKind::Count).unwrap_err();
        assert!(message.contains("是不是 12？"), "{message}");
    }
}

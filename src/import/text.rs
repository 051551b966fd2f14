//! Reading a report from lines of text (copied out of a PDF or web page, OCR output, or the
//! rows of HTML tables): the part headings, the tables' rows by their labels, the narrative.

use rust_decimal::Decimal;

use super::labels::{Match, core, has_cjk, matches, squash};
use super::{Read, Reading};
// What this file uses of the rest of nianbao.
use crate::check::figures;
use crate::definition::{
    CellKind, Form, Layout, NARRATIVE_FIGURES, PARTS, PartKind, Table, cell_id, part,
};
use crate::diagnostic::terminal_safe;

/// A piece of a line.
#[derive(Clone, Debug, PartialEq)]
enum Token {
    /// Label text (or litter), as printed.
    Text(String),
    /// A number as printed (sign, decimals and a unit word kept).
    Number(String),
    /// A cell printed blank (「/」).
    Blank,
    /// A character that OCR reads for a digit (「U」 for 0): a cell that is there but unreadable.
    Garbled(String),
}

fn token(piece: &str) -> Token {
    let piece = piece.trim_matches(|c: char| c == ':' || c == '：' || c == ',' || c == '，');
    if matches!(piece, "/" | "／" | "—" | "——") {
        return Token::Blank;
    }
    if number_value(piece).is_some() {
        return Token::Number(piece.to_string());
    }
    if matches!(piece, "U" | "O" | "o" | "u" | "l" | "I") {
        return Token::Garbled(piece.to_string());
    }
    Token::Text(piece.to_string())
}

/// The value of a printed number, with its unit word when it has one: 「+373」, 「1,136」,
/// 「1090.98万元」.
fn number_value(text: &str) -> Option<(Decimal, Option<&'static str>)> {
    let (digits, unit) = ["万元", "元"]
        .into_iter()
        .find_map(|u| text.strip_suffix(u).map(|d| (d, Some(u))))
        .unwrap_or((text, None));
    let unsigned = digits
        .strip_prefix(['+', '-', '＋', '－'])
        .unwrap_or(digits);
    let grouped = unsigned.contains(',');
    let plain: String = unsigned.chars().filter(|c| *c != ',').collect();
    if plain.is_empty()
        || !plain.chars().all(|c| c.is_ascii_digit() || c == '.')
        || plain.starts_with('.')
        || plain.ends_with('.')
        || plain.matches('.').count() > 1
        || (grouped && !unsigned.split('.').next().is_some_and(grouped_thousands))
    {
        return None;
    }
    let value = Decimal::from_str_exact(&plain).ok()?;
    let negative = digits.starts_with(['-', '－']);
    Some((if negative { -value } else { value }, unit))
}

fn grouped_thousands(text: &str) -> bool {
    let mut groups = text.split(',');
    groups.next().is_some_and(|g| (1..=3).contains(&g.len())) && groups.all(|g| g.len() == 3)
}

fn tokens(lines: &[String]) -> Vec<Token> {
    let mut out = Vec::new();
    for line in lines {
        for piece in line.split(|c: char| c.is_whitespace() || matches!(c, '|' | '｜' | '\u{3000}'))
        {
            if !piece.is_empty() {
                out.push(token(piece));
            }
        }
    }
    out
}

/// Where each part begins: the line of its official heading.
fn part_lines(lines: &[String]) -> [Option<usize>; 6] {
    let mut found = [None; 6];
    let mut from = 0;
    for (p, part) in PARTS.iter().enumerate() {
        let heading = squash(part.heading);
        let hit =
            lines.iter().enumerate().skip(from).find(|(_, l)| {
                squash(l).starts_with(&heading) && squash(l).len() < heading.len() * 2
            });
        if let Some((i, _)) = hit {
            found[p] = Some(i);
            from = i + 1;
        }
    }
    found
}

/// The lines of part `number` (1 to 6): from its heading to the next heading found. A missing
/// table part is looked for between its neighbours.
fn part_range(found: &[Option<usize>; 6], number: usize, total: usize) -> Option<(usize, usize)> {
    let index = number - 1;
    let start = match found[index] {
        Some(s) => s + 1,
        // A part of tables whose heading was not found starts after the last heading before it.
        None if PARTS.get(index).is_some_and(|p| p.kind == PartKind::Tables) => found[..index]
            .iter()
            .rev()
            .flatten()
            .next()
            .map_or(0, |s| s + 1),
        None => return None,
    };
    let end = found[index + 1..]
        .iter()
        .flatten()
        .next()
        .copied()
        .unwrap_or(total);
    Some((start, end.max(start)))
}

/// The narrative of parts 一, 五 and 六 and what comes before part 一, as printed.
pub(super) fn narrative(lines: &[String]) -> [Option<Vec<String>>; 6] {
    let found = part_lines(lines);
    let mut out: [Option<Vec<String>>; 6] = Default::default();
    for number in [1, 5, 6] {
        if let Some((start, end)) =
            found[number - 1].and_then(|_| part_range(&found, number, lines.len()))
        {
            out[number - 1] = Some(lines[start..end].to_vec());
        }
    }
    out
}

/// Reads the cells of `form` from the text. Returns one reading per cell of the form, and the
/// rows not found.
pub(super) fn read_tables(lines: &[String], form: &Form, year: u16) -> Vec<Reading> {
    let found = part_lines(lines);
    let mut cells: Vec<Reading> = vec![Reading::unread("没有读到这一格"); form.cells.len()];
    for part in [2usize, 3, 4] {
        let Some((start, end)) = part_range(&found, part, lines.len()) else {
            continue;
        };
        let stream = tokens(&lines[start..end]);
        let mut cursor = 0;
        for table in form.tables.iter().filter(|t| usize::from(t.part) == part) {
            if table.layout == Layout::GroupsAcross && read_across(&stream, table, form, &mut cells)
            {
                continue;
            }
            read_rows(&stream, &mut cursor, table, form, &mut cells);
        }
    }
    read_fees(lines, &found, form, year, &mut cells);
    cells
}

/// Part 四 printed the official way: one row of numbers under three header rows. Taken when
/// the part has a run of exactly as many numbers as the table has cells.
fn read_across(stream: &[Token], table: &Table, form: &Form, cells: &mut [Reading]) -> bool {
    let wanted = table.rows.len() * table.columns.len();
    let mut best: &[Token] = &[];
    let mut i = 0;
    while i < stream.len() {
        let start = i;
        while i < stream.len() && !matches!(stream[i], Token::Text(_)) {
            i += 1;
        }
        if i - start > best.len() {
            best = &stream[start..i];
        }
        i += 1;
    }
    if best.len() != wanted {
        return false;
    }
    for (r, row) in table.rows.iter().enumerate() {
        for (c, column) in table.columns.iter().enumerate() {
            let id = format!("{}.{}.{}", table.key, row.key, column.key);
            if let Some(index) = form.cell_index(&id) {
                cells[index] = reading(&best[r * table.columns.len() + c], table.kind(r, c));
            }
        }
    }
    true
}

fn read_rows(
    stream: &[Token],
    cursor: &mut usize,
    table: &Table,
    form: &Form,
    cells: &mut [Reading],
) {
    for (r, row) in table.rows.iter().enumerate() {
        let ids: Vec<Option<usize>> = table
            .columns
            .iter()
            .map(|c| form.cell_index(&format!("{}.{}.{}", table.key, row.key, c.key)))
            .collect();
        let label = row.labels.last().copied().unwrap_or_default();
        let Some((after, how)) = find_label(stream, *cursor, &core(label)) else {
            for index in ids.iter().flatten() {
                cells[*index] = Reading::unread(&format!("没有找到这一行（「{label}」）"));
            }
            continue;
        };
        let wanted = table.columns.len();
        let (mut values, mut next) = numbers(stream, after, wanted);
        if let Match::Start(len) = how
            && values.len() < wanted
        {
            // The rest of the label printed on a later line, before the row's numbers.
            let mut end = next;
            let mut run = String::new();
            while let Some(Token::Text(t)) = stream.get(end) {
                run.push_str(&squash(t));
                end += 1;
            }
            let remainder: String = core(label).chars().skip(len).collect();
            if end > next && !remainder.is_empty() && run.ends_with(&remainder) {
                let (more, after_more) = numbers(stream, end, wanted);
                values = if values.len() + more.len() == wanted {
                    values.into_iter().chain(more).collect()
                } else {
                    more
                };
                next = after_more;
            }
        }
        *cursor = next;
        // More numbers than columns before the next label: a number printed with a space inside
        // (「3 1」) or a stray figure. Which is which cannot be told.
        let extra = stream[next..]
            .iter()
            .take_while(|t| !matches!(t, Token::Text(x) if has_cjk(x)))
            .filter(|t| !matches!(t, Token::Text(_)))
            .count();
        if values.len() == wanted && extra > 0 {
            let why = format!(
                "这一行印出 {} 个数，多于 {wanted} 列（可能有数字中间夹了空格），无法确定各数属于哪一列",
                wanted + extra
            );
            for index in ids.iter().flatten() {
                cells[*index] = Reading::unread(&why);
            }
            continue;
        }
        if values.len() != wanted {
            let why = format!(
                "这一行印出 {} 个数，应有 {wanted} 个，无法确定各数属于哪一列",
                values.len()
            );
            for index in ids.iter().flatten() {
                cells[*index] = Reading::unread(&why);
            }
            continue;
        }
        for (c, (index, token)) in ids.iter().zip(values).enumerate() {
            if let Some(index) = index {
                cells[*index] = reading(token, table.kind(r, c));
            }
        }
    }
}

/// The first run of label text at or after `from` that names the label; returns the index just
/// after the run.
fn find_label(stream: &[Token], from: usize, label: &str) -> Option<(usize, Match)> {
    let mut i = from;
    while i < stream.len() {
        if !matches!(stream[i], Token::Text(_)) {
            i += 1;
            continue;
        }
        let mut run = String::new();
        let mut j = i;
        while let Some(Token::Text(t)) = stream.get(j) {
            run.push_str(&squash(t));
            j += 1;
        }
        if let Some(how) = matches(&run, label) {
            return Some((j, how));
        }
        i = j;
    }
    None
}

/// Up to `wanted` cells after `from`, stopping at the next label; OCR litter without CJK
/// characters is passed over.
fn numbers(stream: &[Token], from: usize, wanted: usize) -> (Vec<&Token>, usize) {
    let mut out = Vec::new();
    let mut i = from;
    while i < stream.len() && out.len() < wanted {
        match &stream[i] {
            Token::Text(t) if has_cjk(t) => break,
            Token::Text(_) => {}
            t => out.push(t),
        }
        i += 1;
    }
    (out, i)
}

/// Printed text quoted in a message: at most 20 characters, control characters escaped.
fn quoted(text: &str) -> String {
    let short: String = text.chars().take(20).collect();
    terminal_safe(&short).into_owned()
}

fn reading(token: &Token, kind: CellKind) -> Reading {
    match token {
        Token::Blank => Reading::Read(Read::Blank),
        Token::Garbled(t) => Reading::unread(&format!("印成了「{}」，看不出是哪个数", quoted(t))),
        Token::Text(t) => Reading::unread(&format!("印成了「{}」", quoted(t))),
        Token::Number(text) => number_reading(text, kind),
    }
}

/// A printed number checked against the kind of its cell.
pub(super) fn number_reading(text: &str, kind: CellKind) -> Reading {
    let text = &quoted(text);
    let Some((value, unit)) = number_value(text) else {
        return Reading::unread(&format!("「{text}」不是数"));
    };
    match kind {
        CellKind::Count | CellKind::SignedCount
            if value.fract() != Decimal::ZERO || unit.is_some() =>
        {
            Reading::unread(&format!("「{text}」不是件数（应为整数）"))
        }
        CellKind::Count if value.is_sign_negative() => {
            Reading::unread(&format!("「{text}」是负数，这一格不能为负"))
        }
        CellKind::Money(u) if unit.is_some_and(|w| w != u.label()) => Reading::unread(&format!(
            "「{text}」的单位与表格的单位（{}）不同",
            u.label()
        )),
        CellKind::SignedCount => Reading::Read(Read::Value(value, format_signed(text))),
        _ => Reading::Read(Read::Value(value, value.to_string())),
    }
}

fn format_signed(text: &str) -> String {
    let digits: String = text
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '-' || *c == '+')
        .collect();
    digits.replace('＋', "+")
}

/// The single figures of a prose part (the fees of part 六, 2021 format), read from the
/// sentences that state them.
fn read_fees(
    lines: &[String],
    found: &[Option<usize>; 6],
    form: &Form,
    year: u16,
    cells: &mut [Reading],
) {
    let Some(table) = form.tables.iter().find(|t| t.is_figure_list()) else {
        return;
    };
    let number = usize::from(table.part);
    let range = part_range(found, number, lines.len()).filter(|_| found[number - 1].is_some());
    let numeral = part(table.part).numeral().trim_end_matches('、');
    let unread = format!("第{numeral}部分没有写出这个数");
    let text = match range {
        Some((start, end)) => &lines[start..end],
        None => lines,
    };
    for row in &table.rows {
        let id = cell_id(table.key, &row.key, "value");
        let Some(index) = form.cell_index(&id) else {
            continue;
        };
        cells[index] = Reading::unread(&unread);
        let figure = NARRATIVE_FIGURES
            .iter()
            .find(|f| matches!(f.readings, [[only]] if *only == id));
        let stated = figure.and_then(|f| {
            text.iter()
                .find_map(|l| figures::find(l, f, year).into_iter().next())
        });
        if let Some(stated) = stated {
            let value = match (stated.unit, form.kind(index).unit()) {
                (Some(written), Some(cell)) if written != cell => {
                    stated.value * Decimal::from(written.yuan()) / Decimal::from(cell.yuan())
                }
                _ => stated.value,
            };
            cells[index] = Reading::Read(Read::Value(value, value.normalize().to_string()));
        }
    }
}

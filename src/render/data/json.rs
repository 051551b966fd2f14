//! The data files' JSON written straight into their buffers (issue 13). What comes from the forms
//! alone (a table's key, part, title and columns; a row's key, label and unit; an all-years
//! cell's id and label) is serialized once per form or sequence of forms, as the opening of its
//! object up to its list of values; a year or agency then adds only its values. serde_json still
//! writes every piece, so the file is byte for byte what serializing it whole gives.

use serde::Serialize;

use super::{RowJson, Series, SeriesJson, YearJson, YearRef};

/// `value` serialized, without its closing `close` (its empty last list and itself).
pub(super) fn opening(value: &impl Serialize, close: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    push(&mut out, value);
    cut(&mut out, close);
    out
}

fn push(out: &mut Vec<u8>, value: &impl Serialize) {
    // Writing these values (strings, numbers, lists and maps of them) into memory cannot fail.
    let _ = serde_json::to_writer(&mut *out, value);
}

fn cut(out: &mut Vec<u8>, close: &[u8]) {
    if out.ends_with(close) {
        out.truncate(out.len() - close.len());
    }
}

/// A list's items, comma-separated.
fn items<T: Serialize>(out: &mut Vec<u8>, values: &[T]) {
    for (i, value) in values.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push(out, value);
    }
}

/// The opening of a row of the national template: `{"key":…,"label":…,"values":[`.
pub(super) fn row_opening(row: RowJson<'_>) -> Vec<u8> {
    opening(&row, b"]}")
}

/// A year's data.json: the tables' and rows' openings made for the form (`tables[t]`,
/// `rows[t][r]`), then the year's values and notes.
pub(super) fn year(json: &YearJson<'_>, tables: &[Vec<u8>], rows: &[Vec<Vec<u8>>]) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 * 1024);
    push(
        &mut out,
        &YearJson {
            agency: json.agency,
            year: json.year,
            template: json.template,
            tables: Vec::new(),
        },
    );
    cut(&mut out, b"]}");
    for (t, (table, (opening, openings))) in
        json.tables.iter().zip(tables.iter().zip(rows)).enumerate()
    {
        if t > 0 {
            out.push(b',');
        }
        out.extend_from_slice(opening);
        let mut national = openings.iter();
        for (i, row) in table.rows.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            let opening = if row.national { national.next() } else { None };
            match opening {
                Some(opening) => {
                    out.extend_from_slice(opening);
                    items(&mut out, &row.values);
                    out.push(b']');
                    if !row.notes.is_empty() {
                        out.extend_from_slice(b",\"notes\":");
                        push(&mut out, &row.notes);
                    }
                    out.push(b'}');
                }
                // A row added locally: written whole.
                None => push(&mut out, row),
            }
        }
        out.extend_from_slice(b"]}");
    }
    out.extend_from_slice(b"]}\n");
    out
}

/// The opening of an all-years cell: `"id":{"label":…,"values":[`.
pub(super) fn cell_opening(id: &str, label: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(128);
    push(&mut out, &id);
    out.push(b':');
    push(&mut out, &SeriesJson { label, values: &[] });
    cut(&mut out, b"]}");
    out
}

#[derive(Serialize)]
struct AgencyHead<'a> {
    agency: &'a str,
    /// The years in order, with their format and the files that hold their tables and notes.
    years: &'a [YearRef],
}

/// An agency's all-years data.json: its name and years, then every cell (in the order of the
/// forms: a JSON object keeps the order it is written in) with its label and one value per year.
pub(super) fn agency(
    agency: &str,
    years: &[YearRef],
    series: &Series,
    values: &[Vec<Option<String>>],
) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 * 1024);
    push(&mut out, &AgencyHead { agency, years });
    cut(&mut out, b"}");
    out.extend_from_slice(b",\"cells\":{");
    for (i, (cell, values)) in series.cells.iter().zip(values).enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(&cell.json);
        items(&mut out, values);
        out.extend_from_slice(b"]}");
    }
    out.extend_from_slice(b"}}\n");
    out
}

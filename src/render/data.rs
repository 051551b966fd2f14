//! Data downloads: every cell of a year, or of all years of an agency, as CSV and JSON.

use serde::Serialize;

use super::BuildError;
use crate::definition::CellKind;
use crate::model::{Agency, Cell, Year};
use crate::render::format::cell_text;

/// One cell of one year: the row of the CSV and the object of the JSON.
#[derive(Serialize)]
struct Record<'a> {
    agency: &'a str,
    year: u16,
    template: &'static str,
    part: &'static str,
    row: String,
    column: &'static str,
    /// The cell id; empty for a row beyond the national template.
    cell: &'a str,
    /// The value exactly as written ("/" for a cell the report left blank), so decimals stay exact.
    value: String,
    /// The unit of a money cell (「万元」, 「元」), empty for counts.
    unit: &'static str,
    /// The note printed with the cell (「其中修订5件」), empty when none.
    note: &'a str,
    /// False for a row a province added beyond the national template.
    national: bool,
}

/// The CSV header, in Chinese for the people who open it in a spreadsheet.
const HEADER: [&str; 11] = [
    "机关",
    "年度",
    "格式",
    "部分",
    "行标签",
    "列标签",
    "单元格编号",
    "数值",
    "单位",
    "注",
    "全国统一格式项目",
];

fn value_text(cell: Cell, kind: CellKind) -> String {
    match cell {
        Cell::Missing => String::new(),
        cell => cell_text(cell, kind),
    }
}

/// The records of a year: every cell of the national template, then the rows a province added.
fn records<'a>(agency: &'a Agency, year: &'a Year) -> impl Iterator<Item = Record<'a>> {
    let form = &year.form;
    let cells = form.cells.iter().enumerate().map(move |(i, id)| {
        let (table, row, column) = form.place(i);
        let kind = form.kind(i);
        Record {
            agency: &agency.name,
            year: year.year,
            template: year.template.key(),
            part: crate::definition::part(table.part).heading,
            row: table.row_label(row),
            column: column.label,
            cell: id,
            value: value_text(year.cells[i], kind),
            unit: kind.unit().map_or("", |u| u.label()),
            note: year.note(i).unwrap_or(""),
            national: true,
        }
    });
    let extra = year.extra_rows.iter().flat_map(move |x| {
        let table = &form.tables[x.table];
        table.columns.iter().zip(x.cells.iter().zip(&x.notes)).map(
            move |(column, (&cell, note))| Record {
                agency: &agency.name,
                year: year.year,
                template: year.template.key(),
                part: crate::definition::part(table.part).heading,
                row: format!("{} {}", table.caption, x.label),
                column: column.label,
                cell: "",
                value: value_text(cell, column.kind),
                unit: column.kind.unit().map_or("", |u| u.label()),
                note: note.as_deref().unwrap_or(""),
                national: false,
            },
        )
    });
    cells.chain(extra)
}

/// A text cell as a spreadsheet will not run it as a formula: text beginning with `=`, `+`, `-`,
/// `@` (or a tab or carriage return) gets a leading `'`, the usual defence against CSV injection
/// in Excel and WPS. Numbers (the value column) are written as they are.
fn neutralise(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

fn csv_of<'a>(rows: impl Iterator<Item = Record<'a>>) -> Result<Vec<u8>, BuildError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| BuildError::Theme(format!("无法生成 CSV：{e}"));
    writer.write_record(HEADER).map_err(fail)?;
    for r in rows {
        writer
            .write_record([
                &*neutralise(r.agency),
                &r.year.to_string(),
                r.template,
                &*neutralise(r.part),
                &*neutralise(&r.row),
                &*neutralise(r.column),
                &*neutralise(r.cell),
                &r.value,
                r.unit,
                &*neutralise(r.note),
                if r.national { "是" } else { "否" },
            ])
            .map_err(fail)?;
    }
    // A byte-order mark so that spreadsheet programs on Windows read the Chinese text as UTF-8.
    let mut out = "\u{feff}".as_bytes().to_vec();
    out.extend(
        writer
            .into_inner()
            .map_err(|e| BuildError::Theme(e.to_string()))?,
    );
    Ok(out)
}

fn json_of<'a>(rows: impl Iterator<Item = Record<'a>>) -> Vec<u8> {
    let rows: Vec<Record<'a>> = rows.collect();
    let mut out = serde_json::to_vec(&rows).unwrap_or_default();
    out.push(b'\n');
    out
}

/// The CSV and JSON of one year.
pub(crate) fn year_files(agency: &Agency, year: &Year) -> Result<(Vec<u8>, Vec<u8>), BuildError> {
    Ok((
        csv_of(records(agency, year))?,
        json_of(records(agency, year)),
    ))
}

/// The CSV and JSON of all years of an agency.
pub(crate) fn agency_files(agency: &Agency) -> Result<(Vec<u8>, Vec<u8>), BuildError> {
    let all = || agency.years.iter().flat_map(|y| records(agency, y));
    Ok((csv_of(all())?, json_of(all())))
}

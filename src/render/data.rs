//! Data downloads: a year's cells as CSV and JSON, and an agency's years side by side.
//!
//! Lean on purpose (issue 15): the JSON of a year writes each table's labels once (its columns and
//! rows) and the values as one list per row; the CSV of a year has one line per cell with its id,
//! labels and value, without repeating what the file's place already says (agency, year, format);
//! the all-years files of an agency put each cell's years side by side instead of repeating the
//! per-year files. README.md documents the shapes.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::BuildError;
use crate::definition::CellKind;
use crate::model::{Agency, Cell, Year};
use crate::render::format::cell_text;

fn value_text(cell: Cell, kind: CellKind) -> String {
    match cell {
        Cell::Missing => String::new(),
        cell => cell_text(cell, kind),
    }
}

fn unit_of(kind: CellKind) -> &'static str {
    kind.unit().map_or("", |u| u.label())
}

// ---- JSON of a year --------------------------------------------------------------------------

#[derive(Serialize)]
struct YearJson<'a> {
    agency: &'a str,
    year: u16,
    template: &'static str,
    tables: Vec<TableJson<'a>>,
}

#[derive(Serialize)]
struct TableJson<'a> {
    key: &'static str,
    part: &'static str,
    title: String,
    columns: Vec<ColumnJson>,
    rows: Vec<RowJson<'a>>,
}

#[derive(Serialize)]
struct ColumnJson {
    #[serde(skip)]
    kind: CellKind,
    key: &'static str,
    label: &'static str,
    #[serde(skip_serializing_if = "str::is_empty")]
    unit: &'static str,
}

#[derive(Serialize)]
struct RowJson<'a> {
    /// None for a row a province added beyond the national template.
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<&'a str>,
    label: String,
    /// The unit of this row's cells when it differs from the columns' (the fee figures of 六).
    #[serde(skip_serializing_if = "Option::is_none")]
    unit: Option<&'static str>,
    /// One per column, exactly as written ("/" for a cell the report left blank).
    values: Vec<String>,
    /// The notes printed with cells (「其中修订5件」), by column key.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    notes: BTreeMap<&'static str, &'a str>,
    /// Present (false) only for a row beyond the national template.
    #[serde(skip_serializing_if = "is_true")]
    national: bool,
}

fn is_true(b: &bool) -> bool {
    *b
}

fn year_json<'a>(agency: &'a Agency, year: &'a Year) -> YearJson<'a> {
    let form = &year.form;
    let mut next = 0;
    let mut tables = Vec::with_capacity(form.tables.len());
    for (t, table) in form.tables.iter().enumerate() {
        let mut rows = Vec::with_capacity(table.rows.len());
        for row in &table.rows {
            let first = next;
            next += table.columns.len();
            let notes = table
                .columns
                .iter()
                .enumerate()
                .filter_map(|(c, column)| year.note(first + c).map(|n| (column.key, n)))
                .collect();
            rows.push(RowJson {
                key: Some(&row.key),
                label: table.row_label(row),
                unit: row.kind.map(unit_of),
                values: (0..table.columns.len())
                    .map(|c| value_text(year.cells[first + c], form.kind(first + c)))
                    .collect(),
                notes,
                national: true,
            });
        }
        // Rows added locally, each after the template row it follows.
        for x in year.extra_rows.iter().filter(|x| x.table == t) {
            let at = x.after.map_or(0, |a| a + 1);
            let extra = RowJson {
                key: None,
                label: format!("{} {}", table.caption, x.label),
                unit: None,
                values: table
                    .columns
                    .iter()
                    .zip(&x.cells)
                    .map(|(column, &cell)| value_text(cell, column.kind))
                    .collect(),
                notes: table
                    .columns
                    .iter()
                    .zip(&x.notes)
                    .filter_map(|(column, note)| note.as_deref().map(|n| (column.key, n)))
                    .collect(),
                national: false,
            };
            // After the template row and the local rows already placed after it.
            let position = rows
                .iter()
                .enumerate()
                .filter(|(_, r)| r.national)
                .nth(at)
                .map_or(rows.len(), |(i, _)| i);
            rows.insert(position, extra);
        }
        tables.push(TableJson {
            key: table.key,
            part: crate::definition::part(table.part).heading,
            title: table.title(),
            columns: table
                .columns
                .iter()
                .map(|c| ColumnJson {
                    kind: c.kind,
                    key: c.key,
                    label: c.label,
                    unit: unit_of(c.kind),
                })
                .collect(),
            rows,
        });
    }
    YearJson {
        agency: &agency.name,
        year: year.year,
        template: year.template.key(),
        tables,
    }
}

fn json_bytes(value: &impl Serialize) -> Vec<u8> {
    let mut out = serde_json::to_vec(value).unwrap_or_default();
    out.push(b'\n');
    out
}

// ---- CSV -------------------------------------------------------------------------------------

/// A text cell as a spreadsheet will not run it as a formula: text beginning with `=`, `+`, `-`,
/// `@` (or a tab or carriage return) gets a leading `'`, the usual defence against CSV injection
/// in Excel and WPS. Numbers (the value columns) are written as they are.
fn neutralise(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

fn csv_bytes(lines: impl Iterator<Item = Vec<String>>) -> Result<Vec<u8>, BuildError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| BuildError::Theme(format!("无法生成 CSV：{e}"));
    for line in lines {
        writer.write_record(&line).map_err(fail)?;
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

/// The CSV of a year, laid out like the printed tables: one line per row of a table (the national
/// template's rows, and the rows added locally where they stand), a column per column label of the
/// form (tables share a column when their columns have the same label, as 「总计」 does), and the
/// row's printed notes at the end as 「column：note」.
fn year_csv(json: &YearJson<'_>) -> Result<Vec<u8>, BuildError> {
    // Money columns name their unit (「采购总金额（单位：万元）」), as on the year page. A table
    // shares a column of an earlier table with the same label when that keeps its own columns in
    // order (「总计」 of part 四 comes after its results, so it gets a column of its own).
    let mut labels: Vec<String> = Vec::new();
    let mut places: Vec<Vec<usize>> = Vec::new();
    for table in &json.tables {
        let mut at = Vec::with_capacity(table.columns.len());
        for column in &table.columns {
            let label = crate::definition::label_with_unit(column.label, column.kind);
            let after = at.last().map_or(0, |&p: &usize| p + 1);
            let found = labels
                .iter()
                .skip(after)
                .position(|l| *l == label)
                .map(|p| p + after);
            at.push(found.unwrap_or_else(|| {
                labels.push(label);
                labels.len() - 1
            }));
        }
        places.push(at);
    }
    let mut header: Vec<String> = vec!["行编号".to_string(), "行标签".to_string()];
    header.extend(labels.iter().map(|l| neutralise(l).into_owned()));
    header.push("注".to_string());
    let width = header.len();
    let mut lines = vec![header];
    for (table, at) in json.tables.iter().zip(&places) {
        let at: Vec<usize> = at.iter().map(|p| p + 2).collect();
        for row in &table.rows {
            let mut line = vec![String::new(); width];
            line[0] = row
                .key
                .map(|k| format!("{}.{k}", table.key))
                .unwrap_or_default();
            line[1] = neutralise(&row.label).into_owned();
            for (&i, value) in at.iter().zip(&row.values) {
                line[i].clone_from(value);
            }
            let notes: Vec<String> = table
                .columns
                .iter()
                .filter_map(|c| row.notes.get(c.key).map(|n| format!("{}：{n}", c.label)))
                .collect();
            line[width - 1] = neutralise(&notes.join("；")).into_owned();
            lines.push(line);
        }
    }
    csv_bytes(lines.into_iter())
}

/// The CSV and JSON of one year.
pub(crate) fn year_files(agency: &Agency, year: &Year) -> Result<(Vec<u8>, Vec<u8>), BuildError> {
    let json = year_json(agency, year);
    Ok((year_csv(&json)?, json_bytes(&json)))
}

// ---- all years of an agency ------------------------------------------------------------------

#[derive(Serialize)]
struct AgencyJson<'a> {
    agency: &'a str,
    /// The years in order, with their format and the files that hold their tables and notes.
    years: Vec<YearRef>,
    /// Every cell, by cell id: its official label and its values, one per year of `years`.
    cells: Ordered<'a>,
}

#[derive(Serialize)]
struct SeriesJson<'a> {
    label: &'a str,
    /// One per year of `years`; null where that year's format has no such cell.
    values: &'a [Option<String>],
}

/// The cells in the order of the forms (a JSON object keeps the order it is written in).
struct Ordered<'a>(&'a [(&'a str, String, Vec<Option<String>>)]);

impl Serialize for Ordered<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(id, label, values)| {
            (
                *id,
                SeriesJson {
                    label,
                    values: values.as_slice(),
                },
            )
        }))
    }
}

#[derive(Serialize)]
struct YearRef {
    year: u16,
    template: &'static str,
    json: String,
    csv: String,
}

/// The cells of the template of any year of the agency, the latest format's order first, then the
/// cells only older formats have; per cell, its label and its value in each year.
#[allow(clippy::type_complexity)]
fn series(agency: &Agency) -> Vec<(&str, String, Vec<Option<String>>)> {
    let mut order: Vec<(&str, String)> = Vec::new();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for year in agency.years.iter().rev() {
        for (i, id) in year.form.cells.iter().enumerate() {
            if !seen.contains_key(id.as_str()) {
                seen.insert(id, order.len());
                order.push((id, year.form.cell_label(i)));
            }
        }
    }
    order
        .into_iter()
        .map(|(id, label)| {
            let values = agency
                .years
                .iter()
                .map(|y| {
                    y.form
                        .cell_index(id)
                        .map(|i| value_text(y.cells[i], y.form.kind(i)))
                })
                .collect();
            (id, label, values)
        })
        .collect()
}

/// The CSV and JSON of all years of an agency: every cell once, its years side by side.
pub(crate) fn agency_files(agency: &Agency) -> Result<(Vec<u8>, Vec<u8>), BuildError> {
    let series = series(agency);
    let mut header: Vec<String> = vec!["单元格编号".to_string(), "项目".to_string()];
    header.extend(agency.years.iter().map(|y| format!("{}年", y.year)));
    let lines = std::iter::once(header).chain(series.iter().map(|(id, label, values)| {
        let mut line = vec![id.to_string(), neutralise(label).into_owned()];
        line.extend(values.iter().map(|v| v.clone().unwrap_or_default()));
        line
    }));
    let csv = csv_bytes(lines)?;
    let json = AgencyJson {
        agency: &agency.name,
        years: agency
            .years
            .iter()
            .map(|y| YearRef {
                year: y.year,
                template: y.template.key(),
                json: format!("{}/data.json", y.year),
                csv: format!("{}/data.csv", y.year),
            })
            .collect(),
        cells: Ordered(&series),
    };
    Ok((csv, json_bytes(&json)))
}

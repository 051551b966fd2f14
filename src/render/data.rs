//! Data downloads: a year's cells as CSV and JSON, and an agency's years side by side.
//!
//! Lean on purpose (issue 15): the JSON of a year writes each table's labels once (its columns and
//! rows) and the values as one list per row; the CSV of a year has one line per cell with its id,
//! labels and value, without repeating what the file's place already says (agency, year, format);
//! the all-years files of an agency put each cell's years side by side instead of repeating the
//! per-year files. README.md documents the shapes.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use serde::Serialize;

use super::BuildError;
use super::per_form::PerForm;
use crate::definition::{CellKind, Form};
use crate::model::{Agency, Cell, Year};
use crate::render::format::cell_text;

mod json;

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
    title: &'a str,
    columns: Vec<ColumnJson>,
    rows: Vec<RowJson<'a>>,
}

#[derive(Serialize)]
struct ColumnJson {
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
    label: Cow<'a, str>,
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

/// What the data files of a year take from its form alone (titles, row labels, the CSV's
/// columns), made once per form rather than for every year.
struct YearShape {
    /// Per table: its title and its rows' labels.
    titles: Vec<String>,
    row_labels: Vec<Vec<String>>,
    /// The CSV's header line and, per table, the CSV column of each of its columns.
    header: Vec<String>,
    places: Vec<Vec<usize>>,
    /// The JSON of each table up to its rows, and of each of its rows up to its values.
    json_tables: Vec<Vec<u8>>,
    json_rows: Vec<Vec<Vec<u8>>>,
}

fn year_shape(form: &Arc<Form>) -> Arc<YearShape> {
    static SHAPES: PerForm<(), YearShape> = PerForm::new();
    SHAPES.get(form, (), || {
        let (header, places) = csv_columns(form);
        let titles: Vec<String> = form.tables.iter().map(|t| t.title()).collect();
        let row_labels: Vec<Vec<String>> = form
            .tables
            .iter()
            .map(|t| t.rows.iter().map(|r| t.row_label(r)).collect())
            .collect();
        let json_tables = form
            .tables
            .iter()
            .zip(&titles)
            .map(|(table, title)| json::opening(&table_json(table, title, Vec::new()), b"]}"))
            .collect();
        let json_rows = form
            .tables
            .iter()
            .zip(&row_labels)
            .map(|(table, labels)| {
                table
                    .rows
                    .iter()
                    .zip(labels)
                    .map(|(row, label)| {
                        json::row_opening(RowJson {
                            key: Some(&row.key),
                            label: Cow::Borrowed(label),
                            unit: row.kind.map(unit_of),
                            values: Vec::new(),
                            notes: BTreeMap::new(),
                            national: true,
                        })
                    })
                    .collect()
            })
            .collect();
        YearShape {
            titles,
            row_labels,
            header,
            places,
            json_tables,
            json_rows,
        }
    })
}

fn year_json<'a>(agency: &'a Agency, year: &'a Year, shape: &'a YearShape) -> YearJson<'a> {
    let form = &year.form;
    let mut next = 0;
    let mut tables = Vec::with_capacity(form.tables.len());
    for (t, table) in form.tables.iter().enumerate() {
        let mut rows = Vec::with_capacity(table.rows.len());
        for (row, label) in table.rows.iter().zip(&shape.row_labels[t]) {
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
                label: Cow::Borrowed(label),
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
                label: Cow::Owned(format!("{} {}", table.caption, x.label)),
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
        tables.push(table_json(table, &shape.titles[t], rows));
    }
    YearJson {
        agency: &agency.name,
        year: year.year,
        template: year.template.key(),
        tables,
    }
}

/// A table of a year's JSON with its rows.
fn table_json<'a>(
    table: &crate::definition::Table,
    title: &'a str,
    rows: Vec<RowJson<'a>>,
) -> TableJson<'a> {
    TableJson {
        key: table.key,
        part: crate::definition::part(table.part).heading,
        title,
        columns: table
            .columns
            .iter()
            .map(|c| ColumnJson {
                key: c.key,
                label: c.label,
                unit: unit_of(c.kind),
            })
            .collect(),
        rows,
    }
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

/// A CSV file: a byte-order mark (so that spreadsheet programs on Windows read the Chinese text
/// as UTF-8), then the records `write` writes.
fn csv_bytes(
    capacity: usize,
    write: impl FnOnce(&mut csv::Writer<Vec<u8>>) -> csv::Result<()>,
) -> Result<Vec<u8>, BuildError> {
    let mut out = Vec::with_capacity(capacity);
    out.extend_from_slice("\u{feff}".as_bytes());
    let mut writer = csv::Writer::from_writer(out);
    write(&mut writer).map_err(|e| BuildError::Theme(format!("无法生成 CSV：{e}")))?;
    writer
        .into_inner()
        .map_err(|e| BuildError::Theme(e.to_string()))
}

/// The CSV columns of a form's year files: the header line, and per table the column of each of
/// its columns (see `year_csv`).
fn csv_columns(form: &Form) -> (Vec<String>, Vec<Vec<usize>>) {
    // Money columns name their unit (「采购总金额（单位：万元）」), as on the year page. A table
    // shares a column of an earlier table with the same label when that keeps its own columns in
    // order (「总计」 of part 四 comes after its results, so it gets a column of its own).
    let mut labels: Vec<String> = Vec::new();
    let mut places: Vec<Vec<usize>> = Vec::new();
    for table in &form.tables {
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
        places.push(at.iter().map(|p| p + 2).collect());
    }
    let mut header: Vec<String> = vec!["行编号".to_string(), "行标签".to_string()];
    header.extend(labels.iter().map(|l| neutralise(l).into_owned()));
    header.push("注".to_string());
    (header, places)
}

/// The CSV of a year, laid out like the printed tables: one line per row of a table (the national
/// template's rows, and the rows added locally where they stand), a column per column label of the
/// form (tables share a column when their columns have the same label, as 「总计」 does), and the
/// row's printed notes at the end as 「column：note」.
fn year_csv(json: &YearJson<'_>, shape: &YearShape) -> Result<Vec<u8>, BuildError> {
    let width = shape.header.len();
    csv_bytes(8 * 1024, |writer| {
        writer.write_record(&shape.header)?;
        let mut id = String::new();
        for (table, at) in json.tables.iter().zip(&shape.places) {
            for row in &table.rows {
                id.clear();
                if let Some(k) = row.key {
                    id.push_str(table.key);
                    id.push('.');
                    id.push_str(k);
                }
                writer.write_field(&id)?;
                writer.write_field(neutralise(&row.label).as_ref())?;
                // The values in their columns (`at` is in order), the other columns empty.
                let mut column = 2;
                for (&i, value) in at.iter().zip(&row.values) {
                    for _ in column..i {
                        writer.write_field("")?;
                    }
                    writer.write_field(value)?;
                    column = i + 1;
                }
                for _ in column..width - 1 {
                    writer.write_field("")?;
                }
                if row.notes.is_empty() {
                    writer.write_field("")?;
                } else {
                    let notes: Vec<String> = table
                        .columns
                        .iter()
                        .filter_map(|c| row.notes.get(c.key).map(|n| format!("{}：{n}", c.label)))
                        .collect();
                    writer.write_field(neutralise(&notes.join("；")).as_ref())?;
                }
                writer.write_record(None::<&[u8]>)?;
            }
        }
        Ok(())
    })
}

/// The CSV and JSON of one year.
pub(crate) fn year_files(agency: &Agency, year: &Year) -> Result<(Vec<u8>, Vec<u8>), BuildError> {
    let shape = year_shape(&year.form);
    let json = year_json(agency, year, &shape);
    let bytes = json::year(&json, &shape.json_tables, &shape.json_rows);
    Ok((year_csv(&json, &shape)?, bytes))
}

// ---- all years of an agency ------------------------------------------------------------------

#[derive(Serialize)]
struct SeriesJson<'a> {
    label: &'a str,
    /// One per year of `years`; null where that year's format has no such cell.
    values: &'a [Option<String>],
}

#[derive(Serialize)]
struct YearRef {
    year: u16,
    template: &'static str,
    json: String,
    csv: String,
}

/// A cell of the all-years files: its id, its official label as the CSV and the JSON write it,
/// and its index in each year's form.
struct SeriesCell {
    id: String,
    csv_label: String,
    /// Its JSON up to its values: `"id":{"label":…,"values":[`.
    json: Vec<u8>,
    indices: Vec<Option<usize>>,
}

/// The cells of the template of any year of an agency, the latest format's order first, then the
/// cells only older formats have. It depends only on the years' forms, so it is made once per
/// sequence of forms (a portal has a handful: agencies share their years' formats), not per
/// agency.
struct Series {
    /// The forms it was made for (kept so that their addresses, the cache's key, stay theirs).
    _forms: Vec<Arc<Form>>,
    cells: Vec<SeriesCell>,
}

fn series(agency: &Agency) -> Arc<Series> {
    type Cache = Mutex<HashMap<Vec<usize>, Arc<Series>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let key: Vec<usize> = agency
        .years
        .iter()
        .map(|y| Arc::as_ptr(&y.form) as usize)
        .collect();
    if let Some(found) = cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
        return found;
    }
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
    let cells = order
        .into_iter()
        .map(|(id, label)| SeriesCell {
            id: id.to_string(),
            csv_label: neutralise(&label).into_owned(),
            json: json::cell_opening(id, &label),
            indices: agency.years.iter().map(|y| y.form.cell_index(id)).collect(),
        })
        .collect();
    let made = Arc::new(Series {
        _forms: agency.years.iter().map(|y| y.form.clone()).collect(),
        cells,
    });
    // Bounded: agencies whose years are unusual past this many kinds make their own.
    if let Ok(mut c) = cache.lock()
        && c.len() < 256
    {
        c.insert(key, made.clone());
    }
    made
}

/// The CSV and JSON of all years of an agency: every cell once, its years side by side.
pub(crate) fn agency_files(agency: &Agency) -> Result<(Vec<u8>, Vec<u8>), BuildError> {
    let series = series(agency);
    // Per cell, its value in each year.
    let values: Vec<Vec<Option<String>>> = series
        .cells
        .iter()
        .map(|cell| {
            cell.indices
                .iter()
                .zip(&agency.years)
                .map(|(i, y)| i.map(|i| value_text(y.cells[i], y.form.kind(i))))
                .collect()
        })
        .collect();
    let csv = csv_bytes(16 * 1024, |writer| {
        let mut header: Vec<String> = vec!["单元格编号".to_string(), "项目".to_string()];
        header.extend(agency.years.iter().map(|y| format!("{}年", y.year)));
        writer.write_record(&header)?;
        for (cell, values) in series.cells.iter().zip(&values) {
            writer.write_record(
                [cell.id.as_str(), cell.csv_label.as_str()]
                    .into_iter()
                    .chain(values.iter().map(|v| v.as_deref().unwrap_or(""))),
            )?;
        }
        Ok(())
    })?;
    let years: Vec<YearRef> = agency
        .years
        .iter()
        .map(|y| YearRef {
            year: y.year,
            template: y.template.key(),
            json: format!("{}/data.json", y.year),
            csv: format!("{}/data.csv", y.year),
        })
        .collect();
    let json = json::agency(&agency.name, &years, &series, &values);
    Ok((csv, json))
}

//! Writing the workbook in the official table layout (`nianbao xlsx`, and the skeleton of each
//! year's data.xlsx that `build` assembles in render/xlsx.rs); reading it back is xlsx.rs.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
    XlsxError,
};

use super::ImportError;
use crate::definition::{
    CellKind, Form, Layout, PARTS, Table, label_with_unit, part as template_part,
};
use crate::model::{Cell, Year};
use crate::scaffold::carried_values;

/// What a number cell of the workbook starts with.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    Number(Decimal),
    /// Printed blank in the report: 「/」.
    Blank,
}

/// The sheet of a part: its numeral and a short name (a sheet name has at most 31 characters).
fn sheet_name(part: u8) -> String {
    let short = match part {
        2 => "主动公开",
        3 => "依申请公开",
        4 => "行政复议、行政诉讼",
        6 => "信息处理费",
        _ => "",
    };
    format!("{}{short}", template_part(part).numeral())
}

/// The marker in the top-left cell of every sheet: which report the workbook is for.
pub(super) const YEAR_MARK: &str = "年政府信息公开工作年度报告";

/// Writes the workbook of a year. `cells` gives one start value per cell of `form` (None: empty);
/// with `to_fill` the number cells are unlocked and the sheets protected.
pub fn workbook(
    form: &Form,
    agency_name: &str,
    year: u16,
    cells: &[Option<Value>],
    to_fill: bool,
) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    // A fixed creation date (the day after the report year), so that two builds are identical.
    let created = ExcelDateTime::from_ymd(year.saturating_add(1), 1, 1)?;
    book.set_properties(
        &DocProperties::new()
            .set_title(format!(
                "{agency_name} {year}年政府信息公开工作年度报告：表格数据"
            ))
            .set_creation_datetime(&created),
    );
    let border = Format::new().set_border(FormatBorder::Thin);
    let header = border
        .clone()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let label = border
        .clone()
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter);
    let mut input = border.clone();
    if to_fill {
        input = input
            .set_unlocked()
            .set_background_color(Color::RGB(0xFFF8D6));
    }
    let formats = Formats {
        header,
        label,
        count: input.clone().set_num_format("0"),
        signed: input.clone().set_num_format("+0;-0;0"),
        money: input.clone().set_num_format("0.00##"),
        text: input,
        title: Format::new().set_bold(),
    };
    let parts: Vec<u8> = PARTS
        .iter()
        .map(|p| p.number)
        .filter(|n| form.tables.iter().any(|t| t.part == *n))
        .collect();
    for part in parts {
        let sheet = book.add_worksheet();
        sheet.set_name(sheet_name(part))?;
        sheet.write_string_with_format(
            0,
            0,
            format!(
                "{agency_name} {year}{YEAR_MARK}：{}",
                template_part(part).heading
            ),
            &formats.title,
        )?;
        let note = if to_fill {
            "淡黄色格子为填写处：填数字，没有发生的填 0，原报告空白的填 /；不要写单位（单位见表头），不要改动标签和表格结构。"
        } else {
            "数据由 nianbao 按官方表格格式导出；「/」为原报告空白的格子。"
        };
        sheet.write_string(1, 0, note)?;
        sheet.set_column_width(0, 16)?;
        sheet.set_column_width(1, 16)?;
        sheet.set_column_width(2, 26)?;
        for c in 3..20 {
            sheet.set_column_width(c, 9)?;
        }
        let mut row = 3;
        for table in form.tables.iter().filter(|t| t.part == part) {
            row = write_table(sheet, row, form, table, cells, &formats)? + 2;
        }
        if to_fill {
            sheet.protect();
        }
    }
    book.save_to_buffer()
}

/// A row of a table block: its labels, outermost first, and the form's cells under each column.
type DataRow = (Vec<String>, Vec<(usize, String)>);

struct Formats {
    header: Format,
    label: Format,
    count: Format,
    signed: Format,
    money: Format,
    text: Format,
    title: Format,
}

/// Writes one table from `top`; returns its last row.
fn write_table(
    sheet: &mut Worksheet,
    top: u32,
    form: &Form,
    table: &Table,
    cells: &[Option<Value>],
    formats: &Formats,
) -> Result<u32, XlsxError> {
    sheet.write_string_with_format(top, 0, table.title(), &formats.title)?;
    let top = top + 1;
    let label_columns = 3u16;
    // Header paths of the data columns, and the cell id under each, row by row.
    let (columns, data_rows): (Vec<Vec<String>>, Vec<DataRow>) = match table.layout {
        Layout::GroupsAcross => {
            let mut paths = Vec::new();
            let mut ids = Vec::new();
            for (r, row) in table.rows.iter().enumerate() {
                for (c, column) in table.columns.iter().enumerate() {
                    let mut path: Vec<String> = row.labels.iter().map(|l| l.to_string()).collect();
                    path.push(label_with_unit(column.label, table.kind(r, c)));
                    paths.push(path);
                    ids.push((r, c));
                }
            }
            let ids = ids
                .into_iter()
                .filter_map(|(r, c)| {
                    let id = format!(
                        "{}.{}.{}",
                        table.key, table.rows[r].key, table.columns[c].key
                    );
                    form.cell_index(&id).map(|i| (i, id))
                })
                .collect();
            (paths, vec![(vec![String::new()], ids)])
        }
        Layout::Rows => {
            let paths = table
                .columns
                .iter()
                .map(|c| {
                    let mut path: Vec<String> = c.header.iter().map(|h| h.to_string()).collect();
                    path.push(label_with_unit(c.label, c.kind));
                    path
                })
                .collect();
            let rows = table
                .rows
                .iter()
                .map(|row| {
                    let mut labels: Vec<String> =
                        row.labels.iter().map(|l| l.to_string()).collect();
                    if let (Some(last), Some(kind)) = (labels.last_mut(), row.kind) {
                        *last = label_with_unit(last, kind);
                    }
                    let ids = table
                        .columns
                        .iter()
                        .filter_map(|c| {
                            let id = format!("{}.{}.{}", table.key, row.key, c.key);
                            form.cell_index(&id).map(|i| (i, id))
                        })
                        .collect();
                    (labels, ids)
                })
                .collect();
            (paths, rows)
        }
    };
    let levels = columns.iter().map(Vec::len).max().unwrap_or(1) as u32;
    // The corner: 「信息内容」 or the 勾稽关系 note, over the label columns and header rows.
    merge(
        sheet,
        top,
        0,
        top + levels - 1,
        label_columns - 1,
        table.corner,
        &formats.header,
    )?;
    // Header cells: equal prefixes side by side merge across; a label with nothing under it
    // merges down to the last header row.
    for level in 0..levels as usize {
        let mut c = 0;
        while c < columns.len() {
            let Some(text) = columns[c].get(level) else {
                c += 1;
                continue;
            };
            let mut end = c;
            while end + 1 < columns.len()
                && columns[end + 1].get(..=level) == columns[c].get(..=level)
            {
                end += 1;
            }
            let last_row = if level + 1 == columns[c].len() {
                top + levels - 1
            } else {
                top + level as u32
            };
            merge(
                sheet,
                top + level as u32,
                label_columns + c as u16,
                last_row,
                label_columns + end as u16,
                text,
                &formats.header,
            )?;
            c = end + 1;
        }
    }
    let first = top + levels;
    let levels_down = data_rows.iter().map(|(l, _)| l.len()).max().unwrap_or(1);
    for level in 0..levels_down {
        let mut r = 0;
        while r < data_rows.len() {
            let labels = &data_rows[r].0;
            let Some(text) = labels.get(level) else {
                r += 1;
                continue;
            };
            let mut end = r;
            while end + 1 < data_rows.len()
                && level + 1 < labels.len()
                && data_rows[end + 1].0.get(..=level) == labels.get(..=level)
            {
                end += 1;
            }
            // The label column of this level; the last level spans what is left of the three.
            let col = (level as u16).min(label_columns - 1);
            let last_col = if level + 1 == labels.len() {
                label_columns - 1
            } else {
                col
            };
            merge(
                sheet,
                first + r as u32,
                col,
                first + end as u32,
                last_col,
                text,
                &formats.label,
            )?;
            r = end + 1;
        }
    }
    for (r, (_, ids)) in data_rows.iter().enumerate() {
        for (c, (index, _)) in ids.iter().enumerate() {
            let (row, col) = (first + r as u32, label_columns + c as u16);
            let format = match form.kind(*index) {
                CellKind::Count => &formats.count,
                CellKind::SignedCount => &formats.signed,
                CellKind::Money(_) => &formats.money,
            };
            match cells.get(*index).copied().flatten() {
                Some(Value::Number(v)) => {
                    sheet.write_number_with_format(
                        row,
                        col,
                        v.to_f64().unwrap_or_default(),
                        format,
                    )?;
                }
                Some(Value::Blank) => {
                    sheet.write_string_with_format(row, col, "/", &formats.text)?;
                }
                None => {
                    sheet.write_blank(row, col, format)?;
                }
            }
        }
    }
    Ok(first + data_rows.len() as u32 - 1)
}

fn merge(
    sheet: &mut Worksheet,
    r1: u32,
    c1: u16,
    r2: u32,
    c2: u16,
    text: &str,
    format: &Format,
) -> Result<(), XlsxError> {
    if r1 == r2 && c1 == c2 {
        sheet.write_string_with_format(r1, c1, text, format)?;
    } else {
        sheet.merge_range(r1, c1, r2, c2, text, format)?;
    }
    Ok(())
}

/// The name of a cell for messages: 「D7」.
pub(super) fn cell_name(row: usize, col: usize) -> String {
    let mut letters = String::new();
    let mut n = col + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.insert(0, char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}

/// The workbook to fill in for a year: the year's own figures when it exists, otherwise the
/// values carried from last year (上年结转 and the like) and empty cells.
pub fn fill_in(
    agency_name: &str,
    year: u16,
    existing: Option<&Year>,
    previous: Option<&Year>,
) -> Result<Vec<u8>, ImportError> {
    let template = super::template_of(year)?;
    let written = match existing {
        Some(y) => workbook(&y.form, agency_name, year, &year_values(y), true),
        None => {
            let form = &template.get().form;
            let carried: Vec<Option<Value>> = carried_values(form, previous)
                .into_iter()
                .map(|v| v.map(Value::Number))
                .collect();
            workbook(form, agency_name, year, &carried, true)
        }
    };
    written.map_err(|e| ImportError(format!("无法生成工作簿：{e}")))
}

/// A year's figures as workbook values.
pub fn year_values(year: &Year) -> Vec<Option<Value>> {
    year.cells
        .iter()
        .map(|c| match c {
            Cell::Value(v) => Some(Value::Number(*v)),
            Cell::NotReported => Some(Value::Blank),
            Cell::Missing => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::cell_name;

    #[test]
    fn cells_are_named_like_a_spreadsheet() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(6, 3), "D7");
        assert_eq!(cell_name(1, 27), "AB2");
    }
}

//! The workbook in the official table layout: written by `nianbao xlsx` (to be filled in Excel
//! or WPS) and by `build` (each year's figures, for readers), read back by `nianbao import`.
//!
//! Each part is a sheet; each table a block: its title, its header rows with merged cells and
//! the official labels (part 三 with the 勾稽关系 note in its corner), its rows with their
//! labels (up to three levels, merged), numbers typed as numbers, money with the unit in its
//! label. In a workbook to fill in, only the number cells are unlocked; the sheets are
//! protected. Reading goes by the labels, not by positions: rows may be moved or inserted; a
//! table or column whose label cannot be found is refused with the sheet and cell named.

use std::collections::HashMap;
use std::path::Path;

use calamine::{Data, Reader, Xlsx};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
    XlsxError,
};

use super::labels::{core, squash};
use super::{ImportError, Read, Reading, Report};
// What this file uses of the rest of nianbao.
use crate::definition::{
    CellKind, Form, Layout, PARTS, Table, TemplateId, label_with_unit, part as template_part,
};
use crate::diagnostic::terminal_safe;
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
const YEAR_MARK: &str = "年政府信息公开工作年度报告";

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
fn cell_name(row: usize, col: usize) -> String {
    let mut letters = String::new();
    let mut n = col + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.insert(0, char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}

/// The most cells a sheet may span (the year's tables take a few hundred): a bound on the memory
/// and time a workbook can cost.
const MAX_SHEET_CELLS: usize = 100_000;

/// One sheet as a grid of cells from A1.
struct Sheet {
    name: String,
    grid: Vec<Vec<Data>>,
}

impl Sheet {
    fn text(&self, r: usize, c: usize) -> String {
        match self.grid.get(r).and_then(|row| row.get(c)) {
            Some(Data::String(s)) => s.trim().to_string(),
            Some(Data::Float(f)) => f.to_string(),
            Some(Data::Int(i)) => i.to_string(),
            _ => String::new(),
        }
    }
}

/// Reads a workbook written by `nianbao xlsx` (and filled in) into the cells of its year.
pub fn read(path: &Path, bytes: &[u8], year: Option<u16>) -> Result<Report, ImportError> {
    let bad = |e: String| {
        ImportError(format!(
            "无法读取工作簿 {}：{e}。请在 Excel 或 WPS 中另存为 .xlsx 格式后再导入。",
            path.display()
        ))
    };
    let mut book: Xlsx<_> =
        Xlsx::new(std::io::Cursor::new(bytes.to_vec())).map_err(|e| bad(e.to_string()))?;
    let mut sheets = Vec::new();
    for name in book.sheet_names() {
        let range = book
            .worksheet_range(&name)
            .map_err(|e| bad(e.to_string()))?;
        let (height, width) = range.get_size();
        if height.saturating_mul(width) > MAX_SHEET_CELLS {
            return Err(ImportError(format!(
                "工作簿 {} 的工作表「{}」有 {height} 行 {width} 列，远大于年报的表格（最多 {MAX_SHEET_CELLS} 格）：这不是 nianbao xlsx 写出的工作簿，没有导入。",
                path.display(),
                terminal_safe(&name)
            )));
        }
        let mut grid = Vec::new();
        if let Some((r0, c0)) = range.start() {
            for (i, row) in range.rows().enumerate() {
                let r = r0 as usize + i;
                grid.resize(r + 1, Vec::new());
                let mut cells = vec![Data::Empty; c0 as usize];
                cells.extend(row.iter().cloned());
                grid[r] = cells;
            }
        }
        sheets.push(Sheet { name, grid });
    }
    let title = sheets.first().map(|s| s.text(0, 0)).unwrap_or_default();
    let year = match year.or_else(|| {
        let at = title.find(YEAR_MARK)?;
        let digits: String = title[..at]
            .chars()
            .rev()
            .take(4)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        digits.parse().ok()
    }) {
        Some(year) => year,
        None => {
            return Err(ImportError(format!(
                "工作簿 {} 的第一个工作表 A1 格没有写明报告年度（应为 nianbao xlsx 写出的标题）。请用 --year 指明年度。",
                path.display()
            )));
        }
    };
    let template: TemplateId = super::template_of(year)?;
    let (form, cells) = super::with_deviation(template, |form| {
        let mut cells = vec![Reading::unread("工作簿中没有这一格"); form.cells.len()];
        for table in &form.tables {
            read_table(&sheets, form, table, &mut cells)?;
        }
        Ok(cells)
    })?;
    Ok(Report {
        year,
        form,
        cells,
        parts: Default::default(),
        preface: Vec::new(),
        published: None,
        workbook: true,
    })
}

fn read_table(
    sheets: &[Sheet],
    form: &Form,
    table: &Table,
    cells: &mut [Reading],
) -> Result<(), ImportError> {
    let title = table.title();
    let found = sheets.iter().find_map(|s| {
        s.grid
            .iter()
            .enumerate()
            .find(|(_, row)| {
                row.iter()
                    .any(|c| matches!(c, Data::String(t) if t.trim() == title))
            })
            .map(|(r, _)| (s, r))
    });
    let Some((sheet, top)) = found else {
        return Err(ImportError(format!(
            "工作簿中没有找到表格「{title}」（各表格的标题行不能改动或删除）。"
        )));
    };
    // The block of this table: to the next title line (a row with only its first cell filled
    // and no number) or the end of the sheet.
    let end = (top + 1..sheet.grid.len())
        .find(|&r| {
            let t = sheet.text(r, 0);
            !t.is_empty()
                && sheet.grid[r]
                    .iter()
                    .skip(1)
                    .all(|c| matches!(c, Data::Empty))
                && t.contains('：')
                && !t.starts_with('（')
        })
        .unwrap_or(sheet.grid.len());
    let width = sheet.grid[top..end].iter().map(Vec::len).max().unwrap_or(0);
    // The topmost cell in the block whose label is `label`, at or right of `from`.
    let find = |label: &str, rows: std::ops::Range<usize>, cols: std::ops::Range<usize>| {
        let wanted = core(label);
        rows.into_iter().find_map(|r| {
            cols.clone()
                .find(|&c| {
                    let t = sheet.text(r, c);
                    !t.is_empty() && core(&t) == wanted
                })
                .map(|c| (r, c))
        })
    };
    let missing = |what: &str, label: &str| {
        ImportError(format!(
            "工作表「{}」中，{} 格起的表格「{title}」找不到{what}「{label}」：表头或标签被改动了。请用 nianbao xlsx 重新生成工作簿，照原样填写（可以移动行，但不要改动标签）。",
            sheet.name,
            cell_name(top, 0)
        ))
    };
    match table.layout {
        Layout::GroupsAcross => {
            // One data row under the header rows: each group's columns under its label.
            let mut places = Vec::new();
            for row in &table.rows {
                let group = row.labels.last().copied().unwrap_or_default();
                let (gr, gc) =
                    find(group, top + 1..end, 0..width).ok_or_else(|| missing("列组", group))?;
                for column in &table.columns {
                    let within = gc..(gc + table.columns.len()).min(width);
                    let (hr, hc) = find(column.label, gr + 1..end, within)
                        .ok_or_else(|| missing("列", column.label))?;
                    places.push((hr, hc));
                }
            }
            let data_row = places.iter().map(|(r, _)| r + 1).max().unwrap_or(top + 1);
            for (r, row) in table.rows.iter().enumerate() {
                for (c, column) in table.columns.iter().enumerate() {
                    let id = format!("{}.{}.{}", table.key, row.key, column.key);
                    let (_, col) = places[r * table.columns.len() + c];
                    if let Some(index) = form.cell_index(&id) {
                        cells[index] = cell(sheet, data_row, col, table.kind(r, c));
                    }
                }
            }
        }
        Layout::Rows => {
            let mut places = Vec::new();
            for column in &table.columns {
                let (r, c) = find(column.label, top + 1..end, 0..width)
                    .ok_or_else(|| missing("列", column.label))?;
                places.push((r, c));
            }
            let header_end = places.iter().map(|(r, _)| r + 1).max().unwrap_or(top + 1);
            let first_data = places.iter().map(|(_, c)| *c).min().unwrap_or(0);
            // Rows by the label printed last before the numbers.
            let mut by_label: HashMap<String, usize> = HashMap::new();
            for r in header_end..end {
                let leaf = (0..first_data)
                    .rev()
                    .map(|c| sheet.text(r, c))
                    .find(|t| !t.is_empty());
                if let Some(leaf) = leaf {
                    by_label.entry(core(&leaf)).or_insert(r);
                }
            }
            for (r, row) in table.rows.iter().enumerate() {
                let label = row.labels.last().copied().unwrap_or_default();
                let Some(&sheet_row) = by_label.get(&core(label)) else {
                    for column in &table.columns {
                        if let Some(index) =
                            form.cell_index(&format!("{}.{}.{}", table.key, row.key, column.key))
                        {
                            cells[index] = Reading::unread(&format!(
                                "工作表「{}」中没有找到这一行（「{label}」）",
                                sheet.name
                            ));
                        }
                    }
                    continue;
                };
                for (c, column) in table.columns.iter().enumerate() {
                    if let Some(index) =
                        form.cell_index(&format!("{}.{}.{}", table.key, row.key, column.key))
                    {
                        cells[index] = cell(sheet, sheet_row, places[c].1, table.kind(r, c));
                    }
                }
            }
        }
    }
    Ok(())
}

/// One number cell, with the same rules as printed text; named by sheet and cell when unread.
fn cell(sheet: &Sheet, r: usize, c: usize, kind: CellKind) -> Reading {
    let at = format!("工作表「{}」{} 格", sheet.name, cell_name(r, c));
    match sheet.grid.get(r).and_then(|row| row.get(c)) {
        Some(Data::Float(f)) => {
            let text = f.to_string();
            match super::text::number_reading(&text, kind) {
                Reading::Unread(why) => Reading::Unread(format!("{at}：{why}")),
                read => read,
            }
        }
        Some(Data::Int(i)) => super::text::number_reading(&i.to_string(), kind),
        Some(Data::String(s)) if matches!(s.trim(), "/" | "／") => Reading::Read(Read::Blank),
        Some(Data::String(s)) if !s.trim().is_empty() => {
            match super::text::number_reading(&squash_number(s), kind) {
                Reading::Unread(why) => Reading::Unread(format!("{at}：{why}")),
                read => read,
            }
        }
        _ => Reading::Unread(format!("{at}是空的")),
    }
}

/// A number typed as text (「 12 」, 「１２」).
fn squash_number(text: &str) -> String {
    let kept: String = text.trim().chars().filter(|c| !c.is_whitespace()).collect();
    if kept.chars().any(|c| matches!(c as u32, 0xFF10..=0xFF19)) {
        squash(&kept)
    } else {
        kept
    }
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

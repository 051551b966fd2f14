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

use super::labels::{core, squash};
// The writer lives in workbook.rs; its public names are reached as `import::xlsx::…` too.
pub use super::workbook::{Value, fill_in, workbook, year_values};
use super::workbook::{YEAR_MARK, cell_name};
use super::{ImportError, Read, Reading, Report};
// What this file uses of the rest of nianbao.
use crate::definition::{CellKind, Form, Layout, Table, TemplateId};
use crate::diagnostic::terminal_safe;

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

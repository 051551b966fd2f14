//! The Word file (.docx) of a year's report, in the layout offices submit: A4 portrait with the
//! margins of official documents (GB/T 9704), the title in 方正小标宋简体, part headings in 黑体,
//! second-level headings in 楷体_GB2312, body in 仿宋_GB2312 at 三号, the statistical tables with
//! their merged header cells and row labels at the page width, page numbers 「— 1 —」 at the foot.
//! Fonts an office PC lacks are replaced by the word processor (LibreOffice: by fontconfig).

use docx_rs::{
    AlignmentType, Docx, Footer, LineSpacing, LineSpacingType, PageMargin, PageNum, Paragraph, Run,
    RunFonts, SpecialIndentType, Style, StyleType, Table, TableCell, TableCellMargins,
    TableLayoutType, TableRow, VAlignType, VMergeType, WidthType,
};

use super::document::{Block, DocumentTable, ReportDocument, Span};
use super::table::Grid;

mod package;

/// A4 in twentieths of a point.
const PAGE_WIDTH: u32 = 11906;
const PAGE_HEIGHT: u32 = 16838;
/// GB/T 9704 margins: top 37 mm, bottom 35 mm, left 28 mm, right 26 mm.
const MARGIN_TOP: i32 = 2098;
const MARGIN_BOTTOM: i32 = 1984;
const MARGIN_LEFT: i32 = 1588;
const MARGIN_RIGHT: i32 = 1474;
/// The width of the text, which the tables fill.
const TEXT_WIDTH: usize = (PAGE_WIDTH as i32 - MARGIN_LEFT - MARGIN_RIGHT) as usize;

const TITLE_FONT: &str = "方正小标宋简体";
const HEADING_FONT: &str = "黑体";
const SUBHEADING_FONT: &str = "楷体_GB2312";
const BODY_FONT: &str = "仿宋_GB2312";
const LATIN_FONT: &str = "Times New Roman";

/// Font sizes in half points: 二号, 三号, 四号, 五号, 小五.
const SIZE_TITLE: usize = 44;
const SIZE_BODY: usize = 32;
const SIZE_NOTE: usize = 28;
const SIZE_TABLE: usize = 21;
const SIZE_TABLE_WIDE: usize = 18;

/// The first-line indent of a paragraph: two characters of 三号.
const FIRST_LINE: i32 = 640;

/// Exact line pitch of the body (28 pt: 22 lines a page).
const BODY_LINE: i32 = 560;

fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new()
        .east_asia(east_asia)
        .ascii(LATIN_FONT)
        .hi_ansi(LATIN_FONT)
}

/// A run of text; in the body font and size it names neither, the document's defaults being
/// those (the narrative's runs stay short).
fn run(text: &str, font: &str, size: usize) -> Run {
    let plain = Run::new().add_text(text);
    if font == BODY_FONT && size == SIZE_BODY {
        plain
    } else {
        plain.fonts(fonts(font)).size(size)
    }
}

fn body_spacing() -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Exact)
        .line(BODY_LINE)
}

/// A paragraph of body text from spans (bold and italic kept; links as their text).
fn spans_paragraph(spans: &[Span], font: &str, size: usize) -> Paragraph {
    let mut p = Paragraph::new().line_spacing(body_spacing());
    for s in spans {
        let mut r = run(&s.text, font, size);
        if s.bold {
            r = r.bold();
        }
        if s.italic {
            r = r.italic();
        }
        p = p.add_run(r);
    }
    p
}

fn note_paragraph(text: &str) -> Paragraph {
    Paragraph::new()
        .line_spacing(LineSpacing::new().before(60).after(60))
        .add_run(run(text, BODY_FONT, SIZE_NOTE))
}

/// The paragraphs and tables of narrative blocks, in order.
fn narrative(mut doc: Docx, blocks: &[Block]) -> Docx {
    for block in blocks {
        doc = match block {
            Block::Heading(level, spans) => {
                let p = if *level <= 1 {
                    spans_paragraph(spans, SUBHEADING_FONT, SIZE_BODY)
                } else {
                    spans_paragraph(&bolded(spans), BODY_FONT, SIZE_BODY)
                };
                doc.add_paragraph(
                    p.indent(
                        None,
                        Some(SpecialIndentType::FirstLine(FIRST_LINE)),
                        None,
                        None,
                    )
                    .keep_next(true),
                )
            }
            Block::Paragraph(spans) => {
                doc.add_paragraph(spans_paragraph(spans, BODY_FONT, SIZE_BODY).indent(
                    None,
                    Some(SpecialIndentType::FirstLine(FIRST_LINE)),
                    None,
                    None,
                ))
            }
            Block::Item(depth, marker, spans) => {
                let mut with_marker = vec![Span {
                    text: format!("{marker} "),
                    ..Span::default()
                }];
                with_marker.extend(spans.iter().cloned());
                let indent = 640 * (i32::try_from(*depth).unwrap_or(8).min(8) + 1);
                doc.add_paragraph(spans_paragraph(&with_marker, BODY_FONT, SIZE_BODY).indent(
                    Some(indent),
                    Some(docx_rs::SpecialIndentType::Hanging(320)),
                    None,
                    None,
                ))
            }
            Block::Table(rows) => {
                let columns = rows.iter().map(Vec::len).max().unwrap_or(1).max(1);
                let width = TEXT_WIDTH / columns;
                let rows = rows
                    .iter()
                    .map(|r| {
                        TableRow::new(
                            (0..columns)
                                .map(|c| {
                                    table_cell(
                                        r.get(c).map_or("", String::as_str),
                                        TABLE_STYLE,
                                        false,
                                    )
                                    .width(width, WidthType::Dxa)
                                })
                                .collect(),
                        )
                    })
                    .collect();
                doc.add_table(fixed_table(rows, vec![width; columns]))
            }
        };
    }
    doc
}

fn bolded(spans: &[Span]) -> Vec<Span> {
    spans
        .iter()
        .map(|s| Span {
            bold: true,
            ..s.clone()
        })
        .collect()
}

/// The paragraph styles of table text, by size: a cell's paragraph names its style instead of
/// repeating the font, size, alignment and spacing in every cell (a report has ≈ 300 cells).
const TABLE_STYLE: &str = "TableText";
const TABLE_STYLE_WIDE: &str = "TableTextWide";

fn table_style(id: &str, name: &str, size: usize) -> Style {
    Style::new(id, StyleType::Paragraph)
        .name(name)
        .fonts(fonts(BODY_FONT))
        .size(size)
        .align(AlignmentType::Center)
        .line_spacing(
            LineSpacing::new()
                .line_rule(LineSpacingType::Auto)
                .line(240),
        )
}

/// A table cell in the table style `style`; `keep` keeps it on the page of the next row (header
/// rows).
fn table_cell(text: &str, style: &str, keep: bool) -> TableCell {
    TableCell::new()
        .vertical_align(VAlignType::Center)
        .add_paragraph(
            Paragraph::new()
                .style(style)
                .keep_next(keep)
                .add_run(Run::new().add_text(text)),
        )
}

/// The span of a cell over grid columns, written only when it is more than one.
fn spanned(cell: TableCell, span: usize) -> TableCell {
    if span > 1 { cell.grid_span(span) } else { cell }
}

fn fixed_table(rows: Vec<TableRow>, widths: Vec<usize>) -> Table {
    Table::new(rows)
        .set_grid(widths)
        .width(TEXT_WIDTH, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
        .margins(TableCellMargins::new().margin(30, 50, 30, 50))
}

/// Column widths that fill the text width: the row-label columns share about 45 % (the 勾稽关系
/// note and the long labels of 三 need it), the data columns the rest.
fn column_widths(label_columns: usize, columns: usize) -> Vec<usize> {
    let data = columns.saturating_sub(label_columns).max(1);
    let shares: &[usize] = match label_columns {
        0 => &[],
        1 => &[30],
        2 => &[15, 30],
        _ => &[7, 11, 28],
    };
    let label_total: usize = shares.iter().sum();
    let mut widths: Vec<usize> = (0..label_columns)
        .map(|k| TEXT_WIDTH * shares.get(k).copied().unwrap_or(0) / 100)
        .collect();
    let rest = TEXT_WIDTH * (100 - label_total) / 100 / data;
    widths.extend(std::iter::repeat_n(rest, columns - label_columns));
    widths
}

/// A statistical table: the grid's rows, a cell spanning rows drawn as a vertical merge.
fn grid_table(grid: &Grid) -> Table {
    let columns: usize = grid
        .head
        .first()
        .map(|r| r.iter().map(|c| c.colspan.max(1)).sum())
        .unwrap_or(1)
        .max(1);
    let label_columns = grid
        .head
        .first()
        .and_then(|r| r.first())
        .filter(|c| c.class == "corner")
        .map_or(0, |c| c.colspan.max(1));
    let widths = column_widths(label_columns, columns);
    let style = if columns > 10 {
        TABLE_STYLE_WIDE
    } else {
        TABLE_STYLE
    };
    // Per grid column: rows still covered by a cell above, and that cell's span.
    let mut covered = vec![(0usize, 1usize); columns];
    let mut rows = Vec::new();
    let head = grid.head.len();
    for (r, row) in grid.head.iter().chain(&grid.body).enumerate() {
        let mut cells = Vec::new();
        let mut given = row.iter();
        let mut col = 0;
        while col < columns {
            let (left, span) = covered[col];
            let width = |span: usize| widths[col..(col + span).min(columns)].iter().sum();
            if left > 0 {
                covered[col].0 -= 1;
                cells.push(spanned(
                    TableCell::new()
                        .vertical_merge(VMergeType::Continue)
                        .width(width(span), WidthType::Dxa)
                        .add_paragraph(Paragraph::new().keep_next(r < head)),
                    span,
                ));
                col += span;
                continue;
            }
            let Some(cell) = given.next() else {
                break;
            };
            let span = cell.colspan.max(1);
            let mut made = spanned(
                table_cell(&cell.text, style, r < head).width(width(span), WidthType::Dxa),
                span,
            );
            if cell.rowspan > 1 {
                made = made.vertical_merge(VMergeType::Restart);
                covered[col] = (cell.rowspan - 1, span);
            }
            cells.push(made);
            col += span;
        }
        rows.push(TableRow::new(cells).cant_split());
    }
    fixed_table(rows, widths)
}

fn statistical_table(mut doc: Docx, table: &DocumentTable) -> Docx {
    if !table.caption.is_empty() {
        doc = doc.add_paragraph(
            Paragraph::new()
                .line_spacing(body_spacing())
                .keep_next(true)
                .add_run(run(&table.caption, BODY_FONT, SIZE_NOTE).bold()),
        );
    }
    doc = doc.add_table(grid_table(&table.grid));
    for note in &table.notes {
        doc = doc.add_paragraph(note_paragraph(note));
    }
    doc
}

/// The .docx file of a report.
pub(crate) fn docx(report: &ReportDocument) -> Result<Vec<u8>, String> {
    // docx-rs numbers paragraphs with a per-thread counter that only it can reset: made on a
    // fresh thread, the same report always gives the same file.
    std::thread::scope(|scope| {
        scope
            .spawn(|| make_docx(report))
            .join()
            .unwrap_or_else(|payload| {
                Err(format!(
                    "无法生成 Word 文件（{}）",
                    super::panic_message(&*payload)
                ))
            })
    })
}

fn make_docx(report: &ReportDocument) -> Result<Vec<u8>, String> {
    let footer = Footer::new().add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .add_run(run("— ", LATIN_FONT, SIZE_NOTE))
            .add_page_num(PageNum::new())
            .add_run(run(" —", LATIN_FONT, SIZE_NOTE)),
    );
    let mut doc = Docx::new()
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(
            PageMargin::new()
                .top(MARGIN_TOP)
                .bottom(MARGIN_BOTTOM)
                .left(MARGIN_LEFT)
                .right(MARGIN_RIGHT)
                .footer(992)
                .header(851),
        )
        .default_fonts(fonts(BODY_FONT))
        .default_size(SIZE_BODY)
        .add_style(table_style(TABLE_STYLE, "表格文字", SIZE_TABLE))
        .add_style(table_style(
            TABLE_STYLE_WIDE,
            "表格文字（宽表）",
            SIZE_TABLE_WIDE,
        ))
        .footer(footer)
        .add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .line_spacing(LineSpacing::new().after(400))
                .add_run(run(&report.title, TITLE_FONT, SIZE_TITLE)),
        );
    if let Some(draft) = &report.draft {
        doc = doc.add_paragraph(
            note_paragraph(&format!("草稿（未发布）{draft}")).align(AlignmentType::Center),
        );
    }
    for line in &report.meta {
        doc = doc.add_paragraph(note_paragraph(line).align(AlignmentType::Center));
    }
    doc = narrative(doc, &report.preamble);
    for part in &report.parts {
        doc = doc.add_paragraph(
            Paragraph::new()
                .line_spacing(body_spacing())
                .indent(
                    None,
                    Some(SpecialIndentType::FirstLine(FIRST_LINE)),
                    None,
                    None,
                )
                .keep_next(true)
                .add_run(run(part.heading, HEADING_FONT, SIZE_BODY)),
        );
        for table in &part.tables {
            doc = statistical_table(doc, table);
        }
        doc = narrative(doc, &part.blocks);
        for note in &part.notes {
            doc = doc.add_paragraph(note_paragraph(note));
        }
    }
    for note in &report.notes {
        doc = doc.add_paragraph(note_paragraph(note));
    }
    package::package(doc.build()).map_err(|e| format!("无法生成 Word 文件（{e}）"))
}

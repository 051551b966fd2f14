//! The Word file (.docx) of a year's report, in the layout offices submit: A4 portrait with the
//! margins of official documents (GB/T 9704), the title in 方正小标宋简体, part headings in 黑体,
//! second-level headings in 楷体_GB2312, body in 仿宋_GB2312 at 三号, the statistical tables with
//! their merged header cells and row labels at the page width, page numbers 「— 1 —」 at the foot.
//! Fonts an office PC lacks are replaced by the word processor (LibreOffice: by fontconfig).

use docx_rs::{
    AlignmentType, Docx, Footer, LineSpacing, LineSpacingType, PageMargin, PageNum, Paragraph, Run,
    RunFonts, Style, StyleType,
};

use super::document::{Block, DocumentGrid, DocumentTable, ReportDocument, Span};
use body::{Body, Font, Indent, Merge, Para, Spacing};

mod body;
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

/// The paragraph styles of table text, by size: a cell's paragraph names its style instead of
/// repeating the font, size, alignment and spacing in every cell (a report has ≈ 300 cells).
const TABLE_STYLE: &str = "TT";
const TABLE_STYLE_WIDE: &str = "TW";

fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new()
        .east_asia(east_asia)
        .ascii(LATIN_FONT)
        .hi_ansi(LATIN_FONT)
}

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

/// The package around every report's body: page setup, the document defaults (仿宋_GB2312 at
/// 三号), the table styles, the footer with the page number. Its parts other than the document
/// are the same for every report (`package.rs` makes them once).
fn frame() -> Docx {
    let footer = Footer::new().add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .add_run(
                Run::new()
                    .add_text("— ")
                    .fonts(fonts(LATIN_FONT))
                    .size(SIZE_NOTE),
            )
            .add_page_num(PageNum::new())
            .add_run(
                Run::new()
                    .add_text(" —")
                    .fonts(fonts(LATIN_FONT))
                    .size(SIZE_NOTE),
            ),
    );
    Docx::new()
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
}

/// The section of the document: A4, the margins, the footer made by `frame`.
fn section() -> String {
    format!(
        concat!(
            r#"<w:sectPr><w:pgSz w:w="{}" w:h="{}"/><w:pgMar w:top="{}" w:right="{}" "#,
            r#"w:bottom="{}" w:left="{}" w:header="851" w:footer="992" w:gutter="0"/>"#,
            r#"<w:cols w:space="425" w:num="1"/>"#,
            r#"<w:footerReference w:type="default" r:id="rIdFooter1"/></w:sectPr>"#
        ),
        PAGE_WIDTH, PAGE_HEIGHT, MARGIN_TOP, MARGIN_RIGHT, MARGIN_BOTTOM, MARGIN_LEFT
    )
}

/// A run's font: the body font at 三号 is the document's default and is not named.
fn font(face: &'static str, size: usize) -> Font {
    Font {
        face: (face != BODY_FONT || size != SIZE_BODY).then_some((face, size)),
        ..Font::default()
    }
}

/// A paragraph of body text: first-line indent, exact line pitch.
const BODY: Para = Para {
    indent: Indent::FirstLine(FIRST_LINE),
    spacing: Spacing::Exact(BODY_LINE),
    ..Para::PLAIN
};

/// A note under a table or part: 四号, a little space around.
const NOTE: Para = Para {
    spacing: Spacing::Around(60, 60),
    ..Para::PLAIN
};

/// Spans as runs (bold and italic kept; links as their text), all bold when `bold`.
fn spans_runs<'a>(
    spans: &'a [Span],
    face: &'static str,
    size: usize,
    bold: bool,
) -> impl Iterator<Item = (&'a str, Font)> {
    spans.iter().map(move |s| {
        (
            s.text.as_str(),
            Font {
                bold: bold || s.bold,
                italic: s.italic,
                ..font(face, size)
            },
        )
    })
}

fn note_paragraph(body: &mut Body, p: &Para, text: &str) {
    body.paragraph(p, [(text, font(BODY_FONT, SIZE_NOTE))]);
}

/// The paragraphs and tables of narrative blocks, in order.
fn narrative(body: &mut Body, blocks: &[Block]) {
    for block in blocks {
        match block {
            Block::Heading(level, spans) => {
                let p = Para {
                    keep_next: true,
                    ..BODY
                };
                if *level <= 1 {
                    body.paragraph(&p, spans_runs(spans, SUBHEADING_FONT, SIZE_BODY, false));
                } else {
                    body.paragraph(&p, spans_runs(spans, BODY_FONT, SIZE_BODY, true));
                }
            }
            Block::Paragraph(spans) => {
                body.paragraph(&BODY, spans_runs(spans, BODY_FONT, SIZE_BODY, false));
            }
            Block::Item(depth, marker, spans) => {
                let marker = format!("{marker} ");
                let indent = 640 * (i32::try_from(*depth).unwrap_or(8).min(8) + 1);
                let p = Para {
                    indent: Indent::Hanging(indent, 320),
                    ..BODY
                };
                body.paragraph(
                    &p,
                    std::iter::once((marker.as_str(), font(BODY_FONT, SIZE_BODY)))
                        .chain(spans_runs(spans, BODY_FONT, SIZE_BODY, false)),
                );
            }
            Block::Table(rows) => {
                let columns = rows.iter().map(Vec::len).max().unwrap_or(1).max(1);
                let width = TEXT_WIDTH / columns;
                body.open_table(TEXT_WIDTH, &vec![width; columns]);
                for r in rows {
                    body.open_row(false);
                    for c in 0..columns {
                        let text = r.get(c).map_or("", String::as_str);
                        body.cell(width, 1, Merge::None, text, TABLE_STYLE, false);
                    }
                    body.close_row();
                }
                body.close_table();
            }
        }
    }
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
fn grid_table(body: &mut Body, grid: &DocumentGrid) {
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
    body.open_table(TEXT_WIDTH, &widths);
    // Per grid column: rows still covered by a cell above, and that cell's span.
    let mut covered = vec![(0usize, 1usize); columns];
    let head = grid.head.len();
    for (r, row) in grid.head.iter().chain(&grid.body).enumerate() {
        body.open_row(true);
        let keep = r < head;
        let mut given = row.iter();
        let mut col = 0;
        while col < columns {
            let (left, span) = covered[col];
            let width = |span: usize| widths[col..(col + span).min(columns)].iter().sum();
            if left > 0 {
                covered[col].0 -= 1;
                body.cell(width(span), span, Merge::Continue, "", style, keep);
                col += span;
                continue;
            }
            let Some(cell) = given.next() else {
                break;
            };
            let span = cell.colspan.max(1);
            let merge = if cell.rowspan > 1 {
                covered[col] = (cell.rowspan - 1, span);
                Merge::Restart
            } else {
                Merge::None
            };
            body.cell(width(span), span, merge, &cell.text, style, keep);
            col += span;
        }
        body.close_row();
    }
    body.close_table();
}

fn statistical_table(body: &mut Body, table: &DocumentTable) {
    if !table.caption.is_empty() {
        let p = Para {
            spacing: Spacing::Exact(BODY_LINE),
            keep_next: true,
            ..Para::PLAIN
        };
        let caption = Font {
            bold: true,
            ..font(BODY_FONT, SIZE_NOTE)
        };
        body.paragraph(&p, [(table.caption.as_str(), caption)]);
    }
    grid_table(body, &table.grid);
    for note in &table.notes {
        note_paragraph(body, &NOTE, note);
    }
}

/// The .docx file of a report.
pub(crate) fn docx(report: &ReportDocument) -> Result<Vec<u8>, String> {
    let document = document(report);
    package::package(document.as_bytes()).map_err(|e| format!("无法生成 Word 文件（{e}）"))
}

/// word/document.xml of a report.
fn document(report: &ReportDocument) -> String {
    let mut body = Body::new(LATIN_FONT, 128 * 1024);
    let title = Para {
        center: true,
        spacing: Spacing::Around(0, 400),
        ..Para::PLAIN
    };
    body.paragraph(
        &title,
        [(report.title.as_str(), font(TITLE_FONT, SIZE_TITLE))],
    );
    let centred = Para {
        center: true,
        ..NOTE
    };
    if let Some(draft) = &report.draft {
        note_paragraph(&mut body, &centred, &format!("草稿（未发布）{draft}"));
    }
    for line in &report.meta {
        note_paragraph(&mut body, &centred, line);
    }
    narrative(&mut body, &report.preamble);
    for part in &report.parts {
        let heading = Para {
            keep_next: true,
            ..BODY
        };
        body.paragraph(&heading, [(part.heading, font(HEADING_FONT, SIZE_BODY))]);
        for table in &part.tables {
            statistical_table(&mut body, table);
        }
        narrative(&mut body, &part.blocks);
        for note in &part.notes {
            note_paragraph(&mut body, &NOTE, note);
        }
    }
    for note in &report.notes {
        note_paragraph(&mut body, &NOTE, note);
    }
    body.finish(&section())
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;
    use crate::render::document::{DocumentPart, blocks};

    fn report() -> ReportDocument {
        ReportDocument {
            title: "示例街道办事处2024年政府信息公开工作年度报告".into(),
            meta: vec!["发布日期：2025年1月20日".into()],
            draft: Some("：待审核".into()),
            preamble: blocks("\u{3000}\u{3000}本报告 A&B <草稿> \"引\" 'x'。\n"),
            parts: vec![DocumentPart {
                heading: "一、总体情况",
                tables: Vec::new(),
                blocks: blocks(
                    "### （一）主动公开\n\n##### 细目 **加粗**\n\n*斜体*段落。\n\n| 项目 | 数量 |\n|---|---|\n| 甲 | 1 |\n\n1. 第一项\n   - 子项\n",
                ),
                notes: vec!["注1：说明。".into()],
            }],
            notes: Vec::new(),
        }
    }

    fn part(docx: &[u8], name: &str) -> String {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
        let mut text = String::new();
        archive
            .by_name(name)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        text
    }

    #[test]
    fn the_same_report_gives_the_same_bytes_and_every_part() {
        let first = docx(&report()).unwrap();
        let second = docx(&report()).unwrap();
        assert_eq!(first, second);
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(first.as_slice())).unwrap();
        let names: Vec<String> = (0..archive.len())
            .map(|i| archive.by_index_raw(i).unwrap().name().unwrap().to_string())
            .collect();
        assert_eq!(names[..4], ["word/", "word/_rels/", "_rels/", "docProps/"]);
        assert_eq!(names[4], "[Content_Types].xml");
        assert_eq!(names[10], "word/document.xml");
        assert!(names.iter().any(|n| n == "word/footer1.xml"));
        assert!(part(&first, "word/styles.xml").contains("表格文字（宽表）"));
        assert!(part(&first, "word/footer1.xml").contains("w:fldChar"));
    }

    #[test]
    fn the_body_escapes_text_numbers_paragraphs_and_closes_the_section() {
        let xml = part(&docx(&report()).unwrap(), "word/document.xml");
        assert!(xml.contains("本报告 A&amp;B &lt;草稿&gt; &quot;引&quot; &apos;x&apos;。"));
        // No paragraph ids, no empty properties; text keeps its spaces only where it has some
        // to keep.
        assert!(!xml.contains("w14:paraId"));
        assert!(!xml.contains("<w:rPr/>") && !xml.contains("<w:pPr></w:pPr>"));
        assert!(xml.contains(r#"<w:ind w:left="1280" w:right="0" w:hanging="320"/>"#));
        assert!(xml.contains("<w:tr><w:trPr/><w:tc>"));
        assert!(xml.contains("<w:rPr><w:b/><w:bCs/></w:rPr><w:t>加粗"));
        assert!(xml.contains("<w:rPr><w:i/><w:iCs/></w:rPr><w:t>斜体"));
        assert!(xml.contains(r#"<w:t xml:space="preserve">1. </w:t>"#));
        assert!(xml.contains(r#"<w:pStyle w:val="TT"/>"#));
        assert!(xml.contains("草稿（未发布）：待审核"));
        assert!(xml.ends_with(
            r#"<w:footerReference w:type="default" r:id="rIdFooter1"/></w:sectPr></w:body></w:document>"#
        ));
        assert_eq!(xml.matches("<w:p>").count(), xml.matches("</w:p>").count());
        assert_eq!(
            xml.matches("<w:tc>").count(),
            xml.matches("</w:tc>").count()
        );
    }
}

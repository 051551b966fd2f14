//! A year's report as a document: the official title, the six parts in order with their tables
//! (the template's grid, cells filled) and narrative (report.md turned into blocks), and the
//! notes. The Word file (`docx.rs`) and the CMS page (`cms.rs`) are written from it, so both
//! say the same as the year page.

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

use super::table::GridCell;

/// One year's report, ready to be written as a document.
pub(crate) struct ReportDocument {
    /// 「某某区2024年政府信息公开工作年度报告」.
    pub title: String,
    /// Lines printed under the title: publication date, template.
    pub meta: Vec<String>,
    /// A draft is marked as such on its first page.
    pub draft: Option<String>,
    /// The text before the first part heading.
    pub preamble: Vec<Block>,
    pub parts: Vec<DocumentPart>,
    /// Acknowledged problems that belong to no table or part.
    pub notes: Vec<String>,
}

/// One of the six parts.
pub(crate) struct DocumentPart {
    /// 「一、总体情况」.
    pub heading: &'static str,
    pub tables: Vec<DocumentTable>,
    pub blocks: Vec<Block>,
    /// Acknowledged problems of the part as a whole.
    pub notes: Vec<String>,
}

/// A statistical table in the template's layout.
pub(crate) struct DocumentTable {
    /// The sub-table's caption (「第二十条第（一）项」), empty for a table that is the whole part.
    pub caption: String,
    /// Header and body rows with their spans; data cells hold the value as printed with its marks.
    pub grid: DocumentGrid,
    /// The notes printed with cells (「注1：…」) and the acknowledged problems (「※1 …」).
    pub notes: Vec<String>,
}

/// A table's rows as a document prints them: the year page's grid without its ids, header lists,
/// links and titles (a report has ≈ 300 cells; each of those would be copied and freed).
#[derive(Default)]
pub(crate) struct DocumentGrid {
    pub head: Vec<Vec<DocumentCell>>,
    pub body: Vec<Vec<DocumentCell>>,
}

/// A cell of a document's table.
pub(crate) struct DocumentCell {
    /// `th` or `td`.
    pub tag: &'static str,
    pub text: String,
    pub rowspan: usize,
    pub colspan: usize,
    /// `col`, `colgroup`, `row` or `rowgroup` for header cells.
    pub scope: &'static str,
    pub class: &'static str,
}

impl DocumentCell {
    /// The cell of the grid `c` with the text `text`.
    pub(crate) fn of(c: &GridCell, text: String) -> DocumentCell {
        DocumentCell {
            tag: c.tag,
            text,
            rowspan: c.rowspan,
            colspan: c.colspan,
            scope: c.scope,
            class: c.class,
        }
    }
}

/// A run of text with its emphasis and, for a link, its address as written.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Span {
    pub text: String,
    pub bold: bool,
    pub italic: bool,
    pub link: Option<String>,
}

/// A block of narrative.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Block {
    /// A heading inside a part: 1 for the first level under the part heading.
    Heading(u8, Vec<Span>),
    Paragraph(Vec<Span>),
    /// A list item: nesting depth (0 outermost), its marker (「1.」 or 「•」) and text.
    Item(usize, String, Vec<Span>),
    /// A table written in report.md: its rows of cell texts (the first row is the header).
    Table(Vec<Vec<String>>),
}

/// Turns Markdown into blocks, the way the year page reads it: a line that starts with a
/// full-width space begins a new paragraph (text pasted from Word), headings go one level under
/// the part heading, raw HTML is kept as its text. Linear in the input.
pub(crate) fn blocks(markdown: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut spans: Vec<Span> = Vec::new();
    let mut bold = 0usize;
    let mut italic = 0usize;
    let mut link: Vec<String> = Vec::new();
    let mut heading: Option<u8> = None;
    // Per open list: the next number (None for a bullet list).
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut item_marker: Option<(usize, String)> = None;
    let mut table: Option<Vec<Vec<String>>> = None;
    let mut cell = String::new();
    let flush = |out: &mut Vec<Block>,
                 spans: &mut Vec<Span>,
                 heading: Option<u8>,
                 item: &mut Option<(usize, String)>| {
        let taken: Vec<Span> = std::mem::take(spans);
        let empty = taken.iter().all(|s| s.text.trim().is_empty());
        if let Some((depth, marker)) = item.take() {
            out.push(Block::Item(depth, marker, taken));
        } else if empty {
        } else if let Some(level) = heading {
            out.push(Block::Heading(level, taken));
        } else {
            out.push(Block::Paragraph(taken));
        }
    };
    let push_text =
        |spans: &mut Vec<Span>, text: &str, bold: bool, italic: bool, link: Option<&String>| {
            match spans.last_mut() {
                Some(last)
                    if last.bold == bold && last.italic == italic && last.link.as_ref() == link =>
                {
                    last.text.push_str(text)
                }
                _ => spans.push(Span {
                    text: text.to_string(),
                    bold,
                    italic,
                    link: link.cloned(),
                }),
            }
        };
    let mut events =
        Parser::new_ext(markdown, crate::load::narrative::markdown_options()).peekable();
    while let Some(event) = events.next() {
        if let Some(rows) = table.as_mut() {
            match event {
                Event::Start(Tag::TableRow | Tag::TableHead) => rows.push(Vec::new()),
                Event::End(TagEnd::TableCell) => {
                    if let Some(row) = rows.last_mut() {
                        row.push(std::mem::take(&mut cell));
                    }
                }
                Event::Text(t) | Event::Code(t) => cell.push_str(&t),
                Event::End(TagEnd::Table) => {
                    let rows = table.take().unwrap_or_default();
                    out.push(Block::Table(
                        rows.into_iter().filter(|r| !r.is_empty()).collect(),
                    ));
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                flush(&mut out, &mut spans, None, &mut item_marker);
                heading = Some(heading_level(level));
            }
            Event::End(TagEnd::Heading(_)) => {
                flush(&mut out, &mut spans, heading, &mut None);
                heading = None;
            }
            // Paragraphs inside a list item stay in the item.
            Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph)
                if item_marker.is_none() =>
            {
                flush(&mut out, &mut spans, None, &mut None);
            }
            Event::Start(Tag::List(first)) => {
                flush(&mut out, &mut spans, None, &mut item_marker);
                lists.push(first);
            }
            Event::End(TagEnd::List(_)) => {
                flush(&mut out, &mut spans, None, &mut item_marker);
                lists.pop();
            }
            Event::Start(Tag::Item) => {
                flush(&mut out, &mut spans, None, &mut item_marker);
                let depth = lists.len().saturating_sub(1);
                let marker = match lists.last_mut() {
                    Some(Some(n)) => {
                        let m = format!("{n}.");
                        *n += 1;
                        m
                    }
                    _ => "•".to_string(),
                };
                item_marker = Some((depth, marker));
            }
            Event::End(TagEnd::Item) => flush(&mut out, &mut spans, None, &mut item_marker),
            Event::Start(Tag::Strong) => bold += 1,
            Event::End(TagEnd::Strong) => bold = bold.saturating_sub(1),
            Event::Start(Tag::Emphasis) => italic += 1,
            Event::End(TagEnd::Emphasis) => italic = italic.saturating_sub(1),
            Event::Start(Tag::Link { dest_url, .. }) => link.push(dest_url.to_string()),
            Event::End(TagEnd::Link) => {
                link.pop();
            }
            // Text pasted with a four-space first-line indent parses as code: read it as the
            // paragraphs it is, as the year page does (bounded: the loader limits nesting).
            Event::Start(Tag::CodeBlock(pulldown_cmark::CodeBlockKind::Indented)) => {
                flush(&mut out, &mut spans, None, &mut item_marker);
                let mut text = String::new();
                for inner in events.by_ref() {
                    match inner {
                        Event::End(TagEnd::CodeBlock) => break,
                        Event::Text(t) => text.push_str(&t),
                        _ => {}
                    }
                }
                out.extend(blocks(&crate::load::narrative::dedent(&text)));
            }
            Event::Start(Tag::Table(_)) => {
                flush(&mut out, &mut spans, None, &mut item_marker);
                table = Some(Vec::new());
            }
            Event::Text(t) | Event::Code(t) | Event::InlineHtml(t) => {
                push_text(&mut spans, &t, bold > 0, italic > 0, link.last())
            }
            Event::Html(t) => {
                let plain = strip_tags(&t);
                if !plain.trim().is_empty() {
                    push_text(&mut spans, plain.trim(), bold > 0, italic > 0, None);
                    flush(&mut out, &mut spans, None, &mut None);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                // A new line that starts with a full-width space is a new paragraph.
                let indented =
                    matches!(events.peek(), Some(Event::Text(t)) if t.starts_with('\u{3000}'));
                if indented && heading.is_none() && item_marker.is_none() {
                    flush(&mut out, &mut spans, None, &mut None);
                }
            }
            Event::FootnoteReference(label) => {
                push_text(&mut spans, &format!("[{label}]"), false, false, None)
            }
            _ => {}
        }
    }
    flush(&mut out, &mut spans, heading, &mut item_marker);
    // Heading levels as ranks: the highest level written is 1 and none is skipped, however the
    // Markdown numbered them (「###」 under a 「##」 part heading is the first level inside).
    let mut levels: Vec<u8> = out
        .iter()
        .filter_map(|b| match b {
            Block::Heading(level, _) => Some(*level),
            _ => None,
        })
        .collect();
    levels.sort_unstable();
    levels.dedup();
    for block in &mut out {
        if let Block::Heading(level, _) = block {
            let rank = levels.iter().position(|l| l == level).unwrap_or(0);
            *level = u8::try_from(rank + 1).unwrap_or(u8::MAX);
        }
    }
    for block in &mut out {
        if let Block::Paragraph(spans) = block
            && let Some(first) = spans.first_mut()
        {
            first.text = first.text.trim_start_matches(['\u{3000}', ' ']).to_string();
        }
    }
    out
}

fn heading_level(level: HeadingLevel) -> u8 {
    level as u8
}

/// The text of an HTML fragment without its tags.
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for ch in html.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(text: &str) -> Span {
        Span {
            text: text.to_string(),
            ..Span::default()
        }
    }

    #[test]
    fn headings_paragraphs_lists_and_pasted_lines() {
        let md = "### （一）主动公开\n\n\u{3000}\u{3000}第一段。\n\u{3000}\u{3000}第二段，**重点**。\n\n1. 甲\n2. 乙\n   - 丙\n";
        let b = blocks(md);
        assert_eq!(b[0], Block::Heading(1, vec![span("（一）主动公开")]));
        assert_eq!(b[1], Block::Paragraph(vec![span("第一段。")]));
        assert_eq!(
            b[2],
            Block::Paragraph(vec![
                span("第二段，"),
                Span {
                    text: "重点".into(),
                    bold: true,
                    ..Span::default()
                },
                span("。")
            ])
        );
        assert_eq!(b[3], Block::Item(0, "1.".into(), vec![span("甲")]));
        assert_eq!(b[4], Block::Item(0, "2.".into(), vec![span("乙")]));
        assert_eq!(b[5], Block::Item(1, "•".into(), vec![span("丙")]));
    }

    #[test]
    fn heading_levels_become_ranks_without_gaps() {
        let b = blocks("### 甲\n\n##### 乙\n\n### 丙\n");
        assert_eq!(b[0], Block::Heading(1, vec![span("甲")]));
        assert_eq!(b[1], Block::Heading(2, vec![span("乙")]));
        assert_eq!(b[2], Block::Heading(1, vec![span("丙")]));
    }

    #[test]
    fn tables_and_html_become_text() {
        let b = blocks("| 项目 | 数量 |\n|---|---|\n| 甲 | 1 |\n\n<div>说明<b>文字</b></div>\n");
        assert_eq!(
            b[0],
            Block::Table(vec![
                vec!["项目".into(), "数量".into()],
                vec!["甲".into(), "1".into()]
            ])
        );
        assert_eq!(b[1], Block::Paragraph(vec![span("说明文字")]));
    }
}

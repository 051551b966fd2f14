//! report.md: the narrative, split into the official parts by their headings.

use std::ops::Range;
use std::sync::Arc;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::template::{GUIDANCE_PREFIX, PARTS};

/// The Markdown extensions nianbao enables everywhere (checks and rendering agree on them).
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// A part heading found in report.md and the text under it.
#[derive(Clone, Debug)]
pub struct Section {
    /// The official part (1–6) the heading stands for, by its numeral.
    pub part: u8,
    /// The heading as written.
    pub heading: String,
    pub level: HeadingLevel,
    /// 1-based line of the heading.
    pub line: usize,
    /// The body under the heading (byte range in the source), up to the next part heading.
    pub body: Range<usize>,
    /// Whether the body has any text.
    pub has_text: bool,
}

impl Section {
    pub fn is_official(&self) -> bool {
        PARTS[usize::from(self.part) - 1].heading == self.heading
    }
}

/// The narrative of one year.
#[derive(Clone, Debug, Default)]
pub struct Narrative {
    pub source: Arc<str>,
    /// Text before the first part heading.
    pub preamble: Range<usize>,
    /// Part headings in the order written.
    pub sections: Vec<Section>,
    /// Lines that still hold the scaffold's guidance text.
    pub guidance_lines: Vec<usize>,
}

impl Narrative {
    pub fn section(&self, part: u8) -> Option<&Section> {
        self.sections.iter().find(|s| s.part == part)
    }

    pub fn body(&self, section: &Section) -> &str {
        &self.source[section.body.clone()]
    }

    pub fn preamble_text(&self) -> &str {
        &self.source[self.preamble.clone()]
    }

    pub fn line_of(&self, offset: usize) -> usize {
        line_of(&self.source, offset)
    }
}

fn line_of(source: &str, offset: usize) -> usize {
    source[..offset.min(source.len())].matches('\n').count() + 1
}

/// The part number a heading text claims by its leading numeral (「五、…」 → 5).
fn claimed_part(text: &str) -> Option<u8> {
    PARTS
        .iter()
        .find(|p| text.starts_with(p.numeral()))
        .map(|p| p.number)
}

struct Heading {
    level: HeadingLevel,
    text: String,
    start: usize,
    end: usize,
}

/// Splits report.md into its parts.
pub fn parse(source: Arc<str>) -> Narrative {
    let mut headings = Vec::new();
    let mut texts = Vec::new();
    let mut current: Option<Heading> = None;
    let mut guidance_lines = Vec::new();
    for (event, range) in Parser::new_ext(&source, markdown_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                current = Some(Heading {
                    level,
                    text: String::new(),
                    start: range.start,
                    end: range.end,
                });
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(h) = current.take() {
                    headings.push(h);
                }
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some(h) = current.as_mut() {
                    h.text.push_str(&text);
                } else if !text.trim().is_empty() {
                    if text.contains(GUIDANCE_PREFIX) {
                        guidance_lines.push(line_of(&source, range.start));
                    }
                    texts.push(range.start);
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                let trimmed = html.trim();
                if current.is_none() && !trimmed.is_empty() && !trimmed.starts_with("<!--") {
                    texts.push(range.start);
                }
            }
            _ => {}
        }
    }
    // Part headings: those claiming a part numeral, at the shallowest level that any does.
    let level = headings
        .iter()
        .filter(|h| claimed_part(h.text.trim()).is_some())
        .map(|h| h.level)
        .min();
    let part_headings: Vec<&Heading> = headings
        .iter()
        .filter(|h| Some(h.level) == level && claimed_part(h.text.trim()).is_some())
        .collect();
    let mut sections = Vec::new();
    for (i, h) in part_headings.iter().enumerate() {
        let end = part_headings
            .get(i + 1)
            .map(|next| next.start)
            .unwrap_or(source.len());
        let body = h.end.min(end)..end;
        sections.push(Section {
            part: claimed_part(h.text.trim()).unwrap_or(1),
            heading: h.text.trim().to_string(),
            level: h.level,
            line: line_of(&source, h.start),
            has_text: texts.iter().any(|t| body.contains(t)),
            body,
        });
    }
    let preamble_end = part_headings
        .first()
        .map(|h| h.start)
        .unwrap_or(source.len());
    Narrative {
        preamble: 0..preamble_end,
        sections,
        guidance_lines,
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_parts_and_keeps_sub_headings_inside() {
        let src = "前言。\n\n## 一、总体情况\n\n### （一）主动公开\n\n正文。\n\n## 五、存在的主要问题及改进情况\n\n问题。\n\n## 六、其他需要报告的事项\n\n无。\n";
        let n = parse(src.into());
        assert_eq!(n.sections.len(), 3);
        assert_eq!(n.sections[0].part, 1);
        assert_eq!(n.sections[0].line, 3);
        assert!(n.sections[0].has_text);
        assert!(n.body(&n.sections[0]).contains("（一）主动公开"));
        assert!(n.sections.iter().all(|s| s.is_official()));
        assert_eq!(n.preamble_text().trim(), "前言。");
    }

    #[test]
    fn empty_part_and_variant_heading() {
        let src = "## 一、总体情况\n\n### （一）主动公开\n\n## 五、政府信息公开工作存在的主要问题及改进情况\n\n有。\n";
        let n = parse(src.into());
        assert!(!n.sections[0].has_text);
        assert_eq!(n.sections[1].part, 5);
        assert!(!n.sections[1].is_official());
    }

    #[test]
    fn guidance_is_found() {
        let src = "## 一、总体情况\n\n（填写说明：概述。）\n";
        let n = parse(src.into());
        assert_eq!(n.guidance_lines, vec![3]);
    }
}

//! report.md: the narrative, split into the official parts by their headings.

use std::sync::Arc;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::definition::{GUIDANCE_PREFIX, PARTS};
use crate::model::{LineIndex, MAX_NESTING, Narrative, Section, UnmarkedHeading};

/// The Markdown extensions nianbao enables everywhere (checks and rendering agree on them).
pub(crate) fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
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

/// Whether a line of plain text reads like the heading of a part: it starts with the part's
/// numeral and the rest is close to the official heading (「五、存在的主要问题及改进情况」,
/// 「#五、存在的主要问题及改进情况」), not a numbered point of the prose (「一、加强组织领导」).
fn heading_like(line: &str) -> Option<u8> {
    let text = line
        .trim_start_matches(|c: char| c == '#' || c.is_whitespace())
        .trim_end();
    let part = claimed_part(text)?;
    let official = PARTS[usize::from(part) - 1].heading;
    let numeral = PARTS[usize::from(part) - 1].numeral();
    let (Some(rest), Some(official_rest)) =
        (text.strip_prefix(numeral), official.strip_prefix(numeral))
    else {
        return None;
    };
    // The parts of tables need no text, so a numbered point of the prose that happens to say
    // 「二、主动公开情况」 is not one of them: only their exact heading counts.
    if PARTS[usize::from(part) - 1].kind == crate::definition::PartKind::Tables {
        return (rest == official_rest).then_some(part);
    }
    let close = rest.starts_with(official_rest)
        || official_rest.starts_with(rest) && rest.chars().count() >= 4
        || strsim::normalized_levenshtein(rest, official_rest) >= 0.6;
    (close && rest.chars().count() <= official_rest.chars().count() + 12).then_some(part)
}

/// The level most part headings are written at; on a tie the one nearest to `##` (what the
/// scaffold writes), then the shallower.
fn usual_level(levels: impl Iterator<Item = HeadingLevel>) -> Option<HeadingLevel> {
    let mut counts = [0usize; 6];
    for level in levels {
        counts[level as usize - 1] += 1;
    }
    let best = counts.iter().copied().max().filter(|&n| n > 0)?;
    let i = (0..6)
        .filter(|&i| counts[i] == best)
        .min_by_key(|&i| (i.abs_diff(1), i))?;
    HeadingLevel::try_from(i + 1).ok()
}

/// The lines of an indented block without their indentation (spaces, tabs, full-width spaces):
/// how a block indented like a paragraph in a word processor is read.
pub(crate) fn dedent(text: &str) -> String {
    let indent: &[char] = &['\u{3000}', ' ', '\t'];
    text.lines()
        .map(|l| l.trim_start_matches(indent))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The deepest nesting of Markdown elements in a text.
fn max_depth(markdown: &str) -> usize {
    let mut depth = 0usize;
    let mut deepest = 0;
    for event in Parser::new_ext(markdown, markdown_options()) {
        match event {
            Event::Start(_) => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// Splits report.md into its parts.
pub fn parse(source: Arc<str>) -> Narrative {
    let mut headings = Vec::new();
    let mut texts = Vec::new();
    let mut current: Option<Heading> = None;
    let mut guidance_lines = Vec::new();
    // The first line of each paragraph and every line of an indented block, where a part heading
    // written without `##` ends up.
    let mut plain_lines: Vec<(usize, String)> = Vec::new();
    let mut first_line: Option<(usize, String)> = None;
    let mut in_indented = false;
    let lines = LineIndex::new(&source);
    let mut depth = 0usize;
    let mut too_deep = None;
    // An indented block is rendered as the paragraphs it holds (see `build::markdown`): its
    // nesting counts too.
    let mut indented = (0usize, String::new());
    for (event, range) in Parser::new_ext(&source, markdown_options()).into_offset_iter() {
        match &event {
            Event::Start(_) => {
                depth += 1;
                if depth > MAX_NESTING && too_deep.is_none() {
                    too_deep = Some(lines.line_of(range.start));
                }
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        match &event {
            Event::Start(Tag::Paragraph) => first_line = Some((range.start, String::new())),
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph) => {
                plain_lines.extend(first_line.take());
            }
            Event::Start(Tag::CodeBlock(pulldown_cmark::CodeBlockKind::Indented)) => {
                in_indented = true;
                indented = (range.start, String::new());
            }
            Event::End(TagEnd::CodeBlock) => {
                if in_indented
                    && too_deep.is_none()
                    && depth + max_depth(&dedent(&indented.1)) > MAX_NESTING
                {
                    too_deep = Some(lines.line_of(indented.0));
                }
                in_indented = false;
            }
            Event::Text(text) if in_indented => {
                indented.1.push_str(text);
                let mut offset = range.start;
                for line in text.split_inclusive('\n') {
                    plain_lines.push((offset, line.to_string()));
                    offset += line.len();
                }
            }
            Event::Text(text) => {
                if let Some((_, line)) = first_line.as_mut() {
                    line.push_str(text);
                }
            }
            _ => {}
        }
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
                        guidance_lines.push(lines.line_of(range.start));
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
    // Part headings: those claiming a part numeral at the level most of them use, and any at a
    // shallower level (a part written with `#` among `##`); one deeper than that only when it
    // reads like a part heading and the part has none at the usual level.
    let claiming = || {
        headings
            .iter()
            .filter(|h| claimed_part(h.text.trim()).is_some())
    };
    let level = usual_level(claiming().map(|h| h.level));
    let usual_parts: Vec<u8> = claiming()
        .filter(|h| Some(h.level) == level)
        .filter_map(|h| claimed_part(h.text.trim()))
        .collect();
    let part_headings: Vec<&Heading> = claiming()
        .filter(|h| match level {
            Some(level) if h.level > level => {
                heading_like(&h.text).is_some_and(|part| !usual_parts.contains(&part))
            }
            _ => true,
        })
        .collect();
    let present: Vec<u8> = part_headings
        .iter()
        .filter_map(|h| claimed_part(h.text.trim()))
        .collect::<std::collections::BTreeSet<u8>>()
        .into_iter()
        .collect();
    let unmarked_headings: Vec<UnmarkedHeading> = plain_lines
        .iter()
        .filter_map(|(offset, text)| {
            let part = heading_like(text)?;
            (!present.contains(&part)).then(|| UnmarkedHeading {
                part,
                line: lines.line_of(*offset),
                text: text.trim().to_string(),
            })
        })
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
            level: h.level as u8,
            line: lines.line_of(h.start),
            // `texts` is in source order: the first text at or after the body's start.
            has_text: texts
                .get(texts.partition_point(|&t| t < body.start))
                .is_some_and(|t| body.contains(t)),
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
        part_level: level.map(|l| l as u8),
        unmarked_headings,
        too_deep,
        source,
        sentences: std::sync::OnceLock::new(),
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
    fn part_headings_written_without_hashes_or_at_another_level() {
        // 五 pasted without `##`, 六 written as `#六、…` (no space: a paragraph in Markdown).
        let src = "## 一、总体情况\n\n正文。\n\n五、存在的主要问题及改进情况\n\n问题。\n\n#六、其他需要报告的事项\n\n无。\n";
        let n = parse(src.into());
        assert_eq!(n.sections.len(), 1);
        let found: Vec<(u8, usize)> = n
            .unmarked_headings
            .iter()
            .map(|u| (u.part, u.line))
            .collect();
        assert_eq!(found, vec![(5, 5), (6, 9)]);
        // 一 written as `#` among `##`: still the part, at its line, level noted.
        let src = "# 一、总体情况\n\n正文。\n\n## 五、存在的主要问题及改进情况\n\n问题。\n\n## 六、其他需要报告的事项\n\n无。\n";
        let n = parse(src.into());
        assert_eq!(n.sections.len(), 3);
        assert_eq!(n.part_level, Some(2));
        assert_eq!(n.sections[0].level, 1);
        assert!(n.unmarked_headings.is_empty());
    }

    #[test]
    fn numbered_points_of_the_prose_are_not_headings() {
        let src = "## 一、总体情况\n\n一、加强组织领导\n\n二、完善公开制度，全年主动公开信息120条。\n\n三、主动公开情况\n\n## 五、存在的主要问题及改进情况\n\n问题。\n\n## 六、其他需要报告的事项\n\n无。\n";
        let n = parse(src.into());
        assert!(n.unmarked_headings.is_empty(), "{:?}", n.unmarked_headings);
    }

    #[test]
    fn line_index_counts_lines() {
        let index = LineIndex::new("a\nbc\n\nd");
        assert_eq!(index.line_of(0), 1);
        assert_eq!(index.line_of(1), 1);
        assert_eq!(index.line_of(2), 2);
        assert_eq!(index.line_of(5), 3);
        assert_eq!(index.line_of(6), 4);
    }

    #[test]
    fn deep_nesting_is_found_with_its_line() {
        let deep = format!("## 一、总体情况\n\n正文\n\n{} 引文\n", ">".repeat(100));
        assert_eq!(parse(deep.into()).too_deep, Some(5));
        let shallow = format!("## 一、总体情况\n\n{} 引文\n", ">".repeat(5));
        assert_eq!(parse(shallow.into()).too_deep, None);
    }

    #[test]
    fn guidance_is_found() {
        let src = "## 一、总体情况\n\n（填写说明：概述。）\n";
        let n = parse(src.into());
        assert_eq!(n.guidance_lines, vec![3]);
    }
}

//! The narrative compared with last year's: which sentences repeat, which are new, which went.
//!
//! Assessors mark down reports that copy last year's text (内容雷同). The comparison is by whole
//! sentences after removing Markdown marks and white space; it costs one hash set per part.

use std::collections::HashSet;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use crate::load::narrative::markdown_options;

/// A sentence of this year's text and whether last year's text has it too.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub(crate) struct Sentence {
    pub text: String,
    pub repeated: bool,
}

/// This year's part against last year's.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub(crate) struct TextComparison {
    /// This year's sentences in order, each marked.
    pub sentences: Vec<Sentence>,
    /// Last year's sentences that this year's text no longer has.
    pub removed: Vec<String>,
    pub repeated: usize,
    /// Repeated sentences over all sentences (0 when there are none).
    pub share: f64,
}

/// The plain text of a Markdown fragment.
fn plain_text(markdown: &str) -> String {
    let mut out = String::new();
    let mut in_heading = false;
    for event in Parser::new_ext(markdown, markdown_options()) {
        match event {
            Event::Start(Tag::Heading { .. }) => in_heading = true,
            Event::End(TagEnd::Heading(_)) => {
                in_heading = false;
                out.push('\n');
            }
            Event::Text(_) | Event::Code(_) if in_heading => {}
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock,
            ) => out.push('\n'),
            _ => {}
        }
    }
    out
}

/// Splits Markdown into sentences: at 。！？；!? and line ends, white space removed.
pub(crate) fn sentences(markdown: &str) -> Vec<String> {
    let text = plain_text(markdown);
    let mut out = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        if c.is_whitespace() {
            if c == '\n' && !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        current.push(c);
        if matches!(c, '。' | '！' | '？' | '；' | '!' | '?') {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    // Very short fragments (「无。」, headings like 「（一）」) say nothing about copying.
    out.retain(|s| s.chars().count() >= 6);
    out
}

/// The sentences of part `part`'s text (`sentences`), if the narrative has that part: split for
/// every part the first time one is asked for, then kept in the narrative.
pub(crate) fn part_sentences(narrative: &crate::model::Narrative, part: u8) -> Option<&[String]> {
    let i = narrative.sections.iter().position(|s| s.part == part)?;
    let all = narrative.sentences.get_or_init(|| {
        narrative
            .sections
            .iter()
            .map(|s| sentences(narrative.body(s)))
            .collect()
    });
    all.get(i).map(Vec::as_slice)
}

/// Compares this year's text of a part with last year's.
#[cfg(test)]
pub(crate) fn compare(previous: &str, current: &str) -> TextComparison {
    compare_sentences(&sentences(previous), &sentences(current))
}

/// Compares this year's sentences of a part with last year's (each from `sentences`).
pub(crate) fn compare_sentences(before: &[String], now: &[String]) -> TextComparison {
    let before_set: HashSet<&str> = before.iter().map(String::as_str).collect();
    let now_set: HashSet<&str> = now.iter().map(String::as_str).collect();
    let sentences: Vec<Sentence> = now
        .iter()
        .map(|s| Sentence {
            repeated: before_set.contains(s.as_str()),
            text: s.clone(),
        })
        .collect();
    let repeated = sentences.iter().filter(|s| s.repeated).count();
    let removed = before
        .iter()
        .filter(|s| !now_set.contains(s.as_str()))
        .cloned()
        .collect();
    TextComparison {
        share: if sentences.is_empty() {
            0.0
        } else {
            repeated as f64 / sentences.len() as f64
        },
        repeated,
        sentences,
        removed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_chinese_sentences_and_ignores_markdown() {
        let s = sentences(
            "### （一）主动公开\n\n全年发布信息**1136条**。均在期限内答复！\n- 列表项目内容",
        );
        assert_eq!(
            s,
            ["全年发布信息1136条。", "均在期限内答复！", "列表项目内容"]
        );
        assert!(sentences("## 一、总体情况的标题\n").is_empty());
    }

    #[test]
    fn repeated_share() {
        let last = "今年继续做好公开工作。加强培训学习。";
        let now = "今年继续做好公开工作。新增审核发布报备制度。加强 培训学习。";
        let c = compare(last, now);
        assert_eq!(c.repeated, 2);
        assert!((c.share - 2.0 / 3.0).abs() < 1e-9);
        assert!(c.sentences[1].text.contains("报备") && !c.sentences[1].repeated);
        assert!(c.removed.is_empty());
        let c = compare(now, "完全不同的一句话内容。");
        assert_eq!(c.repeated, 0);
        assert_eq!(c.removed.len(), 3);
    }
}

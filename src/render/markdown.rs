//! The narrative's Markdown to HTML: heading ids that keep Chinese, and sanitised raw HTML.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Parser, Tag, TagEnd, html};

use crate::load::narrative::markdown_options;

/// An id from a heading's text: letters, digits and CJK characters kept, the rest dropped.
pub(crate) fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if (c == '-' || c == '_' || c == ' ') && !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "section".to_string()
    } else {
        out
    }
}

/// The prefix of every id the narrative gives a heading, so a heading can never take an id the
/// page itself uses (`main`, `indicators`, `part1`, a cell's `c-…`) and send links astray.
pub(crate) const HEADING_ID_PREFIX: &str = "s-";

/// The prefix of footnote ids, for the same reason.
pub(crate) const FOOTNOTE_ID_PREFIX: &str = "fn-";

/// The heading ids already given on one page.
#[derive(Default)]
pub struct HeadingIds {
    used: HashSet<String>,
    /// For each base id, the next number to try, so that many equal headings stay linear.
    next: HashMap<String, usize>,
}

impl HeadingIds {
    /// A new id from `base`, made unique with -2, -3… when the page already has it.
    fn unique(&mut self, base: String) -> String {
        if self.used.insert(base.clone()) {
            return base;
        }
        let n = self.next.entry(base.clone()).or_insert(2);
        loop {
            let candidate = format!("{base}-{n}");
            *n += 1;
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

/// Renders a Markdown fragment. Headings are shifted so that `##` becomes the page's `h3` when
/// `shift` is 1 (the part headings are the page's `h2`); every heading gets an id unique in `ids`.
pub fn render(markdown: &str, allow_html: bool, shift: u8, ids: &mut HeadingIds) -> String {
    let events: Vec<Event<'_>> = Parser::new_ext(markdown, markdown_options())
        .map(|event| match event {
            Event::FootnoteReference(label) => {
                Event::FootnoteReference(format!("{FOOTNOTE_ID_PREFIX}{label}").into())
            }
            Event::Start(Tag::FootnoteDefinition(label)) => Event::Start(Tag::FootnoteDefinition(
                format!("{FOOTNOTE_ID_PREFIX}{label}").into(),
            )),
            event => event,
        })
        .collect();
    let mut events = as_paragraphs(events, allow_html, shift, ids);
    // Collect heading texts to make ids.
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) = &events[i]
        {
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j] {
                    text.push_str(t);
                }
                j += 1;
            }
            let base = id
                .as_ref()
                .map(|s| s.to_string())
                .unwrap_or_else(|| slug(&text));
            let unique = ids.unique(format!("{HEADING_ID_PREFIX}{base}"));
            let new_level = shifted(*level, shift);
            events[i] = Event::Start(Tag::Heading {
                level: new_level,
                id: Some(CowStr::from(unique)),
                classes: classes.clone(),
                attrs: attrs.clone(),
            });
            if j < events.len() {
                events[j] = Event::End(TagEnd::Heading(new_level));
            }
        }
        i += 1;
    }
    let mut out = String::new();
    html::push_html(&mut out, events.into_iter());
    if allow_html { out } else { sanitise(&out) }
}

/// What a clerk means by indenting: a paragraph. Text indented with four spaces or a tab (the
/// 首行缩进 habit of a word processor) would be a code block that does not wrap; it is rendered
/// as the paragraphs it holds. Full-width spaces (「　　」) at the start of a paragraph, or of a
/// line inside one, start a paragraph with the theme's normal indent instead of a double one.
fn as_paragraphs<'a>(
    events: Vec<Event<'a>>,
    allow_html: bool,
    shift: u8,
    ids: &mut HeadingIds,
) -> Vec<Event<'a>> {
    let indent: &[char] = &['\u{3000}', ' ', '\t'];
    let mut out = Vec::with_capacity(events.len());
    let mut events = events.into_iter().peekable();
    // Inline tags open inside the current paragraph (a line break there cannot end it).
    let mut inline_depth = 0usize;
    let mut in_paragraph = false;
    while let Some(event) = events.next() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)) => {
                let mut text = String::new();
                for inner in events.by_ref() {
                    match inner {
                        Event::End(TagEnd::CodeBlock) => break,
                        Event::Text(t) => text.push_str(&t),
                        _ => {}
                    }
                }
                let html = render(
                    &crate::load::narrative::dedent(&text),
                    allow_html,
                    shift,
                    ids,
                );
                out.push(Event::Html(CowStr::from(html)));
            }
            Event::Start(Tag::Paragraph) => {
                in_paragraph = true;
                inline_depth = 0;
                out.push(event);
                if let Some(Event::Text(t)) = events.peek_mut()
                    && t.starts_with('\u{3000}')
                {
                    *t = CowStr::from(t.trim_start_matches(indent).to_string());
                }
            }
            Event::End(TagEnd::Paragraph) => {
                in_paragraph = false;
                out.push(event);
            }
            Event::Start(_) if in_paragraph => {
                inline_depth += 1;
                out.push(event);
            }
            Event::End(_) if in_paragraph => {
                inline_depth = inline_depth.saturating_sub(1);
                out.push(event);
            }
            Event::SoftBreak | Event::HardBreak if in_paragraph && inline_depth == 0 => {
                match events.peek_mut() {
                    Some(Event::Text(t)) if t.starts_with('\u{3000}') => {
                        *t = CowStr::from(t.trim_start_matches(indent).to_string());
                        out.push(Event::End(TagEnd::Paragraph));
                        out.push(Event::Start(Tag::Paragraph));
                    }
                    _ => out.push(event),
                }
            }
            other => out.push(other),
        }
    }
    out
}

fn shifted(level: HeadingLevel, shift: u8) -> HeadingLevel {
    let n = (level as u8 + shift).clamp(1, 6);
    HeadingLevel::try_from(usize::from(n)).unwrap_or(HeadingLevel::H6)
}

/// Removes scripts, event handlers and anything else unsafe from HTML (ammonia's defaults),
/// keeping ids and classes for anchors and footnotes.
pub(crate) fn sanitise(html: &str) -> String {
    // Made once per process: making ammonia's builder (its tables of tags and attributes) cost
    // more than cleaning a part of a report (issue 15).
    static CLEANER: std::sync::LazyLock<ammonia::Builder<'static>> =
        std::sync::LazyLock::new(|| {
            let mut builder = ammonia::Builder::default();
            builder.add_generic_attributes(["id", "class"]);
            builder
        });
    CLEANER.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_heading_ids() {
        assert_eq!(slug("（一）主动公开"), "一主动公开");
        assert_eq!(slug("Part 2: Tables"), "part-2-tables");
        let mut ids = HeadingIds::default();
        let html = render(
            "## （一）主动公开\n\n文字\n\n## （一）主动公开\n\n## 一主动公开-2\n\n## （一）主动公开\n",
            false,
            1,
            &mut ids,
        );
        assert!(html.contains("<h3 id=\"s-一主动公开\">"), "{html}");
        assert!(html.contains("<h3 id=\"s-一主动公开-2\">"), "{html}");
        assert!(html.contains("<h3 id=\"s-一主动公开-2-2\">"), "{html}");
        assert!(html.contains("<h3 id=\"s-一主动公开-3\">"), "{html}");
    }

    #[test]
    fn raw_html_is_sanitised_unless_allowed() {
        let md = "文字<script>alert(1)</script><img src=x onerror=alert(1)>";
        let mut ids = HeadingIds::default();
        let clean = render(md, false, 1, &mut ids);
        assert!(
            !clean.contains("<script") && !clean.contains("onerror"),
            "{clean}"
        );
        let raw = render(md, true, 1, &mut ids);
        assert!(raw.contains("<script>"));
    }

    #[test]
    fn indented_paragraphs_are_paragraphs() {
        let mut ids = HeadingIds::default();
        let html = render(
            "    首行缩进的一段，**要点**。\n\n\t制表符缩进的一段。\n\n　　全角空格缩进的一段。\n　　同一段落里换行的另一段。\n",
            false,
            1,
            &mut ids,
        );
        assert!(!html.contains("<pre") && !html.contains("<code"), "{html}");
        assert!(
            html.contains("<p>首行缩进的一段，<strong>要点</strong>。</p>"),
            "{html}"
        );
        assert!(html.contains("<p>制表符缩进的一段。</p>"), "{html}");
        assert!(html.contains("<p>全角空格缩进的一段。</p>"), "{html}");
        assert!(html.contains("<p>同一段落里换行的另一段。</p>"), "{html}");
        // A fenced block stays code; list items keep their nesting.
        let html = render("```\n代码\n```\n\n- 一\n    - 二\n", false, 1, &mut ids);
        assert!(html.contains("<pre><code>代码"), "{html}");
        assert!(html.matches("<ul>").count() == 2, "{html}");
    }

    #[test]
    fn tables_and_footnotes() {
        let mut ids = HeadingIds::default();
        let html = render(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n注[^1]\n\n[^1]: 说明\n",
            false,
            1,
            &mut ids,
        );
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("footnote"), "{html}");
    }
}

//! The text of an HTML page as the importer reads it: paragraphs as lines, each table row as
//! one line of cells separated by tabs (an empty cell as 「/」). Merged cells (rowspan/colspan)
//! are printed once, where they begin: rows are found by their labels and numbers are read in
//! the order of the template's columns, so a label spanning rows needs no copying.

use scraper::{ElementRef, Html, Node};

const BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "section",
    "article",
    "header",
    "footer",
    "tr",
    "caption",
    "title",
    "blockquote",
    "pre",
    "table",
];
const SKIPPED: &[&str] = &["script", "style", "head", "noscript", "template"];

/// The page's text as lines.
pub(super) fn lines(source: &str) -> Vec<String> {
    let document = Html::parse_document(source);
    let mut out = vec![String::new()];
    // The title comes first: it names the report year.
    if let Ok(selector) = scraper::Selector::parse("title")
        && let Some(title) = document.select(&selector).next()
    {
        out.push(text_of(title));
        out.push(String::new());
    }
    walk(document.root_element(), &mut out);
    out.into_iter()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

fn walk(element: ElementRef, out: &mut Vec<String>) {
    for child in element.children() {
        match child.value() {
            Node::Text(text) => {
                if let Some(line) = out.last_mut() {
                    line.push_str(&text.replace(['\n', '\r'], ""));
                }
            }
            Node::Element(e) => {
                let name = e.name();
                let Some(child) = ElementRef::wrap(child) else {
                    continue;
                };
                if SKIPPED.contains(&name) {
                    continue;
                }
                if name == "tr" {
                    let cells: Vec<String> = child
                        .children()
                        .filter_map(ElementRef::wrap)
                        .filter(|c| matches!(c.value().name(), "td" | "th"))
                        .map(|c| {
                            let text = text_of(c);
                            if text.is_empty() {
                                "/".to_string()
                            } else {
                                text
                            }
                        })
                        .collect();
                    out.push(cells.join("\t"));
                    out.push(String::new());
                    continue;
                }
                let block = BLOCKS.contains(&name);
                if block {
                    out.push(String::new());
                }
                walk(child, out);
                if block {
                    out.push(String::new());
                }
            }
            _ => {}
        }
    }
}

/// The text inside an element, its whitespace runs made single spaces.
fn text_of(element: ElementRef) -> String {
    let text: String = element.text().collect::<Vec<_>>().join(" ");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

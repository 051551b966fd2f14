//! Narrative rendering: report.md split into parts, then Markdown to sanitised HTML (and raw HTML
//! when a site allows it), the way the year page renders it.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use nianbao::markdown;
use nianbao::narrative;

fuzz_target!(|text: &str| {
    let parsed = narrative::parse(Arc::from(text));
    let mut ids = markdown::HeadingIds::default();
    let _ = markdown::render(parsed.preamble_text(), false, 1, &mut ids);
    for part in 1..=6 {
        if let Some(section) = parsed.section(part) {
            let body = parsed.body(section);
            let html = markdown::render(body, false, 1, &mut ids);
            assert!(
                !html.contains("<script"),
                "script survived sanitising: {html}"
            );
            let _ = markdown::render(body, true, 1, &mut ids);
        }
    }
    let _ = parsed.line_of(text.len());
});

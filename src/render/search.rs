//! Offline full-text search: a Pagefind index of every report (agency name, title, the narrative
//! parts and their headings), built in memory with Pagefind's Rust API and handed to the output
//! like every other file, with the search page's script (static/search.js) that runs Pagefind's
//! own UI. Pagefind (the `extended` build) splits Chinese text into words with ICU's dictionary
//! segmenter when indexing; the browser splits the query with `Intl.Segmenter`, so 「信息处理费」
//! finds 「收取信息处理费」 in running text. The index is static files: no server, relative URLs.

use std::collections::BTreeMap;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::{BuildError, Output};
use crate::model::{Agency, Site, Year};
use crate::render::pages::year_path;

/// Where the index and Pagefind's scripts go.
pub(crate) const BUNDLE_DIR: &str = "pagefind";

/// The text of a report as the index holds it: title, agency, then each narrative part's heading
/// and text (Markdown reduced to its words).
fn record_text(agency: &Agency, year: &Year) -> String {
    let mut text = format!(
        "{} {}年度政府信息公开工作年度报告\n",
        agency.name, year.year
    );
    text.push_str(&markdown_text(year.narrative.preamble_text()));
    for section in &year.narrative.sections {
        text.push('\n');
        text.push_str(&section.heading);
        text.push('\n');
        text.push_str(&markdown_text(year.narrative.body(section)));
    }
    text
}

/// The words of Markdown: text and code, blocks and line breaks as newlines; HTML left out.
fn markdown_text(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    for event in Parser::new(source) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push('\n'),
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableRow,
            ) => out.push('\n'),
            Event::Start(Tag::TableCell) => out.push(' '),
            _ => {}
        }
    }
    out
}

/// Builds the index of every report of the rendered site and puts its files under `pagefind/`.
/// Pagefind's API is async; it runs on a runtime of its own in a thread of its own, so a build
/// inside `serve`'s runtime is not nested in it.
pub(crate) fn write_index(site: &Site, out: &Output) -> Result<(), BuildError> {
    let records: Vec<(String, String, String)> = site
        .agencies
        .iter()
        .flat_map(|a| {
            a.years.iter().map(move |y| {
                (
                    year_path(a, y.year),
                    format!("{} {}年度年报", a.short_name, y.year),
                    record_text(a, y),
                )
            })
        })
        .collect();
    let files = std::thread::scope(|scope| {
        scope
            .spawn(|| index_files(records))
            .join()
            .unwrap_or_else(|payload| Err(super::panic_message(&*payload)))
    })
    .map_err(|e| BuildError::Theme(format!("无法生成站内搜索索引（Pagefind）：{e}")))?;
    for (path, bytes) in files {
        out.put(&format!("{BUNDLE_DIR}/{path}"), bytes)?;
    }
    Ok(())
}

/// The files of the index of these (url, title, text) records, by path inside the bundle folder.
fn index_files(records: Vec<(String, String, String)>) -> Result<Vec<(String, Vec<u8>)>, String> {
    use pagefind::api::PagefindIndex;
    use pagefind::options::PagefindServiceConfig;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        let config = PagefindServiceConfig::builder()
            .keep_index_url(true)
            .force_language("zh-cn".to_string())
            .build();
        let mut index = PagefindIndex::new(Some(config)).map_err(|e| e.to_string())?;
        for (url, title, text) in records {
            let meta = BTreeMap::from([("title".to_string(), title)]);
            index
                .add_custom_record(url, text, "zh-cn".to_string(), Some(meta), None, None)
                .await
                .map_err(|e| e.to_string())?;
        }
        let files = index.get_files().await.map_err(|e| e.to_string())?;
        Ok(files
            .into_iter()
            .map(|f| {
                let path = f.filename.to_string_lossy().replace('\\', "/");
                // Pagefind names files under its bundle folder; keep the part inside it.
                let inside = path
                    .rsplit_once(&format!("{BUNDLE_DIR}/"))
                    .map_or(path.as_str(), |(_, rest)| rest)
                    .to_string();
                (inside, f.contents)
            })
            .collect())
    })
}

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

/// What a build did about the search index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Indexed {
    /// Built anew over this many reports.
    Built(usize),
    /// Taken from the previous output: the reports' titles and texts had not changed.
    Kept(usize),
}

/// The file in the bundle folder that records what the index was built from: a line of
/// explanation and the hash of the records (see `records_key`).
const RECORDS_FILE: &str = "nianbao-records.txt";

/// Pagefind's files that the search page does not load (static/search.js runs Pagefind's
/// default UI, `pagefind-ui.js`, which loads `pagefind.js`, its worker, the WebAssembly and the
/// index): the other UIs and the highlighting script, about 300 KB a site.
const UNUSED: [&str; 5] = [
    "pagefind-component-ui.css",
    "pagefind-component-ui.js",
    "pagefind-highlight.js",
    "pagefind-modular-ui.css",
    "pagefind-modular-ui.js",
];

/// The Pagefind version the index is built with (Cargo.lock's; a unit test keeps them equal): an
/// index built by another version is not reused.
const PAGEFIND_VERSION: &str = "1.6.0";

/// The search record of a report: its url, title and text.
pub(crate) type Record = (String, String, String);

/// The search records of one agency, one per report year, in year order.
pub(crate) fn agency_records(agency: &Agency) -> Vec<Record> {
    agency
        .years
        .iter()
        .map(|y| {
            (
                year_path(agency, y.year),
                format!("{} {}年度年报", agency.short_name, y.year),
                record_text(agency, y),
            )
        })
        .collect()
}

/// The content of `RECORDS_FILE` for these records: everything the index's bytes depend on (the
/// records, the versions of nianbao and Pagefind, the files left out), hashed.
fn records_key(records: &[Record]) -> String {
    let mut hasher = xxhash_rust::xxh3::Xxh3Default::new();
    let mut add = |text: &str| {
        hasher.update(&(text.len() as u64).to_le_bytes());
        hasher.update(text.as_bytes());
    };
    add(env!("CARGO_PKG_VERSION"));
    add(PAGEFIND_VERSION);
    UNUSED.iter().for_each(|name| add(name));
    for (url, title, text) in records {
        add(url);
        add(title);
        add(text);
    }
    format!(
        "# nianbao：本索引所依据的年报标题和正文的摘要。下次生成时摘要相同，就沿用本索引，不再重新建立。\n{:032x}\n",
        hasher.digest128()
    )
}

/// Puts the search index of every report of the site under `pagefind/`: the previous output's
/// index when it was built from the same records (a rebuild after an edit of figures only pays
/// nothing for search), else a new one. Pagefind's API is async; it runs on a runtime of its own
/// in a thread of its own, so a build inside `serve`'s runtime is not nested in it.
pub(crate) fn index(site: &Site, out: &Output) -> Result<Indexed, BuildError> {
    index_records(
        site.agencies
            .iter()
            .flat_map(|a| agency_records(a))
            .collect(),
        out,
    )
}

/// `index` of these records (every report of the site, in the site's order): what `serve`'s
/// background index calls with the records it keeps per agency.
pub(crate) fn index_records(records: Vec<Record>, out: &Output) -> Result<Indexed, BuildError> {
    let count = records.len();
    let key = records_key(&records);
    let key_path = format!("{BUNDLE_DIR}/{RECORDS_FILE}");
    let same = out
        .previous_file(&key_path)
        .is_some_and(|previous| previous == key.as_bytes());
    if same && let Some(files) = out.previous_files(&format!("{BUNDLE_DIR}/")) {
        for (path, bytes) in files {
            out.put(&path, bytes)?;
        }
        return Ok(Indexed::Kept(count));
    }
    let files = std::thread::scope(|scope| {
        scope
            .spawn(|| index_files(records))
            .join()
            .unwrap_or_else(|payload| Err(super::panic_message(&*payload)))
    })
    .map_err(|e| BuildError::Theme(format!("无法生成站内搜索索引（Pagefind）：{e}")))?;
    for (path, bytes) in files {
        if !UNUSED.contains(&path.as_str()) {
            out.put(&format!("{BUNDLE_DIR}/{path}"), bytes)?;
        }
    }
    out.put(&key_path, key.into_bytes())?;
    Ok(Indexed::Built(count))
}

/// The files of the index of these (url, title, text) records, by path inside the bundle folder.
fn index_files(records: Vec<Record>) -> Result<Vec<(String, Vec<u8>)>, String> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pagefind_version_in_the_key_is_the_one_built_with() {
        let lock = include_str!("../../Cargo.lock");
        let entry = format!("name = \"pagefind\"\nversion = \"{PAGEFIND_VERSION}\"");
        assert!(
            lock.contains(&entry),
            "Cargo.lock has another pagefind than {PAGEFIND_VERSION}"
        );
    }

    #[test]
    fn the_key_follows_every_record() {
        let record = |text: &str| {
            (
                "a/2024/index.html".to_string(),
                "甲".to_string(),
                text.to_string(),
            )
        };
        let one = records_key(&[record("信息处理费")]);
        assert_eq!(one, records_key(&[record("信息处理费")]));
        assert_ne!(one, records_key(&[record("信息处理")]));
        // Where one field ends and the next begins is part of the key.
        let shifted = (
            "a/2024/index.html".to_string(),
            "甲信".to_string(),
            "息处理费".to_string(),
        );
        assert_ne!(one, records_key(&[shifted]));
    }
}

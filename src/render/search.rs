//! Offline full-text search: a Pagefind index of every report (agency name, title, the narrative
//! parts and their headings), built in memory with Pagefind's Rust API and handed to the output
//! like every other file, with the search page's script (static/search.js) that runs Pagefind's
//! own UI. Pagefind (the `extended` build) splits Chinese text into words with ICU's dictionary
//! segmenter when indexing; the browser splits the query with `Intl.Segmenter`, so 「信息处理费」
//! finds 「收取信息处理费」 in running text. The index is static files: no server, relative URLs.
//!
//! One Pagefind bundle per report year (`pagefind/<year>/`, see `years`), which the search page
//! merges in the browser: indexing holds one year at a time, and an edit re-indexes one year.

use std::collections::BTreeMap;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::{BuildError, Output};
use crate::model::{Agency, Site, Year};

mod years;

use crate::render::pages::year_path;
pub use years::Indexed;
use years::index_years;

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

/// The search record of a report: its year, url, title and text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Record {
    pub year: u16,
    pub url: String,
    pub title: String,
    pub text: String,
}

/// The search record of one report.
fn record(agency: &Agency, year: &Year) -> Record {
    Record {
        year: year.year,
        url: year_path(agency, year.year),
        title: format!("{} {}年度年报", agency.short_name, year.year),
        text: record_text(agency, year),
    }
}

/// The search records of one agency, one per report year, in year order.
pub(crate) fn agency_records(agency: &Agency) -> Vec<Record> {
    agency.years.iter().map(|y| record(agency, y)).collect()
}

/// Puts the search index of every report of the site under `pagefind/`: a year whose records are
/// those of the previous output's bundle keeps its files (see `index_records`).
pub(crate) fn index(site: &Site, out: &Output) -> Result<Indexed, BuildError> {
    let records = site.agencies.iter().flat_map(|a| agency_records(a));
    index_records(records, out, out)
}

/// Puts the search index of these records (in the site's order of agencies) under `pagefind/`,
/// one bundle per report year, newest first: a year whose records are those of `previous`'s
/// bundle keeps its files, the others are indexed anew, one after another (see `index_years`).
pub(crate) fn index_records(
    records: impl IntoIterator<Item = Record>,
    out: &Output,
    previous: &dyn years::Previous,
) -> Result<Indexed, BuildError> {
    let mut by_year: BTreeMap<u16, Vec<Record>> = BTreeMap::new();
    for record in records {
        by_year.entry(record.year).or_default().push(record);
    }
    index_years(by_year.into_iter().rev(), out, previous)
}

#[cfg(test)]
mod tests {
    use super::years::{PAGEFIND_VERSION, records_key};
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
        let record = |title: &str, text: &str| Record {
            year: 2024,
            url: "a/2024/index.html".to_string(),
            title: title.to_string(),
            text: text.to_string(),
        };
        let one = records_key(2024, &[record("甲", "信息处理费")]);
        assert_eq!(one, records_key(2024, &[record("甲", "信息处理费")]));
        assert_ne!(one, records_key(2024, &[record("甲", "信息处理")]));
        assert_ne!(one, records_key(2023, &[record("甲", "信息处理费")]));
        // Where one field ends and the next begins is part of the key.
        assert_ne!(one, records_key(2024, &[record("甲信", "息处理费")]));
    }
}

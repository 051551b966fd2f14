//! The search index as one Pagefind bundle per report year.
//!
//! ```text
//! pagefind/pagefind.js, pagefind-ui.js, pagefind-ui.css   Pagefind's scripts, once
//! pagefind/nianbao-years.json                             the years, newest first
//! pagefind/<year>/                                        that year's bundle: pagefind-entry.json,
//!     pagefind.*.pf_meta, index/, fragment/ (at most FRAGMENT_FILES files), filter/,
//!     nianbao-records.txt
//! pagefind/<newest year>/pagefind-worker.js, wasm.unknown.pagefind
//! ```
//!
//! The search page (static/search.js) loads `pagefind/pagefind-ui.js`, which imports
//! `pagefind/pagefind.js`; the newest year is Pagefind's primary index (its `basePath`), the other
//! years are merged into it (`mergeIndex`). Pagefind loads its worker and WebAssembly from the
//! primary index's folder only (a merged index uses the primary's), so those two go with the
//! newest year and nowhere else.
//!
//! Each year is indexed on its own, one after another, each `PagefindIndex` dropped before the
//! next: the memory held is one year's index, not the site's. Each year's folder holds the hash
//! of its records (`nianbao-records.txt`); a year whose hash is the previous index's keeps that
//! year's files, so an edit of one report re-indexes one year.

use std::collections::BTreeMap;

use super::{BUNDLE_DIR, Record};
use crate::output::{Files, Output};
use crate::render::BuildError;

/// The file that lists the years' bundles for the search page, newest first.
const YEARS_FILE: &str = "nianbao-years.json";

/// The file in each year's folder that records what its index was built from: a line of
/// explanation and the hash of the records (see `records_key`).
const RECORDS_FILE: &str = "nianbao-records.txt";

/// Pagefind's scripts that the search page loads from `pagefind/` (its default UI and the search
/// script the UI imports): the same for every year, shipped once.
const SHARED: [&str; 3] = ["pagefind.js", "pagefind-ui.js", "pagefind-ui.css"];

/// Pagefind's worker and WebAssembly, which it loads from the primary index's folder: the newest
/// year's.
const PRIMARY: [&str; 2] = ["pagefind-worker.js", "wasm.unknown.pagefind"];

/// Pagefind's files that the search page does not load: its other UIs and the highlighting
/// script, about 300 KB a site.
const UNUSED: [&str; 5] = [
    "pagefind-component-ui.css",
    "pagefind-component-ui.js",
    "pagefind-highlight.js",
    "pagefind-modular-ui.css",
    "pagefind-modular-ui.js",
];

/// The Pagefind version the index is built with (Cargo.lock's; a unit test keeps them equal): an
/// index built by another version is not reused.
pub(super) const PAGEFIND_VERSION: &str = "1.6.0";

/// The name of the year filter in the index (shown above the results, with its years).
const YEAR_FILTER: &str = "年度";

/// At most this many fragment files (a report's text and title, fetched for each result shown) in
/// a year's bundle. A year of more reports has its fragments bundled into this many files by
/// Pagefind (`max_fragments`): a portal of 1,000 agencies writes 100 files a year instead of
/// 1,000 and gzips 100 times instead of 1,000. A result costs the reader the download of its
/// group of ten: ≈ 2.2 KB instead of ≈ 1.1 KB for one fragment of the benchmark portal, as ten
/// reports compress better together (its whole index: 2.3 MB instead of 8.1 MB). A year of at
/// most 100 reports keeps one file per report.
pub(super) const FRAGMENT_FILES: u32 = 100;

/// What a build did about the search index.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Indexed {
    /// The reports in the index.
    pub reports: usize,
    /// The report years indexed anew, and their reports.
    pub years_built: usize,
    pub reports_built: usize,
    /// The report years whose bundle was kept from the previous index (same records).
    pub years_kept: usize,
}

/// The previous index, as far as its files can be kept: the output folder being replaced
/// (`build`) or the index served (`serve`).
pub(crate) trait Previous {
    /// The bytes of the file at `path` (`pagefind/2024/nianbao-records.txt`).
    fn file(&self, path: &str) -> Option<Vec<u8>>;
    /// The files under `folder` (`pagefind/2024/`) with their bytes, when all are available.
    fn files_under(&self, folder: &str) -> Option<Vec<(String, Vec<u8>)>>;
}

impl Previous for Output {
    fn file(&self, path: &str) -> Option<Vec<u8>> {
        self.previous_file(path)
    }

    fn files_under(&self, folder: &str) -> Option<Vec<(String, Vec<u8>)>> {
        self.previous_files(folder)
    }
}

impl Previous for Files {
    fn file(&self, path: &str) -> Option<Vec<u8>> {
        self.get(path).map(<[u8]>::to_vec)
    }

    fn files_under(&self, folder: &str) -> Option<Vec<(String, Vec<u8>)>> {
        let files: Vec<_> = self
            .files
            .range(folder.to_string()..)
            .take_while(|(path, _)| path.starts_with(folder))
            .map(|(path, bytes)| (path.clone(), bytes.clone()))
            .collect();
        (!files.is_empty()).then_some(files)
    }
}

/// The content of a year's `RECORDS_FILE` for these records: everything the bundle's bytes depend
/// on (the year, its records, the versions of nianbao and Pagefind, the files left out), hashed.
pub(super) fn records_key(year: u16, records: &[Record]) -> String {
    let mut hasher = xxhash_rust::xxh3::Xxh3Default::new();
    let mut add = |text: &str| {
        hasher.update(&(text.len() as u64).to_le_bytes());
        hasher.update(text.as_bytes());
    };
    add(env!("CARGO_PKG_VERSION"));
    add(PAGEFIND_VERSION);
    add(YEAR_FILTER);
    add(&FRAGMENT_FILES.to_string());
    add(&year.to_string());
    UNUSED.iter().for_each(|name| add(name));
    for record in records {
        add(&record.url);
        add(&record.title);
        add(&record.text);
    }
    format!(
        "# nianbao：本年度索引所依据的年报标题和正文的摘要。下次生成时摘要相同，就沿用本年度的索引，不再重新建立。\n{:032x}\n",
        hasher.digest128()
    )
}

/// The content of `YEARS_FILE`: the years, newest first.
fn years_json(years: &[u16]) -> String {
    let years: Vec<String> = years.iter().map(|y| format!("\"{y}\"")).collect();
    format!("{{\"years\":[{}]}}\n", years.join(","))
}

/// Puts the search index of these reports under `pagefind/`: for each report year (newest first,
/// with its records in the site's order), the previous index's bundle of that year when it was
/// built from the same records, else a new one; then Pagefind's scripts and the list of years.
/// The years are indexed one after another, each on a thread of its own with its own runtime
/// (Pagefind's API is async; a build inside `serve`'s runtime is not nested in it).
pub(crate) fn index_years(
    years: impl IntoIterator<Item = (u16, Vec<Record>)>,
    out: &Output,
    previous: &dyn Previous,
) -> Result<Indexed, BuildError> {
    let mut indexed = Indexed::default();
    let mut listed = Vec::new();
    let mut scripts: Option<Vec<(String, Vec<u8>)>> = None;
    for (year, records) in years {
        listed.push(year);
        indexed.reports += records.len();
        let folder = format!("{BUNDLE_DIR}/{year}/");
        let key = records_key(year, &records);
        let key_path = format!("{folder}{RECORDS_FILE}");
        let same = previous
            .file(&key_path)
            .is_some_and(|old| old == key.as_bytes());
        if same && let Some(files) = previous.files_under(&folder) {
            for (path, bytes) in files {
                let name = path.strip_prefix(&folder).unwrap_or(&path);
                if !PRIMARY.contains(&name) {
                    out.put(&path, bytes)?;
                }
            }
            indexed.years_kept += 1;
            continue;
        }
        indexed.years_built += 1;
        indexed.reports_built += records.len();
        let mut these = Vec::new();
        for (name, bytes) in index_on_a_thread(year, records)? {
            if is_script(&name) {
                these.push((name, bytes));
            } else if !UNUSED.contains(&name.as_str()) {
                out.put(&format!("{folder}{name}"), bytes)?;
            }
        }
        scripts.get_or_insert(these);
        out.put(&key_path, key.into_bytes())?;
    }
    // Without a year indexed here, from the previous index when a year was kept from it (so it
    // was made by this Pagefind), else from Pagefind with no records.
    let scripts = match scripts {
        Some(scripts) => scripts,
        None => match previous_scripts(previous).filter(|_| indexed.years_kept > 0) {
            Some(scripts) => scripts,
            None => index_on_a_thread(0, Vec::new())?
                .into_iter()
                .filter(|(name, _)| is_script(name))
                .collect(),
        },
    };
    listed.sort_unstable_by(|a, b| b.cmp(a));
    for (name, bytes) in scripts {
        if SHARED.contains(&name.as_str()) {
            out.put(&format!("{BUNDLE_DIR}/{name}"), bytes)?;
        } else if let Some(newest) = listed.first() {
            out.put(&format!("{BUNDLE_DIR}/{newest}/{name}"), bytes)?;
        }
    }
    out.put(
        &format!("{BUNDLE_DIR}/{YEARS_FILE}"),
        years_json(&listed).into_bytes(),
    )?;
    Ok(indexed)
}

/// Whether Pagefind's file `name` is one of the scripts the search page loads.
fn is_script(name: &str) -> bool {
    SHARED.contains(&name) || PRIMARY.contains(&name)
}

/// Pagefind's scripts as the previous index shipped them (the shared ones at `pagefind/`, the
/// worker and WebAssembly with its newest year), when it has all of them. They are the same for
/// one Pagefind version.
fn previous_scripts(previous: &dyn Previous) -> Option<Vec<(String, Vec<u8>)>> {
    let years = previous.file(&format!("{BUNDLE_DIR}/{YEARS_FILE}"))?;
    let years: serde_json::Value = serde_json::from_slice(&years).ok()?;
    let newest = years["years"].get(0)?.as_str()?.to_string();
    let shared = SHARED
        .iter()
        .map(|name| (*name, format!("{BUNDLE_DIR}/{name}")));
    let primary = PRIMARY
        .iter()
        .map(|name| (*name, format!("{BUNDLE_DIR}/{newest}/{name}")));
    shared
        .chain(primary)
        .map(|(name, path)| previous.file(&path).map(|bytes| (name.to_string(), bytes)))
        .collect()
}

/// `index_files` on a thread of its own; an error in words.
fn index_on_a_thread(
    year: u16,
    records: Vec<Record>,
) -> Result<Vec<(String, Vec<u8>)>, BuildError> {
    std::thread::scope(|scope| {
        scope
            .spawn(|| index_files(year, records))
            .join()
            .unwrap_or_else(|payload| Err(crate::render::panic_message(&*payload)))
    })
    .map_err(|e| BuildError::Theme(format!("无法生成站内搜索索引（Pagefind）：{e}")))
}

/// The files of the index of one year's records, by path inside its bundle folder. The
/// `PagefindIndex` is dropped before this returns.
fn index_files(year: u16, records: Vec<Record>) -> Result<Vec<(String, Vec<u8>)>, String> {
    use pagefind::api::PagefindIndex;
    use pagefind::options::PagefindServiceConfig;
    // Without tokio's IO and timer drivers: indexing in memory needs neither, and the runtime
    // then waits for each record's indexing (on tokio's blocking pool) on a plain condition
    // variable instead of polling an event file.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        let config = PagefindServiceConfig::builder()
            .keep_index_url(true)
            .force_language("zh-cn".to_string())
            .max_fragments(FRAGMENT_FILES)
            .build();
        let mut index = PagefindIndex::new(Some(config)).map_err(|e| e.to_string())?;
        let filters = BTreeMap::from([(YEAR_FILTER.to_string(), vec![year.to_string()])]);
        for record in records {
            let meta = BTreeMap::from([("title".to_string(), record.title)]);
            index
                .add_custom_record(
                    record.url,
                    record.text,
                    "zh-cn".to_string(),
                    Some(meta),
                    Some(filters.clone()),
                    None,
                )
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

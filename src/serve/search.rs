//! The search index of the preview, rebuilt in the background.
//!
//! Indexing every report with Pagefind takes about a second per 700 reports, far longer than
//! rendering what one save changes. So serve renders the search page without its index
//! (`render::Options::defer_search`), swaps the new pages in and tells the browsers to reload,
//! and only then hands the search records to a thread of its own that indexes them and swaps the new
//! `pagefind/` files in (a second swap of the snapshot, no second reload). Until it finishes the
//! previous index is served. Saves made while it runs replace the job waiting: only the newest
//! build is indexed next, and a result older than the one served is never swapped in. The
//! records (url, title and text of each report) are kept per agency and made again only for an
//! agency loaded again, so the indexer holds the reports' words, not a copy of the model.
//!
//! The index is one bundle per report year (`render::search::index_records`): a job keeps, from the
//! index served, each year whose records are unchanged, and indexes only the others, so a save
//! in one report re-indexes one year.

use std::collections::BTreeMap;
use std::sync::{Condvar, Mutex};

use super::*;
use crate::model::Agency;
use crate::render::search::{Indexed, Record, agency_records};

/// The files of the index and the build they were made from.
#[derive(Debug, Default)]
pub(super) struct SearchFiles {
    /// The number of the build indexed (see `Job::generation`); 0 before any.
    pub generation: u64,
    pub files: Files,
}

/// What the index is made from: the search records of one good build.
pub(super) struct Job {
    /// Counts the good builds of the preview: a later build has a greater number.
    pub generation: u64,
    /// site.yaml's `settings.search`: without it the index is empty.
    pub search: bool,
    /// The records of each agency, in folder order, shared with the preview.
    pub records: Vec<Arc<Vec<Record>>>,
}

impl Job {
    /// The files of the index under `pagefind/`, keeping from `previous` (the index served) the
    /// years whose records did not change; none when the site has no search.
    pub(super) fn index(&self, previous: &Files) -> Result<(Files, Indexed), BuildError> {
        let out = Output::memory();
        let mut indexed = Indexed::default();
        if self.search {
            let records = self.records.iter().flat_map(|r| r.iter().cloned());
            indexed = render::search::index_records(records, &out, previous)?;
        }
        Ok((out.into_files(), indexed))
    }
}

/// The job waiting for the indexing thread.
#[derive(Default)]
pub(super) struct Indexer {
    waiting: Mutex<Option<Job>>,
    posted: Condvar,
}

impl Indexer {
    /// Starts the indexing thread, which swaps each new index into `shared`.
    pub(super) fn start(shared: Arc<Shared>) -> Result<Arc<Indexer>, ServeError> {
        let indexer = Arc::new(Indexer::default());
        let worker = indexer.clone();
        std::thread::Builder::new()
            .name("nianbao-search".to_string())
            .spawn(move || {
                while let Some(job) = worker.next() {
                    let start = Instant::now();
                    // The index served, not the snapshot: a replaced build is not held meanwhile.
                    let previous = shared.current().search.clone();
                    let result = job.index(&previous.files);
                    drop(previous);
                    match result {
                        Ok((files, indexed)) => {
                            if shared.replace_search(job.generation, files) && job.search {
                                say!(
                                    "站内搜索的索引已更新（{} 篇年报；重新建立 {} 个年度的索引，共 {} 篇，沿用 {} 个年度；{} 毫秒）",
                                    indexed.reports,
                                    indexed.years_built,
                                    indexed.reports_built,
                                    indexed.years_kept,
                                    start.elapsed().as_millis()
                                );
                            }
                        }
                        Err(err) => warn!("无法更新站内搜索的索引，继续使用上一次的索引：{err}"),
                    }
                }
            })
            .map_err(|e| ServeError(format!("无法启动站内搜索的索引线程：{e}")))?;
        Ok(indexer)
    }

    /// Hands the model of a new build to the thread, in place of a job still waiting.
    pub(super) fn post(&self, job: Job) {
        let mut waiting = self
            .waiting
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *waiting = Some(job);
        self.posted.notify_one();
    }

    /// The next job, waiting for one.
    fn next(&self) -> Option<Job> {
        let mut waiting = self
            .waiting
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        loop {
            if let Some(job) = waiting.take() {
                return Some(job);
            }
            waiting = self.posted.wait(waiting).ok()?;
        }
    }
}

/// The search records of every agency, by folder name: made when the agency is loaded, and
/// shared by the jobs until it is loaded again.
#[derive(Debug, Default)]
pub(super) struct Copies(BTreeMap<String, Arc<Vec<Record>>>);

impl Copies {
    pub(super) fn of(agencies: &[Arc<Agency>]) -> Copies {
        Copies(
            agencies
                .iter()
                .map(|a| (a.slug.clone(), Arc::new(agency_records(a))))
                .collect(),
        )
    }

    /// Follows one agency folder loaded again: its records replaced, or removed when it is gone.
    pub(super) fn replace(&mut self, name: &str, agencies: &[Arc<Agency>]) {
        self.0.remove(name);
        for agency in agencies.iter().filter(|a| a.slug == name) {
            self.0
                .insert(agency.slug.clone(), Arc::new(agency_records(agency)));
        }
    }

    pub(super) fn records(&self) -> Vec<Arc<Vec<Record>>> {
        self.0.values().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(year: u16, agency: &str, text: &str) -> Record {
        Record {
            year,
            url: format!("{agency}/{year}/index.html"),
            title: format!("{agency} {year}年度年报"),
            text: text.to_string(),
        }
    }

    fn job(generation: u64, records: Vec<Vec<Record>>) -> Job {
        Job {
            generation,
            search: true,
            records: records.into_iter().map(Arc::new).collect(),
        }
    }

    fn year_files(files: &Files, year: u16) -> Vec<(&String, &Vec<u8>)> {
        let folder = format!("pagefind/{year}/");
        files
            .files
            .iter()
            .filter(|(path, _)| path.starts_with(&folder))
            .collect()
    }

    /// A save in one report re-indexes its year only: the other years' files are the index
    /// served, kept; and the result is the index a job without a previous one makes.
    #[test]
    fn a_job_indexes_only_the_years_whose_records_changed() {
        let a = |text: &str| {
            vec![
                record(2021, "a", "本年度收取信息处理费。"),
                record(2022, "a", text),
            ]
        };
        let b = vec![
            record(2021, "b", "行政复议两件。"),
            record(2023, "b", "无。"),
        ];
        let (first, indexed) = job(1, vec![a("开展专题培训。"), b.clone()])
            .index(&Files::default())
            .unwrap();
        assert_eq!(
            indexed,
            Indexed {
                reports: 4,
                years_built: 3,
                reports_built: 4,
                years_kept: 0
            }
        );
        let (second, indexed) = job(2, vec![a("开展专题培训和政务新媒体建设。"), b.clone()])
            .index(&first)
            .unwrap();
        assert_eq!(
            indexed,
            Indexed {
                reports: 4,
                years_built: 1,
                reports_built: 1,
                years_kept: 2
            }
        );
        assert_eq!(year_files(&second, 2021), year_files(&first, 2021));
        assert_eq!(year_files(&second, 2023), year_files(&first, 2023));
        assert_ne!(year_files(&second, 2022), year_files(&first, 2022));
        let (fresh, _) = job(3, vec![a("开展专题培训和政务新媒体建设。"), b])
            .index(&Files::default())
            .unwrap();
        assert_eq!(second, fresh);
        // The worker and WebAssembly go with the newest year, the scripts once at the top.
        assert!(second.get("pagefind/2023/pagefind-worker.js").is_some());
        assert!(second.get("pagefind/2022/pagefind-worker.js").is_none());
        assert!(second.get("pagefind/pagefind-ui.js").is_some());
        assert_eq!(
            second.get("pagefind/nianbao-years.json"),
            Some(&b"{\"years\":[\"2023\",\"2022\",\"2021\"]}\n"[..])
        );
    }
}

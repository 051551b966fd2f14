//! Where the built files go: `Output::put` is the one function that writes every output file.
//!
//! `build` streams the files into a fresh folder beside the output folder and swaps it in only
//! when every file is written, so a failed build leaves the previous output untouched; `serve`
//! keeps the same files in memory.
//!
//! A rebuild writes only the files whose bytes changed and keeps the others, hard-linked from
//! the output folder it replaces (see `reuse`).
//!
//! nianbao owns the output folder: every folder it writes (the output and its staging folders)
//! carries a marker file at its root listing the files written. `guard_output` refuses, before
//! anything is touched, to replace a folder that is not nianbao's (see its documentation).

use std::collections::{BTreeMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};

mod reuse;

/// Why the output could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The output folder is not one `build` may replace (nothing was touched).
    #[error("{0}")]
    Refused(String),
    #[error("无法读写 {path}：{1}", path = .0.display())]
    Io(PathBuf, io::Error),
}

/// Receives the output files of a build, from several rendering threads at once.
pub(crate) struct Output {
    target: Target,
    /// Paths written so far (for the sitemap), in no particular order.
    paths: Mutex<Vec<String>>,
}

enum Target {
    Memory(Mutex<Files>),
    /// A staging folder, written by a pool of threads (creating files is the slow part on a
    /// journalled file system, and it overlaps well).
    Disk(Writers),
}

/// A file to write: its path in the site, its full path and its bytes.
type Job = (String, PathBuf, Vec<u8>);

/// Files are handed to the writer threads in batches of this many files (or `BATCH_BYTES`),
/// not one by one: each hand-off wakes a thread, and waking one per file cost more CPU than the
/// writing itself into a file system in memory.
const BATCH_FILES: usize = 32;
const BATCH_BYTES: usize = 2 << 20;

/// The threads that write files into the staging folder.
struct Writers {
    dir: PathBuf,
    /// The folders made so far, by their path in the site.
    made: Mutex<HashSet<String>>,
    /// The files not yet handed to a writer, and their bytes.
    pending: Mutex<(Vec<Job>, usize)>,
    queue: Mutex<Option<mpsc::SyncSender<Vec<Job>>>>,
    threads: Mutex<Vec<std::thread::JoinHandle<io::Result<()>>>>,
    /// What the writers did, for the manifest and the count of files kept.
    done: Arc<Done>,
    /// The output folder being replaced, as far as its files can be kept.
    previous: Arc<Option<reuse::Previous>>,
}

/// The hash of every file written or kept (by its path in the site, in no particular order),
/// and how many were kept.
#[derive(Default)]
struct Done {
    hashes: Mutex<Vec<(String, u128)>>,
    kept: AtomicUsize,
}

impl Writers {
    fn start(dir: &Path, previous: Option<reuse::Previous>) -> Writers {
        let count = std::thread::available_parallelism().map_or(2, |n| n.get()) * 4;
        let (tx, rx) = mpsc::sync_channel::<Vec<Job>>(count);
        let rx = Arc::new(Mutex::new(rx));
        let previous = Arc::new(previous);
        let done = Arc::new(Done::default());
        let threads = (0..count)
            .map(|_| {
                let (rx, previous, done) = (rx.clone(), previous.clone(), done.clone());
                std::thread::spawn(move || -> io::Result<()> {
                    loop {
                        let next = lock(&rx).recv();
                        let Ok(batch) = next else {
                            return Ok(());
                        };
                        let mut hashes = Vec::with_capacity(batch.len());
                        let written = batch.into_iter().try_for_each(|(rel, path, bytes)| {
                            let hash = reuse::hash(&bytes);
                            let kept = previous
                                .as_ref()
                                .as_ref()
                                .is_some_and(|p| p.keep(&rel, hash, bytes.len(), &path));
                            if kept {
                                done.kept.fetch_add(1, Ordering::Relaxed);
                            } else {
                                std::fs::write(&path, bytes).map_err(|e| {
                                    io::Error::new(e.kind(), format!("{}：{e}", path.display()))
                                })?;
                            }
                            hashes.push((rel, hash));
                            Ok::<(), io::Error>(())
                        });
                        lock(&done.hashes).append(&mut hashes);
                        written?;
                    }
                })
            })
            .collect();
        Writers {
            dir: dir.to_path_buf(),
            made: Mutex::new(HashSet::new()),
            pending: Mutex::new((Vec::new(), 0)),
            queue: Mutex::new(Some(tx)),
            threads: Mutex::new(threads),
            done,
            previous,
        }
    }

    /// Queues a file; hands the pending files to a writer once they make a batch. False when
    /// the writers stopped (a write failed).
    fn queue(&self, job: Job) -> bool {
        let batch = {
            let mut pending = lock(&self.pending);
            pending.1 += job.2.len();
            pending.0.push(job);
            if pending.0.len() < BATCH_FILES && pending.1 < BATCH_BYTES {
                return true;
            }
            pending.1 = 0;
            std::mem::take(&mut pending.0)
        };
        self.send(batch)
    }

    /// Hands a batch to a writer (waiting while every writer is busy and the queue is full).
    fn send(&self, batch: Vec<Job>) -> bool {
        let queue = lock(&self.queue).clone();
        queue.is_some_and(|q| q.send(batch).is_ok())
    }

    /// Waits for every queued file to be written.
    fn finish(&self) -> io::Result<()> {
        let rest = std::mem::take(&mut *lock(&self.pending)).0;
        if !rest.is_empty() {
            // When the writers stopped, their error is the one reported below.
            self.send(rest);
        }
        lock(&self.queue).take();
        let threads: Vec<_> = lock(&self.threads).drain(..).collect();
        threads.into_iter().try_for_each(|t| {
            t.join()
                .unwrap_or_else(|_| Err(io::Error::other("写入文件的线程异常退出")))
        })
    }
}

impl Output {
    pub(crate) fn memory() -> Output {
        Output {
            target: Target::Memory(Mutex::new(Files::default())),
            paths: Mutex::new(Vec::new()),
        }
    }

    /// Files written straight into `dir` (a staging folder, created here and marked at once, so
    /// that the staging folder of a killed build is recognised and removed by the next one).
    /// Files of `previous` (the output folder being replaced) with the same bytes are kept.
    fn disk(dir: &Path, previous: Option<reuse::Previous>) -> io::Result<Output> {
        if dir.exists() {
            if !is_marked(dir) {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    "文件夹已存在，且不是 nianbao 生成的",
                ));
            }
            std::fs::remove_dir_all(dir)?;
        }
        std::fs::create_dir_all(dir)?;
        std::fs::write(dir.join(MARKER), format!("{MARKER_HEADER}\n"))?;
        Ok(Output {
            target: Target::Disk(Writers::start(dir, previous)),
            paths: Mutex::new(Vec::new()),
        })
    }

    /// Writes one output file (`jiahe/2020/index.html`).
    pub(crate) fn put(&self, path: &str, bytes: Vec<u8>) -> Result<(), OutputError> {
        match &self.target {
            Target::Memory(files) => {
                // Held for as long as serve runs: no spare capacity.
                let mut bytes = bytes;
                bytes.shrink_to_fit();
                lock(files).add(path, bytes);
            }
            Target::Disk(writers) => {
                let target = writers.dir.join(path);
                if let Some((folder, _)) = path.rsplit_once('/') {
                    let new = {
                        let mut made = lock(&writers.made);
                        !made.contains(folder) && made.insert(folder.to_string())
                    };
                    if new {
                        let parent = writers.dir.join(folder);
                        std::fs::create_dir_all(&parent).map_err(|e| OutputError::Io(parent, e))?;
                    }
                }
                if !writers.queue((path.to_string(), target.clone(), bytes)) {
                    // A writer failed and the pool stopped: its error is reported by `finish`.
                    return self.finish().map_err(|e| OutputError::Io(target, e));
                }
            }
        }
        lock(&self.paths).push(path.to_string());
        Ok(())
    }

    /// The files the build being replaced wrote under `folder` (`pagefind/`), with their bytes,
    /// when every one of them is still exactly as that build wrote it; None otherwise, and
    /// always for a memory output or a build without a previous output (`build --force`).
    pub(crate) fn previous_files(&self, folder: &str) -> Option<Vec<(String, Vec<u8>)>> {
        let Target::Disk(writers) = &self.target else {
            return None;
        };
        let previous = writers.previous.as_ref().as_ref()?;
        previous
            .paths_under(folder)
            .into_iter()
            .map(|path| previous.bytes_of(&path).map(|bytes| (path, bytes)))
            .collect()
    }

    /// The bytes the build being replaced wrote at `path`, when the file is still exactly them.
    pub(crate) fn previous_file(&self, path: &str) -> Option<Vec<u8>> {
        match &self.target {
            Target::Disk(writers) => writers.previous.as_ref().as_ref()?.bytes_of(path),
            Target::Memory(_) => None,
        }
    }

    /// Waits until every file is on disk; the first write error, if any.
    pub(crate) fn finish(&self) -> io::Result<()> {
        match &self.target {
            Target::Memory(_) => Ok(()),
            Target::Disk(writers) => writers.finish(),
        }
    }

    /// Every path written, sorted.
    pub(crate) fn paths(&self) -> Vec<String> {
        let mut paths = lock(&self.paths).clone();
        paths.sort();
        paths
    }

    /// The files of a memory output.
    pub(crate) fn into_files(self) -> Files {
        match self.target {
            Target::Memory(files) => files.into_inner().unwrap_or_else(|p| p.into_inner()),
            Target::Disk(..) => Files::default(),
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The file at the root of every folder `build` writes. Its first line says what the folder is;
/// the other lines list the files the build wrote.
pub(crate) const MARKER: &str = ".nianbao-output";
const MARKER_HEADER: &str =
    "# nianbao 生成的网站文件夹：nianbao build 每次整体替换它，请不要在这里存放其他文件。";

/// Files that operating systems put into any folder a person opens.
const SYSTEM_FILES: [&str; 3] = [".DS_Store", "Thumbs.db", "desktop.ini"];

/// Whether `dir` carries nianbao's marker.
fn is_marked(dir: &Path) -> bool {
    std::fs::read_to_string(dir.join(MARKER))
        .is_ok_and(|text| text.lines().next() == Some(MARKER_HEADER))
}

fn is_system_file(name: &std::ffi::OsStr) -> bool {
    SYSTEM_FILES.iter().any(|s| name == *s)
}

/// The staging and retired folder names beside an output folder.
fn staging_paths(output: &Path) -> (PathBuf, PathBuf) {
    let (parent, name) = staging_parts(output);
    (
        parent.join(format!(".{name}.nianbao-new-{}", std::process::id())),
        parent.join(format!(".{name}.nianbao-old-{}", std::process::id())),
    )
}

fn staging_parts(output: &Path) -> (&Path, String) {
    let parent = output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "output".to_string());
    (parent, name)
}

/// The process id in the name of a staging or retired folder of `name`, if it is one.
fn staging_pid(folder: &str, name: &str) -> Option<u32> {
    let rest = folder.strip_prefix(&format!(".{name}.nianbao-"))?;
    let digits = rest
        .strip_prefix("new-")
        .or_else(|| rest.strip_prefix("old-"))?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Whether a process with this id is running (known where /proc exists; elsewhere assumed not).
fn process_alive(pid: u32) -> bool {
    pid == std::process::id()
        || (Path::new("/proc/self").exists() && Path::new(&format!("/proc/{pid}")).exists())
}

/// Removes the staging and retired folders that killed builds left beside `output`: only folders
/// with the staging name pattern, nianbao's marker and no running build. Returns those removed.
pub(crate) fn remove_stale_staging(output: &Path) -> Vec<PathBuf> {
    let (parent, name) = staging_parts(output);
    let Ok(entries) = std::fs::read_dir(parent) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let folder = entry.file_name().to_string_lossy().to_string();
        let Some(pid) = staging_pid(&folder, &name) else {
            continue;
        };
        let path = entry.path();
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if is_dir
            && !process_alive(pid)
            && is_marked(&path)
            && std::fs::remove_dir_all(&path).is_ok()
        {
            removed.push(path);
        }
    }
    removed.sort();
    removed
}

/// Resolves `path` the way the file system will: absolute, `.` and `..` applied, symbolic links
/// followed, for as much of it as exists.
pub(crate) fn resolve(path: &Path) -> io::Result<PathBuf> {
    use std::path::Component;
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()?.join(path)
    };
    let mut out = PathBuf::new();
    let mut exists = true;
    for component in absolute.components() {
        match component {
            Component::Prefix(_) | Component::RootDir => out.push(component.as_os_str()),
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(name) => {
                out.push(name);
                if exists {
                    match std::fs::canonicalize(&out) {
                        Ok(real) => out = real,
                        Err(_) => exists = false,
                    }
                }
            }
        }
    }
    Ok(out)
}

/// Why `build` will not write into a folder.
fn refusal(shown: &Path, resolved: &Path, why: &str) -> OutputError {
    let named = if shown.as_os_str() == resolved.as_os_str() {
        shown.display().to_string()
    } else {
        format!("{}（即 {}）", shown.display(), resolved.display())
    };
    OutputError::Refused(format!("不能把网站写入 {named}：{why}。没有改动任何文件。"))
}

/// Up to five files of `dir` that its marker does not list (any file when unmarked), and whether
/// there are more. The walk stops at the sixth, so a large folder is not read whole.
fn foreign_files(dir: &Path) -> (Vec<String>, bool) {
    let listed: HashSet<String> = std::fs::read_to_string(dir.join(MARKER))
        .ok()
        .filter(|text| text.lines().next() == Some(MARKER_HEADER))
        .map(|text| {
            text.lines()
                .skip(1)
                .map(|line| reuse::parse_line(line).0.to_string())
                .collect()
        })
        .unwrap_or_default();
    let mut shown = Vec::new();
    for entry in walkdir::WalkDir::new(dir).min_depth(1).sort_by_file_name() {
        let Ok(entry) = entry else {
            // Unreadable: it cannot be known to be nianbao's.
            if shown.len() == 5 {
                return (shown, true);
            }
            shown.push("（无法读取的文件）".to_string());
            continue;
        };
        if entry.file_type().is_dir() || is_system_file(entry.file_name()) {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let rel: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().to_string())
            .collect();
        let rel = rel.join("/");
        if rel == MARKER || listed.contains(&rel) {
            continue;
        }
        if shown.len() == 5 {
            return (shown, true);
        }
        shown.push(rel);
    }
    (shown, false)
}

/// Checks, before anything is touched, that `build` may replace `output` with the site of
/// `root`, and returns the resolved output path. Never allowed: the site root, a folder that
/// contains it, content/, templates/, themes/ or anything inside them, a file. Allowed: a folder
/// that does not exist, an empty folder, a folder nianbao wrote (its marker lists every file in
/// it). Any other folder only with `force`.
pub(crate) fn guard_output(
    root: &Path,
    output: &Path,
    force: bool,
) -> Result<PathBuf, OutputError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |e| OutputError::Io(path, e)
    };
    let resolved = resolve(output).map_err(io(output))?;
    let site = resolve(root).map_err(io(root))?;
    let refuse = |why: &str| Err(refusal(output, &resolved, why));
    if resolved == site {
        return refuse("这是站点目录本身（含 content/ 的文件夹）");
    }
    if site.starts_with(&resolved) {
        return refuse(&format!("这个文件夹包含站点目录 {}", site.display()));
    }
    for folder in ["content", "templates", "themes"] {
        let own = resolve(&root.join(folder)).map_err(io(root))?;
        // content/ may be a link to a folder elsewhere: never a folder that holds it either.
        if own.starts_with(&resolved) {
            return refuse(&format!(
                "这个文件夹包含站点的 {folder}/ 文件夹 {}",
                own.display()
            ));
        }
        if resolved.starts_with(&own) {
            return refuse(&format!(
                "这是站点的 {folder}/ 文件夹{}，里面是站点自己的文件",
                if resolved == own {
                    ""
                } else {
                    "中的文件夹"
                }
            ));
        }
    }
    let metadata = match std::fs::metadata(&resolved) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(resolved),
        Err(e) => return Err(OutputError::Io(resolved, e)),
    };
    if !metadata.is_dir() {
        return refuse("这是一个文件，不是文件夹；请用 --output 指定一个文件夹");
    }
    if force {
        return Ok(resolved);
    }
    let (shown, more) = foreign_files(&resolved);
    if shown.is_empty() {
        return Ok(resolved);
    }
    let more = if more { " 等" } else { "" };
    let what = if is_marked(&resolved) {
        "这个文件夹是 nianbao 生成的，但其中有不是 nianbao 写入的文件"
    } else {
        "这个文件夹不是空的，也不是 nianbao 生成的"
    };
    refuse(&format!(
        "{what}（{}{more}），生成网站会删除它们。请用 --output 指定一个不存在的或空的文件夹；确定要删除其中的全部内容时，加 --force",
        shown.join("、")
    ))
}

/// Output files by their path relative to the site root (`jiahe/2020/index.html`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Files {
    pub files: BTreeMap<String, Vec<u8>>,
}

impl Files {
    pub fn add(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.files.insert(path.into(), bytes.into());
    }

    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// What `write_swapped` put into the output folder.
pub(crate) struct Swapped {
    /// Every path of the new output, sorted.
    pub paths: Vec<String>,
    /// How many of them were kept from the previous output (same bytes, not written again).
    pub kept: usize,
}

/// Runs `write` against a fresh staging folder beside `output` and swaps it in only when
/// `write` and every queued file succeeded; on failure the staging folder goes and `output` is
/// untouched. With `reuse`, files of the current output whose bytes the new build repeats are
/// kept instead of written (see `reuse`); `build --force` does not reuse a folder it overrides.
pub(crate) fn write_swapped<E: From<OutputError>>(
    output: &Path,
    reuse: bool,
    write: impl FnOnce(&Output) -> Result<(), E>,
) -> Result<Swapped, E> {
    let (staging, retired) = staging_paths(output);
    let previous = reuse.then(|| reuse::Previous::read(output)).flatten();
    let out = Output::disk(&staging, previous).map_err(|e| OutputError::Io(staging.clone(), e))?;
    let written = write(&out);
    let finished = out
        .finish()
        .map_err(|e| E::from(OutputError::Io(staging.clone(), e)));
    let paths = out.paths();
    let (mut hashes, kept) = match &out.target {
        Target::Disk(writers) => (
            std::mem::take(&mut *lock(&writers.done.hashes)),
            writers.done.kept.load(Ordering::Relaxed),
        ),
        Target::Memory(_) => (Vec::new(), 0),
    };
    hashes.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let hash_of = |path: &str| {
        hashes
            .binary_search_by(|(p, _)| p.as_str().cmp(path))
            .ok()
            .map(|i| hashes[i].1)
    };
    let result = written
        .and(finished)
        .and_then(|()| {
            let mut manifest = format!("{MARKER_HEADER}\n");
            for path in &paths {
                manifest.push_str(&reuse::manifest_line(path, hash_of(path)));
            }
            let marker = staging.join(MARKER);
            std::fs::write(&marker, manifest).map_err(|e| OutputError::Io(marker, e).into())
        })
        .and_then(|()| {
            swap(&staging, output, &retired)
                .map_err(|e| OutputError::Io(output.to_path_buf(), e).into())
        });
    if let Err(err) = result {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(err);
    }
    Ok(Swapped { paths, kept })
}

/// Puts `staging` where `output` is, removing the old output only after the swap.
pub(crate) fn swap(staging: &Path, output: &Path, retired: &Path) -> io::Result<()> {
    if output.exists() {
        if retired.exists() {
            if !is_marked(retired) {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!("{} 已存在，且不是 nianbao 生成的", retired.display()),
                ));
            }
            std::fs::remove_dir_all(retired)?;
        }
        std::fs::rename(output, retired)?;
        if let Err(err) = std::fs::rename(staging, output) {
            // Put the old output back.
            let _ = std::fs::rename(retired, output);
            return Err(err);
        }
        std::fs::remove_dir_all(retired)?;
    } else {
        std::fs::rename(staging, output)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swap_replaces_the_whole_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        write_swapped(&out, true, |o| {
            o.put("old/index.html", "旧".into())?;
            o.put("index.html", "1".into())
        })
        .unwrap();
        write_swapped(&out, true, |o| o.put("index.html", "2".into())).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "2"
        );
        assert!(!out.join("old").exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
    }

    #[test]
    fn a_staging_folder_is_marked_before_any_page_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        let (staging, _) = staging_paths(&out);
        let output = Output::disk(&staging, None).unwrap();
        // What a build killed at this point leaves is recognisable, but not while it runs.
        assert!(is_marked(&staging));
        assert!(remove_stale_staging(&out).is_empty());
        output.finish().unwrap();
        assert!(staging.exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_folder_holding_a_linked_content_folder_is_refused_even_with_force() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = dir.path().join("shared/reports");
        std::fs::create_dir_all(elsewhere.join("content")).unwrap();
        std::fs::write(elsewhere.join("content/site.yaml"), "title: x\n").unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir_all(&site).unwrap();
        std::os::unix::fs::symlink(elsewhere.join("content"), site.join("content")).unwrap();
        for output in [elsewhere.clone(), dir.path().join("shared")] {
            let err = guard_output(&site, &output, true).unwrap_err();
            let message = err.to_string();
            assert!(message.contains("包含站点的 content/ 文件夹"), "{message}");
        }
        assert!(guard_output(&site, &site.join("output"), false).is_ok());
    }

    #[test]
    fn a_file_that_cannot_be_written_is_named_and_nothing_is_swapped_in() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        let result = write_swapped(&out, true, |o| {
            o.put("jiahe", "一个文件".into())?;
            // Its folder cannot be made: a file has its name.
            o.put("jiahe/2020/index.html", "页".into())
        });
        let Err(err @ OutputError::Io(..)) = result else {
            panic!("the write succeeded");
        };
        // Which of the two writes fails depends on the writer threads' order: either way the
        // message names the path that could not be written.
        let message = err.to_string();
        assert!(message.contains("jiahe"), "{message}");
        assert!(!out.exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert!(leftovers.is_empty());
    }

    #[test]
    fn staging_names() {
        assert_eq!(staging_pid(".output.nianbao-new-12", "output"), Some(12));
        assert_eq!(staging_pid(".output.nianbao-old-7", "output"), Some(7));
        assert_eq!(staging_pid(".output.nianbao-new-", "output"), None);
        assert_eq!(staging_pid(".output.nianbao-new-1x", "output"), None);
        assert_eq!(staging_pid(".out.nianbao-new-1", "output"), None);
        assert_eq!(staging_pid("output.nianbao-new-1", "output"), None);
    }
}

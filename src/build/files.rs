//! Where the built files go: `Output::put` is the one function that writes every output file.
//!
//! `build` streams the files into a fresh folder beside the output folder and swaps it in only
//! when every file is written, so a failed build leaves the previous output untouched; `serve`
//! keeps the same files in memory.

use std::collections::{BTreeMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, mpsc};

use super::BuildError;

/// Receives the output files of a build, from several rendering threads at once.
pub struct Output {
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

/// A file to write: its full path and its bytes.
type Job = (PathBuf, Vec<u8>);

/// The threads that write files into the staging folder.
struct Writers {
    dir: PathBuf,
    made: Mutex<HashSet<PathBuf>>,
    queue: Mutex<Option<mpsc::SyncSender<Job>>>,
    threads: Mutex<Vec<std::thread::JoinHandle<io::Result<()>>>>,
}

impl Writers {
    fn start(dir: &Path) -> Writers {
        let (tx, rx) = mpsc::sync_channel::<Job>(256);
        let rx = std::sync::Arc::new(Mutex::new(rx));
        let count = std::thread::available_parallelism().map_or(2, |n| n.get()) * 4;
        let threads = (0..count)
            .map(|_| {
                let rx = rx.clone();
                std::thread::spawn(move || -> io::Result<()> {
                    loop {
                        let next = lock(&rx).recv();
                        let Ok((path, bytes)) = next else {
                            return Ok(());
                        };
                        std::fs::write(&path, bytes).map_err(|e| {
                            io::Error::new(e.kind(), format!("{}：{e}", path.display()))
                        })?;
                    }
                })
            })
            .collect();
        Writers {
            dir: dir.to_path_buf(),
            made: Mutex::new(HashSet::new()),
            queue: Mutex::new(Some(tx)),
            threads: Mutex::new(threads),
        }
    }

    /// Waits for every queued file to be written.
    fn finish(&self) -> io::Result<()> {
        lock(&self.queue).take();
        let threads: Vec<_> = lock(&self.threads).drain(..).collect();
        threads.into_iter().try_for_each(|t| {
            t.join()
                .unwrap_or_else(|_| Err(io::Error::other("写入文件的线程异常退出")))
        })
    }
}

impl Output {
    pub fn memory() -> Output {
        Output {
            target: Target::Memory(Mutex::new(Files::default())),
            paths: Mutex::new(Vec::new()),
        }
    }

    /// Files written straight into `dir` (a staging folder, created here).
    pub fn disk(dir: &Path) -> io::Result<Output> {
        if dir.exists() {
            std::fs::remove_dir_all(dir)?;
        }
        std::fs::create_dir_all(dir)?;
        Ok(Output {
            target: Target::Disk(Writers::start(dir)),
            paths: Mutex::new(Vec::new()),
        })
    }

    /// Writes one output file (`jiahe/2020/index.html`).
    pub fn put(&self, path: &str, bytes: Vec<u8>) -> Result<(), BuildError> {
        match &self.target {
            Target::Memory(files) => {
                lock(files).add(path, bytes);
            }
            Target::Disk(writers) => {
                let target = writers.dir.join(path);
                if let Some(parent) = target.parent() {
                    let new = lock(&writers.made).insert(parent.to_path_buf());
                    if new {
                        std::fs::create_dir_all(parent)
                            .map_err(|e| BuildError::Io(parent.to_path_buf(), e))?;
                    }
                }
                let sent = lock(&writers.queue)
                    .as_ref()
                    .map(|q| q.clone())
                    .and_then(|q| q.send((target.clone(), bytes)).ok());
                if sent.is_none() {
                    // A writer failed and the pool stopped: its error is reported by `finish`.
                    return self.finish().map_err(|e| BuildError::Io(target, e));
                }
            }
        }
        lock(&self.paths).push(path.to_string());
        Ok(())
    }

    /// Waits until every file is on disk; the first write error, if any.
    pub fn finish(&self) -> io::Result<()> {
        match &self.target {
            Target::Memory(_) => Ok(()),
            Target::Disk(writers) => writers.finish(),
        }
    }

    /// Every path written, sorted.
    pub fn paths(&self) -> Vec<String> {
        let mut paths = lock(&self.paths).clone();
        paths.sort();
        paths
    }

    /// The files of a memory output.
    pub fn into_files(self) -> Files {
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

/// The staging and retired folder names beside an output folder.
fn staging_paths(output: &Path) -> (PathBuf, PathBuf) {
    let parent = output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "output".to_string());
    (
        parent.join(format!(".{name}.nianbao-new-{}", std::process::id())),
        parent.join(format!(".{name}.nianbao-old-{}", std::process::id())),
    )
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

/// Runs `write` against a fresh staging folder beside `output` and swaps it in only when
/// `write` and every queued file succeeded; on failure the staging folder goes and `output` is
/// untouched. Returns the paths written.
pub fn write_swapped(
    output: &Path,
    write: impl FnOnce(&Output) -> Result<(), BuildError>,
) -> Result<Vec<String>, BuildError> {
    let (staging, retired) = staging_paths(output);
    let out = Output::disk(&staging).map_err(|e| BuildError::Io(staging.clone(), e))?;
    let written = write(&out);
    let finished = out.finish().map_err(|e| BuildError::Io(staging.clone(), e));
    let result = written.and(finished).and_then(|()| {
        swap(&staging, output, &retired).map_err(|e| BuildError::Io(output.to_path_buf(), e))
    });
    if let Err(err) = result {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(err);
    }
    Ok(out.paths())
}

/// Puts `staging` where `output` is, removing the old output only after the swap.
pub fn swap(staging: &Path, output: &Path, retired: &Path) -> io::Result<()> {
    if output.exists() {
        if retired.exists() {
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
        write_swapped(&out, |o| {
            o.put("old/index.html", "旧".into())?;
            o.put("index.html", "1".into())
        })
        .unwrap();
        write_swapped(&out, |o| o.put("index.html", "2".into())).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "2"
        );
        assert!(!out.join("old").exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
    }
}

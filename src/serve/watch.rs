//! Watching the site for changes that need a new build, and rebuilding.

use super::*;

/// Which file-system events cause a rebuild.
pub fn is_relevant_event(kind: &EventKind, paths: &[PathBuf], root: &Path) -> bool {
    use notify::event::{MetadataKind, ModifyKind};
    let kind_matters = match kind {
        EventKind::Access(_) | EventKind::Other => false,
        // A new modification time is how the polling watcher reports a changed file.
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::WriteTime)) => true,
        EventKind::Modify(ModifyKind::Metadata(_)) => false,
        EventKind::Any | EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) => true,
    };
    kind_matters && paths.iter().any(|p| !is_ignored_path(p, root))
}

/// Editor temporary and swap files, hidden files, and the build output.
pub fn is_ignored_path(path: &Path, root: &Path) -> bool {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let mut components = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().to_string());
    let first = components.next().unwrap_or_default();
    if first == "output" || first == "target" {
        return true;
    }
    let all: Vec<String> = std::iter::once(first).chain(components).collect();
    if all
        .iter()
        .any(|c| c.starts_with('.') && c != "." && c != "..")
    {
        return true;
    }
    let name = all.last().cloned().unwrap_or_default();
    name.ends_with('~')
        || name == "4913"
        || (name.starts_with('#') && name.ends_with('#'))
        || name.contains("___jb_")
        || [
            ".swp",
            ".swo",
            ".swx",
            ".tmp",
            ".temp",
            ".bak",
            ".crdownload",
            ".part",
            ".kate-swp",
        ]
        .iter()
        .any(|ext| name.ends_with(ext))
}

/// Loads and checks what `change` affects and serves the new model; tells the pages.
pub(super) fn rebuild(
    preview: &mut Preview,
    shared: &Shared,
    indexer: &Indexer,
    change: &Change,
    announce: bool,
) {
    let start = Instant::now();
    match preview.update(change) {
        Ok((updated, draft_errors)) => {
            for problem in &draft_errors {
                warn!("{}", problem.render());
            }
            if !draft_errors.is_empty() {
                warn!(
                    "草稿中有 {} 个错误：页面照常生成，浏览器中显示上述错误；正式发布前要改正。",
                    draft_errors.len()
                );
            }
            shared.replace(
                (!draft_errors.is_empty()).then(|| Arc::new(problems_json(&draft_errors))),
            );
            let _ = shared.events.send(Message::Reload);
            if announce {
                let took = start.elapsed().as_millis();
                match updated {
                    Updated::All => say!("已重新生成整个网站（{took} 毫秒）"),
                    Updated::Agencies(_) => {
                        let names: Vec<&str> = change.agencies.iter().map(String::as_str).collect();
                        say!(
                            "已重新读取并检查机关 {}（{took} 毫秒）；浏览器刷新时重新生成所看的页面",
                            names.join("、")
                        );
                    }
                }
            }
            // The search index follows in the background (serve/search.rs).
            if let Some(job) = preview.search_job() {
                indexer.post(job);
            }
            release_freed_memory();
        }
        Err(problems) => {
            for problem in &problems {
                warn!("{}", problem.render());
            }
            warn!(
                "构建失败（{} 个错误）：浏览器中继续显示上一次成功构建的页面，并显示上述错误。",
                problems.len()
            );
            let json = Arc::new(problems_json(&problems));
            shared.replace(Some(json.clone()));
            let _ = shared.events.send(Message::Problems(json));
        }
    }
}

/// Adds what one file event asks for to `change`. The watcher reports absolute paths, the root
/// may be relative (`.` by default): paths are taken relative to `absolute` (the root resolved)
/// when they are under it.
pub(super) fn add_event(
    change: &mut Change,
    kind: &EventKind,
    paths: &[PathBuf],
    root: &Path,
    absolute: &Path,
) {
    let root = if paths.iter().all(|p| p.starts_with(absolute)) {
        absolute
    } else {
        root
    };
    if is_relevant_event(kind, paths, root) {
        for path in paths.iter().filter(|p| !is_ignored_path(p, root)) {
            change.add(root, path);
        }
    }
}

/// Gives the memory the replaced files held back to the system, where glibc's allocator holds
/// it: glibc keeps freed pages in its heaps (a rebuild frees one agency's pages and allocates new
/// ones of other sizes), so serve's resident size would creep up with every save. The `nianbao`
/// binary allocates through mimalloc (src/main.rs), which returns freed pages by itself; this
/// still covers the library on glibc's allocator (the tests) and anything allocated by C code.
pub(super) fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        unsafe extern "C" {
            fn malloc_trim(pad: usize) -> std::ffi::c_int;
        }
        // SAFETY: malloc_trim takes no pointer and only returns free memory of glibc's heaps to
        // the system; it is safe to call from any thread at any time.
        unsafe {
            malloc_trim(0);
        }
    }
}

/// A watcher of either kind, kept alive while serving.
pub(super) enum Watcher {
    Native(
        notify_debouncer_full::Debouncer<
            notify::RecommendedWatcher,
            notify_debouncer_full::RecommendedCache,
        >,
    ),
    Poll(notify_debouncer_full::Debouncer<notify::PollWatcher, notify_debouncer_full::NoCache>),
}

impl Watcher {
    pub(super) fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        match self {
            Watcher::Native(d) => d.watch(path, mode),
            Watcher::Poll(d) => d.watch(path, mode),
        }
    }
}

/// The folders serve watches: content/, templates/ and themes/ (recursively), and the site root
/// itself (not recursively) to see templates/ or themes/ appear. The watcher follows no links
/// (see `start_watching`), and a folder that is itself a link out of the site is not watched:
/// the loader's rule, `load::inside_site`.
pub(super) fn watched_dirs(root: &Path) -> Vec<(PathBuf, RecursiveMode)> {
    let mut out = vec![(root.to_path_buf(), RecursiveMode::NonRecursive)];
    for dir in ["content", "templates", "themes"] {
        let path = root.join(dir);
        if path.is_dir() && crate::load::inside_site(root, &path).is_ok() {
            out.push((path, RecursiveMode::Recursive));
        }
    }
    out
}

pub(super) fn start_watching(
    options: &ServeOptions,
    shared: Arc<Shared>,
    mut preview: Preview,
    indexer: Arc<Indexer>,
) -> Result<(), ServeError> {
    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    // The debouncer hands out each event once it is half the window old; the watch loop then
    // waits for half a window of quiet, so a burst that lasts longer than the window (a git
    // checkout, a folder copied in) still gives one rebuild.
    let half = (options.debounce / 2).max(Duration::from_millis(5));
    let mut watcher = if options.poll {
        let config = notify::Config::default()
            .with_poll_interval(options.debounce.max(Duration::from_millis(200)))
            .with_compare_contents(true)
            .with_follow_symlinks(false);
        Watcher::Poll(
            new_debouncer_opt(half, None, tx, notify_debouncer_full::NoCache, config)
                .map_err(|e| ServeError(format!("无法监视文件变化：{e}")))?,
        )
    } else {
        // Links are not followed: a link out of the site must not make serve watch (and rebuild
        // on) folders elsewhere; links inside the site point at folders watched anyway.
        let config = notify::Config::default().with_follow_symlinks(false);
        Watcher::Native(
            new_debouncer_opt(
                half,
                None,
                tx,
                notify_debouncer_full::RecommendedCache::new(),
                config,
            )
            .map_err(|e| ServeError(format!("无法监视文件变化：{e}（可以试试 --poll）")))?,
        )
    };
    let root = options.root.clone();
    // The watcher reports absolute paths; the root may be given relative (`.` by default).
    let absolute = crate::output::resolve(&root).unwrap_or_else(|_| root.clone());
    let mut watched: Vec<PathBuf> = Vec::new();
    for (path, mode) in watched_dirs(&root) {
        watcher
            .watch(&path, mode)
            .map_err(|e| ServeError(format!("无法监视 {}：{e}", path.display())))?;
        watched.push(path);
    }
    std::thread::Builder::new()
        .name("nianbao-watch".to_string())
        .spawn(move || {
            while let Ok(first) = rx.recv() {
                // Coalesce everything until the files have been quiet for half a window.
                let mut batches = vec![first];
                while let Ok(more) = rx.recv_timeout(half) {
                    batches.push(more);
                }
                let mut change = Change::default();
                for batch in batches.into_iter().flatten() {
                    for event in batch {
                        add_event(&mut change, &event.kind, &event.paths, &root, &absolute);
                    }
                }
                // Folders that appeared since (templates/, themes/, content/ recreated).
                for (path, mode) in watched_dirs(&root) {
                    if !watched.contains(&path) && watcher.watch(&path, mode).is_ok() {
                        watched.push(path);
                        change.all = true;
                    }
                }
                if !change.is_empty() {
                    rebuild(&mut preview, &shared, &indexer, &change, true);
                }
            }
        })
        .map_err(|e| ServeError(format!("无法启动监视线程：{e}")))?;
    Ok(())
}

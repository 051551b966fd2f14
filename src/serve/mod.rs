//! `nianbao serve`: builds into memory, serves from memory with live reload, shows build errors
//! in the browser. output/ is never touched.
//!
//! serve holds the checked model of its last good build as an `Arc` snapshot that a save replaces
//! whole, and renders the files a reader asks for from it, keeping a bounded number of them
//! (`cache`), so a request sees either the old site or the new one, never a mix. A change inside
//! one agency's folder loads and checks only that agency (`incremental`). One server-sent-events
//! endpoint under the base path tells open pages to reload or to show the diagnostics.

use crate::codes::Code;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, new_debouncer_opt};
use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};
use tokio::sync::{Semaphore, broadcast};
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;

use crate::diagnostic::{Diagnostic, Severity};
use crate::render::{self, BuildError, Files, Output};

pub use http::*;
pub use preview::*;
pub use watch::*;

/// Prints a line to standard output; a closed terminal or pipe never stops the server.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, $($arg)*);
        let _ = out.flush();
    }};
}

/// Prints a line to standard error, ignoring a closed stream.
macro_rules! warn {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

// After the macros above, which they use.
mod cache;
mod http;
mod incremental;
mod preview;
mod search;
mod watch;

use cache::{CACHE_BUDGET, Cache, Failure, Model};
use incremental::{Change, Preview, Updated};
use search::{Indexer, SearchFiles};

/// The path of the reload endpoint under the base path.
pub const EVENTS_PATH: &str = "__nianbao/events";

/// How long a client may take to send a request's headers. hyper's timer runs whenever a
/// connection waits for a request, so it also closes idle keep-alive connections and those that
/// never send anything.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// The most connections served at once, at most; fewer when the file limit is low.
pub const MAX_CONNECTIONS: usize = 4096;

/// Files kept free for the rebuilds (content, templates, the watcher) when connections are many.
const RESERVED_FILES: u64 = 128;

/// The options of `nianbao serve`.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub interface: IpAddr,
    pub port: u16,
    /// Whether the port was chosen by the user (then a busy port is an error).
    pub port_given: bool,
    /// The sub-path the site is served under, with slashes at both ends (`/` or `/zwgk/ndbg/`).
    pub base_path: String,
    pub poll: bool,
    pub debounce: Duration,
    pub open: bool,
    /// Only these agencies (`--agency`); all when empty.
    pub agencies: Vec<String>,
}

/// A problem that stops serve from starting.
#[derive(Debug)]
pub struct ServeError(pub String);

impl std::fmt::Display for ServeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ServeError {}

/// Normalises a base path to `/…/`.
pub fn normalise_base_path(base: &str) -> String {
    let trimmed = base.trim_matches('/');
    if trimmed.is_empty() {
        "/".to_string()
    } else {
        format!("/{trimmed}/")
    }
}

/// What is served besides the model's files: the problems of the last build, if it failed, and
/// the search index.
struct Snapshot {
    problems: Option<Arc<String>>,
    /// The newest search index (`pagefind/`), made in the background (`search`).
    search: Arc<SearchFiles>,
}

impl Snapshot {
    /// Whether `path` is a file of the search index (`pagefind/…`); then its bytes, if any.
    fn search_file(&self, path: &str) -> Option<Option<&[u8]>> {
        path.strip_prefix(render::search::BUNDLE_DIR)
            .filter(|rest| rest.starts_with('/'))
            .map(|_| self.search.files.get(path))
    }
}

#[derive(Clone, Debug)]
enum Message {
    Reload,
    Problems(Arc<String>),
}

struct Shared {
    snapshot: RwLock<Arc<Snapshot>>,
    /// The model served and the files rendered from it.
    cache: Arc<Cache>,
    events: broadcast::Sender<Message>,
    base: String,
    /// The reload script added to every page.
    script: String,
}

impl Shared {
    fn current(&self) -> Arc<Snapshot> {
        self.snapshot
            .read()
            .map(|s| s.clone())
            .unwrap_or_else(|poisoned| poisoned.into_inner().clone())
    }

    /// Shows these problems from now on (none: the last build was good), with the search index
    /// served so far.
    fn replace(&self, problems: Option<Arc<String>>) {
        let mut guard = self
            .snapshot
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let search = guard.search.clone();
        *guard = Arc::new(Snapshot { problems, search });
    }

    /// Serves the search index of build `generation` from now on, unless the one served is of a
    /// later build; whether it was swapped in.
    fn replace_search(&self, generation: u64, files: Files) -> bool {
        let mut guard = self
            .snapshot
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if generation <= guard.search.generation {
            return false;
        }
        *guard = Arc::new(Snapshot {
            problems: guard.problems.clone(),
            search: Arc::new(SearchFiles { generation, files }),
        });
        true
    }
}

/// Runs the server until Ctrl+C.
pub fn serve(options: ServeOptions) -> Result<(), ServeError> {
    if !options.root.join("content/site.yaml").is_file() {
        let fatal = crate::load::Fatal::NotASite(options.root.clone());
        return Err(ServeError(fatal.to_string()));
    }
    crate::load::agency_dirs(&options.root, &options.agencies, &mut Vec::new())
        .map_err(|fatal| ServeError(fatal.to_string()))?;
    // Requests that render run on the blocking threads: a few per core are all the machine can
    // render at once, and each thread more may hold a glibc heap of its own.
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .max_blocking_threads((2 * cores).max(4))
        .enable_all()
        .build()
        .map_err(|e| ServeError(format!("无法启动服务：{e}")))?;
    runtime.block_on(run(options))
}

async fn bind(options: &ServeOptions) -> Result<tokio::net::TcpListener, ServeError> {
    let tries = if options.port_given { 1 } else { 20 };
    let mut last = None;
    for offset in 0..tries {
        let port = options.port.saturating_add(offset);
        match tokio::net::TcpListener::bind(SocketAddr::new(options.interface, port)).await {
            Ok(listener) => {
                if offset > 0 {
                    warn!("端口 {} 已被占用，改用端口 {port}。", options.port);
                }
                return Ok(listener);
            }
            Err(err) => last = Some(err),
        }
    }
    let err = last.map(|e| e.to_string()).unwrap_or_default();
    Err(ServeError(if options.port_given {
        format!(
            "无法在 {}:{} 上启动预览：{err}。端口 {} 可能已被占用，请用 --port 指定其他端口。",
            options.interface, options.port, options.port
        )
    } else {
        format!(
            "无法在 {} 上启动预览：端口 {} 至 {} 都无法使用（{err}）。请用 --port 指定端口。",
            options.interface,
            options.port,
            options.port.saturating_add(tries - 1)
        )
    }))
}

async fn run(options: ServeOptions) -> Result<(), ServeError> {
    if !options.interface.is_loopback() {
        warn!(
            "警告：预览服务绑定在 {}，同一网络中的其他计算机也能访问尚未发布的年报。只在本机预览时请用默认的 127.0.0.1。",
            options.interface
        );
    }
    let base = options.base_path.clone();
    let (events, _) = broadcast::channel(64);
    let cache = Arc::new(Cache::new(CACHE_BUDGET));
    let shared = Arc::new(Shared {
        snapshot: RwLock::new(Arc::new(Snapshot {
            problems: None,
            search: Arc::default(),
        })),
        cache: cache.clone(),
        events,
        base: base.clone(),
        script: reload_script(&base),
    });
    // The first build; it may fail, and serve starts all the same.
    let mut preview = Preview::new(&options.root, &base, &options.agencies, cache);
    let indexer = Indexer::start(shared.clone())?;
    rebuild(
        &mut preview,
        &shared,
        &indexer,
        &Change::everything(),
        false,
    );
    let listener = bind(&options).await?;
    let address = listener
        .local_addr()
        .map_err(|e| ServeError(format!("无法读取监听地址：{e}")))?;
    let host = match address.ip() {
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) => ip.to_string(),
    };
    let url = format!(
        "http://{host}:{}{}",
        address.port(),
        utf8_percent_encode(&base, PATH_UNSAFE)
    );
    // Watch before announcing the address, so no change made after it is missed.
    start_watching(&options, shared.clone(), preview, indexer)?;
    say!("正在预览：{url}（按 Ctrl+C 停止）");

    if options.open
        && let Err(err) = open::that_detached(&url)
    {
        warn!("无法打开浏览器：{err}。请手动打开 {url}");
    }
    let hosts = Arc::new(AllowedHosts::new(options.interface));
    let app = Router::new()
        .route("/", get(handle))
        .route("/{*path}", get(handle))
        .with_state(shared)
        .layer(middleware::from_fn_with_state(hosts, guard));
    tokio::select! {
        () = accept_loop(listener, app, connection_limit()) => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    Ok(())
}

/// How many connections may be open at once: raises the soft file limit to the hard one, then
/// keeps some files free for rebuilds, so that many connections never leave a rebuild without
/// files (or the server unable to accept).
pub fn connection_limit() -> usize {
    let files = rlimit::increase_nofile_limit(u64::MAX)
        .or_else(|_| rlimit::getrlimit(rlimit::Resource::NOFILE).map(|(soft, _)| soft))
        .unwrap_or(1024);
    let free = files.saturating_sub(RESERVED_FILES).max(16);
    usize::try_from(free)
        .unwrap_or(MAX_CONNECTIONS)
        .min(MAX_CONNECTIONS)
}

/// Accepts connections and serves each with hyper: a connection that does not send its request
/// headers within `HEADER_TIMEOUT` (a slow client, an idle keep-alive one) is closed; at most
/// `limit` are open at once, further ones wait in the system's queue until one closes.
async fn accept_loop(listener: tokio::net::TcpListener, app: Router, limit: usize) {
    let permits = Arc::new(Semaphore::new(limit));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT);
    loop {
        let Ok(permit) = permits.clone().acquire_owned().await else {
            return;
        };
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of files or a connection reset before it was accepted: try again shortly.
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let connection = http.serve_connection(hyper_util::rt::TokioIo::new(stream), service);
        tokio::spawn(async move {
            // A client that goes away mid-request is not a problem of the site.
            let _ = connection.await;
            drop(permit);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{AccessKind, CreateKind, MetadataKind, ModifyKind, RenameMode};

    fn relevant(kind: EventKind, paths: &[&str]) -> bool {
        let root = Path::new("/site");
        let paths: Vec<PathBuf> = paths.iter().map(|p| root.join(p)).collect();
        is_relevant_event(&kind, &paths, root)
    }

    #[test]
    fn content_changes_cause_a_rebuild() {
        let modify = EventKind::Modify(ModifyKind::Data(notify::event::DataChange::Content));
        assert!(relevant(modify, &["content/jiahe/2020/data.yaml"]));
        assert!(relevant(
            EventKind::Create(CreateKind::Folder),
            &["content/jiahe/2021"]
        ));
        assert!(relevant(
            EventKind::Remove(notify::event::RemoveKind::Folder),
            &["content/jiahe/2021"]
        ));
        assert!(relevant(modify, &["templates/year.html"]));
        assert!(relevant(modify, &["themes/default/static/style.css"]));
        // The polling watcher reports a newer modification time.
        assert!(relevant(
            EventKind::Modify(ModifyKind::Metadata(MetadataKind::WriteTime)),
            &["content/jiahe/2020/report.md"]
        ));
    }

    #[test]
    fn rename_from_a_temporary_file_counts() {
        let rename = EventKind::Modify(ModifyKind::Name(RenameMode::Both));
        assert!(relevant(
            rename,
            &[
                "content/jiahe/2020/.data.yaml.tmp",
                "content/jiahe/2020/data.yaml"
            ]
        ));
    }

    #[test]
    fn editor_files_and_reads_do_not() {
        let modify = EventKind::Modify(ModifyKind::Data(notify::event::DataChange::Any));
        for path in [
            "content/jiahe/2020/.data.yaml.swp",
            "content/jiahe/2020/data.yaml~",
            "content/jiahe/2020/4913",
            "content/jiahe/2020/#report.md#",
            "content/jiahe/2020/.#report.md",
            "content/jiahe/2020/report.md___jb_tmp___",
            "content/.git/index",
            "output/index.html",
        ] {
            assert!(!relevant(modify, &[path]), "{path}");
        }
        assert!(!relevant(
            EventKind::Access(AccessKind::Any),
            &["content/jiahe/2020/data.yaml"]
        ));
        assert!(!relevant(
            EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)),
            &["content/jiahe/2020/data.yaml"]
        ));
    }

    #[test]
    fn base_paths() {
        assert_eq!(normalise_base_path(""), "/");
        assert_eq!(normalise_base_path("/"), "/");
        assert_eq!(normalise_base_path("zwgk/ndbg"), "/zwgk/ndbg/");
        assert_eq!(normalise_base_path("/zwgk/ndbg/"), "/zwgk/ndbg/");
    }

    #[test]
    fn the_reload_script_is_one_element_with_the_events_address() {
        let script = reload_script("/x/");
        assert!(script.starts_with("<script>\n(function () {\n"), "{script}");
        assert!(script.ends_with("})();\n</script>\n"), "{script}");
        assert!(script.contains("new EventSource(\"/x/__nianbao/events\");"));
        assert!(!script.contains("__EVENTS_URL__") && !script.contains("// The reload"));
    }

    #[test]
    fn reload_script_goes_before_the_end_of_body() {
        let page = "<html><body><p>x</p></body></html>".as_bytes();
        assert_eq!(
            with_reload_script("a.html", page, "<script>1</script>", &[]),
            b"<html><body><p>x</p><script>1</script></body></html>"
        );
        assert_eq!(
            with_reload_script("a.css", b"body{}", "<script>1</script>", &[]),
            b"body{}"
        );
        // No </body>: at the end.
        assert_eq!(
            with_reload_script("b.html", b"<p>x</p>", "<script>1</script>", &[]),
            b"<p>x</p><script>1</script>"
        );
    }

    fn site() -> Files {
        let mut files = Files::default();
        files.add("index.html", "home");
        files.add("嘉禾/2020/index.html", "year");
        files.add("a b.csv", "csv");
        files
    }

    #[test]
    fn warnings_go_to_the_pages_of_their_agency() {
        let warning = Diagnostic::new(Code::D007, Path::new("content/a/2024/report.md"));
        let page = |p: &str| {
            let served =
                with_reload_script(p, b"<body></body>", "", std::slice::from_ref(&warning));
            String::from_utf8(served).unwrap()
        };
        assert!(page("a/index.html").contains("警告[D007]"));
        assert!(page("index.html").contains("警告[D007]"));
        assert!(!page("b/index.html").contains("nianbao-warnings"));
    }

    #[test]
    fn request_paths() {
        let files = site();
        let files = Some(&files);
        let file = |f: &str| Target::File(f.to_string());
        assert_eq!(resolve("/", "/", files), file("index.html"));
        assert_eq!(resolve("/", "/a%20b.csv", files), file("a b.csv"));
        assert_eq!(
            resolve("/", "/%E5%98%89%E7%A6%BE/2020/", files),
            file("嘉禾/2020/index.html")
        );
        assert_eq!(
            resolve("/", "/%E5%98%89%E7%A6%BE/2020", files),
            Target::Redirect("/%E5%98%89%E7%A6%BE/2020/".to_string())
        );
        assert_eq!(resolve("/", "/bad%zz", files), Target::NotFound);
        assert_eq!(resolve("/", "/__nianbao/events", files), Target::Events);
        assert_eq!(resolve("/", "/x", None), Target::NoBuild);
        // Under a base path; the base itself without its slash is redirected, encoded.
        assert_eq!(
            resolve("/年报/", "/%E5%B9%B4%E6%8A%A5/", files),
            file("index.html")
        );
        assert_eq!(
            resolve("/年报/", "/%E5%B9%B4%E6%8A%A5", files),
            Target::Redirect("/%E5%B9%B4%E6%8A%A5/".to_string())
        );
        assert_eq!(resolve("/zwgk/", "/index.html", files), Target::NotFound);
    }

    #[test]
    fn escapes_next_to_multibyte_characters() {
        // Once a panic: byte-offset slicing cut 嘉 in half.
        for path in ["/%a嘉", "/%嘉", "/%%嘉", "/a%e嘉/", "/%", "/%e5%98"] {
            assert_eq!(
                resolve("/", path, Some(&site())),
                Target::NotFound,
                "{path}"
            );
        }
    }

    #[test]
    fn a_failed_read_names_the_file_not_the_templates() {
        let err = std::io::Error::from_raw_os_error(24);
        let problem = io_problem(
            Path::new("/site"),
            Path::new("/site/themes/default/static/style.css"),
            &err,
        );
        assert_eq!(problem.code, Code::B002);
        assert_eq!(problem.file, Path::new("themes/default/static/style.css"));
        assert!(problem.message.contains("themes/default/static/style.css"));
        assert!(
            problem.message.contains("Too many open files"),
            "{}",
            problem.message
        );
    }

    #[test]
    fn host_names() {
        let local = AllowedHosts::new(IpAddr::from([127, 0, 0, 1]));
        for host in [
            "localhost",
            "localhost:8000",
            "LOCALHOST.:8000",
            "127.0.0.1",
            "127.0.0.1:8000",
            "[::1]",
            "[::1]:8000",
        ] {
            assert!(local.permits(Some(host)), "{host}");
        }
        assert!(local.permits(None));
        for host in [
            "evil.example",
            "evil.example:8000",
            "localhost.evil.example",
            "127.0.0.1.nip.io:8000",
            "[::2]:8000",
            "",
        ] {
            assert!(!local.permits(Some(host)), "{host}");
        }
        let lan = AllowedHosts::new(IpAddr::from([192, 168, 1, 5]));
        assert!(lan.permits(Some("192.168.1.5:8000")));
        assert!(lan.permits(Some("localhost:8000")));
        assert!(!lan.permits(Some("evil.example")));
        let v6 = AllowedHosts::new("fe80::1".parse().unwrap());
        assert!(v6.permits(Some("[fe80::1]:8000")));
        let any = AllowedHosts::new(IpAddr::from([0, 0, 0, 0]));
        assert!(any.permits(Some("pc-01.example")));
    }

    #[test]
    fn a_stale_search_index_never_replaces_a_newer_one() {
        let (events, _) = broadcast::channel(4);
        let shared = Shared {
            snapshot: RwLock::new(Arc::new(Snapshot {
                problems: None,
                search: Arc::default(),
            })),
            cache: Arc::new(Cache::new(CACHE_BUDGET)),
            events,
            base: "/".to_string(),
            script: String::new(),
        };
        let index = |text: &str| {
            let mut files = Files::default();
            files.add("pagefind/pagefind-entry.json", text.to_string());
            files
        };
        let served = |shared: &Shared| {
            let snapshot = shared.current();
            let bytes = snapshot
                .search_file("pagefind/pagefind-entry.json")
                .flatten()
                .map(<[u8]>::to_vec);
            bytes.map(|b| String::from_utf8(b).unwrap())
        };
        assert_eq!(served(&shared), None);
        assert!(shared.replace_search(2, index("second")));
        assert!(!shared.replace_search(1, index("first")));
        assert_eq!(served(&shared).as_deref(), Some("second"));
        // A new build keeps the index served until its own is ready.
        shared.replace(None);
        assert_eq!(served(&shared).as_deref(), Some("second"));
        assert!(shared.replace_search(3, index("third")));
        assert_eq!(served(&shared).as_deref(), Some("third"));
        // Only under pagefind/.
        assert_eq!(shared.current().search_file("pagefind-entry.json"), None);
    }

    #[test]
    fn base_path_in_the_script_is_a_safe_string() {
        let script = reload_script("/a\"</script><script>alert(1)//</");
        assert!(!script.contains("</script><script>alert"), "{script}");
        assert!(script.contains(
            r#"new EventSource("/a\"\u003c/script\u003e\u003cscript\u003ealert(1)//\u003c/__nianbao/events")"#
        ), "{script}");
    }
}

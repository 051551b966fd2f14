//! `nianbao serve`: builds into memory, serves from memory with live reload, shows build errors
//! in the browser. output/ is never touched.
//!
//! The site is held as an `Arc` snapshot that a rebuild replaces whole, so a request sees either
//! the complete old site or the complete new one. One server-sent-events endpoint under the base
//! path tells open pages to reload or to show the diagnostics.

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
use crate::render::{self, BuildError, Files};

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

/// What is served now: the last good site and the problems of the last build, if it failed.
struct Snapshot {
    files: Option<Arc<Files>>,
    problems: Option<Arc<String>>,
}

#[derive(Clone, Debug)]
enum Message {
    Reload,
    Problems(Arc<String>),
}

struct Shared {
    snapshot: RwLock<Arc<Snapshot>>,
    events: broadcast::Sender<Message>,
    base: String,
    agencies: Vec<String>,
}

impl Shared {
    fn current(&self) -> Arc<Snapshot> {
        self.snapshot
            .read()
            .map(|s| s.clone())
            .unwrap_or_else(|poisoned| poisoned.into_inner().clone())
    }

    fn replace(&self, snapshot: Snapshot) {
        let snapshot = Arc::new(snapshot);
        match self.snapshot.write() {
            Ok(mut guard) => *guard = snapshot,
            Err(poisoned) => *poisoned.into_inner() = snapshot,
        }
    }
}

/// The reload script, with `__EVENTS_URL__` where the address of the event stream goes; its
/// leading comment lines stay out of the pages.
const RELOAD_SCRIPT: &str = include_str!("reload.js");

/// The script added to every page in serve mode: reload on a new build, show the problems of a
/// failed build over the page without leaving it.
pub fn reload_script(base: &str) -> String {
    let url = js_string(&format!("{base}{EVENTS_PATH}"));
    let script: String = RELOAD_SCRIPT
        .lines()
        .skip_while(|l| l.starts_with("//"))
        .flat_map(|l| [l, "\n"])
        .collect();
    format!(
        "<script>\n{}</script>\n",
        script.replacen("__EVENTS_URL__", &url, 1)
    )
}

/// A JavaScript string literal for `text` that is safe inside a `<script>` element: JSON, with
/// `<`, `>` and `&` escaped so that no `</script>` or `<!--` can end or change the element.
pub fn js_string(text: &str) -> String {
    serde_json::Value::String(text.to_string())
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// Adds the reload script to every HTML file, after the warnings panel of the page (see
/// `warnings_panel`; empty when there are none).
fn with_reload_script(mut files: Files, script: &str, warnings: &[Diagnostic]) -> Files {
    // One panel per agency folder (its pages show its warnings) and one for the site's own pages.
    let mut panels: std::collections::HashMap<&str, String> = std::collections::HashMap::new();
    for (path, bytes) in files.files.iter_mut() {
        if !path.ends_with(".html") {
            continue;
        }
        let scope = path.split_once('/').map_or("", |(first, _)| first);
        let panel = panels.entry(scope).or_insert_with(|| {
            let prefix = Path::new("content").join(scope);
            let mine: Vec<&Diagnostic> = warnings
                .iter()
                .filter(|d| scope.is_empty() || d.file.starts_with(&prefix))
                .collect();
            warnings_panel(&mine)
        });
        let html = String::from_utf8_lossy(bytes);
        let injected = match html.rfind("</body>") {
            Some(i) => format!("{}{panel}{script}{}", &html[..i], &html[i..]),
            None => format!("{html}{panel}{script}"),
        };
        *bytes = injected.into_bytes();
    }
    files
}

/// At most this many warnings are listed on a page; the terminal has them all.
const PANEL_LIMIT: usize = 50;

/// The warnings of a successful build, shown in the preview as a quiet panel in a corner of the
/// page (closed until clicked), so that guidance text left in report.md is seen in the browser.
/// Errors stop the build and get the overlay of the reload script instead.
pub fn warnings_panel(warnings: &[&Diagnostic]) -> String {
    use crate::render::theme::escape_html as esc;
    use std::fmt::Write as _;
    if warnings.is_empty() {
        return String::new();
    }
    let mut out = String::with_capacity(512 + 256 * warnings.len().min(PANEL_LIMIT));
    out.push_str("<aside id=\"nianbao-warnings\" role=\"status\" aria-label=\"预览：检查警告\" style=\"position:fixed;right:12px;bottom:12px;z-index:2147483646;max-width:min(560px,calc(100vw - 24px));max-height:70vh;overflow:auto;background:#fffbe6;color:#3d3000;border:1px solid #d4b106;border-radius:6px;box-shadow:0 2px 8px rgba(0,0,0,.15);font:14px/1.6 system-ui,'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif\"><details><summary style=\"cursor:pointer;padding:6px 12px;font-weight:600\">");
    let _ = write!(
        out,
        "检查警告 {} 个（仅预览中显示，不影响生成；发布前请处理）",
        warnings.len()
    );
    out.push_str("</summary><ol style=\"margin:0;padding:4px 12px 10px 32px\">");
    for d in warnings.iter().take(PANEL_LIMIT) {
        let _ = write!(
            out,
            "<li style=\"margin:6px 0\"><strong>警告[{}]</strong>：{}<br><span style=\"font-family:monospace\">{}</span>",
            esc(d.code.as_str()),
            esc(&d.message),
            esc(&d.location())
        );
        if let Some(label) = &d.label {
            let _ = write!(out, "<br>单元格：{}", esc(label));
        }
        if let Some(hint) = &d.hint {
            let _ = write!(out, "<br>提示：{}", esc(hint));
        }
        out.push_str("</li>");
    }
    out.push_str("</ol>");
    if warnings.len() > PANEL_LIMIT {
        let _ = write!(
            out,
            "<p style=\"margin:0;padding:0 12px 10px\">另有 {} 个警告，见运行 nianbao serve 的终端或 nianbao check 的输出。</p>",
            warnings.len() - PANEL_LIMIT
        );
    }
    out.push_str("</details></aside>\n");
    out
}

/// Builds the site (only `agencies` when not empty) into memory, drafts included: a preview is
/// for the years being written. With the site, the errors of its drafts (they do not stop the
/// build, but the person writing the draft must see them); on failure, the problems.
pub fn build_in_memory(
    root: &Path,
    base: &str,
    agencies: &[String],
) -> Result<(Files, Vec<Diagnostic>), Vec<Diagnostic>> {
    let options = render::Options {
        not_found_root: Some(base.to_string()),
        ..Default::default()
    };
    let checked = match crate::load_and_check_agencies(root, agencies) {
        Ok(checked) => checked,
        Err(crate::load::Fatal::Io(path, err)) => return Err(vec![io_problem(root, &path, &err)]),
        Err(fatal) => return Err(vec![general_problem(fatal.to_string())]),
    };
    if checked.has_errors() {
        return Err(checked
            .diagnostics
            .into_iter()
            .filter(Diagnostic::is_blocking)
            .collect());
    }
    let draft_errors: Vec<Diagnostic> = checked
        .diagnostics
        .iter()
        .filter(|d| d.draft && d.severity == Severity::Error)
        .filter(|d| d.acknowledged.is_none())
        .cloned()
        .collect();
    let warnings: Vec<Diagnostic> = checked
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning && d.acknowledged.is_none())
        .cloned()
        .collect();
    match render::render_to_memory(root, &checked, &options) {
        Ok(files) => Ok((
            with_reload_script(files, &reload_script(base), &warnings),
            draft_errors,
        )),
        Err(BuildError::Check(checked)) => Err(checked.diagnostics),
        // nianbao's own failure: not blamed on the templates.
        Err(err @ BuildError::Panic(_)) => Err(vec![
            Diagnostic::new(Code::B003, Path::new("content")).message(err.to_string()),
        ]),
        Err(BuildError::Io(path, err) | BuildError::Fatal(crate::load::Fatal::Io(path, err))) => {
            Err(vec![io_problem(root, &path, &err)])
        }
        Err(err) => Err(vec![general_problem(err.to_string())]),
    }
}

/// A file that could not be read or written: named, with the system's reason, never blamed on
/// the templates.
fn io_problem(root: &Path, path: &Path, err: &std::io::Error) -> Diagnostic {
    Diagnostic::new(Code::B002, &crate::load::relative(root, path)).message(format!(
        "无法读写 {}：{err}",
        crate::load::relative(root, path).display()
    ))
}

/// A problem that is not about one file of content (a template error, a missing site.yaml).
fn general_problem(message: String) -> Diagnostic {
    Diagnostic::new(Code::B001, Path::new("templates")).message(message)
}

fn problems_json(problems: &[Diagnostic]) -> String {
    serde_json::to_string(problems).unwrap_or_else(|_| "[]".to_string())
}

/// A page shown when there is no good build yet.
fn first_build_failed_page(base: &str, problems: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>构建失败</title></head>\n<body><h1>构建失败</h1><p>网站还没有成功生成过。改正错误后，页面会自动刷新。</p>\n<pre id=\"nianbao-problems\">{}</pre>\n{}</body></html>\n",
        crate::render::theme::escape_html(problems),
        reload_script(base)
    )
}

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

/// Runs the server until Ctrl+C.
pub fn serve(options: ServeOptions) -> Result<(), ServeError> {
    if !options.root.join("content/site.yaml").is_file() {
        let fatal = crate::load::Fatal::NotASite(options.root.clone());
        return Err(ServeError(fatal.to_string()));
    }
    crate::load::agency_dirs(&options.root, &options.agencies, &mut Vec::new())
        .map_err(|fatal| ServeError(fatal.to_string()))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
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
    let shared = Arc::new(Shared {
        snapshot: RwLock::new(Arc::new(Snapshot {
            files: None,
            problems: None,
        })),
        events,
        base: base.clone(),
        agencies: options.agencies.clone(),
    });
    // The first build; it may fail, and serve starts all the same.
    rebuild(&options.root, &shared, false);
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
    start_watching(&options, shared.clone())?;
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

/// The host names a request may be addressed to. Bound to a loopback address (the default),
/// only the loopback names and the address itself: a web page elsewhere that points its own
/// host name at 127.0.0.1 (DNS rebinding) cannot read the preview. Bound to a specific other
/// address, that address too; bound to every address (`0.0.0.0`), any name.
pub struct AllowedHosts {
    interface: IpAddr,
}

impl AllowedHosts {
    pub fn new(interface: IpAddr) -> AllowedHosts {
        AllowedHosts { interface }
    }

    /// Whether a request with this Host header (or none) is served.
    pub fn permits(&self, host: Option<&str>) -> bool {
        if self.interface.is_unspecified() {
            return true;
        }
        let Some(host) = host else {
            // HTTP/1.0 clients may send none; browsers always do.
            return true;
        };
        let name = host_name(host).to_ascii_lowercase();
        let name = name.strip_suffix('.').unwrap_or(&name);
        self.names().iter().any(|allowed| allowed == name)
    }

    /// The names served: the loopback ones and the address listened on.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = ["localhost", "127.0.0.1", "[::1]"]
            .map(String::from)
            .to_vec();
        let own = match self.interface {
            IpAddr::V4(ip) => ip.to_string(),
            IpAddr::V6(ip) => format!("[{ip}]"),
        };
        if !names.contains(&own) {
            names.push(own);
        }
        names
    }
}

/// The host part of a Host header: without the port, IPv6 addresses kept in brackets.
fn host_name(host: &str) -> &str {
    if host.starts_with('[') {
        return match host.find(']') {
            Some(end) => &host[..=end],
            None => host,
        };
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    }
}

/// Every response: refused for a foreign host name, and `X-Content-Type-Options: nosniff`.
async fn guard(State(hosts): State<Arc<AllowedHosts>>, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .map(|h| String::from_utf8_lossy(h.as_bytes()).into_owned())
        .or_else(|| request.uri().authority().map(|a| a.to_string()));
    let mut response = if hosts.permits(host.as_deref()) {
        next.run(request).await
    } else {
        let host = host.unwrap_or_default();
        respond(
            StatusCode::FORBIDDEN,
            "403.html",
            format!(
                "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>拒绝访问</title></head>\n<body><h1>拒绝访问</h1><p>预览服务只接受通过 {} 打开的页面，收到的主机名是 {}。这样其他网站无法读取尚未发布的年报。请在地址栏中使用 nianbao serve 显示的地址。</p></body></html>\n",
                hosts.names().join("、"),
                crate::render::theme::escape_html(&host)
            )
            .into_bytes(),
        )
    };
    response.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// Rebuilds and swaps the new site in; tells the pages.
fn rebuild(root: &Path, shared: &Shared, announce: bool) {
    let start = Instant::now();
    match build_in_memory(root, &shared.base, &shared.agencies) {
        Ok((files, draft_errors)) => {
            for problem in &draft_errors {
                warn!("{}", problem.render());
            }
            if !draft_errors.is_empty() {
                warn!(
                    "草稿中有 {} 个错误：页面照常生成，浏览器中显示上述错误；正式发布前要改正。",
                    draft_errors.len()
                );
            }
            shared.replace(Snapshot {
                files: Some(Arc::new(files)),
                problems: (!draft_errors.is_empty())
                    .then(|| Arc::new(problems_json(&draft_errors))),
            });
            if announce {
                say!("已重新生成（{} 毫秒）", start.elapsed().as_millis());
            }
            let _ = shared.events.send(Message::Reload);
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
            let files = shared.current().files.clone();
            shared.replace(Snapshot {
                files,
                problems: Some(json.clone()),
            });
            let _ = shared.events.send(Message::Problems(json));
        }
    }
}

/// A watcher of either kind, kept alive while serving.
enum Watcher {
    Native(
        notify_debouncer_full::Debouncer<
            notify::RecommendedWatcher,
            notify_debouncer_full::RecommendedCache,
        >,
    ),
    Poll(notify_debouncer_full::Debouncer<notify::PollWatcher, notify_debouncer_full::NoCache>),
}

impl Watcher {
    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
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
fn watched_dirs(root: &Path) -> Vec<(PathBuf, RecursiveMode)> {
    let mut out = vec![(root.to_path_buf(), RecursiveMode::NonRecursive)];
    for dir in ["content", "templates", "themes"] {
        let path = root.join(dir);
        if path.is_dir() && crate::load::inside_site(root, &path).is_ok() {
            out.push((path, RecursiveMode::Recursive));
        }
    }
    out
}

fn start_watching(options: &ServeOptions, shared: Arc<Shared>) -> Result<(), ServeError> {
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
                let mut relevant = false;
                for batch in batches.into_iter().flatten() {
                    for event in batch {
                        relevant |= is_relevant_event(&event.kind, &event.paths, &root);
                    }
                }
                // Folders that appeared since (templates/, themes/, content/ recreated).
                for (path, mode) in watched_dirs(&root) {
                    if !watched.contains(&path) && watcher.watch(&path, mode).is_ok() {
                        watched.push(path);
                        relevant = true;
                    }
                }
                if relevant {
                    rebuild(&root, &shared, true);
                }
            }
        })
        .map_err(|e| ServeError(format!("无法启动监视线程：{e}")))?;
    Ok(())
}

fn content_type(path: &str) -> HeaderValue {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let text = mime.type_() == mime_guess::mime::TEXT
        || matches!(
            mime.subtype().as_str(),
            "json" | "xml" | "javascript" | "atom+xml" | "svg+xml"
        );
    let value = if text {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    };
    HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("application/octet-stream"))
}

fn respond(status: StatusCode, path: &str, body: Vec<u8>) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, content_type(path));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// What a request path asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// The reload endpoint.
    Events,
    /// A file of the site, by its path in `Files`.
    File(String),
    /// Elsewhere (already percent-encoded): the base path without its slash, a folder without.
    Redirect(String),
    /// A page of the site, but no build has succeeded yet.
    NoBuild,
    NotFound,
}

/// Maps a request path (as sent, percent-encoded) to what is served, given the base path and
/// the files of the last good build. Pure: no file system, the fuzz target calls it.
pub fn resolve(base: &str, path: &str, files: Option<&Files>) -> Target {
    let decoded = percent_decode_str(path).decode_utf8_lossy();
    let Some(rel) = decoded.strip_prefix(base) else {
        if format!("{decoded}/") == base {
            return Target::Redirect(utf8_percent_encode(base, PATH_UNSAFE).to_string());
        }
        return Target::NotFound;
    };
    if rel == EVENTS_PATH {
        return Target::Events;
    }
    let Some(files) = files else {
        return Target::NoBuild;
    };
    let file = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    if files.get(&file).is_some() {
        return Target::File(file);
    }
    if files.get(&format!("{rel}/index.html")).is_some() {
        return Target::Redirect(format!("{path}/"));
    }
    Target::NotFound
}

/// Characters percent-encoded in a Location header: controls, space, non-ASCII and the few
/// that would end the path.
const PATH_UNSAFE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

async fn handle(State(shared): State<Arc<Shared>>, uri: Uri) -> Response {
    let base = shared.base.as_str();
    let snapshot = shared.current();
    match resolve(base, uri.path(), snapshot.files.as_deref()) {
        Target::Events => events(&shared).into_response(),
        Target::File(file) => match snapshot.files.as_ref().and_then(|f| f.get(&file)) {
            Some(bytes) => respond(StatusCode::OK, &file, bytes.to_vec()),
            None => not_found(&shared),
        },
        Target::Redirect(to) => redirect(&to),
        Target::NoBuild => {
            let problems = snapshot
                .problems
                .as_deref()
                .cloned()
                .unwrap_or_else(|| "[]".to_string());
            respond(
                StatusCode::SERVICE_UNAVAILABLE,
                "index.html",
                first_build_failed_page(base, &problems).into_bytes(),
            )
        }
        Target::NotFound => not_found(&shared),
    }
}

fn redirect(to: &str) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::PERMANENT_REDIRECT;
    if let Ok(value) = HeaderValue::from_str(to) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn not_found(shared: &Shared) -> Response {
    let body = shared
        .current()
        .files
        .as_ref()
        .and_then(|f| f.get("404.html").map(<[u8]>::to_vec))
        .unwrap_or_else(|| "<!DOCTYPE html><html lang=\"zh-CN\"><title>页面不存在</title><h1>页面不存在</h1></html>".as_bytes().to_vec());
    respond(StatusCode::NOT_FOUND, "404.html", body)
}

fn events(
    shared: &Shared,
) -> Sse<impl tokio_stream::Stream<Item = Result<SseEvent, std::convert::Infallible>> + use<>> {
    let initial = shared
        .current()
        .problems
        .clone()
        .map(|p| Ok(SseEvent::default().event("problems").data(p.as_str())));
    let stream =
        BroadcastStream::new(shared.events.subscribe()).filter_map(|message| match message {
            Ok(Message::Reload) => Some(Ok(SseEvent::default().event("reload").data("reload"))),
            Ok(Message::Problems(json)) => Some(Ok(SseEvent::default()
                .event("problems")
                .data(json.as_str()))),
            Err(_) => None,
        });
    let hello = Ok(SseEvent::default().event("hello").data("nianbao"));
    let stream = tokio_stream::iter(std::iter::once(hello).chain(initial)).chain(stream);
    Sse::new(stream).keep_alive(KeepAlive::default())
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
        let mut files = Files::default();
        files.add("a.html", "<html><body><p>x</p></body></html>");
        files.add("a.css", "body{}");
        let files = with_reload_script(files, "<script>1</script>", &[]);
        assert_eq!(
            files.get("a.html").unwrap(),
            b"<html><body><p>x</p><script>1</script></body></html>"
        );
        assert_eq!(files.get("a.css").unwrap(), b"body{}");
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
        let mut files = Files::default();
        files.add("index.html", "<body></body>");
        files.add("a/index.html", "<body></body>");
        files.add("b/index.html", "<body></body>");
        let warning = Diagnostic::new(Code::D007, Path::new("content/a/2024/report.md"));
        let files = with_reload_script(files, "", &[warning]);
        let page = |p: &str| String::from_utf8_lossy(files.get(p).unwrap()).to_string();
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
    fn base_path_in_the_script_is_a_safe_string() {
        let script = reload_script("/a\"</script><script>alert(1)//</");
        assert!(!script.contains("</script><script>alert"), "{script}");
        assert!(script.contains(
            r#"new EventSource("/a\"\u003c/script\u003e\u003cscript\u003ealert(1)//\u003c/__nianbao/events")"#
        ), "{script}");
    }
}

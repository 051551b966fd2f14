//! Answering requests: the Host check, paths to files, redirects, the event stream.

use super::*;

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
pub(super) fn host_name(host: &str) -> &str {
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
pub(super) async fn guard(
    State(hosts): State<Arc<AllowedHosts>>,
    request: Request,
    next: Next,
) -> Response {
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

pub(super) fn content_type(path: &str) -> HeaderValue {
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

pub(super) fn respond(status: StatusCode, path: &str, body: Vec<u8>) -> Response {
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
    let exists = files.map(|files| move |path: &str| files.get(path).is_some());
    resolve_in(
        base,
        path,
        exists.as_ref().map(|f| f as &dyn Fn(&str) -> bool),
    )
}

/// `resolve`, given whether a file exists in the last good build (None: no build yet).
pub(super) fn resolve_in(base: &str, path: &str, files: Option<&dyn Fn(&str) -> bool>) -> Target {
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
    if files(&file) {
        return Target::File(file);
    }
    if files(&format!("{rel}/index.html")) {
        return Target::Redirect(format!("{path}/"));
    }
    Target::NotFound
}

/// Characters percent-encoded in a Location header: controls, space, non-ASCII and the few
/// that would end the path.
pub(super) const PATH_UNSAFE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// How often a request starts again when a save replaced the model while it was answered.
const ATTEMPTS: usize = 8;

pub(super) async fn handle(State(shared): State<Arc<Shared>>, uri: Uri) -> Response {
    if resolve_in(&shared.base, uri.path(), None) == Target::Events {
        return events(&shared).into_response();
    }
    // Finding a file may render its unit: never on the threads that answer other connections.
    let answering = shared.clone();
    tokio::task::spawn_blocking(move || answer(&answering, uri.path()))
        .await
        .unwrap_or_else(|err| {
            let problem = Diagnostic::new(Code::B003, Path::new("content"))
                .message(BuildError::Panic(err.to_string()).to_string());
            failed(&shared, &problem)
        })
}

/// The response to a request for `path`, from the model served when it arrives.
fn answer(shared: &Shared, path: &str) -> Response {
    let snapshot = shared.current();
    for attempt in 0..ATTEMPTS {
        let Some(model) = shared.cache.model() else {
            return match resolve_in(&shared.base, path, None) {
                Target::Redirect(to) => redirect(&to),
                Target::NotFound => not_found(None),
                _ => no_build(shared, &snapshot),
            };
        };
        match answer_from(shared, &snapshot, &model, path) {
            Ok(response) => return response,
            Err(Failure::Stale) => {
                std::thread::sleep(Duration::from_millis(attempt as u64));
                continue;
            }
            Err(Failure::Build(problem)) => return failed(shared, &problem),
        }
    }
    // Saves faster than a page renders: answer with the problem-free "try again" of a reload.
    respond(
        StatusCode::SERVICE_UNAVAILABLE,
        "503.html",
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>正在重新生成</title></head>\n<body><p>文件正在连续改动，页面稍后自动刷新。</p></body></html>\n".as_bytes().to_vec(),
    )
}

/// The response from one model; `Failure::Stale` when a save replaced it meanwhile.
fn answer_from(
    shared: &Shared,
    snapshot: &Snapshot,
    model: &Arc<Model>,
    path: &str,
) -> Result<Response, Failure> {
    let failure = std::cell::RefCell::new(None);
    let find = |file: &str| -> Option<Vec<u8>> {
        if let Some(search) = snapshot.search_file(file) {
            return search.map(<[u8]>::to_vec);
        }
        match shared.cache.find(model, file) {
            Ok(files) => files.and_then(|f| f.get(file).map(<[u8]>::to_vec)),
            Err(err) => {
                failure.borrow_mut().get_or_insert(err);
                None
            }
        }
    };
    let exists = |file: &str| -> bool {
        if let Some(search) = snapshot.search_file(file) {
            return search.is_some();
        }
        match shared.cache.find(model, file) {
            Ok(files) => files.is_some(),
            Err(err) => {
                failure.borrow_mut().get_or_insert(err);
                false
            }
        }
    };
    let target = resolve_in(&shared.base, path, Some(&exists));
    let response = match target {
        Target::File(file) => find(&file).map(|bytes| {
            respond(
                StatusCode::OK,
                &file,
                with_reload_script(&file, &bytes, &shared.script, &model.warnings),
            )
        }),
        Target::Redirect(to) => Some(redirect(&to)),
        Target::Events | Target::NoBuild | Target::NotFound => None,
    };
    if let Some(err) = failure.into_inner() {
        return Err(err);
    }
    match response {
        Some(response) => Ok(response),
        None => {
            let page = shared.cache.find(model, "404.html")?;
            let body = page
                .and_then(|f| f.get("404.html").map(<[u8]>::to_vec))
                .map(|page| with_reload_script("404.html", &page, &shared.script, &model.warnings));
            Ok(not_found(body))
        }
    }
}

/// The page shown before any build succeeded.
fn no_build(shared: &Shared, snapshot: &Snapshot) -> Response {
    let problems = snapshot
        .problems
        .as_deref()
        .cloned()
        .unwrap_or_else(|| "[]".to_string());
    respond(
        StatusCode::SERVICE_UNAVAILABLE,
        "index.html",
        first_build_failed_page(&shared.base, &problems).into_bytes(),
    )
}

/// A page whose rendering failed: the problem, over the page as for a failed build.
fn failed(shared: &Shared, problem: &Diagnostic) -> Response {
    let problems = problems_json(std::slice::from_ref(problem));
    respond(
        StatusCode::INTERNAL_SERVER_ERROR,
        "index.html",
        render_failed_page(&shared.base, &problems).into_bytes(),
    )
}

pub(super) fn redirect(to: &str) -> Response {
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

/// The 404 page of the site (`body`), or a plain one when the site has none.
pub(super) fn not_found(body: Option<Vec<u8>>) -> Response {
    let body = body.unwrap_or_else(|| {
        "<!DOCTYPE html><html lang=\"zh-CN\"><title>页面不存在</title><h1>页面不存在</h1></html>"
            .as_bytes()
            .to_vec()
    });
    respond(StatusCode::NOT_FOUND, "404.html", body)
}

pub(super) fn events(
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

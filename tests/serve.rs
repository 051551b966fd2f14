//! `nianbao serve` end to end: the real binary on a copy of the example site, a browser-like
//! client on the reload endpoint, and edits made the way people and editors make them.
//! Time-outs are generous: these are not speed tests.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use common::Site;
use common::server::{Server, WAIT, agent, listen};

#[test]
fn serve_follows_edits_errors_and_folders() {
    let site = Site::example();
    let server = Server::start(&site, &[]);
    let (status, page) = server.get("jiahe/2020/index.html");
    assert_eq!(status, 200);
    assert!(
        page.contains("__nianbao/events"),
        "the reload script is added in serve mode"
    );

    // 1. Edit report.md in place.
    let mut report = site.read("content/jiahe/2020/report.md");
    report.push_str("\n本段为预览测试新增的文字。\n");
    site.write("content/jiahe/2020/report.md", &report);
    server.wait_for("reload");
    assert!(
        server
            .get("jiahe/2020/index.html")
            .1
            .contains("本段为预览测试新增的文字")
    );

    // 2. Save data.yaml the way editors do: write a temporary file, then rename it over.
    let data_path = site.path("content/jiahe/2020/data.yaml");
    let data = site.read("content/jiahe/2020/data.yaml");
    let changed = data.replace("procurement: [47, 1090.98]", "procurement: [48, 1090.98]");
    assert_ne!(changed, data);
    let temp = site.path("content/jiahe/2020/.data.yaml.tmp");
    std::fs::write(&temp, &changed).unwrap();
    std::fs::rename(&temp, &data_path).unwrap();
    server.wait_for("reload");
    let page = server.get("jiahe/2020/index.html").1;
    assert!(page.contains(">48<"), "the new value is served");

    // 3. A broken data.yaml: the error reaches the page, the old site stays served.
    let broken = changed.replace(
        "received: [0, 2, 0, 0, 0, 0, 2]",
        "received: [0, 9, 0, 0, 0, 0, 9]",
    );
    std::fs::write(&data_path, &broken).unwrap();
    let problems = server.wait_for("problems");
    let problems: serde_json::Value = serde_json::from_str(&problems).unwrap();
    let first = &problems[0];
    assert_eq!(first["file"], "content/jiahe/2020/data.yaml");
    assert!(first["line"].as_u64().unwrap() > 0);
    assert!(first["label"].as_str().unwrap().contains("商业企业"));
    let (status, page) = server.get("jiahe/2020/index.html");
    assert_eq!(status, 200);
    assert!(page.contains(">48<"), "the last good site is still served");
    // A page opened now gets the problems at once.
    let late = listen(&server.url);
    let problems = late
        .iter()
        .find(|(event, _)| event == "problems")
        .map(|(_, data)| data)
        .unwrap();
    assert!(problems.contains("content/jiahe/2020/data.yaml"));

    // 4. Fixed: reload.
    std::fs::write(&data_path, &changed).unwrap();
    server.wait_for("reload");

    // 5. A new year folder, then removed.
    let new = site.run(&["new", "hongze", "2025"]);
    assert_eq!(new.status.code(), Some(0));
    server.wait_for("reload");
    let (status, _) = server.get("hongze/2025/index.html");
    assert_eq!(status, 200);
    std::fs::remove_dir_all(site.path("content/hongze/2025")).unwrap();
    server.wait_for("reload");
    let (status, page) = server.get("hongze/2025/index.html");
    assert_eq!(status, 404);
    assert!(page.contains("页面不存在"));
}

#[test]
fn serve_shows_warnings_in_a_quiet_panel() {
    // A draft being written, with guidance text left in (a warning in a draft).
    let site = Site::example();
    let new = site.run(&["new", "hongze", "2025"]);
    assert_eq!(new.status.code(), Some(0));
    let report = "content/hongze/2025/report.md";
    let original = site.read(report);
    assert!(original.contains("（填写说明："));
    let server = Server::start(&site, &[]);
    let (status, page) = server.get("hongze/2025/index.html");
    assert_eq!(status, 200, "a warning does not stop the build");
    let panel_start = page
        .find("<aside id=\"nianbao-warnings\"")
        .expect("a warnings panel");
    let panel = &page[panel_start..page[panel_start..].find("</aside>").unwrap() + panel_start];
    assert!(panel.contains("警告[D007]"), "{panel}");
    assert!(panel.contains("content/hongze/2025/report.md:"), "{panel}");
    assert!(panel.contains("<details>"), "closed until clicked: {panel}");
    // Another agency's pages do not carry it.
    assert!(
        !server
            .get("jiahe/2020/index.html")
            .1
            .contains("nianbao-warnings")
    );
    // `build --drafts` output never has it.
    let out = site.run(&["build", "--drafts"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let built = site.read("output/hongze/2025/index.html");
    assert!(built.contains("填写说明") && !built.contains("nianbao-warnings"));
    // The guidance removed: the panel goes with the next build.
    let cleaned: String = original
        .lines()
        .filter(|l| !l.contains("（填写说明："))
        .map(|l| format!("{l}\n"))
        .collect();
    site.write(report, cleaned);
    server.wait_for("reload");
    let page = server.get("hongze/2025/index.html").1;
    assert!(!page.contains("nianbao-warnings"), "{page}");
}

#[test]
fn serve_starts_when_the_first_build_fails_and_recovers() {
    let site = Site::example();
    let path = "content/hongze/2024/data.yaml";
    let good = site.read(path);
    site.write(path, good.replace("template: 2021", "template: [2021"));
    let server = Server::start(&site, &[]);
    let problems = server.wait_for("problems");
    assert!(problems.contains("L001"), "{problems}");
    let (status, page) = server.get("index.html");
    assert_eq!(status, 503);
    assert!(page.contains("构建失败") && page.contains("__nianbao/events"));
    site.write(path, &good);
    server.wait_for("reload");
    assert_eq!(server.get("hongze/2024/index.html").0, 200);
}

#[test]
fn serve_under_a_base_path_with_http_details() {
    let site = Site::example();
    let server = Server::start(&site, &["--base-path", "/zwgk/ndbg"]);
    assert!(server.url.ends_with("/zwgk/ndbg/"), "{}", server.url);
    let response = agent()
        .get(&format!("{}static/style.css", server.url))
        .call()
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/css; charset=utf-8"
    );
    assert_eq!(response.headers()["cache-control"], "no-store");
    let response = agent()
        .get(&format!("{}jiahe/2020/data.json", server.url))
        .call()
        .unwrap();
    assert_eq!(
        response.headers()["content-type"],
        "application/json; charset=utf-8"
    );
    let head = agent()
        .head(&format!("{}index.html", server.url))
        .call()
        .unwrap();
    assert_eq!(head.status().as_u16(), 200);
    let post = agent()
        .post(&format!("{}index.html", server.url))
        .send("x")
        .unwrap();
    assert_eq!(post.status().as_u16(), 405);
    // Outside the base path: the site's 404 page.
    let root = server.url.trim_end_matches("zwgk/ndbg/");
    let (status, body) = {
        let mut r = agent()
            .get(&format!("{root}jiahe/2020/index.html"))
            .call()
            .unwrap();
        (r.status().as_u16(), r.body_mut().read_to_string().unwrap())
    };
    assert_eq!(status, 404);
    assert!(
        body.contains("/zwgk/ndbg/index.html"),
        "the 404 page links home under the base path"
    );
    // The reload endpoint lives under the base path.
    assert!(
        server
            .get("index.html")
            .1
            .contains("/zwgk/ndbg/__nianbao/events")
    );
}

#[test]
fn a_busy_port_is_named() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let site = Site::example();
    let out = Command::new(common::BIN)
        .arg("--root")
        .arg(site.root())
        .args(["serve", "--port", &port])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("端口 {port}")), "{stderr}");
}

#[test]
fn serve_never_writes_output() {
    let site = Site::example();
    let server = Server::start(&site, &[]);
    assert_eq!(server.get("index.html").0, 200);
    assert!(!site.path("output").exists());
}

#[test]
fn a_burst_of_changes_gives_one_rebuild() {
    let site = Site::example();
    // A window wide enough that the test's own writes, on a loaded machine, stay one burst: with
    // the default 50 ms, a writer descheduled for 25 ms between two files made two bursts.
    let server = Server::start(&site, &["--debounce", "400"]);
    // A folder copied in at once: a new agency with three years (eight files).
    let from = site.path("content/hongze");
    let to = site.path("content/hongze-copy");
    std::fs::create_dir_all(&to).unwrap();
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(&from) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(&from).unwrap().to_path_buf();
            files.push((rel, std::fs::read(entry.path()).unwrap()));
        }
    }
    for (rel, bytes) in &files {
        let target = to.join(rel);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, bytes).unwrap();
    }
    server.wait_for("reload");
    // No second rebuild follows for the same burst.
    std::thread::sleep(Duration::from_millis(1500));
    let extra: Vec<_> = server
        .events
        .try_iter()
        .filter(|(e, _)| e == "reload")
        .collect();
    assert!(
        extra.is_empty(),
        "one burst, one rebuild: {} more",
        extra.len()
    );
    assert_eq!(server.get("hongze-copy/2024/index.html").0, 200);
}

#[test]
fn polling_sees_changes_too() {
    let site = Site::example();
    let server = Server::start(&site, &["--poll"]);
    let mut report = site.read("content/jiahe/2020/report.md");
    report.push_str("\n轮询模式下新增的文字。\n");
    site.write("content/jiahe/2020/report.md", &report);
    server.wait_for("reload");
    assert!(
        server
            .get("jiahe/2020/index.html")
            .1
            .contains("轮询模式下新增的文字")
    );
}

#[test]
fn serve_outside_a_site_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(common::BIN)
        .arg("--root")
        .arg(dir.path())
        .args(["serve", "--port", "0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("不是 nianbao 站点"));
}

#[test]
fn serve_previews_one_agency_with_its_drafts() {
    // init + new a 2024 + new a 2025 (both drafts) + a published agency b.
    let site = common::drafts_site();
    let server = Server::start(&site, &["--agency", "a"]);
    let banner = "<strong>草稿（未发布）</strong>";
    for page in [
        "a/index.html",
        "a/2024/index.html",
        "a/2025/index.html",
        "a/2025/compare.html",
    ] {
        let (status, html) = server.get(page);
        assert_eq!(status, 200, "{page}");
        assert!(html.contains(banner), "{page} has the draft banner");
    }
    // A alone: the other agency is not in the preview.
    assert_eq!(server.get("b/index.html").0, 404);
    assert_eq!(server.get("b/2024/index.html").0, 404);
    let (_, front) = server.get("index.html");
    assert!(!front.contains("某某区人民政府"), "{front}");
    drop(server);

    // Without --agency, both agencies, drafts included.
    let server = Server::start(&site, &[]);
    assert_eq!(server.get("b/2024/index.html").0, 200);
    assert!(server.get("a/2025/index.html").1.contains(banner));
}

#[test]
fn errors_in_a_draft_are_shown_over_the_preview_which_still_builds() {
    let site = common::drafts_site();
    site.replace(
        "content/a/2025/data.yaml",
        "received: [0, 0, 0, 0, 0, 0, 0]",
        "received: [1, 0, 0, 0, 0, 0, 0]",
    );
    let server = Server::start(&site, &[]);
    let problems = server.wait_for("problems");
    assert!(problems.contains("\"draft\":true"), "{problems}");
    assert!(problems.contains("content/a/2025/data.yaml"), "{problems}");
    // The draft is still previewed, and so is everything else.
    let (status, html) = server.get("a/2025/index.html");
    assert_eq!(status, 200);
    assert!(html.contains("草稿（未发布）"));
    assert_eq!(server.get("b/2024/index.html").0, 200);
}

/// A folder linked from outside the site is neither read nor watched: changes there rebuild
/// nothing, while changes inside the site still do.
#[cfg(unix)]
#[test]
fn serve_does_not_watch_folders_linked_from_outside() {
    let site = Site::example();
    let elsewhere = Site::example();
    std::os::unix::fs::symlink(
        elsewhere.path("content/hongze"),
        site.path("content/elsewhere"),
    )
    .unwrap();
    let server = Server::start(&site, &[]);
    let problems = server.wait_for("problems");
    assert!(problems.contains("L021"), "{problems}");
    let outside = elsewhere.path("content/hongze/2024/report.md");
    let text = std::fs::read_to_string(&outside).unwrap();
    std::fs::write(&outside, format!("{text}\n站点以外的修改。\n")).unwrap();
    std::fs::write(elsewhere.path("content/hongze/new.txt"), "x").unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    let rebuilds: Vec<_> = server.events.try_iter().collect();
    assert!(
        rebuilds.is_empty(),
        "a change outside the site rebuilt: {rebuilds:?}"
    );
    site.replace(
        "content/hongze/2024/report.md",
        "## 六、其他需要报告的事项",
        "## 六、其他需要报告的事项\n\n站点中的修改。",
    );
    assert!(server.wait_for("problems").contains("L021"));
}

#[test]
fn raw_percent_escapes_next_to_chinese_characters() {
    let site = Site::example();
    let server = Server::start(&site, &[]);
    // Once a panic: the old decoder sliced the string at byte offsets inside 嘉.
    for path in [
        "/%a嘉",
        "/%嘉",
        "/%e5%98嘉/",
        "/jiahe/%a嘉/index.html",
        "/%",
    ] {
        let request =
            format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        let answer = server.raw(request.as_bytes());
        assert!(
            answer.starts_with("HTTP/1.1 404") || answer.starts_with("HTTP/1.1 400"),
            "{path}: {answer}"
        );
    }
    // Escaped Chinese still finds its file.
    let answer = server.get_as("127.0.0.1", "/jiahe/2020/%E6%97%A0.html");
    assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
    assert_eq!(server.get("jiahe/2020/index.html").0, 200);
}

#[test]
fn foreign_host_names_are_refused_and_nothing_is_sniffed() {
    let site = Site::example();
    let server = Server::start(&site, &[]);
    let port = server.address().rsplit(':').next().unwrap().to_string();
    // DNS rebinding: a page on evil.example whose name now points to 127.0.0.1.
    for host in [
        format!("evil.example:{port}"),
        "evil.example".to_string(),
        format!("localhost.evil.example:{port}"),
    ] {
        let answer = server.get_as(&host, "/jiahe/2020/index.html");
        assert!(answer.starts_with("HTTP/1.1 403"), "{host}: {answer}");
        assert!(answer.contains("拒绝访问"), "{answer}");
        assert!(!answer.contains("嘉禾"), "no report content for {host}");
        assert!(
            answer
                .to_ascii_lowercase()
                .contains("x-content-type-options: nosniff")
        );
    }
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        "localhost".to_string(),
    ] {
        let answer = server.get_as(&host, "/jiahe/2020/index.html");
        assert!(answer.starts_with("HTTP/1.1 200"), "{host}: {answer}");
    }
    // Every kind of answer says nosniff: a page, a data file, a redirect, a 404, the events.
    for path in [
        "/index.html",
        "/jiahe/2020/data.csv",
        "/jiahe/2020",
        "/nothing-here",
    ] {
        let answer = server.get_as(&format!("127.0.0.1:{port}"), path);
        assert!(
            answer
                .to_ascii_lowercase()
                .contains("x-content-type-options: nosniff"),
            "{path}: {answer}"
        );
    }
    let mut events = TcpStream::connect(server.address()).unwrap();
    events.set_read_timeout(Some(WAIT)).unwrap();
    events
        .write_all(b"GET /__nianbao/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .unwrap();
    let mut head = [0u8; 512];
    let n = events.read(&mut head).unwrap();
    let head = String::from_utf8_lossy(&head[..n]).to_ascii_lowercase();
    assert!(head.contains("x-content-type-options: nosniff"), "{head}");
}

#[test]
fn the_address_given_with_interface_is_accepted() {
    let site = Site::example();
    // The whole of 127.0.0.0/8 is loopback on Linux: a loopback address other than the usual
    // names, given with --interface, is served under its own address and the loopback names.
    let server = Server::start(&site, &["--interface", "127.0.0.2"]);
    assert!(
        server.url.starts_with("http://127.0.0.2:"),
        "{}",
        server.url
    );
    let port = server.address().rsplit(':').next().unwrap().to_string();
    for host in [format!("127.0.0.2:{port}"), format!("localhost:{port}")] {
        let answer = server.get_as(&host, "/");
        assert!(answer.starts_with("HTTP/1.1 200"), "{host}: {answer}");
    }
    let answer = server.get_as(&format!("127.0.0.3:{port}"), "/");
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    assert!(
        answer.contains("127.0.0.2"),
        "the refusal names the address: {answer}"
    );
}

#[test]
fn a_hostile_base_path_stays_a_string_in_the_reload_script() {
    let site = Site::example();
    let server = Server::start(&site, &["--base-path", "/a\"</script><script>alert(1)//"]);
    let answer = server.get_as(
        "127.0.0.1",
        "/a%22%3C/script%3E%3Cscript%3Ealert(1)/index.html",
    );
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(!answer.contains("<script>alert(1)"), "{answer}");
    assert!(
        answer.contains(r#"new EventSource("/a\"\u003c/script\u003e\u003cscript\u003ealert(1)/__nianbao/events")"#),
        "the base path is one JavaScript string"
    );
}

#[test]
fn idle_and_slow_connections_are_closed() {
    let site = Site::example();
    let server = Server::start(&site, &[]);
    let silent = TcpStream::connect(server.address()).unwrap();
    let mut slow = TcpStream::connect(server.address()).unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        .unwrap();
    // A keep-alive connection that asked once and then went quiet.
    let mut idle = TcpStream::connect(server.address()).unwrap();
    idle.write_all(b"GET /robots.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .unwrap();
    let start = Instant::now();
    for (name, mut stream) in [("silent", silent), ("slow", slow), ("idle", idle)] {
        stream
            .set_read_timeout(Some(Duration::from_secs(40)))
            .unwrap();
        let mut all = Vec::new();
        let closed = stream.read_to_end(&mut all);
        assert!(closed.is_ok(), "{name}: the server closed it ({closed:?})");
    }
    let waited = start.elapsed();
    assert!(
        waited < Duration::from_secs(30),
        "closed after the header timeout, not later: {waited:?}"
    );
    assert_eq!(server.get("index.html").0, 200);
}

/// More idle connections than a server allowed 512 open files can hold: it holds as many as its
/// limit leaves room for and closes them after the header timeout, so a normal visitor gets in
/// and a rebuild in the middle of it all still reads its files. (Before, the server ran out of
/// files: the rebuild failed and the visitor waited forever.)
#[cfg(unix)]
#[test]
fn idle_connections_do_not_lock_out_or_starve_rebuilds() {
    use std::os::unix::process::CommandExt;
    // The test itself holds the idle sockets.
    rlimit::increase_nofile_limit(2048).unwrap();
    let site = Site::example();
    let server = Server::spawn(&site, &[], |command| {
        // SAFETY: setrlimit is async-signal-safe; nothing else runs between fork and exec.
        unsafe {
            command.pre_exec(|| rlimit::setrlimit(rlimit::Resource::NOFILE, 512, 512));
        }
    });
    let mut idle = Vec::new();
    for _ in 0..600 {
        match TcpStream::connect(server.address()) {
            Ok(stream) => idle.push(stream),
            Err(err) => panic!("connect {}: {err}", idle.len()),
        }
    }
    // A rebuild while the server holds all the connections it may.
    let mut report = site.read("content/jiahe/2020/report.md");
    report.push_str("\n连接很多时新增的文字。\n");
    site.write("content/jiahe/2020/report.md", &report);
    server.wait_for("reload");
    let start = Instant::now();
    let (status, page) = server.get("jiahe/2020/index.html");
    assert_eq!(status, 200);
    assert!(page.contains("连接很多时新增的文字"));
    assert!(
        start.elapsed() < Duration::from_secs(25),
        "let in within a few header timeouts: {:?}",
        start.elapsed()
    );
    drop(idle);
}

/// The search index (`pagefind/`, one bundle per report year) is made after the reload, in the
/// background: served once it is ready, then replaced after a save by the index of the new text,
/// the same as `build` makes.
#[test]
fn the_search_index_follows_a_save_in_the_background() {
    let site = Site::fixture("portal");
    let server = Server::start(&site, &[]);
    assert_eq!(server.get("search.html").0, 200);
    // The bundle of the year edited below.
    let entry = "pagefind/2021/pagefind-entry.json";
    let until = |what: &str, done: &dyn Fn(u16, &str) -> bool| -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let (status, body) = server.get(entry);
            if done(status, &body) {
                return body;
            }
            assert!(Instant::now() < deadline, "{what}: {status} {body}");
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    let first = until("the first index", &|status, _| status == 200);
    let report = "content/shili/2021/report.md";
    site.write(
        report,
        format!("{}\n本年度新增了档案查阅服务窗口。\n", site.read(report)),
    );
    server.wait_for("reload");
    let next = until("the index of the new text", &|status, body| {
        status == 200 && body != first
    });
    let out = site.run(&["build", "--drafts"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(next, site.read(&format!("output/{entry}")));
    // Every file of the index is served, as built.
    let built = common::tree(&site.path("output/pagefind"));
    let files: Vec<_> = built.iter().filter(|(_, b)| *b != b"<dir>").collect();
    assert!(files.len() > 3, "{:?}", built.keys());
    for (file, bytes) in files {
        let path = format!("pagefind/{}", file.display());
        let (status, served) = server.get_bytes(&path);
        assert_eq!(status, 200, "{path}");
        assert!(served == *bytes, "{path}");
    }
}

/// serve renders pages when they are asked for (a render cache): after a save, every file of
/// `build --drafts` of the same content is served with the same bytes (a page with the reload
/// script and warnings panel before its `</body>`), the edited page with the new text.
#[test]
fn every_file_served_after_a_save_is_the_one_build_makes() {
    let site = Site::fixture("portal");
    let server = Server::start(&site, &[]);
    // Some agencies' pages rendered before the save, some not.
    assert_eq!(server.get("shili/2021/index.html").0, 200);
    assert_eq!(server.get("index.html").0, 200);
    let report = "content/shili/2021/report.md";
    site.write(
        report,
        format!("{}\n预览按需生成页面的测试文字。\n", site.read(report)),
    );
    server.wait_for("reload");
    let out = site.run(&["build", "--drafts"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let built = common::tree(&site.path("output"));
    let files: Vec<_> = built
        .iter()
        .filter(|(path, bytes)| {
            *bytes != b"<dir>"
                && !path.starts_with("pagefind")
                && !path.ends_with("404.html")
                && !path.ends_with(".nianbao-output")
        })
        .collect();
    assert!(files.len() > 50, "{}", files.len());
    for (path, bytes) in files {
        let path = path.display().to_string();
        let (status, served) = server.get_bytes(&path);
        assert_eq!(status, 200, "{path}");
        if path.ends_with(".html") {
            let at = bytes
                .windows(7)
                .rposition(|w| w == b"</body>")
                .unwrap_or(bytes.len());
            assert!(
                served.starts_with(&bytes[..at]) && served.ends_with(&bytes[at..]),
                "{path} differs from the build"
            );
        } else {
            assert!(served == *bytes, "{path} differs from the build");
        }
    }
    let page = server.get("shili/2021/index.html").1;
    assert!(page.contains("预览按需生成页面的测试文字"));
}

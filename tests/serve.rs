//! `nianbao serve` end to end: the real binary on a copy of the example site, a browser-like
//! client on the reload endpoint, and edits made the way people and editors make them.
//! Time-outs are generous: these are not speed tests.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::Site;

const WAIT: Duration = Duration::from_secs(30);

/// A running `nianbao serve`, stopped when dropped.
struct Server {
    child: Child,
    url: String,
    events: mpsc::Receiver<(String, String)>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into()
}

impl Server {
    fn start(site: &Site, extra: &[&str]) -> Server {
        let mut child = Command::new(common::BIN)
            .arg("--root")
            .arg(site.root())
            .args(["serve", "--port", "0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            // Drain stderr so the server never blocks on a full pipe.
            for _ in BufReader::new(stderr).lines().map_while(Result::ok) {}
        });
        let line = rx.recv_timeout(WAIT).expect("serve printed its address");
        let url = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('（').next())
            .map(|u| format!("http://{u}"))
            .unwrap_or_else(|| panic!("no URL in {line:?}"));
        // Listen on the reload endpoint like an open page does.
        let erx = listen(&url);
        let server = Server {
            child,
            url,
            events: erx,
        };
        server.wait_for("hello");
        server
    }

    fn get(&self, path: &str) -> (u16, String) {
        let mut response = agent().get(&format!("{}{path}", self.url)).call().unwrap();
        let status = response.status().as_u16();
        (
            status,
            response.body_mut().read_to_string().unwrap_or_default(),
        )
    }

    /// Waits for the next event of this name, skipping others; returns its data.
    fn wait_for(&self, name: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.events.recv_timeout(left) {
                Ok((event, data)) if event == name => return data,
                Ok(_) => continue,
                Err(_) => panic!("no {name} event within {WAIT:?}"),
            }
        }
    }
}

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

/// Listens on the reload endpoint of a server; yields (event, data) pairs.
fn listen(url: &str) -> mpsc::Receiver<(String, String)> {
    let (tx, rx) = mpsc::channel();
    let events_url = format!("{url}__nianbao/events");
    std::thread::spawn(move || {
        let Ok(response) = agent().get(&events_url).call() else {
            return;
        };
        let reader = BufReader::new(response.into_body().into_reader());
        let mut event = String::new();
        for line in reader.lines().map_while(Result::ok) {
            if let Some(name) = line.strip_prefix("event: ") {
                event = name.to_string();
            } else if let Some(data) = line.strip_prefix("data: ") {
                let _ = tx.send((event.clone(), data.to_string()));
            }
        }
    });
    rx
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
    let server = Server::start(&site, &[]);
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

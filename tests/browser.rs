//! The reader's side in real browsers and a real web server (`tests/browser/`, node scripts driving
//! the system Chromium, nginx, axe-core and the Nu Html Checker):
//! - suite.mjs: nginx under a sub-path with a crawl of every page, axe-core WCAG 2.1 A+AA, header
//!   associations of every data cell, Nu Html Checker, 375 px phones, print, file:// (see its head);
//! - check.mjs: every page as a file at 375 and 1280 px, no external requests, one `<h1>`;
//! - live-reload.mjs: `nianbao serve` with an edit, the error overlay and the reload.
//!
//! Needs `tests/browser/install.sh`; `.ci/run` runs it first. When a tool is missing each test fails
//! under CI (`CI=true`) and otherwise prints a visible "skipped: …" line (on the terminal, not
//! captured by the test harness) and returns.
//! Screenshots and a printed PDF land in `target/browser-screenshots/<site>/`.

mod common;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

/// One browser test at a time: each starts Chromium (and the suite nginx and a JVM), and the
/// machines running CI have two cores.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// What the browser tests need that is missing.
fn missing_tools() -> Vec<String> {
    let browser_dir = common::repo().join("tests/browser");
    let mut missing = Vec::new();
    for (path, what) in [
        ("/usr/bin/chromium", "Chromium (/usr/bin/chromium)"),
        ("/usr/sbin/nginx", "nginx (/usr/sbin/nginx)"),
    ] {
        if !Path::new(path).exists() {
            missing.push(what.to_string());
        }
    }
    for (program, what) in [
        ("node", "Node.js (node)"),
        ("java", "a Java runtime (java)"),
    ] {
        let found = Command::new(program)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if !found {
            missing.push(what.to_string());
        }
    }
    for module in ["playwright-core", "axe-core", "vnu-jar"] {
        if !browser_dir.join("node_modules").join(module).exists() {
            missing.push(format!("tests/browser/node_modules/{module}"));
        }
    }
    missing
}

/// Whether the tools are there. In CI (`CI=true`) they must be; elsewhere a missing tool prints a
/// "skipped: …" line straight to the terminal (test output capture does not hide it).
fn ready(test: &str) -> bool {
    let missing = missing_tools();
    if missing.is_empty() {
        return true;
    }
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    assert!(
        !ci,
        "{test}: CI=true but {} missing: run tests/browser/install.sh before cargo test",
        missing.join(", ")
    );
    let _ = writeln!(
        std::io::stderr(),
        "skipped: {test}: {} missing (run tests/browser/install.sh)",
        missing.join(", ")
    );
    false
}

/// Runs a script of tests/browser; its stdout (one line per check, last "N passed, M failed")
/// and whether it passed.
fn node(script: &str, args: &[&std::ffi::OsStr]) -> (bool, String) {
    let out = Command::new("node")
        .arg(common::repo().join("tests/browser").join(script))
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let passed = out.status.success() && stdout.trim_end().ends_with(", 0 failed");
    let text = format!("{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    (passed, text)
}

/// Runs a script and asserts that it passed, showing its failures.
fn node_passes(script: &str, args: &[&std::ffi::OsStr]) -> String {
    let (passed, text) = node(script, args);
    let failures: Vec<&str> = text.lines().filter(|l| !l.starts_with("ok ")).collect();
    assert!(passed, "{script} failed:\n{}", failures.join("\n"));
    text
}

/// The folder for the screenshots of one site.
fn shots(name: &str) -> PathBuf {
    common::repo().join("target/browser-screenshots").join(name)
}

fn lock() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The larger fixture: four agencies, both templates (2019–2020 and 2021 on), acknowledged
/// problems, a blank cell, printed notes and local extra rows, a draft year with an error (built
/// with `--drafts`).
fn portal() -> common::Site {
    let site = common::Site::fixture("portal");
    let out = site.run(&["build", "--drafts"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    site
}

#[test]
fn the_example_site_passes_the_reader_suite() {
    if !ready("the_example_site_passes_the_reader_suite") {
        return;
    }
    let _one = lock();
    let site = common::Site::example();
    assert_eq!(site.run(&["build"]).status.code(), Some(0));
    let text = node_passes(
        "suite.mjs",
        &[
            site.path("output").as_os_str(),
            shots("example").as_os_str(),
        ],
    );
    // Every part ran: crawl, axe, headers, phone, print, file://, Nu; screenshots were written.
    for part in [
        "nginx under /zwgk/ndbg/",
        "axe-core",
        "associated with its row and column headers",
        "375 px: no page scrolls sideways",
        "375 px: in ",
        "print on A4",
        "file://",
        "Nu Html Checker",
        "screenshots of 11 kinds of page",
    ] {
        assert!(
            text.lines()
                .any(|l| l.starts_with("ok ") && l.contains(part)),
            "{part}: {text}"
        );
    }
    for kind in [
        "front", "agency", "year", "compare", "metric", "404", "cms", "overview", "totals",
        "across", "search",
    ] {
        for size in ["desktop", "phone"] {
            let png = shots("example").join(format!("{kind}.{size}.png"));
            assert!(png.exists(), "{}", png.display());
        }
    }
    assert!(
        shots("example")
            .join("year.phone-table-scrolled.png")
            .exists()
    );
    assert!(shots("example").join("year.print.pdf").exists());
}

#[test]
fn a_portal_with_several_agencies_templates_and_drafts_passes_the_reader_suite() {
    if !ready("a_portal_with_several_agencies_templates_and_drafts_passes_the_reader_suite") {
        return;
    }
    let _one = lock();
    let site = portal();
    node_passes(
        "suite.mjs",
        &[site.path("output").as_os_str(), shots("portal").as_os_str()],
    );
}

/// Offline search in Chromium under a sub-path: Chinese words in running text of the narratives
/// (「信息处理费」 in shili's 2022 part 六, 「行政复议」 in its 2021 part 六, 「专题培训班」 in its 2019
/// part 一, the oldest of the site's report years, each its own Pagefind bundle merged by the
/// search page) find their year pages; the year filter narrows the results to one year; opened
/// from disk, the search page says that search needs the site to be served.
#[test]
fn offline_search_finds_chinese_words_in_running_text() {
    if !ready("offline_search_finds_chinese_words_in_running_text") {
        return;
    }
    let _one = lock();
    let site = common::Site::fixture("district");
    site.build_ok(&[]);
    let text = node_passes(
        "search.mjs",
        &[
            site.path("output").as_os_str(),
            std::ffi::OsStr::new("信息处理费=shili/2022/index.html"),
            std::ffi::OsStr::new("行政复议=shili/2021/index.html"),
            std::ffi::OsStr::new("专题培训班=shili/2019/index.html"),
            std::ffi::OsStr::new("year:公开渠道不够丰富=2020"),
        ],
    );
    assert!(text.contains("ok   search for 「信息处理费」"), "{text}");
    assert!(text.contains("ok   search for 「专题培训班」"), "{text}");
    assert!(text.contains("ok   the year filter"), "{text}");
    assert!(text.contains("ok   search.html opened from disk"), "{text}");
}

/// A report year of many reports, whose search fragments Pagefind bundles into groups (at most
/// 100 files a year): a report in the middle of a group and one at the end are found, each with
/// its own page.
#[test]
fn search_finds_a_report_whose_fragment_is_in_a_group() {
    if !ready("search_finds_a_report_whose_fragment_is_in_a_group") {
        return;
    }
    let _one = lock();
    let site = common::many_towns(110);
    site.build_ok(&[]);
    let fragments = std::fs::read_dir(site.path("output/pagefind/2022/fragment"))
        .unwrap()
        .count();
    assert!(fragments <= 100, "{fragments} fragment files: not grouped");
    let text = node_passes(
        "search.mjs",
        &[
            site.path("output").as_os_str(),
            std::ffi::OsStr::new("示例镇057=zhen057/2022/index.html"),
            std::ffi::OsStr::new("示例镇110=zhen110/2022/index.html"),
        ],
    );
    assert!(text.contains("ok   search for 「示例镇057」"), "{text}");
    assert!(text.contains("ok   search for 「示例镇110」"), "{text}");
}

/// The suite itself: an image without alt text, a broken link and a removed table header each
/// make it fail, and it says which page and what.
#[test]
fn the_reader_suite_fails_on_a_broken_page() {
    if !ready("the_reader_suite_fails_on_a_broken_page") {
        return;
    }
    let _one = lock();
    let site = common::Site::fixture("valid");
    assert_eq!(site.run(&["build"]).status.code(), Some(0));
    let page = "output/shili/2022/index.html";
    let html = site.read(page);
    // A picture without alt text, and a link to a page that does not exist.
    let html = html.replacen(
        "<main id=\"main\" class=\"wrap\">",
        "<main id=\"main\" class=\"wrap\"><img src=\"data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7\" width=\"1\" height=\"1\"><a href=\"../2031/index.html\">2031年</a>",
        1,
    );
    // The header cell 「自然人」 of part 三 removed (the cells still name it in `headers`).
    let start = html
        .find("<th id=\"eh2\"")
        .expect("part 三's second header cell");
    let end = start + html[start..].find("</th>").unwrap() + "</th>".len();
    assert!(html[start..end].contains("自然人"), "{}", &html[start..end]);
    let html = format!("{}{}", &html[..start], &html[end..]);
    site.write(page, html);

    let (passed, text) = node(
        "suite.mjs",
        &[site.path("output").as_os_str(), shots("broken").as_os_str()],
    );
    assert!(!passed, "the suite passed a broken page:\n{text}");
    // The broken link, found by the crawl under nginx and by the file:// walk.
    assert!(
        text.lines()
            .any(|l| l.contains("shili/2022") && l.contains("2031")),
        "{text}"
    );
    assert!(text.contains("FAIL nginx under /zwgk/ndbg/"), "{text}");
    assert!(text.contains("FAIL file://"), "{text}");
    // The missing alt text, by axe-core and by the Nu checker.
    assert!(text.contains("axe image-alt"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.contains("shili/2022/index.html:") && l.contains("alt")),
        "{text}"
    );
    // The removed header: cells that name it, and cells left without their column header.
    assert!(text.contains("FAIL every data cell of"), "{text}");
    assert!(
        text.lines().any(|l| l.contains("shili/2022/index.html")
            && l.contains("headers names \"eh2\", which is not on the page")),
        "{text}"
    );
}

#[test]
fn the_preview_shows_errors_over_the_page_and_reloads_when_fixed() {
    if !ready("the_preview_shows_errors_over_the_page_and_reloads_when_fixed") {
        return;
    }
    let _one = lock();
    let site = common::Site::example();
    let mut child = Command::new(common::BIN)
        .arg("--root")
        .arg(site.root())
        .args(["serve", "--port", "0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let url = format!(
        "http://{}hongze/2024/index.html",
        line.split("http://")
            .nth(1)
            .unwrap()
            .split('（')
            .next()
            .unwrap()
    );
    let data = site.path("content/hongze/2024/data.yaml");
    let shots = shots("serve");
    let result = std::panic::catch_unwind(|| {
        node_passes(
            "live-reload.mjs",
            &[url.as_ref(), data.as_os_str(), shots.as_os_str()],
        );
    });
    let _ = child.kill();
    let _ = child.wait();
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}

#[test]
fn every_page_works_from_disk_at_phone_and_desktop_width() {
    if !ready("every_page_works_from_disk_at_phone_and_desktop_width") {
        return;
    }
    let _one = lock();
    // The fixture: one agency, four years across the template change (the example site and the
    // portal are opened from disk by suite.mjs).
    let fixture = common::Site::fixture("valid");
    assert_eq!(fixture.run(&["build"]).status.code(), Some(0));
    node_passes("check.mjs", &[fixture.path("output").as_os_str()]);
}

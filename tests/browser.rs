//! The built example site in headless Chromium: no sideways scrolling on a 375-pixel phone, no
//! external requests, no console errors or broken images, `lang="zh-CN"`, one `<h1>` per page.
//! Needs `tests/browser/install.sh` (Chromium, fonts, playwright-core); `.ci/run` runs it first.
//! Without Chromium the test is skipped locally and fails in CI.

mod common;

use std::process::Command;

/// Whether Chromium and playwright-core are installed; in CI they must be.
fn browser_ready() -> bool {
    let browser_dir = common::repo().join("tests/browser");
    let ready = std::path::Path::new("/usr/bin/chromium").exists()
        && browser_dir.join("node_modules/playwright-core").exists();
    if !ready {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run tests/browser/install.sh before cargo test"
        );
        eprintln!("skipped: run tests/browser/install.sh to enable the browser tests");
    }
    ready
}

/// Runs a script of tests/browser and asserts that it passed.
fn node(script: &str, args: &[&std::ffi::OsStr]) {
    let out = Command::new("node")
        .arg(common::repo().join("tests/browser").join(script))
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let failures: Vec<&str> = stdout.lines().filter(|l| !l.starts_with("ok ")).collect();
    assert!(
        out.status.success(),
        "{}\n{}",
        failures.join("\n"),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.trim_end().ends_with(", 0 failed"), "{stdout}");
}

#[test]
fn the_preview_shows_errors_over_the_page_and_reloads_when_fixed() {
    if !browser_ready() {
        return;
    }
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
    let result = std::panic::catch_unwind(|| {
        node("live-reload.mjs", &[url.as_ref(), data.as_os_str()]);
    });
    let _ = child.kill();
    let _ = child.wait();
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}

#[test]
fn every_page_of_the_example_works_in_a_browser() {
    if !browser_ready() {
        return;
    }
    let site = common::Site::example();
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(0));
    node("check.mjs", &[site.path("output").as_os_str()]);
    // The fixture: one agency (the front page redirects), four years across the template change.
    let fixture = common::Site::fixture("valid");
    assert_eq!(fixture.run(&["build"]).status.code(), Some(0));
    node("check.mjs", &[fixture.path("output").as_os_str()]);
}

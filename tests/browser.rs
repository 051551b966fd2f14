//! The built example site in headless Chromium: no sideways scrolling on a 375-pixel phone, no
//! external requests, no console errors or broken images, `lang="zh-CN"`, one `<h1>` per page.
//! Needs `tests/browser/install.sh` (Chromium, fonts, playwright-core); `.ci/run` runs it first.
//! Without Chromium the test is skipped locally and fails in CI.

mod common;

use std::process::Command;

#[test]
fn every_page_of_the_example_works_in_a_browser() {
    let browser_dir = common::repo().join("tests/browser");
    let ready = std::path::Path::new("/usr/bin/chromium").exists()
        && browser_dir.join("node_modules/playwright-core").exists();
    if !ready {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run tests/browser/install.sh before cargo test"
        );
        eprintln!("skipped: run tests/browser/install.sh to enable the browser test");
        return;
    }
    let site = common::Site::example();
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(0));
    let check = Command::new("node")
        .arg(browser_dir.join("check.mjs"))
        .arg(site.path("output"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&check.stdout);
    let failures: Vec<&str> = stdout.lines().filter(|l| !l.starts_with("ok ")).collect();
    assert!(
        check.status.success(),
        "{}\n{}",
        failures.join("\n"),
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(stdout.trim_end().ends_with(", 0 failed"), "{stdout}");
}

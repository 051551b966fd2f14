//! Input made by an attacker or a careless colleague (issue 9): links out of the site, text that
//! would stall the renderer, values that break arithmetic, control characters, misleading
//! messages. Each test failed before its fix.

mod common;

use std::path::Path;
use std::process::Command;

use common::{Site, only, with_code};

const DATA: &str = "content/shili/2021/data.yaml";
const REPORT: &str = "content/shili/2021/report.md";

fn text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Every file under `dir`, read as text.
fn all_output(dir: &Path) -> String {
    let mut out = String::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            out.push_str(&String::from_utf8_lossy(
                &std::fs::read(entry.path()).unwrap(),
            ));
        }
    }
    out
}

#[cfg(unix)]
fn link(target: &Path, at: &Path) {
    let _ = std::fs::remove_file(at);
    let _ = std::fs::remove_dir_all(at);
    std::os::unix::fs::symlink(target, at).unwrap();
}

#[cfg(unix)]
#[test]
fn a_report_linked_outside_the_site_is_not_published() {
    let site = Site::fixture("valid");
    let outside = tempfile::tempdir().unwrap();
    // A well-formed report, so that only the link rule can stop it.
    let secret = site.read(REPORT).replace("依法做好", "机密内容依法做好");
    std::fs::write(outside.path().join("report.md"), secret).unwrap();
    link(&outside.path().join("report.md"), &site.path(REPORT));
    let (code, diagnostics) = site.check();
    assert_eq!(code, 1);
    let d = only(&diagnostics, "L021");
    assert_eq!(d["file"], REPORT);
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(!site.path("output").exists());
    assert!(!text(&out).contains("机密内容"));

    link(Path::new("/etc/passwd"), &site.path(REPORT));
    let (code, human) = site.check_human();
    assert_eq!(code, 1);
    assert!(human.contains("错误[L021]"), "{human}");
    assert!(human.contains("指向站点目录以外的链接"), "{human}");
    assert!(!human.contains("root:"), "{human}");
}

#[cfg(unix)]
#[test]
fn a_data_file_linked_outside_is_not_echoed() {
    let site = Site::fixture("valid");
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("data.yaml"), "SECRET-LINE: [1, 2\n").unwrap();
    link(&outside.path().join("data.yaml"), &site.path(DATA));
    let (code, diagnostics) = site.check();
    assert_eq!(code, 1);
    assert!(
        with_code(&diagnostics, "L001").is_empty(),
        "{diagnostics:#?}"
    );
    assert_eq!(only(&diagnostics, "L021")["file"], DATA);
    let (_, human) = site.check_human();
    assert!(!human.contains("SECRET-LINE"), "{human}");
}

#[cfg(unix)]
#[test]
fn folders_linked_outside_are_reported_and_links_inside_are_followed() {
    let site = Site::fixture("valid");
    let outside = tempfile::tempdir().unwrap();
    // An agency and a year folder elsewhere (a complete copy, which the loader must not read).
    let elsewhere = Site::fixture("valid");
    link(
        &elsewhere.path("content/shili"),
        &site.path("content/outside"),
    );
    link(
        &elsewhere.path("content/shili/2022"),
        &site.path("content/shili/2023"),
    );
    std::fs::create_dir_all(outside.path().join("x")).unwrap();
    let (code, diagnostics) = site.check();
    assert_eq!(code, 1);
    let files: Vec<&str> = with_code(&diagnostics, "L021")
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["content/outside", "content/shili/2023"]);

    // A link that stays inside the site is followed: the text lives in texts/ beside content/.
    std::fs::remove_file(site.path("content/outside")).unwrap();
    std::fs::remove_file(site.path("content/shili/2023")).unwrap();
    let kept = site.read(REPORT).replace("依法做好", "共用正文依法做好");
    site.write("texts/2021.md", kept);
    link(Path::new("../../../texts/2021.md"), &site.path(REPORT));
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        site.read("output/shili/2021/index.html")
            .contains("共用正文")
    );
}

#[test]
fn deep_nesting_is_refused_before_rendering() {
    let site = Site::fixture("valid");
    // 200 KB of nested quotes: before, build spent minutes in the HTML sanitiser.
    let report = site.read(REPORT).replace(
        "本年新收申请1件。",
        &format!("本年新收申请1件。\n\n{} 引文\n", ">".repeat(200_000)),
    );
    site.write(REPORT, report);
    let (code, diagnostics) = site.check();
    assert_eq!(code, 1);
    let d = only(&diagnostics, "L018");
    assert_eq!(d["file"], REPORT);
    assert_eq!(d["line"], site.line_of(REPORT, ">>>>"));
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("错误[L018]"));
}

#[test]
fn heading_ids_never_take_the_pages_own_ids() {
    let site = Site::fixture("valid");
    let report = site.read(REPORT).replace(
        "本年新收申请1件。",
        "本年新收申请1件。\n\n### main\n\n### indicators\n\n### part5\n\n### c-requests-received-business\n\n脚注[^main]。\n\n[^main]: 说明。\n",
    );
    site.write(REPORT, report);
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let page = site.read("output/shili/2021/index.html");
    for id in [
        "main",
        "indicators",
        "part5",
        "c-requests-received-business",
    ] {
        assert_eq!(
            page.matches(&format!("id=\"{id}\"")).count(),
            1,
            "id {id} is used once: {page}"
        );
    }
    assert!(page.contains("<h3 id=\"s-main\">main</h3>"), "{page}");
    assert!(page.contains("href=\"#fn-main\""), "{page}");
    assert!(page.contains("id=\"fn-main\""), "{page}");
}

#[test]
fn an_empty_year_folder_is_called_empty() {
    let site = Site::fixture("valid");
    std::fs::create_dir_all(site.path("content/shili/2023")).unwrap();
    let (code, diagnostics) = site.check();
    assert_eq!(code, 1);
    let d = only(&diagnostics, "L009");
    assert_eq!(d["file"], "content/shili/2023");
    let message = d["message"].as_str().unwrap();
    assert!(message.contains("空"), "{message}");
    assert!(!message.contains("同一文件夹中有"), "{message}");
}

/// nianbao run as an unprivileged user (root reads any folder, so the test drops privileges);
/// `None` when that is impossible here. Makes the site readable to that user first.
#[cfg(unix)]
fn unprivileged(site: &Site) -> Option<Command> {
    use std::os::unix::fs::PermissionsExt;
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    if !is_root {
        let mut c = Command::new(common::BIN);
        c.arg("--root").arg(site.root());
        return Some(c);
    }
    if Command::new("setpriv").arg("--version").output().is_err() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "setpriv (util-linux) is needed to run as another user"
        );
        println!("skipped: running as root and setpriv is not installed");
        return None;
    }
    for entry in walkdir::WalkDir::new(site.root()) {
        let entry = entry.unwrap();
        let mode = if entry.file_type().is_dir() {
            0o755
        } else {
            0o644
        };
        std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(mode)).unwrap();
    }
    let mut c = Command::new("setpriv");
    c.args([
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        common::BIN,
    ])
    .arg("--root")
    .arg(site.root());
    Some(c)
}

#[cfg(unix)]
#[test]
fn an_unreadable_folder_is_not_called_missing() {
    use std::os::unix::fs::PermissionsExt;
    let site = Site::fixture("valid");
    let Some(mut command) = unprivileged(&site) else {
        return;
    };
    let year = site.path("content/shili/2021");
    std::fs::set_permissions(&year, std::fs::Permissions::from_mode(0o000)).unwrap();
    let out = command
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    std::fs::set_permissions(&year, std::fs::Permissions::from_mode(0o755)).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let diagnostics = json["diagnostics"].as_array().unwrap().clone();
    assert!(
        with_code(&diagnostics, "L009").is_empty(),
        "{diagnostics:#?}"
    );
    let d = only(&diagnostics, "L022");
    assert_eq!(d["file"], "content/shili/2021");
    assert!(
        d["message"].as_str().unwrap().contains("没有读取权限"),
        "{d}"
    );
}

#[test]
fn extreme_money_values_build_with_a_dash_for_the_rate() {
    let site = Site::fixture("valid");
    // Last year a tiny fee, this year a huge one: the rate of change overflows a decimal.
    site.replace(DATA, "fees: 3.5 ", "fees: 0.000000000000001 ");
    let data_2022 = "content/shili/2022/data.yaml";
    let fees = site
        .read(data_2022)
        .lines()
        .find(|l| l.trim_start().starts_with("fees: "))
        .unwrap()
        .to_string();
    site.replace(
        data_2022,
        &fees,
        &fees.replacen(
            fees.trim_start().split_whitespace().nth(1).unwrap(),
            "999999999999999",
            1,
        ),
    );
    let (code, _) = site.check();
    assert_eq!(code, 0);
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(!text(&out).contains("panicked"), "{}", text(&out));
    let page = site.read("output/shili/2022/compare.html");
    assert!(
        page.contains("<td class=\"num changed\">+999999999999999</td><td class=\"num\">—</td>"),
        "{page}"
    );
}

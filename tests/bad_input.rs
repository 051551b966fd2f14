//! Bad input: each gets a clear diagnostic with its place and exit code 1, never a panic.

mod common;

use common::{Site, only};

const DATA: &str = "content/shili/2021/data.yaml";
const REPORT: &str = "content/shili/2021/report.md";

/// Checks the site, asserts exit code 1 and no panic, and returns the one diagnostic of `code`.
fn fails_with(site: &Site, code: &str) -> serde_json::Value {
    let out = site.run(&["check", "--format", "json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let (exit, diagnostics) = site.check();
    assert_eq!(exit, 1, "{diagnostics:#?}");
    only(&diagnostics, code).clone()
}

#[test]
fn yaml_syntax_error() {
    let site = Site::fixture("valid");
    site.replace(
        DATA,
        "received: [1, 0, 0, 0, 0, 0, 1]",
        "received: [1, 0, 0, 0, 0, 0, 1",
    );
    let d = fails_with(&site, "L001");
    assert_eq!(d["file"], DATA);
    let line = d["line"].as_u64().unwrap();
    let expected = site.line_of(DATA, "received: [");
    assert!((expected..=expected + 1).contains(&line), "line {line}");
}

#[test]
fn text_where_a_count_belongs() {
    let site = Site::fixture("valid");
    site.replace(
        DATA,
        "received: [1, 0, 0, 0, 0, 0, 1]",
        "received: [一, 0, 0, 0, 0, 0, 1]",
    );
    let d = fails_with(&site, "L010");
    assert_eq!(d["line"], site.line_of(DATA, "received: ["));
    assert_eq!(d["column"], 14);
    assert_eq!(d["yaml_path"], "requests.received[0]");
    assert_eq!(
        d["label"],
        "「一、本年新收政府信息公开申请数量」×「自然人」"
    );
    assert_eq!(d["found"], "一");
}

#[test]
fn negative_count() {
    let site = Site::fixture("valid");
    site.replace(DATA, "coercion: 0", "coercion: -2");
    let d = fails_with(&site, "L011");
    assert_eq!(d["line"], site.line_of(DATA, "coercion:"));
    assert_eq!(
        d["label"],
        "「第二十条第（六）项 行政强制」×「本年处理决定数量」"
    );
}

#[test]
fn money_that_is_not_a_decimal() {
    let site = Site::fixture("valid");
    site.replace(DATA, "fees: 3.5", "fees: 3.5万元");
    let d = fails_with(&site, "L012");
    assert_eq!(d["yaml_path"], "proactive.item8.fees");
    assert!(d["message"].as_str().unwrap().contains("单位"));
    assert_eq!(
        d["label"],
        "「第二十条第（八）项 行政事业性收费」×「本年收费金额（单位：万元）」"
    );
}

#[test]
fn money_keeps_its_exact_decimal() {
    let site = Site::fixture("valid");
    site.replace(DATA, "fees: 3.5", "fees: 0.10");
    let (code, diagnostics) = site.check();
    assert_eq!((code, diagnostics.len()), (0, 0));
}

#[test]
fn unknown_key_suggests_the_near_miss() {
    let site = Site::fixture("valid");
    site.replace(DATA, "  carried_in:", "  carried_inn:");
    let (code, diagnostics) = site.check();
    assert_eq!(code, 1);
    let d = only(&diagnostics, "L005");
    assert_eq!(d["line"], site.line_of(DATA, "carried_inn"));
    assert_eq!(d["yaml_path"], "requests.carried_inn");
    assert!(d["hint"].as_str().unwrap().contains("carried_in"), "{d}");
    // The row it should have been is then missing too.
    assert!(diagnostics.iter().any(|d| d["code"] == "L006"));
}

#[test]
fn missing_row() {
    let site = Site::fixture("valid");
    let line = site
        .read(DATA)
        .lines()
        .find(|l| l.contains("partly_granted"))
        .unwrap()
        .to_string();
    site.replace(DATA, &format!("{line}\n"), "");
    let d = fails_with(&site, "L006");
    assert_eq!(d["yaml_path"], "requests.partly_granted");
    assert!(d["message"].as_str().unwrap().contains("（二）部分公开"));
    assert_eq!(d["line"], site.line_of(DATA, "requests:"));
}

#[test]
fn missing_cell_is_not_a_silent_zero() {
    let site = Site::fixture("valid");
    site.replace(
        DATA,
        "received: [1, 0, 0, 0, 0, 0, 1]",
        "received: [1, 0, ~, 0, 0, 0, 1]",
    );
    let d = fails_with(&site, "L006");
    assert_eq!(
        d["label"],
        "「一、本年新收政府信息公开申请数量」×「科研机构」"
    );
    assert_eq!(d["column"], 20);
}

#[test]
fn short_row() {
    let site = Site::fixture("valid");
    site.replace(
        DATA,
        "received: [1, 0, 0, 0, 0, 0, 1]",
        "received: [1, 0, 0, 0, 1]",
    );
    let d = fails_with(&site, "L013");
    assert_eq!(d["line"], site.line_of(DATA, "received: ["));
    assert!(d["expected"].as_str().unwrap().contains("7 个数"));
}

#[test]
fn duplicated_key() {
    let site = Site::fixture("valid");
    site.replace(
        DATA,
        "  granted:",
        "  received: [1, 0, 0, 0, 0, 0, 1]\n  granted:",
    );
    let d = fails_with(&site, "L007");
    let lines: Vec<usize> = site
        .read(DATA)
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with("received:"))
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(d["line"], lines[1] as u64);
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains(&format!("第 {} 行", lines[0]))
    );
}

#[test]
fn year_folder_that_is_not_a_year() {
    let site = Site::fixture("valid");
    std::fs::rename(
        site.path("content/shili/2022"),
        site.path("content/shili/2022年"),
    )
    .unwrap();
    let d = fails_with(&site, "L008");
    assert_eq!(d["file"], "content/shili/2022年");
}

#[test]
fn data_without_report_and_the_reverse() {
    let site = Site::fixture("valid");
    std::fs::remove_file(site.path(REPORT)).unwrap();
    std::fs::remove_file(site.path("content/shili/2019/data.yaml")).unwrap();
    let (code, diagnostics) = site.check();
    assert_eq!(code, 1);
    let found = common::with_code(&diagnostics, "L009");
    let files: Vec<&str> = found.iter().map(|d| d["file"].as_str().unwrap()).collect();
    assert_eq!(files, ["content/shili/2019/data.yaml", REPORT]);
}

#[test]
fn empty_file() {
    let site = Site::fixture("valid");
    site.write(DATA, "");
    assert_eq!(fails_with(&site, "L002")["file"], DATA);
    site.write(DATA, "# 只有注释\n");
    assert_eq!(fails_with(&site, "L002")["file"], DATA);
}

#[test]
fn file_that_is_not_utf8() {
    let site = Site::fixture("valid");
    let mut bytes = site.read(DATA).into_bytes();
    // 「嘉禾」 in GBK, put on line 2.
    let at = bytes.iter().position(|&b| b == b'\n').unwrap() + 1;
    bytes.splice(at..at, [0xBC, 0xCE, 0xBA, 0xCC, b'\n']);
    site.write(DATA, bytes);
    let d = fails_with(&site, "L003");
    assert_eq!(d["line"], 2);
    let report = "content/shili/2020/report.md";
    site.write(
        DATA,
        site.read("content/shili/2022/data.yaml")
            .replace("2022", "2021"),
    );
    site.write(report, [0xD5u8, 0xFD, 0xCE, 0xC4]);
    assert_eq!(fails_with(&site, "L003")["file"], report);
}

#[test]
fn data_file_far_too_large() {
    let site = Site::fixture("valid");
    let file = std::fs::OpenOptions::new()
        .append(true)
        .open(site.path(DATA))
        .unwrap();
    file.set_len(50 * 1024 * 1024).unwrap();
    let d = fails_with(&site, "L004");
    assert!(d["message"].as_str().unwrap().contains("50.0 MB"));
}

#[test]
fn wrong_shape_and_wrong_values() {
    let site = Site::fixture("valid");
    site.replace(DATA, "template: 2021", "template: 2020");
    site.replace(DATA, "published: 2022-01-28", "published: 2022-02-30");
    site.replace(
        "content/shili/agency.yaml",
        "kind: street_office",
        "kind: street",
    );
    let (code, diagnostics) = site.check();
    assert_eq!(code, 1);
    let template = common::with_code(&diagnostics, "L016");
    assert_eq!(template.len(), 2, "{diagnostics:#?}");
    assert!(
        template
            .iter()
            .any(|d| d["hint"].as_str().unwrap_or("").contains("street_office"))
    );
    assert_eq!(
        only(&diagnostics, "L015")["line"],
        site.line_of(DATA, "published:")
    );
}

#[test]
fn not_a_site_is_a_usage_problem() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(common::BIN)
        .args(["--root"])
        .arg(dir.path())
        .arg("check")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("不是 nianbao 站点"));
}

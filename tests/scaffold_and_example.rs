//! The example site, `nianbao init` and `nianbao new`, as a user runs them.

mod common;

use common::{Site, only, with_code};

#[test]
fn example_site_checks_clean_and_lists_acknowledged_problems() {
    let site = Site::example();
    let (code, diagnostics) = site.check();
    assert_eq!(code, 0, "{diagnostics:#?}");
    assert!(
        diagnostics.iter().all(|d| !d["acknowledged"].is_null()),
        "{diagnostics:#?}"
    );
    // hongze 2023: the two review totals printed as 0, the merged （六）, the fee figures not given.
    let t004 = with_code(&diagnostics, "T004");
    assert_eq!(t004.len(), 2);
    assert!(
        t004.iter()
            .all(|d| d["file"] == "content/hongze/2023/data.yaml")
    );
    assert_eq!(with_code(&diagnostics, "F001").len(), 2);
    assert_eq!(with_code(&diagnostics, "N001").len(), 4);
    // One entry (cell: fees) covers both blank fee figures of a year.
    let fees = with_code(&diagnostics, "N001");
    assert_eq!(fees[0]["acknowledged_by"], fees[1]["acknowledged_by"]);
    // hongze 2024: the narrative's 17 applications against the table's 95, acknowledged.
    let d011 = only(&diagnostics, "D011");
    assert_eq!(d011["file"], "content/hongze/2024/report.md");
    assert_eq!(
        d011["line"],
        site.line_of("content/hongze/2024/report.md", "受理政府信息公开申请17件")
    );
    assert_eq!(d011["found"], "17件");
    assert!(d011["message"].as_str().unwrap().contains("为 95"));
    let (_, human) = site.check_human();
    assert!(human.contains("已确认的问题"), "{human}");
    assert!(
        human.contains("0 个错误，0 个警告，9 个已确认的问题"),
        "{human}"
    );
}

#[test]
fn new_year_after_the_template_change_flags_the_carried_application() {
    let site = Site::example();
    let out = site.run(&["new", "jiahe", "2021"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let data = site.read("content/jiahe/2021/data.yaml");
    assert!(data.contains("template: 2021"));
    assert!(data.contains("carried_in: [0, 1, 0, 0, 0, 0, 1]"), "{data}");
    assert!(data.contains("# （六）其他处理"));
    assert!(data.contains("# 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"));
    let (code, diagnostics) = site.check();
    // The new year is a draft: its errors are shown but do not fail the check of the site.
    assert_eq!(code, 0);
    let open: Vec<_> = diagnostics
        .iter()
        .filter(|d| d["acknowledged"].is_null() && d["severity"] == "error")
        .collect();
    assert_eq!(open.len(), 1, "exactly the carried application: {open:#?}");
    let d = open[0];
    assert_eq!(d["code"], "T001");
    assert_eq!(d["draft"], true);
    assert_eq!(d["file"], "content/jiahe/2021/data.yaml");
    assert_eq!(d["label"], "「三、本年度办理结果（七）总计」×「商业企业」");
}

#[test]
fn new_year_in_the_same_template_checks_clean() {
    let site = Site::example();
    let out = site.run(&["new", "hongze", "2025"]);
    assert_eq!(out.status.code(), Some(0));
    let data = site.read("content/hongze/2025/data.yaml");
    // 现行有效件数 carried from 2024; 上年结转 from 2024's 结转下年度 (all zero).
    assert!(data.contains("normative_documents: [0, 0, 8]"), "{data}");
    let report = site.read("content/hongze/2025/report.md");
    for heading in [
        "## 一、总体情况",
        "## 五、存在的主要问题及改进情况",
        "## 六、其他需要报告的事项",
    ] {
        assert!(report.contains(heading));
    }
    let (code, diagnostics) = site.check();
    assert_eq!(code, 0, "{diagnostics:#?}");
    // Only the reminders to replace the guidance text remain.
    let open: Vec<_> = diagnostics
        .iter()
        .filter(|d| d["acknowledged"].is_null())
        .collect();
    assert!(open.iter().all(|d| d["code"] == "D007"), "{open:#?}");
    assert!(!open.is_empty());
}

#[test]
fn new_refuses_to_overwrite_a_year() {
    let site = Site::example();
    let before = site.read("content/hongze/2024/data.yaml");
    let out = site.run(&["new", "hongze", "2024"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("已存在"));
    assert_eq!(site.read("content/hongze/2024/data.yaml"), before);
}

#[test]
fn new_for_an_unknown_agency_or_year() {
    let site = Site::example();
    let out = site.run(&["new", "jiahee", "2021"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("hongze、jiahe"), "{stderr}");
    let out = site.run(&["new", "jiahe", "2018"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn init_then_new_gives_a_site_that_checks() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(common::BIN)
            .current_dir(dir.path())
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&["init", "--agency", "shili", "--name", "示例街道办事处"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.path().join("content/site.yaml").is_file());
    assert!(dir.path().join("content/shili/agency.yaml").is_file());
    let out = run(&["check"]);
    assert_eq!(out.status.code(), Some(0));
    // init refuses to run twice.
    let out = run(&["init"]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["new", "shili", "2019"]);
    assert_eq!(out.status.code(), Some(0));
    let data = std::fs::read_to_string(dir.path().join("content/shili/2019/data.yaml")).unwrap();
    assert!(data.contains("template: 2019"));
    assert!(data.contains("procurement: [0, 0]"));
    let out = run(&["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let diagnostics = json["diagnostics"].as_array().unwrap();
    assert!(
        diagnostics.iter().all(|d| d["code"] == "D007"),
        "{diagnostics:#?}"
    );
    assert_eq!(json["summary"]["years"], 1);
}

#[test]
fn new_year_rolls_the_2019_item_counts_forward() {
    let site = Site::fixture("valid");
    std::fs::remove_dir_all(site.path("content/shili/2020")).unwrap();
    std::fs::remove_dir_all(site.path("content/shili/2021")).unwrap();
    std::fs::remove_dir_all(site.path("content/shili/2022")).unwrap();
    let out = site.run(&["new", "shili", "2020"]);
    assert_eq!(out.status.code(), Some(0));
    let data = site.read("content/shili/2020/data.yaml");
    // 2019: licensing 10 +2, penalties 20 −3, fees 4 +1.
    assert!(data.contains("licensing: [12, 0, 0]"), "{data}");
    assert!(data.contains("penalties: [17, 0, 0]"), "{data}");
    assert!(data.contains("fees: [5, 0]"), "{data}");
    assert!(data.contains("carried_in: [1, 0, 0, 0, 0, 0, 1]"), "{data}");
    let (_, diagnostics) = site.check();
    let d = only(&diagnostics, "T001");
    assert_eq!(d["file"], "content/shili/2020/data.yaml");
}

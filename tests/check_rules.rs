//! Every identity and cross-year rule: a fixture that breaks it, and the diagnostic asserted
//! (code, file, line, official cell label).

mod common;

use common::{Site, only};

/// The diagnostics without those of one code.
fn without(diagnostics: Vec<serde_json::Value>, code: &str) -> Vec<serde_json::Value> {
    diagnostics
        .into_iter()
        .filter(|d| d["code"] != code)
        .collect()
}

const Y2019: &str = "content/shili/2019/data.yaml";
const Y2020: &str = "content/shili/2020/data.yaml";
const Y2021: &str = "content/shili/2021/data.yaml";
const Y2022: &str = "content/shili/2022/data.yaml";

#[test]
fn the_valid_fixture_checks_clean() {
    let site = Site::fixture("valid");
    let (code, diagnostics) = site.check();
    assert_eq!(code, 0);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
}

#[test]
fn t001_column_balance_names_the_column() {
    let site = Site::fixture("valid");
    site.replace(
        Y2021,
        "received: [1, 0, 0, 0, 0, 0, 1]",
        "received: [2, 0, 0, 0, 0, 0, 2]",
    );
    let (code, diagnostics) = site.check();
    // The narrative still states the old figure: that is D011's business, tested on its own.
    let diagnostics = without(diagnostics, "D011");
    assert_eq!(code, 1);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let d = only(&diagnostics, "T001");
    assert_eq!(d["file"], Y2021);
    assert_eq!(d["line"], site.line_of(Y2021, "  total: ["));
    assert_eq!(d["label"], "「三、本年度办理结果（七）总计」×「自然人」");
    assert_eq!(d["yaml_path"], "requests.total[0]");
    assert_eq!(d["found"], "1");
    assert!(d["expected"].as_str().unwrap().starts_with("2（"));
}

#[test]
fn t002_row_total_against_applicant_columns() {
    let site = Site::fixture("valid");
    site.replace(
        Y2020,
        "granted: [3, 0, 0, 0, 0, 0, 3]",
        "granted: [3, 0, 0, 0, 0, 0, 4]",
    );
    let (code, diagnostics) = site.check();
    assert_eq!(code, 1);
    let d = only(&diagnostics, "T002");
    assert_eq!(d["file"], Y2020);
    assert_eq!(d["line"], site.line_of(Y2020, "  granted: ["));
    assert_eq!(d["column"], 31);
    assert_eq!(d["label"], "「三、本年度办理结果（一）予以公开」×「总计」");
    assert_eq!(
        d["expected"].as_str().unwrap().split('（').next(),
        Some("3")
    );
    assert_eq!(d["found"], "4");
}

#[test]
fn t003_outcome_total_against_outcome_rows() {
    let site = Site::fixture("valid");
    site.replace(
        Y2020,
        "granted: [3, 0, 0, 0, 0, 0, 3]",
        "granted: [2, 0, 0, 0, 0, 0, 2]",
    );
    let (code, diagnostics) = site.check();
    assert_eq!(code, 1);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let d = only(&diagnostics, "T003");
    assert_eq!(d["line"], site.line_of(Y2020, "  total: ["));
    assert_eq!(d["label"], "「三、本年度办理结果（七）总计」×「自然人」");
}

#[test]
fn t003_counts_every_numbered_item_of_the_2021_split_row() {
    let site = Site::fixture("valid");
    site.replace(
        Y2021,
        "no_correction: [1, 0, 0, 0, 0, 0, 1]",
        "no_correction: [0, 0, 0, 0, 0, 0, 0]",
    );
    site.replace(
        Y2021,
        "    other: [0, 0, 0, 0, 0, 0, 0]",
        "    other: [1, 0, 0, 0, 0, 0, 1]",
    );
    let (code, diagnostics) = site.check();
    assert_eq!((code, diagnostics.len()), (0, 0), "{diagnostics:#?}");
}

#[test]
fn t004_review_group_total() {
    let site = Site::fixture("valid");
    site.replace(
        Y2019,
        "reconsideration: [1, 0, 0, 0, 1]",
        "reconsideration: [1, 0, 0, 0, 2]",
    );
    let (code, diagnostics) = site.check();
    assert_eq!(code, 1);
    let d = only(&diagnostics, "T004");
    assert_eq!(d["line"], site.line_of(Y2019, "reconsideration: ["));
    assert_eq!(d["label"], "「行政复议」×「总计」");
    assert_eq!(d["yaml_path"], "review.reconsideration[4]");
}

#[test]
fn omitted_totals_are_computed_not_checked() {
    // The 2022 fixture leaves out the 总计 column of several rows; it checks clean (above). When
    // the other cells change, the computed total follows, so only the real problem is reported.
    let site = Site::fixture("valid");
    site.replace(
        Y2022,
        "received: [0, 2, 0, 0, 0, 0]",
        "received: [1, 2, 0, 0, 0, 0]",
    );
    let (_, diagnostics) = site.check();
    // The narrative still states the old figure: that is D011's business, tested on its own.
    let diagnostics = without(diagnostics, "D011");
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(
        only(&diagnostics, "T001")["label"],
        "「三、本年度办理结果（七）总计」×「自然人」"
    );
}

#[test]
fn y001_carried_in_must_equal_last_years_carried_over() {
    let site = Site::fixture("valid");
    site.replace(
        Y2020,
        "carried_in: [1, 0, 0, 0, 0, 0, 1]",
        "carried_in: [0, 0, 0, 0, 0, 0, 0]",
    );
    site.replace(
        Y2020,
        "received: [2, 0, 0, 0, 0, 0, 2]",
        "received: [3, 0, 0, 0, 0, 0, 3]",
    );
    let (code, diagnostics) = site.check();
    // The narrative still states the old figure: that is D011's business, tested on its own.
    let diagnostics = without(diagnostics, "D011");
    assert_eq!(code, 1);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let d = only(&diagnostics, "Y001");
    assert_eq!(d["file"], Y2020);
    assert_eq!(d["line"], site.line_of(Y2020, "carried_in: ["));
    assert_eq!(
        d["label"],
        "「二、上年结转政府信息公开申请数量」×「自然人」"
    );
    assert!(d["expected"].as_str().unwrap().contains("2019年"));
}

#[test]
fn y001_holds_across_the_template_change() {
    let site = Site::fixture("valid");
    // 2020 (2019 format) carries one application over; 2021 (2021 format) does not carry it in.
    site.replace(
        Y2020,
        "received: [2, 0, 0, 0, 0, 0, 2]",
        "received: [3, 0, 0, 0, 0, 0, 3]",
    );
    site.replace(
        Y2020,
        "carried_over: [0, 0, 0, 0, 0, 0, 0]",
        "carried_over: [1, 0, 0, 0, 0, 0, 1]",
    );
    let (_, diagnostics) = site.check();
    let d = only(&diagnostics, "Y001");
    assert_eq!(d["file"], Y2021);
}

#[test]
fn y002_prior_item_count_rolls_forward() {
    let site = Site::fixture("valid");
    site.replace(Y2020, "licensing: [12, 0, 6]", "licensing: [13, 0, 6]");
    let (code, diagnostics) = site.check();
    assert_eq!(code, 1);
    let d = only(&diagnostics, "Y002");
    assert_eq!(d["line"], site.line_of(Y2020, "licensing: ["));
    assert_eq!(
        d["label"],
        "「第二十条第（五）项 行政许可」×「上一年项目数量」"
    );
    assert_eq!(d["found"], "13");
    assert!(d["expected"].as_str().unwrap().starts_with("12（"));
}

#[test]
fn y003_stock_of_documents_is_a_warning() {
    let site = Site::fixture("valid");
    site.replace(
        Y2022,
        "normative_documents: [1, 1, 2]",
        "normative_documents: [1, 1, 3]",
    );
    let (code, diagnostics) = site.check();
    assert_eq!(code, 0, "a warning does not fail the check");
    let d = only(&diagnostics, "Y003");
    assert_eq!(d["severity"], "warning");
    assert_eq!(
        d["label"],
        "「第二十条第（一）项 行政规范性文件」×「现行有效件数」"
    );
    assert_eq!(d["line"], site.line_of(Y2022, "normative_documents"));
}

#[test]
fn cross_year_rules_skip_a_gap_year() {
    let site = Site::fixture("valid");
    std::fs::remove_dir_all(site.path("content/shili/2020")).unwrap();
    let (code, diagnostics) = site.check();
    assert_eq!((code, diagnostics.len()), (0, 0), "{diagnostics:#?}");
}

#[test]
fn d005_template_must_match_the_year() {
    let site = Site::fixture("valid");
    site.replace(Y2020, "template: 2019", "template: 2021");
    let (code, diagnostics) = site.check();
    assert_eq!(code, 1);
    let d = only(&diagnostics, "D005");
    assert_eq!(d["line"], site.line_of(Y2020, "template:"));
}

#[test]
fn d006_late_publication_by_agency_kind() {
    let site = Site::fixture("valid");
    site.replace(Y2021, "published: 2022-01-28", "published: 2022-02-15");
    let (code, diagnostics) = site.check();
    assert_eq!(code, 0);
    let d = only(&diagnostics, "D006");
    assert_eq!(d["line"], site.line_of(Y2021, "published:"));
    assert!(d["message"].as_str().unwrap().contains("2022年1月31日"));
    // A people's government reporting on its jurisdiction has until 31 March.
    site.replace(
        "content/shili/agency.yaml",
        "kind: street_office",
        "kind: government",
    );
    let (_, diagnostics) = site.check();
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
}

#[test]
fn document_parts_present_in_order_and_not_empty() {
    let site = Site::fixture("valid");
    let report = "content/shili/2022/report.md";
    let text = site.read(report);
    // Swap 五 and 六, empty 一, drop nothing.
    let text = text
        .replace("## 五、存在的主要问题及改进情况", "## 六、TMP")
        .replacen(
            "## 六、其他需要报告的事项",
            "## 五、存在的主要问题及改进情况",
            1,
        )
        .replace("## 六、TMP", "## 六、其他需要报告的事项");
    let text = text.replace(
        "2022年，示例街道办事处依法做好政府信息公开工作。本年新收申请2件。",
        "",
    );
    site.write(report, text);
    let (code, diagnostics) = site.check();
    assert_eq!(code, 1);
    let order = only(&diagnostics, "D002");
    assert_eq!(order["file"], report);
    assert_eq!(order["line"], site.line_of(report, "## 五、"));
    let empty = only(&diagnostics, "D004");
    assert_eq!(empty["line"], site.line_of(report, "## 一、"));
}

#[test]
fn document_missing_part_and_variant_heading() {
    let site = Site::fixture("valid");
    let report = "content/shili/2019/report.md";
    site.replace(report, "## 六、其他需要报告的事项\n\n无。\n", "");
    site.replace(
        report,
        "## 五、存在的主要问题及改进情况",
        "## 五、政府信息公开工作存在的主要问题及改进情况",
    );
    let (code, diagnostics) = site.check();
    assert_eq!(code, 1);
    let missing = only(&diagnostics, "D003");
    assert!(
        missing["message"]
            .as_str()
            .unwrap()
            .contains("六、其他需要报告的事项")
    );
    let variant = only(&diagnostics, "D001");
    assert_eq!(variant["expected"], "五、存在的主要问题及改进情况");
    assert_eq!(variant["line"], site.line_of(report, "## 五、"));
}

#[test]
fn acknowledged_problem_passes_and_is_listed() {
    let site = Site::fixture("valid");
    site.replace(
        Y2019,
        "reconsideration: [1, 0, 0, 0, 1]",
        "reconsideration: [1, 0, 0, 0, 2]",
    );
    let mut text = site.read(Y2019);
    text.push_str(
        "acknowledged:\n  - code: T004\n    cell: review.reconsideration.total\n    reason: 原报告如此\n",
    );
    site.write(Y2019, text);
    let (code, diagnostics) = site.check();
    assert_eq!(code, 0, "{diagnostics:#?}");
    let d = only(&diagnostics, "T004");
    assert_eq!(d["acknowledged"], "原报告如此");
    let (_, human) = site.check_human();
    assert!(human.contains("已确认[T004]"), "{human}");
    assert!(human.contains("确认原因：原报告如此"), "{human}");
}

#[test]
fn acknowledgement_of_the_wrong_cell_does_not_hide_the_problem() {
    let site = Site::fixture("valid");
    site.replace(
        Y2019,
        "reconsideration: [1, 0, 0, 0, 1]",
        "reconsideration: [1, 0, 0, 0, 2]",
    );
    let mut text = site.read(Y2019);
    text.push_str(
        "acknowledged:\n  - code: T004\n    cell: review.litigation_direct.total\n    reason: 写错了单元格\n",
    );
    site.write(Y2019, text);
    let (code, diagnostics) = site.check();
    assert_eq!(code, 1);
    assert!(only(&diagnostics, "T004")["acknowledged"].is_null());
    let unused = only(&diagnostics, "A002");
    assert_eq!(unused["severity"], "warning");
}

#[test]
fn acknowledgement_with_unknown_code_or_cell() {
    let site = Site::fixture("valid");
    let mut text = site.read(Y2019);
    text.push_str(
        "acknowledged:\n  - code: T044\n    reason: x\n  - code: T004\n    cell: review.reconsideraton.total\n    reason: x\n  - code: L001\n    reason: x\n",
    );
    site.write(Y2019, text);
    let (code, diagnostics) = site.check();
    assert_eq!(code, 1);
    let a = common::with_code(&diagnostics, "A001");
    assert_eq!(a.len(), 3, "{diagnostics:#?}");
    assert!(a.iter().any(|d| {
        d["hint"]
            .as_str()
            .unwrap_or("")
            .contains("review.reconsideration.total")
    }));
}

#[test]
fn merged_other_handling_row_is_a_deviation_that_can_be_acknowledged() {
    let site = Site::fixture("valid");
    let text = site.read(Y2021);
    let start = text.find("  other_handling:").unwrap();
    let end = text[start..].find("  total:").unwrap() + start;
    let merged = "  other_handling: [1, 0, 0, 0, 0, 0, 1]\n";
    site.write(Y2021, format!("{}{merged}{}", &text[..start], &text[end..]));
    let (code, diagnostics) = site.check();
    assert_eq!(code, 1);
    assert_eq!(
        diagnostics.len(),
        1,
        "the identities still hold: {diagnostics:#?}"
    );
    let d = only(&diagnostics, "F001");
    assert_eq!(d["cell"], "requests.other_handling");
    assert_eq!(d["line"], site.line_of(Y2021, "other_handling:"));
    let mut text = site.read(Y2021);
    text.push_str(
        "acknowledged:\n  - code: F001\n    cell: requests.other_handling\n    reason: 原报告印为一行\n",
    );
    site.write(Y2021, text);
    let (code, _) = site.check();
    assert_eq!(code, 0);
}

#[test]
fn json_and_human_agree_on_the_problem() {
    let site = Site::fixture("valid");
    site.replace(
        Y2019,
        "reconsideration: [1, 0, 0, 0, 1]",
        "reconsideration: [1, 0, 0, 0, 2]",
    );
    let (code, human) = site.check_human();
    assert_eq!(code, 1);
    let line = site.line_of(Y2019, "reconsideration: [");
    assert!(
        human.contains(&format!(
            "错误[T004]: 第四部分总计不等于各结果之和\n  --> content/shili/2019/data.yaml:{line}:"
        )),
        "{human}"
    );
    assert!(human.contains("= 单元格：「行政复议」×「总计」"), "{human}");
    assert!(human.contains("= 应为：1（"), "{human}");
    assert!(
        human.contains("检查了 1 个机关的 4 个年度：1 个错误"),
        "{human}"
    );
}

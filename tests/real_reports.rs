//! Checks that hold on real published reports: blank cells, acknowledgements of groups of cells
//! that record their figures, units, figures in the narrative, and what a clerk types on a
//! Chinese keyboard. The fixture `blanks` is a published report that leaves every zero blank.

mod common;

use common::{Site, only, with_code};
use serde_json::Value;

const B2023: &str = "content/moumou/2023/data.yaml";
const B2023_MD: &str = "content/moumou/2023/report.md";
const V2020: &str = "content/shili/2020/data.yaml";
const V2021: &str = "content/shili/2021/data.yaml";

fn open(diagnostics: &[Value]) -> Vec<&Value> {
    diagnostics
        .iter()
        .filter(|d| d["acknowledged"].is_null())
        .collect()
}

// ---- 1. blank cells ---------------------------------------------------------------------

#[test]
fn a_report_of_blanks_checks_clean_with_three_entries() {
    let site = Site::fixture("blanks");
    let (code, diagnostics) = site.check();
    assert_eq!(code, 0, "{diagnostics:#?}");
    assert!(open(&diagnostics).is_empty(), "{:#?}", open(&diagnostics));
    assert!(with_code(&diagnostics, "N001").len() > 150);
    let mut entries: Vec<u64> = diagnostics
        .iter()
        .filter_map(|d| d["acknowledged_by"].as_u64())
        .collect();
    entries.sort_unstable();
    entries.dedup();
    assert_eq!(entries.len(), 3, "three entries acknowledge everything");
}

#[test]
fn a_changed_figure_among_blanks_is_caught() {
    let site = Site::fixture("blanks");
    site.replace(B2023, "granted: [6, /", "granted: [999, /");
    let (code, diagnostics) = site.check();
    assert_eq!(code, 1);
    // The narrative's 予以公开6件 no longer agrees with the row either (a warning).
    let d011 = only(&diagnostics, "D011");
    assert!(d011["message"].as_str().unwrap().contains("为 999"));
    let open: Vec<_> = open(&diagnostics)
        .into_iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    assert_eq!(open.len(), 1, "{open:#?}");
    let d = open[0];
    assert_eq!(d["code"], "T003");
    assert_eq!(d["line"], site.line_of(B2023, "  total: ["));
    assert_eq!(d["label"], "「三、本年度办理结果（七）总计」×「自然人」");
    assert!(
        d["expected"]
            .as_str()
            .unwrap()
            .starts_with("若空白按 0 计，应为 1005"),
        "{d:#?}"
    );
    assert!(d["expected"].as_str().unwrap().contains("空白"));
    assert_eq!(d["found"], "12");
    assert!(d["message"].as_str().unwrap().contains("按 0 计"));
}

#[test]
fn a_total_left_out_beside_a_blank_cannot_be_computed() {
    let site = Site::fixture("blanks");
    site.replace(
        B2023,
        "carried_over: [1, /, /, /, /, /, /]",
        "carried_over: [1, /, /, /, /, /]",
    );
    let (code, diagnostics) = site.check();
    assert_eq!(code, 1);
    let d = only(&diagnostics, "N002");
    assert_eq!(d["line"], site.line_of(B2023, "carried_over: ["));
    assert_eq!(d["label"], "「四、结转下年度继续办理」×「总计」");
    assert!(d["message"].as_str().unwrap().contains("「商业企业」"));
}

#[test]
fn headline_figures_use_printed_figures_beside_a_blank() {
    // 部分公开 left blank: the disclosure rate is still (予以公开 + 部分公开) ÷ 办结总数.
    let site = Site::fixture("valid");
    site.replace(
        V2021,
        "  granted: [0, 0, 0, 0, 0, 0, 0]",
        "  granted: [/, /, /, /, /, /, /]",
    );
    site.write(
        V2021,
        site.read(V2021)
            + "acknowledged:\n  - code: N001\n    cell: requests.granted\n    found: /\n    reason: 原报告此行空白\n",
    );
    let out = site.run(&["build"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let agency = site.read("output/shili/index.html");
    let desc = agency
        .split("<desc id=\"chart-disclosure_rate-desc\">")
        .nth(1)
        .and_then(|s| s.split("</desc>").next())
        .unwrap_or_else(|| panic!("no disclosure-rate chart: {agency}"));
    assert!(desc.contains("2021年 0.0%"), "{desc}");
    assert!(!desc.contains("无数据"), "{desc}");
}

// ---- 2. acknowledgements --------------------------------------------------------------

#[test]
fn one_entry_for_a_group_shows_one_note() {
    let site = Site::fixture("blanks");
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(0));
    let html = site.read("output/moumou/2023/index.html");
    assert_eq!(html.matches("id=\"note-").count(), 3, "one note per entry");
    assert!(html.contains("等 167 处"));
    assert!(
        html.matches("※1").count() > 100,
        "every covered cell is marked"
    );
}

#[test]
fn an_entry_stops_matching_when_its_figures_change() {
    let site = Site::example();
    let file = "content/hongze/2023/data.yaml";
    site.replace(
        file,
        "reconsideration: [10, 1, 0, 0, 0]",
        "reconsideration: [10, 1, 0, 0, 5]",
    );
    let (code, diagnostics) = site.check();
    assert_eq!(code, 1);
    let t004: Vec<_> = with_code(&diagnostics, "T004")
        .into_iter()
        .filter(|d| d["acknowledged"].is_null())
        .collect();
    assert_eq!(t004.len(), 1);
    assert_eq!(t004[0]["found"], "5");
    let a003 = only(&diagnostics, "A003");
    assert_eq!(a003["file"], file);
    let message = a003["message"].as_str().unwrap();
    assert!(message.contains("记录的实际值是 0，现在是 5"), "{message}");
    assert!(with_code(&diagnostics, "A002").is_empty());
}

#[test]
fn a_row_entry_that_matches_nothing_names_the_cells() {
    let site = Site::fixture("valid");
    site.replace(
        V2020,
        "granted: [3, 0, 0, 0, 0, 0, 3]",
        "granted: [3, 0, 0, 0, 0, 0, 4]",
    );
    site.write(
        V2020,
        site.read(V2020)
            + "acknowledged:\n  - code: T002\n    cell: requests.partly_granted\n    reason: 写错了行\n",
    );
    let (code, diagnostics) = site.check();
    assert_eq!(code, 1);
    assert!(only(&diagnostics, "T002")["acknowledged"].is_null());
    let a002 = only(&diagnostics, "A002");
    assert!(
        a002["hint"]
            .as_str()
            .unwrap()
            .contains("requests.granted.total"),
        "{a002:#?}"
    );
}

#[test]
fn an_entry_for_an_unreadable_cell_says_so() {
    let site = Site::example();
    let file = "content/hongze/2023/data.yaml";
    site.replace(
        file,
        "reconsideration: [10, 1, 0, 0, 0]",
        "reconsideration: [10, 1, 0, 0, 零]",
    );
    let (_, diagnostics) = site.check();
    let a002 = only(&diagnostics, "A002");
    let message = a002["message"].as_str().unwrap();
    assert!(message.contains("无法读取"), "{message}");
    assert!(!message.contains("改正"), "{message}");
}

// ---- 3. units (data side) -------------------------------------------------------------

#[test]
fn a_value_typed_with_its_unit_gets_the_converted_suggestion() {
    let site = Site::fixture("valid");
    site.replace(V2021, "fees: 3.5 ", "fees: 35000元 ");
    let (code, diagnostics) = site.check();
    assert_eq!(code, 1);
    let d = only(&diagnostics, "L012");
    assert!(
        d["message"].as_str().unwrap().contains("是不是 3.5？"),
        "{d:#?}"
    );
    assert_eq!(d["line"], site.line_of(V2021, "fees: 35000元"));
}

#[test]
fn a_thousandfold_change_from_last_year_is_a_unit_slip() {
    let site = Site::fixture("blanks");
    site.replace(B2023, "fees: 13.02 ", "fees: 130200 ");
    let (code, diagnostics) = site.check();
    assert_eq!(code, 0, "a warning");
    let d = only(&diagnostics, "Y004");
    assert_eq!(d["severity"], "warning");
    assert_eq!(d["line"], site.line_of(B2023, "fees: 130200"));
    assert!(
        d["hint"]
            .as_str()
            .unwrap()
            .contains("130200 元是 13.02 万元")
    );
}

#[test]
fn the_scaffold_names_every_money_unit() {
    let site = Site::example();
    let out = site.run(&["new", "jiahe", "2019"]);
    assert_eq!(out.status.code(), Some(0));
    let data = site.read("content/jiahe/2019/data.yaml");
    assert!(data.contains("采购总金额（单位：万元）"), "{data}");
    let out = site.run(&["new", "jiahe", "2025"]);
    assert_eq!(out.status.code(), Some(0));
    let data = site.read("content/jiahe/2025/data.yaml");
    assert!(data.contains("本年收费金额（单位：万元）"));
    assert!(data.contains("实际收取的总金额（单位：元）"));
}

// ---- 4. figures in the narrative ------------------------------------------------------

#[test]
fn a_realistic_narrative_raises_no_false_alarm() {
    // Dates, a phone number, meetings, 信息356条, 行政处罚信息45条 and last year's figures.
    let site = Site::fixture("blanks");
    let (_, diagnostics) = site.check();
    assert!(with_code(&diagnostics, "D011").is_empty());
}

#[test]
fn narrative_figures_that_differ_from_the_table_are_named() {
    let site = Site::fixture("blanks");
    site.replace(B2023_MD, "制发规范性文件2件", "制发规范性文件3件");
    site.replace(B2023_MD, "收取信息处理费0元", "收取信息处理费100元");
    site.replace(B2023_MD, "行政处罚决定45件", "行政处罚决定54件");
    site.replace(
        "content/moumou/2022/report.md",
        "共收到政府信息公开申请2件",
        "共收到政府信息公开申请3件",
    );
    let (code, diagnostics) = site.check();
    assert_eq!(code, 0, "warnings only");
    let d011 = with_code(&diagnostics, "D011");
    assert_eq!(d011.len(), 4, "{d011:#?}");
    let by_label = |label: &str| {
        d011.iter()
            .find(|d| d["label"] == label)
            .unwrap_or_else(|| panic!("{label} in {d011:#?}"))
    };
    let docs = by_label("「第二十条第（一）项 行政规范性文件」×「本年制发件数」");
    assert_eq!(docs["file"], B2023_MD);
    assert_eq!(docs["line"], site.line_of(B2023_MD, "制发规范性文件3件"));
    assert_eq!(docs["found"], "3件");
    assert!(docs["message"].as_str().unwrap().contains("为 2"));
    let fee = by_label("「信息处理费 实际收取的总金额（单位：元）」");
    assert!(fee["message"].as_str().unwrap().contains("为 0元"));
    by_label("「第二十条第（六）项 行政处罚」×「本年处理决定数量」");
    let received = by_label("「一、本年新收政府信息公开申请数量」×「总计」");
    assert_eq!(received["file"], "content/moumou/2022/report.md");
}

#[test]
fn a_blank_total_column_reads_as_the_sum_of_its_row() {
    // 2023 leaves the 总计 column blank; the narrative's 12 applications are the row's sum.
    let site = Site::fixture("blanks");
    site.replace(
        B2023_MD,
        "共收到政府信息公开申请12件",
        "共收到政府信息公开申请21件",
    );
    let (_, diagnostics) = site.check();
    let d = only(&diagnostics, "D011");
    assert_eq!(d["line"], site.line_of(B2023_MD, "申请21件"));
    assert!(d["message"].as_str().unwrap().contains("为 12"), "{d:#?}");
}

#[test]
fn received_with_carried_in_agrees_either_way() {
    let site = Site::fixture("valid");
    // 2020: received 2, carried in 1.
    site.replace(
        "content/shili/2020/report.md",
        "## 一、总体情况\n",
        "## 一、总体情况\n\n全年共收到政府信息公开申请3件（含上年结转1件）。\n",
    );
    let (_, diagnostics) = site.check();
    assert!(
        with_code(&diagnostics, "D011").is_empty(),
        "{diagnostics:#?}"
    );
}

// ---- 6. a Chinese keyboard --------------------------------------------------------------

fn assert_chinese_only(text: &str) {
    for english in [
        "expected", "while ", "found ", "did not", "mapping", "scanning",
    ] {
        assert!(!text.contains(english), "parser English in: {text}");
    }
}

#[test]
fn a_full_width_colon_is_reported_at_its_line() {
    let site = Site::fixture("valid");
    site.replace(
        V2021,
        "  received: [1, 0, 0, 0, 0, 0, 1]",
        "  received： [1, 0, 0, 0, 0, 0, 1]",
    );
    let (code, diagnostics) = site.check();
    assert_eq!(code, 1);
    let d = only(&diagnostics, "L001");
    assert_eq!(d["line"], site.line_of(V2021, "received："));
    assert_eq!(d["column"], 11);
    assert!(d["message"].as_str().unwrap().contains("全角"));
    let (_, human) = site.check_human();
    assert_chinese_only(&human);
}

#[test]
fn full_width_commas_brackets_spaces_and_tabs() {
    for (from, to, needle, word) in [
        (
            "granted: [3, 0, 0,",
            "granted: [3，0, 0,",
            "granted: [3，",
            "全角逗号",
        ),
        (
            "granted: [3, 0, 0,",
            "granted: ［3, 0, 0,",
            "granted: ［",
            "全角方括号",
        ),
        (
            "granted: [3, 0, 0,",
            "granted: [3,　0, 0,",
            "granted: [3,　",
            "全角空格",
        ),
        ("  granted: [3,", "\tgranted: [3,", "\tgranted", "Tab"),
        (
            "granted: [3, 0, 0, 0, 0, 0, 3]",
            "granted: [3, 0, 0, 0, 0, 0, 3",
            "granted: [3, 0, 0, 0, 0, 0, 3 ",
            "右方括号",
        ),
    ] {
        let site = Site::fixture("valid");
        site.replace(V2020, from, to);
        let (code, diagnostics) = site.check();
        assert_eq!(code, 1);
        let d = only(&diagnostics, "L001");
        assert_eq!(d["line"], site.line_of(V2020, needle), "{to}");
        assert!(
            d["message"].as_str().unwrap().contains(word),
            "{to}: {d:#?}"
        );
        let (_, human) = site.check_human();
        assert_chinese_only(&human);
    }
}

#[test]
fn a_list_that_goes_on_over_the_next_line_is_no_slip() {
    let site = Site::fixture("valid");
    site.replace(
        V2020,
        "granted: [3, 0, 0, 0, 0, 0, 3]",
        "granted: [3, 0, 0,\n    0, 0, 0, 3]",
    );
    let (code, diagnostics) = site.check();
    assert_eq!(code, 0, "{diagnostics:#?}");
}

#[test]
fn other_yaml_slips_never_show_parser_english() {
    for broken in [
        "template: 2021\npublished: '2022-01-28\n",
        "template: 2021\nrequests:\n  received: [1, 2]\n bad: 1\n",
        "template: 2021\nrequests: {received\n",
    ] {
        let site = Site::fixture("valid");
        site.write(V2021, broken);
        let (code, diagnostics) = site.check();
        assert_eq!(code, 1);
        only(&diagnostics, "L001");
        let (_, human) = site.check_human();
        assert_chinese_only(&human);
    }
}

#[test]
fn a_row_one_number_short_gets_the_missing_number_hint() {
    let site = Site::fixture("valid");
    site.replace(
        V2020,
        "granted: [3, 0, 0, 0, 0, 0, 3]",
        "granted: [3, 0, 0, 0, 0, 3]",
    );
    let (code, diagnostics) = site.check();
    assert_eq!(code, 1);
    assert_eq!(
        diagnostics.len(),
        1,
        "no follow-on at （七）总计: {diagnostics:#?}"
    );
    let d = only(&diagnostics, "L013");
    assert_eq!(d["line"], site.line_of(V2020, "granted: [3"));
    assert!(d["message"].as_str().unwrap().contains("少了一个数"));
}

#[test]
fn a_wrong_template_line_is_one_error() {
    let site = Site::fixture("valid");
    site.replace(V2021, "template: 2021", "template: 2019");
    let (code, diagnostics) = site.check();
    assert_eq!(code, 1);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    only(&diagnostics, "D005");
}

#[test]
fn a_row_total_error_does_not_blame_the_correct_total() {
    let site = Site::fixture("valid");
    site.replace(
        V2021,
        "received: [1, 0, 0, 0, 0, 0, 1]",
        "received: [1, 0, 0, 0, 0, 0, 2]",
    );
    let (code, diagnostics) = site.check();
    assert_eq!(code, 1);
    let errors: Vec<_> = diagnostics
        .iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0]["code"], "T002");
    assert_eq!(errors[0]["cell"], "requests.received.total");
}

#[test]
fn a_comment_left_open_is_named_not_the_headings_it_hides() {
    // A clerk deletes the last line of the scaffold's comment, `-->` with it: every heading after
    // it disappears from the page. The message names the comment's line, not "正文缺少…".
    let site = Site::fixture("valid");
    let report = "content/shili/2021/report.md";
    let text = site.read(report);
    site.write(report, format!("<!-- 编写说明：发布前删除\n\n{text}"));
    let (code, diagnostics) = site.check();
    assert_eq!(code, 1);
    let d = only(&diagnostics, "D014");
    assert_eq!(d["line"], 1);
    assert!(d["file"].as_str().unwrap().ends_with("2021/report.md"));
    assert!(with_code(&diagnostics, "D003").is_empty());
    // Closed again, the report is clean.
    site.write(report, format!("<!-- 编写说明：发布前删除 -->\n\n{text}"));
    let (code, diagnostics) = site.check();
    assert_eq!(code, 0);
    assert!(with_code(&diagnostics, "D014").is_empty());
}

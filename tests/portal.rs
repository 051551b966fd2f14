//! Portal mode for a disclosure office: agency groups, publication status (`nianbao status` and the
//! year overview pages), on tests/fixtures/district: four fictional agencies in three groups of
//! site.yaml; 2019–2020 in the 2019 template, 2021 on in the 2021 template; shili 2019 published
//! on an unknown date, shili 2022 late (2023-02-10), moumou 2023 a draft, missing years elsewhere.

mod common;

use common::{Site, with_code};
use serde_json::Value;

fn built(site: &Site, drafts: bool) -> std::path::PathBuf {
    let output = site.path(if drafts { "drafts" } else { "output" });
    let mut args = vec!["build", "--output", output.to_str().unwrap()];
    if drafts {
        args.push("--drafts");
    }
    let out = site.run(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    output
}

fn status_json(site: &Site, year: &str) -> Value {
    let out = site.run(&["status", "--year", year, "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// (folder name, state) of every agency in the year's status, in group order.
fn states(status: &Value) -> Vec<(String, String)> {
    status["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["agencies"].as_array().unwrap())
        .map(|a| {
            (
                a["agency"].as_str().unwrap().to_string(),
                a["state"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, s)| (a.to_string(), s.to_string()))
        .collect()
}

#[test]
fn status_json_tells_on_time_late_undated_draft_and_missing_in_group_order() {
    let site = Site::fixture("district");
    let s2019 = status_json(&site, "2019");
    assert_eq!(
        states(&s2019),
        pairs(&[
            ("moumou", "missing"),
            ("shili", "undated"),
            ("shilizhen", "missing"),
            ("mouzhen", "missing"),
        ])
    );
    let s2022 = status_json(&site, "2022");
    assert_eq!(
        states(&s2022),
        pairs(&[
            ("moumou", "on_time"),
            ("shili", "late"),
            ("shilizhen", "on_time"),
            ("mouzhen", "missing"),
        ])
    );
    let groups: Vec<&str> = s2022["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert_eq!(groups, ["区政府部门", "街道办事处", "镇人民政府"]);
    let shili = &s2022["groups"][1]["agencies"][0];
    assert_eq!(shili["published"], "2023-02-10");
    assert_eq!(shili["deadline"], "2023-01-31");
    assert_eq!(
        shili["text"],
        "逾期发布（2023年2月10日，期限2023年1月31日）"
    );
    // The late date is a warning of check (D006), counted as a problem of that year.
    assert_eq!(shili["problems"]["warnings"], 1);
    assert_eq!(
        s2022["groups"][0]["agencies"][0]["problems"]["acknowledged"],
        1
    );
    let count = |status: &Value, state: &str| {
        status["counts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["state"] == state)
            .unwrap()["count"]
            .clone()
    };
    assert_eq!(count(&s2022, "on_time"), 2);
    assert_eq!(count(&s2022, "late"), 1);
    assert_eq!(count(&s2022, "missing"), 1);
    // The latest year by default: moumou's 2023 is a draft, with the error check finds in it.
    let out = site.run(&["status", "--format", "json"]);
    let latest: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(latest["year"], 2023);
    assert_eq!(latest["groups"][0]["agencies"][0]["state"], "draft");
    assert_eq!(latest["groups"][0]["agencies"][0]["problems"]["errors"], 1);
}

#[test]
fn status_for_the_terminal_lists_groups_agencies_and_counts() {
    let site = Site::fixture("district");
    let out = site.run(&["status", "--year", "2022"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("2022 年度年报发布情况（共 4 个机关）\n"),
        "{text}"
    );
    assert!(
        text.contains("按时发布：2　逾期发布：1　日期不详：0　草稿：0　缺失：1"),
        "{text}"
    );
    assert!(
        text.contains("示例街道办事处（shili）　逾期发布（2023年2月10日，期限2023年1月31日）　错误 0、警告 1、已确认问题 0"),
        "{text}"
    );
    assert!(
        text.contains("某某区某某镇人民政府（mouzhen）　缺失（没有该年度的文件夹）"),
        "{text}"
    );
    let order: Vec<usize> = [
        "区政府部门",
        "街道办事处",
        "镇人民政府",
        "shilizhen",
        "mouzhen",
    ]
    .iter()
    .map(|n| text.find(n).unwrap())
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
    // One agency only.
    let out = site.run(&["status", "--year", "2022", "--agency", "shili"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("（共 1 个机关）") && !text.contains("moumou"),
        "{text}"
    );
    // A year no agency has.
    let out = site.run(&["status", "--year", "2018"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("站点中没有 2018 年度的年报")
            && err.contains("现有年度：2019、2020、2021、2022、2023"),
        "{err}"
    );
}

#[test]
fn overview_pages_show_each_agency_in_its_group_linked_to_its_year_page() {
    let site = Site::fixture("district");
    let output = built(&site, false);
    let page = std::fs::read_to_string(output.join("overview/2022.html")).unwrap();
    let order: Vec<usize> = [
        "<h2 id=\"g1\">区政府部门</h2>",
        "<h2 id=\"g2\">街道办事处</h2>",
        "<h2 id=\"g3\">镇人民政府</h2>",
        "某某区示例镇人民政府",
        "某某区某某镇人民政府",
    ]
    .iter()
    .map(|n| {
        page.find(n)
            .unwrap_or_else(|| panic!("{n} not in the overview"))
    })
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]));
    // In-page navigation by group.
    assert!(page.contains("<a href=\"#g3\">镇人民政府（2）</a>"));
    assert!(page.contains(
        "<a href=\"../shili/2022/index.html\">示例街道办事处</a></th><td data-sort=\"1\">逾期发布（2023年2月10日，期限2023年1月31日）</td>"
    ));
    assert!(page.contains("按时发布（2023年1月16日）"));
    // A missing year links to the agency's page; its figures are 「—」.
    assert!(page.contains("<a href=\"../mouzhen/index.html\">某某区某某镇人民政府</a></th><td data-sort=\"4\">尚未发布</td><td class=\"num\">—</td>"));
    assert!(page.contains("<td data-sort=\"1\">警告 1</td>"));
    // The year page links back to nothing new, but the front page links to every overview.
    let front = std::fs::read_to_string(output.join("index.html")).unwrap();
    for year in 2019..=2022 {
        assert!(front.contains(&format!("href=\"overview/{year}.html\"")));
    }
    // The public build tells no one that moumou's 2023 is a draft: 2023 has only that draft, so
    // it has no overview; in 2022's, 尚未发布 is the only word for a report not out.
    assert!(!output.join("overview/2023.html").exists());
    assert!(!front.contains("overview/2023.html"));
    let page = std::fs::read_to_string(output.join("overview/2022.html")).unwrap();
    assert!(!page.contains("草稿") && !page.contains("缺失"));
    assert!(page.contains("尚未发布：<strong>1</strong>"));
    // The reviewer's build (--drafts) does, with the draft's problem count.
    let drafts = built(&site, true);
    let page = std::fs::read_to_string(drafts.join("overview/2023.html")).unwrap();
    assert!(page.contains("<a href=\"../moumou/2023/index.html\">某某区某某局</a></th><td data-sort=\"3\">草稿（未发布）</td>"));
    assert!(page.contains("错误 1"));
    assert!(page.contains("草稿：<strong>1</strong>") && page.contains("缺失：<strong>3</strong>"));
}

#[test]
fn overview_figures_are_the_years_headline_figures() {
    let site = Site::fixture("district");
    let output = built(&site, false);
    let page = std::fs::read_to_string(output.join("overview/2021.html")).unwrap();
    let row_start = page.find("../moumou/2021/index.html").unwrap();
    let row = &page[row_start..row_start + page[row_start..].find("</tr>").unwrap()];
    let cells: Vec<&str> = row
        .split("<td")
        .skip(1)
        .map(|c| {
            let text = &c[c.find('>').unwrap() + 1..];
            &text[..text.find("</td>").unwrap()]
        })
        .collect();
    let data = site.read("content/moumou/2021/data.yaml");
    assert!(
        data.contains("fees:"),
        "the 2021 template has the fee figures"
    );
    // 发布情况, received, handled, 公开率, 复议, 复议纠错率, 诉讼, 诉讼纠错率, fee notices, fees, problems.
    assert_eq!(cells.len(), 11, "{row}");
    assert_eq!(cells[0], "按时发布（2022年1月28日）");
    let exported = site.exported("moumou", 2021);
    let value = |id: &str| {
        exported
            .iter()
            .find(|(c, _)| c == id)
            .unwrap_or_else(|| panic!("{id}"))
            .1
            .clone()
    };
    assert_eq!(cells[1], value("requests.received.total"));
    assert_eq!(cells[2], value("requests.total.total"));
    assert_eq!(cells[8], value("fees.notices.value"));
    assert_eq!(cells[9], value("fees.collected.value"));
    // A 2019-template year has no fee figures.
    let page = std::fs::read_to_string(output.join("overview/2020.html")).unwrap();
    let row_start = page.find("../shili/2020/index.html").unwrap();
    let row = &page[row_start..row_start + page[row_start..].find("</tr>").unwrap()];
    assert!(
        row.ends_with(
            "<td class=\"num\">—</td><td class=\"num\">—</td><td data-sort=\"0\">无</td>"
        ),
        "{row}"
    );
}

#[test]
fn bad_groups_in_site_yaml_are_warnings_at_their_line_and_every_agency_is_still_listed() {
    let site = Site::fixture("district");
    site.replace(
        "content/site.yaml",
        "agencies: [shilizhen, mouzhen]",
        "agencies: [shilizhen, moumou, nosuch]",
    );
    let (code, diagnostics) = site.check();
    assert_eq!(code, 0, "group problems do not fail check");
    let found = with_code(&diagnostics, "L023");
    assert_eq!(found.len(), 3, "{found:#?}");
    let line = site.line_of("content/site.yaml", "nosuch") as i64;
    let twice = found
        .iter()
        .find(|d| d["message"].as_str().unwrap().contains("同时列在"))
        .unwrap();
    assert_eq!(twice["line"], line);
    assert_eq!(twice["severity"], "warning");
    assert_eq!(
        twice["message"],
        "机关 moumou 同时列在分组「区政府部门」和「镇人民政府」中，只列在前面的「区政府部门」"
    );
    let unknown = found
        .iter()
        .find(|d| d["message"].as_str().unwrap().contains("nosuch"))
        .unwrap();
    assert_eq!(unknown["line"], line);
    assert_eq!(unknown["yaml_path"], "groups[2].agencies[2]");
    assert!(
        unknown["message"]
            .as_str()
            .unwrap()
            .contains("content/ 下没有这个文件夹），已忽略")
    );
    let left = found
        .iter()
        .find(|d| {
            d["message"]
                .as_str()
                .unwrap()
                .contains("不在任何机关分组中")
        })
        .unwrap();
    assert_eq!(
        left["message"],
        "mouzhen（某某区某某镇人民政府）不在任何机关分组中，列在最后的「其他机关」分组"
    );
    let output = built(&site, false);
    let front = std::fs::read_to_string(output.join("index.html")).unwrap();
    let other = front.find("其他机关").unwrap();
    assert!(front[other..].contains("某某区某某镇人民政府"));
    assert_eq!(front.matches(">某某区某某局</a>").count(), 1);
    // A group that is not a list of codes.
    site.replace(
        "content/site.yaml",
        "agencies: [shilizhen, moumou, nosuch]",
        "agencies: shilizhen",
    );
    let (_, diagnostics) = site.check();
    let d = common::only(&diagnostics, "L014");
    assert_eq!(
        d["message"],
        "分组「镇人民政府」的机关代号（agencies）应是一个列表，实际是单个值"
    );
}

#[test]
fn without_groups_in_site_yaml_agencies_are_grouped_by_kind() {
    let site = Site::fixture("portal");
    let output = built(&site, false);
    let front = std::fs::read_to_string(output.join("index.html")).unwrap();
    let order: Vec<usize> = [
        "<h2 id=\"g1\">政府部门</h2>",
        "<h2 id=\"g2\">街道办事处</h2>",
        "<h2 id=\"g3\">乡镇人民政府</h2>",
    ]
    .iter()
    .map(|n| {
        front
            .find(n)
            .unwrap_or_else(|| panic!("{n} not on the front page"))
    })
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]));
    let (_, diagnostics) = site.check();
    assert!(with_code(&diagnostics, "L023").is_empty());
}

/// The `<td>`s of the row of a totals table whose header reads `label`.
fn totals_row(page: &str, label: &str) -> Vec<String> {
    let head = format!("<tr><th scope=\"row\">{label}</th>");
    let start = page.find(&head).unwrap_or_else(|| panic!("no row {label}")) + head.len();
    let row = &page[start..start + page[start..].find("</tr>").unwrap()];
    row.split("<td class=\"num\">")
        .skip(1)
        .map(|c| c.trim_end_matches("</td>").to_string())
        .collect()
}

#[test]
fn totals_sum_every_cell_over_the_included_agencies_and_recompute_rates() {
    let site = Site::fixture("district");
    let output = built(&site, false);
    let page = std::fs::read_to_string(output.join("totals/2022.html")).unwrap();
    assert!(page.contains("<h1>2022年度各机关年报数字汇总</h1>"));
    assert!(page.contains("<strong>计算所得的汇总，不是正式发布的年度报告。</strong>"));
    // Included: the three agencies with a 2022 report, linked; mouzhen has none.
    for href in ["moumou/2022", "shili/2022", "shilizhen/2022"] {
        assert!(
            page.contains(&format!("href=\"../{href}/index.html\"")),
            "{href}"
        );
    }
    assert!(page.contains("未纳入汇总的机关：某某区某某镇人民政府。"));
    // Hand-computed from the fixture. Received: 2 + 2 + 2 against 1 + 1 + 1 in 2021.
    assert_eq!(
        totals_row(&page, "一、本年新收政府信息公开申请数量 — 总计"),
        ["6", "3", "+3", "+100%"]
    );
    // Fees collected (元): 0 + 150.5 + 0 against 100 + 100 + 100; −149.5 ÷ 300 = −49.8%.
    assert_eq!(
        totals_row(&page, "信息处理费 实际收取的总金额（单位：元）"),
        ["150.5", "300", "−149.5", "−49.8%"]
    );
    assert_eq!(
        totals_row(&page, "信息处理费 发出收费通知的件数"),
        ["2", "3", "−1", "−33.3%"]
    );
    // 公开率 from the sums: (0 + 3 partly granted) ÷ 3 handled, against 0 ÷ 3.
    assert!(page.contains("<td class=\"num\">100.0%</td><td class=\"num\">0.0%</td>"));
    // The overview links to the totals and back.
    let overview = std::fs::read_to_string(output.join("overview/2022.html")).unwrap();
    assert!(overview.contains("href=\"../totals/2022.html\""));
    assert!(page.contains("href=\"../overview/2022.html\""));
}

#[test]
fn totals_compare_with_last_year_over_the_agencies_in_both_and_across_templates_by_shared_cells() {
    let site = Site::fixture("district");
    let output = built(&site, false);
    // 2021 (2021 template): moumou, shili, shilizhen; 2020 (2019 template): shili and mouzhen.
    let page = std::fs::read_to_string(output.join("totals/2021.html")).unwrap();
    assert!(page.contains("只计两年都有年报的机关（示例街道办事处）"));
    assert!(page.contains("使用另一种年报格式，只比较两种格式口径相同的项目"));
    assert!(page.contains("<th scope=\"col\">本年（可比机关）</th>"));
    // 本年合计 over three agencies, 本年（可比机关） over shili alone, against shili's 2020.
    let shili_2020 = site.exported("shili", 2020);
    let received_2020 = &shili_2020
        .iter()
        .find(|(c, _)| c == "requests.received.total")
        .unwrap()
        .1;
    let row = totals_row(&page, "一、本年新收政府信息公开申请数量 — 总计");
    assert_eq!(row[0], "3");
    assert_eq!(row[1], "1");
    assert_eq!(&row[2], received_2020);
    // Part 二's 2021 columns that the 2019 template does not have.
    assert_eq!(
        totals_row(&page, "第二十条第（一）项 规章 — 本年制发件数"),
        ["0", "0", "口径不同", "", ""]
    );
    // A single-agency site has no totals.
    let one = Site::fixture("valid");
    let out = built(&one, false);
    assert!(!out.join("totals").exists());
}

#[test]
fn cross_agency_pages_list_every_agency_and_year_of_a_row_linked_both_ways() {
    let site = Site::fixture("district");
    let output = built(&site, false);
    let read = |rel: &str| std::fs::read_to_string(output.join(rel)).unwrap();
    let page = read("across/requests.received.html");
    assert!(page.contains("<th scope=\"col\">2019年</th><th scope=\"col\">2020年</th><th scope=\"col\">2021年</th><th scope=\"col\">2022年</th>"));
    // Groups in site.yaml's order, each agency with each year; a year without a report is 「—」.
    let order: Vec<usize> = [
        "区政府部门",
        "街道办事处",
        "镇人民政府",
        "某某区示例镇人民政府",
        "某某区某某镇人民政府",
    ]
    .iter()
    .map(|n| page.find(&format!(">{n}<")).unwrap())
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]));
    assert!(page.contains(
        "<a href=\"../mouzhen/index.html\">某某区某某镇人民政府</a></th><td class=\"num\">—</td><td class=\"num\"><a href=\"../mouzhen/metrics/requests.html#r-received-y2020\">"
    ));
    // Each figure leads to the agency's metric page, whose row leads back here.
    let metric = read("shili/metrics/requests.html");
    assert!(metric.contains("id=\"r-received-y2022\""));
    assert!(metric.contains("<a href=\"../../across/requests.received.html\">各机关的「一、本年新收政府信息公开申请数量」</a>"));
    // A row of part 二 shows each of its columns; a row the 2019 template lacks says so.
    let rules = read("across/proactive.item1.rules.html");
    assert!(rules.contains("<h2 id=\"c-issued\">"));
    assert!(rules.contains("<h2 id=\"c-in_force\">"));
    assert!(rules.contains("示例街道办事处</a></th><td class=\"num\">口径不同</td><td class=\"num\">口径不同</td><td class=\"num\"><a href=\"../shili/metrics/proactive.item1.html#r-rules-y2021\">0</a></td>"));
    // The index lists every row page; the front page links it.
    let index = read("across/index.html");
    assert!(index.contains("href=\"../across/requests.received.html\""));
    assert!(read("index.html").contains("href=\"across/index.html\""));
}

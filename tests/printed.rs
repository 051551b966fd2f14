//! Reports as printed: notes beside numbers, rows a province adds to part 二, units of money, one
//! way to show a value on every page, acknowledged problems marked wherever a cell appears, and
//! narrative habits (首行缩进, full-width indents, part headings not written as headings).
//! The fixture `printed` is a fictional 示例镇 whose 2022 report has all of these.

mod common;

use common::{Site, only, with_code};

fn build(site: &Site) {
    let out = site.run(&["build"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "build failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The `<tr>` elements of a page's table with this id, in order.
fn table_rows(html: &str, id: &str) -> Vec<String> {
    let start = html
        .find(&format!("<table class=\"report-table part2\" id=\"{id}\""))
        .unwrap_or_else(|| panic!("no table {id}"));
    let end = start + html[start..].find("</table>").unwrap();
    html[start..end]
        .split("<tr>")
        .skip(1)
        .map(|r| r.to_string())
        .collect()
}

#[test]
fn notes_and_extra_rows_are_kept_as_printed() {
    let site = Site::fixture("printed");
    let (code, diagnostics) = site.check();
    assert_eq!(code, 0, "{diagnostics:#?}");
    build(&site);
    let page = site.read("output/shilizhen/2022/index.html");

    // 「1（其中修订1件）」: the number 1 with a footnote mark, the note listed under the table.
    let rows = table_rows(&page, "t-proactive-item1");
    // Header, 规章, 行政规范性文件, then the added row in the place it was written.
    assert_eq!(rows.len(), 4, "{rows:#?}");
    assert!(rows[1].contains(">规章<"), "{}", rows[1]);
    assert!(
        rows[2].contains(">1<a class=\"fn\" href=\"#fn-1\" title=\"其中修订1件\">注1</a>"),
        "{}",
        rows[2]
    );
    assert!(
        page.contains("<li id=\"fn-1\"><span class=\"fn\">注1</span> 「第二十条第（一）项 行政规范性文件」×「本年制发件数」：其中修订1件</li>"),
        "the note is listed under its table"
    );
    // The added row: its label, marked as not part of the national template, values in place,
    // the `{值: 12, 注: …}` form noted too, header associations for screen readers.
    let extra = &rows[3];
    assert!(extra.contains("class=\"extra\">其他主动公开文件<span class=\"extra-tag\">（本地增加，非全国统一格式）</span>"), "{extra}");
    assert!(
        extra.contains("headers=\"ax1 ah1\" class=\"extra\">5<"),
        "{extra}"
    );
    assert!(
        extra.contains(">12<a class=\"fn\" href=\"#fn-2\" title=\"含转发上级文件3件\">注2</a>"),
        "{extra}"
    );
    assert!(page.contains("不参与数字核对和年度比较"));
    // A money cell with a note: 「0（本年未收费）」.
    assert!(page.contains("title=\"本年未收费\">注3</a>"));

    // The added row is left out of comparisons and metric pages.
    let compare = site.read("output/shilizhen/2022/compare.html");
    assert!(!compare.contains("其他主动公开文件"));
    let metric = site.read("output/shilizhen/metrics/proactive.item1.html");
    assert!(!metric.contains("其他主动公开文件"));

    // Exports: the notes, and the added row (no row id in the CSV; `national: false` in the JSON).
    let csv = site.read("output/shilizhen/2022/data.csv");
    let header = csv.lines().next().unwrap();
    assert!(
        header.starts_with("\u{feff}行编号,行标签,本年制发件数,"),
        "{header}"
    );
    assert!(header.ends_with(",注"), "{header}");
    assert!(csv.contains(
        "\nproactive.item1.normative_documents,第二十条第（一）项 行政规范性文件,1,1,2,"
    ));
    assert!(csv.contains(",本年制发件数：其中修订1件\n"));
    let extra_line = csv
        .lines()
        .find(|l| l.starts_with(",第二十条第（一）项 其他主动公开文件,5,0,12,"))
        .unwrap_or_else(|| panic!("{csv}"));
    assert!(
        extra_line.ends_with(",现行有效件数：含转发上级文件3件"),
        "{extra_line}"
    );
    assert!(csv.contains("\nfees.notice_amount,信息处理费 发出收费通知的总金额（单位：元）,"));
    assert!(csv.contains(",0,本年度：本年未收费\n"));
    let json: serde_json::Value =
        serde_json::from_str(&site.read("output/shilizhen/2022/data.json")).unwrap();
    let rows = json["tables"][0]["rows"].as_array().unwrap();
    let extra: Vec<&serde_json::Value> = rows.iter().filter(|r| r["national"] == false).collect();
    assert_eq!(extra.len(), 1);
    assert!(extra[0].get("key").is_none());
    assert_eq!(extra[0]["values"], serde_json::json!(["5", "0", "12"]));
    assert_eq!(extra[0]["notes"]["in_force"], "含转发上级文件3件");
    assert_eq!(rows[1]["notes"]["issued"], "其中修订1件");
}

#[test]
fn extra_rows_are_not_checked_and_their_mistakes_are_named() {
    let site = Site::fixture("printed");
    let data = "content/shilizhen/2022/data.yaml";
    // A row with a number missing, or a word for a number, is reported at its line with its
    // label; nothing else about added rows is checked.
    site.replace(
        data,
        "其他主动公开文件: [5, 0, {值: 12, 注: 含转发上级文件3件}]",
        "其他主动公开文件: [5, 0]\n      市级转发文件: [一, 0, 3]",
    );
    let (code, diagnostics) = site.check();
    assert_eq!(code, 1);
    let count = only(&diagnostics, "L013");
    assert_eq!(
        count["yaml_path"],
        "proactive.item1.extra_rows.其他主动公开文件"
    );
    assert_eq!(
        count["line"],
        site.line_of(data, "其他主动公开文件: [5, 0]")
    );
    let bad = only(&diagnostics, "L010");
    assert_eq!(
        bad["yaml_path"],
        "proactive.item1.extra_rows.市级转发文件[0]"
    );
    assert_eq!(
        bad["label"],
        "「第二十条第（一）项 市级转发文件」×「本年制发件数」"
    );
    // extra_rows belong to part 二 only.
    let site = Site::fixture("printed");
    site.replace(
        data,
        "  reconsideration: [1, 0, 0, 0, 0]",
        "  extra_rows:\n    其他: [1, 0, 0, 0, 0]\n  reconsideration: [1, 0, 0, 0, 0]",
    );
    let (_, diagnostics) = site.check();
    let unknown = only(&diagnostics, "L005");
    assert_eq!(unknown["yaml_path"], "review.extra_rows");
}

#[test]
fn a_note_needs_its_number() {
    let site = Site::fixture("printed");
    let data = "content/shilizhen/2022/data.yaml";
    site.replace(
        data,
        "{值: 12, 注: 含转发上级文件3件}",
        "{注: 含转发上级文件3件}",
    );
    let (code, diagnostics) = site.check();
    assert_eq!(code, 1);
    let missing = only(&diagnostics, "L006");
    assert!(
        missing["message"]
            .as_str()
            .unwrap()
            .contains("缺少数值（值）"),
        "{missing}"
    );
    assert_eq!(
        missing["line"],
        site.line_of(data, "{注: 含转发上级文件3件}")
    );
}

#[test]
fn one_way_to_show_a_value_with_units() {
    // The valid fixture's 2019 report has 本年增/减 of +2 and -3, and a 万元 amount.
    let site = Site::fixture("valid");
    site.replace(
        "content/shili/2019/data.yaml",
        "procurement: [3, 12.5]",
        "procurement: [3, /]",
    );
    let (code, _) = site.check();
    assert_eq!(code, 1, "a `/` is an error until acknowledged");
    site.replace(
        "content/shili/2019/data.yaml",
        "procurement: [3, /]",
        "procurement: [3, 12.50]",
    );
    build(&site);
    let compare = site.read("output/shili/2020/compare.html");
    // The sign of 本年增/减 in the previous year's column, as the year page prints it.
    let licensing = common::compare_cell(&compare, "行政许可", "本年增/减", 'p');
    assert!(licensing.ends_with(">+2</td>"), "{licensing}");
    let penalties = common::compare_cell(&compare, "行政处罚", "本年增/减", 'p');
    assert!(penalties.ends_with(">-3</td>"), "{penalties}");
    // Money names its unit: year page header, comparison and metric pages; kept as written.
    let year = site.read("output/shili/2019/index.html");
    assert!(year.contains(">采购总金额（单位：万元）</th>"));
    assert!(year.contains(">12.50</td>"));
    let amount = common::compare_cell(&compare, "政府集中采购", "采购总金额（单位：万元）", 'p');
    assert!(amount.ends_with(">12.50</td>"), "{amount}");
    let metric = site.read("output/shili/metrics/proactive.item9.html");
    assert!(metric.contains("<th scope=\"col\">采购总金额（单位：万元）</th>"));
    // A label that names its unit already is not changed.
    let y2021 = site.read("output/shili/2021/index.html");
    assert!(y2021.contains(">本年收费金额（单位：万元）</th>"));
    assert!(!y2021.contains("（单位：万元）（万元）"));
    let csv = site.read("output/shili/2019/data.csv");
    assert!(csv.contains("\nproactive.item9.procurement,第二十条第（九）项 政府集中采购,"));
    assert!(csv.contains(",采购总金额（单位：万元）,"));
    assert!(csv.contains(",3,12.50,"), "{csv}");
}

#[test]
fn blank_cells_read_as_blank_on_the_comparison_page() {
    let site = Site::fixture("valid");
    let data = "content/shili/2019/data.yaml";
    site.replace(data, "procurement: [3, 12.5]", "procurement: [3, /]");
    site.write(
        data,
        format!(
            "{}\nacknowledged:\n  - code: N001\n    cell: proactive.item9.procurement.amount\n    reason: 原报告此格空白\n",
            site.read(data)
        ),
    );
    build(&site);
    let compare = site.read("output/shili/2020/compare.html");
    let amount = common::compare_cell(&compare, "政府集中采购", "采购总金额（单位：万元）", 'p');
    // 「/」 (left blank), not 「—」 (no figure), and the ※ of the acknowledgement with its note.
    assert!(amount.contains("\">/<a class=\"mark\""), "{amount}");
    assert!(
        amount.contains("class=\"mark\" href=\"../../shili/2019/index.html#note-1\""),
        "{amount}"
    );
    assert!(amount.contains("原报告此格空白"), "{amount}");
}

#[test]
fn acknowledged_problems_are_marked_wherever_the_cell_appears() {
    let site = Site::fixture("printed");
    build(&site);
    // 2022 printed 行政复议 总计 as 0 though its results add up to 1 (acknowledged T004).
    let agency = site.read("output/shilizhen/index.html");
    let chart_start = agency.find("id=\"chart-reconsideration-title\"").unwrap();
    let chart = &agency[chart_start..];
    let chart = &chart[..chart.find("</figure>").unwrap()];
    assert!(
        chart.contains(">0※1</text>"),
        "the bar's figure carries the mark: {chart}"
    );
    assert!(chart.contains("2022年 0※1"), "the text alternative too");
    assert!(
        chart.contains("<li>2022年※1：已确认的问题：第四部分总计不等于各结果之和"),
        "{chart}"
    );
    // The other charts are not marked.
    let received = &agency[agency.find("id=\"chart-received-title\"").unwrap()..];
    let received = &received[..received.find("</figure>").unwrap()];
    assert!(!received.contains('※'));

    let compare = site.read("output/shilizhen/2022/compare.html");
    let row = common::compare_cell(&compare, "行政复议", "总计", 'n');
    assert!(
        row.contains("href=\"../../shilizhen/2022/index.html#note-1\""),
        "{row}"
    );
    let metric = site.read("output/shilizhen/metrics/review.html");
    assert!(metric.contains("href=\"../../shilizhen/2022/index.html#note-1\""));
    // The indicators computed from it too, on the comparison and year pages.
    let indicators = &compare[compare.find("id=\"indicators\"").unwrap()..];
    let reconsideration = indicators
        .split("<tr>")
        .find(|r| r.contains(">行政复议案件数<"))
        .unwrap();
    assert!(reconsideration.contains("※1"), "{reconsideration}");
    // The year page still has its note with the same mark, and marks its indicator.
    let year = site.read("output/shilizhen/2022/index.html");
    assert!(year.contains("<li id=\"note-1\"><span class=\"mark\">※1</span>"));
    let figures = &year[year.find("id=\"indicators\"").unwrap()..];
    let figure = figures
        .split("<div>")
        .find(|r| r.contains("<dt>行政复议案件数</dt>"))
        .unwrap();
    assert!(figure.contains("※1"), "{figure}");
    let litigation = figures
        .split("<div>")
        .find(|r| r.contains("<dt>行政诉讼案件数</dt>"))
        .unwrap();
    assert!(!litigation.contains('※'), "{litigation}");
}

#[test]
fn indented_paragraphs_render_as_paragraphs() {
    let site = Site::fixture("printed");
    build(&site);
    let page = site.read("output/shilizhen/2022/index.html");
    assert!(!page.contains("<pre"), "no code block from a 首行缩进");
    assert!(page.contains("<p>2022年，示例镇人民政府依法做好政府信息公开工作"));
    assert!(page.contains("<p>这一段行首是一个制表符（Tab），同样是首行缩进。</p>"));
    assert!(page.contains("<p>这一段行首是两个全角空格，按普通段落缩进显示。</p>"));
}

#[test]
fn part_headings_not_written_as_headings_are_named_at_their_line() {
    let site = Site::fixture("printed");
    let report = "content/shilizhen/2022/report.md";
    site.replace(
        report,
        "## 五、存在的主要问题及改进情况",
        "五、存在的主要问题及改进情况",
    );
    site.replace(report, "## 一、总体情况", "# 一、总体情况");
    let (code, diagnostics) = site.check();
    assert_eq!(code, 1);
    assert!(
        with_code(&diagnostics, "D003").is_empty(),
        "{diagnostics:#?}"
    );
    let unmarked = only(&diagnostics, "D012");
    assert_eq!(
        unmarked["line"],
        site.line_of(report, "五、存在的主要问题及改进情况")
    );
    assert_eq!(unmarked["expected"], "## 五、存在的主要问题及改进情况");
    let level = only(&diagnostics, "D013");
    assert_eq!(level["line"], site.line_of(report, "# 一、总体情况"));
    assert_eq!(level["found"], "# 一、总体情况");

    // Numbered points of the prose that merely start with a numeral are left alone.
    let site = Site::fixture("printed");
    site.replace(
        report,
        "2022年工作中仍存在",
        "一、加强组织领导。\n\n三、主动公开情况\n\n2022年工作中仍存在",
    );
    let (code, diagnostics) = site.check();
    assert_eq!(code, 0, "{diagnostics:#?}");
}

#[test]
fn one_acknowledgement_for_a_group_marks_each_cell_it_covers_on_other_pages() {
    // The blanks fixture acknowledges 167 blank cells of part 三 with one entry.
    let site = Site::fixture("blanks");
    build(&site);
    let compare = site.read("output/moumou/2023/compare.html");
    let business = common::compare_cell(
        &compare,
        "三、本年度办理结果（一）予以公开",
        "商业企业",
        'n',
    );
    assert!(
        business.contains(">/<a class=\"mark\" href=\"../../moumou/2023/index.html#note-1\""),
        "{business}"
    );
    // A printed figure of the same row is not marked.
    let person = common::compare_cell(&compare, "三、本年度办理结果（一）予以公开", "自然人", 'n');
    assert!(!person.contains("class=\"mark\""), "{person}");
    let metric = site.read("output/moumou/metrics/requests.html");
    assert!(metric.matches("moumou/2023/index.html#note-1").count() > 100);
}

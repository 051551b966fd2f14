//! `nianbao build` end to end: the example builds, links resolve, output is reproducible, a broken
//! data file leaves output/ untouched, the comparison across templates marks 口径不同.

mod common;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use common::{Site, compare_cell};

fn build(site: &Site, args: &[&str]) -> std::process::Output {
    let mut all = vec!["build"];
    all.extend_from_slice(args);
    site.run(&all)
}

/// Every file under `dir`, by relative path, with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .to_string();
            out.insert(rel, std::fs::read(entry.path()).unwrap());
        }
    }
    out
}

/// The values of an attribute in HTML (`href`, `src`, `id`).
fn attr_values(html: &str, name: &str) -> Vec<String> {
    let needle = format!(" {name}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&needle) {
        rest = &rest[i + needle.len()..];
        if let Some(end) = rest.find('"') {
            out.push(rest[..end].replace("&amp;", "&"));
            rest = &rest[end..];
        }
    }
    out
}

fn resolve(page: &str, href: &str) -> String {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for piece in href.split('/') {
        match piece {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            p => parts.push(p),
        }
    }
    parts.join("/")
}

#[test]
fn example_site_builds_and_every_internal_link_resolves() {
    let site = Site::example();
    let out = build(&site, &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("已生成网站：2 个机关、3 个年度"),
        "{stdout}"
    );
    let files = snapshot(&site.path("output"));
    for expected in [
        "index.html",
        "404.html",
        // sitemap.xml only with an absolute base URL: see base_url_feeds_only_canonical_sitemap_and_feed.
        "atom.xml",
        "static/style.css",
        "jiahe/index.html",
        "jiahe/2020/index.html",
        "jiahe/2020/data.csv",
        "jiahe/2020/data.json",
        "jiahe/data.csv",
        "hongze/2024/compare.html",
        "hongze/metrics/requests.html",
    ] {
        assert!(files.contains_key(expected), "missing {expected}");
    }
    let ids: HashMap<&str, HashSet<String>> = files
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, b)| {
            (
                p.as_str(),
                attr_values(&String::from_utf8_lossy(b), "id")
                    .into_iter()
                    .collect(),
            )
        })
        .collect();
    let mut checked = 0;
    for (page, bytes) in files
        .iter()
        .filter(|(p, _)| p.ends_with(".html") && *p != "404.html")
    {
        let html = String::from_utf8_lossy(bytes);
        assert!(html.contains("<html lang=\"zh-CN\">"), "{page}");
        assert!(
            !html.contains("__nianbao"),
            "{page}: the reload script is for serve only"
        );
        for link in attr_values(&html, "href")
            .into_iter()
            .chain(attr_values(&html, "src"))
        {
            assert!(
                !link.starts_with("http:")
                    && !link.starts_with("https:")
                    && !link.starts_with("//"),
                "{page} links outside: {link}"
            );
            assert!(
                !link.starts_with('/'),
                "{page} has a root-absolute link {link}"
            );
            let (path, anchor) = link.split_once('#').unwrap_or((&link, ""));
            let target = if path.is_empty() {
                page.clone()
            } else {
                resolve(page, path)
            };
            assert!(
                files.contains_key(&target),
                "{page}: {link} → {target} does not exist"
            );
            if !anchor.is_empty() && target.ends_with(".html") {
                assert!(
                    ids[target.as_str()].contains(anchor),
                    "{page}: {link} → no id {anchor} in {target}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 1000, "only {checked} links checked");
}

#[test]
fn two_builds_are_byte_identical() {
    let site = Site::example();
    let (a, b) = (site.path("a"), site.path("b"));
    assert_eq!(
        build(&site, &["--output", a.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        build(&site, &["--output", b.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    let a = snapshot(&site.path("a"));
    let b = snapshot(&site.path("b"));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(b[path] == *bytes, "{path} differs between builds");
    }
}

#[test]
fn a_broken_data_file_leaves_the_output_untouched() {
    let site = Site::example();
    assert_eq!(build(&site, &[]).status.code(), Some(0));
    let before = snapshot(&site.path("output"));
    site.replace(
        "content/hongze/2024/data.yaml",
        "received: [95, 0, 0, 0, 0, 0, 95]",
        "received: [96, 0, 0, 0, 0, 0, 96]",
    );
    let out = build(&site, &[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("错误[T001]"), "{stderr}");
    assert!(
        stderr.contains("content/hongze/2024/data.yaml:"),
        "{stderr}"
    );
    assert!(stderr.contains("保持原样"), "{stderr}");
    assert_eq!(snapshot(&site.path("output")), before);
    // A YAML syntax error, too.
    site.write("content/jiahe/2020/data.yaml", "template: [2019\n");
    assert_eq!(build(&site, &[]).status.code(), Some(1));
    assert_eq!(snapshot(&site.path("output")), before);
    let leftovers: Vec<PathBuf> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().contains("nianbao"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn files_of_a_removed_year_disappear() {
    let site = Site::example();
    assert_eq!(build(&site, &[]).status.code(), Some(0));
    assert!(site.path("output/hongze/2024/index.html").is_file());
    std::fs::remove_dir_all(site.path("content/hongze/2024")).unwrap();
    assert_eq!(build(&site, &[]).status.code(), Some(0));
    assert!(!site.path("output/hongze/2024").exists());
    assert!(site.path("output/hongze/2023/index.html").is_file());
}

#[test]
fn comparison_across_the_template_change_marks_non_comparable_cells() {
    let site = Site::fixture("valid");
    assert_eq!(build(&site, &[]).status.code(), Some(0));
    let html = site.read("output/shili/2021/compare.html");
    assert!(html.contains("两年使用的年报格式不同"), "{html}");
    // One row per official row, each official column's last year / this year / change side by
    // side, every cell naming its row, its column and its year in `headers`. Header ids are short
    // and numbered over the page: the first table's rows are `1`, `2`…, its column groups `a`,
    // `b`…, their years `a0` (last year) and `a1` (this year).
    assert!(html.contains("<th id=\"a\" scope=\"colgroup\" colspan=\"2\">本年制发件数</th>"));
    assert!(html.contains("<th id=\"a0\">2020年</th><th id=\"a1\">2021年</th>"));
    assert!(
        html.contains("<tr><th id=\"2\">行政规范性文件</th><td headers=\"2 a a0\" class=\"na\">")
    );
    // 本年制发件数 is new in the 2021 format.
    let before = compare_cell(&html, "行政规范性文件", "本年制发件数", 'p');
    assert!(
        before.contains("口径不同") && before.contains(" class=\"na\""),
        "{before}"
    );
    // Part 三's cells share ids across the templates and are compared: 2020 received 2, 2021 received 1
    // (总计, the seventh column).
    let start = html
        .find("<table class=\"compare-table\" id=\"t-requests-table\"")
        .unwrap();
    let part3 = &html[start..start + html[start..].find("</table>").unwrap()];
    let body = &part3[part3.find("<tbody>").unwrap()..];
    assert_eq!(
        body.matches("<tr><th id=\"").count(),
        25 + 1,
        "25 rows of the 2021 form and （六） as a sum"
    );
    assert_eq!(
        part3.matches(" scope=\"colgroup\" colspan=\"2\">").count(),
        7
    );
    let received = "一、本年新收政府信息公开申请数量";
    assert!(compare_cell(&html, received, "总计", 'p').ends_with(">2</td>"));
    let now = compare_cell(&html, received, "总计", 'n');
    // This year's value, then its change against last year.
    assert!(now.contains(">1<i class=\"down\">−1（−50%）</i>"), "{now}");
    // Equal years carry no change mark: the explanation above the tables says so once.
    assert!(html.contains("没有小字的是两年相同（持平）"));
    assert!(!part3.contains("持平"), "{part3}");
    // （六）其他处理: one row in 2020, three items in 2021, compared as a sum.
    assert!(html.contains("（六）其他处理（各项合计）"), "{html}");
    // 2019-format items that the 2021 format dropped are listed.
    assert!(
        html.contains("「第二十条第（九）项 政府集中采购」×「采购总金额」"),
        "{html}"
    );
    // And the year page says 口径不同 in the cell itself.
    let year = site.read("output/shili/2021/index.html");
    assert!(year.contains("口径不同"));
}

#[test]
fn year_page_shows_changes_in_text_and_acknowledged_notes() {
    let site = Site::example();
    assert_eq!(build(&site, &[]).status.code(), Some(0));
    let html = site.read("output/hongze/2024/index.html");
    // 一、本年新收 went from 21 to 95.
    assert!(
        html.contains(">95<i class=\"up\">+74</i>"),
        "change in text"
    );
    // The published deviation is noted beside the table.
    assert!(html.contains("（六）其他处理未按2021年格式拆分为三项"));
    assert!(html.contains("※1"));
    let y2023 = site.read("output/hongze/2023/index.html");
    assert!(y2023.contains("原报告行政复议一栏各结果之和为 11"));
}

#[test]
fn base_url_feeds_only_canonical_sitemap_and_feed() {
    let site = Site::example();
    let out = build(
        &site,
        &["--base-url", "https://www.example.gov.cn/zwgk/ndbg/"],
    );
    assert_eq!(out.status.code(), Some(0));
    let year = site.read("output/jiahe/2020/index.html");
    assert!(year.contains(
        "<link rel=\"canonical\" href=\"https://www.example.gov.cn/zwgk/ndbg/jiahe/2020/index.html\">"
    ));
    assert!(year.contains("href=\"../../static/style.css\""));
    let sitemap = site.read("output/sitemap.xml");
    assert!(
        sitemap.contains("<loc>https://www.example.gov.cn/zwgk/ndbg/hongze/2024/index.html</loc>")
    );
    let atom = site.read("output/atom.xml");
    assert!(atom.contains("https://www.example.gov.cn/zwgk/ndbg/hongze/2024/index.html"));
    assert!(atom.contains("<title>淮安市洪泽区人民政府2024年政府信息公开工作年度报告</title>"));
}

#[test]
fn data_downloads_have_one_row_per_cell() {
    let site = Site::example();
    assert_eq!(build(&site, &[]).status.code(), Some(0));
    // The CSV of a year: one line per row of the tables, a column per column label of the form.
    let csv = site.read("output/jiahe/2020/data.csv");
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header[..2], ["\u{feff}行编号", "行标签"]);
    assert_eq!(header.last(), Some(&"注"));
    let amount = header
        .iter()
        .position(|h| *h == "采购总金额（单位：万元）")
        .unwrap();
    let line: Vec<&str> = csv
        .lines()
        .find(|l| l.starts_with("proactive.item9.procurement,"))
        .unwrap()
        .split(',')
        .collect();
    assert_eq!(line[1], "第二十条第（九）项 政府集中采购");
    assert_eq!(line[amount], "1090.98");
    let change = header.iter().position(|h| *h == "本年增/减").unwrap();
    let penalties: Vec<&str> = csv
        .lines()
        .find(|l| l.starts_with("proactive.item6.penalties,"))
        .unwrap()
        .split(',')
        .collect();
    assert_eq!(penalties[change], "+373");
    // The JSON of a year: each table's labels once, a list of values per row.
    let year: serde_json::Value =
        serde_json::from_str(&site.read("output/hongze/2023/data.json")).unwrap();
    assert_eq!(year["year"], 2023);
    let fees = year["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["key"] == "fees")
        .unwrap();
    let notices = fees["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "notices")
        .unwrap();
    assert_eq!(notices["values"][0], "/");
    // All years of an agency: every cell once, its years side by side (not the years repeated).
    let all: serde_json::Value =
        serde_json::from_str(&site.read("output/hongze/data.json")).unwrap();
    let years = common::json_years(&all);
    assert_eq!(years, [2023, 2024]);
    assert_eq!(all["years"][0]["json"], "2023/data.json");
    let cell = &all["cells"]["fees.notices.value"];
    assert_eq!(cell["values"][0], "/");
    assert_eq!(cell["values"].as_array().unwrap().len(), 2);
    assert!(
        cell["label"].as_str().unwrap().contains("信息处理费"),
        "{cell}"
    );
    let all_csv = site.read("output/hongze/data.csv");
    assert!(
        all_csv.starts_with("\u{feff}单元格编号,项目,2023年,2024年\n"),
        "{all_csv}"
    );
    assert!(all_csv.contains(
        "\nrequests.received.total,「一、本年新收政府信息公开申请数量」×「总计」,21,95\n"
    ));
}

#[test]
fn raw_html_in_the_narrative_is_sanitised_unless_allowed() {
    let site = Site::example();
    site.replace(
        "content/jiahe/2020/report.md",
        "## 五、存在的主要问题及改进情况\n",
        "## 五、存在的主要问题及改进情况\n\n<script>alert(1)</script><b onclick=\"x()\">加粗</b>\n",
    );
    assert_eq!(build(&site, &[]).status.code(), Some(0));
    let html = site.read("output/jiahe/2020/index.html");
    assert!(!html.contains("<script>alert") && !html.contains("onclick"));
    assert!(html.contains("<b>加粗</b>"));
    let mut config = site.read("content/site.yaml");
    config.push_str("settings:\n  allow_html: true\n");
    site.write("content/site.yaml", config);
    assert_eq!(build(&site, &[]).status.code(), Some(0));
    assert!(
        site.read("output/jiahe/2020/index.html")
            .contains("<script>alert(1)</script>")
    );
}

#[test]
fn site_templates_override_the_theme() {
    let site = Site::example();
    site.write("templates/404.html", "{% extends \"base.html\" %}{% block content %}<h1>本站自定义的404</h1>{% endblock content %}");
    assert_eq!(build(&site, &[]).status.code(), Some(0));
    assert!(site.read("output/404.html").contains("本站自定义的404"));
    // A template error names the template and stops the build.
    site.write(
        "templates/year.html",
        "{% extends \"base.html\" %}{% block content %}{{ nosuch.value }}{% endblock content %}",
    );
    let out = build(&site, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("year.html"));
}

#[test]
fn a_single_agency_site_has_a_real_front_page_with_every_year() {
    let site = Site::fixture("valid");
    assert_eq!(build(&site, &[]).status.code(), Some(0));
    let index = site.read("output/index.html");
    // No redirect: the page itself leads to the agency and to each of its years.
    assert!(!index.contains("http-equiv=\"refresh\""), "{index}");
    assert!(
        index.contains("<a href=\"shili/index.html\">示例街道办事处</a>"),
        "{index}"
    );
    for year in [2019, 2020, 2021, 2022] {
        assert!(
            index.contains(&format!(
                "<a href=\"shili/{year}/index.html\">{year}年度</a>"
            )),
            "{year}: {index}"
        );
    }
}

#[test]
fn site_settings_set_the_change_marks_default_and_the_generator_line() {
    let site = Site::example();
    assert_eq!(build(&site, &[]).status.code(), Some(0));
    // By default: the change marks are shown (a checkbox the reader can clear, no script) and the
    // footer says how the site was made.
    let year = site.read("output/hongze/2024/index.html");
    assert!(
        year.contains("<input type=\"checkbox\" id=\"show-changes\" checked><label class=\"marks-toggle\" for=\"show-changes\">"),
        "{year}"
    );
    assert!(!year.contains("<script"), "the toggle needs no script");
    assert!(year.contains("本站由 nianbao 根据各机关的年报数据生成。"));
    // A first year has nothing to compare with: no toggle.
    assert!(
        !site
            .read("output/hongze/2023/index.html")
            .contains("show-changes")
    );

    let config = site.read("content/site.yaml");
    assert_eq!(config.matches("\n  contact:").count(), 1, "{config}");
    let config = config.replace("\n  contact:", "\n  generator: false\n  contact:");
    site.write(
        "content/site.yaml",
        format!("{config}settings:\n  change_marks: false\n"),
    );
    let (code, diagnostics) = site.check();
    assert_eq!(code, 0, "{diagnostics:#?}");
    assert_eq!(build(&site, &[]).status.code(), Some(0));
    let year = site.read("output/hongze/2024/index.html");
    assert!(
        year.contains("<input type=\"checkbox\" id=\"show-changes\"><label"),
        "{year}"
    );
    for page in ["index.html", "hongze/2024/index.html", "404.html"] {
        let html = site.read(&format!("output/{page}"));
        assert!(!html.contains("本站由 nianbao"), "{page}");
        assert!(
            html.contains("订阅年报更新（Atom）"),
            "{page}: the footer's links stay"
        );
    }
    // A wrong value is named with its YAML path.
    site.replace(
        "content/site.yaml",
        "change_marks: false",
        "change_marks: 不要",
    );
    let (code, diagnostics) = site.check();
    assert_ne!(code, 0);
    assert_eq!(
        common::only(&diagnostics, "L016")["yaml_path"],
        "settings.change_marks"
    );
}

#[test]
fn the_fee_table_has_a_real_corner_header_and_column_label() {
    let site = Site::example();
    assert_eq!(build(&site, &[]).status.code(), Some(0));
    let html = site.read("output/hongze/2024/index.html");
    let start = html.find("<table class=\"report-table part6").unwrap();
    let table = &html[start..start + html[start..].find("</table>").unwrap()];
    assert!(
        table.contains("<th id=\"gc\" scope=\"col\" class=\"corner\">项目</th>"),
        "{table}"
    );
    assert!(table.contains(">本年度</th>"), "{table}");
    assert!(!table.contains("数值"), "{table}");
}

/// Issue 15: pages and downloads carry the same information in a quarter of the bytes. The test
/// fixture's 2021-format year (about 200 cells) stays within the budgets, and the all-years
/// downloads of an agency do not repeat its per-year files.
#[test]
fn pages_and_downloads_stay_within_their_byte_budgets() {
    let site = Site::fixture("valid");
    assert_eq!(build(&site, &[]).status.code(), Some(0));
    let size = |rel: &str| {
        std::fs::metadata(site.path(&format!("output/{rel}")))
            .unwrap()
            .len()
    };
    for year in [2021, 2022] {
        let page = size(&format!("shili/{year}/index.html"));
        assert!(page <= 35_000, "year page {year}: {page} bytes");
        let json = size(&format!("shili/{year}/data.json"));
        assert!(json <= 20_000, "data.json {year}: {json} bytes");
        let csv = size(&format!("shili/{year}/data.csv"));
        assert!(csv <= 20_000, "data.csv {year}: {csv} bytes");
    }
    // Before issue 15 the comparison page was 116 KB for the same tables; the budget of 30 KB is
    // not met yet (see BENCHMARKS.md): this guards the 40 KB it takes now.
    let compare = size("shili/2022/compare.html");
    assert!(compare <= 40_000, "comparison page: {compare} bytes");
    // The all-years file is each cell once with its years side by side, not the years' files again.
    let all: serde_json::Value =
        serde_json::from_str(&site.read("output/shili/data.json")).unwrap();
    assert!(all.get("tables").is_none());
    let cells = all["cells"].as_object().unwrap();
    assert!(
        cells
            .values()
            .all(|c| c["values"].as_array().unwrap().len() == 4)
    );
    let csv = site.read("output/shili/data.csv");
    assert_eq!(csv.lines().count(), cells.len() + 1);
}

/// The theme's templates are parsed while content/ loads and is checked: a data error still comes
/// first and alone (as when the templates were parsed after the check), a template that does not
/// parse stops the build once the data is right, and output/ is untouched either way.
#[test]
fn a_data_error_is_reported_before_a_broken_template() {
    let site = Site::example();
    assert_eq!(build(&site, &[]).status.code(), Some(0));
    let before = snapshot(&site.path("output"));
    site.write(
        "templates/year.html",
        "{% extends \"base.html\" %}{% block content %}{% if %}{% endblock content %}",
    );
    let good = site.read("content/jiahe/2020/data.yaml");
    site.write("content/jiahe/2020/data.yaml", "template: [2019\n");
    let out = build(&site, &[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("content/jiahe/2020/data.yaml"), "{stderr}");
    assert!(!stderr.contains("year.html"), "{stderr}");
    assert_eq!(snapshot(&site.path("output")), before);
    site.write("content/jiahe/2020/data.yaml", good);
    let out = build(&site, &[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("year.html"), "{stderr}");
    assert!(stderr.contains("保持原样"), "{stderr}");
    assert_eq!(snapshot(&site.path("output")), before);
}

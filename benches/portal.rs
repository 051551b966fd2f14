//! Synthetic portals for the benchmarks: `n` fictional agencies with seven report years each
//! (2019–2025, the 2019 format for 2019–2020 and the 2021 format after), built from the test
//! fixture so that every rule holds. Like a real portal: four kinds of agency (部门, 街道, 乡镇,
//! 区县人民政府), narratives of a few hundred characters in parts 一, 五 and 六 that differ from
//! agency to agency and from year to year, figures that differ too, and acknowledged problems
//! (a fee row left blank in the published report) in two years of three.
//!
//! `write_zola_site` writes the equivalent Zola site: the same number of pages, each with the
//! narrative of a report and a Markdown table of about 200 cells (the size of a year's tables).

#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn fixture(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/valid")
        .join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from}");
    text.replacen(from, to, 1)
}

/// (kind in agency.yaml, name of the `index`th agency of that kind).
fn kind_and_name(index: usize) -> (&'static str, String) {
    match index % 4 {
        0 => ("department", format!("示例区示例局{index:04}")),
        1 => ("street_office", format!("示例街道办事处{index:04}")),
        2 => ("town", format!("示例镇人民政府{index:04}")),
        _ => ("government", format!("示例县人民政府{index:04}")),
    }
}

const OVERVIEW: [&str; 8] = [
    "全年通过政府网站、政务新媒体和政务公开专栏主动公开各类政府信息，重点做好财政预决算、重大建设项目、公共资源配置和社会公益事业建设等领域的信息公开。",
    "严格落实政府信息公开审查制度，坚持先审查、后公开，做到涉密信息不上网、上网信息不涉密。",
    "围绕群众关心的就业、教育、医疗、养老等民生事项，及时发布政策文件并同步开展政策解读，采用图文、问答等形式方便群众理解。",
    "规范依申请公开办理流程，做好登记、审核、答复、归档各环节工作，答复文书格式统一、依据充分、告知到位。",
    "加强政府信息公开平台建设，优化网站栏目设置，完善检索功能，及时更新政府信息公开指南和目录。",
    "组织开展政府信息公开业务培训，提升工作人员依法公开的意识和能力。",
    "把政务公开工作纳入年度绩效考核，定期通报工作情况，督促责任科室按时发布应公开的信息。",
    "建立健全政策文件清理机制，对已失效和废止的文件及时标注，方便公众查询现行有效的文件。",
];

const PROBLEMS: [&str; 6] = [
    "政策解读的形式还比较单一，图解、视频等群众易于接受的解读方式运用不多。",
    "部分栏目信息更新不够及时，个别信息发布后未及时归类。",
    "依申请公开答复的说理还不够充分，答复文书的规范性有待进一步提高。",
    "基层工作人员对政府信息公开条例的理解还不够深入，业务能力有待加强。",
    "公众参与的渠道还不够丰富，意见征集后的反馈还不够及时。",
    "政务新媒体的运维管理还需加强，信息发布的审核把关有待进一步规范。",
];

const MEASURES: [&str; 6] = [
    "下一年将丰富解读形式，对重要政策坚持文件与解读同步起草、同步审签、同步发布。",
    "下一年将建立栏目更新台账，明确责任人和更新时限，定期开展自查。",
    "下一年将加强答复文书审核，组织案例学习，提高依申请公开办理质量。",
    "下一年将开展专题培训和业务交流，提升工作人员的能力水平。",
    "下一年将拓展公众参与渠道，做好意见收集、采纳情况的反馈。",
    "下一年将完善政务新媒体管理制度，落实发布审核责任。",
];

const OTHER: [&str; 4] = [
    "本年度未收取信息处理费。政府信息公开工作要点确定的各项任务均已完成。",
    "本年度无其他需要报告的事项。人大代表建议和政协提案的办理结果已按要求公开。",
    "本年度按照上级要求完成了政务公开工作要点的各项任务，未发出收费通知。",
    "本年度无其他需要报告的事项。",
];

/// Some sentences of `pool`, chosen by agency and year so that neighbouring years share some of
/// them (as real reports do) and differ in others.
fn pick(pool: &[&str], index: usize, year: u16, count: usize) -> String {
    (0..count)
        .map(|k| pool[(index * 3 + usize::from(year % 3) + k * 2) % pool.len()])
        .collect::<Vec<_>>()
        .join("")
}

/// A report.md like a real one: the fixture's first sentences, then a few hundred characters per
/// part.
fn narrative(base: &str, name: &str, index: usize, year: u16) -> String {
    let base = base.replace("示例街道办事处", name);
    let with_overview = replace_once(
        &base,
        "工作。本年新收申请",
        &format!("工作。{}本年新收申请", pick(&OVERVIEW, index, year, 3)),
    );
    let with_problems = replace_once(
        &with_overview,
        "下一年将拓宽渠道。",
        &format!(
            "下一年将拓宽渠道。{}{}",
            pick(&PROBLEMS, index, year, 2),
            pick(&MEASURES, index, year, 2)
        ),
    );
    replace_once(
        &with_problems,
        "## 六、其他需要报告的事项\n\n无。",
        &format!(
            "## 六、其他需要报告的事项\n\n{}",
            pick(&OTHER, index, year, 1)
        ),
    )
}

/// The files of one agency: (relative path, text).
fn agency_files(slug: &str, index: usize) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let (kind, name) = kind_and_name(index);
    files.push((
        format!("content/{slug}/agency.yaml"),
        replace_once(
            &fixture("content/shili/agency.yaml").replace("示例街道办事处", &name),
            "kind: street_office",
            &format!("kind: {kind}"),
        ),
    ));
    for year in 2019..=2022u16 {
        files.push((
            format!("content/{slug}/{year}/data.yaml"),
            fixture(&format!("content/shili/{year}/data.yaml")),
        ));
        files.push((
            format!("content/{slug}/{year}/report.md"),
            narrative(
                &fixture(&format!("content/shili/{year}/report.md")),
                &name,
                index,
                year,
            ),
        ));
    }
    // 2023–2025: a steady year that carries one application in and one out, with figures of its
    // own (the proactive counts are free of rules).
    let base = fixture("content/shili/2022/data.yaml");
    let steady = replace_once(
        &base,
        "carried_in: [0, 0, 0, 0, 0, 0, 0]",
        "carried_in: [0, 1, 0, 0, 0, 0, 1]",
    );
    let steady = replace_once(
        &steady,
        "granted: [0, 0, 0, 0, 0, 0, 0]",
        "granted: [0, 1, 0, 0, 0, 0, 1]",
    );
    let steady = replace_once(
        &steady,
        "total: [0, 1, 0, 0, 0, 0]",
        "total: [0, 2, 0, 0, 0, 0]",
    );
    let report = fixture("content/shili/2022/report.md");
    for year in 2023..=2025u16 {
        let seed = index * 7 + usize::from(year);
        let data = replace_once(
            &steady,
            "published: 2023-01-16",
            &format!("published: {}-01-16", year + 1),
        );
        let data = replace_once(
            &data,
            "licensing: 0 ",
            &format!("licensing: {} ", seed * 37 % 9000),
        );
        let data = replace_once(
            &data,
            "penalties: 0 ",
            &format!("penalties: {} ", seed * 13 % 3000),
        );
        let data = replace_once(&data, "coercion: 0 ", &format!("coercion: {} ", seed % 200));
        // Two years of three: the fee row left blank in the published report, acknowledged.
        let data = if year != 2024 {
            let blank = replace_once(&data, "notices: 0 ", "notices: / ");
            let blank = replace_once(&blank, "notice_amount: 0 ", "notice_amount: / ");
            format!(
                "{blank}\nacknowledged:\n  - code: N001\n    cell: fees\n    found: /\n    reason: 原报告第六部分只写了全年收取信息处理费 0 元，没有写发出收费通知的件数和总金额。\n"
            )
        } else {
            data
        };
        files.push((format!("content/{slug}/{year}/data.yaml"), data));
        files.push((
            format!("content/{slug}/{year}/report.md"),
            narrative(
                &report.replace("2022", &year.to_string()),
                &name,
                index,
                year,
            ),
        ));
    }
    files
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Writes a portal of `agencies` agencies × 7 years under `dir`.
pub fn write_portal(dir: &Path, agencies: usize) -> PathBuf {
    std::fs::create_dir_all(dir.join("content")).unwrap();
    write(
        &dir.join("content/site.yaml"),
        "title: 示例门户（基准测试用的虚构数据）\nfooter:\n  sponsor: 示例区政务公开办公室\n",
    );
    for i in 1..=agencies {
        let slug = format!("shili-{i:04}");
        for (rel, text) in agency_files(&slug, i) {
            write(&dir.join(rel), &text);
        }
    }
    dir.to_path_buf()
}

/// The pages nianbao makes of one agency of the portal: 7 year pages, 6 comparison pages, 8 metric
/// pages and the agency's page.
pub const PAGES_PER_AGENCY: usize = 7 + 6 + 8 + 1;

/// A Markdown table of 29 rows × 7 columns (203 cells), the size of a year's tables.
fn markdown_table(seed: usize) -> String {
    let columns = [
        "自然人",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "总计",
    ];
    let mut out = format!(
        "| 项目 | {} |\n|---|{}\n",
        columns.join(" | "),
        "---:|".repeat(7)
    );
    for row in 0..29 {
        let _ = write!(out, "| 三、本年度办理结果（三）不予公开 第{}项 |", row + 1);
        for column in 0..7 {
            let _ = write!(out, " {} |", (seed * 31 + row * 7 + column) % 97);
        }
        out.push('\n');
    }
    out
}

/// Writes the equivalent Zola site of a portal of `agencies` agencies under `dir`: per agency a
/// section and `PAGES_PER_AGENCY - 1` pages, each with a report's narrative and a 203-cell table,
/// and minimal templates (the page's title, its content, links to the sections' pages).
pub fn write_zola_site(dir: &Path, agencies: usize) {
    write(
        &dir.join("config.toml"),
        "base_url = \"https://example.org\"\ntitle = \"示例门户\"\ncompile_sass = false\nbuild_search_index = false\n\n[markdown]\n",
    );
    write(
        &dir.join("templates/index.html"),
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{{ config.title }}</title></head><body><h1>{{ config.title }}</h1><ul>{% for s in section.subsections %}{% set sub = get_section(path=s) %}<li><a href=\"{{ sub.permalink }}\">{{ sub.title }}</a></li>{% endfor %}</ul></body></html>\n",
    );
    write(
        &dir.join("templates/section.html"),
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{{ section.title }}</title></head><body><h1>{{ section.title }}</h1>{{ section.content | safe }}<ul>{% for p in section.pages %}<li><a href=\"{{ p.permalink }}\">{{ p.title }}</a></li>{% endfor %}</ul></body></html>\n",
    );
    write(
        &dir.join("templates/page.html"),
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{{ page.title }}</title></head><body><nav><a href=\"{{ config.base_url }}\">首页</a></nav><h1>{{ page.title }}</h1>{{ page.content | safe }}</body></html>\n",
    );
    write(
        &dir.join("content/_index.md"),
        "+++\ntitle = \"示例门户\"\nsort_by = \"title\"\n+++\n",
    );
    let report = fixture("content/shili/2022/report.md");
    for i in 1..=agencies {
        let (_, name) = kind_and_name(i);
        let slug = format!("shili-{i:04}");
        write(
            &dir.join(format!("content/{slug}/_index.md")),
            &format!("+++\ntitle = \"{name}\"\nsort_by = \"title\"\n+++\n"),
        );
        for p in 1..PAGES_PER_AGENCY {
            let year = 2019 + (p % 7) as u16;
            let text = narrative(&report.replace("2022", &year.to_string()), &name, i, year);
            write(
                &dir.join(format!("content/{slug}/p{p:02}.md")),
                &format!(
                    "+++\ntitle = \"{name}{year}年政府信息公开工作年度报告（{p}）\"\n+++\n\n{text}\n## 表格\n\n{}",
                    markdown_table(i * 100 + p)
                ),
            );
        }
    }
}

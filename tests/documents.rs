//! The documents of each year besides the web pages: the Word file (`report.docx`, written by
//! `build` and by `nianbao word`) and the CMS page (`cms.html`). LibreOffice (Debian's
//! libreoffice-writer) converts every Word file to PDF and pdftotext (poppler-utils) reads it
//! back: A4 pages, every table cell's value in reading order.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::Site;

/// A tool the test drives: present, or the test fails under CI=true and is skipped otherwise.
fn tool(names: &[&str], package: &str) -> Option<&'static str> {
    let found = names.iter().find(|b| {
        Command::new(b)
            .arg(if b.starts_with("pdf") {
                "-v"
            } else {
                "--version"
            })
            .output()
            .is_ok()
    });
    match found {
        Some(b) => Some(Box::leak(b.to_string().into_boxed_str())),
        None => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!(
                    "{} is missing: install {package} (tests/tools/install.sh)",
                    names[0]
                );
            }
            eprintln!("skipped: {} ({package}) is not installed", names[0]);
            None
        }
    }
}

/// Builds the site with these extra arguments into `out/`.
fn build(site: &Site, extra: &[&str]) -> PathBuf {
    let output = site.path("out");
    let mut args = vec![
        "build",
        "--drafts",
        "--force",
        "--output",
        output.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let out = site.run(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    output
}

/// Every year folder of a built site (`slug/year`).
fn years(output: &Path) -> Vec<(String, u16)> {
    let mut found = Vec::new();
    for agency in std::fs::read_dir(output).unwrap() {
        let agency = agency.unwrap().path();
        let Ok(entries) = std::fs::read_dir(&agency) else {
            continue;
        };
        for year in entries {
            let year = year.unwrap().path();
            // A report year's folder has its page (pagefind/<year>/, the search index of a
            // year, does not).
            if let Some(y) = year
                .file_name()
                .and_then(|n| n.to_str()?.parse::<u16>().ok())
                .filter(|_| year.join("index.html").is_file())
            {
                let slug = agency.file_name().unwrap().to_str().unwrap().to_string();
                found.push((slug, y));
            }
        }
    }
    found.sort();
    found
}

/// Converts Word files to PDF with LibreOffice (one process for all), into `dir`.
fn to_pdf(soffice: &str, files: &[PathBuf], dir: &Path) {
    let profile = dir.join("lo-profile");
    let out = Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir)
        .args(files)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
}

fn pdf_text(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

fn pdf_info(pdf: &Path) -> (usize, String) {
    let out = Command::new("pdfinfo").arg(pdf).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .unwrap_or_default()
            .trim()
            .to_string()
    };
    (field("Pages:").parse().unwrap(), field("Page size:"))
}

/// Every value of `values` appears in `text` in this order (the tables read row by row).
fn assert_in_reading_order(text: &str, values: &[(String, String)], what: &str) {
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let mut at = 0;
    for (cell, value) in values {
        let value = if value.is_empty() {
            "/"
        } else {
            value.as_str()
        };
        match text[at..].find(value) {
            Some(found) => at += found + value.len(),
            None => {
                panic!("{what}: the value {value} of {cell} is not found after the previous cells")
            }
        }
    }
}

/// The example (real data) and a messy fictional site: every year's Word file, converted by
/// LibreOffice, is A4, a few pages long, and holds the title, the part headings and every cell's
/// value in the tables' reading order.
#[test]
fn word_files_convert_to_a4_pdf_with_every_cell_value_in_order() {
    let Some(soffice) = tool(&["soffice", "libreoffice"], "libreoffice-writer") else {
        return;
    };
    if tool(&["pdftotext"], "poppler-utils").is_none() {
        return;
    }
    let messy = Site::fixture("printed");
    // Narrative as clerks write it: lists, a nested list, a table, links, raw HTML.
    let report = messy.path("content/shilizhen/2022/report.md");
    let mut text = std::fs::read_to_string(&report).unwrap();
    text.push_str(
        "\n另附：\n\n1. 第一项，**加粗**。\n2. 第二项，见[上年报告](../2021/index.html)和[门户](https://www.example.gov.cn/)。\n   - 嵌套一项\n\n| 渠道 | 条数 |\n|---|---|\n| 网站 | 12 |\n\n<div>网页<b>片段</b></div>\n",
    );
    std::fs::write(&report, text).unwrap();
    for site in [Site::example(), messy] {
        let output = build(&site, &[]);
        let years = years(&output);
        assert!(!years.is_empty());
        let pdfs = site.path("pdf");
        std::fs::create_dir_all(&pdfs).unwrap();
        let mut files = Vec::new();
        for (slug, year) in &years {
            let docx = output.join(slug).join(year.to_string()).join("report.docx");
            let copy = pdfs.join(format!("{slug}-{year}.docx"));
            std::fs::copy(&docx, &copy).unwrap();
            files.push(copy);
            let page =
                std::fs::read_to_string(output.join(format!("{slug}/{year}/index.html"))).unwrap();
            assert!(
                page.contains("href=\"../../") && page.contains("/report.docx\""),
                "the year page links its Word file"
            );
            assert!(
                page.contains("/cms.html\""),
                "the year page links its CMS page"
            );
        }
        to_pdf(soffice, &files, &pdfs);
        for (slug, year) in &years {
            let pdf = pdfs.join(format!("{slug}-{year}.pdf"));
            let (pages, size) = pdf_info(&pdf);
            assert!(
                size.starts_with("595") && size.contains("x 841"),
                "A4: {size}"
            );
            assert!((2..=15).contains(&pages), "{slug} {year}: {pages} pages");
            let text = pdf_text(&pdf);
            let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            assert!(flat.contains(&format!("{year}年政府信息公开工作年度报告")));
            for heading in [
                "一、总体情况",
                "二、主动公开政府信息情况",
                "三、收到和处理政府信息公开申请情况",
                "四、政府信息公开行政复议、行政诉讼情况",
                "五、存在的主要问题及改进情况",
                "六、其他需要报告的事项",
            ] {
                assert!(flat.contains(heading), "{slug} {year}: {heading}");
            }
            assert!(
                flat.contains("本列数据的勾稽关系为"),
                "the 勾稽关系 note of 三"
            );
            assert!(
                flat.contains("—1—") || flat.contains("— 1 —"),
                "page numbers"
            );
            assert_in_reading_order(
                &text,
                &site.exported(slug, *year),
                &format!("{slug} {year}"),
            );
        }
    }
}

/// `nianbao word` writes the same file as `build`, never over an existing file, and names a
/// missing year.
#[test]
fn word_command_writes_one_year_and_never_overwrites() {
    let site = Site::example();
    let output = build(&site, &[]);
    let file = site.path("年报.docx");
    let out = site.run(&["word", "hongze", "2024", "-o", file.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("已写入"));
    assert_eq!(
        std::fs::read(&file).unwrap(),
        std::fs::read(output.join("hongze/2024/report.docx")).unwrap()
    );
    std::fs::write(&file, "办公室自己的文件").unwrap();
    let again = site.run(&["word", "hongze", "2024", "-o", file.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("已存在，没有改动它"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "办公室自己的文件");
    let missing = site.run(&[
        "word",
        "hongze",
        "2001",
        "-o",
        site.path("x.docx").to_str().unwrap(),
    ]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("没有 2001 年度"));
    assert!(!site.path("x.docx").exists());
}

/// The hrefs of a page.
fn hrefs(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].to_string())
        .collect()
}

/// The CMS page stands alone: one `<style>`, no scripts, no files it loads, and only absolute
/// links (relative ones made absolute with base_url, or printed as text without one).
#[test]
fn cms_page_is_self_contained_with_absolute_links() {
    let site = Site::fixture("printed");
    site.replace(
        "content/shilizhen/2022/report.md",
        "无。",
        "无。见[上年报告](../2021/index.html)、[门户](https://www.example.gov.cn/)。",
    );
    for (base, expect) in [
        (Some("https://www.example.gov.cn/nianbao/"), true),
        (None, false),
    ] {
        let extra: Vec<&str> = base.map(|b| vec!["--base-url", b]).unwrap_or_default();
        let output = build(&site, &extra);
        let html = std::fs::read_to_string(output.join("shilizhen/2022/cms.html")).unwrap();
        let lower = html.to_lowercase();
        for banned in [
            "<script", "<link", "<img", "<iframe", "src=", "url(", "@import", " on",
        ] {
            assert!(!lower.contains(banned), "the CMS page has {banned}");
        }
        assert_eq!(lower.matches("<style").count(), 1);
        for href in hrefs(&html) {
            assert!(
                href.starts_with("https://"),
                "a link that breaks once pasted: {href}"
            );
        }
        let previous = "https://www.example.gov.cn/nianbao/shilizhen/2021/index.html";
        assert_eq!(html.contains(previous), expect, "{html}");
        if !expect {
            assert!(
                html.contains("上年报告（../2021/index.html）"),
                "kept as text"
            );
        }
        assert!(html.contains("https://www.example.gov.cn/\">门户"));
        assert!(html.contains("本列数据的勾稽关系为"));
        for (cell, value) in site.exported("shilizhen", 2022) {
            let value = if value.is_empty() {
                "/".to_string()
            } else {
                value
            };
            assert!(html.contains(&format!(">{value}")), "{cell} = {value}");
        }
    }
}

/// `build --pdf` with the site's environment: `NIANBAO_SOFFICE` names the program when given.
fn build_pdf(site: &Site, soffice: Option<&str>) -> std::process::Output {
    let output = site.path("out");
    let mut command = Command::new(common::BIN);
    command
        .arg("--root")
        .arg(site.root())
        .args(["build", "--pdf", "--force", "--output"])
        .arg(&output);
    if let Some(program) = soffice {
        command.env("NIANBAO_SOFFICE", program);
    }
    command.output().unwrap()
}

/// `build --pdf` prints every year's Word file to an A4 PDF with every cell value in reading
/// order, links it from the year page, keeps the PDF of a year whose Word file did not change
/// (LibreOffice stamps each PDF with its time, so a new conversion would differ) and makes a
/// new one for the year that changed.
#[test]
fn build_pdf_prints_each_year_and_keeps_the_unchanged_ones() {
    if tool(&["soffice", "libreoffice"], "libreoffice-writer").is_none()
        || tool(&["pdftotext"], "poppler-utils").is_none()
    {
        return;
    }
    let site = Site::fixture("printed");
    let first = build_pdf(&site, None);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let out = site.path("out");
    let pdf = |year: u16| out.join(format!("shilizhen/{year}/report.pdf"));
    let mut before = Vec::new();
    for year in [2021, 2022] {
        let (pages, size) = pdf_info(&pdf(year));
        assert!(
            size.starts_with("595") && size.contains("x 841"),
            "A4: {size}"
        );
        assert!((2..=15).contains(&pages), "{pages} pages");
        let page =
            std::fs::read_to_string(out.join(format!("shilizhen/{year}/index.html"))).unwrap();
        assert!(
            page.contains("/report.pdf\">PDF 文件</a>"),
            "the year page links its PDF"
        );
        before.push(std::fs::read(pdf(year)).unwrap());
    }
    let text = pdf_text(&pdf(2022));
    site.replace(
        "content/shilizhen/2022/report.md",
        "无。",
        "本年度另有新增说明事项。",
    );
    let again = build_pdf(&site, None);
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_eq!(
        std::fs::read(pdf(2021)).unwrap(),
        before[0],
        "2021 did not change: its PDF is kept"
    );
    assert_ne!(
        std::fs::read(pdf(2022)).unwrap(),
        before[1],
        "2022 changed: a new PDF"
    );
    let flat: String = pdf_text(&pdf(2022))
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(flat.contains("本年度另有新增说明事项。"));
    // The values: from the export of the build (which also leaves the PDFs out: no --pdf).
    assert_in_reading_order(&text, &site.exported("shilizhen", 2022), "PDF 2022");
    assert!(!pdf(2022).exists(), "a build without --pdf leaves PDFs out");
}

/// Without LibreOffice, `build --pdf` builds the site, says why there is no PDF and links none.
#[test]
fn build_pdf_without_libreoffice_builds_the_site_with_a_note() {
    let site = Site::fixture("printed");
    let missing = site.path("没有这个程序/soffice");
    let out = build_pdf(&site, Some(missing.to_str().unwrap()));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("没有生成 PDF：找不到 LibreOffice（soffice）"),
        "{said}"
    );
    let year = site.path("out/shilizhen/2022");
    assert!(year.join("report.docx").is_file());
    assert!(!year.join("report.pdf").exists());
    let page = std::fs::read_to_string(year.join("index.html")).unwrap();
    assert!(!page.contains("report.pdf"));
}

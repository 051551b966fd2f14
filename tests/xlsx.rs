//! The workbook in the template's layout: `nianbao xlsx` writes it, a department fills it
//! (done here by editing the cells of the file, as Excel would save them), `nianbao import`
//! reads it back by its labels; a rearranged workbook is read by label or refused with the
//! sheet and cell named; LibreOffice opens it; `build` exports each year as one.

mod common;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;

use calamine::{Data, Reader, Xlsx};
use common::Site;

/// The files of a workbook, by name.
fn unzip(path: &Path) -> BTreeMap<String, String> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = BTreeMap::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let name = file.name().unwrap().to_string();
        let mut text = String::new();
        file.read_to_string(&mut text).unwrap();
        out.insert(name, text);
    }
    out
}

fn zip_to(files: &BTreeMap<String, String>, path: &Path) {
    let mut writer = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in files {
        writer.start_file(name.as_str(), options).unwrap();
        writer.write_all(text.as_bytes()).unwrap();
    }
    writer.finish().unwrap();
}

/// The style indexes of unlocked cells (the cells to fill in).
fn unlocked_styles(styles: &str) -> Vec<usize> {
    let xfs = &styles[styles.find("<cellXfs").unwrap()..styles.find("</cellXfs>").unwrap()];
    xfs.split("<xf ")
        .skip(1)
        .enumerate()
        .filter(|(_, xf)| xf.contains("locked=\"0\""))
        .map(|(i, _)| i)
        .collect()
}

/// Fills every empty cell left to fill in, as a clerk would: `value(k)` for the k-th one, a
/// string when it is not a number. Returns how many were filled.
fn fill(files: &mut BTreeMap<String, String>, value: impl Fn(usize) -> String) -> usize {
    let unlocked = unlocked_styles(&files["xl/styles.xml"]);
    assert!(!unlocked.is_empty(), "the workbook has cells to fill in");
    let mut k = 0;
    let sheets: Vec<String> = files
        .keys()
        .filter(|n| n.starts_with("xl/worksheets/sheet"))
        .cloned()
        .collect();
    for name in sheets {
        let xml = files[&name].clone();
        let mut out = String::new();
        let mut rest = xml.as_str();
        while let Some(at) = rest.find("<c r=\"") {
            out.push_str(&rest[..at]);
            let end = rest[at..].find('>').unwrap() + at + 1;
            let tag = &rest[at..end];
            let style = tag
                .split(" s=\"")
                .nth(1)
                .and_then(|s| s.split('"').next())
                .and_then(|s| s.parse::<usize>().ok());
            if tag.ends_with("/>") && style.is_some_and(|s| unlocked.contains(&s)) {
                let open = tag.trim_end_matches("/>");
                let v = value(k);
                k += 1;
                if v.parse::<f64>().is_ok() {
                    out.push_str(&format!("{open}><v>{v}</v></c>"));
                } else {
                    out.push_str(&format!("{open} t=\"inlineStr\"><is><t>{v}</t></is></c>"));
                }
            } else {
                out.push_str(tag);
            }
            rest = &rest[end..];
        }
        out.push_str(rest);
        files.insert(name, out);
    }
    k
}

/// The number cells of a workbook, sheet by sheet, row by row (what a department typed, and
/// what was filled in beforehand).
fn numbers(path: &Path) -> Vec<String> {
    let mut book: Xlsx<_> = calamine::open_workbook(path).unwrap();
    let mut out = Vec::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).unwrap();
        for row in range.rows() {
            for cell in row {
                match cell {
                    Data::Float(f) => out.push(f.to_string()),
                    Data::Int(i) => out.push(i.to_string()),
                    Data::String(s) if s == "/" => out.push(s.clone()),
                    _ => {}
                }
            }
        }
    }
    out
}

/// The values of a year in cell order, from the site's own JSON export.
fn exported(site: &Site, slug: &str, year: u16) -> Vec<(String, String)> {
    site.exported(slug, year)
}

fn run(site: &Site, args: &[&str]) -> (i32, String) {
    let out = site.run(args);
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// Write → fill → import → the same figures; and the workbook of the imported year holds
/// exactly what was typed.
#[test]
fn workbook_round_trip() {
    let site = Site::example();
    let book = site.path("hongze-2025.xlsx");
    let (code, printed) = run(
        &site,
        &["xlsx", "hongze", "2025", "--output", book.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{printed}");
    assert!(
        printed.contains("上年结转等项目已按 2024 年度的数据预先填好"),
        "{printed}"
    );
    // Last year's carried values are there before anyone types.
    let carried = numbers(&book);
    assert!(!carried.is_empty());
    let mut files = unzip(&book);
    let filled_count = fill(&mut files, |k| {
        if k == 5 {
            "/".to_string()
        } else {
            ((k * 7) % 23).to_string()
        }
    });
    assert!(filled_count > 150, "{filled_count} cells to fill");
    let filled = site.path("filled.xlsx");
    zip_to(&files, &filled);
    let typed = numbers(&filled);

    let (code, printed) = run(
        &site,
        &["import", filled.to_str().unwrap(), "--agency", "hongze"],
    );
    assert!(code == 0 || code == 1, "{printed}");
    assert!(printed.contains("已写入"), "{printed}");
    assert!(!printed.contains("没有把握读出"), "{printed}");
    let values: Vec<String> = exported(&site, "hongze", 2025)
        .into_iter()
        .map(|(_, v)| v)
        .collect();
    assert_eq!(values, typed);

    // And back out: the workbook of the imported year has the same numbers in the same cells.
    let again = site.path("again.xlsx");
    let (code, printed) = run(
        &site,
        &[
            "xlsx",
            "hongze",
            "2025",
            "--output",
            again.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{printed}");
    assert_eq!(numbers(&again), typed);
    // An existing file is never overwritten.
    let (code, printed) = run(
        &site,
        &[
            "xlsx",
            "hongze",
            "2025",
            "--output",
            again.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 2);
    assert!(printed.contains("已存在，没有改动它"), "{printed}");
}

/// Rows moved (two labels swapped) are read by their labels; a column label changed is refused
/// with the sheet and cell named, and nothing is written.
#[test]
fn rearranged_workbook_is_read_by_label_or_refused() {
    let site = Site::example();
    let book = site.path("w.xlsx");
    let (code, _) = run(
        &site,
        &["xlsx", "hongze", "2025", "--output", book.to_str().unwrap()],
    );
    assert_eq!(code, 0);
    let mut files = unzip(&book);
    fill(&mut files, |k| (k + 1).to_string());
    // The rows of 1.属于国家秘密 and 8.属于行政查询事项 change places.
    let strings = files["xl/sharedStrings.xml"]
        .replace("1.属于国家秘密", "@1")
        .replace("8.属于行政查询事项", "1.属于国家秘密")
        .replace("@1", "8.属于行政查询事项");
    let mut moved = files.clone();
    moved.insert("xl/sharedStrings.xml".to_string(), strings);
    let moved_path = site.path("moved.xlsx");
    zip_to(&moved, &moved_path);
    let straight_path = site.path("straight.xlsx");
    zip_to(&files, &straight_path);

    let (code, printed) = run(
        &site,
        &[
            "import",
            straight_path.to_str().unwrap(),
            "--agency",
            "hongze",
        ],
    );
    assert!(code == 0 || code == 1, "{printed}");
    let straight: BTreeMap<String, String> = exported(&site, "hongze", 2025).into_iter().collect();
    std::fs::remove_dir_all(site.path("content/hongze/2025")).unwrap();
    let (code, printed) = run(
        &site,
        &["import", moved_path.to_str().unwrap(), "--agency", "hongze"],
    );
    assert!(code == 0 || code == 1, "{printed}");
    let by_label: BTreeMap<String, String> = exported(&site, "hongze", 2025).into_iter().collect();
    for column in ["natural_person", "business", "total"] {
        let secret = format!("requests.withheld.state_secret.{column}");
        let query = format!("requests.withheld.query_matters.{column}");
        assert_eq!(by_label[&secret], straight[&query], "{secret}");
        assert_eq!(by_label[&query], straight[&secret], "{query}");
        assert_ne!(straight[&secret], straight[&query]);
    }

    // A column label changed: refused, naming the sheet, the cell and the label.
    std::fs::remove_dir_all(site.path("content/hongze/2025")).unwrap();
    let mut renamed = files.clone();
    renamed.insert(
        "xl/sharedStrings.xml".to_string(),
        files["xl/sharedStrings.xml"].replace(">商业企业<", ">企业<"),
    );
    let renamed_path = site.path("renamed.xlsx");
    zip_to(&renamed, &renamed_path);
    let (code, printed) = run(
        &site,
        &[
            "import",
            renamed_path.to_str().unwrap(),
            "--agency",
            "hongze",
        ],
    );
    assert_eq!(code, 2, "{printed}");
    assert!(printed.contains("工作表「三、依申请公开」"), "{printed}");
    assert!(printed.contains("A4 格起的表格"), "{printed}");
    assert!(printed.contains("「商业企业」"), "{printed}");
    assert!(!site.path("content/hongze/2025").exists());
}

/// LibreOffice (Debian's libreoffice-calc) opens the workbook: converted to CSV, the first
/// sheet has the official labels and the carried figures.
#[test]
fn libreoffice_opens_the_workbook() {
    let site = Site::example();
    let book = site.path("hongze-2025.xlsx");
    let (code, printed) = run(
        &site,
        &["xlsx", "hongze", "2025", "--output", book.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{printed}");
    let Some(csv) = libreoffice_csv(&site, &book) else {
        return;
    };
    assert!(csv.contains("第二十条第（一）项"), "{csv}");
    assert!(csv.contains("本列数据的勾稽关系为"), "{csv}");
    assert!(csv.contains("二、上年结转政府信息公开申请数量"), "{csv}");
    assert!(csv.contains("结果维持"), "{csv}");
}

/// The sheets of a workbook as LibreOffice reads them (one CSV text for all sheets), or None
/// when soffice is missing (a failure under CI=true).
fn libreoffice_csv(site: &Site, book: &std::path::Path) -> Option<String> {
    let soffice = ["soffice", "libreoffice"].into_iter().find(|b| {
        std::process::Command::new(b)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    let Some(soffice) = soffice else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("soffice is missing: install libreoffice-calc (see .ci/run)");
        }
        eprintln!("skipped: soffice (libreoffice-calc) is not installed");
        return None;
    };
    let profile = site.path("lo-profile");
    let outdir = site.path("lo-csv");
    std::fs::create_dir_all(&outdir).unwrap();
    let out = std::process::Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args([
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
        ])
        .arg("--outdir")
        .arg(&outdir)
        .arg(book)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    // With the sheet option -1, every sheet is written as <name>-<sheet>.csv.
    let mut csv = String::new();
    for entry in std::fs::read_dir(&outdir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "csv") {
            csv.push_str(&std::fs::read_to_string(&path).unwrap());
        }
    }
    Some(csv)
}

/// The year's data.xlsx of a build is assembled from a skeleton per form (src/render/xlsx.rs):
/// LibreOffice opens it and reads the agency, the year, the figures and the blanks.
#[test]
fn libreoffice_opens_the_workbook_of_a_build() {
    let site = Site::example();
    let output = site.path("site");
    let (code, printed) = run(&site, &["build", "--output", output.to_str().unwrap()]);
    assert_eq!(code, 0, "{printed}");
    let Some(csv) = libreoffice_csv(&site, &output.join("hongze/2024/data.xlsx")) else {
        return;
    };
    assert!(
        csv.contains("淮安市洪泽区人民政府 2024年政府信息公开工作年度报告：三、收到和处理政府信息公开申请情况"),
        "{csv}"
    );
    // 一、本年新收: 95 in 总计; 信息处理费: 发出收费通知的件数 printed blank (/).
    assert!(csv.contains(",95"), "{csv}");
    assert!(csv.contains("发出收费通知的件数"), "{csv}");
    assert!(csv.contains(",/"), "{csv}");
    assert!(!csv.contains("900000"), "no sentinel left: {csv}");
}

/// `build` writes each year as data.xlsx beside data.csv and data.json, linked from the year
/// page; importing that export gives the year's figures back.
#[test]
fn build_exports_each_year_as_a_workbook() {
    let site = Site::example();
    let output = site.path("site");
    let (code, printed) = run(&site, &["build", "--output", output.to_str().unwrap()]);
    assert_eq!(code, 0, "{printed}");
    let book = output.join("hongze/2024/data.xlsx");
    assert!(book.is_file());
    let page = std::fs::read_to_string(output.join("hongze/2024/index.html")).unwrap();
    assert!(
        page.contains("data.xlsx"),
        "the year page links the workbook"
    );
    let original = exported(&site, "hongze", 2024);
    let (code, _) = run(&site, &["new-agency", "copy", "--name", "导入测试（虚构）"]);
    assert_eq!(code, 0);
    let (code, printed) = run(
        &site,
        &["import", book.to_str().unwrap(), "--agency", "copy"],
    );
    assert!(code == 0 || code == 1, "{printed}");
    assert_eq!(exported(&site, "copy", 2024), original);
}

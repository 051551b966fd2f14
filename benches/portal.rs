//! Synthetic portals for the benchmarks: `n` fictional agencies (示例街道办事处0001 …) with seven
//! report years each (2019–2025), built from the test fixture so that every rule holds.

#![allow(dead_code)]

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

/// The files of one agency: (relative path, text).
fn agency_files(slug: &str, index: usize) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let name = format!("示例街道办事处{index:04}");
    files.push((
        format!("content/{slug}/agency.yaml"),
        fixture("content/shili/agency.yaml").replace("示例街道办事处", &name),
    ));
    for year in 2019..=2022 {
        for file in ["data.yaml", "report.md"] {
            files.push((
                format!("content/{slug}/{year}/{file}"),
                fixture(&format!("content/shili/{year}/{file}")),
            ));
        }
    }
    // 2023–2025: a steady year that carries one application in and one out.
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
    for year in 2023..=2025 {
        files.push((
            format!("content/{slug}/{year}/data.yaml"),
            replace_once(
                &steady,
                "published: 2023-01-16",
                &format!("published: {}-01-16", year + 1),
            ),
        ));
        files.push((
            format!("content/{slug}/{year}/report.md"),
            report.replace("2022", &year.to_string()),
        ));
    }
    files
}

/// Writes a portal of `agencies` agencies × 7 years under `dir`.
pub fn write_portal(dir: &Path, agencies: usize) -> PathBuf {
    std::fs::create_dir_all(dir.join("content")).unwrap();
    std::fs::write(
        dir.join("content/site.yaml"),
        "title: 示例门户（基准测试用的虚构数据）\nfooter:\n  sponsor: 示例区政务公开办公室\n",
    )
    .unwrap();
    for i in 1..=agencies {
        let slug = format!("shili-{i:04}");
        for (rel, text) in agency_files(&slug, i) {
            let path = dir.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
    }
    dir.to_path_buf()
}

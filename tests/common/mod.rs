//! Shared helpers for the end-to-end tests: fixture sites in temporary folders and the real binary.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

pub mod server;

pub const BIN: &str = env!("CARGO_BIN_EXE_nianbao");

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A copy of a site in a temporary folder.
pub struct Site {
    pub dir: tempfile::TempDir,
}

impl Site {
    /// A copy of `tests/fixtures/<name>`.
    pub fn fixture(name: &str) -> Site {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&repo().join("tests/fixtures").join(name), dir.path());
        Site { dir }
    }

    /// A copy of the example site (the repository's content/).
    pub fn example() -> Site {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&repo().join("content"), &dir.path().join("content"));
        Site { dir }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap()
    }

    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// Replaces exactly one occurrence of `from` in a file.
    pub fn replace(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert_eq!(text.matches(from).count(), 1, "{from:?} in {rel}");
        self.write(rel, text.replacen(from, to, 1));
    }

    /// The 1-based line of the first line of `rel` that contains `needle`.
    pub fn line_of(&self, rel: &str, needle: &str) -> u64 {
        let text = self.read(rel);
        text.lines()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("{needle:?} not in {rel}")) as u64
            + 1
    }

    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(BIN)
            .arg("--root")
            .arg(self.root())
            .args(args)
            .output()
            .unwrap()
    }

    /// `nianbao build` with these arguments, which must succeed (its messages shown if not).
    pub fn build_ok(&self, args: &[&str]) {
        let out = self.run(&[&["build"], args].concat());
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// `nianbao check --format json`: the exit code and the diagnostics.
    pub fn check(&self) -> (i32, Vec<Value>) {
        let out = self.run(&["check", "--format", "json"]);
        let code = out.status.code().unwrap_or(-1);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let json: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
            panic!(
                "check printed no JSON ({e}); stdout: {stdout}; stderr: {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        (code, json["diagnostics"].as_array().unwrap().clone())
    }

    /// `nianbao check` for the terminal: the exit code and what it printed.
    pub fn check_human(&self) -> (i32, String) {
        let out = self.run(&["check"]);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.code().unwrap_or(-1), text)
    }
}

/// The diagnostics with a given code.
pub fn with_code<'a>(diagnostics: &'a [Value], code: &str) -> Vec<&'a Value> {
    diagnostics.iter().filter(|d| d["code"] == code).collect()
}

/// Exactly one diagnostic with this code; fails with the whole list otherwise.
pub fn only<'a>(diagnostics: &'a [Value], code: &str) -> &'a Value {
    let found = with_code(diagnostics, code);
    assert_eq!(found.len(), 1, "one {code} expected in {diagnostics:#?}");
    found[0]
}

/// Every file and symbolic link under `dir` with its bytes (or link target), for asserting that
/// a folder is byte-for-byte as it was.
pub fn tree(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(dir).unwrap().to_path_buf();
        let bytes = if entry.path_is_symlink() {
            std::fs::read_link(entry.path())
                .unwrap()
                .to_string_lossy()
                .as_bytes()
                .to_vec()
        } else if entry.file_type().is_dir() {
            b"<dir>".to_vec()
        } else {
            std::fs::read(entry.path()).unwrap()
        };
        out.insert(rel, bytes);
    }
    out
}

/// Runs the binary in `dir` as a user would type it there (no --root).
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

/// The narrative of a finished report (no guidance text left).
pub const FINISHED_REPORT: &str = "## 一、总体情况\n\n本年度依法做好政府信息公开工作，主动公开各类信息。\n\n## 五、存在的主要问题及改进情况\n\n公开内容还不够全面，下一年度将加强解读。\n\n## 六、其他需要报告的事项\n\n本年度未收取信息处理费。\n";

/// A new site made with the commands a clerk runs: `init` with agency `a` (示例街道办事处),
/// `new a 2024` and `new a 2025` (both drafts), and a second agency `b` (某某区人民政府) added with
/// `new-agency`, whose 2024 report is finished and published.
pub fn drafts_site() -> Site {
    let dir = tempfile::tempdir().unwrap();
    let site = Site { dir };
    let ok = |out: Output| {
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        )
    };
    ok(site.run(&["init", "--agency", "a", "--name", "示例街道办事处"]));
    ok(site.run(&["new", "a", "2024"]));
    ok(site.run(&["new", "a", "2025"]));
    ok(site.run(&[
        "new-agency",
        "b",
        "--name",
        "某某区人民政府",
        "--kind",
        "government",
    ]));
    ok(site.run(&["new", "b", "2024"]));
    let data = site.read("content/b/2024/data.yaml");
    assert_eq!(data.matches("published: draft").count(), 1);
    site.write(
        "content/b/2024/data.yaml",
        data.replace("published: draft", "published: 2025-03-20"),
    );
    site.write("content/b/2024/report.md", FINISHED_REPORT);
    site
}

/// The district fixture with `n` more towns (`zhen001`…), each with the 2022 report of the
/// fixture's 示例镇 under its own name 「某某区示例镇001人民政府」 (short name 示例镇001): a report year
/// with many reports, as a portal has.
pub fn many_towns(n: usize) -> Site {
    let site = Site::fixture("district");
    let agency = site.read("content/shilizhen/agency.yaml");
    let data = site.read("content/shilizhen/2022/data.yaml");
    let report = site.read("content/shilizhen/2022/report.md");
    for i in 1..=n {
        let slug = format!("zhen{i:03}");
        site.write(
            &format!("content/{slug}/agency.yaml"),
            agency
                .replace(
                    "某某区示例镇人民政府",
                    &format!("某某区示例镇{i:03}人民政府"),
                )
                .replace("short_name: 示例镇", &format!("short_name: 示例镇{i:03}")),
        );
        site.write(&format!("content/{slug}/2022/data.yaml"), &data);
        site.write(&format!("content/{slug}/2022/report.md"), &report);
    }
    site
}

/// A cell of a comparison page (one row per official row; under each official column last
/// year `p` and this year `n`, the change written after this year's value): the `<td …>…</td>`
/// whose row header reads `row` and whose column group header reads `column`, in the same table.
/// `d` (the change) gives this year's cell. Panics when there is none.
pub fn compare_cell(html: &str, row: &str, column: &str, which: char) -> String {
    // Header ids are numbered over the page: rows `12`, column groups `c`, their years `c0` (last
    // year) and `c1` (this year).
    let year = if which == 'p' { '0' } else { '1' };
    let row_header = format!("\">{row}</th>");
    let mut from = 0;
    while let Some(found) = html[from..].find(&row_header) {
        let at = from + found;
        from = at + row_header.len();
        let Some(id_start) = html[..at].rfind("<tr><th id=\"") else {
            continue;
        };
        let row_id = &html[id_start + "<tr><th id=\"".len()..at];
        if row_id.is_empty() || !row_id.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        // The table the row is in.
        let table_start = html[..at].rfind("<table").unwrap();
        let table_end = at + html[at..].find("</table>").unwrap();
        let table = &html[table_start..table_end];
        let group = format!("\" scope=\"colgroup\" colspan=\"2\">{column}</th>");
        let Some(g) = table.find(&group) else {
            continue;
        };
        let gid_start = table[..g].rfind("<th id=\"").unwrap() + "<th id=\"".len();
        let gid = &table[gid_start..g];
        let cell = format!("<td headers=\"{row_id} {gid} {gid}{year}\"");
        if let Some(c) = table.find(&cell) {
            let end = c + table[c..].find("</td>").unwrap() + "</td>".len();
            return table[c..end].to_string();
        }
    }
    panic!("no comparison cell 「{row}」×「{column}」 ({which})");
}

impl Site {
    /// The national cells of a year in cell order, as the site's own JSON export prints them
    /// (builds with --drafts into `out/`): cell id → value.
    pub fn exported(&self, slug: &str, year: u16) -> Vec<(String, String)> {
        let output = self.path("out");
        let out = self.run(&[
            "build",
            "--drafts",
            "--force",
            "--output",
            output.to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text =
            std::fs::read_to_string(output.join(slug).join(year.to_string()).join("data.json"))
                .unwrap();
        json_cells(&serde_json::from_str(&text).unwrap())
    }
}

/// The report years listed by an agency's all-years data.json, in its order.
pub fn json_years(all: &Value) -> Vec<u64> {
    all["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y["year"].as_u64().unwrap())
        .collect()
}

/// The national cells of a year's data.json in cell order: cell id → value as printed.
pub fn json_cells(year: &Value) -> Vec<(String, String)> {
    let mut cells = Vec::new();
    for table in year["tables"].as_array().unwrap() {
        let columns = table["columns"].as_array().unwrap();
        for row in table["rows"].as_array().unwrap() {
            // Rows added locally have no key (and `national: false`).
            let Some(key) = row["key"].as_str() else {
                continue;
            };
            for (column, value) in columns.iter().zip(row["values"].as_array().unwrap()) {
                cells.push((
                    format!(
                        "{}.{key}.{}",
                        table["key"].as_str().unwrap(),
                        column["key"].as_str().unwrap()
                    ),
                    value.as_str().unwrap_or_default().to_string(),
                ));
            }
        }
    }
    cells
}

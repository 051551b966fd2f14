//! Snapshot tests of the year-page tables for both templates: the official layout (multi-row
//! headers, rowspan/colspan, three levels of row labels, id/headers) as HTML. Run with
//! `UPDATE_SNAPSHOTS=1 cargo test --test snapshots` after an intended change, and review the diff.

mod common;

use common::Site;

/// The `<table>` elements of a page whose class contains `report-table`.
fn report_tables(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<table class=\"report-table") {
        let end = rest[start..].find("</table>").unwrap() + start + "</table>".len();
        out.push(rest[start..end].to_string());
        rest = &rest[end..];
    }
    out
}

fn assert_snapshot(name: &str, actual: &str) {
    let path = common::repo().join("tests/snapshots").join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no snapshot {}; run with UPDATE_SNAPSHOTS=1",
            path.display()
        )
    });
    if expected != actual {
        let first = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        panic!(
            "snapshot {name} differs at line {}:\n expected: {}\n actual:   {}\n(UPDATE_SNAPSHOTS=1 to accept)",
            first + 1,
            expected.lines().nth(first).unwrap_or(""),
            actual.lines().nth(first).unwrap_or("")
        );
    }
}

fn year_tables(year: u16) -> Vec<String> {
    let site = Site::fixture("valid");
    let out = site.run(&["build"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    report_tables(&site.read(&format!("output/shili/{year}/index.html")))
}

#[test]
fn tables_of_a_2019_format_year() {
    let tables = year_tables(2020);
    // 第二十条 (一)(五)(六)(八)(九), part 三, part 四.
    assert_eq!(tables.len(), 7);
    assert_snapshot("2019-format-tables.html", &tables.join("\n\n"));
}

#[test]
fn tables_of_a_2021_format_year() {
    let tables = year_tables(2021);
    // 第二十条 (一)(五)(六)(八), part 三, part 四, the fee figures of 六.
    assert_eq!(tables.len(), 7);
    assert!(
        tables[4].contains("rowspan=\"22\""),
        "三、本年度办理结果 spans 22 rows"
    );
    assert_snapshot("2021-format-tables.html", &tables.join("\n\n"));
}

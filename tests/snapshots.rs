//! Snapshot tests of the year-page tables for both templates: the official layout (multi-row
//! headers, rowspan/colspan, three levels of row labels, id/headers) as HTML, kept by insta in
//! tests/snapshots/*.snap. After an intended change run
//! `INSTA_UPDATE=always cargo test --test snapshots` (or `cargo insta review`) and review the diff;
//! with `CI=true` a missing or different snapshot fails and nothing is written.

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
    insta::assert_snapshot!("2019-format-tables", tables.join("\n\n"));
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
    insta::assert_snapshot!("2021-format-tables", tables.join("\n\n"));
}

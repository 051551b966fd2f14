//! The HTML of a comparison table (last year beside this year, cell by cell), written in Rust
//! rather than in a template loop: it is most of a comparison page and the hot path of a build.
//!
//! Lean on purpose (issue 15): short header ids (`{prefix}{row}`, `{prefix}h{column}` and its
//! `p`/`n` year headers), no class on plain value cells (the style sheet tells last year's column
//! by its position), and the change written once, after this year's value, as on the year page.

use std::fmt::Write as _;

use super::Mark;
use crate::render::theme::escape_html as esc;

/// One official row: its label and, per official column, last year, this year and the change.
pub(super) struct CompareRow {
    pub label: String,
    pub cells: Vec<ComparePair>,
}

pub(super) struct ComparePair {
    pub previous: String,
    pub current: String,
    pub previous_mark: Option<Mark>,
    pub current_mark: Option<Mark>,
    /// 「+3」, 「−5」, 「持平」…; empty when the two years are not comparable (口径不同).
    pub change: String,
    /// 「+60%」, or empty / 「—」 when there is no ratio.
    pub percent: String,
    /// `up`, `down`, `same`, `na`.
    pub class: &'static str,
}

/// An acknowledged problem's mark after a value (the same markup as the `mark` macro).
pub(super) fn mark(out: &mut String, mark: &Option<Mark>, root: &str) {
    if let Some(m) = mark {
        let _ = write!(
            out,
            "<a class=\"mark\" href=\"{root}{}\" title=\"{}\">{}<span class=\"vh\">（已确认的问题，查看说明）</span></a>",
            esc(&m.href),
            esc(&m.title),
            esc(&m.text)
        );
    }
}

/// The `<thead>` and `<tbody>` of a comparison table.
pub(super) fn compare_table_html(
    prefix: &str,
    columns: &[String],
    rows: &[CompareRow],
    years: (u16, u16),
    root: &str,
) -> String {
    let (previous, current) = years;
    let mut out = String::with_capacity(256 + rows.len() * columns.len() * 96);
    let _ = write!(
        out,
        "<thead>\n<tr><th id=\"{prefix}i\" scope=\"col\" rowspan=\"2\">项目</th>"
    );
    for (k, c) in columns.iter().enumerate() {
        let _ = write!(
            out,
            "<th id=\"{prefix}h{}\" scope=\"colgroup\" colspan=\"2\">{}</th>",
            k + 1,
            esc(c)
        );
    }
    out.push_str("</tr>\n<tr>");
    for k in 1..=columns.len() {
        let _ = write!(
            out,
            "<th id=\"{prefix}h{k}p\" scope=\"col\">{previous}年</th><th id=\"{prefix}h{k}n\" scope=\"col\">{current}年</th>"
        );
    }
    out.push_str("</tr>\n</thead>\n<tbody>\n");
    for (r, row) in rows.iter().enumerate() {
        let r = r + 1;
        let _ = write!(
            out,
            "<tr><th id=\"{prefix}{r}\" scope=\"row\">{}</th>",
            esc(&row.label)
        );
        for (k, x) in row.cells.iter().enumerate() {
            let k = k + 1;
            let na = if x.class == "na" { " class=\"na\"" } else { "" };
            let _ = write!(
                out,
                "<td headers=\"{prefix}{r} {prefix}h{k} {prefix}h{k}p\"{na}>{}",
                esc(&x.previous)
            );
            mark(&mut out, &x.previous_mark, root);
            let _ = write!(
                out,
                "</td><td headers=\"{prefix}{r} {prefix}h{k} {prefix}h{k}n\">{}",
                esc(&x.current)
            );
            mark(&mut out, &x.current_mark, root);
            if !x.change.is_empty() {
                if x.class == "same" {
                    out.push_str("<i>");
                } else {
                    let _ = write!(out, "<i class=\"{}\">", x.class);
                }
                out.push_str(&esc(&x.change));
                if !x.percent.is_empty() && x.percent != "—" {
                    let _ = write!(out, "（{}）", esc(&x.percent));
                }
                out.push_str("</i>");
            }
            out.push_str("</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n");
    out
}

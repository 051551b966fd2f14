//! The HTML of a comparison table (last year beside this year, cell by cell), written in Rust
//! rather than in a template loop: it is most of a comparison page and the hot path of a build.
//!
//! Lean on purpose (issue 15: a comparison page of the 2021 format within 30 KB): header ids are
//! numbered over the whole page and one to three characters long (`PageIds`: a row header is a
//! number, `12`; a column group letters, `c`; its year headers the letters and `0` for last year
//! or `1` for this year, `c0` `c1`), so each cell's `headers` still names its row, its column
//! group and its year; no `scope` on the year and row headers (every cell names its headers, and a
//! `th` in the head or first column is a column or row header by default); no class on plain value cells (the style sheet tells last year's column by
//! its position); the change written once, after this year's value, and left out when the two
//! years are equal (the page's explanation, which every table points to, says so) instead of a
//! 「持平」 in most cells of a report.

use std::fmt::Write as _;

use super::Mark;
use crate::render::compare::Change;
use crate::render::theme::{escape_html as esc, escape_html_into as esc_into};

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
    /// The change as printed after this year's value (`shown_change`): 「+3」 and 「+60%」, or 「—」
    /// when there is no ratio; both empty when nothing is printed.
    pub change: (String, String),
    /// `up`, `down`, `same`, `na`.
    pub class: &'static str,
}

/// The change and its ratio as a comparison table prints them: nothing for equal years (the
/// page's explanation says so once; no ratio computed) or for years that cannot be compared.
pub(super) fn shown_change(change: &Change, comparable: bool) -> (String, String) {
    if !comparable || change.class() == "same" {
        return (String::new(), String::new());
    }
    (change.text(), change.percent())
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

/// The header ids of one comparison page: rows and column groups numbered over the whole page,
/// so that ids stay unique across its tables and as short as they can be.
#[derive(Default)]
pub(super) struct PageIds {
    rows: usize,
    groups: usize,
}

impl PageIds {
    fn row(&mut self) -> String {
        self.rows += 1;
        self.rows.to_string()
    }

    /// The next column group's id: a, b, … z, A, … Z, aa, ab, … (never a digit, so never a row's).
    fn group(&mut self) -> String {
        const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        let mut n = self.groups;
        self.groups += 1;
        let mut id = Vec::new();
        loop {
            id.push(LETTERS[n % LETTERS.len()]);
            n /= LETTERS.len();
            if n == 0 {
                break;
            }
            n -= 1;
        }
        id.reverse();
        String::from_utf8_lossy(&id).into_owned()
    }
}

/// The `<thead>` and `<tbody>` of a comparison table.
pub(super) fn compare_table_html(
    ids: &mut PageIds,
    columns: &[String],
    rows: &[CompareRow],
    years: (u16, u16),
    root: &str,
) -> String {
    let (previous, current) = years;
    let mut out = String::with_capacity(256 + rows.len() * columns.len() * 64);
    // The corner header is above the row headers only: no data cell names it.
    out.push_str("<thead>\n<tr><th rowspan=\"2\">项目</th>");
    let groups: Vec<String> = columns.iter().map(|_| ids.group()).collect();
    for (g, c) in groups.iter().zip(columns) {
        let _ = write!(
            out,
            "<th id=\"{g}\" scope=\"colgroup\" colspan=\"2\">{}</th>",
            esc(c)
        );
    }
    out.push_str("</tr>\n<tr>");
    for g in &groups {
        let _ = write!(
            out,
            "<th id=\"{g}0\">{previous}年</th><th id=\"{g}1\">{current}年</th>"
        );
    }
    out.push_str("</tr>\n</thead>\n<tbody>\n");
    for row in rows {
        let r = ids.row();
        out.push_str("<tr><th id=\"");
        out.push_str(&r);
        out.push_str("\">");
        esc_into(&mut out, &row.label);
        out.push_str("</th>");
        // Pushed piece by piece rather than by `write!` (two per cell, the page's most).
        let headers = |out: &mut String, g: &str, year: char| {
            out.push_str("<td headers=\"");
            out.push_str(&r);
            out.push(' ');
            out.push_str(g);
            out.push(' ');
            out.push_str(g);
            out.push(year);
            out.push('"');
        };
        for (g, x) in groups.iter().zip(&row.cells) {
            headers(&mut out, g, '0');
            if x.class == "na" {
                out.push_str(" class=\"na\"");
            }
            out.push('>');
            esc_into(&mut out, &x.previous);
            mark(&mut out, &x.previous_mark, root);
            out.push_str("</td>");
            headers(&mut out, g, '1');
            out.push('>');
            esc_into(&mut out, &x.current);
            mark(&mut out, &x.current_mark, root);
            // Equal years carry no mark: the page's explanation says so once.
            let (change, percent) = &x.change;
            if !change.is_empty() {
                out.push_str("<i class=\"");
                out.push_str(x.class);
                out.push_str("\">");
                esc_into(&mut out, change);
                if !percent.is_empty() && percent != "—" {
                    out.push('（');
                    esc_into(&mut out, percent);
                    out.push('）');
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

#[cfg(test)]
mod tests {
    use super::PageIds;

    #[test]
    fn header_ids_are_short_and_never_repeat() {
        let mut ids = PageIds::default();
        let groups: Vec<String> = (0..60).map(|_| ids.group()).collect();
        assert_eq!(groups[..3], ["a", "b", "c"]);
        assert_eq!(groups[26], "A");
        assert_eq!(groups[51], "Z");
        assert_eq!(groups[52], "aa");
        let mut all: Vec<String> = groups
            .iter()
            .flat_map(|g| [g.clone(), format!("{g}0"), format!("{g}1")])
            .collect();
        all.extend((0..60).map(|_| ids.row()));
        let count = all.len();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), count);
    }
}

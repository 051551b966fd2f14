//! The HTML of a statistical table's grid (`table::Grid`), written in Rust rather than in a
//! template loop: the tables are most of a year page, and this is the hot path of a build.

use crate::render::table::{EXTRA_CLASS, EXTRA_TAG, Grid, GridCell};

/// The `<thead>` and `<tbody>` of a cached grid as HTML, with rows added (`extra_grid_rows`,
/// each after the template row it follows) and each body cell first given to `fill` with the
/// index of its template row (None in an added row). The cells are filled in reading order, each
/// in buffers kept from row to row, so the grid is never copied (a year page's tables are most of
/// its cost).
pub(crate) fn grid_html(
    grid: &Grid,
    extra: &mut [(Option<usize>, Vec<GridCell>)],
    fill: &mut dyn FnMut(Option<usize>, &mut GridCell),
) -> String {
    let mut out = String::with_capacity(64 * 1024);
    push_head(&mut out, grid);
    let mut scratch = GridCell::default();
    let mut row_cells: Vec<GridCell> = Vec::new();
    let extra_after = |out: &mut String,
                       extra: &mut [(Option<usize>, Vec<GridCell>)],
                       fill: &mut dyn FnMut(Option<usize>, &mut GridCell),
                       at: Option<usize>| {
        for (after, row) in extra.iter_mut() {
            if *after == at {
                for cell in row.iter_mut() {
                    fill(None, cell);
                }
                push_body_row(out, row.iter());
            }
        }
    };
    extra_after(&mut out, extra, fill, None);
    for (r, row) in grid.body.iter().enumerate() {
        // Filled into buffers kept from row to row: a row is written whole (`push_body_row`).
        row_cells.resize_with(row.len(), GridCell::default);
        for (target, cell) in row_cells.iter_mut().zip(row) {
            scratch.clone_from(cell);
            fill(Some(r), &mut scratch);
            std::mem::swap(target, &mut scratch);
        }
        push_body_row(&mut out, row_cells.iter());
        extra_after(&mut out, extra, fill, Some(r));
    }
    out.push_str("</tbody>\n");
    out
}

/// ` name="value"`, the value escaped straight into the page.
fn push_attribute(out: &mut String, name: &str, value: &str) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    crate::render::theme::escape_html_into(out, value);
    out.push('"');
}

fn push_spans(out: &mut String, c: &GridCell) {
    use std::fmt::Write as _;
    if c.rowspan > 1 {
        let _ = write!(out, " rowspan=\"{}\"", c.rowspan);
    }
    if c.colspan > 1 {
        let _ = write!(out, " colspan=\"{}\"", c.colspan);
    }
}

/// ` class="…"`: classes are the program's own words, written as they are.
fn push_class(out: &mut String, class: &str) {
    if !class.is_empty() {
        out.push_str(" class=\"");
        out.push_str(class);
        out.push('"');
    }
}

/// `<a href="…">text</a>`.
fn push_link(out: &mut String, href: &str, text: &str) {
    out.push_str("<a");
    push_attribute(out, "href", href);
    out.push('>');
    crate::render::theme::escape_html_into(out, text);
    out.push_str("</a>");
}

/// The opening tag of a heading cell (a head cell, or a body row's `<th>`): its id and scope
/// where it has them, its headers, spans and class.
fn push_open(out: &mut String, c: &GridCell) {
    out.push('<');
    out.push_str(c.tag);
    if !c.id.is_empty() {
        push_attribute(out, "id", &c.id);
    }
    if !c.scope.is_empty() {
        out.push_str(" scope=\"");
        out.push_str(c.scope);
        out.push('"');
    }
    if !c.headers.is_empty() {
        push_attribute(out, "headers", &c.headers);
    }
    push_spans(out, c);
    push_class(out, c.class);
    out.push('>');
}

/// The `<thead>` of a grid and the opening of its `<tbody>`.
fn push_head(out: &mut String, grid: &Grid) {
    use crate::render::theme::escape_html_into as esc;
    out.push_str("<thead>\n");
    for row in &grid.head {
        out.push_str("<tr>");
        for c in row {
            push_open(out, c);
            esc(out, &c.text);
            out.push_str("</");
            out.push_str(c.tag);
            out.push('>');
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</thead>\n<tbody>\n");
}

/// One `<tr>` of a grid's body.
fn push_body_row<'c>(out: &mut String, row: impl Iterator<Item = &'c GridCell>) {
    use crate::render::theme::escape_html_into as esc;
    out.push_str("<tr>");
    for c in row {
        if c.tag == "th" {
            push_open(out, c);
            if c.href.is_empty() {
                esc(out, &c.text);
            } else {
                push_link(out, &c.href, &c.text);
            }
            if c.class == EXTRA_CLASS {
                out.push_str(EXTRA_TAG);
            }
            out.push_str("</th>");
            continue;
        }
        // Lean on purpose (issue 15): no per-cell title or hidden text; the page explains
        // once what the link and the small change figure mean (`aria-describedby`).
        out.push_str("<td");
        push_attribute(out, "id", &c.id);
        push_attribute(out, "headers", &c.headers);
        push_class(out, c.class);
        if !c.title.is_empty() {
            push_attribute(out, "title", &c.title);
        }
        out.push('>');
        if c.href.is_empty() {
            esc(out, &c.text);
        } else {
            push_link(out, &c.href, &c.text);
        }
        if !c.note_mark.is_empty() {
            out.push_str("<a class=\"fn\" href=\"#");
            esc(out, &c.note_href);
            out.push('"');
            push_attribute(out, "title", &c.note);
            out.push('>');
            esc(out, &c.note_mark);
            out.push_str("</a>");
        }
        if !c.mark.is_empty() {
            out.push_str("<a class=\"mark\" href=\"#");
            esc(out, &c.mark_href);
            out.push_str("\" title=\"已确认的问题\">");
            esc(out, &c.mark);
            out.push_str("</a>");
        }
        if !c.delta.is_empty() {
            // 「持平」 is the common case: the unmarked <i>.
            if c.delta_class.is_empty() || c.delta_class == "same" {
                out.push_str("<i>");
            } else {
                out.push_str("<i class=\"");
                out.push_str(c.delta_class);
                out.push_str("\">");
            }
            esc(out, &c.delta);
            out.push_str("</i>");
        }
        out.push_str("</td>");
    }
    out.push_str("</tr>\n");
}

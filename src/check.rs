//! The checks: identities inside a year, rules across consecutive years, the document, and the
//! matching of acknowledged problems.

use std::collections::HashSet;
use std::path::Path;

use rust_decimal::Decimal;

use crate::diagnostic::{Diagnostic, Severity, code_info};
use crate::model::{Agency, Cell, Site, Year};
use crate::template::{Equation, PARTS, PartKind, REPEATED_TEXT_LIMIT, TemplateId, YearRef};

/// Runs every check over the site and marks the acknowledged problems. `diagnostics` holds the
/// problems found while loading; the result is sorted by file and line.
pub fn check_site(site: &Site, mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    for agency in &site.agencies {
        for (i, year) in agency.years.iter().enumerate() {
            let previous = i
                .checked_sub(1)
                .map(|p| &agency.years[p])
                .filter(|p| p.year + 1 == year.year);
            check_year(agency, year, previous, &mut diagnostics);
        }
    }
    for agency in &site.agencies {
        for year in &agency.years {
            acknowledge(year, &mut diagnostics);
        }
    }
    diagnostics.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.code).cmp(&(&b.file, b.line, b.column, b.code))
    });
    diagnostics
}

/// The checks of one year, pushed onto `out`.
pub fn check_year(
    agency: &Agency,
    year: &Year,
    previous: Option<&Year>,
    out: &mut Vec<Diagnostic>,
) {
    check_identities(year, previous, out);
    check_document(agency, year, out);
    crate::figures::check(year, out);
    if let Some(previous) = previous {
        check_repeated_text(year, previous, out);
    }
}

/// The value of a term, if it can be read (a blank cell reads as None).
fn term_value(year: &Year, previous: Option<&Year>, cell: &str, which: YearRef) -> Option<Decimal> {
    let (y, index) = term_cell(year, previous, cell, which)?;
    y.cells[index].value()
}

/// The year and the index of a term's cell.
fn term_cell<'y>(
    year: &'y Year,
    previous: Option<&'y Year>,
    cell: &str,
    which: YearRef,
) -> Option<(&'y Year, usize)> {
    let y = match which {
        YearRef::Current => year,
        YearRef::Previous => previous?,
    };
    Some((y, y.form.cell_index(cell)?))
}

/// An identity that does not hold: its sides, and the blank cells (`/`) counted as 0 in them.
struct Failure<'e> {
    eq: &'e Equation,
    lhs: Decimal,
    rhs: Decimal,
    blanks: Vec<(YearRef, usize)>,
}

fn check_identities(year: &Year, previous: Option<&Year>, out: &mut Vec<Diagnostic>) {
    let form = &year.form;
    let mut failures: Vec<Failure<'_>> = Vec::new();
    let equations = form
        .identities
        .iter()
        .chain(form.year_rules.iter().filter(|_| previous.is_some()));
    'equations: for eq in equations {
        let Some(anchor) = form.cell_index(&eq.anchor) else {
            continue;
        };
        if year.computed[anchor] {
            continue;
        }
        // A blank cell (`/`) counts as 0: a report that leaves zeros blank is still checked.
        // An unreadable or missing cell is already an error of its own; the identity waits.
        let mut sides = [Decimal::ZERO; 2];
        let mut blanks = Vec::new();
        for (side, terms) in [&eq.lhs, &eq.rhs].into_iter().enumerate() {
            for term in terms {
                let Some((y, index)) = term_cell(year, previous, &term.cell, term.year) else {
                    continue 'equations;
                };
                match y.cells[index] {
                    Cell::Value(v) => sides[side] += if term.negative { -v } else { v },
                    Cell::NotReported => blanks.push((term.year, index)),
                    Cell::Missing => continue 'equations,
                }
            }
        }
        if sides[0] != sides[1] {
            failures.push(Failure {
                eq,
                lhs: sides[0],
                rhs: sides[1],
                blanks,
            });
        }
    }
    let is_total = |cell: usize| {
        let (_, _, column) = form.place(cell);
        column.optional_total
    };
    let row_of = |cell: usize| {
        let p = form.places[cell];
        (p.table, p.row)
    };
    let anchor_of = |f: &Failure<'_>| form.cell_index(&f.eq.anchor).unwrap_or(0);
    // Row totals that do not add up: the problem is in that row, not in the total column.
    let wrong_row_totals: HashSet<usize> = failures
        .iter()
        .filter(|f| is_total(anchor_of(f)) && f.eq.lhs.len() == 1 && f.eq.rhs.len() > 1)
        .filter(|f| row_of(anchor_of(f)) == row_of(form.cell_index(&f.eq.rhs[0].cell).unwrap_or(0)))
        .map(anchor_of)
        .collect();
    let keep: Vec<bool> = failures
        .iter()
        .map(|f| {
            let anchor = anchor_of(f);
            if !is_total(anchor) {
                return true;
            }
            // A failure in a total column follows from a failure in another column of the
            // same row of the same identity: report the column where the problem is.
            let follows_other_column = failures.iter().any(|other| {
                let o = anchor_of(other);
                other.eq.code == f.eq.code
                    && o != anchor
                    && row_of(o) == row_of(anchor)
                    && !is_total(o)
            });
            // A column identity down the total column that reads a row total which does not
            // add up follows from that row: do not invite "fixing" the correct total.
            let follows_row_total = !wrong_row_totals.contains(&anchor)
                && f.eq.lhs.iter().chain(&f.eq.rhs).any(|t| {
                    t.year == YearRef::Current
                        && form
                            .cell_index(&t.cell)
                            .is_some_and(|i| i != anchor && wrong_row_totals.contains(&i))
                });
            !follows_other_column && !follows_row_total
        })
        .collect();
    for (failure, keep) in failures.into_iter().zip(keep) {
        if keep {
            out.push(equation_diagnostic(year, previous, &failure));
        }
    }
}

/// A diagnostic for a failed equation, told at its anchor cell: what the cell should be, from
/// the other terms, and what it is. Blank cells are named and counted as 0.
fn equation_diagnostic(year: &Year, previous: Option<&Year>, failure: &Failure<'_>) -> Diagnostic {
    let Failure {
        eq,
        lhs,
        rhs,
        blanks,
    } = failure;
    let (lhs, rhs) = (*lhs, *rhs);
    let form = &year.form;
    let anchor = form.cell_index(&eq.anchor).unwrap_or(0);
    let anchor_blank = year.cells[anchor] == Cell::NotReported;
    let actual = year.cells[anchor].value().unwrap_or_default();
    // Solve for the anchor: it stands on the left or on the right.
    let on_left = eq
        .lhs
        .iter()
        .any(|t| t.cell == eq.anchor && t.year == YearRef::Current);
    let expected = if on_left {
        rhs - (lhs - actual)
    } else {
        lhs - (rhs - actual)
    };
    let (same, other) = if on_left {
        (&eq.lhs, &eq.rhs)
    } else {
        (&eq.rhs, &eq.lhs)
    };
    let mut formula = String::new();
    let mut add = |negative: bool, label: String, value: Option<Decimal>| {
        if !formula.is_empty() || negative {
            formula.push_str(if negative { " − " } else { " + " });
        }
        match value {
            Some(value) => formula.push_str(&format!("{label} {value}")),
            None => formula.push_str(&format!("{label} 空白")),
        }
    };
    let anchor_place = form.places[anchor];
    let short = |y: &Year, cell: &str, which: YearRef| -> String {
        let Some(i) = y.form.cell_index(cell) else {
            return cell.to_string();
        };
        let (table, row, column) = y.form.place(i);
        let p = y.form.places[i];
        let mut label = if which == YearRef::Current
            && p.row == anchor_place.row
            && table.key == form.tables[anchor_place.table].key
        {
            column.label.to_string()
        } else if p.column == anchor_place.column
            && table.key == form.tables[anchor_place.table].key
        {
            row.labels.last().copied().unwrap_or("").to_string()
        } else {
            y.form.cell_label(i)
        };
        if which == YearRef::Previous {
            label = format!("{}年{label}", y.year);
        }
        label
    };
    for term in other {
        let y = if term.year == YearRef::Previous {
            previous.unwrap_or(year)
        } else {
            year
        };
        let v = term_value(year, previous, &term.cell, term.year);
        add(term.negative, short(y, &term.cell, term.year), v);
    }
    for term in same
        .iter()
        .filter(|t| !(t.cell == eq.anchor && t.year == YearRef::Current))
    {
        let y = if term.year == YearRef::Previous {
            previous.unwrap_or(year)
        } else {
            year
        };
        let v = term_value(year, previous, &term.cell, term.year);
        add(!term.negative, short(y, &term.cell, term.year), v);
    }
    let info = code_info(eq.code);
    let severity = info.map(|c| c.severity).unwrap_or(Severity::Error);
    let mut d = Diagnostic::new(eq.code, &year.data_file)
        .severity(severity)
        .path(form.yaml_path(anchor))
        .cell(eq.anchor.clone())
        .label(form.cell_label(anchor));
    if blanks.is_empty() {
        d = d
            .expected(format!("{expected}（{formula}）"))
            .found(actual.to_string());
    } else {
        let title = info.map(|c| c.title).unwrap_or_default();
        d = d
            .message(format!("{title}（空白的 {} 格按 0 计）", blanks.len()))
            .expected(format!("若空白按 0 计，应为 {expected}（{formula}）"))
            .found(if anchor_blank {
                "空白（/）".to_string()
            } else {
                actual.to_string()
            })
            .hint(
                "表中写 / 的单元格按 0 计算后等式仍不成立：请对照原报告核对这一行、这一列的数字；原报告确实如此的，登记为已确认的问题。",
            );
    }
    if let Some(pos) = year.positions[anchor] {
        d = d.at(pos).with_source(&year.data_source);
    }
    d
}

fn check_document(agency: &Agency, year: &Year, out: &mut Vec<Diagnostic>) {
    // The template declared against the year.
    if let Some(expected) = TemplateId::for_year(year.year)
        && expected != year.template
    {
        let mut d = Diagnostic::new("D005", &year.data_file)
            .path("template")
            .found(format!("{}年格式", year.template.key()))
            .expected(format!(
                "{}年格式（{} 年度适用）",
                expected.key(),
                year.year
            ));
        if let Some(pos) = year.template_pos {
            d = d.at(pos).with_source(&year.data_source);
        }
        out.push(d);
    }
    // The publication date against the statutory deadline.
    if let Some(published) = year.published {
        let deadline = agency.kind.deadline(year.year);
        let place = |d: Diagnostic| match year.published_pos {
            Some(pos) => d.at(pos).with_source(&year.data_source).path("published"),
            None => d.path("published"),
        };
        if published > deadline {
            out.push(place(
                Diagnostic::new("D006", &year.data_file)
                    .message(format!(
                        "发布日期 {} 晚于法定期限 {}（{}）",
                        published.chinese(),
                        deadline.chinese(),
                        agency.kind.label()
                    ))
                    .found(published.to_string())
                    .expected(format!("不晚于 {deadline}")),
            ));
        } else if published.year <= year.year {
            out.push(place(
                Diagnostic::new("D008", &year.data_file)
                    .found(published.to_string())
                    .expected(format!("{} 年或以后", year.year + 1)),
            ));
        }
    }
    check_narrative(year, out);
}

fn check_narrative(year: &Year, out: &mut Vec<Diagnostic>) {
    let file = &year.report_file;
    let narrative = &year.narrative;
    let source = &*narrative.source;
    let at = |code: &'static str, line: usize| {
        Diagnostic::new(code, file)
            .at(crate::yaml::Pos { line, column: 1 })
            .with_source(source)
    };
    let mut last = 0;
    for section in &narrative.sections {
        let official = PARTS[usize::from(section.part) - 1].heading;
        let anchor = format!("part{}", section.part);
        if !section.is_official() {
            out.push(
                at("D001", section.line)
                    .cell(anchor.clone())
                    .found(section.heading.clone())
                    .expected(official),
            );
        }
        if section.part <= last {
            out.push(
                at("D002", section.line)
                    .cell(anchor.clone())
                    .message(format!(
                        "「{official}」出现在第{}部分之后或重复出现",
                        crate::template::part(last).numeral().trim_end_matches('、')
                    ))
                    .expected("一、二、三、四、五、六 的顺序，各一次"),
            );
        }
        last = last.max(section.part);
        if !section.has_text {
            out.push(
                at("D004", section.line)
                    .cell(anchor)
                    .message(format!("「{official}」下没有内容")),
            );
        }
    }
    for part in PARTS.iter().filter(|p| p.kind == PartKind::Prose) {
        if narrative.section(part.number).is_none() {
            out.push(
                Diagnostic::new("D003", file)
                    .cell(part.anchor())
                    .message(format!("正文缺少「{}」", part.heading))
                    .expected(format!("## {}", part.heading)),
            );
        }
    }
    for &line in &narrative.guidance_lines {
        out.push(at("D007", line));
    }
}

/// Warns when most of a prose part repeats last year's text.
fn check_repeated_text(year: &Year, previous: &Year, out: &mut Vec<Diagnostic>) {
    for part in PARTS.iter().filter(|p| p.kind == PartKind::Prose) {
        let (Some(now), Some(before)) = (
            year.narrative.section(part.number),
            previous.narrative.section(part.number),
        ) else {
            continue;
        };
        let comparison =
            crate::textdiff::compare(previous.narrative.body(before), year.narrative.body(now));
        if comparison.share > REPEATED_TEXT_LIMIT {
            out.push(
                Diagnostic::new("D010", &year.report_file)
                    .at(crate::yaml::Pos {
                        line: now.line,
                        column: 1,
                    })
                    .with_source(&year.narrative.source)
                    .cell(part.anchor())
                    .message(format!(
                        "「{}」有 {}/{} 句与 {} 年度相同（{:.0}%）",
                        part.heading,
                        comparison.repeated,
                        comparison.sentences.len(),
                        previous.year,
                        comparison.share * 100.0
                    ))
                    .expected(format!("重复不超过 {:.0}%", REPEATED_TEXT_LIMIT * 100.0))
                    .found(format!("{:.0}%", comparison.share * 100.0)),
            );
        }
    }
}

/// Marks the problems of `year` that its data file acknowledges, and reports acknowledgements
/// that match nothing.
fn acknowledge(year: &Year, diagnostics: &mut Vec<Diagnostic>) {
    let mut unused = Vec::new();
    for ack in &year.acknowledgements {
        let mut used = false;
        for d in diagnostics.iter_mut().filter(|d| belongs_to(year, &d.file)) {
            let acknowledgeable = code_info(d.code).is_some_and(|c| c.acknowledgeable);
            if acknowledgeable
                && d.code == ack.code
                && d.cell == ack.cell
                && d.acknowledged.is_none()
            {
                d.acknowledged = Some(ack.reason.clone());
                used = true;
            }
        }
        if !used {
            unused.push(ack);
        }
    }
    for ack in unused {
        let what = match &ack.cell {
            Some(cell) => format!("{} @ {cell}", ack.code),
            None => ack.code.clone(),
        };
        diagnostics.push(
            Diagnostic::new("A002", &year.data_file)
                .at(ack.pos)
                .with_source(&year.data_source)
                .message(format!("登记的已确认问题 {what} 并未出现")),
        );
    }
}

/// Whether a path is one of the files of `year` (for grouping diagnostics by year).
pub fn belongs_to(year: &Year, file: &Path) -> bool {
    file == year.data_file || file == year.report_file
}

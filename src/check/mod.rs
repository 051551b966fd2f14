//! The checks: identities inside a year, rules across consecutive years, the document, and the
//! matching of acknowledged problems.

pub(crate) mod figures;
pub(crate) mod repetition;

use crate::codes::Code;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;

use crate::definition::{
    CellKind, Equation, Form, PARTS, PartKind, REPEATED_TEXT_LIMIT, TemplateId, UNIT_SLIP_FACTOR,
    YearRef,
};
use crate::diagnostic::{Diagnostic, Severity, SourceLines, code_info};
use crate::model::{Agency, Cell, Site, Year};

/// A loaded and checked site.
#[derive(Debug)]
pub struct Checked {
    pub site: Site,
    pub diagnostics: Vec<Diagnostic>,
    pub summary: crate::diagnostic::Summary,
}

impl Checked {
    /// True when an unacknowledged error remains.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_blocking)
    }
}

/// Runs every check over the site and marks the acknowledged problems. `diagnostics` holds the
/// problems found while loading; the result is sorted by file and line.
pub(crate) fn check_site(site: &Site, mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    for agency in &site.agencies {
        for (i, year) in agency.years.iter().enumerate() {
            let previous = i
                .checked_sub(1)
                .map(|p| &agency.years[p])
                .filter(|p| p.year + 1 == year.year);
            check_year(agency, year, previous, &mut diagnostics);
        }
    }
    acknowledge_site(site, &mut diagnostics);
    diagnostics.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.code).cmp(&(&b.file, b.line, b.column, b.code))
    });
    diagnostics
}

/// The checks of one year, pushed onto `out`.
pub(crate) fn check_year(
    agency: &Agency,
    year: &Year,
    previous: Option<&Year>,
    out: &mut Vec<Diagnostic>,
) {
    check_identities(year, previous, out);
    check_document(agency, year, out);
    crate::check::figures::check(year, out);
    if let Some(previous) = previous {
        check_repeated_text(year, previous, out);
        check_unit_slips(year, previous, out);
    }
}

/// Warns when a money or count cell differs from the previous year's by a factor of
/// `UNIT_SLIP_FACTOR` or more: 元 typed into a 万元 cell, or a figure with extra zeros.
fn check_unit_slips(year: &Year, previous: &Year, out: &mut Vec<Diagnostic>) {
    let form = &year.form;
    let factor = Decimal::from(UNIT_SLIP_FACTOR);
    for (i, id) in form.cells.iter().enumerate() {
        let kind = form.kind(i);
        if kind == CellKind::SignedCount || year.computed[i] {
            continue;
        }
        let (Some(now), Some(before)) = (year.cells[i].value(), previous.value(id)) else {
            continue;
        };
        if now.is_zero() || before.is_zero() {
            continue;
        }
        let (big, small) = if now > before {
            (now, before)
        } else {
            (before, now)
        };
        // Checked: a tiny figure one year and a huge one the next overflow a decimal.
        if small.checked_mul(factor).is_some_and(|limit| big < limit) {
            continue;
        }
        let ratio = big
            .checked_div(small)
            .map(|r| r.round().normalize().to_string())
            .unwrap_or_else(|| "10 的 28 次方以上".to_string());
        let unit = kind.unit().map(|u| u.label()).unwrap_or("");
        let mut d = Diagnostic::new(Code::Y004, &year.data_file)
            .path(form.yaml_path(i))
            .cell(id.clone())
            .label(form.cell_label(i))
            .message(format!(
                "{}年度为 {}{unit}，{}年度为 {}{unit}，相差约 {ratio} 倍",
                year.year,
                now.normalize(),
                previous.year,
                before.normalize()
            ))
            .found(format!("{}{unit}", now.normalize()))
            .expected(format!(
                "与上一年度（{}{unit}）同一数量级",
                before.normalize()
            ));
        if let Some(unit) = kind.unit()
            && now > before
            && let Some(converted) = now.checked_div(Decimal::from(unit.yuan()))
        {
            d = d.hint(format!(
                "多半是把“元”填进了“{}”的格：{} 元是 {} {}。数字属实的，登记为已确认的问题。",
                unit.label(),
                now.normalize(),
                converted.normalize(),
                unit.label()
            ));
        }
        if let Some(pos) = year.positions[i] {
            d = d.at(pos).with_source(&year.data_source);
        }
        out.push(d);
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
                    Cell::Value(v) => {
                        let v = if term.negative { -v } else { v };
                        let Some(total) = sides[side].checked_add(v) else {
                            continue 'equations;
                        };
                        sides[side] = total;
                    }
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
        lhs.checked_sub(actual).and_then(|d| rhs.checked_sub(d))
    } else {
        rhs.checked_sub(actual).and_then(|d| lhs.checked_sub(d))
    }
    .unwrap_or_default();
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
                "/".to_string()
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
        let mut d = Diagnostic::new(Code::D005, &year.data_file)
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
                Diagnostic::new(Code::D006, &year.data_file)
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
                Diagnostic::new(Code::D008, &year.data_file)
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
    let lines = SourceLines::new(&narrative.source);
    let at = |code: Code, line: usize| {
        Diagnostic::new(code, file)
            .at(crate::model::Pos { line, column: 1 })
            .with_lines(&lines)
    };
    let mut last = 0;
    for section in &narrative.sections {
        let official = PARTS[usize::from(section.part) - 1].heading;
        let anchor = format!("part{}", section.part);
        if !section.is_official() {
            out.push(
                at(Code::D001, section.line)
                    .cell(anchor.clone())
                    .found(section.heading.clone())
                    .expected(official),
            );
        }
        if section.part <= last {
            out.push(
                at(Code::D002, section.line)
                    .cell(anchor.clone())
                    .message(format!(
                        "「{official}」出现在第{}部分之后或重复出现",
                        crate::definition::part(last)
                            .numeral()
                            .trim_end_matches('、')
                    ))
                    .expected("一、二、三、四、五、六 的顺序，各一次"),
            );
        }
        last = last.max(section.part);
        if !section.has_text {
            out.push(
                at(Code::D004, section.line)
                    .cell(anchor)
                    .message(format!("「{official}」下没有内容")),
            );
        }
    }
    for unmarked in &narrative.unmarked_headings {
        let official = PARTS[usize::from(unmarked.part) - 1].heading;
        out.push(
            at(Code::D012, unmarked.line)
                .cell(format!("part{}", unmarked.part))
                .message(format!(
                    "第 {} 行「{}」像是部分标题，但没有写成标题",
                    unmarked.line, unmarked.text
                ))
                .found(unmarked.text.clone())
                .expected(format!("## {official}")),
        );
    }
    for section in &narrative.sections {
        if let Some(level) = narrative.part_level
            && section.level != level
        {
            let marks = |l: u8| "#".repeat(usize::from(l));
            out.push(
                at(Code::D013, section.line)
                    .cell(format!("part{}", section.part))
                    .message(format!(
                        "「{}」写成了 {}，其他部分标题写的是 {}",
                        section.heading,
                        marks(section.level),
                        marks(level)
                    ))
                    .found(format!("{} {}", marks(section.level), section.heading))
                    .expected(format!("{} {}", marks(level), section.heading)),
            );
        }
    }
    for part in PARTS.iter().filter(|p| p.kind == PartKind::Prose) {
        let unmarked = narrative
            .unmarked_headings
            .iter()
            .any(|u| u.part == part.number);
        if narrative.section(part.number).is_none() && !unmarked {
            out.push(
                Diagnostic::new(Code::D003, file)
                    .cell(part.anchor())
                    .message(format!("正文缺少「{}」", part.heading))
                    .expected(format!("## {}", part.heading)),
            );
        }
    }
    for &line in &narrative.guidance_lines {
        out.push(at(Code::D007, line));
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
        let comparison = crate::check::repetition::compare(
            previous.narrative.body(before),
            year.narrative.body(now),
        );
        if comparison.share > REPEATED_TEXT_LIMIT {
            out.push(
                Diagnostic::new(Code::D010, &year.report_file)
                    .at(crate::model::Pos {
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

/// Marks the acknowledged problems of every year and reports entries that match nothing.
/// Linear in the number of diagnostics: they are grouped by file once, and each year matches
/// its own diagnostics against its entries through a hash map.
fn acknowledge_site(site: &Site, diagnostics: &mut Vec<Diagnostic>) {
    let mut by_file: HashMap<PathBuf, Vec<usize>> = HashMap::new();
    for (i, d) in diagnostics.iter().enumerate() {
        by_file.entry(d.file.clone()).or_default().push(i);
    }
    let mut extra = Vec::new();
    for agency in &site.agencies {
        for year in agency
            .years
            .iter()
            .filter(|y| !y.acknowledgements.is_empty())
        {
            let mut own: Vec<usize> = Vec::new();
            for file in [&year.data_file, &year.report_file] {
                own.extend(by_file.get(file.as_path()).into_iter().flatten());
            }
            acknowledge(year, &own, diagnostics, &mut extra);
        }
    }
    diagnostics.extend(extra);
}

/// The part (`part3`) of a cell, row or table id of a form.
fn part_of(form: &Form, id: &str) -> Option<String> {
    form.tables
        .iter()
        .find(|t| id == t.key || id.starts_with(&format!("{}.", t.key)))
        .map(|t| format!("part{}", t.part))
}

/// The targets an entry may name to cover a diagnostic about `cell`: the cell, every id that
/// holds it (row, group, table, parent) and its part.
fn covering_targets(form: &Form, cell: &str) -> Vec<String> {
    let mut out = vec![cell.to_string()];
    let mut end = cell.len();
    while let Some(dot) = cell[..end].rfind('.') {
        out.push(cell[..dot].to_string());
        end = dot;
    }
    if let Some(part) = part_of(form, cell)
        && part != cell
    {
        out.push(part);
    }
    out
}

/// Marks the problems of `year` (the diagnostics at `own`) that its data file acknowledges,
/// and reports entries that match nothing or whose figures changed.
fn acknowledge(
    year: &Year,
    own: &[usize],
    diagnostics: &mut [Diagnostic],
    out: &mut Vec<Diagnostic>,
) {
    let acks = &year.acknowledgements;
    let form = &year.form;
    let mut exact: HashMap<(&str, Option<&str>), Vec<usize>> = HashMap::new();
    let mut patterns: Vec<(&str, usize)> = Vec::new();
    for (a, ack) in acks.iter().enumerate() {
        for code in &ack.codes {
            match ack.cell.as_deref() {
                Some(pattern) if pattern.contains('*') => patterns.push((code, a)),
                target => exact.entry((code.as_str(), target)).or_default().push(a),
            }
        }
    }
    let mut matched = vec![0usize; acks.len()];
    let mut changed: Vec<Vec<String>> = vec![Vec::new(); acks.len()];
    for &i in own {
        let d = &diagnostics[i];
        if d.acknowledged.is_some() || !code_info(d.code).is_some_and(|c| c.acknowledgeable) {
            continue;
        }
        let candidates: Vec<usize> = match d.cell.as_deref() {
            None => exact
                .get(&(d.code.as_str(), None))
                .cloned()
                .unwrap_or_default(),
            Some(cell) => {
                let mut found = Vec::new();
                for target in covering_targets(form, cell) {
                    if let Some(list) = exact.get(&(d.code.as_str(), Some(target.as_str()))) {
                        found.extend(list);
                    }
                }
                found.extend(
                    patterns
                        .iter()
                        .filter(|(code, a)| {
                            *code == d.code.as_str()
                                && acks[*a]
                                    .cell
                                    .as_deref()
                                    .is_some_and(|p| crate::load::pattern_covers(p, cell))
                        })
                        .map(|(_, a)| *a),
                );
                found
            }
        };
        let found_now = d.found.as_deref().map(str::trim).unwrap_or("");
        let chosen = candidates.iter().copied().find(|&a| {
            acks[a]
                .found
                .as_deref()
                .is_none_or(|f| f.trim() == found_now)
        });
        match chosen {
            Some(a) => {
                matched[a] += 1;
                let d = &mut diagnostics[i];
                d.acknowledged = Some(acks[a].reason.clone());
                d.acknowledged_by = Some(acks[a].pos.line);
            }
            None => {
                for a in candidates {
                    changed[a].push(found_now.to_string());
                }
            }
        }
    }
    for (a, ack) in acks.iter().enumerate() {
        if matched[a] > 0 {
            continue;
        }
        out.push(unmatched(year, ack, &changed[a], own, diagnostics));
    }
}

/// The warning for an entry that acknowledges nothing, saying why as far as nianbao can tell.
fn unmatched(
    year: &Year,
    ack: &crate::model::Acknowledgement,
    changed: &[String],
    own: &[usize],
    diagnostics: &[Diagnostic],
) -> Diagnostic {
    let form = &year.form;
    let codes = ack.codes.join("、");
    let what = match &ack.cell {
        Some(cell) => format!("{codes} @ {cell}"),
        None => codes.clone(),
    };
    let at = |code: Code| {
        Diagnostic::new(code, &year.data_file)
            .at(ack.pos)
            .with_source(&year.data_source)
    };
    if !changed.is_empty() {
        let mut now: Vec<&str> = changed.iter().map(String::as_str).collect();
        now.dedup();
        return at(Code::A003)
            .message(format!(
                "登记的已确认问题 {what} 记录的实际值是 {}，现在是 {}：数字改动了，这一项不再适用",
                ack.found.as_deref().unwrap_or(""),
                now.join("、")
            ))
            .expected(ack.found.clone().unwrap_or_default())
            .found(now.join("、"));
    }
    let d = at(Code::A002);
    let cell_index = ack.cell.as_deref().and_then(|c| form.cell_index(c));
    if let Some(i) = cell_index
        && year.cells[i] == Cell::Missing
    {
        return d
            .message(format!(
                "登记的已确认问题 {what}：这个单元格现在无法读取（见它的错误），这一项暂时无法核对"
            ))
            .hint("先改正这个单元格的错误，再看这一项是否仍然需要。");
    }
    let unreadable = own.iter().any(|&i| {
        let d = &diagnostics[i];
        d.file == year.data_file && d.code.as_str().starts_with('L') && d.is_blocking()
    });
    if unreadable {
        return d
            .message(format!(
                "登记的已确认问题 {what} 没有对应的问题；data.yaml 还有无法读取的内容，有些检查没有进行"
            ))
            .hint("先改正 data.yaml 中的读取错误，再看这一项是否仍然需要。");
    }
    // An entry for a row or group: name the cells it could have meant.
    if let Some(target) = ack.cell.as_deref().filter(|_| cell_index.is_none()) {
        let same_code: Vec<&str> = own
            .iter()
            .map(|&i| &diagnostics[i])
            .filter(|d| d.acknowledged.is_none() && ack.codes.iter().any(|c| c == d.code.as_str()))
            .filter_map(|d| d.cell.as_deref())
            .take(6)
            .collect();
        let under: Vec<&str> = form
            .cells
            .iter()
            .filter(|c| c.starts_with(&format!("{target}.")))
            .map(String::as_str)
            .take(8)
            .collect();
        let (list, intro) = if !same_code.is_empty() {
            (same_code, format!("这一年度出现的 {codes} 在这些单元格"))
        } else {
            (under, format!("{target} 包含的单元格"))
        };
        if !list.is_empty() {
            return d
                .message(format!("登记的已确认问题 {what} 没有对应任何问题"))
                .hint(format!(
                    "{intro}：{}。cell 写出现问题的单元格、行、表格或 part3 这样的部分，或者删除这一项。",
                    list.join("、")
                ));
        }
    }
    d.message(format!(
        "登记的已确认问题 {what} 现在没有出现：如果数字已经改正，删除这一项；否则核对 code 和 cell"
    ))
}

/// Whether a path is one of the files of `year` (for grouping diagnostics by year).
pub(crate) fn belongs_to(year: &Year, file: &Path) -> bool {
    file == year.data_file || file == year.report_file
}

//! Identities inside a year and rules across consecutive years, over the template's cells;
//! unit slips between years.

use super::*;

/// Warns when a money or count cell differs from the previous year's by a factor of
/// `UNIT_SLIP_FACTOR` or more: 元 typed into a 万元 cell, or a figure with extra zeros.
pub(super) fn check_unit_slips(year: &Year, previous: &Year, out: &mut Vec<Diagnostic>) {
    let form = &year.form;
    let factor = Decimal::from(UNIT_SLIP_FACTOR);
    // Years of one form hold a cell at the same index: no lookup of its id.
    let same_form = std::sync::Arc::ptr_eq(form, &previous.form);
    for (i, id) in form.cells.iter().enumerate() {
        let kind = form.kind(i);
        if kind == CellKind::SignedCount || year.computed[i] {
            continue;
        }
        let before = if same_form {
            previous.cells[i].value()
        } else {
            previous.value(id)
        };
        let (Some(now), Some(before)) = (year.cells[i].value(), before) else {
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
pub(super) fn term_value(
    year: &Year,
    previous: Option<&Year>,
    cell: &str,
    which: YearRef,
) -> Option<Decimal> {
    let (y, index) = term_cell(year, previous, cell, which)?;
    y.cells[index].value()
}

/// The year and the index of a term's cell.
pub(super) fn term_cell<'y>(
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
pub(super) struct Failure<'e> {
    eq: &'e Equation,
    lhs: Decimal,
    rhs: Decimal,
    blanks: Vec<(YearRef, usize)>,
}

pub(super) fn check_identities(year: &Year, previous: Option<&Year>, out: &mut Vec<Diagnostic>) {
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
pub(super) fn equation_diagnostic(
    year: &Year,
    previous: Option<&Year>,
    failure: &Failure<'_>,
) -> Diagnostic {
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

//! Acknowledged problems: which diagnostics an entry of data.yaml covers, and entries that cover none.

use super::*;

/// Marks the acknowledged problems of every year and reports entries that match nothing.
/// Linear in the number of diagnostics: they are grouped by file once, and each year matches
/// its own diagnostics against its entries through a hash map.
pub(super) fn acknowledge_site(site: &Site, diagnostics: &mut Vec<Diagnostic>) {
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
pub(super) fn part_of(form: &Form, id: &str) -> Option<String> {
    form.tables
        .iter()
        .find(|t| id == t.key || id.starts_with(&format!("{}.", t.key)))
        .map(|t| format!("part{}", t.part))
}

/// The targets an entry may name to cover a diagnostic about `cell`: the cell, every id that
/// holds it (row, group, table, parent) and its part.
pub(super) fn covering_targets(form: &Form, cell: &str) -> Vec<String> {
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
pub(super) fn acknowledge(
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
pub(super) fn unmatched(
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

//! Acknowledgements in data.yaml: which cells, rows, tables or parts an entry covers.

use super::*;

/// The ids an acknowledgement may name: every cell, row, group, table and parent of tables
/// of the form (a pattern with `*` or a part `part1`…`part6` is checked separately).
pub(super) fn acknowledgeable_targets(form: &Form) -> HashSet<String> {
    let mut out: HashSet<String> = form.cells.iter().cloned().collect();
    for cell in &form.cells {
        let mut end = cell.len();
        while let Some(dot) = cell[..end].rfind('.') {
            out.insert(cell[..dot].to_string());
            end = dot;
        }
    }
    out
}

/// Whether `id` is one of `acknowledgeable_targets(form)`: a cell, or a cell's id up to one of
/// its dots (found without making the set: most files name only ids that exist).
fn is_target(form: &Form, id: &str) -> bool {
    form.cell_index(id).is_some()
        || form
            .cells
            .iter()
            .any(|c| c.len() > id.len() && c.starts_with(id) && c.as_bytes()[id.len()] == b'.')
}

/// The codes of an acknowledgement: `code: T002` or `code: [N001, T002]`.
pub(super) fn read_codes(
    f: &mut Fields<'_>,
    item: &Node,
    path: &str,
) -> Option<Vec<(String, Pos)>> {
    let Some(node) = get(item, "code").filter(|n| !n.is_null()) else {
        let d = f
            .diag(Code::L006, item.pos)
            .message("缺少检查代码（code）")
            .path(format!("{path}.code"))
            .hint("在这一项里加一行：code: …（检查代码，见 nianbao check 的输出）");
        f.push(d);
        return None;
    };
    let nodes: Vec<&Node> = match &node.value {
        Value::Seq(items) => items.iter().collect(),
        _ => vec![node],
    };
    let mut out = Vec::new();
    for n in nodes {
        match n.as_scalar() {
            Some(text) if !text.trim().is_empty() => out.push((text.trim().to_string(), n.pos)),
            _ => {
                let d = f
                    .diag(Code::L014, n.pos)
                    .message("检查代码应写成 T002，或几个代码写成 [N001, T002]")
                    .path(format!("{path}.code"))
                    .found(n.kind_name());
                f.push(d);
                return None;
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Whether a target pattern (`requests.*.total`) covers a cell id: `*` stands for one or more
/// whole segments of the id.
pub(crate) fn pattern_covers(pattern: &str, id: &str) -> bool {
    pub(super) fn walk(pattern: &[&str], id: &[&str]) -> bool {
        match (pattern.split_first(), id.split_first()) {
            (None, None) => true,
            (Some((&"*", rest)), Some(_)) => (1..=id.len()).any(|n| walk(rest, &id[n..])),
            (Some((p, rest)), Some((i, id_rest))) => p == i && walk(rest, id_rest),
            _ => false,
        }
    }
    let pattern: Vec<&str> = pattern.split('.').collect();
    let id: Vec<&str> = id.split('.').collect();
    walk(&pattern, &id)
}

pub(super) fn read_acknowledgements(
    f: &mut Fields<'_>,
    node: &Node,
    form: &Form,
) -> Vec<Acknowledgement> {
    let Some(list) = get(node, "acknowledged").filter(|n| !n.is_null()) else {
        return Vec::new();
    };
    let Some(items) = list.as_seq() else {
        let d = f
            .diag(Code::L014, list.pos)
            .message("acknowledged 应是一个列表，每项以“- ”开头")
            .path("acknowledged");
        f.push(d);
        return Vec::new();
    };
    let mut targets: Option<HashSet<String>> = None;
    let parts: Vec<String> = crate::definition::PARTS
        .iter()
        .map(|p| p.anchor())
        .collect();
    let mut out = Vec::new();
    'items: for (i, item) in items.iter().enumerate() {
        let path = format!("acknowledged[{i}]");
        let Some(map) = item.as_map() else {
            let d = f
                .diag(Code::L014, item.pos)
                .message("每项应写 code、cell、found、reason 这几个键")
                .path(path);
            f.push(d);
            continue;
        };
        f.unknown_keys(
            map,
            &["code", "cell", "found", "reason"],
            &path,
            "已确认的问题",
        );
        let codes = read_codes(f, item, &path);
        let cell = f.string(item, "cell", &path, "单元格", false);
        let found = f.string(item, "found", &path, "登记时的实际值", false);
        let reason = f.string(item, "reason", &path, "原因", true);
        let (Some(codes), Some(reason)) = (codes, reason) else {
            continue;
        };
        for (code, code_pos) in &codes {
            match parse_code(code).and_then(code_info) {
                None => {
                    let mut d = f
                        .diag(Code::A001, *code_pos)
                        .message(format!("没有检查代码 {code}"))
                        .path(format!("{path}.code"));
                    if let Some(near) = did_you_mean(
                        code,
                        crate::diagnostic::all_codes()
                            .iter()
                            .map(|c| c.code.as_str()),
                    ) {
                        d = d.hint(format!("是不是要写 {near}？"));
                    }
                    f.push(d);
                    continue 'items;
                }
                Some(info) if !info.acknowledgeable => {
                    let d = f
                        .diag(Code::A001, *code_pos)
                        .message(format!("{code}（{}）不能登记为已确认的问题", info.title))
                        .path(format!("{path}.code"))
                        .hint("这类问题使文件无法读取，必须改正。");
                    f.push(d);
                    continue 'items;
                }
                Some(_) => {}
            }
        }
        if let Some(cell) = &cell {
            let known = if cell.contains('*') {
                form.cells.iter().any(|c| pattern_covers(cell, c))
            } else {
                is_target(form, cell) || parts.contains(cell)
            };
            if !known {
                let targets = targets.get_or_insert_with(|| acknowledgeable_targets(form));
                let cell_pos = get(item, "cell").map(|n| n.pos).unwrap_or(item.pos);
                let mut d = f
                    .diag(Code::A001, cell_pos)
                    .message(if cell.contains('*') {
                        format!("cell: {cell} 不能对应任何单元格")
                    } else {
                        format!("没有单元格 {cell}")
                    })
                    .path(format!("{path}.cell"));
                if let Some(near) = did_you_mean(cell, targets.iter().map(String::as_str)) {
                    d = d.hint(format!("是不是要写 {near}？"));
                }
                f.push(d);
                continue;
            }
        }
        out.push(Acknowledgement {
            codes: codes.into_iter().map(|(c, _)| c).collect(),
            cell,
            found,
            reason,
            pos: item.pos,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_is_known_without_the_set_exactly_as_with_it() {
        for template in TemplateId::ALL {
            let form = &template.get().form;
            let targets = acknowledgeable_targets(form);
            for target in &targets {
                assert!(is_target(form, target), "{target}");
                // A piece of an id that is not a whole segment is not a target.
                let cut = &target[..target.len() - 1];
                assert_eq!(is_target(form, cut), targets.contains(cut), "{cut}");
                assert!(!is_target(form, &format!("{target}.")), "{target}.");
            }
            assert!(!is_target(form, ""));
            assert!(!is_target(form, "requests.nosuchrow"));
        }
    }
}

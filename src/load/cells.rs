//! The tables of data.yaml read into a year's cells, against the template's form.

use super::*;

pub(super) struct CellReader<'a, 'f> {
    pub(super) f: Fields<'f>,
    pub(super) form: &'a Form,
    pub(super) cells: Vec<Cell>,
    pub(super) positions: Vec<Option<Pos>>,
    pub(super) computed: Vec<bool>,
    pub(super) notes: Vec<(usize, String)>,
    pub(super) extra_rows: Vec<ExtraRow>,
}

/// The key of a part 二 table under which a province's extra rows are written.
pub(crate) const EXTRA_ROWS_KEY: &str = "extra_rows";

/// The keys of a cell written as a value with its note: `{值: 12, 注: 其中修订5件}`.
pub(super) const VALUE_KEY: &str = "值";
pub(super) const NOTE_KEY: &str = "注";

/// How to report a problem with one value: its code and position give the diagnostic, with the
/// cell's path and label filled in.
type CellDiag<'d> = dyn Fn(&Fields<'_>, Code, Pos) -> Diagnostic + 'd;

impl CellReader<'_, '_> {
    pub(super) fn read_tables(&mut self, root: &Node, definition: &Template) {
        let form = self.form;
        // Parents of tables (`proactive` for `proactive.item1`): check their keys once.
        let mut parents_seen = HashSet::new();
        for table in &form.tables {
            let mut parts: Vec<&str> = table.key.split('.').collect();
            parts.pop();
            if parts.is_empty() {
                continue;
            }
            let parent = parts.join(".");
            if !parents_seen.insert(parent.clone()) {
                continue;
            }
            let children: Vec<&str> = form
                .tables
                .iter()
                .filter_map(|t| t.key.strip_prefix(&format!("{parent}.")))
                .collect();
            match lookup(root, &parent) {
                Some(node) => {
                    if let Some(map) = node.as_map() {
                        let what = format!(
                            "{}年格式的{}",
                            definition.id.key(),
                            crate::definition::part(table.part).heading
                        );
                        self.f.unknown_keys(map, &children, &parent, &what);
                    }
                }
                None => {
                    let d = self
                        .f
                        .diag(Code::L006, root.pos)
                        .message(format!(
                            "缺少「{}」（{parent}）",
                            crate::definition::part(table.part).heading
                        ))
                        .path(parent.clone());
                    self.f.push(d);
                    parents_seen.insert(format!("missing:{parent}"));
                }
            }
        }
        for (t, table) in form.tables.iter().enumerate() {
            let mut parent: Vec<&str> = table.key.split('.').collect();
            parent.pop();
            if !parent.is_empty() && parents_seen.contains(&format!("missing:{}", parent.join(".")))
            {
                continue;
            }
            self.read_table(root, t);
        }
    }

    pub(super) fn read_table(&mut self, root: &Node, t: usize) {
        let form = self.form;
        let table = &form.tables[t];
        let title = table.title();
        let Some(node) = lookup(root, table.key) else {
            let parent_pos = key_pos(root, table.key);
            let d = self
                .f
                .diag(Code::L006, parent_pos)
                .message(format!("缺少「{title}」（{}）", table.key))
                .path(table.key);
            self.f.push(d);
            return;
        };
        let Some(map) = node.as_map() else {
            let d = self
                .f
                .diag(Code::L014, node.pos)
                .message(format!("「{title}」下应再缩进一层，每行写一个项目"))
                .path(table.key)
                .found(node.kind_name());
            self.f.push(d);
            return;
        };
        let entries = table.entries();
        let mut keys: Vec<&str> = entries.iter().map(|e| e.key).collect();
        let extra_rows = crate::definition::part(table.part).extra_rows;
        if extra_rows {
            keys.push(EXTRA_ROWS_KEY);
        }
        self.f
            .unknown_keys(map, &keys, table.key, &format!("「{title}」"));
        if extra_rows && let Some(at) = map.iter().position(|(k, _)| k.name == EXTRA_ROWS_KEY) {
            self.read_extra_rows(t, map, at);
        }
        for entry in entries {
            let path = format!("{}.{}", table.key, entry.key);
            let Some(value) = get(node, entry.key) else {
                let d = self
                    .f
                    .diag(Code::L006, key_pos(root, table.key))
                    .message(format!(
                        "「{title}」缺少一行「{}」（{}）",
                        entry.labels.join(""),
                        entry.key
                    ))
                    .path(path);
                self.f.push(d);
                continue;
            };
            if entry.children.is_empty() {
                self.read_row(t, entry.key, value);
                continue;
            }
            let Some(group) = value.as_map() else {
                let d = self
                    .f
                    .diag(Code::L014, value.pos)
                    .message(format!(
                        "「{}」下应再缩进一层，分项填写",
                        entry.labels.join("")
                    ))
                    .path(path)
                    .found(value.kind_name());
                self.f.push(d);
                continue;
            };
            let child_keys: Vec<&str> = entry.children.iter().map(|(k, _)| *k).collect();
            self.f.unknown_keys(
                group,
                &child_keys,
                &path,
                &format!("「{}」", entry.labels.join("")),
            );
            for (child, label) in &entry.children {
                let row_key = format!("{}.{child}", entry.key);
                match get(value, child) {
                    Some(row) => self.read_row(t, &row_key, row),
                    None => {
                        let d = self
                            .f
                            .diag(Code::L006, key_pos(root, &path))
                            .message(format!(
                                "「{}」缺少一项「{label}」（{child}）",
                                entry.labels.join("")
                            ))
                            .path(format!("{path}.{child}"));
                        self.f.push(d);
                    }
                }
            }
        }
    }

    pub(super) fn read_row(&mut self, t: usize, row_key: &str, node: &Node) {
        let form = self.form;
        let table = &form.tables[t];
        let Some(r) = table.row(row_key) else { return };
        let row = &table.rows[r];
        // The row's cells follow one another in the form's order from its first.
        let first_cell = form.cell_at(t, r, 0).unwrap_or(0);
        // The row's YAML path, made only for a diagnostic.
        let path = || row_id(table.key, row_key);
        let n = table.columns.len();
        let has_optional_total = table.columns.last().is_some_and(|c| c.optional_total);
        let items: Vec<&Node> = match (&node.value, n) {
            (Value::Seq(items), _) => items.iter().collect(),
            (Value::Scalar { .. } | Value::Map(_), 1) => vec![node],
            _ => {
                let columns: Vec<&str> = table.columns.iter().map(|c| c.label).collect();
                let d = self
                    .f
                    .diag(Code::L014, node.pos)
                    .message(format!(
                        "「{}」应写成一行数字 [{}]",
                        row.full_label(),
                        columns.join(", ")
                    ))
                    .path(path())
                    .found(node.kind_name());
                self.f.push(d);
                return;
            }
        };
        let total_omitted = has_optional_total && items.len() == n - 1;
        if total_omitted && let Some(d) = self.number_missing(t, r, &path(), &items) {
            self.f.push(d);
            return;
        }
        if items.len() != n && !total_omitted {
            let columns: Vec<&str> = table.columns.iter().map(|c| c.label).collect();
            let expected = if has_optional_total {
                format!(
                    "{n} 个数（{}），或省略总计写 {} 个",
                    columns.join("、"),
                    n - 1
                )
            } else {
                format!("{n} 个数（{}）", columns.join("、"))
            };
            let d = self
                .f
                .diag(Code::L013, node.pos)
                .message(format!(
                    "「{}」这一行有 {} 个数",
                    row.full_label(),
                    items.len()
                ))
                .path(path())
                .expected(expected)
                .found(format!("{} 个", items.len()));
            self.f.push(d);
            return;
        }
        for (c, item) in items.into_iter().enumerate() {
            let cell = first_cell + c;
            self.positions[cell] = Some(item.pos);
            self.cells[cell] = self.read_cell(cell, item);
        }
        if total_omitted {
            self.computed[first_cell + n - 1] = true;
        }
    }

    /// A row one number short whose last number is the sum of the others: a total written
    /// after a number that was left out, not a row whose total is left out to be computed.
    pub(super) fn number_missing(
        &self,
        t: usize,
        r: usize,
        path: &str,
        items: &[&Node],
    ) -> Option<Diagnostic> {
        let table = &self.form.tables[t];
        let row = &table.rows[r];
        let values: Vec<Decimal> = items
            .iter()
            .map(|item| {
                let text = item.as_scalar()?.trim();
                parse_number(text, table.kind(r, 0)).ok()
            })
            .collect::<Option<_>>()?;
        let (last, others) = values.split_last()?;
        let sum: Decimal = others.iter().copied().sum();
        if last.is_zero() || *last != sum {
            return None;
        }
        let columns: Vec<&str> = table.columns.iter().map(|c| c.label).collect();
        let node_pos = items.first().map(|i| i.pos).unwrap_or_default();
        Some(
            self.f
                .diag(Code::L013, node_pos)
                .message(format!(
                    "「{}」这一行少了一个数：最后一个数 {last} 等于前面各数之和，像是总计，那么前面漏写了一个数",
                    table.row_label(row)
                ))
                .path(path.to_string())
                .expected(format!("{} 个数（{}）", columns.len(), columns.join("、")))
                .found(format!("{} 个数", items.len()))
                .hint("对照原报告补上漏写的数（没有的写 0），写满这一行；只有确实没有写总计时，才少写最后一个数。"),
        )
    }

    pub(super) fn read_cell(&mut self, cell: usize, node: &Node) -> Cell {
        let form = self.form;
        let kind = form.kind(cell);
        let d = |f: &Fields<'_>, code, pos| {
            f.diag(code, pos)
                .path(form.yaml_path(cell))
                .cell(form.cells[cell].clone())
                .label(form.cell_label(cell))
                .expected(kind.describe())
        };
        let (value, note) = self.read_value(node, kind, &d);
        if let Some(note) = note {
            self.notes.push((cell, note));
        }
        value
    }

    /// Reads one value: a number, 「/」, a number with its printed note (「12（其中修订5件）」),
    /// or the same as `{值: 12, 注: 其中修订5件}`.
    pub(super) fn read_value(
        &mut self,
        node: &Node,
        kind: CellKind,
        d: &CellDiag<'_>,
    ) -> (Cell, Option<String>) {
        if node.is_null() {
            let diag = d(&self.f, Code::L006, node.pos)
                .message("单元格没有填写")
                .found("空");
            self.f.push(diag);
            return (Cell::Missing, None);
        }
        if let Some(map) = node.as_map() {
            return self.read_noted_value(node, map, kind, d);
        }
        let Some(text) = node.as_scalar() else {
            let diag = d(&self.f, Code::L014, node.pos)
                .message("单元格应是一个数")
                .found(node.kind_name());
            self.f.push(diag);
            return (Cell::Missing, None);
        };
        let (text, note) = match split_note(text.trim()) {
            Some((value, note)) => (value, Some(note.to_string())),
            None => (text.trim(), None),
        };
        if text == "/" || text == "／" {
            let diag = d(&self.f, Code::N001, node.pos).found("/");
            self.f.push(diag);
            return (Cell::NotReported, note);
        }
        match parse_number(text, kind) {
            Ok(value) => (Cell::Value(value), note),
            Err((code, message)) => {
                let diag = d(&self.f, code, node.pos)
                    .message(message)
                    .found(text.to_string());
                self.f.push(diag);
                (Cell::Missing, note)
            }
        }
    }

    /// `{值: 12, 注: 其中修订5件}`.
    pub(super) fn read_noted_value(
        &mut self,
        node: &Node,
        map: &[(Key, Node)],
        kind: CellKind,
        d: &CellDiag<'_>,
    ) -> (Cell, Option<String>) {
        let allowed = [VALUE_KEY, NOTE_KEY];
        self.f.unknown_keys(map, &allowed, "", "带注释的单元格");
        let note = get(node, NOTE_KEY)
            .and_then(|n| n.as_scalar())
            .map(str::trim);
        let note = note.filter(|n| !n.is_empty()).map(str::to_string);
        if note.is_none() {
            let diag = d(&self.f, Code::L006, node.pos)
                .message("带注释的单元格缺少注释文字（注）")
                .found("{值: …}")
                .hint("写成 {值: 12, 注: 其中修订5件}，或直接写 12（其中修订5件）");
            self.f.push(diag);
        }
        let Some(value) = get(node, VALUE_KEY) else {
            let diag = d(&self.f, Code::L006, node.pos)
                .message("带注释的单元格缺少数值（值）")
                .hint("写成 {值: 12, 注: 其中修订5件}");
            self.f.push(diag);
            return (Cell::Missing, note);
        };
        if value.as_map().is_some() {
            let diag = d(&self.f, Code::L014, value.pos)
                .message("「值」应是一个数")
                .found(value.kind_name());
            self.f.push(diag);
            return (Cell::Missing, note);
        }
        let (cell, inner) = self.read_value(value, kind, d);
        (cell, note.or(inner))
    }

    /// The rows written under `extra_rows:` of a part 二 table (the entry at `at` of its mapping):
    /// `其他主动公开文件: [12, 12, 40]`, placed after the template row written before them.
    pub(super) fn read_extra_rows(&mut self, t: usize, map: &[(Key, Node)], at: usize) {
        let form = self.form;
        let table = &form.tables[t];
        let (key, node) = &map[at];
        let path = format!("{}.{EXTRA_ROWS_KEY}", table.key);
        let after = map[..at].iter().rev().find_map(|(k, _)| {
            let group = format!("{}.", k.name);
            table
                .rows
                .iter()
                .rposition(|r| r.key == k.name || r.key.starts_with(&group))
        });
        let Some(rows) = node.as_map() else {
            let d = self
                .f
                .diag(Code::L014, key.pos)
                .message("extra_rows 下每行写成「行名称: [数, 数, …]」")
                .path(path)
                .found(node.kind_name())
                .hint("例如：\n  extra_rows:\n    其他主动公开文件: [12, 12, 40]");
            self.f.push(d);
            return;
        };
        let n = table.columns.len();
        for (label_key, row) in rows {
            let label = label_key.name.trim().to_string();
            let row_path = format!("{path}.{label}");
            let items: Vec<&Node> = match (&row.value, n) {
                (Value::Seq(items), _) => items.iter().collect(),
                (Value::Scalar { .. } | Value::Map(_), 1) => vec![row],
                _ => {
                    let d = self
                        .f
                        .diag(Code::L014, row.pos)
                        .message(format!("增加的行「{label}」应写成一行数字"))
                        .path(row_path)
                        .found(row.kind_name());
                    self.f.push(d);
                    continue;
                }
            };
            if items.len() != n {
                let columns: Vec<&str> = table.columns.iter().map(|c| c.label).collect();
                let d = self
                    .f
                    .diag(Code::L013, row.pos)
                    .message(format!("增加的行「{label}」有 {} 个数", items.len()))
                    .path(row_path)
                    .expected(format!("{n} 个数（{}）", columns.join("、")))
                    .found(format!("{} 个", items.len()));
                self.f.push(d);
                continue;
            }
            let mut cells = Vec::with_capacity(n);
            let mut notes = Vec::with_capacity(n);
            for (c, item) in items.into_iter().enumerate() {
                let column = &table.columns[c];
                let cell_path = format!("{row_path}[{c}]");
                let cell_label = format!("「{} {label}」×「{}」", table.caption, column.label);
                let d = |f: &Fields<'_>, code, pos| {
                    f.diag(code, pos)
                        .path(cell_path.clone())
                        .label(cell_label.clone())
                        .expected(column.kind.describe())
                };
                let (cell, note) = self.read_value(item, column.kind, &d);
                cells.push(cell);
                notes.push(note);
            }
            self.extra_rows.push(ExtraRow {
                table: t,
                after,
                label,
                cells,
                notes,
                pos: label_key.pos,
            });
        }
    }

    /// Computes the totals data.yaml left out, from the identity that defines them. A total
    /// whose row has a blank cell (`/`) cannot be computed: that is an error, not an empty cell.
    pub(super) fn compute_totals(&mut self) {
        let form = self.form;
        let mut totals: Vec<(usize, usize)> = form
            .optional_totals
            .iter()
            .map(|(&cell, &equation)| (cell, equation))
            .filter(|&(cell, _)| self.computed[cell])
            .collect();
        totals.sort_unstable();
        for (cell, equation) in totals {
            let eq = &form.identities[equation];
            let mut sum = Decimal::ZERO;
            let mut complete = true;
            let mut blanks = Vec::new();
            for term in &eq.rhs {
                debug_assert_eq!(term.year, YearRef::Current);
                let index = form.cell_index(&term.cell);
                match index.map(|i| self.cells[i]) {
                    Some(Cell::Value(v)) => match sum.checked_add(v) {
                        Some(total) => sum = total,
                        None => complete = false,
                    },
                    Some(Cell::NotReported) => {
                        complete = false;
                        blanks.extend(index);
                    }
                    _ => complete = false,
                }
            }
            if complete {
                self.cells[cell] = Cell::Value(sum);
            } else if !blanks.is_empty() {
                self.computed[cell] = false;
                let (table, row, _) = form.place(cell);
                let columns: Vec<&str> = blanks.iter().map(|&i| form.place(i).2.label).collect();
                let pos = blanks
                    .first()
                    .and_then(|&i| self.positions[i])
                    .unwrap_or_default();
                let d = self
                    .f
                    .diag(Code::N002, pos)
                    .path(form.yaml_path(cell))
                    .cell(form.cells[cell].clone())
                    .label(form.cell_label(cell))
                    .message(format!(
                        "「{}」这一行没有写总计，而{}空白（/），nianbao 无法计算总计",
                        table.row_label(row),
                        columns
                            .iter()
                            .map(|c| format!("「{c}」"))
                            .collect::<Vec<_>>()
                            .join("、")
                    ))
                    .found("总计未写，且有空白的单元格")
                    .expected("照原报告写出这一行的总计；原报告总计也空白的，写 /");
                self.f.push(d);
            }
        }
    }
}

/// The position of the deepest key of `path` that exists (where a missing entry belongs).
pub(super) fn key_pos(root: &Node, path: &str) -> Pos {
    let mut node = root;
    let mut pos = root.pos;
    for key in path.split('.') {
        let Some((k, next)) = node
            .as_map()
            .and_then(|m| m.iter().find(|(k, _)| k.name == key))
        else {
            break;
        };
        pos = k.pos;
        node = next;
    }
    pos
}

//! data.yaml: which template, when published, the tables and the acknowledgements.

use super::*;

pub(super) struct Data {
    pub(super) template: TemplateId,
    pub(super) form: Arc<Form>,
    pub(super) cells: Vec<Cell>,
    pub(super) positions: Vec<Option<Pos>>,
    pub(super) computed: Vec<bool>,
    pub(super) cell_notes: Vec<(usize, String)>,
    pub(super) extra_rows: Vec<ExtraRow>,
    pub(super) published: Option<Date>,
    pub(super) draft: bool,
    pub(super) acknowledgements: Vec<Acknowledgement>,
}

/// The top-level keys of data.yaml besides the tables.
pub(super) const DATA_KEYS: [&str; 3] = ["template", "published", "acknowledged"];

/// Reads data.yaml of `year`.
pub(super) fn read_data(
    file: &Path,
    source: &str,
    node: &Node,
    year: u16,
    diagnostics: &mut Vec<Diagnostic>,
) -> Data {
    let mut f = Fields::new(file, source, diagnostics);
    let year_template = TemplateId::for_year(year).unwrap_or(TemplateId::F2021);

    // template: which national format the tables follow.
    let template = match get(node, "template") {
        None => {
            let d = f
                .diag(Code::L006, node.pos)
                .message("缺少年报格式（template）")
                .path("template")
                .hint(format!("在第一行写：template: {}", year_template.key()));
            f.push(d);
            year_template
        }
        Some(value) => match value
            .as_scalar()
            .and_then(|t| TemplateId::from_key(t.trim()))
        {
            Some(t) => t,
            None => {
                let d = f
                    .diag(Code::L016, value.pos)
                    .message(format!(
                        "年报格式（template）只能是 {}",
                        crate::definition::template_keys()
                    ))
                    .path("template")
                    .found(value.as_scalar().unwrap_or("").to_string())
                    .expected(format!("{}（{year} 年度适用的格式）", year_template.key()));
                f.push(d);
                year_template
            }
        },
    };
    // A template that does not match the year is reported once (D005, or L016 above); the
    // tables are read in the template they are written in, so a wrong `template:` line does
    // not also turn every table into unknown keys and missing rows.
    let declared = template;
    let template = if template == year_template {
        template
    } else {
        TemplateId::ALL
            .into_iter()
            .max_by_key(|t| (fit(node, t.get()), *t == template))
            .unwrap_or(template)
    };
    let definition = template.get();

    // Which mergeable groups the file prints as one row (a recorded deviation).
    let mut merged = Vec::new();
    for table in &definition.form.tables {
        for (group, ..) in table.mergeable_groups() {
            let found = lookup(node, &format!("{}.{group}", table.key));
            if found.is_some_and(|n| n.as_map().is_none() && !n.is_null()) {
                merged.push(format!("{}.{group}", table.key));
            }
        }
    }
    let form = definition
        .form_with(&merged)
        .unwrap_or_else(|| definition.form.clone());

    let mut allowed: Vec<&str> = DATA_KEYS.to_vec();
    for table in &form.tables {
        let top = table.key.split('.').next().unwrap_or(table.key);
        if !allowed.contains(&top) {
            allowed.push(top);
        }
    }
    let what = format!("{}年格式的 data.yaml", template.key());
    f.unknown_keys(node.as_map().unwrap_or_default(), &allowed, "", &what);

    let (published, draft) = match read_published(&mut f, node) {
        Published::Draft => (None, true),
        Published::Unknown => (None, false),
        Published::On(date) => (Some(date), false),
    };
    let mut reader = CellReader {
        f,
        form: &form,
        cells: vec![Cell::Missing; form.cells.len()],
        positions: vec![None; form.cells.len()],
        computed: vec![false; form.cells.len()],
        notes: Vec::new(),
        extra_rows: Vec::new(),
    };
    reader.read_tables(node, definition);
    reader.notes.sort_by_key(|(cell, _)| *cell);
    reader.compute_totals();
    for (table, group, code) in form.deviations() {
        let path = format!("{table}.{group}");
        let pos = lookup(node, &path).map(|n| n.pos).unwrap_or(node.pos);
        let label = form
            .table(table)
            .and_then(|t| t.rows.iter().find(|r| r.key == group))
            .map(|r| format!("「{}」", r.full_label()))
            .unwrap_or_default();
        let items = form
            .table(table)
            .and_then(|t| {
                t.mergeable_groups()
                    .into_iter()
                    .find(|(key, ..)| *key == group)
            })
            .map_or(0, |(_, _, children, _)| children);
        let d = reader
            .f
            .diag(code, pos)
            .path(path.clone())
            .cell(path)
            .label(label)
            .found("印为一行")
            .expected(crate::definition::split_expected(form.template, items));
        reader.f.push(d);
    }
    let acknowledgements = read_acknowledgements(&mut reader.f, node, &form);
    Data {
        template: declared,
        cells: reader.cells,
        positions: reader.positions,
        computed: reader.computed,
        cell_notes: reader.notes,
        extra_rows: reader.extra_rows,
        form,
        published,
        draft,
        acknowledgements,
    }
}

/// How many rows of a template's tables data.yaml writes in that template's shape.
pub(super) fn fit(node: &Node, template: &Template) -> usize {
    let mut score = 0;
    for table in &template.form.tables {
        let n = table.columns.len();
        for entry in table.entries() {
            let path = format!("{}.{}", table.key, entry.key);
            let Some(value) = lookup(node, &path) else {
                continue;
            };
            let shaped = |v: &Node| match &v.value {
                Value::Seq(items) => {
                    n > 1
                        && (items.len() == n
                            || (items.len() + 1 == n && table.columns[n - 1].optional_total))
                }
                Value::Scalar { .. } => n == 1,
                Value::Map(_) => false,
            };
            if entry.children.is_empty() {
                score += usize::from(shaped(value));
            } else {
                score += entry
                    .children
                    .iter()
                    .filter(|(child, _)| get(value, child).is_some_and(shaped))
                    .count();
            }
        }
    }
    score
}

/// The node at a dotted path.
pub(super) fn lookup<'n>(node: &'n Node, path: &str) -> Option<&'n Node> {
    path.split('.').try_fold(node, |n, key| get(n, key))
}

/// What `published:` says.
pub(super) enum Published {
    /// `draft` (or 草稿): not yet published.
    Draft,
    /// `unknown` (or 不详): published on a date nobody recorded (historic reports).
    Unknown,
    On(Date),
}

/// The values of `published:` that mean a draft.
pub(crate) const DRAFT_WORDS: [&str; 2] = ["draft", "草稿"];

/// Whether the text of a data.yaml declares a draft, read line by line: for a file whose YAML
/// cannot be parsed, so that its problems are still known to belong to a draft.
pub(crate) fn declares_draft(source: &str) -> bool {
    source.lines().any(|line| {
        line.strip_prefix("published:").is_some_and(|rest| {
            let value = rest.split('#').next().unwrap_or("").trim();
            DRAFT_WORDS.contains(&value.trim_matches(|c| c == '"' || c == '\''))
        })
    })
}

pub(super) fn read_published(f: &mut Fields<'_>, node: &Node) -> Published {
    let Some(value) = get(node, "published") else {
        let d = f
            .diag(Code::L006, node.pos)
            .message("缺少发布日期（published）")
            .path("published")
            .hint("尚未发布写 published: draft；发布后写发布日期，如 published: 2025-01-20；早年的报告日期不详写 published: unknown");
        f.push(d);
        return Published::Unknown;
    };
    let text = value.as_scalar().unwrap_or("").trim();
    if DRAFT_WORDS.contains(&text) {
        return Published::Draft;
    }
    if value.is_null() || text == "unknown" || text == "不详" {
        return Published::Unknown;
    }
    match Date::parse(text) {
        Some(date) if crate::definition::PUBLISHED_YEARS.contains(&date.year) => {
            Published::On(date)
        }
        Some(_) => {
            let d = f
                .diag(Code::L015, value.pos)
                .message(format!("发布日期 {text} 不在合理的范围内"))
                .path("published")
                .found(text.to_string())
                .expected(format!(
                    "{} 年至 {} 年之间的日期；尚未发布写 draft；早年的报告日期不详写 unknown",
                    crate::definition::PUBLISHED_YEARS.start(),
                    crate::definition::PUBLISHED_YEARS.end()
                ));
            f.push(d);
            Published::Unknown
        }
        None => {
            let d = f
                .diag(Code::L015, value.pos)
                .message(format!("发布日期 {text} 无效"))
                .path("published")
                .found(text.to_string())
                .expected(
                    "年-月-日，如 2025-01-20；尚未发布写 draft；早年的报告日期不详写 unknown",
                );
            f.push(d);
            Published::Unknown
        }
    }
}

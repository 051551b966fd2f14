//! `nianbao init` and `nianbao new`: new sites and new report years, written from the template
//! definitions.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use unicode_width::UnicodeWidthStr;

use crate::definition::{
    CellKind, Form, GUIDANCE_PREFIX, PARTS, PartKind, Table, TemplateId, YearRef, label_with_unit,
};
use crate::model::{AgencyKind, Year};

/// A problem that stops `init` or `new`.
#[derive(Debug)]
pub struct ScaffoldError(pub String);

impl std::fmt::Display for ScaffoldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ScaffoldError {}

fn write(path: &Path, text: &str) -> Result<(), ScaffoldError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| ScaffoldError(format!("无法创建文件夹 {}：{e}", parent.display())))?;
    }
    std::fs::write(path, text)
        .map_err(|e| ScaffoldError(format!("无法写入 {}：{e}", path.display())))
}

/// The options of `nianbao init`.
pub struct InitOptions {
    pub slug: String,
    pub name: String,
    pub kind: AgencyKind,
}

/// Writes a new site into `dir`: site.yaml and one agency without years. Returns the files written.
pub fn init(dir: &Path, options: &InitOptions) -> Result<Vec<PathBuf>, ScaffoldError> {
    let site_file = dir.join("content/site.yaml");
    if site_file.exists() {
        return Err(ScaffoldError(format!(
            "{} 已经是 nianbao 站点（已有 content/site.yaml），没有改动任何文件。要在这个站点中新增机关，请运行 nianbao new-agency <代号> --name <全称> --kind <类型>。",
            dir.display()
        )));
    }
    check_slug(&options.slug)?;
    check_name(&options.name)?;
    let site = format!(
        "# 网站设置\n\
         title: {title}   # 网站标题\n\
         base_url: ~          # 发布后的网址，如 https://www.example.gov.cn/zwgk/ndbg/（只用于规范链接、网站地图和订阅）\n\
         theme: default       # 主题：themes/ 下的文件夹名，default 为内置主题\n\
         footer:              # 网站页脚\n\
         \x20 sponsor: {name}   # 主办单位\n\
         \x20 site_code: ~     # 网站标识码\n\
         \x20 icp: ~           # ICP备案号\n\
         \x20 police_record: ~ # 公安机关备案号\n\
         \x20 contact: ~       # 联系方式\n",
        title = yaml_text(&format!("{}政府信息公开工作年度报告", options.name)),
        name = yaml_text(&options.name)
    );
    let agency = agency_yaml(options);
    let mut written = Vec::new();
    for (path, text) in [
        (site_file, site),
        (
            dir.join("content").join(&options.slug).join("agency.yaml"),
            agency,
        ),
        (dir.join(".gitignore"), "/output/\n".to_string()),
    ] {
        if path.exists() {
            continue;
        }
        write(&path, &text)?;
        written.push(path);
    }
    std::fs::create_dir_all(dir.join("templates"))
        .map_err(|e| ScaffoldError(format!("无法创建 templates 文件夹：{e}")))?;
    Ok(written)
}

fn check_slug(slug: &str) -> Result<(), ScaffoldError> {
    let valid = !slug.is_empty()
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if valid {
        Ok(())
    } else {
        Err(ScaffoldError(format!(
            "机关代号 {slug} 无效：只能用小写英文字母、数字和连字符（如 jiahe）。"
        )))
    }
}

/// The loader's rule for names (no control characters, at most `MAX_TEXT_CHARS`), applied before
/// anything is written.
fn check_name(name: &str) -> Result<(), ScaffoldError> {
    match crate::load::text_problem(name, crate::load::MAX_TEXT_CHARS) {
        None => Ok(()),
        Some(problem) => Err(ScaffoldError(format!(
            "机关全称 {} 无效：{}。",
            crate::diagnostic::terminal_safe(name),
            problem.describe()
        ))),
    }
}

/// Adds an agency to the existing site in `dir`: content/<slug>/agency.yaml. Returns the file
/// written.
pub fn new_agency(dir: &Path, options: &InitOptions) -> Result<PathBuf, ScaffoldError> {
    if !dir.join("content/site.yaml").is_file() {
        return Err(ScaffoldError(format!(
            "{} 不是 nianbao 站点（找不到 content/site.yaml）。新建站点请运行 nianbao init；或用 --root 指定站点目录。",
            dir.display()
        )));
    }
    check_slug(&options.slug)?;
    check_name(&options.name)?;
    let agency_dir = dir.join("content").join(&options.slug);
    if agency_dir.exists() {
        return Err(ScaffoldError(format!(
            "机关 {} 已存在（{}），没有改动任何文件。",
            options.slug,
            agency_dir.display()
        )));
    }
    let path = agency_dir.join("agency.yaml");
    write(&path, &agency_yaml(options))?;
    Ok(path)
}

/// A text as a YAML value that reads back as exactly this text: plain when that is safe, else
/// double-quoted (a JSON string is a valid YAML double-quoted scalar).
pub fn yaml_text(text: &str) -> String {
    let plain_safe = !text.is_empty()
        && text.trim() == text
        && !text.starts_with(['-', '?', ':', '!', '&', '*', '|', '>', '%', '@', '`'])
        && !text.chars().any(|c| {
            matches!(
                c,
                ':' | '#' | '\'' | '"' | '[' | ']' | '{' | '}' | ',' | '\\'
            ) || crate::diagnostic::is_forbidden_char(c)
        })
        && !matches!(
            text,
            "~" | "null" | "Null" | "NULL" | "true" | "false" | "yes" | "no" | "是" | "否"
        )
        && text.parse::<f64>().is_err();
    if plain_safe {
        text.to_string()
    } else {
        serde_json::to_string(text).unwrap_or_else(|_| format!("{text:?}"))
    }
}

fn agency_yaml(options: &InitOptions) -> String {
    let kinds: Vec<String> = AgencyKind::ALL
        .iter()
        .map(|k| format!("{}（{}）", k.key(), k.label()))
        .collect();
    format!(
        "# 机关信息\n\
         name: {name}        # 机关全称，与年报标题一致\n\
         short_name: {name}  # 简称，用于导航\n\
         kind: {kind}        # 机关类型，决定法定发布期限：{kinds}\n\
         region: ~           # 所属地区或上级机关，如 广州市白云区\n\
         contact: ~          # 政务公开工作机构的联系方式\n",
        name = yaml_text(&options.name),
        kind = options.kind.key(),
        kinds = kinds.join("、")
    )
}

/// Writes data.yaml and report.md for a new year of `agency_dir`. `previous` is the year
/// before, when the site has it: what the rules carry over is filled in from it.
pub fn new_year(
    agency_dir: &Path,
    agency_name: &str,
    year: u16,
    previous: Option<&Year>,
) -> Result<Vec<PathBuf>, ScaffoldError> {
    let template = year_template(year)?;
    let data = data_yaml(agency_name, year, template, previous);
    let report = report_md(agency_name, year, template);
    write_year(agency_dir, year, &data, &report)
}

/// The template of a report year, or the message that names the years nianbao supports.
pub fn year_template(year: u16) -> Result<TemplateId, ScaffoldError> {
    TemplateId::for_year(year).ok_or_else(|| {
        ScaffoldError(format!(
            "{year} 不是有效的报告年度：nianbao 支持 {} 至 {} 年度的年报（{}）。",
            crate::definition::REPORT_YEARS.start(),
            crate::definition::REPORT_YEARS.end(),
            crate::definition::years_of_templates()
        ))
    })
}

/// Writes a year folder's data.yaml and report.md; an existing year is never overwritten.
pub fn write_year(
    agency_dir: &Path,
    year: u16,
    data: &str,
    report: &str,
) -> Result<Vec<PathBuf>, ScaffoldError> {
    let dir = agency_dir.join(year.to_string());
    if dir.exists() {
        return Err(ScaffoldError(format!(
            "{} 已存在，没有改动任何文件。要重新生成，请先自行移走这个文件夹。",
            dir.display()
        )));
    }
    let files = [
        (dir.join("data.yaml"), data),
        (dir.join("report.md"), report),
    ];
    for (path, text) in &files {
        write(path, text)?;
    }
    Ok(files.into_iter().map(|(p, _)| p).collect())
}

/// The values a new year starts from: the rules across years solved for this year's cell with
/// everything else of this year at zero (上年结转 from last year's 结转下年度, and so on).
pub fn carried_values(form: &Form, previous: Option<&Year>) -> Vec<Option<Decimal>> {
    let mut values = vec![None; form.cells.len()];
    let Some(previous) = previous else {
        return values;
    };
    for eq in &form.year_rules {
        let Some(anchor) = form.cell_index(&eq.anchor) else {
            continue;
        };
        let mut sum = Decimal::ZERO;
        let mut complete = true;
        for term in eq.rhs.iter().filter(|t| t.year == YearRef::Previous) {
            let v = previous
                .value(&term.cell)
                .map(|v| if term.negative { -v } else { v });
            match v.and_then(|v| sum.checked_add(v)) {
                Some(total) => sum = total,
                None => complete = false,
            }
        }
        if complete && eq.rhs.iter().any(|t| t.year == YearRef::Previous) {
            values[anchor] = Some(sum);
        }
    }
    values
}

/// Pads `code` so the comments of a block line up.
fn line(out: &mut String, indent: usize, code: &str, comment: &str) {
    let text = format!("{}{code}", "  ".repeat(indent));
    let pad = 48usize.saturating_sub(text.width()).max(1);
    if comment.is_empty() {
        let _ = writeln!(out, "{text}");
    } else {
        let _ = writeln!(out, "{text}{}# {comment}", " ".repeat(pad));
    }
}

fn data_yaml(
    agency_name: &str,
    year: u16,
    template: TemplateId,
    previous: Option<&Year>,
) -> String {
    let form = &template.get().form;
    let carried = carried_values(form, previous);
    let cells = carried
        .iter()
        .map(|v| v.unwrap_or(Decimal::ZERO).to_string())
        .collect();
    let mut header = vec![format!(
        "按{}格式（{}）填写。每个数都要填写，没有发生的写 0；不要写单位。",
        template.get().name,
        template.get().notice
    )];
    if previous.is_some() {
        header.push(format!(
            "上年结转等项目已按 {} 年度的数据预先填好，请核对。",
            year - 1
        ));
    }
    write_data_yaml(
        agency_name,
        year,
        &YearData {
            form,
            header,
            published: None,
            cells,
            notes: HashMap::new(),
        },
    )
}

/// What a data.yaml holds, for [`write_data_yaml`]: `new` fills it from last year's carried
/// values, `import` from a published report.
pub struct YearData<'a> {
    /// The form the year fills in (with a recorded deviation when the report printed one).
    pub form: &'a Form,
    /// Comment lines under the title.
    pub header: Vec<String>,
    /// The publication date (`2024-01-20`); None writes `published: draft`.
    pub published: Option<String>,
    /// What to write for each cell of `form.cells`: a number or `/`.
    pub cells: Vec<String>,
    /// Comment lines written above a row, by the row's YAML path (`requests.withheld.state_secret`).
    pub notes: HashMap<String, Vec<String>>,
}

/// Writes a data.yaml in the layout of `nianbao new`: every row of the form in the official
/// order, its label as a comment, units named, parts headed.
pub fn write_data_yaml(agency_name: &str, year: u16, data: &YearData) -> String {
    let form = data.form;
    let template = form.template;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {agency_name} {year}年政府信息公开工作年度报告：表格数据"
    );
    for line in &data.header {
        let _ = writeln!(out, "# {line}");
    }
    let _ = writeln!(out);
    line(
        &mut out,
        0,
        &format!("template: {}", template.key()),
        "年报格式，由报告年度决定，不要改动",
    );
    match &data.published {
        Some(date) => line(
            &mut out,
            0,
            &format!("published: {date}"),
            "发布日期（从原报告中读出）",
        ),
        None => line(
            &mut out,
            0,
            "published: draft",
            &format!(
                "草稿，不会发布到网站上；正式发布时改为发布日期，如 {}-01-20",
                year + 1
            ),
        ),
    }
    let mut open_parents: Vec<&str> = Vec::new();
    let mut last_part = 0;
    for table in &form.tables {
        let mut path: Vec<&str> = table.key.split('.').collect();
        let leaf = path.pop().unwrap_or(table.key);
        if table.part != last_part {
            let heading = crate::definition::part(table.part).heading;
            let _ = writeln!(out);
            // A table inside a prose part (the fees of 六) is named by its caption too.
            if crate::definition::part(table.part).kind == crate::definition::PartKind::Prose {
                let _ = writeln!(out, "# {heading}：{}", table.caption);
            } else {
                let _ = writeln!(out, "# {heading}");
            }
            last_part = table.part;
        }
        if open_parents != path {
            for (depth, key) in path.iter().enumerate() {
                let _ = writeln!(out, "{}{key}:", "  ".repeat(depth));
            }
            open_parents = path.clone();
        }
        let depth = path.len();
        write_columns_note(&mut out, depth, table);
        // A sub-table's caption (「第二十条第（一）项」) goes beside its key; a part-level table's
        // heading is already above it, and a figure list's rows carry their own labels.
        let caption = match table.columns.as_slice() {
            _ if !table.is_sub_table() || table.is_figure_list() => String::new(),
            [only] => format!(
                "{}：{}",
                table.caption,
                label_with_unit(only.label, only.kind)
            ),
            _ => table.caption.to_string(),
        };
        line(&mut out, depth, &format!("{leaf}:"), &caption);
        write_rows(&mut out, depth + 1, table, form, data);
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "# 已确认的问题：已发布的报告中存在、无法再更改的问题，登记后 check 不再报错。例："
    );
    let _ = writeln!(out, "# acknowledged:");
    let _ = writeln!(
        out,
        "#   - code: T004                          # 检查代码（见 nianbao check 的输出）"
    );
    let _ = writeln!(
        out,
        "#     cell: review.reconsideration.total  # 单元格；也可以写一行、一个表格（requests）或 requests.*.total"
    );
    let _ = writeln!(
        out,
        "#     found: 0                            # 登记时的实际值（check 输出的“实际”）"
    );
    let _ = writeln!(
        out,
        "#     reason: 原报告行政复议总计印为 0，与各结果之和不符"
    );
    out
}

fn write_columns_note(out: &mut String, depth: usize, table: &Table) {
    if table.columns.len() < 2 {
        return;
    }
    let labels: Vec<String> = table
        .columns
        .iter()
        .map(|c| label_with_unit(c.label, c.kind))
        .collect();
    let mut note = format!("每行 {} 个数：{}", labels.len(), labels.join("、"));
    if table.columns.last().is_some_and(|c| c.optional_total) {
        note.push_str("（总计可以不写，由 nianbao 计算）");
    }
    if let Some(corner) = table.corner_note() {
        note.push_str(&format!("\n{}#   {corner}", "  ".repeat(depth)));
    }
    let _ = writeln!(out, "{}# {note}", "  ".repeat(depth));
}

fn write_rows(out: &mut String, depth: usize, table: &Table, form: &Form, data: &YearData) {
    let mut heading: Option<&str> = None;
    for entry in table.entries() {
        // A heading that spans several entries (「三、本年度办理结果」, 「行政诉讼」).
        let row_index = table
            .rows
            .iter()
            .position(|r| r.key == entry.key || r.key.starts_with(&format!("{}.", entry.key)));
        if let Some(row) = row_index.map(|i| &table.rows[i]) {
            let outer = (row.labels.len() > 1 + usize::from(!entry.children.is_empty()))
                .then(|| row.labels[0]);
            if outer.is_some() && outer != heading {
                let _ = writeln!(out, "{}# {}", "  ".repeat(depth), outer.unwrap_or(""));
            }
            heading = outer;
        }
        if entry.children.is_empty() {
            write_notes(out, depth, data, &format!("{}.{}", table.key, entry.key));
            let values = row_values(table, form, entry.key, &data.cells);
            // A row of its own kind (the fee amounts of 六) names its unit beside its label.
            let kind = table
                .row(entry.key)
                .and_then(|r| table.rows[r].kind)
                .unwrap_or(CellKind::Count);
            line(
                out,
                depth,
                &format!("{}: {values}", entry.key),
                &label_with_unit(&entry.labels.join(""), kind),
            );
        } else {
            line(
                out,
                depth,
                &format!("{}:", entry.key),
                &entry.labels.join(""),
            );
            for (child, label) in &entry.children {
                let key = format!("{}.{child}", entry.key);
                write_notes(out, depth + 1, data, &format!("{}.{key}", table.key));
                let values = row_values(table, form, &key, &data.cells);
                line(out, depth + 1, &format!("{child}: {values}"), label);
            }
        }
    }
}

fn write_notes(out: &mut String, depth: usize, data: &YearData, row_path: &str) {
    for note in data.notes.get(row_path).into_iter().flatten() {
        let _ = writeln!(out, "{}# {note}", "  ".repeat(depth));
    }
}

fn row_values(table: &Table, form: &Form, row_key: &str, cells: &[String]) -> String {
    let values: Vec<String> = table
        .columns
        .iter()
        .map(|c| {
            let id = crate::definition::cell_id(table.key, row_key, c.key);
            form.cell_index(&id)
                .and_then(|i| cells.get(i).cloned())
                .unwrap_or_else(|| "/".to_string())
        })
        .collect();
    if values.len() == 1 {
        values[0].clone()
    } else {
        format!("[{}]", values.join(", "))
    }
}

fn report_md(agency_name: &str, year: u16, template: TemplateId) -> String {
    // The name goes into an HTML comment, which `--` would end early.
    let agency_name = &agency_name.replace("--", "－－");
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<!-- {agency_name} {year}年政府信息公开工作年度报告：正文。第二、三、四部分的表格由 data.yaml 生成；\n\
         如需对表格加说明，可按顺序加上该部分的标题（如“## 三、收到和处理政府信息公开申请情况”）再写说明。\n\
         发布前请删除所有“{GUIDANCE_PREFIX}……）”文字。 -->\n"
    );
    let _ = writeln!(
        out,
        "{GUIDANCE_PREFIX}可在此写前言：编制依据、统计期限（{year}年1月1日至{year}年12月31日）、联系方式等。）\n"
    );
    for part in PARTS.iter().filter(|p| p.kind == PartKind::Prose) {
        let _ = writeln!(out, "## {}\n", part.heading);
        let guidance = if part.number == 6 && !template.get().has_fees {
            "（填写说明：说明其他需要报告的事项；没有时写“无。”。）"
        } else {
            part.guidance
        };
        let _ = writeln!(out, "{guidance}\n");
    }
    out
}

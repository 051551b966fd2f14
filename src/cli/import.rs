//! `nianbao import`: one year read from a published report (.html, .txt) or a filled-in workbook
//! (.xlsx), written as data.yaml and report.md, then checked.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use nianbao::render_all;

use super::{fail, site_agency};

#[derive(Args)]
pub(crate) struct ImportArgs {
    /// 年报文件：门户网站上另存的网页（.html）、从 PDF 或网页复制出的文本（.txt），或 nianbao xlsx 写出、填好的工作簿（.xlsx）
    #[arg(value_name = "文件")]
    file: PathBuf,
    /// 导入到这个机关（content/ 下的文件夹名）
    #[arg(long, value_name = "机关代号")]
    agency: String,
    /// 报告年度；默认从年报标题中读出
    #[arg(long, value_name = "年度")]
    year: Option<u16>,
}

impl ImportArgs {
    pub(crate) fn run(self, root: &Path) -> ExitCode {
        import(root, &self.file, &self.agency, self.year)
    }
}

fn import(root: &Path, file: &Path, slug: &str, year: Option<u16>) -> ExitCode {
    let (loaded, index) = match site_agency(root, slug) {
        Ok(found) => found,
        Err(code) => return code,
    };
    let agency = &loaded.site.agencies[index];
    let (files, report) = match nianbao::import::import(&agency.dir, &agency.name, file, year) {
        Ok(done) => done,
        Err(err) => return fail(err),
    };
    for file in &files {
        println!("已写入 {}", file.display());
    }
    let total = report.cells.len();
    let unread = report.unread();
    println!(
        "读出 {} 格，共 {total} 格（{}年格式）。",
        total - unread.len(),
        report.form.template.key()
    );
    if !unread.is_empty() {
        println!(
            "以下 {} 格没有把握读出，在 data.yaml 中写为 /，并在该行上方注明原因；请对照原报告填写：",
            unread.len()
        );
        for row in report.unread_rows() {
            println!(
                "  {}「{}」{}：{}",
                row.path,
                row.label,
                row.columns_text(),
                row.why
            );
        }
    }
    let source = if report.workbook {
        "工作簿"
    } else {
        "原报告"
    };
    for (table, group, _) in report.form.deviations() {
        println!("{source}把 {table}.{group} 印成了一行（与年报格式不符），照原样导入。");
    }
    match report.published {
        Some(date) => println!("发布日期：{date}（从原报告中读出）。"),
        None => println!(
            "{source}中没有读到发布日期，这个年度记为草稿（published: draft）；核对后把它改为发布日期（已发布但日期不详的写 unknown）。"
        ),
    }
    println!(
        "\n检查导入的 {} 年度（表内勾稽关系不符，可能是读错了格，也可能是原报告本身的错误；核实是原报告的错误后，可在 data.yaml 中登记为已确认的问题）：",
        report.year
    );
    let checked = match nianbao::load_and_check_agencies(root, &[slug.to_string()]) {
        Ok(checked) => checked,
        Err(fatal) => return fail(fatal),
    };
    let year_dir = Path::new(&agency.slug).join(report.year.to_string());
    let shown: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| {
            d.file
                .components()
                .rev()
                .skip(1)
                .take(2)
                .eq(year_dir.components().rev())
        })
        .cloned()
        .collect();
    let summary = nianbao::Summary::count(&shown, 1, 1, usize::from(report.published.is_none()));
    eprint!("{}", render_all(&shown, &summary));
    if shown.iter().any(|d| d.is_blocking()) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

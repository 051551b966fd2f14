//! `nianbao word`: the Word file of one year, the same as `build` writes, for the office that
//! only needs the file to submit.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use nianbao::render_all;

use super::{fail, site_agency};

#[derive(Args)]
pub(crate) struct WordArgs {
    /// 机关代号（content/ 下的文件夹名）
    #[arg(value_name = "机关代号")]
    agency: String,
    /// 报告年度，如 2025
    #[arg(value_name = "年度")]
    year: u16,
    /// 写到这个文件；默认为当前目录下的 <机关代号>-<年度>.docx（已有的文件不会被覆盖）
    #[arg(long, short = 'o', value_name = "文件")]
    output: Option<PathBuf>,
}

impl WordArgs {
    pub(crate) fn run(self, root: &Path) -> ExitCode {
        word(root, &self.agency, self.year, self.output)
    }
}

fn word(root: &Path, slug: &str, year: u16, output: Option<PathBuf>) -> ExitCode {
    let output = output.unwrap_or_else(|| PathBuf::from(format!("{slug}-{year}.docx")));
    if output.exists() {
        return fail(format!(
            "{} 已存在，没有改动它。请换一个文件名（--output），或先自行移走这个文件。",
            output.display()
        ));
    }
    let (loaded, index) = match site_agency(root, slug) {
        Ok(found) => found,
        Err(code) => return code,
    };
    if loaded.site.agencies[index].year(year).is_none() {
        return fail(format!(
            "{slug} 没有 {year} 年度（content/{slug}/{year}/data.yaml）。"
        ));
    }
    let checked = match nianbao::load_and_check_agencies(root, &[slug.to_string()]) {
        Ok(checked) => checked,
        Err(fatal) => return fail(fatal),
    };
    // The year's own problems: a Word file with numbers that do not add up is not written.
    let year_dir = Path::new(slug).join(year.to_string());
    let shown: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.file.parent() == Some(year_dir.as_path()))
        .cloned()
        .collect();
    if shown.iter().any(|d| d.is_blocking()) {
        let summary = nianbao::Summary::count(&shown, 1, 1, 0);
        eprint!("{}", render_all(&shown, &summary));
        eprintln!(
            "错误：{year} 年度有未处理的错误，没有写出 Word 文件。改正后（或在 data.yaml 中登记为已确认的问题后）再运行。"
        );
        return ExitCode::from(1);
    }
    let bytes = match nianbao::year_docx(&checked, slug, year) {
        Ok(bytes) => bytes,
        Err(err) => return fail(err),
    };
    // create_new: a file that appeared since the check above is not overwritten either.
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&output)
        .and_then(|mut file| std::io::Write::write_all(&mut file, &bytes));
    if let Err(err) = written {
        return fail(format!("无法写入 {}：{err}", output.display()));
    }
    println!("已写入 {}", output.display());
    let draft = checked
        .site
        .agency(slug)
        .and_then(|a| a.year(year))
        .is_some_and(|y| y.draft);
    if draft {
        println!("注意：{year} 年度是草稿（published: draft），Word 文件首页注明了“草稿”。");
    }
    ExitCode::SUCCESS
}

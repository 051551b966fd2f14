//! `nianbao xlsx`: the Excel workbook of one year (the official tables, only the cells to fill
//! editable), for departments to fill in and send back to `nianbao import`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use super::{fail, site_agency};

#[derive(Args)]
pub(crate) struct XlsxArgs {
    /// 机关代号（content/ 下的文件夹名）
    #[arg(value_name = "机关代号")]
    agency: String,
    /// 报告年度，如 2025
    #[arg(value_name = "年度")]
    year: u16,
    /// 写到这个文件；默认为当前目录下的 <机关代号>-<年度>.xlsx（已有的文件不会被覆盖）
    #[arg(long, value_name = "文件")]
    output: Option<PathBuf>,
}

impl XlsxArgs {
    pub(crate) fn run(self, root: &Path) -> ExitCode {
        xlsx(root, &self.agency, self.year, self.output)
    }
}

fn xlsx(root: &Path, slug: &str, year: u16, output: Option<PathBuf>) -> ExitCode {
    let (loaded, index) = match site_agency(root, slug) {
        Ok(found) => found,
        Err(code) => return code,
    };
    let agency = &loaded.site.agencies[index];
    let output = output.unwrap_or_else(|| PathBuf::from(format!("{slug}-{year}.xlsx")));
    if output.exists() {
        return fail(format!(
            "{} 已存在，没有改动它。请换一个文件名（--output），或先自行移走这个文件。",
            output.display()
        ));
    }
    let previous = year.checked_sub(1).and_then(|p| agency.year(p));
    let bytes =
        match nianbao::import::xlsx::fill_in(&agency.name, year, agency.year(year), previous) {
            Ok(bytes) => bytes,
            Err(err) => return fail(err),
        };
    if let Err(err) = std::fs::write(&output, bytes) {
        return fail(format!("无法写入 {}：{err}", output.display()));
    }
    println!("已写入 {}", output.display());
    if agency.year(year).is_some() {
        println!("{year} 年度已有数据，已填入工作簿。");
    } else if let Some(p) = previous {
        println!("上年结转等项目已按 {} 年度的数据预先填好。", p.year);
    }
    println!(
        "请各部门在 Excel 或 WPS 中填写淡黄色格子（其余格子受保护），收回后运行：nianbao import {} --agency {slug}",
        output.display()
    );
    ExitCode::SUCCESS
}

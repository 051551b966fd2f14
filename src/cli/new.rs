//! `nianbao new`: a new report year of an agency, as a draft (data.yaml and report.md).

use std::path::Path;
use std::process::ExitCode;

use clap::Args;
use nianbao::scaffold;

use super::{fail, site_agency};

#[derive(Args)]
pub(crate) struct NewArgs {
    /// 机关代号（content/ 下的文件夹名）
    #[arg(value_name = "机关代号")]
    agency: String,
    /// 报告年度，如 2025
    #[arg(value_name = "年度")]
    year: u16,
}

impl NewArgs {
    pub(crate) fn run(self, root: &Path) -> ExitCode {
        let (loaded, index) = match site_agency(root, &self.agency) {
            Ok(found) => found,
            Err(code) => return code,
        };
        let agency = &loaded.site.agencies[index];
        let year = self.year;
        let previous = year.checked_sub(1).and_then(|p| agency.year(p));
        match scaffold::new_year(&agency.dir, &agency.name, year, previous) {
            Ok(files) => {
                for file in files {
                    println!("已写入 {}", file.display());
                }
                if let Some(p) = previous {
                    println!("上年结转等项目已按 {} 年度的数据预先填好。", p.year);
                }
                println!(
                    "这个年度是草稿（data.yaml 中 published: draft）：nianbao build 不会发布它，nianbao serve 可以预览。"
                );
                println!(
                    "填写后运行 nianbao check 检查；正式发布时把 published: draft 改为发布日期并删除正文中的填写说明。"
                );
                ExitCode::SUCCESS
            }
            Err(err) => fail(err),
        }
    }
}

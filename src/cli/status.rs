//! `nianbao status`: the publication status of one report year for a disclosure office (who has
//! published, on time or late, who has a draft, who is missing, with problem counts), for people or
//! as JSON. The same data as the overview pages (`check::status`).

use std::path::Path;
use std::process::ExitCode;

use clap::Args;

use super::check::Format;
use super::fail;

#[derive(Args)]
pub(crate) struct StatusArgs {
    /// 报告年度，如 2025；默认为站点中最近的年度
    #[arg(long, value_name = "年度")]
    year: Option<u16>,
    /// 只列出这个机关（content/ 下的文件夹名）；可以写多次
    #[arg(long = "agency", value_name = "代号")]
    agencies: Vec<String>,
    /// 输出格式：human（默认，给人看）或 json（给程序读）
    #[arg(
        long,
        value_enum,
        default_value = "human",
        hide_default_value = true,
        hide_possible_values = true,
        value_name = "格式"
    )]
    format: Format,
}

impl StatusArgs {
    pub(crate) fn run(self, root: &Path) -> ExitCode {
        let checked = match nianbao::load_and_check_agencies(root, &self.agencies) {
            Ok(checked) => checked,
            Err(fatal) => return fail(fatal),
        };
        let found = match self.year {
            Some(year) => checked.status.iter().find(|s| s.year == year),
            None => checked.status.last(),
        };
        let Some(found) = found else {
            let years: Vec<String> = checked.status.iter().map(|s| s.year.to_string()).collect();
            return fail(match self.year {
                Some(year) => format!(
                    "站点中没有 {year} 年度的年报（没有任何机关有 {year} 文件夹）。现有年度：{}。",
                    if years.is_empty() {
                        "无".to_string()
                    } else {
                        years.join("、")
                    }
                ),
                None => {
                    "站点中还没有任何年度的年报。新建年度请运行 nianbao new <机关代号> <年度>。"
                        .to_string()
                }
            });
        };
        match self.format {
            Format::Human => print!("{}", nianbao::status_text(found)),
            Format::Json => match serde_json::to_string_pretty(found) {
                Ok(json) => println!("{json}"),
                Err(err) => return fail(format!("无法输出 JSON：{err}")),
            },
        }
        ExitCode::SUCCESS
    }
}

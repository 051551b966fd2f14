//! `nianbao check`: every problem of the site's data and narratives, for people or as JSON.

use std::path::Path;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use nianbao::{render_all, render_json};

use super::fail;

#[derive(Args)]
pub(crate) struct CheckArgs {
    /// 只检查这个机关（content/ 下的文件夹名）；可以写多次
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

/// How check and status print: for people or as JSON.
#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum Format {
    Human,
    Json,
}

impl CheckArgs {
    pub(crate) fn run(self, root: &Path) -> ExitCode {
        let checked = match nianbao::load_and_check_agencies(root, &self.agencies) {
            Ok(checked) => checked,
            Err(fatal) => return fail(fatal),
        };
        match self.format {
            Format::Human => {
                eprint!("{}", render_all(&checked.diagnostics, &checked.summary));
                let drafts: Vec<String> = checked
                    .site
                    .draft_years()
                    .map(|(a, y)| format!("{} {} 年度", a.slug, y.year))
                    .collect();
                if !drafts.is_empty() {
                    eprintln!(
                        "草稿（未发布）：{}。草稿照常检查，但 build 不生成它们（加 --drafts 可生成带“草稿”标记的预览）；正式发布时把 data.yaml 中的 published: draft 改为发布日期。",
                        drafts.join("、")
                    );
                }
            }
            Format::Json => println!("{}", render_json(&checked.diagnostics, &checked.summary)),
        }
        if checked.has_errors() {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        }
    }
}

//! `nianbao init`: a new site, content/site.yaml and one agency.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use nianbao::scaffold::{self, InitOptions};

use super::{KindArg, fail};

#[derive(Args)]
pub(crate) struct InitArgs {
    /// 新站点的目录，默认为当前目录（或 --root）
    #[arg(value_name = "目录")]
    dir: Option<PathBuf>,
    /// 机关代号（文件夹名），只用小写英文字母、数字和连字符；默认 shili
    #[arg(
        long,
        default_value = "shili",
        hide_default_value = true,
        value_name = "代号"
    )]
    agency: String,
    /// 机关全称；默认 示例街道办事处
    #[arg(
        long,
        default_value = "示例街道办事处",
        hide_default_value = true,
        value_name = "全称"
    )]
    name: String,
    #[command(flatten)]
    kind: KindArg,
}

impl InitArgs {
    pub(crate) fn run(self, root: &Path) -> ExitCode {
        let kind = match self.kind.get() {
            Ok(kind) => kind,
            Err(code) => return code,
        };
        let dir = self.dir.unwrap_or_else(|| root.to_path_buf());
        let slug = self.agency;
        match scaffold::init(
            &dir,
            &InitOptions {
                slug: slug.clone(),
                name: self.name,
                kind,
            },
        ) {
            Ok(files) => {
                for file in files {
                    println!("已写入 {}", file.display());
                }
                println!(
                    "\n下一步：编辑 content/{slug}/agency.yaml，然后运行 nianbao new {slug} <年度> 新建一个年度。"
                );
                ExitCode::SUCCESS
            }
            Err(err) => fail(err),
        }
    }
}

//! `nianbao new-agency`: one more agency in an existing site, content/<代号>/agency.yaml.

use std::path::Path;
use std::process::ExitCode;

use clap::Args;
use nianbao::scaffold::{self, InitOptions};

use super::{KindArg, fail};

#[derive(Args)]
pub(crate) struct NewAgencyArgs {
    /// 机关代号（文件夹名），只用小写英文字母、数字和连字符，如 dongcheng
    #[arg(value_name = "代号")]
    agency: String,
    /// 机关全称，与年报标题一致，如 某某区人民政府东城街道办事处
    #[arg(long, value_name = "全称")]
    name: String,
    #[command(flatten)]
    kind: KindArg,
}

impl NewAgencyArgs {
    pub(crate) fn run(self, root: &Path) -> ExitCode {
        let kind = match self.kind.get() {
            Ok(kind) => kind,
            Err(code) => return code,
        };
        let slug = self.agency;
        match scaffold::new_agency(
            root,
            &InitOptions {
                slug: slug.clone(),
                name: self.name,
                kind,
            },
        ) {
            Ok(file) => {
                println!("已写入 {}", file.display());
                println!(
                    "\n下一步：核对 content/{slug}/agency.yaml（简称、所属地区、联系方式），然后运行 nianbao new {slug} <年度> 新建一个年度。"
                );
                ExitCode::SUCCESS
            }
            Err(err) => fail(err),
        }
    }
}

//! The commands of the binary, one file each: its arguments (a clap `Args` struct) and `run`,
//! which does the work and prints what the user sees. main.rs holds the command list (each
//! command's help text and usage line) and dispatches to these.

pub(crate) mod build;
pub(crate) mod check;
pub(crate) mod import;
pub(crate) mod init;
pub(crate) mod new;
pub(crate) mod new_agency;
pub(crate) mod serve;
pub(crate) mod status;
pub(crate) mod word;
pub(crate) mod xlsx;

use std::path::Path;
use std::process::ExitCode;

use clap::Args;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use nianbao::AgencyKind;

/// The help layout, in Chinese.
pub(crate) const MAIN_HELP: &str =
    "{about-with-newline}\n用法：{usage}\n\n命令：\n{subcommands}\n\n选项：\n{options}{after-help}";
pub(crate) const COMMAND_HELP: &str = "{about-with-newline}\n用法：{usage}\n\n选项：\n{options}\n";
pub(crate) const COMMAND_WITH_ARGS_HELP: &str =
    "{about-with-newline}\n用法：{usage}\n\n参数：\n{positionals}\n\n选项：\n{options}\n";

/// A command-line mistake, told in Chinese (clap's own messages are English).
pub(crate) fn usage_error(err: &clap::Error) -> String {
    let value = |kind| match err.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join("、"),
        _ => String::new(),
    };
    let suggestion = value(ContextKind::SuggestedSubcommand) + &value(ContextKind::SuggestedArg);
    let mut message = match err.kind() {
        ErrorKind::InvalidSubcommand => {
            format!("没有命令 {}", value(ContextKind::InvalidSubcommand))
        }
        ErrorKind::UnknownArgument => format!("不认识的参数 {}", value(ContextKind::InvalidArg)),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => format!(
            "参数 {} 的值 {} 无效{}",
            value(ContextKind::InvalidArg),
            value(ContextKind::InvalidValue),
            match value(ContextKind::ValidValue) {
                v if v.is_empty() => String::new(),
                v => format!("，可选：{v}"),
            }
        ),
        ErrorKind::MissingRequiredArgument => {
            format!("缺少参数 {}", value(ContextKind::InvalidArg))
        }
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "缺少命令".to_string()
        }
        ErrorKind::TooManyValues | ErrorKind::ArgumentConflict => {
            format!("参数有误：{}", value(ContextKind::InvalidArg))
        }
        _ => format!("命令行有误（{}）", err.kind()),
    };
    if !suggestion.is_empty() {
        message.push_str(&format!("。是不是要用 {suggestion}？"));
    }
    format!(
        "错误：{message}\n用法：nianbao [--root 目录] <命令> [选项]；运行 nianbao --help 查看帮助。"
    )
}

/// Prints `错误：…` and gives the exit code of a failure that is not the content's fault (2).
pub(crate) fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("错误：{message}");
    ExitCode::from(2)
}

/// `--kind`: the agency kind of `init` and `new-agency`.
#[derive(Args)]
pub(crate) struct KindArg {
    /// 机关类型：department（政府部门）、street_office（街道办事处，默认）、town（乡镇）、government（人民政府本行政区域年报）
    #[arg(
        long,
        default_value = "street_office",
        hide_default_value = true,
        value_name = "类型"
    )]
    kind: String,
}

impl KindArg {
    /// The agency kind named on the command line, or the message that lists the choices.
    pub(crate) fn get(&self) -> Result<AgencyKind, ExitCode> {
        let kind = &self.kind;
        AgencyKind::from_key(kind).ok_or_else(|| {
            let kinds: Vec<String> = AgencyKind::ALL
                .iter()
                .map(|k| format!("{}（{}）", k.key(), k.label()))
                .collect();
            fail(format!("机关类型 {kind} 无效，可选：{}", kinds.join("、")))
        })
    }
}

/// The site and one of its agencies, or the message that names the agencies there are.
pub(crate) fn site_agency(root: &Path, slug: &str) -> Result<(nianbao::Loaded, usize), ExitCode> {
    let loaded = nianbao::load_site(root).map_err(fail)?;
    let Some(index) = loaded.site.agencies.iter().position(|a| a.slug == slug) else {
        let known: Vec<&str> = loaded
            .site
            .agencies
            .iter()
            .map(|a| a.slug.as_str())
            .collect();
        return Err(fail(format!(
            "没有机关 {slug}（content/{slug}/agency.yaml）。现有机关：{}。\n要新增这个机关，先运行：nianbao new-agency {slug} --name <机关全称> --kind <类型>",
            if known.is_empty() {
                "无".to_string()
            } else {
                known.join("、")
            }
        )));
    };
    Ok((loaded, index))
}

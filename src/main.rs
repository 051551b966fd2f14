//! The `nianbao` command line: the list of commands (each one's help text and usage line) and the
//! dispatch. Each command lives in its own file under src/cli/: its arguments and `run`.
//!
//! Adding a command: one variant in `Command` (its `///` help and `#[command(...)]` usage), one
//! arm in `main`, and one file src/cli/<命令>.rs with an `Args` struct and `run(self, root)`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{ArgAction, Parser, Subcommand};

mod cli;

/// mimalloc instead of the system allocator: rendering makes and drops many small strings, and
/// glibc's malloc and free were about a fifth of a build's CPU (issue 15, BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's option `purge_delay`: its place in `mi_option_t` of mimalloc v3's mimalloc.h
/// (libmimalloc-sys names only some options). A unit test checks it reads v3's default.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// For a command that ends when its work is done: mimalloc keeps the memory it frees for the
/// process's next allocations instead of returning it to the system a second later (a purge,
/// which the next allocation of that memory pays for again with page faults). A first
/// 1,000 × 7 build spent about a second of system time on purges and their page faults
/// (BENCHMARKS.md); its peak memory grows by about a tenth. Not for `serve`, which runs for
/// hours and should give back what a rebuild frees.
fn keep_freed_memory() {
    // SAFETY: mi_option_set takes no pointer and only changes a setting of the allocator, read
    // when it decides whether to purge; called before any other thread is started.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
}

use cli::{COMMAND_HELP, COMMAND_WITH_ARGS_HELP, MAIN_HELP};

/// nianbao：政府信息公开工作年度报告的静态网站生成器。
#[derive(Parser)]
#[command(
    name = "nianbao",
    version,
    about,
    long_about = None,
    help_template = MAIN_HELP,
    override_usage = "nianbao [--root 目录] <命令> [选项]",
    after_help = "运行 nianbao <命令> --help 查看该命令的选项。",
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    subcommand_help_heading = "命令",
    subcommand_value_name = "命令"
)]
struct Cli {
    /// 站点目录（含 content/ 的文件夹），默认为当前目录
    #[arg(long, global = true, value_name = "目录")]
    root: Option<PathBuf>,

    /// 显示帮助
    #[arg(short, long, global = true, action = ArgAction::Help)]
    help: Option<bool>,

    /// 显示版本
    #[arg(short = 'V', long, action = ArgAction::Version)]
    version: Option<bool>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 检查所有机关（或 --agency 指定的机关）、所有年度的数据和正文，草稿年度也检查
    #[command(
        help_template = COMMAND_HELP,
        override_usage = "nianbao check [--agency 代号]... [--format human|json]"
    )]
    Check(cli::check::CheckArgs),
    /// 列出一个年度各机关年报的发布情况：按时发布、逾期发布、草稿、缺失，以及各自的问题数
    #[command(
        help_template = COMMAND_HELP,
        override_usage = "nianbao status [--year 年度] [--agency 代号]... [--format human|json]"
    )]
    Status(cli::status::StatusArgs),
    /// 检查并生成网站，写入 output/（失败时 output/ 保持原样）；草稿年度默认不生成
    #[command(
        help_template = COMMAND_HELP,
        override_usage = "nianbao build [--output 目录] [--agency 代号]... [--drafts] [--base-url 网址] [--force] [--pdf]"
    )]
    Build(cli::build::BuildArgs),
    /// 本地预览：在内存中生成网站并提供访问，修改文件后浏览器自动刷新（不写 output/）
    #[command(help_template = COMMAND_HELP, override_usage = "nianbao serve [选项]")]
    Serve(cli::serve::ServeArgs),
    /// 新建站点：写入 content/site.yaml 和一个机关
    #[command(
        help_template = COMMAND_WITH_ARGS_HELP,
        override_usage = "nianbao init [目录] [--agency 代号] [--name 全称] [--kind 类型]"
    )]
    Init(cli::init::InitArgs),
    /// 在已有站点中新增一个机关：写入 content/<代号>/agency.yaml
    #[command(
        name = "new-agency",
        help_template = COMMAND_WITH_ARGS_HELP,
        override_usage = "nianbao new-agency <代号> --name <全称> [--kind 类型]"
    )]
    NewAgency(cli::new_agency::NewAgencyArgs),
    /// 新建一个报告年度（草稿）：data.yaml（全部官方行，填 0）和 report.md（官方标题）
    #[command(help_template = COMMAND_WITH_ARGS_HELP, override_usage = "nianbao new <机关代号> <年度>")]
    New(cli::new::NewArgs),
    /// 从已发布的年报（网页 .html、文本 .txt）或填好的工作簿（.xlsx）导入一个年度
    #[command(
        help_template = COMMAND_WITH_ARGS_HELP,
        override_usage = "nianbao import <文件> --agency <机关代号> [--year 年度]"
    )]
    Import(cli::import::ImportArgs),
    /// 写出一个年度的 Excel 工作簿（官方表格格式，只有填写处可以改动），供各部门在 Excel 或 WPS 中填写
    #[command(
        help_template = COMMAND_WITH_ARGS_HELP,
        override_usage = "nianbao xlsx <机关代号> <年度> [--output 文件]"
    )]
    Xlsx(cli::xlsx::XlsxArgs),
    /// 写出一个年度的年报 Word 文件（.docx，公文版式，表格为官方格式），供报送或另行发布
    #[command(
        help_template = COMMAND_WITH_ARGS_HELP,
        override_usage = "nianbao word <机关代号> <年度> [--output 文件]"
    )]
    Word(cli::word::WordArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) if err.kind() == ErrorKind::DisplayHelp => {
            let _ = err.print();
            return ExitCode::SUCCESS;
        }
        Err(err) if err.kind() == ErrorKind::DisplayVersion => {
            println!("nianbao {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Err(err) => {
            eprintln!("{}", cli::usage_error(&err));
            return ExitCode::from(2);
        }
    };
    let root = cli.root.unwrap_or_else(|| PathBuf::from("."));
    if !matches!(cli.command, Command::Serve(_)) {
        keep_freed_memory();
    }
    match cli.command {
        Command::Check(args) => args.run(&root),
        Command::Status(args) => args.run(&root),
        Command::Build(args) => args.run(&root),
        Command::Serve(args) => args.run(&root),
        Command::Init(args) => args.run(&root),
        Command::NewAgency(args) => args.run(&root),
        Command::New(args) => args.run(&root),
        Command::Import(args) => args.run(&root),
        Command::Xlsx(args) => args.run(&root),
        Command::Word(args) => args.run(&root),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_purge_delay_option_is_the_one_of_mimalloc_v3() {
        // mimalloc v3's default purge delay is 1000 ms (or what MIMALLOC_PURGE_DELAY says);
        // the options next to it default to 0, 1 or 10, so a wrong place in the enum reads
        // another number.
        let expected = std::env::var("MIMALLOC_PURGE_DELAY")
            .ok()
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(1000);
        // SAFETY: mi_option_get takes no pointer and only reads a setting of the allocator.
        let delay = unsafe { libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY) };
        assert_eq!(delay, expected);
    }
}

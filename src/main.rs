use std::path::PathBuf;
use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{ArgAction, Parser, Subcommand, ValueEnum};

use nianbao::scaffold::{self, InitOptions};
use nianbao::{AgencyKind, render_all, render_json};

/// The help layout, in Chinese.
const MAIN_HELP: &str =
    "{about-with-newline}\n用法：{usage}\n\n命令：\n{subcommands}\n\n选项：\n{options}{after-help}";
const COMMAND_HELP: &str = "{about-with-newline}\n用法：{usage}\n\n选项：\n{options}\n";
const COMMAND_WITH_ARGS_HELP: &str =
    "{about-with-newline}\n用法：{usage}\n\n参数：\n{positionals}\n\n选项：\n{options}\n";

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
    Check {
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
    },
    /// 检查并生成网站，写入 output/（失败时 output/ 保持原样）；草稿年度默认不生成
    #[command(
        help_template = COMMAND_HELP,
        override_usage = "nianbao build [--output 目录] [--agency 代号]... [--drafts] [--base-url 网址] [--force]"
    )]
    Build {
        /// 输出目录，默认为站点目录下的 output；只能是不存在的、空的或 nianbao 生成过的文件夹
        #[arg(long, value_name = "目录")]
        output: Option<PathBuf>,
        /// 只生成这个机关（content/ 下的文件夹名）；可以写多次。首页、网站地图和订阅只列出这些机关
        #[arg(long = "agency", value_name = "代号")]
        agencies: Vec<String>,
        /// 也生成草稿年度（published: draft），每个相关页面上标明“草稿（未发布）”，供审阅；不列入网站地图和订阅
        #[arg(long)]
        drafts: bool,
        /// 输出目录中有不是 nianbao 写入的文件时，仍然整体替换（删除这些文件）
        #[arg(long)]
        force: bool,
        /// 网站发布后的地址（只用于规范链接、网站地图和订阅），覆盖 site.yaml 的 base_url
        #[arg(long, value_name = "网址")]
        base_url: Option<String>,
    },
    /// 本地预览：在内存中生成网站并提供访问，修改文件后浏览器自动刷新（不写 output/）
    #[command(help_template = COMMAND_HELP, override_usage = "nianbao serve [选项]")]
    Serve {
        /// 端口；默认 1111，被占用时自动改用下一个空闲端口
        #[arg(long, value_name = "端口")]
        port: Option<u16>,
        /// 监听的地址；默认 127.0.0.1，只允许本机访问
        #[arg(
            long,
            default_value = "127.0.0.1",
            hide_default_value = true,
            value_name = "地址"
        )]
        interface: std::net::IpAddr,
        /// 网站在门户中的子路径，如 /zwgk/ndbg/；默认 /
        #[arg(
            long,
            default_value = "/",
            hide_default_value = true,
            value_name = "路径"
        )]
        base_path: String,
        /// 定时轮询文件变化（网络盘、容器、WSL 中收不到文件事件时使用）
        #[arg(long)]
        poll: bool,
        /// 文件变化后等待多少毫秒再重新生成；默认 50
        #[arg(
            long,
            default_value_t = 50,
            hide_default_value = true,
            value_name = "毫秒"
        )]
        debounce: u64,
        /// 启动后用浏览器打开
        #[arg(long)]
        open: bool,
        /// 只预览这个机关（content/ 下的文件夹名）；可以写多次
        #[arg(long = "agency", value_name = "代号")]
        agencies: Vec<String>,
    },
    /// 新建站点：写入 content/site.yaml 和一个机关
    #[command(help_template = COMMAND_WITH_ARGS_HELP, override_usage = "nianbao init [目录] [--agency 代号] [--name 全称] [--kind 类型]")]
    Init {
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
        /// 机关类型：department（政府部门）、street_office（街道办事处，默认）、town（乡镇）、government（人民政府本行政区域年报）
        #[arg(
            long,
            default_value = "street_office",
            hide_default_value = true,
            value_name = "类型"
        )]
        kind: String,
    },
    /// 在已有站点中新增一个机关：写入 content/<代号>/agency.yaml
    #[command(
        name = "new-agency",
        help_template = COMMAND_WITH_ARGS_HELP,
        override_usage = "nianbao new-agency <代号> --name <全称> [--kind 类型]"
    )]
    NewAgency {
        /// 机关代号（文件夹名），只用小写英文字母、数字和连字符，如 dongcheng
        #[arg(value_name = "代号")]
        agency: String,
        /// 机关全称，与年报标题一致，如 某某区人民政府东城街道办事处
        #[arg(long, value_name = "全称")]
        name: String,
        /// 机关类型：department（政府部门）、street_office（街道办事处，默认）、town（乡镇）、government（人民政府本行政区域年报）
        #[arg(
            long,
            default_value = "street_office",
            hide_default_value = true,
            value_name = "类型"
        )]
        kind: String,
    },
    /// 新建一个报告年度（草稿）：data.yaml（全部官方行，填 0）和 report.md（官方标题）
    #[command(help_template = COMMAND_WITH_ARGS_HELP, override_usage = "nianbao new <机关代号> <年度>")]
    New {
        /// 机关代号（content/ 下的文件夹名）
        #[arg(value_name = "机关代号")]
        agency: String,
        /// 报告年度，如 2025
        #[arg(value_name = "年度")]
        year: u16,
    },
    /// 从已发布的年报（网页 .html、文本 .txt）或填好的工作簿（.xlsx）导入一个年度
    #[command(
        help_template = COMMAND_WITH_ARGS_HELP,
        override_usage = "nianbao import <文件> --agency <机关代号> [--year 年度]"
    )]
    Import {
        /// 年报文件：门户网站上另存的网页（.html）、从 PDF 或网页复制出的文本（.txt），或 nianbao xlsx 写出、填好的工作簿（.xlsx）
        #[arg(value_name = "文件")]
        file: PathBuf,
        /// 导入到这个机关（content/ 下的文件夹名）
        #[arg(long, value_name = "机关代号")]
        agency: String,
        /// 报告年度；默认从年报标题中读出
        #[arg(long, value_name = "年度")]
        year: Option<u16>,
    },
    /// 写出一个年度的 Excel 工作簿（官方表格格式，只有填写处可以改动），供各部门在 Excel 或 WPS 中填写
    #[command(
        help_template = COMMAND_WITH_ARGS_HELP,
        override_usage = "nianbao xlsx <机关代号> <年度> [--output 文件]"
    )]
    Xlsx {
        /// 机关代号（content/ 下的文件夹名）
        #[arg(value_name = "机关代号")]
        agency: String,
        /// 报告年度，如 2025
        #[arg(value_name = "年度")]
        year: u16,
        /// 写到这个文件；默认为当前目录下的 <机关代号>-<年度>.xlsx（已有的文件不会被覆盖）
        #[arg(long, value_name = "文件")]
        output: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
}

/// A command-line mistake, told in Chinese (clap's own messages are English).
fn usage_error(err: &clap::Error) -> String {
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
            eprintln!("{}", usage_error(&err));
            return ExitCode::from(2);
        }
    };
    let root = cli.root.clone().unwrap_or_else(|| PathBuf::from("."));
    match cli.command {
        Command::Check { agencies, format } => check(&root, &agencies, format),
        Command::Build {
            output,
            agencies,
            drafts,
            force,
            base_url,
        } => {
            let output = output.unwrap_or_else(|| root.join("output"));
            let options = nianbao::Options {
                base_url,
                agencies,
                drafts,
                force,
                ..Default::default()
            };
            build(&root, &output, &options)
        }
        Command::NewAgency { agency, name, kind } => new_agency(&root, agency, name, &kind),
        Command::Init {
            dir,
            agency,
            name,
            kind,
        } => init(dir.unwrap_or(root), agency, name, &kind),
        Command::New { agency, year } => new(&root, &agency, year),
        Command::Import { file, agency, year } => import(&root, &file, &agency, year),
        Command::Xlsx {
            agency,
            year,
            output,
        } => xlsx(&root, &agency, year, output),
        Command::Serve {
            port,
            interface,
            base_path,
            poll,
            debounce,
            open,
            agencies,
        } => {
            let options = nianbao::serve::ServeOptions {
                root,
                interface,
                port: port.unwrap_or(1111),
                port_given: port.is_some(),
                base_path: nianbao::serve::normalise_base_path(&base_path),
                poll,
                debounce: std::time::Duration::from_millis(debounce),
                open,
                agencies,
            };
            match nianbao::serve::serve(options) {
                Ok(()) => ExitCode::SUCCESS,
                Err(err) => {
                    eprintln!("错误：{err}");
                    ExitCode::from(2)
                }
            }
        }
    }
}

fn check(root: &std::path::Path, agencies: &[String], format: Format) -> ExitCode {
    let checked = match nianbao::load_and_check_agencies(root, agencies) {
        Ok(checked) => checked,
        Err(fatal) => {
            eprintln!("错误：{fatal}");
            return ExitCode::from(2);
        }
    };
    match format {
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

fn build(root: &std::path::Path, output: &std::path::Path, options: &nianbao::Options) -> ExitCode {
    if let Some(url) = &options.base_url
        && let Some(problem) = nianbao::base_url_problem(url)
    {
        eprintln!(
            "错误：--base-url 的值 {} 无效：网站地址{problem}。\n用法：nianbao build [--output 目录] [--base-url 网址]，如 --base-url https://www.example.gov.cn/zwgk/ndbg/",
            nianbao::terminal_safe(url)
        );
        return ExitCode::from(2);
    }
    match nianbao::build(root, output, options) {
        Ok(report) => {
            let warnings: Vec<_> = report
                .checked
                .diagnostics
                .iter()
                .filter(|d| d.acknowledged.is_none() && (options.drafts || !d.draft))
                .cloned()
                .collect();
            if !warnings.is_empty() {
                eprint!("{}", render_all(&warnings, &report.checked.summary));
            }
            for stale in &report.stale_removed {
                println!("已删除上次中断的生成留下的临时文件夹 {}", stale.display());
            }
            let site = &report.checked.site;
            println!(
                "已生成网站：{} 个机关、{} 个年度，{} 个页面（共 {} 个文件），用时 {} 毫秒，写入 {}",
                site.agencies.len(),
                site.year_count(),
                report.pages,
                report.files,
                report.elapsed.as_millis(),
                output.display()
            );
            if !options.agencies.is_empty() {
                println!(
                    "只生成了机关 {}：首页、网站地图和订阅只列出这些机关（更新整个门户请运行不带 --agency 的 nianbao build）。",
                    options.agencies.join("、")
                );
            }
            if options.drafts && site.draft_years().next().is_some() {
                println!(
                    "含草稿（未发布）年度，页面上标有“草稿（未发布）”：这份网站只供审阅，不要发布。"
                );
            }
            if !report.drafts_left_out.is_empty() {
                let drafts: Vec<String> = report
                    .drafts_left_out
                    .iter()
                    .map(|(slug, year)| format!("{slug} {year} 年度"))
                    .collect();
                println!(
                    "草稿（未发布）没有生成：{}。要生成带“草稿”标记的预览，加 --drafts。",
                    drafts.join("、")
                );
            }
            for notice in &report.notices {
                println!("注意：{notice}");
            }
            ExitCode::SUCCESS
        }
        Err(nianbao::BuildError::Check(checked)) => {
            let shown: Vec<_> = checked
                .diagnostics
                .iter()
                .filter(|d| options.drafts || !d.draft)
                .cloned()
                .collect();
            eprint!("{}", render_all(&shown, &checked.summary));
            eprintln!(
                "有未确认的错误，没有生成网站；{} 保持原样。",
                output.display()
            );
            ExitCode::from(1)
        }
        Err(err @ nianbao::BuildError::Theme(_)) => {
            eprintln!("错误：{err}；{} 保持原样。", output.display());
            ExitCode::from(1)
        }
        Err(err) => {
            eprintln!("错误：{err}");
            ExitCode::from(2)
        }
    }
}

/// The agency kind named on the command line, or the message that lists the choices.
fn agency_kind(kind: &str) -> Result<AgencyKind, ExitCode> {
    AgencyKind::from_key(kind).ok_or_else(|| {
        let kinds: Vec<String> = AgencyKind::ALL
            .iter()
            .map(|k| format!("{}（{}）", k.key(), k.label()))
            .collect();
        eprintln!("错误：机关类型 {kind} 无效，可选：{}", kinds.join("、"));
        ExitCode::from(2)
    })
}

fn new_agency(root: &std::path::Path, slug: String, name: String, kind: &str) -> ExitCode {
    let kind = match agency_kind(kind) {
        Ok(kind) => kind,
        Err(code) => return code,
    };
    match scaffold::new_agency(
        root,
        &InitOptions {
            slug: slug.clone(),
            name,
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
        Err(err) => {
            eprintln!("错误：{err}");
            ExitCode::from(2)
        }
    }
}

fn init(dir: PathBuf, slug: String, name: String, kind: &str) -> ExitCode {
    let kind = match agency_kind(kind) {
        Ok(kind) => kind,
        Err(code) => return code,
    };
    match scaffold::init(
        &dir,
        &InitOptions {
            slug: slug.clone(),
            name,
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
        Err(err) => {
            eprintln!("错误：{err}");
            ExitCode::from(2)
        }
    }
}

/// The site and one of its agencies, or the message that names the agencies there are.
fn site_agency(root: &std::path::Path, slug: &str) -> Result<(nianbao::Loaded, usize), ExitCode> {
    let loaded = match nianbao::load_site(root) {
        Ok(loaded) => loaded,
        Err(fatal) => {
            eprintln!("错误：{fatal}");
            return Err(ExitCode::from(2));
        }
    };
    let Some(index) = loaded.site.agencies.iter().position(|a| a.slug == slug) else {
        let known: Vec<&str> = loaded
            .site
            .agencies
            .iter()
            .map(|a| a.slug.as_str())
            .collect();
        eprintln!(
            "错误：没有机关 {slug}（content/{slug}/agency.yaml）。现有机关：{}。\n要新增这个机关，先运行：nianbao new-agency {slug} --name <机关全称> --kind <类型>",
            if known.is_empty() {
                "无".to_string()
            } else {
                known.join("、")
            }
        );
        return Err(ExitCode::from(2));
    };
    Ok((loaded, index))
}

fn new(root: &std::path::Path, slug: &str, year: u16) -> ExitCode {
    let (loaded, index) = match site_agency(root, slug) {
        Ok(found) => found,
        Err(code) => return code,
    };
    let agency = &loaded.site.agencies[index];
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
        Err(err) => {
            eprintln!("错误：{err}");
            ExitCode::from(2)
        }
    }
}

fn import(
    root: &std::path::Path,
    file: &std::path::Path,
    slug: &str,
    year: Option<u16>,
) -> ExitCode {
    let (loaded, index) = match site_agency(root, slug) {
        Ok(found) => found,
        Err(code) => return code,
    };
    let agency = &loaded.site.agencies[index];
    let (files, report) = match nianbao::import::import(&agency.dir, &agency.name, file, year) {
        Ok(done) => done,
        Err(err) => {
            eprintln!("错误：{err}");
            return ExitCode::from(2);
        }
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
        Err(fatal) => {
            eprintln!("错误：{fatal}");
            return ExitCode::from(2);
        }
    };
    let year_dir = std::path::Path::new(&agency.slug).join(report.year.to_string());
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

fn xlsx(root: &std::path::Path, slug: &str, year: u16, output: Option<PathBuf>) -> ExitCode {
    let (loaded, index) = match site_agency(root, slug) {
        Ok(found) => found,
        Err(code) => return code,
    };
    let agency = &loaded.site.agencies[index];
    let output = output.unwrap_or_else(|| PathBuf::from(format!("{slug}-{year}.xlsx")));
    if output.exists() {
        eprintln!(
            "错误：{} 已存在，没有改动它。请换一个文件名（--output），或先自行移走这个文件。",
            output.display()
        );
        return ExitCode::from(2);
    }
    let previous = year.checked_sub(1).and_then(|p| agency.year(p));
    let bytes =
        match nianbao::import::xlsx::fill_in(&agency.name, year, agency.year(year), previous) {
            Ok(bytes) => bytes,
            Err(err) => {
                eprintln!("错误：{err}");
                return ExitCode::from(2);
            }
        };
    if let Err(err) = std::fs::write(&output, bytes) {
        eprintln!("错误：无法写入 {}：{err}", output.display());
        return ExitCode::from(2);
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

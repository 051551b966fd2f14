//! `nianbao build`: check, then write the site into output/ (left as it was on failure).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use nianbao::render_all;

use super::fail;

#[derive(Args)]
pub(crate) struct BuildArgs {
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
    /// 同时用 LibreOffice 把每个年度的 Word 文件转成 PDF（未改动的年度沿用上次生成的 PDF）；找不到 LibreOffice 时照常生成网站，并给出提示
    #[arg(long)]
    pdf: bool,
}

impl BuildArgs {
    pub(crate) fn run(self, root: &Path) -> ExitCode {
        let output = self.output.unwrap_or_else(|| root.join("output"));
        let options = nianbao::Options {
            base_url: self.base_url,
            agencies: self.agencies,
            drafts: self.drafts,
            force: self.force,
            pdf: self.pdf,
            ..Default::default()
        };
        build(root, &output, &options)
    }
}

fn build(root: &Path, output: &Path, options: &nianbao::Options) -> ExitCode {
    if let Some(url) = &options.base_url
        && let Some(problem) = nianbao::base_url_problem(url)
    {
        return fail(format!(
            "--base-url 的值 {} 无效：网站地址{problem}。\n用法：nianbao build [--output 目录] [--base-url 网址]，如 --base-url https://www.example.gov.cn/zwgk/ndbg/",
            nianbao::terminal_safe(url)
        ));
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
            if report.kept > 0 {
                println!(
                    "其中 {} 个文件是新的或有变化，已写入；{} 个与上次生成的完全相同，原样保留（修改时间不变，同步或上传时会跳过）。",
                    report.files - report.kept,
                    report.kept
                );
            } else if options.force && !report.first {
                println!(
                    "加了 --force：原来的文件夹整体替换，{} 个文件全部重新写入（不沿用其中任何文件）。",
                    report.files
                );
            } else if report.first {
                println!(
                    "这是第一次生成到这个文件夹，{} 个文件都是新写入的。",
                    report.files
                );
            } else {
                println!(
                    "{} 个文件全部写入（没有与上次生成完全相同、可以保留的文件）。",
                    report.files
                );
            }
            if let Some(indexed) = report.search {
                println!("{}", search_message(&indexed));
            }
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
        Err(err) => fail(err),
    }
}

/// What build says about the search index: how many report years were indexed anew and how many
/// kept from the previous output.
fn search_message(indexed: &nianbao::Indexed) -> String {
    let nianbao::Indexed {
        reports,
        years_built,
        reports_built,
        years_kept,
    } = *indexed;
    match (years_built, years_kept) {
        (0, 0) => "站内搜索索引：还没有可以收录的年报。".to_string(),
        (0, kept) => format!(
            "站内搜索索引：{kept} 个年度的索引都沿用上次生成的（{reports} 篇年报的标题和正文都没有变化，不需要重新建立）。"
        ),
        (built, 0) => {
            format!("站内搜索索引：已建立，收录 {reports} 篇年报，按年度分为 {built} 个索引。")
        }
        (built, kept) => format!(
            "站内搜索索引：{built} 个年度有年报的标题或正文变了，重新建立了这些年度的索引（{reports_built} 篇年报），沿用了其他 {kept} 个年度的索引；共收录 {reports} 篇年报。"
        ),
    }
}

//! Publishing safely: the output folder nianbao owns, draft years, one agency at a time, adding
//! an agency. The real binary, run the way a clerk runs it.

mod common;

use std::path::{Path, PathBuf};

use common::{FINISHED_REPORT, Site, drafts_site, run_in, tree, with_code};

fn text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Every file of the output folder, relative, with `/`.
fn output_files(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect()
}

/// A site at `<tmp>/site` (the valid fixture, with its own templates/ and themes/), beside a
/// document and a folder of someone's files, so that the site's parent can be checked whole.
struct Nested {
    tmp: tempfile::TempDir,
}

impl Nested {
    fn new() -> Nested {
        let fixture = Site::fixture("valid");
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        std::fs::create_dir_all(&site).unwrap();
        std::fs::rename(fixture.path("content"), site.join("content")).unwrap();
        let write = |rel: &str, bytes: &[u8]| {
            let path = tmp.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        };
        write("site/templates/404.html", b"{% extends \"base.html\" %}");
        write("site/themes/plain/templates/index.html", b"<p>plain</p>");
        write("site/.git/HEAD", b"ref: refs/heads/main\n");
        write("site/report-2024.docx", b"PK\x03\x04 not really a docx");
        write("desk/notes.txt", "栏目说明".as_bytes());
        write("desk/other-column/index.html", b"<html>other column</html>");
        for i in 1..=6 {
            write(&format!("desk/photos/{i}.jpg"), b"\xff\xd8\xff");
        }
        Nested { tmp }
    }

    fn site(&self) -> PathBuf {
        self.tmp.path().join("site")
    }
}

#[test]
fn build_refuses_every_folder_it_does_not_own() {
    let nested = Nested::new();
    let before = tree(nested.tmp.path());
    let mut cases: Vec<(&str, &str)> = vec![
        ("content", "content/ 文件夹"),
        ("templates", "templates/ 文件夹"),
        ("themes", "themes/ 文件夹"),
        ("content/shili", "content/ 文件夹中的文件夹"),
        ("themes/plain/templates", "themes/ 文件夹中的文件夹"),
        (".", "站点目录本身"),
        ("./", "站点目录本身"),
        ("..", "包含站点目录"),
        ("../desk/..", "包含站点目录"),
        ("output/../content", "content/ 文件夹"),
        ("report-2024.docx", "是一个文件"),
        ("../desk", "不是空的，也不是 nianbao 生成的"),
        ("../desk/other-column", "不是空的，也不是 nianbao 生成的"),
    ];
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(nested.site().join("content"), nested.site().join("data"))
            .unwrap();
        cases.push(("data", "content/ 文件夹"));
    }
    let before = if cfg!(unix) {
        tree(nested.tmp.path())
    } else {
        before
    };
    for (output, why) in cases {
        let out = run_in(&nested.site(), &["build", "--output", output]);
        let message = text(&out);
        assert_eq!(out.status.code(), Some(2), "--output {output}: {message}");
        assert!(
            message.contains(&format!("不能把网站写入 {output}")),
            "--output {output} names the folder: {message}"
        );
        assert!(message.contains(why), "--output {output}: {message}");
        assert!(message.contains("没有改动任何文件"), "{message}");
        assert!(!message.contains("已生成网站"), "{message}");
        assert_eq!(
            tree(nested.tmp.path()),
            before,
            "--output {output} changed files"
        );
    }
    // --force is offered for a folder of someone's files, and only there.
    let out = run_in(&nested.site(), &["build", "--output", "../desk"]);
    assert!(text(&out).contains("--force"));
    assert!(text(&out).contains("notes.txt"));
    // Six or more are shown as five and 等.
    assert!(text(&out).contains("photos/3.jpg 等"), "{}", text(&out));
    // --force never overrides the site's own folders or a file.
    for output in ["content", ".", "..", "report-2024.docx"] {
        let out = run_in(&nested.site(), &["build", "--force", "--output", output]);
        assert_eq!(out.status.code(), Some(2), "--force --output {output}");
        assert_eq!(tree(nested.tmp.path()), before);
    }
}

#[test]
fn output_nianbao_wrote_is_replaced_and_foreign_files_are_kept() {
    let nested = Nested::new();
    let site = nested.site();
    let out = run_in(
        &site,
        &["build", "--base-url", "https://www.example.gov.cn/"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let marker = std::fs::read_to_string(site.join("output/.nianbao-output")).unwrap();
    assert!(marker.starts_with("# nianbao 生成的网站文件夹"));
    // Each file with the hash of its bytes (what a rebuild compares to keep unchanged files).
    assert!(
        marker
            .lines()
            .any(|l| l.starts_with("shili/2022/index.html\t") && l.len() == 21 + 1 + 32)
    );
    // The marker is not a page of the site.
    assert!(
        !std::fs::read_to_string(site.join("output/sitemap.xml"))
            .unwrap()
            .contains(".nianbao-output")
    );
    // A second build replaces the folder nianbao wrote.
    let out = run_in(&site, &["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    // Someone saves a file into output/: the next build keeps it and says so.
    std::fs::write(site.join("output/shili/领导批注.txt"), "请修改第三部分").unwrap();
    let before = tree(nested.tmp.path());
    let out = run_in(&site, &["build"]);
    let message = text(&out);
    assert_eq!(out.status.code(), Some(2), "{message}");
    assert!(message.contains("不能把网站写入"), "{message}");
    assert!(message.contains("shili/领导批注.txt"), "{message}");
    assert!(message.contains("--force"), "{message}");
    assert_eq!(tree(nested.tmp.path()), before);

    // With --force, the folder is replaced as asked.
    let out = run_in(&site, &["build", "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(!site.join("output/shili/领导批注.txt").exists());

    // An empty folder and a folder that does not exist yet are fine.
    std::fs::create_dir_all(nested.tmp.path().join("empty")).unwrap();
    for output in ["../empty", "../new/deeper"] {
        let out = run_in(&site, &["build", "--output", output]);
        assert_eq!(out.status.code(), Some(0), "{output}: {}", text(&out));
        assert!(site.join(output).join("index.html").is_file());
    }
}

#[test]
fn staging_folders_of_killed_builds_are_removed_and_nothing_else() {
    let nested = Nested::new();
    let site = nested.site();
    assert_eq!(run_in(&site, &["build"]).status.code(), Some(0));
    let marker = std::fs::read_to_string(site.join("output/.nianbao-output")).unwrap();
    let header = marker.lines().next().unwrap().to_string();
    // What `kill -9` leaves: a half-written staging folder and a retired output, both marked
    // (process ids above the largest Linux allows, so no running build owns them).
    for (name, marked) in [
        (".output.nianbao-new-4194999", true),
        (".output.nianbao-old-4194998", true),
        // Not nianbao's: no marker, a name that only looks alike, another output's folder.
        (".output.nianbao-new-4194997", false),
        (".output.nianbao-new-abc", true),
        (".other.nianbao-new-4194996", true),
        ("output.nianbao-new-4194995", true),
    ] {
        let dir = site.join(name);
        std::fs::create_dir_all(dir.join("shili")).unwrap();
        std::fs::write(dir.join("shili/index.html"), "半成品").unwrap();
        if marked {
            std::fs::write(dir.join(".nianbao-output"), format!("{header}\n")).unwrap();
        }
    }
    let kept: Vec<_> = [
        ".output.nianbao-new-4194997",
        ".output.nianbao-new-abc",
        ".other.nianbao-new-4194996",
        "output.nianbao-new-4194995",
    ]
    .iter()
    .map(|n| (n.to_string(), tree(&site.join(n))))
    .collect();
    let out = run_in(&site, &["build"]);
    let message = text(&out);
    assert_eq!(out.status.code(), Some(0), "{message}");
    assert!(!site.join(".output.nianbao-new-4194999").exists());
    assert!(!site.join(".output.nianbao-old-4194998").exists());
    assert!(
        message.contains("已删除上次中断的生成留下的临时文件夹"),
        "{message}"
    );
    assert!(message.contains(".output.nianbao-new-4194999"), "{message}");
    for (name, files) in kept {
        assert_eq!(tree(&site.join(&name)), files, "{name} must stay");
    }
    // The build itself leaves nothing beside the output.
    let mut leftovers: Vec<String> = std::fs::read_dir(&site)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with(".output."))
        .collect();
    leftovers.sort();
    assert_eq!(
        leftovers,
        [".output.nianbao-new-4194997", ".output.nianbao-new-abc"]
    );
}

#[test]
fn drafts_are_left_out_of_build_and_shown_with_banners_by_build_drafts() {
    let site = drafts_site();
    // check: drafts are checked and named as drafts; they do not fail the check.
    let (code, diagnostics) = site.check();
    assert_eq!(code, 0, "{diagnostics:#?}");
    assert!(!diagnostics.is_empty());
    for d in &diagnostics {
        let file = d["file"].as_str().unwrap();
        assert!(file.starts_with("content/a/"), "{d:#?}");
        assert_eq!(d["draft"], true, "{d:#?}");
    }
    let (code, human) = site.check_human();
    assert_eq!(code, 0);
    assert!(human.contains("[D007]（草稿）"), "{human}");
    assert!(human.contains("其中 2 个草稿"), "{human}");
    assert!(
        human.contains("草稿（未发布）：a 2024 年度、a 2025 年度"),
        "{human}"
    );

    // build: the second agency only, nothing of A anywhere.
    let out = site.run(&["build"]);
    let message = text(&out);
    assert_eq!(out.status.code(), Some(0), "{message}");
    assert!(
        message.contains("草稿（未发布）没有生成：a 2024 年度、a 2025 年度"),
        "{message}"
    );
    assert!(
        !message.contains("D007"),
        "draft warnings stay out of build: {message}"
    );
    let output = site.path("output");
    let files = output_files(&output);
    assert!(
        files.contains(&"b/2024/index.html".to_string()),
        "{files:?}"
    );
    assert!(files.iter().all(|f| !f.starts_with("a/")), "{files:?}");
    for file in &files {
        let content =
            String::from_utf8_lossy(&std::fs::read(output.join(file)).unwrap()).to_string();
        for leak in ["\"a/", "/a/", "草稿"] {
            assert!(!content.contains(leak), "{file} contains {leak}");
        }
    }

    // build --drafts: A with a banner on every page it appears on; still out of sitemap and feed.
    // (A base URL, so that the sitemap is written: its addresses must be absolute.)
    let out = site.run(&[
        "build",
        "--drafts",
        "--base-url",
        "https://www.example.gov.cn/",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let files = output_files(&output);
    let banner = "<p class=\"draft-banner\" role=\"note\"><strong>草稿（未发布）</strong>";
    for page in [
        "index.html",
        "a/index.html",
        "a/2024/index.html",
        "a/2025/index.html",
        "a/2025/compare.html",
        "a/metrics/requests.html",
    ] {
        assert!(files.contains(&page.to_string()), "{page} in {files:?}");
        let html = std::fs::read_to_string(output.join(page)).unwrap();
        assert!(html.contains(banner), "{page} has the banner");
    }
    for page in files
        .iter()
        .filter(|f| f.starts_with("a/") && f.ends_with(".html"))
    {
        let html = std::fs::read_to_string(output.join(page)).unwrap();
        assert!(html.contains(banner), "{page} has the banner");
    }
    let agency_page = std::fs::read_to_string(output.join("a/index.html")).unwrap();
    assert_eq!(agency_page.matches("class=\"draft-tag\"").count(), 2);
    assert_eq!(agency_page.matches("<td>草稿（未发布）</td>").count(), 2);
    assert_eq!(agency_page.matches("<td>尚未发布</td>").count(), 2);
    let front = std::fs::read_to_string(output.join("index.html")).unwrap();
    assert!(front.contains("2025年度年报</a> <strong class=\"draft-tag\">草稿（未发布）"));
    // The published agency's own pages carry no banner.
    let b = std::fs::read_to_string(output.join("b/2024/index.html")).unwrap();
    assert!(!b.contains("draft-banner"));
    let sitemap = std::fs::read_to_string(output.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("b/2024/index.html"));
    assert!(!sitemap.contains("a/"), "{sitemap}");
    let atom = std::fs::read_to_string(output.join("atom.xml")).unwrap();
    assert!(atom.contains("某某区人民政府2024年"));
    assert!(!atom.contains("urn:nianbao:a:"), "{atom}");
    assert_eq!(atom.matches("<entry>").count(), 1, "{atom}");
}

#[test]
fn a_draft_never_leaks_into_the_published_years_pages() {
    let site = Site::fixture("valid");
    const Y2022: &str = "content/shili/2022/data.yaml";
    site.replace(Y2022, "published: 2023-01-16", "published: draft");
    // The draft's carried-in figure no longer matches 2021: reported on the draft.
    let data = site.read(Y2022);
    let line = data
        .lines()
        .find(|l| l.trim_start().starts_with("carried_in:"))
        .unwrap()
        .to_string();
    site.replace(Y2022, &line, "  carried_in: [9, 0, 0, 0, 0, 0, 9]");
    let (code, diagnostics) = site.check();
    assert_eq!(code, 0, "{diagnostics:#?}");
    let cross_year = with_code(&diagnostics, "Y001");
    assert!(!cross_year.is_empty(), "{diagnostics:#?}");
    for d in cross_year {
        assert_eq!(d["file"], Y2022);
        assert_eq!(d["draft"], true);
    }

    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let output = site.path("output");
    let files = output_files(&output);
    assert!(files.contains(&"shili/2021/index.html".to_string()));
    assert!(
        files.iter().all(|f| !f.starts_with("shili/2022/")),
        "{files:?}"
    );
    for file in &files {
        let content =
            String::from_utf8_lossy(&std::fs::read(output.join(file)).unwrap()).to_string();
        for leak in [
            "2022年度",
            "y2022",
            "2022/index.html",
            ",2022,",
            "\"year\":2022",
        ] {
            assert!(!content.contains(leak), "{file} contains {leak}");
        }
    }
}

#[test]
fn guidance_text_is_an_error_in_a_published_year_and_a_warning_in_a_draft() {
    let site = Site::fixture("valid");
    const REPORT: &str = "content/shili/2022/report.md";
    let report = site.read(REPORT);
    site.write(
        REPORT,
        report.replacen(
            "## 五、",
            "（填写说明：如实说明上一年度年报所提问题的整改情况。）\n\n## 五、",
            1,
        ),
    );
    let (code, diagnostics) = site.check();
    assert_eq!(code, 1);
    let d = common::only(&diagnostics, "D007");
    assert_eq!(d["severity"], "error");
    assert!(d["draft"].is_null());
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("错误[D007]"));
    assert!(!site.path("output").exists());

    site.replace(
        "content/shili/2022/data.yaml",
        "published: 2023-01-16",
        "published: draft",
    );
    let (code, diagnostics) = site.check();
    assert_eq!(code, 0);
    let d = common::only(&diagnostics, "D007");
    assert_eq!(d["severity"], "warning");
    assert_eq!(d["draft"], true);
    assert_eq!(site.run(&["build"]).status.code(), Some(0));
}

#[test]
fn a_broken_draft_does_not_stop_the_other_years_or_agencies() {
    let site = drafts_site();
    // Half-typed YAML in a draft: the year cannot even be read.
    let data = site.read("content/a/2025/data.yaml");
    site.write(
        "content/a/2025/data.yaml",
        data.replacen("received: [", "received: [[", 1),
    );
    let (code, diagnostics) = site.check();
    assert_eq!(code, 0, "{diagnostics:#?}");
    let d = common::only(&diagnostics, "L001");
    assert_eq!(d["draft"], true);
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(site.path("output/b/2024/index.html").is_file());
}

#[test]
fn one_agency_at_a_time() {
    let site = drafts_site();
    // A third agency with a published report that still has guidance text (an error).
    let out = site.run(&[
        "new-agency",
        "c",
        "--name",
        "某某区某某局",
        "--kind",
        "department",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(site.run(&["new", "c", "2024"]).status.code(), Some(0));
    site.replace(
        "content/c/2024/data.yaml",
        "published: draft",
        "published: 2025-01-20",
    );
    let (code, _) = site.check();
    assert_eq!(code, 1, "c's published year has guidance text");
    assert_eq!(site.run(&["build"]).status.code(), Some(1));

    // b's office checks and builds its own reports all the same.
    let out = site.run(&["check", "--agency", "b"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("检查了 1 个机关的 1 个年度"),
        "{}",
        text(&out)
    );
    let out = site.run(&["check", "--agency", "b", "--agency", "c"]);
    assert_eq!(out.status.code(), Some(1));
    let out = site.run(&[
        "build",
        "--agency",
        "b",
        "--base-url",
        "https://www.example.gov.cn/",
    ]);
    let message = text(&out);
    assert_eq!(out.status.code(), Some(0), "{message}");
    assert!(message.contains("只生成了机关 b"), "{message}");
    let files = output_files(&site.path("output"));
    assert!(
        files
            .iter()
            .all(|f| !f.starts_with("a/") && !f.starts_with("c/"))
    );
    let front = site.read("output/index.html");
    assert!(!front.contains("某某区某某局"));
    let sitemap = site.read("output/sitemap.xml");
    assert!(sitemap.contains("b/2024/index.html") && !sitemap.contains("c/"));

    // An agency that does not exist is named, with the ones that do and how to add one.
    let before = tree(site.root());
    for command in ["check", "build", "serve"] {
        let out = site.run(&[command, "--agency", "zz"]);
        let message = text(&out);
        assert_eq!(out.status.code(), Some(2), "{command}: {message}");
        assert!(message.contains("没有机关 zz"), "{message}");
        assert!(message.contains("现有机关：a、b、c"), "{message}");
        assert!(message.contains("nianbao new-agency"), "{message}");
    }
    assert_eq!(tree(site.root()), before);
}

#[test]
fn adding_an_agency_to_an_existing_site() {
    let site = Site::fixture("valid");
    // new on an unknown agency names the command that adds one.
    let out = site.run(&["new", "dongcheng", "2024"]);
    let message = text(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(message.contains("没有机关 dongcheng"), "{message}");
    assert!(
        message.contains("nianbao new-agency dongcheng --name"),
        "{message}"
    );
    // init in a site says so too.
    let out = site.run(&["init", "--agency", "dongcheng"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("nianbao new-agency"), "{}", text(&out));

    let out = site.run(&[
        "new-agency",
        "dongcheng",
        "--name",
        "某某区人民政府东城街道办事处",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("nianbao new dongcheng <年度>"));
    let agency = site.read("content/dongcheng/agency.yaml");
    assert!(agency.contains("name: 某某区人民政府东城街道办事处"));
    assert!(agency.contains("kind: street_office"));
    let out = site.run(&["new", "dongcheng", "2024"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        site.read("content/dongcheng/2024/data.yaml")
            .contains("published: draft")
    );
    site.replace(
        "content/dongcheng/2024/data.yaml",
        "published: draft",
        "published: 2025-01-15",
    );
    site.write("content/dongcheng/2024/report.md", FINISHED_REPORT);
    let (code, diagnostics) = site.check();
    assert_eq!(code, 0, "{diagnostics:#?}");
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(site.path("output/dongcheng/2024/index.html").is_file());
    assert!(site.path("output/shili/2022/index.html").is_file());

    // Refusals change nothing: an existing agency, a bad code, a bad kind, outside a site.
    let before = tree(site.root());
    for args in [
        &["new-agency", "shili", "--name", "重复"][..],
        &["new-agency", "Dong Cheng", "--name", "某某"],
        &[
            "new-agency",
            "xicheng",
            "--name",
            "某某",
            "--kind",
            "street",
        ],
    ] {
        let out = site.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
        assert!(text(&out).starts_with("错误："), "{}", text(&out));
    }
    assert_eq!(tree(site.root()), before);
    let empty = tempfile::tempdir().unwrap();
    let out = run_in(empty.path(), &["new-agency", "x", "--name", "某某"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("不是 nianbao 站点"));
    assert_eq!(std::fs::read_dir(empty.path()).unwrap().count(), 0);
}

/// Every `nianbao …` line of README's shell examples runs as written in a copy of the example site
/// (the installed command is the binary under test; `serve` is started and stopped).
#[test]
fn readme_examples_run_as_written() {
    let readme = std::fs::read_to_string(common::repo().join("README.md")).unwrap();
    let mut commands = Vec::new();
    let mut in_shell = false;
    for line in readme.lines() {
        match line.trim() {
            "```sh" => in_shell = true,
            "```" => in_shell = false,
            text if in_shell && text.starts_with("nianbao ") => {
                let command = text.split("  #").next().unwrap().trim();
                commands.push(command.to_string());
            }
            _ => {}
        }
    }
    assert!(commands.len() >= 6, "{commands:?}");
    let site = Site::example();
    for command in &commands {
        let args: Vec<&str> = command.split_whitespace().skip(1).collect();
        if args.first() == Some(&"serve") {
            let mut child = std::process::Command::new(common::BIN)
                .current_dir(site.root())
                .args(&args)
                .args(["--port", "0"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            let mut line = String::new();
            std::io::BufRead::read_line(
                &mut std::io::BufReader::new(child.stdout.take().unwrap()),
                &mut line,
            )
            .unwrap();
            child.kill().unwrap();
            child.wait().unwrap();
            assert!(line.contains("http://"), "{command}: {line}");
            continue;
        }
        let out = run_in(site.root(), &args);
        assert_eq!(out.status.code(), Some(0), "{command}: {}", text(&out));
    }
    assert!(site.path("jiahe-site/jiahe/index.html").is_file());
    assert!(site.path("content/dongcheng/2025/data.yaml").is_file());
}

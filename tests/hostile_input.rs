//! Input made by an attacker or a careless colleague (issue 9): links out of the site, text that
//! would stall the renderer, values that break arithmetic, control characters, misleading
//! messages. Each test failed before its fix.

mod common;

use std::path::Path;
use std::process::Command;

use common::{Site, only, with_code};

const DATA: &str = "content/shili/2021/data.yaml";
const REPORT: &str = "content/shili/2021/report.md";

fn text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Every file under `dir`, read as text.
fn all_output(dir: &Path) -> String {
    let mut out = String::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            out.push_str(&String::from_utf8_lossy(
                &std::fs::read(entry.path()).unwrap(),
            ));
        }
    }
    out
}

#[cfg(unix)]
fn link(target: &Path, at: &Path) {
    let _ = std::fs::remove_file(at);
    let _ = std::fs::remove_dir_all(at);
    std::os::unix::fs::symlink(target, at).unwrap();
}

#[cfg(unix)]
#[test]
fn a_report_linked_outside_the_site_is_not_published() {
    let site = Site::fixture("valid");
    let outside = tempfile::tempdir().unwrap();
    // A well-formed report, so that only the link rule can stop it.
    let secret = site.read(REPORT).replace("依法做好", "机密内容依法做好");
    std::fs::write(outside.path().join("report.md"), secret).unwrap();
    link(&outside.path().join("report.md"), &site.path(REPORT));
    let (code, diagnostics) = site.check();
    assert_eq!(code, 1);
    let d = only(&diagnostics, "L021");
    assert_eq!(d["file"], REPORT);
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(!site.path("output").exists());
    assert!(!text(&out).contains("机密内容"));

    link(Path::new("/etc/passwd"), &site.path(REPORT));
    let (code, human) = site.check_human();
    assert_eq!(code, 1);
    assert!(human.contains("错误[L021]"), "{human}");
    assert!(human.contains("指向站点目录以外的链接"), "{human}");
    assert!(!human.contains("root:"), "{human}");
}

#[cfg(unix)]
#[test]
fn a_data_file_linked_outside_is_not_echoed() {
    let site = Site::fixture("valid");
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("data.yaml"), "SECRET-LINE: [1, 2\n").unwrap();
    link(&outside.path().join("data.yaml"), &site.path(DATA));
    let (code, diagnostics) = site.check();
    assert_eq!(code, 1);
    assert!(
        with_code(&diagnostics, "L001").is_empty(),
        "{diagnostics:#?}"
    );
    assert_eq!(only(&diagnostics, "L021")["file"], DATA);
    let (_, human) = site.check_human();
    assert!(!human.contains("SECRET-LINE"), "{human}");
}

#[cfg(unix)]
#[test]
fn folders_linked_outside_are_reported_and_links_inside_are_followed() {
    let site = Site::fixture("valid");
    let outside = tempfile::tempdir().unwrap();
    // An agency and a year folder elsewhere (a complete copy, which the loader must not read).
    let elsewhere = Site::fixture("valid");
    link(
        &elsewhere.path("content/shili"),
        &site.path("content/outside"),
    );
    link(
        &elsewhere.path("content/shili/2022"),
        &site.path("content/shili/2023"),
    );
    std::fs::create_dir_all(outside.path().join("x")).unwrap();
    let (code, diagnostics) = site.check();
    assert_eq!(code, 1);
    let files: Vec<&str> = with_code(&diagnostics, "L021")
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["content/outside", "content/shili/2023"]);

    // A link that stays inside the site is followed: the text lives in texts/ beside content/.
    std::fs::remove_file(site.path("content/outside")).unwrap();
    std::fs::remove_file(site.path("content/shili/2023")).unwrap();
    let kept = site.read(REPORT).replace("依法做好", "共用正文依法做好");
    site.write("texts/2021.md", kept);
    link(Path::new("../../../texts/2021.md"), &site.path(REPORT));
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        site.read("output/shili/2021/index.html")
            .contains("共用正文")
    );
}

#[test]
fn deep_nesting_is_refused_before_rendering() {
    let site = Site::fixture("valid");
    // 200 KB of nested quotes: before, build spent minutes in the HTML sanitiser.
    let report = site.read(REPORT).replace(
        "本年新收申请1件。",
        &format!("本年新收申请1件。\n\n{} 引文\n", ">".repeat(200_000)),
    );
    site.write(REPORT, report);
    let (code, diagnostics) = site.check();
    assert_eq!(code, 1);
    let d = only(&diagnostics, "L018");
    assert_eq!(d["file"], REPORT);
    assert_eq!(d["line"], site.line_of(REPORT, ">>>>"));
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("错误[L018]"));
}

#[test]
fn deep_nesting_inside_an_indented_block_is_refused_too() {
    // An indented block is shown as the paragraphs it holds, so its quotes nest as well.
    let site = Site::fixture("valid");
    let report = site.read(REPORT).replace(
        "本年新收申请1件。",
        &format!("本年新收申请1件。\n\n    {} 引文\n", ">".repeat(100_000)),
    );
    site.write(REPORT, report);
    let (code, diagnostics) = site.check();
    assert_eq!(code, 1);
    assert_eq!(
        only(&diagnostics, "L018")["line"],
        site.line_of(REPORT, ">>>>")
    );
}

#[test]
fn heading_ids_never_take_the_pages_own_ids() {
    let site = Site::fixture("valid");
    let report = site.read(REPORT).replace(
        "本年新收申请1件。",
        "本年新收申请1件。\n\n### main\n\n### indicators\n\n### part5\n\n### c-10\n\n### e1\n\n脚注[^main]。\n\n[^main]: 说明。\n",
    );
    site.write(REPORT, report);
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let page = site.read("output/shili/2021/index.html");
    for id in [
        "main",
        "indicators",
        "part5",
        // A cell's anchor and a row header's id.
        "c-10",
        "e1",
    ] {
        assert_eq!(
            page.matches(&format!("id=\"{id}\"")).count(),
            1,
            "id {id} is used once: {page}"
        );
    }
    assert!(page.contains("<h3 id=\"s-main\">main</h3>"), "{page}");
    assert!(page.contains("href=\"#fn-main\""), "{page}");
    assert!(page.contains("id=\"fn-main\""), "{page}");
}

#[test]
fn an_empty_year_folder_is_called_empty() {
    let site = Site::fixture("valid");
    std::fs::create_dir_all(site.path("content/shili/2023")).unwrap();
    let (code, diagnostics) = site.check();
    assert_eq!(code, 1);
    let d = only(&diagnostics, "L009");
    assert_eq!(d["file"], "content/shili/2023");
    let message = d["message"].as_str().unwrap();
    assert!(message.contains("空"), "{message}");
    assert!(!message.contains("同一文件夹中有"), "{message}");
}

/// nianbao run as an unprivileged user (root reads any folder, so the test drops privileges);
/// `None` when that is impossible here. Makes the site readable to that user first.
#[cfg(unix)]
fn unprivileged(site: &Site) -> Option<Command> {
    use std::os::unix::fs::PermissionsExt;
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    if !is_root {
        let mut c = Command::new(common::BIN);
        c.arg("--root").arg(site.root());
        return Some(c);
    }
    if Command::new("setpriv").arg("--version").output().is_err() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "setpriv (util-linux) is needed to run as another user"
        );
        println!("skipped: running as root and setpriv is not installed");
        return None;
    }
    for entry in walkdir::WalkDir::new(site.root()) {
        let entry = entry.unwrap();
        let mode = if entry.file_type().is_dir() {
            0o755
        } else {
            0o644
        };
        std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(mode)).unwrap();
    }
    let mut c = Command::new("setpriv");
    c.args([
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        common::BIN,
    ])
    .arg("--root")
    .arg(site.root());
    Some(c)
}

#[cfg(unix)]
#[test]
fn an_unreadable_folder_is_not_called_missing() {
    use std::os::unix::fs::PermissionsExt;
    let site = Site::fixture("valid");
    let Some(mut command) = unprivileged(&site) else {
        return;
    };
    let year = site.path("content/shili/2021");
    std::fs::set_permissions(&year, std::fs::Permissions::from_mode(0o000)).unwrap();
    let out = command
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    std::fs::set_permissions(&year, std::fs::Permissions::from_mode(0o755)).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let diagnostics = json["diagnostics"].as_array().unwrap().clone();
    assert!(
        with_code(&diagnostics, "L009").is_empty(),
        "{diagnostics:#?}"
    );
    let d = only(&diagnostics, "L022");
    assert_eq!(d["file"], "content/shili/2021");
    assert!(
        d["message"].as_str().unwrap().contains("没有读取权限"),
        "{d}"
    );
}

#[test]
fn extreme_money_values_build_with_a_dash_for_the_rate() {
    let site = Site::fixture("valid");
    // Last year a tiny fee, this year a huge one: the rate of change overflows a decimal.
    site.replace(DATA, "fees: 3.5 ", "fees: 0.000000000000001 ");
    let data_2022 = "content/shili/2022/data.yaml";
    let fees = site
        .read(data_2022)
        .lines()
        .find(|l| l.trim_start().starts_with("fees: "))
        .unwrap()
        .to_string();
    site.replace(
        data_2022,
        &fees,
        &fees.replacen(
            fees.split_whitespace().nth(1).unwrap(),
            "999999999999999",
            1,
        ),
    );
    let (code, _) = site.check();
    assert_eq!(code, 0);
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(!text(&out).contains("panicked"), "{}", text(&out));
    let page = site.read("output/shili/2022/compare.html");
    let change = common::compare_cell(&page, "行政事业性收费", "本年收费金额（单位：万元）", 'd');
    assert!(
        change.ends_with("<i class=\"up\">+999999999999999</i></td>"),
        "the change, and no rate (it is —): {change}"
    );
}

#[test]
fn control_characters_in_names_are_refused_naming_the_field() {
    let agency = "content/shili/agency.yaml";
    for (bad, shown) in [
        ("\\v", "垂直制表符"),
        ("\\f", "换页符"),
        ("\\e]0;x\\a", "转义符 ESC"),
        ("\\0", "空字符 NUL"),
        ("\\uFFFE", "U+FFFE"),
    ] {
        let site = Site::fixture("valid");
        site.replace(
            agency,
            "\nname: 示例街道办事处 ",
            &format!("\nname: \"示例{bad}街道办事处\" "),
        );
        let (code, diagnostics) = site.check();
        assert_eq!(code, 1, "{bad}");
        let d = only(&diagnostics, "L019");
        assert_eq!(d["file"], agency);
        assert_eq!(d["yaml_path"], "name");
        assert_eq!(d["line"], site.line_of(agency, "name:"));
        let message = d["message"].as_str().unwrap();
        assert!(message.contains("机关全称（name）"), "{message}");
        assert!(message.contains(shown), "{message}");
        // Nothing is written, so no feed can be broken.
        let out = site.run(&["build"]);
        assert_eq!(out.status.code(), Some(1));
        assert!(!site.path("output").exists());
    }
}

#[test]
fn a_name_far_too_long_is_refused() {
    let site = Site::fixture("valid");
    let long = "很".repeat(100_000);
    site.replace(
        "content/shili/agency.yaml",
        "\nname: 示例街道办事处 ",
        &format!("\nname: {long} "),
    );
    let (code, diagnostics) = site.check();
    assert_eq!(code, 1);
    let d = only(&diagnostics, "L020");
    assert_eq!(d["yaml_path"], "name");
    assert!(d["message"].as_str().unwrap().contains("最多 200 个字"));
}

#[test]
fn feeds_are_well_formed_xml_and_absolute_or_left_out() {
    let site = Site::fixture("valid");
    // Markup characters in every name that reaches the feed.
    site.replace(
        "content/shili/agency.yaml",
        "\nname: 示例街道办事处 ",
        "\nname: \"示例<街道>&'办事处\\\"\" ",
    );
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // Without a base URL: no sitemap (its addresses must be absolute), and build says why.
    assert!(!site.path("output/sitemap.xml").exists());
    assert!(
        text(&out).contains("没有生成 sitemap.xml"),
        "{}",
        text(&out)
    );
    assert!(!all_output(&site.path("output")).contains("sitemap.xml\">网站地图"));
    let atom = site.read("output/atom.xml");
    let doc = roxmltree::Document::parse(&atom).unwrap();
    let id = doc
        .descendants()
        .find(|n| n.has_tag_name("id"))
        .and_then(|n| n.text())
        .unwrap();
    assert!(id.starts_with("urn:nianbao:site:"), "{id}");
    assert!(!id.contains(' '), "{id}");
    let titles: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("title"))
        .filter_map(|n| n.text())
        .collect();
    assert!(
        titles.contains(&"示例<街道>&'办事处\"2022年政府信息公开工作年度报告"),
        "{titles:?}"
    );

    let out = site.run(&["build", "--base-url", "https://www.example.gov.cn/ndbg"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(!text(&out).contains("没有生成 sitemap.xml"));
    let sitemap = site.read("output/sitemap.xml");
    let doc = roxmltree::Document::parse(&sitemap).unwrap();
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    assert!(!locs.is_empty());
    assert!(
        locs.iter()
            .all(|l| l.starts_with("https://www.example.gov.cn/ndbg/") && !l.contains(' ')),
        "{locs:?}"
    );
    let atom = site.read("output/atom.xml");
    let doc = roxmltree::Document::parse(&atom).unwrap();
    let id = doc
        .descendants()
        .find(|n| n.has_tag_name("id"))
        .and_then(|n| n.text())
        .unwrap();
    assert_eq!(id, "https://www.example.gov.cn/ndbg/atom.xml");
}

#[test]
fn csv_text_cells_cannot_start_a_formula() {
    let site = Site::fixture("valid");
    site.replace(
        "content/shili/agency.yaml",
        "\nname: 示例街道办事处 ",
        "\nname: \"=HYPERLINK(\\\"http://x\\\",\\\"点击\\\")\" ",
    );
    // A note printed beside a number is text from the report too.
    site.replace(
        DATA,
        "licensing: 0 ",
        "licensing: {值: 0, 注: \"=SUM(A1:A9)\"} ",
    );
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let csv = site.read("output/shili/2021/data.csv");
    // The note is written after its column's label, so it cannot start the cell.
    assert!(csv.contains(",本年处理决定数量：=SUM(A1:A9)\n"), "{csv}");
    let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let width = reader.headers().unwrap().len();
    // No text cell starts a formula; numbers in the CSV stay numbers (no quote before 「+3」).
    for record in reader.records() {
        let record = record.unwrap();
        for (i, field) in record.iter().enumerate() {
            let text = i < 2 || i + 1 == width;
            assert!(
                !text || !field.starts_with(['=', '+', '-', '@']),
                "{record:?}"
            );
            assert!(text || !field.starts_with('\''), "{record:?}");
        }
    }
    // The JSON keeps the name exactly.
    assert!(
        site.read("output/shili/2021/data.json")
            .contains("\"agency\":\"=HYPERLINK(\\\"http://x\\\",\\\"点击\\\")\"")
    );
}

#[test]
fn escape_sequences_in_content_never_reach_the_terminal() {
    let site = Site::fixture("valid");
    // A title-setting sequence in a cell: the snippet shows it escaped.
    site.replace(
        DATA,
        "received: [1, 0, 0, 0, 0, 0, 1]",
        "received: [\"\u{1b}]0;被改的标题\u{7}\", 0, 0, 0, 0, 0, 1]",
    );
    let (code, human) = site.check_human();
    assert_eq!(code, 1);
    assert!(!human.contains('\u{1b}'), "{human:?}");
    assert!(!human.contains('\u{7}'), "{human:?}");
    assert!(human.contains("\\u{1b}]0;被改的标题\\u{7}"), "{human}");
}

#[test]
fn a_nul_byte_is_named_at_its_line() {
    let site = Site::fixture("valid");
    let text = site.read(DATA).replace("licensing: 0", "licensing: 0\0");
    site.write(DATA, text);
    let (code, diagnostics) = site.check();
    assert_eq!(code, 1);
    assert!(
        with_code(&diagnostics, "L006").is_empty(),
        "{diagnostics:#?}"
    );
    let d = only(&diagnostics, "L019");
    assert_eq!(d["file"], DATA);
    assert_eq!(d["line"], site.line_of(DATA, "licensing:"));
    assert!(d["message"].as_str().unwrap().contains("NUL"));
}

#[test]
fn a_sixteen_digit_count_is_too_large_not_a_decimal() {
    let site = Site::fixture("valid");
    site.replace(
        DATA,
        "received: [1, 0, 0, 0, 0, 0, 1]",
        "received: [1234567890123456, 0, 0, 0, 0, 0, 1]",
    );
    let (code, diagnostics) = site.check();
    assert_eq!(code, 1);
    let d = only(&diagnostics, "L010");
    let message = d["message"].as_str().unwrap();
    assert!(!message.contains("小数"), "{message}");
    assert!(message.contains("位数过多"), "{message}");
}

#[test]
fn init_quotes_a_name_its_check_would_misread() {
    for name in ["A: B", "#1 街道", "- 街道", "123", "true", "[街道]"] {
        let dir = tempfile::tempdir().unwrap();
        let out = Command::new(common::BIN)
            .arg("init")
            .arg(dir.path())
            .arg(format!("--name={name}"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        let site = Site { dir };
        let (code, diagnostics) = site.check();
        assert_eq!(code, 0, "{name}: {diagnostics:#?}");
        let out = site.run(&["new", "shili", "2024"]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        let (_, diagnostics) = site.check();
        assert!(
            with_code(&diagnostics, "L001").is_empty()
                && with_code(&diagnostics, "L005").is_empty(),
            "{name}: {diagnostics:#?}"
        );
    }
    // A name the loader would refuse is refused by init itself.
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(common::BIN)
        .arg("init")
        .arg(dir.path())
        .args(["--name", "示例\u{b}街道"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("垂直制表符"), "{}", text(&out));
    assert!(!dir.path().join("content").exists());
}

#[test]
fn new_refuses_a_year_the_loader_would_refuse() {
    let site = Site::fixture("valid");
    for year in ["65535", "2100", "2018"] {
        let out = site.run(&["new", "shili", year]);
        assert_eq!(out.status.code(), Some(2), "{year}: {}", text(&out));
        assert!(text(&out).contains("2019 至 2099"), "{}", text(&out));
        assert!(!site.path(&format!("content/shili/{year}")).exists());
    }
    let out = site.run(&["new", "shili", "2099"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let (_, diagnostics) = site.check();
    assert!(
        with_code(&diagnostics, "L008").is_empty(),
        "{diagnostics:#?}"
    );
}

#[test]
fn base_url_must_be_http_or_a_path() {
    let site = Site::fixture("valid");
    for bad in [
        "javascript:alert(1)//",
        "file:///etc/",
        "www.example.gov.cn",
        "https:// x",
    ] {
        let out = site.run(&["build", "--base-url", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}: {}", text(&out));
        assert!(text(&out).contains("--base-url"), "{}", text(&out));
        assert!(!site.path("output").exists());
    }
    site.replace(
        "content/site.yaml",
        "base_url: ~",
        "base_url: \"javascript:alert(1)//\"",
    );
    let (code, diagnostics) = site.check();
    assert_eq!(code, 1);
    let d = only(&diagnostics, "L016");
    assert_eq!(d["yaml_path"], "base_url");
    site.replace(
        "content/site.yaml",
        "base_url: \"javascript:alert(1)//\"",
        "base_url: /zwgk/ndbg/",
    );
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        site.read("output/404.html")
            .contains("href=\"/zwgk/ndbg/index.html\"")
    );
}

#[test]
fn a_publication_date_out_of_range_is_refused() {
    let site = Site::fixture("valid");
    site.replace(DATA, "published: 2022-01-28", "published: 0000-01-01");
    let (code, diagnostics) = site.check();
    assert_eq!(code, 1);
    let d = only(&diagnostics, "L015");
    assert_eq!(d["yaml_path"], "published");
    assert!(d["expected"].as_str().unwrap().contains("2008"), "{d}");
}

#[cfg(unix)]
#[test]
fn a_broken_or_looping_folder_link_is_reported() {
    let site = Site::fixture("valid");
    link(Path::new("nowhere"), &site.path("content/gone"));
    link(Path::new("2024"), &site.path("content/shili/2024"));
    let (code, diagnostics) = site.check();
    assert_eq!(code, 1);
    let files: Vec<&str> = with_code(&diagnostics, "L022")
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        ["content/gone", "content/shili/2024"],
        "{diagnostics:#?}"
    );
}

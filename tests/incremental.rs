//! Incremental output: a rebuild writes only the files whose bytes changed and keeps the others
//! as they were (same inode, same modification time), so that rsync or a CMS upload of a portal
//! after one office's edit moves a handful of files. The real binary on the portal fixture.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, SystemTime};

use common::{Site, tree};

/// Each file of the output folder → (inode where there is one, modification time).
fn stamps(dir: &Path) -> BTreeMap<String, (u64, SystemTime)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let meta = e.metadata().unwrap();
            #[cfg(unix)]
            let inode = std::os::unix::fs::MetadataExt::ino(&meta);
            #[cfg(not(unix))]
            let inode = 0;
            let rel = e.path().strip_prefix(dir).unwrap();
            (
                rel.to_string_lossy().replace('\\', "/"),
                (inode, meta.modified().unwrap()),
            )
        })
        .collect()
}

/// The files whose inode or modification time differ between two stamps of the same folder,
/// and those added or removed.
fn touched(
    before: &BTreeMap<String, (u64, SystemTime)>,
    after: &BTreeMap<String, (u64, SystemTime)>,
) -> Vec<String> {
    let mut out: Vec<String> = after
        .iter()
        .filter(|(path, stamp)| before.get(*path) != Some(stamp))
        .map(|(path, _)| path.clone())
        .collect();
    out.extend(before.keys().filter(|p| !after.contains_key(*p)).cloned());
    out.sort();
    out
}

fn build(site: &Site, args: &[&str]) -> String {
    let mut all = vec!["build"];
    all.extend_from_slice(args);
    let out = site.run(&all);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(0), "{text}");
    text
}

/// The count of files written that `build` printed.
fn written(message: &str) -> usize {
    if let Some(line) = message.lines().find(|l| l.contains("个文件是新的或有变化")) {
        let n = line.trim_start_matches("其中 ").split(' ').next().unwrap();
        return n.parse().unwrap();
    }
    if let Some(line) = message.lines().find(|l| l.contains("个文件都是新写入的")) {
        let n = line.split('，').nth(1).unwrap().split(' ').next().unwrap();
        return n.parse().unwrap();
    }
    let line = message
        .lines()
        .find(|l| l.contains("个文件全部写入"))
        .unwrap_or_else(|| panic!("no count of files written: {message}"));
    line.split(' ').next().unwrap().parse().unwrap()
}

/// Lets the clock move on, so that a file written again gets a new modification time.
fn tick() {
    std::thread::sleep(Duration::from_millis(30));
}

#[test]
fn one_edit_rewrites_that_agencys_files_and_the_listings_only() {
    let site = Site::fixture("portal");
    let first = build(&site, &[]);
    // A first build says so, in words a clerk reads without knowing about earlier builds.
    assert!(first.contains("这是第一次生成到这个文件夹"), "{first}");
    assert!(!first.contains("没有与上次生成完全相同"), "{first}");
    let output = site.path("output");
    let before = stamps(&output);
    tick();

    // Nothing changed: nothing written, every file kept.
    let again = build(&site, &[]);
    assert_eq!(written(&again), 0, "{again}");
    assert!(
        again.contains(&format!("{} 个与上次生成的完全相同", before.len() - 1)),
        "{again}"
    );
    let same = stamps(&output);
    assert_eq!(touched(&before, &same), vec![".nianbao-output"]);
    tick();

    // One office edits one year's narrative.
    let report = "content/shili/2021/report.md";
    site.replace(
        report,
        "2021年工作中仍存在公开渠道不够丰富的问题，下一年将拓宽渠道。",
        "2021年工作中仍存在公开渠道不够丰富的问题，下一年将拓宽渠道，增加政务新媒体发布。",
    );
    let message = build(&site, &[]);
    let after = stamps(&output);
    let changed = touched(&same, &after);
    assert!(changed.contains(&"shili/2021/index.html".to_string()));
    assert!(changed.contains(&".nianbao-output".to_string()));
    for path in &changed {
        assert!(
            // The search index holds every narrative, so its 2021 bundle follows the edit too;
            // the other years' bundles do not.
            path.starts_with("shili/")
                || path.starts_with("pagefind/2021/")
                || path == ".nianbao-output",
            "{path} was written again, though nothing in it depends on the edit: {changed:?}"
        );
    }
    // Other agencies' files and the theme's are kept as they were.
    for untouched in [
        "moumou/index.html",
        "shilizhen/2022/data.csv",
        "static/style.css",
    ] {
        assert_eq!(after[untouched], same[untouched], "{untouched}");
    }
    // What build printed is what happened on disk (the manifest aside).
    // (A search-index file named by its content's hash is replaced by one of a new name: the old
    // one is gone, not written.)
    let present = changed.iter().filter(|p| after.contains_key(*p)).count();
    assert_eq!(written(&message), present - 1, "{message}\n{changed:?}");
    assert!(written(&message) <= 10, "{message}");

    // The output is the one a fresh build makes.
    let fresh = Site::fixture("portal");
    std::fs::copy(site.path(report), fresh.path(report)).unwrap();
    build(&fresh, &[]);
    assert_eq!(tree(&output), tree(&fresh.path("output")));
}

#[test]
fn a_failed_build_leaves_every_file_and_its_time() {
    let site = Site::fixture("portal");
    build(&site, &[]);
    let output = site.path("output");
    let (bytes, before) = (tree(&output), stamps(&output));
    tick();
    let data = "content/shilizhen/2022/data.yaml";
    let good = site.read(data);
    let broken = good.replacen("received: [", "received: [9", 1);
    assert_ne!(broken, good);
    site.write(data, &broken);
    let out = site.run(&["build"]);
    assert_ne!(out.status.code(), Some(0));
    assert_eq!(stamps(&output), before);
    assert_eq!(tree(&output), bytes);
    let leftovers: Vec<String> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.contains("nianbao-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_file_edited_by_hand_in_the_output_is_written_again() {
    let site = Site::fixture("portal");
    build(&site, &[]);
    let page = "output/moumou/2022/index.html";
    let built = site.read(page);
    tick();
    // The same length, so only the time tells the edit.
    let edited = built.replacen("年度报告", "年度报表", 1);
    assert!(edited != built && edited.len() == built.len());
    site.write(page, &edited);
    let message = build(&site, &[]);
    assert_eq!(site.read(page), built);
    assert_eq!(written(&message), 1, "{message}");
}

#[test]
fn force_and_an_earlier_manifest_write_every_file() {
    let site = Site::fixture("portal");
    build(&site, &[]);
    // A manifest of an earlier nianbao: the paths only.
    let marker = "output/.nianbao-output";
    let paths_only: String = site
        .read(marker)
        .lines()
        .map(|l| format!("{}\n", l.split('\t').next().unwrap()))
        .collect();
    site.write(marker, &paths_only);
    let message = build(&site, &[]);
    assert!(message.contains("个文件全部写入"), "{message}");
    let message = build(&site, &[]);
    assert!(written(&message) == 0, "{message}");
    // --force replaces a folder whole: nothing of it is reused.
    site.write("output/notes.txt", "管理员的笔记");
    let message = build(&site, &["--force"]);
    assert!(
        message.contains("个文件全部重新写入（不沿用其中任何文件）"),
        "{message}"
    );
    assert!(!site.path("output/notes.txt").exists());
}

/// The text of the search index's fragments (gzip of 「pagefind_dcd」 and the JSON of one report),
/// by the report's URL, from every year's bundle (`pagefind/<year>/fragment/`): what the index
/// holds of each report.
fn indexed_texts(output: &Path) -> BTreeMap<String, String> {
    use std::io::Read;
    let mut texts = BTreeMap::new();
    for year in std::fs::read_dir(output.join("pagefind")).unwrap() {
        let fragments = year.unwrap().path().join("fragment");
        if !fragments.is_dir() {
            continue;
        }
        for entry in std::fs::read_dir(fragments).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            let mut json = String::new();
            flate2::read::GzDecoder::new(&bytes[..])
                .read_to_string(&mut json)
                .unwrap();
            let json = json.trim_start_matches("pagefind_dcd");
            let fragment: serde_json::Value = serde_json::from_str(json).unwrap();
            // A year of more than 100 reports has its fragments in groups: an object of them.
            let fragments: Vec<&serde_json::Value> = if fragment.get("url").is_some() {
                vec![&fragment]
            } else {
                fragment.as_object().unwrap().values().collect()
            };
            for fragment in fragments {
                texts.insert(
                    fragment["url"].as_str().unwrap().to_string(),
                    // Pagefind marks the word breaks it found in Chinese with zero-width spaces.
                    fragment["content"]
                        .as_str()
                        .unwrap()
                        .replace('\u{200b}', ""),
                );
            }
        }
    }
    texts
}

/// The number of fragment files in a year's bundle of the search index.
fn fragment_files(output: &Path, year: &str) -> usize {
    std::fs::read_dir(output.join(format!("pagefind/{year}/fragment")))
        .unwrap()
        .count()
}

/// A year of 110 reports has its search fragments bundled into at most 100 files (Pagefind's
/// `max_fragments`), and every report's text is still in them, found by its URL; a year of few
/// reports keeps one file per report.
#[test]
fn a_year_of_many_reports_has_its_search_fragments_in_at_most_a_hundred_files() {
    let site = common::many_towns(110);
    site.build_ok(&[]);
    let output = site.path("output");
    let files = fragment_files(&output, "2022");
    // 110 towns and the fixture's 3 agencies with a 2022 report: groups of two.
    assert!((50..=100).contains(&files), "{files} fragment files");
    let texts = indexed_texts(&output);
    for i in [1, 57, 110] {
        let url = format!("zhen{i:03}/2022/index.html");
        let text = texts
            .iter()
            .find(|(u, _)| u.ends_with(&url))
            .unwrap_or_else(|| panic!("{url} not in the index"));
        assert!(text.1.contains(&format!("示例镇{i:03}")), "{}", text.1);
    }
    assert_eq!(
        texts.keys().filter(|u| u.contains("/2022/")).count(),
        113,
        "every 2022 report is in the index"
    );
    // The fixture's other years have few reports: one file each.
    assert_eq!(fragment_files(&output, "2021"), 3);
}

/// The files of the search index and their stamps; with `year`, those of that year's bundle.
fn index_stamps(output: &Path, year: Option<&str>) -> BTreeMap<String, (u64, SystemTime)> {
    let folder = match year {
        Some(year) => format!("pagefind/{year}/"),
        None => "pagefind/".to_string(),
    };
    let mut all = stamps(output);
    all.retain(|path, _| path.starts_with(&folder));
    all
}

#[test]
fn a_figure_edit_keeps_the_search_index_and_a_narrative_edit_rebuilds_one_year() {
    let site = Site::fixture("portal");
    let first = build(&site, &[]);
    // Four report years (2019 to 2022; moumou's 2023 is a draft, left out).
    assert!(
        first.contains("站内搜索索引：已建立，收录 9 篇年报，按年度分为 4 个索引。"),
        "{first}"
    );
    let output = site.path("output");
    let before = index_stamps(&output, None);
    let files = tree(&output);
    // One bundle per year, newest first in the list the search page reads.
    assert_eq!(
        std::fs::read_to_string(output.join("pagefind/nianbao-years.json")).unwrap(),
        "{\"years\":[\"2022\",\"2021\",\"2020\",\"2019\"]}\n"
    );
    for year in ["2019", "2020", "2021", "2022"] {
        for file in ["pagefind-entry.json", "nianbao-records.txt"] {
            let path = format!("pagefind/{year}/{file}");
            assert!(before.contains_key(&path), "{path}: {before:?}");
        }
    }
    // Pagefind's scripts once, its worker and WebAssembly with the newest year (the primary
    // index) only, and only what the search page loads: Pagefind's other UIs are not shipped.
    for path in [
        "pagefind/pagefind.js",
        "pagefind/pagefind-ui.js",
        "pagefind/pagefind-ui.css",
        "pagefind/2022/pagefind-worker.js",
        "pagefind/2022/wasm.unknown.pagefind",
    ] {
        assert!(before.contains_key(path), "{path}: {before:?}");
    }
    let scripts = before
        .keys()
        .filter(|p| p.ends_with("pagefind.js") || p.ends_with("pagefind-worker.js"))
        .count();
    assert_eq!(scripts, 2, "{before:?}");
    for unused in [
        "pagefind-component-ui.js",
        "pagefind-modular-ui.js",
        "pagefind-highlight.js",
    ] {
        assert!(!output.join("pagefind").join(unused).exists(), "{unused}");
    }
    tick();

    // A figure changes (data.yaml only): the pages follow, every year's index is kept as it
    // was, unbuilt.
    site.replace(
        "content/shili/2022/data.yaml",
        "licensing: 0 ",
        "licensing: 3 ",
    );
    let message = build(&site, &[]);
    assert!(
        message.contains("站内搜索索引：4 个年度的索引都沿用上次生成的（9 篇年报"),
        "{message}"
    );
    assert!(!message.contains("站内搜索索引：已建立"), "{message}");
    assert_eq!(index_stamps(&output, None), before);
    let now = tree(&output);
    let year_page = Path::new("shili/2022/index.html");
    assert_ne!(now[year_page], files[year_page]);
    tick();

    // A narrative of 2021 changes: that year's index is built again and holds the new words;
    // the other years' files are untouched (bytes and modification time).
    assert!(!indexed_texts(&output)["shili/2021/index.html"].contains("政务新媒体矩阵"));
    site.replace(
        "content/shili/2021/report.md",
        "下一年将拓宽渠道。",
        "下一年将拓宽渠道，建设政务新媒体矩阵。",
    );
    let message = build(&site, &[]);
    assert!(
        message.contains(
            "站内搜索索引：1 个年度有年报的标题或正文变了，重新建立了这些年度的索引（3 篇年报），沿用了其他 3 个年度的索引；共收录 9 篇年报。"
        ),
        "{message}"
    );
    let texts = indexed_texts(&output);
    assert!(
        texts["shili/2021/index.html"].contains("政务新媒体矩阵"),
        "{texts:?}"
    );
    let after = index_stamps(&output, None);
    let changed = touched(&before, &after);
    assert!(!changed.is_empty());
    for path in &changed {
        assert!(path.starts_with("pagefind/2021/"), "{path}: {changed:?}");
    }
    for year in ["2019", "2020", "2022"] {
        assert_eq!(
            index_stamps(&output, Some(year)),
            index_stamps_of(&before, year),
            "{year}"
        );
    }
    // Nothing of the old index is left behind, and a fresh build makes the same index.
    let fresh = Site::fixture("portal");
    for file in [
        "content/shili/2021/report.md",
        "content/shili/2022/data.yaml",
    ] {
        std::fs::copy(site.path(file), fresh.path(file)).unwrap();
    }
    build(&fresh, &[]);
    let index_of = |dir: &Path| -> Vec<(std::path::PathBuf, Vec<u8>)> {
        tree(dir)
            .into_iter()
            .filter(|(p, _)| p.starts_with("pagefind"))
            .collect()
    };
    assert_eq!(index_of(&output), index_of(&fresh.path("output")));
}

/// The stamps of one year's bundle among `stamps`.
fn index_stamps_of(
    stamps: &BTreeMap<String, (u64, SystemTime)>,
    year: &str,
) -> BTreeMap<String, (u64, SystemTime)> {
    let folder = format!("pagefind/{year}/");
    stamps
        .iter()
        .filter(|(path, _)| path.starts_with(&folder))
        .map(|(path, stamp)| (path.clone(), *stamp))
        .collect()
}

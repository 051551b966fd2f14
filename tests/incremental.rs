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
    assert!(first.contains("个文件全部写入"), "{first}");
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
            // The search index (pagefind/) holds every narrative, so it follows the edit too.
            path.starts_with("shili/")
                || path.starts_with("pagefind/")
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
    assert!(written(&message) < 10, "{message}");

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
    assert!(message.contains("个文件全部写入"), "{message}");
    assert!(!site.path("output/notes.txt").exists());
}

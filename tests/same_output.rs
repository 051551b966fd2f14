//! The built sites stay byte-identical through refactoring: every file that `nianbao build` writes
//! for the example and for each fixture under tests/fixtures/ (plain, with `--drafts` and with an
//! absolute `--base-url`, which adds the sitemap and absolute feed links) is compared with the
//! digests in tests/snapshots/output_digests.txt, recorded from the output before the restructure.
//!
//! A change of output that is meant: run the test with `NIANBAO_UPDATE_DIGESTS=1`, read the diff of
//! the digest file (it names every file that changed) and commit it with the change.

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use common::Site;

const DIGESTS: &str = "tests/snapshots/output_digests.txt";

/// 64-bit FNV-1a: stable across Rust versions and platforms, unlike `DefaultHasher`.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// The sites built and how: (name, source, build arguments).
fn builds() -> Vec<(String, Site, Vec<&'static str>)> {
    let variants: [(&str, Vec<&str>); 3] = [
        ("plain", vec![]),
        ("drafts", vec!["--drafts"]),
        (
            "base-url",
            vec!["--base-url", "https://www.example.gov.cn/zwgk/ndbg/"],
        ),
    ];
    let mut sources: Vec<String> = std::fs::read_dir(common::repo().join("tests/fixtures"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    sources.sort();
    sources.insert(0, "example".to_owned());
    let mut out = Vec::new();
    for source in &sources {
        for (variant, args) in &variants {
            let site = if source == "example" {
                Site::example()
            } else {
                Site::fixture(source)
            };
            out.push((format!("{source}/{variant}"), site, args.clone()));
        }
    }
    out
}

/// One line per file written: `build path length digest`.
fn digest_lines(name: &str, dir: &Path, out: &mut BTreeMap<String, String>) {
    for (rel, bytes) in common::tree(dir) {
        if bytes == b"<dir>" && dir.join(&rel).is_dir() {
            continue;
        }
        let rel = rel.to_string_lossy().replace('\\', "/");
        out.insert(
            format!("{name} {rel}"),
            format!("{} {:016x}", bytes.len(), fnv1a(&bytes)),
        );
    }
}

/// `build path` → `length digest` (or `<exit>` → code).
fn parse(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|l| {
            let mut parts = l.splitn(3, ' ');
            let key = format!("{} {}", parts.next()?, parts.next()?);
            Some((key, parts.next()?.to_owned()))
        })
        .collect()
}

#[test]
fn every_built_site_is_byte_identical_to_the_recorded_output() {
    let mut found = BTreeMap::new();
    for (name, site, args) in builds() {
        let mut all = vec!["build"];
        all.extend_from_slice(&args);
        let run = site.run(&all);
        if run.status.code() != Some(0) {
            // A fixture that does not build (errors on purpose) is recorded as such: its exit code
            // must not change either.
            found.insert(format!("{name} <exit>"), format!("{:?}", run.status.code()));
            continue;
        }
        digest_lines(&name, &site.path("output"), &mut found);
    }
    let mut text = String::new();
    for (key, value) in &found {
        writeln!(text, "{key} {value}").unwrap();
    }
    let path = common::repo().join(DIGESTS);
    if std::env::var_os("NIANBAO_UPDATE_DIGESTS").is_some() {
        std::fs::write(&path, &text).unwrap();
        return;
    }
    let recorded = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{DIGESTS}: {e}; record it with NIANBAO_UPDATE_DIGESTS=1 cargo test --test same_output"
        )
    });
    let recorded = parse(&recorded);
    let now = parse(&text);
    let mut differences = Vec::new();
    for (key, line) in &recorded {
        match now.get(key) {
            None => differences.push(format!("missing now: {key} {line}")),
            Some(current) if current != line => {
                differences.push(format!("changed: {key} {line} -> {current}"))
            }
            Some(_) => {}
        }
    }
    for (key, line) in &now {
        if !recorded.contains_key(key) {
            differences.push(format!("new: {key} {line}"));
        }
    }
    assert!(
        differences.is_empty(),
        "{} difference(s) from {DIGESTS}:\n{}",
        differences.len(),
        differences.join("\n")
    );
    assert!(found.len() > 100, "too few files built: {}", found.len());
}

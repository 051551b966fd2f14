//! `cargo bench --bench rebuild [-- --agencies N]`: rebuilding a portal (default 1,000 agencies ×
//! 7 years, see `portal`) after one office's edit, release binary, whole process.
//!
//! 1. The first build (every file written).
//! 2. A rebuild with nothing changed.
//! 3. A rebuild after one year's report.md of one agency changed: files written and kept, as
//!    `build` prints them and as the file system shows them (files whose inode or modification
//!    time changed).
//! 4. The same edit rebuilt with `--force`, which reuses nothing: every file written.

mod portal;

use std::collections::HashMap;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_nianbao");

/// Runs `build` with `args`; its time and what it printed.
fn build(root: &Path, args: &[&str]) -> (Duration, String) {
    let start = Instant::now();
    let out = Command::new(BIN)
        .arg("--root")
        .arg(root)
        .arg("build")
        .args(args)
        .output()
        .unwrap();
    let elapsed = start.elapsed();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (elapsed, stdout)
}

/// The line of build's output that counts the files written and kept.
fn counts(stdout: &str) -> String {
    stdout
        .lines()
        .find(|l| l.contains("个文件是新的或有变化") || l.contains("个文件全部写入"))
        .unwrap_or("")
        .to_string()
}

/// Each output file → (inode, modification time).
fn stamps(dir: &Path) -> HashMap<String, (u64, i64, i64)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let m = e.metadata().unwrap();
            (
                e.path().to_string_lossy().to_string(),
                (m.ino(), m.mtime(), m.mtime_nsec()),
            )
        })
        .collect()
}

fn changed(
    before: &HashMap<String, (u64, i64, i64)>,
    after: &HashMap<String, (u64, i64, i64)>,
) -> usize {
    after
        .iter()
        .filter(|(path, stamp)| before.get(*path) != Some(stamp))
        .count()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let agencies = args
        .iter()
        .position(|a| a == "--agencies")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000);
    let tmp = tempfile::tempdir().unwrap();
    let root = portal::write_portal(&tmp.path().join("site"), agencies);
    let output = root.join("output");
    println!("portal: {agencies} agencies × 7 years, release binary, whole process");

    let (first, stdout) = build(&root, &[]);
    let files = stamps(&output).len();
    println!(
        "  first build: {:.2} s, {files} files; {}",
        first.as_secs_f64(),
        counts(&stdout)
    );

    let before = stamps(&output);
    let (same, stdout) = build(&root, &[]);
    let after = stamps(&output);
    println!(
        "  rebuild, nothing changed: {:.2} s, {} files touched on disk; {}",
        same.as_secs_f64(),
        changed(&before, &after),
        counts(&stdout)
    );

    let slug = format!("shili-{:04}", agencies / 2 + 1);
    let report = root.join(format!("content/{slug}/2022/report.md"));
    let text = std::fs::read_to_string(&report).unwrap();
    std::fs::write(
        &report,
        format!("{text}\n本年度还开展了一次政务公开培训。\n"),
    )
    .unwrap();
    let before = stamps(&output);
    let (edited, stdout) = build(&root, &[]);
    let after = stamps(&output);
    println!(
        "  rebuild after one edit ({slug} 2022 report.md): {:.2} s, {} files touched on disk (with the manifest); {}",
        edited.as_secs_f64(),
        changed(&before, &after),
        counts(&stdout)
    );

    std::fs::write(
        &report,
        format!("{text}\n本年度还开展了两次政务公开培训。\n"),
    )
    .unwrap();
    let before = stamps(&output);
    let (forced, stdout) = build(&root, &["--force"]);
    let after = stamps(&output);
    println!(
        "  the same kind of edit with --force (nothing reused): {:.2} s, {} files touched on disk; {}",
        forced.as_secs_f64(),
        changed(&before, &after),
        counts(&stdout)
    );
}

//! `cargo bench --bench versus -- [--agencies N] [--dir DIR] [--pairs K] [--zola PATH]`:
//! full builds of a realistic portal (benches/portal.rs) by nianbao and, when a Zola binary is
//! given (`--zola` or env ZOLA), of the equivalent Zola site, in alternating pairs, whole-process
//! wall time, medians. DIR (default: a temporary folder) decides where sources and outputs live:
//! pass a tmpfs folder (`/dev/shm/…`) or a folder on disk. Each output is removed before its run
//! (outside the timing), so both tools create every file. Also prints the bytes per page kind of
//! nianbao's output and the machine's load (`/proc/loadavg`) before and after.
//!
//! `--nianbao PATH` times another nianbao binary (e.g. a build of an older commit) on the same
//! portal. Zola is not part of this repository: build it yourself and pass its path.

mod portal;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const BUILT: &str = env!("CARGO_BIN_EXE_nianbao");

fn arg<T: std::str::FromStr>(args: &[String], name: &str) -> Option<T> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".to_string())
}

/// The wall time of a whole process, and what it printed on standard output.
fn timed(command: &mut Command) -> (Duration, String) {
    let start = Instant::now();
    let out = command.output().expect("run");
    let elapsed = start.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (elapsed, String::from_utf8_lossy(&out.stdout).into_owned())
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

fn files(dir: &Path, out: &mut Vec<(PathBuf, u64)>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        let meta = entry.metadata().unwrap();
        if meta.is_dir() {
            files(&path, out);
        } else {
            out.push((path, meta.len()));
        }
    }
}

/// Bytes per kind of file of nianbao's output: (kind, count, mean bytes, total bytes).
fn bytes_per_kind(output: &Path) -> BTreeMap<String, (usize, u64)> {
    let mut all = Vec::new();
    files(output, &mut all);
    let mut kinds: BTreeMap<String, (usize, u64)> = BTreeMap::new();
    for (path, len) in all {
        let rel = path
            .strip_prefix(output)
            .unwrap()
            .to_string_lossy()
            .to_string();
        let parts: Vec<&str> = rel.split('/').collect();
        let year = parts.get(1).and_then(|y| y.parse::<u16>().ok());
        let format = match year {
            Some(y) if y >= 2021 => " (2021 format)",
            Some(_) => " (2019 format)",
            None => "",
        };
        let name = parts.last().copied().unwrap_or("");
        let kind = match (parts.len(), name) {
            // The search index: one kind for all its files (a fragment per report, index chunks,
            // Pagefind's scripts), not a line per file name.
            (_, _) if parts[0] == "pagefind" => "search index (pagefind/, all files)".to_string(),
            (_, _) if parts[0] == "overview" => "year overview page (portal)".to_string(),
            (_, _) if parts[0] == "totals" => "totals page (portal)".to_string(),
            (_, _) if parts[0] == "across" => "cross-agency page (portal)".to_string(),
            (_, _) if rel.contains("/metrics/") => "metric page".to_string(),
            (1, _) => "site-wide file".to_string(),
            (3, "index.html") => format!("year page{format}"),
            (3, "compare.html") => format!("comparison page{format}"),
            (3, other) => format!("{other} of a year{format}"),
            (2, _) if parts[0] == "static" => "site-wide file".to_string(),
            (2, "index.html") => "agency page".to_string(),
            (2, other) => format!("all-years {other}"),
            _ => "other".to_string(),
        };
        let e = kinds.entry(kind).or_default();
        e.0 += 1;
        e.1 += len;
    }
    kinds
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let agencies: usize = arg(&args, "--agencies").unwrap_or(100);
    let pairs: usize = arg(&args, "--pairs").unwrap_or(3);
    // Another nianbao binary (e.g. an older build) instead of this one.
    let bin: String = arg(&args, "--nianbao").unwrap_or_else(|| BUILT.to_string());
    let zola: Option<PathBuf> = arg::<String>(&args, "--zola")
        .or_else(|| std::env::var("ZOLA").ok())
        .map(PathBuf::from);
    let tmp = tempfile::tempdir().unwrap();
    let dir: PathBuf = arg::<String>(&args, "--dir")
        .map(PathBuf::from)
        .unwrap_or_else(|| tmp.path().to_path_buf());
    std::fs::create_dir_all(&dir).unwrap();
    let site = dir.join("nianbao-site");
    let zola_site = dir.join("zola-site");
    let out = dir.join("nianbao-out");
    let zola_out = dir.join("zola-out");
    for d in [&site, &zola_site, &out, &zola_out] {
        let _ = std::fs::remove_dir_all(d);
    }
    let start = Instant::now();
    portal::write_portal(&site, agencies);
    portal::write_zola_site(&zola_site, agencies);
    println!(
        "{agencies} agencies × 7 years written to {} in {}",
        dir.display(),
        secs(start.elapsed())
    );
    match &zola {
        Some(z) if z.is_file() => {}
        Some(z) => println!("skipped Zola: {} is not a file", z.display()),
        None => println!("skipped Zola: pass --zola PATH or set ZOLA"),
    }
    let zola = zola.filter(|z| z.is_file());
    println!("load before: {}", load());
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    let mut printed = String::new();
    for pair in 0..pairs {
        let _ = std::fs::remove_dir_all(&out);
        let mut nianbao = Command::new(&bin);
        nianbao
            .arg("--root")
            .arg(&site)
            .arg("build")
            .arg("--output")
            .arg(&out);
        let (ours_time, said) = timed(&mut nianbao);
        ours.push(ours_time);
        if pair == 0 {
            // What the timed build itself said (a first build into an empty folder).
            printed = said;
        }
        if let Some(z) = &zola {
            let _ = std::fs::remove_dir_all(&zola_out);
            let (t, _) = timed(
                Command::new(z)
                    .arg("--root")
                    .arg(&zola_site)
                    .arg("build")
                    .arg("--output-dir")
                    .arg(&zola_out)
                    .arg("--force"),
            );
            theirs.push(t);
            println!(
                "pair {}: nianbao {}, Zola {} (ratio {:.2}), load {}",
                pair + 1,
                secs(ours_time),
                secs(t),
                ours_time.as_secs_f64() / t.as_secs_f64(),
                load()
            );
        } else {
            println!(
                "run {}: nianbao {}, load {}",
                pair + 1,
                secs(ours_time),
                load()
            );
        }
    }
    println!("nianbao says: {}", printed.trim());
    let ours_median = median(ours);
    print!("median of {pairs}: nianbao {}", secs(ours_median));
    if !theirs.is_empty() {
        let theirs_median = median(theirs);
        print!(
            ", Zola {}, nianbao / Zola {:.2}",
            secs(theirs_median),
            ours_median.as_secs_f64() / theirs_median.as_secs_f64()
        );
        let mut zola_files = Vec::new();
        files(&zola_out, &mut zola_files);
        let html = zola_files
            .iter()
            .filter(|(p, _)| p.extension().is_some_and(|e| e == "html"))
            .count();
        print!(" (Zola wrote {html} HTML pages)");
    }
    println!();
    println!("load after: {}", load());
    println!("nianbao output, bytes per kind of file:");
    println!("| kind | files | mean bytes | total MB |");
    println!("|---|---|---|---|");
    for (kind, (count, total)) in bytes_per_kind(&out) {
        println!(
            "| {kind} | {count} | {} | {:.1} |",
            total / count as u64,
            total as f64 / 1e6
        );
    }
}

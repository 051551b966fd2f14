//! `cargo bench --bench build`: whole-process timings of the release binary.
//!
//! 1. `check` and `build` of the example site (content/), median of 30 runs.
//! 2. `build` of a synthetic portal (default 1,000 agencies × 7 years; `-- --agencies N`), with
//!    peak memory from /usr/bin/time when it is installed; `-- --no-search` builds it without the
//!    offline search index (site.yaml `settings.search: false`), to tell what search costs.

mod portal;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_nianbao");

fn run(args: &[&str], root: &Path) -> Duration {
    let start = Instant::now();
    let out = Command::new(BIN)
        .arg("--root")
        .arg(root)
        .args(args)
        .output()
        .unwrap();
    let elapsed = start.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    elapsed
}

fn median(mut v: Vec<Duration>) -> (Duration, Duration) {
    v.sort();
    (v[v.len() / 2], v[0])
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let agencies = args
        .iter()
        .position(|a| a == "--agencies")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("example-output");
    let out = out.to_str().unwrap();

    let checks: Vec<Duration> = (0..30).map(|_| run(&["check"], repo)).collect();
    let builds: Vec<Duration> = (0..30)
        .map(|_| run(&["build", "--output", out], repo))
        .collect();
    let (check_median, check_min) = median(checks);
    let (build_median, build_min) = median(builds);
    println!("example site (2 agencies, 3 years), whole process, 30 runs:");
    println!(
        "  check: median {} (min {})",
        ms(check_median),
        ms(check_min)
    );
    println!(
        "  build: median {} (min {})",
        ms(build_median),
        ms(build_min)
    );

    let portal_dir = tmp.path().join("portal");
    let start = Instant::now();
    portal::write_portal(&portal_dir, agencies);
    if args.iter().any(|a| a == "--no-search") {
        let site = portal_dir.join("content/site.yaml");
        let text = std::fs::read_to_string(&site).unwrap();
        std::fs::write(&site, format!("{text}\nsettings:\n  search: false\n")).unwrap();
        println!("(without the search index)");
    }
    println!(
        "portal of {agencies} agencies × 7 years written in {}",
        ms(start.elapsed())
    );
    let portal_out = tmp.path().join("portal-output");
    let time = Path::new("/usr/bin/time");
    let start = Instant::now();
    // Peak memory from GNU time when it is installed.
    let mut command = if time.exists() {
        let mut c = Command::new(time);
        c.args(["-f", "peak-rss-kb=%M"]).arg(BIN);
        c
    } else {
        Command::new(BIN)
    };
    let output = command
        .arg("--root")
        .arg(&portal_dir)
        .arg("build")
        .arg("--output")
        .arg(&portal_out)
        .output()
        .unwrap();
    let elapsed = start.elapsed();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    let peak = stderr
        .lines()
        .find_map(|l| l.strip_prefix("peak-rss-kb="))
        .map(|kb| {
            format!(
                "{:.0} MiB",
                kb.trim().parse::<f64>().unwrap_or(0.0) / 1024.0
            )
        })
        .unwrap_or_else(|| "n/a (no /usr/bin/time)".to_string());
    println!(
        "portal build, whole process: {} , peak memory {peak}",
        ms(elapsed)
    );
    println!("  {}", String::from_utf8_lossy(&output.stdout).trim());
}

//! `cargo bench --bench serve`: the preview server, release binary, on a copy of the example site.
//! `cargo bench --bench serve -- --agencies 1000`: on a synthetic portal instead (see `portal`).
//!
//! Example site:
//!
//! 1. Save-to-reload latency: 50 edits of report.md, each timed from the write until the reload
//!    event reaches a client listening on the reload endpoint (median, 95th percentile, max).
//! 2. Load: 100 concurrent clients fetch pages for 10 s while report.md and data.yaml change
//!    (including a broken data.yaml now and then); every response must be a 200 with a complete
//!    page, and the count of errors is reported.
//!
//! Portal (`--agencies N`, N agencies × 7 years):
//!
//! 1. The size of the site (`nianbao build` into a folder: files, bytes, time).
//! 2. serve's first build, then 100 saves, each of one year of another agency (report.md and
//!    data.yaml in turn), timed from the write until the reload event reaches a client on the
//!    reload endpoint, and until the edited year page has been fetched after it (save to seen:
//!    serve renders pages on demand, so the page's render is in this figure; a report.md edit
//!    must show its new text) (median, 95th percentile, max); serve's resident memory (VmRSS
//!    from /proc) after the first build and after every save.
//! 3. The year pages of 300 distinct agencies fetched one after another (the render cache keeps
//!    a bounded number of agencies): serve's memory after every 50, against the output's size.
//!
//! The load average (/proc/loadavg) is printed with the figures.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

#[path = "../tests/common/mod.rs"]
mod common;
mod portal;

const BIN: &str = common::BIN;

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
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
        .and_then(|n| n.parse().ok());
    match agencies {
        Some(n) => portal_bench(n),
        None => example(),
    }
}

/// Starts `serve` on `root`; its address, once the first build is done.
fn start_serve(root: &std::path::Path) -> (std::process::Child, String) {
    let mut child = Command::new(BIN)
        .arg("--root")
        .arg(root)
        .args(["serve", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = format!(
        "http://{}",
        first
            .split("http://")
            .nth(1)
            .unwrap()
            .split('（')
            .next()
            .unwrap()
    );
    std::thread::spawn(move || for _ in lines {});
    (child, url)
}

/// The events the reload endpoint sends, with the time each arrived.
fn listen(url: &str) -> mpsc::Receiver<(String, Instant)> {
    let (tx, rx) = mpsc::channel::<(String, Instant)>();
    let events_url = format!("{url}__nianbao/events");
    std::thread::spawn(move || {
        // The stream stays open for the whole run: no time limit on it.
        let stream: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let response = stream.get(&events_url).call().unwrap();
        let mut event = String::new();
        // The server going away at the end closes the stream.
        for line in BufReader::new(response.into_body().into_reader())
            .lines()
            .map_while(Result::ok)
        {
            if let Some(name) = line.strip_prefix("event: ") {
                event = name.to_string();
            } else if line.starts_with("data: ") {
                let _ = tx.send((event.clone(), Instant::now()));
            }
        }
    });
    assert_eq!(rx.recv_timeout(Duration::from_secs(10)).unwrap().0, "hello");
    rx
}

/// Resident memory of a process, in bytes (VmRSS of /proc/PID/status).
fn rss(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

fn mib(bytes: u64) -> String {
    format!("{:.0} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// The load average, as `uptime` gives it.
fn load() -> String {
    let text = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let parts: Vec<&str> = text.split_whitespace().take(3).collect();
    format!("load average {}", parts.join(", "))
}

fn portal_bench(agencies: usize) {
    let tmp = tempfile::tempdir().unwrap();
    let root = portal::write_portal(&tmp.path().join("site"), agencies);
    println!("portal: {agencies} agencies × 7 years");

    // 1. The size of what serve holds: the site as `build` writes it.
    let output = tmp.path().join("output");
    let start = Instant::now();
    let out = Command::new(BIN)
        .arg("--root")
        .arg(&root)
        .arg("build")
        .arg("--output")
        .arg(&output)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let built = start.elapsed();
    let (mut files, mut bytes) = (0u64, 0u64);
    for entry in walkdir::WalkDir::new(&output) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            files += 1;
            bytes += entry.metadata().unwrap().len();
        }
    }
    std::fs::remove_dir_all(&output).unwrap();
    println!(
        "  build: {files} files, {} ({bytes} bytes, as du -sb counts file sizes), {:.1} s ({})",
        mib(bytes),
        built.as_secs_f64(),
        load()
    );

    // 2. serve: the first build, then 100 saves.
    let start = Instant::now();
    let (mut child, url) = start_serve(&root);
    println!(
        "  serve: first build and listening after {:.1} s ({})",
        start.elapsed().as_secs_f64(),
        load()
    );
    let rx = listen(&url);
    let pid = child.id();
    let first_rss = rss(pid);
    let mut latencies = Vec::new();
    let mut seen = Vec::new();
    let mut samples = vec![first_rss];
    let http = agent();
    for i in 0..100 {
        std::thread::sleep(Duration::from_millis(150));
        let agency = (i * 7919) % agencies + 1;
        let year = 2019 + i % 7;
        let folder = root.join(format!("content/shili-{agency:04}/{year}"));
        let (file, text) = if i % 2 == 0 {
            let path = folder.join("report.md");
            let text = std::fs::read_to_string(&path).unwrap();
            (path, format!("{text}\n第 {i} 次修改。\n"))
        } else {
            // A comment: the same pages, but the agency is loaded, checked and rendered again.
            let path = folder.join("data.yaml");
            let text = std::fs::read_to_string(&path).unwrap();
            (path, format!("{text}\n# 第 {i} 次修改\n"))
        };
        // Events left from the previous save (a second batch of its file events) do not count.
        while rx.try_recv().is_ok() {}
        let start = Instant::now();
        std::fs::write(&file, text).unwrap();
        let page = format!("{url}shili-{agency:04}/{year}/index.html");
        let mut reloads = 0;
        loop {
            let (event, at) = rx.recv_timeout(Duration::from_secs(600)).expect("reload");
            match event.as_str() {
                "reload" => {
                    if reloads == 0 {
                        latencies.push(at - start);
                    }
                    reloads += 1;
                }
                "problems" => panic!("the edit broke the build"),
                _ => continue,
            }
            // What the reloaded browser asks for: the edited year page. The watcher may have
            // seen the file half written (truncated, then written): then the page shows the
            // new text only after the next reload, and save-to-seen counts until then.
            let mut response = http.get(&page).call().unwrap();
            let body = response.body_mut().read_to_string().unwrap();
            assert_eq!(response.status(), 200, "{page}");
            if i % 2 == 1 || body.contains(&format!("第 {i} 次修改。")) {
                seen.push(start.elapsed());
                break;
            }
            assert!(
                reloads < 5,
                "{page} is not the edited page after {reloads} reloads"
            );
        }
        samples.push(rss(pid));
    }
    latencies.sort();
    seen.sort();
    println!(
        "  save-to-reload over {} saves (debounce 50 ms): median {}, p95 {}, max {} ({})",
        latencies.len(),
        ms(percentile(&latencies, 0.5)),
        ms(percentile(&latencies, 0.95)),
        ms(*latencies.last().unwrap()),
        load()
    );
    println!(
        "  save-to-seen (reload event, then the edited year page fetched): median {}, p95 {}, max {}",
        ms(percentile(&seen, 0.5)),
        ms(percentile(&seen, 0.95)),
        ms(*seen.last().unwrap())
    );
    let max = samples.iter().copied().max().unwrap_or(0);
    println!(
        "  serve memory (RSS): {} after the first build, {} after 100 saves, {} at most; output {} ({:.2}×)",
        mib(first_rss),
        mib(*samples.last().unwrap()),
        mib(max),
        mib(bytes),
        max as f64 / bytes as f64
    );
    // 3. A crawl of many agencies: the render cache stays within its bound.
    let crawl = agencies.min(300);
    let mut after = Vec::new();
    let start = Instant::now();
    for n in 0..crawl {
        let agency = (n * 7) % agencies + 1;
        let page = format!("{url}shili-{agency:04}/2024/index.html");
        let response = http.get(&page).call().unwrap();
        assert_eq!(response.status(), 200, "{page}");
        if (n + 1) % 50 == 0 || n + 1 == crawl {
            after.push(format!("{} after {}", mib(rss(pid)), n + 1));
        }
    }
    let max = samples.iter().copied().max().unwrap_or(0).max(rss(pid));
    println!(
        "  crawl of {crawl} agencies' year pages ({:.1} s, {}): serve memory {}; at most {} ({:.2}× the output)",
        start.elapsed().as_secs_f64(),
        load(),
        after.join(", "),
        mib(max),
        max as f64 / bytes as f64
    );
    let _ = child.kill();
    let _ = child.wait();
}

fn example() {
    let site = common::Site::example();
    let tmp = &site.dir;
    let (mut child, url) = start_serve(tmp.path());
    let rx = listen(&url);

    // 1. Save-to-reload latency.
    let report = tmp.path().join("content/jiahe/2020/report.md");
    let original = std::fs::read_to_string(&report).unwrap();
    let mut latencies = Vec::new();
    for i in 0..50 {
        std::thread::sleep(Duration::from_millis(150));
        let start = Instant::now();
        std::fs::write(&report, format!("{original}\n第 {i} 次修改。\n")).unwrap();
        loop {
            let (event, at) = rx.recv_timeout(Duration::from_secs(10)).expect("reload");
            if event == "reload" {
                latencies.push(at - start);
                break;
            }
        }
    }
    latencies.sort();
    println!(
        "save-to-reload latency over {} edits of report.md (debounce 50 ms):",
        latencies.len()
    );
    println!(
        "  median {}, p95 {}, max {}",
        ms(percentile(&latencies, 0.5)),
        ms(percentile(&latencies, 0.95)),
        ms(*latencies.last().unwrap())
    );

    // 2. 100 concurrent clients while files change.
    let pages = [
        "index.html",
        "hongze/index.html",
        "hongze/2024/index.html",
        "hongze/2024/compare.html",
        "jiahe/2020/index.html",
        "hongze/metrics/requests.html",
        "static/style.css",
    ];
    let stop = Arc::new(AtomicBool::new(false));
    let requests = Arc::new(AtomicUsize::new(0));
    let errors = Arc::new(AtomicUsize::new(0));
    let incomplete = Arc::new(AtomicUsize::new(0));
    let mut clients = Vec::new();
    for c in 0..100 {
        let (stop, requests, errors, incomplete) = (
            stop.clone(),
            requests.clone(),
            errors.clone(),
            incomplete.clone(),
        );
        let url = url.clone();
        clients.push(std::thread::spawn(move || {
            let agent = agent();
            let mut i = c;
            while !stop.load(Ordering::Relaxed) {
                let page = pages[i % pages.len()];
                i += 1;
                match agent.get(&format!("{url}{page}")).call() {
                    Ok(mut response) if response.status() == 200 => {
                        let body = response.body_mut().read_to_string().unwrap_or_default();
                        if page.ends_with(".html") && !body.trim_end().ends_with("</html>") {
                            incomplete.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    _ => {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
                requests.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    let data = tmp.path().join("content/hongze/2024/data.yaml");
    let good = std::fs::read_to_string(&data).unwrap();
    let broken = good.replace(
        "received: [95, 0, 0, 0, 0, 0, 95]",
        "received: [96, 0, 0, 0, 0, 0, 96]",
    );
    let start = Instant::now();
    let mut rebuilds = 0;
    while start.elapsed() < Duration::from_secs(10) {
        std::fs::write(&report, format!("{original}\n负载测试 {rebuilds}。\n")).unwrap();
        std::thread::sleep(Duration::from_millis(100));
        if rebuilds % 5 == 0 {
            std::fs::write(&data, &broken).unwrap();
            std::thread::sleep(Duration::from_millis(100));
            std::fs::write(&data, &good).unwrap();
        }
        rebuilds += 1;
    }
    stop.store(true, Ordering::Relaxed);
    for client in clients {
        client.join().unwrap();
    }
    let elapsed = start.elapsed();
    let requests = requests.load(Ordering::Relaxed);
    println!(
        "100 concurrent clients for {:.1} s while {rebuilds} edits (some breaking data.yaml) were made:",
        elapsed.as_secs_f64()
    );
    println!(
        "  {requests} requests ({:.0}/s), {} errors, {} incomplete pages",
        requests as f64 / elapsed.as_secs_f64(),
        errors.load(Ordering::Relaxed),
        incomplete.load(Ordering::Relaxed)
    );
    let _ = child.kill();
    let _ = child.wait();
}

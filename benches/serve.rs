//! `cargo bench --bench serve`: the preview server, release binary, on a copy of the example site.
//!
//! 1. Save-to-reload latency: 50 edits of report.md, each timed from the write until the reload
//!    event reaches a client listening on the reload endpoint (median, 95th percentile, max).
//! 2. Load: 100 concurrent clients fetch pages for 10 s while report.md and data.yaml change
//!    (including a broken data.yaml now and then); every response must be a 200 with a complete
//!    page, and the count of errors is reported.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

#[path = "../tests/common/mod.rs"]
mod common;

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
    let site = common::Site::example();
    let tmp = &site.dir;
    let mut child = Command::new(BIN)
        .arg("--root")
        .arg(tmp.path())
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

    let (tx, rx) = mpsc::channel::<(String, Instant)>();
    let events_url = format!("{url}__nianbao/events");
    std::thread::spawn(move || {
        let response = agent().get(&events_url).call().unwrap();
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

//! `nianbao serve` under load: wrk (a Debian package; `tests/tools/install.sh` installs it, `.ci/run`
//! runs that first) sends 10,000 requests over 50 connections while the site is edited, broken and
//! fixed, and while 2,000 idle connections are held open (and reopened when the server closes
//! them). No request may fail, a visitor must always get in, and the server's memory must not grow
//! from one such round to the next. Without wrk the test is skipped locally and fails in CI.
//!
//! The figures it prints are recorded in BENCHMARKS.md (`cargo test --test load -- --nocapture`).

mod common;

use std::io::{BufRead, BufReader, Read};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::Site;
use common::server::Server;

const REQUESTS: usize = 10_000;
const CONNECTIONS: usize = 50;
const IDLE: usize = 2_000;

/// Whether wrk is installed; in CI it must be.
fn wrk_ready() -> bool {
    let ready = Command::new("wrk")
        .arg("--version")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).contains("wrk"));
    if !ready {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI must run tests/tools/install.sh (it installs wrk) before cargo test"
        );
        eprintln!("skipped: install wrk (tests/tools/install.sh) to run the load test");
    }
    ready
}

/// The resident memory of a process in KiB, from /proc.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("no VmRSS in {status}"))
}

/// wrk's Lua script: rotate over pages and downloads, stop each thread after its share of the
/// requests (and say so: wrk itself runs until its duration is over or it is interrupted), and
/// print the totals as one line.
fn script(dir: &std::path::Path, threads: usize) -> std::path::PathBuf {
    let path = dir.join("load.lua");
    let per_thread = REQUESTS / threads;
    std::fs::write(
        &path,
        format!(
            r#"local paths = {{"/", "/jiahe/2020/index.html", "/hongze/2024/index.html",
  "/hongze/2024/compare.html", "/static/style.css", "/hongze/2024/data.csv", "/hongze/data.json",
  "/atom.xml"}}
local i = 0
local answered = 0
request = function()
  i = i + 1
  local path = paths[i % #paths + 1]
  return wrk.format("GET", path)
end
response = function(status, headers, body)
  answered = answered + 1
  if answered == {per_thread} then
    io.write("THREAD-DONE\n")
    io.flush()
    wrk.thread:stop()
  end
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d connect=%d read=%d write=%d status=%d timeout=%d p50=%d p99=%d max=%d seconds=%.2f\n",
    summary.requests, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max, summary.duration / 1e6))
end
"#
        ),
    )
    .unwrap();
    path
}

/// 2,000 connections that never send a request, reopened as the server closes them.
struct IdleCrowd {
    stop: Arc<AtomicBool>,
    reopened: Arc<AtomicUsize>,
    thread: Option<std::thread::JoinHandle<usize>>,
}

impl IdleCrowd {
    fn start(address: String) -> IdleCrowd {
        let stop = Arc::new(AtomicBool::new(false));
        let reopened = Arc::new(AtomicUsize::new(0));
        let (s, r) = (stop.clone(), reopened.clone());
        let open = move |address: &str| {
            let stream = TcpStream::connect(address).expect("an idle connection");
            stream.set_nonblocking(true).unwrap();
            stream
        };
        let mut streams: Vec<TcpStream> = (0..IDLE).map(|_| open(&address)).collect();
        let thread = std::thread::spawn(move || {
            let mut most = streams.len();
            while !s.load(Ordering::Relaxed) {
                let mut byte = [0u8; 1];
                for stream in streams.iter_mut() {
                    // Closed by the server (read gives 0 bytes or an error): open another.
                    let closed = match stream.read(&mut byte) {
                        Ok(_) => true,
                        Err(e) => e.kind() != std::io::ErrorKind::WouldBlock,
                    };
                    if closed {
                        *stream = open(&address);
                        r.fetch_add(1, Ordering::Relaxed);
                    }
                }
                most = most.max(streams.len());
                std::thread::sleep(Duration::from_millis(250));
            }
            most
        });
        IdleCrowd {
            stop,
            reopened,
            thread: Some(thread),
        }
    }

    fn stop(mut self) -> usize {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.take().map(|t| t.join().unwrap()).unwrap_or(0)
    }
}

/// Edits report.md, breaks data.yaml, fixes it, over and over until stopped.
fn editor(site: &Site, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<usize> {
    let report = site.path("content/jiahe/2020/report.md");
    let data = site.path("content/hongze/2024/data.yaml");
    let report_text = std::fs::read_to_string(&report).unwrap();
    let data_text = std::fs::read_to_string(&data).unwrap();
    let broken = data_text.replacen("template: 2021", "template: [2021", 1);
    assert_ne!(broken, data_text);
    std::thread::spawn(move || {
        let mut edits = 0;
        while !stop.load(Ordering::Relaxed) {
            let text = format!("{report_text}\n负载测试第 {edits} 次修改。\n");
            std::fs::write(&report, text).unwrap();
            std::thread::sleep(Duration::from_millis(300));
            std::fs::write(&data, &broken).unwrap();
            std::thread::sleep(Duration::from_millis(300));
            std::fs::write(&data, &data_text).unwrap();
            std::thread::sleep(Duration::from_millis(300));
            edits += 3;
        }
        edits
    })
}

/// A visitor who opens a page every 200 ms: every one must come back, fast enough to be usable.
fn visitor(url: String, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<(usize, Duration)> {
    std::thread::spawn(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(5)))
            .build()
            .into();
        let (mut visits, mut slowest) = (0, Duration::ZERO);
        while !stop.load(Ordering::Relaxed) {
            let start = Instant::now();
            let response = agent.get(&format!("{url}jiahe/2020/index.html")).call();
            let status = response.map(|r| r.status().as_u16());
            assert!(
                matches!(status, Ok(200)),
                "a visitor was locked out: {status:?}"
            );
            slowest = slowest.max(start.elapsed());
            visits += 1;
            std::thread::sleep(Duration::from_millis(200));
        }
        (visits, slowest)
    })
}

/// The numbers of wrk's RESULT line.
fn result_field(line: &str, name: &str) -> f64 {
    line.split_whitespace()
        .find_map(|f| f.strip_prefix(&format!("{name}=")))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {name} in {line}"))
}

/// One round: the idle crowd, the editor and the visitor around 10,000 wrk requests.
fn round(server: &Server, site: &Site, number: usize) -> String {
    let crowd = IdleCrowd::start(server.address());
    let stop = Arc::new(AtomicBool::new(false));
    let edits = editor(site, stop.clone());
    let visits = visitor(server.url.clone(), stop.clone());
    let threads = 2;
    let start = Instant::now();
    let mut wrk = Command::new("wrk")
        .args(["-t", &threads.to_string(), "-c", &CONNECTIONS.to_string()])
        .args(["-d", "300s", "--timeout", "10s", "-s"])
        .arg(script(site.root(), threads))
        .arg(&server.url)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = String::new();
    let mut done = 0;
    for line in BufReader::new(wrk.stdout.take().unwrap())
        .lines()
        .map_while(Result::ok)
    {
        if line == "THREAD-DONE" {
            done += 1;
            if done == threads {
                // Every thread has its answers: interrupt wrk, which then prints its totals.
                let interrupted = Command::new("kill")
                    .args(["-INT", &wrk.id().to_string()])
                    .status()
                    .unwrap();
                assert!(interrupted.success());
            }
        }
        stdout.push_str(&line);
        stdout.push('\n');
    }
    let out = wrk.wait_with_output().unwrap();
    let elapsed = start.elapsed();
    stop.store(true, Ordering::Relaxed);
    let edits = edits.join().unwrap();
    let (visits, slowest) = visits.join().expect("the visitor always got in");
    let reopened = crowd.reopened.load(Ordering::Relaxed);
    let idle = crowd.stop();
    assert!(
        out.status.success(),
        "wrk: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = stdout
        .lines()
        .find(|l| l.starts_with("RESULT "))
        .unwrap_or_else(|| panic!("no RESULT from wrk: {stdout}"))
        .to_string();
    let requests = result_field(&line, "requests") as usize;
    assert!(requests >= REQUESTS, "{line}");
    // status: answers other than 2xx and 3xx.
    for error in ["connect", "read", "write", "status", "timeout"] {
        assert_eq!(result_field(&line, error), 0.0, "{error} errors: {line}");
    }
    format!(
        "round {number}: {line} ({:.0} requests/s); {edits} edits; {visits} visits, slowest {} ms; {idle} idle connections, {reopened} reopened after the server closed them",
        requests as f64 / elapsed.as_secs_f64(),
        slowest.as_millis()
    )
}

#[test]
fn serve_under_load_with_edits_and_idle_connections() {
    if !wrk_ready() {
        return;
    }
    // 2,000 idle sockets and wrk's 50 in this process and its children.
    let files = rlimit::increase_nofile_limit(8_192).unwrap();
    assert!(
        files >= (IDLE + CONNECTIONS + 200) as u64,
        "the hard file limit ({files}) is too low for {IDLE} idle connections"
    );
    let site = Site::example();
    let server = Server::start(&site, &["--debounce", "50"]);
    let pid = server.child.id();
    // Warm up: every page once.
    assert_eq!(server.get("jiahe/2020/index.html").0, 200);
    let before = rss_kib(pid);
    let mut after = Vec::new();
    for number in 1..=3 {
        println!("{}", round(&server, &site, number));
        after.push(rss_kib(pid));
    }
    println!("VmRSS of serve: {before} KiB at the start, {after:?} KiB after each round");
    // Stable: a round holds no more than the one before (allowing for allocator slack); a leak
    // per request or per connection (10,000 requests and over 2,000 connections a round) would show.
    for pair in after.windows(2) {
        assert!(
            pair[1] <= pair[0] + pair[0] / 5 + 8 * 1024,
            "memory grew from {} KiB to {} KiB",
            pair[0],
            pair[1]
        );
    }
    assert_eq!(server.get("index.html").0, 200);
}

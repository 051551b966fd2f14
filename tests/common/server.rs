//! A running `nianbao serve` for the end-to-end tests: the real binary on a site, its address,
//! and a client on its reload endpoint.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::{BIN, Site};

pub const WAIT: Duration = Duration::from_secs(30);

/// A running `nianbao serve`, stopped when dropped.
pub struct Server {
    pub child: Child,
    pub url: String,
    pub events: mpsc::Receiver<(String, String)>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into()
}

impl Server {
    pub fn start(site: &Site, extra: &[&str]) -> Server {
        Server::spawn(site, extra, |_| {})
    }

    /// Starts serve with a command adjusted by `configure` (a lower file limit, say).
    pub fn spawn(site: &Site, extra: &[&str], configure: impl FnOnce(&mut Command)) -> Server {
        let mut command = Command::new(BIN);
        command
            .arg("--root")
            .arg(site.root())
            .args(["serve", "--port", "0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        configure(&mut command);
        let mut child = command.spawn().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            // Drain stderr so the server never blocks on a full pipe.
            for _ in BufReader::new(stderr).lines().map_while(Result::ok) {}
        });
        let line = rx.recv_timeout(WAIT).expect("serve printed its address");
        let url = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('（').next())
            .map(|u| format!("http://{u}"))
            .unwrap_or_else(|| panic!("no URL in {line:?}"));
        // Listen on the reload endpoint like an open page does.
        let erx = listen(&url);
        let server = Server {
            child,
            url,
            events: erx,
        };
        server.wait_for("hello");
        server
    }

    /// host:port of the server.
    pub fn address(&self) -> String {
        self.url
            .trim_start_matches("http://")
            .split('/')
            .next()
            .unwrap()
            .to_string()
    }

    /// Sends `request` as raw bytes on a new connection; the whole answer up to its close.
    pub fn raw(&self, request: &[u8]) -> String {
        let mut stream = TcpStream::connect(self.address()).unwrap();
        stream.set_read_timeout(Some(WAIT)).unwrap();
        stream.write_all(request).unwrap();
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        String::from_utf8_lossy(&answer).into_owned()
    }

    /// A GET with a given Host header; the status line, headers and body.
    pub fn get_as(&self, host: &str, path: &str) -> String {
        self.raw(
            format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes(),
        )
    }

    pub fn get(&self, path: &str) -> (u16, String) {
        let (status, body) = self.get_bytes(path);
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    /// A GET; the status and the body's bytes as served.
    pub fn get_bytes(&self, path: &str) -> (u16, Vec<u8>) {
        let mut response = agent().get(&format!("{}{path}", self.url)).call().unwrap();
        let status = response.status().as_u16();
        (
            status,
            response.body_mut().read_to_vec().unwrap_or_default(),
        )
    }

    /// Waits for the next event of this name, skipping others; returns its data.
    pub fn wait_for(&self, name: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.events.recv_timeout(left) {
                Ok((event, data)) if event == name => return data,
                Ok(_) => continue,
                Err(_) => panic!("no {name} event within {WAIT:?}"),
            }
        }
    }
}

/// Listens on the reload endpoint of a server; yields (event, data) pairs.
pub fn listen(url: &str) -> mpsc::Receiver<(String, String)> {
    let (tx, rx) = mpsc::channel();
    let events_url = format!("{url}__nianbao/events");
    std::thread::spawn(move || {
        let Ok(response) = agent().get(&events_url).call() else {
            return;
        };
        let reader = BufReader::new(response.into_body().into_reader());
        let mut event = String::new();
        for line in reader.lines().map_while(Result::ok) {
            if let Some(name) = line.strip_prefix("event: ") {
                event = name.to_string();
            } else if let Some(data) = line.strip_prefix("data: ") {
                let _ = tx.send((event.clone(), data.to_string()));
            }
        }
    });
    rx
}

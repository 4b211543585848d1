//! The real `trustatlas serve` on a temporary copy of the bundled registry, and plain-TCP
//! clients for it (tests/serve.rs, tests/serve_hostile.rs).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Generous: a debug build on a loaded 2-core CI machine. The whole test takes about a second.
pub const WAIT: Duration = Duration::from_secs(20);

pub const VENDOR: &str = "content/vendors/alibaba-cloud.md";

/// The server process, stopped (and reaped) however the test ends.
pub struct Server {
    pub child: Child,
    pub addr: String,
    _stderr: mpsc::Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A copy of the bundled registry (its content and theme) in a temporary folder.
pub fn site_copy() -> tempfile::TempDir {
    super::registry_copy(&["content", "themes"])
}

pub fn start(root: &Path) -> Server {
    start_with(root, &[])
}

pub fn start_with(root: &Path, flags: &[&str]) -> Server {
    start_env(root, flags, &[])
}

/// `start_with`, with more environment variables for the server.
pub fn start_env(root: &Path, flags: &[&str], env: &[(&str, &str)]) -> Server {
    let mut child = super::trustatlas()
        .args(["serve", "--port", "0", "--root"])
        .arg(root)
        .args(flags)
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start trustatlas serve");
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in stdout.lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    // Keep stderr drained (diagnostics go there) so the server never blocks on it.
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let (etx, erx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in stderr.lines().map_while(Result::ok) {
            let _ = etx.send(line);
        }
    });
    let line = rx.recv_timeout(WAIT).expect("serve prints its URL");
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in {line:?}"));
    let addr = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    assert!(
        addr.starts_with("127.0.0.1:"),
        "binds to loopback by default: {addr}"
    );
    Server {
        child,
        addr,
        _stderr: erx,
    }
}

pub struct Reply {
    pub status: u16,
    pub head: String,
    pub body: String,
}

/// One request over a fresh connection, the request target sent exactly as given.
pub fn request(addr: &str, method: &str, target: &str) -> Reply {
    send(
        addr,
        &format!("{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    )
}

/// Sends `head` as it is over a fresh connection and reads the reply to its end.
pub fn send(addr: &str, head: &str) -> Reply {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(WAIT)).unwrap();
    s.write_all(head.as_bytes()).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    parse_reply(&raw)
}

/// Status, head and body of a raw HTTP response.
pub fn parse_reply(raw: &[u8]) -> Reply {
    let text = String::from_utf8_lossy(raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {head:?}"));
    Reply {
        status,
        head: head.to_string(),
        body: body.to_string(),
    }
}

pub fn get(addr: &str, target: &str) -> Reply {
    request(addr, "GET", target)
}

/// An open `/__livereload` stream, as a page's `EventSource` holds it.
pub struct Events {
    lines: BufReader<TcpStream>,
}

impl Events {
    pub fn open(addr: &str) -> (Events, String) {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(WAIT)).unwrap();
        write!(
            s,
            "GET /__livereload HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        let mut ev = Events {
            lines: BufReader::new(s),
        };
        let mut status = String::new();
        ev.lines.read_line(&mut status).unwrap();
        assert!(status.starts_with("HTTP/1.1 200"), "{status}");
        let first = ev.next_data();
        (ev, first)
    }

    /// The data of the next message (comments and other fields skipped).
    pub fn next_data(&mut self) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            assert!(Instant::now() < deadline, "no reload event in time");
            let mut line = String::new();
            let n = self.lines.read_line(&mut line).expect("reload stream read");
            assert!(n > 0, "reload stream closed");
            if let Some(d) = line.strip_prefix("data: ") {
                return d.trim_end().to_string();
            }
        }
    }
}

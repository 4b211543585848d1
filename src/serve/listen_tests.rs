//! The front's limits, in process: the connection cap, the queue cap, a panicking handler,
//! and the bytes of a response head. The hostile-client tests drive the real binary
//! (tests/serve_hostile.rs).

use std::io::{BufRead, BufReader};
use std::sync::mpsc::channel;

use super::*;

#[test]
fn dates_are_imf_fixdate() {
    let t = UNIX_EPOCH + Duration::from_secs(1_795_305_600 + 3_723);
    assert_eq!(http_date(t), "Sun, 22 Nov 2026 01:02:03 GMT");
    assert_eq!(http_date(UNIX_EPOCH), "Thu, 01 Jan 1970 00:00:00 GMT");
}

#[test]
fn heads_carry_no_split_lines_and_own_their_framing() {
    let headers = vec![
        ("X-Ok".to_string(), "1".to_string()),
        ("X-Bad".to_string(), "a\r\nSet-Cookie: x=1".to_string()),
        ("Content-Length".to_string(), "999".to_string()),
        ("Connection".to_string(), "keep-alive".to_string()),
    ];
    let text = String::from_utf8(response_head(304, &headers, None)).unwrap();
    assert!(text.starts_with("HTTP/1.1 304 Not Modified\r\nX-Ok: 1\r\nDate: "));
    assert!(!text.contains("Set-Cookie") && !text.contains("999"));
    assert!(!text.contains("Content-Length"));
    assert!(text.ends_with("\r\nConnection: close\r\n\r\n"));
    let text = String::from_utf8(response_head(200, &[], Some(5))).unwrap();
    assert!(text.contains("\r\nContent-Length: 5\r\n"));
}

/// A server on a free loopback port whose handler answers 200 "ok", after `before` ran.
fn server(limits: Limits, before: impl Fn(&Head) + Send + Sync + 'static) -> (String, Running) {
    let l = Listener::bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = l.local_addr();
    let handler: Arc<Handler> = Arc::new(move |head: Head, stream: TcpStream| {
        before(&head);
        let _ = respond(stream, 200, &[], b"ok", false, Duration::from_secs(5));
    });
    let running = l.serve(limits, Hosts::new(addr, &[]), handler).unwrap();
    (addr.to_string(), running)
}

fn open(addr: &str, text: &str) -> TcpStream {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(text.as_bytes()).unwrap();
    s
}

fn get(addr: &str, target: &str) -> TcpStream {
    open(
        addr,
        &format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\n\r\n"),
    )
}

fn status(s: &TcpStream) -> u16 {
    let mut line = String::new();
    BufReader::new(s).read_line(&mut line).unwrap();
    line.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

#[test]
fn over_the_connection_cap_is_503_at_once_and_a_closed_one_frees_its_place() {
    let limits = Limits {
        connections: 3,
        ..Limits::default()
    };
    let (addr, running) = server(limits, |_| {});
    let mut idle: Vec<TcpStream> = (0..3).map(|_| open(&addr, "")).collect();
    thread::sleep(Duration::from_millis(50));
    assert_eq!(status(&get(&addr, "/")), 503);
    drop(idle.pop());
    // The server notices the close on its next event; allow it a moment.
    let deadline = Instant::now() + Duration::from_secs(5);
    while status(&get(&addr, "/")) != 200 {
        assert!(Instant::now() < deadline, "the freed place was not reused");
        thread::sleep(Duration::from_millis(20));
    }
    running.stop();
}

#[test]
fn a_full_queue_is_503_and_a_panicking_handler_keeps_its_worker() {
    let limits = Limits {
        workers: 1,
        queue: 1,
        ..Limits::default()
    };
    let (started_tx, started) = channel::<()>();
    let (release, release_rx) = channel::<()>();
    let (started_tx, release_rx) = (Mutex::new(started_tx), Mutex::new(release_rx));
    let (addr, running) = server(limits, move |head| match head.target.as_str() {
        "/block" => {
            let _ = started_tx.lock().unwrap().send(());
            let _ = release_rx.lock().unwrap().recv();
        }
        "/panic" => panic!("a bug in one answer"),
        _ => {}
    });
    let blocked = get(&addr, "/block");
    started.recv_timeout(Duration::from_secs(5)).unwrap();
    let queued = get(&addr, "/queued");
    thread::sleep(Duration::from_millis(50));
    assert_eq!(status(&get(&addr, "/over")), 503);
    release.send(()).unwrap();
    assert_eq!(status(&blocked), 200);
    assert_eq!(status(&queued), 200);
    let panicked = get(&addr, "/panic");
    let mut rest = Vec::new();
    let _ = (&panicked).read_to_end(&mut rest);
    assert_eq!(
        status(&get(&addr, "/after")),
        200,
        "the only worker survived"
    );
    running.stop();
}

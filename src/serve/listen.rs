//! The dev server's HTTP/1.1 front: accepts connections, reads and judges each request head
//! under size and time limits, and hands only sound GET/HEAD requests to a fixed pool of
//! worker threads. Every response closes its connection.
//!
//! ```text
//!  accept ─▶ event loop (one thread, mio): read head ≤ limits ─▶ judge ─▶ queue ─▶ workers
//!             │ too big / too slow / body / foreign Host            (bounded)   │ respond
//!             └─▶ short error, close                                            └─ or keep as
//!                                                                                 event stream
//! ```
//!
//! Why not tiny_http 0.12, which the first design used: it cannot be made safe from outside.
//! Its `Server` accepts on its own thread and gives each connection a thread from a pool with
//! no upper bound; it reads heads with no size or time limit; and a `Request` whose declared
//! body was not read allocates the whole declared length when dropped (`EqualReader`,
//! upstream tiny-http PR #290), so `Content-Length: 99999999999999` aborts the process. A
//! wrapper would have to read and judge the head first, and tiny_http offers no way to take
//! over a connection or a parsed request (`Server::from_listener` owns the accept loop,
//! `new_request` is private, `TestRequest` answers into `io::sink()`): only a second hop over
//! a private socket would do, doubling threads and sockets per connection, and that socket
//! must be unreachable by anyone else, which on Windows (no Unix sockets in std) it cannot
//! be, while a loopback port reached directly brings every problem back. What tiny_http
//! would still add behind such a front is writing a status line and headers; the event
//! stream was already written by hand. So the front is the server.
//!
//! A connection still sending its head costs no thread: the event loop holds at most
//! [`Limits::connections`] of them, each with a deadline from the moment it was accepted, so
//! idle or trickling clients are closed on time and never hold a worker. Workers only answer
//! from memory; a client too slow to take its answer is cut off at [`Limits::write_timeout`].

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use mio::net::{TcpListener, TcpStream as MioStream};
use mio::{Events, Interest, Poll, Token, Waker};

use super::head::{self, Head, Hosts, Refusal};

const LISTENER: Token = Token(0);
const WAKER: Token = Token(1);

/// How long a refused connection is drained before it is closed, so the client reads the
/// refusal instead of a reset (closing with unread input sends RST on most systems).
const LINGER: Duration = Duration::from_millis(500);

/// Most bytes read from one connection per readiness event, so one fast client cannot keep
/// the event loop from the others (each new arrival raises a new event).
const READ_BURST: usize = 256 * 1024;

/// Most connections accepted per readiness event, for the same reason.
const ACCEPT_BURST: usize = 64;

/// The bounds every connection lives within.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest request head. Browsers send under 2 KiB, but every dev server on localhost
    /// shares its cookies, which is why Node's 16 KiB default is too small in practice.
    pub head_bytes: usize,
    /// From accepting a connection to the end of its head.
    pub head_timeout: Duration,
    /// To write one whole response.
    pub write_timeout: Duration,
    /// Connections still sending their head (or being refused); more are answered 503.
    pub connections: usize,
    /// Threads answering requests.
    pub workers: usize,
    /// Judged requests waiting for a worker; more are answered 503.
    pub queue: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            head_bytes: 64 * 1024,
            head_timeout: Duration::from_secs(10),
            write_timeout: Duration::from_secs(10),
            connections: 512,
            workers: 4,
            queue: 64,
        }
    }
}

impl Limits {
    /// The defaults, with the head timeout taken from `TRUSTATLAS_SERVE_HEAD_TIMEOUT_MS` when
    /// set: the hostile-client tests use a short one instead of waiting 10 s.
    pub fn from_env() -> Limits {
        let mut limits = Limits::default();
        if let Some(ms) = std::env::var("TRUSTATLAS_SERVE_HEAD_TIMEOUT_MS")
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
        {
            limits.head_timeout = Duration::from_millis(ms.max(1));
        }
        limits
    }
}

/// Answers one judged request on a worker thread; owns the connection (an event stream
/// keeps it).
pub type Handler = dyn Fn(Head, TcpStream) + Send + Sync;

/// A bound listener, not yet serving: binding first reports a taken port before the first
/// build.
pub struct Listener {
    listener: TcpListener,
    addr: SocketAddr,
}

impl Listener {
    pub fn bind(addr: SocketAddr) -> io::Result<Listener> {
        let std = std::net::TcpListener::bind(addr)?;
        std.set_nonblocking(true)?;
        let addr = std.local_addr()?;
        Ok(Listener {
            listener: TcpListener::from_std(std),
            addr,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Starts the event loop and the workers, answering the hosts in `hosts`.
    pub fn serve(
        mut self,
        limits: Limits,
        hosts: Hosts,
        handler: Arc<Handler>,
    ) -> io::Result<Running> {
        let poll = Poll::new()?;
        let waker = Arc::new(Waker::new(poll.registry(), WAKER)?);
        let stop = Arc::new(AtomicBool::new(false));
        poll.registry()
            .register(&mut self.listener, LISTENER, Interest::READABLE)?;
        let (tx, rx) = mpsc::sync_channel::<(Head, TcpStream)>(limits.queue);
        let rx = Arc::new(Mutex::new(rx));
        for _ in 0..limits.workers.max(1) {
            let (rx, handler) = (rx.clone(), handler.clone());
            thread::spawn(move || work(&rx, &*handler));
        }
        let event_loop = EventLoop {
            poll,
            listener: self.listener,
            limits,
            hosts,
            stop: stop.clone(),
            conns: HashMap::new(),
            next: 2,
            backlog: false,
            tx,
        };
        let thread = thread::spawn(move || event_loop.run());
        Ok(Running {
            stop,
            waker,
            thread,
        })
    }
}

/// The serving threads; [`Running::stop`] ends them.
pub struct Running {
    stop: Arc<AtomicBool>,
    waker: Arc<Waker>,
    thread: JoinHandle<()>,
}

impl Running {
    /// Stops accepting and closes every connection still sending its head. Workers finish
    /// the answer they are writing and then end with the queue; they are not waited for, so
    /// a client that reads slowly cannot hold up Ctrl-C.
    pub fn stop(self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = self.waker.wake();
        let _ = self.thread.join();
    }
}

fn work(rx: &Mutex<Receiver<(Head, TcpStream)>>, handler: &Handler) {
    loop {
        // The lock is held only while waiting for the next request.
        let next = rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
        let Ok((head, stream)) = next else {
            return;
        };
        // A bug in answering one request must not take a worker away from the others.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handler(head, stream)));
    }
}

/// A connection the event loop holds: still sending its head, or being refused.
struct Pending {
    stream: MioStream,
    buf: Vec<u8>,
    deadline: Instant,
    /// Refused: the answer is written and input is drained until `deadline`.
    closing: bool,
}

struct EventLoop {
    poll: Poll,
    listener: TcpListener,
    limits: Limits,
    hosts: Hosts,
    stop: Arc<AtomicBool>,
    conns: HashMap<Token, Pending>,
    next: usize,
    /// Accepting failed (out of file descriptors?): try again shortly, not only when the
    /// next connection arrives.
    backlog: bool,
    tx: SyncSender<(Head, TcpStream)>,
}

/// What reading a connection's input led to.
enum Step {
    Wait,
    Close,
    Refuse(Refusal),
    Ready(Head),
}

impl EventLoop {
    fn run(mut self) {
        let mut events = Events::with_capacity(256);
        while !self.stop.load(Ordering::SeqCst) {
            let now = Instant::now();
            let timeout = self
                .conns
                .values()
                .map(|c| c.deadline.saturating_duration_since(now))
                .chain(self.backlog.then_some(Duration::from_millis(10)))
                .min();
            if let Err(e) = self.poll.poll(&mut events, timeout) {
                if e.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                eprintln!("error: the dev server stopped listening: {e}");
                return;
            }
            for ev in &events {
                match ev.token() {
                    LISTENER => self.accept(),
                    WAKER => {}
                    token => self.ready(token),
                }
            }
            self.expire();
            if self.backlog {
                self.accept();
            }
        }
    }

    fn accept(&mut self) {
        self.backlog = false;
        for _ in 0..ACCEPT_BURST {
            match self.listener.accept() {
                Ok((mut stream, _)) => {
                    if self.conns.len() >= self.limits.connections {
                        refuse_now(&mut stream, &Refusal::busy("connections"));
                        continue;
                    }
                    let token = Token(self.next);
                    self.next += 1;
                    if self
                        .poll
                        .registry()
                        .register(&mut stream, token, Interest::READABLE)
                        .is_ok()
                    {
                        self.conns.insert(
                            token,
                            Pending {
                                stream,
                                buf: Vec::new(),
                                deadline: Instant::now() + self.limits.head_timeout,
                                closing: false,
                            },
                        );
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                // Out of file descriptors and the like: the connection stays in the
                // backlog; give the pending ones a chance to finish first.
                Err(_) => {
                    self.backlog = true;
                    return;
                }
            }
        }
        // More may be waiting: serve the others first, then come back.
        self.backlog = true;
    }

    fn ready(&mut self, token: Token) {
        let Some(conn) = self.conns.get_mut(&token) else {
            return;
        };
        let step = if conn.closing {
            drain(conn)
        } else {
            read_head(conn, self.limits.head_bytes)
        };
        match step {
            Step::Wait => {}
            Step::Close => self.drop_conn(token),
            Step::Refuse(r) => self.refuse(token, &r),
            Step::Ready(head) => match head::judge(&head, &self.hosts) {
                Err(r) => self.refuse(token, &r),
                Ok(()) => self.dispatch(token, head),
            },
        }
    }

    /// Hands a judged request to a worker, as a blocking std stream.
    fn dispatch(&mut self, token: Token, head: Head) {
        let Some(mut conn) = self.conns.remove(&token) else {
            return;
        };
        let _ = self.poll.registry().deregister(&mut conn.stream);
        let stream = TcpStream::from(conn.stream);
        if stream.set_nonblocking(false).is_err() {
            return;
        }
        match self.tx.try_send((head, stream)) {
            Ok(()) => {}
            Err(TrySendError::Full((_, mut stream))) => {
                let _ = stream.set_write_timeout(Some(Duration::from_millis(200)));
                let _ = write_refusal(&mut stream, &Refusal::busy("requests"));
                let _ = stream.shutdown(Shutdown::Write);
            }
            Err(TrySendError::Disconnected(_)) => {}
        }
    }

    /// Writes the refusal (best effort: a fresh socket's buffer takes a short answer at
    /// once), then drains input for [`LINGER`] before closing.
    fn refuse(&mut self, token: Token, r: &Refusal) {
        let Some(conn) = self.conns.get_mut(&token) else {
            return;
        };
        let _ = write_refusal(&mut conn.stream, r);
        let _ = conn.stream.shutdown(Shutdown::Write);
        conn.closing = true;
        conn.buf = Vec::new();
        conn.deadline = Instant::now() + LINGER;
        // Input already waiting raises no new event: drain it now.
        if let Step::Close = drain(conn) {
            self.drop_conn(token);
        }
    }

    fn drop_conn(&mut self, token: Token) {
        if let Some(mut conn) = self.conns.remove(&token) {
            let _ = self.poll.registry().deregister(&mut conn.stream);
        }
    }

    /// Heads not finished in time get a 408; refused connections done lingering are closed.
    fn expire(&mut self) {
        let now = Instant::now();
        let due: Vec<(Token, bool)> = self
            .conns
            .iter()
            .filter(|(_, c)| c.deadline <= now)
            .map(|(t, c)| (*t, c.closing))
            .collect();
        for (token, closing) in due {
            if closing {
                self.drop_conn(token);
            } else {
                self.refuse(token, &Refusal::timeout());
            }
        }
    }
}

/// Reads what arrived (until the socket would block, as edge-triggered polling needs) and
/// looks for the end of the head.
fn read_head(conn: &mut Pending, limit: usize) -> Step {
    let mut chunk = [0u8; 4096];
    // Bounded by `limit`: past it the head is refused.
    loop {
        match conn.stream.read(&mut chunk) {
            Ok(0) => return Step::Close,
            Ok(n) => {
                if conn.buf.is_empty() && !head::is_token(chunk[0]) {
                    return Step::Refuse(Refusal::not_http());
                }
                let from = conn.buf.len().saturating_sub(3);
                conn.buf.extend_from_slice(&chunk[..n]);
                if let Some(end) = head::end_of_head(&conn.buf[from..]) {
                    let end = from + end;
                    if end > limit {
                        return Step::Refuse(Refusal::too_large(limit));
                    }
                    return match head::parse(&conn.buf[..end]) {
                        Ok(h) => Step::Ready(h),
                        Err(r) => Step::Refuse(r),
                    };
                }
                if conn.buf.len() > limit {
                    return Step::Refuse(Refusal::too_large(limit));
                }
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Step::Wait,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return Step::Close,
        }
    }
}

/// Discards input from a refused connection until the client closes it (at most
/// [`READ_BURST`] bytes per event; the linger deadline ends it in any case).
fn drain(conn: &mut Pending) -> Step {
    let mut chunk = [0u8; 16 * 1024];
    let mut read = 0;
    loop {
        match conn.stream.read(&mut chunk) {
            Ok(0) => return Step::Close,
            Ok(n) => {
                read += n;
                if read >= READ_BURST {
                    return Step::Wait;
                }
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Step::Wait,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return Step::Close,
        }
    }
}

/// Over capacity: a short 503 and close, without holding the connection.
fn refuse_now(stream: &mut MioStream, r: &Refusal) {
    let _ = write_refusal(stream, r);
    let _ = stream.shutdown(Shutdown::Write);
}

fn write_refusal(w: &mut impl Write, r: &Refusal) -> io::Result<()> {
    let mut text = r.text.clone();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    let headers = [
        (
            "Content-Type".to_string(),
            "text/plain; charset=utf-8".to_string(),
        ),
        ("Cache-Control".to_string(), "no-store".to_string()),
        ("X-Content-Type-Options".to_string(), "nosniff".to_string()),
    ];
    w.write_all(&response_head(r.status, &headers, Some(text.len())))?;
    w.write_all(text.as_bytes())
}

/// Writes a whole response within `timeout`, then closes the connection. `head_only` (a
/// HEAD request) sends the length of the body but not the body.
pub fn respond(
    mut stream: TcpStream,
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
    head_only: bool,
    timeout: Duration,
) -> io::Result<()> {
    let deadline = Instant::now() + timeout;
    let bodyless = matches!(status, 100..=199 | 204 | 304);
    let length = (!bodyless).then_some(body.len());
    let mut out = response_head(status, headers, length);
    let send_body = !head_only && !bodyless;
    // Small answers go out in one write; large bodies are sent in pieces, each under the
    // time that remains.
    if send_body && body.len() <= 16 * 1024 {
        out.extend_from_slice(body);
    }
    write_by(&mut stream, &out, deadline)?;
    if send_body && body.len() > 16 * 1024 {
        for piece in body.chunks(64 * 1024) {
            write_by(&mut stream, piece, deadline)?;
        }
    }
    stream.shutdown(Shutdown::Write)
}

fn write_by(stream: &mut TcpStream, bytes: &[u8], deadline: Instant) -> io::Result<()> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(io::ErrorKind::TimedOut.into());
    }
    stream.set_write_timeout(Some(left))?;
    stream.write_all(bytes)
}

/// Status line and headers. Header lines that could split the response (CR or LF in a name
/// or value, e.g. from a site's `_headers`) are left out, as are framing headers this
/// function owns.
pub fn response_head(status: u16, headers: &[(String, String)], length: Option<usize>) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (k, v) in headers {
        let framing = ["content-length", "connection", "transfer-encoding", "date"]
            .iter()
            .any(|f| k.eq_ignore_ascii_case(f));
        let unsafe_text = |s: &str| s.contains(['\r', '\n', '\0']);
        if framing || k.is_empty() || unsafe_text(k) || unsafe_text(v) {
            continue;
        }
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str(&format!("Date: {}\r\n", http_date(SystemTime::now())));
    if let Some(n) = length {
        out.push_str(&format!("Content-Length: {n}\r\n"));
    }
    out.push_str("Connection: close\r\n\r\n");
    out.into_bytes()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

/// RFC 9110's IMF-fixdate, e.g. `Tue, 01 Dec 2026 09:30:00 GMT`.
fn http_date(t: SystemTime) -> String {
    let secs = t
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let day = crate::date::Day::from_unix_seconds(secs);
    let (y, m, d) = day.to_ymd();
    // 1970-01-01 was a Thursday.
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][day.0.rem_euclid(7) as usize];
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][usize::from(m) - 1];
    let s = secs.rem_euclid(86_400);
    format!(
        "{weekday}, {d:02} {month} {y} {:02}:{:02}:{:02} GMT",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

#[cfg(test)]
#[path = "listen_tests.rs"]
mod tests;

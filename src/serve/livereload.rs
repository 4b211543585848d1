//! Live reload over Server-Sent Events: every open page holds an `EventSource` on
//! `/__livereload`; after each rebuild the server sends the new state and the page reloads.
//!
//! The stream is written by hand on the raw connection: status line, headers, then one
//! `data:` line per event, each flushed. A stream holds no thread, only its socket; the hub
//! keeps at most [`MAX_STREAMS`] of them, apart from the connections being answered. A client
//! that went away is noticed on the next write (a comment every [`PING_EVERY`] makes sure
//! that happens) and dropped, as is one whose socket is full: streams are non-blocking, so a
//! page that stops reading cannot stall the others.

use std::io::Write;
use std::net::TcpStream;
use std::sync::Mutex;
use std::time::Duration;

/// The script every served HTML page loads (see `livereload.js`).
pub const SCRIPT: &str = include_str!("livereload.js");

/// How often idle streams get a comment line, so dead connections are found and closed.
pub const PING_EVERY: Duration = Duration::from_secs(15);

/// Open streams at most: one per open tab is plenty for any editor's session.
pub const MAX_STREAMS: usize = 64;

/// One page's connection.
pub trait Stream: Write + Send {
    /// True when the page has closed its end (checked only when the hub is full).
    fn closed(&mut self) -> bool {
        false
    }
}

/// The server hands streams over non-blocking: a page whose socket is full (it stopped
/// reading) fails the write and is dropped, instead of stalling the broadcast to the others.
impl Stream for TcpStream {
    fn closed(&mut self) -> bool {
        // The page never sends anything on this connection, so readable means end of file
        // or an error.
        match self.peek(&mut [0u8]) {
            Ok(n) => n == 0,
            Err(e) => e.kind() != std::io::ErrorKind::WouldBlock,
        }
    }
}

type Client = Box<dyn Stream>;

/// All connected pages.
pub struct Hub {
    clients: Mutex<Vec<Client>>,
    cap: usize,
}

impl Default for Hub {
    fn default() -> Hub {
        Hub::new(MAX_STREAMS)
    }
}

impl Hub {
    pub fn new(cap: usize) -> Hub {
        Hub {
            clients: Mutex::new(Vec::new()),
            cap,
        }
    }

    /// Takes over a connection that asked for `/__livereload`: answers with the event-stream
    /// headers and the current state, then keeps it for later events. When [`MAX_STREAMS`]
    /// pages are still connected, gives the connection back.
    pub fn add<C: Stream + 'static>(&self, mut conn: C, state: &str) -> Result<(), C> {
        let mut clients = self.lock();
        if clients.len() >= self.cap {
            clients.retain_mut(|c| !c.closed());
            if clients.len() >= self.cap {
                return Err(conn);
            }
        }
        let head = "HTTP/1.1 200 OK\r\n\
                    Content-Type: text/event-stream; charset=utf-8\r\n\
                    Cache-Control: no-store\r\n\
                    X-Content-Type-Options: nosniff\r\n\
                    Connection: close\r\n\r\n";
        let first = format!("{head}retry: 1000\ndata: {state}\n\n");
        if conn
            .write_all(first.as_bytes())
            .and_then(|()| conn.flush())
            .is_ok()
        {
            clients.push(Box::new(conn));
        }
        Ok(())
    }

    /// Sends `data` (one line) as an event of type `event` (`None`: a plain message) to every
    /// page; returns how many received it.
    pub fn send(&self, event: Option<&str>, data: &str) -> usize {
        debug_assert!(!data.contains('\n'));
        let mut msg = String::new();
        if let Some(e) = event {
            msg.push_str(&format!("event: {e}\n"));
        }
        msg.push_str(&format!("data: {data}\n\n"));
        self.write_all(msg.as_bytes())
    }

    /// A comment line: invisible to pages, but a write to a closed connection fails.
    pub fn ping(&self) -> usize {
        self.write_all(b": ping\n\n")
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Closes every stream (on shutdown).
    pub fn close_all(&self) {
        self.lock().clear();
    }

    fn write_all(&self, bytes: &[u8]) -> usize {
        let mut clients = self.lock();
        clients.retain_mut(|c| c.write_all(bytes).and_then(|()| c.flush()).is_ok());
        clients.len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Client>> {
        // A panic while holding the lock cannot leave the list half-updated in a way that
        // matters: keep serving.
        self.clients.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    /// A connection that records what was written, or fails every write.
    #[derive(Clone, Default)]
    struct Conn {
        buf: Arc<Mutex<Vec<u8>>>,
        broken: bool,
        closed: bool,
    }

    impl Stream for Conn {
        fn closed(&mut self) -> bool {
            self.closed
        }
    }

    impl Write for Conn {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            if self.broken {
                return Err(std::io::ErrorKind::BrokenPipe.into());
            }
            self.buf.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Conn {
        fn text(&self) -> String {
            String::from_utf8(self.buf.lock().unwrap().clone()).unwrap()
        }
    }

    #[test]
    fn streams_state_then_events_and_drops_dead_clients() {
        let hub = Hub::default();
        let live = Conn::default();
        assert!(hub.add(live.clone(), "3").is_ok());
        let dead = Conn::default();
        assert!(hub.add(dead.clone(), "3").is_ok());
        assert_eq!(hub.len(), 2);
        let text = live.text();
        assert!(text.starts_with("HTTP/1.1 200 OK\r\n"));
        assert!(text.contains("Content-Type: text/event-stream"));
        assert!(!text.contains("Access-Control-Allow-Origin"));
        assert!(text.ends_with("\r\n\r\nretry: 1000\ndata: 3\n\n"));

        // The second page goes away; the next write finds out.
        hub.lock()[1] = Box::new(Conn {
            broken: true,
            ..Conn::default()
        });
        assert_eq!(hub.send(None, "4"), 1);
        assert_eq!(hub.send(Some("css"), "5 /a.css /b.css"), 1);
        assert_eq!(hub.ping(), 1);
        assert!(live
            .text()
            .ends_with("data: 4\n\nevent: css\ndata: 5 /a.css /b.css\n\n: ping\n\n"));
        hub.close_all();
        assert!(hub.is_empty());
    }

    #[test]
    fn a_full_hub_refuses_unless_a_page_has_gone() {
        let hub = Hub::new(2);
        let first = Conn::default();
        assert!(hub.add(first.clone(), "1").is_ok());
        assert!(hub.add(Conn::default(), "1").is_ok());
        assert!(hub.add(Conn::default(), "1").is_err(), "over the cap");
        assert_eq!(hub.len(), 2);
        // The first page closed its end: its place is free again.
        hub.lock()[0] = Box::new(Conn {
            closed: true,
            ..first
        });
        assert!(hub.add(Conn::default(), "1").is_ok());
        assert_eq!(hub.len(), 2);
    }

    #[test]
    fn the_script_is_relative_and_writes_no_markup() {
        assert!(SCRIPT.contains("new EventSource(\"/__livereload\")"));
        assert!(!SCRIPT.contains("http://"));
        assert!(!SCRIPT.contains("innerHTML") && !SCRIPT.contains("eval("));
    }
}

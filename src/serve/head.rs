//! The request head, parsed and judged before anything answers it: a pure function of the
//! bytes, so every refusal (oversized, malformed, a body, a foreign `Host`) is tested without
//! sockets. [`super::listen`] feeds it what a connection sent; only a head that passes reaches
//! the site.

use std::net::{IpAddr, SocketAddr};

/// Most headers one request may carry. Browsers send about 15.
const MAX_HEADERS: usize = 100;

/// A request head that parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub method: String,
    /// The raw request target, as sent.
    pub target: String,
    /// `HTTP/1.x`: 0 or 1.
    pub minor: u8,
    pub headers: Vec<(String, String)>,
}

impl Head {
    /// The first header of that name (names are case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Why a request is answered with an error and the connection closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub status: u16,
    /// One or two plain sentences for whoever reads the response.
    pub text: String,
}

impl Refusal {
    fn new(status: u16, text: impl Into<String>) -> Refusal {
        Refusal {
            status,
            text: text.into(),
        }
    }

    /// The head did not end within `limit` bytes.
    pub fn too_large(limit: usize) -> Refusal {
        Refusal::new(
            431,
            format!(
                "431 Request Header Fields Too Large: the request head is over {} KiB.",
                limit / 1024
            ),
        )
    }

    /// The first byte cannot start a request line: most often a browser speaking TLS to
    /// `https://` on this plain-HTTP port. Said at once, not after the head timeout.
    pub fn not_http() -> Refusal {
        Refusal::new(
            400,
            "400 Bad Request: this is not an HTTP request. The dev server speaks plain \
             http://, not https://.",
        )
    }

    /// The head did not arrive in time.
    pub fn timeout() -> Refusal {
        Refusal::new(408, "408 Request Timeout: the request head took too long.")
    }

    /// Too many connections at once.
    pub fn busy(what: &str) -> Refusal {
        Refusal::new(
            503,
            format!("503 Service Unavailable: too many {what} at once; try again."),
        )
    }
}

/// Where the head ends in `buf` (the index after its blank line), if it has ended. Lines may
/// end in CRLF or, leniently, LF.
pub fn end_of_head(buf: &[u8]) -> Option<usize> {
    let mut i = 0;
    while let Some(n) = buf[i..].iter().position(|&b| b == b'\n') {
        let nl = i + n;
        let next = nl + 1;
        if buf.get(next) == Some(&b'\n') {
            return Some(next + 1);
        }
        if buf.get(next) == Some(&b'\r') && buf.get(next + 1) == Some(&b'\n') {
            return Some(next + 2);
        }
        i = next;
    }
    None
}

/// Parses a complete head (as delimited by [`end_of_head`]).
pub fn parse(bytes: &[u8]) -> Result<Head, Refusal> {
    let bad = |why: &str| Refusal::new(400, format!("400 Bad Request: {why}."));
    let text = String::from_utf8_lossy(bytes);
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let line = lines.next().unwrap_or("");
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad("the request line is not `METHOD TARGET HTTP/1.1`"));
    };
    if method.is_empty() || !method.bytes().all(is_token) || target.is_empty() {
        return Err(bad("the request line is not `METHOD TARGET HTTP/1.1`"));
    }
    let minor = match version {
        "HTTP/1.1" => 1,
        "HTTP/1.0" => 0,
        v if v.starts_with("HTTP/") => {
            return Err(Refusal::new(
                505,
                "505 HTTP Version Not Supported: this server speaks HTTP/1.1 and 1.0.",
            ))
        }
        _ => return Err(bad("the request line is not `METHOD TARGET HTTP/1.1`")),
    };
    let mut headers = Vec::new();
    for line in lines {
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            return Err(bad("a header line is folded"));
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(bad("a header line has no `:`"));
        };
        if name.is_empty() || !name.bytes().all(is_token) {
            return Err(bad("a header name is not a token"));
        }
        if headers.len() == MAX_HEADERS {
            return Err(Refusal::new(
                431,
                format!("431 Request Header Fields Too Large: more than {MAX_HEADERS} headers."),
            ));
        }
        headers.push((name.to_string(), value.trim().to_string()));
    }
    Ok(Head {
        method: method.to_string(),
        target: target.to_string(),
        minor,
        headers,
    })
}

/// Refuses what a static dev server never needs, and any `Host` it was not asked to answer.
pub fn judge(head: &Head, hosts: &Hosts) -> Result<(), Refusal> {
    let mut host = head.all("Host");
    let (Some(name), None) = (host.next(), host.next()) else {
        return Err(Refusal::new(
            400,
            "400 Bad Request: a request needs exactly one Host header.",
        ));
    };
    if !hosts.allows(name) {
        return Err(hosts.refusal(name));
    }
    // A body is never read: refusing it here keeps a huge or never-sent one from holding
    // anything (tiny_http 0.12 allocated the whole declared length to skip it).
    let lengths: Vec<&str> = head.all("Content-Length").collect();
    if lengths
        .iter()
        .any(|l| l.is_empty() || !l.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(Refusal::new(
            400,
            "400 Bad Request: Content-Length is not a number.",
        ));
    }
    let has_body = lengths.iter().any(|l| l.bytes().any(|b| b != b'0'));
    if has_body || head.header("Transfer-Encoding").is_some() {
        return Err(Refusal::new(
            413,
            "413 Content Too Large: this server serves files and accepts no request body.",
        ));
    }
    Ok(())
}

/// Whether `b` may appear in a method or header name (RFC 9110 `tchar`).
pub fn is_token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// The `Host` values the server answers: a defence against DNS rebinding, where a page on
/// another site points its own name at 127.0.0.1 and then reads this server as same-origin.
/// Such a request always names the attacker's host, so only known names are answered:
/// `localhost`, a loopback address or the bound address, with the server's port; when bound
/// to every interface (0.0.0.0 or ::), any IP address of this machine, since an address
/// cannot be rebound; and every name given with `--allow-host` (any port, for proxies).
#[derive(Debug, Clone)]
pub struct Hosts {
    bound: SocketAddr,
    names: Vec<String>,
    any: bool,
}

impl Hosts {
    /// `allowed` holds host names; a port given with one is ignored (any port is answered);
    /// `*` allows every host.
    pub fn new(bound: SocketAddr, allowed: &[String]) -> Hosts {
        Hosts {
            bound,
            names: allowed
                .iter()
                .map(|n| split_host(n).map_or(n.as_str(), |(name, _)| name))
                .map(|n| n.trim_end_matches('.').to_ascii_lowercase())
                .collect(),
            any: allowed.iter().any(|n| n == "*"),
        }
    }

    pub fn allows(&self, host: &str) -> bool {
        if self.any {
            return true;
        }
        let Some((name, port)) = split_host(host) else {
            return false;
        };
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        if self.names.contains(&name) {
            return true;
        }
        if port != self.bound.port() {
            return false;
        }
        if name == "localhost" {
            return true;
        }
        let ip = name
            .strip_prefix('[')
            .and_then(|n| n.strip_suffix(']'))
            .unwrap_or(&name)
            .parse::<IpAddr>();
        match ip {
            Ok(ip) => ip.is_loopback() || ip == self.bound.ip() || self.bound.ip().is_unspecified(),
            Err(_) => false,
        }
    }

    /// The 403 for a host that is not allowed: what is answered, and how to allow more.
    fn refusal(&self, host: &str) -> Refusal {
        let port = self.bound.port();
        let shown: String = host
            .chars()
            .take(100)
            .flat_map(char::escape_debug)
            .collect();
        let mut answered = format!("localhost:{port}, 127.0.0.1:{port}, [::1]:{port}");
        if self.bound.ip().is_unspecified() {
            answered.push_str(&format!(" and any IP address of this machine with :{port}"));
        } else if !self.bound.ip().is_loopback() {
            answered.push_str(&format!(" and {}", self.bound));
        }
        for n in &self.names {
            answered.push_str(&format!(", {n}"));
        }
        Refusal::new(
            403,
            format!(
                "403 Forbidden: this dev server answers only requests for {answered}, not for \
                 \"{shown}\". Another name could be a web page reading it through DNS \
                 rebinding. If you reach it under that name on purpose, restart it with \
                 --allow-host NAME.\n"
            ),
        )
    }
}

/// `name[:port]` or `[v6][:port]` → name (brackets kept for v6) and port (80 when absent).
fn split_host(host: &str) -> Option<(&str, u16)> {
    let (name, port) = if host.starts_with('[') {
        let end = host.find(']')? + 1;
        (&host[..end], host[end..].strip_prefix(':'))
    } else {
        match host.rsplit_once(':') {
            Some((n, p)) => (n, Some(p)),
            None => (host, None),
        }
    };
    if name.is_empty() || name.contains(['/', '@', ' ', '\\']) {
        return None;
    }
    let port = match port {
        None => 80,
        Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => p.parse().ok()?,
        Some(_) => return None,
    };
    Some((name, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(text: &str) -> Result<Head, Refusal> {
        let bytes = text.as_bytes();
        let end = end_of_head(bytes).expect("a complete head");
        parse(&bytes[..end])
    }

    fn status(text: &str, hosts: &Hosts) -> u16 {
        match head(text).and_then(|h| judge(&h, hosts)) {
            Ok(()) => 200,
            Err(r) => r.status,
        }
    }

    fn loopback() -> Hosts {
        Hosts::new("127.0.0.1:1111".parse().unwrap(), &[])
    }

    #[test]
    fn finds_the_end_of_the_head() {
        assert_eq!(
            end_of_head(b"GET / HTTP/1.1\r\nHost: a\r\n\r\nrest"),
            Some(27)
        );
        assert_eq!(end_of_head(b"GET / HTTP/1.1\nHost: a\n\nrest"), Some(24));
        assert_eq!(end_of_head(b"GET / HTTP/1.1\r\nHost: a\r\n"), None);
        assert_eq!(end_of_head(b""), None);
    }

    #[test]
    fn parses_a_browser_request() {
        let h = head("GET /vendor/?q=1 HTTP/1.1\r\nHost: localhost:1111\r\nIf-None-Match: \"x\"\r\nAccept:  */*  \r\n\r\n").unwrap();
        assert_eq!(
            (h.method.as_str(), h.target.as_str(), h.minor),
            ("GET", "/vendor/?q=1", 1)
        );
        assert_eq!(h.header("if-none-match"), Some("\"x\""));
        assert_eq!(h.header("ACCEPT"), Some("*/*"));
    }

    /// Each malformed or unwanted request and the status it gets.
    #[test]
    fn refusals() {
        let hosts = loopback();
        let many = format!(
            "GET / HTTP/1.1\r\nHost: localhost:1111\r\n{}\r\n",
            "X: y\r\n".repeat(101)
        );
        let cases: &[(&str, u16)] = &[
            ("GET / HTTP/1.1\r\nHost: localhost:1111\r\n\r\n", 200),
            ("HEAD / HTTP/1.0\r\nHost: 127.0.0.1:1111\r\n\r\n", 200),
            (
                "GET / HTTP/1.1\r\nHost: localhost:1111\r\nContent-Length: 0\r\n\r\n",
                200,
            ),
            // Bodies, however announced, are refused before anything waits for them.
            (
                "GET / HTTP/1.1\r\nHost: localhost:1111\r\nContent-Length: 99999999999999\r\n\r\n",
                413,
            ),
            (
                "POST / HTTP/1.1\r\nHost: localhost:1111\r\nContent-Length: 1025\r\n\r\n",
                413,
            ),
            (
                "POST / HTTP/1.1\r\nHost: localhost:1111\r\nTransfer-Encoding: chunked\r\n\r\n",
                413,
            ),
            (
                "GET / HTTP/1.1\r\nHost: localhost:1111\r\nContent-Length: -1\r\n\r\n",
                400,
            ),
            (
                "GET / HTTP/1.1\r\nHost: localhost:1111\r\nContent-Length: 1, 1\r\n\r\n",
                400,
            ),
            // Malformed heads.
            ("GET /\r\nHost: localhost:1111\r\n\r\n", 400),
            ("GET  / HTTP/1.1\r\nHost: localhost:1111\r\n\r\n", 400),
            ("G(T / HTTP/1.1\r\nHost: localhost:1111\r\n\r\n", 400),
            ("GET / HTTP/2.0\r\nHost: localhost:1111\r\n\r\n", 505),
            ("GET / SPDY/1\r\nHost: localhost:1111\r\n\r\n", 400),
            (
                "GET / HTTP/1.1\r\nHost: localhost:1111\r\nNo colon\r\n\r\n",
                400,
            ),
            (
                "GET / HTTP/1.1\r\nHost: localhost:1111\r\n folded\r\n\r\n",
                400,
            ),
            (
                "GET / HTTP/1.1\r\nBad Name: x\r\nHost: localhost:1111\r\n\r\n",
                400,
            ),
            (&many, 431),
            // Host: exactly one, and one this server answers.
            ("GET / HTTP/1.1\r\n\r\n", 400),
            (
                "GET / HTTP/1.1\r\nHost: localhost:1111\r\nHost: localhost:1111\r\n\r\n",
                400,
            ),
            ("GET / HTTP/1.1\r\nHost: evil.example:1111\r\n\r\n", 403),
        ];
        for (text, want) in cases {
            assert_eq!(status(text, &hosts), *want, "{text:?}");
        }
    }

    #[test]
    fn hosts_answered_by_default_and_with_allow_host() {
        let lo = loopback();
        for ok in [
            "localhost:1111",
            "LOCALHOST:1111",
            "localhost.:1111",
            "127.0.0.1:1111",
            "[::1]:1111",
            "127.0.1.1:1111",
        ] {
            assert!(lo.allows(ok), "{ok}");
        }
        for no in [
            "evil.example:1111",
            "evil.example",
            "localhost",
            "localhost:80",
            "localhost:2222",
            "localhost:",
            "localhost:11a",
            "127.0.0.1",
            "192.168.1.5:1111",
            "localhost.evil.example:1111",
            "sub.localhost:1111",
            "user@localhost:1111",
            "[::1:1111",
            "",
        ] {
            assert!(!lo.allows(no), "{no}");
        }
        // Bound to every interface: any address of the machine, names still refused.
        let all = Hosts::new("0.0.0.0:1111".parse().unwrap(), &[]);
        assert!(all.allows("192.168.1.5:1111") && all.allows("[fe80::1]:1111"));
        assert!(!all.allows("my-laptop.local:1111") && !all.allows("192.168.1.5:80"));
        // Bound to one LAN address: that one, and loopback.
        let lan = Hosts::new("192.168.1.5:1111".parse().unwrap(), &[]);
        assert!(lan.allows("192.168.1.5:1111") && lan.allows("localhost:1111"));
        assert!(!lan.allows("10.0.0.1:1111"));
        // --allow-host NAME: that name, on any port (a proxy or a tunnel changes it).
        let named = Hosts::new("127.0.0.1:1111".parse().unwrap(), &["Dev.Example".into()]);
        assert!(named.allows("dev.example") && named.allows("dev.example:8443"));
        assert!(!named.allows("other.example:1111"));
        let with_port = Hosts::new(
            "127.0.0.1:1111".parse().unwrap(),
            &["dev.example:8443".into()],
        );
        assert!(with_port.allows("dev.example:9000"));
        let any = Hosts::new("127.0.0.1:1111".parse().unwrap(), &["*".into()]);
        assert!(any.allows("evil.example"));
    }

    #[test]
    fn the_403_explains_itself_without_echoing_control_characters() {
        let h = head("GET / HTTP/1.1\r\nHost: evil.example\x1b[31m:1111\r\n\r\n").unwrap();
        let r = judge(&h, &loopback()).unwrap_err();
        assert_eq!(r.status, 403);
        assert!(r.text.contains("localhost:1111"), "{}", r.text);
        assert!(r.text.contains("--allow-host NAME"));
        assert!(r.text.contains("DNS rebinding"));
        assert!(!r.text.contains('\x1b'));
    }
}

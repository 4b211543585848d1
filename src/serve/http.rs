//! Request → response for the dev server, as a pure function of the site in memory, so the
//! routing is tested without sockets.
//!
//! It answers as Cloudflare Pages does, through `crate::pages` (the same code `publish`
//! validates with), so that what works locally works deployed: `_redirects` first, then
//! `pages::routing` (`/x/` → `x/index.html`, `/x` → 308 `/x/`, a missing page gets the
//! nearest `404.html` with status 404), and every response gets the default headers and the
//! site's `_headers`. One default is left out on purpose: Pages' `Access-Control-Allow-Origin:
//! *`, right for the published open data but not for a server on the editor's machine, whose
//! pages and error overlay (lines of local files) no other origin may read. Files come only
//! from the in-memory site, never from the disk, and any
//! request path that tries to climb out (`..`, `%2e%2e`, backslashes, NUL, `//`) is refused
//! before lookup.

use std::sync::Arc;

use super::site::Site;
use crate::pages::routing::{self, Route};

/// Paths the dev server answers itself; they never exist in `build` output.
pub const LIVERELOAD_PATH: &str = "/__livereload";
pub const LIVERELOAD_JS_PATH: &str = "/__livereload.js";
pub const OVERLAY_CSS_PATH: &str = "/__overlay.css";

/// The parts of a request routing looks at.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub method: &'a str,
    /// The raw request target: percent-encoded path and query.
    pub url: &'a str,
    pub if_none_match: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    Empty,
    Shared(Arc<Vec<u8>>),
    Owned(Vec<u8>),
}

impl Body {
    pub fn as_slice(&self) -> &[u8] {
        match self {
            Body::Empty => &[],
            Body::Shared(b) => b,
            Body::Owned(b) => b,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Body,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn plain(status: u16, text: &str) -> Response {
        Response {
            status,
            headers: vec![("Content-Type".into(), "text/plain; charset=utf-8".into())],
            body: Body::Owned(text.as_bytes().to_vec()),
        }
    }

    fn redirect(status: u16, location: String) -> Response {
        Response {
            status,
            headers: vec![("Location".into(), location)],
            body: Body::Empty,
        }
    }
}

/// What the dev server adds to every HTML page it serves (the live-reload script, and the
/// error overlay while a build error stands). `tag` names the current state; it is part of
/// the ETag of HTML responses, so a page cached under one state is not reused under another.
pub trait Injector {
    fn tag(&self) -> String;
    fn inject(&self, html: &[u8]) -> Vec<u8>;
    /// The dev server's own files (`/__livereload.js`, `/__overlay.css`).
    fn dev_asset(&self, path: &str) -> Option<(&'static str, &'static [u8])>;
}

/// Cache-Control Pages sends for every asset: always revalidate.
const REVALIDATE: &str = "public, max-age=0, must-revalidate";

pub fn respond(site: &Site, req: &Request, dev: &dyn Injector) -> Response {
    let mut resp = route(site, req, dev);
    if resp.status != 304 && resp.header("Content-Type").is_some() {
        resp.headers
            .push(("X-Content-Type-Options".into(), "nosniff".into()));
    }
    resp.headers.push((
        "Referrer-Policy".into(),
        "strict-origin-when-cross-origin".into(),
    ));
    let path = req.url.split(['?', '#']).next().unwrap_or("");
    site.headers.apply(path, &mut resp.headers);
    resp
}

fn route(site: &Site, req: &Request, dev: &dyn Injector) -> Response {
    if !req.url.starts_with('/') {
        return Response::plain(400, "400 Bad Request: expected a path starting with /\n");
    }
    let (raw_path, search) = match req.url.find('?') {
        Some(i) => (&req.url[..i], &req.url[i..]),
        None => (req.url, ""),
    };
    let raw_path = raw_path.split('#').next().unwrap_or(raw_path);
    let Some(mut path) = decode_path(raw_path) else {
        return Response::plain(403, "403 Forbidden: the path leaves the site\n");
    };
    if let Some((ctype, bytes)) = dev.dev_asset(&path) {
        return Response {
            status: 200,
            headers: vec![
                ("Content-Type".into(), ctype.into()),
                ("Cache-Control".into(), "no-store".into()),
            ],
            body: Body::Owned(bytes.to_vec()),
        };
    }

    if let Some(m) = site.redirects.find(raw_path) {
        if m.status == 200 {
            let to = m.to.split(['?', '#']).next().unwrap_or("/");
            match decode_path(to) {
                Some(p) => path = p,
                None => return Response::plain(403, "403 Forbidden: the path leaves the site\n"),
            }
        } else {
            return Response::redirect(m.status, routing::redirect_location(&m.to, search));
        }
    }
    if !matches!(req.method, "GET" | "HEAD") {
        let mut r = Response::plain(405, "405 Method Not Allowed\n");
        r.headers.push(("Allow".into(), "GET, HEAD".into()));
        return r;
    }

    match routing::resolve(&path, |p| site.get(p).is_some()) {
        Route::File(p) => serve_asset(site, &p, 200, req, dev),
        Route::Moved(to) => Response::redirect(308, format!("{}{search}", encode_path(&to))),
        Route::NotFound(Some((p, status))) => serve_asset(site, &p, status, req, dev),
        Route::NotFound(None) => Response::plain(404, "404 Not Found\n"),
    }
}

fn serve_asset(
    site: &Site,
    path: &str,
    status: u16,
    req: &Request,
    dev: &dyn Injector,
) -> Response {
    let Some(asset) = site.get(path) else {
        return Response::plain(404, "404 Not Found\n");
    };
    let ctype = content_type(path);
    let html = ctype.starts_with("text/html");
    let etag = if html {
        // The served HTML carries the dev script (and maybe the overlay): its validator
        // changes with them.
        format!("{}-{}\"", asset.etag().trim_end_matches('"'), dev.tag())
    } else {
        asset.etag().to_string()
    };
    let mut headers = vec![("Content-Type".to_string(), ctype)];
    if status == 200 {
        headers.push(("ETag".into(), etag.clone()));
        headers.push(("Cache-Control".into(), REVALIDATE.into()));
        let weak = format!("W/{etag}");
        if req.if_none_match.is_some_and(|v| {
            v.split(',')
                .map(str::trim)
                .any(|t| t == etag || t == weak || t == "*")
        }) {
            return Response {
                status: 304,
                headers: headers.split_off(1),
                body: Body::Empty,
            };
        }
    }
    let body = if html {
        Body::Owned(dev.inject(&asset.bytes))
    } else {
        Body::Shared(asset.bytes.clone())
    };
    Response {
        status,
        headers,
        body,
    }
}

/// Percent-decodes a request path and refuses one that could name something outside the
/// site: a `.` or `..` segment (however encoded), a backslash, a NUL byte, or a leading `//`.
/// A path that is not valid UTF-8 once decoded stays as it was sent, as in Pages.
pub fn decode_path(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    let decoded = String::from_utf8(out).unwrap_or_else(|_| raw.to_string());
    let refused = decoded.contains('\\')
        || decoded.contains('\0')
        || decoded.starts_with("//")
        || decoded.split('/').any(|seg| seg == ".." || seg == ".");
    (!refused).then_some(decoded)
}

/// Percent-encodes what may not appear raw in a `Location` path.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Content type by extension, from `mime_guess`'s table (the same shared-mime-info / IANA
/// data as the `mime` package Pages types its assets with), with `charset=utf-8` added to
/// every textual type as Pages does. Where `mime_guess` still has a pre-registration name,
/// the registered one wins: `font/woff` (RFC 8081), `text/javascript` for `.mjs` (RFC 9239),
/// `application/xml` (RFC 7303; `text/xml` is its older alias) and JSON for source maps.
pub fn content_type(path: &str) -> String {
    let ext = path
        .rsplit('/')
        .next()
        .and_then(|name| name.rsplit_once('.'))
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let mime = match ext.as_str() {
        "xml" => "application/xml",
        "map" => "application/json",
        "mjs" => "text/javascript",
        "woff" => "font/woff",
        "otf" => "font/otf",
        "" => "application/octet-stream",
        e => mime_guess::from_ext(e)
            .first_raw()
            .unwrap_or("application/octet-stream"),
    };
    if is_text(mime) {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    }
}

/// Types whose bytes are text, so a charset applies: `text/*`, JSON, XML, JavaScript and
/// their `+json`/`+xml` kin (Atom, web manifests). Not `image/svg+xml`, which Pages sends
/// bare and which carries its encoding in the XML declaration.
fn is_text(mime: &str) -> bool {
    let Some((top, sub)) = mime.split_once('/') else {
        return false;
    };
    top == "text"
        || (top == "application"
            && (matches!(sub, "json" | "xml" | "javascript")
                || sub.ends_with("+json")
                || sub.ends_with("+xml")))
}

#[cfg(test)]
#[path = "http_tests.rs"]
mod tests;

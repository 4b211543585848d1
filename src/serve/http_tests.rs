//! Routing tests: one table of requests against a small site, checked against what Cloudflare
//! Pages answers (FACTS.md §1, "URL handling").

use std::collections::HashMap;

use super::*;
use crate::serve::site::Asset;

struct Dev;

impl Injector for Dev {
    fn tag(&self) -> String {
        "s7".into()
    }
    fn inject(&self, html: &[u8]) -> Vec<u8> {
        let mut v = html.to_vec();
        v.extend_from_slice(b"<!--dev-->");
        v
    }
    fn dev_asset(&self, path: &str) -> Option<(&'static str, &'static [u8])> {
        (path == LIVERELOAD_JS_PATH).then_some(("text/javascript; charset=utf-8", b"js".as_slice()))
    }
}

fn site(extra: &[(&str, &str)]) -> Site {
    let mut files: HashMap<String, Arc<Asset>> = HashMap::new();
    for (p, b) in [
        ("index.html", "home"),
        ("404.html", "not found"),
        ("vendor/index.html", "vendors"),
        ("vendor/acme/index.html", "acme"),
        ("vendor/acme/404.html", "acme 404"),
        ("contact.html", "contact"),
        ("assets/style.0123456789.css", "body{}"),
        ("sitemap.xml", "<urlset/>"),
        ("café/index.html", "café"),
    ]
    .iter()
    .chain(extra)
    {
        files.insert(p.to_string(), Asset::new(b.as_bytes().to_vec()));
    }
    Site::new(files)
}

fn get(site: &Site, url: &str) -> Response {
    respond(
        site,
        &Request {
            method: "GET",
            url,
            if_none_match: None,
        },
        &Dev,
    )
}

/// What a request should get: a status and either the body served or the redirect target.
enum Want {
    Body(u16, &'static str),
    Moved(u16, &'static str),
    Status(u16),
}

#[test]
fn routes_like_cloudflare_pages() {
    use Want::*;
    let s = site(&[]);
    let cases = [
        ("/", Body(200, "home<!--dev-->")),
        ("/vendor/", Body(200, "vendors<!--dev-->")),
        ("/vendor", Moved(308, "/vendor/")),
        ("/vendor?q=1", Moved(308, "/vendor/?q=1")),
        ("/vendor/acme", Moved(308, "/vendor/acme/")),
        ("/vendor/acme/index.html", Moved(308, "/vendor/acme/")),
        ("/vendor/acme/index", Moved(308, "/vendor/acme/")),
        ("/vendor/acme/index/", Moved(308, "/vendor/acme/")),
        ("/index.html", Moved(308, "/")),
        ("/contact", Body(200, "contact<!--dev-->")),
        ("/contact.html", Moved(308, "/contact")),
        ("/contact/", Moved(308, "/contact")),
        ("/assets/style.0123456789.css", Body(200, "body{}")),
        ("/sitemap.xml", Body(200, "<urlset/>")),
        ("/caf%C3%A9/", Body(200, "café<!--dev-->")),
        ("/caf%C3%A9", Moved(308, "/caf%C3%A9/")),
        // Missing: the nearest 404.html, with status 404.
        ("/nope", Body(404, "not found<!--dev-->")),
        ("/nope.css", Body(404, "not found<!--dev-->")),
        ("/vendor/acme/missing", Body(404, "acme 404<!--dev-->")),
        ("/vendor/ghost/", Body(404, "not found<!--dev-->")),
        // The dev server's own script is there; the site's config files are not.
        ("/__livereload.js", Body(200, "js")),
        ("/_headers", Body(404, "not found<!--dev-->")),
        // Traversal, however spelled, is refused before any lookup.
        ("/../etc/passwd", Status(403)),
        ("/vendor/../../etc/passwd", Status(403)),
        ("/%2e%2e/%2e%2e/etc/passwd", Status(403)),
        ("/%2E%2E%2Fetc%2Fpasswd", Status(403)),
        ("/vendor/%2e%2e%2f%2e%2e%2fsite.toml", Status(403)),
        ("/..%5c..%5csite.toml", Status(403)),
        ("/a\\b", Status(403)),
        ("/vendor/./acme/", Status(403)),
        ("//etc/passwd", Status(403)),
        ("/%00", Status(403)),
        ("http://evil.example/", Status(400)),
        ("*", Status(400)),
    ];
    for (url, want) in cases {
        let r = get(&s, url);
        match want {
            Body(status, body) => {
                assert_eq!(r.status, status, "{url}");
                assert_eq!(String::from_utf8_lossy(r.body.as_slice()), body, "{url}");
            }
            Moved(status, to) => {
                assert_eq!(r.status, status, "{url}");
                assert_eq!(r.header("Location"), Some(to), "{url}");
            }
            Status(status) => assert_eq!(r.status, status, "{url}"),
        }
    }
}

#[test]
fn without_a_404_page_pages_falls_back_to_the_home_page() {
    let mut files = HashMap::new();
    files.insert("index.html".to_string(), Asset::new(b"home".to_vec()));
    let r = get(&Site::new(files), "/missing/");
    assert_eq!(r.status, 200);
    assert_eq!(r.body.as_slice(), b"home<!--dev-->");
}

#[test]
fn content_types_and_default_headers() {
    let s = site(&[
        ("data.json", "{}"),
        ("logo.svg", "<svg/>"),
        ("font.woff2", ""),
    ]);
    for (url, ctype) in [
        ("/", "text/html; charset=utf-8"),
        ("/assets/style.0123456789.css", "text/css; charset=utf-8"),
        ("/sitemap.xml", "application/xml; charset=utf-8"),
        ("/data.json", "application/json; charset=utf-8"),
        ("/logo.svg", "image/svg+xml"),
        ("/font.woff2", "font/woff2"),
    ] {
        let r = get(&s, url);
        assert_eq!(r.header("Content-Type"), Some(ctype), "{url}");
        assert_eq!(r.header("X-Content-Type-Options"), Some("nosniff"));
        // No CORS header: another origin's page must not read the dev server (issue 9).
        assert_eq!(r.header("Access-Control-Allow-Origin"), None);
        assert_eq!(
            r.header("Cache-Control"),
            Some("public, max-age=0, must-revalidate")
        );
    }
}

/// Every kind of file the site emits (and the usual static ones) keeps the type the old hand
/// table gave it, or gets a better one (`.ics` was `application/octet-stream`).
#[test]
fn content_type_table() {
    for (path, want) in [
        ("/index.html", "text/html; charset=utf-8"),
        ("/a.HTM", "text/html; charset=utf-8"),
        ("/assets/style.0123456789.css", "text/css; charset=utf-8"),
        ("/a.js", "text/javascript; charset=utf-8"),
        ("/a.mjs", "text/javascript; charset=utf-8"),
        ("/api/vendors.json", "application/json; charset=utf-8"),
        ("/a.js.map", "application/json; charset=utf-8"),
        (
            "/site.webmanifest",
            "application/manifest+json; charset=utf-8",
        ),
        ("/sitemap.xml", "application/xml; charset=utf-8"),
        ("/feed.xml", "application/xml; charset=utf-8"),
        ("/feed.atom", "application/atom+xml; charset=utf-8"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/vendors.csv", "text/csv; charset=utf-8"),
        ("/notes.md", "text/markdown; charset=utf-8"),
        ("/calendar.ics", "text/calendar; charset=utf-8"),
        ("/logo.svg", "image/svg+xml"),
        ("/a.png", "image/png"),
        ("/a.JPG", "image/jpeg"),
        ("/a.jpeg", "image/jpeg"),
        ("/a.gif", "image/gif"),
        ("/a.webp", "image/webp"),
        ("/a.avif", "image/avif"),
        ("/favicon.ico", "image/x-icon"),
        ("/f.woff", "font/woff"),
        ("/f.woff2", "font/woff2"),
        ("/f.ttf", "font/ttf"),
        ("/f.otf", "font/otf"),
        ("/a.pdf", "application/pdf"),
        ("/a.wasm", "application/wasm"),
        ("/a.zip", "application/zip"),
        ("/a.mp4", "video/mp4"),
        ("/a.webm", "video/webm"),
        ("/a.mp3", "audio/mpeg"),
        ("/LICENSE", "application/octet-stream"),
        ("/a.unknownext", "application/octet-stream"),
        ("/dir.d/file", "application/octet-stream"),
    ] {
        assert_eq!(content_type(path), want, "{path}");
    }
}

#[test]
fn etag_and_if_none_match() {
    let s = site(&[]);
    let first = get(&s, "/assets/style.0123456789.css");
    let etag = first.header("ETag").unwrap().to_string();
    for validator in [etag.clone(), format!("W/{etag}"), format!("\"x\", {etag}")] {
        let r = respond(
            &s,
            &Request {
                method: "GET",
                url: "/assets/style.0123456789.css",
                if_none_match: Some(&validator),
            },
            &Dev,
        );
        assert_eq!(r.status, 304, "{validator}");
        assert!(r.body.as_slice().is_empty());
    }
    // HTML validators carry the dev state, so a page is refetched after a rebuild.
    let html = get(&s, "/");
    assert!(html.header("ETag").unwrap().ends_with("-s7\""));
    let stale = respond(
        &s,
        &Request {
            method: "GET",
            url: "/",
            if_none_match: Some("\"0000000000000000-4\""),
        },
        &Dev,
    );
    assert_eq!(stale.status, 200);
}

#[test]
fn head_and_other_methods() {
    let s = site(&[]);
    let head = respond(
        &s,
        &Request {
            method: "HEAD",
            url: "/vendor/",
            if_none_match: None,
        },
        &Dev,
    );
    // The body is kept so the server can send its length; `listen::respond` leaves it out for HEAD.
    assert_eq!(head.status, 200);
    let post = respond(
        &s,
        &Request {
            method: "POST",
            url: "/vendor/",
            if_none_match: None,
        },
        &Dev,
    );
    assert_eq!(post.status, 405);
    assert_eq!(post.header("Allow"), Some("GET, HEAD"));
}

#[test]
fn the_sites_redirects_run_first_and_headers_apply_to_every_response() {
    let s = site(&[
        (
            "_redirects",
            "/old /vendor/acme/ 301\n/v/:slug /vendor/:slug/ 302\n/alias /vendor/acme/ 200\n/vendor/acme/ /elsewhere/ 301\n",
        ),
        (
            "_headers",
            "/*\n  X-Frame-Options: DENY\n/vendor/*\n  X-Section: vendors\n/assets/*\n  Cache-Control: public, max-age=31536000, immutable\n",
        ),
    ]);
    let r = get(&s, "/old?x=1");
    assert_eq!(
        (r.status, r.header("Location")),
        (301, Some("/vendor/acme/?x=1"))
    );
    let r = get(&s, "/v/globex");
    assert_eq!(
        (r.status, r.header("Location")),
        (302, Some("/vendor/globex/"))
    );
    // A redirect runs even when the asset exists (Pages: "always followed").
    let r = get(&s, "/vendor/acme/");
    assert_eq!(r.status, 301);
    // A 200 rule rewrites: the address stays, the content is the target's.
    let r = get(&s, "/alias");
    assert_eq!(
        (r.status, r.body.as_slice()),
        (200, b"acme<!--dev-->".as_slice())
    );
    // Headers land on pages, redirects and 404s alike.
    assert_eq!(get(&s, "/").header("X-Frame-Options"), Some("DENY"));
    assert_eq!(get(&s, "/old").header("X-Frame-Options"), Some("DENY"));
    assert_eq!(get(&s, "/missing").header("X-Frame-Options"), Some("DENY"));
    assert_eq!(get(&s, "/vendor/").header("X-Section"), Some("vendors"));
    assert_eq!(
        get(&s, "/assets/style.0123456789.css").header("Cache-Control"),
        Some("public, max-age=31536000, immutable")
    );
}

#[test]
fn decode_path_refuses_every_spelling_of_dot_dot() {
    for bad in [
        "/..",
        "/a/..",
        "/%2e%2e",
        "/%2E%2e/",
        "/.%2e/x",
        "/a%2f%2e%2e%2fb",
        "/a%5cb",
        "/%5c",
        "/.",
        "//host/x",
        "/a%00b",
    ] {
        assert_eq!(decode_path(bad), None, "{bad}");
    }
    assert_eq!(decode_path("/a%20b/").as_deref(), Some("/a b/"));
    assert_eq!(decode_path("/a..b/...").as_deref(), Some("/a..b/..."));
    assert_eq!(decode_path("/100%").as_deref(), Some("/100%"));
    assert_eq!(decode_path("/%zz").as_deref(), Some("/%zz"));
}

#[test]
fn rules_pages_skips_are_not_applied() {
    // Pages refuses these (a loop, a rewrite to another site, an `http://` destination,
    // a header without a value); so does `publish`, and `serve` must not act on them.
    let s = site(&[
        (
            "_redirects",
            "/* /index.html 200\n/ext https://example.org/ 200\n/plain http://example.org/ 301\n",
        ),
        (
            "_headers",
            "/*\n  X-Empty:\n/vendor/*\n  X-Section: vendors\n",
        ),
    ]);
    assert_eq!(get(&s, "/nope").status, 404);
    assert_eq!(get(&s, "/ext").status, 404);
    assert_eq!(get(&s, "/plain").status, 404);
    assert_eq!(get(&s, "/").header("X-Empty"), None);
    assert_eq!(get(&s, "/vendor/").header("X-Section"), Some("vendors"));
    let ignored: Vec<(&str, usize)> = s.warnings.iter().map(|w| (w.file, w.line)).collect();
    assert_eq!(
        ignored,
        [
            ("_headers", 2),
            ("_redirects", 1),
            ("_redirects", 2),
            ("_redirects", 3)
        ]
    );
}

#[test]
fn files_wrangler_does_not_upload_are_not_served() {
    let s = site(&[
        ("functions/hello.js", "export default {}"),
        ("_worker.js", "export default {}"),
        ("docs/.git/config", "[core]"),
        ("docs/functions/a.txt", "kept"),
    ]);
    for url in ["/functions/hello.js", "/_worker.js", "/docs/.git/config"] {
        assert_eq!(get(&s, url).status, 404, "{url}");
    }
    assert_eq!(get(&s, "/docs/functions/a.txt").status, 200);
}

#[test]
fn a_non_ascii_alias_redirects_as_on_pages() {
    // Browsers send `/vendor/ancien-caf%C3%A9/`; Pages reads the rule through a URL parser,
    // so it matches, and the Location it sends is encoded too (measured with wrangler 3.114).
    let s = site(&[("_redirects", "/vendor/ancien-café/ /café/ 301\n")]);
    let r = get(&s, "/vendor/ancien-caf%C3%A9/");
    assert_eq!((r.status, r.header("Location")), (301, Some("/caf%C3%A9/")));
}

//! The real `trustatlas serve` on a temporary copy of the bundled registry, driven the way an
//! editor and a browser drive it: a page and its reload stream open, a vendor file saved
//! (through a temporary file and a rename, as editors do), broken, fixed.

mod support;

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use support::serve::{
    get, request, send, site_copy, start, start_with, Events, Server, VENDOR, WAIT,
};

/// Saves like VS Code or JetBrains: write a temporary file beside it, rename it over.
fn save(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    let tmp = path.with_extension("md.__jb_tmp___");
    fs::write(&tmp, text).unwrap();
    fs::rename(&tmp, &path).unwrap();
}

#[test]
fn edit_break_fix_and_stay_inside_the_site() {
    let site = site_copy();
    let root = site.path();
    let server = start(root);
    let addr = server.addr.clone();

    let home = get(&addr, "/");
    assert_eq!(home.status, 200, "{}", home.head);
    assert!(home.body.contains("<script src=\"/__livereload.js\""));
    let js = get(&addr, "/__livereload.js");
    assert_eq!(js.status, 200);
    assert!(js.head.contains("text/javascript"));
    assert!(js.body.contains("EventSource"));

    // Edit: the page has the new text when the reload event arrives, in every open tab.
    let (mut events, state0) = Events::open(&addr);
    let mut tabs: Vec<Events> = (0..12).map(|_| Events::open(&addr).0).collect();
    let original = fs::read_to_string(root.join(VENDOR)).unwrap();
    assert!(original.contains("hq_city = \"Hangzhou\""));
    save(
        root,
        VENDOR,
        &original.replace("hq_city = \"Hangzhou\"", "hq_city = \"Hangzhou (edited)\""),
    );
    let state1 = events.next_data();
    assert_ne!(state1, state0);
    for tab in &mut tabs {
        assert_eq!(tab.next_data(), state1);
    }
    drop(tabs);
    let page = get(&addr, "/vendor/alibaba-cloud/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Hangzhou (edited)"));
    assert!(page.body.contains(&format!("data-state=\"{state1}\"")));

    // Break: every page carries the overlay with file, line and column, over the last
    // good content.
    let broken = original.replace(
        "category = \"frontier_builder\"",
        "category = \"frontier_bilder\"",
    );
    save(root, VENDOR, &broken);
    let state2 = events.next_data();
    assert_ne!(state2, state1);
    for target in ["/vendor/alibaba-cloud/", "/", "/no-such-page/"] {
        let page = get(&addr, target);
        assert!(
            page.body.contains("id=\"trustatlas-overlay\""),
            "{target}: {}",
            page.body
        );
        assert!(page.body.contains("content/vendors/alibaba-cloud.md:3:12"));
        assert!(page.body.contains("unknown category `frontier_bilder`"));
    }
    let kept = get(&addr, "/vendor/alibaba-cloud/");
    assert_eq!(kept.status, 200);
    assert!(
        kept.body.contains("Hangzhou (edited)"),
        "last good build still served"
    );
    assert_eq!(get(&addr, "/__overlay.css").status, 200);

    // Fix: the overlay goes away by itself and the fixed content is served.
    save(root, VENDOR, &original);
    let state3 = events.next_data();
    assert_ne!(state3, state2);
    let page = get(&addr, "/vendor/alibaba-cloud/");
    assert!(!page.body.contains("trustatlas-overlay"));
    assert!(page.body.contains("Hangzhou"));
    assert!(!page.body.contains("Hangzhou (edited)"));

    // Editor droppings trigger nothing: the next event is the next state, the one for the
    // new page below (states count builds).
    fs::write(root.join("content/vendors/.alibaba-cloud.md.swp"), "x").unwrap();
    fs::write(root.join("content/vendors/4913"), "").unwrap();
    fs::write(root.join("content/vendors/alibaba-cloud.md~"), "x").unwrap();
    std::thread::sleep(Duration::from_millis(300));

    // A new page appears, a deleted one is gone (with the site's 404 page and status).
    fs::write(
        root.join("content/pages/press.md"),
        "+++\ntitle = \"Press\"\n+++\nPress contacts.\n",
    )
    .unwrap();
    let state4 = events.next_data();
    let number = |s: &str| s.parse::<u64>().unwrap();
    assert_eq!(
        number(&state4),
        number(&state3) + 1,
        "only the new page caused a build"
    );
    assert_eq!(get(&addr, "/press/").status, 200);
    fs::remove_file(root.join("content/pages/press.md")).unwrap();
    events.next_data();
    let gone = get(&addr, "/press/");
    assert_eq!(gone.status, 404);
    assert!(gone.body.contains("<script src=\"/__livereload.js\""));

    // Pages-like routing and safety.
    let moved = get(&addr, "/vendor");
    assert_eq!(moved.status, 308);
    assert!(moved.head.contains("Location: /vendor/"));
    assert_eq!(request(&addr, "HEAD", "/").status, 200);
    for target in [
        "/../site.toml",
        "/%2e%2e/site.toml",
        "/%2E%2E%2Fsite.toml",
        "/vendor/..%2f..%2fsite.toml",
        "/..%5csite.toml",
        "/..\\site.toml",
        "//etc/passwd",
        "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    ] {
        let r = get(&addr, target);
        assert!(
            r.status == 403 || r.status == 404 || r.status == 400,
            "{target}: {}",
            r.status
        );
        assert!(!r.body.contains("base_url"), "{target} leaked site.toml");
        assert!(!r.body.contains("root:"), "{target} leaked /etc/passwd");
    }

    // serve works from memory: nothing was written into the site folder.
    assert!(!root.join("public").exists());

    stop(server);
}

/// Ctrl-C: the server closes its streams and exits with success.
#[cfg(unix)]
fn stop(mut server: Server) {
    let pid = server.child.id().to_string();
    let ok = Command::new("kill").args(["-INT", &pid]).status().unwrap();
    assert!(ok.success());
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            assert!(status.success(), "serve exited with {status}");
            return;
        }
        assert!(Instant::now() < deadline, "serve did not stop on Ctrl-C");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[cfg(not(unix))]
fn stop(_server: Server) {}

#[test]
fn build_output_never_contains_the_dev_script() {
    let site = site_copy();
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let o = support::trustatlas()
        .args(["build", "--root"])
        .arg(site.path())
        .arg("--out")
        .arg(&public)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut html = 0;
    for e in walkdir::WalkDir::new(&public) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let text = fs::read_to_string(e.path()).unwrap_or_default();
            assert!(!text.contains("__livereload"), "{}", e.path().display());
            assert!(
                !text.contains("trustatlas-overlay"),
                "{}",
                e.path().display()
            );
            html += usize::from(e.path().extension().is_some_and(|x| x == "html"));
        }
    }
    assert!(html > 10);
}

#[test]
fn a_site_that_never_built_shows_the_errors_instead() {
    let site = site_copy();
    let text = fs::read_to_string(site.path().join(VENDOR)).unwrap();
    fs::write(
        site.path().join(VENDOR),
        text.replace("founded = 2009", "founded = \"soon\""),
    )
    .unwrap();
    let server = start(site.path());
    let page = get(&server.addr, "/");
    assert_eq!(page.status, 500);
    assert!(page.body.contains("id=\"trustatlas-overlay\""));
    assert!(page.body.contains("content/vendors/alibaba-cloud.md:"));
    assert!(page.body.contains("<script src=\"/__livereload.js\""));
    // Fixing it brings the site up without a restart.
    let (mut events, _) = Events::open(&server.addr);
    fs::write(site.path().join(VENDOR), text).unwrap();
    events.next_data();
    assert_eq!(get(&server.addr, "/").status, 200);
}

#[test]
fn polling_and_the_sites_own_headers_and_redirects() {
    let site = site_copy();
    let root = site.path();
    fs::create_dir_all(root.join("static")).unwrap();
    fs::write(
        root.join("static/_redirects"),
        "/old-vendor /vendor/alibaba-cloud/ 301\n/v/:slug /vendor/:slug/ 302\n",
    )
    .unwrap();
    fs::write(
        root.join("static/_headers"),
        "/vendor/*\n  X-Robots-Tag: noindex\n",
    )
    .unwrap();
    let server = start_with(root, &["--poll", "--allow-host", "dev.example"]);
    let addr = server.addr.clone();
    // Only hosts it was told to answer (issue 9, DNS rebinding): a name given with
    // --allow-host, on any port; not another name.
    let port = addr.rsplit(':').next().unwrap();
    let named = send(&addr, "GET / HTTP/1.1\r\nHost: dev.example\r\n\r\n");
    assert_eq!(named.status, 200, "{}", named.head);
    let foreign = send(
        &addr,
        &format!("GET / HTTP/1.1\r\nHost: other.example:{port}\r\n\r\n"),
    );
    assert_eq!(foreign.status, 403, "{}", foreign.head);
    assert!(foreign.body.contains("--allow-host"), "{}", foreign.body);
    let r = get(&addr, "/old-vendor?utm=x");
    assert_eq!(r.status, 301, "{}", r.body);
    assert!(
        r.head.contains("Location: /vendor/alibaba-cloud/?utm=x"),
        "{}",
        r.head
    );
    assert!(get(&addr, "/v/tencent-cloud")
        .head
        .contains("Location: /vendor/tencent-cloud/"));
    // The generated rules (security headers on every response) and the publisher's own.
    let home = get(&addr, "/").head.to_ascii_lowercase();
    assert!(
        home.contains("content-security-policy: default-src 'none'"),
        "{home}"
    );
    assert!(!home.contains("x-robots-tag"));
    let vendors = get(&addr, "/vendor/").head.to_ascii_lowercase();
    assert!(vendors.contains("x-robots-tag: noindex"), "{vendors}");
    assert_eq!(
        get(&addr, "/_redirects").status,
        404,
        "configuration is not served"
    );

    // Without file-system notifications, polling still sees the save.
    let (mut events, state0) = Events::open(&addr);
    fs::write(
        root.join("static/_headers"),
        "/vendor/*\n  X-Robots-Tag: none\n",
    )
    .unwrap();
    assert_ne!(events.next_data(), state0);
    let head = get(&addr, "/vendor/").head.to_ascii_lowercase();
    assert!(head.contains("x-robots-tag: none"), "{head}");
}

//! Every Cloudflare Pages limit the build checks, each triggered by a fixture: a copy of
//! tests/fixtures/publish with one change. Also the content mistakes around aliases, removed
//! vendors and the publisher's own `_headers`/`_redirects`, each with its diagnostic.

mod support;

use std::fs;
use std::path::Path;

use support::build::*;
use support::build_date;

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

fn append(root: &Path, rel: &str, text: &str) {
    let old = fs::read_to_string(root.join(rel)).unwrap();
    write(root, rel, &format!("{old}{text}"));
}

/// Adds a top-level key to a content file's front matter (right after the opening `+++`).
fn front(root: &Path, rel: &str, line: &str) {
    let old = fs::read_to_string(root.join(rel)).unwrap();
    write(
        root,
        rel,
        &old.replacen("+++\n", &format!("+++\n{line}\n"), 1),
    );
}

fn replace(root: &Path, rel: &str, from: &str, to: &str) {
    let old = fs::read_to_string(root.join(rel)).unwrap();
    assert!(old.contains(from), "{rel} has no `{from}`");
    write(root, rel, &old.replace(from, to));
}

fn lines(n: usize, f: impl Fn(usize) -> String) -> String {
    (0..n).map(|i| f(i) + "\n").collect()
}

struct Case {
    name: &'static str,
    setup: fn(&Path),
    max_files: Option<u32>,
    /// Substrings of one diagnostic's one-line form (`file:line:col: error[CODE]: message`).
    expect: &'static [&'static str],
}

const VENDOR: &str = "content/vendors/unscored-ai.md";

const CASES: &[Case] = &[
    Case {
        name: "more files than [deploy] max_files",
        setup: |r| append(r, "site.toml", "\n[deploy]\nmax_files = 10\n"),
        max_files: None,
        expect: &["site.toml:1:1: error[E0500]: the site has ", " files; this deploy allows at most 10 (Cloudflare Pages: 20,000 on the Free plan"],
    },
    Case {
        name: "more files than --max-files",
        setup: |_| {},
        max_files: Some(20),
        expect: &["error[E0500]", "this deploy allows at most 20 "],
    },
    Case {
        name: "max_files above the paid plan's limit",
        setup: |r| append(r, "site.toml", "\n[deploy]\nmax_files = 100001\n"),
        max_files: None,
        expect: &["site.toml:", "error[E0301]: max_files 100001 is outside 1-100,000"],
    },
    Case {
        name: "a file over 25 MiB",
        setup: |r| {
            let p = r.join("static/video.bin");
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, vec![0u8; 25 * 1024 * 1024 + 1]).unwrap();
        },
        max_files: None,
        expect: &["static/video.bin:1:1: error[E0500]: `video.bin` is 25.0 MiB; Cloudflare Pages refuses files over 25 MiB"],
    },
    Case {
        name: "more than 2,000 static redirects",
        setup: |r| write(r, "static/_redirects", &lines(2000, |i| format!("/old-{i} /about/ 301"))),
        max_files: None,
        expect: &["static/_redirects:1993:1: error[E0500]: _redirects has 2,008 static rules; Cloudflare Pages reads at most 2,000 static and 100 dynamic rules"],
    },
    Case {
        name: "more than 100 dynamic redirects",
        setup: |r| append(r, "static/_redirects", &lines(100, |i| format!("/d{i}/* /about/ 301"))),
        max_files: None,
        expect: &["static/_redirects:", "error[E0500]: _redirects has 101 dynamic rules"],
    },
    Case {
        name: "a redirect line over 1,000 characters (from an alias)",
        setup: |r| front(r, VENDOR, &format!("aliases = [\"/vendor/{}/\"]", "a".repeat(1000))),
        max_files: None,
        expect: &["_redirects:6:1: error[E0500]: line 6 of _redirects is 1,034 characters; Cloudflare Pages allows 1,000"],
    },
    Case {
        name: "more than 100 header rules",
        setup: |r| write(r, "static/_headers", &lines(99, |i| format!("/p{i}/*\n  X-Test: {i}"))),
        max_files: None,
        expect: &["static/_headers:197:1: error[E0500]: _headers has 101 rules; Cloudflare Pages reads at most 100"],
    },
    Case {
        name: "a header line over 2,000 characters",
        setup: |r| write(r, "static/_headers", &format!("/*\n  X-Long: {}\n", "a".repeat(2000))),
        max_files: None,
        expect: &["static/_headers:2:1: error[E0500]: line 2 of _headers is 2,010 characters; Cloudflare Pages allows 2,000"],
    },
    Case {
        name: "a top-level functions/ folder",
        setup: |r| write(r, "static/functions/hello.js", "export default {}\n"),
        max_files: None,
        expect: &["static/functions/hello.js:1:1: error[E0500]: `functions/hello.js` puts a `functions/` folder at the top of the output"],
    },
    Case {
        name: "a pre-compressed file",
        setup: |r| write(r, "static/data.json.gz", "x"),
        max_files: None,
        expect: &["static/data.json.gz:1:1: error[E0500]: `data.json.gz` is pre-compressed"],
    },
    Case {
        name: "a _worker.js",
        setup: |r| write(r, "static/_worker.js", "export default {}\n"),
        max_files: None,
        expect: &["static/_worker.js:1:1: error[E0500]: `_worker.js` at the top of the output turns the deploy into a Worker"],
    },
    Case {
        name: "a removed vendor without a date",
        setup: |r| replace(r, "content/vendors/gone-systems.md", "removed_on = 2026-06-30\n", ""),
        max_files: None,
        expect: &["content/vendors/gone-systems.md:6:10: error[E0104]: a removed vendor needs `removed_on` and `removed_reason`"],
    },
    Case {
        name: "removed_on on a listed vendor",
        setup: |r| front(r, VENDOR, "removed_on = 2026-01-01"),
        max_files: None,
        expect: &["content/vendors/unscored-ai.md:2:14: error[E0104]: `removed_on` and `removed_reason` apply only to a removed vendor"],
    },
    Case {
        name: "an unknown status",
        setup: |r| front(r, VENDOR, "status = \"retired\""),
        max_files: None,
        expect: &["content/vendors/unscored-ai.md:2:10: error[E0200]: unknown status `retired`"],
    },
    Case {
        name: "a report naming a removed vendor",
        setup: |r| replace(r, "content/reports/fx-2020-002.md", "vendor = \"example-cloud\"", "vendor = \"gone-systems\""),
        max_files: None,
        expect: &["content/reports/fx-2020-002.md:4:10: error[E0200]: vendor `gone-systems` is removed from the registry"],
    },
    Case {
        name: "an alias that would hide a page",
        setup: |r| front(r, VENDOR, "aliases = [\"/register/\"]"),
        max_files: None,
        expect: &["content/vendors/unscored-ai.md:2:12: error[E0201]: alias `/register/` would hide the page at `/register/`"],
    },
    Case {
        name: "an alias with a wildcard",
        setup: |r| front(r, VENDOR, "aliases = [\"/vendor/*\"]"),
        max_files: None,
        expect: &["content/vendors/unscored-ai.md:2:12: error[E0303]: alias `/vendor/*` is not a site path"],
    },
    Case {
        name: "an alias at a tombstone's address",
        setup: |r| front(r, VENDOR, "aliases = [\"/vendor/gone-systems/\"]"),
        max_files: None,
        expect: &["content/vendors/unscored-ai.md:2:12: error[E0201]: alias `/vendor/gone-systems/` is already the address of vendor `gone-systems`"],
    },
    Case {
        name: "a report alias at another report's address",
        setup: |r| front(r, "content/reports/fx-2020-002.md", "aliases = [\"/register/fx-2024-001/\"]"),
        max_files: None,
        expect: &["content/reports/fx-2020-002.md:", "error[E0201]: alias `/register/fx-2024-001/` is already the address of report `FX-2024-001`"],
    },
    Case {
        name: "a _redirects line Pages would ignore",
        setup: |r| append(r, "static/_redirects", "/only-one-part\n"),
        max_files: None,
        expect: &["static/_redirects:4:1: error[E0501]: a redirect rule has 2 or 3 parts, this line has 1"],
    },
    Case {
        name: "a _redirects status Pages does not know",
        setup: |r| append(r, "static/_redirects", "/a /b 410\n"),
        max_files: None,
        expect: &["static/_redirects:4:1: error[E0501]: `410` is not a status Pages redirects with"],
    },
    Case {
        name: "a publisher rule shadowed by an alias",
        setup: |r| append(r, "static/_redirects", "/vendor/old-example/ /elsewhere/ 301\n"),
        max_files: None,
        expect: &["static/_redirects:4:1: error[E0501]: `/vendor/old-example/` is already redirected (_redirects line 4); Pages would ignore this rule"],
    },
    Case {
        name: "a static file at a page's path",
        setup: |r| write(r, "static/vendor/example-cloud/index.html", "<p>mine</p>\n"),
        max_files: None,
        expect: &["static/vendor/example-cloud/index.html:1:1: error[E0201]: `static/vendor/example-cloud/index.html` has the path of a file the site generates (`/vendor/example-cloud/index.html`), which would replace it"],
    },
    Case {
        name: "a static file at an open-data path",
        setup: |r| write(r, "static/api/vendors.json", "{}\n"),
        max_files: None,
        expect: &["static/api/vendors.json:1:1: error[E0201]: `static/api/vendors.json` has the path of a file the site generates"],
    },
    Case {
        name: "a static file at the sitemap's path",
        setup: |r| write(r, "static/sitemap.xml", "<urlset/>\n"),
        max_files: None,
        expect: &["static/sitemap.xml:1:1: error[E0201]"],
    },
    Case {
        name: "a header line before any path",
        setup: |r| write(r, "static/_headers", "  X-Orphan: yes\n"),
        max_files: None,
        expect: &["static/_headers:1:1: error[E0501]: a header line comes before any path line"],
    },
];

#[test]
fn each_limit_and_rule_mistake_fails_the_build_with_a_clear_message() {
    let mut failures = Vec::new();
    for case in CASES {
        let dir = publish_fixture();
        (case.setup)(dir.path());
        let result = build(dir.path(), None, case.max_files);
        let found = errors(&result);
        let hit = found
            .iter()
            .any(|d| case.expect.iter().all(|e| d.contains(e)));
        if !hit || result.files.is_some() {
            failures.push(format!(
                "{}: expected a diagnostic with {:?}, got {found:#?}",
                case.name, case.expect
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The files of a streaming build (`build`'s path), sorted.
fn streamed(root: &Path) -> (Vec<OutputFile>, Vec<String>) {
    let files = std::sync::Mutex::new(Vec::new());
    let sink = |f| {
        files.lock().unwrap().push(f);
        Ok(())
    };
    let opts = BuildOptions::new(root, build_date());
    let r = trustatlas::pipeline::run(
        &opts,
        &mut trustatlas::pipeline::State::default(),
        &trustatlas::pipeline::Changes::All,
        &trustatlas::files::KeepNothing,
        trustatlas::pipeline::Target::Stream(&sink),
    );
    let mut files = files.into_inner().unwrap();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    (files, errors(&r))
}

#[test]
fn static_files_join_the_output_the_same_way_in_both_builds() {
    let dir = publish_fixture();
    write(dir.path(), "static/logo.svg", "<svg/>\n");
    write(
        dir.path(),
        "static/robots.txt",
        "User-agent: *\nDisallow: /\n",
    );
    let files = ok_files(build(dir.path(), None, None));
    assert_eq!(file(&files, "logo.svg"), "<svg/>\n");
    assert_eq!(file(&files, "robots.txt"), "User-agent: *\nDisallow: /\n");
    assert!(
        file(&files, "_headers").contains("Content-Security-Policy"),
        "generated, merged"
    );
    let (stream, errs) = streamed(dir.path());
    assert_eq!(errs, Vec::<String>::new());
    assert_eq!(stream, files);

    write(dir.path(), "static/index.html", "<p>mine</p>\n");
    let full = errors(&build(dir.path(), None, None));
    let (_, errs) = streamed(dir.path());
    assert_eq!(errs, full);
    assert!(
        errs.iter()
            .any(|e| e.starts_with("static/index.html:1:1: error[E0201]")),
        "{errs:?}"
    );
}

#[test]
fn the_fixture_itself_is_within_every_limit() {
    let dir = publish_fixture();
    let r = build(dir.path(), None, None);
    assert_eq!(errors(&r), Vec::<String>::new());
}

#[test]
fn limits_are_pages_numbers() {
    use trustatlas::pages::limits::*;
    use trustatlas::publish::CONTENT_SECURITY_POLICY;
    assert_eq!(DEFAULT_MAX_FILES, 20_000);
    assert_eq!(MAX_FILES_CEILING, 100_000);
    assert_eq!(MAX_FILE_BYTES, 25 * 1024 * 1024);
    assert_eq!(
        (
            MAX_STATIC_REDIRECTS,
            MAX_DYNAMIC_REDIRECTS,
            MAX_REDIRECT_LINE
        ),
        (2_000, 100, 1_000)
    );
    assert_eq!((MAX_HEADER_RULES, MAX_HEADER_LINE), (100, 2_000));
    assert!(CONTENT_SECURITY_POLICY.len() < MAX_HEADER_LINE);
    assert!(!CONTENT_SECURITY_POLICY.contains("unsafe"));
}

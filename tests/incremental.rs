//! `serve`'s incremental rebuild against a full build, byte for byte, after every kind of
//! edit an editor makes: content, scores, catalogue entries, templates, the stylesheet,
//! static files, new and deleted pages, site.toml, and a broken file that is fixed again.

mod support;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use trustatlas::build::{build_site, build_site_incremental, BuildOptions};
use trustatlas::date::Day;
use trustatlas::render::memo::PageKeys;

const VENDOR: &str = "content/vendors/alibaba-cloud.md";

fn copy_site() -> tempfile::TempDir {
    support::registry_copy(&["content", "themes"])
}

fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} has no {from:?}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// The site as `serve` holds it between builds.
struct Incremental {
    files: BTreeMap<String, Vec<u8>>,
    keys: PageKeys,
}

impl Incremental {
    /// One incremental build. Returns the pages it reused, or `None` when the build failed
    /// (the site and keys stay as they were, as in `serve`).
    fn rebuild(&mut self, opts: &BuildOptions) -> Option<Vec<String>> {
        let (result, reuse) = build_site_incremental(opts, &self.keys);
        let files = result.files?;
        let mut next = BTreeMap::new();
        for p in &reuse.pages {
            let old = self
                .files
                .get(p)
                .unwrap_or_else(|| panic!("reused {p} was never built"));
            next.insert(p.clone(), old.clone());
        }
        for f in files {
            assert!(
                next.insert(f.path.clone(), f.bytes).is_none(),
                "{} twice",
                f.path
            );
        }
        self.files = next;
        self.keys = reuse.keys;
        Some(reuse.pages)
    }
}

fn full(opts: &BuildOptions) -> BTreeMap<String, Vec<u8>> {
    let files = build_site(opts).files.expect("full build succeeds");
    files.into_iter().map(|f| (f.path, f.bytes)).collect()
}

/// Which pages an edit may reuse: `Some(list)` = these must be reused, these must not.
struct Expect {
    reused: &'static [&'static str],
    rendered: &'static [&'static str],
}

#[test]
fn incremental_output_equals_a_full_build_after_every_kind_of_edit() {
    let site = copy_site();
    let root = site.path();
    let opts = BuildOptions::new(root, Day::from_unix_seconds(1_795_305_600));
    let mut inc = Incremental {
        files: BTreeMap::new(),
        keys: PageKeys::new(),
    };
    let first = inc.rebuild(&opts).expect("first build");
    assert!(first.is_empty(), "nothing to reuse on the first build");
    assert_eq!(inc.files, full(&opts));

    type Edit = Box<dyn Fn(&Path)>;
    let nothing = Expect {
        reused: &[],
        rendered: &[],
    };
    let cases: Vec<(&str, Edit, Expect)> = vec![
        (
            "no change at all: every page reused",
            Box::new(|_| {}),
            Expect {
                reused: &["index.html", "vendor/alibaba-cloud/index.html", "404.html"],
                rendered: &[],
            },
        ),
        (
            "a vendor's text",
            Box::new(|r| {
                edit(
                    r,
                    VENDOR,
                    "hq_city = \"Hangzhou\"",
                    "hq_city = \"Hangzhou, Zhejiang\"",
                )
            }),
            Expect {
                // A certification the vendor does not hold is not re-rendered.
                reused: &[
                    "certification/fedramp/index.html",
                    "vendor/tencent-cloud/index.html",
                ],
                rendered: &[
                    "vendor/alibaba-cloud/index.html",
                    "vendor/alibaba-cloud/pack/index.html",
                ],
            },
        ),
        (
            "a vendor's score (composite, bands, rankings)",
            // Jurisdiction and security weigh the same in the default profile, so the
            // published composite (42.2) is still reproduced; other profiles change.
            Box::new(|r| {
                edit(r, VENDOR, "score = 80", "score = 60");
                edit(r, VENDOR, "score = 20\n", "score = 40\n");
            }),
            Expect {
                reused: &[],
                rendered: &["vendor/alibaba-cloud/index.html"],
            },
        ),
        (
            "a certification's description",
            Box::new(|r| {
                edit(
                    r,
                    "content/certifications/c5.md",
                    "C5 is a catalogue",
                    "BSI C5 is a catalogue",
                )
            }),
            Expect {
                reused: &["vendor/alibaba-cloud/index.html"],
                rendered: &["certification/c5/index.html"],
            },
        ),
        (
            "a template",
            Box::new(|r| {
                edit(
                    r,
                    "themes/default/templates/base.html",
                    "<main id=\"main\"",
                    "<main data-edited id=\"main\"",
                )
            }),
            Expect {
                reused: &[],
                rendered: &["index.html", "404.html", "vendor/alibaba-cloud/index.html"],
            },
        ),
        (
            "the stylesheet (its fingerprinted name is in every page)",
            Box::new(|r| {
                let css = r.join("themes/default/static/style.css");
                let mut text = fs::read_to_string(&css).unwrap();
                text.push_str("\n.edited { color: red; }\n");
                fs::write(css, text).unwrap();
            }),
            Expect {
                reused: &[],
                rendered: &["index.html"],
            },
        ),
        (
            "a new static file",
            Box::new(|r| {
                fs::create_dir_all(r.join("static")).unwrap();
                fs::write(r.join("static/robots.txt"), "User-agent: *\n").unwrap();
            }),
            Expect {
                reused: &["index.html"],
                rendered: &[],
            },
        ),
        (
            "a new page (the footer of every page lists pages)",
            Box::new(|r| {
                fs::write(
                    r.join("content/pages/press.md"),
                    "+++\ntitle = \"Press\"\n+++\nContacts.\n",
                )
                .unwrap()
            }),
            Expect {
                reused: &[],
                rendered: &["press/index.html", "index.html"],
            },
        ),
        (
            "a deleted page",
            Box::new(|r| fs::remove_file(r.join("content/pages/press.md")).unwrap()),
            nothing,
        ),
        (
            "site.toml",
            Box::new(|r| {
                edit(
                    r,
                    "site.toml",
                    "title = \"TrustAtlas\"",
                    "title = \"TrustAtlas (staging)\"",
                )
            }),
            Expect {
                reused: &[],
                rendered: &["index.html", "vendor/tencent-cloud/index.html"],
            },
        ),
    ];
    for (what, apply, expect) in cases {
        apply(root);
        let reused = inc
            .rebuild(&opts)
            .unwrap_or_else(|| panic!("{what}: build failed"));
        let want = full(&opts);
        assert_eq!(
            inc.files.keys().collect::<Vec<_>>(),
            want.keys().collect::<Vec<_>>(),
            "{what}: same files"
        );
        for (path, bytes) in &want {
            assert!(
                inc.files[path] == *bytes,
                "{what}: {path} differs from a full build"
            );
        }
        for p in expect.reused {
            assert!(
                reused.iter().any(|r| r == p),
                "{what}: {p} should be reused"
            );
        }
        for p in expect.rendered {
            assert!(
                !reused.iter().any(|r| r == p),
                "{what}: {p} should be rendered"
            );
        }
    }

    // A broken file fails the build and leaves the site and keys as they were; after the
    // fix the incremental build again equals a full one.
    edit(
        root,
        VENDOR,
        "category = \"frontier_builder\"",
        "category = \"frontier_bilder\"",
    );
    let before = inc.files.clone();
    assert!(inc.rebuild(&opts).is_none());
    assert_eq!(inc.files, before);
    edit(
        root,
        VENDOR,
        "category = \"frontier_bilder\"",
        "category = \"frontier_builder\"",
    );
    edit(
        root,
        VENDOR,
        "hq_city = \"Hangzhou, Zhejiang\"",
        "hq_city = \"Hangzhou\"",
    );
    inc.rebuild(&opts).expect("fixed");
    assert_eq!(inc.files, full(&opts));
}

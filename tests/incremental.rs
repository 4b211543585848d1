//! The pipeline's incremental runs (what `serve` does on every save) against a full build,
//! byte for byte, pages and published files alike, after every kind of edit an editor makes:
//! content, scores, catalogue entries, templates, the stylesheet, static files, new and
//! deleted pages, site.toml, and a broken file that is fixed again. Each run is told exactly
//! the paths that changed, as the watcher tells `serve`, so the refresh of the sources and
//! the model's memo are exercised too.

mod support;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::Path;
use std::sync::Mutex;

use trustatlas::date::Day;
use trustatlas::files::{Keep, Key};
use trustatlas::options::BuildOptions;
use trustatlas::pipeline::{self, build_site, Changes, State, Target};

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

/// The site as `serve` holds it between builds: files, the key each was made from, the
/// pipeline's state, and the source tree as last seen (to tell the run what changed).
struct Incremental {
    files: BTreeMap<String, Vec<u8>>,
    keys: HashMap<String, Key>,
    state: State,
    seen: BTreeMap<String, Vec<u8>>,
    /// Vendor and report files the last run checked again.
    checked: usize,
}

/// Keeps a file of the previous build when its key matches (as `serve` does).
struct Previous<'a> {
    files: &'a BTreeMap<String, Vec<u8>>,
    keys: &'a HashMap<String, Key>,
    next: Mutex<HashMap<String, Key>>,
    kept: Mutex<Vec<String>>,
}

impl Keep for Previous<'_> {
    fn reusable(&self, path: &str, key: Key) -> Option<usize> {
        let previous = self.keys.get(path)?;
        key.matches(previous)
            .then(|| self.files.get(path).map(Vec::len))
            .flatten()
    }
    fn keep(&self, path: &str, key: Key) -> std::io::Result<()> {
        self.kept.lock().unwrap().push(path.to_string());
        self.made(path, key.kept_from(&self.keys[path]));
        Ok(())
    }
    fn had(&self, _: &str) -> bool {
        true // as `serve` does
    }
    fn made(&self, path: &str, key: Key) {
        self.next.lock().unwrap().insert(path.to_string(), key);
    }
}

/// Every source file under `root`, by relative path.
fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for top in ["site.toml", "content", "themes", "static"] {
        if !root.join(top).exists() {
            continue;
        }
        for e in walkdir::WalkDir::new(root.join(top)) {
            let e = e.unwrap();
            if e.file_type().is_file() {
                let rel = e.path().strip_prefix(root).unwrap();
                let rel = rel.to_str().unwrap().replace('\\', "/");
                out.insert(rel, fs::read(e.path()).unwrap());
            }
        }
    }
    out
}

impl Incremental {
    /// One incremental build, told which paths changed since the last one. Returns the files
    /// it kept, or `None` when the build failed (the site and keys stay as they were, as in
    /// `serve`).
    fn rebuild(&mut self, opts: &BuildOptions) -> Option<Vec<String>> {
        let now = tree(&opts.root);
        let changed: BTreeSet<String> = now
            .iter()
            .filter(|(p, b)| self.seen.get(*p) != Some(*b))
            .map(|(p, _)| p.clone())
            .chain(self.seen.keys().filter(|p| !now.contains_key(*p)).cloned())
            .collect();
        self.seen = now;
        let changes = if self.files.is_empty() {
            Changes::All
        } else {
            Changes::Paths(changed)
        };
        let keep = Previous {
            files: &self.files,
            keys: &self.keys,
            next: Mutex::new(HashMap::new()),
            kept: Mutex::new(Vec::new()),
        };
        let mut result = pipeline::run(opts, &mut self.state, &changes, &keep, Target::Memory);
        self.checked = result.checked;
        self.state.recycle(result.registry.take());
        let files = result.files?;
        let kept = keep.kept.into_inner().unwrap();
        let mut next = BTreeMap::new();
        for p in &kept {
            let old = self
                .files
                .get(p)
                .unwrap_or_else(|| panic!("kept {p} was never built"));
            next.insert(p.clone(), old.clone());
        }
        for f in files {
            assert!(
                next.insert(f.path.clone(), f.bytes).is_none(),
                "{} twice",
                f.path
            );
        }
        self.keys = keep.next.into_inner().unwrap();
        self.files = next;
        Some(kept)
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
        keys: HashMap::new(),
        state: State::session(),
        seen: BTreeMap::new(),
        checked: 0,
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
                reused: &[
                    "index.html",
                    "vendor/alibaba-cloud/index.html",
                    "404.html",
                    "api/vendors/alibaba-cloud.json",
                ],
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
                    "api/vendors/tencent-cloud.json",
                ],
                rendered: &[
                    "vendor/alibaba-cloud/index.html",
                    "vendor/alibaba-cloud/pack/index.html",
                    "api/vendors/alibaba-cloud.json",
                ],
            },
        ),
        (
            "a vendor's Markdown body (shown on its own page and pack only)",
            Box::new(|r| {
                let path = r.join(VENDOR);
                let mut text = fs::read_to_string(&path).unwrap();
                text.push_str("\nOne more paragraph of the body.\n");
                fs::write(path, text).unwrap();
            }),
            Expect {
                // No other page, and no published file, even builds its view again.
                reused: &[
                    "index.html",
                    "vendor/index.html",
                    "certification/c5/index.html",
                    "register/index.html",
                    "sitemap.xml",
                    "api/vendors.json",
                    "api/vendors.csv",
                    "feed.xml",
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
                // The open data is made from the content alone.
                reused: &["api/vendors/alibaba-cloud.json", "api/vendors.json"],
                rendered: &["index.html", "404.html", "vendor/alibaba-cloud/index.html"],
            },
        ),
        (
            "a template only some pages use (the pack's)",
            Box::new(|r| {
                let t = r.join("themes/default/templates/pack.html");
                let mut text = fs::read_to_string(&t).unwrap();
                text.push_str("{# edited #}\n");
                fs::write(t, text).unwrap();
            }),
            Expect {
                reused: &["index.html", "vendor/alibaba-cloud/index.html"],
                rendered: &["vendor/alibaba-cloud/pack/index.html"],
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

    // The model's memo: one vendor file saved is one file checked, before and after a
    // failed build.
    let path = root.join(VENDOR);
    let mut text = fs::read_to_string(&path).unwrap();
    text.push_str("\nAnother paragraph.\n");
    fs::write(&path, &text).unwrap();
    inc.rebuild(&opts).expect("body edit");
    assert_eq!(inc.checked, 1, "only the saved file is checked again");

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
    // The fixed vendor, and the reports: the broken build had one vendor fewer, and a
    // report's check reads which vendors exist.
    let reports = fs::read_dir(root.join("content/reports")).unwrap().count();
    assert_eq!(
        inc.checked,
        1 + reports,
        "the fix checks the fixed file and the reports"
    );
    assert_eq!(inc.files, full(&opts));
}

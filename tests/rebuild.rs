//! Rebuilds into an existing output: a no-change rebuild is skipped and leaves exactly what a
//! full build writes; after an edit only the pages whose bytes changed are rewritten, stale
//! pages go, and the result is again identical to a full build from scratch.

#[path = "../examples/gen_registry/gen.rs"]
#[allow(dead_code)]
mod gen;
mod support;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Output;
use std::time::{Duration, SystemTime};

use support::{copy_fixture, repo, stderr, trustatlas};

fn build(root: &Path, out: &Path, extra: &[&str]) -> Output {
    let o = trustatlas()
        .args(["build", "--root"])
        .arg(root)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .expect("run trustatlas");
    assert!(
        o.status.success(),
        "build failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

/// Every file under `dir`: relative path → (bytes, mtime).
fn snapshot(dir: &Path) -> BTreeMap<String, (Vec<u8>, SystemTime)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            (
                rel.to_string_lossy().into_owned(),
                (
                    fs::read(e.path()).unwrap(),
                    e.metadata().unwrap().modified().unwrap(),
                ),
            )
        })
        .collect()
}

fn bytes(s: &BTreeMap<String, (Vec<u8>, SystemTime)>) -> BTreeMap<&str, &[u8]> {
    s.iter()
        .map(|(k, (b, _))| (k.as_str(), b.as_slice()))
        .collect()
}

/// Inputs written moments ago are not trusted by the no-change check (they could still be
/// changing within the file system's timestamp granularity), so age them.
fn age(dir: &Path) {
    let past = SystemTime::now() - Duration::from_secs(3600);
    for e in walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
    {
        if e.file_type().is_file() {
            fs::File::options()
                .write(true)
                .open(e.path())
                .unwrap()
                .set_modified(past)
                .unwrap();
        }
    }
}

#[test]
fn rebuilds_write_only_what_changed_and_match_a_full_build() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    gen::generate(
        &gen::Options {
            vendors: 30,
            seed: 11,
            source_root: repo(),
            themes: repo().join("themes"),
        },
        &site,
    )
    .unwrap();
    age(&site);
    let out = tmp.path().join("public");
    let first = build(&site, &out, &[]);
    assert!(stderr(&first).contains("0 unchanged"), "{}", stderr(&first));
    let full = snapshot(&out);

    // Nothing changed: skipped, and the output is what a full build writes.
    let again = build(&site, &out, &[]);
    assert!(
        stderr(&again).contains("is up to date"),
        "{}",
        stderr(&again)
    );
    assert_eq!(snapshot(&out), full, "bytes and mtimes untouched");
    let fresh = tmp.path().join("fresh");
    build(&site, &fresh, &[]);
    assert_eq!(bytes(&snapshot(&fresh)), bytes(&full));

    // --force renders everything again and rewrites nothing.
    let forced = build(&site, &out, &["--force"]);
    assert!(stderr(&forced).contains("0 written"), "{}", stderr(&forced));
    assert_eq!(snapshot(&out), full);

    // One vendor's summary edited: exactly the files whose bytes differ from the last full
    // build are written (its page, its pack and its open data); the rest keep their mtime.
    let vendor = site.join("content/vendors/synthetic-vendor-00003.md");
    let mut text = fs::read_to_string(&vendor).unwrap();
    text.push_str("\nOne more synthetic sentence for the rebuild test.\n");
    fs::write(&vendor, text).unwrap();
    let edited = build(&site, &out, &[]);
    // The other 29 vendors' pages, packs and open-data records were kept, not made again.
    assert!(kept(&edited) >= 29 * 3, "{}", stderr(&edited));
    let after = snapshot(&out);
    let fresh2 = tmp.path().join("fresh2");
    build(&site, &fresh2, &[]);
    assert_eq!(bytes(&after), bytes(&snapshot(&fresh2)));
    let rewritten: Vec<&str> = after
        .iter()
        .filter(|(k, v)| full.get(*k) != Some(v))
        .map(|(k, _)| k.as_str())
        .collect();
    let differing: Vec<&str> = after
        .iter()
        .filter(|(k, (b, _))| full.get(*k).map(|f| &f.0) != Some(b))
        .map(|(k, _)| k.as_str())
        .collect();
    assert_eq!(rewritten, differing, "only changed files are written");
    assert!(rewritten.contains(&"vendor/synthetic-vendor-00003/index.html"));
    assert!(rewritten.contains(&"vendor/synthetic-vendor-00003/pack/index.html"));
    assert!(
        stderr(&edited).contains(&format!("{} written", rewritten.len())),
        "{}",
        stderr(&edited)
    );

    // A report changed: its vendor's pages (which list it) are rendered again, the others kept.
    let report = site.join("content/reports/syn-r00002.md");
    let text = fs::read_to_string(&report).unwrap();
    let valid = text
        .lines()
        .find(|l| l.starts_with("valid_until = "))
        .unwrap()
        .to_string();
    fs::write(&report, text.replace(&valid, "valid_until = \"2031-12\"")).unwrap();
    let o = build(&site, &out, &[]);
    assert!(kept(&o) >= 29 * 3, "{}", stderr(&o));
    let fresh_r = tmp.path().join("fresh-r");
    build(&site, &fresh_r, &[]);
    assert_eq!(bytes(&snapshot(&out)), bytes(&snapshot(&fresh_r)));

    // A site-wide input changed (a certification's name shows on every vendor page that
    // holds it): every vendor's inputs changed, so each view is built again; pages whose view
    // shows nothing of the edit are still kept, and the result is again a full build's.
    let cert = site.join("content/certifications/synthetic-scheme-04.md");
    let text = fs::read_to_string(&cert).unwrap();
    fs::write(
        &cert,
        text.replace("short_name = \"SYN-04\"", "short_name = \"SYN-4\""),
    )
    .unwrap();
    let o = build(&site, &out, &[]);
    assert!(kept(&o) > 0, "{}", stderr(&o));
    let fresh_c = tmp.path().join("fresh-c");
    build(&site, &fresh_c, &[]);
    assert_eq!(bytes(&snapshot(&out)), bytes(&snapshot(&fresh_c)));

    // A page edited by hand in the output is rendered again, not kept.
    let page = out.join("vendor/synthetic-vendor-00005/index.html");
    fs::write(&page, "edited by hand").unwrap();
    let o = build(&site, &out, &[]);
    assert!(stderr(&o).contains("1 written"), "{}", stderr(&o));
    assert_eq!(bytes(&snapshot(&out)), bytes(&snapshot(&fresh_c)));

    // A vendor removed (it has no report): its files go, and the output is a full build's.
    let before_removal = snapshot(&out);
    fs::remove_file(site.join("content/vendors/synthetic-vendor-00030.md")).unwrap();
    build(&site, &out, &[]);
    assert!(!out.join("vendor/synthetic-vendor-00030").exists());
    let fresh3 = tmp.path().join("fresh3");
    build(&site, &fresh3, &[]);
    let now = snapshot(&out);
    assert_eq!(bytes(&now), bytes(&snapshot(&fresh3)));
    assert!(
        before_removal
            .keys()
            .filter(|k| !now.contains_key(*k))
            .count()
            >= 2
    );
}

/// The CLI writes pages as they render and publishes from an index of paths and sizes; the
/// result must be `build_site`'s, byte for byte, including static `_headers`/`_redirects`
/// that publishing merges and replaces.
#[test]
fn the_streaming_build_writes_what_build_site_returns() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_fixture("tests/fixtures/publish", &site);
    assert!(site.join("static/_headers").is_file());
    let out = tmp.path().join("public");
    build(&site, &out, &[]);
    let result = support::build::build(&site, None, None);
    let expected: BTreeMap<String, Vec<u8>> = result
        .files
        .expect("fixture builds")
        .into_iter()
        .map(|f| (f.path, f.bytes))
        .collect();
    let written: BTreeMap<String, Vec<u8>> = snapshot(&out)
        .into_iter()
        .map(|(k, (b, _))| (k, b))
        .collect();
    assert_eq!(
        written.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &expected {
        assert!(written[path] == *bytes, "{path} differs");
    }
}

/// How many files the closing line says were kept from the last build.
fn kept(o: &std::process::Output) -> usize {
    let err = stderr(o);
    let before = err
        .split(" kept from the last build")
        .next()
        .unwrap_or_else(|| panic!("no kept count in {err}"));
    before
        .rsplit(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no kept count in {err}"))
}

//! The one golden harness: each fixture site under `tests/fixtures/` is built, in memory
//! (`build_site`) and by the real `trustatlas build`, and each whole output compared, byte for
//! byte and file by file, with `tests/golden/<fixture>/`.
//! `BLESS=1 cargo test --test golden` rewrites the expected files (and removes stale ones);
//! review the diff before committing. A fixture may also name files it must always produce
//! ([`REQUIRED`]): those are checked first, also under `BLESS=1`, so a change that stops
//! publishing one of them fails instead of quietly deleting its golden file.

mod support;

use std::collections::BTreeMap;
use std::fs;

use support::build::build;
use support::{bless, copy_fixture, read_tree, repo, stderr, trustatlas};

/// Per fixture, the files that must be in its output: for `publish`, the Pages rules and one
/// document of every open-data kind (JSON, CSV, ICS, the feed, OSCAL, the schemas).
const REQUIRED: &[(&str, &[&str])] = &[(
    "publish",
    &[
        "_headers",
        "_redirects",
        "robots.txt",
        "api/vendors.json",
        "api/vendors/example-cloud.json",
        "api/vendors/gone-systems.json",
        "api/certifications.json",
        "api/register.json",
        "api/frameworks/sample-framework.json",
        "api/schema/vendor.schema.json",
        "api/vendors.csv",
        "api/register.csv",
        "api/register-expiry.ics",
        "feed.xml",
        "api/oscal/catalog/sample-framework.json",
        "api/oscal/dimensions.json",
        "api/oscal/mapping.json",
    ],
)];

/// The first line where two texts differ, for a readable failure.
fn first_difference(expected: &[u8], actual: &[u8]) -> String {
    let (e, a) = (
        String::from_utf8_lossy(expected),
        String::from_utf8_lossy(actual),
    );
    for (i, (le, la)) in e.lines().zip(a.lines()).enumerate() {
        if le != la {
            return format!("line {}:\n  expected: {le}\n  actual:   {la}", i + 1);
        }
    }
    format!(
        "lengths differ: expected {} lines, got {}",
        e.lines().count(),
        a.lines().count()
    )
}

/// The fixture's output in memory, path → bytes; panics with the diagnostics on failure.
fn build_fixture(name: &str) -> BTreeMap<String, Vec<u8>> {
    let tmp = tempfile::tempdir().unwrap();
    copy_fixture(&format!("tests/fixtures/{name}"), tmp.path());
    let result = build(tmp.path(), None, None);
    let report = result.render_diagnostics(false);
    let files = result
        .files
        .unwrap_or_else(|| panic!("fixture {name} failed to build:\n{report}"));
    files.into_iter().map(|f| (f.path, f.bytes)).collect()
}

/// The same fixture built by the real binary, `trustatlas build --out`: the path the command
/// takes (stamp, streaming writer, the output swap) must give the same files, byte for byte.
fn build_fixture_with_the_binary(name: &str) -> BTreeMap<String, Vec<u8>> {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_fixture(&format!("tests/fixtures/{name}"), &site);
    let out = tmp.path().join("public");
    let o = trustatlas()
        .args(["build", "--root"])
        .arg(&site)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run trustatlas");
    assert!(
        o.status.success(),
        "fixture {name}: `trustatlas build` failed:\n{}",
        stderr(&o)
    );
    read_tree(&out)
}

/// The files of [`REQUIRED`] that the fixture's output lacks, one line each.
fn missing_required(name: &str, actual: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    REQUIRED
        .iter()
        .filter(|(n, _)| *n == name)
        .flat_map(|(_, paths)| paths.iter())
        .filter(|path| !actual.contains_key(**path))
        .map(|path| format!("{name}: required file {path} is not in the output"))
        .collect()
}

/// Every difference between the golden tree and the actual output, one line each.
fn compare(
    name: &str,
    expected: &BTreeMap<String, Vec<u8>>,
    actual: &BTreeMap<String, Vec<u8>>,
) -> Vec<String> {
    let mut failures = Vec::new();
    for (path, bytes) in actual {
        match expected.get(path) {
            None => failures.push(format!(
                "{name}: new file {path} (run with BLESS=1 if intended)"
            )),
            Some(e) if e != bytes => failures.push(format!(
                "{name}: {path} differs at {}",
                first_difference(e, bytes)
            )),
            _ => {}
        }
    }
    for path in expected.keys().filter(|p| !actual.contains_key(*p)) {
        failures.push(format!(
            "{name}: stale golden file {path} is no longer produced"
        ));
    }
    failures
}

#[test]
fn fixture_sites_match_their_golden_output() {
    let bless = bless();
    let mut failures = Vec::new();
    let fixtures = repo().join("tests/fixtures");
    let mut names: Vec<String> = fs::read_dir(&fixtures)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no fixture sites found");
    for (name, _) in REQUIRED {
        assert!(
            names.iter().any(|n| n == name),
            "REQUIRED names fixture {name}, which tests/fixtures/ does not have"
        );
    }
    for name in names {
        let actual = build_fixture(&name);
        let missing = missing_required(&name, &actual);
        if !missing.is_empty() {
            // Not blessed: its golden tree stays as it was.
            failures.extend(missing);
            continue;
        }
        let golden_dir = repo().join("tests/golden").join(&name);
        if bless {
            let _ = fs::remove_dir_all(&golden_dir);
            for (path, bytes) in &actual {
                let p = golden_dir.join(path);
                fs::create_dir_all(p.parent().unwrap()).unwrap();
                fs::write(p, bytes).unwrap();
            }
        }
        let expected = read_tree(&golden_dir);
        failures.extend(compare(&name, &expected, &actual));
        let command = build_fixture_with_the_binary(&name);
        failures.extend(compare(
            &format!("{name} (trustatlas build)"),
            &expected,
            &command,
        ));
    }
    assert!(
        failures.is_empty(),
        "{} golden mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

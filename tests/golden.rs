//! Golden tests: each fixture site under `tests/fixtures/` is built and its whole output
//! compared, file by file, with `tests/golden/<fixture>/`. `BLESS=1 cargo test --test golden`
//! rewrites the expected files (and removes stale ones); review the diff before committing.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use trustatlas::date::Day;
use trustatlas::options::BuildOptions;
use trustatlas::pipeline::build_site;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn copy_tree(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_map(Result::ok)
    {
        let target = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(e.path(), &target).unwrap();
        }
    }
}

fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

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

#[test]
fn fixture_sites_match_their_golden_output() {
    let bless = std::env::var_os("BLESS").is_some();
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
    for name in names {
        let tmp = tempfile::tempdir().unwrap();
        copy_tree(&fixtures.join(&name), tmp.path());
        if !tmp.path().join("themes").exists() {
            copy_tree(&repo().join("themes"), &tmp.path().join("themes"));
        }
        let result = build_site(&BuildOptions {
            root: tmp.path().to_path_buf(),
            build_date: Day::from_ymd(2026, 11, 22),
            base_url: None,
            max_files: None,
        });
        let report = result.render_diagnostics(false);
        let files = result
            .files
            .unwrap_or_else(|| panic!("fixture {name} failed to build:\n{report}"));
        let actual: BTreeMap<String, Vec<u8>> =
            files.into_iter().map(|f| (f.path, f.bytes)).collect();
        let golden_dir = repo().join("tests/golden").join(&name);
        if bless {
            let _ = fs::remove_dir_all(&golden_dir);
            for (path, bytes) in &actual {
                let p = golden_dir.join(path);
                fs::create_dir_all(p.parent().unwrap()).unwrap();
                fs::write(p, bytes).unwrap();
            }
            continue;
        }
        let expected = read_tree(&golden_dir);
        for (path, bytes) in &actual {
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
    }
    assert!(
        failures.is_empty(),
        "{} golden mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

//! The one support module of the integration tests, pulled into each test binary with
//! `mod support;` (as mdBook's `tests/testsuite` shares one support tree): where the repository
//! is, copies of sites into temporary folders, reading a folder back, whether to bless golden
//! files, and the real binary on a fixed build date. Domain helpers live in its submodules:
//! [`build`] builds a site in memory, [`serve`] drives the real `trustatlas serve`.
//!
//! One definition of each, so a change of the build API or of the binary's environment is one
//! edit here and not one per test file.

#![allow(dead_code)]

pub mod build;
pub mod serve;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use trustatlas::date::Day;

/// 2026-11-22 00:00:00 UTC: the build date of every test (`SOURCE_DATE_EPOCH`), so report
/// status and output are reproducible.
pub const EPOCH: &str = "1795305600";

/// [`EPOCH`] as a day, for builds in memory: the date the golden files were made for.
pub fn build_date() -> Day {
    Day::from_ymd(2026, 11, 22)
}

/// The repository root (the bundled registry is a site too).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `BLESS=1` (any value but empty or `0`): rewrite the expected files instead of comparing.
pub fn bless() -> bool {
    std::env::var_os("BLESS").is_some_and(|v| !v.is_empty() && v != "0")
}

/// Copies the tree at `from` into `to` (created if missing), files in name order.
pub fn copy_tree(from: &Path, to: &Path) {
    copy_tree_except(from, to, &[]);
}

/// [`copy_tree`] without the top-level entries of `from` named in `skip`.
pub fn copy_tree_except(from: &Path, to: &Path, skip: &[&str]) {
    let walk = walkdir::WalkDir::new(from)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() != 1 || !skip.iter().any(|s| e.file_name() == *s));
    for e in walk {
        let e = e.unwrap_or_else(|err| panic!("{}: {err}", from.display()));
        let dest = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            fs::create_dir_all(&dest).unwrap();
        } else {
            fs::create_dir_all(dest.parent().unwrap()).unwrap();
            fs::copy(e.path(), &dest)
                .unwrap_or_else(|err| panic!("copy {}: {err}", e.path().display()));
        }
    }
}

/// Copies `site.toml` and the named parts (`content`, `themes`, `static`, ...) of the bundled
/// registry into `to`.
pub fn copy_registry(to: &Path, parts: &[&str]) {
    fs::create_dir_all(to).unwrap();
    fs::copy(repo().join("site.toml"), to.join("site.toml")).unwrap();
    for part in parts {
        copy_tree(&repo().join(part), &to.join(part));
    }
}

/// A copy of the bundled registry (`site.toml` and `parts`) in a fresh temporary folder.
pub fn registry_copy(parts: &[&str]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_registry(tmp.path(), parts);
    tmp
}

/// The fixture site at `rel` (relative to the repository) in a fresh temporary folder, with
/// the repository's theme when the fixture has none of its own.
pub fn fixture_copy(rel: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_fixture(rel, tmp.path());
    tmp
}

/// [`fixture_copy`] into a given folder.
pub fn copy_fixture(rel: &str, to: &Path) {
    copy_tree(&repo().join(rel), to);
    if !to.join("themes").exists() {
        copy_tree(&repo().join("themes"), &to.join("themes"));
    }
}

/// Every file under `dir`: path relative to it (with `/`) → bytes.
pub fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            (
                rel.to_string_lossy().replace('\\', "/"),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// The real binary with the fixed build date, no colour and no CI environment; add the
/// arguments (and anything else) and run it.
pub fn trustatlas() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_trustatlas"));
    c.env("SOURCE_DATE_EPOCH", EPOCH)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS");
    c
}

/// Runs `trustatlas <args>` in `cwd` (see [`trustatlas`]) to its end.
pub fn run(args: &[&str], cwd: &Path) -> Output {
    trustatlas()
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run trustatlas")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// tests/check/site, the fixture of the `check`, `new` and `load_one` tests, with the theme.
pub fn check_site() -> tempfile::TempDir {
    fixture_copy("tests/check/site")
}

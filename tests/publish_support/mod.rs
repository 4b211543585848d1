//! Shared by tests/publish.rs and tests/publish_limits.rs: builds tests/fixtures/publish (with
//! the repository's theme) or the bundled registry in memory, on a fixed build date.

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

use trustatlas::date::Day;
use trustatlas::files::OutputFile;
use trustatlas::options::BuildOptions;
use trustatlas::pipeline::{build_site, BuildResult};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// 2026-11-22, the date the golden files were made for.
pub fn build_date() -> Day {
    Day::from_ymd(2026, 11, 22)
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
            fs::create_dir_all(target.parent().unwrap()).unwrap();
            fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// A writable copy of the fixture site, theme included, for tests that change a file.
pub fn fixture_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("tests/fixtures/publish"), dir.path());
    copy_tree(&repo().join("themes"), &dir.path().join("themes"));
    dir
}

pub fn build(root: &Path, base_url: Option<&str>, max_files: Option<u32>) -> BuildResult {
    build_site(&BuildOptions {
        root: root.to_path_buf(),
        build_date: build_date(),
        base_url: base_url.map(str::to_string),
        max_files,
    })
}

/// The fixture's files; panics with the diagnostics when the build fails.
pub fn fixture_files() -> Vec<OutputFile> {
    let dir = fixture_copy();
    ok_files(build(dir.path(), None, None))
}

pub fn bundled_files() -> Vec<OutputFile> {
    ok_files(build(&repo(), None, None))
}

pub fn ok_files(r: BuildResult) -> Vec<OutputFile> {
    assert!(r.errors() == 0, "{}", r.render_diagnostics(false));
    r.files.expect("a build without errors has files")
}

pub fn file<'a>(files: &'a [OutputFile], path: &str) -> &'a str {
    let f = files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("{path} is not in the output"));
    std::str::from_utf8(&f.bytes).unwrap()
}

/// The one-line form of every diagnostic of a failed build.
pub fn errors(r: &BuildResult) -> Vec<String> {
    r.diagnostics.iter().map(|d| d.short()).collect()
}

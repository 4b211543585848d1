//! Builds in memory (`build_site`, no output folder): tests/fixtures/publish (with the
//! repository's theme) or the bundled registry, on the fixed build date, and the files of the
//! result.

use std::path::Path;

pub use trustatlas::files::OutputFile;
/// Re-exported so tests name the build's types through here: when they move, one edit.
pub use trustatlas::options::BuildOptions;
use trustatlas::pipeline::build_site;
pub use trustatlas::pipeline::BuildResult;

use super::{build_date, fixture_copy, repo};

/// A writable copy of tests/fixtures/publish, theme included, for tests that change a file.
pub fn publish_fixture() -> tempfile::TempDir {
    fixture_copy("tests/fixtures/publish")
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
    let dir = publish_fixture();
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

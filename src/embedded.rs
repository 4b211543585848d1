//! Files built into the binary by `build.rs`: the default theme (`themes/default/`), the
//! starter site written by `trustatlas init` (`starter/`) and the framework catalogs it copies
//! (`content/frameworks/`). Each table is (path relative to its folder, `/`-separated; bytes),
//! sorted by path. The repository's files are the one copy: the tables are made from them at
//! build time.

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// The commit the binary was built from (`git rev-parse --short`), or "" when unknown.
pub const COMMIT: &str = env!("TRUSTATLAS_COMMIT");

/// What `--version` prints after the name: the package version and, when known, the commit.
pub const VERSION: &str = env!("TRUSTATLAS_VERSION_LINE");

/// The file at `path` of a table.
pub fn get(table: &[(&str, &'static [u8])], path: &str) -> Option<&'static [u8]> {
    table
        .binary_search_by(|(p, _)| (*p).cmp(path))
        .ok()
        .map(|i| table[i].1)
}

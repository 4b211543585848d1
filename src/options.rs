//! What a build is asked to do, beside the site's own files: the options every command
//! passes to `pipeline::run`, kept apart so that no stage imports the driver to read them.

use std::path::PathBuf;

use crate::date::Day;

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// "Today" for report status; from `SOURCE_DATE_EPOCH` in the CLI.
    pub build_date: Day,
    /// Overrides `base_url` from site.toml (preview deploys).
    pub base_url: Option<String>,
    /// Overrides `[deploy] max_files` from site.toml (`--max-files`).
    pub max_files: Option<u32>,
}

impl BuildOptions {
    /// Options for building the site under `root` as of `build_date`, with site.toml's own
    /// base URL and file limit.
    pub fn new(root: impl Into<PathBuf>, build_date: Day) -> Self {
        BuildOptions {
            root: root.into(),
            build_date,
            base_url: None,
            max_files: None,
        }
    }
}

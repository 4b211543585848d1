//! A whole site built from one replaced content file, in memory: the model from
//! `single::load_one`, then the pipeline's own later stages (`pipeline::make`: derive, render,
//! publish) without the disk. The entry point of the whole-pipeline fuzz target
//! (`fuzz/fuzz_targets/build_site.rs`) and of the tests that replay its inputs
//! (`tests/pipeline_props.rs`), whose output `oracle` then judges.
//!
//! `pipeline::run` reads the theme named in `site.toml` from disk after loading the model;
//! here the theme is read once into the base [`SiteSources`] ([`fixture`]) and a `site.toml`
//! that names another theme does not build, as on disk when that folder is missing.

use std::path::Path;

use crate::date::Day;
use crate::diagnostic::{Diagnostic, Severity};
use crate::files::{Outlet, OutputFile};
use crate::model::{self, Registry};
use crate::options::BuildOptions;
use crate::pipeline;
use crate::single;
use crate::source::{self, SiteSources};

/// The build date of every in-memory build, so the replayed inputs give the same output on
/// any day (the check fixture's reports are valid then).
pub const BUILD_DATE: (i32, u8, u8) = (2026, 11, 23);

/// What building a site with one file replaced produced.
pub struct SiteBuild {
    /// Every diagnostic of loading, rendering and publishing.
    pub diagnostics: Vec<Diagnostic>,
    /// The output files, sorted by path, when the site built without an error.
    pub files: Option<Vec<OutputFile>>,
}

/// The content of the site under `site_root` with the templates, theme assets and static
/// files of theme `theme` under `theme_root`, read through `source` as a build reads them;
/// diagnostics of reading go to `diags`. The fixture of the fuzz target and the tests:
/// the content of `tests/check/site`, the theme of the repository.
pub fn fixture(
    site_root: &Path,
    theme_root: &Path,
    theme: &str,
    diags: &mut Vec<Diagnostic>,
) -> SiteSources {
    let mut sources = source::load(site_root, diags);
    source::load_theme(theme_root, theme, 0..0, &mut sources, diags);
    sources
}

/// Builds `site` with the file at `path` replaced by (or added as) `text`. `theme` is the
/// theme whose templates `site` holds. Loading is [`single::load_one`]'s, so the replaced
/// text goes through every check a file read from disk does; render and publish read only
/// the templates, theme assets and static files of `site`, which the replacement leaves alone.
pub fn build_one(site: &SiteSources, theme: &str, path: &str, text: &str) -> SiteBuild {
    let loaded = single::load_one(site, path, text);
    finish(site, theme, loaded.registry, loaded.diagnostics)
}

/// Builds `site` as `build` would with its theme already read, as of [`BUILD_DATE`].
pub fn build(site: &SiteSources, theme: &str) -> SiteBuild {
    let mut diagnostics = Vec::new();
    let registry = model::load(site, &mut diagnostics);
    finish(site, theme, registry, diagnostics)
}

/// Derives, renders and publishes `registry` when loading had no error.
fn finish(
    site: &SiteSources,
    theme: &str,
    registry: Option<Registry>,
    mut diagnostics: Vec<Diagnostic>,
) -> SiteBuild {
    let failed = diagnostics.iter().any(|d| d.severity == Severity::Error);
    let Some(reg) = registry.filter(|r| r.config.theme == theme && !failed) else {
        return SiteBuild {
            diagnostics,
            files: None,
        };
    };
    let (y, m, d) = BUILD_DATE;
    let opts = BuildOptions::new(".", Day::from_ymd(y, m, d));
    let out = Outlet::collecting();
    let (_, made) = pipeline::make(&reg, site, &opts, &out, &mut Vec::new(), None);
    let files = made.map(|()| out.into_files());
    match files {
        Ok(files) => SiteBuild {
            diagnostics,
            files: Some(files),
        },
        Err(d) => {
            diagnostics.extend(d);
            SiteBuild {
                diagnostics,
                files: None,
            }
        }
    }
}

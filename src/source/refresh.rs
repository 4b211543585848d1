//! Reading again only what changed: the dev server's fast path after a save.
//!
//! [`refresh`] takes the sources of the last load, which must have loaded without a single
//! diagnostic, and the paths a watcher reported, and re-reads those files only. It applies
//! when every path is a file that was read last time and still reads without a diagnostic
//! (an edit, the common case), or a file of the theme or of `static/` (the caller loads the
//! theme again). Anything else (a created, removed or refused file, a folder, a file that now
//! has a problem) makes it answer `None`, and the caller loads everything, so the result is
//! always what [`super::load`] would read now.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::{read_text, SiteSources, CONTENT_KINDS};

/// What [`refresh`] re-read.
#[derive(Debug, Default)]
pub struct Refreshed {
    /// Text files read again (relative paths, as in [`super::SourceFile::path`]).
    pub texts: Vec<PathBuf>,
    /// A file of `themes/` or `static/` changed: the theme and static files must be loaded
    /// again (the caller knows which theme is in use).
    pub theme: bool,
}

/// Re-reads the files at `changed` (relative, `/`-separated) into `sources`; see the module
/// docs. `None`: `sources` may be partly updated and must be loaded again in full.
pub fn refresh(
    root: &Path,
    sources: &mut SiteSources,
    changed: &BTreeSet<String>,
) -> Option<Refreshed> {
    let mut done = Refreshed::default();
    for rel in changed {
        if rel.starts_with("themes/") || rel.starts_with("static/") {
            done.theme = true;
            continue;
        }
        let slot = if rel == "site.toml" {
            sources.config.as_mut()?
        } else if rel == "content/questions.toml" {
            sources.questions.as_mut()?
        } else {
            let kind = rel.strip_prefix("content/")?.split('/').next()?;
            if !CONTENT_KINDS.contains(&kind) {
                return None;
            }
            let files = sources.content.get_mut(kind)?;
            let i = files.iter().position(|f| f.path == Path::new(rel))?;
            &mut files[i]
        };
        let mut diags = Vec::new();
        let fresh = read_text(root, Path::new(rel), true, &mut diags)?;
        if !diags.is_empty() {
            return None;
        }
        slot.text = fresh.text;
        done.texts.push(PathBuf::from(rel));
    }
    Some(done)
}

//! One content file loaded from a string against a site held in memory: the entry point of
//! the fuzz target (`fuzz/fuzz_targets/load_content.rs`) and of the loader's property tests.
//! It runs the real loader ([`model::load`]) and, when the file loads, renders its Markdown
//! body the way pages do, so front matter, validation and Markdown are all exercised without
//! touching the disk.

use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::model::{self, Registry};
use crate::render::markdown_to_html;
use crate::source::{SiteSources, SourceFile, CONTENT_KINDS};

/// The files of a site that the fuzz target and the property tests replace, every kind in
/// both forms; a fuzz input's first byte picks one (`TARGETS[byte % len]`), so committed fuzz
/// inputs replay the same way in `cargo test`.
pub const TARGETS: &[&str] = &[
    "content/vendors/acme-cloud.md",
    "content/vendors/beta-cloud.toml",
    "content/certifications/iso-27001.md",
    "content/certifications/soc-2.toml",
    "content/reports/acme-2026-01.md",
    "content/reports/acme-2027-01.toml",
    "content/frameworks/mini.toml",
    "content/pages/about.md",
    "site.toml",
    "content/questions.toml",
];

/// What loading produced.
pub struct Loaded {
    /// The registry, when no file had an error.
    pub registry: Option<Registry>,
    /// Every diagnostic, for every file of the site.
    pub diagnostics: Vec<Diagnostic>,
    /// The rendered Markdown body of the loaded file, when it has one and loaded.
    pub html: Option<String>,
}

/// An in-memory site from `(path, text)` pairs, paths relative to the site root:
/// `site.toml`, `content/questions.toml`, `content/<kind>/<name>.{md,toml}`. Other paths are
/// ignored, as `source::load` ignores them on disk.
pub fn site_from_files<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> SiteSources {
    let mut site = SiteSources::default();
    for kind in CONTENT_KINDS {
        site.content.insert(kind.to_string(), Vec::new());
    }
    for (path, text) in files {
        put(&mut site, path, text);
    }
    site
}

/// Replaces (or adds) the file at `path` with `text`.
fn put(site: &mut SiteSources, path: &str, text: &str) {
    let file = SourceFile {
        path: PathBuf::from(path),
        text: text.strip_prefix('\u{feff}').unwrap_or(text).to_string(),
    };
    match path {
        "site.toml" => site.config = Some(file),
        "content/questions.toml" => site.questions = Some(file),
        _ => {
            let Some(kind) = content_kind(path) else {
                return;
            };
            let files = site.content.entry(kind.to_string()).or_default();
            files.retain(|f| f.path != file.path);
            files.push(file);
            files.sort_by(|a, b| a.path.cmp(&b.path));
        }
    }
}

/// `vendors` for `content/vendors/acme.md`; `None` for anything that is not a content file.
pub fn content_kind(path: &str) -> Option<&'static str> {
    let rest = path.strip_prefix("content/")?;
    let (kind, name) = rest.split_once('/')?;
    let ext = Path::new(name).extension()?.to_str()?;
    if !matches!(ext, "md" | "toml") {
        return None;
    }
    CONTENT_KINDS.iter().copied().find(|k| *k == kind)
}

/// Loads `site` with the file at `path` replaced by (or added as) `text`.
pub fn load_one(site: &SiteSources, path: &str, text: &str) -> Loaded {
    let mut site = site.clone();
    put(&mut site, path, text);
    let mut diagnostics = Vec::new();
    let registry = model::load(&site, &mut diagnostics);
    let html = registry
        .as_ref()
        .and_then(|r| body_of(r, Path::new(path)))
        .map(|b| markdown_to_html(b, 1));
    Loaded {
        registry,
        diagnostics,
        html,
    }
}

fn body_of<'r>(reg: &'r Registry, path: &Path) -> Option<&'r str> {
    let bodies = reg
        .vendors
        .iter()
        .map(|v| (&v.file, &v.body))
        .chain(reg.certifications.iter().map(|c| (&c.file, &c.body)))
        .chain(reg.reports.iter().map(|r| (&r.file, &r.body)))
        .chain(reg.pages.iter().map(|p| (&p.file, &p.body)));
    bodies
        .into_iter()
        .find(|(f, _)| f.as_path() == path)
        .map(|(_, b)| b.as_str())
}

/// The loader's promises for any input, as the fuzz target and the property tests check them:
/// every diagnostic points inside the file it names (line, column and span within that file's
/// text), and the registry exists exactly when there is no error. `site` is the site that was
/// loaded, `path` and `text` the file that replaced one of its files.
pub fn check_invariants(
    site: &SiteSources,
    path: &str,
    text: &str,
    loaded: &Loaded,
) -> Result<(), String> {
    let text_of = |file: &Path| -> Option<String> {
        if file == Path::new(path) {
            return Some(text.strip_prefix('\u{feff}').unwrap_or(text).to_string());
        }
        site.config
            .iter()
            .chain(&site.questions)
            .chain(site.content.values().flatten())
            .find(|f| f.path == file)
            .map(|f| f.text.clone())
    };
    for d in &loaded.diagnostics {
        let Some(t) = text_of(&d.file) else {
            return Err(format!(
                "diagnostic names a file not in the site: {}",
                d.short()
            ));
        };
        let lines: Vec<&str> = t.split('\n').collect();
        if d.line == 0 || d.line > lines.len() {
            return Err(format!(
                "line outside the file ({} lines): {}",
                lines.len(),
                d.short()
            ));
        }
        let width = lines[d.line - 1].trim_end_matches('\r').chars().count();
        if d.column == 0 || d.column > width + 1 {
            return Err(format!(
                "column outside line {} (width {width}): {}",
                d.line,
                d.short()
            ));
        }
        if let Some(s) = &d.span {
            if s.start > s.end || s.end > t.len() {
                return Err(format!(
                    "span {s:?} outside the file ({} bytes): {}",
                    t.len(),
                    d.short()
                ));
            }
        }
    }
    let errors = loaded
        .diagnostics
        .iter()
        .any(|d| d.severity == crate::diagnostic::Severity::Error);
    if errors == loaded.registry.is_some() {
        return Err(format!(
            "registry {} although there {} errors",
            if errors { "built" } else { "missing" },
            if errors { "were" } else { "were no" }
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_from_the_folder() {
        assert_eq!(content_kind("content/vendors/a.md"), Some("vendors"));
        assert_eq!(content_kind("content/reports/x/y.toml"), Some("reports"));
        assert_eq!(content_kind("content/vendors/a.txt"), None);
        assert_eq!(content_kind("content/other/a.md"), None);
        assert_eq!(content_kind("site.toml"), None);
    }
}

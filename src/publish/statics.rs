//! The site's own `static/` files joined to the generated ones: the one place that decides
//! what happens when both want a path. A static file at a path the site generates (a page,
//! the sitemap, a theme asset, an open-data file) is an error at the static file, never
//! silently dropped; the exceptions are the files a publisher is meant to provide:
//! `_headers` and `_redirects`, merged into the generated ones (`rules.rs`), and `robots.txt`,
//! which replaces the generated one.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diagnostic::{Code, Diagnostic};
use crate::render::OutputFile;
use crate::source::SiteSources;

/// Static files merged into generated files of the same name rather than copied.
pub const MERGED: &[&str] = &["_headers", "_redirects"];

/// Static files that take the place of the file the site would generate.
pub const REPLACING: &[&str] = &["robots.txt"];

/// The static files to copy into the output, and an error for each one at a path in
/// `generated` (every rendered and published path, with its size).
pub fn merge(
    sources: &SiteSources,
    generated: &BTreeMap<String, usize>,
) -> (Vec<OutputFile>, Vec<Diagnostic>) {
    let mut copy = Vec::new();
    let mut diags = Vec::new();
    for (path, bytes) in &sources.static_files {
        if MERGED.contains(&path.as_str()) {
            continue;
        }
        if generated.contains_key(path) && !REPLACING.contains(&path.as_str()) {
            diags.push(
                Diagnostic::error(
                    Code::Duplicate,
                    &Path::new("static").join(path),
                    "",
                    None,
                    format!(
                        "`static/{path}` has the path of a file the site generates (`/{path}`), which would replace it"
                    ),
                )
                .with_help(Some(format!(
                    "move or rename `static/{path}`; only {} can be given in `static/` (the first two are merged into the generated ones)",
                    MERGED.iter().chain(REPLACING).map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ")
                ))),
            );
            continue;
        }
        copy.push(OutputFile {
            path: path.clone(),
            bytes: bytes.clone(),
        });
    }
    (copy, diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_static_file_never_loses_silently() {
        let mut sources = SiteSources::default();
        for p in [
            "index.html",
            "api/vendors.json",
            "robots.txt",
            "_headers",
            "logo.png",
        ] {
            sources.static_files.insert(p.into(), b"x".to_vec());
        }
        let generated: BTreeMap<String, usize> = ["index.html", "api/vendors.json", "robots.txt"]
            .iter()
            .map(|p| (p.to_string(), 1))
            .collect();
        let (copy, diags) = merge(&sources, &generated);
        let copied: Vec<&str> = copy.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(copied, ["logo.png", "robots.txt"]);
        let files: Vec<String> = diags.iter().map(|d| d.file.display().to_string()).collect();
        assert_eq!(files, ["static/api/vendors.json", "static/index.html"]);
        assert!(
            diags[1].message.contains("`/index.html`"),
            "{}",
            diags[1].message
        );
    }
}

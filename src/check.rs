//! `trustatlas check`: the whole build without writing, then what only a finished site can
//! show. It runs [`build::build_site`] unchanged (so it rejects exactly what `build` rejects,
//! with the same diagnostics), then checks every internal link and `#anchor` of the rendered
//! pages ([`links`]) and audits dates and citations against the build date ([`audit`]).

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::audit;
use crate::build::{self, BuildOptions, BuildResult};
use crate::diagnostic::{self, Code, Diagnostic, Severity};
use crate::links::{self, BrokenLink};
use crate::render::OutputFile;
use crate::source::SiteSources;
use crate::suggest;

/// Links that only the generator's own templates write, with no literal in any source file,
/// are reported against the rendered page, shown under this folder (where `build` writes by
/// default).
pub const RENDERED_PREFIX: &str = "public";

/// What one `check` run found.
pub struct Checked {
    pub build: BuildResult,
    /// The build's diagnostics plus broken links and audit findings, sorted by file and line.
    pub diagnostics: Vec<Diagnostic>,
    /// Rendered pages checked for links (0 when the build failed before rendering).
    pub pages: usize,
}

/// Builds in memory and checks the result.
pub fn check_site(opts: &BuildOptions) -> Checked {
    let result = build::build_site(opts);
    let mut diagnostics = result.diagnostics.clone();
    let mut pages = 0;
    if let Some(files) = &result.files {
        pages = files.iter().filter(|f| f.path.ends_with(".html")).count();
        let theme = result
            .registry
            .as_ref()
            .map(|r| r.config.theme.as_str())
            .unwrap_or("default");
        diagnostics.extend(link_diagnostics(files, &result.sources, theme));
    }
    if let Some(reg) = &result.registry {
        // Indexed once: the audit asks for a file's text per vendor and report.
        let by_path: BTreeMap<&Path, &str> = result
            .sources
            .content
            .values()
            .flatten()
            .map(|f| (f.path.as_path(), f.text.as_str()))
            .collect();
        let text = |p: &Path| by_path.get(p).copied().unwrap_or("").to_string();
        diagnostics.extend(audit::audit(reg, opts.build_date, &text));
    }
    diagnostic::sort(&mut diagnostics);
    Checked {
        build: result,
        diagnostics,
        pages,
    }
}

impl Checked {
    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, s: Severity) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == s).count()
    }

    /// True when `check` should exit 1: any error, or any warning under `--strict`.
    pub fn failed(&self, strict: bool) -> bool {
        self.errors() > 0 || (strict && self.warnings() > 0)
    }

    /// The text a diagnostic points into: a source file, or a rendered page.
    pub fn source_text(&self, path: &Path) -> Option<String> {
        // Rendered pages first: `BuildResult::source_text` matches templates by file name,
        // and `public/404.html` is not the template `404.html`.
        if let Ok(rel) = path.strip_prefix(RENDERED_PREFIX) {
            let rel = crate::source::slash(rel);
            let page = self.build.files.as_ref().and_then(|files| {
                files
                    .iter()
                    .find(|f| f.path == rel)
                    .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
            });
            if page.is_some() {
                return page;
            }
        }
        self.build.source_text(path)
    }

    /// rustc-style diagnostics and the one-line summary.
    pub fn render_human(&self, color: bool) -> String {
        let mut out = diagnostic::render(&self.diagnostics, &|p: &Path| self.source_text(p), color);
        if self.diagnostics.is_empty() {
            out.push_str(&format!(
                "no problems found ({} content files, {} pages checked)\n",
                self.build
                    .sources
                    .content
                    .values()
                    .map(Vec::len)
                    .sum::<usize>(),
                self.pages
            ));
        } else {
            out.push_str(&diagnostic::summary(&self.diagnostics));
            out.push('\n');
        }
        out
    }
}

/// Broken links as diagnostics, each pointing where an editor can fix it: the first choice is
/// the content file that spells the link out (a Markdown body, a front-matter URL), then the
/// template that does, and only then the rendered page. A link broken on many pages (a
/// template's) is one diagnostic naming how many pages carry it.
fn link_diagnostics(files: &[OutputFile], sources: &SiteSources, theme: &str) -> Vec<Diagnostic> {
    let broken = links::check(files);
    if broken.is_empty() {
        return Vec::new();
    }
    let pages: BTreeMap<&str, &[u8]> = files
        .iter()
        .map(|f| (f.path.as_str(), f.bytes.as_slice()))
        .collect();
    let urls: Vec<String> = files
        .iter()
        .filter(|f| f.path.ends_with(".html"))
        .map(|f| format!("/{}", f.path.trim_end_matches("index.html")))
        .collect();
    let mut texts: Vec<(PathBuf, &str)> = Vec::new();
    if let Some(c) = &sources.config {
        texts.push((c.path.clone(), &c.text));
    }
    for f in sources.content.values().flatten().chain(&sources.questions) {
        texts.push((f.path.clone(), &f.text));
    }
    let templates: Vec<(PathBuf, &str)> = sources
        .templates
        .iter()
        .map(|(name, text)| {
            (
                Path::new("themes").join(theme).join("templates").join(name),
                text.as_str(),
            )
        })
        .collect();

    // Each distinct broken link is looked up once, however many pages carry it (a broken
    // link in a template is on every page).
    let mut by_target: BTreeMap<(String, &'static str), Vec<String>> = BTreeMap::new();
    for b in broken {
        by_target
            .entry((b.target, b.reason))
            .or_default()
            .push(b.page);
    }
    // (file, span, target, reason) → (file text, pages carrying the link).
    type Key = (PathBuf, (usize, usize), String, &'static str);
    let mut found: BTreeMap<Key, (String, Vec<String>)> = BTreeMap::new();
    for ((target, reason), on) in by_target {
        let spelled_in = |set: &[(PathBuf, &'_ str)]| -> Vec<(PathBuf, Range<usize>, String)> {
            set.iter()
                .flat_map(|(path, text)| {
                    occurrences(text, &target)
                        .into_iter()
                        .map(|span| (path.clone(), span, text.to_string()))
                })
                .collect()
        };
        let mut sites = spelled_in(&texts);
        if sites.is_empty() {
            sites = spelled_in(&templates);
        }
        if sites.is_empty() {
            let page = on.iter().min().expect("one page at least");
            let html = String::from_utf8_lossy(pages.get(page.as_str()).copied().unwrap_or(b""))
                .into_owned();
            let span = html
                .find(&format!("=\"{target}\""))
                .map(|i| i + 2..i + 2 + target.len())
                .unwrap_or(0..0);
            sites.push((Path::new(RENDERED_PREFIX).join(page), span, html));
        }
        for (path, span, text) in sites {
            let key = (path, (span.start, span.end), target.clone(), reason);
            found
                .entry(key)
                .or_insert_with(|| (text, Vec::new()))
                .1
                .extend(on.iter().cloned());
        }
    }
    found
        .into_iter()
        .map(|((file, span, target, reason), (text, mut on))| {
            on.sort();
            on.dedup();
            let help = link_help(
                &BrokenLink {
                    page: on[0].clone(),
                    target: target.clone(),
                    reason,
                },
                &urls,
                &pages,
            );
            let where_ = match on.len() {
                1 => format!("on /{}", on[0].trim_end_matches("index.html")),
                n => format!(
                    "on {n} pages, e.g. /{}",
                    on[0].trim_end_matches("index.html")
                ),
            };
            Diagnostic::error(
                Code::BrokenLink,
                &file,
                &text,
                Some(span.0..span.1),
                format!("link `{target}` leads nowhere: {reason} ({where_})"),
            )
            .with_expected("a link to a page or #anchor of this site, starting with /")
            .with_help(help)
        })
        .collect()
}

/// "Did you mean" for a broken link: the closest page, or the closest anchor on the page.
fn link_help(b: &BrokenLink, urls: &[String], pages: &BTreeMap<&str, &[u8]>) -> Option<String> {
    let (path, anchor) = match b.target.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (b.target.as_str(), None),
    };
    if b.reason.starts_with("relative") {
        return Some(
            "internal links start with `/` and end with `/`, e.g. `/vendor/acme-cloud/`".into(),
        );
    }
    if b.reason.starts_with("missing trailing slash") {
        return Some(format!("write `{path}/`"));
    }
    match anchor {
        Some(a) if b.reason.contains("id") => {
            let page = if path.is_empty() {
                b.page.clone()
            } else {
                format!("{}index.html", path.trim_start_matches('/'))
            };
            let html = String::from_utf8_lossy(pages.get(page.as_str()).copied()?).into_owned();
            let ids = links::element_ids(&html);
            suggest::did_you_mean(a, ids.iter().map(String::as_str))
                .map(|id| format!("did you mean `{path}#{id}`?"))
        }
        _ => suggest::help(path, urls),
    }
}

/// Where `target` is written in `text` as a whole link: preceded by `(`, a quote, `<`, `=` or
/// white space and followed by `)`, a quote, `>` or white space, so `/vendor/a/` is not found
/// inside `/vendor/a/pack/` or `https://x.org/vendor/a/`.
fn occurrences(text: &str, target: &str) -> Vec<Range<usize>> {
    if target.is_empty() {
        return Vec::new();
    }
    let before_ok = |c: Option<char>| c.is_none_or(|c| "(\"'<=[ \t\n".contains(c));
    let after_ok = |c: Option<char>| c.is_none_or(|c| ")\"'> \t\r\n".contains(c));
    text.match_indices(target)
        .filter(|(i, m)| {
            before_ok(text[..*i].chars().next_back())
                && after_ok(text[i + m.len()..].chars().next())
        })
        .map(|(i, m)| i..i + m.len())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn occurrences_match_whole_links_only() {
        let t =
            "[a](/vendor/a/) and [b](/vendor/a/pack/) and https://x.org/vendor/a/ \"/vendor/a/\"";
        let found: Vec<&str> = occurrences(t, "/vendor/a/")
            .into_iter()
            .map(|r| &t[r])
            .collect();
        assert_eq!(found.len(), 2);
        assert_eq!(occurrences(t, "/vendor/a/")[0].start, 4);
    }
}

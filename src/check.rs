//! `trustatlas check`: the whole build without writing, then what only a finished site can
//! show. It runs [`pipeline::build_site`] unchanged (so it rejects exactly what `build` rejects,
//! with the same diagnostics), then checks every internal link and `#anchor` of the rendered
//! pages ([`links`]) and audits dates and citations against the build date ([`audit`]).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::audit;
use crate::diagnostic::{self, Code, Diagnostic, Severity, TextIndex};
use crate::files::OutputFile;
use crate::links::{self, BrokenLink};
use crate::options::BuildOptions;
use crate::pipeline::{self, BuildResult};
use crate::source::SiteSources;
use crate::suggest;

/// Links that only the generator's own templates write, with no literal in any source file,
/// are reported against the rendered page, shown under this folder (where `build` writes by
/// default).
pub const RENDERED_PREFIX: &str = "public";

/// What one `check` run found.
pub struct Checked {
    pub build: BuildResult,
    /// When some files had errors: the site built from the files that loaded, whose links
    /// and dates were checked (see [`partial_site`]).
    pub partial: Option<BuildResult>,
    /// The build's diagnostics plus broken links and audit findings, sorted by file and line.
    pub diagnostics: Vec<Diagnostic>,
    /// Rendered pages checked for links (0 when nothing could be rendered).
    pub pages: usize,
}

/// Builds in memory and checks the result. When files have errors, the links and dates of
/// the files that did load are still checked (every problem in one run), and nothing that
/// follows from a failed file is reported a second time.
pub fn check_site(opts: &BuildOptions) -> Checked {
    let result = pipeline::build_site(opts);
    let mut diagnostics = result.diagnostics.clone();
    let partial = if result.errors() > 0 {
        partial_site(opts, &result)
    } else {
        None
    };
    let (site, dropped) = match &partial {
        Some((site, dropped)) => (site, dropped.clone()),
        None => (&result, BTreeSet::new()),
    };
    let mut pages = 0;
    if let Some(files) = &site.files {
        pages = files.iter().filter(|f| f.path.ends_with(".html")).count();
        let theme = site
            .registry
            .as_ref()
            .map(|r| r.config.theme.as_str())
            .unwrap_or("default");
        diagnostics.extend(link_diagnostics(files, &site.sources, theme, &dropped));
    }
    if let Some(reg) = &site.registry {
        // Indexed once: the audit asks for a file's text per vendor and report.
        let by_path: BTreeMap<&Path, &str> = site
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
        partial: partial.map(|(site, _)| site),
        diagnostics,
        pages,
    }
}

/// The site built from the content files that loaded, when others had errors: the files
/// with errors are left out and treated as unreadable (so references to them are not
/// reported), and the build is repeated. Its own diagnostics are never shown: the real ones
/// were reported by the full build, and the others follow from leaving files out. A file
/// that only fails once others are left out is left out too, a few rounds at most. `None`
/// when the errors are outside content files (site.toml, the theme, the output as a whole)
/// or the rest does not build. Also returns the stems of the files left out.
fn partial_site(
    opts: &BuildOptions,
    full: &BuildResult,
) -> Option<(BuildResult, BTreeSet<String>)> {
    const ROUNDS: usize = 3;
    let mut sources = (*full.sources).clone();
    let mut failing = error_files(&full.diagnostics);
    let mut dropped = BTreeSet::new();
    for _ in 0..ROUNDS {
        let mut left_out = false;
        for (kind, files) in sources.content.iter_mut() {
            let (out, kept): (Vec<_>, Vec<_>) =
                files.drain(..).partition(|f| failing.contains(&f.path));
            *files = kept;
            for f in out {
                left_out = true;
                dropped.insert(f.stem().to_lowercase());
                sources
                    .unreadable
                    .entry(kind.clone())
                    .or_default()
                    .push(f.stem().to_string());
            }
        }
        if sources
            .questions
            .as_ref()
            .is_some_and(|q| failing.contains(&q.path))
        {
            sources.questions = None;
            left_out = true;
        }
        if !left_out {
            return None;
        }
        let site = pipeline::build_sources(opts, sources.clone());
        if site.errors() == 0 {
            return Some((site, dropped));
        }
        failing = error_files(&site.diagnostics);
    }
    None
}

fn error_files(diags: &[Diagnostic]) -> BTreeSet<PathBuf> {
    diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.file.clone())
        .collect()
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
        let site = self.partial.as_ref().unwrap_or(&self.build);
        if let Ok(rel) = path.strip_prefix(RENDERED_PREFIX) {
            let rel = crate::source::slash(rel);
            let page = site.files.as_ref().and_then(|files| {
                files
                    .iter()
                    .find(|f| f.path == rel)
                    .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
            });
            if page.is_some() {
                return page;
            }
        }
        site.source_text(path)
            .or_else(|| self.build.source_text(path))
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
/// the content file that writes the link (a Markdown body, a front-matter URL), then the
/// template that does, and only then the rendered page. Each place that writes a broken
/// link is one diagnostic, naming how many pages carry it (a link of a template is on every
/// page). Links to the pages of `dropped` files (left out for their errors, see
/// [`partial_site`]) are not reported: they follow from those errors. Source files are
/// scanned once for the links they write, so the cost is linear in the site.
fn link_diagnostics(
    files: &[OutputFile],
    sources: &SiteSources,
    theme: &str,
    dropped: &BTreeSet<String>,
) -> Vec<Diagnostic> {
    let broken: Vec<BrokenLink> = links::check(files)
        .into_iter()
        .filter(|b| !leads_to_dropped(&b.target, dropped))
        .collect();
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
        .map(|f| crate::urls::url_of(&f.path))
        .collect();
    let mut texts: Vec<(PathBuf, Cow<str>)> = Vec::new();
    if let Some(c) = &sources.config {
        texts.push((c.path.clone(), Cow::Borrowed(c.text.as_str())));
    }
    for f in sources.content.values().flatten().chain(&sources.questions) {
        texts.push((f.path.clone(), Cow::Borrowed(f.text.as_str())));
    }
    let content_files = texts.len();
    for (name, text) in &sources.templates {
        let path = Path::new("themes").join(theme).join("templates").join(name);
        texts.push((path, Cow::Borrowed(text.as_str())));
    }
    // Where each target is written, in content files and in templates; one pass per file.
    let mut written: HashMap<String, (Vec<Place>, Vec<Place>)> = HashMap::new();
    for (i, (_, text)) in texts.iter().enumerate() {
        for (target, span) in links::written_links(text) {
            let e = written.entry(target.to_string()).or_default();
            let list = if i < content_files {
                &mut e.0
            } else {
                &mut e.1
            };
            list.push((i, span));
        }
    }

    // Each distinct broken link is looked up once, however many pages carry it (a broken
    // link in a template is on every page): (target, reason) → (page, offset on the page).
    let mut by_target: BTreeMap<(&str, &'static str), Vec<(&str, usize)>> = BTreeMap::new();
    for b in &broken {
        by_target
            .entry((b.target.as_str(), b.reason))
            .or_default()
            .push((b.page.as_str(), b.at));
    }
    // Each place that writes a broken link (file, span, target, reason) → the pages that
    // carry it; in file order.
    type Key<'k> = (usize, usize, usize, &'k str, &'static str);
    let mut found: BTreeMap<Key, Vec<&str>> = BTreeMap::new();
    for ((target, reason), on) in by_target {
        let places = match written.get(target) {
            Some((content, _)) if !content.is_empty() => content.clone(),
            Some((_, templates)) if !templates.is_empty() => templates.clone(),
            _ => {
                // Only the generator writes it: point at the first page that carries it,
                // where the link is.
                let (page, at) = *on.iter().min().expect("one page at least");
                let html = pages.get(page).copied().unwrap_or(b"");
                let html = String::from_utf8_lossy(html).into_owned();
                let at = at.min(html.len());
                let end = html[at..].find('"').map_or(html.len(), |e| at + e);
                texts.push((Path::new(RENDERED_PREFIX).join(page), Cow::Owned(html)));
                vec![(texts.len() - 1, at..end)]
            }
        };
        for (file, span) in places {
            found
                .entry((file, span.start, span.end, target, reason))
                .or_default()
                .extend(on.iter().map(|(page, _)| *page));
        }
    }
    let mut indexes: HashMap<usize, TextIndex> = HashMap::new();
    let mut ids: HashMap<String, BTreeSet<String>> = HashMap::new();
    let mut out = Vec::new();
    let mut places: HashMap<&str, usize> = HashMap::new();
    for (_, _, _, target, _) in found.keys() {
        *places.entry(target).or_default() += 1;
    }
    for ((file, start, end, target, reason), mut on) in found {
        on.sort();
        on.dedup();
        let index = indexes
            .entry(file)
            .or_insert_with(|| TextIndex::new(&texts[file].1));
        let help = link_help(target, reason, on[0], &urls, &pages, &mut ids);
        let first = crate::urls::url_of(on[0]);
        // Pages are not traced back to the file that wrote their link, so a target written
        // in several places says so rather than give each place every page.
        let where_ = match (on.len(), places[target]) {
            (1, 1) => format!("on {first}"),
            (n, 1) => format!("on {n} pages, e.g. {first}"),
            (n, k) => format!(
                "written in {k} places, on {n} page{} in all, e.g. {first}",
                if n == 1 { "" } else { "s" }
            ),
        };
        out.push(
            Diagnostic::error_at(
                Code::BrokenLink,
                &texts[file].0,
                index,
                Some(start..end),
                format!("link `{target}` leads nowhere: {reason} ({where_})"),
            )
            .with_expected("a link to a page or #anchor of this site, starting with /")
            .with_help(help),
        );
    }
    out
}

/// A text (by its index) and a byte range in it.
type Place = (usize, Range<usize>);

/// `/vendor/acme/` or `/vendor/acme/#scores` when `acme` was left out for its errors.
fn leads_to_dropped(target: &str, dropped: &BTreeSet<String>) -> bool {
    let path = target.split(['#', '?']).next().unwrap_or("");
    path.starts_with('/')
        && path
            .split('/')
            .any(|segment| dropped.contains(&segment.to_lowercase()))
}

/// "Did you mean" for a broken link: the closest page, or the closest anchor on the page.
/// `ids` keeps the element ids of the pages already looked at.
fn link_help(
    target: &str,
    reason: &str,
    page_of_link: &str,
    urls: &[String],
    pages: &BTreeMap<&str, &[u8]>,
    ids: &mut HashMap<String, BTreeSet<String>>,
) -> Option<String> {
    let (path, anchor) = match target.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (target, None),
    };
    if reason.starts_with("relative") {
        return Some(
            "internal links start with `/` and end with `/`, e.g. `/vendor/acme-cloud/`".into(),
        );
    }
    if reason.starts_with("missing trailing slash") {
        return Some(format!("write `{path}/`"));
    }
    match anchor {
        Some(a) if reason.contains("id") => {
            let page = if path.is_empty() {
                page_of_link.to_string()
            } else {
                crate::urls::path_of(path)
            };
            let bytes = pages.get(page.as_str()).copied()?;
            let ids = ids
                .entry(page)
                .or_insert_with(|| links::element_ids(&String::from_utf8_lossy(bytes)));
            suggest::did_you_mean(a, ids.iter().map(String::as_str))
                .map(|id| format!("did you mean `{path}#{id}`?"))
        }
        _ => suggest::help(path, urls),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_to_left_out_files_are_not_reported() {
        let dropped: BTreeSet<String> = ["acme".to_string()].into();
        assert!(leads_to_dropped("/vendor/acme/", &dropped));
        assert!(leads_to_dropped("/vendor/Acme/#scores", &dropped));
        assert!(!leads_to_dropped("/vendor/acme-cloud/", &dropped));
        assert!(!leads_to_dropped("acme", &dropped));
    }
}

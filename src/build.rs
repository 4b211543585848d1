//! The pipeline driver shared by every command: source → model → derive → render. It stops
//! before writing; `output` (for `build`) or the dev server (for `serve`) takes the files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::date::Day;
use crate::derive::{self, Derived};
use crate::diagnostic::{self, Diagnostic, Severity};
use crate::model::{self, Registry};
use crate::publish;
use crate::render::memo::PageKeys;
use crate::render::{self, OutputFile};
use crate::source::{self, SiteSources};

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

/// What one run of the pipeline produced.
pub struct BuildResult {
    /// The site, when there were no errors.
    pub files: Option<Vec<OutputFile>>,
    /// Every error and warning, sorted by file and line.
    pub diagnostics: Vec<Diagnostic>,
    /// The sources read, so diagnostics can quote the offending lines.
    pub sources: SiteSources,
    pub registry: Option<Registry>,
    pub derived: Option<Derived>,
    pub timings: Vec<(&'static str, Duration)>,
    /// How many files the site has (rendered into `files`, or handed to the sink).
    pub file_count: usize,
    /// The sink of [`build_site_streaming`] could not take a file; nothing more was rendered.
    pub output_error: Option<std::io::Error>,
}

/// Where [`build_site_streaming`] hands each file as it is rendered; called from several
/// threads at once, in no particular order.
pub type Sink<'a> = &'a (dyn Fn(OutputFile) -> std::io::Result<()> + Sync);

impl BuildResult {
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// The text of a file that a diagnostic points into.
    pub fn source_text(&self, path: &Path) -> Option<String> {
        let s = &self.sources;
        if s.config.as_ref().is_some_and(|c| c.path == path) {
            return s.config.as_ref().map(|c| c.text.clone());
        }
        if s.questions.as_ref().is_some_and(|c| c.path == path) {
            return s.questions.as_ref().map(|c| c.text.clone());
        }
        if let Some(f) = s.content.values().flatten().find(|f| f.path == path) {
            return Some(f.text.clone());
        }
        let name = path.file_name()?.to_str()?;
        s.templates
            .iter()
            .find(|(k, _)| path.ends_with(k.as_str()) || k.as_str() == name)
            .map(|(_, v)| v.clone())
    }

    /// rustc-style report of every diagnostic, then the one-line summary.
    pub fn render_diagnostics(&self, color: bool) -> String {
        let mut out = diagnostic::render(&self.diagnostics, &|p| self.source_text(p), color);
        if !self.diagnostics.is_empty() {
            out.push_str(&diagnostic::summary(&self.diagnostics));
            out.push('\n');
        }
        out
    }
}

/// Runs the pipeline up to rendered pages in memory.
pub fn build_site(opts: &BuildOptions) -> BuildResult {
    run(opts, None)
}

/// What an incremental build reuses from the one before it.
#[derive(Debug, Default)]
pub struct Reuse {
    /// Pages left out of [`BuildResult::files`] because their inputs did not change: their
    /// bytes are those of the previous build.
    pub pages: Vec<String>,
    /// Keys of every page, to pass to the next incremental build.
    pub keys: PageKeys,
}

/// Like [`build_site`], but only pages whose inputs changed since the build that produced
/// `previous` are rendered (for `serve`). Loading, validation and derivation run in full, so
/// diagnostics are exactly those of a full build. With the earlier bytes of the reused pages,
/// the files equal those of a full build.
pub fn build_site_incremental(opts: &BuildOptions, previous: &PageKeys) -> (BuildResult, Reuse) {
    run_with(opts, None, None, Some(previous))
}

/// Runs the pipeline, handing every file to `sink` as soon as it is rendered instead of
/// keeping the site in memory (`files` stays `None`): what `build` uses, so memory does not
/// grow with the size of the output. On errors the sink may already have had some files.
pub fn build_site_streaming(opts: &BuildOptions, sink: Sink) -> BuildResult {
    run(opts, Some(sink))
}

/// [`build_site_streaming`], keeping vendor pages that `cache` says did not change since the
/// previous build into the same output (see `cache::PageReuse`).
pub fn build_site_cached(
    opts: &BuildOptions,
    sink: Sink,
    cache: &dyn render::PageCache,
) -> BuildResult {
    run_with(opts, Some(sink), Some(cache), None).0
}

fn run(opts: &BuildOptions, sink: Option<Sink>) -> BuildResult {
    run_with(opts, sink, None, None).0
}

/// The pipeline. `sink`: stream files instead of collecting them (`build`); `cache`: keep
/// unchanged vendor pages in the output (`build`); `previous`: render only pages whose keys
/// changed since an earlier collected build (`serve`).
fn run_with(
    opts: &BuildOptions,
    sink: Option<Sink>,
    cache: Option<&dyn render::PageCache>,
    previous: Option<&PageKeys>,
) -> (BuildResult, Reuse) {
    let mut diags = Vec::new();
    let t = Instant::now();
    let sources = source::load(&opts.root, &mut diags);
    let timings = vec![("load", t.elapsed())];
    run_from(opts, sources, diags, timings, sink, cache, previous)
}

/// Runs the pipeline on sources read earlier, as [`build_site`] does (for `check`, which
/// builds the files that loaded once others had errors; see `check::partial_site`).
pub fn build_site_from(opts: &BuildOptions, sources: SiteSources) -> BuildResult {
    run_from(opts, sources, Vec::new(), Vec::new(), None, None, None).0
}

/// The pipeline after reading the sources.
fn run_from(
    opts: &BuildOptions,
    mut sources: SiteSources,
    mut diags: Vec<Diagnostic>,
    mut timings: Vec<(&'static str, Duration)>,
    sink: Option<Sink>,
    cache: Option<&dyn render::PageCache>,
    previous: Option<&PageKeys>,
) -> (BuildResult, Reuse) {
    let mut reuse = Reuse::default();
    let t = Instant::now();
    let registry = model::load(&sources, &mut diags).map(|mut r| {
        if let Some(b) = &opts.base_url {
            r.config.base_url = b.trim_end_matches('/').to_string();
        }
        r
    });
    timings.push(("model", t.elapsed()));
    let mut result = BuildResult {
        files: None,
        diagnostics: Vec::new(),
        sources: SiteSources::default(),
        registry: None,
        derived: None,
        timings: Vec::new(),
        file_count: 0,
        output_error: None,
    };
    if let Some(reg) = &registry {
        source::load_theme(
            &opts.root,
            &reg.config.theme,
            reg.config.theme_span.clone(),
            &mut sources,
            &mut diags,
        );
    }
    // The registry now holds everything the pages need. A streaming build with nothing to
    // quote drops the content texts (as large as the registry itself) before rendering, so
    // memory at 10,000 vendors stays well under 500 MiB; `build_site` keeps them for its
    // callers.
    // Fingerprints of each vendor's inputs, taken while the texts are still here.
    let keys = match (cache, &registry) {
        (Some(_), Some(reg)) if diags.is_empty() => {
            let t = Instant::now();
            let keys = crate::cache::vendor_keys(&sources, reg, opts);
            timings.push(("hash", t.elapsed()));
            keys
        }
        _ => Vec::new(),
    };
    if sink.is_some() && diags.is_empty() {
        for f in sources.content.values_mut().flatten() {
            f.text = String::new();
        }
    }
    if let (Some(reg), false) = (
        &registry,
        diags.iter().any(|d| d.severity == Severity::Error),
    ) {
        let t = Instant::now();
        let derived = derive::derive(reg, opts.build_date);
        timings.push(("derive", t.elapsed()));
        let t = Instant::now();
        let publish_started;
        match sink {
            None => {
                let rendered = match previous {
                    Some(prev) => render::render_incremental(reg, &derived, &sources, prev),
                    None => render::render(reg, &derived, &sources).map(|files| render::Rendered {
                        files,
                        reused: Vec::new(),
                        keys: PageKeys::new(),
                    }),
                };
                timings.push(("render", t.elapsed()));
                publish_started = Instant::now();
                match rendered.and_then(|r| publish_incremental(reg, &derived, &sources, opts, r)) {
                    Ok((files, r)) => {
                        result.file_count = files.len() + r.pages.len();
                        result.files = Some(files);
                        reuse = r;
                    }
                    Err(d) => diags.extend(d),
                }
            }
            Some(sink) => {
                // Publishing needs the path and size of every file, not its bytes.
                let index: Mutex<BTreeMap<String, usize>> = Mutex::new(BTreeMap::new());
                let indexing = |f: OutputFile| {
                    index
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .insert(f.path.clone(), f.bytes.len());
                    sink(f)
                };
                let rendered = render::render_each_cached(
                    reg,
                    &derived,
                    &sources,
                    &indexing,
                    cache
                        .filter(|_| keys.len() == reg.vendors.len())
                        .map(|c| (keys.as_slice(), c)),
                );
                timings.push(("render", t.elapsed()));
                publish_started = Instant::now();
                match rendered {
                    Ok(_) => {
                        let index = index.into_inner().unwrap_or_else(|e| e.into_inner());
                        // Published and static files go to the sink through `out`.
                        let mut out = publish::Out::streaming(sink);
                        match publish::publish_index(
                            reg,
                            &derived,
                            &sources,
                            opts.max_files,
                            &index,
                            &mut out,
                        ) {
                            Ok(()) => {
                                result.file_count = index.len() + out.sizes().len();
                                result.output_error = out.take_error();
                            }
                            Err(d) => diags.extend(d),
                        }
                    }
                    Err(render::RenderError::Diagnostics(d)) => diags.extend(d),
                    Err(render::RenderError::Output(e)) => result.output_error = Some(e),
                }
            }
        }
        timings.push(("publish", publish_started.elapsed()));
        result.derived = Some(derived);
    }
    diagnostic::sort(&mut diags);
    result.diagnostics = diags;
    result.sources = sources;
    result.registry = registry;
    result.timings = timings;
    (result, reuse)
}

/// `publish` checks the whole site (file count, 404 page, sizes, which paths exist), so it
/// sees the reused pages too, as stand-ins with their paths and no bytes. That gives the same
/// diagnostics as a full build: a reused page is byte-identical to one that passed these
/// checks in the build it came from, and every other check looks at paths only. The
/// stand-ins are taken out again afterwards (`publish` only adds files, at paths no page
/// has: `api/`, feeds, `robots.txt`, `_headers`, `_redirects`).
fn publish_incremental(
    reg: &Registry,
    derived: &Derived,
    sources: &SiteSources,
    opts: &BuildOptions,
    rendered: render::Rendered,
) -> Result<(Vec<OutputFile>, Reuse), Vec<Diagnostic>> {
    let mut files = rendered.files;
    files.extend(rendered.reused.iter().map(|path| OutputFile {
        path: path.clone(),
        bytes: Vec::new(),
    }));
    publish::publish(reg, derived, sources, opts.max_files, &mut files)?;
    let reused: std::collections::HashSet<&str> =
        rendered.reused.iter().map(String::as_str).collect();
    files.retain(|f| !(f.bytes.is_empty() && reused.contains(f.path.as_str())));
    Ok((
        files,
        Reuse {
            pages: rendered.reused,
            keys: rendered.keys,
        },
    ))
}

//! The one pipeline driver, used by every command: source → model → derive → render →
//! publish, with files handed to an [`Outlet`] (memory or a sink) and kept from the previous
//! build where their inputs did not change.
//!
//! ```text
//!  Changes ─▶ source (refresh or load) ─▶ model (memo) ─▶ derive ─▶ render ─┐
//!                                                                           ├─▶ Outlet ─▶ sink / memory
//!                 fingerprint: file hashes → InputKeys ──▶ Keep ◀── publish ┘
//! ```
//!
//! Incremental by construction, through one mechanism at each stage: [`State`] carries
//! what the previous run read and checked (the sources, each file's hash, the model's
//! per-file [`model::memo::Memo`]), so a run told which paths changed re-reads only those
//! files and re-checks only the vendor and report files whose text or context changed; and
//! every page and published file is made by a job with a key (`files::Keep`), so a file whose
//! inputs did not change is kept rather than made. `serve` holds one `State` for the whole
//! session and keeps files in memory; `build` starts from an empty `State` and keeps files
//! of the output folder through the stamp (`stamp`). Whatever is reused, the output and the
//! diagnostics are those of a full build (`tests/incremental.rs` checks every kind of edit).

pub mod fingerprint;
pub mod stamp;

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::derive::{self, Derived};
use crate::diagnostic::{self, Diagnostic, Severity};
use crate::files::{InputKeys, Keep, KeepNothing, Outlet, OutputFile, Sink};
use crate::model::{self, Registry};
use crate::options::BuildOptions;
use crate::publish;
use crate::render;
use crate::source::{self, SiteSources};
use fingerprint::FileHashes;

/// What one run of the pipeline produced.
pub struct BuildResult {
    /// The files made by this run, sorted by path, when there were no errors and files were
    /// collected in memory; files kept from the previous build are not among them.
    pub files: Option<Vec<OutputFile>>,
    /// Every error and warning, sorted by file and line.
    pub diagnostics: Vec<Diagnostic>,
    /// The sources read, so diagnostics can quote the offending lines.
    pub sources: Arc<SiteSources>,
    /// The checked registry. A session hands it back with [`State::recycle`] once done with
    /// the result, so the next run reuses what it checked.
    pub registry: Option<Registry>,
    /// The derivation of a one-shot run (a session keeps its own for the next run).
    pub derived: Option<Derived>,
    pub timings: Vec<(&'static str, Duration)>,
    /// How many files the site has, made or kept.
    pub file_count: usize,
    /// How many files were kept from the previous build.
    pub kept: usize,
    /// How many vendor and report files were checked again (the rest came from the memo).
    pub checked: usize,
    /// The sink could not take a file (or a kept file could not be kept): nothing more was
    /// made.
    pub output_error: Option<std::io::Error>,
}

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

/// What changed since the [`State`]'s last run.
#[derive(Debug, Clone)]
pub enum Changes {
    /// Unknown, or everything: read the whole site.
    All,
    /// These paths (relative to the root, `/`-separated), and nothing else.
    Paths(BTreeSet<String>),
}

/// What a run carries over to the next one (see the module docs). `State::default()` knows
/// nothing, so its first run reads and checks everything.
#[derive(Default)]
pub struct State {
    /// The sources of the last run, kept only when they loaded without a diagnostic (the
    /// only case [`source::refresh`] may start from).
    sources: Option<Arc<SiteSources>>,
    /// The theme loaded into `sources`.
    theme: Option<String>,
    hashes: FileHashes,
    memo: model::memo::Memo,
    /// The last run's derivation and the vendor keys it was made from (a session's only).
    derived: Option<(Derived, Vec<u64>)>,
    /// Keep `sources`, the hashes and the memo for a next run (`serve`); a one-shot build
    /// drops the content texts before rendering instead, to save memory.
    remember: bool,
}

impl State {
    /// A state for a session of runs (`serve`, tests of incremental builds).
    pub fn session() -> State {
        State {
            remember: true,
            ..State::default()
        }
    }

    /// Takes back the registry of this state's last run (`BuildResult::registry`), so the
    /// next run reuses its checked vendors and reports instead of checking every file again
    /// (see `model::memo`: the registry holds them, the memo does not copy them). `serve`
    /// does this after it has told the open pages, off the path of the reload.
    pub fn recycle(&mut self, registry: Option<Registry>) {
        if let Some(r) = registry.filter(|_| self.remember) {
            self.memo.recycle(r);
        }
    }
}

/// Where the files of a run go.
pub enum Target<'a> {
    /// Collected in [`BuildResult::files`].
    Memory,
    /// Handed to the sink as they are made; `files` stays `None`.
    Stream(Sink<'a>),
}

/// Builds the site into memory, reading everything and keeping nothing: `check`, `new`,
/// the tests.
pub fn build_site(opts: &BuildOptions) -> BuildResult {
    run(
        opts,
        &mut State::default(),
        &Changes::All,
        &KeepNothing,
        Target::Memory,
    )
}

/// Builds from sources read earlier (`check` builds the files that loaded once others had
/// errors; see `check::partial_site`), into memory.
pub fn build_sources(opts: &BuildOptions, sources: SiteSources) -> BuildResult {
    let mut diags = Vec::new();
    let mut state = State {
        hashes: FileHashes::of(&sources),
        ..State::default()
    };
    let sources = Arc::new(sources);
    let (reg, timings) = model_stage(opts, &mut state, &sources, &mut diags, Vec::new());
    finish(
        opts,
        &mut state,
        (sources, false),
        reg,
        diags,
        timings,
        &KeepNothing,
        Target::Memory,
    )
}

/// The pipeline: reads what `changes` says changed (everything, the first time), checks,
/// derives, renders and publishes, handing the files to `target` and keeping those `keep`
/// allows.
pub fn run(
    opts: &BuildOptions,
    state: &mut State,
    changes: &Changes,
    keep: &dyn Keep,
    target: Target,
) -> BuildResult {
    let mut diags = Vec::new();
    let t = Instant::now();
    let sources = read(opts, state, changes, &mut diags);
    let read_clean = diags.is_empty();
    let timings = vec![("load", t.elapsed())];
    let (reg, timings) = model_stage(opts, state, &sources, &mut diags, timings);
    finish(
        opts,
        state,
        (sources, read_clean),
        reg,
        diags,
        timings,
        keep,
        target,
    )
}

/// The sources of this run: the last run's with the changed files read again when that is
/// safe ([`source::refresh`]), else everything from disk. Hashes follow.
fn read(
    opts: &BuildOptions,
    state: &mut State,
    changes: &Changes,
    diags: &mut Vec<Diagnostic>,
) -> Arc<SiteSources> {
    if let (Changes::Paths(paths), Some(mut sources)) = (changes, state.sources.take()) {
        let s = Arc::make_mut(&mut sources);
        if let Some(done) = source::refresh(&opts.root, s, paths) {
            state.hashes.update(s, &done.texts);
            if done.theme {
                // Laid down again by `model_stage` once the config names the theme.
                state.theme = None;
            }
            return sources;
        }
    }
    state.theme = None;
    let sources = source::load(&opts.root, diags);
    state.hashes = FileHashes::of(&sources);
    Arc::new(sources)
}

/// Checks the model (reusing the memo for unchanged files) and loads the theme it names.
fn model_stage(
    opts: &BuildOptions,
    state: &mut State,
    sources: &Arc<SiteSources>,
    diags: &mut Vec<Diagnostic>,
    mut timings: Vec<(&'static str, Duration)>,
) -> (Option<Registry>, Vec<(&'static str, Duration)>) {
    let t = Instant::now();
    let hashes = &state.hashes;
    let text = |p: &Path| hashes.get(p);
    // The memo holds a copy of every vendor: worth it only for a next run.
    let registry = if state.remember {
        model::load_memo(sources, diags, &mut state.memo, &text)
    } else {
        model::load(sources, diags)
    };
    let registry = registry.map(|mut r| {
        if let Some(b) = &opts.base_url {
            r.config.base_url = b.trim_end_matches('/').to_string();
        }
        r
    });
    timings.push(("model", t.elapsed()));
    (registry, timings)
}

/// Derives, renders and publishes a checked registry into `out`: the stages after the model,
/// shared by [`run`] and the in-memory builds of `single_site`. Per-stage times go to
/// `timings`.
pub fn make(
    reg: &Registry,
    sources: &SiteSources,
    opts: &BuildOptions,
    out: &Outlet,
    timings: &mut Vec<(&'static str, Duration)>,
    earlier: Option<derive::Earlier>,
) -> (Derived, Result<(), Vec<Diagnostic>>) {
    let t = Instant::now();
    let derived = derive::derive_reusing(reg, opts.build_date, earlier);
    timings.push(("derive", t.elapsed()));
    let t = Instant::now();
    let rendered = render::render_into(reg, &derived, sources, out);
    timings.push(("render", t.elapsed()));
    let t = Instant::now();
    let made = rendered.and_then(|()| {
        if out.failed() {
            return Ok(());
        }
        publish::publish_into(reg, &derived, sources, opts.max_files, out)
    });
    timings.push(("publish", t.elapsed()));
    (derived, made)
}

/// Loads the theme, then derives, renders and publishes. `read_clean`: reading the sources
/// gave no diagnostic, so a next run may refresh them.
#[allow(clippy::too_many_arguments)]
fn finish(
    opts: &BuildOptions,
    state: &mut State,
    (mut sources, read_clean): (Arc<SiteSources>, bool),
    registry: Option<Registry>,
    mut diags: Vec<Diagnostic>,
    mut timings: Vec<(&'static str, Duration)>,
    keep: &dyn Keep,
    target: Target,
) -> BuildResult {
    let mut theme_clean = true;
    if let Some(reg) = &registry {
        if state.theme.as_deref() != Some(reg.config.theme.as_str()) {
            let before = diags.len();
            let s = Arc::make_mut(&mut sources);
            s.templates.clear();
            s.theme_assets.clear();
            s.static_files.clear();
            source::load_theme(
                &opts.root,
                &reg.config.theme,
                reg.config.theme_span.clone(),
                s,
                &mut diags,
            );
            theme_clean = diags.len() == before;
            state.theme = Some(reg.config.theme.clone());
        }
    }
    // The sources may be refreshed next time only when reading them, theme included, gave no
    // diagnostic. `state.theme` says which theme they hold (none when the config failed
    // before any was laid down), so the next run lays it down when it has to.
    let refreshable = read_clean && theme_clean;
    state.sources = (state.remember && refreshable).then(|| Arc::clone(&sources));
    let clean = diags.is_empty();
    let mut result = BuildResult {
        files: None,
        diagnostics: Vec::new(),
        sources: Arc::default(),
        registry: None,
        derived: None,
        timings: Vec::new(),
        file_count: 0,
        kept: 0,
        checked: state.memo.checked(),
        output_error: None,
    };
    let failed = diags.iter().any(|d| d.severity == Severity::Error);
    if let (Some(reg), false) = (&registry, failed) {
        let keys = if keep.wants_keys() {
            let t = Instant::now();
            let k = fingerprint::input_keys(&sources, &state.hashes, reg, opts);
            timings.push(("keys", t.elapsed()));
            k
        } else {
            InputKeys::default()
        };
        // A one-shot streaming build quotes nothing once the model is checked: the content
        // texts (as large as the registry itself) go before rendering, so memory at 10,000
        // vendors stays well under 500 MiB.
        if !state.remember && clean && matches!(target, Target::Stream(_)) {
            if let Some(s) = Arc::get_mut(&mut sources) {
                for f in s.content.values_mut().flatten() {
                    f.text = String::new();
                }
            }
        }
        let sink = match target {
            Target::Memory => None,
            Target::Stream(s) => Some(s),
        };
        let out = Outlet::new(sink, keep, &keys);
        // A vendor whose inputs key is the one of the vendor at its index last time derives
        // the same (see `derive::derive_reusing`).
        let earlier = state.derived.take().map(|(d, old)| {
            let same = (0..reg.vendors.len())
                .map(|vi| keys.vendors.get(vi).is_some_and(|k| old.get(vi) == Some(k)))
                .collect();
            (d, same)
        });
        let (derived, made) = make(reg, &sources, opts, &out, &mut timings, earlier);
        match made {
            Ok(()) => {
                result.file_count = out.count();
                result.kept = out.kept();
                result.output_error = out.take_error();
                if sink.is_none() {
                    result.files = Some(out.into_files());
                }
            }
            Err(d) => diags.extend(d),
        }
        if state.remember {
            state.derived = Some((derived, keys.vendors.clone()));
        } else {
            result.derived = Some(derived);
        }
    }
    result.sources = sources;
    diagnostic::sort(&mut diags);
    result.diagnostics = diags;
    result.registry = registry;
    result.timings = timings;
    result
}

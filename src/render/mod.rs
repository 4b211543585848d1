//! Pages in memory: the page plan rendered through the theme's minijinja templates, in
//! parallel, plus the sitemap and the theme's assets (the site's `static/` files are
//! `publish`'s, which decides what a clash with a generated file means).

mod editions;
mod errors;
mod evidence;
mod markdown;
pub mod memo;
mod pages;
pub mod views;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use minijinja::{context, Environment, UndefinedBehavior, Value};
use rayon::prelude::*;

use crate::derive::Derived;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::Registry;
use crate::source::SiteSources;

use errors::template_error;
pub use markdown::{slugify, to_html as markdown_to_html};

/// The templates the page plan renders; a theme must provide each.
pub const REQUIRED_TEMPLATES: &[&str] = &[
    "index.html",
    "vendors.html",
    "vendor.html",
    "pack.html",
    "certifications.html",
    "certification.html",
    "frameworks.html",
    "framework.html",
    "entry.html",
    "register.html",
    "report.html",
    "methodology.html",
    "page.html",
    "404.html",
    "tombstone.html",
    "sitemap.xml",
];

/// One file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Relative, `/`-separated, never absolute and never containing `..`.
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Why a render stopped: mistakes in the theme (diagnostics), or the sink could not take a file.
#[derive(Debug)]
pub enum RenderError {
    Diagnostics(Vec<Diagnostic>),
    Output(std::io::Error),
}

/// Renders the whole site into memory, sorted by path. Template errors are diagnostics
/// against the template file.
pub fn render(
    reg: &Registry,
    der: &Derived,
    sources: &SiteSources,
) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let files = Mutex::new(Vec::new());
    let sink = |f: OutputFile| {
        files.lock().unwrap_or_else(|e| e.into_inner()).push(f);
        Ok(())
    };
    match render_each(reg, der, sources, &sink) {
        Ok(_) => {}
        Err(RenderError::Diagnostics(d)) => return Err(d),
        Err(RenderError::Output(_)) => unreachable!("collecting in memory cannot fail"),
    }
    let mut files = files.into_inner().unwrap_or_else(|e| e.into_inner());
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// What an incremental render produced.
pub struct Rendered {
    /// Every file whose bytes were produced by this render (pages whose key changed, the
    /// sitemap and assets), sorted by path.
    pub files: Vec<OutputFile>,
    /// Pages whose key matched `previous`: their bytes are those of the earlier render.
    pub reused: Vec<String>,
    /// The key of every page, for the next render.
    pub keys: memo::PageKeys,
}

/// Renders only the pages whose inputs changed since the render that produced `previous`
/// (see [`memo`]); the rest are listed in [`Rendered::reused`]. Together with the earlier
/// bytes of those pages the result equals a full [`render`].
pub fn render_incremental(
    reg: &Registry,
    der: &Derived,
    sources: &SiteSources,
    previous: &memo::PageKeys,
) -> Result<Rendered, Vec<Diagnostic>> {
    let files = Mutex::new(Vec::new());
    let sink = |f: OutputFile| {
        files.lock().unwrap_or_else(|e| e.into_inner()).push(f);
        Ok(())
    };
    let core = match render_core(reg, der, sources, &sink, None, Some(previous)) {
        Ok(core) => core,
        Err(RenderError::Diagnostics(d)) => return Err(d),
        Err(RenderError::Output(_)) => unreachable!("collecting in memory cannot fail"),
    };
    let mut files = files.into_inner().unwrap_or_else(|e| e.into_inner());
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let mut reused = core.reused;
    reused.sort();
    Ok(Rendered {
        files,
        reused,
        keys: core.keys,
    })
}

/// Lets a rebuild keep a vendor's page and pack from the previous build when nothing they are
/// made from changed (implemented by `cache::PageReuse`). Keys are fingerprints of a vendor's
/// inputs (`cache::vendor_keys`).
pub trait PageCache: Sync {
    /// True when `path` was rendered from inputs with fingerprint `key` and its file is still
    /// as that build wrote it.
    fn reusable(&self, path: &str, key: u64) -> bool;
    /// Keeps `path` as it is instead of rendering it.
    fn keep(&self, path: &str, key: u64) -> std::io::Result<()>;
    /// `path` was rendered now, from inputs with fingerprint `key`.
    fn rendered(&self, path: &str, key: u64);
}

/// Renders every page, the sitemap and the theme's assets, handing each file to `sink` as soon
/// as it is rendered (from several threads, in no particular order), so the site never has to
/// fit in memory at once. Files from `static/` are `publish`'s.
/// Returns how many files were produced. After an error some files may already have gone to
/// the sink: the caller discards them (see `output::Writer`).
pub fn render_each(
    reg: &Registry,
    der: &Derived,
    sources: &SiteSources,
    sink: &(dyn Fn(OutputFile) -> std::io::Result<()> + Sync),
) -> Result<usize, RenderError> {
    render_each_cached(reg, der, sources, sink, None)
}

/// [`render_each`], keeping vendor pages that `cache` says are still right: `keys[vi]` is
/// the fingerprint of vendor `vi`'s inputs.
pub fn render_each_cached(
    reg: &Registry,
    der: &Derived,
    sources: &SiteSources,
    sink: &(dyn Fn(OutputFile) -> std::io::Result<()> + Sync),
    cache: Option<(&[u64], &dyn PageCache)>,
) -> Result<usize, RenderError> {
    render_core(reg, der, sources, sink, cache, None).map(|c| c.count)
}

/// What [`render_core`] did besides handing files to its sink.
struct Core {
    count: usize,
    /// Pages skipped because their key matched the previous render's (`serve`).
    reused: Vec<String>,
    /// Every page's key, when keys are kept.
    keys: memo::PageKeys,
}

/// The one render loop: pages (skipping vendor pages `cache` keeps, and pages whose
/// [`memo`] key matches `previous`), then the sitemap and the theme's assets.
fn render_core(
    reg: &Registry,
    der: &Derived,
    sources: &SiteSources,
    sink: &(dyn Fn(OutputFile) -> std::io::Result<()> + Sync),
    cache: Option<(&[u64], &dyn PageCache)>,
    previous: Option<&memo::PageKeys>,
) -> Result<Core, RenderError> {
    let theme_dir = PathBuf::from("themes")
        .join(&reg.config.theme)
        .join("templates");
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    // Debug mode in every build: it is what names an undefined value in the error (see
    // `errors`); it costs only when a template makes an undefined value or fails.
    env.set_debug(true);
    env.set_formatter(html_formatter);
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()
            .expect("default delimiters are valid"),
    );
    let mut diags = Vec::new();
    for (name, text) in &sources.templates {
        if let Err(e) = env.add_template_owned(name.clone(), text.clone()) {
            diags.push(template_error(&theme_dir, sources, &e));
        }
    }
    for name in REQUIRED_TEMPLATES {
        if !sources.templates.contains_key(*name) {
            diags.push(
                Diagnostic::error(
                    Code::Template,
                    &theme_dir.join(name),
                    "",
                    None,
                    format!("theme `{}` has no template `{name}`", reg.config.theme),
                )
                .with_help(Some(format!(
                    "every theme needs {}",
                    REQUIRED_TEMPLATES.join(", ")
                ))),
            );
        }
    }
    if !diags.is_empty() {
        return Err(RenderError::Diagnostics(diags));
    }

    let (assets, stylesheet) = assets(sources);
    let date = der.build_date.to_date();
    let pages_nav: Vec<Value> = reg
        .pages
        .iter()
        .map(|p| context! { url => format!("/{}/", p.slug), label => p.title.clone() })
        .collect();
    let site = context! {
        title => reg.config.title.clone(),
        description => reg.config.description.clone(),
        base_url => reg.config.base_url.clone(),
        language => reg.config.language.clone(),
        stylesheet => stylesheet,
        build_date => date.to_string(),
        build_date_human => date.human(),
        pages => pages_nav,
    };
    let env_key = previous.map(|_| memo::environment_key(&sources.templates, &site));
    env.add_global("site", site);
    let reused: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let keys: Mutex<memo::PageKeys> = Mutex::new(memo::PageKeys::new());

    let jobs = pages::plan(
        reg,
        der,
        markdown::Reserved::from_templates(&sources.templates),
    );
    // Errors are kept with their page's position so the report does not depend on which
    // thread got there first; after a failed write nothing more is rendered.
    let errors: Mutex<Vec<(usize, Diagnostic)>> = Mutex::new(Vec::new());
    let write_error: Mutex<Option<std::io::Error>> = Mutex::new(None);
    let failed_write = AtomicBool::new(false);
    let count = AtomicUsize::new(0);
    let emit = |f: OutputFile| {
        if failed_write.load(Ordering::Relaxed) {
            return;
        }
        count.fetch_add(1, Ordering::Relaxed);
        if let Err(e) = sink(f) {
            failed_write.store(true, Ordering::Relaxed);
            write_error
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get_or_insert(e);
        }
    };
    jobs.par_iter().enumerate().for_each(|(ji, job)| {
        if failed_write.load(Ordering::Relaxed) {
            return;
        }
        let cached = match (cache, job.vendor) {
            (Some((keys, pc)), Some(vi)) => Some((keys[vi], pc)),
            _ => None,
        };
        if let Some((key, pc)) = cached {
            if job.pages.iter().all(|p| pc.reusable(&p.path, key)) {
                for p in &job.pages {
                    count.fetch_add(1, Ordering::Relaxed);
                    if let Err(e) = pc.keep(&p.path, key) {
                        failed_write.store(true, Ordering::Relaxed);
                        write_error.lock().unwrap_or_else(|e| e.into_inner()).get_or_insert(e);
                    }
                }
                return;
            }
        }
        let ctxs = (job.ctx)();
        for (page, ctx) in job.pages.iter().zip(ctxs) {
            if let (Some(e), Some(prev)) = (env_key, previous) {
                let k = memo::page_key(e, page.template, &page.url, &page.title, &ctx);
                keys.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(page.path.clone(), k);
                if prev.get(&page.path) == Some(&k) {
                    reused
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(page.path.clone());
                    continue;
                }
            }
            let rendered = env
                .get_template(page.template)
                .and_then(|tmpl| tmpl.render(context! { page_url => page.url.clone(), page_title => page.title.clone(), ..ctx }));
            match rendered {
                Ok(html) => {
                    if let Some((key, pc)) = cached {
                        pc.rendered(&page.path, key);
                    }
                    emit(OutputFile { path: page.path.clone(), bytes: html.into_bytes() })
                }
                Err(e) => errors.lock().unwrap_or_else(|e| e.into_inner()).push((ji, template_error(&theme_dir, sources, &e))),
            }
        }
    });
    if let Some(e) = write_error.lock().unwrap_or_else(|e| e.into_inner()).take() {
        return Err(RenderError::Output(e));
    }
    let mut errors = errors.into_inner().unwrap_or_else(|e| e.into_inner());
    if !errors.is_empty() {
        errors.sort_by_key(|(ji, _)| *ji);
        let mut diags: Vec<Diagnostic> = errors.into_iter().map(|(_, d)| d).collect();
        diags.dedup_by(|a, b| a.short() == b.short());
        return Err(RenderError::Diagnostics(diags));
    }
    let urls: Vec<String> = jobs
        .iter()
        .flat_map(|j| &j.pages)
        // The 404 page and tombstones of removed vendors are not pages to index.
        .filter(|p| p.url != "/404.html" && p.template != "tombstone.html")
        .map(|p| p.url.clone())
        .collect();
    let sitemap = env
        .get_template("sitemap.xml")
        .and_then(|t| t.render(context! { urls => urls }))
        .map_err(|e| RenderError::Diagnostics(vec![template_error(&theme_dir, sources, &e)]))?;
    emit(OutputFile {
        path: "sitemap.xml".into(),
        bytes: sitemap.into_bytes(),
    });
    for f in assets {
        emit(f);
    }
    if let Some(e) = write_error.lock().unwrap_or_else(|e| e.into_inner()).take() {
        return Err(RenderError::Output(e));
    }
    Ok(Core {
        count: count.into_inner(),
        reused: reused.into_inner().unwrap_or_else(|e| e.into_inner()),
        keys: keys.into_inner().unwrap_or_else(|e| e.into_inner()),
    })
}

/// The theme's static files under `/assets/`; stylesheets get a content hash in their name so
/// they can be cached forever. Returns the files and the stylesheet URL.
fn assets(sources: &SiteSources) -> (Vec<OutputFile>, String) {
    let mut out = Vec::new();
    let mut names = BTreeMap::new();
    for (path, bytes) in &sources.theme_assets {
        let hashed = match path.rsplit_once('.') {
            Some((stem, ext)) if matches!(ext, "css" | "js") => {
                format!("{stem}.{}.{ext}", fingerprint(bytes))
            }
            _ => path.clone(),
        };
        names.insert(path.clone(), format!("/assets/{hashed}"));
        out.push(OutputFile {
            path: format!("assets/{hashed}"),
            bytes: bytes.clone(),
        });
    }
    let stylesheet = names.get("style.css").cloned().unwrap_or_default();
    (out, stylesheet)
}

/// minijinja's HTML escaping also turns `/` into `&#x2f;`, which makes every URL in the
/// output unreadable. This escapes the five characters that matter (`& < > " '`) and leaves
/// everything else, including safe strings and non-HTML templates, to the default.
fn html_formatter(
    out: &mut minijinja::Output,
    state: &mut minijinja::State,
    value: &Value,
) -> Result<(), minijinja::Error> {
    match (state.auto_escape(), value.as_str()) {
        (minijinja::AutoEscape::Html, Some(s)) if !value.is_safe() => {
            // Copies runs of ordinary text whole; the five characters are ASCII, so a byte
            // scan never splits a UTF-8 sequence.
            let fail = |_| {
                minijinja::Error::new(minijinja::ErrorKind::WriteFailure, "could not write output")
            };
            let mut last = 0;
            for (i, b) in s.bytes().enumerate() {
                let entity = match b {
                    b'&' => "&amp;",
                    b'<' => "&lt;",
                    b'>' => "&gt;",
                    b'"' => "&quot;",
                    b'\'' => "&#39;",
                    _ => continue,
                };
                out.write_str(&s[last..i]).map_err(fail)?;
                out.write_str(entity).map_err(fail)?;
                last = i + 1;
            }
            out.write_str(&s[last..]).map_err(fail)
        }
        _ => minijinja::escape_formatter(out, state, value),
    }
}

/// FNV-1a, 64 bits, as 10 hex digits: enough to tell versions of a stylesheet apart.
pub fn fingerprint(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")[..10].to_string()
}

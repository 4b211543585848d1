//! Pages in memory: the page plan rendered through the theme's minijinja templates, in
//! parallel, plus the sitemap and the theme's assets (the site's `static/` files are
//! `publish`'s, which decides what a clash with a generated file means).

mod editions;
mod errors;
mod evidence;
mod markdown;
pub mod memo;
mod pages;
mod uses;
pub mod views;

use std::collections::BTreeMap;
use std::path::PathBuf;
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

pub use crate::files::OutputFile;
use crate::files::{Key, Outlet};
use crate::urls;

/// Renders every page, the sitemap and the theme's assets into `out`, in parallel, keeping
/// what the previous build made from the same inputs (see `files::Keep`): a vendor's page
/// and pack are keyed by their inputs (`out.keys()`), so an unchanged vendor's view is never
/// even built; every other page by a hash of its view ([`memo`]), which is built anyway.
/// After an error some files may already be out: the caller discards them (see
/// `output::Writer`). A sink's error stops the render and is left in `out`.
pub fn render_into(
    reg: &Registry,
    der: &Derived,
    sources: &SiteSources,
    out: &Outlet,
) -> Result<(), Vec<Diagnostic>> {
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
        return Err(diags);
    }

    let (assets, stylesheet) = assets(sources);
    let date = der.build_date.to_date();
    let pages_nav: Vec<Value> = reg
        .pages
        .iter()
        .map(|p| context! { url => urls::page(&p.slug), label => p.title.clone() })
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
    // Keys are wanted only when there is a previous build to compare with or to record for.
    let env_keys = out
        .keys_wanted()
        .then(|| memo::environment_keys(&sources.templates, &site));
    env.add_global("site", site);
    if let Some(keys) = &env_keys {
        out.templates(&keys.iter().map(|(t, k)| (t.clone(), k.value())).collect());
    }

    let jobs = pages::plan(
        reg,
        der,
        markdown::Reserved::from_templates(&sources.templates),
    );
    // Errors are kept with their page's position so the report does not depend on which
    // thread got there first; after a failed write nothing more is rendered.
    let errors: Mutex<Vec<(usize, Diagnostic)>> = Mutex::new(Vec::new());
    jobs.par_iter().enumerate().for_each(|(ji, job)| {
        if out.failed() {
            return;
        }
        // A job's pages are kept together when their inputs did not change: a vendor's
        // page and pack by that vendor's inputs, every other page by the inputs all others
        // share (which leave out vendors' bodies), so an unchanged page costs no view.
        let input_keys: Option<Vec<u64>> = job
            .pages
            .iter()
            .map(|p| match job.vendor {
                Some(vi) => out.keys().vendor(vi, &p.path),
                None => out.keys().listing(&p.path),
            })
            .collect();
        if let Some(keys) = &input_keys {
            let sizes: Option<Vec<usize>> = job
                .pages
                .iter()
                .zip(keys)
                .map(|(p, k)| out.reusable(&p.path, Key::inputs(*k)))
                .collect();
            if let Some(sizes) = sizes {
                for ((p, k), size) in job.pages.iter().zip(keys).zip(sizes) {
                    out.keep_reusable(&p.path, Key::inputs(*k), size);
                }
                return;
            }
        }
        let ctxs = (job.ctx)();
        for (pi, (page, ctx)) in job.pages.iter().zip(ctxs).enumerate() {
            let template_key = env_keys.as_ref().and_then(|e| e.get(page.template));
            // The view is hashed only where the previous build has the page to compare it
            // with: a first build pays nothing for keys but the inputs'.
            let key = template_key.map(|e| Key {
                inputs: input_keys.as_ref().map_or(0, |k| k[pi]),
                view: if out.view_wanted(&page.path, page.template, e.value()) {
                    memo::page_key(*e, page.template, &page.url, &page.title, &ctx)
                } else {
                    0
                },
            });
            if key.is_some_and(|k| out.try_keep(&page.path, k)) {
                continue;
            }
            let rendered = env
                .get_template(page.template)
                .and_then(|tmpl| tmpl.render(context! { page_url => page.url.clone(), page_title => page.title.clone(), ..ctx }));
            match rendered {
                Ok(html) => out.put(OutputFile { path: page.path.clone(), bytes: html.into_bytes() }, key),
                Err(e) => errors.lock().unwrap_or_else(|e| e.into_inner()).push((ji, template_error(&theme_dir, sources, &e))),
            }
        }
    });
    let mut errors = errors.into_inner().unwrap_or_else(|e| e.into_inner());
    if !errors.is_empty() {
        errors.sort_by_key(|(ji, _)| *ji);
        let mut diags: Vec<Diagnostic> = errors.into_iter().map(|(_, d)| d).collect();
        diags.dedup_by(|a, b| a.short() == b.short());
        return Err(diags);
    }
    // Which pages exist follows from file names alone, which the listings' key covers.
    let sitemap_path = urls::path_of(urls::SITEMAP);
    let sitemap_key = out.keys().listing(&sitemap_path).map(Key::inputs);
    if !sitemap_key.is_some_and(|k| out.try_keep(&sitemap_path, k)) {
        let urls: Vec<String> = jobs
            .iter()
            .flat_map(|j| &j.pages)
            // The 404 page and tombstones of removed vendors are not pages to index.
            .filter(|p| p.url != urls::NOT_FOUND && p.template != "tombstone.html")
            .map(|p| p.url.clone())
            .collect();
        let sitemap = env
            .get_template("sitemap.xml")
            .and_then(|t| t.render(context! { urls => urls }))
            .map_err(|e| vec![template_error(&theme_dir, sources, &e)])?;
        out.put(
            OutputFile {
                path: sitemap_path,
                bytes: sitemap.into_bytes(),
            },
            sitemap_key,
        );
    }
    for f in assets {
        out.push(f);
    }
    Ok(())
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
        let url = urls::asset(&hashed);
        out.push(OutputFile {
            path: urls::path_of(&url),
            bytes: bytes.clone(),
        });
        names.insert(path.clone(), url);
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

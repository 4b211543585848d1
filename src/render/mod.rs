//! Pages in memory: the page plan rendered through the theme's minijinja templates, in
//! parallel, plus the sitemap and the theme's and site's static files.

mod markdown;
pub mod memo;
mod pages;
pub mod views;

use std::collections::BTreeMap;
use std::path::PathBuf;

use minijinja::{context, Environment, UndefinedBehavior, Value};
use rayon::prelude::*;

use crate::derive::Derived;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::Registry;
use crate::source::SiteSources;

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

/// Renders the whole site. Template errors are diagnostics against the template file.
pub fn render(
    reg: &Registry,
    der: &Derived,
    sources: &SiteSources,
) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    render_pages(reg, der, sources, None).map(|r| r.files)
}

/// What an incremental render produced.
pub struct Rendered {
    /// Every file whose bytes were produced by this render (pages whose key changed, the
    /// sitemap, assets and static files), sorted by path.
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
    render_pages(reg, der, sources, Some(previous))
}

fn render_pages(
    reg: &Registry,
    der: &Derived,
    sources: &SiteSources,
    previous: Option<&memo::PageKeys>,
) -> Result<Rendered, Vec<Diagnostic>> {
    let theme_dir = PathBuf::from("themes")
        .join(&reg.config.theme)
        .join("templates");
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
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

    let jobs = pages::plan(reg, der);
    let rendered: Vec<Result<Page, Diagnostic>> = jobs
        .par_iter()
        .map(|job| {
            let key = env_key.map(|e| memo::page_key(e, job.template, &job.url, &job.title, &job.ctx));
            if let (Some(k), Some(prev)) = (key, previous) {
                if prev.get(&job.path) == Some(&k) {
                    return Ok(Page::Reused(job.path.clone(), k));
                }
            }
            let tmpl = env.get_template(job.template).map_err(|e| template_error(&theme_dir, sources, &e))?;
            let ctx = context! { page_url => job.url.clone(), page_title => job.title.clone(), ..job.ctx.clone() };
            let html = tmpl.render(ctx).map_err(|e| template_error(&theme_dir, sources, &e))?;
            Ok(Page::Rendered(OutputFile { path: job.path.clone(), bytes: html.into_bytes() }, key))
        })
        .collect();
    let mut files = Vec::with_capacity(rendered.len() + assets.len() + 1);
    let (mut reused, mut keys) = (Vec::new(), memo::PageKeys::new());
    for r in rendered {
        match r {
            Ok(Page::Rendered(f, key)) => {
                if let Some(k) = key {
                    keys.insert(f.path.clone(), k);
                }
                files.push(f);
            }
            Ok(Page::Reused(path, k)) => {
                keys.insert(path.clone(), k);
                reused.push(path);
            }
            Err(d) => diags.push(d),
        }
    }
    if !diags.is_empty() {
        diags.dedup_by(|a, b| a.short() == b.short());
        return Err(diags);
    }
    let urls: Vec<String> = jobs
        .iter()
        // The 404 page and tombstones of removed vendors are not pages to index.
        .filter(|j| j.url != "/404.html" && j.template != "tombstone.html")
        .map(|j| j.url.clone())
        .collect();
    let sitemap = env
        .get_template("sitemap.xml")
        .and_then(|t| t.render(context! { urls => urls }))
        .map_err(|e| vec![template_error(&theme_dir, sources, &e)])?;
    files.push(OutputFile {
        path: "sitemap.xml".into(),
        bytes: sitemap.into_bytes(),
    });
    files.extend(assets);
    // Files from `static/` are copied as they are; a generated page always wins a clash.
    let taken: std::collections::BTreeSet<String> = files
        .iter()
        .map(|f| f.path.clone())
        .chain(reused.iter().cloned())
        .collect();
    for (path, bytes) in &sources.static_files {
        if !taken.contains(path) {
            files.push(OutputFile {
                path: path.clone(),
                bytes: bytes.clone(),
            });
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Rendered {
        files,
        reused,
        keys,
    })
}

/// One page of an incremental render: rendered now (with its key, when keys are kept), or
/// unchanged since the previous render.
enum Page {
    Rendered(OutputFile, Option<memo::PageKey>),
    Reused(String, memo::PageKey),
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
            let mut escaped = String::with_capacity(s.len() + 8);
            for c in s.chars() {
                match c {
                    '&' => escaped.push_str("&amp;"),
                    '<' => escaped.push_str("&lt;"),
                    '>' => escaped.push_str("&gt;"),
                    '"' => escaped.push_str("&quot;"),
                    '\'' => escaped.push_str("&#39;"),
                    c => escaped.push(c),
                }
            }
            out.write_str(&escaped).map_err(|_| {
                minijinja::Error::new(minijinja::ErrorKind::WriteFailure, "could not write output")
            })
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

fn template_error(
    theme_dir: &std::path::Path,
    sources: &SiteSources,
    e: &minijinja::Error,
) -> Diagnostic {
    let name = e.name().unwrap_or("?").to_string();
    let file = theme_dir.join(&name);
    let text = sources.templates.get(&name).cloned().unwrap_or_default();
    let span = e.range().or_else(|| {
        e.line().map(|l| {
            let start: usize = text
                .split_inclusive('\n')
                .take(l.saturating_sub(1))
                .map(str::len)
                .sum();
            start..start
        })
    });
    let mut msg = e
        .detail()
        .map(str::to_string)
        .unwrap_or_else(|| e.kind().to_string());
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(&format!(": {s}"));
        source = s.source();
    }
    Diagnostic::error(
        Code::Template,
        &file,
        &text,
        span,
        format!("template error: {} ({})", msg, e.kind()),
    )
}

//! The content model: raw files → a typed, validated, cross-linked [`Registry`].
//!
//! Every mistake is collected as a diagnostic; a file with errors is left out of the registry
//! but the others are still checked, so one run reports everything. The model knows nothing
//! of HTML or templates.

mod catalog;
mod config;
mod editions;
pub mod evidence;
mod fact_rows;
pub mod fact_schema;
pub mod facts;
pub mod memo;
mod parse;
pub mod raw;
mod raw_catalog;
mod raw_evidence;
mod report;
pub mod scores;
pub mod text;
mod types;
mod vendor;

pub use types::*;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rayon::prelude::*;

pub use catalog::{entry_slug, CERT_KINDS};
pub use facts::FactValue;
pub use parse::is_slug;

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{SiteSources, SourceFile};
use parse::{parse_markdown, parse_toml_file, FileCtx};

/// Parses and validates everything. Returns the registry only when there were no errors in
/// any file; the diagnostics go to `diags` either way.
pub fn load(sources: &SiteSources, diags: &mut Vec<Diagnostic>) -> Option<Registry> {
    load_with(sources, diags, None)
}

/// [`load`], reusing what `memo` holds from the previous run for every vendor and report
/// file whose text (hashed by `text`) and context did not change (see [`memo`]). The result
/// and the diagnostics are exactly those of [`load`].
pub fn load_memo(
    sources: &SiteSources,
    diags: &mut Vec<Diagnostic>,
    memo: &mut memo::Memo,
    text: memo::TextHash,
) -> Option<Registry> {
    memo.vendors.begin();
    memo.reports.begin();
    let r = load_with(sources, diags, Some((&mut *memo, text)));
    memo.vendors.finish();
    memo.reports.finish();
    r
}

fn load_with(
    sources: &SiteSources,
    diags: &mut Vec<Diagnostic>,
    mut memo: Option<(&mut memo::Memo, memo::TextHash)>,
) -> Option<Registry> {
    let before = diags.len();
    let config = sources.config.as_ref().and_then(|f| {
        let raw = parse_toml_file::<raw::RawConfig>(f, diags)?;
        config::validate(raw, &mut FileCtx::new(f, diags))
    });
    let kind = |k: &str| sources.content.get(k).map(Vec::as_slice).unwrap_or(&[]);

    let mut certifications = Vec::new();
    for f in kind("certifications") {
        if let Some((raw, body)) = markdown_or_toml::<raw::RawCertification>(f, diags) {
            certifications.extend(catalog::certification(
                raw,
                body,
                &mut FileCtx::new(f, diags),
            ));
        }
    }
    check_duplicates(
        &certifications,
        |c| (c.slug.as_str(), c.file.as_path()),
        "certification",
        kind("certifications"),
        diags,
    );
    let mut broken_certs = broken(
        kind("certifications"),
        certifications.iter().map(|c| c.slug.as_str()),
    );
    broken_certs.extend(
        sources
            .unreadable
            .get("certifications")
            .into_iter()
            .flatten()
            .cloned(),
    );

    // Without a valid site.toml, references to dimensions, ratings and categories cannot be
    // checked; syntax and shape are still checked so the editor sees those errors now.
    let Some(config) = config else {
        for f in kind("vendors") {
            markdown_or_toml::<raw::RawVendor>(f, diags);
        }
        for f in kind("reports") {
            markdown_or_toml::<raw::RawReport>(f, diags);
        }
        for f in kind("frameworks") {
            parse_toml_file::<raw::RawFramework>(f, diags);
        }
        return None;
    };

    // Vendor and report files are parsed and checked in parallel (each file on its own, its
    // diagnostics collected apart), then gathered in file order: the result and the order
    // of diagnostics are those of a sequential run.
    // What a vendor file's check reads besides the file (see `memo`).
    let vendor_ctx = memo.as_ref().map(|(_, text)| {
        let mut k = memo::Key::new("vendor context");
        for f in sources.config.iter().chain(kind("certifications")) {
            k = k.file(text, &f.path);
        }
        k.set(&broken_certs).finish()
    });
    let mut vendors = Vec::new();
    let check = |f: &SourceFile| {
        let mut d = Vec::new();
        let v = markdown_or_toml::<raw::RawVendor>(f, &mut d).and_then(|(raw, body)| {
            vendor::validate(
                raw,
                body,
                &config,
                &certifications,
                &mut FileCtx::new(f, &mut d).with_broken(&broken_certs),
            )
        });
        // Boxed: a vendor is moved several times on its way into the registry and back into
        // the memo, which at 10,000 vendors of 750 bytes was a large part of a rebuild.
        (v.map(Box::new), d)
    };
    let checked = match (&mut memo, vendor_ctx) {
        (Some((m, text)), Some(ctx)) => {
            memo::results(&mut m.vendors, "vendor", kind("vendors"), *text, ctx, check)
        }
        _ => kind("vendors").par_iter().map(check).collect(),
    };
    for (v, d) in checked {
        diags.extend(d);
        vendors.extend(v);
    }
    check_duplicates(
        &vendors,
        |v| (v.slug.as_str(), v.file.as_path()),
        "vendor",
        kind("vendors"),
        diags,
    );
    let mut broken_refs = broken(kind("vendors"), vendors.iter().map(|v| v.slug.as_str()));
    broken_refs.extend(
        sources
            .unreadable
            .get("vendors")
            .into_iter()
            .flatten()
            .cloned(),
    );
    broken_refs.extend(broken_certs.iter().cloned());
    let (mut removed_vendors, mut vendors): (Vec<Box<Vendor>>, Vec<Box<Vendor>>) =
        vendors.into_iter().partition(|v| v.removed.is_some());

    let mut vendor_index: HashMap<&str, usize> = HashMap::with_capacity(vendors.len());
    for (i, v) in vendors.iter().enumerate() {
        vendor_index.entry(v.slug.as_str()).or_insert(i);
    }
    // A report's check also reads which vendors exist, in this order, and which are removed.
    let report_ctx = vendor_ctx.map(|ctx| {
        let mut k = memo::Key::new("report context").u64(ctx);
        for v in &vendors {
            k = k.str(&v.slug);
        }
        k = k.str("removed:");
        for v in &removed_vendors {
            k = k.str(&v.slug);
        }
        k.set(&broken_refs).finish()
    });
    let mut reports = Vec::new();
    let check = |f: &SourceFile| {
        let mut d = Vec::new();
        let r = markdown_or_toml::<raw::RawReport>(f, &mut d).and_then(|(raw, body)| {
            report::validate(
                raw,
                body,
                &certifications,
                &vendors,
                &vendor_index,
                &removed_vendors,
                &mut FileCtx::new(f, &mut d).with_broken(&broken_refs),
            )
        });
        (r, d)
    };
    let checked = match (&mut memo, report_ctx) {
        (Some((m, text)), Some(ctx)) => {
            memo::results(&mut m.reports, "report", kind("reports"), *text, ctx, check)
        }
        _ => kind("reports").par_iter().map(check).collect(),
    };
    for (r, d) in checked {
        diags.extend(d);
        reports.extend(r);
    }
    check_duplicates(
        &reports,
        |r| (r.slug.as_str(), r.file.as_path()),
        "report",
        kind("reports"),
        diags,
    );

    let mut frameworks = Vec::new();
    let mut parsed: Vec<editions::Parsed> = Vec::new();
    let mut broken_frameworks = BTreeSet::new();
    for f in kind("frameworks") {
        if f.extension() != "toml" {
            diags.push(
                Diagnostic::error(
                    Code::BadName,
                    &f.path,
                    &f.text,
                    Some(0..0),
                    "framework catalogs are .toml files",
                )
                .with_help(Some(format!("rename it to {}.toml", f.stem()))),
            );
            continue;
        }
        match parse_toml_file::<raw::RawFramework>(f, diags) {
            Some(raw) => parsed.push((f, raw)),
            None => {
                broken_frameworks.insert(f.stem().to_string());
            }
        }
    }
    // Editions and cross-walks name other catalogs: checked once all are parsed.
    editions::check(&parsed, &broken_frameworks, diags);
    for (f, raw) in parsed {
        frameworks.extend(catalog::framework(
            raw,
            &config,
            &mut FileCtx::new(f, diags),
        ));
    }

    // `frameworks/a.toml` and `frameworks/x/a.toml` would both be `/framework/a/`.
    check_duplicates(
        &frameworks,
        |f| (f.slug.as_str(), f.file.as_path()),
        "framework",
        kind("frameworks"),
        diags,
    );

    let questions = match &sources.questions {
        Some(f) => parse_toml_file::<raw::RawQuestions>(f, diags)
            .map(catalog::questions)
            .unwrap_or_default(),
        None => Questions::default(),
    };

    let mut pages = Vec::new();
    for f in kind("pages") {
        if let Some((raw, body)) = markdown_or_toml::<raw::RawPage>(f, diags) {
            pages.extend(catalog::page(raw, body, &mut FileCtx::new(f, diags)));
        }
    }
    check_duplicates(
        &pages,
        |p| (p.slug.as_str(), p.file.as_path()),
        "page",
        kind("pages"),
        diags,
    );
    check_alias_collisions(
        &vendors,
        &removed_vendors,
        &reports,
        &sources.content,
        diags,
    );

    if diags[before..]
        .iter()
        .any(|d| d.severity == crate::diagnostic::Severity::Error)
    {
        // What did check goes back to the memo, so the next run re-checks only what changed.
        if let Some((m, _)) = memo {
            m.recycle(Registry {
                config,
                vendors,
                removed_vendors,
                certifications,
                reports,
                frameworks,
                questions,
                pages,
            });
        }
        return None;
    }
    vendors.sort_by(|a, b| a.slug.cmp(&b.slug));
    removed_vendors.sort_by(|a, b| a.slug.cmp(&b.slug));
    reports.sort_by(|a, b| a.slug.cmp(&b.slug));
    frameworks.sort_by(|a, b| (a.order, &a.slug).cmp(&(b.order, &b.slug)));
    pages.sort_by(|a, b| a.slug.cmp(&b.slug));
    // Certifications were indexed by position above; they were loaded sorted by file name
    // and are kept in that order so the indices stay valid.
    Some(Registry {
        config,
        vendors,
        removed_vendors,
        certifications,
        reports,
        frameworks,
        questions,
        pages,
    })
}

/// Stems of files of one kind that did not make it into the registry.
fn broken<'a>(files: &[SourceFile], loaded: impl Iterator<Item = &'a str>) -> BTreeSet<String> {
    let loaded: std::collections::HashSet<&str> = loaded.collect();
    files
        .iter()
        .map(|f| f.stem())
        .filter(|s| !loaded.contains(s))
        .map(str::to_string)
        .collect()
}

/// `.md` files carry front matter and a body; `.toml` files are front matter alone.
fn markdown_or_toml<T: serde::de::DeserializeOwned>(
    f: &SourceFile,
    diags: &mut Vec<Diagnostic>,
) -> Option<(T, String)> {
    if f.extension() == "toml" {
        parse_toml_file::<T>(f, diags).map(|t| (t, String::new()))
    } else {
        parse_markdown::<T>(f, diags)
    }
}

/// Two files with one slug (`acme.md` and `acme.toml`, or two report files with one ID): every
/// file after the first is reported, naming the first.
fn check_duplicates<'a, T>(
    items: &'a [T],
    key: impl Fn(&'a T) -> (&'a str, &'a std::path::Path),
    what: &str,
    files: &[SourceFile],
    diags: &mut Vec<Diagnostic>,
) {
    let mut first: HashMap<&str, &std::path::Path> = HashMap::with_capacity(items.len());
    for item in items {
        let (k, file) = key(item);
        match first.get(k) {
            Some(prev) => {
                let text = files
                    .iter()
                    .find(|f| f.path == file)
                    .map(|f| f.text.as_str())
                    .unwrap_or("");
                diags.push(
                    Diagnostic::error(
                        Code::Duplicate,
                        file,
                        text,
                        Some(0..0),
                        format!("duplicate {what} `{k}`: also defined in {}", prev.display()),
                    )
                    .with_help(Some("each slug or ID may appear in one file only".into())),
                );
            }
            None => {
                first.insert(k, file);
            }
        }
    }
}

/// An alias must not shadow a vendor's or report's own URL (a tombstone's included) or
/// another alias: `_redirects` runs before pages are looked up, so it would hide the page.
fn check_alias_collisions(
    vendors: &[Box<Vendor>],
    removed: &[Box<Vendor>],
    reports: &[Report],
    files: &BTreeMap<String, Vec<SourceFile>>,
    diags: &mut Vec<Diagnostic>,
) {
    // Only an alias can collide; most registries have few or none.
    if vendors.iter().chain(removed).all(|v| v.aliases.is_empty())
        && reports.iter().all(|r| r.aliases.is_empty())
    {
        return;
    }
    let vendor_pages = vendors.iter().chain(removed);
    let mut seen: BTreeMap<String, String> = vendor_pages
        .clone()
        .map(|v| (crate::urls::vendor(&v.slug), format!("vendor `{}`", v.slug)))
        .chain(
            reports
                .iter()
                .map(|r| (crate::urls::report(&r.slug), format!("report `{}`", r.id))),
        )
        .collect();
    let no_spans: Vec<std::ops::Range<usize>> = Vec::new();
    let owners = vendor_pages
        .map(|v| {
            (
                &v.file,
                format!("vendor `{}`", v.slug),
                &v.aliases,
                &v.alias_spans,
            )
        })
        .chain(
            reports
                .iter()
                .map(|r| (&r.file, format!("report `{}`", r.id), &r.aliases, &no_spans)),
        );
    for (file, owner, aliases, spans) in owners {
        for (i, a) in aliases.iter().enumerate() {
            let norm = if a.ends_with('/') {
                a.clone()
            } else {
                format!("{a}/")
            };
            if let Some(other) = seen.get(&norm) {
                let text = files
                    .values()
                    .flatten()
                    .find(|f| &f.path == file)
                    .map(|f| f.text.as_str())
                    .unwrap_or("");
                // Vendors keep their alias spans; otherwise find the quoted alias.
                let span = spans
                    .get(i)
                    .cloned()
                    .or_else(|| text.find(&format!("\"{a}\"")).map(|p| p..p + a.len() + 2));
                diags.push(Diagnostic::error(
                    Code::Duplicate,
                    file,
                    text,
                    span,
                    format!("alias `{a}` is already the address of {other}"),
                ));
            } else {
                seen.insert(norm, owner.clone());
            }
        }
    }
}

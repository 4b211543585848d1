//! The page plan: which pages exist, at which URL, with which template and view. One
//! module per section of the site (`home`, `certifications`, `frameworks`, `register`,
//! `methodology`); each returns jobs that `render` turns into HTML. Every page's context is a
//! typed view struct (`#[derive(Serialize)]`), its fields the names the template uses.

mod certifications;
mod frameworks;
mod home;
mod methodology;
mod register;

use std::sync::{Arc, OnceLock};

use minijinja::value::Serde;
use minijinja::Value;
use serde::Serialize;

use super::markdown;
use super::views::*;
use crate::derive::Derived;
use crate::model::Registry;
use crate::urls;

/// Where one page goes: output path (relative, `/`-separated), URL, template and title.
pub struct PageMeta {
    pub path: String,
    pub url: String,
    pub template: &'static str,
    pub title: String,
}

/// A unit of rendering work: one or more pages whose contexts are built together (a vendor
/// page and its procurement pack share one view). Contexts are built when the job runs, so
/// only the pages being rendered hold their views in memory, whatever the registry's size.
pub struct Job<'a> {
    pub pages: Vec<PageMeta>,
    /// The vendor whose page and pack these are: such pages depend only on that vendor, its
    /// reports and site-wide inputs, which lets a rebuild keep them (see `cache`).
    pub vendor: Option<usize>,
    /// One context per page, in `pages` order.
    pub ctx: Box<dyn Fn() -> Vec<Value> + Send + Sync + 'a>,
}

fn meta(url: String, template: &'static str, title: impl Into<String>) -> PageMeta {
    PageMeta {
        path: urls::path_of(&url),
        url,
        template,
        title: title.into(),
    }
}

/// A view struct as a template value (minijinja 3 reads any `Serialize` through `Serde`).
fn to_value(view: impl Serialize) -> Value {
    Value::from(Serde(view))
}

/// A job for one page, its view built by `view` when the page is rendered (not when it is
/// kept: see `files::Keep`).
fn job<'a, V: Serialize>(
    url: String,
    template: &'static str,
    title: impl Into<String>,
    view: impl Fn() -> V + Send + Sync + 'a,
) -> Job<'a> {
    Job {
        vendor: None,
        pages: vec![meta(url, template, title)],
        ctx: Box::new(move || vec![to_value(view())]),
    }
}

/// Values many pages show, converted to template values once and shared (cloning a `Value`
/// is a reference-count increment): re-serializing a vendor row for every certification,
/// framework and entry page that lists it was the render's main cost at scale. View structs
/// hold these as `Value` fields for that reason.
/// Built on first use: a rebuild that keeps every listing never builds them.
struct Shared<'a> {
    reg: &'a Registry,
    der: &'a Derived,
    vendor_rows: OnceLock<Vec<VendorRow>>,
    rows: OnceLock<Vec<Value>>,
    scores: OnceLock<Vec<Option<Vec<u8>>>>,
    questions: Value,
    methodology: Value,
    /// Report slug by lower-cased ID, for "earlier reports" links.
    report_slugs: std::collections::HashMap<String, String>,
    /// The templates' ids, which body headings must not take.
    reserved: markdown::Reserved,
}

impl Shared<'_> {
    /// `vendor_row` of every vendor.
    fn vendor_rows(&self) -> &[VendorRow] {
        self.vendor_rows.get_or_init(|| {
            use rayon::prelude::*;
            (0..self.reg.vendors.len())
                .into_par_iter()
                .map(|i| vendor_row(self.reg, self.der, i))
                .collect()
        })
    }

    /// `vendor_row` of every vendor, as template values.
    fn rows(&self) -> &[Value] {
        self.rows
            .get_or_init(|| self.vendor_rows().iter().map(to_value).collect())
    }

    /// Every vendor's dimension scores, `None` when not yet scored.
    fn scores(&self) -> &[Option<Vec<u8>>] {
        self.scores.get_or_init(|| {
            self.reg
                .vendors
                .iter()
                .map(|v| crate::derive::crosswalk::scores(v))
                .collect()
        })
    }
}

#[derive(Serialize)]
struct VendorsPage {
    vendors: Value,
    scored: usize,
}

#[derive(Serialize)]
struct VendorPage {
    vendor: Value,
}

#[derive(Serialize)]
struct PackPage {
    vendor: Value,
    questions: Value,
    methodology: Value,
}

#[derive(Serialize)]
struct TombstonePage {
    vendor: Tombstone,
}

/// What is left of a removed vendor.
#[derive(Serialize)]
struct Tombstone {
    name: String,
    slug: String,
    removed_on: String,
    removed_on_iso: String,
    reason: String,
}

#[derive(Serialize)]
struct MarkdownPage {
    page: PageView,
}

#[derive(Serialize)]
struct PageView {
    title: String,
    description: Option<String>,
    body_html: Value,
}

/// The 404 page's view: the site-wide globals only.
#[derive(Serialize)]
struct NotFoundPage {}

/// Every page of the site, in a fixed order. `reserved` holds the ids the templates use.
pub fn plan<'a>(reg: &'a Registry, der: &'a Derived, reserved: markdown::Reserved) -> Vec<Job<'a>> {
    let shared = Arc::new(Shared {
        reg,
        der,
        vendor_rows: OnceLock::new(),
        rows: OnceLock::new(),
        scores: OnceLock::new(),
        questions: methodology::questions(reg),
        methodology: methodology::methodology(reg),
        report_slugs: reg
            .reports
            .iter()
            .map(|r| (r.id.to_ascii_lowercase(), r.slug.clone()))
            .collect(),
        reserved,
    });
    let mut jobs = Vec::new();
    jobs.push(home::home(reg, der, &shared));
    let s = Arc::clone(&shared);
    jobs.push(job(
        urls::VENDORS.into(),
        "vendors.html",
        "Vendors",
        move || VendorsPage {
            vendors: Value::from(s.rows().to_vec()),
            scored: s
                .vendor_rows()
                .iter()
                .filter(|r| r.composite.is_some())
                .count(),
        },
    ));
    for vi in 0..reg.vendors.len() {
        let (name, slug) = (&reg.vendors[vi].name, &reg.vendors[vi].slug);
        let shared = Arc::clone(&shared);
        jobs.push(Job {
            vendor: Some(vi),
            pages: vec![
                meta(urls::vendor(slug), "vendor.html", name.clone()),
                meta(
                    urls::pack(slug),
                    "pack.html",
                    format!("{name}: procurement pack"),
                ),
            ],
            ctx: Box::new(move || {
                let v = to_value(vendor_view(reg, der, vi, &shared.reserved));
                vec![
                    to_value(VendorPage { vendor: v.clone() }),
                    to_value(PackPage {
                        vendor: v,
                        questions: shared.questions.clone(),
                        methodology: shared.methodology.clone(),
                    }),
                ]
            }),
        });
    }
    for v in &reg.removed_vendors {
        let removal = v.removed.as_ref().expect("removed vendors carry a removal");
        jobs.push(job(
            urls::vendor(&v.slug),
            "tombstone.html",
            v.name.clone(),
            move || TombstonePage {
                vendor: Tombstone {
                    name: v.name.clone(),
                    slug: v.slug.clone(),
                    removed_on: removal.on.human(),
                    removed_on_iso: removal.on.to_string(),
                    reason: removal.reason.clone(),
                },
            },
        ));
    }
    jobs.push(certifications::index(reg, der));
    for ci in 0..reg.certifications.len() {
        jobs.push(certifications::certification(reg, der, ci, &shared));
    }
    jobs.push(frameworks::index(reg));
    for fi in 0..reg.frameworks.len() {
        jobs.extend(frameworks::framework(reg, fi, &shared));
    }
    jobs.push(register::index(reg, der));
    for ri in 0..reg.reports.len() {
        jobs.push(register::report(reg, der, ri, &shared));
    }
    let s = Arc::clone(&shared);
    jobs.push(job(
        urls::METHODOLOGY.into(),
        "methodology.html",
        "Methodology",
        move || methodology::MethodologyPage {
            methodology: s.methodology.clone(),
        },
    ));
    for p in &reg.pages {
        let shared = Arc::clone(&shared);
        jobs.push(Job {
            vendor: None,
            pages: vec![meta(urls::page(&p.slug), "page.html", p.title.clone())],
            ctx: Box::new(move || {
                vec![to_value(MarkdownPage {
                    page: PageView {
                        title: p.title.clone(),
                        description: p.description.clone(),
                        body_html: Value::from_safe_string(markdown::to_html_avoiding(
                            &p.body,
                            1,
                            &shared.reserved,
                        )),
                    },
                })]
            }),
        });
    }
    jobs.push(job(
        urls::NOT_FOUND.into(),
        "404.html",
        "Page not found",
        || NotFoundPage {},
    ));
    jobs
}

//! The page plan: which pages exist, at which URL, with which template and view. One
//! function per section of the site; each returns jobs that `render` turns into HTML.

use std::sync::Arc;

use minijinja::value::Serde;
use minijinja::{context, Value};
use serde::Serialize;

use super::editions;
use super::markdown;
use super::views::*;
use crate::derive::{holdings_of, mean_score, Derived, HolderGroup, Status};
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

/// A job for one page whose context is already built.
fn job(url: String, template: &'static str, title: impl Into<String>, ctx: Value) -> Job<'static> {
    Job {
        vendor: None,
        pages: vec![meta(url, template, title)],
        ctx: Box::new(move || vec![ctx.clone()]),
    }
}

/// Values many pages show, converted to template values once and shared (cloning a `Value`
/// is a reference-count increment): re-serializing a vendor row for every certification,
/// framework and entry page that lists it was the render's main cost at scale.
struct Shared {
    /// `vendor_row` of every vendor, as template values.
    rows: Vec<Value>,
    /// Every vendor's dimension scores, `None` when not yet scored.
    scores: Vec<Option<Vec<u8>>>,
    questions: Value,
    methodology: Value,
    /// Report slug by lower-cased ID, for "earlier reports" links.
    report_slugs: std::collections::HashMap<String, String>,
    /// The templates' ids, which body headings must not take.
    reserved: markdown::Reserved,
}

/// Every page of the site, in a fixed order. `reserved` holds the ids the templates use.
pub fn plan<'a>(reg: &'a Registry, der: &'a Derived, reserved: markdown::Reserved) -> Vec<Job<'a>> {
    let rows: Vec<VendorRow> = (0..reg.vendors.len())
        .map(|i| vendor_row(reg, der, i))
        .collect();
    let shared = Arc::new(Shared {
        rows: rows.iter().map(|r| Value::from(Serde(r))).collect(),
        scores: reg
            .vendors
            .iter()
            .map(|v| {
                v.scores
                    .as_ref()
                    .map(|s| s.iter().map(|x| x.value).collect())
            })
            .collect(),
        questions: questions(reg),
        methodology: methodology(reg),
        report_slugs: reg
            .reports
            .iter()
            .map(|r| (r.id.to_ascii_lowercase(), r.slug.clone()))
            .collect(),
        reserved,
    });
    let rows_value = Value::from(shared.rows.clone());
    let mut jobs = Vec::new();
    jobs.push(home(reg, der, &rows));
    jobs.push(job(urls::VENDORS.into(), "vendors.html", "Vendors", context! { vendors => rows_value, scored => rows.iter().filter(|r| r.composite.is_some()).count() }));
    for vi in 0..reg.vendors.len() {
        let name = &reg.vendors[vi].name;
        let shared = Arc::clone(&shared);
        jobs.push(Job {
            vendor: Some(vi),
            pages: vec![
                meta(urls::vendor(&reg.vendors[vi].slug), "vendor.html", name.clone()),
                meta(
                    urls::pack(&reg.vendors[vi].slug),
                    "pack.html",
                    format!("{name}: procurement pack"),
                ),
            ],
            ctx: Box::new(move || {
                let v = Value::from(Serde(vendor_view(reg, der, vi, &shared.reserved)));
                vec![
                    context! { vendor => v.clone() },
                    context! { vendor => v, questions => shared.questions.clone(), methodology => shared.methodology.clone() },
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
            context! { vendor => context! { name => v.name.clone(), slug => v.slug.clone(), removed_on => removal.on.human(), removed_on_iso => removal.on.to_string(), reason => removal.reason.clone() } },
        ));
    }
    jobs.push(certifications_index(reg, der));
    for ci in 0..reg.certifications.len() {
        jobs.push(certification(reg, der, ci, &shared));
    }
    // Superseded editions are listed under the edition that replaced them.
    let current: Vec<FrameworkSummary> = (0..reg.frameworks.len())
        .filter(|fi| editions::successor(reg, *fi).is_none())
        .map(|fi| {
            let f = &reg.frameworks[fi];
            FrameworkSummary {
                name: f.name.clone(),
                short_name: f.short_name.clone(),
                url: urls::framework(&f.slug),
                version: f.version.clone(),
                publisher: f.publisher.clone(),
                description: f.description.clone(),
                entries: f.entries.len(),
                earlier: editions::editions(reg, fi)
                    .into_iter()
                    .filter(|e| !e.this)
                    .collect(),
            }
        })
        .collect();
    jobs.push(job(
        urls::FRAMEWORKS.into(),
        "frameworks.html",
        "Frameworks",
        context! { frameworks => Value::from(Serde(current)) },
    ));
    for fi in 0..reg.frameworks.len() {
        jobs.extend(framework(reg, fi, &shared));
    }
    let register: Vec<ReportRow> = (0..reg.reports.len())
        .map(|ri| report_row(reg, der, ri))
        .collect();
    jobs.push(job(
        urls::REGISTER.into(),
        "register.html",
        "Register of verification reports",
        context! { reports => Value::from(Serde(&register)) },
    ));
    for ri in 0..reg.reports.len() {
        jobs.push(report(reg, der, ri, &shared));
    }
    jobs.push(job(
        urls::METHODOLOGY.into(),
        "methodology.html",
        "Methodology",
        context! { methodology => shared.methodology.clone() },
    ));
    for p in &reg.pages {
        let shared = Arc::clone(&shared);
        jobs.push(Job {
            vendor: None,
            pages: vec![meta(urls::page(&p.slug), "page.html", p.title.clone())],
            ctx: Box::new(move || vec![context! { page => context! { title => p.title.clone(), description => p.description.clone(), body_html => Value::from_safe_string(markdown::to_html_avoiding(&p.body, 1, &shared.reserved)) } }]),
        });
    }
    jobs.push(job(
        urls::NOT_FOUND.into(),
        "404.html",
        "Page not found",
        context! {},
    ));
    jobs
}

#[derive(Serialize)]
struct FrameworkSummary {
    name: String,
    short_name: String,
    url: String,
    version: String,
    publisher: String,
    description: String,
    entries: usize,
    earlier: Vec<editions::EditionLink>,
}

fn home(reg: &Registry, der: &Derived, rows: &[VendorRow]) -> Job<'static> {
    let mut ranked: Vec<&VendorRow> = rows.iter().filter(|r| r.composite.is_some()).collect();
    ranked.sort_by(|a, b| {
        b.composite
            .as_ref()
            .map(|c| c.value)
            .partial_cmp(&a.composite.as_ref().map(|c| c.value))
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.slug.cmp(&b.slug))
    });
    let unscored: Vec<&VendorRow> = rows.iter().filter(|r| r.composite.is_none()).collect();
    // "Recently verified": the newest verification date in each vendor's sources table.
    let mut verified: Vec<(String, &VendorRow)> = reg
        .vendors
        .iter()
        .zip(rows)
        .filter_map(|(v, row)| {
            v.sources
                .iter()
                .filter_map(|s| s.source.verified)
                .max_by_key(|d| d.last_day())
                .map(|d| (d.to_string(), row))
        })
        .collect();
    verified.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.slug.cmp(&b.1.slug)));
    let attention: Vec<ReportRow> = (0..reg.reports.len())
        .filter(|ri| der.report_status[*ri].status != Status::Valid)
        .map(|ri| report_row(reg, der, ri))
        .collect();
    let verified: Vec<_> = verified
        .into_iter()
        .take(5)
        .map(|(d, r)| context! { date => d, vendor => Value::from(Serde(r)) })
        .collect();
    job(
        urls::HOME.into(),
        "index.html",
        reg.config.title.clone(),
        context! {
            counts => context! { vendors => reg.vendors.len(), scored => ranked.len(), certifications => reg.certifications.len(), reports => reg.reports.len(), frameworks => (0..reg.frameworks.len()).filter(|fi| editions::successor(reg, *fi).is_none()).count() },
            highest_risk => Value::from(Serde(ranked.into_iter().take(5).collect::<Vec<_>>())),
            unscored => Value::from(Serde(unscored)),
            recently_verified => verified,
            attention => Value::from(Serde(attention)),
        },
    )
}

#[derive(Serialize)]
struct CertRow {
    name: String,
    url: String,
    kind: String,
    issuer: String,
    region: String,
    holders: usize,
    /// Holders with a verified, current holding.
    verified: usize,
    reports: usize,
}

/// Vendors with at least one verified, current holding of `ci`.
fn verified_holders(reg: &Registry, der: &Derived, ci: usize) -> usize {
    let mut vendors: Vec<usize> = holdings_of(reg, der, ci)
        .into_iter()
        .filter(|(_, _, g)| *g == HolderGroup::Verified)
        .map(|(vi, _, _)| vi)
        .collect();
    vendors.dedup();
    vendors.len()
}

/// The scheme's validity rule and each level's own, as sentences.
fn validity_for_page(c: &crate::model::Certification) -> Value {
    let levels: Vec<Pair> = c
        .levels
        .iter()
        .zip(&c.level_validity)
        .filter_map(|(l, v)| {
            v.map(|v| Pair {
                label: l.name.clone(),
                value: v.describe(),
            })
        })
        .collect();
    context! { rule => c.validity.describe(), levels => Value::from(Serde(levels)) }
}

fn certifications_index(reg: &Registry, der: &Derived) -> Job<'static> {
    let mut rows: Vec<CertRow> = reg
        .certifications
        .iter()
        .enumerate()
        .map(|(ci, c)| CertRow {
            name: c.name.clone(),
            url: urls::certification(&c.slug),
            kind: c.kind_label.clone(),
            issuer: c.issuer.clone(),
            region: c.region.clone(),
            holders: der.holders_by_cert[ci].len(),
            verified: verified_holders(reg, der, ci),
            reports: der.reports_by_cert[ci].len(),
        })
        .collect();
    rows.sort_by_key(|a| a.name.to_lowercase());
    job(
        urls::CERTIFICATIONS.into(),
        "certifications.html",
        "Certifications and schemes",
        context! { certifications => Value::from(Serde(rows)) },
    )
}

fn certification<'a>(
    reg: &'a Registry,
    der: &'a Derived,
    ci: usize,
    shared: &Arc<Shared>,
) -> Job<'a> {
    let c = &reg.certifications[ci];
    let shared = Arc::clone(shared);
    Job {
        vendor: None,
        pages: vec![meta(
            urls::certification(&c.slug),
            "certification.html",
            c.name.clone(),
        )],
        ctx: Box::new(move || {
            // Grouped by what the registry knows: a claim never sits with the certificates.
            let mut groups: [Vec<Value>; 3] = Default::default();
            for (vi, hi, group) in holdings_of(reg, der, ci) {
                let h = &reg.vendors[vi].holdings[hi];
                groups[group as usize].push(context! {
                    vendor => shared.rows[vi].clone(),
                    holding => Value::from(Serde(holding_view(reg, h, &der.holding_status[vi][hi], der.build_date))),
                });
            }
            let [verified, unverified, ended] = groups;
            let reports: Vec<ReportRow> = der.reports_by_cert[ci]
                .iter()
                .map(|ri| report_row(reg, der, *ri))
                .collect();
            let levels: Vec<Pair> = c
                .levels
                .iter()
                .map(|l| Pair {
                    label: l.name.clone(),
                    value: l.description.clone(),
                })
                .collect();
            vec![context! {
                cert => context! { name => c.name.clone(), short_name => c.short_name.clone(), kind => c.kind_label.clone(), issuer => c.issuer.clone(), region => c.region.clone(), url => c.url.clone(), levels => Value::from(Serde(levels)), body_html => Value::from_safe_string(markdown::to_html_avoiding(&c.body, 1, &shared.reserved)) },
                validity => validity_for_page(c),
                verified => verified,
                unverified => unverified,
                ended => ended,
                reports => Value::from(Serde(reports)),
            }]
        }),
    }
}

/// A framework's page (entries and the vendor matrix) and one page per entry.
fn framework<'a>(reg: &'a Registry, fi: usize, shared: &Arc<Shared>) -> Vec<Job<'a>> {
    let f = &reg.frameworks[fi];
    let cfg = &reg.config;
    let dim_names = move |dims: &[usize]| {
        dims.iter()
            .map(|d| cfg.dimensions[*d].name.clone())
            .collect::<Vec<_>>()
    };
    let entries: Vec<Value> = f
        .entries
        .iter()
        .map(|e| context! { id => e.id.clone(), title => e.title.clone(), description => e.description.clone(), url => urls::entry(&f.slug, &e.slug), dimensions => dim_names(&e.dimensions), categories => e.categories.iter().map(|c| context! { id => c.id.clone(), title => c.title.clone(), anchor => crate::model::entry_slug(&c.id), mapped_from => Value::from(Serde(editions::mapped_from(reg, fi, &c.id))) }).collect::<Vec<_>>() })
        .collect();
    let successor = editions::successor(reg, fi).map(|s| {
        let n = &reg.frameworks[s];
        context! { version => n.version.clone(), url => urls::framework(&n.slug) }
    });
    let info = context! { name => f.name.clone(), short_name => f.short_name.clone(), slug => f.slug.clone(), url => urls::framework(&f.slug), source_url => f.url.clone(), version => f.version.clone(), publisher => f.publisher.clone(), description => f.description.clone(), entry_label => f.entry_label.clone(), editions => Value::from(Serde(editions::editions(reg, fi))), successor => successor };
    let changes = Value::from(Serde(editions::changes(reg, fi)));
    // Cells coloured by band: one template value per band, shared by every cell in it.
    let bands: Arc<Vec<Value>> = Arc::new(
        cfg.bands
            .iter()
            .map(|b| {
                Value::from(Serde(KeyName {
                    key: b.key.clone(),
                    name: b.name.clone(),
                }))
            })
            .collect(),
    );
    let mean_of = move |scores: &Option<Vec<u8>>, dims: &[usize]| -> (Value, Value) {
        match scores.as_ref().and_then(|vals| mean_score(vals, dims)) {
            Some(m) => (
                Value::from(format!("{m:.1}")),
                bands[crate::derive::band_for(m, &reg.config.bands)].clone(),
            ),
            None => (Value::from(()), Value::from(())),
        }
    };
    let mut jobs = Vec::new();
    {
        // The matrix: one row per vendor, one cell per entry = mean of the vendor's scores on
        // the entry's mapped dimensions, coloured by the band that mean falls in.
        let (shared, entries, info, mean_of) = (
            Arc::clone(shared),
            entries.clone(),
            info.clone(),
            mean_of.clone(),
        );
        let legend = band_legend(cfg);
        jobs.push(Job {
            vendor: None,
            pages: vec![meta(urls::framework(&f.slug), "framework.html", f.name.clone())],
            ctx: Box::new(move || {
                let matrix: Vec<Value> = (0..reg.vendors.len())
                    .map(|vi| {
                        let cells: Vec<Value> = f
                            .entries
                            .iter()
                            .map(|e| {
                                let (mean, band) = mean_of(&shared.scores[vi], &e.dimensions);
                                context! { id => e.id.clone(), mean => mean, band => band }
                            })
                            .collect();
                        context! { vendor => shared.rows[vi].clone(), cells => cells }
                    })
                    .collect();
                vec![context! { framework => info.clone(), entries => entries.clone(), matrix => matrix, bands => legend.clone(), changes => changes.clone() }]
            }),
        });
    }
    for (ei, e) in f.entries.iter().enumerate() {
        let (shared, entry, info, mean_of) = (
            Arc::clone(shared),
            entries[ei].clone(),
            info.clone(),
            mean_of.clone(),
        );
        jobs.push(Job {
            vendor: None,
            pages: vec![meta(
                urls::entry(&f.slug, &e.slug),
                "entry.html",
                format!("{} {}", e.id, e.title),
            )],
            ctx: Box::new(move || {
                let vendors: Vec<Value> = (0..reg.vendors.len())
                    .map(|vi| {
                        let values = &shared.scores[vi];
                        let (mean, band) = mean_of(values, &e.dimensions);
                        context! {
                            vendor => shared.rows[vi].clone(),
                            scores => e.dimensions.iter().map(|d| values.as_ref().map(|vals| vals[*d])).collect::<Vec<_>>(),
                            mean => mean,
                            band => band,
                        }
                    })
                    .collect();
                vec![context! {
                    framework => info.clone(), entry => entry.clone(), dimensions => dim_names(&e.dimensions), vendors => vendors,
                    lineage => Value::from(Serde(editions::lineage(reg, fi, ei))),
                    mapped_to => Value::from(Serde(editions::mapped_to(reg, fi, ei))),
                    mapped_from => Value::from(Serde(editions::mapped_from(reg, fi, &e.id))),
                }]
            }),
        });
    }
    jobs
}

fn report<'a>(reg: &'a Registry, der: &'a Derived, ri: usize, shared: &Arc<Shared>) -> Job<'a> {
    let r = &reg.reports[ri];
    let shared = Arc::clone(shared);
    Job {
        vendor: None,
        pages: vec![meta(
            urls::report(&r.slug),
            "report.html",
            format!("Verification report {}", r.id),
        )],
        ctx: Box::new(move || {
            let c = &reg.certifications[r.certification];
            let earlier: Vec<Link> = r
                .earlier_reports
                .iter()
                .map(|id| Link {
                    url: shared
                        .report_slugs
                        .get(&id.to_ascii_lowercase())
                        .map(|slug| urls::report(slug))
                        .unwrap_or_default(),
                    label: id.clone(),
                })
                .collect();
            let services: Vec<Value> = r
                .services
                .iter()
                .map(|s| context! { category => s.category.clone(), items => s.items.clone() })
                .collect();
            vec![context! {
                report => Value::from(Serde(report_row(reg, der, ri))),
                scheme_name => c.name.clone(),
                scheme_version => r.scheme_version.clone(),
                level_description => r.level.map(|l| c.levels[l].description.clone()),
                declaring_entity => r.declaring_entity.clone(),
                monitoring_body => r.monitoring_body.clone(),
                monitoring_body_url => r.monitoring_body_url.clone(),
                earlier_reports => Value::from(Serde(earlier)),
                sources => Value::from(Serde(sources_view(&r.sources, reg, der.build_date))),
                controls => r.controls_examined.clone(),
                services => services,
                service_count => r.services.iter().map(|s| s.items.len()).sum::<usize>(),
                body_html => Value::from_safe_string(markdown::to_html_avoiding(&r.body, 1, &shared.reserved)),
            }]
        }),
    }
}

fn questions(reg: &Registry) -> Value {
    context! { intro => reg.questions.intro.clone(), items => reg.questions.items.clone() }
}

/// The methodology as data: dimensions, every profile's weights, bands with their ranges.
pub fn methodology(reg: &Registry) -> Value {
    let cfg = &reg.config;
    let dims: Vec<Value> = cfg.dimensions.iter().enumerate().map(|(i, d)| context! { key => d.key.clone(), name => d.name.clone(), description => d.description.clone(), weights => cfg.profiles.iter().map(|p| p.weights[i]).collect::<Vec<_>>() }).collect();
    let profiles: Vec<Value> = cfg.profiles.iter().enumerate().map(|(i, p)| context! { key => p.key.clone(), name => p.name.clone(), description => p.description.clone(), is_default => i == cfg.default_profile }).collect();
    let bands = band_legend(cfg);
    let ratings: Vec<Pair> = cfg
        .ratings
        .iter()
        .map(|r| Pair {
            label: r.name.clone(),
            value: r.description.clone(),
        })
        .collect();
    let default = &cfg.profiles[cfg.default_profile];
    let summary = format!(
        "Composite scores use the {} weight profile ({}).",
        default.key,
        cfg.dimensions
            .iter()
            .zip(&default.weights)
            .map(|(d, w)| format!("{w}% {}", in_sentence(&d.name)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    context! { dimensions => dims, profiles => profiles, bands => bands, ratings => Value::from(Serde(ratings)), caveats => cfg.caveats.clone(), summary => summary, default_profile => default.key.clone(), evidence => super::evidence::methodology(reg) }
}

/// Every band with its score range, for the methodology and the heat maps' legends.
fn band_legend(cfg: &crate::model::Config) -> Vec<Value> {
    cfg.bands
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let upper = cfg.bands.get(i + 1).map(|n| n.min);
            let range = match upper {
                Some(u) => format!("{} to under {}", fmt_num(b.min), fmt_num(u)),
                None => format!("{} to 100", fmt_num(b.min)),
            };
            context! { key => b.key.clone(), name => b.name.clone(), range => range, description => b.description.clone() }
        })
        .collect()
}

/// A label as it reads inside a sentence: `Data handling` → `data handling`, but an initial
/// acronym stays (`IP exposure`, not `ip exposure`).
pub(crate) fn in_sentence(label: &str) -> String {
    let first = label.split_whitespace().next().unwrap_or("");
    if first.chars().filter(|c| c.is_uppercase()).count() > 1 {
        return label.to_string();
    }
    let mut chars = label.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x}")
    }
}

#[cfg(test)]
mod tests {
    use super::in_sentence;

    #[test]
    fn labels_in_a_sentence_keep_their_acronyms() {
        // The methodology said "20% ip exposure".
        assert_eq!(in_sentence("IP exposure"), "IP exposure");
        assert_eq!(in_sentence("Data handling"), "data handling");
        assert_eq!(in_sentence("Security"), "security");
    }
}

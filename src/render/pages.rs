//! The page plan: which pages exist, at which URL, with which template and view. One
//! function per section of the site; each returns jobs that `render` turns into HTML.

use minijinja::value::Serde;
use minijinja::{context, Value};
use serde::Serialize;

use super::markdown;
use super::views::*;
use crate::derive::{mean_score, Derived, ReportStatus};
use crate::model::Registry;

/// One page to render: output path (relative, `/`-separated), template, URL and context.
pub struct Job {
    pub path: String,
    pub url: String,
    pub template: &'static str,
    pub title: String,
    pub ctx: Value,
}

fn job(url: String, template: &'static str, title: impl Into<String>, ctx: Value) -> Job {
    let path = if url == "/404.html" {
        "404.html".to_string()
    } else {
        format!("{}index.html", url.trim_start_matches('/'))
    };
    Job {
        path,
        url,
        template,
        title: title.into(),
        ctx,
    }
}

/// Every page of the site, in a fixed order.
pub fn plan(reg: &Registry, der: &Derived) -> Vec<Job> {
    // Built once and shared (cheap Arc clones) by every page that lists vendors.
    let rows: Vec<VendorRow> = (0..reg.vendors.len())
        .map(|i| vendor_row(reg, der, i))
        .collect();
    let rows_value = Value::from(Serde(&rows));
    let mut jobs = Vec::new();
    jobs.push(home(reg, der, &rows));
    jobs.push(job("/vendor/".into(), "vendors.html", "Vendors", context! { vendors => rows_value.clone(), scored => rows.iter().filter(|r| r.composite.is_some()).count() }));
    for vi in 0..reg.vendors.len() {
        let v = Value::from(Serde(vendor_view(reg, der, vi)));
        let name = &reg.vendors[vi].name;
        jobs.push(job(
            vendor_url(&reg.vendors[vi].slug),
            "vendor.html",
            name.clone(),
            context! { vendor => v.clone() },
        ));
        jobs.push(job(
            format!("/vendor/{}/pack/", reg.vendors[vi].slug),
            "pack.html",
            format!("{name}: procurement pack"),
            context! { vendor => v, questions => questions(reg), methodology => methodology(reg) },
        ));
    }
    for v in &reg.removed_vendors {
        let removal = v.removed.as_ref().expect("removed vendors carry a removal");
        jobs.push(job(
            vendor_url(&v.slug),
            "tombstone.html",
            v.name.clone(),
            context! { vendor => context! { name => v.name.clone(), slug => v.slug.clone(), removed_on => removal.on.human(), removed_on_iso => removal.on.to_string(), reason => removal.reason.clone() } },
        ));
    }
    jobs.push(certifications_index(reg, der));
    for ci in 0..reg.certifications.len() {
        jobs.push(certification(reg, der, ci));
    }
    jobs.push(job("/framework/".into(), "frameworks.html", "Frameworks", context! { frameworks => Value::from(Serde(reg.frameworks.iter().map(|f| FrameworkSummary { name: f.name.clone(), short_name: f.short_name.clone(), url: framework_url(&f.slug), version: f.version.clone(), publisher: f.publisher.clone(), description: f.description.clone(), entries: f.entries.len() }).collect::<Vec<_>>())) }));
    for fi in 0..reg.frameworks.len() {
        jobs.extend(framework(reg, der, fi));
    }
    let register: Vec<ReportRow> = (0..reg.reports.len())
        .map(|ri| report_row(reg, der, ri))
        .collect();
    jobs.push(job(
        "/register/".into(),
        "register.html",
        "Register of verification reports",
        context! { reports => Value::from(Serde(&register)) },
    ));
    for ri in 0..reg.reports.len() {
        jobs.push(report(reg, der, ri));
    }
    jobs.push(job(
        "/methodology/".into(),
        "methodology.html",
        "Methodology",
        context! { methodology => methodology(reg) },
    ));
    for p in &reg.pages {
        jobs.push(job(format!("/{}/", p.slug), "page.html", p.title.clone(), context! { page => context! { title => p.title.clone(), description => p.description.clone(), body_html => Value::from_safe_string(markdown::to_html(&p.body, 1)) } }));
    }
    jobs.push(job(
        "/404.html".into(),
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
}

fn home(reg: &Registry, der: &Derived, rows: &[VendorRow]) -> Job {
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
                .map(|s| s.verified)
                .max_by_key(|d| d.last_day())
                .map(|d| (d.to_string(), row))
        })
        .collect();
    verified.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.slug.cmp(&b.1.slug)));
    let attention: Vec<ReportRow> = (0..reg.reports.len())
        .filter(|ri| der.report_status[*ri] != ReportStatus::Valid)
        .map(|ri| report_row(reg, der, ri))
        .collect();
    let verified: Vec<_> = verified
        .into_iter()
        .take(5)
        .map(|(d, r)| context! { date => d, vendor => Value::from(Serde(r)) })
        .collect();
    job(
        "/".into(),
        "index.html",
        reg.config.title.clone(),
        context! {
            counts => context! { vendors => reg.vendors.len(), scored => ranked.len(), certifications => reg.certifications.len(), reports => reg.reports.len(), frameworks => reg.frameworks.len() },
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
    reports: usize,
}

fn certifications_index(reg: &Registry, der: &Derived) -> Job {
    let mut rows: Vec<CertRow> = reg
        .certifications
        .iter()
        .enumerate()
        .map(|(ci, c)| CertRow {
            name: c.name.clone(),
            url: cert_url(&c.slug),
            kind: c.kind_label.clone(),
            issuer: c.issuer.clone(),
            region: c.region.clone(),
            holders: der.holders_by_cert[ci].len(),
            reports: der.reports_by_cert[ci].len(),
        })
        .collect();
    rows.sort_by_key(|a| a.name.to_lowercase());
    job(
        "/certification/".into(),
        "certifications.html",
        "Certifications and schemes",
        context! { certifications => Value::from(Serde(rows)) },
    )
}

fn certification(reg: &Registry, der: &Derived, ci: usize) -> Job {
    let c = &reg.certifications[ci];
    let mut holders = Vec::new();
    for vi in &der.holders_by_cert[ci] {
        let v = &reg.vendors[*vi];
        for h in v.holdings.iter().filter(|h| h.certification == ci) {
            holders.push(context! {
                vendor => Value::from(Serde(vendor_row(reg, der, *vi))),
                level => h.level.map(|l| c.levels[l].name.clone()),
                scope => h.scope.clone(),
                issued => h.issued.map(|d| d.human()),
                valid_until => h.valid_until.map(|d| d.human()),
                as_of => h.as_of.map(|d| d.human()),
                lapsed => h.lapsed,
            });
        }
    }
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
    job(
        cert_url(&c.slug),
        "certification.html",
        c.name.clone(),
        context! {
            cert => context! { name => c.name.clone(), short_name => c.short_name.clone(), kind => c.kind_label.clone(), issuer => c.issuer.clone(), region => c.region.clone(), url => c.url.clone(), levels => Value::from(Serde(levels)), body_html => Value::from_safe_string(markdown::to_html(&c.body, 1)) },
            holders => holders,
            reports => Value::from(Serde(reports)),
        },
    )
}

fn framework(reg: &Registry, der: &Derived, fi: usize) -> Vec<Job> {
    let f = &reg.frameworks[fi];
    let cfg = &reg.config;
    let dim_names = |dims: &[usize]| {
        dims.iter()
            .map(|d| cfg.dimensions[*d].name.clone())
            .collect::<Vec<_>>()
    };
    let entries: Vec<Value> = f
        .entries
        .iter()
        .map(|e| context! { id => e.id.clone(), title => e.title.clone(), description => e.description.clone(), url => format!("/framework/{}/{}/", f.slug, e.slug), dimensions => dim_names(&e.dimensions), categories => e.categories.iter().map(|c| context! { id => c.id.clone(), title => c.title.clone() }).collect::<Vec<_>>() })
        .collect();
    // The matrix: one row per vendor, one cell per entry = mean of the vendor's scores on the
    // entry's mapped dimensions, coloured by the band that mean falls in.
    let matrix: Vec<Value> = reg
        .vendors
        .iter()
        .enumerate()
        .map(|(vi, v)| {
            let values: Option<Vec<u8>> = v.scores.as_ref().map(|s| s.iter().map(|x| x.value).collect());
            let cells: Vec<Value> = f
                .entries
                .iter()
                .map(|e| {
                    let m = values.as_ref().and_then(|vals| mean_score(vals, &e.dimensions));
                    context! { id => e.id.clone(), mean => m.map(|m| format!("{m:.1}")), band => m.map(|m| Value::from(Serde(band_of(reg, m)))) }
                })
                .collect();
            context! { vendor => Value::from(Serde(vendor_row(reg, der, vi))), cells => cells }
        })
        .collect();
    let info = context! { name => f.name.clone(), short_name => f.short_name.clone(), slug => f.slug.clone(), url => framework_url(&f.slug), source_url => f.url.clone(), version => f.version.clone(), publisher => f.publisher.clone(), description => f.description.clone(), entry_label => f.entry_label.clone() };
    let mut jobs = vec![job(
        framework_url(&f.slug),
        "framework.html",
        f.name.clone(),
        context! { framework => info.clone(), entries => entries.clone(), matrix => matrix },
    )];
    for (ei, e) in f.entries.iter().enumerate() {
        let vendors: Vec<Value> = reg
            .vendors
            .iter()
            .enumerate()
            .map(|(vi, v)| {
                let values: Option<Vec<u8>> = v.scores.as_ref().map(|s| s.iter().map(|x| x.value).collect());
                let m = values.as_ref().and_then(|vals| mean_score(vals, &e.dimensions));
                context! {
                    vendor => Value::from(Serde(vendor_row(reg, der, vi))),
                    scores => e.dimensions.iter().map(|d| values.as_ref().map(|vals| vals[*d])).collect::<Vec<_>>(),
                    mean => m.map(|m| format!("{m:.1}")),
                    band => m.map(|m| Value::from(Serde(band_of(reg, m)))),
                }
            })
            .collect();
        jobs.push(job(
            format!("/framework/{}/{}/", f.slug, e.slug),
            "entry.html",
            format!("{} {}", e.id, e.title),
            context! { framework => info.clone(), entry => entries[ei].clone(), dimensions => dim_names(&e.dimensions), vendors => vendors },
        ));
    }
    jobs
}

fn report(reg: &Registry, der: &Derived, ri: usize) -> Job {
    let r = &reg.reports[ri];
    let c = &reg.certifications[r.certification];
    let earlier: Vec<Link> = r
        .earlier_reports
        .iter()
        .map(|id| {
            let found = reg.reports.iter().find(|x| x.id.eq_ignore_ascii_case(id));
            Link {
                url: found.map(|x| report_url(&x.slug)).unwrap_or_default(),
                label: id.clone(),
            }
        })
        .collect();
    let services: Vec<Value> = r
        .services
        .iter()
        .map(|s| context! { category => s.category.clone(), items => s.items.clone() })
        .collect();
    job(
        report_url(&r.slug),
        "report.html",
        format!("Verification report {}", r.id),
        context! {
            report => Value::from(Serde(report_row(reg, der, ri))),
            scheme_name => c.name.clone(),
            scheme_version => r.scheme_version.clone(),
            level_description => r.level.map(|l| c.levels[l].description.clone()),
            declaring_entity => r.declaring_entity.clone(),
            monitoring_body => r.monitoring_body.clone(),
            monitoring_body_url => r.monitoring_body_url.clone(),
            earlier_reports => Value::from(Serde(earlier)),
            source => r.source.clone(),
            source_url => r.source_url.clone(),
            controls => r.controls_examined.clone(),
            services => services,
            service_count => r.services.iter().map(|s| s.items.len()).sum::<usize>(),
            body_html => Value::from_safe_string(markdown::to_html(&r.body, 1)),
        },
    )
}

fn questions(reg: &Registry) -> Value {
    context! { intro => reg.questions.intro.clone(), items => reg.questions.items.clone() }
}

/// The methodology as data: dimensions, every profile's weights, bands with their ranges.
pub fn methodology(reg: &Registry) -> Value {
    let cfg = &reg.config;
    let dims: Vec<Value> = cfg.dimensions.iter().enumerate().map(|(i, d)| context! { key => d.key.clone(), name => d.name.clone(), description => d.description.clone(), weights => cfg.profiles.iter().map(|p| p.weights[i]).collect::<Vec<_>>() }).collect();
    let profiles: Vec<Value> = cfg.profiles.iter().enumerate().map(|(i, p)| context! { key => p.key.clone(), name => p.name.clone(), description => p.description.clone(), is_default => i == cfg.default_profile }).collect();
    let bands: Vec<Value> = cfg
        .bands
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
        .collect();
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
            .map(|(d, w)| format!("{w}% {}", d.name.to_lowercase()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    context! { dimensions => dims, profiles => profiles, bands => bands, ratings => Value::from(Serde(ratings)), caveats => cfg.caveats.clone(), summary => summary, default_profile => default.key.clone() }
}

fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x}")
    }
}

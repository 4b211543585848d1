//! The registry as JSON: one envelope per file (`$schema`, `schema_version`, `build_date`) and
//! plain serde view structs built from the model and the derived data, the same ones the pages
//! are built from. Field names are the editor-facing keys, values are raw tokens (`yes`,
//! `not_disclosed`) and ISO dates in the source's precision, so a consumer needs no labels.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::derive::Derived;
use crate::model::{FactValue, Registry, Vendor};
use crate::render::views::{cert_url, framework_url, report_url, vendor_url};

use super::{abs, json_file, Out, SCHEMA_VERSION};

/// Every JSON file of the API, keyed by output path.
pub fn files(reg: &Registry, der: &Derived, out: &mut Out) {
    let vendors: Vec<VendorJson> = (0..reg.vendors.len())
        .map(|vi| vendor(reg, der, vi))
        .collect();
    let removed: Vec<RemovedJson> = reg
        .removed_vendors
        .iter()
        .map(|v| removed(reg, v))
        .collect();
    for v in &vendors {
        let doc = Envelope::new(reg, der, "vendor", VendorDoc::Listed { vendor: v });
        out.push(json_file(&format!("api/vendors/{}.json", v.slug), &doc));
    }
    for v in &removed {
        let doc = Envelope::new(reg, der, "vendor", VendorDoc::Removed { vendor: v });
        out.push(json_file(&format!("api/vendors/{}.json", v.slug), &doc));
    }
    let doc = Envelope::new(
        reg,
        der,
        "vendors",
        VendorsDoc {
            methodology: methodology(reg),
            vendors: &vendors,
            removed_vendors: &removed,
        },
    );
    out.push(json_file("api/vendors.json", &doc));
    out.push(json_file(
        "api/certifications.json",
        &Envelope::new(reg, der, "certifications", certifications(reg, der)),
    ));
    out.push(json_file(
        "api/register.json",
        &Envelope::new(reg, der, "register", register(reg, der)),
    ));
    for fi in 0..reg.frameworks.len() {
        let f = framework(reg, der, fi);
        out.push(json_file(
            &format!("api/frameworks/{}.json", f.framework.slug),
            &Envelope::new(reg, der, "framework", f),
        ));
    }
}

/// What every file starts with. `$schema` names the JSON Schema the file validates against.
#[derive(Serialize)]
struct Envelope<T: Serialize> {
    #[serde(rename = "$schema")]
    schema: String,
    schema_version: &'static str,
    build_date: String,
    site: Site,
    #[serde(flatten)]
    body: T,
}

#[derive(Serialize)]
struct Site {
    title: String,
    base_url: String,
}

impl<T: Serialize> Envelope<T> {
    fn new(reg: &Registry, der: &Derived, schema: &str, body: T) -> Self {
        Envelope {
            schema: abs(reg, &format!("/api/schema/{schema}.schema.json")),
            schema_version: SCHEMA_VERSION,
            build_date: der.build_date.to_date().to_string(),
            site: Site {
                title: reg.config.title.clone(),
                base_url: reg.config.base_url.clone(),
            },
            body,
        }
    }
}

#[derive(Serialize)]
struct VendorsDoc<'a> {
    methodology: Methodology,
    vendors: &'a [VendorJson],
    removed_vendors: &'a [RemovedJson],
}

#[derive(Serialize)]
#[serde(untagged)]
enum VendorDoc<'a> {
    Listed { vendor: &'a VendorJson },
    Removed { vendor: &'a RemovedJson },
}

/// Dimensions, weight profiles and bands: what a consumer needs to read the scores.
#[derive(Serialize)]
struct Methodology {
    dimensions: Vec<KeyText>,
    default_profile: String,
    profiles: Vec<ProfileJson>,
    bands: Vec<BandJson>,
}

#[derive(Serialize)]
struct KeyText {
    key: String,
    name: String,
    description: String,
}

#[derive(Serialize)]
struct ProfileJson {
    key: String,
    name: String,
    description: String,
    /// Percent per dimension key; they sum to 100.
    weights: BTreeMap<String, u32>,
}

#[derive(Serialize)]
struct BandJson {
    key: String,
    name: String,
    /// Inclusive lower bound; the band runs up to the next band's `min`.
    min: f64,
}

fn methodology(reg: &Registry) -> Methodology {
    let cfg = &reg.config;
    Methodology {
        dimensions: cfg
            .dimensions
            .iter()
            .map(|d| KeyText {
                key: d.key.clone(),
                name: d.name.clone(),
                description: d.description.clone(),
            })
            .collect(),
        default_profile: cfg.profiles[cfg.default_profile].key.clone(),
        profiles: cfg
            .profiles
            .iter()
            .map(|p| ProfileJson {
                key: p.key.clone(),
                name: p.name.clone(),
                description: p.description.clone(),
                weights: cfg
                    .dimensions
                    .iter()
                    .zip(&p.weights)
                    .map(|(d, w)| (d.key.clone(), *w))
                    .collect(),
            })
            .collect(),
        bands: cfg
            .bands
            .iter()
            .map(|b| BandJson {
                key: b.key.clone(),
                name: b.name.clone(),
                min: b.min,
            })
            .collect(),
    }
}

#[derive(Serialize)]
pub struct VendorJson {
    pub slug: String,
    status: &'static str,
    pub name: String,
    url: String,
    category: String,
    description: String,
    hq_country: Option<String>,
    hq_city: Option<String>,
    founded: Option<i64>,
    ticker: Option<String>,
    parent: Option<String>,
    employees: Option<String>,
    stage: Option<String>,
    website: Option<String>,
    legal_entities: Vec<String>,
    aliases: Vec<String>,
    rating: Option<String>,
    rating_reason: Option<String>,
    /// Section key → fact key → value.
    facts: BTreeMap<String, BTreeMap<String, FactJson>>,
    /// Dimension key → score; `null` when the vendor is not yet scored.
    scores: Option<BTreeMap<String, ScoreJson>>,
    /// Profile key → composite; `null` when the vendor is not yet scored.
    composites: Option<BTreeMap<String, CompositeJson>>,
    certifications: Vec<HoldingJson>,
    reports: Vec<String>,
    incidents: Vec<IncidentJson>,
    sources: Vec<SourceJson>,
}

#[derive(Serialize)]
struct FactJson {
    /// `yes`, `no`, `not_disclosed`, or the stated value.
    value: String,
    detail: Option<String>,
}

#[derive(Serialize)]
struct ScoreJson {
    score: u8,
    rationale: String,
}

#[derive(Serialize)]
struct CompositeJson {
    value: f64,
    band: String,
}

#[derive(Serialize)]
struct HoldingJson {
    certification: String,
    level: Option<String>,
    scope: Option<String>,
    issued: Option<String>,
    valid_until: Option<String>,
    as_of: Option<String>,
    note: Option<String>,
    source: String,
    source_url: Option<String>,
    certificates: Vec<CertificateJson>,
}

#[derive(Serialize)]
struct CertificateJson {
    label: Option<String>,
    number: String,
}

#[derive(Serialize)]
struct IncidentJson {
    date: String,
    title: String,
    summary: String,
    source_url: String,
}

#[derive(Serialize)]
struct SourceJson {
    field: String,
    url: String,
    verified: String,
    verified_by: String,
}

/// A removed vendor: what its tombstone page says.
#[derive(Serialize)]
pub struct RemovedJson {
    pub slug: String,
    status: &'static str,
    name: String,
    url: String,
    removed_on: String,
    removed_reason: String,
}

fn fact_value(v: &FactValue) -> String {
    match v {
        FactValue::Yes => "yes".into(),
        FactValue::No => "no".into(),
        FactValue::NotDisclosed => "not_disclosed".into(),
        FactValue::Stated(s) => s.clone(),
    }
}

fn date(d: Option<crate::date::PartialDate>) -> Option<String> {
    d.map(|d| d.to_string())
}

fn vendor(reg: &Registry, der: &Derived, vi: usize) -> VendorJson {
    let v = &reg.vendors[vi];
    let cfg = &reg.config;
    let facts = v
        .facts
        .iter()
        .filter(|s| !s.rows.is_empty())
        .map(|s| {
            let rows = s
                .rows
                .iter()
                .map(|f| {
                    (
                        f.key.to_string(),
                        FactJson {
                            value: fact_value(&f.value),
                            detail: f.detail.clone(),
                        },
                    )
                })
                .collect();
            (s.key.to_string(), rows)
        })
        .collect();
    let scores = v.scores.as_ref().map(|scores| {
        cfg.dimensions
            .iter()
            .zip(scores)
            .map(|(d, s)| {
                (
                    d.key.clone(),
                    ScoreJson {
                        score: s.value,
                        rationale: s.rationale.clone(),
                    },
                )
            })
            .collect()
    });
    let composites = der.composites[vi].as_ref().map(|cs| {
        cfg.profiles
            .iter()
            .zip(cs)
            .map(|(p, c)| {
                (
                    p.key.clone(),
                    CompositeJson {
                        value: c.value(),
                        band: cfg.bands[c.band].key.clone(),
                    },
                )
            })
            .collect()
    });
    VendorJson {
        slug: v.slug.clone(),
        status: "listed",
        name: v.name.clone(),
        url: abs(reg, &vendor_url(&v.slug)),
        category: cfg.categories[v.category].key.clone(),
        description: v.description.clone(),
        hq_country: v.hq_country.clone(),
        hq_city: v.hq_city.clone(),
        founded: v.founded,
        ticker: v.ticker.clone(),
        parent: v.parent.clone(),
        employees: v.employees.clone(),
        stage: v.stage.clone(),
        website: v.website.clone(),
        legal_entities: v.legal_entities.clone(),
        aliases: v.aliases.clone(),
        rating: v.rating.map(|r| cfg.ratings[r].key.clone()),
        rating_reason: v.rating_reason.clone(),
        facts,
        scores,
        composites,
        certifications: v.holdings.iter().map(|h| holding(reg, h)).collect(),
        reports: der.reports_by_vendor[vi]
            .iter()
            .map(|ri| reg.reports[*ri].id.clone())
            .collect(),
        incidents: v
            .incidents
            .iter()
            .map(|i| IncidentJson {
                date: i.date.to_string(),
                title: i.title.clone(),
                summary: i.summary.clone(),
                source_url: i.source_url.clone(),
            })
            .collect(),
        sources: v
            .sources
            .iter()
            .map(|s| SourceJson {
                field: s.field.clone(),
                url: s.url.clone(),
                verified: s.verified.to_string(),
                verified_by: s.verified_by.clone(),
            })
            .collect(),
    }
}

fn holding(reg: &Registry, h: &crate::model::Holding) -> HoldingJson {
    let c = &reg.certifications[h.certification];
    HoldingJson {
        certification: c.slug.clone(),
        level: h.level.map(|l| c.levels[l].key.clone()),
        scope: h.scope.clone(),
        issued: date(h.issued),
        valid_until: date(h.valid_until),
        as_of: date(h.as_of),
        note: h.note.clone(),
        source: h.source.clone(),
        source_url: h.source_url.clone(),
        certificates: h
            .certificates
            .iter()
            .map(|c| CertificateJson {
                label: c.label.clone(),
                number: c.number.clone(),
            })
            .collect(),
    }
}

fn removed(reg: &Registry, v: &Vendor) -> RemovedJson {
    let r = v.removed.as_ref().expect("removed vendors carry a removal");
    RemovedJson {
        slug: v.slug.clone(),
        status: "removed",
        name: v.name.clone(),
        url: abs(reg, &vendor_url(&v.slug)),
        removed_on: r.on.to_string(),
        removed_reason: r.reason.clone(),
    }
}

#[derive(Serialize)]
struct CertificationsDoc {
    certifications: Vec<CertificationJson>,
}

#[derive(Serialize)]
struct CertificationJson {
    slug: String,
    name: String,
    short_name: String,
    kind: String,
    issuer: String,
    region: String,
    url: String,
    scheme_url: Option<String>,
    levels: Vec<KeyText>,
    /// Slugs of the listed vendors holding it.
    holders: Vec<String>,
    /// IDs of the verification reports under it.
    reports: Vec<String>,
}

fn certifications(reg: &Registry, der: &Derived) -> CertificationsDoc {
    CertificationsDoc {
        certifications: reg
            .certifications
            .iter()
            .enumerate()
            .map(|(ci, c)| CertificationJson {
                slug: c.slug.clone(),
                name: c.name.clone(),
                short_name: c.short_name.clone(),
                kind: c.kind.clone(),
                issuer: c.issuer.clone(),
                region: c.region.clone(),
                url: abs(reg, &cert_url(&c.slug)),
                scheme_url: c.url.clone(),
                levels: c
                    .levels
                    .iter()
                    .map(|l| KeyText {
                        key: l.key.clone(),
                        name: l.name.clone(),
                        description: l.description.clone(),
                    })
                    .collect(),
                holders: der.holders_by_cert[ci]
                    .iter()
                    .map(|vi| reg.vendors[*vi].slug.clone())
                    .collect(),
                reports: der.reports_by_cert[ci]
                    .iter()
                    .map(|ri| reg.reports[*ri].id.clone())
                    .collect(),
            })
            .collect(),
    }
}

#[derive(Serialize)]
struct RegisterDoc {
    /// A report is `expiring` this many days before its validity ends.
    expiring_within_days: i64,
    reports: Vec<ReportJson>,
}

#[derive(Serialize)]
struct ReportJson {
    id: String,
    url: String,
    vendor: String,
    certification: String,
    scheme_version: Option<String>,
    level: Option<String>,
    declaring_entity: String,
    monitoring_body: String,
    monitoring_body_url: Option<String>,
    approved: String,
    valid_until: String,
    /// The last day `valid_until` covers (`2023-06` → `2023-06-30`).
    valid_through: String,
    /// `valid`, `expiring` or `expired` on the build date.
    status: &'static str,
    earlier_reports: Vec<String>,
    aliases: Vec<String>,
    source: String,
    source_url: Option<String>,
    controls_examined: Vec<String>,
    services: Vec<ServicesJson>,
}

#[derive(Serialize)]
struct ServicesJson {
    category: String,
    items: Vec<String>,
}

fn register(reg: &Registry, der: &Derived) -> RegisterDoc {
    RegisterDoc {
        expiring_within_days: reg.config.expiring_within_days,
        reports: reg
            .reports
            .iter()
            .enumerate()
            .map(|(ri, r)| {
                let c = &reg.certifications[r.certification];
                ReportJson {
                    id: r.id.clone(),
                    url: abs(reg, &report_url(&r.slug)),
                    vendor: reg.vendors[r.vendor].slug.clone(),
                    certification: c.slug.clone(),
                    scheme_version: r.scheme_version.clone(),
                    level: r.level.map(|l| c.levels[l].key.clone()),
                    declaring_entity: r.declaring_entity.clone(),
                    monitoring_body: r.monitoring_body.clone(),
                    monitoring_body_url: r.monitoring_body_url.clone(),
                    approved: r.approved.to_string(),
                    valid_until: r.valid_until.to_string(),
                    valid_through: r.valid_until.last_day().to_date().to_string(),
                    status: der.report_status[ri].key(),
                    earlier_reports: r.earlier_reports.clone(),
                    aliases: r.aliases.clone(),
                    source: r.source.clone(),
                    source_url: r.source_url.clone(),
                    controls_examined: r.controls_examined.clone(),
                    services: r
                        .services
                        .iter()
                        .map(|s| ServicesJson {
                            category: s.category.clone(),
                            items: s.items.clone(),
                        })
                        .collect(),
                }
            })
            .collect(),
    }
}

#[derive(Serialize)]
struct FrameworkDoc {
    framework: FrameworkJson,
    /// Per listed vendor: the mean of its scores on each entry's dimensions.
    crosswalk: Vec<CrosswalkRow>,
}

#[derive(Serialize)]
struct FrameworkJson {
    slug: String,
    name: String,
    short_name: String,
    version: String,
    publisher: String,
    url: String,
    source_url: Option<String>,
    description: String,
    entry_label: String,
    entries: Vec<EntryJson>,
}

#[derive(Serialize)]
struct EntryJson {
    id: String,
    title: String,
    description: String,
    url: String,
    /// TrustAtlas dimension keys the entry maps to.
    dimensions: Vec<String>,
    categories: Vec<SubEntryJson>,
}

#[derive(Serialize)]
struct SubEntryJson {
    id: String,
    title: String,
}

#[derive(Serialize)]
struct CrosswalkRow {
    vendor: String,
    /// Entry ID → mean score and band; `null` for a vendor not yet scored.
    cells: Option<BTreeMap<String, CompositeJson>>,
}

fn framework(reg: &Registry, _der: &Derived, fi: usize) -> FrameworkDoc {
    let f = &reg.frameworks[fi];
    let cfg = &reg.config;
    let entries = f
        .entries
        .iter()
        .map(|e| EntryJson {
            id: e.id.clone(),
            title: e.title.clone(),
            description: e.description.clone(),
            url: abs(reg, &format!("/framework/{}/{}/", f.slug, e.slug)),
            dimensions: e
                .dimensions
                .iter()
                .map(|d| cfg.dimensions[*d].key.clone())
                .collect(),
            categories: e
                .categories
                .iter()
                .map(|c| SubEntryJson {
                    id: c.id.clone(),
                    title: c.title.clone(),
                })
                .collect(),
        })
        .collect();
    let crosswalk = reg
        .vendors
        .iter()
        .map(|v| CrosswalkRow {
            vendor: v.slug.clone(),
            cells: v.scores.as_ref().map(|scores| {
                let values: Vec<u8> = scores.iter().map(|s| s.value).collect();
                f.entries
                    .iter()
                    .filter_map(|e| {
                        let m = crate::derive::mean_score(&values, &e.dimensions)?;
                        let band = crate::derive::band_for(m, &cfg.bands);
                        Some((
                            e.id.clone(),
                            CompositeJson {
                                value: m,
                                band: cfg.bands[band].key.clone(),
                            },
                        ))
                    })
                    .collect()
            }),
        })
        .collect();
    FrameworkDoc {
        framework: FrameworkJson {
            slug: f.slug.clone(),
            name: f.name.clone(),
            short_name: f.short_name.clone(),
            version: f.version.clone(),
            publisher: f.publisher.clone(),
            url: abs(reg, &framework_url(&f.slug)),
            source_url: f.url.clone(),
            description: f.description.clone(),
            entry_label: f.entry_label.clone(),
            entries,
        },
        crosswalk,
    }
}

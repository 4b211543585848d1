//! The registry as JSON: one envelope per file (`$schema`, `schema_version`, `build_date`) and
//! plain serde view structs built from the model and the derived data, the same ones the pages
//! are built from. Field names are the editor-facing keys, values are raw tokens (`yes`,
//! `not_disclosed`) and ISO dates in the source's precision, so a consumer needs no labels.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;

use crate::derive::{Assessed, Derived};
use crate::model::{FactValue, Registry, Vendor};
use crate::urls;

use super::api_reference::{certifications, framework, register};
use super::{abs, compact_json_file, json_file, Out, SCHEMA_VERSION};

/// Every JSON file of the API, keyed by output path.
pub fn files(reg: &Registry, der: &Derived, out: &Out) {
    // One file per vendor, in full: built and serialized in parallel, like the pages.
    // Each is made from its vendor's inputs alone, so it is kept when they did not change.
    (0..reg.vendors.len()).into_par_iter().for_each(|vi| {
        let path = urls::path_of(&urls::vendor_json(&reg.vendors[vi].slug));
        out.vendor_file(vi, path.clone(), || {
            let v = vendor(reg, der, vi);
            let doc = Envelope::new(reg, der, "vendor", VendorDoc::Listed { vendor: &v });
            json_file(&path, &doc)
        });
    });
    let removed: Vec<RemovedJson> = reg
        .removed_vendors
        .iter()
        .map(|v| removed(reg, v))
        .collect();
    // Every other file reads many vendors (or none): kept while only vendors' bodies,
    // which none of them shows, changed.
    for v in &removed {
        let path = urls::path_of(&urls::vendor_json(&v.slug));
        out.listing_file(path.clone(), || {
            let doc = Envelope::new(reg, der, "vendor", VendorDoc::Removed { vendor: v });
            json_file(&path, &doc)
        });
    }
    // The index: a few hundred bytes per vendor, pointing at the full records above. Every
    // vendor in full in one file passed Cloudflare Pages' 25 MiB per-file limit at about
    // 3,000 vendors; the index stays under it well past 10,000.
    let path = urls::path_of(urls::VENDORS_JSON);
    out.listing_file(path.clone(), || {
        let vendors: Vec<IndexJson> = (0..reg.vendors.len())
            .into_par_iter()
            .map(|vi| index_entry(reg, der, vi))
            .collect();
        compact_json_file(
            &path,
            &Envelope::new(
                reg,
                der,
                "vendors",
                VendorsDoc {
                    methodology: methodology(reg),
                    vendors: &vendors,
                    removed_vendors: &removed,
                },
            ),
        )
    });
    let path = urls::path_of(urls::CERTIFICATIONS_JSON);
    out.listing_file(path.clone(), || {
        json_file(
            &path,
            &Envelope::new(reg, der, "certifications", certifications(reg, der)),
        )
    });
    let path = urls::path_of(urls::REGISTER_JSON);
    out.listing_file(path.clone(), || {
        json_file(
            &path,
            &Envelope::new(reg, der, "register", register(reg, der)),
        )
    });
    for fi in 0..reg.frameworks.len() {
        let path = urls::path_of(&urls::framework_json(&reg.frameworks[fi].slug));
        out.listing_file(path.clone(), || {
            json_file(
                &path,
                &Envelope::new(reg, der, "framework", framework(reg, fi)),
            )
        });
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
            schema: abs(reg, &urls::schema(schema)),
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
    vendors: &'a [IndexJson],
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
pub(super) struct KeyText {
    pub(super) key: String,
    pub(super) name: String,
    pub(super) description: String,
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

/// A listed vendor in `vendors.json`: what a list or a comparison needs, and where the full
/// record is (`json`).
#[derive(Serialize)]
struct IndexJson {
    slug: String,
    name: String,
    /// The vendor's page.
    url: String,
    /// Its full record, `/api/vendors/<slug>.json`.
    json: String,
    category: String,
    hq_country: Option<String>,
    hq_city: Option<String>,
    rating: Option<String>,
    /// Dimension key → score; `null` when the vendor is not yet scored.
    scores: Option<BTreeMap<String, u8>>,
    /// Profile key → composite; `null` when the vendor is not yet scored.
    composites: Option<BTreeMap<String, CompositeJson>>,
    /// Slugs of the certifications the record lists, each once, whatever their status.
    certifications: Vec<String>,
    /// Slugs of those verified (certificate or report seen) and valid or expiring.
    certifications_verified: Vec<String>,
    reports: Vec<String>,
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
    subcategory: Option<String>,
    founded: Option<i64>,
    /// `company` or `service`; `null`: not recorded.
    founded_refers_to: Option<String>,
    service_launched: Option<String>,
    ownership: Option<String>,
    listings: Vec<ListingJson>,
    identity_sources: Vec<SourceJson>,
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
    published_composites: Vec<PublishedJson>,
    certifications: Vec<HoldingJson>,
    reports: Vec<String>,
    incidents: Vec<IncidentJson>,
    sources: Vec<CitationJson>,
}

#[derive(Serialize)]
struct FactJson {
    /// `yes`, `no`, `not_disclosed`, the stated value, or `disputed` (see `disputed`).
    value: String,
    detail: Option<String>,
    /// The fact's own sources.
    sources: Vec<SourceJson>,
    /// When `value` is `disputed`: each value the sources give, with those sources.
    disputed: Vec<ClaimJson>,
}

#[derive(Serialize)]
struct ClaimJson {
    value: String,
    detail: Option<String>,
    sources: Vec<SourceJson>,
}

#[derive(Serialize)]
struct ScoreJson {
    score: u8,
    rationale: String,
    /// `editorial` (the registry's own judgement), `published`; `null`: not recorded.
    basis: Option<&'static str>,
    assessor: Option<String>,
    assessed: Option<String>,
    sources: Vec<SourceJson>,
}

/// A composite a source publishes; the dimension scores reproduce it (checked at build).
#[derive(Serialize)]
struct PublishedJson {
    profile: String,
    value: f64,
    date: Option<String>,
    sources: Vec<SourceJson>,
}

#[derive(Serialize)]
pub(super) struct CompositeJson {
    pub(super) value: f64,
    pub(super) band: String,
}

#[derive(Serialize)]
struct HoldingJson {
    certification: String,
    level: Option<String>,
    scope: Option<String>,
    /// The scheme's edition or version it was assessed against.
    edition: Option<String>,
    /// The status engine's answer on the build date.
    status: &'static str,
    /// `certificate`, `report`, `self-assessment`, `vendor-claim`, `secondary-source`;
    /// `null`: not recorded.
    basis: Option<&'static str>,
    /// `high`, `medium`, `low`; `null`: not recorded.
    confidence: Option<&'static str>,
    /// Basis `certificate` or `report` and status `valid` or `expiring`.
    verified_current: bool,
    issued: Option<String>,
    /// The start of validity when it differs from `issued`.
    valid_from: Option<String>,
    /// When the vendor announced it.
    announced: Option<String>,
    /// As the source states it.
    valid_until: Option<String>,
    /// The last day of validity the status used (stated, or by the scheme's rule).
    valid_through: Option<String>,
    /// `valid_through` comes from the scheme's validity rule, not from the source.
    valid_by_rule: bool,
    period: Option<PeriodJson>,
    withdrawn: Option<String>,
    as_of: Option<String>,
    note: Option<String>,
    sources: Vec<SourceJson>,
    certificates: Vec<CertificateJson>,
}

#[derive(Serialize)]
struct ListingJson {
    exchange: String,
    tickers: Vec<String>,
    entity: Option<String>,
    first_trading_day: Option<String>,
}

#[derive(Serialize)]
struct PeriodJson {
    start: String,
    end: String,
}

/// A source, wherever it is cited. `url` is `null` when the source has no public address.
#[derive(Serialize)]
pub(super) struct SourceJson {
    url: Option<String>,
    title: Option<String>,
    publisher: Option<String>,
    quote: Option<String>,
    note: Option<String>,
    date: Option<String>,
    verified: Option<String>,
    verified_by: Option<String>,
    kind: Option<&'static str>,
    /// Verified longer ago than the site's `stale_after_days` on the build date.
    stale: bool,
}

impl SourceJson {
    pub(super) fn new(s: &crate::model::Source, reg: &Registry, der: &Derived) -> SourceJson {
        SourceJson {
            stale: crate::derive::status::source_stale(
                s,
                der.build_date,
                reg.config.stale_after_days,
            ),
            url: s.url.clone(),
            title: s.title.clone(),
            publisher: s.publisher.clone(),
            quote: s.quote.clone(),
            note: s.note.clone(),
            date: date(s.date),
            verified: date(s.verified),
            verified_by: s.verified_by.clone(),
            kind: s.kind.map(|k| k.key()),
        }
    }
}

#[derive(Serialize)]
struct CertificateJson {
    label: Option<String>,
    number: String,
}

#[derive(Serialize)]
struct IncidentJson {
    date: String,
    /// `occurred`, `discovered`, `disclosed`, `reported`, or `null`.
    date_kind: Option<String>,
    title: String,
    summary: String,
    /// `ongoing`, `resolved`, `disputed`, or `null`.
    status: Option<String>,
    confidence: Option<&'static str>,
    affected_services: Vec<String>,
    sources: Vec<SourceJson>,
}

/// A row of the cited-sources table: the fact and its source.
#[derive(Serialize)]
struct CitationJson {
    field: String,
    #[serde(flatten)]
    source: SourceJson,
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
        FactValue::NotRecorded => "not_recorded".into(),
        FactValue::Stated(s) => s.clone(),
        FactValue::Disputed => "disputed".into(),
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
                            sources: f
                                .sources
                                .iter()
                                .map(|s| SourceJson::new(s, reg, der))
                                .collect(),
                            disputed: f
                                .disputed
                                .iter()
                                .map(|c| ClaimJson {
                                    value: fact_value(&c.value),
                                    detail: c.detail.clone(),
                                    sources: c
                                        .sources
                                        .iter()
                                        .map(|s| SourceJson::new(s, reg, der))
                                        .collect(),
                                })
                                .collect(),
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
                        basis: s.basis.map(|b| b.key()),
                        assessor: s.assessor.clone(),
                        assessed: date(s.assessed),
                        sources: s
                            .sources
                            .iter()
                            .map(|x| SourceJson::new(x, reg, der))
                            .collect(),
                    },
                )
            })
            .collect()
    });
    let composites = composites(reg, der, vi);
    VendorJson {
        slug: v.slug.clone(),
        status: "listed",
        name: v.name.clone(),
        url: abs(reg, &urls::vendor(&v.slug)),
        category: cfg.categories[v.category].key.clone(),
        description: v.description.clone(),
        hq_country: v.hq_country.clone(),
        hq_city: v.hq_city.clone(),
        subcategory: v.subcategory.clone(),
        founded: v.founded,
        founded_refers_to: v.founded_refers_to.clone(),
        service_launched: date(v.service_launched),
        ownership: v.ownership.clone(),
        listings: v
            .listings
            .iter()
            .map(|l| ListingJson {
                exchange: l.exchange.clone(),
                tickers: l.tickers.clone(),
                entity: l.entity.clone(),
                first_trading_day: date(l.first_trading_day),
            })
            .collect(),
        identity_sources: v
            .identity_sources
            .iter()
            .map(|s| SourceJson::new(s, reg, der))
            .collect(),
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
        published_composites: v
            .published_composites
            .iter()
            .map(|p| PublishedJson {
                profile: cfg.profiles[p.profile].key.clone(),
                value: f64::from(p.tenths) / 10.0,
                date: date(p.date),
                sources: p
                    .sources
                    .iter()
                    .map(|s| SourceJson::new(s, reg, der))
                    .collect(),
            })
            .collect(),
        certifications: v
            .holdings
            .iter()
            .zip(&der.holding_status[vi])
            .map(|(h, a)| holding(reg, der, h, a))
            .collect(),
        reports: reports(reg, der, vi),
        incidents: v
            .incidents
            .iter()
            .map(|i| IncidentJson {
                date: i.date.to_string(),
                date_kind: i.date_kind.clone(),
                title: i.title.clone(),
                summary: i.summary.clone(),
                status: i.status.clone(),
                confidence: i.confidence.map(|c| c.key()),
                affected_services: i.affected_services.clone(),
                sources: i
                    .sources
                    .iter()
                    .map(|s| SourceJson::new(s, reg, der))
                    .collect(),
            })
            .collect(),
        sources: v
            .sources
            .iter()
            .map(|c| CitationJson {
                field: c.field.clone(),
                source: SourceJson::new(&c.source, reg, der),
            })
            .collect(),
    }
}

fn index_entry(reg: &Registry, der: &Derived, vi: usize) -> IndexJson {
    let v = &reg.vendors[vi];
    let cfg = &reg.config;
    let mut certifications: Vec<String> = Vec::new();
    for h in &v.holdings {
        let slug = &reg.certifications[h.certification].slug;
        if !certifications.contains(slug) {
            certifications.push(slug.clone());
        }
    }
    let mut certifications_verified: Vec<String> = Vec::new();
    for (h, a) in v.holdings.iter().zip(&der.holding_status[vi]) {
        let slug = &reg.certifications[h.certification].slug;
        if crate::derive::verified_current(h, a) && !certifications_verified.contains(slug) {
            certifications_verified.push(slug.clone());
        }
    }
    IndexJson {
        certifications_verified,
        slug: v.slug.clone(),
        name: v.name.clone(),
        url: abs(reg, &urls::vendor(&v.slug)),
        json: abs(reg, &urls::vendor_json(&v.slug)),
        category: cfg.categories[v.category].key.clone(),
        hq_country: v.hq_country.clone(),
        hq_city: v.hq_city.clone(),
        rating: v.rating.map(|r| cfg.ratings[r].key.clone()),
        scores: v.scores.as_ref().map(|scores| {
            cfg.dimensions
                .iter()
                .zip(scores)
                .map(|(d, s)| (d.key.clone(), s.value))
                .collect()
        }),
        composites: composites(reg, der, vi),
        certifications,
        reports: reports(reg, der, vi),
    }
}

/// Profile key → composite and band; `None` when the vendor is not yet scored.
fn composites(reg: &Registry, der: &Derived, vi: usize) -> Option<BTreeMap<String, CompositeJson>> {
    let cfg = &reg.config;
    der.composites[vi].as_ref().map(|cs| {
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
    })
}

/// The vendor's report IDs, newest first.
fn reports(reg: &Registry, der: &Derived, vi: usize) -> Vec<String> {
    der.reports_by_vendor[vi]
        .iter()
        .map(|ri| reg.reports[*ri].id.clone())
        .collect()
}

fn holding(reg: &Registry, der: &Derived, h: &crate::model::Holding, a: &Assessed) -> HoldingJson {
    let c = &reg.certifications[h.certification];
    HoldingJson {
        certification: c.slug.clone(),
        level: h.level.map(|l| c.levels[l].key.clone()),
        scope: h.scope.clone(),
        edition: h.edition.clone(),
        status: a.status.key(),
        basis: h.basis.map(|b| b.key()),
        confidence: h.confidence.map(|c| c.key()),
        verified_current: crate::derive::verified_current(h, a),
        issued: date(h.issued),
        valid_from: date(h.valid_from),
        announced: date(h.announced),
        valid_until: date(h.valid_until),
        valid_through: a.until.map(|d| d.last_day().to_date().to_string()),
        valid_by_rule: a.by_rule,
        period: h.period.map(|p| PeriodJson {
            start: p.start.to_string(),
            end: p.end.to_string(),
        }),
        withdrawn: date(h.withdrawn),
        as_of: date(h.as_of),
        note: h.note.clone(),
        sources: h
            .sources
            .iter()
            .map(|s| SourceJson::new(s, reg, der))
            .collect(),
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
        url: abs(reg, &urls::vendor(&v.slug)),
        removed_on: r.on.to_string(),
        removed_reason: r.reason.clone(),
    }
}

//! One vendor's full record, `api/vendors/<slug>.json`: every fact with its sources and
//! disputed values, scores with their provenance, holdings with the status engine's answer,
//! incidents and the cited-sources table. The envelope, the index (`vendors.json`) and the
//! pieces both share (sources, composites) are in `api.rs`.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::derive::{Assessed, Derived};
use crate::model::{FactValue, Registry};
use crate::urls;

use super::abs;
use super::api::{composites, date, reports, CompositeJson, SourceJson};

#[derive(Serialize)]
pub(super) struct VendorJson {
    pub(super) slug: String,
    status: &'static str,
    name: String,
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

pub(super) fn vendor(reg: &Registry, der: &Derived, vi: usize) -> VendorJson {
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

//! The reference documents of the JSON API: certifications, the register of verification
//! reports, and each framework with its cross-walk. See `api.rs` for the envelope.

use std::collections::BTreeMap;

use serde::Serialize;

use super::abs;
use super::api::{CompositeJson, KeyText, SourceJson};
use crate::derive::{crosswalk, Derived};
use crate::model::Registry;
use crate::urls;

#[derive(Serialize)]
pub(super) struct CertificationsDoc {
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
    /// Every holding of it, with what the registry knows of each.
    holdings: Vec<CertHoldingJson>,
    /// IDs of the verification reports under it.
    reports: Vec<String>,
}

#[derive(Serialize)]
struct CertHoldingJson {
    vendor: String,
    level: Option<String>,
    status: &'static str,
    basis: Option<&'static str>,
    confidence: Option<&'static str>,
    /// `verified` (certificate or report, valid or expiring), `unverified` or `ended`.
    group: &'static str,
}

pub(super) fn certifications(reg: &Registry, der: &Derived) -> CertificationsDoc {
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
                url: abs(reg, &urls::certification(&c.slug)),
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
                holdings: crate::derive::holdings_of(reg, der, ci)
                    .into_iter()
                    .map(|(vi, hi, group)| {
                        let h = &reg.vendors[vi].holdings[hi];
                        CertHoldingJson {
                            vendor: reg.vendors[vi].slug.clone(),
                            level: h.level.map(|l| c.levels[l].key.clone()),
                            status: der.holding_status[vi][hi].status.key(),
                            basis: h.basis.map(|b| b.key()),
                            confidence: h.confidence.map(|c| c.key()),
                            group: group.key(),
                        }
                    })
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
pub(super) struct RegisterDoc {
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
    /// `null`: not recorded.
    approved: Option<String>,
    /// As the source states it; `null`: not stated.
    valid_until: Option<String>,
    /// The last day of validity the status engine used (stated, or by the scheme's rule);
    /// `null` when there is none (`status` is then `not-dated`).
    valid_through: Option<String>,
    /// The status engine's answer on the build date (see `Status` in the schema).
    status: &'static str,
    earlier_reports: Vec<String>,
    aliases: Vec<String>,
    sources: Vec<SourceJson>,
    controls_examined: Vec<String>,
    services: Vec<ServicesJson>,
}

#[derive(Serialize)]
struct ServicesJson {
    category: String,
    items: Vec<String>,
}

pub(super) fn register(reg: &Registry, der: &Derived) -> RegisterDoc {
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
                    url: abs(reg, &urls::report(&r.slug)),
                    vendor: reg.vendors[r.vendor].slug.clone(),
                    certification: c.slug.clone(),
                    scheme_version: r.scheme_version.clone(),
                    level: r.level.map(|l| c.levels[l].key.clone()),
                    declaring_entity: r.declaring_entity.clone(),
                    monitoring_body: r.monitoring_body.clone(),
                    monitoring_body_url: r.monitoring_body_url.clone(),
                    approved: r.approved.map(|d| d.to_string()),
                    valid_until: r.valid_until.map(|d| d.to_string()),
                    valid_through: der.report_status[ri]
                        .until
                        .map(|d| d.last_day().to_date().to_string()),
                    status: der.report_status[ri].status.key(),
                    earlier_reports: r.earlier_reports.clone(),
                    aliases: r.aliases.clone(),
                    sources: r
                        .sources
                        .iter()
                        .map(|s| SourceJson::new(s, reg, der))
                        .collect(),
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
pub(super) struct FrameworkDoc {
    pub(super) framework: FrameworkJson,
    /// Per listed vendor: the mean of its scores on each entry's dimensions.
    crosswalk: Vec<CrosswalkRow>,
}

#[derive(Serialize)]
pub(super) struct FrameworkJson {
    pub(super) slug: String,
    name: String,
    short_name: String,
    version: String,
    publisher: String,
    url: String,
    source_url: Option<String>,
    description: String,
    entry_label: String,
    /// The earlier edition this one replaces (its slug) and the publisher's correspondence.
    supersedes: Option<SupersedesJson>,
    /// The slug of the edition that replaces this one.
    superseded_by: Option<String>,
    entries: Vec<EntryJson>,
}

#[derive(Serialize)]
struct SupersedesJson {
    framework: String,
    source: String,
}

#[derive(Serialize)]
struct MappedJson {
    framework: String,
    id: String,
    strength: &'static str,
    source: String,
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
    /// This entry's ID in the superseded edition.
    previous: Option<String>,
    /// Why the next edition does not carry this entry on.
    retired: Option<String>,
    /// The publisher's cross-walk onto other frameworks' entries or categories.
    mapped_to: Vec<MappedJson>,
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

pub(super) fn framework(reg: &Registry, fi: usize) -> FrameworkDoc {
    let f = &reg.frameworks[fi];
    let cfg = &reg.config;
    let entries =
        f.entries
            .iter()
            .map(|e| EntryJson {
                id: e.id.clone(),
                title: e.title.clone(),
                description: e.description.clone(),
                url: abs(reg, &urls::entry(&f.slug, &e.slug)),
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
                previous: e.previous.clone(),
                retired: e.retired.clone(),
                mapped_to: f
                    .crosswalks
                    .iter()
                    .flat_map(|c| {
                        c.maps.iter().filter(|(from, _, _)| from == &e.id).map(
                            |(_, to, primary)| MappedJson {
                                framework: c.framework.clone(),
                                id: to.clone(),
                                strength: if *primary { "primary" } else { "supporting" },
                                source: c.source.clone(),
                            },
                        )
                    })
                    .collect(),
            })
            .collect();
    let crosswalk = reg
        .vendors
        .iter()
        .enumerate()
        .map(|(vi, v)| CrosswalkRow {
            vendor: v.slug.clone(),
            cells: crosswalk::row(reg, vi, fi).map(|cells| {
                f.entries
                    .iter()
                    .zip(cells)
                    .filter_map(|(e, c)| {
                        let c = c?;
                        Some((
                            e.id.clone(),
                            CompositeJson {
                                value: c.mean,
                                band: cfg.bands[c.band].key.clone(),
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
            url: abs(reg, &urls::framework(&f.slug)),
            source_url: f.url.clone(),
            description: f.description.clone(),
            entry_label: f.entry_label.clone(),
            supersedes: f
                .supersedes
                .as_ref()
                .map(|(framework, source)| SupersedesJson {
                    framework: framework.clone(),
                    source: source.clone(),
                }),
            superseded_by: reg
                .frameworks
                .iter()
                .find(|n| n.supersedes.as_ref().is_some_and(|(s, _)| s == &f.slug))
                .map(|n| n.slug.clone()),
            entries,
        },
        crosswalk,
    }
}

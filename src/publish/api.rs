//! The registry as JSON: one envelope per file (`$schema`, `schema_version`, `build_date`) and
//! plain serde view structs built from the model and the derived data, the same ones the pages
//! are built from. Field names are the editor-facing keys, values are raw tokens (`yes`,
//! `not_disclosed`) and ISO dates in the source's precision, so a consumer needs no labels.
//! This file writes every API file and holds the index (`vendors.json`) and the pieces all
//! documents share (sources, composites); one vendor's full record is `api_vendor.rs`.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;

use crate::derive::Derived;
use crate::model::{Registry, Vendor};
use crate::urls;

use super::api_reference::{certifications, framework, register};
use super::api_vendor::{vendor, VendorJson};
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
pub(super) struct CompositeJson {
    pub(super) value: f64,
    pub(super) band: String,
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

pub(super) fn date(d: Option<crate::date::PartialDate>) -> Option<String> {
    d.map(|d| d.to_string())
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
pub(super) fn composites(
    reg: &Registry,
    der: &Derived,
    vi: usize,
) -> Option<BTreeMap<String, CompositeJson>> {
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
pub(super) fn reports(reg: &Registry, der: &Derived, vi: usize) -> Vec<String> {
    der.reports_by_vendor[vi]
        .iter()
        .map(|ri| reg.reports[*ri].id.clone())
        .collect()
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

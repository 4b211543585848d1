//! View structs: the contract between the pipeline and the templates. Templates see only
//! these (never the model), already formatted for reading: dates in the source's precision,
//! scores with one decimal, URLs ending in `/`.

use serde::Serialize;

use crate::derive::{crosswalk, Composite, Derived};
use crate::model::{Holding, Registry, Vendor};
use crate::urls;

pub use super::evidence::{
    claims_view, holding_view, key_name, score_provenance, sources_view, CitationView, ClaimView,
    HoldingView, ScoreProvenance, SourceView,
};

use super::markdown;

#[derive(Serialize, Clone)]
pub struct Link {
    pub url: String,
    pub label: String,
}

/// A label and its value, for definition lists.
#[derive(Serialize, Clone)]
pub struct Pair {
    pub label: String,
    pub value: String,
}

#[derive(Serialize, Clone)]
pub struct KeyName {
    pub key: String,
    pub name: String,
}

#[derive(Serialize, Clone)]
pub struct CompositeView {
    pub display: String,
    pub value: f64,
    pub band: KeyName,
    pub profile: KeyName,
}

/// One line of a vendor table.
#[derive(Serialize, Clone)]
pub struct VendorRow {
    pub slug: String,
    pub url: String,
    pub name: String,
    pub description: String,
    pub hq: String,
    /// City and country, each shown isolated (`<bdi>`), so a right-to-left or unterminated
    /// bidirectional text in one cannot reorder the other.
    pub hq_parts: Vec<String>,
    pub category: String,
    pub composite: Option<CompositeView>,
    pub rating: Option<KeyName>,
    /// "Key certifications": verified and current holdings only (at most four).
    pub key_certs: Vec<Link>,
    /// Holdings left out of `key_certs`: claims, reports not verified, lapsed or not dated.
    pub unverified_certs: usize,
}

// `publish/rules.rs` still takes these two from here; everything else uses `crate::urls`.
pub use crate::urls::{report as report_url, vendor as vendor_url};

pub fn composite_view(reg: &Registry, c: &Composite, profile: usize) -> CompositeView {
    let band = &reg.config.bands[c.band];
    let p = &reg.config.profiles[profile];
    CompositeView {
        display: c.display(),
        value: c.value(),
        band: KeyName {
            key: band.key.clone(),
            name: band.name.clone(),
        },
        profile: KeyName {
            key: p.key.clone(),
            name: p.name.clone(),
        },
    }
}

pub fn band_of(reg: &Registry, value: f64) -> KeyName {
    band_key_name(reg, crate::derive::band_for(value, &reg.config.bands))
}

/// Band `band` (an index into `Config::bands`) as templates see it.
pub fn band_key_name(reg: &Registry, band: usize) -> KeyName {
    let b = &reg.config.bands[band];
    KeyName {
        key: b.key.clone(),
        name: b.name.clone(),
    }
}

pub fn default_composite(reg: &Registry, der: &Derived, vi: usize) -> Option<CompositeView> {
    let p = reg.config.default_profile;
    der.composites[vi]
        .as_ref()
        .map(|c| composite_view(reg, &c[p], p))
}

pub fn vendor_row(reg: &Registry, der: &Derived, vi: usize) -> VendorRow {
    let v = &reg.vendors[vi];
    VendorRow {
        slug: v.slug.clone(),
        url: urls::vendor(&v.slug),
        name: v.name.clone(),
        description: v.description.clone(),
        hq: hq(v),
        hq_parts: v.hq_city.iter().chain(&v.hq_country).cloned().collect(),
        category: reg.config.categories[v.category].name.clone(),
        composite: default_composite(reg, der, vi),
        rating: v.rating.map(|r| KeyName {
            key: reg.config.ratings[r].key.clone(),
            name: reg.config.ratings[r].name.clone(),
        }),
        // Only what a certificate or report shows to be current: a claim is never a chip.
        key_certs: v
            .holdings
            .iter()
            .zip(&der.holding_status[vi])
            .filter(|(h, a)| crate::derive::verified_current(h, a))
            .take(4)
            .map(|(h, _)| cert_link(reg, h))
            .collect(),
        unverified_certs: v
            .holdings
            .iter()
            .zip(&der.holding_status[vi])
            .filter(|(h, a)| !crate::derive::verified_current(h, a))
            .count(),
    }
}

fn hq(v: &Vendor) -> String {
    match (&v.hq_city, &v.hq_country) {
        (Some(c), Some(k)) => format!("{c}, {k}"),
        (None, Some(k)) => k.clone(),
        (Some(c), None) => c.clone(),
        (None, None) => String::new(),
    }
}

pub fn cert_link(reg: &Registry, h: &Holding) -> Link {
    let c = &reg.certifications[h.certification];
    Link {
        url: urls::certification(&c.slug),
        label: c.short_name.clone(),
    }
}

#[derive(Serialize)]
pub struct FactRowView {
    pub label: String,
    pub display: String,
    pub state: String,
    /// `good`, `risk`, `neutral` or `unknown`: what the value means for a buyer, from the
    /// fact's declared risk (`model::facts::Risk`), not from whether it reads "Yes".
    pub tone: crate::model::facts::Tone,
    pub detail: Option<String>,
    pub url: Option<String>,
    /// The fact's own sources.
    pub sources: Vec<SourceView>,
    /// A disputed fact's values, each with its sources.
    pub disputed: Vec<ClaimView>,
}

#[derive(Serialize)]
pub struct FactSectionView {
    pub key: String,
    pub title: String,
    pub rows: Vec<FactRowView>,
}

#[derive(Serialize)]
pub struct ScoreRow {
    pub key: String,
    pub name: String,
    pub score: u8,
    pub weight: u32,
    pub contribution: String,
    pub rationale: String,
    pub band: KeyName,
    /// Where the score comes from; `None`: not recorded.
    pub basis: Option<KeyName>,
    pub assessor: Option<String>,
    pub assessed: Option<String>,
    pub sources: Vec<SourceView>,
    /// SVG geometry, computed here so the template does no arithmetic.
    pub y: u32,
    pub bar: u32,
    pub contrib_bar: u32,
}

#[derive(Serialize)]
pub struct CrosswalkEntry {
    pub id: String,
    pub title: String,
    pub description: String,
    pub url: String,
    pub dims: Vec<DimScore>,
    pub mean: Option<String>,
    pub band: Option<KeyName>,
}

#[derive(Serialize)]
pub struct DimScore {
    pub name: String,
    pub score: Option<u8>,
}

#[derive(Serialize)]
pub struct CrosswalkView {
    pub name: String,
    pub url: String,
    pub entry_label: String,
    pub entries: Vec<CrosswalkEntry>,
}

#[derive(Serialize)]
pub struct ReportRow {
    pub id: String,
    pub url: String,
    pub vendor: Link,
    pub scheme: Link,
    pub level: Option<String>,
    /// `None`: not recorded.
    pub approved: Option<String>,
    /// The end the status engine used; `None`: dates not recorded.
    pub valid_until: Option<String>,
    /// `valid_until` comes from the scheme's rule, not from the report.
    pub by_rule: bool,
    pub status: KeyName,
}

/// Everything the vendor page and the procurement pack show.
#[derive(Serialize)]
pub struct VendorView {
    #[serde(flatten)]
    pub row: VendorRow,
    pub pack_url: String,
    pub identity: Vec<Pair>,
    /// The sources of the identity fields.
    pub identity_sources: Vec<SourceView>,
    pub legal_entities: Vec<String>,
    pub website: Option<String>,
    pub profile_source: Option<String>,
    pub summary_html: minijinja::Value,
    pub rating_reason: Option<String>,
    pub facts: Vec<FactSectionView>,
    pub scored: bool,
    pub scores: Vec<ScoreRow>,
    /// Where the breakdown comes from: editorial assessment, published figures.
    pub provenance: ScoreProvenance,
    pub chart_height: u32,
    pub composites: Vec<CompositeView>,
    pub incidents: Vec<IncidentView>,
    pub holdings: Vec<HoldingView>,
    pub reports: Vec<ReportRow>,
    pub crosswalks: Vec<CrosswalkView>,
    pub sources: Vec<CitationView>,
}

#[derive(Serialize)]
pub struct IncidentView {
    pub date: String,
    pub date_kind: Option<String>,
    pub title: String,
    pub summary: String,
    pub status: Option<String>,
    pub confidence: Option<KeyName>,
    pub affected_services: Vec<String>,
    pub sources: Vec<SourceView>,
}

pub fn report_row(reg: &Registry, der: &Derived, ri: usize) -> ReportRow {
    let r = &reg.reports[ri];
    let c = &reg.certifications[r.certification];
    let v = &reg.vendors[r.vendor];
    let s = der.report_status[ri];
    ReportRow {
        id: r.id.clone(),
        url: urls::report(&r.slug),
        vendor: Link {
            url: urls::vendor(&v.slug),
            label: v.name.clone(),
        },
        scheme: Link {
            url: urls::certification(&c.slug),
            label: c.short_name.clone(),
        },
        level: r.level.map(|l| c.levels[l].name.clone()),
        approved: r.approved.map(|d| d.human()),
        valid_until: s.until.map(|d| d.human()),
        by_rule: s.by_rule,
        status: key_name(s.status.key(), s.status.label()),
    }
}

pub fn vendor_view(
    reg: &Registry,
    der: &Derived,
    vi: usize,
    reserved: &markdown::Reserved,
) -> VendorView {
    let v = &reg.vendors[vi];
    let cfg = &reg.config;
    let founded = v.founded.map(|f| match v.founded_refers_to.as_deref() {
        Some("company") => format!("{f} (the company)"),
        Some("service") => format!("{f} (the service line)"),
        _ => f.to_string(),
    });
    let listings = v
        .listings
        .iter()
        .map(|l| {
            let mut s = l.exchange.clone();
            if !l.tickers.is_empty() {
                s.push_str(&format!(": {}", l.tickers.join(", ")));
            }
            if let Some(e) = &l.entity {
                s.push_str(&format!(" ({e})"));
            }
            if let Some(d) = l.first_trading_day {
                s.push_str(&format!(", first traded {}", d.human()));
            }
            s
        })
        .collect::<Vec<_>>()
        .join("; ");
    let identity: Vec<Pair> = [
        ("Category", Some(cfg.categories[v.category].name.clone())),
        ("Sub-category", v.subcategory.clone()),
        ("Headquarters", Some(hq(v)).filter(|s| !s.is_empty())),
        ("Founded", founded),
        ("Service launched", v.service_launched.map(|d| d.human())),
        ("Ticker", v.ticker.clone()),
        ("Listings", Some(listings).filter(|s| !s.is_empty())),
        ("Ownership", v.ownership.clone()),
        ("Parent", v.parent.clone()),
        ("Employees", v.employees.clone()),
        ("Stage", v.stage.clone()),
    ]
    .into_iter()
    .filter_map(|(label, value)| {
        value.map(|value| Pair {
            label: label.to_string(),
            value,
        })
    })
    .collect();

    let facts = v
        .facts
        .iter()
        .map(|s| FactSectionView {
            key: s.key.to_string(),
            title: s.title.to_string(),
            rows: s
                .rows
                .iter()
                .map(|f| {
                    let url = match &f.value {
                        crate::model::FactValue::Stated(s) if s.starts_with("http") => {
                            Some(s.clone())
                        }
                        _ => None,
                    };
                    FactRowView {
                        label: f.label.to_string(),
                        display: f.value.display(),
                        state: f.value.state().to_string(),
                        tone: crate::model::facts::tone(s.key, f.key, &f.value),
                        detail: f.detail.clone(),
                        url,
                        sources: sources_view(&f.sources, reg, der.build_date),
                        disputed: claims_view(&f.disputed, reg, der.build_date),
                    }
                })
                .collect(),
        })
        .collect();

    let p = cfg.default_profile;
    let scores: Vec<ScoreRow> = match &v.scores {
        Some(scores) => scores
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let w = cfg.profiles[p].weights[i];
                let hundredths = u32::from(s.value) * w;
                ScoreRow {
                    key: cfg.dimensions[i].key.clone(),
                    name: cfg.dimensions[i].name.clone(),
                    score: s.value,
                    weight: w,
                    contribution: format!("{}.{:02}", hundredths / 100, hundredths % 100),
                    rationale: s.rationale.clone(),
                    band: band_of(reg, f64::from(s.value)),
                    basis: s.basis.map(|b| key_name(b.key(), b.label())),
                    assessor: s.assessor.clone(),
                    assessed: s.assessed.map(|d| d.human()),
                    sources: sources_view(&s.sources, reg, der.build_date),
                    y: i as u32 * 32,
                    bar: u32::from(s.value) * 3,
                    contrib_bar: hundredths * 3 / 100,
                }
            })
            .collect(),
        None => Vec::new(),
    };
    let composites = der.composites[vi]
        .as_ref()
        .map(|cs| {
            cs.iter()
                .enumerate()
                .map(|(pi, c)| composite_view(reg, c, pi))
                .collect()
        })
        .unwrap_or_default();

    let holdings = v
        .holdings
        .iter()
        .zip(&der.holding_status[vi])
        .map(|(h, a)| holding_view(reg, h, a, der.build_date))
        .collect();

    // Current editions only: a superseded edition's cross-walk is on its own page.
    let values = crosswalk::scores(v);
    let crosswalks = reg
        .frameworks
        .iter()
        .enumerate()
        .filter(|(fi, _)| super::editions::successor(reg, *fi).is_none())
        .map(|(_, f)| CrosswalkView {
            name: f.short_name.clone(),
            url: urls::framework(&f.slug),
            entry_label: f.entry_label.clone(),
            entries: f
                .entries
                .iter()
                .map(|e| {
                    let cell = values
                        .as_ref()
                        .and_then(|vals| crosswalk::cell(vals, e, &cfg.bands));
                    CrosswalkEntry {
                        id: e.id.clone(),
                        title: e.title.clone(),
                        description: e.description.clone(),
                        url: urls::entry(&f.slug, &e.slug),
                        dims: e
                            .dimensions
                            .iter()
                            .map(|d| DimScore {
                                name: cfg.dimensions[*d].name.clone(),
                                score: values.as_ref().map(|vals| vals[*d]),
                            })
                            .collect(),
                        mean: cell.map(|c| c.display()),
                        band: cell.map(|c| band_key_name(reg, c.band)),
                    }
                })
                .collect(),
        })
        .collect();

    VendorView {
        provenance: score_provenance(reg, v, der.build_date),
        row: vendor_row(reg, der, vi),
        pack_url: urls::pack(&v.slug),
        identity,
        identity_sources: sources_view(&v.identity_sources, reg, der.build_date),
        legal_entities: v.legal_entities.clone(),
        website: v.website.clone(),
        profile_source: v.profile_source.clone(),
        summary_html: minijinja::Value::from_safe_string(markdown::to_html_avoiding(
            &v.body, 2, reserved,
        )),
        rating_reason: v.rating_reason.clone(),
        facts,
        scored: v.scores.is_some(),
        chart_height: scores.len() as u32 * 32,
        scores,
        composites,
        incidents: v
            .incidents
            .iter()
            .map(|i| IncidentView {
                date: i.date.human(),
                date_kind: i.date_kind.clone(),
                title: i.title.clone(),
                summary: i.summary.clone(),
                status: i.status.clone(),
                confidence: i.confidence.map(|c| key_name(c.key(), c.label())),
                affected_services: i.affected_services.clone(),
                sources: sources_view(&i.sources, reg, der.build_date),
            })
            .collect(),
        holdings,
        reports: der.reports_by_vendor[vi]
            .iter()
            .map(|ri| report_row(reg, der, *ri))
            .collect(),
        crosswalks,
        sources: v
            .sources
            .iter()
            .map(|c| CitationView {
                field: c.field.clone(),
                label: field_label(reg, &c.field),
                source: SourceView::new(&c.source, reg, der.build_date),
            })
            .collect(),
    }
}

/// `data_handling.trains_on_user_data` → `Data handling: Trains on user data`.
fn field_label(reg: &Registry, path: &str) -> String {
    let (section, key) = path.split_once('.').unwrap_or((path, ""));
    if section == "scores" {
        return reg
            .config
            .dimensions
            .iter()
            .find(|d| d.key == key)
            .map(|d| format!("Score: {}", d.name))
            .unwrap_or_else(|| path.to_string());
    }
    crate::model::facts::section(section)
        .and_then(|s| {
            s.fields
                .iter()
                .find(|f| f.key == key)
                .map(|f| format!("{}: {}", s.title, f.label))
        })
        .unwrap_or_else(|| path.to_string())
}

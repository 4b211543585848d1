//! The editor-facing file formats, exactly as serde reads them. `deny_unknown_fields`
//! everywhere so a misspelt key is an error at the key, never a silently ignored value;
//! no `flatten` (it would lose spans). `Spanned` marks values whose *meaning* is checked
//! later (references, ranges, URLs) so those errors can point at them too.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use crate::date::PartialDate;

pub type S<T> = Spanned<T>;

/// `site.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub title: String,
    pub base_url: S<String>,
    pub description: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default = "default_theme")]
    pub theme: String,
    pub default_profile: S<String>,
    #[serde(default = "default_expiring")]
    pub expiring_within_days: S<i64>,
    #[serde(default)]
    pub caveats: Option<String>,
    pub dimensions: Vec<RawDimension>,
    pub profiles: Vec<RawProfile>,
    pub bands: S<Vec<RawBand>>,
    pub ratings: Vec<RawNamed>,
    pub categories: Vec<RawNamed>,
}

fn default_language() -> String {
    "en".into()
}
fn default_theme() -> String {
    "default".into()
}
fn default_expiring() -> S<i64> {
    Spanned::new(0..0, 90)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDimension {
    pub key: S<String>,
    pub name: String,
    pub description: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProfile {
    pub key: S<String>,
    pub name: String,
    pub description: String,
    pub weights: S<BTreeMap<S<String>, S<i64>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBand {
    pub key: S<String>,
    pub name: String,
    /// Inclusive lower bound; the band runs up to the next band's `min`.
    pub min: S<f64>,
    #[serde(default)]
    pub description: String,
}

/// Ratings and categories: a key, a display name and what it means.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNamed {
    pub key: S<String>,
    pub name: String,
    #[serde(default)]
    pub description: String,
}

/// `content/vendors/<slug>.md` front matter.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVendor {
    pub name: String,
    pub category: S<String>,
    pub description: String,
    pub hq_country: Option<String>,
    pub hq_city: Option<String>,
    pub founded: Option<S<i64>>,
    pub ticker: Option<String>,
    pub parent: Option<String>,
    pub employees: Option<String>,
    pub stage: Option<String>,
    pub website: Option<S<String>>,
    #[serde(default)]
    pub legal_entities: Vec<String>,
    #[serde(default)]
    pub aliases: Vec<S<String>>,
    pub rating: Option<S<String>>,
    pub rating_reason: Option<String>,
    pub profile_source: Option<String>,
    #[serde(default)]
    pub security_compliance: FactTable,
    #[serde(default)]
    pub data_handling: FactTable,
    #[serde(default)]
    pub ip_profile: FactTable,
    #[serde(default)]
    pub jurisdiction_profiles: FactTable,
    #[serde(default)]
    pub governance: FactTable,
    pub scores: Option<S<BTreeMap<S<String>, RawScore>>>,
    #[serde(default)]
    pub incidents: Vec<RawIncident>,
    #[serde(default)]
    pub certifications: Vec<RawHolding>,
    #[serde(default)]
    pub sources: Vec<RawSource>,
}

/// One section of facts: keys are checked against `facts::SECTIONS`, not by serde, so that an
/// unknown key gets a "did you mean" from the real list.
pub type FactTable = BTreeMap<S<String>, S<RawFact>>;

/// `"yes"` or `{ value = "yes", detail = "AES-256" }`.
#[derive(Debug, Clone)]
pub struct RawFact {
    pub value: String,
    pub detail: Option<String>,
}

impl<'de> Deserialize<'de> for RawFact {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Full {
            value: String,
            detail: Option<String>,
        }
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = RawFact;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string such as \"yes\", \"no\", \"not_disclosed\", or a table { value = \"yes\", detail = \"...\" }")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<RawFact, E> {
                Ok(RawFact {
                    value: s.to_string(),
                    detail: None,
                })
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<RawFact, A::Error> {
                let full = Full::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(RawFact {
                    value: full.value,
                    detail: full.detail,
                })
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScore {
    pub score: S<i64>,
    pub rationale: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIncident {
    pub date: S<PartialDate>,
    pub title: String,
    pub summary: String,
    pub source_url: S<String>,
}

/// A certification a vendor holds.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHolding {
    pub certification: S<String>,
    pub level: Option<S<String>>,
    pub scope: Option<String>,
    pub issued: Option<S<PartialDate>>,
    pub valid_until: Option<S<PartialDate>>,
    pub as_of: Option<S<PartialDate>>,
    pub note: Option<String>,
    pub source: String,
    pub source_url: Option<S<String>>,
    #[serde(default)]
    pub certificates: Vec<RawCertificate>,
    /// The validity above has ended and no renewal is known: pages show the holding as
    /// lapsed instead of current, and `check` stops reporting it as expired.
    #[serde(default)]
    pub lapsed: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCertificate {
    pub label: Option<String>,
    pub number: String,
}

/// One row of the cited-sources table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    pub field: S<String>,
    pub url: S<String>,
    pub verified: S<PartialDate>,
    pub verified_by: String,
}

/// `content/certifications/<slug>.md` front matter.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCertification {
    pub name: String,
    pub short_name: Option<String>,
    pub kind: S<String>,
    pub issuer: String,
    pub region: String,
    pub url: Option<S<String>>,
    #[serde(default)]
    pub levels: Vec<RawNamed>,
}

/// `content/reports/<id>.md` front matter.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReport {
    pub id: S<String>,
    pub certification: S<String>,
    pub scheme_version: Option<String>,
    pub vendor: S<String>,
    pub declaring_entity: String,
    pub monitoring_body: String,
    pub monitoring_body_url: Option<S<String>>,
    pub approved: S<PartialDate>,
    pub valid_until: S<PartialDate>,
    pub level: Option<S<String>>,
    #[serde(default)]
    pub earlier_reports: Vec<S<String>>,
    pub source: String,
    pub source_url: Option<S<String>>,
    #[serde(default)]
    pub controls_examined: Vec<String>,
    #[serde(default)]
    pub services: Vec<RawServiceGroup>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawServiceGroup {
    pub category: String,
    pub items: Vec<String>,
}

/// `content/frameworks/<slug>.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFramework {
    pub name: String,
    pub short_name: Option<String>,
    pub version: String,
    pub publisher: String,
    pub url: Option<S<String>>,
    pub description: String,
    #[serde(default = "default_entry_label")]
    pub entry_label: String,
    /// Position in lists and cross-walks (lower first); ties sort by slug.
    #[serde(default)]
    pub order: i64,
    pub entries: Vec<RawEntry>,
}

fn default_entry_label() -> String {
    "Entry".into()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEntry {
    pub id: S<String>,
    pub title: String,
    pub description: String,
    pub dimensions: Vec<S<String>>,
    #[serde(default)]
    pub categories: Vec<RawSubEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSubEntry {
    pub id: String,
    pub title: String,
}

/// `content/questions.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawQuestions {
    pub intro: String,
    pub questions: Vec<RawQuestion>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawQuestion {
    pub text: String,
}

/// `content/pages/<slug>.md` front matter.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPage {
    pub title: String,
    pub description: Option<String>,
}

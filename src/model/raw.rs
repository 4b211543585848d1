//! The editor-facing file formats, exactly as serde reads them. `deny_unknown_fields`
//! everywhere so a misspelt key is an error at the key, never a silently ignored value;
//! no `flatten` (it would lose spans). `Spanned` marks values whose *meaning* is checked
//! later (references, ranges, URLs) so those errors can point at them too.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use super::text::{Name, Text};
use crate::date::PartialDate;

pub use super::raw_catalog::*;
pub use super::raw_evidence::*;

pub type S<T> = Spanned<T>;

/// `site.toml`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    /// The site's name, shown in every page title.
    pub title: Name,
    /// The public address of the site, e.g. "https://trustatlas.pages.dev" (canonical links, sitemap).
    #[schemars(with = "String")]
    pub base_url: S<String>,
    /// One sentence describing the registry (home page, meta description).
    pub description: Text,
    /// The language of the pages, as an HTML `lang` code (default "en").
    #[serde(default = "default_language")]
    #[schemars(with = "String")]
    pub language: S<String>,
    /// The folder under themes/ holding the templates (default "default").
    #[serde(default = "default_theme")]
    #[schemars(with = "String")]
    pub theme: S<String>,
    /// The `key` of the weight profile used for headline composite scores.
    #[schemars(with = "String")]
    pub default_profile: S<String>,
    /// A verification report whose validity ends within this many days is shown as expiring (default 90).
    #[serde(default = "default_expiring")]
    #[schemars(with = "i64")]
    pub expiring_within_days: S<i64>,
    /// A source whose `verified` date is older than this many days is marked stale where it is
    /// shown, and `check` warns about it (default 365).
    #[serde(default = "default_stale")]
    #[schemars(with = "i64")]
    pub stale_after_days: S<i64>,
    /// A paragraph shown with every score: where facts come from and what the registry is not.
    #[serde(default)]
    pub caveats: Option<Text>,
    /// The risk dimensions every vendor is scored on.
    pub dimensions: Vec<RawDimension>,
    /// Weight profiles: percentages per dimension, each profile summing to 100.
    pub profiles: Vec<RawProfile>,
    /// Risk bands, low to high: each starts at its `min` and runs up to the next band's.
    #[schemars(with = "Vec<RawBand>")]
    pub bands: S<Vec<RawBand>>,
    /// The analyst rating scale vendors may be given.
    pub ratings: Vec<RawNamed>,
    /// Vendor categories.
    pub categories: Vec<RawNamed>,
    /// `[deploy]`: settings for the Cloudflare Pages output.
    #[serde(default)]
    pub deploy: RawDeploy,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDeploy {
    /// Most files one deployment may hold: 20,000 on Pages' Free plan, up to 100,000 on paid.
    #[schemars(with = "Option<i64>")]
    pub max_files: Option<S<i64>>,
}

fn default_language() -> S<String> {
    Spanned::new(0..0, "en".into())
}
fn default_theme() -> S<String> {
    Spanned::new(0..0, "default".into())
}
fn default_expiring() -> S<i64> {
    Spanned::new(0..0, 90)
}
fn default_stale() -> S<i64> {
    Spanned::new(0..0, 365)
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDimension {
    #[schemars(with = "String")]
    pub key: S<String>,
    pub name: Name,
    pub description: Text,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawProfile {
    #[schemars(with = "String")]
    pub key: S<String>,
    pub name: Name,
    pub description: Text,
    #[schemars(with = "BTreeMap<String, i64>")]
    pub weights: S<BTreeMap<S<String>, S<i64>>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBand {
    #[schemars(with = "String")]
    pub key: S<String>,
    pub name: Name,
    /// Inclusive lower bound; the band runs up to the next band's `min`.
    #[schemars(with = "f64", range(min = 0, max = 100))]
    pub min: S<f64>,
    #[serde(default)]
    pub description: Text,
}

/// Ratings and categories: a key, a display name and what it means.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawNamed {
    #[schemars(with = "String")]
    pub key: S<String>,
    pub name: Name,
    #[serde(default)]
    pub description: Text,
}

/// `content/vendors/<slug>.md` front matter.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawVendor {
    /// The vendor's name as readers know it.
    pub name: Name,
    /// The `key` of a category in site.toml, e.g. "cloud_provider".
    #[schemars(with = "String")]
    pub category: S<String>,
    /// One or two sentences: who the vendor is.
    pub description: Text,
    /// Country of the headquarters.
    pub hq_country: Option<Name>,
    /// City of the headquarters.
    pub hq_city: Option<Name>,
    /// A free-text sub-category beside `category`, e.g. "Hyperscaler".
    pub subcategory: Option<Name>,
    /// Year founded.
    #[schemars(with = "Option<i64>", range(min = 1800, max = 2100))]
    pub founded: Option<S<i64>>,
    /// What `founded` refers to: `company` or `service` (the service line).
    #[schemars(with = "Option<String>", regex(pattern = "^(company|service)$"))]
    pub founded_refers_to: Option<S<String>>,
    /// When the service was launched.
    #[schemars(with = "Option<PartialDate>")]
    pub service_launched: Option<S<PartialDate>>,
    /// A note on ownership or structure (a subsidiary, a joint venture, a VIE).
    pub ownership: Option<Text>,
    /// Stock listings: `[[listings]]` with `exchange`, `tickers`, `entity`, `first_trading_day`.
    #[serde(default)]
    pub listings: Vec<RawListing>,
    /// The sources of the identity fields above, as in [[certifications.sources]].
    #[serde(default)]
    #[schemars(with = "Vec<RawSource>")]
    pub identity_sources: Vec<S<RawSource>>,
    /// Stock ticker, when listed.
    pub ticker: Option<Name>,
    /// Parent company, if any.
    pub parent: Option<Name>,
    /// Head count as the source gives it, e.g. "5000+".
    pub employees: Option<Name>,
    /// Funding stage or listing status, e.g. "Public".
    pub stage: Option<Name>,
    /// The vendor's main website (http or https).
    #[schemars(with = "Option<String>")]
    pub website: Option<S<String>>,
    /// Legal entities named in contracts or reports.
    #[serde(default)]
    pub legal_entities: Vec<Name>,
    /// Old site paths that should lead to this vendor, e.g. "/vendor/old-name/".
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub aliases: Vec<S<String>>,
    /// The `key` of a rating in site.toml; needs `rating_reason`.
    #[schemars(with = "Option<String>")]
    pub rating: Option<S<String>>,
    /// One line on why the vendor has this rating.
    pub rating_reason: Option<Text>,
    /// The document the profile as a whole comes from.
    pub profile_source: Option<Text>,
    #[serde(default)]
    #[schemars(schema_with = "crate::model::fact_schema::security_compliance")]
    pub security_compliance: FactTable,
    #[serde(default)]
    #[schemars(schema_with = "crate::model::fact_schema::data_handling")]
    pub data_handling: FactTable,
    #[serde(default)]
    #[schemars(schema_with = "crate::model::fact_schema::ip_profile")]
    pub ip_profile: FactTable,
    #[serde(default)]
    #[schemars(schema_with = "crate::model::fact_schema::jurisdiction_profiles")]
    pub jurisdiction_profiles: FactTable,
    #[serde(default)]
    #[schemars(schema_with = "crate::model::fact_schema::governance")]
    pub governance: FactTable,
    /// One table per dimension of site.toml, `[scores.<dimension>]` with `score` and `rationale`: all dimensions or none (not yet scored).
    #[schemars(with = "Option<BTreeMap<String, RawScore>>")]
    pub scores: Option<S<BTreeMap<S<String>, RawScore>>>,
    /// Composites a source publishes, `[[published_composites]]` with `profile`, `value` and
    /// `sources`: the dimension scores must reproduce each one.
    #[serde(default)]
    pub published_composites: Vec<RawPublishedComposite>,
    /// Public security or privacy incidents, each with a source.
    #[serde(default)]
    pub incidents: Vec<RawIncident>,
    /// Certifications, attestations and codes of conduct the vendor holds.
    #[serde(default)]
    pub certifications: Vec<RawHolding>,
    /// The cited-sources table: one row per fact, giving its source and when it was verified.
    #[serde(default)]
    pub sources: Vec<RawCitation>,
    /// `"listed"` (the default) or `"removed"`: a removed vendor leaves every list and score
    /// but keeps a tombstone page at its URL saying when and why it was removed.
    #[schemars(with = "Option<String>")]
    pub status: Option<S<String>>,
    /// When a removed vendor left the registry.
    #[schemars(with = "Option<PartialDate>")]
    pub removed_on: Option<S<PartialDate>>,
    /// Why a removed vendor left the registry, shown on its tombstone page.
    #[schemars(with = "Option<String>")]
    pub removed_reason: Option<S<String>>,
}

/// One section of facts: keys are checked against `facts::SECTIONS`, not by serde, so that an
/// unknown key gets a "did you mean" from the real list.
pub type FactTable = BTreeMap<S<String>, S<RawFact>>;

/// `"yes"`, `{ value = "yes", detail = "AES-256", sources = [...] }`, or a value the sources
/// disagree on: `{ disputed = [{ value = "yes", sources = [...] }, { value = "no", ... }] }`.
#[derive(Debug)]
pub struct RawFact {
    /// `None` only for a disputed fact.
    pub value: Option<String>,
    pub detail: Option<String>,
    pub sources: Vec<S<RawSource>>,
    pub disputed: Vec<RawClaim>,
}

impl<'de> Deserialize<'de> for RawFact {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Full {
            value: Option<String>,
            detail: Option<Text>,
            #[serde(default)]
            sources: Vec<S<RawSource>>,
            #[serde(default)]
            disputed: Vec<RawClaim>,
        }
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = RawFact;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string such as \"yes\", \"no\", \"not_disclosed\", or a table { value = \"yes\", detail = \"...\" }")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<RawFact, E> {
                Ok(RawFact {
                    value: Some(s.to_string()),
                    detail: None,
                    sources: Vec::new(),
                    disputed: Vec::new(),
                })
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<RawFact, A::Error> {
                let full = Full::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(RawFact {
                    value: full.value,
                    detail: full.detail.map(String::from),
                    sources: full.sources,
                    disputed: full.disputed,
                })
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawScore {
    /// 0 (lowest risk) to 100 (highest risk).
    #[schemars(with = "i64", range(min = 0, max = 100))]
    pub score: S<i64>,
    /// One line naming the facts that justify the score.
    pub rationale: Text,
    /// Where the score comes from: `editorial` (the registry's own judgement; pages say
    /// "editorial assessment") or `published` (a source publishes this dimension score).
    #[schemars(with = "Option<String>", regex(pattern = "^(editorial|published)$"))]
    pub basis: Option<S<String>>,
    /// Who assessed it.
    pub assessor: Option<Name>,
    /// When it was assessed.
    #[schemars(with = "Option<PartialDate>")]
    pub assessed: Option<S<PartialDate>>,
    /// The sources behind the score (a `published` score names the one that publishes it), as
    /// in [[certifications.sources]].
    #[serde(default)]
    #[schemars(with = "Vec<RawSource>")]
    pub sources: Vec<S<RawSource>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawIncident {
    /// When it happened or was disclosed (`date_kind` says which).
    #[schemars(with = "PartialDate")]
    pub date: S<PartialDate>,
    /// What `date` is: `occurred`, `discovered`, `disclosed` or `reported`.
    #[schemars(
        with = "Option<String>",
        regex(pattern = "^(occurred|discovered|disclosed|reported)$")
    )]
    pub date_kind: Option<S<String>>,
    /// A short title.
    pub title: Text,
    /// What happened, in one or two sentences.
    pub summary: Text,
    /// `ongoing`, `resolved` or `disputed` (the vendor contests it), as the sources say.
    #[schemars(
        with = "Option<String>",
        regex(pattern = "^(ongoing|resolved|disputed)$")
    )]
    pub status: Option<S<String>>,
    /// How sure the registry is of it: `high`, `medium` or `low`.
    #[schemars(with = "Option<String>", regex(pattern = "^(high|medium|low)$"))]
    pub confidence: Option<S<String>>,
    /// The services affected, as the sources name them.
    #[serde(default)]
    pub affected_services: Vec<Name>,
    /// Where it was reported (http or https): the short form of one source; give this or `sources`.
    #[schemars(with = "Option<String>")]
    pub source_url: Option<S<String>>,
    /// The sources that report it, as in [[certifications.sources]].
    #[serde(default)]
    #[schemars(with = "Vec<RawSource>")]
    pub sources: Vec<S<RawSource>>,
}

/// A certification a vendor holds.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawHolding {
    /// The slug of a file in content/certifications/, e.g. "iso-27001".
    #[schemars(with = "String")]
    pub certification: S<String>,
    /// The `key` of one of that certification's [[levels]].
    #[schemars(with = "Option<String>")]
    pub level: Option<S<String>>,
    /// What the certificate covers, as the source words it.
    pub scope: Option<Text>,
    /// The edition or version of the scheme it was assessed against, e.g. "2022" (ISO/IEC
    /// 27001:2022) or "v3.2" (PCI DSS).
    pub edition: Option<Name>,
    /// How the registry knows it: `certificate` (the certificate or the issuer's public
    /// register was seen), `report` (an attestation or verification report was seen),
    /// `self-assessment` (the vendor's own filing with the scheme), `vendor-claim` (the
    /// vendor says so on its own pages) or `secondary-source` (someone else says so).
    #[schemars(
        with = "Option<String>",
        regex(pattern = "^(certificate|report|self-assessment|vendor-claim|secondary-source)$")
    )]
    pub basis: Option<S<String>>,
    /// How sure the registry is of it: `high`, `medium` or `low` (see the methodology page).
    #[schemars(with = "Option<String>", regex(pattern = "^(high|medium|low)$"))]
    pub confidence: Option<S<String>>,
    /// When it was issued or first obtained.
    #[schemars(with = "Option<PartialDate>")]
    pub issued: Option<S<PartialDate>>,
    /// When its validity starts, when the source gives a start other than `issued`.
    #[schemars(with = "Option<PartialDate>")]
    pub valid_from: Option<S<PartialDate>>,
    /// When the vendor announced it (a press release, a blog post).
    #[schemars(with = "Option<PartialDate>")]
    pub announced: Option<S<PartialDate>>,
    /// When its validity ends, as the source states it (otherwise the scheme's validity rule
    /// decides).
    #[schemars(with = "Option<PartialDate>")]
    pub valid_until: Option<S<PartialDate>>,
    /// The period a report covers (a SOC 2 Type 2 period): `{ start = "2024-04", end = "2025-03" }`.
    pub period: Option<RawPeriod>,
    /// When the issuer withdrew or suspended it; from that date it shows as withdrawn.
    #[schemars(with = "Option<PartialDate>")]
    pub withdrawn: Option<S<PartialDate>>,
    /// The date of the source that states it (when the certificate's own dates are unknown).
    #[schemars(with = "Option<PartialDate>")]
    pub as_of: Option<S<PartialDate>>,
    /// Anything a reader needs to weigh it (auditor, what is not stated).
    pub note: Option<Text>,
    /// The sources that state it, each a table `{ title, url, publisher, quote, note, date,
    /// verified, verified_by, kind }`; give this or `source`.
    #[serde(default)]
    #[schemars(with = "Vec<RawSource>")]
    pub sources: Vec<S<RawSource>>,
    /// The document that states the vendor holds it (the short form of one source; give this
    /// or `sources`).
    pub source: Option<Text>,
    /// Where that document is (http or https); only with `source`.
    #[schemars(with = "Option<String>")]
    pub source_url: Option<S<String>>,
    /// Certificate or registration numbers.
    #[serde(default)]
    pub certificates: Vec<RawCertificate>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCertificate {
    /// What the number is, e.g. "Verification-ID".
    pub label: Option<Name>,
    /// The number as printed.
    pub number: Name,
}

/// `content/certifications/<slug>.md` front matter.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCertification {
    /// The scheme's full name.
    pub name: Name,
    /// A short name for tables (default: `name`).
    pub short_name: Option<Name>,
    /// One of certification, attestation, code_of_conduct, regulation, self_assessment, licence.
    #[schemars(with = "String")]
    pub kind: S<String>,
    /// Who runs the scheme.
    pub issuer: Name,
    /// Where it applies, e.g. "EU" or "International".
    pub region: Name,
    /// The scheme's official page (http or https).
    #[schemars(with = "Option<String>")]
    pub url: Option<S<String>>,
    /// Levels a holder can reach, lowest first; vendors and reports refer to their `key`.
    #[serde(default)]
    pub levels: Vec<RawLevel>,
    /// How long a holding stays valid when its source states no end (`[validity]`).
    pub validity: Option<RawValidity>,
}

/// `content/reports/<id>.md` front matter.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawReport {
    /// The report's ID as printed; the file is named after it in lower case.
    #[schemars(with = "String")]
    pub id: S<String>,
    /// The slug of the scheme in content/certifications/.
    #[schemars(with = "String")]
    pub certification: S<String>,
    /// The version of the scheme the report verified against.
    pub scheme_version: Option<Name>,
    /// The slug of the vendor in content/vendors/.
    #[schemars(with = "String")]
    pub vendor: S<String>,
    /// The legal entity that declared adherence or was audited.
    pub declaring_entity: Name,
    /// Who verified or audited.
    pub monitoring_body: Name,
    /// The monitoring body's website (http or https).
    #[schemars(with = "Option<String>")]
    pub monitoring_body_url: Option<S<String>>,
    /// Date of approval; leave it out when the report's dates are not public (the report then
    /// shows "dates not recorded", never valid).
    #[schemars(with = "Option<PartialDate>")]
    pub approved: Option<S<PartialDate>>,
    /// End of validity, on or after `approved`; without it the scheme's validity rule decides
    /// from `approved`.
    #[schemars(with = "Option<PartialDate>")]
    pub valid_until: Option<S<PartialDate>>,
    /// The `key` of one of the certification's [[levels]].
    #[schemars(with = "Option<String>")]
    pub level: Option<S<String>>,
    /// IDs of reports this one renews.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub earlier_reports: Vec<S<String>>,
    /// The document this entry is transcribed from (the short form of one source; give this
    /// or `sources`).
    pub source: Option<Text>,
    /// Where that document is (http or https); only with `source`.
    #[schemars(with = "Option<String>")]
    pub source_url: Option<S<String>>,
    /// The sources of this entry, as in [[certifications.sources]]: `[[sources]]` tables.
    #[serde(default)]
    #[schemars(with = "Vec<RawSource>")]
    pub sources: Vec<S<RawSource>>,
    /// Controls the report says were examined in depth.
    #[serde(default)]
    pub controls_examined: Vec<Name>,
    /// The services the report covers, grouped by category.
    #[serde(default)]
    pub services: Vec<RawServiceGroup>,
    /// Old addresses of the report (after its ID was corrected); `_redirects` sends them here.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub aliases: Vec<S<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawServiceGroup {
    pub category: Name,
    pub items: Vec<Name>,
}

/// `content/questions.toml`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawQuestions {
    pub intro: Text,
    pub questions: Vec<RawQuestion>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawQuestion {
    pub text: Text,
}

/// `content/pages/<slug>.md` front matter.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPage {
    /// The page title.
    pub title: Text,
    /// One sentence for the meta description.
    pub description: Option<Text>,
}

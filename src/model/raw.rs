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
    /// Year founded.
    #[schemars(with = "Option<i64>", range(min = 1800, max = 2100))]
    pub founded: Option<S<i64>>,
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
    #[schemars(schema_with = "crate::schema::facts::security_compliance")]
    pub security_compliance: FactTable,
    #[serde(default)]
    #[schemars(schema_with = "crate::schema::facts::data_handling")]
    pub data_handling: FactTable,
    #[serde(default)]
    #[schemars(schema_with = "crate::schema::facts::ip_profile")]
    pub ip_profile: FactTable,
    #[serde(default)]
    #[schemars(schema_with = "crate::schema::facts::jurisdiction_profiles")]
    pub jurisdiction_profiles: FactTable,
    #[serde(default)]
    #[schemars(schema_with = "crate::schema::facts::governance")]
    pub governance: FactTable,
    /// One table per dimension of site.toml, `[scores.<dimension>]` with `score` and `rationale`: all dimensions or none (not yet scored).
    #[schemars(with = "Option<BTreeMap<String, RawScore>>")]
    pub scores: Option<S<BTreeMap<S<String>, RawScore>>>,
    /// Public security or privacy incidents, each with a source.
    #[serde(default)]
    pub incidents: Vec<RawIncident>,
    /// Certifications, attestations and codes of conduct the vendor holds.
    #[serde(default)]
    pub certifications: Vec<RawHolding>,
    /// The cited-sources table: one row per fact, giving where it was verified and when.
    #[serde(default)]
    pub sources: Vec<RawSource>,
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
            detail: Option<Text>,
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
                    detail: full.detail.map(String::from),
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
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawIncident {
    /// When it happened or was disclosed.
    #[schemars(with = "PartialDate")]
    pub date: S<PartialDate>,
    /// A short title.
    pub title: Text,
    /// What happened, in one or two sentences.
    pub summary: Text,
    /// Where it was reported (http or https).
    #[schemars(with = "String")]
    pub source_url: S<String>,
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
    /// When it was issued or first obtained.
    #[schemars(with = "Option<PartialDate>")]
    pub issued: Option<S<PartialDate>>,
    /// When its validity ends.
    #[schemars(with = "Option<PartialDate>")]
    pub valid_until: Option<S<PartialDate>>,
    /// The date of the source that states it (when the certificate's own dates are unknown).
    #[schemars(with = "Option<PartialDate>")]
    pub as_of: Option<S<PartialDate>>,
    /// Anything a reader needs to weigh it (auditor, what is not stated).
    pub note: Option<Text>,
    /// The document that states the vendor holds it.
    pub source: Text,
    /// Where that document is (http or https).
    #[schemars(with = "Option<String>")]
    pub source_url: Option<S<String>>,
    /// Certificate or registration numbers.
    #[serde(default)]
    pub certificates: Vec<RawCertificate>,
    /// The validity above has ended and no renewal is known: pages show the holding as
    /// lapsed instead of current, and `check` stops reporting it as expired.
    #[serde(default)]
    pub lapsed: bool,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCertificate {
    /// What the number is, e.g. "Verification-ID".
    pub label: Option<Name>,
    /// The number as printed.
    pub number: Name,
}

/// One row of the cited-sources table.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    /// The fact it cites, as "<section>.<key>" (e.g. "data_handling.trains_on_user_data") or "scores.<dimension>".
    #[schemars(with = "String")]
    pub field: S<String>,
    /// Where the fact can be checked (http or https).
    #[schemars(with = "String")]
    pub url: S<String>,
    /// When someone last checked that the URL says what the fact says.
    #[schemars(with = "PartialDate")]
    pub verified: S<PartialDate>,
    /// Who checked it.
    pub verified_by: Name,
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
    pub levels: Vec<RawNamed>,
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
    /// Date of approval.
    #[schemars(with = "PartialDate")]
    pub approved: S<PartialDate>,
    /// End of validity; on or after `approved`.
    #[schemars(with = "PartialDate")]
    pub valid_until: S<PartialDate>,
    /// The `key` of one of the certification's [[levels]].
    #[schemars(with = "Option<String>")]
    pub level: Option<S<String>>,
    /// IDs of reports this one renews.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub earlier_reports: Vec<S<String>>,
    /// The document this entry is transcribed from.
    pub source: Text,
    /// Where that document is (http or https).
    #[schemars(with = "Option<String>")]
    pub source_url: Option<S<String>>,
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

/// `content/frameworks/<slug>.toml`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFramework {
    pub name: Name,
    pub short_name: Option<Name>,
    pub version: Name,
    pub publisher: Name,
    #[schemars(with = "Option<String>")]
    pub url: Option<S<String>>,
    pub description: Text,
    #[serde(default = "default_entry_label")]
    pub entry_label: Name,
    /// Position in lists and cross-walks (lower first); ties sort by slug.
    #[serde(default)]
    pub order: i64,
    /// The earlier edition this catalog replaces, and the official correspondence's source.
    pub supersedes: Option<RawSupersedes>,
    /// Published mappings from this catalog's entries to another framework's.
    #[serde(default)]
    pub crosswalks: Vec<RawCrosswalk>,
    pub entries: Vec<RawEntry>,
}

/// `[supersedes]`: each entry's `previous` names an entry of `framework`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSupersedes {
    /// The slug of the earlier edition's catalog.
    #[schemars(with = "String")]
    pub framework: S<String>,
    /// Where the publisher states the correspondence.
    #[schemars(with = "String")]
    pub source: S<String>,
}

/// `[[crosswalks]]`: the publisher's mapping onto another framework.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCrosswalk {
    /// The slug of the framework mapped onto.
    #[schemars(with = "String")]
    pub framework: S<String>,
    /// Where the mapping is published.
    #[schemars(with = "String")]
    pub source: S<String>,
    pub maps: Vec<RawMap>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMap {
    /// An entry ID of this catalog.
    #[schemars(with = "String")]
    pub entry: S<String>,
    /// An entry or category ID of the other framework.
    #[schemars(with = "String")]
    pub target: S<String>,
    /// `primary` or `supporting`, as the publisher marks it.
    #[schemars(with = "String", regex(pattern = "^(primary|supporting)$"))]
    pub strength: S<String>,
}

fn default_entry_label() -> Name {
    Name("Entry".into())
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawEntry {
    #[schemars(with = "String")]
    pub id: S<String>,
    pub title: Text,
    pub description: Text,
    #[schemars(with = "Vec<String>")]
    pub dimensions: Vec<S<String>>,
    #[serde(default)]
    pub categories: Vec<RawSubEntry>,
    /// The ID of this entry in the edition named by `[supersedes]`.
    #[schemars(with = "Option<String>")]
    pub previous: Option<S<String>>,
    /// Why no entry of the next edition carries this one on.
    pub retired: Option<Text>,
    /// Old addresses of this entry's page, redirected to it.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub aliases: Vec<S<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSubEntry {
    pub id: Name,
    pub title: Text,
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

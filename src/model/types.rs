//! The typed, validated model: what the loader produces and every later stage reads.
//! Plain data with no behaviour; indices (e.g. `Vendor::category`) point into the vectors of
//! `Config` and `Registry`, which keeps the model cheap to clone and free of lifetimes.

use std::ops::Range;
use std::path::PathBuf;

use super::facts::FactValue;
use crate::date::PartialDate;

#[derive(Debug, Clone)]
pub struct Config {
    pub title: String,
    /// Without a trailing slash.
    pub base_url: String,
    pub description: String,
    pub language: String,
    pub theme: String,
    /// Where `theme` is written in site.toml, for "theme not found".
    pub theme_span: std::ops::Range<usize>,
    /// Index into `profiles`.
    pub default_profile: usize,
    pub expiring_within_days: i64,
    pub caveats: Option<String>,
    pub dimensions: Vec<Dimension>,
    pub profiles: Vec<Profile>,
    pub bands: Vec<Band>,
    pub ratings: Vec<Named>,
    pub categories: Vec<Named>,
    /// Most files the output may hold (`[deploy] max_files`; Cloudflare Pages' plan limit).
    pub max_files: u32,
}

#[derive(Debug, Clone)]
pub struct Dimension {
    pub key: String,
    pub name: String,
    pub description: String,
}

#[derive(Debug, Clone)]
pub struct Profile {
    pub key: String,
    pub name: String,
    pub description: String,
    /// Percent per dimension, in `Config::dimensions` order; sums to 100.
    pub weights: Vec<u32>,
}

#[derive(Debug, Clone)]
pub struct Band {
    pub key: String,
    pub name: String,
    /// Inclusive lower bound.
    pub min: f64,
    pub description: String,
}

#[derive(Debug, Clone)]
pub struct Named {
    pub key: String,
    pub name: String,
    pub description: String,
}

#[derive(Debug, Clone)]
pub struct Vendor {
    pub slug: String,
    pub file: PathBuf,
    pub name: String,
    /// Index into `Config::categories`.
    pub category: usize,
    pub description: String,
    pub hq_country: Option<String>,
    pub hq_city: Option<String>,
    pub founded: Option<i64>,
    pub ticker: Option<String>,
    pub parent: Option<String>,
    pub employees: Option<String>,
    pub stage: Option<String>,
    pub website: Option<String>,
    pub legal_entities: Vec<String>,
    pub aliases: Vec<String>,
    /// Where each alias is written in the file (byte ranges of the whole file).
    pub alias_spans: Vec<std::ops::Range<usize>>,
    /// Index into `Config::ratings`.
    pub rating: Option<usize>,
    pub rating_reason: Option<String>,
    pub profile_source: Option<String>,
    pub facts: Vec<FactSection>,
    /// One per dimension in `Config::dimensions` order, or `None`: not yet scored.
    pub scores: Option<Vec<Score>>,
    pub incidents: Vec<Incident>,
    pub holdings: Vec<Holding>,
    pub sources: Vec<Source>,
    /// Set when the vendor was removed from the registry: it then lives in
    /// `Registry::removed_vendors` and only its tombstone page is built.
    pub removed: Option<Removal>,
    /// The analyst summary, Markdown.
    pub body: String,
}

/// When and why a vendor left the registry (`status = "removed"`).
#[derive(Debug, Clone)]
pub struct Removal {
    pub on: PartialDate,
    pub reason: String,
}

#[derive(Debug, Clone)]
pub struct FactSection {
    pub key: &'static str,
    pub title: &'static str,
    pub rows: Vec<Fact>,
}

#[derive(Debug, Clone)]
pub struct Fact {
    pub key: &'static str,
    pub label: &'static str,
    pub value: FactValue,
    pub detail: Option<String>,
    /// Byte span of the key in the vendor file, for later checks (`check`'s citations).
    pub span: Range<usize>,
}

#[derive(Debug, Clone)]
pub struct Score {
    pub value: u8,
    pub rationale: String,
}

#[derive(Debug, Clone)]
pub struct Incident {
    pub date: PartialDate,
    pub title: String,
    pub summary: String,
    pub source_url: String,
    /// Byte span of `date` in the vendor file.
    pub date_span: Range<usize>,
}

#[derive(Debug, Clone)]
pub struct Holding {
    /// Index into `Registry::certifications`.
    pub certification: usize,
    /// Index into that certification's `levels`.
    pub level: Option<usize>,
    pub scope: Option<String>,
    pub issued: Option<PartialDate>,
    pub valid_until: Option<PartialDate>,
    pub as_of: Option<PartialDate>,
    pub note: Option<String>,
    pub source: String,
    pub source_url: Option<String>,
    pub certificates: Vec<Certificate>,
    /// The editor marked the validity as ended (`lapsed = true`); pages say so.
    pub lapsed: bool,
    /// Byte spans in the vendor file of `certification` and of each date given, for the
    /// date checks of `check`.
    pub span: Range<usize>,
    pub issued_span: Option<Range<usize>>,
    pub valid_until_span: Option<Range<usize>>,
    pub as_of_span: Option<Range<usize>>,
}

#[derive(Debug, Clone)]
pub struct Certificate {
    pub label: Option<String>,
    pub number: String,
}

#[derive(Debug, Clone)]
pub struct Source {
    pub field: String,
    pub url: String,
    pub verified: PartialDate,
    pub verified_by: String,
    /// Byte spans in the vendor file of `field` and `verified`.
    pub field_span: Range<usize>,
    pub verified_span: Range<usize>,
}

#[derive(Debug, Clone)]
pub struct Certification {
    pub slug: String,
    pub file: PathBuf,
    pub name: String,
    pub short_name: String,
    pub kind: String,
    pub kind_label: String,
    pub issuer: String,
    pub region: String,
    pub url: Option<String>,
    pub levels: Vec<Named>,
    pub body: String,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub id: String,
    /// Lower-cased ID: the URL segment.
    pub slug: String,
    pub file: PathBuf,
    pub certification: usize,
    pub scheme_version: Option<String>,
    pub vendor: usize,
    pub declaring_entity: String,
    pub monitoring_body: String,
    pub monitoring_body_url: Option<String>,
    pub approved: PartialDate,
    pub valid_until: PartialDate,
    pub level: Option<usize>,
    pub earlier_reports: Vec<String>,
    pub source: String,
    pub source_url: Option<String>,
    pub controls_examined: Vec<String>,
    pub services: Vec<ServiceGroup>,
    /// Old site paths that redirect to this report.
    pub aliases: Vec<String>,
    pub body: String,
    /// Byte spans in the report file of `approved` and `valid_until`.
    pub approved_span: Range<usize>,
    pub valid_until_span: Range<usize>,
}

#[derive(Debug, Clone)]
pub struct ServiceGroup {
    pub category: String,
    pub items: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Framework {
    pub slug: String,
    pub file: PathBuf,
    pub name: String,
    pub short_name: String,
    pub version: String,
    pub publisher: String,
    pub url: Option<String>,
    pub description: String,
    pub entry_label: String,
    pub order: i64,
    pub entries: Vec<Entry>,
    /// The earlier edition (a framework slug) this one replaces, and the source of the
    /// correspondence; each entry's `previous` is an ID there.
    pub supersedes: Option<(String, String)>,
    pub crosswalks: Vec<Crosswalk>,
}

/// A publisher's mapping from this framework's entries to another framework's entries or
/// categories (IDs checked at load).
#[derive(Debug, Clone)]
pub struct Crosswalk {
    pub framework: String,
    pub source: String,
    /// (entry ID here, entry or category ID there, primary rather than supporting).
    pub maps: Vec<(String, String, bool)>,
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub description: String,
    /// Indices into `Config::dimensions`.
    pub dimensions: Vec<usize>,
    pub categories: Vec<SubEntry>,
    /// This entry's ID in the superseded edition.
    pub previous: Option<String>,
    /// Why no entry of the next edition carries this one on.
    pub retired: Option<String>,
    /// Old page addresses, redirected here.
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct SubEntry {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, Default)]
pub struct Questions {
    pub intro: String,
    pub items: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub slug: String,
    pub file: PathBuf,
    pub title: String,
    pub description: Option<String>,
    pub body: String,
}

/// The whole validated registry, sorted by slug/ID for deterministic output.
#[derive(Debug, Clone)]
pub struct Registry {
    pub config: Config,
    /// Listed vendors: everything that lists, scores or links vendors uses these.
    pub vendors: Vec<Vendor>,
    /// Vendors with `status = "removed"`: a tombstone page each, nothing else.
    pub removed_vendors: Vec<Vendor>,
    pub certifications: Vec<Certification>,
    pub reports: Vec<Report>,
    pub frameworks: Vec<Framework>,
    pub questions: Questions,
    pub pages: Vec<Page>,
}

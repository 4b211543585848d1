//! The typed, validated model: what the loader produces and every later stage reads.
//! Plain data with no behaviour; indices (e.g. `Vendor::category`) point into the vectors of
//! `Config` and `Registry`, which keeps the model cheap to clone and free of lifetimes.

use std::ops::Range;
use std::path::PathBuf;

pub use super::evidence::{Basis, Confidence, Rule, ScoreBasis, SourceKind, Validity};
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
    /// A source verified longer ago than this is stale.
    pub stale_after_days: i64,
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
    pub subcategory: Option<String>,
    pub founded: Option<i64>,
    /// `company` or `service`; `None`: not recorded.
    pub founded_refers_to: Option<String>,
    pub service_launched: Option<PartialDate>,
    pub ownership: Option<String>,
    pub listings: Vec<Listing>,
    pub identity_sources: Vec<Source>,
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
    pub published_composites: Vec<PublishedComposite>,
    pub incidents: Vec<Incident>,
    pub holdings: Vec<Holding>,
    pub sources: Vec<Citation>,
    /// Set when the vendor was removed from the registry: it then lives in
    /// `Registry::removed_vendors` and only its tombstone page is built.
    pub removed: Option<Removal>,
    /// The analyst summary, Markdown.
    pub body: String,
}

#[derive(Debug, Clone)]
pub struct Listing {
    pub exchange: String,
    pub tickers: Vec<String>,
    pub entity: Option<String>,
    pub first_trading_day: Option<PartialDate>,
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
    /// The fact's own sources (besides the rows of the vendor's sources table).
    pub sources: Vec<Source>,
    /// When `value` is `Disputed`: each value the sources give, two or more.
    pub disputed: Vec<Claim>,
    /// Byte span of the key in the vendor file, for later checks (`check`'s citations).
    pub span: Range<usize>,
}

/// One value of a disputed fact and the sources that state it.
#[derive(Debug, Clone)]
pub struct Claim {
    pub value: FactValue,
    pub detail: Option<String>,
    pub sources: Vec<Source>,
}

#[derive(Debug, Clone)]
pub struct Score {
    pub value: u8,
    pub rationale: String,
    /// `None`: not recorded.
    pub basis: Option<ScoreBasis>,
    pub assessor: Option<String>,
    pub assessed: Option<PartialDate>,
    pub sources: Vec<Source>,
}

/// A composite a source publishes, which the vendor's scores reproduce (checked at load).
#[derive(Debug, Clone)]
pub struct PublishedComposite {
    /// Index into `Config::profiles`.
    pub profile: usize,
    pub tenths: u32,
    pub date: Option<PartialDate>,
    pub sources: Vec<Source>,
}

#[derive(Debug, Clone)]
pub struct Incident {
    pub date: PartialDate,
    /// `occurred`, `discovered`, `disclosed`, `reported`; `None`: not recorded.
    pub date_kind: Option<String>,
    pub title: String,
    pub summary: String,
    /// `ongoing`, `resolved`, `disputed`; `None`: not recorded.
    pub status: Option<String>,
    pub confidence: Option<Confidence>,
    pub affected_services: Vec<String>,
    /// At least one.
    pub sources: Vec<Source>,
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
    /// The scheme's edition or version it was assessed against.
    pub edition: Option<String>,
    /// How the registry knows it; `None`: not recorded (never counted as verified).
    pub basis: Option<Basis>,
    pub confidence: Option<Confidence>,
    pub issued: Option<PartialDate>,
    /// The start of validity when it differs from `issued`.
    pub valid_from: Option<PartialDate>,
    pub announced: Option<PartialDate>,
    pub valid_until: Option<PartialDate>,
    pub period: Option<Period>,
    pub withdrawn: Option<PartialDate>,
    pub as_of: Option<PartialDate>,
    pub note: Option<String>,
    /// At least one.
    pub sources: Vec<Source>,
    pub certificates: Vec<Certificate>,
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

/// A start and an end, `end` not before `start` (checked at load).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: PartialDate,
    pub end: PartialDate,
}

/// Where something is stated. At least one of `url`, `title` and `publisher` is set.
#[derive(Debug, Clone, Default)]
pub struct Source {
    pub url: Option<String>,
    pub title: Option<String>,
    pub publisher: Option<String>,
    pub quote: Option<String>,
    pub note: Option<String>,
    /// The date the source itself carries.
    pub date: Option<PartialDate>,
    /// When an editor last checked it, and who.
    pub verified: Option<PartialDate>,
    pub verified_by: Option<String>,
    pub kind: Option<SourceKind>,
    /// Byte span in the file of `verified`, for `check`'s stale-source warning.
    pub verified_span: Option<Range<usize>>,
}

/// One row of a vendor's cited-sources table: the fact (`<section>.<key>` or
/// `scores.<dimension>`) and its source.
#[derive(Debug, Clone)]
pub struct Citation {
    pub field: String,
    pub source: Source,
    /// Byte span in the vendor file of `field`.
    pub field_span: Range<usize>,
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
    /// The rule for holdings that state no end (`Validity::STATED` when the file gives none).
    pub validity: Validity,
    /// Per level, in `levels` order: a rule that replaces `validity` at that level.
    pub level_validity: Vec<Option<Validity>>,
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
    /// `None`: not recorded (a report known only by its ID).
    pub approved: Option<PartialDate>,
    pub valid_until: Option<PartialDate>,
    pub level: Option<usize>,
    pub earlier_reports: Vec<String>,
    /// At least one.
    pub sources: Vec<Source>,
    pub controls_examined: Vec<String>,
    pub services: Vec<ServiceGroup>,
    /// Old site paths that redirect to this report.
    pub aliases: Vec<String>,
    pub body: String,
    /// Byte spans in the report file of `approved` and `valid_until`, when given.
    pub approved_span: Option<Range<usize>>,
    pub valid_until_span: Option<Range<usize>>,
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
    pub vendors: Vec<Box<Vendor>>,
    /// Vendors with `status = "removed"`: a tombstone page each, nothing else.
    pub removed_vendors: Vec<Box<Vendor>>,
    pub certifications: Vec<Certification>,
    pub reports: Vec<Report>,
    pub frameworks: Vec<Framework>,
    pub questions: Questions,
    pub pages: Vec<Page>,
}

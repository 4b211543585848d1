//! The editor-facing formats of evidence, as serde reads them (the rest of the formats are in
//! `raw.rs`): sources, cited-sources rows, periods, a scheme's levels and validity rule,
//! published composites, the values of a disputed fact and stock listings.

use schemars::JsonSchema;
use serde::Deserialize;

use super::raw::S;
use super::text::{Name, Text};
use crate::date::PartialDate;

/// An interval with a start and an end, each in the source's precision.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPeriod {
    /// The first day, month or year the period covers.
    #[schemars(with = "PartialDate")]
    pub start: S<PartialDate>,
    /// The last day, month or year it covers; on or after `start`.
    #[schemars(with = "PartialDate")]
    pub end: S<PartialDate>,
}

/// Where something is stated: a document, a page or a register entry. At least one of `url`,
/// `title` and `publisher`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    /// Where it can be read (http or https).
    #[schemars(with = "Option<String>")]
    pub url: Option<S<String>>,
    /// The document's title as it gives it.
    pub title: Option<Text>,
    /// Who published it.
    pub publisher: Option<Name>,
    /// A short quotation of what it says.
    pub quote: Option<Text>,
    /// What a reader should know about it.
    pub note: Option<Text>,
    /// The date the source itself carries (published or last updated).
    #[schemars(with = "Option<PartialDate>")]
    pub date: Option<S<PartialDate>>,
    /// When an editor last checked that it says what we cite it for.
    #[schemars(with = "Option<PartialDate>")]
    pub verified: Option<S<PartialDate>>,
    /// Who checked it; only with `verified`.
    pub verified_by: Option<Name>,
    /// `primary` (the vendor or the issuer) or `secondary` (anyone else).
    #[schemars(with = "Option<String>", regex(pattern = "^(primary|secondary)$"))]
    pub kind: Option<S<String>>,
}

/// One row of the cited-sources table: a fact and the source that states it. The source's
/// keys are those of [`RawSource`]; at least one of `url`, `title` and `publisher`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCitation {
    /// The fact it cites, as "<section>.<key>" (e.g. "data_handling.trains_on_user_data") or "scores.<dimension>".
    #[schemars(with = "String")]
    pub field: S<String>,
    /// Where the fact can be checked (http or https).
    #[schemars(with = "Option<String>")]
    pub url: Option<S<String>>,
    /// The document's title as it gives it.
    pub title: Option<Text>,
    /// Who published it.
    pub publisher: Option<Name>,
    /// A short quotation of what it says.
    pub quote: Option<Text>,
    /// What a reader should know about it.
    pub note: Option<Text>,
    /// The date the source itself carries (published or last updated).
    #[schemars(with = "Option<PartialDate>")]
    pub date: Option<S<PartialDate>>,
    /// When someone last checked that the source says what the fact says.
    #[schemars(with = "Option<PartialDate>")]
    pub verified: Option<S<PartialDate>>,
    /// Who checked it; only with `verified`.
    pub verified_by: Option<Name>,
    /// `primary` (the vendor or the issuer) or `secondary` (anyone else).
    #[schemars(with = "Option<String>", regex(pattern = "^(primary|secondary)$"))]
    pub kind: Option<S<String>>,
}

impl RawCitation {
    /// The source part of the row, as every other source is read.
    pub fn source(&self) -> RawSourceRef<'_> {
        RawSourceRef {
            url: self.url.as_ref(),
            title: self.title.as_ref(),
            publisher: self.publisher.as_ref(),
            quote: self.quote.as_ref(),
            note: self.note.as_ref(),
            date: self.date.as_ref(),
            verified: self.verified.as_ref(),
            verified_by: self.verified_by.as_ref(),
            kind: self.kind.as_ref(),
        }
    }
}

impl RawSource {
    pub fn source(&self) -> RawSourceRef<'_> {
        RawSourceRef {
            url: self.url.as_ref(),
            title: self.title.as_ref(),
            publisher: self.publisher.as_ref(),
            quote: self.quote.as_ref(),
            note: self.note.as_ref(),
            date: self.date.as_ref(),
            verified: self.verified.as_ref(),
            verified_by: self.verified_by.as_ref(),
            kind: self.kind.as_ref(),
        }
    }
}

/// The keys of a source, borrowed from whichever table holds them (`RawSource` or a
/// `RawCitation` row), so one function validates both.
pub struct RawSourceRef<'a> {
    pub url: Option<&'a S<String>>,
    pub title: Option<&'a Text>,
    pub publisher: Option<&'a Name>,
    pub quote: Option<&'a Text>,
    pub note: Option<&'a Text>,
    pub date: Option<&'a S<PartialDate>>,
    pub verified: Option<&'a S<PartialDate>>,
    pub verified_by: Option<&'a Name>,
    pub kind: Option<&'a S<String>>,
}

/// A level of a scheme; its own `validity` replaces the scheme's for holdings at that level.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLevel {
    #[schemars(with = "String")]
    pub key: S<String>,
    pub name: Name,
    #[serde(default)]
    pub description: Text,
    pub validity: Option<RawValidity>,
}

/// A scheme's validity rule, used when a holding states no `valid_until`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawValidity {
    /// `term`: valid for `months` from `issued`; `period`: covers `months` after the end of
    /// the holding's `period` (a SOC 2 report); `stated`: only a stated `valid_until` counts.
    #[schemars(with = "String", regex(pattern = "^(term|period|stated)$"))]
    pub rule: S<String>,
    /// The length of the term, or of the coverage after the period; needed by `term` and `period`.
    #[schemars(with = "Option<i64>", range(min = 1, max = 120))]
    pub months: Option<S<i64>>,
    /// Days before the end when a holding shows as expiring (default: site.toml's
    /// `expiring_within_days`).
    #[schemars(with = "Option<i64>", range(min = 0, max = 3650))]
    pub expiring_within_days: Option<S<i64>>,
}

/// A composite score a source publishes: the dimension scores must reproduce it.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPublishedComposite {
    /// The `key` of the weight profile it is computed under.
    #[schemars(with = "String")]
    pub profile: S<String>,
    /// The figure as published, with one decimal, e.g. 42.2.
    #[schemars(with = "f64", range(min = 0, max = 100))]
    pub value: S<f64>,
    /// The date the source gives for it.
    #[schemars(with = "Option<PartialDate>")]
    pub date: Option<S<PartialDate>>,
    /// The sources that publish it (at least one), as in [[certifications.sources]].
    #[serde(default)]
    #[schemars(with = "Vec<RawSource>")]
    pub sources: Vec<S<RawSource>>,
}

/// One value of a disputed fact, with the sources that state it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawClaim {
    pub value: String,
    pub detail: Option<Text>,
    #[serde(default)]
    pub sources: Vec<S<RawSource>>,
}

/// A stock listing of the vendor or its listed parent.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawListing {
    /// The exchange, e.g. "NYSE".
    pub exchange: Name,
    /// Zero or more tickers on that exchange.
    #[serde(default)]
    pub tickers: Vec<Name>,
    /// The listed entity, when it is not the vendor itself.
    pub entity: Option<Name>,
    /// The first day of trading.
    #[schemars(with = "Option<PartialDate>")]
    pub first_trading_day: Option<S<PartialDate>>,
}

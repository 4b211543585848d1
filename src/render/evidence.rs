//! What pages show of the registry's evidence: sources, holdings with their status, basis and
//! confidence, and the methodology's vocabularies and per-scheme validity rules. Views only:
//! the status comes from `derive::status`, never from here.

use serde::Serialize;

use super::views::{cert_link, KeyName, Link, Pair};
use crate::date::Day;
use crate::derive::Status;
use crate::model::{Basis, Confidence, Holding, Registry, ScoreBasis};

/// A source as pages show it: every URL is a link, and printed.
#[derive(Serialize)]
pub struct SourceView {
    pub url: Option<String>,
    pub title: Option<String>,
    pub publisher: Option<String>,
    pub quote: Option<String>,
    pub note: Option<String>,
    pub date: Option<String>,
    pub verified: Option<String>,
    pub verified_by: Option<String>,
    pub kind: Option<KeyName>,
    /// Verified longer ago than site.toml's `stale_after_days`.
    pub stale: bool,
}

impl SourceView {
    pub fn new(s: &crate::model::Source, reg: &Registry, today: Day) -> SourceView {
        SourceView {
            stale: crate::derive::status::source_stale(s, today, reg.config.stale_after_days),
            url: s.url.clone(),
            title: s.title.clone(),
            publisher: s.publisher.clone(),
            quote: s.quote.clone(),
            note: s.note.clone(),
            date: s.date.map(|d| d.human()),
            verified: s.verified.map(|d| d.to_string()),
            verified_by: s.verified_by.clone(),
            kind: s.kind.map(|k| KeyName {
                key: k.key().into(),
                name: k.label().into(),
            }),
        }
    }
}

/// Sources as pages show them.
pub fn sources_view(
    sources: &[crate::model::Source],
    reg: &Registry,
    today: Day,
) -> Vec<SourceView> {
    sources
        .iter()
        .map(|s| SourceView::new(s, reg, today))
        .collect()
}

/// One value of a disputed fact.
#[derive(Serialize)]
pub struct ClaimView {
    pub display: String,
    pub state: String,
    pub detail: Option<String>,
    pub sources: Vec<SourceView>,
}

pub fn claims_view(claims: &[crate::model::Claim], reg: &Registry, today: Day) -> Vec<ClaimView> {
    claims
        .iter()
        .map(|c| ClaimView {
            display: c.value.display(),
            state: c.value.state().to_string(),
            detail: c.detail.clone(),
            sources: sources_view(&c.sources, reg, today),
        })
        .collect()
}

/// A row of the cited-sources table.
#[derive(Serialize)]
pub struct CitationView {
    pub field: String,
    pub label: String,
    #[serde(flatten)]
    pub source: SourceView,
}

/// A vocabulary value as pages show it: `key` for CSS classes, `name` to read.
pub fn key_name(key: &str, name: &str) -> KeyName {
    KeyName {
        key: key.into(),
        name: name.into(),
    }
}

#[derive(Serialize)]
pub struct HoldingView {
    pub certification: Link,
    pub kind: String,
    pub level: Option<String>,
    pub scope: Option<String>,
    pub edition: Option<String>,
    pub issued: Option<String>,
    pub valid_from: Option<String>,
    pub announced: Option<String>,
    /// As the source states it.
    pub valid_until: Option<String>,
    /// The end the status engine derived from the scheme's rule, when none is stated.
    pub valid_by_rule: Option<String>,
    pub period: Option<Pair>,
    pub withdrawn: Option<String>,
    pub as_of: Option<String>,
    pub note: Option<String>,
    pub sources: Vec<SourceView>,
    pub certificates: Vec<Pair>,
    /// From the status engine.
    pub status: KeyName,
    /// `None`: not recorded.
    pub basis: Option<KeyName>,
    pub confidence: Option<KeyName>,
    /// A certificate or report was seen and the status is current.
    pub verified_current: bool,
}

/// A holding as the vendor page, the pack and the certification page show it.
pub fn holding_view(
    reg: &Registry,
    h: &Holding,
    a: &crate::derive::Assessed,
    today: Day,
) -> HoldingView {
    let c = &reg.certifications[h.certification];
    HoldingView {
        certification: cert_link(reg, h),
        kind: c.kind_label.clone(),
        level: h.level.map(|l| c.levels[l].name.clone()),
        scope: h.scope.clone(),
        edition: h.edition.clone(),
        issued: h.issued.map(|d| d.human()),
        valid_from: h.valid_from.map(|d| d.human()),
        announced: h.announced.map(|d| d.human()),
        valid_until: h.valid_until.map(|d| d.human()),
        valid_by_rule: a.until.filter(|_| a.by_rule).map(|d| d.human()),
        period: h.period.map(|p| Pair {
            label: p.start.human(),
            value: p.end.human(),
        }),
        withdrawn: h.withdrawn.map(|d| d.human()),
        as_of: h.as_of.map(|d| d.human()),
        note: h.note.clone(),
        sources: h
            .sources
            .iter()
            .map(|s| SourceView::new(s, reg, today))
            .collect(),
        certificates: h
            .certificates
            .iter()
            .map(|c| Pair {
                label: c.label.clone().unwrap_or_default(),
                value: c.number.clone(),
            })
            .collect(),
        status: key_name(a.status.key(), a.status.label()),
        basis: h.basis.map(|b| key_name(b.key(), b.label())),
        confidence: h.confidence.map(|c| key_name(c.key(), c.label())),
        verified_current: crate::derive::verified_current(h, a),
    }
}

/// Where a vendor's scores come from, for the words the pages must use.
#[derive(Serialize)]
pub struct ScoreProvenance {
    /// Some dimension score is the registry's own judgement: pages say "editorial assessment".
    pub editorial: bool,
    /// Every dimension score is.
    pub all_editorial: bool,
    /// Some dimension score does not record its basis.
    pub basis_unrecorded: bool,
    /// Composites a source published, each reproduced by the breakdown (checked at load).
    pub published: Vec<PublishedView>,
}

#[derive(Serialize)]
pub struct PublishedView {
    pub profile: KeyName,
    pub value: String,
    pub date: Option<String>,
    pub sources: Vec<SourceView>,
}

pub fn score_provenance(reg: &Registry, v: &crate::model::Vendor, today: Day) -> ScoreProvenance {
    let scores = v.scores.as_deref().unwrap_or_default();
    let editorial = |s: &crate::model::Score| s.basis == Some(ScoreBasis::Editorial);
    ScoreProvenance {
        editorial: scores.iter().any(editorial),
        all_editorial: !scores.is_empty() && scores.iter().all(editorial),
        basis_unrecorded: scores.iter().any(|s| s.basis.is_none()),
        published: v
            .published_composites
            .iter()
            .map(|p| {
                let profile = &reg.config.profiles[p.profile];
                PublishedView {
                    profile: key_name(&profile.key, &profile.name),
                    value: format!("{}.{}", p.tenths / 10, p.tenths % 10),
                    date: p.date.map(|d| d.human()),
                    sources: p
                        .sources
                        .iter()
                        .map(|s| SourceView::new(s, reg, today))
                        .collect(),
                }
            })
            .collect(),
    }
}

/// What a basis, a confidence or a status means.
#[derive(Serialize)]
pub struct Meaning {
    pub key: &'static str,
    pub name: &'static str,
    pub meaning: &'static str,
}

/// A scheme's validity rule as the methodology lists it.
#[derive(Serialize)]
pub struct SchemeRule {
    pub url: String,
    pub name: String,
    pub rule: String,
    /// Days before the end of validity a holding or report is `expiring`.
    pub window: i64,
    pub levels: Vec<Pair>,
}

/// The methodology's evidence section.
#[derive(Serialize)]
pub struct EvidenceMethodology {
    pub bases: Vec<Meaning>,
    pub confidences: Vec<Meaning>,
    pub statuses: Vec<Meaning>,
    pub schemes: Vec<SchemeRule>,
    pub expiring_within_days: i64,
    pub stale_after_days: i64,
}

/// The methodology's evidence section: what each basis, confidence and status means, and
/// every scheme's validity rule.
pub fn methodology(reg: &Registry) -> EvidenceMethodology {
    let meaning = |key, name, meaning| Meaning { key, name, meaning };
    EvidenceMethodology {
        bases: Basis::ALL
            .iter()
            .map(|b| meaning(b.key(), b.label(), b.meaning()))
            .collect(),
        confidences: Confidence::ALL
            .iter()
            .map(|c| meaning(c.key(), c.label(), c.meaning()))
            .collect(),
        statuses: Status::ALL
            .iter()
            .map(|s| meaning(s.key(), s.label(), s.meaning()))
            .collect(),
        schemes: reg
            .certifications
            .iter()
            .map(|c| SchemeRule {
                url: crate::urls::certification(&c.slug),
                name: c.short_name.clone(),
                rule: c.validity.describe(),
                window: c
                    .validity
                    .expiring_within_days
                    .unwrap_or(reg.config.expiring_within_days),
                levels: c
                    .levels
                    .iter()
                    .zip(&c.level_validity)
                    .filter_map(|(l, v)| {
                        v.map(|v| Pair {
                            label: l.name.clone(),
                            value: v.describe(),
                        })
                    })
                    .collect(),
            })
            .collect(),
        expiring_within_days: reg.config.expiring_within_days,
        stale_after_days: reg.config.stale_after_days,
    }
}

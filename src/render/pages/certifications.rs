//! The certifications section: the list of schemes and one page per scheme, its holders
//! grouped by what the registry knows of each holding.

use std::sync::Arc;

use minijinja::Value;
use serde::Serialize;

use super::{job, meta, to_value, Job, Shared};
use crate::derive::{holdings_of, Derived, HolderGroup};
use crate::model::{Certification, Registry};
use crate::render::markdown;
use crate::render::views::{holding_view, report_row, HoldingView, Pair, ReportRow};
use crate::urls;

#[derive(Serialize)]
struct CertificationsPage {
    certifications: Vec<CertRow>,
}

#[derive(Serialize)]
struct CertRow {
    name: String,
    url: String,
    kind: String,
    issuer: String,
    region: String,
    holders: usize,
    /// Holders with a verified, current holding.
    verified: usize,
    reports: usize,
}

#[derive(Serialize)]
struct CertificationPage {
    cert: CertView,
    validity: Validity,
    verified: Vec<Holder>,
    unverified: Vec<Holder>,
    ended: Vec<Holder>,
    reports: Vec<ReportRow>,
}

#[derive(Serialize)]
struct CertView {
    name: String,
    short_name: String,
    kind: String,
    issuer: String,
    region: String,
    /// The scheme's own site.
    url: Option<String>,
    levels: Vec<Pair>,
    body_html: Value,
}

/// The scheme's validity rule and each level's own, as sentences.
#[derive(Serialize)]
struct Validity {
    rule: String,
    levels: Vec<Pair>,
}

/// One holding of the scheme, with its vendor's row.
#[derive(Serialize)]
struct Holder {
    vendor: Value,
    holding: HoldingView,
}

/// Vendors with at least one verified, current holding of `ci`.
fn verified_holders(reg: &Registry, der: &Derived, ci: usize) -> usize {
    let mut vendors: Vec<usize> = holdings_of(reg, der, ci)
        .into_iter()
        .filter(|(_, _, g)| *g == HolderGroup::Verified)
        .map(|(vi, _, _)| vi)
        .collect();
    vendors.dedup();
    vendors.len()
}

fn validity(c: &Certification) -> Validity {
    Validity {
        rule: c.validity.describe(),
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
    }
}

pub(super) fn index<'a>(reg: &'a Registry, der: &'a Derived) -> Job<'a> {
    job(
        urls::CERTIFICATIONS.into(),
        "certifications.html",
        "Certifications and schemes",
        move || CertificationsPage {
            certifications: rows(reg, der),
        },
    )
}

fn rows(reg: &Registry, der: &Derived) -> Vec<CertRow> {
    let mut rows: Vec<CertRow> = reg
        .certifications
        .iter()
        .enumerate()
        .map(|(ci, c)| CertRow {
            name: c.name.clone(),
            url: urls::certification(&c.slug),
            kind: c.kind_label.clone(),
            issuer: c.issuer.clone(),
            region: c.region.clone(),
            holders: der.holders_by_cert[ci].len(),
            verified: verified_holders(reg, der, ci),
            reports: der.reports_by_cert[ci].len(),
        })
        .collect();
    rows.sort_by_key(|a| a.name.to_lowercase());
    rows
}

pub(super) fn certification<'a>(
    reg: &'a Registry,
    der: &'a Derived,
    ci: usize,
    shared: &Arc<Shared<'a>>,
) -> Job<'a> {
    let c = &reg.certifications[ci];
    let shared = Arc::clone(shared);
    Job {
        vendor: None,
        pages: vec![meta(
            urls::certification(&c.slug),
            "certification.html",
            c.name.clone(),
        )],
        ctx: Box::new(move || {
            // Grouped by what the registry knows: a claim never sits with the certificates.
            let mut groups: [Vec<Holder>; 3] = Default::default();
            for (vi, hi, group) in holdings_of(reg, der, ci) {
                let h = &reg.vendors[vi].holdings[hi];
                groups[group as usize].push(Holder {
                    vendor: shared.rows()[vi].clone(),
                    holding: holding_view(reg, h, &der.holding_status[vi][hi], der.build_date),
                });
            }
            let [verified, unverified, ended] = groups;
            let cert = CertView {
                name: c.name.clone(),
                short_name: c.short_name.clone(),
                kind: c.kind_label.clone(),
                issuer: c.issuer.clone(),
                region: c.region.clone(),
                url: c.url.clone(),
                levels: c
                    .levels
                    .iter()
                    .map(|l| Pair {
                        label: l.name.clone(),
                        value: l.description.clone(),
                    })
                    .collect(),
                body_html: Value::from_safe_string(markdown::to_html_avoiding(
                    &c.body,
                    1,
                    &shared.reserved,
                )),
            };
            vec![to_value(CertificationPage {
                cert,
                validity: validity(c),
                verified,
                unverified,
                ended,
                reports: der.reports_by_cert[ci]
                    .iter()
                    .map(|ri| report_row(reg, der, *ri))
                    .collect(),
            })]
        }),
    }
}

//! The home page: counts, the highest-risk vendors, the unscored ones, the recently verified
//! and the reports that need attention.

use serde::Serialize;

use std::sync::Arc;

use super::{meta, to_value, Job, Shared};
use crate::derive::{Derived, Status};
use crate::model::Registry;
use crate::render::editions;
use crate::render::views::{report_row, ReportRow, VendorRow};
use crate::urls;

#[derive(Serialize)]
struct HomePage<'a> {
    counts: Counts,
    highest_risk: Vec<&'a VendorRow>,
    unscored: Vec<&'a VendorRow>,
    recently_verified: Vec<Verified<'a>>,
    attention: Vec<ReportRow>,
}

#[derive(Serialize)]
struct Counts {
    vendors: usize,
    scored: usize,
    certifications: usize,
    reports: usize,
    /// Current editions only.
    frameworks: usize,
}

#[derive(Serialize)]
struct Verified<'a> {
    date: String,
    vendor: &'a VendorRow,
}

pub(super) fn home<'a>(reg: &'a Registry, der: &'a Derived, shared: &Arc<Shared<'a>>) -> Job<'a> {
    let shared = Arc::clone(shared);
    Job {
        vendor: None,
        pages: vec![meta(
            urls::HOME.into(),
            "index.html",
            reg.config.title.clone(),
        )],
        // The view borrows the shared rows, so it becomes a template value right here.
        ctx: Box::new(move || vec![to_value(view(reg, der, shared.vendor_rows()))]),
    }
}

fn view<'r>(reg: &Registry, der: &Derived, rows: &'r [VendorRow]) -> HomePage<'r> {
    let mut ranked: Vec<&VendorRow> = rows.iter().filter(|r| r.composite.is_some()).collect();
    ranked.sort_by(|a, b| {
        b.composite
            .as_ref()
            .map(|c| c.value)
            .partial_cmp(&a.composite.as_ref().map(|c| c.value))
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.slug.cmp(&b.slug))
    });
    let unscored: Vec<&VendorRow> = rows.iter().filter(|r| r.composite.is_none()).collect();
    // "Recently verified": the newest verification date in each vendor's sources table.
    let mut verified: Vec<(String, &VendorRow)> = reg
        .vendors
        .iter()
        .zip(rows)
        .filter_map(|(v, row)| {
            v.sources
                .iter()
                .filter_map(|s| s.source.verified)
                .max_by_key(|d| d.last_day())
                .map(|d| (d.to_string(), row))
        })
        .collect();
    verified.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.slug.cmp(&b.1.slug)));
    let attention: Vec<ReportRow> = (0..reg.reports.len())
        .filter(|ri| der.report_status[*ri].status != Status::Valid)
        .map(|ri| report_row(reg, der, ri))
        .collect();
    let counts = Counts {
        vendors: reg.vendors.len(),
        scored: ranked.len(),
        certifications: reg.certifications.len(),
        reports: reg.reports.len(),
        frameworks: (0..reg.frameworks.len())
            .filter(|fi| editions::successor(reg, *fi).is_none())
            .count(),
    };
    HomePage {
        counts,
        highest_risk: ranked.into_iter().take(5).collect(),
        unscored,
        recently_verified: verified
            .into_iter()
            .take(5)
            .map(|(date, vendor)| Verified { date, vendor })
            .collect(),
        attention,
    }
}

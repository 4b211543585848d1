//! The register of verification reports: the list, and one page per report.

use std::sync::Arc;

use minijinja::Value;
use serde::Serialize;

use super::{job, meta, to_value, Job, Shared};
use crate::derive::Derived;
use crate::model::Registry;
use crate::render::markdown;
use crate::render::views::{report_row, sources_view, Link, ReportRow, SourceView};
use crate::urls;

#[derive(Serialize)]
struct RegisterPage {
    reports: Vec<ReportRow>,
}

#[derive(Serialize)]
struct ReportPage {
    report: ReportRow,
    scheme_name: String,
    scheme_version: Option<String>,
    level_description: Option<String>,
    declaring_entity: String,
    monitoring_body: String,
    monitoring_body_url: Option<String>,
    earlier_reports: Vec<Link>,
    sources: Vec<SourceView>,
    controls: Vec<String>,
    services: Vec<Services>,
    service_count: usize,
    body_html: Value,
}

/// The services a report covers, in one category.
#[derive(Serialize)]
struct Services {
    category: String,
    items: Vec<String>,
}

pub(super) fn index<'a>(reg: &'a Registry, der: &'a Derived) -> Job<'a> {
    job(
        urls::REGISTER.into(),
        "register.html",
        "Register of verification reports",
        move || RegisterPage {
            reports: (0..reg.reports.len())
                .map(|ri| report_row(reg, der, ri))
                .collect(),
        },
    )
}

pub(super) fn report<'a>(
    reg: &'a Registry,
    der: &'a Derived,
    ri: usize,
    shared: &Arc<Shared<'a>>,
) -> Job<'a> {
    let r = &reg.reports[ri];
    let shared = Arc::clone(shared);
    Job {
        vendor: None,
        pages: vec![meta(
            urls::report(&r.slug),
            "report.html",
            format!("Verification report {}", r.id),
        )],
        ctx: Box::new(move || {
            let c = &reg.certifications[r.certification];
            let earlier: Vec<Link> = r
                .earlier_reports
                .iter()
                .map(|id| Link {
                    url: shared
                        .report_slugs
                        .get(&id.to_ascii_lowercase())
                        .map(|slug| urls::report(slug))
                        .unwrap_or_default(),
                    label: id.clone(),
                })
                .collect();
            vec![to_value(ReportPage {
                report: report_row(reg, der, ri),
                scheme_name: c.name.clone(),
                scheme_version: r.scheme_version.clone(),
                level_description: r.level.map(|l| c.levels[l].description.clone()),
                declaring_entity: r.declaring_entity.clone(),
                monitoring_body: r.monitoring_body.clone(),
                monitoring_body_url: r.monitoring_body_url.clone(),
                earlier_reports: earlier,
                sources: sources_view(&r.sources, reg, der.build_date),
                controls: r.controls_examined.clone(),
                services: r
                    .services
                    .iter()
                    .map(|s| Services {
                        category: s.category.clone(),
                        items: s.items.clone(),
                    })
                    .collect(),
                service_count: r.services.iter().map(|s| s.items.len()).sum(),
                body_html: Value::from_safe_string(markdown::to_html_avoiding(
                    &r.body,
                    1,
                    &shared.reserved,
                )),
            })]
        }),
    }
}

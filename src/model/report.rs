//! A verification report → [`Report`]: its ID matches its file name, its vendor, scheme and
//! level exist, and its dates are in order.

use std::collections::HashMap;

use super::parse::{DiagExt, FileCtx};
use super::raw::RawReport;
use super::vendor::resolve_cert;
use super::{Certification, Report, ServiceGroup, Vendor};
use crate::diagnostic::Code;

pub fn validate(
    raw: RawReport,
    body: String,
    certs: &[Certification],
    vendors: &[Box<Vendor>],
    vendor_index: &HashMap<&str, usize>,
    removed: &[Box<Vendor>],
    ctx: &mut FileCtx,
) -> Option<Report> {
    let before = ctx.diags.len();
    let id = raw.id.get_ref().clone();
    let id_ok = !id.is_empty()
        && id.len() <= 100
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !id.starts_with('-');
    let non_ascii = id.chars().find(|c| !c.is_ascii());
    if let Some(c) = non_ascii {
        // "letters, digits and hyphens" would be wrong here: `É` is a letter. Point at it.
        let span = raw.id.span();
        let at = super::text::find_in_literal(&ctx.file.text[ctx.abs(span.clone())], c)
            .map_or(span.start, |i| span.start + i);
        ctx.error(
            Code::BadName,
            at..at + c.len_utf8(),
            format!(
                "report ID `{id}` holds `{c}` (U+{:04X}), which is not ASCII",
                c as u32
            ),
        )
        .with_help_in_place(
            "report IDs become file names and page addresses: use only A-Z, a-z, 0-9 and hyphens, e.g. `E` for `É`",
        );
    } else if !id_ok {
        ctx.error(
            Code::BadName,
            raw.id.span(),
            format!("report ID `{id}` may only use letters, digits and hyphens"),
        );
    } else if ctx.file.stem() != id.to_lowercase() {
        let ext = ctx.file.extension().to_string();
        ctx.error(
            Code::BadName,
            raw.id.span(),
            format!(
                "report `{id}` is in a file named `{}`",
                ctx.file.path.display()
            ),
        )
        .with_help_in_place(format!("name the file `{}.{ext}`", id.to_lowercase()));
    }
    let certification = resolve_cert(&raw.certification, certs, ctx);
    let gone = removed.iter().find(|v| &v.slug == raw.vendor.get_ref());
    // The index makes this a lookup; the list is walked only to report an unknown vendor.
    let vendor = if let Some(gone) = gone {
        ctx.error(
            Code::UnknownReference,
            raw.vendor.span(),
            format!(
                "vendor `{}` is removed from the registry (status = \"removed\")",
                gone.slug
            ),
        )
        .with_help_in_place(format!(
            "a removed vendor keeps only its tombstone page: delete this report, or list the vendor again in {}",
            gone.file.display()
        ));
        None
    } else if let Some(i) = vendor_index.get(raw.vendor.get_ref().as_str()) {
        Some(*i)
    } else {
        ctx.check_ref(
            "vendor",
            &raw.vendor,
            vendors.iter().map(|v| v.slug.as_str()),
        );
        None
    };
    let level = match (&raw.level, certification) {
        (Some(l), Some(ci)) => {
            let keys: Vec<&str> = certs[ci].levels.iter().map(|l| l.key.as_str()).collect();
            if ctx.check_ref(
                &format!("level of `{}`", certs[ci].slug),
                l,
                keys.iter().copied(),
            ) {
                keys.iter().position(|k| k == l.get_ref())
            } else {
                None
            }
        }
        _ => None,
    };
    if let (Some(a), Some(v)) = (&raw.approved, &raw.valid_until) {
        if v.get_ref().last_day() < a.get_ref().first_day() {
            ctx.error(
                Code::BadDate,
                v.span(),
                format!(
                    "valid_until {} is before the approval date {}",
                    v.get_ref(),
                    a.get_ref()
                ),
            )
            .with_expected_in_place("a date on or after `approved`");
        }
    }
    for a in &raw.aliases {
        ctx.check_alias(a);
    }
    for u in raw.monitoring_body_url.iter() {
        ctx.check_url(u);
    }
    let sources = super::evidence::sources_or_short(
        super::evidence::Short {
            title: raw.source.as_ref(),
            url: raw.source_url.as_ref(),
            url_key: "source_url",
            what: "report",
        },
        &raw.sources,
        raw.id.span(),
        "[[sources]]",
        ctx,
    );
    for e in &raw.earlier_reports {
        if e.get_ref().eq_ignore_ascii_case(&id) {
            ctx.error(
                Code::UnknownReference,
                e.span(),
                "a report cannot list itself as an earlier report",
            );
        }
    }
    if ctx.diags.len() > before {
        return None;
    }
    Some(Report {
        slug: id.to_lowercase(),
        id,
        file: ctx.file.path.clone(),
        certification: certification?,
        scheme_version: raw.scheme_version.map(String::from),
        vendor: vendor?,
        declaring_entity: raw.declaring_entity.into(),
        monitoring_body: raw.monitoring_body.into(),
        monitoring_body_url: raw.monitoring_body_url.map(|u| u.into_inner()),
        approved: raw.approved.as_ref().map(|d| *d.get_ref()),
        valid_until: raw.valid_until.as_ref().map(|d| *d.get_ref()),
        level,
        earlier_reports: raw
            .earlier_reports
            .into_iter()
            .map(|e| e.into_inner())
            .collect(),
        sources,
        controls_examined: super::text::strings(raw.controls_examined),
        services: raw
            .services
            .into_iter()
            .map(|s| ServiceGroup {
                category: s.category.into(),
                items: super::text::strings(s.items),
            })
            .collect(),
        aliases: raw.aliases.into_iter().map(|a| a.into_inner()).collect(),
        body,
        approved_span: raw.approved.as_ref().map(|d| ctx.abs(d.span())),
        valid_until_span: raw.valid_until.as_ref().map(|d| ctx.abs(d.span())),
    })
}

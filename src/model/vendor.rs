//! A vendor file → [`Vendor`]: facts checked against the fact table, scores complete and in
//! range, certifications and levels resolved, the sources table pointing at real facts.

use super::evidence;
use super::facts;
use super::parse::{is_slug, DiagExt, FileCtx};
use super::raw::{RawPeriod, RawVendor};
use super::{
    Basis, Certificate, Certification, Citation, Confidence, Config, FactSection, Holding,
    Incident, Listing, Period, Removal, Source, Vendor,
};
use crate::diagnostic::Code;

pub fn validate(
    raw: RawVendor,
    body: String,
    config: &Config,
    certs: &[Certification],
    ctx: &mut FileCtx,
) -> Option<Vendor> {
    let before = ctx.diags.len();
    let slug = ctx.file.stem().to_string();
    if !is_slug(&slug) {
        ctx.file_error(
            Code::BadName,
            format!("`{slug}` is not a valid vendor slug (the file name)"),
        )
        .with_expected_in_place(
            "lowercase letters, digits and single hyphens, e.g. `acme-cloud.md`",
        );
    }
    let category = if ctx.check_ref(
        "category",
        &raw.category,
        config.categories.iter().map(|c| c.key.as_str()),
    ) {
        config
            .categories
            .iter()
            .position(|c| &c.key == raw.category.get_ref())
    } else {
        None
    };
    let rating = match &raw.rating {
        Some(r) if ctx.check_ref("rating", r, config.ratings.iter().map(|c| c.key.as_str())) => {
            config.ratings.iter().position(|c| &c.key == r.get_ref())
        }
        _ => None,
    };
    if let (Some(r), None) = (&raw.rating, &raw.rating_reason) {
        ctx.error(
            Code::MissingField,
            r.span(),
            "a rating needs a `rating_reason`",
        )
        .with_help_in_place("add rating_reason = \"...\" saying why");
    }
    if let Some(f) = &raw.founded {
        if !(1800..=2100).contains(f.get_ref()) {
            ctx.error(
                Code::OutOfRange,
                f.span(),
                format!("founded year {} is not plausible", f.get_ref()),
            )
            .with_expected_in_place("a four-digit year");
        }
    }
    if let Some(w) = &raw.website {
        ctx.check_url(w);
    }
    for a in &raw.aliases {
        ctx.check_alias(a);
    }
    let removed = removal(&raw, ctx);
    let founded_refers_to = evidence::vocab(
        ctx,
        "founding year reference",
        raw.founded_refers_to.as_ref(),
        &["company", "service"],
        |k| k,
    )
    .map(String::from);
    if let (Some(r), None) = (&raw.founded_refers_to, &raw.founded) {
        ctx.error(
            Code::MissingField,
            r.span(),
            "`founded_refers_to` needs `founded`",
        )
        .with_help_in_place("add founded = YYYY, or remove founded_refers_to");
    }
    let identity_sources: Vec<Source> = raw
        .identity_sources
        .iter()
        .filter_map(|s| evidence::source(s.get_ref().source(), s.span(), ctx))
        .collect();

    let sections = [
        ("security_compliance", &raw.security_compliance),
        ("data_handling", &raw.data_handling),
        ("ip_profile", &raw.ip_profile),
        ("jurisdiction_profiles", &raw.jurisdiction_profiles),
        ("governance", &raw.governance),
    ];
    let facts: Vec<FactSection> = sections
        .iter()
        .map(|(key, table)| super::fact_rows::fact_section(key, table, ctx))
        .collect();

    let scores = raw
        .scores
        .as_ref()
        .map(|s| super::scores::scores(s, config, ctx))
        .unwrap_or(None);
    let published_composites = super::scores::published(
        &raw.published_composites,
        scores.as_deref(),
        raw.scores.is_some(),
        config,
        ctx,
    );

    let mut incidents = Vec::new();
    for i in &raw.incidents {
        let sources = match (&i.source_url, i.sources.is_empty()) {
            // The short form: a URL alone.
            (Some(u), true) => {
                ctx.check_url(u);
                vec![Source {
                    url: Some(u.get_ref().clone()),
                    ..Source::default()
                }]
            }
            (Some(u), false) => {
                ctx.error(
                    Code::Duplicate,
                    u.span(),
                    "this incident has both `source_url` and `sources`",
                )
                .with_help_in_place(
                    "move the URL into one of the [[incidents.sources]] tables as url = \"...\"",
                );
                Vec::new()
            }
            (None, true) => {
                ctx.error(
                    Code::MissingField,
                    i.date.span(),
                    "an incident needs a source: `sources` or `source_url`",
                )
                .with_help_in_place("add [[incidents.sources]] with url or title (and date, kind) for the report of it");
                Vec::new()
            }
            (None, false) => i
                .sources
                .iter()
                .filter_map(|s| evidence::source(s.get_ref().source(), s.span(), ctx))
                .collect(),
        };
        let kinds = ["occurred", "discovered", "disclosed", "reported"];
        let date_kind = evidence::vocab(ctx, "date kind", i.date_kind.as_ref(), &kinds, |k| k);
        let statuses = ["ongoing", "resolved", "disputed"];
        let status = evidence::vocab(ctx, "incident status", i.status.as_ref(), &statuses, |k| k);
        let confidence = evidence::vocab(
            ctx,
            "confidence",
            i.confidence.as_ref(),
            Confidence::ALL,
            Confidence::key,
        );
        incidents.push(Incident {
            date: *i.date.get_ref(),
            date_kind: date_kind.map(String::from),
            title: i.title.clone().into(),
            summary: i.summary.clone().into(),
            status: status.map(String::from),
            confidence,
            affected_services: super::text::strings(i.affected_services.clone()),
            sources,
            date_span: ctx.abs(i.date.span()),
        });
    }
    incidents.sort_by_key(|i| std::cmp::Reverse(i.date.first_day()));

    let mut holdings = Vec::new();
    for h in &raw.certifications {
        let Some(ci) = resolve_cert(&h.certification, certs, ctx) else {
            continue;
        };
        let level = match &h.level {
            Some(l) => {
                let keys: Vec<&str> = certs[ci].levels.iter().map(|l| l.key.as_str()).collect();
                if keys.is_empty() {
                    ctx.error(
                        Code::UnknownReference,
                        l.span(),
                        format!("certification `{}` defines no levels", certs[ci].slug),
                    )
                    .with_help_in_place(format!(
                        "remove `level`, or add [[levels]] to {}",
                        certs[ci].file.display()
                    ));
                    None
                } else if ctx.check_ref(
                    &format!("level of `{}`", certs[ci].slug),
                    l,
                    keys.iter().copied(),
                ) {
                    keys.iter().position(|k| k == l.get_ref())
                } else {
                    None
                }
            }
            None => None,
        };
        if let (Some(f), Some(v)) = (&h.valid_from, &h.valid_until) {
            if v.get_ref().last_day() < f.get_ref().first_day() {
                ctx.error(
                    Code::BadDate,
                    v.span(),
                    format!(
                        "valid_until {} is before valid_from {}",
                        v.get_ref(),
                        f.get_ref()
                    ),
                )
                .with_help_in_place("check the order and the years against the source");
            }
        }
        if let (Some(i), Some(v)) = (&h.issued, &h.valid_until) {
            if v.get_ref().last_day() < i.get_ref().first_day() {
                ctx.error(
                    Code::BadDate,
                    v.span(),
                    format!(
                        "valid_until {} is before issued {}",
                        v.get_ref(),
                        i.get_ref()
                    ),
                );
            }
        }
        let period = h.period.as_ref().and_then(|p| period(p, ctx));
        let basis = evidence::vocab(ctx, "basis", h.basis.as_ref(), Basis::ALL, Basis::key);
        let confidence = evidence::vocab(
            ctx,
            "confidence",
            h.confidence.as_ref(),
            Confidence::ALL,
            Confidence::key,
        );
        let sources = evidence::sources_or_short(
            evidence::Short {
                title: h.source.as_ref(),
                url: h.source_url.as_ref(),
                url_key: "source_url",
                what: "holding",
            },
            &h.sources,
            h.certification.span(),
            "[[certifications.sources]]",
            ctx,
        );
        holdings.push(Holding {
            certification: ci,
            level,
            scope: h.scope.clone().map(String::from),
            edition: h.edition.clone().map(String::from),
            basis,
            confidence,
            issued: h.issued.as_ref().map(|d| *d.get_ref()),
            valid_from: h.valid_from.as_ref().map(|d| *d.get_ref()),
            announced: h.announced.as_ref().map(|d| *d.get_ref()),
            valid_until: h.valid_until.as_ref().map(|d| *d.get_ref()),
            period,
            withdrawn: h.withdrawn.as_ref().map(|d| *d.get_ref()),
            as_of: h.as_of.as_ref().map(|d| *d.get_ref()),
            note: h.note.clone().map(String::from),
            sources,
            certificates: h
                .certificates
                .iter()
                .map(|c| Certificate {
                    label: c.label.clone().map(String::from),
                    number: c.number.clone().into(),
                })
                .collect(),
            span: ctx.abs(h.certification.span()),
            issued_span: h.issued.as_ref().map(|d| ctx.abs(d.span())),
            valid_until_span: h.valid_until.as_ref().map(|d| ctx.abs(d.span())),
            as_of_span: h.as_of.as_ref().map(|d| ctx.abs(d.span())),
        });
    }

    let mut known_fields = facts::all_paths();
    known_fields.extend(
        config
            .dimensions
            .iter()
            .map(|d| format!("scores.{}", d.key)),
    );
    let mut sources = Vec::new();
    for s in &raw.sources {
        ctx.check_ref("fact", &s.field, known_fields.iter().map(String::as_str));
        if let Some(source) = evidence::source(s.source(), s.field.span(), ctx) {
            sources.push(Citation {
                field: s.field.get_ref().clone(),
                source,
                field_span: ctx.abs(s.field.span()),
            });
        }
    }

    if ctx.diags.len() > before {
        return None;
    }
    Some(Vendor {
        slug,
        file: ctx.file.path.clone(),
        name: raw.name.into(),
        category: category?,
        description: raw.description.into(),
        hq_country: raw.hq_country.map(String::from),
        hq_city: raw.hq_city.map(String::from),
        subcategory: raw.subcategory.map(String::from),
        founded: raw.founded.map(|f| f.into_inner()),
        founded_refers_to,
        service_launched: raw.service_launched.map(|d| d.into_inner()),
        ownership: raw.ownership.map(String::from),
        listings: raw
            .listings
            .into_iter()
            .map(|l| Listing {
                exchange: l.exchange.into(),
                tickers: super::text::strings(l.tickers),
                entity: l.entity.map(String::from),
                first_trading_day: l.first_trading_day.map(|d| d.into_inner()),
            })
            .collect(),
        identity_sources,
        ticker: raw.ticker.map(String::from),
        parent: raw.parent.map(String::from),
        employees: raw.employees.map(String::from),
        stage: raw.stage.map(String::from),
        website: raw.website.map(|w| w.into_inner()),
        legal_entities: super::text::strings(raw.legal_entities),
        alias_spans: raw
            .aliases
            .iter()
            .map(|a| a.span().start + ctx.offset..a.span().end + ctx.offset)
            .collect(),
        aliases: raw.aliases.into_iter().map(|a| a.into_inner()).collect(),
        rating,
        rating_reason: raw.rating_reason.map(String::from),
        profile_source: raw.profile_source.map(String::from),
        facts,
        scores,
        published_composites,
        incidents,
        holdings,
        sources,
        removed,
        body,
    })
}

/// `status = "removed"` with the date and the reason, or `None`: the vendor is listed.
fn removal(raw: &RawVendor, ctx: &mut FileCtx) -> Option<Removal> {
    let status = raw.status.as_ref();
    let removed = match status {
        Some(s) => ctx.check_ref("status", s, ["listed", "removed"]) && s.get_ref() == "removed",
        None => false,
    };
    if !removed {
        let stray = raw
            .removed_on
            .as_ref()
            .map(|d| d.span())
            .or(raw.removed_reason.as_ref().map(|r| r.span()));
        if let (Some(span), true) = (stray, status.is_none_or(|s| s.get_ref() == "listed")) {
            ctx.error(
                Code::MissingField,
                span,
                "`removed_on` and `removed_reason` apply only to a removed vendor",
            )
            .with_help_in_place("add status = \"removed\", or delete these keys");
        }
        return None;
    }
    match (&raw.removed_on, &raw.removed_reason) {
        (Some(on), Some(reason)) if !reason.get_ref().trim().is_empty() => Some(Removal {
            on: *on.get_ref(),
            reason: reason.get_ref().clone(),
        }),
        _ => {
            ctx.error(
                Code::MissingField,
                status.expect("removed implies a status").span(),
                "a removed vendor needs `removed_on` and `removed_reason`",
            )
            .with_help_in_place(
                "add removed_on = 2025-01-31 and removed_reason = \"...\"; the tombstone page shows both",
            );
            None
        }
    }
}

pub(super) fn resolve_cert(
    r: &toml::Spanned<String>,
    certs: &[Certification],
    ctx: &mut FileCtx,
) -> Option<usize> {
    if ctx.check_ref("certification", r, certs.iter().map(|c| c.slug.as_str())) {
        certs.iter().position(|c| &c.slug == r.get_ref())
    } else {
        None
    }
}

/// All dimensions or none: a half-scored vendor would get a composite that means nothing.
/// A `period = { start, end }`; `None` after reporting an end before the start.
pub(super) fn period(p: &RawPeriod, ctx: &mut FileCtx) -> Option<Period> {
    if p.end.get_ref().last_day() < p.start.get_ref().first_day() {
        ctx.error(
            Code::BadDate,
            p.end.span(),
            format!(
                "the period ends ({}) before it starts ({})",
                p.end.get_ref(),
                p.start.get_ref()
            ),
        )
        .with_help_in_place("a period runs from `start` to `end`: check the order and the years");
        return None;
    }
    Some(Period {
        start: *p.start.get_ref(),
        end: *p.end.get_ref(),
    })
}

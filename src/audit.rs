//! The checks of `trustatlas check` that go beyond what the build rejects: statements that are
//! valid content but wrong or stale *on the build date*. A pure function of the validated
//! registry, the build date and the source texts (for line and column), so `check` and its
//! tests give the same answer for the same input.
//!
//! Errors: a date of a past event (verification, approval, issue, incident) after the build
//! date (`E0300`). (A holding past its validity is no longer an error: the status engine
//! shows it as expired.)
//! Warnings: facts no `[[sources]]` row cites (`W0100`, one per vendor), a source not
//! re-verified for over a year (`W0101`), a report whose validity ends soon (`W0102`), a value
//! that a spreadsheet would read as a formula (`W0103`, see [`formula_values`]).

use std::collections::BTreeSet;
use std::ops::Range;
use std::path::Path;

use crate::date::{Day, PartialDate};
use crate::derive::status::{self, Status};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::facts::{self, FactKind};
use crate::model::{FactValue, Registry, Vendor};

/// Every audit finding for `reg` on `today`. `text` gives the full text of a content file
/// (to turn byte spans into lines and columns).
pub fn audit(reg: &Registry, today: Day, text: &dyn Fn(&Path) -> String) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for v in &reg.vendors {
        let t = text(&v.file);
        let at = |span: &Range<usize>| Some(span.clone());
        for h in &v.holdings {
            let dated = [
                ("issued", h.issued, &h.issued_span),
                ("as_of", h.as_of, &h.as_of_span),
            ];
            for (field, date, span) in dated {
                if let (Some(d), Some(span)) = (date, span) {
                    future(&mut out, &v.file, &t, field, d, span, today);
                }
            }
        }
        for i in &v.incidents {
            future(&mut out, &v.file, &t, "date", i.date, &i.date_span, today);
        }
        let sources = v
            .sources
            .iter()
            .map(|c| (c.field.as_str(), &c.source))
            .chain(v.holdings.iter().flat_map(|h| {
                let slug = reg.certifications[h.certification].slug.as_str();
                h.sources.iter().map(move |s| (slug, s))
            }));
        for (what, s) in sources {
            let (Some(verified), Some(span)) = (s.verified, &s.verified_span) else {
                continue;
            };
            future(&mut out, &v.file, &t, "verified", verified, span, today);
            let age = today.0 - verified.last_day().0;
            let window = reg.config.stale_after_days;
            if status::source_stale(s, today, window) {
                out.push(
                    Diagnostic::warning(
                        Code::StaleSource,
                        &v.file,
                        &t,
                        at(span),
                        format!(
                            "the source for `{what}` was last verified {verified} ({age} days ago)"
                        ),
                    )
                    .with_expected(format!(
                        "a source re-verified within {window} days (site.toml's stale_after_days)"
                    ))
                    .with_help(Some(
                        "open the URL, confirm it still says what the fact says, and update `verified` and `verified_by`".into(),
                    )),
                );
            }
        }
        out.extend(uncited(v, &t));
    }
    for (ri, r) in reg.reports.iter().enumerate() {
        let t = text(&r.file);
        if let (Some(approved), Some(span)) = (r.approved, &r.approved_span) {
            future(&mut out, &r.file, &t, "approved", approved, span, today);
        }
        let assessed = status::report(reg, ri, today);
        if let (Status::Expiring, Some(until)) = (assessed.status, assessed.until) {
            let left = until.last_day().0 - today.0;
            out.push(
                Diagnostic::warning(
                    Code::ReportExpiring,
                    &r.file,
                    &t,
                    r.valid_until_span.clone().or(r.approved_span.clone()),
                    format!(
                        "report `{}` expires {} (in {left} days)",
                        r.id,
                        until.human()
                    ),
                )
                .with_help(Some(
                    "look for the renewal; when it is published, add it as a new report and list this one in its `earlier_reports`".into(),
                )),
            );
        }
    }
    out.extend(formula_values(reg, text));
    out
}

/// Warnings (`W0103`) for values that go into a CSV download and begin like a spreadsheet
/// formula (`=`, `+`, `-`, `@`, tab, CR): the CSV writer neutralises them with a leading `'`
/// (OWASP "CSV Injection"), so a spreadsheet shows them changed. Self-contained: the model
/// keeps no span for these fields, so the value is located by its first quoted occurrence in
/// the file's text, or the warning points at the file.
fn formula_values(reg: &Registry, text: &dyn Fn(&Path) -> String) -> Vec<Diagnostic> {
    let mut fields: Vec<(&Path, &str, &str)> = Vec::new();
    for v in &reg.vendors {
        fields.push((&v.file, "name", &v.name));
        fields.extend(
            v.hq_country
                .as_deref()
                .map(|s| (v.file.as_path(), "hq_country", s)),
        );
        fields.extend(
            v.hq_city
                .as_deref()
                .map(|s| (v.file.as_path(), "hq_city", s)),
        );
    }
    for c in &reg.certifications {
        fields.push((&c.file, "name", &c.name));
    }
    for r in &reg.reports {
        fields.push((&r.file, "id", &r.id));
        fields.extend(
            r.scheme_version
                .as_deref()
                .map(|s| (r.file.as_path(), "scheme_version", s)),
        );
        fields.push((&r.file, "declaring_entity", &r.declaring_entity));
        fields.push((&r.file, "monitoring_body", &r.monitoring_body));
    }
    let mut out = Vec::new();
    for (file, field, value) in fields {
        if !crate::publish::starts_formula(value) {
            continue;
        }
        let t = text(file);
        // The value as written up to its first character TOML may escape, after its quote.
        let plain = &value[..value.find(['"', '\\', '\t', '\r']).unwrap_or(value.len())];
        let span = ["\"", "'"]
            .iter()
            .find_map(|q| t.find(&format!("{q}{plain}")))
            .map(|at| at + 1..at + 1 + plain.len().max(1));
        let first = value
            .chars()
            .next()
            .unwrap_or(' ')
            .escape_debug()
            .to_string();
        out.push(
            Diagnostic::warning(
                Code::CsvFormula,
                file,
                &t,
                span,
                format!("`{field}` starts with `{first}`, which a spreadsheet reads as a formula"),
            )
            .with_help(Some(format!(
                "the CSV downloads show it as text, with a `'` in front; if `{field}` does not need to start with `{first}`, reword it"
            ))),
        );
    }
    out
}

/// A date of something that has already happened cannot be after the build date.
fn future(
    out: &mut Vec<Diagnostic>,
    file: &Path,
    text: &str,
    field: &str,
    date: PartialDate,
    span: &Range<usize>,
    today: Day,
) {
    if date.first_day() > today {
        out.push(
            Diagnostic::error(
                Code::BadDate,
                file,
                text,
                Some(span.clone()),
                format!(
                    "`{field}` {date} is in the future (the build date is {})",
                    today.to_date()
                ),
            )
            .with_expected("a date on or before the build date")
            .with_help(Some(
                "check the year and month; a date in the past cannot be in the future (the build date comes from SOURCE_DATE_EPOCH, else today)".into(),
            )),
        );
    }
}

/// One warning per vendor naming every fact that needs a citation and has none. A fact needs
/// one when it states something: `not_disclosed` has nothing to cite, and a URL fact (terms
/// of service, privacy policy) is its own source.
fn uncited(v: &Vendor, text: &str) -> Option<Diagnostic> {
    let cited: BTreeSet<&str> = v.sources.iter().map(|s| s.field.as_str()).collect();
    let mut missing: Vec<(&str, Vec<&str>, Range<usize>)> = Vec::new();
    for section in &v.facts {
        let spec = facts::section(section.key)?;
        for fact in &section.rows {
            let kind = spec.fields.iter().find(|f| f.key == fact.key)?.kind;
            let path = format!("{}.{}", section.key, fact.key);
            if fact.value == FactValue::NotDisclosed
                || fact.value == FactValue::NotRecorded
                || kind == FactKind::Url
                || !fact.sources.is_empty()
                || fact.value == FactValue::Disputed
                || cited.contains(path.as_str())
            {
                continue;
            }
            match missing.iter_mut().find(|(s, _, _)| *s == section.key) {
                Some((_, keys, _)) => keys.push(fact.key),
                None => missing.push((section.key, vec![fact.key], fact.span.clone())),
            }
        }
    }
    let (_, _, first) = missing
        .iter()
        .min_by_key(|(_, _, span)| span.start)?
        .clone();
    let count: usize = missing.iter().map(|(_, k, _)| k.len()).sum();
    let list = missing
        .iter()
        .map(|(s, keys, _)| format!("{s}: {}", keys.join(", ")))
        .collect::<Vec<_>>()
        .join("; ");
    let example = format!("{}.{}", missing[0].0, missing[0].1[0]);
    Some(
        Diagnostic::warning(
            Code::UncitedFact,
            &v.file,
            text,
            Some(first),
            format!(
                "{count} {} of `{}` {} no cited source ({list})",
                if count == 1 { "fact" } else { "facts" },
                v.slug,
                if count == 1 { "has" } else { "have" }
            ),
        )
        .with_expected("a [[sources]] row for each stated fact")
        .with_help(Some(format!(
            "add [[sources]] with field = \"{example}\" and the source (url or title, date, verified and verified_by where known) for each"
        ))),
    )
}

//! How the registry knows what it shows: the vocabularies of evidence (`basis`,
//! `confidence`, a source's `kind`), a scheme's validity rule, and the one reader of source
//! tables, so a holding's sources and a cited-sources row are checked by the same rules.

use super::parse::{DiagExt, FileCtx};
use super::raw::{RawSourceRef, RawValidity};
use super::Source;
use crate::diagnostic::Code;

/// Defines a closed vocabulary: its keys as written in content and open data, and the
/// label pages show.
macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $key:literal, $label:literal;)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn key(self) -> &'static str {
                match self { $($name::$variant => $key),+ }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            pub fn from_key(s: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|v| v.key() == s)
            }
        }
    };
}

vocabulary! {
    /// How the registry knows a holding.
    Basis {
        Certificate = "certificate", "Certificate seen";
        Report = "report", "Report seen";
        SelfAssessment = "self-assessment", "Self-assessment";
        VendorClaim = "vendor-claim", "Vendor claim";
        SecondarySource = "secondary-source", "Secondary source";
    }
}

impl Basis {
    /// A certificate, the issuer's register or a report was seen: the only bases that count
    /// as verified.
    pub fn verified(self) -> bool {
        matches!(self, Basis::Certificate | Basis::Report)
    }

    /// What the basis means, for the methodology page.
    pub fn meaning(self) -> &'static str {
        match self {
            Basis::Certificate => "The certificate itself, or the issuer's public register, was seen.",
            Basis::Report => "An attestation or verification report was seen.",
            Basis::SelfAssessment => "The vendor's own filing with the scheme (such as CSA STAR Level 1); no third party checked it.",
            Basis::VendorClaim => "The vendor says so on its own pages, even with a certificate number, but neither certificate nor register entry was seen.",
            Basis::SecondarySource => "Someone other than the vendor or the issuer says so.",
        }
    }
}

vocabulary! {
    /// How sure the registry is of a holding.
    Confidence {
        High = "high", "High";
        Medium = "medium", "Medium";
        Low = "low", "Low";
    }
}

impl Confidence {
    pub fn meaning(self) -> &'static str {
        match self {
            Confidence::High => "The source is primary and specific: it names the scheme, the entity or scope, and dates or a number that can be checked.",
            Confidence::Medium => "The source is primary but vague (no scope, level or dates), or secondary and specific.",
            Confidence::Low => "The source is secondary and vague, old, or contradicted by another source.",
        }
    }
}

vocabulary! {
    /// Where a dimension score comes from.
    ScoreBasis {
        Editorial = "editorial", "Editorial assessment";
        Published = "published", "Published by a source";
    }
}

vocabulary! {
    /// Who a source is.
    SourceKind {
        Primary = "primary", "Primary";
        Secondary = "secondary", "Secondary";
    }
}

/// How a scheme's holdings stay valid when their source states no end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Valid for this many months from `issued` (the EU Cloud CoC's year, ISO's three-year cycle).
    Term { months: u32 },
    /// Covers this many months after the end of the holding's `period` (a SOC 2 report).
    Period { months: u32 },
    /// Only a stated `valid_until` counts.
    Stated,
}

/// A scheme's (or a level's) validity rule and its expiring window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validity {
    pub rule: Rule,
    /// `None`: site.toml's `expiring_within_days`.
    pub expiring_within_days: Option<i64>,
}

impl Validity {
    pub const STATED: Validity = Validity {
        rule: Rule::Stated,
        expiring_within_days: None,
    };

    /// One sentence for the methodology page and the certification page.
    pub fn describe(&self) -> String {
        match self.rule {
            Rule::Term { months } => format!("Valid for {} from issue, unless the source states another end.", months_text(months)),
            Rule::Period { months } => format!("A report covers {} after the end of the period it examined, unless the source states another end.", months_text(months)),
            Rule::Stated => "Valid only until the end its source states; without one, the holding is shown as not dated.".into(),
        }
    }
}

fn months_text(m: u32) -> String {
    match m {
        12 => "one year".into(),
        m if m.is_multiple_of(12) => format!("{} years", m / 12),
        1 => "one month".into(),
        m => format!("{m} months"),
    }
}

/// A closed-vocabulary value, checked with the usual "unknown ... did you mean" diagnostic.
pub fn vocab<T: Copy>(
    ctx: &mut FileCtx,
    what: &str,
    value: Option<&toml::Spanned<String>>,
    all: &[T],
    key: fn(T) -> &'static str,
) -> Option<T> {
    let v = value?;
    if ctx.check_ref(what, v, all.iter().map(|x| key(*x))) {
        return all.iter().copied().find(|x| key(*x) == v.get_ref());
    }
    // Without a close match, the help names the whole vocabulary (it is short).
    if let Some(d) = ctx.diags.last_mut() {
        if d.help.is_none() {
            let keys: Vec<String> = all.iter().map(|x| format!("`{}`", key(*x))).collect();
            d.help = Some(format!(
                "write one of {}; docs/CONTENT.md says what each means",
                keys.join(", ")
            ));
        }
    }
    None
}

/// A `[validity]` table; `None` after reporting its mistakes.
pub fn validity(raw: &RawValidity, ctx: &mut FileCtx) -> Option<Validity> {
    let rule = vocab(
        ctx,
        "validity rule",
        Some(&raw.rule),
        &["term", "period", "stated"],
        |s| s,
    )?;
    let months = match (&raw.months, rule) {
        (Some(m), _) if !(1..=120).contains(m.get_ref()) => {
            ctx.error(
                Code::OutOfRange,
                m.span(),
                format!("{} months is not a plausible validity", m.get_ref()),
            )
            .with_expected_in_place("1 to 120 months");
            return None;
        }
        (Some(m), "stated") => {
            ctx.error(
                Code::UnknownField,
                m.span(),
                "`months` has no meaning with rule = \"stated\"",
            )
            .with_help_in_place("remove `months`, or use rule = \"term\" or \"period\"");
            return None;
        }
        (Some(m), _) => *m.get_ref() as u32,
        (None, "stated") => 0,
        (None, r) => {
            ctx.error(
                Code::MissingField,
                raw.rule.span(),
                format!("rule = \"{r}\" needs `months`"),
            )
            .with_help_in_place("add months = 12 (or the scheme's term)");
            return None;
        }
    };
    if let Some(d) = &raw.expiring_within_days {
        if !(0..=3650).contains(d.get_ref()) {
            ctx.error(
                Code::OutOfRange,
                d.span(),
                format!("{} days is not a plausible window", d.get_ref()),
            )
            .with_expected_in_place("0 to 3650 days");
            return None;
        }
    }
    Some(Validity {
        rule: match rule {
            "term" => Rule::Term { months },
            "period" => Rule::Period { months },
            _ => Rule::Stated,
        },
        expiring_within_days: raw.expiring_within_days.as_ref().map(|d| *d.get_ref()),
    })
}

/// One source, from a holding's `sources` or a cited-sources row. `at` locates the mistakes
/// that belong to the whole table (none of `url`, `title`, `publisher`).
pub fn source(
    raw: RawSourceRef<'_>,
    at: std::ops::Range<usize>,
    ctx: &mut FileCtx,
) -> Option<Source> {
    let before = ctx.diags.len();
    if let Some(u) = raw.url {
        ctx.check_url(u);
    }
    if raw.url.is_none() && raw.title.is_none() && raw.publisher.is_none() {
        ctx.error(Code::MissingField, at.clone(), "a source needs a `url`, a `title` or a `publisher`")
            .with_help_in_place("add title = \"...\" naming the document (and url = \"https://...\" where it can be read)");
    }
    if let (None, Some(_)) = (raw.verified, raw.verified_by) {
        ctx.error(
            Code::MissingField,
            at_or(raw.url, at),
            "`verified_by` needs `verified`, the date it was checked",
        )
        .with_help_in_place("add verified = \"YYYY-MM-DD\"");
    }
    let kind = vocab(
        ctx,
        "source kind",
        raw.kind,
        SourceKind::ALL,
        SourceKind::key,
    );
    if ctx.diags.len() > before {
        return None;
    }
    Some(Source {
        url: raw.url.map(|u| u.get_ref().clone()),
        title: raw.title.cloned().map(String::from),
        publisher: raw.publisher.cloned().map(String::from),
        quote: raw.quote.cloned().map(String::from),
        note: raw.note.cloned().map(String::from),
        date: raw.date.map(|d| *d.get_ref()),
        verified: raw.verified.map(|d| *d.get_ref()),
        verified_by: raw.verified_by.cloned().map(String::from),
        kind,
        verified_span: raw.verified.map(|d| ctx.abs(d.span())),
    })
}

fn at_or(
    url: Option<&toml::Spanned<String>>,
    at: std::ops::Range<usize>,
) -> std::ops::Range<usize> {
    url.map(|u| u.span()).unwrap_or(at)
}

/// The short form of one source some tables allow: a title in words and its URL.
pub struct Short<'a> {
    pub title: Option<&'a super::text::Text>,
    pub url: Option<&'a toml::Spanned<String>>,
    /// The key of `url` as the table spells it (`source_url`).
    pub url_key: &'static str,
    /// What the table is, for messages: "holding", "report", "incident".
    pub what: &'static str,
}

/// The sources of a holding, report or incident: its `sources` tables, or the short form
/// (`source`, with its URL) read as one source with a title. One of the two, never both,
/// never neither; `at` locates "no source", `table` names the tables in the help.
pub fn sources_or_short(
    short: Short<'_>,
    list: &[toml::Spanned<super::raw::RawSource>],
    at: std::ops::Range<usize>,
    table: &str,
    ctx: &mut FileCtx,
) -> Vec<Source> {
    let mut out = Vec::new();
    match (short.title, list.is_empty()) {
        (Some(_), false) => {
            ctx.error(
                Code::Duplicate,
                list[0].span(),
                format!("this {} has both `source` and `sources`", short.what),
            )
            .with_help_in_place(format!(
                "move `source` (and `{}`) into a {table} table with title = \"...\"",
                short.url_key
            ));
        }
        (None, true) => {
            ctx.error(Code::MissingField, at, format!("a {} needs a source: `sources` or `source`", short.what))
                .with_help_in_place(format!("add {table} with title = \"...\" (and url, date, kind) for the document that states it"));
        }
        (Some(title), true) => {
            if let Some(u) = short.url {
                ctx.check_url(u);
            }
            out.push(Source {
                url: short.url.map(|u| u.get_ref().clone()),
                title: Some(title.clone().into()),
                ..Source::default()
            });
        }
        (None, false) => {
            for s in list {
                out.extend(source(s.get_ref().source(), s.span(), ctx));
            }
        }
    }
    if let (None, Some(u)) = (short.title, short.url) {
        ctx.error(
            Code::MissingField,
            u.span(),
            format!("`{}` belongs to `source`", short.url_key),
        )
        .with_help_in_place(format!("put url = \"...\" in one of the {table} tables"));
    }
    out
}

//! The reference content: certification schemes, framework catalogs, the questions and free
//! pages. These have few cross-references; their checks are names, kinds and URLs.

use std::collections::BTreeSet;

use super::parse::{is_slug, DiagExt, FileCtx};
use super::raw::{RawCertification, RawFramework, RawPage, RawQuestions};
use super::{Certification, Config, Crosswalk, Entry, Framework, Named, Page, Questions, SubEntry};
use crate::diagnostic::Code;

/// The kinds a scheme can be, with how the site names them.
pub const CERT_KINDS: &[(&str, &str)] = &[
    ("certification", "Certification"),
    ("attestation", "Attestation"),
    ("code_of_conduct", "Code of conduct"),
    ("regulation", "Regulation"),
    ("self_assessment", "Self-assessment"),
    ("licence", "Licence"),
];

fn check_slug(ctx: &mut FileCtx, what: &str) -> String {
    let slug = ctx.file.stem().to_string();
    if !is_slug(&slug) {
        ctx.file_error(
            Code::BadName,
            format!("`{slug}` is not a valid {what} slug (the file name)"),
        )
        .with_expected_in_place("lowercase letters, digits and single hyphens");
    }
    slug
}

pub fn certification(
    raw: RawCertification,
    body: String,
    ctx: &mut FileCtx,
) -> Option<Certification> {
    let before = ctx.diags.len();
    let slug = check_slug(ctx, "certification");
    ctx.check_ref("kind", &raw.kind, CERT_KINDS.iter().map(|(k, _)| *k));
    if let Some(u) = &raw.url {
        ctx.check_url(u);
    }
    let validity = match &raw.validity {
        Some(v) => super::evidence::validity(v, ctx),
        None => Some(super::Validity::STATED),
    };
    let mut levels: Vec<Named> = Vec::new();
    let mut level_validity = Vec::new();
    for mut l in raw.levels {
        level_validity.push(
            l.validity
                .as_ref()
                .and_then(|v| super::evidence::validity(v, ctx)),
        );
        ctx.check_name(&mut l.key);
        if levels.iter().any(|x| &x.key == l.key.get_ref()) {
            ctx.error(
                Code::Duplicate,
                l.key.span(),
                format!("level `{}` is defined twice", l.key.get_ref()),
            );
        }
        levels.push(Named {
            key: l.key.into_inner(),
            name: l.name.into(),
            description: l.description.into(),
        });
    }
    if ctx.diags.len() > before {
        return None;
    }
    let kind = raw.kind.into_inner();
    Some(Certification {
        short_name: raw.short_name.unwrap_or_else(|| raw.name.clone()).into(),
        kind_label: CERT_KINDS
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, l)| l.to_string())
            .unwrap_or_default(),
        slug,
        file: ctx.file.path.clone(),
        name: raw.name.into(),
        kind,
        issuer: raw.issuer.into(),
        region: raw.region.into(),
        url: raw.url.map(|u| u.into_inner()),
        levels,
        validity: validity?,
        level_validity,
        body,
    })
}

pub fn framework(raw: RawFramework, config: &Config, ctx: &mut FileCtx) -> Option<Framework> {
    let before = ctx.diags.len();
    let slug = check_slug(ctx, "framework");
    if let Some(u) = &raw.url {
        ctx.check_url(u);
    }
    let mut seen = BTreeSet::new();
    let mut entries = Vec::new();
    for e in raw.entries {
        let id = e.id.get_ref().clone();
        let entry_slug = entry_slug(&id);
        if !is_slug(&entry_slug) {
            ctx.error(
                Code::BadName,
                e.id.span(),
                format!("entry ID `{id}` cannot be used in a URL"),
            )
            .with_expected_in_place("letters, digits, single spaces, hyphens or colons");
        }
        // `LLM01:2025` is LLM01 of the 2025 edition: in another edition's catalog it is a
        // mistake (the entry belongs in that edition's file, or the ID is mistyped).
        if let Some((_, edition)) = id.rsplit_once(':') {
            if edition != raw.version.as_str() {
                ctx.error(
                    Code::UnknownReference,
                    e.id.span(),
                    format!(
                        "entry `{id}` belongs to edition {edition}, not to this catalog (version {})",
                        raw.version.as_str()
                    ),
                )
                .with_help_in_place(format!(
                    "write the ID this edition gives it (`{}:{}`), or move the entry to the {edition} catalog",
                    id.rsplit_once(':').map(|(b, _)| b).unwrap_or(&id),
                    raw.version.as_str()
                ));
            }
        }
        let mut aliases = Vec::new();
        for a in &e.aliases {
            if ctx.check_alias(a) {
                aliases.push(a.get_ref().clone());
            }
        }
        if !seen.insert(entry_slug.clone()) {
            ctx.error(
                Code::Duplicate,
                e.id.span(),
                format!("entry `{id}` appears twice in this framework"),
            );
        }
        if e.dimensions.is_empty() {
            ctx.error(
                Code::MissingField,
                e.id.span(),
                format!("entry `{id}` maps to no dimension"),
            )
            .with_expected_in_place("dimensions = [\"...\"] naming at least one dimension key");
        }
        let mut dims = Vec::new();
        for d in &e.dimensions {
            if ctx.check_ref(
                "dimension",
                d,
                config.dimensions.iter().map(|x| x.key.as_str()),
            ) {
                dims.push(
                    config
                        .dimensions
                        .iter()
                        .position(|x| &x.key == d.get_ref())
                        .expect("checked"),
                );
            }
        }
        entries.push(Entry {
            id,
            slug: entry_slug,
            title: e.title.into(),
            description: e.description.into(),
            dimensions: dims,
            categories: e
                .categories
                .into_iter()
                .map(|c| SubEntry {
                    id: c.id.into(),
                    title: c.title.into(),
                })
                .collect(),
            previous: e.previous.map(|p| p.into_inner()),
            retired: e.retired.map(String::from),
            aliases,
        });
    }
    if let Some(sup) = &raw.supersedes {
        ctx.check_url(&sup.source);
    }
    for c in &raw.crosswalks {
        ctx.check_url(&c.source);
        for m in &c.maps {
            if !ctx.check_ref("strength", &m.strength, ["primary", "supporting"]) {
                if let Some(d) = ctx.diags.last_mut() {
                    d.help = Some(
                        "write the publisher's own mark: `primary` (●) or `supporting` (○)".into(),
                    );
                }
            }
        }
    }
    if entries.is_empty() {
        ctx.file_error(
            Code::MissingField,
            "a framework needs at least one [[entries]]",
        );
    }
    if ctx.diags.len() > before {
        return None;
    }
    Some(Framework {
        short_name: raw.short_name.unwrap_or_else(|| raw.name.clone()).into(),
        slug,
        file: ctx.file.path.clone(),
        name: raw.name.into(),
        version: raw.version.into(),
        publisher: raw.publisher.into(),
        url: raw.url.map(|u| u.into_inner()),
        description: raw.description.into(),
        entry_label: raw.entry_label.into(),
        order: raw.order,
        entries,
        supersedes: raw
            .supersedes
            .map(|s| (s.framework.into_inner(), s.source.into_inner())),
        crosswalks: raw
            .crosswalks
            .into_iter()
            .map(|c| Crosswalk {
                framework: c.framework.into_inner(),
                source: c.source.into_inner(),
                maps: c
                    .maps
                    .into_iter()
                    .map(|m| {
                        let primary = m.strength.get_ref() == "primary";
                        (m.entry.into_inner(), m.target.into_inner(), primary)
                    })
                    .collect(),
            })
            .collect(),
    })
}

/// The URL segment of an entry ID: `GOVERN 1` → `govern-1`, `LLM01:2026` → `llm01-2026`.
pub fn entry_slug(id: &str) -> String {
    id.to_lowercase().replace([' ', ':'], "-")
}

/// The questions' texts are [`Text`](super::text::Text): none can be blank.
pub fn questions(raw: RawQuestions) -> Questions {
    Questions {
        intro: raw.intro.into(),
        items: raw.questions.into_iter().map(|q| q.text.into()).collect(),
    }
}

/// Free pages live at `/<slug>/`; these slugs are taken by the generated sections.
pub const RESERVED_PAGE_SLUGS: &[&str] = &[
    "vendor",
    "certification",
    "framework",
    "register",
    "methodology",
    "assets",
    "api",
    "404",
];

pub fn page(raw: RawPage, body: String, ctx: &mut FileCtx) -> Option<Page> {
    let slug = check_slug(ctx, "page");
    if RESERVED_PAGE_SLUGS.contains(&slug.as_str()) {
        ctx.file_error(
            Code::Duplicate,
            format!("page slug `{slug}` collides with a generated section of the site"),
        )
        .with_help_in_place("rename the file");
        return None;
    }
    if !is_slug(&slug) {
        return None;
    }
    Some(Page {
        slug,
        file: ctx.file.path.clone(),
        title: raw.title.into(),
        description: raw.description.map(String::from),
        body,
    })
}

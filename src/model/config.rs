//! `site.toml` → [`Config`]: dimensions, weight profiles that sum to 100, bands that cover
//! 0-100 without gaps or overlaps, ratings and categories.

use std::collections::BTreeSet;

use super::parse::{DiagExt, FileCtx};
use super::raw::{RawConfig, RawNamed};
use super::{Band, Config, Dimension, Named, Profile};
use crate::diagnostic::Code;

pub fn validate(raw: RawConfig, ctx: &mut FileCtx) -> Option<Config> {
    let errors_before = ctx.diags.len();
    let base_url = raw.base_url.get_ref().trim_end_matches('/').to_string();
    if !super::parse::is_slug(raw.theme.get_ref()) {
        ctx.error(
            Code::BadName,
            raw.theme.span(),
            format!("theme `{}` is not a folder name", raw.theme.get_ref()),
        )
        .with_expected_in_place("the name of a folder under themes/, e.g. \"default\"");
    }
    ctx.check_url(&raw.base_url);
    if !is_language_tag(raw.language.get_ref()) {
        ctx.error(
            Code::BadName,
            raw.language.span(),
            format!(
                "language `{}` is not a language tag",
                raw.language.get_ref()
            ),
        )
        .with_expected_in_place("an HTML `lang` code such as \"en\", \"de\" or \"pt-BR\"");
    }

    let mut dimensions = Vec::new();
    let mut seen = BTreeSet::new();
    for mut d in raw.dimensions {
        ctx.check_name(&mut d.key);
        if !seen.insert(d.key.get_ref().clone()) {
            ctx.error(
                Code::Duplicate,
                d.key.span(),
                format!("dimension `{}` is defined twice", d.key.get_ref()),
            );
            continue;
        }
        dimensions.push(Dimension {
            key: d.key.into_inner(),
            name: d.name.into(),
            description: d.description.into(),
        });
    }
    if dimensions.is_empty() {
        ctx.file_error(Code::BadConfig, "site.toml defines no [[dimensions]]");
    }
    let dim_keys: Vec<&str> = dimensions.iter().map(|d| d.key.as_str()).collect();

    let mut profiles = Vec::new();
    let mut seen = BTreeSet::new();
    for mut p in raw.profiles {
        ctx.check_name(&mut p.key);
        if !seen.insert(p.key.get_ref().clone()) {
            ctx.error(
                Code::Duplicate,
                p.key.span(),
                format!("weight profile `{}` is defined twice", p.key.get_ref()),
            );
        }
        let mut weights = vec![0u32; dimensions.len()];
        let mut given = vec![false; dimensions.len()];
        let mut total = 0i64;
        for (k, w) in p.weights.get_ref() {
            total = total.saturating_add(*w.get_ref());
            if !(0..=100).contains(w.get_ref()) {
                ctx.error(
                    Code::OutOfRange,
                    w.span(),
                    format!("weight {} is outside 0-100", w.get_ref()),
                )
                .with_expected_in_place("a whole percentage from 0 to 100");
            }
            if ctx.check_ref("dimension", k, dim_keys.iter().copied()) {
                let i = dim_keys
                    .iter()
                    .position(|d| d == k.get_ref())
                    .expect("checked");
                weights[i] = (*w.get_ref()).clamp(0, 100) as u32;
                given[i] = true;
            }
        }
        let missing: Vec<&str> = dim_keys
            .iter()
            .zip(&given)
            .filter(|(_, g)| !**g)
            .map(|(k, _)| *k)
            .collect();
        if !missing.is_empty() {
            ctx.error(
                Code::BadConfig,
                p.weights.span(),
                format!(
                    "profile `{}` gives no weight for {}",
                    p.key.get_ref(),
                    missing.join(", ")
                ),
            )
            .with_help_in_place("give every dimension a weight (0 is allowed)");
        }
        let all_in_range = p
            .weights
            .get_ref()
            .values()
            .all(|w| (0..=100).contains(w.get_ref()));
        if all_in_range && total != 100 {
            ctx.error(
                Code::BadConfig,
                p.weights.span(),
                format!(
                    "weights of profile `{}` sum to {total}, not 100",
                    p.key.get_ref()
                ),
            )
            .with_expected_in_place("weights that add up to exactly 100");
        }
        profiles.push(Profile {
            key: p.key.into_inner(),
            name: p.name.into(),
            description: p.description.into(),
            weights,
        });
    }
    let default_profile = profiles
        .iter()
        .position(|p| &p.key == raw.default_profile.get_ref());
    if default_profile.is_none() {
        ctx.check_ref(
            "weight profile",
            &raw.default_profile,
            profiles.iter().map(|p| p.key.as_str()),
        );
    }

    let bands = validate_bands(&raw.bands, ctx);
    let ratings = named(raw.ratings, "rating", ctx);
    let categories = named(raw.categories, "category", ctx);
    if *raw.expiring_within_days.get_ref() < 0 {
        ctx.error(
            Code::OutOfRange,
            raw.expiring_within_days.span(),
            "expiring_within_days cannot be negative",
        );
    }
    if *raw.stale_after_days.get_ref() < 0 {
        ctx.error(
            Code::OutOfRange,
            raw.stale_after_days.span(),
            "stale_after_days cannot be negative",
        )
        .with_help_in_place(
            "a number of days, e.g. 365: sources checked longer ago are marked stale",
        );
    }

    let max_files = match &raw.deploy.max_files {
        Some(m) => {
            let ceiling = i64::from(crate::pages::limits::MAX_FILES_CEILING);
            if !(1..=ceiling).contains(m.get_ref()) {
                ctx.error(
                    Code::OutOfRange,
                    m.span(),
                    format!("max_files {} is outside 1-100,000", m.get_ref()),
                )
                .with_expected_in_place(
                    "20000 (Cloudflare Pages Free) up to 100000 (Workers Paid)",
                );
            }
            (*m.get_ref()).clamp(1, ceiling) as u32
        }
        None => crate::pages::limits::DEFAULT_MAX_FILES,
    };

    if ctx.diags.len() > errors_before {
        return None;
    }
    Some(Config {
        title: raw.title.into(),
        base_url,
        description: raw.description.into(),
        language: raw.language.into_inner(),
        theme_span: {
            let s = raw.theme.span();
            s.start + ctx.offset..s.end + ctx.offset
        },
        theme: raw.theme.into_inner(),
        default_profile: default_profile?,
        expiring_within_days: *raw.expiring_within_days.get_ref(),
        stale_after_days: *raw.stale_after_days.get_ref(),
        caveats: raw.caveats.map(String::from),
        dimensions,
        profiles,
        bands,
        ratings,
        categories,
        max_files,
    })
}

/// Bands are listed low to high; each runs from its `min` up to the next one's. The first must
/// start at 0 and each must start above the previous: that rules out gaps and overlaps.
fn validate_bands(raw: &toml::Spanned<Vec<super::raw::RawBand>>, ctx: &mut FileCtx) -> Vec<Band> {
    let mut bands: Vec<Band> = Vec::new();
    if raw.get_ref().is_empty() {
        ctx.error(
            Code::BadConfig,
            raw.span(),
            "site.toml defines no [[bands]]",
        );
    }
    for (i, b) in raw.get_ref().iter().enumerate() {
        ctx.check_name(&mut b.key.clone());
        let min = *b.min.get_ref();
        if i == 0 && min != 0.0 {
            ctx.error(
                Code::BadConfig,
                b.min.span(),
                format!("the lowest band must start at 0, not {min}"),
            )
            .with_help_in_place("scores from 0 up to this value would have no band");
        }
        if !(0.0..=100.0).contains(&min) {
            ctx.error(
                Code::OutOfRange,
                b.min.span(),
                format!("band start {min} is outside 0-100"),
            );
        }
        if let Some(prev) = bands.last() {
            if min <= prev.min {
                ctx.error(Code::BadConfig, b.min.span(), format!("band `{}` starts at {min}, not above `{}` ({}): bands must be listed from low to high without overlap", b.key.get_ref(), prev.key, prev.min));
            }
        }
        if bands.iter().any(|x| &x.key == b.key.get_ref()) {
            ctx.error(
                Code::Duplicate,
                b.key.span(),
                format!("band `{}` is defined twice", b.key.get_ref()),
            );
        }
        bands.push(Band {
            key: b.key.get_ref().clone(),
            name: b.name.clone().into(),
            min,
            description: b.description.clone().into(),
        });
    }
    bands
}

fn named(raw: Vec<RawNamed>, what: &str, ctx: &mut FileCtx) -> Vec<Named> {
    let mut out: Vec<Named> = Vec::new();
    for mut n in raw {
        ctx.check_name(&mut n.key);
        if out.iter().any(|x| &x.key == n.key.get_ref()) {
            ctx.error(
                Code::Duplicate,
                n.key.span(),
                format!("{what} `{}` is defined twice", n.key.get_ref()),
            );
        }
        out.push(Named {
            key: n.key.into_inner(),
            name: n.name.into(),
            description: n.description.into(),
        });
    }
    out
}

/// The shape of a BCP 47 tag as HTML's `lang` takes it: letters, then `-` and letters or
/// digits, each part 1-8 long (`en`, `de-CH`, `zh-Hant-TW`). Not blank, no spaces or quotes.
fn is_language_tag(s: &str) -> bool {
    let mut parts = s.split('-');
    let first_ok = parts
        .next()
        .is_some_and(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic()));
    first_ok
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::is_language_tag;

    #[test]
    fn language_tags() {
        for ok in ["en", "de-CH", "zh-Hant-TW", "pt-BR"] {
            assert!(is_language_tag(ok), "{ok}");
        }
        for bad in ["", " ", "en_US", "en-", "e\"n", "12", "english language"] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }
}

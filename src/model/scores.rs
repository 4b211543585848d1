//! A vendor's scores and where they come from: the dimension scores (complete and in range,
//! each with its basis) and the composites a source published, which the breakdown must
//! reproduce under the named profile, so a chosen breakdown can never pass for a sourced one.

use std::collections::BTreeMap;

use super::evidence::{self, vocab, ScoreBasis};
use super::parse::{DiagExt, FileCtx};
use super::raw::RawPublishedComposite;
use super::{Config, PublishedComposite, Score};
use crate::diagnostic::Code;

pub(super) fn scores(
    raw: &toml::Spanned<BTreeMap<toml::Spanned<String>, super::raw::RawScore>>,
    config: &Config,
    ctx: &mut FileCtx,
) -> Option<Vec<Score>> {
    let mut out: Vec<Option<Score>> = vec![None; config.dimensions.len()];
    let before = ctx.diags.len();
    for (k, s) in raw.get_ref() {
        if !ctx.check_ref(
            "dimension",
            k,
            config.dimensions.iter().map(|d| d.key.as_str()),
        ) {
            continue;
        }
        let value = *s.score.get_ref();
        if !(0..=100).contains(&value) {
            ctx.error(
                Code::OutOfRange,
                s.score.span(),
                format!("score {value} is outside 0-100"),
            )
            .with_expected_in_place("a whole number from 0 (lowest risk) to 100 (highest risk)");
            continue;
        }
        let i = config
            .dimensions
            .iter()
            .position(|d| &d.key == k.get_ref())
            .expect("checked");
        let basis = vocab(
            ctx,
            "score basis",
            s.basis.as_ref(),
            ScoreBasis::ALL,
            ScoreBasis::key,
        );
        out[i] = Some(Score {
            value: value as u8,
            rationale: s.rationale.clone().into(),
            basis,
            assessor: s.assessor.clone().map(String::from),
            assessed: s.assessed.as_ref().map(|d| *d.get_ref()),
            sources: s
                .sources
                .iter()
                .filter_map(|x| evidence::source(x.get_ref().source(), x.span(), ctx))
                .collect(),
        });
    }
    let missing: Vec<&str> = config
        .dimensions
        .iter()
        .zip(&out)
        .filter(|(_, s)| s.is_none())
        .map(|(d, _)| d.key.as_str())
        .collect();
    // A score already reported as wrong is not also "missing".
    if ctx.diags.len() > before {
        return None;
    }
    if !missing.is_empty() && missing.len() < config.dimensions.len() {
        let span = raw
            .get_ref()
            .keys()
            .next()
            .map(|k| k.span())
            .unwrap_or(raw.span());
        ctx.error(Code::MissingField, span, format!("scores are missing for {}", missing.join(", "))).with_help_in_place("score every dimension, or remove [scores] entirely to show the vendor as not yet scored");
        return None;
    }
    out.into_iter().collect()
}

/// Σ weight × score over percentages, rounded half up to tenths (42.2 → 422): the one
/// composite arithmetic, used here to check published figures and by `derive` for pages.
pub fn composite_tenths(scores: &[u8], weights: &[u32]) -> u32 {
    let hundredths: u32 = scores
        .iter()
        .zip(weights)
        .map(|(s, w)| u32::from(*s) * w)
        .sum();
    (hundredths + 5) / 10
}

/// `[[published_composites]]`: each names a known profile, a value with one decimal and at
/// least one source, and must equal the composite of the breakdown under that profile.
pub(super) fn published(
    raw: &[RawPublishedComposite],
    scores: Option<&[Score]>,
    scores_written: bool,
    config: &Config,
    ctx: &mut FileCtx,
) -> Vec<PublishedComposite> {
    let mut out = Vec::new();
    for p in raw {
        let before = ctx.diags.len();
        let profile = if ctx.check_ref(
            "profile",
            &p.profile,
            config.profiles.iter().map(|x| x.key.as_str()),
        ) {
            config
                .profiles
                .iter()
                .position(|x| &x.key == p.profile.get_ref())
        } else {
            None
        };
        let value = *p.value.get_ref();
        let tenths = (value * 10.0).round();
        if !(0.0..=100.0).contains(&value) || (value * 10.0 - tenths).abs() > 1e-6 {
            ctx.error(
                Code::OutOfRange,
                p.value.span(),
                format!(
                    "published composite {value} is not a score with one decimal from 0 to 100"
                ),
            )
            .with_help_in_place("write the figure exactly as the source prints it, e.g. 42.2");
        }
        if p.sources.is_empty() {
            ctx.error(
                Code::MissingField,
                p.profile.span(),
                "a published composite needs the source that publishes it",
            )
            .with_help_in_place(
                "add [[published_composites.sources]] with title = \"...\" (and url, date, kind)",
            );
        }
        let sources: Vec<_> = p
            .sources
            .iter()
            .filter_map(|s| evidence::source(s.get_ref().source(), s.span(), ctx))
            .collect();
        let (Some(profile), true) = (profile, ctx.diags.len() == before) else {
            continue;
        };
        let tenths = tenths as u32;
        match scores {
            // The scores' own mistakes are already reported; nothing to compare with.
            None if scores_written => continue,
            None => {
                ctx.error(Code::MissingField, p.value.span(), "a published composite needs the dimension scores that reproduce it")
                    .with_help_in_place("add [scores.<dimension>] for every dimension, or remove this published composite");
                continue;
            }
            Some(scores) => {
                let values: Vec<u8> = scores.iter().map(|s| s.value).collect();
                let got = composite_tenths(&values, &config.profiles[profile].weights);
                if got != tenths {
                    ctx.error(
                        Code::ScoreMismatch,
                        p.value.span(),
                        format!(
                            "the dimension scores give {}.{} under `{}`, not the published {value}",
                            got / 10,
                            got % 10,
                            config.profiles[profile].key
                        ),
                    )
                    .with_help_in_place("fix the breakdown (or the profile named here) so it reproduces the published figure; the breakdown cannot stand beside a composite it contradicts");
                    continue;
                }
            }
        }
        out.push(PublishedComposite {
            profile,
            tenths,
            date: p.date.as_ref().map(|d| *d.get_ref()),
            sources,
        });
    }
    out
}

//! The methodology as data (dimensions, every profile's weights, bands with their ranges,
//! ratings, the evidence vocabularies), shown on its own page and in every procurement
//! pack, and the pack's questions.

use minijinja::Value;
use serde::Serialize;

use super::to_value;
use crate::model::{Config, Registry};
use crate::render::evidence::EvidenceMethodology;
use crate::render::views::Pair;

#[derive(Serialize)]
pub(super) struct MethodologyPage {
    pub(super) methodology: Value,
}

#[derive(Serialize)]
struct Methodology {
    dimensions: Vec<DimensionView>,
    profiles: Vec<ProfileView>,
    bands: Vec<BandLegend>,
    ratings: Vec<Pair>,
    caveats: Option<String>,
    /// The default profile's weights in one sentence.
    summary: String,
    default_profile: String,
    /// What each basis, confidence and status means; every scheme's validity rule.
    evidence: EvidenceMethodology,
}

#[derive(Serialize)]
struct DimensionView {
    key: String,
    name: String,
    description: String,
    /// This dimension's weight in each profile, in profile order.
    weights: Vec<u32>,
}

#[derive(Serialize)]
struct ProfileView {
    key: String,
    name: String,
    description: String,
    is_default: bool,
}

/// A band with its score range, for the methodology and the heat maps' legends.
#[derive(Serialize, Clone)]
pub(super) struct BandLegend {
    key: String,
    name: String,
    range: String,
    description: String,
}

#[derive(Serialize)]
struct Questions {
    intro: String,
    items: Vec<String>,
}

/// The questions a procurement pack asks the vendor.
pub(super) fn questions(reg: &Registry) -> Value {
    to_value(Questions {
        intro: reg.questions.intro.clone(),
        items: reg.questions.items.clone(),
    })
}

pub(super) fn methodology(reg: &Registry) -> Value {
    let cfg = &reg.config;
    let default = &cfg.profiles[cfg.default_profile];
    let summary = format!(
        "Composite scores use the {} weight profile ({}).",
        default.key,
        cfg.dimensions
            .iter()
            .zip(&default.weights)
            .map(|(d, w)| format!("{w}% {}", in_sentence(&d.name)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    to_value(Methodology {
        dimensions: cfg
            .dimensions
            .iter()
            .enumerate()
            .map(|(i, d)| DimensionView {
                key: d.key.clone(),
                name: d.name.clone(),
                description: d.description.clone(),
                weights: cfg.profiles.iter().map(|p| p.weights[i]).collect(),
            })
            .collect(),
        profiles: cfg
            .profiles
            .iter()
            .enumerate()
            .map(|(i, p)| ProfileView {
                key: p.key.clone(),
                name: p.name.clone(),
                description: p.description.clone(),
                is_default: i == cfg.default_profile,
            })
            .collect(),
        bands: band_legend(cfg),
        ratings: cfg
            .ratings
            .iter()
            .map(|r| Pair {
                label: r.name.clone(),
                value: r.description.clone(),
            })
            .collect(),
        caveats: cfg.caveats.clone(),
        summary,
        default_profile: default.key.clone(),
        evidence: crate::render::evidence::methodology(reg),
    })
}

/// Every band with its score range.
pub(super) fn band_legend(cfg: &Config) -> Vec<BandLegend> {
    cfg.bands
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let range = match cfg.bands.get(i + 1).map(|n| n.min) {
                Some(u) => format!("{} to under {}", fmt_num(b.min), fmt_num(u)),
                None => format!("{} to 100", fmt_num(b.min)),
            };
            BandLegend {
                key: b.key.clone(),
                name: b.name.clone(),
                range,
                description: b.description.clone(),
            }
        })
        .collect()
}

/// A label as it reads inside a sentence: `Data handling` → `data handling`, but an initial
/// acronym stays (`IP exposure`, not `ip exposure`).
fn in_sentence(label: &str) -> String {
    let first = label.split_whitespace().next().unwrap_or("");
    if first.chars().filter(|c| c.is_uppercase()).count() > 1 {
        return label.to_string();
    }
    let mut chars = label.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x}")
    }
}

#[cfg(test)]
mod tests {
    use super::in_sentence;

    #[test]
    fn labels_in_a_sentence_keep_their_acronyms() {
        // The methodology said "20% ip exposure".
        assert_eq!(in_sentence("IP exposure"), "IP exposure");
        assert_eq!(in_sentence("Data handling"), "data handling");
        assert_eq!(in_sentence("Security"), "security");
    }
}

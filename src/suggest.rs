//! "Did you mean ...?" for misspelt keys and references.
//!
//! Names here are slugs and keys made of parts (`iso-iec-27001`, `soc2-type2`,
//! `valid_until`), so plain edit distance ranks badly: `iso-iec-27001` is one letter from
//! `iso-iec-27701` but means `iso-27001`. Candidates are ranked by, in order:
//! 1. the same name once case, punctuation, part order and filler parts (`iec`) are
//!    ignored, or the word being a clear prefix of the name;
//! 2. the same numbers (`27001`, the `2` of `type2`): a different number is a different
//!    standard, not a typo;
//! 3. edit distance (Levenshtein) between the normalised forms;
//! 4. Jaro-Winkler similarity, which favours a shared beginning.
//!
//! A candidate is offered only when it is close enough to be a plausible typo.

use std::cmp::Reverse;

/// Parts that standards' names carry or leave out at will (`ISO/IEC 27001` is `ISO 27001`).
const FILLER: &[&str] = &["iec", "the", "of", "and"];

/// The closest candidate to `word`, if it is close enough to be a plausible typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let w = Name::new(word);
    let limit = (word.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let rank = w.rank(&Name::new(c));
            (rank.same || rank.distance.0 <= limit).then_some((rank, Reverse(i), c))
        })
        .max_by(|a, b| (&a.0, a.1).partial_cmp(&(&b.0, b.1)).expect("no NaN"))
        .map(|(_, _, c)| c.to_string())
}

/// `did you mean `x`?` or nothing.
pub fn help(word: &str, candidates: impl IntoIterator<Item = impl AsRef<str>>) -> Option<String> {
    let owned: Vec<String> = candidates
        .into_iter()
        .map(|c| c.as_ref().to_string())
        .collect();
    did_you_mean(word, owned.iter().map(String::as_str)).map(|c| format!("did you mean `{c}`?"))
}

/// A name prepared for comparison.
struct Name {
    lower: String,
    /// Lower-case alphanumeric parts, fillers dropped, joined by `-`.
    normal: String,
    /// The same parts, sorted (for names written in another order).
    sorted: Vec<String>,
    /// The runs of digits, in order.
    numbers: Vec<String>,
}

impl Name {
    fn new(s: &str) -> Self {
        let lower = s.to_lowercase();
        let parts: Vec<&str> = lower
            .split(|c: char| !c.is_alphanumeric())
            .filter(|p| !p.is_empty() && !FILLER.contains(p))
            .collect();
        let mut sorted: Vec<String> = parts.iter().map(|p| p.to_string()).collect();
        sorted.sort();
        let numbers = lower
            .split(|c: char| !c.is_ascii_digit())
            .filter(|n| !n.is_empty())
            .map(str::to_string)
            .collect();
        Name {
            normal: parts.join("-"),
            sorted,
            numbers,
            lower,
        }
    }

    fn stripped(&self) -> String {
        self.lower.chars().filter(|c| c.is_alphanumeric()).collect()
    }

    /// How well `self`, as typed, matches candidate `c`.
    fn rank(&self, c: &Name) -> Rank {
        let same = self.normal == c.normal
            || self.stripped() == c.stripped()
            || self.sorted == c.sorted
            || (self.lower.len() >= 4 && c.lower.starts_with(&self.lower));
        let distance = if same {
            0
        } else {
            strsim::levenshtein(&self.normal, &c.normal)
                .min(strsim::levenshtein(&self.lower, &c.lower))
        };
        Rank::new(
            same,
            self.numbers.is_empty() || self.numbers == c.numbers,
            distance,
            strsim::jaro_winkler(&self.normal, &c.normal),
        )
    }
}

/// Greater is better; compared field by field.
#[derive(Debug, PartialEq, PartialOrd)]
struct Rank {
    same: bool,
    numbers_agree: bool,
    distance: Reverse<usize>,
    similarity: f64,
}

impl Rank {
    fn new(same: bool, numbers_agree: bool, distance: usize, similarity: f64) -> Self {
        Rank {
            same,
            numbers_agree,
            distance: Reverse(distance),
            similarity,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn best(word: &str, candidates: &[&str]) -> Option<String> {
        did_you_mean(word, candidates.iter().copied())
    }

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(
            best("iso27001", &["iso_27001", "soc2_type2"]).as_deref(),
            Some("iso_27001")
        );
        assert_eq!(best("c-5", &["c5", "tisax"]).as_deref(), Some("c5"));
        assert_eq!(best("banana", &["c5", "tisax"]), None);
        assert_eq!(best("iso-9999", &["soc2-type2", "tisax"]), None);
    }

    #[test]
    fn ranks_parts_and_numbers_above_raw_edit_distance() {
        let certs = [
            "c5",
            "eu-cloud-coc",
            "iso-27001",
            "iso-27017",
            "iso-27018",
            "iso-iec-27701",
            "iso-42001",
            "soc1-type2",
            "soc2-type2",
        ];
        let cases = [
            // One letter from `iso-iec-27701`, but the same standard as `iso-27001`.
            ("iso-iec-27001", "iso-27001"),
            ("iso-iec-27017", "iso-27017"),
            ("iso-27701", "iso-iec-27701"),
            ("iso27701", "iso-iec-27701"),
            ("iso-2700", "iso-27001"),
            ("soc2-typ2", "soc2-type2"),
            ("soc-2-type-2", "soc2-type2"),
            ("type2-soc2", "soc2-type2"),
            ("SOC1-Type2", "soc1-type2"),
            ("eu-cloud-code", "eu-cloud-coc"),
            ("iso-42000", "iso-42001"),
        ];
        for (word, want) in cases {
            assert_eq!(best(word, &certs).as_deref(), Some(want), "for `{word}`");
        }
    }

    #[test]
    fn keys_and_slugs_keep_their_typo_suggestions() {
        let keys = [
            "valid_until",
            "valid_from",
            "issued",
            "jurisdiction_profiles",
        ];
        assert_eq!(best("valid_untill", &keys).as_deref(), Some("valid_until"));
        assert_eq!(best("isued", &keys).as_deref(), Some("issued"));
        assert_eq!(
            best("jurisdiction", &keys).as_deref(),
            Some("jurisdiction_profiles")
        );
        assert_eq!(
            best("acme-clod", &["acme-cloud", "acme-ai"]).as_deref(),
            Some("acme-cloud")
        );
        assert_eq!(
            best("frontier_bilder", &["cloud_provider", "frontier_builder"]).as_deref(),
            Some("frontier_builder")
        );
        // Ties keep the first candidate.
        assert_eq!(best("ab", &["ac", "ad"]).as_deref(), Some("ac"));
    }

    #[test]
    fn rank_orders_fields_in_turn() {
        assert!(Rank::new(true, false, 9, 0.0) > Rank::new(false, true, 0, 1.0));
        assert!(Rank::new(false, true, 5, 0.0) > Rank::new(false, false, 1, 1.0));
        assert!(Rank::new(false, true, 1, 0.0) > Rank::new(false, true, 2, 1.0));
        assert!(Rank::new(false, true, 1, 0.9) > Rank::new(false, true, 1, 0.8));
    }
}

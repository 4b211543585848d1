//! "Did you mean ...?" for misspelt keys and references.

/// The closest candidate to `word`, if it is close enough to be a plausible typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let word_l = word.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = distance(&word_l, &c.to_lowercase());
        // Punctuation-insensitive match catches `iso27001` vs `iso_27001`.
        let cl = c.to_lowercase();
        // Punctuation-insensitive equality, or the word being a clear prefix of the name
        // (`jurisdiction` for `jurisdiction_profiles`), counts as a near miss.
        let d = if strip(&word_l) == strip(&cl) {
            0
        } else if word_l.len() >= 4 && cl.starts_with(&word_l) {
            1
        } else {
            d
        };
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    let (d, c) = best?;
    let limit = (word.chars().count() / 3).max(2);
    (d <= limit).then(|| c.to_string())
}

/// `did you mean `x`?` or nothing.
pub fn help(word: &str, candidates: impl IntoIterator<Item = impl AsRef<str>>) -> Option<String> {
    let owned: Vec<String> = candidates
        .into_iter()
        .map(|c| c.as_ref().to_string())
        .collect();
    did_you_mean(word, owned.iter().map(String::as_str)).map(|c| format!("did you mean `{c}`?"))
}

fn strip(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// Levenshtein distance over characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(
            did_you_mean("iso27001", ["iso_27001", "soc2_type2"]).as_deref(),
            Some("iso_27001")
        );
        assert_eq!(did_you_mean("c-5", ["c5", "tisax"]).as_deref(), Some("c5"));
        assert_eq!(did_you_mean("banana", ["c5", "tisax"]), None);
    }
}

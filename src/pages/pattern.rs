//! The path patterns of `_headers` and `_redirects`: literal text, at most one `*` splat and
//! `:name` placeholders, matched the way Pages' rules engine (`rulesEngine.ts`) does.

/// Whether a path (a redirect source, a header rule's path) makes the rule dynamic for
/// Pages' count: it holds a `*` or a `:name` placeholder (`:` then a letter).
pub fn is_dynamic(path: &str) -> bool {
    path.contains('*')
        || path
            .as_bytes()
            .windows(2)
            .any(|w| w[0] == b':' && w[1].is_ascii_alphabetic())
}

/// `path` as Pages holds it after reading it through a URL parser: every byte outside
/// printable ASCII, and the few the URL standard escapes in a path (space, `"`, `<`, `>`,
/// `` ` ``, `{`, `}`), percent-encoded, so `/café` matches a request for `/caf%C3%A9`, the way
/// a browser sends it. Escapes already there stay as they are.
pub fn encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b <= b' ' || b >= 0x7f || b"\"<>`{}".contains(&b) {
            out.push_str(&format!("%{b:02X}"));
        } else {
            out.push(b as char);
        }
    }
    out
}

/// A path pattern: literal text, at most one `*` and `:name` placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    tokens: Vec<Token>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Lit(String),
    /// `:name`: one or more characters other than `/`.
    Param(String),
    /// `*`: anything, captured as `:splat`.
    Splat,
}

/// The captured values of a match, by name (`splat` for `*`).
pub type Captures = Vec<(String, String)>;

impl Pattern {
    pub fn parse(src: &str) -> Pattern {
        let mut tokens = Vec::new();
        let mut lit = String::new();
        let mut chars = src.char_indices().peekable();
        while let Some((_, c)) = chars.next() {
            let starts_name = chars.peek().is_some_and(|(_, n)| n.is_ascii_alphabetic());
            if c == '*' {
                flush(&mut lit, &mut tokens);
                tokens.push(Token::Splat);
            } else if c == ':' && starts_name {
                flush(&mut lit, &mut tokens);
                let mut name = String::new();
                while let Some((_, n)) = chars.peek() {
                    if n.is_ascii_alphanumeric() || *n == '_' {
                        name.push(*n);
                        chars.next();
                    } else {
                        break;
                    }
                }
                tokens.push(Token::Param(name));
            } else {
                lit.push(c);
            }
        }
        flush(&mut lit, &mut tokens);
        Pattern { tokens }
    }

    /// Captures by name (`splat` for `*`) when the whole `path` matches.
    pub fn matches(&self, path: &str) -> Option<Captures> {
        let mut caps = Vec::new();
        match_from(&self.tokens, path, &mut caps).then_some(caps)
    }
}

fn flush(lit: &mut String, tokens: &mut Vec<Token>) {
    if !lit.is_empty() {
        tokens.push(Token::Lit(std::mem::take(lit)));
    }
}

/// Backtracking match; patterns have a handful of tokens, so this stays cheap.
fn match_from(tokens: &[Token], path: &str, caps: &mut Captures) -> bool {
    let Some((first, rest)) = tokens.split_first() else {
        return path.is_empty();
    };
    match first {
        Token::Lit(l) => path
            .strip_prefix(l.as_str())
            .is_some_and(|p| match_from(rest, p, caps)),
        Token::Param(_) | Token::Splat => {
            let splat = matches!(first, Token::Splat);
            let limit = if splat {
                path.len()
            } else {
                path.find('/').unwrap_or(path.len())
            };
            let min = usize::from(!splat);
            // Longest first, like a greedy regex group.
            let mut ends: Vec<usize> = path
                .char_indices()
                .map(|(i, _)| i)
                .chain([path.len()])
                .filter(|&i| i >= min && i <= limit)
                .collect();
            ends.reverse();
            for end in ends {
                let depth = caps.len();
                let key = match first {
                    Token::Param(name) => name.clone(),
                    _ => "splat".to_string(),
                };
                caps.push((key, path[..end].to_string()));
                if match_from(rest, &path[end..], caps) {
                    return true;
                }
                caps.truncate(depth);
            }
            false
        }
    }
}

/// Replaces `:name` (and `:splat`) in `s` with the captured values, longest names first so
/// `:id` does not eat the start of `:identifier`.
pub fn substitute(s: &str, caps: &[(String, String)]) -> String {
    let mut caps: Vec<&(String, String)> = caps.iter().collect();
    caps.sort_by_key(|c| std::cmp::Reverse(c.0.len()));
    let mut out = s.to_string();
    for (name, value) in caps {
        out = out.replace(&format!(":{name}"), value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_like_pages() {
        type Want<'a> = Option<&'a [(&'a str, &'a str)]>;
        let cases: &[(&str, &str, Want)] = &[
            ("/a", "/a", Some(&[])),
            ("/a", "/a/", None),
            ("/v/*", "/v/x/y", Some(&[("splat", "x/y")])),
            ("/v/*", "/v/", Some(&[("splat", "")])),
            ("/v/:slug", "/v/acme", Some(&[("slug", "acme")])),
            ("/v/:slug", "/v/acme/pack", None),
            ("/v/:slug", "/v/", None),
            (
                "/v/:slug/*",
                "/v/acme/a/b",
                Some(&[("slug", "acme"), ("splat", "a/b")]),
            ),
            ("/*.jpg", "/img/a.jpg", Some(&[("splat", "img/a")])),
            ("/*.jpg", "/img/a.png", None),
            // As in Pages, `:b` is a placeholder wherever it appears.
            ("/a:b", "/a:b", Some(&[("b", ":b")])),
            ("/a:b", "/a", None),
        ];
        for (pat, path, want) in cases {
            let got = Pattern::parse(pat).matches(path);
            let want = want.map(|w| {
                w.iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect::<Vec<_>>()
            });
            assert_eq!(got, want, "{pat} against {path}");
        }
    }

    #[test]
    fn paths_are_encoded_as_a_url_parser_would() {
        assert_eq!(encode("/café/"), "/caf%C3%A9/");
        assert_eq!(encode("/a%20b/{x}"), "/a%20b/%7Bx%7D");
        assert_eq!(encode("/v/:slug/*"), "/v/:slug/*");
    }

    #[test]
    fn dynamic_paths_have_a_splat_or_a_placeholder() {
        assert!(is_dynamic("/blog/*"));
        assert!(is_dynamic("/v/:slug"));
        assert!(!is_dynamic("/vendor/acme/"));
        assert!(!is_dynamic("https://example.org/a"));
        assert!(!is_dynamic("/a:1"));
    }

    #[test]
    fn longer_names_are_substituted_first() {
        let caps = vec![
            ("id".to_string(), "1".to_string()),
            ("identifier".to_string(), "x".to_string()),
        ];
        assert_eq!(substitute("/:identifier/:id", &caps), "/x/1");
    }
}

//! The site's own `_headers` and `_redirects`, read the way Cloudflare Pages reads them, so
//! that a rule that works (or breaks) when deployed does the same under `serve`.
//!
//! Syntax and limits follow Pages' own parsers (`parseHeaders.ts`, `parseRedirects.ts`) and
//! matcher (`rulesEngine.ts`): one `*` splat per path, `:name` placeholders matching one path
//! segment, the first matching redirect wins, every matching header rule applies. Lines Pages
//! would ignore are ignored here too and reported as warnings with their line number.

use std::collections::HashSet;

/// Pages' limits (FACTS.md §1): lines over these lengths are ignored, rules past these
/// counts are dropped.
const MAX_REDIRECT_LINE: usize = 1000;
const MAX_STATIC_REDIRECTS: usize = 2000;
const MAX_DYNAMIC_REDIRECTS: usize = 100;
const MAX_HEADER_LINE: usize = 2000;
const MAX_HEADER_RULES: usize = 100;

/// A line Pages would skip, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleWarning {
    pub file: &'static str,
    pub line: usize,
    pub message: String,
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

impl Pattern {
    fn parse(src: &str) -> Pattern {
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

    fn is_dynamic(&self) -> bool {
        self.tokens.iter().any(|t| !matches!(t, Token::Lit(_)))
    }

    /// Captures by name (`splat` for `*`) when the whole `path` matches.
    pub fn matches(&self, path: &str) -> Option<Vec<(String, String)>> {
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
fn match_from(tokens: &[Token], path: &str, caps: &mut Vec<(String, String)>) -> bool {
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
fn substitute(s: &str, caps: &[(String, String)]) -> String {
    let mut caps: Vec<&(String, String)> = caps.iter().collect();
    caps.sort_by_key(|c| std::cmp::Reverse(c.0.len()));
    let mut out = s.to_string();
    for (name, value) in caps {
        out = out.replace(&format!(":{name}"), value);
    }
    out
}

/// One `_redirects` rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    pub from: Pattern,
    pub to: String,
    /// 200 (rewrite), 301, 302, 303, 307 or 308.
    pub status: u16,
}

/// What a matching redirect rule asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectMatch {
    pub to: String,
    pub status: u16,
}

/// Parses `_redirects`. Host-specific rules (`https://host/path`) cannot match on a local
/// server and are skipped with a warning.
pub fn parse_redirects(text: &str) -> (Vec<Redirect>, Vec<RuleWarning>) {
    let mut rules = Vec::new();
    let mut warnings = Vec::new();
    let mut seen = HashSet::new();
    let (mut statics, mut dynamics, mut dynamic_seen) = (0usize, 0usize, false);
    let warn = |line: usize, message: String| RuleWarning {
        file: "_redirects",
        line,
        message,
    };
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let n = i + 1;
        if line.len() > MAX_REDIRECT_LINE {
            warnings.push(warn(
                n,
                format!("ignored: longer than {MAX_REDIRECT_LINE} characters"),
            ));
            continue;
        }
        let parts: Vec<&str> = line.split_whitespace().collect();
        if !(2..=3).contains(&parts.len()) {
            warnings.push(warn(
                n,
                format!(
                    "ignored: expected `from to [status]`, found {} fields",
                    parts.len()
                ),
            ));
            continue;
        }
        let status = match parts.get(2).map(|s| s.parse::<u16>()) {
            None => 302,
            Some(Ok(s)) if matches!(s, 200 | 301 | 302 | 303 | 307 | 308) => s,
            Some(_) => {
                warnings.push(warn(
                    n,
                    format!(
                        "ignored: status `{}` is not one of 200, 301, 302, 303, 307, 308",
                        parts[2]
                    ),
                ));
                continue;
            }
        };
        let (from, to) = (parts[0], parts[1]);
        if from.starts_with("https://") || from.starts_with("http://") {
            warnings.push(warn(
                n,
                "host-specific rule: it can only match on the deployed domain, not locally".into(),
            ));
            continue;
        }
        if !from.starts_with('/') {
            warnings.push(warn(n, format!("ignored: `{from}` must start with `/`")));
            continue;
        }
        if status == 200 && !to.starts_with('/') {
            warnings.push(warn(
                n,
                "ignored: a 200 rewrite needs a relative destination starting with `/`".into(),
            ));
            continue;
        }
        if !seen.insert(from.to_string()) {
            warnings.push(warn(
                n,
                format!("ignored: an earlier rule already redirects `{from}`"),
            ));
            continue;
        }
        let pattern = Pattern::parse(from);
        // Pages counts every rule after the first dynamic one as dynamic.
        dynamic_seen |= pattern.is_dynamic();
        if dynamic_seen {
            dynamics += 1;
            if dynamics > MAX_DYNAMIC_REDIRECTS {
                warnings.push(warn(
                    n,
                    format!("ignored: more than {MAX_DYNAMIC_REDIRECTS} dynamic rules (every rule after the first one with `*` or `:name` counts as dynamic)"),
                ));
                continue;
            }
        } else {
            statics += 1;
            if statics > MAX_STATIC_REDIRECTS {
                warnings.push(warn(
                    n,
                    format!("ignored: more than {MAX_STATIC_REDIRECTS} static rules"),
                ));
                continue;
            }
        }
        rules.push(Redirect {
            from: pattern,
            to: to.to_string(),
            status,
        });
    }
    (rules, warnings)
}

/// The first rule matching `path` (the raw, still percent-encoded path, as Pages matches it).
pub fn match_redirect(rules: &[Redirect], path: &str) -> Option<RedirectMatch> {
    rules.iter().find_map(|r| {
        r.from.matches(path).map(|caps| RedirectMatch {
            to: substitute(&r.to, &caps),
            status: r.status,
        })
    })
}

/// One `_headers` block: a path pattern and what it sets or removes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderRule {
    pub path: Pattern,
    /// Lower-cased names; several lines for one name are joined with `, `.
    pub set: Vec<(String, String)>,
    pub unset: Vec<String>,
}

/// Parses `_headers`.
pub fn parse_headers(text: &str) -> (Vec<HeaderRule>, Vec<RuleWarning>) {
    let mut rules: Vec<HeaderRule> = Vec::new();
    let mut warnings = Vec::new();
    // The block being read: `None` before the first path line; `Some(None)` under a
    // host-specific path, whose header lines are skipped with it.
    let mut current: Option<Option<(usize, HeaderRule)>> = None;
    let warn = |line: usize, message: String| RuleWarning {
        file: "_headers",
        line,
        message,
    };
    let finish = |block: Option<Option<(usize, HeaderRule)>>,
                  rules: &mut Vec<HeaderRule>,
                  warnings: &mut Vec<RuleWarning>| {
        if let Some(Some((n, rule))) = block {
            if rule.set.is_empty() && rule.unset.is_empty() {
                warnings.push(warn(n, "ignored: no headers under this path".into()));
            } else {
                rules.push(rule);
            }
        }
    };
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let n = i + 1;
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.len() > MAX_HEADER_LINE {
            warnings.push(warn(
                n,
                format!("ignored: longer than {MAX_HEADER_LINE} characters"),
            ));
            continue;
        }
        let is_url = line
            .split_once("://")
            .is_some_and(|(scheme, _)| !scheme.is_empty() && !scheme.contains(char::is_whitespace));
        if line.starts_with('/') || is_url {
            finish(current.take(), &mut rules, &mut warnings);
            if rules.len() >= MAX_HEADER_RULES {
                warnings.push(warn(
                    n,
                    format!(
                        "ignored with the rest of the file: more than {MAX_HEADER_RULES} rules"
                    ),
                ));
                break;
            }
            if is_url {
                warnings.push(warn(
                    n,
                    "host-specific rule: it can only match on the deployed domain, not locally"
                        .into(),
                ));
                current = Some(None);
                continue;
            }
            let rule = HeaderRule {
                path: Pattern::parse(line),
                set: Vec::new(),
                unset: Vec::new(),
            };
            current = Some(Some((n, rule)));
            continue;
        }
        let rule = match current.as_mut() {
            None => {
                warnings.push(warn(
                    n,
                    "ignored: a header line must follow a path line starting with `/`".into(),
                ));
                continue;
            }
            Some(None) => continue,
            Some(Some((_, rule))) => rule,
        };
        if let Some(name) = line.strip_prefix('!') {
            rule.unset.push(name.trim().to_ascii_lowercase());
            continue;
        }
        let Some((name, value)) = line.split_once(':') else {
            warnings.push(warn(
                n,
                "ignored: expected `Name: value` or `! Name`".into(),
            ));
            continue;
        };
        let (name, value) = (name.trim().to_ascii_lowercase(), value.trim());
        if name.is_empty() || name.contains(char::is_whitespace) || value.is_empty() {
            warnings.push(warn(
                n,
                "ignored: a header needs a name without spaces and a value".into(),
            ));
            continue;
        }
        match rule.set.iter_mut().find(|(k, _)| *k == name) {
            Some((_, v)) => {
                v.push_str(", ");
                v.push_str(value);
            }
            None => rule.set.push((name, value.to_string())),
        }
    }
    finish(current.take(), &mut rules, &mut warnings);
    (rules, warnings)
}

/// Applies every rule matching `path` to `headers`, in file order: `! name` removes, a
/// header set by an earlier rule gets the later value appended, otherwise it replaces the
/// server's default.
pub fn apply_headers(rules: &[HeaderRule], path: &str, headers: &mut Vec<(String, String)>) {
    let mut set_here: HashSet<String> = HashSet::new();
    for rule in rules {
        let Some(caps) = rule.path.matches(path) else {
            continue;
        };
        for name in &rule.unset {
            headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        }
        for (name, value) in &rule.set {
            let value = substitute(value, &caps);
            if set_here.contains(name) {
                if let Some((_, v)) = headers
                    .iter_mut()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                {
                    v.push_str(", ");
                    v.push_str(&value);
                    continue;
                }
            }
            headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
            headers.push((name.clone(), value));
            set_here.insert(name.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_like_pages() {
        type Captures<'a> = Option<&'a [(&'a str, &'a str)]>;
        let cases: &[(&str, &str, Captures)] = &[
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
    fn redirects_parse_with_pages_rules() {
        let text = "\
# moved vendors
/old-vendor  /vendor/acme/  301
/plain /target
/v/:slug  /vendor/:slug/  308
/old-vendor /elsewhere 301
/docs/* /guide/:splat 200
/bad /x 404
/a b c d
https://example.com/x /y 301
/rewrite https://elsewhere.example/ 200
";
        let (rules, warnings) = parse_redirects(text);
        let sources: Vec<(&str, u16)> = rules.iter().map(|r| (r.to.as_str(), r.status)).collect();
        assert_eq!(
            sources,
            [
                ("/vendor/acme/", 301),
                ("/target", 302),
                ("/vendor/:slug/", 308),
                ("/guide/:splat", 200)
            ]
        );
        let lines: Vec<usize> = warnings.iter().map(|w| w.line).collect();
        assert_eq!(lines, [5, 7, 8, 9, 10], "{warnings:#?}");
        assert!(warnings[0].message.contains("earlier rule"));
    }

    #[test]
    fn first_matching_redirect_wins_and_fills_placeholders() {
        let (rules, _) = parse_redirects(
            "/v/acme /special 301\n/v/:slug /vendor/:slug/ 308\n/d/* /docs/:splat 302\n",
        );
        let m = |p: &str| match_redirect(&rules, p).map(|m| (m.to, m.status));
        assert_eq!(m("/v/acme"), Some(("/special".into(), 301)));
        assert_eq!(m("/v/globex"), Some(("/vendor/globex/".into(), 308)));
        assert_eq!(m("/d/a/b.html"), Some(("/docs/a/b.html".into(), 302)));
        assert_eq!(m("/vendor/acme/"), None);
    }

    #[test]
    fn dynamic_rules_are_limited_and_counted_after_the_first_one() {
        let mut text = String::from("/dyn/* /x 301\n");
        for i in 0..MAX_DYNAMIC_REDIRECTS {
            // Static in form, dynamic in Pages' count because a dynamic rule came first.
            text.push_str(&format!("/s{i} /x 301\n"));
        }
        let (rules, warnings) = parse_redirects(&text);
        assert_eq!(rules.len(), MAX_DYNAMIC_REDIRECTS);
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].message.contains("dynamic"));
    }

    #[test]
    fn headers_parse_and_apply_in_order() {
        let text = "\
/*
  X-Frame-Options: DENY
  Content-Security-Policy: default-src 'self'
  Link: </a.css>; rel=preload
  Link: </b.css>; rel=preload
/assets/*
  Cache-Control: public, max-age=31536000, immutable
/*.jpg
  ! Content-Security-Policy
/vendor/:slug/
  X-Vendor: :slug
/empty
";
        let (rules, warnings) = parse_headers(text);
        assert_eq!(rules.len(), 4);
        assert_eq!(
            rules[0].set[2],
            (
                "link".into(),
                "</a.css>; rel=preload, </b.css>; rel=preload".into()
            )
        );
        let lines: Vec<usize> = warnings.iter().map(|w| w.line).collect();
        assert_eq!(lines, [12], "{warnings:#?}");

        let apply = |path: &str| {
            let mut h = vec![(
                "Cache-Control".to_string(),
                "public, max-age=0, must-revalidate".to_string(),
            )];
            apply_headers(&rules, path, &mut h);
            h
        };
        let css = apply("/assets/style.css");
        assert!(css.contains(&(
            "cache-control".into(),
            "public, max-age=31536000, immutable".into()
        )));
        assert!(css.iter().any(|(k, _)| k == "content-security-policy"));
        let jpg = apply("/img/a.jpg");
        assert!(!jpg.iter().any(|(k, _)| k == "content-security-policy"));
        assert!(jpg.contains(&("x-frame-options".into(), "DENY".into())));
        let vendor = apply("/vendor/acme/");
        assert!(vendor.contains(&("x-vendor".into(), "acme".into())));
    }

    #[test]
    fn header_lines_before_any_path_and_host_rules_are_reported() {
        let (rules, warnings) = parse_headers(
            "X-A: b\nhttps://:project.pages.dev/*\n  X-Robots-Tag: noindex\n/x\n  X-B: c\n",
        );
        assert_eq!(rules.len(), 1);
        assert_eq!(rules[0].set, [("x-b".to_string(), "c".to_string())]);
        let lines: Vec<usize> = warnings.iter().map(|w| w.line).collect();
        assert_eq!(lines, [1, 2]);
    }

    #[test]
    fn the_same_header_from_two_rules_is_joined() {
        let (rules, _) = parse_headers("/*\n  X-Tag: a\n/x\n  X-Tag: b\n");
        let mut h = Vec::new();
        apply_headers(&rules, "/x", &mut h);
        assert_eq!(h, [("x-tag".to_string(), "a, b".to_string())]);
    }
}

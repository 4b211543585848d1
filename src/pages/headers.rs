//! `_headers`, read once the way Pages reads it (`parseHeaders.ts`): typed rules for `serve`
//! to answer with, and every line Pages would skip as a [`Problem`] for `publish` to refuse.
//! A line is a path if it starts with `/` or `scheme://`, otherwise a header of the path
//! above; indentation does not matter to Pages, so it does not matter here. Every matching
//! rule applies, in file order.

use std::collections::HashSet;

use super::limits::{line_length, MAX_HEADER_LINE, MAX_HEADER_RULES};
use super::pattern::{encode, substitute, Pattern};
use super::problem::{Kind, Problem};

/// One rule Pages keeps: a path pattern and what it sets or removes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderRule {
    /// 1-based line of the path in the parsed text.
    pub line: usize,
    /// The path line as written.
    pub source: String,
    /// `https://host/…` rules match only on that host (`:project.pages.dev` and the like).
    pub host: Option<String>,
    pub path: Pattern,
    /// Lower-cased names; several lines for one name are joined with `, `.
    pub set: Vec<(String, String)>,
    /// Lower-cased names of `! Name` lines.
    pub unset: Vec<String>,
}

/// A whole file: the rules Pages keeps, in order, and the lines it skips.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers {
    pub rules: Vec<HeaderRule>,
    pub problems: Vec<Problem>,
}

/// A path line, as Pages tells one from a header (`^([^\s]+://|/)`).
pub fn is_path_line(line: &str) -> bool {
    let t = line.trim();
    t.starts_with('/')
        || t.split_once("://")
            .is_some_and(|(scheme, _)| !scheme.is_empty() && !scheme.contains(char::is_whitespace))
}

pub fn parse(text: &str) -> Headers {
    let mut out = Headers::default();
    // The rule being read, and whether the path line above was refused (its header lines
    // are skipped with it, not reported again).
    let mut current: Option<HeaderRule> = None;
    let mut under_bad_path = false;
    // Lines under the current path, good or bad: a rule whose only header was refused is
    // reported once, for that line, not again for having no headers.
    let mut lines_under = 0usize;
    let mut paths = 0usize;
    let mut over: Option<usize> = None;
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let chars = line_length(raw);
        lines_under += 1;
        if chars > MAX_HEADER_LINE {
            let max = MAX_HEADER_LINE;
            out.problems
                .push(Problem::new(n, Kind::TooLong { chars, max }));
            continue;
        }
        if is_path_line(line) {
            finish(current.take(), lines_under > 1, over.is_some(), &mut out);
            lines_under = 0;
            paths += 1;
            if paths > MAX_HEADER_RULES {
                over.get_or_insert(n);
            }
            match path(line) {
                Some((host, path)) => {
                    under_bad_path = false;
                    current = Some(HeaderRule {
                        line: n,
                        source: line.to_string(),
                        host,
                        path: Pattern::parse(&encode(&path)),
                        set: Vec::new(),
                        unset: Vec::new(),
                    });
                }
                None => {
                    under_bad_path = true;
                    out.problems.push(Problem::new(n, Kind::Path(line.into())));
                }
            }
            continue;
        }
        if under_bad_path {
            continue;
        }
        let Some(rule) = current.as_mut() else {
            out.problems.push(Problem::new(n, Kind::HeaderBeforePath));
            continue;
        };
        match header(line) {
            Ok(Header::Unset(name)) => rule.unset.push(name),
            Ok(Header::Set(name, value)) => match rule.set.iter_mut().find(|(k, _)| *k == name) {
                Some((_, v)) => {
                    v.push_str(", ");
                    v.push_str(&value);
                }
                None => rule.set.push((name, value)),
            },
            Err(kind) => out.problems.push(Problem::new(n, kind)),
        }
    }
    finish(current.take(), lines_under > 0, over.is_some(), &mut out);
    if let Some(line) = over {
        let count = paths;
        out.problems
            .push(Problem::new(line, Kind::TooManyHeaderRules { count }));
    }
    out.problems.sort_by_key(|p| p.line);
    out
}

/// Keeps a finished rule (unless past the limit), or reports it when it has no headers.
fn finish(rule: Option<HeaderRule>, had_lines: bool, over: bool, out: &mut Headers) {
    let Some(rule) = rule else { return };
    if rule.set.is_empty() && rule.unset.is_empty() {
        if had_lines {
            return;
        }
        out.problems
            .push(Problem::new(rule.line, Kind::NoHeaders(rule.source)));
    } else if !over {
        out.rules.push(rule);
    }
}

/// `(host, path)` of a path line Pages takes: `/…`, or `https://host/…` without a port.
fn path(line: &str) -> Option<(Option<String>, String)> {
    if line.starts_with('/') {
        return Some((None, line.to_string()));
    }
    let host = super::redirects::host(line)?;
    if host
        .rsplit_once(':')
        .is_some_and(|(_, p)| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let rest = line
        .strip_prefix("https://")?
        .trim_start_matches('/')
        .strip_prefix(host)?;
    let path = if rest.is_empty() { "/" } else { rest };
    Some((Some(host.to_string()), path.to_string()))
}

enum Header {
    Set(String, String),
    Unset(String),
}

/// A header line: `Name: value` or `! Name`.
fn header(line: &str) -> Result<Header, Kind> {
    let Some((name, value)) = line.split_once(':') else {
        return match line.strip_prefix("! ") {
            Some(name) if !name.trim().is_empty() && !name.trim().contains(char::is_whitespace) => {
                Ok(Header::Unset(name.trim().to_ascii_lowercase()))
            }
            Some(name) => Err(Kind::HeaderName(name.trim().to_string())),
            None => Err(Kind::NotAHeader(line.to_string())),
        };
    };
    let name = name.trim().to_ascii_lowercase();
    let value = value.trim();
    if name.is_empty() || name.contains(char::is_whitespace) {
        return Err(Kind::HeaderName(name));
    }
    if value.is_empty() {
        return Err(Kind::HeaderValue(name));
    }
    Ok(Header::Set(name, value.to_string()))
}

impl Headers {
    /// Applies every rule matching `path` to `headers`, in file order: `! name` removes, a
    /// header set by an earlier rule gets the later value appended, otherwise it replaces the
    /// server's default. Rules for a host never match here: the caller has no host to match.
    pub fn apply(&self, path: &str, headers: &mut Vec<(String, String)>) {
        let mut set_here: HashSet<String> = HashSet::new();
        for rule in self.rules.iter().filter(|r| r.host.is_none()) {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(h: &Headers) -> Vec<(usize, Kind)> {
        h.problems
            .iter()
            .map(|p| (p.line, p.kind.clone()))
            .collect()
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
        let h = parse(text);
        assert_eq!(h.rules.len(), 4);
        assert_eq!(
            h.rules[0].set[2],
            (
                "link".into(),
                "</a.css>; rel=preload, </b.css>; rel=preload".into()
            )
        );
        assert_eq!(kinds(&h), [(12, Kind::NoHeaders("/empty".into()))]);

        let apply = |path: &str| {
            let mut v = vec![(
                "Cache-Control".to_string(),
                "public, max-age=0, must-revalidate".to_string(),
            )];
            h.apply(path, &mut v);
            v
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
    fn mistakes_are_reported_at_their_line() {
        let h = parse(
            "X-A: b\n\
             https://:project.pages.dev/*\n  X-Robots-Tag: noindex\n\
             /x\n  X-B: c\n  nonsense\n  Bad Name: v\n  X-Empty:\n  !X-C\n\
             http://example.com/*\n  X-D: e\n\
             https://example.com:8443/*\n  X-E: f\n",
        );
        assert_eq!(
            kinds(&h),
            [
                (1, Kind::HeaderBeforePath),
                (6, Kind::NotAHeader("nonsense".into())),
                (7, Kind::HeaderName("bad name".into())),
                (8, Kind::HeaderValue("x-empty".into())),
                (9, Kind::NotAHeader("!X-C".into())),
                (10, Kind::Path("http://example.com/*".into())),
                (12, Kind::Path("https://example.com:8443/*".into())),
            ]
        );
        let hosts: Vec<Option<&str>> = h.rules.iter().map(|r| r.host.as_deref()).collect();
        assert_eq!(hosts, [Some(":project.pages.dev"), None]);
        assert_eq!(h.rules[1].set, [("x-b".to_string(), "c".to_string())]);
    }

    #[test]
    fn a_path_matches_the_encoded_request_path() {
        let h = parse("/ünï/*\n  X-U: yes\n");
        let mut v = Vec::new();
        h.apply("/%C3%BCn%C3%AF/a", &mut v);
        assert_eq!(v, [("x-u".to_string(), "yes".to_string())]);
    }

    #[test]
    fn indentation_does_not_matter_to_pages() {
        let h = parse("/a\nX-A: 1\n  /b\n\tX-B: 2\n");
        assert_eq!(h.problems, []);
        assert_eq!(h.rules.len(), 2);
    }

    #[test]
    fn the_same_header_from_two_rules_is_joined() {
        let h = parse("/*\n  X-Tag: a\n/x\n  X-Tag: b\n");
        let mut v = Vec::new();
        h.apply("/x", &mut v);
        assert_eq!(v, [("x-tag".to_string(), "a, b".to_string())]);
    }

    #[test]
    fn rules_past_the_limit_are_dropped_and_counted() {
        let text: String = (0..MAX_HEADER_RULES + 2)
            .map(|i| format!("/p{i}\n  X-N: {i}\n"))
            .collect();
        let h = parse(&text);
        assert_eq!(h.rules.len(), MAX_HEADER_RULES);
        assert_eq!(
            kinds(&h),
            [(
                2 * MAX_HEADER_RULES + 1,
                Kind::TooManyHeaderRules {
                    count: MAX_HEADER_RULES + 2
                }
            )]
        );
    }

    #[test]
    fn a_long_line_counts_its_indentation() {
        let value = "a".repeat(MAX_HEADER_LINE - 8);
        let h = parse(&format!("/*\n  X-Long: {value}\n"));
        assert_eq!(
            kinds(&h),
            [(
                2,
                Kind::TooLong {
                    chars: MAX_HEADER_LINE + 2,
                    max: MAX_HEADER_LINE
                }
            )]
        );
    }
}

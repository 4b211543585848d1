//! `_redirects`, read once the way Pages reads it (`parseRedirects.ts`): typed rules for
//! `serve` to answer with, and every line Pages would skip as a [`Problem`] for `publish` to
//! refuse. The first matching rule wins.

use std::collections::HashMap;

use super::limits::{
    line_length, DEFAULT_REDIRECT_STATUS, MAX_DYNAMIC_REDIRECTS, MAX_REDIRECT_LINE,
    MAX_STATIC_REDIRECTS, REDIRECT_STATUSES,
};
use super::pattern::{encode, is_dynamic, substitute, Pattern};
use super::problem::{Kind, Problem};

/// One rule Pages keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// 1-based line in the parsed text.
    pub line: usize,
    /// The source as written (with a leading `/` added, as Pages adds it).
    pub source: String,
    pub from: Pattern,
    pub to: String,
    /// 200 (rewrite), 301, 302, 303, 307 or 308.
    pub status: u16,
}

/// A whole file: the rules Pages keeps, in order, and the lines it skips.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Redirects {
    pub rules: Vec<Redirect>,
    pub problems: Vec<Problem>,
}

/// What a matching rule asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectMatch {
    pub to: String,
    pub status: u16,
}

/// Whether Pages counts this line as a dynamic rule (its source has `*` or `:name`): a
/// build puts those after every static one, because Pages counts every rule after the first
/// dynamic one as dynamic.
pub fn is_dynamic_line(line: &str) -> bool {
    let t = line.trim();
    !t.starts_with('#') && t.split_whitespace().next().is_some_and(is_dynamic)
}

pub fn parse(text: &str) -> Redirects {
    let mut out = Redirects::default();
    let mut seen: HashMap<String, usize> = HashMap::new();
    // Rules of each kind, and the line of the first one past the limit.
    let (mut statics, mut dynamics) = (0usize, 0usize);
    let (mut static_over, mut dynamic_over) = (None, None);
    let mut dynamic_seen = false;
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut problem = |kind| out.problems.push(Problem::new(n, kind));
        let chars = line_length(raw);
        if chars > MAX_REDIRECT_LINE {
            problem(Kind::TooLong {
                chars,
                max: MAX_REDIRECT_LINE,
            });
            continue;
        }
        let parts: Vec<&str> = line.split_whitespace().collect();
        if !(2..=3).contains(&parts.len()) {
            problem(Kind::Parts(parts.len()));
            continue;
        }
        let (from, to) = (parts[0], parts[1]);
        // Pages refuses `https://host/…` sources; `http://` is no path either.
        if host(from).is_some() || from.starts_with("http://") {
            problem(Kind::SourceWithHost(from.to_string()));
            continue;
        }
        let source = encode(&if from.starts_with('/') {
            from.to_string()
        } else {
            format!("/{from}")
        });
        // Counted before the rest is checked, as Pages counts.
        dynamic_seen |= is_dynamic(&source);
        if dynamic_seen {
            dynamics += 1;
            if dynamics > MAX_DYNAMIC_REDIRECTS {
                dynamic_over.get_or_insert(n);
                continue;
            }
        } else {
            statics += 1;
            if statics > MAX_STATIC_REDIRECTS {
                static_over.get_or_insert(n);
                continue;
            }
        }
        let to_host = host(to).is_some();
        if !to_host && !to.starts_with('/') {
            problem(Kind::Destination(to.to_string()));
            continue;
        }
        let status = match parts.get(2) {
            None => DEFAULT_REDIRECT_STATUS,
            Some(s) => match s.parse::<u16>() {
                Ok(code) if REDIRECT_STATUSES.contains(&code) => code,
                _ => {
                    problem(Kind::Status(s.to_string()));
                    continue;
                }
            },
        };
        // Pages strips `/index.html` and `/index` with a 308, back to a path these match.
        let to_index = to.ends_with("/index") || to.ends_with("/index.html");
        if !to_host && to_index && (source.ends_with("/*") || source.ends_with('/')) {
            problem(Kind::Loop);
            continue;
        }
        if let Some(&first) = seen.get(&source) {
            problem(Kind::Duplicate { source, first });
            continue;
        }
        if status == 200 && to_host {
            problem(Kind::RewriteToHost(to.to_string()));
            continue;
        }
        seen.insert(source.clone(), n);
        out.rules.push(Redirect {
            line: n,
            from: Pattern::parse(&source),
            source,
            to: encode_destination(to),
            status,
        });
    }
    for (dynamic, count, at) in [
        (false, statics, static_over),
        (true, dynamics, dynamic_over),
    ] {
        if let Some(line) = at {
            out.problems.push(Problem::new(
                line,
                Kind::TooManyRedirects { dynamic, count },
            ));
        }
    }
    out.problems.sort_by_key(|p| p.line);
    out
}

/// A destination as Pages sends it in `Location`: its path encoded, the host as written.
fn encode_destination(to: &str) -> String {
    match host(to) {
        Some(h) => {
            let at = to.find(h).map_or(to.len(), |i| i + h.len());
            format!("{}{}", &to[..at], encode(&to[at..]))
        }
        None => encode(to),
    }
}

/// The host of an absolute `https://` URL, as Pages recognises one (`^https://+host`).
pub fn host(token: &str) -> Option<&str> {
    let rest = token.strip_prefix("https://")?.trim_start_matches('/');
    let host = rest.split('/').next().unwrap_or("");
    (!host.is_empty()).then_some(host)
}

impl Redirects {
    /// The first rule matching `path` (the raw, still percent-encoded path, as Pages matches
    /// it), with its placeholders filled in.
    pub fn find(&self, path: &str) -> Option<RedirectMatch> {
        self.rules.iter().find_map(|r| {
            r.from.matches(path).map(|caps| RedirectMatch {
                to: substitute(&r.to, &caps),
                status: r.status,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(r: &Redirects) -> Vec<(usize, Kind)> {
        r.problems
            .iter()
            .map(|p| (p.line, p.kind.clone()))
            .collect()
    }

    #[test]
    fn rules_and_problems_as_pages_reads_them() {
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
/to-http http://elsewhere.example/ 301
/* /index.html 200
relative /x 301
";
        let r = parse(text);
        let rules: Vec<(&str, &str, u16)> = r
            .rules
            .iter()
            .map(|r| (r.source.as_str(), r.to.as_str(), r.status))
            .collect();
        assert_eq!(
            rules,
            [
                ("/old-vendor", "/vendor/acme/", 301),
                ("/plain", "/target", 302),
                ("/v/:slug", "/vendor/:slug/", 308),
                ("/docs/*", "/guide/:splat", 200),
                ("/relative", "/x", 301),
            ]
        );
        assert_eq!(
            kinds(&r),
            [
                (
                    5,
                    Kind::Duplicate {
                        source: "/old-vendor".into(),
                        first: 2
                    }
                ),
                (7, Kind::Status("404".into())),
                (8, Kind::Parts(4)),
                (9, Kind::SourceWithHost("https://example.com/x".into())),
                (10, Kind::RewriteToHost("https://elsewhere.example/".into())),
                (11, Kind::Destination("http://elsewhere.example/".into())),
                (12, Kind::Loop),
            ]
        );
    }

    #[test]
    fn first_matching_rule_wins_and_fills_placeholders() {
        let r = parse("/v/acme /special 301\n/v/:slug /vendor/:slug/ 308\n/d/* /docs/:splat 302\n");
        let m = |p: &str| r.find(p).map(|m| (m.to, m.status));
        assert_eq!(m("/v/acme"), Some(("/special".into(), 301)));
        assert_eq!(m("/v/globex"), Some(("/vendor/globex/".into(), 308)));
        assert_eq!(m("/d/a/b.html"), Some(("/docs/a/b.html".into(), 302)));
        assert_eq!(m("/vendor/acme/"), None);
    }

    #[test]
    fn paths_are_matched_and_sent_percent_encoded_as_in_pages() {
        // Measured with wrangler 3.114: `/café` answers a request for `/caf%C3%A9`, and a
        // destination goes out encoded.
        let r = parse("/café /vendor/café/ 301\n/out https://example.org/é 302\n");
        let m = |p: &str| r.find(p).map(|m| m.to);
        assert_eq!(m("/caf%C3%A9"), Some("/vendor/caf%C3%A9/".into()));
        assert_eq!(m("/out"), Some("https://example.org/%C3%A9".into()));
        // One source however it is spelled.
        let dup = parse("/café /a 301\n/caf%C3%A9 /b 301\n");
        assert!(matches!(dup.problems[0].kind, Kind::Duplicate { .. }));
    }

    #[test]
    fn every_rule_after_the_first_dynamic_one_counts_as_dynamic() {
        let mut text = String::from("/dyn/* /x 301\n");
        for i in 0..MAX_DYNAMIC_REDIRECTS + 1 {
            // Static in form, dynamic in Pages' count because a dynamic rule came first.
            text.push_str(&format!("/s{i} /x 301\n"));
        }
        let r = parse(&text);
        assert_eq!(r.rules.len(), MAX_DYNAMIC_REDIRECTS);
        assert_eq!(
            kinds(&r),
            [(
                MAX_DYNAMIC_REDIRECTS + 1,
                Kind::TooManyRedirects {
                    dynamic: true,
                    count: MAX_DYNAMIC_REDIRECTS + 2
                }
            )]
        );
    }

    #[test]
    fn static_rules_past_the_limit_are_dropped_and_counted() {
        let text: String = (0..MAX_STATIC_REDIRECTS + 3)
            .map(|i| format!("/s{i} /x 301\n"))
            .collect();
        let r = parse(&text);
        assert_eq!(r.rules.len(), MAX_STATIC_REDIRECTS);
        assert_eq!(r.problems.len(), 1);
        assert_eq!(r.problems[0].line, MAX_STATIC_REDIRECTS + 1);
        assert!(r.problems[0].is_limit());
    }

    #[test]
    fn a_long_line_is_dropped() {
        let r = parse(&format!(
            "/a /{} 301\n/b /c\n",
            "x".repeat(MAX_REDIRECT_LINE)
        ));
        assert_eq!(r.rules.len(), 1);
        assert!(matches!(r.problems[0].kind, Kind::TooLong { .. }));
    }
}

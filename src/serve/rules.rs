//! What `serve` says about the site's `_headers` and `_redirects`: the problems `pages` found
//! (the build refuses every one first, so from a build these stay empty: tests/pages_rules.rs
//! checks it) and the host-specific header rules, which match only on the deployed domain.
//! No parsing here: `crate::pages` reads both files, for `publish` and `serve` alike.

use crate::pages::headers::Headers;
use crate::pages::redirects::Redirects;
use crate::pages::Problem;

/// A line Pages would skip, or a rule that cannot match locally, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleWarning {
    pub file: &'static str,
    pub line: usize,
    pub message: String,
}

/// Every warning for the two files, by file then line.
pub fn warnings(headers: &Headers, redirects: &Redirects) -> Vec<RuleWarning> {
    let mut out = Vec::new();
    for (file, problems) in [
        ("_redirects", &redirects.problems),
        ("_headers", &headers.problems),
    ] {
        out.extend(problems.iter().map(|p| ignored(file, p)));
    }
    for rule in headers.rules.iter().filter(|r| r.host.is_some()) {
        out.push(RuleWarning {
            file: "_headers",
            line: rule.line,
            message: "host-specific rule: it can only match on the deployed domain, not locally"
                .into(),
        });
    }
    out.sort_by(|a, b| (a.file, a.line).cmp(&(b.file, b.line)));
    out
}

fn ignored(file: &'static str, p: &Problem) -> RuleWarning {
    let locate = |n: usize| (file.to_string(), n);
    RuleWarning {
        file,
        line: p.line,
        message: format!("ignored: {}", p.message(file, &locate)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::{headers, redirects};

    #[test]
    fn problems_and_host_rules_become_warnings() {
        let h = headers::parse("X-A: b\nhttps://:project.pages.dev/*\n  X-Robots-Tag: noindex\n");
        let r = redirects::parse("/a /b 301\n/a /c 301\n");
        let w = warnings(&h, &r);
        let at: Vec<(&str, usize)> = w.iter().map(|w| (w.file, w.line)).collect();
        assert_eq!(at, [("_headers", 1), ("_headers", 2), ("_redirects", 2)]);
        assert!(w[0]
            .message
            .starts_with("ignored: a header line comes before"));
        assert!(w[1].message.contains("host-specific"));
        assert_eq!(
            w[2].message,
            "ignored: `/a` is already redirected (_redirects line 1); Pages would ignore this rule"
        );
    }
}

//! A line of `_headers` or `_redirects` that Pages would not take as written: where it is and
//! why. The parsers only find problems; `publish` turns each into a located diagnostic (and
//! fails the build), `serve` drops the rule and prints a warning. Both say the same thing.

use super::limits::{
    grouped, MAX_DYNAMIC_REDIRECTS, MAX_HEADER_LINE, MAX_HEADER_RULES, MAX_REDIRECT_LINE,
    MAX_STATIC_REDIRECTS,
};

/// One problem, at a 1-based line of the parsed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// The line is longer than the file allows (`max`).
    TooLong { chars: usize, max: usize },
    /// `_headers`: more path lines than Pages reads; `count` is the file's total. At the
    /// first rule dropped.
    TooManyHeaderRules { count: usize },
    /// `_redirects`: more static (or dynamic) rules than Pages reads; `count` is the file's
    /// total of that kind. At the first rule dropped.
    TooManyRedirects { dynamic: bool, count: usize },
    /// `_redirects`: not 2 or 3 whitespace-separated parts.
    Parts(usize),
    /// `_redirects`: the status is not one Pages redirects with.
    Status(String),
    /// `_redirects`: a source with a host (Pages matches sources by path only).
    SourceWithHost(String),
    /// `_redirects`: a destination that is neither a path nor an https:// URL.
    Destination(String),
    /// `_redirects`: a 200 rewrite to another host.
    RewriteToHost(String),
    /// `_redirects`: `/* /index.html` and the like, which Pages refuses as a loop.
    Loop,
    /// `_redirects`: the same source as the rule at line `first`.
    Duplicate { source: String, first: usize },
    /// `_headers`: a header line with no path line above it.
    HeaderBeforePath,
    /// `_headers`: a path line Pages does not take (`http://`, a port).
    Path(String),
    /// `_headers`: neither `Name: value` nor `! Name`.
    NotAHeader(String),
    /// `_headers`: a header name with a space in it, or none.
    HeaderName(String),
    /// `_headers`: a header without a value.
    HeaderValue(String),
    /// `_headers`: a path line with no header lines under it.
    NoHeaders(String),
}

impl Problem {
    pub(crate) fn new(line: usize, kind: Kind) -> Problem {
        Problem { line, kind }
    }

    /// A limit of Pages' (E0500 in a build), not a mistake in a rule (E0501).
    pub fn is_limit(&self) -> bool {
        matches!(
            self.kind,
            Kind::TooLong { .. } | Kind::TooManyHeaderRules { .. } | Kind::TooManyRedirects { .. }
        )
    }

    /// The sentence for this problem in `file` (`_headers` or `_redirects`). `locate` names a
    /// line of the parsed text as a reader should see it, `(file, line)`: a build merges the
    /// publisher's rules into generated ones, so its lines come from two files.
    pub fn message(&self, file: &str, locate: &dyn Fn(usize) -> (String, usize)) -> String {
        match &self.kind {
            Kind::TooLong { chars, max } => format!(
                "line {} of {file} is {} characters; Cloudflare Pages allows {}",
                locate(self.line).1,
                grouped(*chars),
                grouped(*max)
            ),
            Kind::TooManyHeaderRules { count } => format!(
                "_headers has {} rules; Cloudflare Pages reads at most {MAX_HEADER_RULES}",
                grouped(*count)
            ),
            Kind::TooManyRedirects { dynamic, count } => format!(
                "_redirects has {} {} rules; Cloudflare Pages reads at most {} static and {MAX_DYNAMIC_REDIRECTS} dynamic rules and ignores the rest",
                grouped(*count),
                if *dynamic { "dynamic" } else { "static" },
                grouped(MAX_STATIC_REDIRECTS)
            ),
            Kind::Parts(n) => format!("a redirect rule has 2 or 3 parts, this line has {n}"),
            Kind::Status(s) => format!("`{s}` is not a status Pages redirects with"),
            Kind::SourceWithHost(s) => format!(
                "`{s}` is not a path: Pages matches a redirect's source by its path only and ignores this rule"
            ),
            Kind::Destination(s) => format!(
                "`{s}` is not a destination Pages accepts: it must start with `/` or `https://`"
            ),
            Kind::RewriteToHost(s) => format!(
                "a 200 rule (a rewrite) can only serve a path of this site, not `{s}`"
            ),
            Kind::Loop => "this rule loops: Pages serves `index.html` at `/`, which this rule matches again, so Pages ignores it".into(),
            Kind::Duplicate { source, first } => {
                let (f, l) = locate(*first);
                format!("`{source}` is already redirected ({f} line {l}); Pages would ignore this rule")
            }
            Kind::HeaderBeforePath => "a header line comes before any path line".into(),
            Kind::Path(p) => format!(
                "`{p}` is not a path: path lines start with `/` or `https://` (without a port)"
            ),
            Kind::NotAHeader(l) => {
                format!("`{l}` is not a header: expected `Name: value` or `! Name`")
            }
            Kind::HeaderName(n) if n.is_empty() => "a header line has no name before its `:`".into(),
            Kind::HeaderName(n) => format!("`{n}` is not a header name: names have no spaces"),
            Kind::HeaderValue(n) => format!("header `{n}` has no value; Pages ignores it"),
            Kind::NoHeaders(p) => format!("no headers under `{p}`; Pages ignores a path without any"),
        }
    }

    /// What to do about it.
    pub fn help(&self) -> &'static str {
        match &self.kind {
            Kind::TooLong { max, .. } if *max == MAX_HEADER_LINE => {
                "shorten it: a header and its value must fit on one line"
            }
            Kind::TooLong { max, .. } if *max == MAX_REDIRECT_LINE => {
                "shorten it: Pages ignores longer rules"
            }
            Kind::TooLong { .. } => "shorten it",
            Kind::TooManyHeaderRules { .. } => {
                "merge rules with a `*` path (one rule per path pattern)"
            }
            Kind::TooManyRedirects { .. } => {
                "remove aliases nobody uses any more, or move old redirects to Cloudflare Bulk Redirects"
            }
            Kind::Parts(_) => "write `/old /new 301`: source, destination, optional status",
            Kind::Status(_) => "use one of 200, 301, 302, 303, 307, 308",
            Kind::SourceWithHost(_) => {
                "write the source as a path (`/old`); for rules by domain use Cloudflare Bulk Redirects"
            }
            Kind::Destination(_) => "write a path of the site (`/new/`) or a full https:// URL",
            Kind::RewriteToHost(_) => "use 301 or 302 to send visitors to another site",
            Kind::Loop => "remove the rule: Pages already serves `index.html` for every folder",
            Kind::Duplicate { .. } => "keep one rule per source path",
            Kind::HeaderBeforePath => {
                "indent header lines under a path line such as `/*` or `/api/*`"
            }
            Kind::Path(_) => "write the path as `/…` or `https://host/…`",
            Kind::NotAHeader(_) | Kind::HeaderName(_) | Kind::HeaderValue(_) => {
                "write `Name: value`, or `! Name` to remove a header a broader rule sets"
            }
            Kind::NoHeaders(_) => "indent `Name: value` lines under it, or remove it",
        }
    }
}

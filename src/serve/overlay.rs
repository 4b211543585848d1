//! What the dev server adds to the HTML it serves: the live-reload `<script src>` tag, and
//! while a build error stands, an overlay listing every diagnostic (file, line, column,
//! code, message and the quoted source line).
//!
//! This is the one place outside the templates where HTML is put together in Rust: the
//! server injects it into pages after rendering, so it cannot go through the site's theme
//! (whose templates may be what is broken). Every interpolated value passes through
//! [`escape`]; the overlay uses no inline styles or scripts, so the site's CSP still holds.

use crate::diagnostic::{Diagnostic, Severity};

use super::http::{Injector, LIVERELOAD_JS_PATH, OVERLAY_CSS_PATH};
use super::livereload;

/// The overlay's stylesheet, served at [`OVERLAY_CSS_PATH`].
pub const STYLESHEET: &str = include_str!("overlay.css");

/// At most this many diagnostics are listed; the heading gives the full count.
const MAX_LISTED: usize = 50;

/// One diagnostic as the overlay shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub code: &'static str,
    pub message: String,
    /// The rustc-style rendering (quoted line, caret, help), without colours.
    pub rendered: String,
}

impl Item {
    pub fn from_diagnostic(d: &Diagnostic, rendered: String) -> Item {
        Item {
            file: d.file_str(),
            line: d.line,
            column: d.column,
            code: d.code.as_str(),
            message: d.message.clone(),
            rendered,
        }
    }
}

/// The dev server's state as served pages see it.
#[derive(Debug, Clone, Default)]
pub struct DevState {
    /// Changes with every finished build, good or bad; pages reload when it differs from
    /// the one they were served with.
    pub state: u64,
    /// The errors of the last build, when it failed: shown over every page.
    pub errors: Vec<Item>,
}

impl DevState {
    /// The HTML put before `</body>`.
    pub fn fragment(&self) -> String {
        let mut out = String::new();
        if !self.errors.is_empty() {
            out.push_str(&overlay(&self.errors));
        }
        out.push_str(&format!(
            "<script src=\"{LIVERELOAD_JS_PATH}\" data-state=\"{}\" defer></script>\n",
            self.state
        ));
        out
    }

    /// A whole page for when no build has succeeded yet, so there is no site to put the
    /// overlay on.
    pub fn standalone_page(&self) -> String {
        format!(
            "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Build failed · trustatlas serve</title>\n</head>\n<body>\n<p>The site has not built successfully yet.</p>\n{}</body>\n</html>\n",
            self.fragment()
        )
    }
}

impl Injector for DevState {
    fn tag(&self) -> String {
        format!("s{}", self.state)
    }

    fn inject(&self, html: &[u8]) -> Vec<u8> {
        inject(html, &self.fragment())
    }

    fn dev_asset(&self, path: &str) -> Option<(&'static str, &'static [u8])> {
        match path {
            LIVERELOAD_JS_PATH => Some((
                "text/javascript; charset=utf-8",
                livereload::SCRIPT.as_bytes(),
            )),
            OVERLAY_CSS_PATH => Some(("text/css; charset=utf-8", STYLESHEET.as_bytes())),
            _ => None,
        }
    }
}

fn overlay(errors: &[Item]) -> String {
    let n = errors.len();
    let mut out = format!(
        "<link rel=\"stylesheet\" href=\"{OVERLAY_CSS_PATH}\">\n<div id=\"trustatlas-overlay\" role=\"alert\">\n<h2>Build failed: {n} error{}</h2>\n<p>This page shows the last good build. Fix the file and save: the page reloads by itself. Press Esc to hide this.</p>\n<ol>\n",
        if n == 1 { "" } else { "s" }
    );
    for e in errors.iter().take(MAX_LISTED) {
        out.push_str(&format!(
            "<li><span class=\"ta-loc\">{}:{}:{}</span> <span class=\"ta-code\">error[{}]</span> {}\n<pre>{}</pre></li>\n",
            escape(&e.file),
            e.line,
            e.column,
            escape(e.code),
            escape(&e.message),
            escape(e.rendered.trim_end()),
        ));
    }
    if n > MAX_LISTED {
        out.push_str(&format!(
            "<li>… and {} more; the terminal lists them all.</li>\n",
            n - MAX_LISTED
        ));
    }
    out.push_str("</ol>\n</div>\n");
    out
}

/// Builds the overlay items of a failed build: its errors only (warnings stay in the
/// terminal). Only the [`MAX_LISTED`] that the overlay shows are rendered (each rendering
/// fetches its file's text): thousands of errors in a big file stay cheap, and the rest are
/// only counted.
pub fn items(diags: &[Diagnostic], render_one: &dyn Fn(&Diagnostic) -> String) -> Vec<Item> {
    diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .enumerate()
        .map(|(i, d)| {
            let rendered = if i < MAX_LISTED {
                render_one(d)
            } else {
                String::new()
            };
            Item::from_diagnostic(d, rendered)
        })
        .collect()
}

/// Puts `fragment` before the last `</body>` (any case), or at the end when there is none.
pub fn inject(html: &[u8], fragment: &str) -> Vec<u8> {
    let at = last_body_close(html).unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + fragment.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(fragment.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn last_body_close(html: &[u8]) -> Option<usize> {
    const TAG: &[u8] = b"</body";
    (0..=html.len().checked_sub(TAG.len())?)
        .rev()
        .find(|&i| html[i..i + TAG.len()].eq_ignore_ascii_case(TAG))
}

/// Escapes text for HTML content and double-quoted attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(file: &str, message: &str, rendered: &str) -> Item {
        Item {
            file: file.into(),
            line: 3,
            column: 8,
            code: "E0200",
            message: message.into(),
            rendered: rendered.into(),
        }
    }

    #[test]
    fn injects_before_the_last_body_close() {
        let html = b"<html><body><p>x</p></BODY>\n</html>";
        assert_eq!(
            String::from_utf8(inject(html, "<i>")).unwrap(),
            "<html><body><p>x</p><i></BODY>\n</html>"
        );
        assert_eq!(inject(b"<p>no body", "<i>"), b"<p>no body<i>");
        assert_eq!(inject(b"", "<i>"), b"<i>");
    }

    #[test]
    fn script_only_when_the_build_is_good() {
        let s = DevState {
            state: 7,
            errors: vec![],
        };
        assert_eq!(
            s.fragment(),
            "<script src=\"/__livereload.js\" data-state=\"7\" defer></script>\n"
        );
        assert_eq!(s.tag(), "s7");
    }

    #[test]
    fn overlay_names_file_line_column_and_escapes_everything() {
        let s = DevState {
            state: 8,
            errors: vec![item(
                "content/vendors/<evil>.md",
                "unknown category `<script>alert(1)</script>`",
                "3 │ category = \"</pre><script>\"",
            )],
        };
        let f = s.fragment();
        assert!(f.contains("Build failed: 1 error</h2>"));
        assert!(f.contains("<span class=\"ta-loc\">content/vendors/&lt;evil&gt;.md:3:8</span>"));
        assert!(f.contains("error[E0200]"));
        assert!(f.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(f.contains("&lt;/pre&gt;&lt;script&gt;"));
        // The only tags are the overlay's own: no script but the external dev script.
        assert_eq!(f.matches("<script").count(), 1);
        assert!(!f.contains("style="));
        assert!(f.contains("href=\"/__overlay.css\""));
    }

    #[test]
    fn long_error_lists_are_cut_with_a_count() {
        let s = DevState {
            state: 1,
            errors: (0..60)
                .map(|i| item(&format!("f{i}.md"), "m", "r"))
                .collect(),
        };
        let f = s.fragment();
        assert!(f.contains("Build failed: 60 errors"));
        assert_eq!(f.matches("<li><span").count(), MAX_LISTED);
        assert!(f.contains("and 10 more"));
    }

    #[test]
    fn only_the_listed_errors_are_rendered() {
        let d = Diagnostic::error(
            crate::diagnostic::Code::Io,
            std::path::Path::new("content/vendors/a.md"),
            "x",
            Some(0..1),
            "bad",
        );
        let diags = vec![d; MAX_LISTED + 500];
        let calls = std::cell::Cell::new(0);
        let items = items(&diags, &|_| {
            calls.set(calls.get() + 1);
            "rendered".to_string()
        });
        assert_eq!(items.len(), MAX_LISTED + 500, "every error is counted");
        assert_eq!(calls.get(), MAX_LISTED, "only the shown ones are rendered");
    }

    #[test]
    fn dev_assets_are_only_the_two_files() {
        let s = DevState::default();
        assert!(s.dev_asset("/__livereload.js").is_some());
        assert!(s.dev_asset("/__overlay.css").is_some());
        assert!(s.dev_asset("/__livereload").is_none());
        assert!(s.dev_asset("/index.html").is_none());
    }
}

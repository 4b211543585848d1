//! Oracles on a built site: what must hold of every output file whatever the content, checked
//! by the whole-pipeline fuzz target (`fuzz/fuzz_targets/build_site.rs`) and by the tests
//! that replay its inputs (`tests/pipeline_props.rs`). Each file is judged by what its
//! consumer needs: a browser (HTML parses, nothing runs script), a feed reader or crawler
//! (XML 1.0 well-formed), an API client (JSON parses), a spreadsheet (no cell starts a
//! formula), a calendar (RFC 5545 lines), and anyone (no control characters).
//!
//! Not in the build: this is test machinery, kept in the library only so that the fuzz crate,
//! which depends on the library, and the integration tests share one copy.

mod csv;
mod html;
mod ics;
mod xml;

use std::collections::HashMap;
use std::fmt;

use crate::render::OutputFile;

pub use xml::is_xml_char;

/// One broken promise about one output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The output path, as in [`OutputFile::path`].
    pub path: String,
    /// Which oracle failed: `html`, `xml`, `json`, `csv-formula`, `csv`, `ics`, `control`,
    /// `utf8`.
    pub oracle: &'static str,
    pub detail: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}]: {}", self.path, self.oracle, self.detail)
    }
}

/// Extensions of files that are bytes, not text: only the binary checks apply.
const BINARY: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "webp", "avif", "ico", "woff", "woff2", "pdf", "zip", "gz",
];

/// Every finding for every file of a built site, in file order; empty when all hold.
/// A file's findings are capped so one bad page cannot bury the rest.
pub fn check_site(files: &[OutputFile]) -> Vec<Finding> {
    files.iter().flat_map(check_file).collect()
}

/// [`check_site`] for the files that differ from `baseline`, the files of a build already
/// known to pass (path to bytes): the fuzz target and the replay tests change one content
/// file, so most pages come out as in the unchanged fixture and need not be parsed again.
pub fn check_changed(files: &[OutputFile], baseline: &HashMap<String, Vec<u8>>) -> Vec<Finding> {
    files
        .iter()
        .filter(|f| baseline.get(&f.path) != Some(&f.bytes))
        .flat_map(check_file)
        .collect()
}

/// The findings for one output file.
pub fn check_file(file: &OutputFile) -> Vec<Finding> {
    let ext = file
        .path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let mut out = Vec::new();
    let mut add = |oracle: &'static str, details: Vec<String>| {
        let n = details.len();
        for detail in details.into_iter().take(5) {
            out.push(Finding {
                path: file.path.clone(),
                oracle,
                detail,
            });
        }
        if n > 5 {
            out.push(Finding {
                path: file.path.clone(),
                oracle,
                detail: format!("... and {} more", n - 5),
            });
        }
    };
    if BINARY.contains(&ext.as_str()) {
        return out;
    }
    let text = match std::str::from_utf8(&file.bytes) {
        Ok(t) => t,
        Err(e) => {
            add("utf8", vec![format!("not UTF-8: {e}")]);
            return out;
        }
    };
    add("control", control_chars(text));
    match ext.as_str() {
        "html" | "htm" => add("html", html::check(text)),
        "xml" | "atom" | "rss" | "xsl" => add("xml", xml::check(text)),
        "json" => add("json", json(text)),
        "csv" => {
            let (syntax, formulas) = csv::check(text);
            add("csv", syntax);
            add("csv-formula", formulas);
        }
        "ics" => add("ics", ics::check(&file.bytes)),
        _ => {}
    }
    out
}

/// A control character that has no business in published text: C0 other than tab, LF and
/// CR, DEL, and C1. Terminals, feed readers and spreadsheets act on them; XML forbids C0.
pub fn is_forbidden_control(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || matches!(c, '\u{80}'..='\u{9f}' | '\u{7f}')
}

fn control_chars(text: &str) -> Vec<String> {
    text.char_indices()
        .filter(|(_, c)| is_forbidden_control(*c))
        .map(|(at, c)| format!("control character U+{:04X} at byte {at}", c as u32))
        .collect()
}

/// The file parses as JSON, and no string in it (key or value) holds a forbidden control
/// character, escaped or not: an escaped `\u0007` is the same character to the consumer.
fn json(text: &str) -> Vec<String> {
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => return vec![format!("JSON error: {e}")],
    };
    let mut problems = Vec::new();
    let mut stack = vec![&value];
    while let Some(v) = stack.pop() {
        let mut string = |s: &str| {
            if let Some(c) = s.chars().find(|c| is_forbidden_control(*c)) {
                problems.push(format!(
                    "string holds control character U+{:04X}: {:?}",
                    c as u32,
                    s.chars().take(60).collect::<String>()
                ));
            }
        };
        match v {
            serde_json::Value::String(s) => string(s),
            serde_json::Value::Array(a) => stack.extend(a),
            serde_json::Value::Object(o) => {
                for (k, v) in o {
                    string(k);
                    stack.push(v);
                }
            }
            _ => {}
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> OutputFile {
        OutputFile {
            path: path.to_string(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    fn oracles(path: &str, text: &str) -> Vec<&'static str> {
        check_file(&file(path, text))
            .into_iter()
            .map(|f| f.oracle)
            .collect()
    }

    /// Asserts that `text` at `path` fails exactly the oracles `want` (each at least once).
    fn fails(path: &str, text: &str, want: &[&str]) {
        let mut got = oracles(path, text);
        got.dedup();
        assert_eq!(got, want, "{:?}", check_file(&file(path, text)));
    }

    const PAGE: &str = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
                        <title>t</title></head><body><p>ok</p></body></html>\n";

    #[test]
    fn a_sound_page_passes() {
        assert_eq!(check_file(&file("index.html", PAGE)), vec![]);
    }

    #[test]
    fn html_problems_are_found() {
        let page = |body: &str| PAGE.replace("<p>ok</p>", body);
        fails("a.html", &page("<div><span></div>"), &["html"]);
        fails("a.html", &page("<script>x</script>"), &["html"]);
        fails("a.html", &page("<a href=\"java\tscript:x\">"), &["html"]);
        fails("a.html", &page("<p onclick=\"x\">a</p>"), &["html"]);
        fails("a.html", &page("<p class=a class=b>a</p>"), &["html"]);
        assert!(oracles("a.html", &page("a\u{7}b")).contains(&"control"));
        fails("a.html", "<p>no doctype</p>", &["html"]);
    }

    #[test]
    fn xml_problems_are_found() {
        let ok = "<?xml version=\"1.0\"?>\n<feed><title a=\"&amp;\">x &lt; y</title></feed>\n";
        fails("feed.xml", ok, &[]);
        fails("feed.xml", "<feed><a></b></feed>", &["xml"]);
        fails("feed.xml", "<feed>&#7;</feed>", &["xml"]);
        fails("feed.xml", "<feed>&nbsp;</feed>", &["xml"]);
        fails("feed.xml", "<a/><b/>", &["xml"]);
        fails("feed.xml", "<feed>\u{1b}</feed>", &["control", "xml"]);
    }

    #[test]
    fn json_problems_are_found() {
        fails("a.json", "{\"a\": [1, \"b\"]}", &[]);
        fails("a.json", "{\"a\": }", &["json"]);
        fails("a.json", "{\"a\": \"\\u0000\"}", &["json"]);
    }

    #[test]
    fn control_characters_are_found_in_any_text_file() {
        fails("_redirects", "/a /b 301\n", &[]);
        fails("_redirects", "/a\u{85} /b 301\n", &["control"]);
        fails("robots.txt", "a\u{7f}", &["control"]);
        fails("logo.png", "\u{0}\u{1}", &[]);
    }
}

//! Internal link checking over the rendered site in memory: every `href`/`src` that points
//! into the site must name a page or file that exists, and every `#anchor` an element id on
//! that page ([`check`]); and where a source file writes a link ([`written_links`]), so
//! `check` can point at the line that makes a broken one.

use std::collections::{BTreeMap, BTreeSet};

use crate::render::OutputFile;
use crate::urls;

/// One link that leads nowhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    /// The page holding the link (output path).
    pub page: String,
    pub target: String,
    pub reason: &'static str,
    /// Byte offset of the attribute value in the page.
    pub at: usize,
}

/// Checks every internal link of every HTML file in `files`.
pub fn check(files: &[OutputFile]) -> Vec<BrokenLink> {
    let paths: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let mut ids: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    let html: Vec<(&str, String)> = files
        .iter()
        .filter(|f| f.path.ends_with(".html"))
        .map(|f| {
            (
                f.path.as_str(),
                String::from_utf8_lossy(&f.bytes).into_owned(),
            )
        })
        .collect();
    for (path, text) in &html {
        ids.insert(
            path,
            attribute_values(text, "id")
                .iter()
                .map(|(_, i)| decode_entities(i))
                .collect(),
        );
    }
    let mut broken = Vec::new();
    for (page, text) in &html {
        for (at, target) in attribute_values(text, "href")
            .into_iter()
            .chain(attribute_values(text, "src"))
        {
            let target = decode_entities(&target);
            if target.starts_with("//") || target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let (path_part, anchor) = match target.split_once('#') {
                Some((p, a)) => (p, Some(a)),
                None => (target.as_str(), None),
            };
            let resolved = if path_part.is_empty() {
                Some(page.to_string())
            } else if path_part.starts_with('/') {
                Some(urls::path_of(path_part))
            } else {
                broken.push(BrokenLink {
                    page: page.to_string(),
                    target: target.clone(),
                    reason: "relative link: internal links must start with /",
                    at,
                });
                None
            };
            let Some(resolved) = resolved else { continue };
            if !paths.contains(resolved.as_str()) {
                let reason = if paths.contains(urls::path_of(&format!("/{resolved}/")).as_str()) {
                    "missing trailing slash"
                } else {
                    "no such page or file"
                };
                broken.push(BrokenLink {
                    page: page.to_string(),
                    target: target.clone(),
                    reason,
                    at,
                });
                continue;
            }
            if let Some(a) = anchor.filter(|a| !a.is_empty()) {
                if !ids
                    .get(resolved.as_str())
                    .is_some_and(|set| set.contains(a))
                {
                    broken.push(BrokenLink {
                        page: page.to_string(),
                        target: target.clone(),
                        reason: "no element with this id on the page",
                        at,
                    });
                }
            }
        }
    }
    broken
}

/// The `id`s of the elements of one page (for "did you mean" on a missing anchor).
pub fn element_ids(html: &str) -> BTreeSet<String> {
    attribute_values(html, "id")
        .iter()
        .map(|(_, i)| decode_entities(i))
        .collect()
}

/// The entities our templates' autoescaping produces inside attribute values.
fn decode_entities(s: &str) -> String {
    s.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Values of `name="..."` attributes with their byte offsets, found by scanning (our own
/// templates always quote, and so does ammonia's output).
fn attribute_values(html: &str, name: &str) -> Vec<(usize, String)> {
    let needle = format!(" {name}=\"");
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(i) = html[pos..].find(&needle) {
        pos += i + needle.len();
        if let Some(end) = html[pos..].find('"') {
            out.push((pos, html[pos..pos + end].to_string()));
            pos += end;
        }
    }
    out
}

/// Every place a source file (Markdown with its front matter, TOML, a template) writes a
/// link target, as (target, byte range): `[text](target)`, `[ref]: target`, `href=`/`src=`
/// with or without quotes, and a quoted string after `=`, `[` or `,` (a TOML value, a quoted
/// attribute). A word in prose is never one, so a broken `<img src=x>` is not "found" at
/// every ` x ` of the site. One pass over the text: the cost is linear in its length.
pub fn written_links(text: &str) -> Vec<(&str, std::ops::Range<usize>)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    // Up to the first byte of `stops` (or the end of the line).
    let token = |from: usize, stops: &[u8]| -> std::ops::Range<usize> {
        let len = bytes[from..]
            .iter()
            .position(|b| stops.contains(b) || *b == b'\n' || *b == b'\r')
            .unwrap_or(bytes.len() - from);
        from..from + len
    };
    let mut push = |r: std::ops::Range<usize>| {
        if !r.is_empty() {
            out.push((&text[r.clone()], r));
        }
    };
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let next = i + 1;
        match b {
            // `](target)` and `](<target>)`.
            b']' if bytes.get(next) == Some(&b'(') => {
                let from = next + 1;
                if bytes.get(from) == Some(&b'<') {
                    push(token(from + 1, b">"));
                } else {
                    push(token(from, b") \t"));
                }
            }
            // `[ref]: target` at the start of a line.
            b']' if bytes.get(next) == Some(&b':') && starts_reference(bytes, i) => {
                let mut from = next + 1;
                while bytes.get(from).is_some_and(|c| *c == b' ' || *c == b'\t') {
                    from += 1;
                }
                if bytes.get(from) == Some(&b'<') {
                    push(token(from + 1, b">"));
                } else {
                    push(token(from, b" \t"));
                }
            }
            // A quoted value: of `href=`/`src=`, or after `=`, `[` or `,` when it starts like
            // a site path (`/`, `#`), as a TOML value would.
            b'"' | b'\'' if quoted_value_follows(bytes, i) => {
                let r = token(next, &[b]);
                let end = r.end;
                if bytes.get(end) == Some(&b) {
                    let path_like = matches!(bytes.get(next), Some(b'/' | b'#'));
                    if path_like || attribute_value(bytes, i) {
                        push(r);
                    }
                    i = end + 1;
                    continue;
                }
            }
            // `href=target` and `src=target` without quotes.
            b'=' if unquoted_attribute(bytes, i) => push(token(next, b" \t>")),
            _ => {}
        }
        i = next;
    }
    out
}

/// `]` at `i` closes a `[label]` that starts its line (after up to 3 spaces).
fn starts_reference(bytes: &[u8], i: usize) -> bool {
    let line_start = bytes[..i]
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |p| p + 1);
    let line = &bytes[line_start..i];
    let indent = line.iter().take_while(|b| **b == b' ').count();
    indent <= 3 && line.get(indent) == Some(&b'[') && !line[indent + 1..].contains(&b']')
}

/// The quote at `i` opens a value: the last non-blank byte before it on its line is `=`,
/// `[` or `,`.
fn quoted_value_follows(bytes: &[u8], i: usize) -> bool {
    bytes[..i]
        .iter()
        .rev()
        .take_while(|b| **b != b'\n')
        .find(|b| **b != b' ' && **b != b'\t')
        .is_some_and(|b| matches!(b, b'=' | b'[' | b','))
}

/// The quote at `i` follows `href=` or `src=` (blanks allowed around the `=`).
fn attribute_value(bytes: &[u8], i: usize) -> bool {
    let before = bytes[..i].trim_ascii_end();
    before
        .strip_suffix(b"=")
        .is_some_and(|b| names_link_attribute(b.trim_ascii_end()))
}

/// `=` at `i` ends ` href` or ` src` (any case) and is not followed by a quote.
fn unquoted_attribute(bytes: &[u8], i: usize) -> bool {
    if matches!(bytes.get(i + 1), Some(b'"' | b'\'') | None) {
        return false;
    }
    names_link_attribute(&bytes[..i])
}

/// `before` ends with ` href` or ` src`, in any case.
fn names_link_attribute(before: &[u8]) -> bool {
    [&b"href"[..], &b"src"[..]].iter().any(|name| {
        before.len() > name.len()
            && before[before.len() - name.len()..].eq_ignore_ascii_case(name)
            && before[before.len() - name.len() - 1].is_ascii_whitespace()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(path: &str, body: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            bytes: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn finds_missing_pages_slashes_and_anchors() {
        let files = vec![
            f(
                "index.html",
                r##"<a href="/a/">ok</a><a href="/a">slash</a><a href="/b/">gone</a><a href="/a/#x">anchor</a><a href="/a/#nope">bad</a><a href="#top">self</a><a href="https://x.org/">ext</a>"##,
            ),
            f("a/index.html", r#"<h2 id="x">x</h2>"#),
        ];
        let broken: Vec<(String, &str)> = check(&files)
            .into_iter()
            .map(|b| (b.target, b.reason))
            .collect();
        assert_eq!(
            broken,
            vec![
                ("/a".to_string(), "missing trailing slash"),
                ("/b/".to_string(), "no such page or file"),
                (
                    "/a/#nope".to_string(),
                    "no element with this id on the page"
                ),
                ("#top".to_string(), "no element with this id on the page")
            ]
        );
    }

    #[test]
    fn written_links_are_links_not_words() {
        let text = "+++\nwebsite = \"https://a.example\"\nname = \"x\"\nurls = [\"/a/\", '/b/']\n+++\nSee [x](/c/ \"t\") and [y](</d e/>), a x b, <img src=x> <a HREF=/e/>e</a> <img src=\"/f/\"> <img alt=\"x\" src = 'y'>\n[r]: /g/\n  [s]:  <h>\nnot [t]: /i/\n";
        let found: Vec<&str> = written_links(text).into_iter().map(|(t, _)| t).collect();
        assert_eq!(
            found,
            ["/a/", "/b/", "/c/", "/d e/", "x", "/e/", "/f/", "y", "/g/", "h"]
        );
        for (t, r) in written_links(text) {
            assert_eq!(&text[r], t);
        }
    }
}

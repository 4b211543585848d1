//! Internal link checking over the rendered site in memory: every `href`/`src` that points
//! into the site must name a page or file that exists, and every `#anchor` an element id on
//! that page. Used by the tests now and by `check` later.

use std::collections::{BTreeMap, BTreeSet};

use crate::render::OutputFile;

/// One link that leads nowhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    /// The page holding the link (output path).
    pub page: String,
    pub target: String,
    pub reason: &'static str,
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
                .map(|i| decode_entities(i))
                .collect(),
        );
    }
    let mut broken = Vec::new();
    for (page, text) in &html {
        for target in attribute_values(text, "href")
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
            } else if let Some(abs) = path_part.strip_prefix('/') {
                let abs = abs.split('?').next().unwrap_or(abs);
                if abs.is_empty() || abs.ends_with('/') {
                    Some(format!("{abs}index.html"))
                } else {
                    Some(abs.to_string())
                }
            } else {
                broken.push(BrokenLink {
                    page: page.to_string(),
                    target: target.clone(),
                    reason: "relative link: internal links must start with /",
                });
                None
            };
            let Some(resolved) = resolved else { continue };
            if !paths.contains(resolved.as_str()) {
                let reason = if paths.contains(format!("{resolved}/index.html").as_str()) {
                    "missing trailing slash"
                } else {
                    "no such page or file"
                };
                broken.push(BrokenLink {
                    page: page.to_string(),
                    target: target.clone(),
                    reason,
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
        .map(|i| decode_entities(i))
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

/// Values of `name="..."` attributes, found by scanning (our own templates always quote).
fn attribute_values(html: &str, name: &str) -> Vec<String> {
    let needle = format!(" {name}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&needle) {
        rest = &rest[i + needle.len()..];
        if let Some(end) = rest.find('"') {
            out.push(rest[..end].to_string());
            rest = &rest[end..];
        }
    }
    out
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
}

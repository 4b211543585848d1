//! Markdown → safe HTML. pulldown-cmark writes raw HTML and `javascript:` links through
//! verbatim, so its output is sanitized with ammonia; headings get ids for anchors.
//!
//! Work stays linear in the input: heading ids are deduplicated with a counter per base id,
//! and nesting is capped before the sanitizer, whose HTML parser (html5ever) spends time in
//! proportion to the depth of open elements for every tag it opens (200 KB of `>` took over a
//! minute).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use pulldown_cmark::{html, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// Deepest nesting of Markdown elements (block quotes, lists, emphasis…) kept; deeper tags
/// are dropped and their text kept, as if written one level up. No real document comes close.
pub const MAX_NESTING: usize = 32;

/// Raw HTML elements a body may leave open at once; past that, further raw HTML is shown as
/// text. Bounds the sanitizer's work on `<div><div>…` as [`MAX_NESTING`] does for Markdown.
pub const MAX_RAW_OPEN: usize = 256;

/// Ids the theme's templates use, which a body heading must not take (a page with two
/// elements of the same id breaks its anchors): literal `id="summary"` values, and the
/// literal start of computed ones (`id="facts-{{ s.key }}"` reserves every id starting with
/// `facts-`). A computed id with no literal start cannot be known and reserves nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reserved {
    exact: BTreeSet<String>,
    prefixes: BTreeSet<String>,
}

impl Reserved {
    /// The ids used in `templates` (name → text).
    pub fn from_templates(templates: &BTreeMap<String, String>) -> Self {
        let mut r = Reserved::default();
        for text in templates.values() {
            for quote in ['"', '\''] {
                let open = format!("id={quote}");
                for (at, _) in text.match_indices(&open) {
                    // `data-id="x"` or `grid="x"` are other attributes.
                    let before = text[..at].chars().next_back();
                    if before.is_some_and(|c| !c.is_whitespace()) {
                        continue;
                    }
                    let rest = &text[at + open.len()..];
                    let value = &rest[..rest.find(quote).unwrap_or(rest.len())];
                    match value.find("{{").or_else(|| value.find("{%")) {
                        None => {
                            r.exact.insert(value.to_string());
                        }
                        Some(0) => {}
                        Some(i) => {
                            r.prefixes.insert(value[..i].to_string());
                        }
                    }
                }
            }
        }
        r
    }

    fn by_prefix(&self, id: &str) -> bool {
        self.prefixes.iter().any(|p| id.starts_with(p.as_str()))
    }
}

/// Heading ids already given on a page: an id seen before gets the next free `-2`, `-3`…,
/// found from a counter per base id, so n identical headings cost O(n), not O(n²).
struct Slugger<'a> {
    reserved: &'a Reserved,
    used: HashSet<String>,
    next: HashMap<String, usize>,
}

impl<'a> Slugger<'a> {
    fn new(reserved: &'a Reserved) -> Self {
        Slugger {
            reserved,
            used: HashSet::new(),
            next: HashMap::new(),
        }
    }

    fn take(&mut self, id: &str) -> bool {
        !self.reserved.exact.contains(id) && self.used.insert(id.to_string())
    }

    fn unique(&mut self, mut base: String) -> String {
        // No suffix gets an id out of a reserved prefix: move its start instead (a bounded
        // number of times, in case a theme reserves `body-` too).
        for _ in 0..4 {
            if self.reserved.by_prefix(&base) {
                base.insert_str(0, "body-");
            }
        }
        if self.take(&base) {
            return base;
        }
        let mut n = self.next.get(&base).copied().unwrap_or(2);
        loop {
            let candidate = format!("{base}-{n}");
            n += 1;
            if self.take(&candidate) {
                self.next.insert(base, n);
                return candidate;
            }
        }
    }
}

/// Renders Markdown to sanitized HTML. The body's outermost heading becomes `h{1 + shift}`
/// whatever level it was written at (`#` or `##`), and the others keep their distance to it,
/// so a body never competes with the page's own `<h1>` nor leaves a level out below it.
pub fn to_html(md: &str, shift: u8) -> String {
    to_html_avoiding(md, shift, &Reserved::default())
}

/// [`to_html`], with heading ids that avoid those in `reserved` (the page's template's).
pub fn to_html_avoiding(md: &str, shift: u8, reserved: &Reserved) -> String {
    let opts = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let events: Vec<Event> = Parser::new_ext(md, opts).collect();
    let top = events
        .iter()
        .filter_map(|e| match e {
            Event::Start(Tag::Heading { level, .. }) => Some(*level as u8),
            _ => None,
        })
        .min()
        .unwrap_or(1);
    let mut slugger = Slugger::new(reserved);
    let mut out_events = Vec::with_capacity(events.len());
    // For every open tag, whether it was kept; `depth` counts the kept ones.
    let mut open: Vec<bool> = Vec::new();
    let mut depth = 0;
    let mut raw_open = 0;
    for (i, event) in events.iter().enumerate() {
        match event {
            Event::Start(_) if depth >= MAX_NESTING => open.push(false),
            Event::Start(tag) => {
                open.push(true);
                depth += 1;
                let Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs,
                } = tag
                else {
                    out_events.push(event.clone());
                    continue;
                };
                let base = id
                    .as_ref()
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| slugify(&heading_text(&events[i + 1..])));
                let base = if base.is_empty() {
                    "section".to_string()
                } else {
                    base
                };
                out_events.push(Event::Start(Tag::Heading {
                    level: shift_level(*level, shift, top),
                    id: Some(CowStr::from(slugger.unique(base))),
                    classes: classes.clone(),
                    attrs: attrs.clone(),
                }));
            }
            Event::End(end) => {
                if open.pop() == Some(true) {
                    depth -= 1;
                    out_events.push(match end {
                        TagEnd::Heading(level) => {
                            Event::End(TagEnd::Heading(shift_level(*level, shift, top)))
                        }
                        _ => event.clone(),
                    });
                }
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                let cut = raw_html_cut(h, &mut raw_open);
                if cut == h.len() {
                    out_events.push(event.clone());
                } else {
                    out_events.push(Event::Html(CowStr::from(h[..cut].to_string())));
                    out_events.push(Event::Text(CowStr::from(h[cut..].to_string())));
                }
            }
            other => out_events.push(other.clone()),
        }
    }
    let mut raw = String::with_capacity(md.len() * 3 / 2);
    html::push_html(&mut raw, out_events.into_iter());
    sanitize(&raw)
}

/// Elements that have no end tag, so opening one leaves nothing open.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// Follows the elements a piece of raw HTML opens and closes (an estimate from its tags,
/// enough to bound nesting), starting with `open` elements open. Returns the byte offset of
/// the tag that would leave more than [`MAX_RAW_OPEN`] open, or the length of `html`.
fn raw_html_cut(html: &str, open: &mut usize) -> usize {
    for (at, _) in html.match_indices('<') {
        let tag = &html[at + 1..];
        if tag.starts_with('/') {
            *open = open.saturating_sub(1);
            continue;
        }
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        let self_closed = tag.split('>').next().unwrap_or("").ends_with('/');
        if !name.starts_with(|c: char| c.is_ascii_alphabetic())
            || VOID.contains(&name.as_str())
            || self_closed
        {
            continue;
        }
        if *open >= MAX_RAW_OPEN {
            return at;
        }
        *open += 1;
    }
    html.len()
}

fn heading_text(events: &[Event]) -> String {
    let mut s = String::new();
    for e in events {
        match e {
            Event::End(TagEnd::Heading(_)) => break,
            Event::Text(t) | Event::Code(t) => s.push_str(t),
            _ => {}
        }
    }
    s
}

/// `level` moved so that `top` (the body's outermost level) becomes `1 + shift`.
fn shift_level(level: HeadingLevel, shift: u8, top: u8) -> HeadingLevel {
    let n = (level as u8 + 1 + shift).saturating_sub(top).clamp(1, 6);
    HeadingLevel::try_from(n as usize).unwrap_or(HeadingLevel::H6)
}

/// Lowercase words joined by hyphens: `Findings by the Monitoring Body` →
/// `findings-by-the-monitoring-body`. Letters and digits of any script are kept (`Prüfbericht`
/// → `prüfbericht`, `审计结果` → `审计结果`): an id made only of ASCII left every heading in
/// another script the same meaningless `section`, `section-2`.
pub fn slugify(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Whitelists what our renderer emits (heading ids, footnote classes) and nothing that runs.
fn sanitize(html: &str) -> String {
    ammonia::Builder::default()
        .add_generic_attributes(["id"])
        .add_tag_attributes("sup", ["class"])
        .add_tag_attributes("div", ["class"])
        .add_tag_attributes("code", ["class"])
        .link_rel(Some("noopener noreferrer"))
        .clean(html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_get_ids_and_shift() {
        let h = to_html("# Findings\n\n## Findings\n", 1);
        assert!(h.contains("<h2 id=\"findings\">Findings</h2>"), "{h}");
        assert!(h.contains("<h3 id=\"findings-2\">"), "{h}");
    }

    #[test]
    fn a_body_starting_at_h2_leaves_no_level_out() {
        // The About page's body starts at `##`; under the page's h1 it became h3.
        let h = to_html("## Where\n\n### Detail\n\n## How\n", 1);
        assert!(h.contains("<h2 id=\"where\">"), "{h}");
        assert!(h.contains("<h3 id=\"detail\">"), "{h}");
        assert!(h.contains("<h2 id=\"how\">"), "{h}");
    }

    #[test]
    fn headings_in_other_scripts_keep_their_words_in_the_id() {
        let h = to_html("# Prüfbericht 2024\n\n# 审计结果\n\n# Ёлка\n", 1);
        assert!(h.contains("id=\"prüfbericht-2024\""), "{h}");
        assert!(h.contains("id=\"审计结果\""), "{h}");
        assert!(h.contains("id=\"ёлка\""), "{h}");
        assert!(!h.contains("id=\"section"), "{h}");
    }

    #[test]
    fn raw_html_and_script_links_are_neutralised() {
        let h = to_html(
            "<script>alert(1)</script>\n\n[x](javascript:alert(1)) <b onclick=\"x()\">b</b>",
            0,
        );
        assert!(!h.contains("<script"), "{h}");
        assert!(!h.contains("javascript:"), "{h}");
        assert!(!h.contains("onclick"), "{h}");
    }

    #[test]
    fn tables_and_footnotes_render() {
        let h = to_html(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\nText[^1].\n\n[^1]: Note.\n",
            0,
        );
        assert!(h.contains("<table>"), "{h}");
        assert!(h.contains("footnote-definition"), "{h}");
    }

    #[test]
    fn identical_headings_get_numbered_ids_in_order() {
        let h = to_html("# A\n# A\n# A-2\n# A\n", 0);
        let ids: Vec<&str> = h
            .split("id=\"")
            .skip(1)
            .map(|s| &s[..s.find('"').unwrap()])
            .collect();
        assert_eq!(ids, ["a", "a-2", "a-2-2", "a-3"], "{h}");
    }

    #[test]
    fn body_headings_avoid_the_templates_ids() {
        let templates = BTreeMap::from([(
            "vendor.html".to_string(),
            "<section id=\"summary\" data-id=\"scores\"><h2 id='facts-{{ s.key }}'></h2><p id=\"{{ x }}\">".to_string(),
        )]);
        let reserved = Reserved::from_templates(&templates);
        let h = to_html_avoiding(
            "# Summary\n# Scores\n# Facts security\n# Summary\n",
            0,
            &reserved,
        );
        let ids: Vec<&str> = h
            .split("id=\"")
            .skip(1)
            .map(|s| &s[..s.find('"').unwrap()])
            .collect();
        assert_eq!(
            ids,
            ["summary-2", "scores", "body-facts-security", "summary-3"],
            "{h}"
        );
    }

    #[test]
    fn deep_nesting_is_capped_and_keeps_the_text() {
        let h = to_html(&format!("{}deep", ">".repeat(200)), 0);
        assert_eq!(h.matches("<blockquote>").count(), MAX_NESTING, "{h}");
        assert!(h.contains("deep"), "{h}");
        let raw = format!("{}x", "<div>".repeat(MAX_RAW_OPEN + 10));
        let h = to_html(&raw, 0);
        assert!(h.matches("<div>").count() <= MAX_RAW_OPEN, "{}", h.len());
        assert!(h.contains("&lt;div&gt;x"), "the rest is shown as text");
        let fine = to_html("<div><br><img src=\"a.png\"/></div>\n\n<p>x</p>\n", 0);
        assert!(
            fine.contains("<div><br><img src=\"a.png\"></div>"),
            "{fine}"
        );
    }

    /// The fastest of three runs of `f`, in seconds.
    fn fastest(f: impl Fn()) -> f64 {
        (0..3)
            .map(|_| {
                let t = std::time::Instant::now();
                f();
                t.elapsed().as_secs_f64()
            })
            .fold(f64::INFINITY, f64::min)
    }

    /// Asserts `hostile` renders within a generous multiple of the time of `baseline`, an
    /// input of about the same size whose rendering is linear. No absolute threshold: the
    /// machine is shared. Before the fix the ratios were in the tens to hundreds.
    fn assert_linear(what: &str, hostile: &str, baseline: &str) {
        assert!(hostile.len().abs_diff(baseline.len()) * 10 < baseline.len());
        let r = Reserved::default();
        let h = fastest(|| drop(to_html_avoiding(hostile, 1, &r)));
        let b = fastest(|| drop(to_html_avoiding(baseline, 1, &r)));
        assert!(
            h <= 8.0 * b + 0.002,
            "{what}: {h:.3}s against {b:.3}s for the baseline"
        );
    }

    #[test]
    fn render_time_is_linear_in_nesting_and_repeated_headings() {
        let n = 64 * 1024;
        assert_linear(
            "nested block quotes",
            &">".repeat(n),
            &"> a\n\n".repeat(n / 5),
        );
        assert_linear(
            "nested raw HTML",
            &"<div>".repeat(n / 5),
            &"<b>x</b>\n".repeat(n / 9),
        );
        let same = "# abcdefgh\n".repeat(8_000);
        let distinct: String = (0..8_000).map(|i| format!("# h{i:07}\n")).collect();
        assert_linear("identical headings", &same, &distinct);
    }
}

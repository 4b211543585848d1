//! Markdown → safe HTML. pulldown-cmark writes raw HTML and `javascript:` links through
//! verbatim, so its output is sanitized with ammonia; headings get ids for anchors.

use std::collections::BTreeSet;

use pulldown_cmark::{html, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// Renders Markdown to sanitized HTML. Headings are shifted down by `shift` levels so a body
/// never competes with the page's own `<h1>`.
pub fn to_html(md: &str, shift: u8) -> String {
    let opts = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let events: Vec<Event> = Parser::new_ext(md, opts).collect();
    let mut used = BTreeSet::new();
    let mut out_events = Vec::with_capacity(events.len());
    let mut i = 0;
    while i < events.len() {
        match &events[i] {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                let text = heading_text(&events[i + 1..]);
                let base = id
                    .as_ref()
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| slugify(&text));
                let mut anchor = if base.is_empty() {
                    "section".to_string()
                } else {
                    base
                };
                let mut n = 1;
                while !used.insert(anchor.clone()) {
                    n += 1;
                    anchor = format!(
                        "{}-{n}",
                        anchor
                            .trim_end_matches(char::is_numeric)
                            .trim_end_matches('-')
                    );
                }
                out_events.push(Event::Start(Tag::Heading {
                    level: shift_level(*level, shift),
                    id: Some(CowStr::from(anchor)),
                    classes: classes.clone(),
                    attrs: attrs.clone(),
                }));
            }
            Event::End(TagEnd::Heading(level)) => {
                out_events.push(Event::End(TagEnd::Heading(shift_level(*level, shift))))
            }
            other => out_events.push(other.clone()),
        }
        i += 1;
    }
    let mut raw = String::with_capacity(md.len() * 3 / 2);
    html::push_html(&mut raw, out_events.into_iter());
    sanitize(&raw)
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

fn shift_level(level: HeadingLevel, shift: u8) -> HeadingLevel {
    let n = (level as u8 + shift).min(6);
    HeadingLevel::try_from(n as usize).unwrap_or(HeadingLevel::H6)
}

/// Lowercase ASCII words joined by hyphens: `Findings by the Monitoring Body` → `findings-by-the-monitoring-body`.
pub fn slugify(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
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
}

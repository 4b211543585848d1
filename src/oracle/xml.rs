//! The XML oracle: a file is well-formed XML 1.0, as a feed reader or sitemap consumer needs
//! it. quick-xml checks the syntax (names, matching end tags, comments, entity references)
//! but not XML 1.0's set of allowed characters, raw or written as character references, nor
//! that there is one root element; those are checked here.

use quick_xml::events::Event;
use quick_xml::{Reader, XmlVersion};

/// Every problem in one XML file, each one line; empty when it is well-formed.
pub fn check(text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if let Some((at, c)) = text.char_indices().find(|(_, c)| !is_xml_char(*c)) {
        problems.push(format!(
            "character U+{:04X} at byte {at} is not allowed in XML 1.0",
            c as u32
        ));
    }
    let mut reader = Reader::from_str(text);
    let config = reader.config_mut();
    config.check_comments = true;
    config.check_end_names = true;
    config.allow_unmatched_ends = false;
    config.allow_dangling_amp = false;
    let (mut depth, mut roots, mut first) = (0usize, 0usize, true);
    loop {
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(e) => {
                problems.push(format!(
                    "XML error at byte {}: {e}",
                    reader.error_position()
                ));
                return problems;
            }
        };
        let at = reader.buffer_position();
        match &event {
            Event::Decl(_) if !first => {
                problems.push(format!("XML declaration not at the start (byte {at})"))
            }
            Event::Start(e) | Event::Empty(e) => {
                if depth == 0 {
                    roots += 1;
                }
                if matches!(event, Event::Start(_)) {
                    depth += 1;
                }
                for a in e.attributes().with_checks(true) {
                    match a {
                        Err(err) => problems.push(format!("attribute at byte {at}: {err}")),
                        Ok(a) => match a.normalized_value(XmlVersion::Explicit1_0) {
                            Err(err) => {
                                problems.push(format!("attribute value at byte {at}: {err}"))
                            }
                            Ok(v) => {
                                if let Some(c) = v.chars().find(|c| !is_xml_char(*c)) {
                                    problems.push(format!(
                                        "attribute value at byte {at} holds U+{:04X}",
                                        c as u32
                                    ));
                                }
                            }
                        },
                    }
                }
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Text(t) if depth == 0 && !t.iter().all(u8::is_ascii_whitespace) => {
                problems.push(format!("text outside the root element (byte {at})"))
            }
            Event::GeneralRef(r) if depth == 0 => problems.push(format!(
                "reference `&{};` outside the root element",
                r.decode().unwrap_or_default()
            )),
            Event::GeneralRef(r) => match r.resolve_char_ref() {
                Ok(Some(c)) if !is_xml_char(c) => problems.push(format!(
                    "character reference to U+{:04X} (byte {at}) is not allowed in XML 1.0",
                    c as u32
                )),
                Ok(Some(_)) => {}
                Ok(None) => {
                    let name = r.decode().unwrap_or_default();
                    if !matches!(&*name, "amp" | "lt" | "gt" | "quot" | "apos") {
                        problems.push(format!("undeclared entity `&{name};` (byte {at})"));
                    }
                }
                Err(e) => problems.push(format!("bad character reference at byte {at}: {e}")),
            },
            Event::Eof => break,
            _ => {}
        }
        first = false;
    }
    if depth != 0 {
        problems.push(format!("{depth} element(s) not closed at the end"));
    }
    if roots != 1 {
        problems.push(format!("{roots} root elements (XML needs exactly one)"));
    }
    problems
}

/// XML 1.0's `Char` production: tab, LF, CR and everything from U+0020 except the two
/// non-characters U+FFFE and U+FFFF (Rust strings hold no surrogates).
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{fffe}' && c != '\u{ffff}')
}

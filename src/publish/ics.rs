//! The iCalendar file of verification report expiry dates (RFC 5545), for a procurement
//! team's calendar subscription: one all-day event per report on the last day it is valid.
//! Written by hand because the format is small: CRLF line ends, TEXT values escaped, lines
//! folded at 75 octets without splitting a UTF-8 character.

use crate::derive::Derived;
use crate::model::Registry;
use crate::urls;

use super::{abs, stable_uuid};

pub fn calendar(reg: &Registry, der: &Derived) -> String {
    let name = format!("{}: verification report expiry dates", reg.config.title);
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        format!(
            "PRODID:-//TrustAtlas//trustatlas {}//EN",
            env!("CARGO_PKG_VERSION")
        ),
        "CALSCALE:GREGORIAN".to_string(),
        "METHOD:PUBLISH".to_string(),
        format!("NAME:{}", escape(&name)),
        format!("X-WR-CALNAME:{}", escape(&name)),
        format!(
            "DESCRIPTION:{}",
            escape("The last day of validity of every verification report in the register.")
        ),
        format!("SOURCE;VALUE=URI:{}", abs(reg, urls::CALENDAR)),
        "REFRESH-INTERVAL;VALUE=DURATION:P1D".to_string(),
        "X-PUBLISHED-TTL:P1D".to_string(),
    ];
    let stamp = format!("{}T000000Z", compact(der.build_date));
    for (ri, r) in reg.reports.iter().enumerate() {
        let v = &reg.vendors[r.vendor];
        let c = &reg.certifications[r.certification];
        // A report with no end (stated or by rule) has no day to put in a calendar.
        let Some(until) = der.report_status[ri].until else {
            continue;
        };
        let last = until.last_day();
        lines.extend([
            "BEGIN:VEVENT".to_string(),
            format!(
                "UID:{}",
                stable_uuid(reg, &format!("ics/report/{}", r.slug))
            ),
            format!("DTSTAMP:{stamp}"),
            format!("DTSTART;VALUE=DATE:{}", compact(last)),
            format!("DTEND;VALUE=DATE:{}", compact(crate::date::Day(last.0 + 1))),
            format!(
                "SUMMARY:{}",
                escape(&format!(
                    "Last day of validity: {} report {} for {}",
                    c.short_name, r.id, v.name
                ))
            ),
            format!(
                "DESCRIPTION:{}",
                escape(&format!(
                    "Verification report {} ({}, {}) for {}, approved {}, valid until {}.\n{}",
                    r.id,
                    c.name,
                    r.monitoring_body,
                    r.declaring_entity,
                    r.approved
                        .map_or("on a date not recorded".into(), |d| d.human()),
                    until.human(),
                    abs(reg, &urls::report(&r.slug))
                ))
            ),
            format!("URL;VALUE=URI:{}", abs(reg, &urls::report(&r.slug))),
            "TRANSP:TRANSPARENT".to_string(),
            "END:VEVENT".to_string(),
        ]);
    }
    lines.push("END:VCALENDAR".to_string());
    let mut out = String::new();
    for l in &lines {
        out.push_str(&fold(l));
    }
    out
}

/// `20230630`
fn compact(day: crate::date::Day) -> String {
    let (y, m, d) = day.to_ymd();
    format!("{y:04}{m:02}{d:02}")
}

/// TEXT escaping (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines (a CRLF or a
/// lone CR is one line break). TEXT allows no other control character but tab (§3.1, `CONTROL`),
/// so each becomes U+FFFD: the loader rejects them, the writer does not depend on it.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push_str("\\n");
            }
            '\t' => out.push(c),
            c if c < ' ' || c == '\u{7f}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// One content line, folded (§3.1): at most 75 octets per physical line, continuation lines
/// start with a space, every line ends in CRLF.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text_values() {
        assert_eq!(escape("a, b; c\\d\ne"), "a\\, b\\; c\\\\d\\ne");
        assert_eq!(
            escape("a\r\nb\rc\u{7}\u{1b}d\te\u{7f}"),
            "a\\nb\\nc\u{FFFD}\u{FFFD}d\te\u{FFFD}"
        );
    }

    #[test]
    fn folds_at_75_octets_without_splitting_characters() {
        let line = format!("SUMMARY:{}", "é".repeat(60));
        let folded = fold(&line);
        for physical in folded.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(physical.len() <= 75, "{} octets", physical.len());
        }
        let unfolded = folded.replace("\r\n ", "");
        assert_eq!(unfolded, format!("{line}\r\n"));
        assert_eq!(fold("A:b"), "A:b\r\n");
    }
}

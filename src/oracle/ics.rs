//! The iCalendar oracle (RFC 5545 section 3.1): CRLF line ends, no physical line over 75
//! octets, folding only by a leading space or tab, and after unfolding every content line of
//! the form `NAME *(;PARAM=VALUE) : VALUE`, components opened and closed in order, inside one
//! `VCALENDAR` with `VERSION` and `PRODID`, TEXT values escaped.

/// Properties whose value is TEXT, so `,` `;` and `\` must be escaped and `\` is followed by
/// one of `\ ; , n N`.
const TEXT_PROPERTIES: &[&str] = &[
    "SUMMARY",
    "DESCRIPTION",
    "LOCATION",
    "COMMENT",
    "NAME",
    "X-WR-CALNAME",
    "X-WR-CALDESC",
];

/// Every problem in one `.ics` file, each one line; empty when it is valid.
pub fn check(bytes: &[u8]) -> Vec<String> {
    let mut problems = Vec::new();
    let Ok(text) = std::str::from_utf8(bytes) else {
        return vec!["not UTF-8 (a fold split a character?)".to_string()];
    };
    let Some(body) = text.strip_suffix("\r\n") else {
        return vec!["does not end with CRLF".to_string()];
    };
    let mut logical: Vec<(usize, String)> = Vec::new();
    for (i, line) in body.split("\r\n").enumerate() {
        let n = i + 1;
        if line.contains(['\r', '\n']) {
            problems.push(format!("line {n}: bare CR or LF inside a line"));
        }
        if line.len() > 75 {
            problems.push(format!("line {n}: {} octets (at most 75)", line.len()));
        }
        match line.strip_prefix([' ', '\t']) {
            Some(rest) => match logical.last_mut() {
                Some((_, l)) => l.push_str(rest),
                None => problems.push(format!("line {n}: continuation before any line")),
            },
            None => logical.push((n, line.to_string())),
        }
    }
    let mut open: Vec<String> = Vec::new();
    let mut seen = Vec::new();
    for (n, line) in &logical {
        let Some((name, value)) = split_content_line(line) else {
            problems.push(format!(
                "line {n}: not `NAME[;PARAM=VALUE]:VALUE`: {line:?}"
            ));
            continue;
        };
        let upper = name.to_ascii_uppercase();
        match upper.as_str() {
            "BEGIN" => {
                if open.is_empty() && (value != "VCALENDAR" || !seen.is_empty()) {
                    problems.push(format!("line {n}: `BEGIN:{value}` outside the calendar"));
                }
                open.push(value.to_string());
                seen.push(upper);
                continue;
            }
            "END" => {
                if open.pop().as_deref() != Some(value) {
                    problems.push(format!("line {n}: `END:{value}` closes nothing open"));
                }
                continue;
            }
            _ => {}
        }
        if open.is_empty() {
            problems.push(format!("line {n}: property `{name}` outside any component"));
        }
        if open.len() == 1 {
            seen.push(upper.clone());
        }
        if TEXT_PROPERTIES.contains(&upper.as_str()) {
            if let Some(p) = text_escape_problem(value) {
                problems.push(format!("line {n}: {name}: {p}"));
            }
        }
    }
    if !open.is_empty() {
        problems.push(format!("components left open: {open:?}"));
    }
    for needed in ["VERSION", "PRODID"] {
        if !seen.iter().any(|s| s == needed) {
            problems.push(format!("the calendar has no {needed}"));
        }
    }
    problems
}

/// `(name, value)` of an unfolded content line, when it has that form: a name of letters,
/// digits and `-`; parameters whose values may be quoted (and may then hold `:`).
fn split_content_line(line: &str) -> Option<(&str, &str)> {
    let name_end = line.find([';', ':'])?;
    let name = &line[..name_end];
    let is_name =
        |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !is_name(name) {
        return None;
    }
    let mut rest = &line[name_end..];
    while let Some(params) = rest.strip_prefix(';') {
        let eq = params.find('=')?;
        if !is_name(&params[..eq]) {
            return None;
        }
        let mut v = &params[eq + 1..];
        loop {
            if let Some(q) = v.strip_prefix('"') {
                let close = q.find('"')?;
                v = &q[close + 1..];
            } else {
                let end = v.find([',', ';', ':'])?;
                if v[..end].contains('"') {
                    return None;
                }
                v = &v[end..];
            }
            match v.strip_prefix(',') {
                Some(next) => v = next,
                None => break,
            }
        }
        rest = v;
    }
    rest.strip_prefix(':').map(|value| (name, value))
}

/// Why a TEXT value is not escaped as RFC 5545 section 3.3.11 requires, if it is not.
fn text_escape_problem(value: &str) -> Option<String> {
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('\\' | ';' | ',' | 'n' | 'N') => {}
                other => return Some(format!("`\\` followed by {other:?}")),
            },
            ';' | ',' => return Some(format!("unescaped `{c}`")),
            c if c.is_control() && c != '\t' => {
                return Some(format!("control character U+{:04X}", c as u32))
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_folded_calendar_passes() {
        let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nBEGIN:VEVENT\r\n\
                   SUMMARY:a\\, b\r\n  c\r\nDTSTART;VALUE=DATE:20260101\r\nEND:VEVENT\r\n\
                   END:VCALENDAR\r\n";
        assert_eq!(check(ics.as_bytes()), Vec::<String>::new());
    }

    #[test]
    fn bad_calendars_are_named() {
        let long = format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nSUMMARY:{}\r\nEND:VCALENDAR\r\n",
            "a".repeat(80)
        );
        assert!(check(long.as_bytes())[0].contains("octets"));
        let lf = "BEGIN:VCALENDAR\nEND:VCALENDAR\n";
        assert!(!check(lf.as_bytes()).is_empty());
        let unescaped =
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nSUMMARY:a;b\r\nEND:VCALENDAR\r\n";
        assert!(check(unescaped.as_bytes())[0].contains("unescaped"));
        let unclosed =
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nEND:VCALENDAR\r\n";
        assert!(!check(unclosed.as_bytes()).is_empty());
    }
}

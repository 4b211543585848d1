//! Control characters in content, found once, where the text is read. NUL, BEL, ESC and the
//! other C0 controls (except tab, line feed and carriage return, which are layout), DEL and
//! the C1 controls are refused: XML 1.0 forbids them even as `&#7;`, so one of them makes
//! `feed.xml` unreadable, and they reach HTML, CSV and the calendar raw.
//!
//! Three ways one can arrive, each located at the character itself: typed raw anywhere in a
//! file; as a TOML escape (`"\u0007"`, `"\e"`, `"\b"`) in a basic string of TOML text; as a
//! numeric character reference (`&#27;`) in a Markdown body. The TOML scan is a small lexer
//! of strings and comments only: it runs over text the TOML parser reads as well, so where
//! the two could disagree (broken TOML) the parser's error is the one that matters.

/// A control character that content may not hold.
pub fn is_forbidden(c: char) -> bool {
    matches!(c, '\0'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
}

/// The usual name of a control character, for messages: `U+0007 (BEL)`.
pub fn describe(c: char) -> String {
    const C0: [&str; 32] = [
        "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF", "CR",
        "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB",
        "ESC", "FS", "GS", "RS", "US",
    ];
    let n = c as u32;
    let name = match n {
        0..=31 => C0[n as usize],
        127 => "DEL",
        _ => "a C1 control",
    };
    format!("U+{n:04X} ({name})")
}

/// One control character found: where (byte offsets in the scanned text), what, and how it
/// was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub span: std::ops::Range<usize>,
    pub ch: char,
    /// The escape or reference that makes it (`\u0007`, `&#7;`); `None` when typed raw.
    pub written: Option<String>,
}

/// Raw control characters anywhere in `text`.
pub fn raw(text: &str) -> impl Iterator<Item = Found> + '_ {
    text.char_indices()
        .filter(|(_, c)| is_forbidden(*c))
        .map(|(i, c)| Found {
            span: i..i + c.len_utf8(),
            ch: c,
            written: None,
        })
}

/// TOML escapes that make a control character, in the basic strings of `text` (offsets
/// relative to `text`).
pub fn toml_escapes(text: &str) -> Vec<Found> {
    let mut out = Vec::new();
    scan_toml(text, |span, ch| {
        out.push(Found {
            written: Some(text[span.clone()].to_string()),
            span,
            ch,
        })
    });
    out
}

/// When `text` (a front matter) ends inside a multi-line string, the offset where that
/// string opens: a `+++` line inside `"""` closed the front matter early.
pub fn open_multiline_string(text: &str) -> Option<usize> {
    scan_toml(text, |_, _| {})
}

/// Numeric character references in Markdown (`&#7;`, `&#x1B;`) that make a control
/// character.
pub fn char_refs(text: &str) -> Vec<Found> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(p) = text[from..].find("&#") {
        let start = from + p;
        let mut i = start + 2;
        let hex = i < b.len() && (b[i] == b'x' || b[i] == b'X');
        if hex {
            i += 1;
        }
        let digits = i;
        while i < b.len() && i - digits < 8 && (b[i] as char).is_digit(if hex { 16 } else { 10 }) {
            i += 1;
        }
        if i > digits && i < b.len() && b[i] == b';' {
            let n = u32::from_str_radix(&text[digits..i], if hex { 16 } else { 10 }).ok();
            if let Some(c) = n.and_then(char::from_u32).filter(|c| is_forbidden(*c)) {
                out.push(Found {
                    span: start..i + 1,
                    ch: c,
                    written: Some(text[start..i + 1].to_string()),
                });
            }
        }
        from = start + 2;
    }
    out
}

/// Walks the strings and comments of TOML `text`, calling `found` for every escape that makes
/// a control character. Returns the start of a multi-line string left open at the end.
fn scan_toml(text: &str, mut found: impl FnMut(std::ops::Range<usize>, char)) -> Option<usize> {
    let b = text.as_bytes();
    let n = b.len();
    let at = |i: usize, s: &[u8]| b[i..].starts_with(s);
    let mut i = 0;
    while i < n {
        match b[i] {
            b'#' => i = text[i..].find('\n').map_or(n, |p| i + p),
            b'"' if at(i, b"\"\"\"") => {
                let open = i;
                i += 3;
                loop {
                    if i >= n {
                        return Some(open);
                    }
                    if b[i] == b'\\' {
                        i = escape(text, i, &mut found);
                    } else if at(i, b"\"\"\"") {
                        i += 3;
                        // Up to two more quotes belong to the string: `"""a""""`.
                        let mut extra = 0;
                        while i < n && b[i] == b'"' && extra < 2 {
                            i += 1;
                            extra += 1;
                        }
                        break;
                    } else {
                        i += 1;
                    }
                }
            }
            b'"' => {
                i += 1;
                while i < n && b[i] != b'\n' {
                    if b[i] == b'\\' {
                        i = escape(text, i, &mut found);
                    } else if b[i] == b'"' {
                        i += 1;
                        break;
                    } else {
                        i += 1;
                    }
                }
            }
            b'\'' if at(i, b"'''") => {
                let open = i;
                match text[i + 3..].find("'''") {
                    None => return Some(open),
                    Some(p) => {
                        i += 3 + p + 3;
                        let mut extra = 0;
                        while i < n && b[i] == b'\'' && extra < 2 {
                            i += 1;
                            extra += 1;
                        }
                    }
                }
            }
            b'\'' => {
                i += 1;
                while i < n && b[i] != b'\n' && b[i] != b'\'' {
                    i += 1;
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    None
}

/// One escape at `b[i] == '\\'` inside a basic string; returns the offset after it.
fn escape(text: &str, i: usize, found: &mut impl FnMut(std::ops::Range<usize>, char)) -> usize {
    let b = text.as_bytes();
    let Some(&kind) = b.get(i + 1) else {
        return i + 1;
    };
    let hex_len = match kind {
        b'u' => 4,
        b'U' => 8,
        b'x' => 2,
        b'b' | b'f' | b'e' => {
            let c = match kind {
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                _ => '\u{1b}',
            };
            found(i..i + 2, c);
            return i + 2;
        }
        // `\\`, `\"`, `\n`, `\t`, a line-ending backslash...: two bytes, nothing to see.
        _ => return i + 2,
    };
    let digits = text.get(i + 2..i + 2 + hex_len);
    match digits
        .filter(|d| d.bytes().all(|c| c.is_ascii_hexdigit()))
        .and_then(|d| u32::from_str_radix(d, 16).ok())
        .and_then(char::from_u32)
    {
        Some(c) => {
            if is_forbidden(c) {
                found(i..i + 2 + hex_len, c);
            }
            i + 2 + hex_len
        }
        None => i + 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_set() {
        for c in [
            '\0', '\u{7}', '\u{1b}', '\u{7f}', '\u{85}', '\u{9f}', '\u{b}',
        ] {
            assert!(is_forbidden(c), "{c:?}");
        }
        for c in ['\t', '\n', '\r', ' ', 'é', '\u{a0}', '\u{202e}'] {
            assert!(!is_forbidden(c), "{c:?}");
        }
        assert_eq!(describe('\u{7}'), "U+0007 (BEL)");
        assert_eq!(describe('\u{85}'), "U+0085 (a C1 control)");
    }

    #[test]
    fn finds_escapes_in_basic_strings_only() {
        let t = r#"a = "x\u0007y" # "\u0000" in a comment
b = 'lit\u0007'
c = """
ok \\u0007 \e
"""
d = "\U0000001b\x7f\n\t"
"#;
        let found: Vec<(String, char)> = toml_escapes(t)
            .into_iter()
            .map(|f| (t[f.span].to_string(), f.ch))
            .collect();
        assert_eq!(
            found,
            vec![
                ("\\u0007".into(), '\u{7}'),
                ("\\e".into(), '\u{1b}'),
                ("\\U0000001b".into(), '\u{1b}'),
                ("\\x7f".into(), '\u{7f}'),
            ]
        );
    }

    #[test]
    fn sees_a_front_matter_cut_inside_a_multiline_string() {
        assert_eq!(open_multiline_string("a = 1\nb = \"\"\"\nx\n"), Some(10));
        assert_eq!(open_multiline_string("b = \"\"\"\n+++\n\"\"\"\n"), None);
        assert_eq!(open_multiline_string("b = '''x\n"), Some(4));
        assert_eq!(open_multiline_string("b = \"\"\"a\"\"\"\"\nc = 1\n"), None);
    }

    #[test]
    fn finds_character_references() {
        let f = char_refs("a &#7; b &#x1B; c &#233; &#; &#x;");
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].span, 2..6);
        assert_eq!(f[1].ch, '\u{1b}');
    }
}

//! The rules every text field shares, in one place. [`Text`] is free text an editor must fill
//! in: not empty, not only whitespace. [`Name`] is a short identity text (a name, a city, an
//! ID-like label) with two more rules: one line, and no bidirectional controls or marks, which
//! would reorder the text around it wherever it is shown (Trojan Source, CVE-2021-42574).
//! Free text may hold bidirectional controls (quotes in Arabic or Hebrew need them); the
//! templates isolate it with `<bdi>`/`dir="auto"`.
//!
//! Both are checked while serde reads the file, so a mistake is located at the value;
//! [`located_error`] turns serde's message into the diagnostic `parse.rs` reports, named after
//! the key and, for a bidi control, at the character itself. Control characters are refused
//! earlier, for every file, in `source`.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::diagnostic::Code;

/// Starts the message of an empty text; `parse.rs` adds the key's name.
pub const EMPTY: &str = "empty text";
/// Starts the message of a bidirectional control in a name.
pub const BIDI: &str = "bidirectional control";
/// Starts the message of a line break in a name.
pub const MULTILINE: &str = "line break in a one-line text";

/// Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), and the
/// marks U+200E, U+200F and U+061C.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}')
}

/// The Unicode name of a bidirectional control, for messages.
pub fn bidi_name(c: char) -> &'static str {
    match c {
        '\u{202a}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202b}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202c}' => "POP DIRECTIONAL FORMATTING",
        '\u{202d}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202e}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        '\u{2069}' => "POP DIRECTIONAL ISOLATE",
        '\u{200e}' => "LEFT-TO-RIGHT MARK",
        '\u{200f}' => "RIGHT-TO-LEFT MARK",
        '\u{61c}' => "ARABIC LETTER MARK",
        _ => "bidirectional control",
    }
}

/// The offset in a TOML string literal `raw` (quotes included) where the character `c`
/// first appears, typed or as a `\u`/`\U` escape: to point at it rather than at the value.
pub fn find_in_literal(raw: &str, c: char) -> Option<usize> {
    let code = c as u32;
    raw.char_indices().find_map(|(i, ch)| {
        if ch == c {
            return Some(i);
        }
        if ch != '\\' {
            return None;
        }
        let rest = &raw[i..];
        let esc = |len: usize| {
            rest.get(2..2 + len)
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                == Some(code)
        };
        ((rest.starts_with("\\u") && esc(4)) || (rest.starts_with("\\U") && esc(8))).then_some(i)
    })
}

/// What is wrong with `s` as free text, if anything.
pub fn text_problem(s: &str) -> Option<String> {
    s.trim().is_empty().then(|| EMPTY.to_string())
}

/// What is wrong with `s` as a name, if anything.
pub fn name_problem(s: &str) -> Option<String> {
    if let Some(p) = text_problem(s) {
        return Some(p);
    }
    if let Some(c) = s.chars().find(|c| is_bidi_control(*c)) {
        return Some(format!("{BIDI} U+{:04X} in a name", c as u32));
    }
    if s.contains(['\n', '\r']) {
        return Some(MULTILINE.to_string());
    }
    None
}

/// The diagnostic for an error of [`Text`] or [`Name`] at `span` of the TOML `text`: named
/// after its key and, for a character that is not allowed, located at the character.
pub fn located_error(
    text: &str,
    span: Range<usize>,
    msg: &str,
) -> Option<(Code, Range<usize>, String, String)> {
    let key = key_before(text, span.start);
    if msg == EMPTY {
        return Some((
            Code::MissingField,
            span,
            format!("{key} is empty"),
            "write the text (a key that is optional may be left out instead)".into(),
        ));
    }
    if msg.starts_with(BIDI) {
        let c = msg
            .split("U+")
            .nth(1)
            .and_then(|h| u32::from_str_radix(h.split(' ').next()?, 16).ok())
            .and_then(char::from_u32)?;
        let raw = text.get(span.clone()).unwrap_or("");
        let at = find_in_literal(raw, c).map_or(span.start, |i| span.start + i);
        let len = if text[at..].starts_with('\\') {
            raw.len()
                .min(if text[at..].starts_with("\\U") { 10 } else { 6 })
        } else {
            c.len_utf8()
        };
        return Some((
            Code::BadName,
            at..at + len,
            format!(
                "{key} holds the bidirectional control U+{:04X} ({})",
                c as u32,
                bidi_name(c)
            ),
            "delete it: in a name it reverses the text shown after it (descriptions and other free text may hold it)".into(),
        ));
    }
    if msg == MULTILINE {
        return Some((
            Code::WrongType,
            span,
            format!("{key} must be one line"),
            "write it on one line; longer text belongs in a description".into(),
        ));
    }
    None
}

/// `` `name` `` for the key whose value starts at `at` (`name = ""`, `{ detail = "" }`), or
/// "an item of `items`" inside an array; "a text" when the line does not say.
fn key_before(text: &str, at: usize) -> String {
    let at = at.min(text.len());
    let line = &text[text[..at].rfind('\n').map_or(0, |i| i + 1)..at];
    let Some(eq) = line.rfind('=') else {
        return "a text".into();
    };
    let lhs = line[..eq].trim_end();
    let key = match lhs.strip_suffix(['"', '\'']) {
        Some(quoted) => quoted.rsplit(['"', '\'']).next().unwrap_or(""),
        None => lhs
            .rsplit(|c: char| c.is_whitespace() || matches!(c, '{' | ',' | '.'))
            .next()
            .unwrap_or(""),
    };
    if key.is_empty() {
        return "a text".into();
    }
    if line[eq..].contains('[') {
        format!("an item of `{key}`")
    } else {
        format!("`{key}`")
    }
}

macro_rules! text_type {
    ($(#[$doc:meta])* $name:ident, $check:path) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Eq)]
        pub struct $name(pub String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl From<$name> for String {
            fn from(t: $name) -> String {
                t.0
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                        f.write_str("a string")
                    }
                    fn visit_str<E: de::Error>(self, s: &str) -> Result<$name, E> {
                        match $check(s) {
                            Some(p) => Err(E::custom(p)),
                            None => Ok($name(s.to_string())),
                        }
                    }
                }
                d.deserialize_str(V)
            }
        }

        /// Written back as the plain string (the schemas print defaults with it).
        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        /// A string with at least one character that is not whitespace. (The schema does not
        /// spell out the bidi rule of [`Name`]; the loader is the authority.)
        impl JsonSchema for $name {
            fn inline_schema() -> bool {
                true
            }
            fn schema_name() -> Cow<'static, str> {
                String::schema_name()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                schemars::json_schema!({ "type": "string", "pattern": "\\S" })
            }
        }
    };
}

text_type!(
    /// Free text that must say something: a description, a summary, a source.
    Text,
    text_problem
);
text_type!(
    /// A one-line identity text without bidirectional controls: a name, a city, a label.
    Name,
    name_problem
);

/// `Vec<Text>` / `Vec<Name>` into plain strings for the typed model.
pub fn strings<T: Into<String>>(v: Vec<T>) -> Vec<String> {
    v.into_iter().map(Into::into).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_refuse_blank_bidi_and_line_breaks() {
        assert_eq!(name_problem("Acme"), None);
        assert_eq!(name_problem("  "), Some(EMPTY.into()));
        assert_eq!(
            name_problem("Spring\u{202e}field"),
            Some("bidirectional control U+202E in a name".into())
        );
        assert!(name_problem("a\u{200f}").is_some());
        assert!(name_problem("a\u{61c}").is_some());
        assert_eq!(name_problem("a\nb"), Some(MULTILINE.into()));
        assert_eq!(text_problem("\u{202e}quoted\u{202c} text"), None);
        assert_eq!(text_problem(" \t\n"), Some(EMPTY.into()));
    }

    #[test]
    fn finds_a_character_typed_or_escaped() {
        assert_eq!(find_in_literal("\"ab\u{202e}c\"", '\u{202e}'), Some(3));
        assert_eq!(find_in_literal(r#""ab\u202Ec""#, '\u{202e}'), Some(3));
        assert_eq!(find_in_literal(r#""ab\U0000202ec""#, '\u{202e}'), Some(3));
        assert_eq!(find_in_literal(r#""abc""#, '\u{202e}'), None);
    }

    #[test]
    fn deserializes_with_located_errors() {
        #[derive(Deserialize)]
        struct T {
            #[allow(dead_code)]
            a: Name,
        }
        let e = toml::from_str::<T>("a = \"  \"\n").err().unwrap();
        assert_eq!(e.message(), EMPTY);
        assert_eq!(e.span(), Some(4..8));
        let t: T = toml::from_str("a = \"Acme\"\n").unwrap();
        assert_eq!(t.a.as_str(), "Acme");
    }

    #[test]
    fn key_before_names_the_key() {
        assert_eq!(key_before("name = \"\"", 7), "`name`");
        assert_eq!(
            key_before("x = { value = \"a\", detail = \"\" }", 29),
            "`detail`"
        );
        assert_eq!(
            key_before("items = [\"a\", \"\"]", 14),
            "an item of `items`"
        );
        assert_eq!(key_before("\"quoted key\" = \"\"", 15), "`quoted key`");
        assert_eq!(key_before("  \"\"", 2), "a text");
    }
}

//! Turning one file's TOML into its raw struct, with every failure mapped to a diagnostic
//! located in the *whole* file (front-matter offset added), and small helpers the
//! validators share.

use std::cell::OnceCell;
use std::collections::BTreeSet;
use std::ops::Range;

use serde::de::DeserializeOwned;
use toml::Spanned;

use super::text;
use crate::diagnostic::{Code, Diagnostic, TextIndex};
use crate::source::{split_front_matter, SourceFile};
use crate::suggest;

/// Where diagnostics for one file go, and how front-matter spans map into the file.
pub struct FileCtx<'a> {
    pub file: &'a SourceFile,
    /// Byte offset of the TOML inside the file (0 for `.toml` files).
    pub offset: usize,
    pub diags: &'a mut Vec<Diagnostic>,
    /// Slugs of files that exist but failed to load: references to them are not reported
    /// again (the file's own errors say what is wrong), so one mistake gives one diagnostic.
    pub broken: &'a BTreeSet<String>,
    /// Line starts of the file, made on the first error: a file with thousands of problems
    /// then costs one line per diagnostic, not the whole file (linear, not quadratic).
    index: OnceCell<TextIndex<'a>>,
}

static NOTHING_BROKEN: BTreeSet<String> = BTreeSet::new();

impl<'a> FileCtx<'a> {
    /// A context for `file`; spans are taken relative to its TOML, which for a Markdown
    /// file starts after the opening `+++` line.
    pub fn new(file: &'a SourceFile, diags: &'a mut Vec<Diagnostic>) -> Self {
        let offset = if file.extension() == "toml" {
            0
        } else {
            split_front_matter(&file.text)
                .map(|s| s.front_offset)
                .unwrap_or(0)
        };
        FileCtx {
            file,
            offset,
            diags,
            broken: &NOTHING_BROKEN,
            index: OnceCell::new(),
        }
    }

    pub fn with_broken(mut self, broken: &'a BTreeSet<String>) -> Self {
        self.broken = broken;
        self
    }

    /// A span of the TOML text as a span of the whole file.
    pub fn abs(&self, span: Range<usize>) -> Range<usize> {
        span.start + self.offset..span.end + self.offset
    }

    /// Reports an error at a span of the TOML text.
    pub fn error(
        &mut self,
        code: Code,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let abs = span.start + self.offset..span.end + self.offset;
        let file: &'a SourceFile = self.file;
        let index = self.index.get_or_init(|| TextIndex::new(&file.text));
        self.diags.push(Diagnostic::error_at(
            code,
            &file.path,
            index,
            Some(abs),
            message,
        ));
        self.diags.last_mut().expect("just pushed")
    }

    /// Reports an error about the file as a whole (line 1).
    pub fn file_error(&mut self, code: Code, message: impl Into<String>) -> &mut Diagnostic {
        self.diags.push(Diagnostic::error(
            code,
            &self.file.path,
            &self.file.text,
            Some(0..0),
            message,
        ));
        self.diags.last_mut().expect("just pushed")
    }

    /// A reference `value` (at `span`) that must be one of `known`.
    pub fn check_ref<'k>(
        &mut self,
        what: &str,
        value: &Spanned<String>,
        known: impl IntoIterator<Item = &'k str> + Clone,
    ) -> bool {
        if known.clone().into_iter().any(|k| k == value.get_ref()) {
            return true;
        }
        if self.broken.contains(value.get_ref())
            || self.broken.contains(crate::source::WHOLE_FOLDER)
        {
            return false;
        }
        // A file that exists but failed to load may be what the editor meant to name.
        let list: Vec<&str> = known.clone().into_iter().take(12).collect();
        let mut names: Vec<String> = known.into_iter().map(str::to_string).collect();
        names.extend(self.broken.iter().cloned());
        let help = suggest::help(value.get_ref(), &names);
        let expected = if list.is_empty() {
            format!("a known {what}")
        } else {
            format!(
                "one of {}",
                list.iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        // `what` may name an owner: "level of `soc-2`" → "unknown level `x` of `soc-2`".
        let message = match what.split_once(" of ") {
            Some((noun, owner)) => format!("unknown {noun} `{}` of {owner}", value.get_ref()),
            None => format!("unknown {what} `{}`", value.get_ref()),
        };
        self.error(Code::UnknownReference, value.span(), message)
            .with_expected_in_place(expected)
            .help = help;
        false
    }

    /// An old address that `_redirects` sends to the page's current URL: a clean site path
    /// (see [`alias_problem`]).
    pub fn check_alias(&mut self, alias: &Spanned<String>) -> bool {
        let a = alias.get_ref();
        let Some(why) = alias_problem(a) else {
            return true;
        };
        self.error(
            Code::BadName,
            alias.span(),
            format!("alias `{a}` is not a site path: {why}"),
        )
        .with_expected_in_place("an old path such as `/vendor/old-name/`");
        false
    }

    /// A key or ID held as `Spanned<String>` (it is compared with references) under the rules
    /// of [`text::Name`]: not blank, one line, no bidirectional controls. A reported control
    /// is then removed from the key, so references to the key as the editor sees it resolve
    /// and the one mistake is reported once.
    pub fn check_name(&mut self, value: &mut Spanned<String>) -> bool {
        let Some(problem) = text::name_problem(value.get_ref()) else {
            return true;
        };
        let toml = &self.file.text[self.offset.min(self.file.text.len())..];
        if let Some((code, span, message, help)) = text::located_error(toml, value.span(), &problem)
        {
            self.error(code, span, message).with_help_in_place(help);
        }
        value.get_mut().retain(|c| !text::is_bidi_control(c));
        false
    }

    /// http(s) URLs only: no `javascript:`, no relative paths in fields that promise a URL.
    pub fn check_url(&mut self, value: &Spanned<String>) -> bool {
        let v = value.get_ref();
        let ok = (v.starts_with("https://") || v.starts_with("http://"))
            && v.len() > 8
            && !v.contains(char::is_whitespace);
        if !ok {
            self.error(
                Code::BadUrl,
                value.span(),
                format!("`{v}` is not an http(s) URL"),
            )
            .with_expected_in_place("an absolute URL starting with https://");
        }
        ok
    }
}

/// In-place builder helpers for a diagnostic just pushed.
pub trait DiagExt {
    fn with_expected_in_place(&mut self, e: impl Into<String>) -> &mut Self;
    fn with_help_in_place(&mut self, h: impl Into<String>) -> &mut Self;
}

impl DiagExt for Diagnostic {
    fn with_expected_in_place(&mut self, e: impl Into<String>) -> &mut Self {
        self.expected = Some(e.into());
        self
    }
    fn with_help_in_place(&mut self, h: impl Into<String>) -> &mut Self {
        self.help = Some(h.into());
        self
    }
}

/// Parses a Markdown file with front matter: returns the raw struct and the body.
pub fn parse_markdown<T: DeserializeOwned>(
    file: &SourceFile,
    diags: &mut Vec<Diagnostic>,
) -> Option<(T, String)> {
    match split_front_matter(&file.text) {
        Ok(split) => {
            if let Some(open) = crate::source::open_multiline_string(split.front) {
                front_matter_cut_in_string(
                    file,
                    split.front_offset + open,
                    split.body_offset,
                    diags,
                );
                return None;
            }
            let mut ctx = FileCtx {
                file,
                offset: split.front_offset,
                diags,
                broken: &NOTHING_BROKEN,
                index: OnceCell::new(),
            };
            let raw = parse_toml(&mut ctx, split.front)?;
            Some((raw, split.body.to_string()))
        }
        Err((at, msg)) => {
            let end = file.text[at..]
                .find('\n')
                .map(|i| at + i)
                .unwrap_or(file.text.len());
            diags.push(
                Diagnostic::error(
                    Code::FrontMatter,
                    &file.path,
                    &file.text,
                    Some(at..end),
                    msg,
                )
                .with_help(Some(
                    "content files start with `+++`, then TOML, then `+++`, then Markdown".into(),
                )),
            );
            None
        }
    }
}

/// The `+++` that ended the front matter sits inside a `"""` (or `'''`) string: TOML would
/// report an unclosed string and the rest of the file would be taken for Markdown. Say what
/// happened, at the `+++` line.
fn front_matter_cut_in_string(
    file: &SourceFile,
    open: usize,
    body_offset: usize,
    diags: &mut Vec<Diagnostic>,
) {
    let before = file.text[..body_offset].trim_end_matches(['\n', '\r']);
    let close = before.rfind('\n').map_or(0, |i| i + 1);
    let (open_line, _) = crate::diagnostic::line_col(&file.text, open);
    diags.push(
        Diagnostic::error(
            Code::FrontMatter,
            &file.path,
            &file.text,
            Some(close..before.len()),
            format!(
                "this `+++` line ends the front matter inside the multi-line string opened on line {open_line}"
            ),
        )
        .with_help(Some(
            "a line that is exactly `+++` always ends the front matter: indent it inside the string, or close the string before it".into(),
        )),
    );
}

/// Parses a whole `.toml` file.
pub fn parse_toml_file<T: DeserializeOwned>(
    file: &SourceFile,
    diags: &mut Vec<Diagnostic>,
) -> Option<T> {
    let mut ctx = FileCtx::new(file, diags);
    parse_toml(&mut ctx, &file.text)
}

/// Syntax first (so a syntax error is called one), then the shape. Deserializing parses the
/// text as well, so a file is parsed a second time, as a plain table, only when that fails:
/// one parse per file instead of two on the common path.
fn parse_toml<T: DeserializeOwned>(ctx: &mut FileCtx, text: &str) -> Option<T> {
    let shape_error = match toml::from_str::<T>(text) {
        Ok(v) => return Some(v),
        Err(e) => e,
    };
    if let Err(e) = text.parse::<toml::Table>() {
        let span = e.span().unwrap_or(0..0);
        let mut message = first_line(e.message()).to_string();
        let quoted = text.get(span.clone()).unwrap_or("").trim();
        if message.starts_with("duplicate key") && !quoted.is_empty() {
            message = format!("duplicate key `{quoted}`");
        }
        if let Some(word) = null_word(text, &span) {
            ctx.error(
                Code::Syntax,
                span.start..span.start + word.len(),
                format!("TOML has no `{word}`: a key must have a value"),
            )
            .with_help_in_place(
                "leave the key out when the value is not known; a fact the vendor does not publish is written \"not_disclosed\"",
            );
            return None;
        }
        let help = if message.starts_with("invalid date") {
            Some("write dates in quotes, with the precision the source gives: \"2025\", \"2025-06\" or \"2025-06-30\"".to_string())
        } else {
            None
        };
        ctx.error(Code::Syntax, span, format!("TOML syntax error: {message}"))
            .help = help;
        return None;
    }
    let e = shape_error;
    let msg = first_line(e.message()).to_string();
    let span = e.span().unwrap_or(0..0);
    if let Some((code, span, message, help)) = text::located_error(text, span.clone(), &msg) {
        ctx.error(code, span, message).with_help_in_place(help);
        return None;
    }
    let (code, message, expected, help) = classify(&msg);
    // serde reports missing fields at the start of the table; point at the opening
    // `+++` (or the file start) rather than at an unrelated first key.
    let d = if code == Code::MissingField && span == (0..0) {
        let first_line = ctx.file.text.find('\n').unwrap_or(ctx.file.text.len());
        let line = ctx.file.text[..first_line].trim_end().len();
        ctx.diags.push(Diagnostic::error(
            code,
            &ctx.file.path,
            &ctx.file.text,
            Some(0..line),
            message,
        ));
        ctx.diags.last_mut().expect("just pushed")
    } else {
        ctx.error(code, span, message)
    };
    d.expected = expected;
    d.help = help;
    None
}

/// `null` and its cousins from other languages, where TOML expected a value: the parser's
/// own message ("invalid float, expected `nan`") sends the editor the wrong way.
fn null_word(text: &str, span: &Range<usize>) -> Option<&'static str> {
    let line_start = text[..span.start.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let rest = text.get(span.start..)?;
    let word: &str = rest
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .next()
        .unwrap_or("");
    let after_eq = text[line_start..span.start]
        .trim_end()
        .ends_with(['=', '[', ',']);
    ["null", "nil", "None", "NULL", "Null", "undefined"]
        .into_iter()
        .find(|w| *w == word && after_eq)
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s).trim()
}

/// Sorts a serde message into our codes and pulls out "expected" lists for a suggestion.
fn classify(msg: &str) -> (Code, String, Option<String>, Option<String>) {
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        let field = between_ticks(rest).unwrap_or_default();
        let expected: Vec<String> = rest
            .split_once("expected")
            .map(|(_, list)| ticked(list))
            .unwrap_or_default();
        let help = suggest::help(&field, &expected);
        let exp = if expected.is_empty() {
            None
        } else {
            Some(format!(
                "one of {}",
                expected
                    .iter()
                    .map(|e| format!("`{e}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        };
        return (
            Code::UnknownField,
            format!("unknown field `{field}`"),
            exp,
            help,
        );
    }
    if let Some(rest) = msg.strip_prefix("missing field ") {
        let field = between_ticks(rest).unwrap_or_default();
        return (
            Code::MissingField,
            format!("missing required field `{field}`"),
            Some(format!("a `{field}` key in this table")),
            None,
        );
    }
    if msg.starts_with("invalid type")
        || msg.starts_with("invalid value")
        || msg.starts_with("invalid length")
    {
        let expected = msg
            .split_once(", expected ")
            .map(|(_, e)| plain_type(e).to_string());
        let head = msg.split_once(", expected ").map(|(h, _)| h).unwrap_or(msg);
        return (Code::WrongType, head.to_string(), expected, None);
    }
    if msg.contains("is not a date")
        || msg.contains("does not exist")
        || msg.contains("months run")
        || msg.contains("has a time")
        || msg.contains("is outside the years")
    {
        return (
            Code::BadDate,
            msg.to_string(),
            Some("a date like \"2022\", \"2022-06\" or \"2022-06-30\"".into()),
            None,
        );
    }
    (Code::WrongType, msg.to_string(), None, None)
}

/// serde names Rust types (`i64`, `u8`, `f64`); editors think in TOML values.
fn plain_type(expected: &str) -> &str {
    match expected {
        "i64" | "i32" | "u8" | "u32" | "u64" | "usize" => "a whole number",
        "f64" | "f32" => "a number",
        "a boolean" | "bool" => "true or false",
        "a string" => "a string in quotes",
        other => other,
    }
}

fn between_ticks(s: &str) -> Option<String> {
    let start = s.find('`')? + 1;
    let end = s[start..].find('`')? + start;
    Some(s[start..end].to_string())
}

fn ticked(s: &str) -> Vec<String> {
    s.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// Why `a` cannot be an alias, if it cannot. An alias is written into `_redirects` as the
/// source of a rule, so it must be one plain path on this site: it starts with a single `/`
/// (`//host/` is another site to a browser), holds no `\\` (read as `/` by browsers), no
/// `..` segment, no scheme or `:placeholder`, no `*` splat, query or fragment, and only
/// printable ASCII (write other characters percent-encoded).
pub fn alias_problem(a: &str) -> Option<&'static str> {
    if !a.starts_with('/') {
        return Some("it must start with `/`");
    }
    if a == "/" {
        return Some("`/` is the home page");
    }
    if a.starts_with("//") {
        return Some("a path starting with `//` names another host to a browser");
    }
    if a.contains("//") {
        return Some("it holds an empty segment `//`");
    }
    if a.contains('\\') {
        return Some("it holds `\\`, which browsers read as `/`");
    }
    if a.split('/').any(|seg| seg == ".." || seg == ".") {
        return Some("it holds a `.` or `..` segment");
    }
    if a.contains(':') {
        return Some("`:` would make it a scheme or a placeholder of a dynamic rule");
    }
    if a.contains(['*', '?', '#']) {
        return Some("`*`, `?` and `#` would make it a wildcard, a query or a fragment");
    }
    if a.chars()
        .any(|c| !(c.is_ascii_graphic() || (!c.is_ascii() && c.is_alphanumeric())))
    {
        return Some("it holds whitespace, a control or an invisible character");
    }
    if a.contains(['"', '<', '>', '^', '`', '{', '|', '}']) {
        return Some("it holds a character that is not allowed in a URL path (percent-encode it)");
    }
    None
}

/// Lowercase letters, digits and single hyphens: safe as a URL and as a folder name.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 100
        && s.split('-').all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_cannot_escape() {
        assert!(is_slug("alibaba-cloud"));
        for bad in ["", "../x", "a/b", "A", "a--b", "-a", "a.b", "a b"] {
            assert!(!is_slug(bad), "{bad}");
        }
    }

    #[test]
    fn aliases_are_plain_site_paths() {
        for ok in [
            "/vendor/old-name/",
            "/old",
            "/a/b.html",
            "/caf%C3%A9/",
            "/x_y~z/",
            "/acme-\u{e4}lter/",
        ] {
            assert_eq!(alias_problem(ok), None, "{ok}");
        }
        for bad in [
            "old",
            "/",
            "//evil.example/",
            "/a//b",
            "/\\evil.example/",
            "/a/../b",
            "/a/./b",
            "/https://evil.example",
            "/a/*",
            "/a?x=1",
            "/a#b",
            "/a b",
            "/a\tb",
            "/caf\u{a0}/",
            "/a\u{202e}b",
            "/a\u{7}",
            "/a\"b",
            "/<script>",
        ] {
            assert!(alias_problem(bad).is_some(), "{bad:?}");
        }
    }

    #[test]
    fn classifies_unknown_field_with_suggestion() {
        let (code, msg, _, help) = classify("unknown field `nmae`, expected one of `name`, `kind`");
        assert_eq!(code, Code::UnknownField);
        assert_eq!(msg, "unknown field `nmae`");
        assert_eq!(help.as_deref(), Some("did you mean `name`?"));
    }
}

//! The human form of diagnostics: rustc-style (codespan-reporting), bounded so that what is
//! printed, and the memory and time it takes, stay linear in the input however many problems
//! it has or however long its lines are.
//!
//! - each file's text is fetched and indexed once, and codespan is shown only the window of
//!   the one line a diagnostic points at (never the whole file), so a diagnostic costs the
//!   same in a 7 MB file as in a 7 line one;
//! - a source line longer than [`SNIPPET_CHARS`] is cut around the column with `…`, and a
//!   value quoted in a message (`` `...` ``) longer than [`QUOTE_CHARS`] is cut in the middle,
//!   and so is a message, expectation or help longer than [`MESSAGE_CHARS`] (lists of
//!   choices stay whole);
//! - the same problem (code, message, expectation and help) repeated in one file is shown
//!   once, with the places of the others;
//! - at most [`MAX_PER_FILE`] problems are shown per file, then one line says how many more
//!   there are (`check --format json` lists them all);
//! - control characters and bidirectional controls from content never reach the terminal
//!   as they are ([`escape`]): an ESC in a vendor file cannot recolour or rewrite the screen.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::term;

use crate::diagnostic::{Diagnostic, Severity, TextIndex};

mod snippet;
use snippet::Snippet;

/// Problems shown in full per file; the rest are counted in one line.
pub const MAX_PER_FILE: usize = 20;
/// Characters of a source line shown around the column.
pub const SNIPPET_CHARS: usize = 120;
/// Characters of a message, expectation or help shown before it is cut in the middle.
pub const MESSAGE_CHARS: usize = 1000;
/// Characters of one value quoted in a message: content echoed back (a 7 MB `category`).
pub const QUOTE_CHARS: usize = 80;
/// Places of a repeated problem listed by line and column.
const PLACES_LISTED: usize = 8;
/// Characters of the snippet window before the column, when the line is cut.
const BEFORE_COLUMN: usize = SNIPPET_CHARS / 3;

/// Renders diagnostics the way rustc does (code, file:line:col, the line, a caret, help),
/// using the sources they point into. `sources` is asked once per file. `color` only when
/// writing to a terminal.
pub fn render(
    diags: &[Diagnostic],
    sources: &dyn Fn(&Path) -> Option<String>,
    color: bool,
) -> String {
    let mut buf = if color {
        term::termcolor::Buffer::ansi()
    } else {
        term::termcolor::Buffer::no_color()
    };
    let config = term::Config::default();
    for (file, diags) in by_file(diags) {
        let text = sources(file).unwrap_or_default();
        let index = TextIndex::new(&text);
        let groups = repeats(&diags);
        for group in groups.iter().take(MAX_PER_FILE) {
            let first = group[0];
            let snippet = Snippet::new(first, &index);
            let label = Label::primary((), snippet.span.clone()).with_message(
                first
                    .expected
                    .as_deref()
                    .map(|e| format!("expected {}", bounded(e)))
                    .unwrap_or_default(),
            );
            let mut notes = Vec::new();
            if let Some(help) = &first.help {
                notes.push(format!("help: {}", bounded(help)));
            }
            // Other places only: the very same diagnostic twice is shown once.
            let mut elsewhere: Vec<&Diagnostic> = group[1..]
                .iter()
                .filter(|d| (d.line, d.column) != (first.line, first.column))
                .copied()
                .collect();
            elsewhere.dedup_by_key(|d| (d.line, d.column));
            if !elsewhere.is_empty() {
                notes.push(same_elsewhere(&elsewhere));
            }
            let cs = match first.severity {
                Severity::Error => CsDiagnostic::error(),
                Severity::Warning => CsDiagnostic::warning(),
            }
            .with_code(first.code.as_str())
            .with_message(bounded(&first.message))
            .with_labels(vec![label])
            .with_notes(notes);
            let _ = term::emit_to_write_style(&mut buf, &config, &snippet, &cs);
        }
        let hidden: Vec<&Diagnostic> = groups
            .iter()
            .skip(MAX_PER_FILE)
            .flatten()
            .copied()
            .collect();
        if !hidden.is_empty() {
            let line = format!(
                "... and {} in {} (`check --format json` lists every one)\n\n",
                more(&hidden),
                escape(&first_file(&diags))
            );
            let _ = std::io::Write::write_all(&mut buf, line.as_bytes());
        }
    }
    String::from_utf8_lossy(buf.as_slice()).into_owned()
}

/// The diagnostics of each file, files in the order they first appear, each file's in order.
fn by_file(diags: &[Diagnostic]) -> Vec<(&Path, Vec<&Diagnostic>)> {
    let mut out: Vec<(&Path, Vec<&Diagnostic>)> = Vec::new();
    let mut at: HashMap<&Path, usize> = HashMap::new();
    for d in diags {
        let i = *at.entry(d.file.as_path()).or_insert_with(|| {
            out.push((d.file.as_path(), Vec::new()));
            out.len() - 1
        });
        out[i].1.push(d);
    }
    out
}

/// Diagnostics of one file grouped by what they say: a group is one problem written at
/// several places.
fn repeats<'a>(diags: &[&'a Diagnostic]) -> Vec<Vec<&'a Diagnostic>> {
    type Key<'k> = (
        Severity,
        &'static str,
        &'k str,
        Option<&'k str>,
        Option<&'k str>,
    );
    let mut groups: Vec<Vec<&Diagnostic>> = Vec::new();
    let mut at: HashMap<Key, usize> = HashMap::new();
    for d in diags {
        let key = (
            d.severity,
            d.code.as_str(),
            d.message.as_str(),
            d.expected.as_deref(),
            d.help.as_deref(),
        );
        let i = *at.entry(key).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[i].push(d);
    }
    groups
}

/// `the same at 3 more places: 12:5, 14:5, 20:1`.
fn same_elsewhere(rest: &[&Diagnostic]) -> String {
    let mut places: Vec<String> = rest
        .iter()
        .take(PLACES_LISTED)
        .map(|d| format!("{}:{}", d.line, d.column))
        .collect();
    if rest.len() > PLACES_LISTED {
        places.push(format!(
            "and {} more",
            thousands(rest.len() - PLACES_LISTED)
        ));
    }
    let n = rest.len();
    format!(
        "note: the same at {} more place{}: {}",
        thousands(n),
        if n == 1 { "" } else { "s" },
        places.join(", ")
    )
}

/// `4,990 more errors and 2 more warnings`.
fn more(hidden: &[&Diagnostic]) -> String {
    let errors = hidden
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = hidden.len() - errors;
    let part = |n: usize, what: &str| {
        format!(
            "{} more {what}{}",
            thousands(n),
            if n == 1 { "" } else { "s" }
        )
    };
    match (errors, warnings) {
        (e, 0) => part(e, "error"),
        (0, w) => part(w, "warning"),
        (e, w) => format!("{} and {}", part(e, "error"), part(w, "warning")),
    }
}

fn first_file(diags: &[&Diagnostic]) -> String {
    diags.first().map(|d| d.file_str()).unwrap_or_default()
}

/// `4990` → `4,990`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Content text made safe for a terminal: each quoted value cut to [`QUOTE_CHARS`], the
/// whole to [`MESSAGE_CHARS`].
fn bounded(s: &str) -> String {
    let quoted: String = s
        .split('`')
        .enumerate()
        .map(|(i, part)| match i % 2 {
            1 => cut_middle(part, QUOTE_CHARS),
            _ => Cow::Borrowed(part),
        })
        .collect::<Vec<_>>()
        .join("`");
    escape(&cut_middle(&quoted, MESSAGE_CHARS)).into_owned()
}

/// `s` itself, or its first and last characters around `…` when it is longer than `max`.
fn cut_middle(s: &str, max: usize) -> Cow<'_, str> {
    let Some((head_end, _)) = s.char_indices().nth(max) else {
        return Cow::Borrowed(s);
    };
    let keep = max / 2;
    let head = &s[..s.char_indices().nth(keep).map_or(head_end, |(i, _)| i)];
    let tail_start = s
        .char_indices()
        .rev()
        .nth(keep.saturating_sub(1))
        .map_or(s.len(), |(i, _)| i);
    let tail = &s[tail_start.max(head.len())..];
    Cow::Owned(format!("{head}…{tail}"))
}

/// Characters that a terminal acts on, or that reorder the text around them, written as
/// `\u{1b}`; everything else as it is. Tabs and line breaks stay. This is the one place the
/// human form escapes content: every message, expectation, help, file name and source
/// snippet goes through it.
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        push_escaped(&mut out, c);
    }
    Cow::Owned(out)
}

fn push_escaped(out: &mut String, c: char) {
    if needs_escape(c) {
        out.push_str(&format!("\\u{{{:x}}}", c as u32));
    } else {
        out.push(c);
    }
}

fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(
            c,
            '\u{061c}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{feff}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;

    fn at(text: &str, needle: &str, message: &str) -> Diagnostic {
        let start = text.find(needle).unwrap();
        Diagnostic::error(
            Code::UnknownReference,
            Path::new("content/vendors/a.md"),
            text,
            Some(start..start + needle.len()),
            message,
        )
    }

    fn show(diags: &[Diagnostic], text: &str) -> String {
        render(diags, &|_| Some(text.to_string()), false)
    }

    #[test]
    fn short_lines_render_as_rustc_does() {
        let text = "a = 1\ncategory = \"x\"\n";
        let out = show(&[at(text, "\"x\"", "unknown category `x`")], text);
        let long = format!("{} = \"x\"\n", "k".repeat(SNIPPET_CHARS - 6));
        let whole = show(&[at(&long, "\"x\"", "m")], &long);
        assert!(whole.contains(&format!("│ {}", long.trim_end())), "{whole}");
        assert_eq!(
            out,
            "error[E0200]: unknown category `x`\n  ┌─ content/vendors/a.md:2:12\n  │\n2 │ category = \"x\"\n  │            ^^^\n\n"
        );
    }

    #[test]
    fn a_long_line_is_cut_around_the_column() {
        let value = "v".repeat(1_000_000);
        let text = format!("a = 1\ncategory = \"{value}\" # tail\n");
        let d = at(&text, "\"v", &format!("unknown category `{value}`"));
        let out = show(&[d], &text);
        assert!(out.len() < 2 * SNIPPET_CHARS + QUOTE_CHARS + 400, "{out}");
        assert!(out.contains("content/vendors/a.md:2:12"), "{out}");
        assert!(out.contains("2 │ category = \"vvv"), "{out}");
        assert!(out.contains("v…\n"), "{out}");
        assert!(out.contains("unknown category `vvv"), "{out}");
        assert!(out.contains("v…v"), "{out}");
        // A column far into a long line: the window starts before it, marked by `…`.
        let text = format!("k = \"{value}\" bad\n");
        let out = show(&[at(&text, "bad", "bad")], &text);
        assert!(out.contains("│ …vvvv"), "{out}");
        assert!(out.contains("\" bad\n"), "{out}");
        assert!(out.contains("^^^"), "{out}");
    }

    #[test]
    fn quoted_values_are_cut_but_lists_of_choices_stay() {
        let keys: Vec<String> = (0..40).map(|i| format!("`key_number_{i}`")).collect();
        let list = format!("one of {}", keys.join(", "));
        assert_eq!(bounded(&list), list);
        let long = format!("unknown `{}` here", "y".repeat(500));
        let cut = bounded(&long);
        assert!(
            cut.starts_with("unknown `yyy") && cut.ends_with("yyy` here"),
            "{cut}"
        );
        assert_eq!(
            cut.chars().count(),
            "unknown `` here".len() + QUOTE_CHARS + 1
        );
        let huge = "z ".repeat(5_000);
        assert_eq!(bounded(&huge).chars().count(), MESSAGE_CHARS + 1);
    }

    #[test]
    fn repeats_are_grouped_and_each_file_is_capped() {
        let mut text = String::new();
        for i in 0..5_000 {
            text.push_str(&format!("certification = \"u{i}\"\n"));
        }
        let mut diags: Vec<Diagnostic> = (0..5_000)
            .map(|i| {
                let needle = format!("\"u{i}\"\n");
                at(&text, &needle, &format!("unknown certification `u{i}`"))
            })
            .collect();
        diags.extend((0..3).map(|_| at(&text, "\"u7\"", "the same again")));
        let out = show(&diags, &text);
        assert_eq!(out.matches("error[E0200]").count(), MAX_PER_FILE, "{out}");
        assert!(
            out.contains(
                "... and 4,983 more errors in content/vendors/a.md (`check --format json` lists every one)"
            ),
            "{out}"
        );
        assert!(out.len() < 20_000, "{} bytes", out.len());

        let repeated: Vec<Diagnostic> = (0..12)
            .map(|i| at(&text, &format!("\"u{i}\"\n"), "the same"))
            .collect();
        let out = show(&repeated, &text);
        assert_eq!(out.matches("error[E0200]").count(), 1, "{out}");
        let twice = show(&[repeated[0].clone(), repeated[0].clone()], &text);
        assert!(!twice.contains("note:"), "{twice}");
        assert!(
            out.contains("= note: the same at 11 more places: 2:17, 3:17, 4:17, 5:17, 6:17, 7:17, 8:17, 9:17, and 3 more"),
            "{out}"
        );
    }

    #[test]
    fn control_characters_never_reach_the_terminal() {
        let text = "name = \"a\u{1b}[2Jb\u{7}\u{202e}c\r\"\nurl = 1\n";
        let mut d = at(text, "\"a", "bad name `a\u{1b}[2Jb\u{7}\u{202e}c\r`");
        d.help = Some("not \u{9b}31m this".into());
        d.expected = Some("no \u{0}".into());
        d.file = "content/vendors/\u{1b}]0;x\u{7}.md".into();
        let out = show(&[d], text);
        for c in ['\u{1b}', '\u{7}', '\u{202e}', '\r', '\u{9b}', '\u{0}'] {
            assert!(!out.contains(c), "{c:?} in {out:?}");
        }
        assert!(
            out.contains("bad name `a\\u{1b}[2Jb\\u{7}\\u{202e}c\\u{d}`"),
            "{out}"
        );
        assert!(out.contains("name = \"a\\u{1b}[2Jb"), "{out}");
        assert!(
            out.contains("content/vendors/\\u{1b}]0;x\\u{7}.md"),
            "{out}"
        );
        // The caret still starts under the quote and covers the escaped text.
        let line = out.lines().find(|l| l.contains("^")).unwrap();
        assert_eq!(
            line.find('^'),
            out.lines()
                .find(|l| l.contains("name ="))
                .unwrap()
                .find('"')
        );
    }

    #[test]
    fn a_span_at_a_crlf_is_shown_at_the_end_of_its_line() {
        let text = "a = 1\r\nb = \"x\r\nc = 3\r\n";
        let start = text.find("x\r").unwrap() + 1;
        let d = Diagnostic::error(
            Code::Syntax,
            Path::new("a.toml"),
            text,
            Some(start..start + 2),
            "unterminated string",
        );
        let out = show(&[d], text);
        assert!(out.contains("2 │ b = \"x\n  │       ^"), "{out}");
    }

    #[test]
    fn any_span_in_any_text_renders_without_panic() {
        // A small deterministic generator: texts of CRLF, multi-byte, control and long
        // lines, spans anywhere (also past the end and inside a character).
        let pieces = [
            "a", "é", "\r\n", "\n", "\u{1b}", "\t", "\u{202e}", "漢", "\r",
        ];
        let mut seed: u64 = 7;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n.max(1)
        };
        for round in 0..300 {
            let mut text = String::new();
            for _ in 0..next(400) {
                let p = pieces[next(pieces.len())];
                text.push_str(&p.repeat(if next(10) == 0 { 200 } else { 1 }));
            }
            let start = next(text.len() + 3);
            let end = start + next(300);
            let mut d = Diagnostic::error(Code::Syntax, Path::new("f"), &text, None, "m");
            d.span = Some(start..end);
            let out = show(&[d], &text);
            assert!(
                out.len() < 4 * SNIPPET_CHARS * 4 + 600,
                "round {round}: {out}"
            );
            assert!(
                !out.contains('\u{1b}') && !out.contains('\r'),
                "round {round}"
            );
        }
    }

    #[test]
    fn a_file_is_asked_for_once() {
        let text = "a\nb\nc\n";
        let diags: Vec<Diagnostic> = ["a", "b", "c"]
            .iter()
            .map(|n| at(text, n, &format!("bad {n}")))
            .collect();
        let asked = std::cell::Cell::new(0);
        let out = render(
            &diags,
            &|_| {
                asked.set(asked.get() + 1);
                Some(text.to_string())
            },
            false,
        );
        assert_eq!(asked.get(), 1);
        assert_eq!(out.matches("error[").count(), 3);
    }

    #[test]
    fn numbers_get_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(4990), "4,990");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}

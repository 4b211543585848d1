//! Diagnostics: a content mistake is data, not the first `Err` that stops the run.
//!
//! Every stage reports problems as [`Diagnostic`]s carrying the file, the byte span and a
//! stable code, so `build` can report *all* of them at once, sorted by file and line, and a
//! later `check --format json` can print the very same values.

use std::ops::Range;
use std::path::{Path, PathBuf};

/// How bad a diagnostic is. Errors fail the build; warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

/// Stable diagnostic codes; documented in `docs/CONTENT.md`. Never renumber.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// A file could not be read, or is not UTF-8.
    Io,
    /// TOML syntax error.
    Syntax,
    /// Front matter missing or not closed.
    FrontMatter,
    /// A value has the wrong type or shape.
    WrongType,
    /// A key that the content model does not know.
    UnknownField,
    /// A required key is missing.
    MissingField,
    /// A reference to something that does not exist (vendor, certification, dimension, ...).
    UnknownReference,
    /// Two files claim the same slug or ID.
    Duplicate,
    /// A date that does not exist, or dates in an impossible order.
    BadDate,
    /// A number outside its allowed range.
    OutOfRange,
    /// Weight profiles, bands or dimensions that are inconsistent.
    BadConfig,
    /// A slug, ID or file name that is not allowed.
    BadName,
    /// A URL that is not http(s).
    BadUrl,
    /// A template failed to render.
    Template,
    /// The output breaks a Cloudflare Pages limit (files, file size, rules, line length).
    DeployLimit,
    /// A line of `static/_headers` or `static/_redirects` that Pages would ignore.
    DeployRules,
    /// A link or `#anchor` in the rendered site that leads nowhere (`check` only).
    BrokenLink,
    /// A published composite that the dimension scores do not reproduce.
    ScoreMismatch,
    /// Warning: facts of a vendor that no `[[sources]]` row cites.
    UncitedFact,
    /// Warning: a source not re-verified for over a year.
    StaleSource,
    /// Warning: a verification report whose validity ends soon.
    ReportExpiring,
    /// Warning: a value in a CSV download that starts like a spreadsheet formula.
    CsvFormula,
}

impl Code {
    /// Every code, for documentation tests and `--explain`-style listings.
    pub const ALL: &'static [Code] = &[
        Code::Io,
        Code::Syntax,
        Code::FrontMatter,
        Code::WrongType,
        Code::UnknownField,
        Code::MissingField,
        Code::UnknownReference,
        Code::Duplicate,
        Code::BadDate,
        Code::OutOfRange,
        Code::BadConfig,
        Code::BadName,
        Code::BadUrl,
        Code::ScoreMismatch,
        Code::Template,
        Code::BrokenLink,
        Code::DeployLimit,
        Code::DeployRules,
        Code::UncitedFact,
        Code::StaleSource,
        Code::ReportExpiring,
        Code::CsvFormula,
    ];

    /// The short code printed as `error[E0103]`.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Io => "E0001",
            Code::Syntax => "E0100",
            Code::FrontMatter => "E0101",
            Code::WrongType => "E0102",
            Code::UnknownField => "E0103",
            Code::MissingField => "E0104",
            Code::UnknownReference => "E0200",
            Code::Duplicate => "E0201",
            Code::BadDate => "E0300",
            Code::OutOfRange => "E0301",
            Code::BadConfig => "E0302",
            Code::BadName => "E0303",
            Code::BadUrl => "E0304",
            Code::ScoreMismatch => "E0306",
            Code::Template => "E0400",
            Code::DeployLimit => "E0500",
            Code::DeployRules => "E0501",
            Code::BrokenLink => "E0401",
            Code::UncitedFact => "W0100",
            Code::StaleSource => "W0101",
            Code::ReportExpiring => "W0102",
            Code::CsvFormula => "W0103",
        }
    }
}

/// One problem, located in one file.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    /// Path relative to the site root, with `/` separators.
    pub file: PathBuf,
    /// Byte range in the file's full text; `None` when the problem is the file as a whole.
    pub span: Option<Range<usize>>,
    /// 1-based line and column of `span.start` (column counted in characters).
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// What would have been accepted, shown under the caret.
    pub expected: Option<String>,
    /// A concrete fix, when there is one ("did you mean `iso-27001`?").
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error at `span` of a file whose text is `text`.
    pub fn error(
        code: Code,
        file: &Path,
        text: &str,
        span: Option<Range<usize>>,
        message: impl Into<String>,
    ) -> Self {
        let (line, column) = span
            .as_ref()
            .map(|s| line_col(text, s.start))
            .unwrap_or((1, 1));
        Diagnostic {
            severity: Severity::Error,
            code,
            file: file.to_path_buf(),
            span,
            line,
            column,
            message: message.into(),
            expected: None,
            help: None,
        }
    }

    /// [`Diagnostic::error`] for a caller that reports many problems in one file: the line and
    /// column come from the file's [`TextIndex`], so each costs the length of one line, not
    /// of the file.
    pub fn error_at(
        code: Code,
        file: &Path,
        index: &TextIndex,
        span: Option<Range<usize>>,
        message: impl Into<String>,
    ) -> Self {
        let (line, column) = span
            .as_ref()
            .map(|s| index.line_col(s.start))
            .unwrap_or((1, 1));
        Diagnostic {
            line,
            column,
            ..Diagnostic::error(code, file, "", None, message)
        }
        .with_span(span)
    }

    fn with_span(mut self, span: Option<Range<usize>>) -> Self {
        self.span = span;
        self
    }

    /// A warning at `span`: reported, but only fails `check --strict`.
    pub fn warning(
        code: Code,
        file: &Path,
        text: &str,
        span: Option<Range<usize>>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, file, text, span, message)
        }
    }

    pub fn with_expected(mut self, expected: impl Into<String>) -> Self {
        self.expected = Some(expected.into());
        self
    }

    pub fn with_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    /// `file:line:col: message`, the one-line form used in tests and logs.
    pub fn short(&self) -> String {
        format!(
            "{}:{}:{}: {}[{}]: {}",
            self.file_str(),
            self.line,
            self.column,
            self.severity_str(),
            self.code.as_str(),
            self.message
        )
    }

    pub fn file_str(&self) -> String {
        self.file.to_string_lossy().replace('\\', "/")
    }

    pub fn severity_str(&self) -> &'static str {
        match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// 1-based (line, column) of a byte offset; columns count characters, as editors do.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = before[line_start..].trim_end_matches('\r').chars().count() + 1;
    (line, column)
}

/// The line starts of one file, computed once, so that locating the n-th diagnostic in a
/// file does not scan the file again (thousands of diagnostics in one large file stay
/// linear in its size).
pub struct TextIndex<'a> {
    text: &'a str,
    /// Byte offset of the start of every line; the first is 0.
    starts: Vec<usize>,
}

impl<'a> TextIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        TextIndex { text, starts }
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    /// 0-based index of the line holding byte `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset) - 1
    }

    /// Byte range of the line holding `offset`, without its `\n` or `\r\n`.
    pub fn line_range(&self, offset: usize) -> Range<usize> {
        let offset = floor_char_boundary(self.text, offset.min(self.text.len()));
        let i = self.line_of(offset);
        let start = self.starts[i];
        let end = self
            .starts
            .get(i + 1)
            .map(|&next| next - 1)
            .unwrap_or(self.text.len());
        let end = if self.text[start..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        start..end.max(start)
    }

    /// Same result as [`line_col`], in the time of one line.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(self.text, offset.min(self.text.len()));
        let i = self.line_of(offset);
        let before = &self.text[self.starts[i]..offset];
        (i + 1, before.trim_end_matches('\r').chars().count() + 1)
    }
}

pub(crate) fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Sorts diagnostics by file, then position, so output is stable and easy to follow.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (&a.file, a.line, a.column, &a.message).cmp(&(&b.file, b.line, b.column, &b.message))
    });
}

/// The human form lives in its own module; this name is kept for the callers.
pub use crate::human::render;

/// `3 errors, 2 warnings in 2 files`.
pub fn summary(diags: &[Diagnostic]) -> String {
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diags.len() - errors;
    let mut files: Vec<_> = diags.iter().map(|d| &d.file).collect();
    files.sort();
    files.dedup();
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {} in {}",
        plural(errors, "error"),
        plural(warnings, "warning"),
        plural(files.len(), "file")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_and_ignores_cr() {
        let text = "a = 1\r\nbé = 2\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 7), (2, 1));
        // 'é' is two bytes but one column.
        assert_eq!(line_col(text, 10), (2, 3));
    }

    #[test]
    fn text_index_agrees_with_line_col() {
        let text = "a = 1\r\nbé = 2\n\nlast";
        let index = TextIndex::new(text);
        for offset in 0..=text.len() + 2 {
            assert_eq!(
                index.line_col(offset),
                line_col(text, offset),
                "at {offset}"
            );
        }
        assert_eq!(&text[index.line_range(8)], "bé = 2");
        assert_eq!(&text[index.line_range(2)], "a = 1");
        assert_eq!(&text[index.line_range(15)], "");
        assert_eq!(&text[index.line_range(text.len())], "last");
    }

    #[test]
    fn summary_pluralises() {
        let d = Diagnostic::error(Code::Syntax, Path::new("a.md"), "", None, "x");
        assert_eq!(summary(&[d.clone(), d]), "2 errors, 0 warnings in 1 file");
    }
}

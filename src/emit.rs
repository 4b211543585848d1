//! Machine-readable forms of diagnostics: JSON for tools (`check --format json`) and GitHub
//! Actions workflow commands, which turn each diagnostic into an annotation on the pull
//! request's diff. The human form (rustc-style) lives in [`crate::diagnostic::render`].

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use crate::diagnostic::{summary, Diagnostic, Severity, TextIndex};

/// One diagnostic as `check --format json` prints it. Lines and columns are 1-based; the
/// column counts characters; `end_*` is where the marked span ends (equal to the start for a
/// problem with the whole file).
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct JsonDiagnostic {
    pub code: &'static str,
    pub severity: &'static str,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub message: String,
    pub expected: Option<String>,
    pub help: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct JsonReport {
    pub diagnostics: Vec<JsonDiagnostic>,
    pub errors: usize,
    pub warnings: usize,
    /// The one-line summary, as the human form ends.
    pub summary: String,
}

/// Converts diagnostics; `text` gives the file a diagnostic points into (for the end
/// position). It is asked once per file, and each file is indexed once, so the cost is
/// linear in the input however many diagnostics one file has.
pub fn json_diagnostics(
    diags: &[Diagnostic],
    text: &dyn Fn(&Path) -> Option<String>,
) -> Vec<JsonDiagnostic> {
    let mut texts: HashMap<&Path, Option<String>> = HashMap::new();
    for d in diags {
        if d.span.as_ref().is_some_and(|s| s.end > s.start) {
            texts
                .entry(d.file.as_path())
                .or_insert_with(|| text(&d.file));
        }
    }
    let indexes: HashMap<&Path, TextIndex> = texts
        .iter()
        .filter_map(|(p, t)| Some((*p, TextIndex::new(t.as_deref()?))))
        .collect();
    diags
        .iter()
        .map(|d| {
            let (end_line, end_column) = match (&d.span, indexes.get(d.file.as_path())) {
                (Some(s), Some(index)) if s.end > s.start => index.line_col(s.end),
                _ => (d.line, d.column),
            };
            JsonDiagnostic {
                code: d.code.as_str(),
                severity: d.severity_str(),
                file: d.file_str(),
                line: d.line,
                column: d.column,
                end_line,
                end_column,
                message: d.message.clone(),
                expected: d.expected.clone(),
                help: d.help.clone(),
            }
        })
        .collect()
}

/// The whole report as pretty-printed JSON (stable key order, one trailing newline).
pub fn json_report(diags: &[Diagnostic], text: &dyn Fn(&Path) -> Option<String>) -> String {
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let report = JsonReport {
        diagnostics: json_diagnostics(diags, text),
        errors,
        warnings: diags.len() - errors,
        summary: summary(diags),
    };
    let mut s = serde_json::to_string_pretty(&report).expect("plain data serializes");
    s.push('\n');
    s
}

/// `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=E0200::message`, one line per
/// diagnostic, escaped as the Actions runner expects.
pub fn github_annotations(diags: &[Diagnostic], text: &dyn Fn(&Path) -> Option<String>) -> String {
    let mut out = String::new();
    for j in json_diagnostics(diags, text) {
        let mut msg = j.message.clone();
        if let Some(e) = &j.expected {
            msg.push_str(&format!("\nexpected {e}"));
        }
        if let Some(h) = &j.help {
            msg.push_str(&format!("\nhelp: {h}"));
        }
        out.push_str(&format!(
            "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            j.severity,
            escape_property(&j.file),
            j.line,
            j.column,
            j.end_line,
            j.end_column,
            escape_property(&format!("{} {}", j.severity, j.code)),
            escape_data(&msg)
        ));
    }
    out
}

/// Message text of a workflow command: `%`, CR and LF are percent-encoded (the runner
/// decodes them), and the other control and bidi characters escaped as in the human form, so
/// the CI log never receives them raw.
fn escape_data(s: &str) -> String {
    let s = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    crate::human::escape(&s).into_owned()
}

/// A property value additionally encodes `:` and `,`, which delimit properties.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;

    fn diag() -> (Diagnostic, String) {
        let text = "+++\nname = \"x\"\ncategory = \"frontier_bilder\"\n+++\n".to_string();
        let start = text.find("\"frontier").unwrap();
        let d = Diagnostic::error(
            Code::UnknownReference,
            Path::new("content/vendors/a,b.md"),
            &text,
            Some(start..start + 17),
            "unknown category `frontier_bilder`: 100%",
        )
        .with_help(Some("did you mean `frontier_builder`?".into()));
        (d, text)
    }

    #[test]
    fn json_has_start_and_end() {
        let (d, text) = diag();
        let j = json_diagnostics(&[d], &|_| Some(text.clone()));
        assert_eq!(
            (j[0].line, j[0].column, j[0].end_line, j[0].end_column),
            (3, 12, 3, 29)
        );
        assert_eq!(j[0].code, "E0200");
    }

    #[test]
    fn annotations_escape_control_characters() {
        let (mut d, text) = diag();
        d.message = "bad \u{1b}[31m\u{202e}name\u{7}".into();
        let a = github_annotations(&[d], &|_| Some(text.clone()));
        assert!(
            a.contains("::bad \\u{1b}[31m\\u{202e}name\\u{7}%0Ahelp"),
            "{a}"
        );
        assert!(!a.contains('\u{1b}'));
    }

    #[test]
    fn each_file_is_read_once() {
        let (d, text) = diag();
        let asked = std::cell::Cell::new(0);
        let j = json_diagnostics(&vec![d; 1000], &|_| {
            asked.set(asked.get() + 1);
            Some(text.clone())
        });
        assert_eq!((j.len(), asked.get()), (1000, 1));
        assert_eq!((j[999].end_line, j[999].end_column), (3, 29));
    }

    #[test]
    fn annotations_escape_properties_and_data() {
        let (d, text) = diag();
        let a = github_annotations(&[d], &|_| Some(text.clone()));
        assert_eq!(
            a,
            "::error file=content/vendors/a%2Cb.md,line=3,col=12,endLine=3,endColumn=29,title=error E0200::unknown category `frontier_bilder`: 100%25%0Ahelp: did you mean `frontier_builder`?\n"
        );
    }
}

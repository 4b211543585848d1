//! The window of one source line that codespan is shown for a diagnostic: at most
//! [`SNIPPET_CHARS`] characters around the column, escaped, carrying the diagnostic's own
//! line and column. Found by walking from the column, so a long line is never scanned whole.

use std::ops::Range;

use codespan_reporting::files::{Error as FilesError, Files, Location};

use super::{escape, push_escaped, BEFORE_COLUMN, SNIPPET_CHARS};
use crate::diagnostic::{floor_char_boundary, Diagnostic, TextIndex};

/// The one line a diagnostic points at, as codespan sees it: at most [`SNIPPET_CHARS`]
/// characters around the column, escaped, with the diagnostic's own line and column.
pub(super) struct Snippet {
    name: String,
    line: usize,
    column: usize,
    text: String,
    /// The marked span inside `text`.
    pub(super) span: Range<usize>,
}

impl Snippet {
    pub(super) fn new(d: &Diagnostic, index: &TextIndex) -> Self {
        let text = index.text();
        let span = d.span.clone().unwrap_or(0..0);
        let start = floor_char_boundary(text, span.start.min(text.len()));
        let end = floor_char_boundary(text, span.end.min(text.len())).max(start);
        let line = index.line_range(start);
        // A span may start at the `\r` of a `\r\n`: the caret goes at the end of the line.
        let start = start.min(line.end);
        // The window: up to BEFORE_COLUMN characters before the start, the rest after it,
        // found by walking from the start so that a long line is never scanned whole.
        let fits = text[line.clone()].chars().nth(SNIPPET_CHARS).is_none();
        let from = match fits {
            true => line.start,
            false => text[line.start..start]
                .char_indices()
                .rev()
                .nth(BEFORE_COLUMN - 1)
                .map_or(line.start, |(i, _)| line.start + i),
        };
        let taken_before = text[from..start].chars().count();
        let to = match fits {
            true => line.end,
            false => text[start..line.end]
                .char_indices()
                .nth(SNIPPET_CHARS - taken_before)
                .map_or(line.end, |(i, _)| start + i),
        };
        let mut out = String::new();
        if from > line.start {
            out.push('…');
        }
        let mut mark = out.len()..out.len();
        for (i, c) in text[from..to].char_indices() {
            if from + i == start {
                mark.start = out.len();
            }
            if from + i == end.min(to) {
                mark.end = out.len();
            }
            push_escaped(&mut out, c);
        }
        if start == to {
            mark.start = out.len();
        }
        if end >= to {
            mark.end = out.len();
        }
        if to < line.end {
            out.push('…');
        }
        Snippet {
            name: escape(&d.file_str()).into_owned(),
            line: d.line,
            column: d.column,
            text: out,
            span: mark.start..mark.end.max(mark.start),
        }
    }
}

impl<'a> Files<'a> for Snippet {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, _: ()) -> Result<&'a str, FilesError> {
        Ok(&self.name)
    }

    fn source(&'a self, _: ()) -> Result<&'a str, FilesError> {
        Ok(&self.text)
    }

    fn line_index(&'a self, _: (), _: usize) -> Result<usize, FilesError> {
        Ok(0)
    }

    fn line_number(&'a self, _: (), line_index: usize) -> Result<usize, FilesError> {
        Ok(self.line + line_index)
    }

    fn location(&'a self, _: (), _: usize) -> Result<Location, FilesError> {
        Ok(Location {
            line_number: self.line,
            column_number: self.column,
        })
    }

    fn line_range(&'a self, _: (), line_index: usize) -> Result<Range<usize>, FilesError> {
        match line_index {
            0 => Ok(0..self.text.len()),
            given => Err(FilesError::LineTooLarge { given, max: 0 }),
        }
    }
}

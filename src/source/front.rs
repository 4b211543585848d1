//! Splitting a Markdown file into its `+++` TOML front matter and its body, keeping the byte
//! offsets of both so that diagnostics point into the whole file.

/// A Markdown file split into front matter and body, with the byte offsets of each so that
/// TOML errors inside the front matter map back to lines of the whole file.
#[derive(Debug, Clone, Copy)]
pub struct Split<'a> {
    pub front: &'a str,
    pub front_offset: usize,
    pub body: &'a str,
    pub body_offset: usize,
}

/// Splits `+++\n<toml>\n+++\n<markdown>`. Accepts CRLF line endings.
pub fn split_front_matter(text: &str) -> Result<Split<'_>, (usize, &'static str)> {
    let first_line_end = text.find('\n').map(|i| i + 1).unwrap_or(text.len());
    if text[..first_line_end].trim_end() != "+++" {
        return Err((
            0,
            "expected the file to start with a `+++` line opening the TOML front matter",
        ));
    }
    let mut pos = first_line_end;
    while pos < text.len() {
        let end = text[pos..]
            .find('\n')
            .map(|i| pos + i + 1)
            .unwrap_or(text.len());
        if text[pos..end].trim_end() == "+++" {
            return Ok(Split {
                front: &text[first_line_end..pos],
                front_offset: first_line_end,
                body: &text[end..],
                body_offset: end,
            });
        }
        pos = end;
    }
    Err((
        0,
        "front matter opened with `+++` is never closed by a second `+++` line",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_with_offsets() {
        let t = "+++\na = 1\n+++\nbody\n";
        let s = split_front_matter(t).unwrap();
        assert_eq!(s.front, "a = 1\n");
        assert_eq!(&t[s.front_offset..s.front_offset + 5], "a = 1");
        assert_eq!(s.body, "body\n");
    }

    #[test]
    fn crlf_front_matter_works() {
        let s = split_front_matter("+++\r\na = 1\r\n+++\r\nbody").unwrap();
        assert_eq!(s.front, "a = 1\r\n");
        assert_eq!(s.body, "body");
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        assert!(split_front_matter("+++\na = 1\n").is_err());
        assert!(split_front_matter("a = 1\n").is_err());
    }
}

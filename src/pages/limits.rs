//! Every Cloudflare Pages limit, once. Numbers from Cloudflare's limits page and wrangler's
//! upload and rules code (FACTS.md §1, `workers-shared/utils/configuration/constants.ts`);
//! where a reading is looser somewhere (a `_redirects` line: 1,000 characters, but 2,000 in
//! older wrangler code; header rules: 100, but 101 pass `parseHeaders.ts` by an off-by-one)
//! the stricter number wins, so a site that passes here deploys under either.

/// Files per deployment on the Free plan; `[deploy] max_files` or `--max-files` changes it.
pub const DEFAULT_MAX_FILES: u32 = 20_000;
/// Files per deployment on the Workers Paid plan: the most `max_files` may say.
pub const MAX_FILES_CEILING: u32 = 100_000;
/// wrangler refuses to upload a larger file ("Pages only supports files up to 25 MiB").
pub const MAX_FILE_BYTES: usize = 25 * 1024 * 1024;
/// `_redirects`: rules before the first dynamic one.
pub const MAX_STATIC_REDIRECTS: usize = 2_000;
/// `_redirects`: the first rule with `*` or `:name` and every rule after it.
pub const MAX_DYNAMIC_REDIRECTS: usize = 100;
/// `_redirects`: characters per line.
pub const MAX_REDIRECT_LINE: usize = 1_000;
/// `_headers`: path lines, each opening a rule.
pub const MAX_HEADER_RULES: usize = 100;
/// `_headers`: characters per line, its indentation included (so a long
/// Content-Security-Policy must fit on one line).
pub const MAX_HEADER_LINE: usize = 2_000;

/// The statuses a `_redirects` rule may give; 200 is a rewrite.
pub const REDIRECT_STATUSES: &[u16] = &[200, 301, 302, 303, 307, 308];
/// The status of a rule that gives none.
pub const DEFAULT_REDIRECT_STATUS: u16 = 302;

/// Characters of a rules-file line as both limits count them: its indentation included,
/// trailing whitespace (and a CR) not.
pub fn line_length(line: &str) -> usize {
    line.trim_end().chars().count()
}

/// `20000` → `20,000`, for messages that quote these numbers.
pub fn grouped(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands() {
        assert_eq!(grouped(20_000), "20,000");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_000_000), "1,000,000");
    }

    #[test]
    fn line_length_counts_indentation_not_trailing_space() {
        assert_eq!(line_length("  X-A: b  \r"), 8);
        assert_eq!(line_length("/é /b"), 5);
    }
}

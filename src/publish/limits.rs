//! Cloudflare Pages' limits, checked on the output in memory so a build that would fail to
//! deploy (or deploy with rules silently ignored) fails here, with the reason and the way out.
//! Numbers from Cloudflare's limits page and wrangler's upload code (see FACTS.md).

use std::collections::BTreeMap;
use std::path::Path;

use super::rules::{LineKind, RulesFile};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::SiteSources;

/// Files per deployment on the Free plan; `[deploy] max_files` or `--max-files` changes it.
pub const DEFAULT_MAX_FILES: u32 = 20_000;
/// Files per deployment on the Workers Paid plan: the most `max_files` may say.
pub const MAX_FILES_CEILING: u32 = 100_000;
/// wrangler refuses to upload a larger file ("Pages only supports files up to 25 MiB").
pub const MAX_FILE_BYTES: usize = 25 * 1024 * 1024;
pub const MAX_STATIC_REDIRECTS: usize = 2_000;
pub const MAX_DYNAMIC_REDIRECTS: usize = 100;
pub const MAX_REDIRECT_LINE: usize = 1_000;
pub const MAX_HEADER_RULES: usize = 100;
pub const MAX_HEADER_LINE: usize = 2_000;

/// Files Pages reads as configuration or code instead of serving; they do not count as assets.
const NOT_ASSETS: &[&str] = &["_headers", "_redirects", "_routes.json"];

pub fn check_files(
    // Every file of the site: path → size in bytes.
    files: &BTreeMap<String, usize>,
    sources: &SiteSources,
    max_files: u32,
    diags: &mut Vec<Diagnostic>,
) {
    let assets = files
        .keys()
        .filter(|p| !NOT_ASSETS.contains(&p.as_str()))
        .count();
    if assets > max_files as usize {
        diags.push(limit(
            "site.toml",
            format!("the site has {} files; this deploy allows at most {} (Cloudflare Pages: 20,000 on the Free plan, 100,000 on Workers Paid)", group(assets), group(max_files as usize)),
            "on a paid plan raise it with `[deploy] max_files = 100000` in site.toml or `--max-files 100000`; otherwise remove files from static/",
        ));
    }
    if !files.contains_key("404.html") {
        diags.push(limit(
            "themes",
            "the output has no 404.html: Pages would answer every unknown address with the home page and status 200".into(),
            "keep the theme's 404.html template",
        ));
    }
    for (path, size) in files {
        let origin = origin(sources, path);
        if *size > MAX_FILE_BYTES {
            diags.push(limit(
                &origin,
                format!(
                    "`{path}` is {:.1} MiB; Cloudflare Pages refuses files over 25 MiB, so the deploy would fail",
                    *size as f64 / 1024.0 / 1024.0
                ),
                "host large downloads elsewhere (object storage) and link to them",
            ));
        }
        if path.starts_with("functions/") {
            diags.push(limit(&origin, format!("`{path}` puts a `functions/` folder at the top of the output: wrangler takes it for Pages Functions code, not files to serve"), "move it under another folder in static/"));
        } else if path == "_worker.js" {
            diags.push(limit(&origin, "`_worker.js` at the top of the output turns the deploy into a Worker that replaces Pages' routing".into(), "remove static/_worker.js"));
        } else if path.ends_with(".gz") || path.ends_with(".br") {
            diags.push(limit(&origin, format!("`{path}` is pre-compressed: Pages compresses responses itself and would serve this file as it is, counting against the file limit"), "remove the compressed copy; keep the original"));
        }
    }
}

pub fn check_headers(rules: &RulesFile, diags: &mut Vec<Diagnostic>) {
    let count = rules
        .lines
        .iter()
        .filter(|l| l.kind == LineKind::Path)
        .count();
    if count > MAX_HEADER_RULES {
        let (file, line) = rules.locate(nth_of(rules, LineKind::Path, MAX_HEADER_RULES));
        diags.push(at(
            limit(
                &file,
                format!(
                    "_headers has {count} rules; Cloudflare Pages reads at most {MAX_HEADER_RULES}"
                ),
                "merge rules with a `*` path (one rule per path pattern)",
            ),
            line,
        ));
    }
    long_lines(
        rules,
        MAX_HEADER_LINE,
        "a header and its value must fit on one line",
        diags,
    );
}

pub fn check_redirects(rules: &RulesFile, diags: &mut Vec<Diagnostic>) {
    for (kind, max, what) in [
        (LineKind::Static, MAX_STATIC_REDIRECTS, "static"),
        (LineKind::Dynamic, MAX_DYNAMIC_REDIRECTS, "dynamic"),
    ] {
        let count = rules.lines.iter().filter(|l| l.kind == kind).count();
        if count > max {
            let (file, line) = rules.locate(nth_of(rules, kind, max));
            diags.push(at(limit(&file, format!("_redirects has {} {what} rules; Cloudflare Pages reads at most {} static and {MAX_DYNAMIC_REDIRECTS} dynamic rules and ignores the rest", group(count), group(MAX_STATIC_REDIRECTS)), "remove aliases nobody uses any more, or move old redirects to Cloudflare Bulk Redirects"), line));
        }
    }
    long_lines(
        rules,
        MAX_REDIRECT_LINE,
        "Pages ignores longer rules",
        diags,
    );
}

fn long_lines(rules: &RulesFile, max: usize, why: &str, diags: &mut Vec<Diagnostic>) {
    for (i, l) in rules.lines.iter().enumerate() {
        let n = l.text.chars().count();
        if n > max {
            let (file, line) = rules.locate(i);
            diags.push(at(
                limit(
                    &file,
                    format!(
                        "line {line} of {} is {} characters; Cloudflare Pages allows {}",
                        rules.name,
                        group(n),
                        group(max)
                    ),
                    &format!("shorten it: {why}"),
                ),
                line,
            ));
        }
    }
}

/// Index of the first line of `kind` past the limit (the first one Pages drops).
fn nth_of(rules: &RulesFile, kind: LineKind, n: usize) -> usize {
    rules
        .lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.kind == kind)
        .nth(n)
        .map(|(i, _)| i)
        .unwrap_or(0)
}

/// Where a file of the output came from: `static/<path>` if the publisher put it there.
fn origin(sources: &SiteSources, path: &str) -> String {
    if sources.static_files.contains_key(path) {
        format!("static/{path}")
    } else {
        path.to_string()
    }
}

fn limit(file: &str, message: String, help: &str) -> Diagnostic {
    Diagnostic::error(Code::DeployLimit, Path::new(file), "", None, message)
        .with_help(Some(help.to_string()))
}

fn at(mut d: Diagnostic, line: usize) -> Diagnostic {
    d.line = line;
    d
}

/// `20000` → `20,000`.
fn group(n: usize) -> String {
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
        assert_eq!(group(20_000), "20,000");
        assert_eq!(group(999), "999");
        assert_eq!(group(1_000_000), "1,000,000");
    }
}

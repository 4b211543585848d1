//! Cloudflare Pages' limits on the output's files, checked in memory so a build that would
//! fail to deploy (or deploy with files silently left out) fails here, with the reason and
//! the way out. The numbers and what wrangler uploads live in `crate::pages`; the limits on
//! `_headers` and `_redirects` are checked where those are read (`rules.rs`).

use std::collections::BTreeMap;
use std::path::Path;

use crate::diagnostic::{Code, Diagnostic};
use crate::pages::limits::{grouped, MAX_FILE_BYTES};
use crate::pages::routing::{self, NOT_FOUND_PAGE};
use crate::source::SiteSources;

pub fn check_files(
    // Every file of the site: path → size in bytes.
    files: &BTreeMap<String, usize>,
    sources: &SiteSources,
    max_files: u32,
    diags: &mut Vec<Diagnostic>,
) {
    let assets = files.keys().filter(|p| routing::is_asset(p)).count();
    if assets > max_files as usize {
        diags.push(limit(
            "site.toml",
            format!("the site has {} files; this deploy allows at most {} (Cloudflare Pages: 20,000 on the Free plan, 100,000 on Workers Paid)", grouped(assets), grouped(max_files as usize)),
            "on a paid plan raise it with `[deploy] max_files = 100000` in site.toml or `--max-files 100000`; otherwise remove files from static/",
        ));
    }
    if !files.contains_key(NOT_FOUND_PAGE) {
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

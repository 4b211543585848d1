//! One reading of `_headers` and `_redirects` for deploy and dev server: every case in
//! tests/pages_rules/ (a publisher's `static/_headers` and/or `static/_redirects`) is built
//! (publish's verdict: the E0500/E0501 diagnostics) and loaded into `serve`'s site (its
//! verdict: the lines it ignores). The two must refuse exactly the same lines, so a rule a
//! deploy would reject never works under `serve`; and when the build succeeds, `serve` reads
//! the published files without a single complaint.
//!
//! Each case folder holds the files and `expected.txt`: publish's diagnostics, then how many
//! rules serve keeps and its warnings, one a line. A `STRICTER` file says why the case
//! refuses a rule that Cloudflare's own parser (wrangler 3.114, run by tests/wrangler/run.sh
//! on every case) still takes. `BLESS=1 cargo test --test pages_rules` rewrites them; read the diff.

mod support;

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::sync::Arc;

use support::build::*;
use support::repo;
use trustatlas::serve::site::{Asset, Site};

const FILES: [&str; 2] = ["_headers", "_redirects"];

/// `serve`'s site holding only these rules files.
fn served(files: &[(&str, String)]) -> Site {
    let map: HashMap<String, Arc<Asset>> = files
        .iter()
        .map(|(name, text)| (name.to_string(), Asset::new(text.clone().into_bytes())))
        .collect();
    Site::new(map)
}

#[test]
fn deploy_and_serve_refuse_the_same_rules() {
    let bless = support::bless();
    let corpus = repo().join("tests/pages_rules");
    let mut cases: Vec<_> = fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 10, "the corpus went missing");
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let inputs: Vec<(&str, String)> = FILES
            .iter()
            .filter_map(|f| fs::read_to_string(case.join(f)).ok().map(|t| (*f, t)))
            .collect();
        assert!(!inputs.is_empty(), "{name}: no _headers or _redirects");

        // Publish: the fixture with the case's rules as its static/ files.
        let dir = publish_fixture();
        for f in FILES {
            let _ = fs::remove_file(dir.path().join("static").join(f));
        }
        for (f, text) in &inputs {
            fs::write(dir.path().join("static").join(f), text).unwrap();
        }
        let result = build(dir.path(), None, None);
        let mut refused_by_publish = BTreeSet::new();
        let mut lines = Vec::new();
        for d in &result.diagnostics {
            let file = d.file_str();
            let rules_file = file.strip_prefix("static/").filter(|f| FILES.contains(f));
            match rules_file {
                Some(f) if matches!(d.code.as_str(), "E0500" | "E0501") => {
                    refused_by_publish.insert((f.to_string(), d.line));
                }
                _ => failures.push(format!(
                    "{name}: a diagnostic outside the case: {}",
                    d.short()
                )),
            }
            lines.push(format!("publish {}", d.short()));
        }

        // Serve: the same files, as a deployed site's rules.
        let site = served(&inputs);
        // What it keeps (tests/wrangler/run.sh holds wrangler's own parser to these counts).
        lines.push(format!(
            "serve keeps {} header rules and {} redirect rules",
            site.headers.rules.len(),
            site.redirects.rules.len()
        ));
        let mut refused_by_serve = BTreeSet::new();
        for w in &site.warnings {
            if w.message.starts_with("ignored:") {
                refused_by_serve.insert((w.file.to_string(), w.line));
            }
            lines.push(format!("serve {}:{}: {}", w.file, w.line, w.message));
        }
        if refused_by_publish != refused_by_serve {
            failures.push(format!(
                "{name}: publish refuses {refused_by_publish:?}, serve {refused_by_serve:?}"
            ));
        }

        // A build that passes publishes rules serve reads without a complaint.
        if let Some(files) = &result.files {
            let published: Vec<(&str, String)> = FILES
                .iter()
                .map(|f| (*f, file(files, f).to_string()))
                .collect();
            let ignored: Vec<_> = served(&published)
                .warnings
                .into_iter()
                .filter(|w| w.message.starts_with("ignored:"))
                .collect();
            if !ignored.is_empty() {
                failures.push(format!(
                    "{name}: serve ignores published rules: {ignored:?}"
                ));
            }
        }

        let actual: String = lines.iter().map(|l| format!("{l}\n")).collect();
        let expected_path = case.join("expected.txt");
        if bless {
            fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        let expected = fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != actual {
            failures.push(format!(
                "{name}: expected.txt differs (BLESS=1 rewrites it)\n--- expected\n{expected}--- actual\n{actual}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

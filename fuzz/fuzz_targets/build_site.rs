//! Fuzzes the whole pipeline: one content file of a small valid site is replaced (the first
//! input byte picks which, as in `load_content`), then the site is loaded, derived, rendered
//! and published in memory (`trustatlas::single_site`), and when it builds every output file
//! is judged by `trustatlas::oracle` (HTML parses, XML and JSON parse, no CSV formula, a
//! valid calendar, no control character).
//!
//! Crashes are panics anywhere in the pipeline and oracle findings. While issue 9's fixes
//! are not merged, `TRUSTATLAS_FUZZ_TOLERATE` names findings that do not crash, so a
//! campaign explores past them: oracle names (`csv-formula`, `control`, ...) and
//! `input-control`, which tolerates every finding of an input that itself holds a control
//! character (the loader is to reject those). Unset, every finding crashes.

#![no_main]

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use trustatlas::oracle::{check_changed, is_forbidden_control};
use trustatlas::single::TARGETS;
use trustatlas::single_site::{build, build_one, fixture};
use trustatlas::source::SiteSources;

/// The content of `tests/check/site` with the repository's default theme, read once.
fn site() -> &'static SiteSources {
    static S: OnceLock<SiteSources> = OnceLock::new();
    S.get_or_init(|| {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut diags = Vec::new();
        let site = fixture(&repo.join("tests/check/site"), &repo, "default", &mut diags);
        assert!(diags.is_empty(), "the fixture must load clean: {diags:?}");
        site
    })
}

/// The output of the unchanged fixture, path to bytes: a file equal to its fixture version
/// is not judged again (`tests/pipeline_props.rs` proves the fixture passes).
fn baseline() -> &'static HashMap<String, Vec<u8>> {
    static B: OnceLock<HashMap<String, Vec<u8>>> = OnceLock::new();
    B.get_or_init(|| {
        build(site(), "default")
            .files
            .expect("the fixture must build")
            .into_iter()
            .map(|f| (f.path, f.bytes))
            .collect()
    })
}

fn tolerated() -> &'static Vec<String> {
    static T: OnceLock<Vec<String>> = OnceLock::new();
    T.get_or_init(|| {
        std::env::var("TRUSTATLAS_FUZZ_TOLERATE")
            .unwrap_or_default()
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let path = TARGETS[pick as usize % TARGETS.len()];
    // The loader only ever sees UTF-8 (the source stage refuses anything else).
    let text = String::from_utf8_lossy(rest);
    let Some(files) = build_one(site(), "default", path, &text).files else {
        return;
    };
    let tolerate = tolerated();
    if tolerate.iter().any(|t| t == "input-control") && text.chars().any(is_forbidden_control) {
        return;
    }
    let findings: Vec<String> = check_changed(&files, baseline())
        .into_iter()
        .filter(|f| !tolerate.iter().any(|t| t == f.oracle))
        .map(|f| f.to_string())
        .collect();
    if !findings.is_empty() {
        panic!(
            "oracles failed:\n{}\n--- {path} ---\n{text}",
            findings.join("\n")
        );
    }
});

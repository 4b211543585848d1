//! Fuzzes loading one content file: front matter split, TOML, serde, validation,
//! cross-references against a small valid site, and the Markdown body. The first input byte
//! picks which file of the site the rest replaces; the rest is the file's text.
//!
//! Crashes are panics anywhere in the loader or a broken promise of
//! `trustatlas::single::check_invariants` (a diagnostic outside its file, or a registry
//! despite errors).

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use trustatlas::single::{check_invariants, load_one, site_from_files, TARGETS};
use trustatlas::source::SiteSources;

/// The fixture site of the `check` tests, compiled in.
const SITE: &[(&str, &str)] = &[
    (
        "site.toml",
        include_str!("../../tests/check/site/site.toml"),
    ),
    (
        "content/questions.toml",
        include_str!("../../tests/check/site/content/questions.toml"),
    ),
    (
        "content/certifications/iso-27001.md",
        include_str!("../../tests/check/site/content/certifications/iso-27001.md"),
    ),
    (
        "content/certifications/eu-cloud-coc.md",
        include_str!("../../tests/check/site/content/certifications/eu-cloud-coc.md"),
    ),
    (
        "content/vendors/acme-cloud.md",
        include_str!("../../tests/check/site/content/vendors/acme-cloud.md"),
    ),
    (
        "content/reports/acme-2026-01.md",
        include_str!("../../tests/check/site/content/reports/acme-2026-01.md"),
    ),
    (
        "content/frameworks/mini.toml",
        include_str!("../../tests/check/site/content/frameworks/mini.toml"),
    ),
    (
        "content/pages/about.md",
        include_str!("../../tests/check/site/content/pages/about.md"),
    ),
];

fn site() -> &'static SiteSources {
    static S: OnceLock<SiteSources> = OnceLock::new();
    S.get_or_init(|| site_from_files(SITE.iter().copied()))
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let path = TARGETS[pick as usize % TARGETS.len()];
    // The loader only ever sees UTF-8 (the source stage refuses anything else).
    let text = String::from_utf8_lossy(rest);
    let loaded = load_one(site(), path, &text);
    if let Err(e) = check_invariants(site(), path, &text, &loaded) {
        panic!("{e}\n--- {path} ---\n{text}");
    }
});

//! The synthetic registry generator (`examples/gen_registry`) writes a site that builds with no
//! diagnostic at all, deterministically, with the shape the benchmark relies on.

#[path = "../examples/gen_registry/gen.rs"]
#[allow(dead_code)]
mod gen;
mod support;

use std::fs;
use std::path::Path;

use support::{read_tree, repo};

fn generate(vendors: usize, seed: u64, out: &Path) -> gen::Stats {
    gen::generate(
        &gen::Options {
            vendors,
            seed,
            source_root: repo(),
            themes: repo().join("themes"),
        },
        out,
    )
    .expect("generator runs")
}

#[test]
fn generated_registry_builds_without_a_single_diagnostic() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let stats = generate(50, 7, &site);
    assert_eq!(
        stats,
        gen::Stats {
            vendors: 50,
            certifications: 30,
            reports: 10,
            // The bundled catalogs: NIST AI RMF, OWASP LLM Top 10 2026 and its 2025 edition.
            frameworks: 3
        }
    );
    let result = support::build::build(&site, None, None);
    assert!(
        result.diagnostics.is_empty(),
        "{}",
        result.render_diagnostics(false)
    );
    let reg = result.registry.as_ref().expect("registry loads");
    assert_eq!(reg.vendors.len(), 50);
    assert_eq!(reg.certifications.len(), 30);
    assert_eq!(reg.reports.len(), 10);
    assert_eq!(reg.frameworks.len(), 3);
    assert_eq!(reg.pages.len(), 1);
    assert!(!reg.questions.items.is_empty());
    let fact_count: usize = trustatlas::model::facts::SECTIONS
        .iter()
        .map(|s| s.fields.len())
        .sum();
    for v in &reg.vendors {
        assert!(v.name.starts_with("Synthetic Vendor "), "{}", v.name);
        assert_eq!(
            v.facts.iter().map(|s| s.rows.len()).sum::<usize>(),
            fact_count,
            "{} has every fact",
            v.slug
        );
        let scores = v.scores.as_ref().expect("every vendor is scored");
        assert_eq!(scores.len(), reg.config.dimensions.len());
        assert!(scores.iter().all(|s| !s.rationale.is_empty()));
        assert!((3..=8).contains(&v.holdings.len()), "{}", v.slug);
        let words = v.body.split_whitespace().count();
        assert!((150..=300).contains(&words), "{}: {words} words", v.slug);
        for url in v
            .website
            .iter()
            .chain(v.sources.iter().filter_map(|s| s.source.url.as_ref()))
        {
            assert!(url.contains(".example.com/"), "{url}");
        }
    }
    for c in &reg.certifications {
        assert!(c.name.starts_with("Synthetic Scheme "));
        let words = c.body.split_whitespace().count();
        assert!((150..=300).contains(&words), "{}: {words} words", c.slug);
    }
    let files = result.files.expect("site renders");
    assert!(trustatlas::links::check(&files).is_empty());
}

#[test]
fn same_seed_same_bytes_and_vendors_do_not_depend_on_the_count() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("c"),
    );
    generate(12, 3, &a);
    generate(12, 3, &b);
    assert!(
        read_tree(&a) == read_tree(&b),
        "same seed and count, same bytes"
    );
    generate(20, 3, &c);
    let v = "content/vendors/synthetic-vendor-00007.md";
    assert_eq!(fs::read(a.join(v)).unwrap(), fs::read(c.join(v)).unwrap());
    // Rerunning into a folder it wrote replaces it (no stale vendor 13-20 left behind).
    generate(12, 3, &c);
    assert!(read_tree(&a) == read_tree(&c));
    let other = tmp.path().join("other");
    generate(12, 4, &other);
    assert_ne!(
        fs::read(a.join(v)).unwrap(),
        fs::read(other.join(v)).unwrap()
    );
}

#[test]
fn refuses_a_folder_it_did_not_write() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
    let err = gen::generate(
        &gen::Options {
            vendors: 1,
            seed: 1,
            source_root: repo(),
            themes: repo().join("themes"),
        },
        tmp.path(),
    );
    assert!(err.is_err());
    assert!(tmp.path().join("notes.txt").is_file());
}

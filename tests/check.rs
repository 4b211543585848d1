//! The corpus of `trustatlas check` cases under `tests/check/<case>/`: each case starts from
//! the fixture site `tests/check/site/` (which checks clean), changes it as `case.toml` says
//! (`[[edit]]` replaces text in a file, `files/` adds or replaces whole files, `args` adds
//! flags), and must print exactly `expected.json` (`check --format json`) and, where present,
//! `expected.txt` (the human, rustc-style report). The exit code must follow from the
//! diagnostics: 1 with any error (or any warning under `--strict`), else 0.
//! `BLESS=1 cargo test --test check` rewrites the expected files; review the diff.

mod support;

use std::fs;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;
use support::{bless, check_site, copy_tree, repo, run, stderr, stdout};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    /// What the case shows, one line.
    #[allow(dead_code)]
    about: String,
    #[serde(default)]
    args: Vec<String>,
    #[serde(default)]
    edit: Vec<Edit>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Edit {
    file: String,
    replace: String,
    with: String,
}

fn cases() -> Vec<std::path::PathBuf> {
    let mut dirs: Vec<_> = fs::read_dir(repo().join("tests/check"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("case.toml").is_file())
        .collect();
    dirs.sort();
    dirs
}

/// The fixture site with the case applied.
fn prepare(case_dir: &Path) -> (tempfile::TempDir, Case) {
    let case: Case = toml::from_str(&fs::read_to_string(case_dir.join("case.toml")).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", case_dir.display()));
    let site = check_site();
    if case_dir.join("files").is_dir() {
        copy_tree(&case_dir.join("files"), site.path());
    }
    for e in &case.edit {
        let path = site.path().join(&e.file);
        let text = fs::read_to_string(&path).unwrap();
        assert_eq!(
            text.matches(&e.replace).count(),
            1,
            "{}: `{}` must occur once in {}",
            case_dir.display(),
            e.replace,
            e.file
        );
        fs::write(&path, text.replacen(&e.replace, &e.with, 1)).unwrap();
    }
    (site, case)
}

fn compare(path: &Path, actual: &str, failures: &mut Vec<String>) {
    if bless() {
        fs::write(path, actual).unwrap();
        return;
    }
    let expected = fs::read_to_string(path).unwrap_or_default();
    if expected != actual {
        failures.push(format!(
            "{} differs (BLESS=1 to accept):\n--- expected\n{expected}\n--- actual\n{actual}",
            path.display()
        ));
    }
}

#[test]
fn every_case_prints_its_expected_diagnostics() {
    let all = cases();
    assert!(all.len() >= 20, "only {} cases", all.len());
    let mut failures = Vec::new();
    for dir in &all {
        let (site, case) = prepare(dir);
        let mut args = vec!["check", "--format", "json"];
        args.extend(case.args.iter().map(String::as_str));
        let o = run(&args, site.path());
        let json = stdout(&o);
        compare(&dir.join("expected.json"), &json, &mut failures);

        let report: Value = serde_json::from_str(&json)
            .unwrap_or_else(|e| panic!("{}: not JSON ({e}): {json}{}", dir.display(), stderr(&o)));
        let errors = report["errors"].as_u64().unwrap();
        let warnings = report["warnings"].as_u64().unwrap();
        let strict = case.args.iter().any(|a| a == "--strict");
        let want = if errors > 0 || (strict && warnings > 0) {
            1
        } else {
            0
        };
        if o.status.code() != Some(want) {
            failures.push(format!(
                "{}: exit {:?}, want {want}",
                dir.display(),
                o.status.code()
            ));
        }
        // Each diagnostic points inside the file it names.
        for d in report["diagnostics"].as_array().unwrap() {
            let file = d["file"].as_str().unwrap();
            let Ok(text) = fs::read_to_string(site.path().join(file)) else {
                assert!(
                    file.starts_with("public/"),
                    "{}: no file {file}",
                    dir.display()
                );
                continue;
            };
            let lines: Vec<&str> = text.split('\n').collect();
            let (line, col) = (
                d["line"].as_u64().unwrap() as usize,
                d["column"].as_u64().unwrap() as usize,
            );
            assert!(line >= 1 && line <= lines.len(), "{}: {d}", dir.display());
            assert!(
                col >= 1 && col <= lines[line - 1].chars().count() + 1,
                "{}: {d}",
                dir.display()
            );
        }

        if dir.join("expected.txt").exists() || std::env::var_os("BLESS_TXT").is_some() {
            let mut args: Vec<&str> = vec!["check"];
            args.extend(case.args.iter().map(String::as_str));
            let o = run(&args, site.path());
            compare(&dir.join("expected.txt"), &stderr(&o), &mut failures);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_fixture_site_and_the_bundled_registry_check_without_errors() {
    let site = check_site();
    let o = run(&["check", "--strict"], site.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).starts_with("no problems found"),
        "{}",
        stderr(&o)
    );

    // The bundled registry: no errors; its warnings are the honest state of its citations.
    let o = run(&["check", "--format", "json"], &repo());
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["errors"], 0, "{}", stdout(&o));
    assert!(o.status.success());
}

#[test]
fn github_annotations_only_under_github_actions() {
    let (site, _) = prepare(&repo().join("tests/check/future-issued"));
    let o = support::trustatlas()
        .args(["check", "--format", "json"])
        .current_dir(site.path())
        .env("GITHUB_ACTIONS", "true")
        .output()
        .unwrap();
    let err = stderr(&o);
    let line = err
        .lines()
        .find(|l| l.starts_with("::error "))
        .unwrap_or_else(|| panic!("no annotation in {err}"));
    assert!(
        line.starts_with("::error file=content/vendors/acme-cloud.md,line=37,col=10,endLine=37,endColumn=19,title=error E0300::`issued` 2026-12 is in the future"),
        "{line}"
    );
    // stdout stays pure JSON.
    serde_json::from_slice::<Value>(&o.stdout).unwrap();
    // Without the variable, no annotations.
    let o = run(&["check", "--format", "json"], site.path());
    assert!(!stderr(&o).contains("::error"));
}

#[test]
fn usage_errors_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let o = run(&["check"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no site.toml"));
    let o = run(&["check", "--format", "xml"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn every_code_is_documented_for_editors() {
    let doc = fs::read_to_string(repo().join("docs/DIAGNOSTICS.md")).unwrap();
    for code in trustatlas::diagnostic::Code::ALL {
        assert!(
            doc.contains(&format!("\n### {}: ", code.as_str())),
            "docs/DIAGNOSTICS.md has no section for {}",
            code.as_str()
        );
    }
}

/// Thousands of problems in large files: the human report stays small (a bounded snippet per
/// diagnostic, at most 20 per file, then a count), and the JSON lists every one at a size
/// linear in their number. Before, 5,000 unknown references in a 290 KB file printed 1 MB
/// with 3 GB of memory, 20,000 broken links aborted, and one 7 MB value printed 21 MB.
#[test]
fn many_problems_in_big_files_give_a_bounded_report() {
    const N: usize = 5_000;
    let site = check_site();
    let root = site.path();
    let vendor = root.join("content/vendors/acme-cloud.md");
    let text = fs::read_to_string(&vendor).unwrap();
    let mut refs = String::new();
    for i in 0..N {
        refs.push_str(&format!(
            "\n[[certifications]]\ncertification = \"u{i:05}\"\nsource = \"x\"\n"
        ));
    }
    let (front, body) = text.rsplit_once("+++\n").unwrap();
    fs::write(&vendor, format!("{front}{refs}+++\n{body}")).unwrap();
    let about = root.join("content/pages/about.md");
    let mut links = fs::read_to_string(&about).unwrap();
    for i in 0..N {
        links.push_str(&format!("[l](/nowhere-{i:05}/)\n"));
    }
    fs::write(&about, links).unwrap();
    let report = root.join("content/reports/acme-2026-01.md");
    let text = fs::read_to_string(&report).unwrap();
    let long = "x".repeat(1 << 20);
    fs::write(
        &report,
        text.replacen(
            "vendor = \"acme-cloud\"",
            &format!("vendor = \"{long}\""),
            1,
        ),
    )
    .unwrap();

    let o = run(&["check"], root);
    assert_eq!(o.status.code(), Some(1));
    let human = stderr(&o);
    assert!(human.len() < 64 * 1024, "{} bytes", human.len());
    assert_eq!(human.matches("error[").count(), 20 + 20 + 1, "{human}");
    assert!(
        human.contains(
            "... and 4,980 more errors in content/pages/about.md (`check --format json` lists every one)"
        ),
        "{human}"
    );
    assert!(human.contains("... and 4,980 more errors in content/vendors/acme-cloud.md"));
    assert!(human.ends_with(&format!("{} errors, 0 warnings in 3 files\n", 2 * N + 1)));

    let o = run(&["check", "--format", "json"], root);
    let json: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["errors"], 2 * N + 1);
    // Every diagnostic is listed, each at the size of its own text: linear, not N x file.
    assert!(
        o.stdout.len() < 2 * N * 600 + 3 * (1 << 20),
        "{} bytes",
        o.stdout.len()
    );
}

/// docs/CONTENT.md describes every command the binary has (it once called `check`, `new`
/// and `schema` planned) and every key of a report file (it left out `aliases`).
#[test]
fn the_content_guide_matches_the_binary() {
    let doc = fs::read_to_string(repo().join("docs/CONTENT.md")).unwrap();
    assert!(
        !doc.contains("planned"),
        "docs/CONTENT.md still calls something planned"
    );
    let help = stdout(&run(&["--help"], &repo()));
    let commands: Vec<&str> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert!(commands.len() >= 5, "{help}");
    for c in commands {
        assert!(
            doc.contains(&format!("trustatlas {c}")),
            "docs/CONTENT.md does not describe `trustatlas {c}`"
        );
    }
    let reports = &doc[doc.find("### 3.4 Verification reports").unwrap()..];
    let reports = &reports[..reports.find("\n### 3.5").unwrap()];
    for key in [
        "id",
        "certification",
        "vendor",
        "approved",
        "valid_until",
        "aliases",
    ] {
        assert!(
            reports.contains(&format!("| `{key}` |")),
            "the report table has no `{key}`"
        );
    }
}

//! Starting from the binary (issue 14): the site found from a subfolder, `init`, the built-in
//! theme and its overrides, `theme eject`, completions and the man page. Every test drives the
//! real binary.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// 2026-11-22 00:00:00 UTC, as in tests/e2e.rs.
const EPOCH: &str = "1795305600";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The real binary run in `dir` with `args`, no colour, a fixed build date, not in CI.
fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trustatlas"))
        .args(args)
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS")
        .output()
        .expect("run trustatlas")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn copy_tree(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from).into_iter().map(Result::unwrap) {
        let rel = e.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            fs::create_dir_all(&dest).unwrap();
        } else {
            fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// A copy of the bundled registry in a temporary folder (`site/` inside it).
fn bundled_copy(parts: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    fs::create_dir(&site).unwrap();
    fs::copy(repo().join("site.toml"), site.join("site.toml")).unwrap();
    for part in parts {
        copy_tree(&repo().join(part), &site.join(part));
    }
    (tmp, site)
}

#[test]
fn every_command_finds_the_site_from_a_subfolder_and_says_which() {
    let (_tmp, site) = bundled_copy(&["content", "themes", "static"]);
    let sub = site.join("content/vendors");
    let used = format!("using {}", site.join("site.toml").display());

    let o = run_in(&sub, &["check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o).lines().next(), Some(used.as_str()));

    // The output goes to the site's own public/, not into content/vendors/.
    let o = run_in(&sub, &["build"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains(&used), "{}", stderr(&o));
    assert!(site.join("public/index.html").is_file());
    assert!(!sub.join("public").exists());

    let o = run_in(&sub, &["new", "vendor", "acme-ai"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(site.join("content/vendors/acme-ai.md").is_file());

    // -q keeps only warnings and errors.
    let o = run_in(&sub, &["-q", "build", "--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stderr(&o).contains("using "), "{}", stderr(&o));
    assert!(!stderr(&o).contains("built "), "{}", stderr(&o));

    // In the site's own folder, or given --root, nothing is said about it, unless -v.
    let o = run_in(&site, &["check"]);
    assert!(!stderr(&o).contains("using "), "{}", stderr(&o));
    let o = run_in(&site, &["-v", "check"]);
    assert!(
        stderr(&o).starts_with("using ./site.toml"),
        "{}",
        stderr(&o)
    );
    let o = run_in(&site, &["check", "--root", "."]);
    assert!(!stderr(&o).contains("using "), "{}", stderr(&o));
    let o = run_in(&site, &["-v", "check", "--root", "."]);
    assert!(
        stderr(&o).starts_with("using ./site.toml"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn no_site_above_is_a_usage_error_naming_where_the_search_started() {
    let tmp = tempfile::tempdir().unwrap();
    let o = run_in(tmp.path(), &["build"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("no site.toml in"), "{err}");
    assert!(err.contains("or any folder above it"), "{err}");
    assert!(err.contains("trustatlas init"), "{err}");
}

//! Build script. Embeds the default theme, the starter site of `trustatlas init` and the
//! framework catalogs into the binary, and records the commit for `--version`.
//!
//! The files are embedded with one `include_bytes!` each, in a table generated here: rustc
//! then lists every file as a dependency, so cargo rebuilds when one changes, and
//! `rerun-if-changed` on the folders makes this script list a new or removed file. (The
//! `include_dir` crate does neither on stable Rust: its issues #77 and #120.) Nothing here may
//! fail the build for want of git: a build from a tarball just has no commit.

use std::env;
use std::fmt::Write;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Table name, folder (relative to the manifest).
const EMBEDDED: &[(&str, &str)] = &[
    ("THEME", "themes/default"),
    ("STARTER", "starter"),
    ("FRAMEWORKS", "content/frameworks"),
];

fn main() {
    let root = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("set by cargo"));
    let mut code = String::new();
    for (name, dir) in EMBEDDED {
        println!("cargo:rerun-if-changed={dir}");
        let base = root.join(dir);
        let mut files = Vec::new();
        walk(&base, &base, &mut files);
        files.sort();
        writeln!(code, "pub static {name}: &[(&str, &[u8])] = &[").unwrap();
        for rel in files {
            let full = base.join(&rel);
            writeln!(code, "    ({rel:?}, include_bytes!({:?})),", full.display()).unwrap();
        }
        writeln!(code, "];").unwrap();
    }
    fs::write(out.join("embedded.rs"), code).expect("write OUT_DIR/embedded.rs");

    println!("cargo:rerun-if-env-changed=TRUSTATLAS_COMMIT");
    let commit = env::var("TRUSTATLAS_COMMIT")
        .ok()
        .filter(|c| !c.is_empty())
        .or_else(|| {
            // A new commit or checkout changes HEAD or the branch it points at.
            for path in [
                git(&["rev-parse", "--git-path", "HEAD"]),
                git(&["rev-parse", "--symbolic-full-name", "HEAD"])
                    .and_then(|r| git(&["rev-parse", "--git-path", &r])),
                git(&["rev-parse", "--git-path", "packed-refs"]),
            ]
            .into_iter()
            .flatten()
            {
                if Path::new(&path).exists() {
                    println!("cargo:rerun-if-changed={path}");
                }
            }
            git(&["rev-parse", "--short=10", "HEAD"])
        });
    let version = env::var("CARGO_PKG_VERSION").expect("set by cargo");
    let line = match &commit {
        Some(c) => format!("{version} ({c})"),
        None => version,
    };
    println!("cargo:rustc-env=TRUSTATLAS_VERSION_LINE={line}");
    println!(
        "cargo:rustc-env=TRUSTATLAS_COMMIT={}",
        commit.unwrap_or_default()
    );
}

/// Every file under `dir`, relative to `base` with `/` separators; hidden files and editor
/// droppings are left out, as the site loader leaves them out.
fn walk(base: &Path, dir: &Path, files: &mut Vec<String>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp") {
            continue;
        }
        let path = e.path();
        if path.is_dir() {
            walk(base, &path, files);
        } else if path.is_file() {
            let rel = path.strip_prefix(base).expect("under base");
            let rel: Vec<_> = rel.iter().map(|c| c.to_string_lossy()).collect();
            files.push(rel.join("/"));
        }
    }
}

/// A line of git's output, or `None` when git is missing or says no.
fn git(args: &[&str]) -> Option<String> {
    let o = Command::new("git").args(args).output().ok()?;
    let s = String::from_utf8(o.stdout).ok()?.trim().to_string();
    (o.status.success() && !s.is_empty()).then_some(s)
}

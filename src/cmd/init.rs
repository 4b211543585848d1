//! `trustatlas init [DIR]`: a new registry that builds and passes `check --strict` as it is.
//! Its files are built into the binary: `starter/` (site.toml, the example vendor,
//! certification and report, README, .gitignore), the framework catalogs of
//! `content/frameworks/` and the deploy workflow of `.github/workflows/deploy.yml`, each
//! the repository's own file, so there is one copy of each.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use trustatlas::date;
use trustatlas::embedded::{FRAMEWORKS, STARTER};

use super::Ui;

/// The day the example vendor's sources say they were verified, in `starter/`. `init` writes
/// today instead, so the new registry's `check --strict` stays clean for a year (a source
/// older than that asks to be verified again).
const STARTER_VERIFIED: &str = "verified = \"2026-01-15\"";

/// The deploy workflow the repository itself uses.
const DEPLOY_WORKFLOW: &str = include_str!("../../.github/workflows/deploy.yml");

/// Every file of a new registry: path relative to it, bytes.
pub fn files() -> Vec<(String, &'static [u8])> {
    let mut files: Vec<(String, &'static [u8])> = STARTER
        .iter()
        // A file named .gitignore inside starter/ would apply to the repository itself.
        .map(|(rel, bytes)| match *rel {
            "gitignore" => (".gitignore".to_string(), *bytes),
            rel => (rel.to_string(), *bytes),
        })
        .collect();
    files.extend(
        FRAMEWORKS
            .iter()
            .map(|(rel, bytes)| (format!("content/frameworks/{rel}"), *bytes)),
    );
    files.push((
        ".github/workflows/deploy.yml".to_string(),
        DEPLOY_WORKFLOW.as_bytes(),
    ));
    files.sort();
    files
}

pub fn run(dir: Option<PathBuf>, ui: Ui) -> ExitCode {
    let today = match date::build_date_from_env() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let (y, m, d) = today.to_ymd();
    let verified_today = format!("verified = \"{y:04}-{m:02}-{d:02}\"");
    let dir = dir.unwrap_or_else(|| PathBuf::from("."));
    match std::fs::read_dir(&dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                eprintln!(
                    "error: {} is not empty; not writing a registry into it\n  help: name a new or empty folder: `trustatlas init my-registry`",
                    dir.display()
                );
                return ExitCode::from(2);
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", dir.display());
            return ExitCode::from(2);
        }
    }
    for (rel, bytes) in files() {
        let path = dir.join(&rel);
        let text = std::str::from_utf8(bytes).ok();
        let bytes = match text.filter(|t| t.contains(STARTER_VERIFIED)) {
            Some(t) => t.replace(STARTER_VERIFIED, &verified_today).into_bytes(),
            None => bytes.to_vec(),
        };
        if let Err(e) = write_new(&path, &bytes) {
            eprintln!("error: could not write {}: {e}", path.display());
            return ExitCode::from(2);
        }
    }
    let cd = if dir == Path::new(".") {
        String::new()
    } else {
        format!("cd {} && ", dir.display())
    };
    ui.say(format_args!(
        "created a new registry in {}\n  next: {cd}trustatlas serve --open, then replace the example vendor, certification and report (see README.md)",
        dir.display()
    ));
    ExitCode::SUCCESS
}

/// Writes a file that must not exist yet (never follows or replaces anything).
fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    f.write_all(bytes)
}

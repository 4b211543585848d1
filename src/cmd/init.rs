//! `trustatlas init [DIR]`: a new registry that builds and passes `check --strict` as it is.
//! Its files are built into the binary: `starter/` (site.toml, the example vendor,
//! certification and report, README, .gitignore), the framework catalogs of
//! `content/frameworks/` and the deploy workflow of `.github/workflows/deploy.yml`, each
//! the repository's own file, so there is one copy of each. [`run`] writes them and returns
//! the folder; [`execute`] says what to do next.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::date::Day;
use crate::embedded::{FRAMEWORKS, STARTER};

use super::{build_date, CmdError, Ui};

#[derive(clap::Args, Clone, Debug, Default)]
pub struct InitArgs {
    /// The folder to create the registry in.
    pub dir: Option<PathBuf>,
}

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

/// The binary's `init`.
pub fn execute(args: InitArgs, ui: Ui) -> Result<(), CmdError> {
    let dir = run(&args, build_date()?)?;
    let cd = if dir == Path::new(".") {
        String::new()
    } else {
        format!("cd {} && ", dir.display())
    };
    ui.say(format_args!(
        "created a new registry in {}\n  next: {cd}trustatlas serve --open, then replace the example vendor, certification and report (see README.md)",
        dir.display()
    ));
    Ok(())
}

/// Writes a new registry into `args.dir` (default: the current folder), which must be new or
/// empty, its example sources verified on `today`; returns the folder.
pub fn run(args: &InitArgs, today: Day) -> Result<PathBuf, CmdError> {
    let (y, m, d) = today.to_ymd();
    let verified_today = format!("verified = \"{y:04}-{m:02}-{d:02}\"");
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    match std::fs::read_dir(&dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(CmdError::usage(format!(
                    "{} is not empty; not writing a registry into it",
                    dir.display()
                ))
                .with_help("name a new or empty folder: `trustatlas init my-registry`"));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            return Err(CmdError::usage(format!(
                "cannot read {}: {e}",
                dir.display()
            )))
        }
    }
    for (rel, bytes) in files() {
        let path = dir.join(&rel);
        let text = std::str::from_utf8(bytes).ok();
        let bytes = match text.filter(|t| t.contains(STARTER_VERIFIED)) {
            Some(t) => t.replace(STARTER_VERIFIED, &verified_today).into_bytes(),
            None => bytes.to_vec(),
        };
        write_new(&path, &bytes)
            .map_err(|e| CmdError::usage(format!("could not write {}: {e}", path.display())))?;
    }
    Ok(dir)
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

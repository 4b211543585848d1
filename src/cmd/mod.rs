//! The commands, one file each (mdBook's `src/cmd/` layout), and what they share: the global
//! flags and finding the site.

pub mod build;
pub mod check;
pub mod completions;
pub mod init;
pub mod new;
pub mod progress;
pub mod schema;
pub mod serve;
pub mod theme;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use trustatlas::date;

/// The global flags every command honours.
#[derive(Clone, Copy, Debug, Default)]
pub struct Ui {
    /// `-q`: only warnings and errors on stderr.
    pub quiet: bool,
    /// `-v`: also say what is usually left unsaid (the site used even with --root, stage
    /// timings).
    pub verbose: bool,
}

impl Ui {
    /// A progress or summary line: stderr, unless `-q`.
    pub fn say(&self, line: std::fmt::Arguments) {
        if !self.quiet {
            eprintln!("{line}");
        }
    }
}

/// The site a command works on: `--root` when given, else the nearest folder at or above the
/// current one that holds `site.toml` (like Zola and Hugo, so `trustatlas build` works from
/// `content/vendors/`). A site found above the current folder is named on stderr, unless `-q`. Nothing found is a usage
/// error (exit 2) naming where the search started.
pub fn site_root(root: Option<PathBuf>, ui: Ui) -> Result<PathBuf, ExitCode> {
    if let Some(root) = root {
        if ui.verbose {
            ui.say(format_args!("using {}", root.join("site.toml").display()));
        }
        return Ok(root);
    }
    let here = std::env::current_dir().map_err(|e| {
        eprintln!("error: cannot read the current folder: {e}");
        ExitCode::from(2)
    })?;
    match find_site_root(&here) {
        // The current folder stays `.`, so messages and relative paths read as before; it
        // is named only with -v (the usual case needs no word).
        Some(found) if found == here => {
            if ui.verbose {
                ui.say(format_args!("using ./site.toml"));
            }
            Ok(PathBuf::from("."))
        }
        Some(found) => {
            ui.say(format_args!("using {}", found.join("site.toml").display()));
            Ok(found)
        }
        None => {
            eprintln!(
                "error: no site.toml in {} or any folder above it\n  help: run trustatlas inside a site (a folder that holds site.toml), pass --root DIR, or start one with `trustatlas init`",
                here.display()
            );
            Err(ExitCode::from(2))
        }
    }
}

/// Usage problems shared by every command that reads a site: exit 2 before any work.
pub fn site_root_and_date(root: &Path) -> Result<date::Day, ExitCode> {
    let build_date = date::build_date_from_env().map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(2)
    })?;
    if let Some((message, help)) = trustatlas::source::site_toml_problem(root) {
        eprintln!("error: {message}\n  help: {help}");
        return Err(ExitCode::from(2));
    }
    Ok(build_date)
}

/// Whether stderr may carry colour.
pub fn color() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// The nearest of `start` and its ancestors holding an entry named `site.toml` (of any kind: a
/// folder or FIFO there is then reported by `source::site_toml_problem`, not skipped).
fn find_site_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| std::fs::symlink_metadata(dir.join("site.toml")).is_ok())
        .map(Path::to_path_buf)
}

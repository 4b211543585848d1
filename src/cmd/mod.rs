//! The commands, one file each (mdBook's `src/cmd/` layout), as library functions: each file
//! holds its clap arguments, a `run` that does the work and returns a typed report (or a
//! [`CmdError`]) without printing it, and an `execute` that the binary calls, which finds the
//! site, reads the environment, runs and prints. Tests call `run` directly (tests/cmd.rs).

pub mod build;
pub mod check;
pub mod completions;
pub mod init;
pub mod new;
pub mod progress;
pub mod schema;
pub mod serve;
pub mod theme;

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::date;

/// The global flags every command honours, and whether stderr takes colour.
#[derive(Clone, Copy, Debug, Default)]
pub struct Ui {
    /// `-q`: only warnings and errors on stderr.
    pub quiet: bool,
    /// `-v`: also say what is usually left unsaid (the site used even with --root, stage
    /// timings).
    pub verbose: bool,
    /// Diagnostics in colour (see [`color`]); off in tests, so reports compare as text.
    pub color: bool,
}

impl Ui {
    /// A progress or summary line: stderr, unless `-q`.
    pub fn say(&self, line: fmt::Arguments) {
        if !self.quiet {
            eprintln!("{line}");
        }
    }
}

/// The exit code of a failed command (success is 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// 1: the content has errors (or warnings, under `--strict`).
    Content = 1,
    /// 2: a usage or I/O error (clap uses 2 for usage errors too).
    Usage = 2,
}

/// How a command failed: its exit code and the text the binary prints on stderr, kept as data
/// so a test can assert on it and the binary prints it the one way ([`CmdError::print`]).
#[derive(Debug)]
pub struct CmdError {
    pub exit: Exit,
    /// Printed first, as it is: the warnings and diagnostics gathered before the failure.
    pub before: String,
    /// Each printed as `error: …` (none: the report already said why, as `check` does).
    pub errors: Vec<String>,
    /// Printed last, as `  help: …`.
    pub help: Option<String>,
}

impl CmdError {
    /// A usage or I/O error (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        CmdError {
            exit: Exit::Usage,
            before: String::new(),
            errors: vec![message.into()],
            help: None,
        }
    }

    /// Errors in the content (exit 1).
    pub fn content(message: impl Into<String>) -> Self {
        CmdError {
            exit: Exit::Content,
            ..CmdError::usage(message)
        }
    }

    /// A failure whose reason is already printed (exit `exit`, no message of its own).
    pub fn silent(exit: Exit) -> Self {
        CmdError {
            exit,
            before: String::new(),
            errors: Vec::new(),
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// With `before` printed ahead of the error lines.
    pub fn after(mut self, before: String) -> Self {
        self.before = before;
        self
    }

    /// Prints [`Display`](fmt::Display)'s text on stderr and gives the exit code.
    pub fn print(&self) -> ExitCode {
        eprint!("{self}");
        ExitCode::from(self.exit as u8)
    }
}

/// Exactly what the binary prints on stderr for this failure.
impl fmt::Display for CmdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.before)?;
        for e in &self.errors {
            writeln!(f, "error: {e}")?;
        }
        if let Some(h) = &self.help {
            writeln!(f, "  help: {h}")?;
        }
        Ok(())
    }
}

/// The binary's exit code for a command's result, its failure printed.
pub fn exit_code(result: Result<(), CmdError>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => e.print(),
    }
}

/// The site a command works on: `--root` when given, else the nearest folder at or above the
/// current one that holds `site.toml` (like Zola and Hugo, so `trustatlas build` works from
/// `content/vendors/`). A site found above the current folder is named on stderr, unless
/// `-q`. Nothing found is a usage error (exit 2) naming where the search started.
pub fn site_root(root: Option<PathBuf>, ui: Ui) -> Result<PathBuf, CmdError> {
    if let Some(root) = root {
        if ui.verbose {
            ui.say(format_args!("using {}", root.join("site.toml").display()));
        }
        return Ok(root);
    }
    let here = std::env::current_dir()
        .map_err(|e| CmdError::usage(format!("cannot read the current folder: {e}")))?;
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
        None => Err(CmdError::usage(format!(
            "no site.toml in {} or any folder above it",
            here.display()
        ))
        .with_help("run trustatlas inside a site (a folder that holds site.toml), pass --root DIR, or start one with `trustatlas init`")),
    }
}

/// The build date: `SOURCE_DATE_EPOCH` when set (a bad value is a usage error), else today.
/// Read by `execute`, so `run` takes the date as an argument and tests need no environment.
pub fn build_date() -> Result<date::Day, CmdError> {
    date::build_date_from_env().map_err(|e| CmdError::usage(e.to_string()))
}

/// A `site.toml` that is missing or not a regular file: a usage error before any work.
pub fn site_toml(root: &Path) -> Result<(), CmdError> {
    match crate::source::site_toml_problem(root) {
        Some((message, help)) => Err(CmdError::usage(message).with_help(help)),
        None => Ok(()),
    }
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

//! `trustatlas check`: the build without writing, plus links, anchors, dates and citations.
//! [`run`] gives the [`Checked`] site; [`execute`] prints it (human or JSON) and turns it into
//! the exit code.

use std::path::PathBuf;

use crate::check::Checked;
use crate::date::Day;
use crate::emit;
use crate::options::BuildOptions;

use super::{build_date, site_root, site_toml, CmdError, Exit, Ui};

#[derive(clap::Args, Clone, Debug, Default)]
pub struct CheckArgs {
    /// Folder holding site.toml (default: the nearest at or above the current folder).
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Treat warnings as errors.
    #[arg(long)]
    pub strict: bool,
    /// `human` (rustc-style, on stderr) or `json` (on stdout, for tools and CI).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    #[default]
    Human,
    Json,
}

/// The binary's `check`: exit 1 when [`Checked::failed`] says so.
pub fn execute(args: CheckArgs, ui: Ui) -> Result<(), CmdError> {
    let root = site_root(args.root, ui)?;
    let checked = run(root, build_date()?)?;
    let text = |p: &std::path::Path| checked.source_text(p);
    match args.format {
        Format::Human => eprint!("{}", checked.render_human(ui.color)),
        Format::Json => print!("{}", emit::json_report(&checked.diagnostics, &text)),
    }
    // Workflow commands are read from stderr too, which keeps stdout pure JSON.
    if std::env::var("GITHUB_ACTIONS").as_deref() == Ok("true") {
        eprint!("{}", emit::github_annotations(&checked.diagnostics, &text));
    }
    if !checked.failed(args.strict) {
        return Ok(());
    }
    if args.strict && checked.errors() == 0 && args.format == Format::Human {
        return Err(CmdError::content("warnings are errors under --strict"));
    }
    Err(CmdError::silent(Exit::Content))
}

/// Checks the site at `root` on `build_date`; a missing `site.toml` is a usage error.
pub fn run(root: PathBuf, build_date: Day) -> Result<Checked, CmdError> {
    site_toml(&root)?;
    Ok(crate::check::check_site(&BuildOptions {
        root,
        build_date,
        base_url: None,
        max_files: None,
    }))
}

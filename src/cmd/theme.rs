//! `trustatlas theme eject`: writes the built-in theme into the site's `themes/default/`, to
//! edit. Every file written there then overrides the built-in one; files left out keep
//! coming from the binary.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Subcommand;

use crate::embedded::THEME;
use crate::source::BUILT_IN_THEME;

use super::{site_root, CmdError, Exit, Ui};

#[derive(clap::Args, Clone, Debug)]
pub struct ThemeArgs {
    #[command(subcommand)]
    pub what: Theme,
    /// Folder holding site.toml (default: the nearest at or above the current folder).
    #[arg(long, global = true)]
    pub root: Option<PathBuf>,
}

#[derive(Subcommand, Clone, Debug)]
pub enum Theme {
    /// Write the built-in theme's templates and static files into themes/default/. Refuses
    /// to overwrite a file unless --force.
    Eject {
        /// Overwrite files already in themes/default/.
        #[arg(long)]
        force: bool,
    },
}

/// The binary's `theme`.
pub fn execute(args: ThemeArgs, ui: Ui) -> Result<(), CmdError> {
    let root = site_root(args.root.clone(), ui)?;
    let dir = run(&args.what, &root)?;
    ui.say(format_args!(
        "wrote {} files of the built-in theme into {}: edit them; delete any you do not change, and it comes from trustatlas again",
        THEME.len(),
        dir.display()
    ));
    Ok(())
}

/// Ejects the theme into the site at `root`; returns the folder written. All or nothing:
/// nothing is written when one file would be overwritten without `--force`.
pub fn run(what: &Theme, root: &Path) -> Result<PathBuf, CmdError> {
    let Theme::Eject { force } = *what;
    let dir = root.join("themes").join(BUILT_IN_THEME);
    let taken: Vec<_> = THEME
        .iter()
        .map(|(rel, _)| dir.join(rel))
        .filter(|p| std::fs::symlink_metadata(p).is_ok())
        .collect();
    if !force && !taken.is_empty() {
        return Err(CmdError {
            exit: Exit::Usage,
            before: String::new(),
            errors: taken
                .iter()
                .map(|p| format!("{} already exists; not overwriting it", p.display()))
                .collect(),
            help: Some(
                "keep your edits, or pass --force to replace them with the built-in files".into(),
            ),
        });
    }
    for (rel, bytes) in THEME {
        let path = dir.join(rel);
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|_| {
                // A link in the way is replaced, never followed.
                if force && std::fs::symlink_metadata(&path).is_ok() {
                    std::fs::remove_file(&path)?;
                }
                let mut f = std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&path)?;
                f.write_all(bytes)
            });
        written.map_err(|e| CmdError::usage(format!("could not write {}: {e}", path.display())))?;
    }
    Ok(dir)
}

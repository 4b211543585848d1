//! `trustatlas theme eject`: writes the built-in theme into the site's `themes/default/`, to
//! edit. Every file written there then overrides the built-in one; files left out keep
//! coming from the binary.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use clap::Subcommand;

use trustatlas::embedded::THEME;
use trustatlas::source::BUILT_IN_THEME;

use super::Ui;

#[derive(Subcommand)]
pub enum Theme {
    /// Write the built-in theme's templates and static files into themes/default/. Refuses
    /// to overwrite a file unless --force.
    Eject {
        /// Overwrite files already in themes/default/.
        #[arg(long)]
        force: bool,
    },
}

pub fn run(what: Theme, root: &Path, ui: Ui) -> ExitCode {
    let Theme::Eject { force } = what;
    let dir = root.join("themes").join(BUILT_IN_THEME);
    // All or nothing: nothing is written when one file would be overwritten.
    let taken: Vec<_> = THEME
        .iter()
        .map(|(rel, _)| dir.join(rel))
        .filter(|p| std::fs::symlink_metadata(p).is_ok())
        .collect();
    if !force && !taken.is_empty() {
        for p in &taken {
            eprintln!("error: {} already exists; not overwriting it", p.display());
        }
        eprintln!(
            "  help: keep your edits, or pass --force to replace them with the built-in files"
        );
        return ExitCode::from(2);
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
        if let Err(e) = written {
            eprintln!("error: could not write {}: {e}", path.display());
            return ExitCode::from(2);
        }
    }
    ui.say(format_args!(
        "wrote {} files of the built-in theme into {}: edit them; delete any you do not change, and it comes from trustatlas again",
        THEME.len(),
        dir.display()
    ));
    ExitCode::SUCCESS
}

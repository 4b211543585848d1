//! `trustatlas schema`: writes the JSON Schemas of the content files.

use std::path::Path;
use std::process::ExitCode;

use super::Ui;

pub fn run(out: &Path, ui: Ui) -> ExitCode {
    if let Err(e) = std::fs::create_dir_all(out) {
        eprintln!("error: could not create {}: {e}", out.display());
        return ExitCode::from(2);
    }
    for kind in trustatlas::schema::KINDS {
        let path = out.join(kind.file_name());
        if let Err(e) = std::fs::write(&path, kind.json()) {
            eprintln!("error: could not write {}: {e}", path.display());
            return ExitCode::from(2);
        }
        ui.say(format_args!("wrote {} ({})", path.display(), kind.files));
    }
    ExitCode::SUCCESS
}

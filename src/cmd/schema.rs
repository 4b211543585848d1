//! `trustatlas schema`: writes the JSON Schemas of the content files.

use std::path::PathBuf;

use super::{CmdError, Ui};

#[derive(clap::Args, Clone, Debug)]
pub struct SchemaArgs {
    /// Folder to write `<kind>.schema.json` files into.
    #[arg(long, default_value = "schema")]
    pub out: PathBuf,
}

/// The binary's `schema`.
pub fn execute(args: SchemaArgs, ui: Ui) -> Result<(), CmdError> {
    run(&args, ui).map(|_| ())
}

/// Writes one schema file per kind into `args.out`, naming each on stderr as it goes (unless
/// `-q`); returns the files written.
pub fn run(args: &SchemaArgs, ui: Ui) -> Result<Vec<PathBuf>, CmdError> {
    let out = &args.out;
    std::fs::create_dir_all(out)
        .map_err(|e| CmdError::usage(format!("could not create {}: {e}", out.display())))?;
    let mut written = Vec::new();
    for kind in crate::schema::KINDS {
        let path = out.join(kind.file_name());
        std::fs::write(&path, kind.json())
            .map_err(|e| CmdError::usage(format!("could not write {}: {e}", path.display())))?;
        ui.say(format_args!("wrote {} ({})", path.display(), kind.files));
        written.push(path);
    }
    Ok(written)
}

//! `trustatlas completions SHELL` and `trustatlas man`: generated from the clap definition, so
//! they always list the commands and flags the binary has.

use std::io::Write;

pub use clap_complete::Shell;

use super::CmdError;

#[derive(clap::Args, Clone, Debug)]
pub struct CompletionsArgs {
    #[arg(value_enum)]
    pub shell: Shell,
}

/// The binary's `completions`: the script for `cli` (the binary's whole command line) on
/// stdout.
pub fn completions(args: CompletionsArgs, cli: clap::Command) -> Result<(), CmdError> {
    emit(&script(args.shell, cli))
}

/// The binary's `man`: the page on stdout (`trustatlas man > trustatlas.1`).
pub fn man(cli: clap::Command) -> Result<(), CmdError> {
    emit(&page(cli)?)
}

/// The completion script for `shell`.
pub fn script(shell: Shell, mut cli: clap::Command) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cli, "trustatlas", &mut out);
    out
}

/// The man page (roff).
pub fn page(cli: clap::Command) -> Result<Vec<u8>, CmdError> {
    let mut out = Vec::new();
    clap_mangen::Man::new(cli)
        .render(&mut out)
        .map_err(|e| CmdError::usage(format!("could not render the man page: {e}")))?;
    Ok(out)
}

fn emit(bytes: &[u8]) -> Result<(), CmdError> {
    match std::io::stdout().lock().write_all(bytes) {
        Ok(()) => Ok(()),
        // A closed pipe (`| head`) is not worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CmdError::usage(format!("could not write: {e}"))),
    }
}

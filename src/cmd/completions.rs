//! `trustatlas completions SHELL` and `trustatlas man`: generated from the clap definition, so
//! they always list the commands and flags the binary has.

use std::io::Write;
use std::process::ExitCode;

pub use clap_complete::Shell;

/// The completion script for `shell`, on stdout.
pub fn completions(shell: Shell, mut cmd: clap::Command) -> ExitCode {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "trustatlas", &mut out);
    emit(&out)
}

/// The man page (roff), on stdout: `trustatlas man > trustatlas.1`.
pub fn man(cmd: clap::Command) -> ExitCode {
    let mut out = Vec::new();
    if let Err(e) = clap_mangen::Man::new(cmd).render(&mut out) {
        eprintln!("error: could not render the man page: {e}");
        return ExitCode::from(2);
    }
    emit(&out)
}

fn emit(bytes: &[u8]) -> ExitCode {
    match std::io::stdout().lock().write_all(bytes) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`| head`) is not worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: could not write: {e}");
            ExitCode::from(2)
        }
    }
}

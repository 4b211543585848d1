//! `trustatlas serve`: the dev server (the work is in `trustatlas::serve`).

use std::process::ExitCode;

use trustatlas::date;
use trustatlas::serve::{self, ServeOptions};

pub fn run(opts: ServeOptions) -> ExitCode {
    if let Err(e) = date::build_date_from_env() {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    match serve::run(opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

//! `trustatlas check`: the build without writing, plus links, anchors, dates and citations.

use std::path::PathBuf;
use std::process::ExitCode;

use trustatlas::emit;
use trustatlas::options::BuildOptions;

use super::{color, site_root_and_date};

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
}

pub fn run(root: PathBuf, strict: bool, format: Format) -> ExitCode {
    let build_date = match site_root_and_date(&root) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let checked = trustatlas::check::check_site(&BuildOptions {
        root,
        build_date,
        base_url: None,
        max_files: None,
    });
    let text = |p: &std::path::Path| checked.source_text(p);
    match format {
        Format::Human => eprint!("{}", checked.render_human(color())),
        Format::Json => print!("{}", emit::json_report(&checked.diagnostics, &text)),
    }
    // Workflow commands are read from stderr too, which keeps stdout pure JSON.
    if std::env::var("GITHUB_ACTIONS").as_deref() == Ok("true") {
        eprint!("{}", emit::github_annotations(&checked.diagnostics, &text));
    }
    if checked.failed(strict) {
        if strict && checked.errors() == 0 && format == Format::Human {
            eprintln!("error: warnings are errors under --strict");
        }
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

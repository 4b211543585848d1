//! `trustatlas new`: a new content file with every field present and explained.

use std::path::Path;
use std::process::ExitCode;

use clap::Subcommand;

use trustatlas::options::BuildOptions;
use trustatlas::pipeline::build_site;

use super::{site_root_and_date, Ui};

#[derive(Subcommand)]
pub enum New {
    /// content/vendors/<slug>.md
    Vendor { slug: String },
    /// content/certifications/<slug>.md
    Certification { slug: String },
    /// content/reports/<id>.md (lower-cased), for a vendor and certification of the site.
    Report {
        id: String,
        /// Slug of the vendor the report is about.
        #[arg(long)]
        vendor: String,
        /// Slug of the certification scheme.
        #[arg(long)]
        certification: String,
    },
}

pub fn run(what: New, root: &Path, toml: bool, ui: Ui) -> ExitCode {
    use trustatlas::scaffold::{self, Form, Refusal, What};
    let today = match site_root_and_date(root) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let form = if toml { Form::Toml } else { Form::Markdown };
    let what = match &what {
        New::Vendor { slug } => What::Vendor(slug),
        New::Certification { slug } => What::Certification(slug),
        New::Report {
            id,
            vendor,
            certification,
        } => What::Report {
            id,
            vendor,
            certification,
        },
    };
    let refuse = |Refusal(msg): Refusal| {
        eprintln!("error: {msg}");
        ExitCode::from(2)
    };
    let target = match scaffold::target(&what) {
        Ok(t) => t,
        Err(r) => return refuse(r),
    };
    // The site is loaded for its categories, dimensions, vendors and certifications, and to
    // refuse a name already taken (in either form, in any subfolder).
    let result = build_site(&BuildOptions {
        root: root.to_path_buf(),
        build_date: today,
        base_url: None,
        max_files: None,
    });
    let on_disk = ["md", "toml"]
        .iter()
        .map(|ext| target.dir().join(format!("{}.{ext}", target.name)))
        .find(|p| root.join(p).exists());
    if let Some(existing) = on_disk.or_else(|| target.taken(&result.sources)) {
        // The path may be a content file's: its name goes to the terminal escaped.
        eprintln!(
            "error: {} already exists; not overwriting it\n  help: edit it, or choose another name",
            trustatlas::human::escape(&existing.display().to_string())
        );
        return ExitCode::from(2);
    }
    let Some(reg) = &result.registry else {
        eprint!("{}", result.render_diagnostics(false));
        eprintln!("error: the site has content errors; fix them first (run `trustatlas check`)");
        return ExitCode::from(1);
    };
    let text = match scaffold::text(&what, reg, today, form) {
        Ok(t) => t,
        Err(r) => return refuse(r),
    };
    let rel = target
        .dir()
        .join(format!("{}.{}", target.name, form.extension()));
    let schema_file = format!("schema/{}.schema.json", target.kind);
    let text = if toml && root.join(&schema_file).is_file() {
        format!("#:schema ../../{schema_file}\n{text}")
    } else {
        text
    };
    let full = root.join(&rel);
    let written = std::fs::create_dir_all(root.join(target.dir())).and_then(|_| {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&full)?;
        f.write_all(text.as_bytes())
    });
    if let Err(e) = written {
        eprintln!("error: could not write {}: {e}", full.display());
        return ExitCode::from(2);
    }
    println!("{}", full.display());
    ui.say(format_args!(
        "created {}: fill in the fields, then run `trustatlas check`",
        rel.display()
    ));
    ExitCode::SUCCESS
}

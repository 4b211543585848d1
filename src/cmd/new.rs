//! `trustatlas new`: a new content file with every field present and explained. [`run`]
//! writes it and returns where; [`execute`] names it on stdout.

use std::path::{Path, PathBuf};

use clap::Subcommand;

use crate::date::Day;
use crate::options::BuildOptions;
use crate::pipeline::build_site;
use crate::scaffold::{self, Form, Refusal, What};

use super::{build_date, site_root, site_toml, CmdError, Ui};

#[derive(clap::Args, Clone, Debug)]
pub struct NewArgs {
    #[command(subcommand)]
    pub what: New,
    /// Folder holding site.toml (default: the nearest at or above the current folder).
    #[arg(long, global = true)]
    pub root: Option<PathBuf>,
    /// Write `<name>.toml` (front matter only, validated by TOML editors against the JSON
    /// Schema) instead of `<name>.md`.
    #[arg(long, global = true)]
    pub toml: bool,
}

#[derive(Subcommand, Clone, Debug)]
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

/// The file `new` wrote.
#[derive(Debug)]
pub struct NewReport {
    /// Relative to the site.
    pub rel: PathBuf,
    /// The site's folder joined with `rel`.
    pub path: PathBuf,
}

/// The binary's `new`: the new file's path on stdout, a hint on stderr.
pub fn execute(args: NewArgs, ui: Ui) -> Result<(), CmdError> {
    let root = site_root(args.root.clone(), ui)?;
    let made = run(&args, &root, build_date()?)?;
    println!("{}", made.path.display());
    ui.say(format_args!(
        "created {}: fill in the fields, then run `trustatlas check`",
        made.rel.display()
    ));
    Ok(())
}

/// Writes the new file into the site at `root` (`args.root` is not read), dated `today`.
/// Refuses a name already taken and a site with content errors.
pub fn run(args: &NewArgs, root: &Path, today: Day) -> Result<NewReport, CmdError> {
    site_toml(root)?;
    let form = if args.toml {
        Form::Toml
    } else {
        Form::Markdown
    };
    let what = match &args.what {
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
    let refuse = |Refusal(msg): Refusal| CmdError::usage(msg);
    let target = scaffold::target(&what).map_err(refuse)?;
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
        return Err(CmdError::usage(format!(
            "{} already exists; not overwriting it",
            crate::human::escape(&existing.display().to_string())
        ))
        .with_help("edit it, or choose another name"));
    }
    let Some(reg) = &result.registry else {
        return Err(CmdError::content(
            "the site has content errors; fix them first (run `trustatlas check`)",
        )
        .after(result.render_diagnostics(false)));
    };
    let text = scaffold::text(&what, reg, today, form).map_err(refuse)?;
    let rel = target
        .dir()
        .join(format!("{}.{}", target.name, form.extension()));
    let schema_file = format!("schema/{}.schema.json", target.kind);
    let text = if args.toml && root.join(&schema_file).is_file() {
        format!("#:schema ../../{schema_file}\n{text}")
    } else {
        text
    };
    let path = root.join(&rel);
    let written = std::fs::create_dir_all(root.join(target.dir())).and_then(|_| {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)?;
        f.write_all(text.as_bytes())
    });
    written.map_err(|e| CmdError::usage(format!("could not write {}: {e}", path.display())))?;
    Ok(NewReport { rel, path })
}

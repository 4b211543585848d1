//! `trustatlas build`: the site into its output folder, replaced only when the build succeeds.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use trustatlas::files::{KeepNothing, OutputFile};
use trustatlas::options::BuildOptions;
use trustatlas::pipeline::{self, stamp, Changes, State, Target};
use trustatlas::{date, output};

use super::{color, Ui};

#[derive(clap::Args)]
pub struct BuildArgs {
    /// Folder holding site.toml, content/, static/ and optionally themes/. Default: the
    /// nearest folder at or above the current one that holds site.toml.
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Output folder (default: public/ in the site's folder). Relative paths are taken from
    /// the current directory. It must be new, empty or filled by an earlier build: the build
    /// refuses to delete files it did not write.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Override site.toml's base_url (for preview deploys).
    #[arg(long)]
    pub base_url: Option<String>,
    /// Most files the output may hold: Cloudflare Pages allows 20,000 on the Free plan and
    /// 100,000 on Workers Paid. Overrides `[deploy] max_files` in site.toml.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub max_files: Option<u32>,
    /// Print how long each stage took (also with -v).
    #[arg(long)]
    pub timings: bool,
    /// Build even when nothing changed since the last build into this output.
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: BuildArgs, root: PathBuf, ui: Ui) -> ExitCode {
    let BuildArgs {
        out,
        base_url,
        max_files,
        timings,
        force,
        ..
    } = args;
    // The site's own public/, wherever the command was run from inside it.
    let out = out.unwrap_or_else(|| {
        if root == Path::new(".") {
            PathBuf::from("public")
        } else {
            root.join("public")
        }
    });
    let timings = timings || ui.verbose;
    let started = Instant::now();
    let build_date = match date::build_date_from_env() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if let Some((message, help)) = trustatlas::source::site_toml_problem(&root) {
        eprintln!("error: {message}\n  help: {help}");
        return ExitCode::from(2);
    }
    if let Some(url) = &base_url {
        if !(url.starts_with("https://") || url.starts_with("http://"))
            || url.contains(char::is_whitespace)
        {
            eprintln!("error: --base-url `{url}` is not an http(s) URL\n  help: e.g. --base-url https://preview.trustatlas.pages.dev");
            return ExitCode::from(2);
        }
    }
    let opts = BuildOptions {
        root,
        build_date,
        base_url,
        max_files,
    };
    // One build at a time into `out`, held until the stamp is saved; refusals come first.
    let waiting = |lock: &Path| {
        eprintln!(
            "waiting for another build into {} to finish (it holds {})",
            out.display(),
            lock.display()
        )
    };
    let lock = match output::OutputLock::acquire(&out, &opts.root, &waiting) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    for w in lock.warnings() {
        eprintln!("warning: {w}");
    }
    // Nothing changed since the last build into `out`: skip the whole pipeline.
    let t = Instant::now();
    let stamp = stamp::input_stamp(&opts).ok();
    if stamp
        .as_ref()
        .is_some_and(|s| !force && stamp::is_fresh(s, &out))
    {
        if timings {
            eprintln!(
                "  {:<8} {:>8.1} ms",
                "check",
                t.elapsed().as_secs_f64() * 1000.0
            );
        }
        ui.say(format_args!(
            "{} is up to date: nothing changed since the last build (--force rebuilds)",
            out.display()
        ));
        return ExitCode::SUCCESS;
    }
    let check_time = t.elapsed();
    let writer = match output::Writer::begin(lock) {
        Ok(w) => w,
        Err(e) if e.kind() == std::io::ErrorKind::InvalidInput => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("error: could not write {}: {e}", out.display());
            return ExitCode::from(2);
        }
    };
    let sink = |f: OutputFile| writer.put(&f.path, &f.bytes);
    // Files whose inputs did not change since the last build are kept, not made again.
    let reuse = stamp
        .as_ref()
        .map(|s| stamp::StampKeep::load(s, &out, &writer, !force));
    let progress = super::progress::Progress::start(ui.quiet);
    let keep: &dyn trustatlas::files::Keep = match &reuse {
        Some(r) => r,
        None => &KeepNothing,
    };
    let result = pipeline::run(
        &opts,
        &mut State::default(),
        &Changes::All,
        keep,
        Target::Stream(&sink),
    );
    // Erased before any diagnostic or summary is printed.
    drop(progress);
    eprint!("{}", result.render_diagnostics(color()));
    if result.errors() > 0 {
        eprintln!("error: build failed; {} left as it was", out.display());
        return ExitCode::from(1);
    }
    if let Some(e) = &result.output_error {
        eprintln!(
            "error: could not write {}: {e}; {} left as it was",
            out.display(),
            out.display()
        );
        return ExitCode::from(2);
    }
    let kept = result.kept;
    let pages = reuse.map(|r| r.into_pages()).unwrap_or_default();
    let t = Instant::now();
    stamp::invalidate(&out);
    // The lock comes back, so the stamp is saved before another build can start.
    let (stats, _lock) = match writer.commit() {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "error: could not write {}: {e}; {} left as it was",
                out.display(),
                out.display()
            );
            return ExitCode::from(2);
        }
    };
    let commit_time = t.elapsed();
    for w in &stats.warnings {
        eprintln!("warning: {w}");
    }
    if let Some(stamp) = &stamp {
        if let Err(e) = stamp::save(stamp, &out, result.diagnostics.is_empty(), &pages) {
            eprintln!("warning: could not record the build stamp: {e}");
        }
    }
    if timings {
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
        eprintln!("  {:<8} {:>8.1} ms", "check", ms(check_time));
        for (stage, d) in &result.timings {
            eprintln!("  {stage:<8} {:>8.1} ms", ms(*d));
        }
        eprintln!(
            "  {:<8} {:>8.1} ms  (pages are staged while they render; this is the commit)",
            "write",
            ms(commit_time)
        );
    }
    ui.say(format_args!(
        "built {} files into {} in {:.0} ms ({} written, {} unchanged, {} removed; {} kept from the last build)",
        // Every file of the new tree, kept vendor pages included.
        stats.written + stats.unchanged,
        out.display(),
        started.elapsed().as_secs_f64() * 1000.0,
        stats.written,
        stats.unchanged,
        stats.removed,
        kept
    ));
    ExitCode::SUCCESS
}

//! `trustatlas build`: the site into its output folder, replaced only when the build succeeds.
//! [`run`] is the whole command (lock, stamp check, streaming writer, pipeline, commit, stamp)
//! and returns a [`BuildReport`]; [`BuildReport::print`] is what the binary says about it.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::date::Day;
use crate::files::{KeepNothing, OutputFile};
use crate::options::BuildOptions;
use crate::output;
use crate::pipeline::{self, stamp, Changes, State, Target};

use super::{build_date, site_root, site_toml, CmdError, Ui};

#[derive(clap::Args, Clone, Debug, Default)]
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

/// What a successful `build` did.
#[derive(Debug)]
pub struct BuildReport {
    /// The output folder.
    pub out: PathBuf,
    /// About the output folder, found before building (e.g. leftovers of a killed build).
    pub lock_warnings: Vec<String>,
    pub outcome: Outcome,
    /// The diagnostics of the build (warnings only, since it succeeded), rendered.
    pub diagnostics: String,
    /// Problems after the build that did not fail it (an old tree left behind, no stamp).
    pub warnings: Vec<String>,
    /// How long each stage took: `check` (the stamp), the pipeline's, `write` (the commit).
    pub timings: Vec<(&'static str, Duration)>,
    /// The whole command.
    pub elapsed: Duration,
}

/// Whether the pipeline ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing changed since the last build into the output: the pipeline did not run and
    /// nothing was written.
    UpToDate,
    Built(Counts),
}

/// The files of a build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// Every file of the new tree, kept ones included.
    pub files: usize,
    /// Files whose bytes are new (created or changed).
    pub written: usize,
    /// Files whose bytes were already right.
    pub unchanged: usize,
    /// Files of the previous build that this one no longer has.
    pub removed: usize,
    /// Files whose inputs did not change since the last build, kept rather than made again.
    pub kept: usize,
}

/// The stage name of the commit in [`BuildReport::timings`].
const WRITE: &str = "write";

/// The binary's `build`: finds the site, reads the build date, runs, prints.
pub fn execute(args: BuildArgs, ui: Ui) -> Result<(), CmdError> {
    let root = site_root(args.root.clone(), ui)?;
    let timings = args.timings || ui.verbose;
    let report = run(&args, root, build_date()?, ui)?;
    report.print(ui, timings);
    Ok(())
}

/// Builds the site at `root` as `trustatlas build` does (`args.root` is not read: `root` is
/// the site already found). On failure the output folder is as it was.
pub fn run(
    args: &BuildArgs,
    root: PathBuf,
    build_date: Day,
    ui: Ui,
) -> Result<BuildReport, CmdError> {
    let started = Instant::now();
    // The site's own public/, wherever the command was run from inside it.
    let out = args.out.clone().unwrap_or_else(|| {
        if root == Path::new(".") {
            PathBuf::from("public")
        } else {
            root.join("public")
        }
    });
    site_toml(&root)?;
    if let Some(url) = &args.base_url {
        if !(url.starts_with("https://") || url.starts_with("http://"))
            || url.contains(char::is_whitespace)
        {
            return Err(
                CmdError::usage(format!("--base-url `{url}` is not an http(s) URL"))
                    .with_help("e.g. --base-url https://preview.trustatlas.pages.dev"),
            );
        }
    }
    let opts = BuildOptions {
        root,
        build_date,
        base_url: args.base_url.clone(),
        max_files: args.max_files,
    };
    // One build at a time into `out`, held until the stamp is saved; refusals come first.
    let waiting = |lock: &Path| {
        eprintln!(
            "waiting for another build into {} to finish (it holds {})",
            out.display(),
            lock.display()
        )
    };
    let lock = output::OutputLock::acquire(&out, &opts.root, &waiting)
        .map_err(|e| CmdError::usage(e.to_string()))?;
    let lock_warnings = lock.warnings().to_vec();
    let before: String = lock_warnings
        .iter()
        .map(|w| format!("warning: {w}\n"))
        .collect();
    let report = |outcome, diagnostics, warnings, timings| BuildReport {
        out: out.clone(),
        lock_warnings: lock_warnings.clone(),
        outcome,
        diagnostics,
        warnings,
        timings,
        elapsed: started.elapsed(),
    };
    // Nothing changed since the last build into `out`: skip the whole pipeline.
    let t = Instant::now();
    let stamp = stamp::input_stamp(&opts).ok();
    if stamp
        .as_ref()
        .is_some_and(|s| !args.force && stamp::is_fresh(s, &out))
    {
        let timings = vec![("check", t.elapsed())];
        return Ok(report(
            Outcome::UpToDate,
            String::new(),
            Vec::new(),
            timings,
        ));
    }
    let mut timings = vec![("check", t.elapsed())];
    let writer = output::Writer::begin(lock).map_err(|e| {
        let message = if e.kind() == std::io::ErrorKind::InvalidInput {
            e.to_string()
        } else {
            format!("could not write {}: {e}", out.display())
        };
        CmdError::usage(message).after(before.clone())
    })?;
    let sink = |f: OutputFile| writer.put(&f.path, &f.bytes);
    // Files whose inputs did not change since the last build are kept, not made again.
    let reuse = stamp
        .as_ref()
        .map(|s| stamp::StampKeep::load(s, &out, &writer, !args.force));
    let progress = super::progress::Progress::start(ui.quiet);
    let keep: &dyn crate::files::Keep = match &reuse {
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
    let diagnostics = result.render_diagnostics(ui.color);
    let before = before + &diagnostics;
    let left = |e: String| format!("{e}; {} left as it was", out.display());
    if result.errors() > 0 {
        return Err(CmdError::content(left("build failed".into())).after(before));
    }
    if let Some(e) = &result.output_error {
        let e = format!("could not write {}: {e}", out.display());
        return Err(CmdError::usage(left(e)).after(before));
    }
    timings.extend(result.timings.iter().copied());
    let kept = result.kept;
    let pages = reuse.map(|r| r.into_pages()).unwrap_or_default();
    let t = Instant::now();
    stamp::invalidate(&out);
    // The lock comes back, so the stamp is saved before another build can start.
    let (stats, _lock) = writer.commit().map_err(|e| {
        let e = format!("could not write {}: {e}", out.display());
        CmdError::usage(left(e)).after(before.clone())
    })?;
    timings.push((WRITE, t.elapsed()));
    let mut warnings = stats.warnings.clone();
    if let Some(stamp) = &stamp {
        if let Err(e) = stamp::save(stamp, &out, result.diagnostics.is_empty(), &pages) {
            warnings.push(format!("could not record the build stamp: {e}"));
        }
    }
    let counts = Counts {
        files: stats.written + stats.unchanged,
        written: stats.written,
        unchanged: stats.unchanged,
        removed: stats.removed,
        kept,
    };
    Ok(report(
        Outcome::Built(counts),
        diagnostics,
        warnings,
        timings,
    ))
}

impl BuildReport {
    /// What the binary prints on stderr: warnings, diagnostics, the timings when asked for,
    /// and the closing line (unless `-q`).
    pub fn print(&self, ui: Ui, timings: bool) {
        for w in &self.lock_warnings {
            eprintln!("warning: {w}");
        }
        eprint!("{}", self.diagnostics);
        for w in &self.warnings {
            eprintln!("warning: {w}");
        }
        if timings {
            for (stage, d) in &self.timings {
                let note = if *stage == WRITE {
                    "  (pages are staged while they render; this is the commit)"
                } else {
                    ""
                };
                eprintln!("  {stage:<8} {:>8.1} ms{note}", d.as_secs_f64() * 1000.0);
            }
        }
        ui.say(format_args!("{}", self.summary()));
    }

    /// The closing line.
    pub fn summary(&self) -> String {
        let out = self.out.display();
        match self.outcome {
            Outcome::UpToDate => format!(
                "{out} is up to date: nothing changed since the last build (--force rebuilds)"
            ),
            Outcome::Built(c) => format!(
                "built {} files into {out} in {:.0} ms ({} written, {} unchanged, {} removed; {} kept from the last build)",
                c.files,
                self.elapsed.as_secs_f64() * 1000.0,
                c.written,
                c.unchanged,
                c.removed,
                c.kept
            ),
        }
    }
}

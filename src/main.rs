//! The `trustatlas` command line. Exit codes: 0 success, 1 content errors, 2 usage or I/O
//! errors (clap uses 2 for usage errors too).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

use trustatlas::build::{build_site_cached, build_site_streaming, BuildOptions};
use trustatlas::{cache, date, output};

/// mimalloc instead of the system allocator: rendering makes millions of small, short-lived
/// allocations on several threads, where glibc's malloc spent about a sixth of the build
/// (measured with perf; see docs/PERFORMANCE.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "trustatlas",
    version,
    about = "Build the TrustAtlas public trust registry site"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (replaced only when the build succeeds).
    Build {
        /// Folder holding site.toml, content/, themes/ and static/.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output folder. Relative paths are taken from the current directory.
        #[arg(long, default_value = "public")]
        out: PathBuf,
        /// Override site.toml's base_url (for preview deploys).
        #[arg(long)]
        base_url: Option<String>,
        /// Most files the output may hold: Cloudflare Pages allows 20,000 on the Free plan and
        /// 100,000 on Workers Paid. Overrides `[deploy] max_files` in site.toml.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100_000))]
        max_files: Option<u32>,
        /// Print how long each stage took.
        #[arg(long)]
        timings: bool,
        /// Build even when nothing changed since the last build into this output.
        #[arg(long)]
        force: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            root,
            out,
            base_url,
            max_files,
            timings,
            force,
        } => build(root, out, base_url, max_files, timings, force),
    }
}

fn build(
    root: PathBuf,
    out: PathBuf,
    base_url: Option<String>,
    max_files: Option<u32>,
    timings: bool,
    force: bool,
) -> ExitCode {
    let started = Instant::now();
    let build_date = match date::build_date_from_env() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if !root.join("site.toml").is_file() {
        eprintln!("error: no site.toml in {}\n  help: run trustatlas in the folder that holds site.toml, or pass --root DIR", root.display());
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
    // Nothing changed since the last build into `out`: skip the whole pipeline.
    let t = Instant::now();
    let stamp = cache::input_stamp(&opts).ok();
    if stamp
        .as_ref()
        .is_some_and(|s| !force && cache::is_fresh(s, &out))
    {
        if timings {
            eprintln!(
                "  {:<8} {:>8.1} ms",
                "check",
                t.elapsed().as_secs_f64() * 1000.0
            );
        }
        eprintln!(
            "{} is up to date: nothing changed since the last build (--force rebuilds)",
            out.display()
        );
        return ExitCode::SUCCESS;
    }
    let check_time = t.elapsed();
    let writer = match output::Writer::begin(&out) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: could not write {}: {e}", out.display());
            return ExitCode::from(2);
        }
    };
    let sink = |f: trustatlas::render::OutputFile| writer.put(&f.path, &f.bytes);
    // Vendor pages whose inputs did not change since the last build are kept, not rendered.
    let reuse = stamp
        .as_ref()
        .map(|s| cache::PageReuse::load(s, &out, &writer, !force));
    let result = match &reuse {
        Some(r) => build_site_cached(&opts, &sink, r),
        None => build_site_streaming(&opts, &sink),
    };
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    eprint!("{}", result.render_diagnostics(color));
    if result.errors() > 0 {
        eprintln!("error: build failed; {} left as it was", out.display());
        return ExitCode::from(1);
    }
    if let Some(e) = &result.output_error {
        eprintln!("error: could not write {}: {e}", out.display());
        return ExitCode::from(2);
    }
    let kept = reuse.as_ref().map_or(0, |r| r.kept());
    let pages = reuse.map(|r| r.into_pages()).unwrap_or_default();
    let t = Instant::now();
    cache::invalidate(&out);
    let stats = match writer.commit() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: could not write {}: {e}", out.display());
            return ExitCode::from(2);
        }
    };
    let commit_time = t.elapsed();
    if let Some(stamp) = &stamp {
        if let Err(e) = cache::save(stamp, &out, result.diagnostics.is_empty(), &pages) {
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
    eprintln!(
        "built {} files into {} in {:.0} ms ({} written, {} unchanged, {} removed; {} vendor pages kept from the last build)",
        result.file_count,
        out.display(),
        started.elapsed().as_secs_f64() * 1000.0,
        stats.written,
        stats.unchanged,
        stats.removed,
        kept
    );
    ExitCode::SUCCESS
}

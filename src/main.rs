//! The `trustatlas` command line. Exit codes: 0 success, 1 content errors, 2 usage or I/O
//! errors (clap uses 2 for usage errors too).

use std::io::IsTerminal;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

use trustatlas::build::{build_site, build_site_cached, build_site_streaming, BuildOptions};
use trustatlas::serve::{self, ServeOptions};
use trustatlas::{cache, date, emit, output};

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
        /// Output folder. Relative paths are taken from the current directory. It must be new,
        /// empty or filled by an earlier build: the build refuses to delete files it did not write.
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
    /// Serve the site locally, rebuild on every change and reload open pages. Serves from
    /// memory: public/ is never touched.
    Serve {
        /// Folder holding site.toml, content/, themes/ and static/.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Address to listen on. The default keeps the site on this machine.
        #[arg(long, default_value = "127.0.0.1")]
        bind: IpAddr,
        /// Port to listen on; 0 picks a free one. The URL is printed either way.
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        /// Poll for changes instead of using file-system notifications (network drives,
        /// WSL, containers).
        #[arg(long)]
        poll: bool,
        /// Most files the site may hold, as for `build` (overrides `[deploy] max_files`).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100_000))]
        max_files: Option<u32>,
        /// Print how long each stage of every rebuild took.
        #[arg(long)]
        timings: bool,
        /// Also answer requests for this host name (repeatable; `*` answers any). By
        /// default only localhost and this machine's addresses are answered, so a web page
        /// cannot read the server through DNS rebinding.
        #[arg(long = "allow-host", value_name = "NAME")]
        allow_hosts: Vec<String>,
    },
    /// Build without writing, then check links, anchors, dates and citations. Exit 0 when
    /// clean, 1 on content errors (or warnings with --strict), 2 on usage or I/O errors.
    Check {
        /// Folder holding site.toml, content/, themes/ and static/.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Treat warnings as errors.
        #[arg(long)]
        strict: bool,
        /// `human` (rustc-style, on stderr) or `json` (on stdout, for tools and CI).
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Write a JSON Schema (draft-07) for each kind of content file, for editor completion
    /// and validation (see docs/DIAGNOSTICS.md).
    Schema {
        /// Folder to write `<kind>.schema.json` files into.
        #[arg(long, default_value = "schema")]
        out: PathBuf,
    },
    /// Write a new content file with every field present and explained; refuses to
    /// overwrite. The file passes `check` as it is.
    New {
        #[command(subcommand)]
        what: New,
        /// Folder holding site.toml, content/, themes/ and static/.
        #[arg(long, default_value = ".", global = true)]
        root: PathBuf,
        /// Write `<name>.toml` (front matter only, validated by TOML editors against the JSON
        /// Schema) instead of `<name>.md`.
        #[arg(long, global = true)]
        toml: bool,
    },
}

#[derive(Subcommand)]
enum New {
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

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Human,
    Json,
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
        Command::Check {
            root,
            strict,
            format,
        } => check(root, strict, format),
        Command::Schema { out } => schema(&out),
        Command::New { what, root, toml } => new(what, &root, toml),
        Command::Serve {
            root,
            bind,
            port,
            open,
            poll,
            max_files,
            timings,
            allow_hosts,
        } => serve(ServeOptions {
            root,
            bind,
            port,
            open,
            poll,
            max_files,
            timings,
            allow_hosts,
            limits: serve::listen::Limits::from_env(),
            color: std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        }),
    }
}

fn serve(opts: ServeOptions) -> ExitCode {
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

fn new(what: New, root: &Path, toml: bool) -> ExitCode {
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
    eprintln!(
        "created {}: fill in the fields, then run `trustatlas check`",
        rel.display()
    );
    ExitCode::SUCCESS
}

fn schema(out: &Path) -> ExitCode {
    if let Err(e) = std::fs::create_dir_all(out) {
        eprintln!("error: could not create {}: {e}", out.display());
        return ExitCode::from(2);
    }
    for kind in trustatlas::schema::KINDS {
        let path = out.join(kind.file_name());
        if let Err(e) = std::fs::write(&path, kind.json()) {
            eprintln!("error: could not write {}: {e}", path.display());
            return ExitCode::from(2);
        }
        eprintln!("wrote {} ({})", path.display(), kind.files);
    }
    ExitCode::SUCCESS
}

/// Usage problems shared by every command that reads a site: exit 2 before any work.
fn site_root_and_date(root: &Path) -> Result<date::Day, ExitCode> {
    let build_date = date::build_date_from_env().map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(2)
    })?;
    if let Some((message, help)) = trustatlas::source::site_toml_problem(root) {
        eprintln!("error: {message}\n  help: {help}");
        return Err(ExitCode::from(2));
    }
    Ok(build_date)
}

fn check(root: PathBuf, strict: bool, format: Format) -> ExitCode {
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
    let text = |p: &Path| checked.source_text(p);
    match format {
        Format::Human => {
            let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            eprint!("{}", checked.render_human(color));
        }
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
        eprintln!(
            "error: could not write {}: {e}; {} left as it was",
            out.display(),
            out.display()
        );
        return ExitCode::from(2);
    }
    let kept = reuse.as_ref().map_or(0, |r| r.kept());
    let pages = reuse.map(|r| r.into_pages()).unwrap_or_default();
    let t = Instant::now();
    cache::invalidate(&out);
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
        // Every file of the new tree, kept vendor pages included.
        stats.written + stats.unchanged,
        out.display(),
        started.elapsed().as_secs_f64() * 1000.0,
        stats.written,
        stats.unchanged,
        stats.removed,
        kept
    );
    ExitCode::SUCCESS
}

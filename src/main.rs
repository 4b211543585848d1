//! The `trustatlas` command line. Exit codes: 0 success, 1 content errors, 2 usage or I/O
//! errors (clap uses 2 for usage errors too).

use std::io::IsTerminal;
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

use trustatlas::build::{build_site, BuildOptions};
use trustatlas::serve::{self, ServeOptions};
use trustatlas::{date, output};

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
        /// Print how long each stage took.
        #[arg(long)]
        timings: bool,
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
        /// Print how long each stage of every rebuild took.
        #[arg(long)]
        timings: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            root,
            out,
            base_url,
            timings,
        } => build(root, out, base_url, timings),
        Command::Serve {
            root,
            bind,
            port,
            open,
            poll,
            timings,
        } => serve(ServeOptions {
            root,
            bind,
            port,
            open,
            poll,
            timings,
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

fn build(root: PathBuf, out: PathBuf, base_url: Option<String>, timings: bool) -> ExitCode {
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
    let result = build_site(&BuildOptions {
        root,
        build_date,
        base_url,
    });
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    eprint!("{}", result.render_diagnostics(color));
    let Some(files) = &result.files else {
        eprintln!("error: build failed; {} left as it was", out.display());
        return ExitCode::from(1);
    };
    let t = Instant::now();
    if let Err(e) = output::write_site(&out, files) {
        eprintln!("error: could not write {}: {e}", out.display());
        return ExitCode::from(2);
    }
    if timings {
        for (stage, d) in &result.timings {
            eprintln!("  {stage:<8} {:>8.1} ms", d.as_secs_f64() * 1000.0);
        }
        eprintln!(
            "  {:<8} {:>8.1} ms",
            "write",
            t.elapsed().as_secs_f64() * 1000.0
        );
    }
    eprintln!(
        "built {} files into {} in {:.0} ms",
        files.len(),
        out.display(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    ExitCode::SUCCESS
}

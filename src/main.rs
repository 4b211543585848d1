//! The `trustatlas` command line. Exit codes: 0 success, 1 content errors, 2 usage or I/O
//! errors (clap uses 2 for usage errors too). Each command lives in `src/cmd/`; this file is
//! the clap definition and the dispatch.

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

use trustatlas::serve::{self, ServeOptions};

mod cmd;

use cmd::{build::BuildArgs, check::Format, new::New, site_root, theme::Theme, Ui};

/// mimalloc instead of the system allocator: rendering makes millions of small, short-lived
/// allocations on several threads, where glibc's malloc spent about a sixth of the build
/// (measured with perf; see docs/PERFORMANCE.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const EXAMPLES: &str = "\
Examples:
  trustatlas init my-registry     start a new registry (an example vendor, explained site.toml)
  trustatlas serve --open         preview it, reloaded on every save
  trustatlas check --strict       every mistake with file:line:col; warnings fail
  trustatlas build                build it into public/ (from any folder inside the site)
  trustatlas new vendor acme-ai   a new vendor file with every field explained
  trustatlas completions bash > ~/.local/share/bash-completion/completions/trustatlas

Docs: README.md, docs/CONTENT.md, docs/PUBLISHING.md";

#[derive(Parser)]
#[command(
    name = "trustatlas",
    version = trustatlas::embedded::VERSION,
    about = "Build the TrustAtlas public trust registry site",
    after_help = EXAMPLES
)]
struct Cli {
    /// Print only warnings and errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Say more: the site used even with --root, how long each stage took.
    #[arg(short, long, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (replaced only when the build succeeds).
    Build(BuildArgs),
    /// Serve the site locally, rebuild on every change and reload open pages. Serves from
    /// memory: public/ is never touched.
    Serve {
        /// Folder holding site.toml (default: the nearest at or above the current folder).
        #[arg(long)]
        root: Option<PathBuf>,
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
        /// Folder holding site.toml (default: the nearest at or above the current folder).
        #[arg(long)]
        root: Option<PathBuf>,
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
        /// Folder holding site.toml (default: the nearest at or above the current folder).
        #[arg(long, global = true)]
        root: Option<PathBuf>,
        /// Write `<name>.toml` (front matter only, validated by TOML editors against the JSON
        /// Schema) instead of `<name>.md`.
        #[arg(long, global = true)]
        toml: bool,
    },
    /// Start a new registry in DIR (default: the current folder), which must be new or
    /// empty: site.toml explained, an example vendor, certification and report, the
    /// framework catalogs, a README for editors, .gitignore and a deploy workflow.
    Init {
        /// The folder to create the registry in.
        dir: Option<PathBuf>,
    },
    /// Print a shell completion script: bash, zsh, fish, powershell or elvish.
    #[command(after_help = "Example: trustatlas completions zsh > ~/.zfunc/_trustatlas")]
    Completions {
        #[arg(value_enum)]
        shell: cmd::completions::Shell,
    },
    /// Print the man page (roff): `trustatlas man > trustatlas.1`.
    Man,
    /// The theme built into trustatlas: `theme eject` writes it into themes/default/ to edit.
    Theme {
        #[command(subcommand)]
        what: Theme,
        /// Folder holding site.toml (default: the nearest at or above the current folder).
        #[arg(long, global = true)]
        root: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let ui = Ui {
        quiet: cli.quiet,
        verbose: cli.verbose,
    };
    let found = |root| site_root(root, ui);
    match cli.command {
        Command::Build(args) => match found(args.root.clone()) {
            Ok(root) => cmd::build::run(args, root, ui),
            Err(code) => code,
        },
        Command::Check {
            root,
            strict,
            format,
        } => match found(root) {
            Ok(root) => cmd::check::run(root, strict, format),
            Err(code) => code,
        },
        Command::Schema { out } => cmd::schema::run(&out, ui),
        Command::New { what, root, toml } => match found(root) {
            Ok(root) => cmd::new::run(what, &root, toml, ui),
            Err(code) => code,
        },
        Command::Completions { shell } => cmd::completions::completions(shell, Cli::command()),
        Command::Man => cmd::completions::man(Cli::command()),
        Command::Init { dir } => cmd::init::run(dir, ui),
        Command::Theme { what, root } => match found(root) {
            Ok(root) => cmd::theme::run(what, &root, ui),
            Err(code) => code,
        },
        Command::Serve {
            root,
            bind,
            port,
            open,
            poll,
            max_files,
            timings,
            allow_hosts,
        } => match found(root) {
            Ok(root) => cmd::serve::run(ServeOptions {
                root,
                bind,
                port,
                open,
                poll,
                max_files,
                timings: timings || ui.verbose,
                allow_hosts,
                limits: serve::listen::Limits::from_env(),
                color: cmd::color(),
            }),
            Err(code) => code,
        },
    }
}

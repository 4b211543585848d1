//! The `trustatlas` command line: the clap definition of the commands and the dispatch to
//! `trustatlas::cmd`, where each command is a library function (its flags included). Exit
//! codes: 0 success, 1 content errors, 2 usage or I/O errors (clap uses 2 for usage errors too).

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

use trustatlas::cmd::{self, Ui};

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
    Build(cmd::build::BuildArgs),
    /// Serve the site locally, rebuild on every change and reload open pages. Serves from
    /// memory: public/ is never touched.
    Serve(cmd::serve::ServeArgs),
    /// Build without writing, then check links, anchors, dates and citations. Exit 0 when
    /// clean, 1 on content errors (or warnings with --strict), 2 on usage or I/O errors.
    Check(cmd::check::CheckArgs),
    /// Write a JSON Schema (draft-07) for each kind of content file, for editor completion
    /// and validation (see docs/DIAGNOSTICS.md).
    Schema(cmd::schema::SchemaArgs),
    /// Write a new content file with every field present and explained; refuses to
    /// overwrite. The file passes `check` as it is.
    New(cmd::new::NewArgs),
    /// Start a new registry in DIR (default: the current folder), which must be new or
    /// empty: site.toml explained, an example vendor, certification and report, the
    /// framework catalogs, a README for editors, .gitignore and a deploy workflow.
    Init(cmd::init::InitArgs),
    /// Print a shell completion script: bash, zsh, fish, powershell or elvish.
    #[command(after_help = "Example: trustatlas completions zsh > ~/.zfunc/_trustatlas")]
    Completions(cmd::completions::CompletionsArgs),
    /// Print the man page (roff): `trustatlas man > trustatlas.1`.
    Man,
    /// The theme built into trustatlas: `theme eject` writes it into themes/default/ to edit.
    Theme(cmd::theme::ThemeArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let ui = Ui {
        quiet: cli.quiet,
        verbose: cli.verbose,
        color: cmd::color(),
    };
    cmd::exit_code(match cli.command {
        Command::Build(args) => cmd::build::execute(args, ui),
        Command::Serve(args) => cmd::serve::execute(args, ui),
        Command::Check(args) => cmd::check::execute(args, ui),
        Command::Schema(args) => cmd::schema::execute(args, ui),
        Command::New(args) => cmd::new::execute(args, ui),
        Command::Init(args) => cmd::init::execute(args, ui),
        Command::Completions(args) => cmd::completions::completions(args, Cli::command()),
        Command::Man => cmd::completions::man(Cli::command()),
        Command::Theme(args) => cmd::theme::execute(args, ui),
    })
}

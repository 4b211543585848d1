//! `trustatlas serve`: the dev server's flags and their [`ServeOptions`] (the work is in
//! `crate::serve`).

use std::net::IpAddr;
use std::path::PathBuf;

use crate::serve::{self, ServeOptions};

use super::{build_date, site_root, CmdError, Ui};

#[derive(clap::Args, Clone, Debug)]
pub struct ServeArgs {
    /// Folder holding site.toml (default: the nearest at or above the current folder).
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Address to listen on. The default keeps the site on this machine.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Port to listen on; 0 picks a free one. The URL is printed either way.
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Poll for changes instead of using file-system notifications (network drives,
    /// WSL, containers).
    #[arg(long)]
    pub poll: bool,
    /// Most files the site may hold, as for `build` (overrides `[deploy] max_files`).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub max_files: Option<u32>,
    /// Print how long each stage of every rebuild took.
    #[arg(long)]
    pub timings: bool,
    /// Also answer requests for this host name (repeatable; `*` answers any). By
    /// default only localhost and this machine's addresses are answered, so a web page
    /// cannot read the server through DNS rebinding.
    #[arg(long = "allow-host", value_name = "NAME")]
    pub allow_hosts: Vec<String>,
}

/// The binary's `serve`: runs until interrupted.
pub fn execute(args: ServeArgs, ui: Ui) -> Result<(), CmdError> {
    let root = site_root(args.root.clone(), ui)?;
    build_date()?;
    let opts = options(args, root, ui);
    serve::run(opts).map_err(CmdError::usage)
}

/// The server's options for the site at `root` (`args.root` is not read); the HTTP limits
/// come from the environment (`serve::listen::Limits::from_env`).
pub fn options(args: ServeArgs, root: PathBuf, ui: Ui) -> ServeOptions {
    ServeOptions {
        root,
        bind: args.bind,
        port: args.port,
        open: args.open,
        poll: args.poll,
        max_files: args.max_files,
        timings: args.timings || ui.verbose,
        allow_hosts: args.allow_hosts,
        limits: serve::listen::Limits::from_env(),
        color: ui.color,
    }
}

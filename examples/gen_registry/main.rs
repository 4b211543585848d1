//! Writes a synthetic, deterministic TrustAtlas site of N vendors, for benchmarks and scale
//! tests. Never for `content/`: every name says "Synthetic" and every URL is on example.com.
//!
//! ```sh
//! cargo run --release --example gen_registry -- --vendors 10000 --seed 1 --out /dev/shm/reg
//! trustatlas build --root /dev/shm/reg --out /dev/shm/reg-public --timings
//! ```

mod gen;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

/// Generate a synthetic TrustAtlas registry (site.toml, content/, themes/) into a folder.
#[derive(Parser)]
#[command(name = "gen_registry")]
struct Args {
    /// How many vendors to generate.
    #[arg(long)]
    vendors: usize,
    /// Seed of the pseudo-random generator: the same seed and count give the same bytes.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Folder to write the site into. It must be empty, missing, or a previous output of
    /// this generator (which is then replaced).
    #[arg(long)]
    out: PathBuf,
    /// Theme folder to copy into the site (default: this repository's themes/).
    #[arg(long)]
    themes: Option<PathBuf>,
    /// Repository whose site.toml, frameworks and questions the synthetic site reuses.
    #[arg(long)]
    source_root: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let source_root = args.source_root.unwrap_or_else(|| repo.clone());
    let opts = gen::Options {
        vendors: args.vendors,
        seed: args.seed,
        themes: args.themes.unwrap_or_else(|| source_root.join("themes")),
        source_root,
    };
    match gen::generate(&opts, &args.out) {
        Ok(stats) => {
            eprintln!(
                "wrote {} vendors, {} certifications, {} reports, {} frameworks into {}",
                stats.vendors,
                stats.certifications,
                stats.reports,
                stats.frameworks,
                args.out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

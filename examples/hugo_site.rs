//! Writes the Hugo site that `bench/run.sh` builds next to ours, from the same registry: one
//! page per vendor with the same facts and scores table, a taxonomy term page per
//! certification, a home page listing every vendor with its composite computed in the template
//! (weights and bands come from site.toml's default profile, as params). Layouts are in
//! `bench/hugo/layouts`.
//!
//! ```sh
//! cargo run --release --example hugo_site -- --root /dev/shm/reg --out /dev/shm/reg-hugo
//! ```
//!
//! The registry is read with TrustAtlas's own loader, so Hugo gets exactly the values our
//! pages show (fact labels and displayed values, holdings, dimension names, Markdown bodies).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use toml::{Table, Value};

use trustatlas::model::{self, Registry};
use trustatlas::source;

#[derive(Parser)]
#[command(name = "hugo_site")]
struct Args {
    /// A TrustAtlas site (as written by gen_registry).
    #[arg(long)]
    root: PathBuf,
    /// Folder to write the Hugo site into (replaced).
    #[arg(long)]
    out: PathBuf,
    /// Folder holding the Hugo layouts (default: bench/hugo/layouts of this repository).
    #[arg(long)]
    layouts: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let mut diags = Vec::new();
    let sources = source::load(&args.root, &mut diags);
    let Some(reg) = model::load(&sources, &mut diags) else {
        eprintln!(
            "error: {} does not load ({} diagnostics); run trustatlas build on it",
            args.root.display(),
            diags.len()
        );
        return ExitCode::from(1);
    };
    let layouts = args
        .layouts
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("bench/hugo/layouts"));
    match write(&reg, &layouts, &args.out) {
        Ok(()) => {
            eprintln!(
                "wrote a Hugo site of {} vendors and {} certifications into {}",
                reg.vendors.len(),
                reg.certifications.len(),
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

fn s(v: &str) -> Value {
    Value::String(v.to_string())
}

fn write(reg: &Registry, layouts: &Path, out: &Path) -> std::io::Result<()> {
    if out.exists() {
        fs::remove_dir_all(out)?;
    }
    fs::create_dir_all(out.join("content/vendors"))?;
    fs::write(out.join("hugo.toml"), config(reg))?;
    copy_tree(layouts, &out.join("layouts"))?;
    fs::write(
        out.join("content/vendors/_index.md"),
        "+++\ntitle = \"Vendors\"\n+++\n",
    )?;
    fs::create_dir_all(out.join("content/certifications"))?;
    fs::write(
        out.join("content/certifications/_index.md"),
        "+++\ntitle = \"Certifications\"\n+++\n",
    )?;
    for c in &reg.certifications {
        let dir = out.join("content/certifications").join(&c.slug);
        fs::create_dir_all(&dir)?;
        let mut fm = Table::new();
        fm.insert("title".into(), s(&c.name));
        fm.insert("short_name".into(), s(&c.short_name));
        fm.insert("issuer".into(), s(&c.issuer));
        fm.insert("kind".into(), s(&c.kind_label));
        fs::write(dir.join("_index.md"), page(&fm, &c.body))?;
    }
    let cfg = &reg.config;
    for v in &reg.vendors {
        let mut fm = Table::new();
        fm.insert("title".into(), s(&v.name));
        fm.insert("description".into(), s(&v.description));
        fm.insert("category".into(), s(&cfg.categories[v.category].name));
        let hq: Vec<&str> = [&v.hq_city, &v.hq_country]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        fm.insert("hq".into(), s(&hq.join(", ")));
        if let Some(f) = v.founded {
            fm.insert("founded".into(), Value::Integer(f));
        }
        if let Some(r) = v.rating {
            fm.insert("rating".into(), s(&cfg.ratings[r].name));
        }
        let certs: Vec<Value> = v
            .holdings
            .iter()
            .map(|h| s(&reg.certifications[h.certification].slug))
            .collect();
        fm.insert("certifications".into(), Value::Array(certs));
        let facts: Vec<Value> = v
            .facts
            .iter()
            .map(|sec| {
                let rows: Vec<Value> = sec
                    .rows
                    .iter()
                    .map(|f| {
                        let mut row = Table::new();
                        row.insert("label".into(), s(f.label));
                        row.insert("value".into(), s(&f.value.display()));
                        if let Some(d) = &f.detail {
                            row.insert("detail".into(), s(d));
                        }
                        Value::Table(row)
                    })
                    .collect();
                let mut t = Table::new();
                t.insert("title".into(), s(sec.title));
                t.insert("rows".into(), Value::Array(rows));
                Value::Table(t)
            })
            .collect();
        fm.insert("facts".into(), Value::Array(facts));
        if let Some(scores) = &v.scores {
            let rows: Vec<Value> = scores
                .iter()
                .zip(&cfg.dimensions)
                .map(|(sc, d)| {
                    let mut t = Table::new();
                    t.insert("key".into(), s(&d.key));
                    t.insert("name".into(), s(&d.name));
                    t.insert("score".into(), Value::Integer(i64::from(sc.value)));
                    t.insert("rationale".into(), s(&sc.rationale));
                    Value::Table(t)
                })
                .collect();
            fm.insert("scores".into(), Value::Array(rows));
        }
        fs::write(
            out.join("content/vendors").join(format!("{}.md", v.slug)),
            page(&fm, &v.body),
        )?;
    }
    Ok(())
}

fn page(front: &Table, body: &str) -> String {
    format!(
        "+++\n{}+++\n{body}",
        toml::to_string(front).expect("tables serialize")
    )
}

/// hugo.toml: the taxonomy, and the default profile's weights and the bands as params.
fn config(reg: &Registry) -> String {
    let cfg = &reg.config;
    let mut t = Table::new();
    t.insert("baseURL".into(), s(&format!("{}/", cfg.base_url)));
    t.insert("title".into(), s(&cfg.title));
    t.insert("languageCode".into(), s(&cfg.language));
    t.insert("disableKinds".into(), Value::Array(vec![s("rss")]));
    let mut tax = Table::new();
    tax.insert("certification".into(), s("certifications"));
    t.insert("taxonomies".into(), Value::Table(tax));
    let profile = &cfg.profiles[cfg.default_profile];
    let mut weights = Table::new();
    for (d, w) in cfg.dimensions.iter().zip(&profile.weights) {
        weights.insert(d.key.clone(), Value::Integer(i64::from(*w)));
    }
    let bands: Vec<Value> = cfg
        .bands
        .iter()
        .map(|b| {
            let mut x = Table::new();
            x.insert("key".into(), s(&b.key));
            x.insert("name".into(), s(&b.name));
            x.insert("min".into(), Value::Float(b.min));
            Value::Table(x)
        })
        .collect();
    let mut params = Table::new();
    params.insert("weights".into(), Value::Table(weights));
    params.insert("bands".into(), Value::Array(bands));
    t.insert("params".into(), Value::Table(params));
    toml::to_string(&t).expect("tables serialize")
}

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.map_err(std::io::Error::other)?;
        let rel = entry.path().strip_prefix(from).expect("under from");
        if entry.file_type().is_dir() {
            fs::create_dir_all(to.join(rel))?;
        } else {
            fs::copy(entry.path(), to.join(rel))?;
        }
    }
    Ok(())
}

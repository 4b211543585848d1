//! The synthetic registry generator behind `examples/gen_registry`. Kept in its own file so
//! `tests/gen_registry.rs` can include it and check that what it writes builds cleanly.
//!
//! Every vendor, certification and report is drawn from a small PRNG seeded by
//! (seed, kind, index), so vendor 42 is the same whatever N is, and the same seed and N give
//! byte-identical folders. site.toml's dimensions, profiles, bands, ratings and categories,
//! the framework catalogs and the questions are copied from the real repository, so the
//! synthetic site exercises exactly the templates and checks the real one does.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use trustatlas::model::facts::{FactKind, SECTIONS};
use trustatlas::model::CERT_KINDS;

/// Number of synthetic certification schemes.
pub const CERTIFICATIONS: usize = 30;
/// One verification report per this many vendors.
pub const VENDORS_PER_REPORT: usize = 5;
/// The marker file that lets a second run replace a folder this generator wrote.
const MARKER: &str = ".gen_registry";

pub struct Options {
    pub vendors: usize,
    pub seed: u64,
    /// Folder holding the repository's `site.toml` and `content/frameworks`, `content/questions.toml`.
    pub source_root: PathBuf,
    /// The `themes/` folder copied into the site.
    pub themes: PathBuf,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub vendors: usize,
    pub certifications: usize,
    pub reports: usize,
    pub frameworks: usize,
}

/// SplitMix64: tiny, fast, good enough statistical quality for test data, and stable across
/// platforms and crate versions (which a `rand` upgrade would not promise).
pub struct Rng(u64);

impl Rng {
    /// A generator for one item: independent streams per (seed, kind, index).
    pub fn for_item(seed: u64, kind: u64, index: u64) -> Rng {
        let mut r = Rng(seed ^ kind.wrapping_mul(0xA076_1D64_78BD_642F));
        r.0 ^= index.wrapping_mul(0xE703_7ED1_A0B4_28DB);
        r.next();
        r
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    pub fn pick<'a, T: ?Sized>(&mut self, items: &[&'a T]) -> &'a T {
        items[(self.next() % items.len() as u64) as usize]
    }

    /// `k` distinct indices from `0..n`, in ascending order.
    pub fn distinct(&mut self, k: usize, n: usize) -> Vec<usize> {
        let mut all: Vec<usize> = (0..n).collect();
        for i in 0..k.min(n) {
            let j = i + (self.next() % (n - i) as u64) as usize;
            all.swap(i, j);
        }
        let mut out = all[..k.min(n)].to_vec();
        out.sort_unstable();
        out
    }
}

const VENDOR_STREAM: u64 = 1;
const CERT_STREAM: u64 = 2;
const REPORT_STREAM: u64 = 3;
const PAGE_STREAM: u64 = 4;

/// Writes the whole site into `out`.
pub fn generate(opts: &Options, out: &Path) -> io::Result<Stats> {
    prepare(out)?;
    let site = read_site_config(&opts.source_root)?;
    fs::write(out.join("site.toml"), site_toml(&site, opts)?)?;

    let content = out.join("content");
    for dir in [
        "vendors",
        "certifications",
        "reports",
        "frameworks",
        "pages",
    ] {
        fs::create_dir_all(content.join(dir))?;
    }
    let mut frameworks = 0;
    let fw_dir = opts.source_root.join("content/frameworks");
    let mut fw_files: Vec<PathBuf> = fs::read_dir(&fw_dir)
        .map_err(|e| with_path(e, &fw_dir))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    fw_files.sort();
    for f in &fw_files {
        fs::copy(
            f,
            content
                .join("frameworks")
                .join(f.file_name().expect("a file")),
        )?;
        frameworks += 1;
    }
    let questions = opts.source_root.join("content/questions.toml");
    fs::copy(&questions, content.join("questions.toml")).map_err(|e| with_path(e, &questions))?;
    fs::write(content.join("pages/about.md"), about_page(opts))?;

    let certs: Vec<GenCert> = (0..CERTIFICATIONS)
        .map(|i| gen_cert(opts.seed, i))
        .collect();
    for c in &certs {
        fs::write(
            content
                .join("certifications")
                .join(format!("{}.md", c.slug)),
            &c.text,
        )?;
    }

    let width = digits(opts.vendors);
    let mut holdings: Vec<Vec<usize>> = Vec::with_capacity(opts.vendors);
    for vi in 0..opts.vendors {
        let (text, held) = gen_vendor(opts.seed, vi, width, &site, &certs);
        fs::write(
            content
                .join("vendors")
                .join(format!("{}.md", vendor_slug(vi, width))),
            text,
        )?;
        holdings.push(held);
    }

    let mut reports = 0;
    for (ri, vi) in (0..opts.vendors).step_by(VENDORS_PER_REPORT).enumerate() {
        let (id, text) = gen_report(opts.seed, ri, vi, width, &holdings[vi], &certs);
        fs::write(
            content
                .join("reports")
                .join(format!("{}.md", id.to_lowercase())),
            text,
        )?;
        reports += 1;
    }

    copy_tree(&opts.themes, &out.join("themes"))?;
    Ok(Stats {
        vendors: opts.vendors,
        certifications: certs.len(),
        reports,
        frameworks,
    })
}

/// Creates `out`, or empties it when it is a previous output of this generator. Anything
/// else that is not empty is refused: the generator must never wipe someone's folder.
fn prepare(out: &Path) -> io::Result<()> {
    if out.exists() {
        let empty = fs::read_dir(out)?.next().is_none();
        if !empty {
            if !out.join(MARKER).is_file() {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!(
                        "{} is not empty and was not written by gen_registry; choose another --out",
                        out.display()
                    ),
                ));
            }
            fs::remove_dir_all(out)?;
        }
    }
    fs::create_dir_all(out)?;
    fs::write(
        out.join(MARKER),
        "Synthetic registry written by `cargo run --example gen_registry`; safe to delete.\n",
    )
}

fn with_path(e: io::Error, p: &Path) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", p.display()))
}

fn copy_tree(from: &Path, to: &Path) -> io::Result<()> {
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry.map_err(io::Error::other)?;
        let rel = entry.path().strip_prefix(from).expect("under from");
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target)?;
        } else if entry.file_type().is_file() {
            fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// The keys the generated vendors must use, read from the real site.toml.
pub struct SiteKeys {
    table: toml::Table,
    pub dimensions: Vec<String>,
    pub ratings: Vec<String>,
    pub categories: Vec<String>,
}

fn read_site_config(root: &Path) -> io::Result<SiteKeys> {
    let path = root.join("site.toml");
    let text = fs::read_to_string(&path).map_err(|e| with_path(e, &path))?;
    let table: toml::Table = text.parse().map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{}: {e}", path.display()),
        )
    })?;
    let keys = |name: &str| -> Vec<String> {
        table
            .get(name)
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|t| t.get("key")?.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    Ok(SiteKeys {
        dimensions: keys("dimensions"),
        ratings: keys("ratings"),
        categories: keys("categories"),
        table,
    })
}

fn site_toml(site: &SiteKeys, opts: &Options) -> io::Result<String> {
    let mut t = site.table.clone();
    let s = |v: &str| toml::Value::String(v.to_string());
    t.insert("title".into(), s("Synthetic Registry"));
    t.insert(
        "base_url".into(),
        s("https://synthetic-registry.example.com"),
    );
    t.insert(
        "description".into(),
        s(&format!(
            "A synthetic registry of {} invented vendors for benchmarks (seed {}). Nothing here describes a real company.",
            opts.vendors, opts.seed
        )),
    );
    t.insert(
        "caveats".into(),
        s("Every vendor, certification and report on this site is invented by a generator for benchmarking."),
    );
    let body = toml::to_string(&t).map_err(io::Error::other)?;
    Ok(format!(
        "# Synthetic site written by gen_registry (seed {}); dimensions, profiles, bands,\n# ratings and categories copied from the TrustAtlas repository.\n{body}",
        opts.seed
    ))
}

/// Zero-padded width of vendor numbers: at least 5 digits ("Synthetic Vendor 00042").
fn digits(n: usize) -> usize {
    n.to_string().len().max(5)
}

pub fn vendor_slug(vi: usize, width: usize) -> String {
    format!("synthetic-vendor-{:0width$}", vi + 1)
}

/// TOML string literal, escaped.
fn q(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn date(rng: &mut Rng, from_year: u64, to_year: u64, precision: u8) -> (u64, u64, u64, String) {
    let (y, m, d) = (
        rng.range(from_year, to_year),
        rng.range(1, 12),
        rng.range(1, 28),
    );
    let s = match precision {
        0 => format!("{y}"),
        1 => format!("{y}-{m:02}"),
        _ => format!("{y}-{m:02}-{d:02}"),
    };
    (y, m, d, s)
}

pub struct GenCert {
    pub slug: String,
    pub levels: Vec<&'static str>,
    text: String,
}

const LEVEL_SETS: &[&[&str]] = &[
    &["first", "second", "third"],
    &["type-1", "type-2"],
    &["basic", "substantial", "high"],
];

const REGIONS: &[&str] = &[
    "Global",
    "European Union",
    "United States",
    "Asia-Pacific",
    "Singapore",
    "Japan",
    "Germany",
    "Brazil",
    "Canada",
    "Korea",
];

fn gen_cert(seed: u64, ci: usize) -> GenCert {
    let mut rng = Rng::for_item(seed, CERT_STREAM, ci as u64);
    let n = ci + 1;
    let slug = format!("synthetic-scheme-{n:02}");
    let kind = CERT_KINDS[ci % CERT_KINDS.len()].0;
    let levels: Vec<&'static str> = if ci.is_multiple_of(3) {
        LEVEL_SETS[(ci / 3) % LEVEL_SETS.len()].to_vec()
    } else {
        Vec::new()
    };
    let mut t = String::from("+++\n");
    let _ = writeln!(t, "name = {}", q(&format!("Synthetic Scheme {n:02}")));
    let _ = writeln!(t, "short_name = {}", q(&format!("SYN-{n:02}")));
    let _ = writeln!(t, "kind = {}", q(kind));
    let _ = writeln!(
        t,
        "issuer = {}",
        q(&format!("Synthetic Standards Body {}", n % 7 + 1))
    );
    let _ = writeln!(t, "region = {}", q(REGIONS[ci % REGIONS.len()]));
    let _ = writeln!(
        t,
        "url = {}",
        q(&format!("https://scheme-{n:02}.example.org/"))
    );
    for l in &levels {
        let _ = writeln!(
            t,
            "\n[[levels]]\nkey = {}\nname = {}\ndescription = {}",
            q(l),
            q(&title_case(l)),
            q(&sentence(&mut rng, &format!("Synthetic Scheme {n:02}")))
        );
    }
    t.push_str("+++\n");
    t.push_str(&prose(&mut rng, &format!("Synthetic Scheme {n:02}"), false));
    GenCert {
        slug,
        levels,
        text: t,
    }
}

fn title_case(s: &str) -> String {
    let spaced = s.replace('-', " ");
    let mut c = spaced.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => spaced,
    }
}

const COUNTRIES: &[&str] = &[
    "United States",
    "Germany",
    "France",
    "Ireland",
    "Singapore",
    "Japan",
    "Canada",
    "United Kingdom",
    "China",
    "India",
    "Brazil",
    "Korea",
    "Netherlands",
    "Sweden",
];
const CITIES: &[&str] = &[
    "Springfield",
    "Rivertown",
    "Lakeside",
    "Hillview",
    "Northport",
    "Eastbrook",
    "Westfield",
    "Harborview",
    "Stonebridge",
    "Fairhaven",
];
const STAGES: &[&str] = &[
    "Public",
    "Private",
    "Series A",
    "Series B",
    "Series C",
    "Subsidiary",
];
const EMPLOYEES: &[&str] = &["1-50", "51-200", "201-1000", "1000-5000", "5000+"];
const FLAGS: &[&str] = &[
    "yes",
    "yes",
    "yes",
    "no",
    "no",
    "not_disclosed",
    "not_disclosed",
    "partial",
    "conditional",
    "self_assessed",
];
const RISKS: &[&str] = &["low", "moderate", "elevated", "high", "critical"];

fn token_value(key: &str, rng: &mut Rng) -> String {
    let pick = |rng: &mut Rng, xs: &[&str]| xs[(rng.next() % xs.len() as u64) as usize].to_string();
    match key {
        "trains_on_user_data" | "outputs_feed_model_improvement" => pick(
            rng,
            &["no", "yes", "opt_out_available", "opt_in", "not_disclosed"],
        ),
        "data_retention_period" => pick(
            rng,
            &[
                "30_days",
                "90_days",
                "1_year",
                "until_deletion",
                "not_disclosed",
            ],
        ),
        "default_data_residency" => pick(rng, &["US", "EU", "CN", "SG", "JP", "not_disclosed"]),
        "data_residency_options" => pick(
            rng,
            &[
                "US, EU",
                "EU only",
                "US, EU, APAC",
                "Customer choice of 12 regions",
                "not_disclosed",
            ],
        ),
        "user_owns_outputs" => pick(rng, &["yes", "conditional", "no", "not_disclosed"]),
        "input_ip_protection" => pick(rng, &["strong", "moderate", "weak", "not_disclosed"]),
        "training_data_provenance" => {
            pick(rng, &["disclosed", "partially_disclosed", "not_disclosed"])
        }
        "incorporation_country" => pick(rng, COUNTRIES),
        _ => pick(rng, RISKS),
    }
}

const DETAILS: &[&str] = &[
    "AES-256",
    "SLA 30 days",
    "report 2025-03-01",
    "enterprise plans only",
    "on request",
    "see the synthetic trust page",
    "EU and US regions",
];

fn gen_vendor(
    seed: u64,
    vi: usize,
    width: usize,
    site: &SiteKeys,
    certs: &[GenCert],
) -> (String, Vec<usize>) {
    let mut rng = Rng::for_item(seed, VENDOR_STREAM, vi as u64);
    let num = format!("{:0width$}", vi + 1);
    let name = format!("Synthetic Vendor {num}");
    let host = format!("https://vendor-{num}.example.com");
    let mut t = String::from("+++\n");
    let _ = writeln!(t, "name = {}", q(&name));
    let _ = writeln!(
        t,
        "category = {}",
        q(rng.pick(
            &site
                .categories
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
        ))
    );
    let _ = writeln!(
        t,
        "description = {}",
        q(&format!(
            "{name} is an invented cloud and AI vendor generated for benchmarks; {}",
            sentence(&mut rng, &name).to_lowercase()
        ))
    );
    let country = rng.pick(COUNTRIES);
    let _ = writeln!(
        t,
        "hq_country = {}\nhq_city = {}",
        q(country),
        q(rng.pick(CITIES))
    );
    let _ = writeln!(t, "founded = {}", rng.range(1975, 2024));
    let _ = writeln!(t, "ticker = {}", q(&format!("SYN{}", vi % 10_000)));
    let _ = writeln!(
        t,
        "parent = {}",
        q(&format!("Synthetic Holdings {}", vi % 97 + 1))
    );
    let _ = writeln!(
        t,
        "employees = {}\nstage = {}",
        q(rng.pick(EMPLOYEES)),
        q(rng.pick(STAGES))
    );
    let _ = writeln!(t, "website = {}", q(&format!("{host}/")));
    let _ = writeln!(
        t,
        "legal_entities = [{}, {}]",
        q(&format!("{name} Ltd")),
        q(&format!("{name} GmbH"))
    );
    // Cloudflare Pages reads at most 2,000 static redirect rules and each alias makes two, so
    // only about one vendor in a hundred among the first 9,000 has an old address.
    let aliased = rng.chance(10);
    if aliased && vi.is_multiple_of(10) && vi < 9_000 {
        let _ = writeln!(
            t,
            "aliases = [{}]",
            q(&format!("/vendor/former-synthetic-{num}/"))
        );
    }
    let rating = rng.pick(&site.ratings.iter().map(String::as_str).collect::<Vec<_>>());
    let _ = writeln!(
        t,
        "rating = {}\nrating_reason = {}",
        q(rating),
        q(&sentence(&mut rng, &name))
    );
    let _ = writeln!(
        t,
        "profile_source = {}",
        q(&format!(
            "Synthetic profile of {name}, generated with seed {seed}"
        ))
    );

    for s in SECTIONS {
        let _ = writeln!(t, "\n[{}]", s.key);
        for f in s.fields {
            let value = match f.kind {
                FactKind::Flag => rng.pick(FLAGS).to_string(),
                FactKind::Token => token_value(f.key, &mut rng),
                FactKind::Url => format!(
                    "{host}/{}",
                    f.key.trim_end_matches("_url").replace('_', "-")
                ),
            };
            if f.kind != FactKind::Url && rng.chance(15) {
                let _ = writeln!(
                    t,
                    "{} = {{ value = {}, detail = {} }}",
                    f.key,
                    q(&value),
                    q(rng.pick(DETAILS))
                );
            } else {
                let _ = writeln!(t, "{} = {}", f.key, q(&value));
            }
        }
    }

    for d in &site.dimensions {
        let _ = writeln!(
            t,
            "\n[scores.{d}]\nscore = {}\nrationale = {}",
            rng.range(0, 100),
            q(&sentence(&mut rng, &name))
        );
    }

    for _ in 0..rng.range(0, 2) {
        let (_, _, _, d) = date(&mut rng, 2018, 2026, 2);
        let _ = writeln!(
            t,
            "\n[[incidents]]\ndate = {}\ntitle = {}\nsummary = {}\nsource_url = {}",
            q(&d),
            q(&format!("Synthetic incident at {name}")),
            q(&sentence(&mut rng, &name)),
            q(&format!("{host}/incidents/{d}"))
        );
    }

    let count = rng.range(3, 8) as usize;
    let held = rng.distinct(count, certs.len());
    for ci in &held {
        let c = &certs[*ci];
        let _ = writeln!(t, "\n[[certifications]]\ncertification = {}", q(&c.slug));
        if !c.levels.is_empty() {
            let _ = writeln!(t, "level = {}", q(rng.pick(&c.levels)));
        }
        if rng.chance(60) {
            let _ = writeln!(
                t,
                "scope = {}",
                q(&format!("All services of {name} in the synthetic regions"))
            );
        }
        if rng.chance(70) {
            let (y, m, _, d) = date(&mut rng, 2018, 2025, 1);
            let _ = writeln!(
                t,
                "issued = {}\nvalid_until = {}",
                q(&d),
                q(&format!("{}-{m:02}", y + rng.range(1, 3)))
            );
        } else if rng.chance(50) {
            let (_, _, _, d) = date(&mut rng, 2022, 2026, 2);
            let _ = writeln!(t, "as_of = {}", q(&d));
        }
        let _ = writeln!(t, "note = {}", q(&sentence(&mut rng, &name)));
        let _ = writeln!(
            t,
            "source = {}",
            q(&format!("Synthetic compliance page of {name}"))
        );
        let _ = writeln!(
            t,
            "source_url = {}",
            q(&format!("{host}/compliance/{}", c.slug))
        );
        if rng.chance(30) {
            let _ = writeln!(
                t,
                "[[certifications.certificates]]\nlabel = \"Certificate\"\nnumber = {}",
                q(&format!("SYN-{:08}", rng.next() % 100_000_000))
            );
        }
    }

    let mut fields: Vec<String> = SECTIONS
        .iter()
        .flat_map(|s| s.fields.iter().map(move |f| format!("{}.{}", s.key, f.key)))
        .collect();
    fields.extend(site.dimensions.iter().map(|d| format!("scores.{d}")));
    let count = rng.range(3, 6) as usize;
    for fi in rng.distinct(count, fields.len()) {
        let (_, _, _, d) = date(&mut rng, 2025, 2026, 2);
        let _ = writeln!(t, "\n[[sources]]\nfield = {}\nurl = {}\nverified = {}\nverified_by = \"synthetic-generator\"", q(&fields[fi]), q(&format!("{host}/sources/{fi}")), q(&d));
    }
    t.push_str("+++\n");
    t.push_str(&prose(&mut rng, &name, true));
    (t, held)
}

fn gen_report(
    seed: u64,
    ri: usize,
    vi: usize,
    width: usize,
    held: &[usize],
    certs: &[GenCert],
) -> (String, String) {
    let mut rng = Rng::for_item(seed, REPORT_STREAM, ri as u64);
    let id = format!("SYN-R{:0width$}", ri + 1);
    let c = &certs[held[(rng.next() % held.len() as u64) as usize]];
    let vendor = format!("Synthetic Vendor {:0width$}", vi + 1);
    let mut t = String::from("+++\n");
    let _ = writeln!(
        t,
        "id = {}\ncertification = {}\nscheme_version = \"{}.{}\"",
        q(&id),
        q(&c.slug),
        rng.range(1, 3),
        rng.range(0, 12)
    );
    let _ = writeln!(t, "vendor = {}", q(&vendor_slug(vi, width)));
    let _ = writeln!(t, "declaring_entity = {}", q(&format!("{vendor} Ltd")));
    let _ = writeln!(
        t,
        "monitoring_body = {}\nmonitoring_body_url = \"https://monitor.example.org/\"",
        q(&format!("Synthetic Monitoring Body {}", ri % 5 + 1))
    );
    let (y, m, _, approved) = date(&mut rng, 2019, 2026, 1);
    let _ = writeln!(
        t,
        "approved = {}\nvalid_until = {}",
        q(&approved),
        q(&format!("{}-{m:02}", y + rng.range(1, 3)))
    );
    if !c.levels.is_empty() {
        let _ = writeln!(t, "level = {}", q(rng.pick(&c.levels)));
    }
    if ri > 0 && rng.chance(30) {
        let _ = writeln!(
            t,
            "earlier_reports = [{}]",
            q(&format!("SYN-R{:0width$}", ri))
        );
    }
    let _ = writeln!(
        t,
        "source = {}",
        q(&format!("Synthetic verification report {id}"))
    );
    let _ = writeln!(
        t,
        "source_url = {}",
        q(&format!(
            "https://monitor.example.org/reports/{}",
            id.to_lowercase()
        ))
    );
    let controls: Vec<String> = (0..rng.range(5, 15))
        .map(|_| {
            q(&format!(
                "{}.{}.{}",
                rng.range(5, 6),
                rng.range(1, 14),
                (b'A' + rng.range(0, 7) as u8) as char
            ))
        })
        .collect();
    let _ = writeln!(t, "controls_examined = [{}]", controls.join(", "));
    for g in 0..rng.range(1, 4) {
        let items: Vec<String> = (0..rng.range(2, 6))
            .map(|i| q(&format!("Synthetic Service {g}-{i}")))
            .collect();
        let _ = writeln!(
            t,
            "\n[[services]]\ncategory = {}\nitems = [{}]",
            q(&format!("Service group {}", g + 1)),
            items.join(", ")
        );
    }
    t.push_str("+++\n");
    t.push_str(&prose(&mut rng, &format!("Report {id}"), true));
    (id, t)
}

fn about_page(opts: &Options) -> String {
    let mut rng = Rng::for_item(opts.seed, PAGE_STREAM, 0);
    format!(
        "+++\ntitle = \"About\"\ndescription = \"What this synthetic registry is.\"\n+++\nThis site is **synthetic**: {} invented vendors written by `gen_registry` with seed {} to measure how TrustAtlas scales. Nothing here describes a real company.\n\n{}",
        opts.vendors,
        opts.seed,
        prose(&mut rng, "The synthetic registry", false)
    )
}

const SENTENCES: &[&str] = &[
    "{S} publishes a synthetic trust page that lists {N} controls and the regions where customer data may be stored.",
    "According to its invented documentation, {S} retains logs for {N} days and deletes customer content on request.",
    "The generator assigned {S} a data processing agreement with {N} named subprocessors, none of which exist.",
    "Auditors invented for this benchmark reviewed {N} services of {S} and recorded no material exceptions.",
    "Encryption at rest and in transit is described in general terms, without naming key management details.",
    "{S} states that enterprise customers may opt out of model training, while free tiers are opted in by default.",
    "A change of control clause is mentioned, but the notice period of {N} days is shorter than buyers usually ask for.",
    "Its synthetic incident history covers {N} events, each closed within the period its policy promises.",
    "The security programme names a chief security officer and an annual penetration test by an outside firm.",
    "Customers in regulated sectors should ask {S} for the full report rather than rely on this summary.",
    "{S} depends on {N} upstream model providers and discloses their names only under a confidentiality agreement.",
    "Output ownership passes to the customer, subject to an acceptable use policy that can change with notice.",
    "The invented transparency report counts {N} government requests for customer data in the last year.",
    "Support for data residency varies by product, and older services still run in a single region.",
];

/// One sentence about `subject`.
fn sentence(rng: &mut Rng, subject: &str) -> String {
    rng.pick(SENTENCES)
        .replace("{S}", subject)
        .replace("{N}", &rng.range(2, 400).to_string())
}

/// A Markdown body of 150-300 words: paragraphs, and for longer bodies a heading and a list.
pub fn prose(rng: &mut Rng, subject: &str, with_sections: bool) -> String {
    let target = rng.range(150, 270) as usize;
    let mut out = String::new();
    let mut words = 0;
    let mut paragraph = 0;
    while words < target {
        if with_sections && paragraph == 1 {
            out.push_str("## Synthetic findings\n\n");
            for _ in 0..3 {
                let s = sentence(rng, subject);
                words += s.split_whitespace().count();
                let _ = writeln!(out, "- {s}");
            }
            out.push('\n');
        }
        let mut para = Vec::new();
        for _ in 0..rng.range(2, 4) {
            if words >= target {
                break;
            }
            let s = sentence(rng, subject);
            words += s.split_whitespace().count();
            para.push(s);
        }
        out.push_str(&para.join(" "));
        out.push_str("\n\n");
        paragraph += 1;
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

//! Fingerprints of the inputs: one per source file (xxh3 of its bytes, computed once per
//! file and kept while the file does not change), and from them the keys of the jobs whose
//! inputs are known before anything is rendered ([`InputKeys`]).
//!
//! xxh3 rather than std's SipHash: it is specified (the same bytes give the same hash in
//! every build of the binary, which the stamp on disk needs) and hashes the 110 MB of a
//! 10,000-vendor registry in a few milliseconds instead of tens.

use std::collections::HashMap;
use std::hash::Hasher;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use xxhash_rust::xxh3::{xxh3_64, Xxh3};

use crate::files::InputKeys;
use crate::model::Registry;
use crate::options::BuildOptions;
use crate::source::SiteSources;

/// Bumped when what a key covers changes, so keys of an older binary never match.
const VERSION: &[u8] = b"trustatlas input keys v2";

/// The fingerprints of every content file, config and questions file, by path: of the
/// whole file, and of what other pages can show of it (see [`InputKeys::listings`]).
#[derive(Debug, Default, Clone)]
pub struct FileHashes {
    by_path: HashMap<PathBuf, (u64, u64)>,
}

/// A file's hashes: the whole text, and its part outside a vendor's Markdown body.
fn hashes(path: &Path, text: &str) -> (u64, u64) {
    let whole = xxh3_64(text.as_bytes());
    let vendor_md =
        path.starts_with("content/vendors") && path.extension().is_some_and(|e| e == "md");
    let shown = match crate::source::split_front_matter(text) {
        Ok(split) if vendor_md => xxh3_64(split.front.as_bytes()),
        _ => whole,
    };
    (whole, shown)
}

impl FileHashes {
    /// Hashes every text file of `sources`.
    pub fn of(sources: &SiteSources) -> FileHashes {
        let files: Vec<(&Path, &str)> = text_files(sources).collect();
        let by_path = files
            .par_iter()
            .map(|(p, t)| (p.to_path_buf(), hashes(p, t)))
            .collect();
        FileHashes { by_path }
    }

    /// Hashes again only the files in `changed` (paths relative to the root), dropping
    /// those that are gone.
    pub fn update(&mut self, sources: &SiteSources, changed: &[PathBuf]) {
        for p in changed {
            self.by_path.remove(p);
        }
        let wanted: std::collections::HashSet<&Path> =
            changed.iter().map(PathBuf::as_path).collect();
        for (p, t) in text_files(sources) {
            if wanted.contains(p) {
                self.by_path.insert(p.to_path_buf(), hashes(p, t));
            }
        }
    }

    /// The hash of the whole file (0 for a file never read).
    pub fn get(&self, path: &Path) -> u64 {
        self.by_path.get(path).map_or(0, |h| h.0)
    }

    /// The hash of what pages other than the file's own can show of it: a vendor file
    /// without its Markdown body (only the vendor's own page and pack show the body), any
    /// other file whole.
    pub fn shown(&self, path: &Path) -> u64 {
        self.by_path.get(path).map_or(0, |h| h.1)
    }
}

fn text_files(sources: &SiteSources) -> impl Iterator<Item = (&Path, &str)> + Send {
    sources
        .config
        .iter()
        .chain(sources.questions.iter())
        .chain(sources.content.values().flatten())
        .map(|f| (f.path.as_path(), f.text.as_str()))
}

/// The keys of the vendor jobs: see [`InputKeys`].
pub fn input_keys(
    sources: &SiteSources,
    hashes: &FileHashes,
    reg: &Registry,
    opts: &BuildOptions,
) -> InputKeys {
    let mut g = Xxh3::new();
    g.write(VERSION);
    g.write_i64(opts.build_date.0);
    g.write(opts.base_url.as_deref().unwrap_or("\u{0}").as_bytes());
    let file = |g: &mut Xxh3, p: &Path| {
        g.write(p.as_os_str().as_encoded_bytes());
        g.write_u64(hashes.get(p));
    };
    for f in sources.config.iter().chain(sources.questions.iter()) {
        file(&mut g, &f.path);
    }
    for (kind, files) in &sources.content {
        if kind == "vendors" || kind == "reports" {
            continue;
        }
        g.write(kind.as_bytes());
        for f in files {
            file(&mut g, &f.path);
        }
    }
    // The open data is made from the content alone; pages also from the theme.
    let data = g.finish();
    let mut g = Xxh3::new();
    g.write_u64(data);
    for (set, map) in [
        ("templates", bytes_of(&sources.templates)),
        ("theme", bytes_of(&sources.theme_assets)),
        ("static", bytes_of(&sources.static_files)),
    ] {
        g.write(set.as_bytes());
        for (name, bytes) in map {
            g.write(name.as_bytes());
            g.write_u64(xxh3_64(bytes));
        }
    }
    let site = g.finish();

    // What every other job may read of vendors and reports: all of it but the vendors'
    // bodies. A vendor's body text is shown only on its own page and pack, so an edit of it
    // leaves every other page and file alone without even building their views.
    let mut l = Xxh3::new();
    for kind in ["vendors", "reports"] {
        l.write(kind.as_bytes());
        for f in sources.content.get(kind).into_iter().flatten() {
            l.write(f.path.as_os_str().as_encoded_bytes());
            l.write_u64(hashes.shown(&f.path));
        }
    }
    let shown = l.finish();
    let with = |base: u64, x: u64| {
        let mut h = Xxh3::new();
        h.write_u64(base);
        h.write_u64(x);
        h.finish()
    };

    let mut reports_of: Vec<Vec<&Path>> = vec![Vec::new(); reg.vendors.len()];
    for r in &reg.reports {
        reports_of[r.vendor].push(r.file.as_path());
    }
    let files: Vec<u64> = reg
        .vendors
        .par_iter()
        .zip(reports_of.par_iter())
        .map(|(v, reports)| {
            let mut h = Xxh3::new();
            for p in std::iter::once(&v.file.as_path()).chain(reports) {
                h.write(p.as_os_str().as_encoded_bytes());
                h.write_u64(hashes.get(p));
            }
            h.finish()
        })
        .collect();
    InputKeys {
        listings: with(site, shown),
        vendors: files.iter().map(|f| with(site, *f)).collect(),
        data_listings: with(data, shown),
        data_vendors: files.iter().map(|f| with(data, *f)).collect(),
    }
}

fn bytes_of<V: AsRef<[u8]>>(m: &std::collections::BTreeMap<String, V>) -> Vec<(&str, &[u8])> {
    m.iter().map(|(k, v)| (k.as_str(), v.as_ref())).collect()
}

//! What a rebuild keeps of the site being served, and the new site made from it: the dev
//! server's side of the incremental mechanism (`files::Keep`). A file whose key matches is
//! kept, sharing its bytes; the new site is the old one with the made files put in, so a
//! save that makes nine files costs nine insertions, not one per file of the site.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::site::{Asset, Site};
use crate::files::{Keep, Key};

/// Keys by output path: shared keys (a rebuild copies the map by reference counts) and
/// foldhash (it looks up every path of the site).
pub(super) type KeyMap = HashMap<Arc<str>, Key, foldhash::fast::FixedState>;

/// What the site being served lets a build keep: a file made from the same key, whose bytes
/// the new site then shares (see `files::Keep`).
pub(super) struct KeepServed<'a> {
    pub(super) old: &'a Site,
    /// The key of every keyed file of `old`.
    pub(super) keys: &'a KeyMap,
    /// Files kept from `old` (their shared paths: no copy per file).
    pub(super) kept: Mutex<Vec<Arc<str>>>,
    /// Keys that are new or differ from `keys`: made files, and kept files now known by
    /// more of their key.
    pub(super) changed: Mutex<Vec<(Arc<str>, Key)>>,
    /// The environment key of every template in the served site's build (empty before the
    /// first build), and in this one.
    pub(super) templates: &'a HashMap<String, u64>,
    pub(super) next_templates: Mutex<HashMap<String, u64>>,
}

impl KeepServed<'_> {
    /// The key of every keyed file of the new site: `keys` with the changes, for the files
    /// of `site`.
    /// `intact`: every file of the old site is in the new one ([`assemble`] says).
    pub(super) fn next_keys(self, intact: bool, made: &[String], kept: &[Arc<str>]) -> KeyMap {
        let changed = self.changed.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut next = if intact {
            // Every old file is still there: start from the old keys.
            self.keys.clone()
        } else {
            kept.iter()
                .filter_map(|p| self.keys.get_key_value(p).map(|(k, v)| (k.clone(), *v)))
                .collect()
        };
        // A file made without a key (an asset, `_headers`) must not keep an old one.
        for p in made {
            next.remove(p.as_str());
        }
        next.extend(changed);
        next
    }
}

impl Keep for KeepServed<'_> {
    fn reusable(&self, path: &str, key: Key) -> Option<usize> {
        if !self.keys.get(path).is_some_and(|k| key.matches(k)) {
            return None;
        }
        self.old.asset(path).map(|a| a.bytes.len())
    }

    fn keep(&self, path: &str, key: Key) -> std::io::Result<()> {
        let Some((shared, previous)) = self.keys.get_key_value(path) else {
            return Err(std::io::Error::other(format!(
                "{path} was not in the last build"
            )));
        };
        self.kept
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(shared.clone());
        let merged = key.kept_from(previous);
        if merged != *previous {
            self.changed
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((shared.clone(), merged));
        }
        Ok(())
    }

    /// Always: the dev server hashes every view from its first build on, so even the first
    /// edit of the session keeps the listings it does not change (a one-off cost at startup
    /// instead of a slow first save).
    fn had(&self, _: &str) -> bool {
        true
    }

    fn view_may_match(&self, template: &str, env: u64) -> bool {
        self.templates.is_empty() || self.templates.get(template) == Some(&env)
    }

    fn templates(&self, env: &HashMap<String, u64>) {
        *self
            .next_templates
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = env.clone();
    }

    fn made(&self, path: &str, key: Key) {
        self.changed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((Arc::from(path), key));
    }
}

/// The new site: freshly rendered files, plus the reused pages' bytes from `old` (shared,
/// not copied). A freshly rendered file equal to the old one keeps the old `Asset`, so its
/// ETag stays computed, and whether every file of `old` is still there. `None` if a reused
/// page is missing from `old`.
pub(super) fn assemble(
    old: &Site,
    files: Vec<crate::files::OutputFile>,
    reused: &[impl AsRef<str>],
) -> Option<(Site, bool)> {
    let asset = |f: crate::files::OutputFile| {
        let a = match old.asset(&f.path) {
            Some(a) if a.bytes.as_slice() == f.bytes.as_slice() => a.clone(),
            _ => Asset::new(f.bytes),
        };
        (f.path, a)
    };
    // Usually every file of the old site is either kept or made again: then the new site is
    // the old one with the made files put in, with no lookup per kept file. Kept files are
    // among the old site's and disjoint from the made ones, so the count says whether some
    // old file is gone (a removed page), which needs the full assembly below.
    let produced = files.len() + reused.len();
    let came = files
        .iter()
        .filter(|f| old.asset(&f.path).is_none())
        .count();
    if old.len() + came == produced {
        return Some((old.with(files.into_iter().map(asset)), true));
    }
    let mut map: HashMap<String, Arc<Asset>> = HashMap::with_capacity(files.len() + reused.len());
    for path in reused {
        map.insert(path.as_ref().to_string(), old.asset(path.as_ref())?.clone());
    }
    for f in files {
        let (path, a) = asset(f);
        map.insert(path, a);
    }
    Some((Site::new(map), false))
}

/// When only stylesheets changed, the fingerprinted stylesheet files that replaced each
/// other, as `"/old.css /new.css ..."`; `None` when anything else in the output changed
/// path, so the page must reload.
pub(super) fn stylesheet_swaps(old: &Site, new: &Site) -> Option<String> {
    let gone: Vec<&str> = old.paths().filter(|p| new.asset(p).is_none()).collect();
    let came: Vec<&str> = new.paths().filter(|p| old.asset(p).is_none()).collect();
    if gone.is_empty() || gone.len() != came.len() {
        return None;
    }
    // `assets/style.0123456789.css` → `assets/style.css`.
    let unhashed = |p: &str| -> Option<String> {
        let stem = p.strip_suffix(".css")?;
        let (name, hash) = stem.rsplit_once('.')?;
        (hash.len() == 10 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| format!("{name}.css"))
    };
    let mut pairs = Vec::new();
    for g in &gone {
        let key = unhashed(g)?;
        let c = came
            .iter()
            .find(|c| unhashed(c).as_deref() == Some(key.as_str()))?;
        pairs.push(format!("/{g} /{c}"));
    }
    pairs.sort();
    Some(pairs.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::OutputFile;

    fn site(files: &[(&str, &str)]) -> Site {
        Site::new(
            files
                .iter()
                .map(|(p, b)| (p.to_string(), Asset::new(b.as_bytes().to_vec())))
                .collect(),
        )
    }

    #[test]
    fn assemble_shares_reused_and_unchanged_bytes() {
        let old = site(&[("a/index.html", "A"), ("b/index.html", "B"), ("s.txt", "S")]);
        let files = vec![
            OutputFile {
                path: "b/index.html".into(),
                bytes: b"B2".to_vec(),
            },
            OutputFile {
                path: "s.txt".into(),
                bytes: b"S".to_vec(),
            },
        ];
        let (new, intact) = assemble(&old, files.clone(), &["a/index.html".to_string()]).unwrap();
        assert!(intact, "every old file was kept or made again");
        assert!(Arc::ptr_eq(
            new.asset("a/index.html").unwrap(),
            old.asset("a/index.html").unwrap()
        ));
        assert!(Arc::ptr_eq(
            new.asset("s.txt").unwrap(),
            old.asset("s.txt").unwrap()
        ));
        assert_eq!(new.asset("b/index.html").unwrap().bytes.as_slice(), b"B2");
        // A page of the old site neither kept nor made again is gone from the new one.
        let (without_a, intact) = assemble(&old, files.clone(), &[] as &[String]).unwrap();
        assert!(!intact, "a is gone");
        assert!(without_a.asset("a/index.html").is_none());
        assert_eq!(without_a.len(), 2);
        // A new page joins the kept ones.
        let mut more = files;
        more.push(OutputFile {
            path: "c/index.html".into(),
            bytes: b"C".to_vec(),
        });
        let (with_c, intact) = assemble(&old, more, &["a/index.html".to_string()]).unwrap();
        assert!(intact);
        assert_eq!(with_c.len(), 4);
        assert!(Arc::ptr_eq(
            with_c.asset("a/index.html").unwrap(),
            old.asset("a/index.html").unwrap()
        ));
    }

    #[test]
    fn stylesheet_swaps_pair_fingerprinted_names_only() {
        let old = site(&[("index.html", "x"), ("assets/style.0123456789.css", "a")]);
        let new = site(&[("index.html", "y"), ("assets/style.abcdef0123.css", "b")]);
        assert_eq!(
            stylesheet_swaps(&old, &new).as_deref(),
            Some("/assets/style.0123456789.css /assets/style.abcdef0123.css")
        );
        let moved = site(&[("index2.html", "y"), ("assets/style.abcdef0123.css", "b")]);
        assert_eq!(stylesheet_swaps(&old, &moved), None);
        assert_eq!(stylesheet_swaps(&old, &old), None);
    }
}

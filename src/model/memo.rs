//! The model's memo: what checking each vendor and report file gave last time, so that a
//! rebuild after an edit checks only the files that changed (`serve`: one vendor saved out
//! of 10,000 is one file parsed, not 10,000).
//!
//! A vendor file's result (the vendor, or nothing, and the file's diagnostics) is a pure
//! function of its text and of what `vendor::validate` reads besides it: site.toml, the
//! certification files and which of them failed to load. A report's also depends on which
//! vendors exist, in which order (a report holds its vendor's index) and which are removed.
//! Each entry is keyed by the hash of its text and of that context, so an entry is reused
//! only where checking the file again would give the same answer; anything else is checked
//! again. The entries not seen in a run are dropped (the file is gone).
//!
//! Values are moved, not copied: a reused vendor goes from the memo into the new registry,
//! and [`Memo::recycle`] takes the registry back once the run is done with it (the caller
//! must hand it back: an entry whose value never came back is checked again next time). A
//! 10,000-vendor registry is thus never cloned. A run that ends in errors hands its checked
//! files back itself (`load_memo`), so fixing the error re-checks one file, not all.

use std::collections::{BTreeSet, HashMap};
use std::hash::Hasher;
use std::path::{Path, PathBuf};

use xxhash_rust::xxh3::Xxh3;

use crate::diagnostic::Diagnostic;
use crate::source::SourceFile;

/// Per-file results of the last run, and the hash of each file's text for this one.
#[derive(Default)]
pub struct Memo {
    pub(super) vendors: Shelf<Box<super::Vendor>>,
    pub(super) reports: Shelf<super::Report>,
}

/// A file's text hash, given by the caller (it hashes each file once per change, not per run).
pub type TextHash<'a> = &'a (dyn Fn(&Path) -> u64 + Sync);

impl Memo {
    /// How many vendor and report files the last run checked again (the rest were reused).
    pub fn checked(&self) -> usize {
        self.vendors.checked + self.reports.checked
    }

    /// Takes back the vendors and reports of a registry this memo's run produced, so the next
    /// run can reuse them.
    pub fn recycle(&mut self, reg: super::Registry) {
        for v in reg.vendors.into_iter().chain(reg.removed_vendors) {
            self.vendors.give_back(v);
        }
        for r in reg.reports {
            self.reports.give_back(r);
        }
    }
}

/// Where a checked value came from: its file.
pub(super) trait FromFile {
    fn file(&self) -> &Path;
}

impl FromFile for Box<super::Vendor> {
    fn file(&self) -> &Path {
        &self.file
    }
}

impl FromFile for super::Report {
    fn file(&self) -> &Path {
        &self.file
    }
}

/// The results for one kind of file, by path. One map, updated in place run after run (a
/// new map per run meant rehashing tables of 10,000 vendors on every save).
pub(super) struct Shelf<T> {
    entries: HashMap<PathBuf, Entry<T>, foldhash::fast::FixedState>,
    /// The run that last saw each entry; entries not seen by the last run are dropped.
    run: u64,
    checked: usize,
}

impl<T> Default for Shelf<T> {
    fn default() -> Self {
        Shelf {
            entries: HashMap::default(),
            run: 0,
            checked: 0,
        }
    }
}

struct Entry<T> {
    key: u64,
    run: u64,
    /// The checked value, while it is not lent to a registry.
    value: Option<T>,
    /// The file did not check (there is no value to lend).
    failed: bool,
    diags: Vec<Diagnostic>,
}

/// A file's result: the value (or none) and its diagnostics.
pub(super) type Checked<T> = (Option<T>, Vec<Diagnostic>);

impl<T: Send + FromFile> Shelf<T> {
    /// Starts a run.
    pub(super) fn begin(&mut self) {
        self.run += 1;
        self.checked = 0;
    }

    /// The last run's result for `path` when its key is `key` and its value is here to lend
    /// (taken out: it goes into the registry); `None` when the file must be checked.
    pub(super) fn take(&mut self, path: &Path, key: u64) -> Option<Checked<T>> {
        let e = self.entries.get_mut(path)?;
        if e.key != key || (e.value.is_none() && !e.failed) {
            return None;
        }
        e.run = self.run;
        Some((e.value.take(), e.diags.clone()))
    }

    /// Records what checking `path` (with key `key`) gave; the value itself is lent to the
    /// registry and comes back through [`Memo::recycle`].
    pub(super) fn checked(&mut self, path: &Path, key: u64, failed: bool, diags: &[Diagnostic]) {
        self.checked += 1;
        self.entries.insert(
            path.to_path_buf(),
            Entry {
                key,
                run: self.run,
                value: None,
                failed,
                diags: diags.to_vec(),
            },
        );
    }

    /// Ends a run: entries it did not see (files gone) are dropped.
    pub(super) fn finish(&mut self) {
        let run = self.run;
        self.entries.retain(|_, e| e.run == run);
    }

    /// Puts back a value checked in the last run.
    fn give_back(&mut self, value: T) {
        if let Some(e) = self.entries.get_mut(value.file()) {
            e.value = Some(value);
        }
    }
}

/// Results for `files` (of kind `what`, checked in context `ctx`), from the shelf where it
/// can, checked by `check` (in parallel) where it cannot. The order is `files`'.
pub(super) fn results<T: Send + FromFile>(
    shelf: &mut Shelf<T>,
    what: &str,
    files: &[SourceFile],
    text: TextHash,
    ctx: u64,
    check: impl Fn(&SourceFile) -> Checked<T> + Sync,
) -> Vec<Checked<T>> {
    use rayon::prelude::*;
    let keys: Vec<u64> = files
        .par_iter()
        .map(|f| Key::new(what).u64(ctx).file(text, &f.path).finish())
        .collect();
    let mut out: Vec<Option<Checked<T>>> = files
        .iter()
        .zip(&keys)
        .map(|(f, k)| shelf.take(&f.path, *k))
        .collect();
    out.par_iter_mut().zip(files).for_each(|(slot, f)| {
        if slot.is_none() {
            *slot = Some(check(f));
        }
    });
    let mut done = Vec::with_capacity(files.len());
    for ((slot, f), k) in out.into_iter().zip(files).zip(&keys) {
        let r = slot.expect("every file has a result");
        if shelf
            .entries
            .get(&f.path)
            .is_none_or(|e| e.run != shelf.run)
        {
            shelf.checked(&f.path, *k, r.0.is_none(), &r.1);
        }
        done.push(r);
    }
    done
}

/// Hashes the parts of a file's context.
pub(super) struct Key(Xxh3);

impl Key {
    pub(super) fn new(what: &str) -> Key {
        let mut h = Xxh3::new();
        h.write(what.as_bytes());
        Key(h)
    }

    pub(super) fn file(mut self, text: TextHash, path: &Path) -> Key {
        self.0.write(path.as_os_str().as_encoded_bytes());
        self.0.write_u64(text(path));
        self
    }

    pub(super) fn str(mut self, s: &str) -> Key {
        self.0.write_usize(s.len());
        self.0.write(s.as_bytes());
        self
    }

    pub(super) fn set(mut self, s: &BTreeSet<String>) -> Key {
        self.0.write_usize(s.len());
        for x in s {
            self = self.str(x);
        }
        self
    }

    pub(super) fn u64(mut self, x: u64) -> Key {
        self.0.write_u64(x);
        self
    }

    pub(super) fn finish(&self) -> u64 {
        self.0.finish()
    }
}

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
use std::sync::Mutex;

use xxhash_rust::xxh3::Xxh3;

use crate::diagnostic::Diagnostic;

/// Per-file results of the last run, and the hash of each file's text for this one.
#[derive(Default)]
pub struct Memo {
    pub(super) vendors: Shelf<super::Vendor>,
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
    pub fn recycle(&self, reg: super::Registry) {
        for v in reg.vendors.into_iter().chain(reg.removed_vendors) {
            self.vendors.give_back(v.file.clone(), v);
        }
        for r in reg.reports {
            self.reports.give_back(r.file.clone(), r);
        }
    }
}

/// The results for one kind of file.
pub(super) struct Shelf<T> {
    last: Mutex<HashMap<PathBuf, Entry<T>>>,
    next: Mutex<HashMap<PathBuf, Entry<T>>>,
    checked: usize,
    fresh: Mutex<usize>,
}

impl<T> Default for Shelf<T> {
    fn default() -> Self {
        Shelf {
            last: Mutex::new(HashMap::new()),
            next: Mutex::new(HashMap::new()),
            checked: 0,
            fresh: Mutex::new(0),
        }
    }
}

struct Entry<T> {
    key: u64,
    /// The checked value, while it is not lent to a registry.
    value: Option<T>,
    /// The file did not check (no value to lend).
    failed: bool,
    diags: Vec<Diagnostic>,
}

impl<T> Entry<T> {
    fn failed(&self) -> bool {
        self.failed
    }
}

impl<T: Send> Shelf<T> {
    /// The result for `path` whose text and context hash to `key`: the last run's when the
    /// key matches, else `check()`'s, remembered for the next run.
    pub(super) fn get(
        &self,
        path: &Path,
        key: u64,
        check: impl FnOnce() -> (Option<T>, Vec<Diagnostic>),
    ) -> (Option<T>, Vec<Diagnostic>) {
        let last = self
            .last
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(path)
            .filter(|e| e.key == key);
        // An entry whose value was lent and never given back cannot be reused.
        let (value, diags) = match last.filter(|e| e.value.is_some() || e.failed()) {
            Some(e) => (e.value, e.diags),
            None => {
                *self.fresh.lock().unwrap_or_else(|e| e.into_inner()) += 1;
                check()
            }
        };
        self.next.lock().unwrap_or_else(|e| e.into_inner()).insert(
            path.to_path_buf(),
            Entry {
                key,
                value: None,
                failed: value.is_none(),
                diags: diags.clone(),
            },
        );
        (value, diags)
    }

    /// Puts back the value checked from `path` in the last run (whether or not that run has
    /// finished: a failed load gives its values back before it finishes).
    pub(super) fn give_back(&self, path: PathBuf, value: T) {
        for map in [&self.next, &self.last] {
            if let Some(e) = map.lock().unwrap_or_else(|e| e.into_inner()).get_mut(&path) {
                e.value = Some(value);
                return;
            }
        }
    }

    /// Ends a run: what it saw becomes what the next run may reuse.
    pub(super) fn finish(&mut self) {
        let next = std::mem::take(self.next.get_mut().unwrap_or_else(|e| e.into_inner()));
        *self.last.get_mut().unwrap_or_else(|e| e.into_inner()) = next;
        self.checked = std::mem::take(self.fresh.get_mut().unwrap_or_else(|e| e.into_inner()));
    }
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

//! Writing the built site: the only module that writes. Pages are handed to a [`Writer`] as
//! they are rendered; it builds a complete new tree beside the output folder and swaps it in
//! when the whole build has succeeded.
//!
//! What holds (the trade-offs are in docs/PERFORMANCE.md, "What atomic means now"):
//! - Readers see the old site or the new one, never a mix. The new tree gets every file of
//!   the site: a file whose bytes did not change is a hard link to the old one (same bytes,
//!   inode and mtime, so deploy tools and watchers see only real changes; a copy with the old
//!   mtime where a link is impossible), the others are written. On Linux one
//!   `renameat2(RENAME_EXCHANGE)` swaps the trees; elsewhere, or when the file system refuses
//!   the flag, two renames leave a moment with no output folder, never a mixed one (`swap`).
//! - A failed build (content or template error, a full disk or any write error while
//!   staging, a failure before the swap) leaves the output exactly as it was and removes the
//!   new tree. A killed build leaves its trees beside the output under names only this tool
//!   makes; the next build into that output removes them, even one that finds nothing
//!   changed (`place::clean_leftovers`, under the lock).
//! - Only files an earlier build wrote are ever removed: `manifest` records them beside the
//!   output, and a folder holding anything else is refused, naming what it found. So are an
//!   output inside the site's inputs or around the site, a link and a mount point (`refuse`).
//! - One build at a time per output folder: [`OutputLock`] makes a second one wait.
//!
//! The price: the output folder is a new directory (inode) after every build that changes a
//! file, so a watcher of the folder itself sees it replaced. Not covered: durability after
//! a power cut (nothing is fsynced; a crash may lose the last build, not mix two), and files
//! changed inside the output by another program while a build runs (they are in the tree
//! that is swapped out and removed).

mod failpoint;
mod manifest;
mod place;
mod refuse;
mod swap;

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

pub use place::{beside, OutputLock};

/// What a commit did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteStats {
    /// Files whose bytes are new (created or changed).
    pub written: usize,
    /// Files whose bytes were already right: linked from the old tree, not written.
    pub unchanged: usize,
    /// Files of the previous build that this one no longer has.
    pub removed: usize,
    /// Problems that did not stop the build (an old tree that could not be removed).
    pub warnings: Vec<String>,
}

/// An output folder being replaced; see the module docs. Dropping it without `commit`
/// removes the new tree and leaves the output as it was.
pub struct Writer {
    out: PathBuf,
    /// Given back by `commit`, so the caller can record the build before another starts.
    lock: Option<OutputLock>,
    staging: PathBuf,
    /// The output folder exists: unchanged files are linked from it and the commit swaps.
    existed: bool,
    /// Files of the output, all written by an earlier build (checked against the manifest).
    owned: HashSet<String>,
    state: Mutex<State>,
    /// Files handed to `put`, for the failure points.
    puts: AtomicUsize,
    committed: bool,
}

#[derive(Default)]
struct State {
    /// Every path of the new site (relative, `/`-separated).
    expected: HashSet<String>,
    /// Folders already created in the new tree.
    dirs: HashSet<PathBuf>,
    written: usize,
    unchanged: usize,
}

impl Writer {
    /// Prepares to replace the output `lock` holds: refuses a folder with files this tool did
    /// not write, and starts the new tree.
    pub fn begin(lock: OutputLock) -> io::Result<Writer> {
        let out = lock.out().to_path_buf();
        let existed = fs::symlink_metadata(&out).is_ok();
        let owned = if existed {
            manifest::refuse_foreign(&out, manifest::read(&out).as_ref())?
        } else {
            HashSet::new()
        };
        let staging = place::ours(&out, "trustatlas-staging");
        fs::create_dir(&staging).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!(
                    "could not create {} for the new site: {e}",
                    staging.display()
                ),
            )
        })?;
        if existed {
            // The new folder gets the old one's permissions, as a rewrite in place would.
            if let Ok(m) = fs::metadata(&out) {
                let _ = fs::set_permissions(&staging, m.permissions());
            }
        }
        Ok(Writer {
            out,
            lock: Some(lock),
            staging,
            existed,
            owned,
            state: Mutex::new(State::default()),
            puts: AtomicUsize::new(0),
            committed: false,
        })
    }

    fn out(&self) -> &Path {
        &self.out
    }

    /// Adds one file of the new site. Safe to call from several threads.
    pub fn put(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        self.stage(path, bytes).map_err(|e| about(e, path))
    }

    fn stage(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let rel = self.claim(path)?;
        if self.puts.fetch_add(1, Ordering::Relaxed) >= 4 {
            failpoint::abort("staging");
            failpoint::error("stage-enospc")?;
        }
        let target = self.target(&rel)?;
        let old = self.out().join(&rel);
        if self.existed && same_bytes(&old, bytes) {
            link_or_copy(&old, &target)?;
            self.lock_state().unchanged += 1;
        } else {
            fs::write(&target, bytes)?;
            self.lock_state().written += 1;
        }
        Ok(())
    }

    /// Keeps the file the output already has at `path` as part of the new site (the caller
    /// knows its bytes are still right: see `pipeline::stamp::StampKeep`).
    pub fn keep(&self, path: &str) -> io::Result<()> {
        self.link_old(path).map_err(|e| about(e, path))
    }

    fn link_old(&self, path: &str) -> io::Result<()> {
        let rel = safe_relative(path)?;
        let old = self.out().join(&rel);
        if !self.existed || !fs::symlink_metadata(&old).is_ok_and(|m| m.is_file()) {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("cannot keep `{path}`: the output has no such file"),
            ));
        }
        self.claim(path)?;
        let target = self.target(&rel)?;
        link_or_copy(&old, &target)?;
        self.lock_state().unchanged += 1;
        Ok(())
    }

    /// Checks `path` and records it as part of the new site, once.
    fn claim(&self, path: &str) -> io::Result<PathBuf> {
        let rel = safe_relative(path)?;
        if !self.lock_state().expected.insert(path.to_string()) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("two files of the site have the path `{path}`"),
            ));
        }
        Ok(rel)
    }

    /// Where `rel` goes in the new tree, its folder created.
    fn target(&self, rel: &Path) -> io::Result<PathBuf> {
        let target = self.staging.join(rel);
        if let Some(dir) = target.parent() {
            if !self.lock_state().dirs.contains(dir) {
                fs::create_dir_all(dir)?;
                self.lock_state().dirs.insert(dir.to_path_buf());
            }
        }
        Ok(target)
    }

    fn lock_state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Swaps the new tree in, removes the old one and records the new files; gives the lock
    /// back. On error the output is as it was and the lock is released.
    pub fn commit(mut self) -> io::Result<(WriteStats, OutputLock)> {
        let stats = self.swap_in()?;
        let lock = self.lock.take().expect("the lock is held until commit");
        Ok((stats, lock))
    }

    fn swap_in(&mut self) -> io::Result<WriteStats> {
        failpoint::abort("staged");
        let state = std::mem::take(&mut *self.lock_state());
        let out = self.out().to_path_buf();
        let mut stats = WriteStats {
            written: state.written,
            unchanged: state.unchanged,
            removed: self.owned.difference(&state.expected).count(),
            warnings: Vec::new(),
        };
        let new = || state.expected.iter().map(String::as_str);
        if !self.existed {
            manifest::write(&out, new())?;
            fs::rename(&self.staging, &out)?;
            self.committed = true;
            failpoint::abort("swapped");
            return Ok(stats);
        }
        if state.written == 0 && state.expected == self.owned {
            // Not one byte differs (`--force`, or an edit that changed no page): keep the old
            // folder, so it keeps its inode too, and drop the new tree of links.
            manifest::write(&out, new())?;
            return Ok(stats);
        }
        // Whichever tree a kill leaves at `out`, the manifest covers it.
        manifest::write(&out, new().chain(self.owned.iter().map(String::as_str)))?;
        failpoint::abort("manifest");
        let old = match swap::swap(&self.staging, &out, &place::ours(&out, "trustatlas-old"))? {
            swap::Swapped::Exchanged => self.staging.clone(),
            swap::Swapped::MovedAside(p) => p,
        };
        self.committed = true;
        failpoint::abort("swapped");
        if let Err(e) = place::remove_tree(&old) {
            stats.warnings.push(format!(
                "could not remove the previous output, now at {}: {e} (the next build tries again)",
                old.display()
            ));
        }
        failpoint::abort("cleaned");
        if let Err(e) = manifest::write(&out, new()) {
            stats.warnings.push(format!(
                "could not update the record of {}'s files: {e}",
                out.display()
            ));
        }
        Ok(stats)
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        if !self.committed {
            let _ = place::remove_tree(&self.staging);
        }
    }
}

/// An I/O error while staging, saying which file of the site it was about.
fn about(e: io::Error, path: &str) -> io::Error {
    if e.kind() == io::ErrorKind::InvalidInput || e.kind() == io::ErrorKind::NotFound {
        return e;
    }
    io::Error::new(e.kind(), format!("{e} (staging `{path}`)"))
}

fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_file() && m.len() == bytes.len() as u64 => {
            fs::read(path).is_ok_and(|old| old == bytes)
        }
        _ => false,
    }
}

/// Puts the old file `from` into the new tree at `to` without changing its bytes or mtime: a
/// hard link (same inode), or, where the file system has none, a copy given the old mtime.
fn link_or_copy(from: &Path, to: &Path) -> io::Result<()> {
    if fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    fs::copy(from, to)?;
    // Best effort: a file system that cannot set times still gets the right bytes.
    if let Ok(mtime) = fs::metadata(from).and_then(|m| m.modified()) {
        let _ = fs::File::options()
            .write(true)
            .open(to)
            .and_then(|f| f.set_modified(mtime));
    }
    Ok(())
}

/// Output paths come from validated slugs, but this is the last line of defence: nothing
/// absolute, no `..`, no empty segments, no control characters (the manifest is one path a
/// line).
pub fn safe_relative(path: &str) -> io::Result<PathBuf> {
    let p = Path::new(path);
    if path.contains(char::is_control) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("refusing to write a file whose path holds a control character: {path:?}"),
        ));
    }
    let ok = !path.is_empty()
        && !path.contains('\\')
        && p.components().all(|c| matches!(c, Component::Normal(_)));
    if ok {
        Ok(p.to_path_buf())
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("refusing to write outside the output folder: `{path}`"),
        ))
    }
}

#[cfg(test)]
mod tests;

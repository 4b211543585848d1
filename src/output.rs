//! Writing the built site: the only module that writes. Pages are handed to a [`Writer`] as
//! they are rendered; it compares each with the file already in the output folder and stages
//! only those whose bytes differ. Nothing in the output folder changes until [`Writer::commit`],
//! which moves the staged files into place (one rename each) and deletes stale files.
//!
//! What "atomic" means here (the trade-off, see docs/PERFORMANCE.md):
//! - A failed build (content or template error, a write error while staging) never touches the
//!   previous output: everything so far lives in a staging folder beside it, removed on failure.
//! - Every file is replaced by a rename, so a reader sees a file's old bytes or its new bytes,
//!   never half of them; files whose bytes did not change keep their inode and mtime, so deploy
//!   tools and file watchers see only real changes.
//! - During the commit (milliseconds: renames and deletes only) a reader can see some pages new
//!   and some old; if the process is killed mid-commit, the folder holds such a mix, every file
//!   complete, and the next build finishes the job. The old whole-folder swap also had a window
//!   (between its two renames the output did not exist) and rewrote every file on every build.
//! - When the output folder does not exist yet, the staging folder is renamed into place whole.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use crate::render::OutputFile;

/// What a commit did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WriteStats {
    /// Files created or replaced.
    pub written: usize,
    /// Files whose bytes were already right, left alone.
    pub unchanged: usize,
    /// Files in the output that the build no longer produces, deleted.
    pub removed: usize,
}

/// An output folder being updated; see the module docs. Dropping it without `commit` discards
/// the staged files and leaves the output as it was.
pub struct Writer {
    out: PathBuf,
    staging: PathBuf,
    /// The output did not exist: the commit renames the whole staging folder into place.
    fresh: bool,
    state: Mutex<State>,
    committed: bool,
}

#[derive(Default)]
struct State {
    /// Every path the build produced (relative, `/`-separated).
    expected: HashSet<String>,
    /// The ones whose bytes differ from the output, now in the staging folder.
    staged: Vec<String>,
    /// Folders already created under the staging folder.
    dirs: HashSet<PathBuf>,
    unchanged: usize,
}

impl Writer {
    /// Prepares to update `out`. Refuses a folder that looks like a source folder.
    pub fn begin(out: &Path) -> io::Result<Writer> {
        refuse_source_folder(out)?;
        if out.exists() && !out.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{} exists and is not a folder", out.display()),
            ));
        }
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent)?;
        let name = out.file_name().and_then(|n| n.to_str()).unwrap_or("public");
        let staging = parent.join(format!(".{name}.staging-{}", std::process::id()));
        let _ = fs::remove_dir_all(&staging);
        fs::create_dir_all(&staging)?;
        Ok(Writer {
            fresh: !out.exists(),
            out: out.to_path_buf(),
            staging,
            state: Mutex::new(State::default()),
            committed: false,
        })
    }

    /// Adds one file of the new site. Safe to call from several threads.
    pub fn put(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let rel = safe_relative(path)?;
        if !self.lock().expected.insert(path.to_string()) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("two files of the site have the path `{path}`"),
            ));
        }
        if !self.fresh && same_bytes(&self.out.join(&rel), bytes) {
            self.lock().unchanged += 1;
            return Ok(());
        }
        let target = self.staging.join(&rel);
        if let Some(dir) = target.parent() {
            if !self.lock().dirs.contains(dir) {
                fs::create_dir_all(dir)?;
                self.lock().dirs.insert(dir.to_path_buf());
            }
        }
        fs::write(&target, bytes)?;
        self.lock().staged.push(path.to_string());
        Ok(())
    }

    /// Keeps the file the output already has at `path` as part of the new site (the caller
    /// knows its bytes are still right: see `cache::PageReuse`).
    pub fn keep(&self, path: &str) -> io::Result<()> {
        safe_relative(path)?;
        if self.fresh || !self.out.join(path).is_file() {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("cannot keep `{path}`: the output has no such file"),
            ));
        }
        let mut state = self.lock();
        if !state.expected.insert(path.to_string()) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("two files of the site have the path `{path}`"),
            ));
        }
        state.unchanged += 1;
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Moves the staged files into the output and deletes files the site no longer has.
    pub fn commit(mut self) -> io::Result<WriteStats> {
        self.committed = true;
        let mut state = std::mem::take(&mut *self.lock());
        let mut stats = WriteStats {
            written: state.staged.len(),
            unchanged: state.unchanged,
            removed: 0,
        };
        if self.fresh && !self.out.exists() {
            let r = fs::rename(&self.staging, &self.out);
            if r.is_err() {
                let _ = fs::remove_dir_all(&self.staging);
            }
            return r.map(|()| stats);
        }
        state.staged.sort();
        let result = self.move_staged(&state.staged).and_then(|()| {
            stats.removed = remove_stale(&self.out, &state.expected)?;
            Ok(())
        });
        let _ = fs::remove_dir_all(&self.staging);
        result.map(|()| stats)
    }

    fn move_staged(&self, staged: &[String]) -> io::Result<()> {
        for path in staged {
            let from = self.staging.join(path);
            let to = self.out.join(path);
            make_room(&self.out, &to)?;
            if let Err(e) = fs::rename(&from, &to) {
                if e.kind() != io::ErrorKind::CrossesDevices {
                    return Err(e);
                }
                // The output is a mount point of its own: write a temporary file beside the
                // target, then rename it, so the target is still replaced in one step.
                let tmp = to.with_file_name(format!(
                    ".{}.tmp-{}",
                    to.file_name().and_then(|n| n.to_str()).unwrap_or("file"),
                    std::process::id()
                ));
                fs::copy(&from, &tmp)?;
                fs::rename(&tmp, &to)?;
            }
        }
        Ok(())
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

/// Replaces the contents of `out` with exactly `files`, writing only files whose bytes differ.
pub fn write_site(out: &Path, files: &[OutputFile]) -> io::Result<()> {
    write_site_stats(out, files).map(|_| ())
}

/// [`write_site`], saying how many files were written, left alone and removed.
pub fn write_site_stats(out: &Path, files: &[OutputFile]) -> io::Result<WriteStats> {
    let w = Writer::begin(out)?;
    for f in files {
        w.put(&f.path, &f.bytes)?;
    }
    w.commit()
}

fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_file() && m.len() == bytes.len() as u64 => {
            fs::read(path).is_ok_and(|old| old == bytes)
        }
        _ => false,
    }
}

/// Makes sure `target` can be renamed into place: its folders exist (a file standing where a
/// folder must go is removed) and no folder stands where the file goes.
fn make_room(out: &Path, target: &Path) -> io::Result<()> {
    if let Ok(m) = fs::symlink_metadata(target) {
        if m.is_dir() {
            fs::remove_dir_all(target)?;
        }
    }
    let Some(parent) = target.parent() else {
        return Ok(());
    };
    if parent.is_dir() {
        return Ok(());
    }
    let rel = parent.strip_prefix(out).unwrap_or(parent);
    let mut at = out.to_path_buf();
    for c in rel.components() {
        at.push(c);
        if let Ok(m) = fs::symlink_metadata(&at) {
            if !m.is_dir() {
                fs::remove_file(&at)?;
            }
        }
    }
    fs::create_dir_all(parent)
}

/// Deletes files under `out` that are not in `expected`, then folders left empty.
fn remove_stale(out: &Path, expected: &HashSet<String>) -> io::Result<usize> {
    let mut removed = 0;
    let mut dirs = Vec::new();
    for entry in walkdir::WalkDir::new(out).min_depth(1) {
        let entry = entry.map_err(io::Error::other)?;
        if entry.file_type().is_dir() {
            dirs.push(entry.path().to_path_buf());
            continue;
        }
        let rel = entry.path().strip_prefix(out).unwrap_or(entry.path());
        let key = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        if !expected.contains(&key) {
            fs::remove_file(entry.path())?;
            removed += 1;
        }
    }
    // Deepest first, so a folder emptied by removing its empty children goes too.
    dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    for d in dirs {
        if fs::read_dir(&d)?.next().is_none() {
            fs::remove_dir(&d)?;
        }
    }
    Ok(removed)
}

/// Output paths come from validated slugs, but this is the last line of defence: nothing
/// absolute, no `..`, no empty segments.
pub fn safe_relative(path: &str) -> io::Result<PathBuf> {
    let p = Path::new(path);
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

/// `--out .` or `--out content` would replace the editor's own files: refuse.
fn refuse_source_folder(out: &Path) -> io::Result<()> {
    for marker in ["site.toml", "Cargo.toml", "content", ".git"] {
        if out.join(marker).exists() {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("refusing to replace {}: it contains {marker}, so it looks like a source folder, not a build output", out.display())));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, SystemTime};

    fn file(path: &str, bytes: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            bytes: bytes.as_bytes().to_vec(),
        }
    }

    fn mtime(p: &Path) -> SystemTime {
        fs::metadata(p).unwrap().modified().unwrap()
    }

    #[test]
    fn rejects_escaping_paths() {
        for bad in ["../x", "/etc/passwd", "a/../../b", "", "a\\b", "./a"] {
            assert!(safe_relative(bad).is_err(), "{bad}");
        }
        assert!(safe_relative("vendor/acme/index.html").is_ok());
    }

    #[test]
    fn replaces_the_whole_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&out, &[file("a/index.html", "1")]).unwrap();
        write_site(&out, &[file("b.txt", "2")]).unwrap();
        assert!(!out.join("a/index.html").exists());
        assert!(!out.join("a").exists(), "emptied folders go too");
        assert_eq!(fs::read(out.join("b.txt")).unwrap(), b"2");
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "staging folders are cleaned up");
    }

    #[test]
    fn refuses_to_replace_a_source_folder() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("site.toml"), "").unwrap();
        assert!(write_site(dir.path(), &[]).is_err());
        assert!(dir.path().join("site.toml").exists());
    }

    #[test]
    fn unchanged_files_keep_their_mtime_and_changed_ones_are_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let first = [file("same.html", "same"), file("x/changed.html", "old")];
        let s = write_site_stats(&out, &first).unwrap();
        assert_eq!((s.written, s.unchanged, s.removed), (2, 0, 0));
        // Backdate both files so an unwanted rewrite could not hide within mtime granularity.
        let past = SystemTime::now() - Duration::from_secs(3600);
        for p in ["same.html", "x/changed.html"] {
            fs::File::options()
                .write(true)
                .open(out.join(p))
                .unwrap()
                .set_modified(past)
                .unwrap();
        }
        let second = [file("same.html", "same"), file("x/changed.html", "new!")];
        let s = write_site_stats(&out, &second).unwrap();
        assert_eq!((s.written, s.unchanged, s.removed), (1, 1, 0));
        assert_eq!(mtime(&out.join("same.html")), past);
        assert_ne!(mtime(&out.join("x/changed.html")), past);
        assert_eq!(fs::read(out.join("x/changed.html")).unwrap(), b"new!");
    }

    #[test]
    fn stale_files_and_folders_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(
            &out,
            &[
                file("keep.html", "k"),
                file("gone/deep/index.html", "g"),
                file("vendor/a/index.html", "a"),
                file("vendor/b/index.html", "b"),
            ],
        )
        .unwrap();
        fs::write(out.join("stray.txt"), "left by someone").unwrap();
        let s = write_site_stats(
            &out,
            &[file("keep.html", "k"), file("vendor/a/index.html", "a")],
        )
        .unwrap();
        assert_eq!((s.written, s.unchanged, s.removed), (0, 2, 3));
        assert!(!out.join("gone").exists());
        assert!(!out.join("vendor/b").exists());
        assert!(!out.join("stray.txt").exists());
        assert!(out.join("vendor/a/index.html").is_file());
    }

    #[test]
    fn a_file_and_a_folder_may_trade_places() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&out, &[file("a", "file"), file("b/index.html", "in b")]).unwrap();
        write_site(&out, &[file("a/index.html", "in a"), file("b", "file")]).unwrap();
        assert_eq!(fs::read(out.join("a/index.html")).unwrap(), b"in a");
        assert_eq!(fs::read(out.join("b")).unwrap(), b"file");
    }

    #[test]
    fn an_abandoned_writer_leaves_the_output_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&out, &[file("a.html", "old")]).unwrap();
        {
            let w = Writer::begin(&out).unwrap();
            w.put("a.html", b"new").unwrap();
            w.put("b.html", b"new").unwrap();
            // Dropped without commit, as when a later page fails to render.
        }
        assert_eq!(fs::read(out.join("a.html")).unwrap(), b"old");
        assert!(!out.join("b.html").exists());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn the_same_path_twice_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let w = Writer::begin(&dir.path().join("public")).unwrap();
        w.put("a.html", b"1").unwrap();
        assert!(w.put("a.html", b"2").is_err());
    }
}

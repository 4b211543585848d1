//! Where the output's companions live: every file and folder the build keeps for an output
//! folder sits beside it, named `.<name>.trustatlas-*` (`.public.trustatlas-lock` for
//! `public/`), so nothing of it is deployed and `/.public.*` in .gitignore covers it all. This
//! file holds those names, the lock, and the clean-up of what a killed build left behind.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use super::refuse;

/// Staging trees (the new site while it is built, and the old one right after a swap) are
/// named `.<name>.<kind>-<pid>`; these are the kinds, the last one the name used by versions
/// before the swap. Only entries named exactly so are ever cleaned up.
const LEFTOVER_DIRS: [&str; 3] = ["trustatlas-staging", "trustatlas-old", "staging"];
/// Temporary files of the manifest and the build stamp, renamed over the real ones.
const LEFTOVER_FILES: [&str; 2] = ["trustatlas-manifest.tmp", "trustatlas-cache.tmp"];

/// The folder holding `out` (`.` for a bare name).
pub fn parent(out: &Path) -> PathBuf {
    match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `.<name>.<suffix>` beside `out`.
pub fn beside(out: &Path, suffix: &str) -> PathBuf {
    let name = out.file_name().and_then(|n| n.to_str()).unwrap_or("public");
    parent(out).join(format!(".{name}.{suffix}"))
}

/// A name of this process for a staging tree or temporary file of `kind`.
pub fn ours(out: &Path, kind: &str) -> PathBuf {
    beside(out, &format!("{kind}-{}", std::process::id()))
}

/// Held for the whole build into one output folder: a second build into the same folder
/// waits until the first has finished (an advisory lock on `.<name>.trustatlas-lock`, which
/// stays beside the output; removing a lock file would let a third build lock another file).
pub struct OutputLock {
    out: PathBuf,
    _file: File,
    warnings: Vec<String>,
}

impl OutputLock {
    /// Refuses an output that must not be replaced (see `refuse::check`), then locks it,
    /// calling `waiting` with the lock file's path first if another build holds it, and
    /// removes what killed builds left beside it (even when this build turns out to have
    /// nothing to do).
    pub fn acquire(out: &Path, site_root: &Path, waiting: &dyn Fn(&Path)) -> io::Result<Self> {
        refuse::check(out, site_root)?;
        let path = beside(out, "trustatlas-lock");
        let context = |e: io::Error| {
            io::Error::new(
                e.kind(),
                format!("could not lock {} for the build: {e}", path.display()),
            )
        };
        fs::create_dir_all(parent(out)).map_err(context)?;
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(context)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                waiting(&path);
                file.lock().map_err(context)?;
            }
            Err(fs::TryLockError::Error(e)) => return Err(context(e)),
        }
        Ok(OutputLock {
            out: out.to_path_buf(),
            _file: file,
            warnings: clean_leftovers(out),
        })
    }

    /// Leftovers of killed builds that could not be removed, to show the user.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The output folder this lock is for.
    pub fn out(&self) -> &Path {
        &self.out
    }
}

/// Removes what killed builds into `out` left beside it: staging trees, old trees and
/// temporary files, recognised by their exact names (see [`LEFTOVER_DIRS`]). Safe only under
/// [`OutputLock`], which keeps any other build from using those names at the same time.
/// Returns a warning for each one that could not be removed.
pub fn clean_leftovers(out: &Path) -> Vec<String> {
    let Some(name) = out.file_name().and_then(|n| n.to_str()) else {
        return Vec::new();
    };
    let Ok(entries) = fs::read_dir(parent(out)) else {
        return Vec::new();
    };
    let mut warnings = Vec::new();
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else {
            continue;
        };
        let Ok(meta) = fs::symlink_metadata(entry.path()) else {
            continue;
        };
        let removed = if meta.is_dir() && is_leftover(name, file_name, &LEFTOVER_DIRS) {
            remove_tree(&entry.path())
        } else if meta.is_file() && is_leftover(name, file_name, &LEFTOVER_FILES) {
            fs::remove_file(entry.path())
        } else {
            continue;
        };
        if let Err(e) = removed {
            warnings.push(format!(
                "could not remove {}, left by an interrupted build: {e}",
                entry.path().display()
            ));
        }
    }
    warnings
}

/// `.<name>.<kind>-<digits>` for one of `kinds`.
fn is_leftover(name: &str, file_name: &str, kinds: &[&str]) -> bool {
    let Some(rest) = file_name
        .strip_prefix('.')
        .and_then(|r| r.strip_prefix(name))
        .and_then(|r| r.strip_prefix('.'))
    else {
        return false;
    };
    kinds.iter().any(|kind| {
        rest.strip_prefix(kind)
            .and_then(|r| r.strip_prefix('-'))
            .is_some_and(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// Removes a tree this tool made. A folder someone made read-only inside the output (it is
/// now in the old tree) would stop `remove_dir_all`; the tree is ours, so its folders are
/// made writable and the removal tried once more.
pub fn remove_tree(dir: &Path) -> io::Result<()> {
    match fs::remove_dir_all(dir) {
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {
            for entry in walkdir::WalkDir::new(dir).follow_links(false).into_iter() {
                let Ok(entry) = entry else { continue };
                if entry.file_type().is_dir() {
                    if let Ok(m) = entry.metadata() {
                        let mut p = m.permissions();
                        make_writable(&mut p);
                        let _ = fs::set_permissions(entry.path(), p);
                    }
                }
            }
            fs::remove_dir_all(dir)
        }
        r => r,
    }
}

#[cfg(unix)]
fn make_writable(p: &mut fs::Permissions) {
    use std::os::unix::fs::PermissionsExt;
    p.set_mode(p.mode() | 0o700);
}

#[cfg(not(unix))]
fn make_writable(p: &mut fs::Permissions) {
    #[allow(clippy::permissions_set_readonly_false)]
    p.set_readonly(false);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_exact_names_of_this_output_are_leftovers() {
        let dirs = &LEFTOVER_DIRS;
        assert!(is_leftover("public", ".public.trustatlas-staging-12", dirs));
        assert!(is_leftover("public", ".public.trustatlas-old-7", dirs));
        assert!(is_leftover("public", ".public.staging-4242", dirs));
        for not in [
            ".public.trustatlas-staging-",
            ".public.trustatlas-staging-12x",
            ".public.trustatlas-staging",
            ".site.trustatlas-staging-12",
            ".public.trustatlas-cache",
            "public.trustatlas-staging-12",
            ".public.photos-12",
            ".public.staging-12.bak",
        ] {
            assert!(!is_leftover("public", not, dirs), "{not}");
        }
        assert!(is_leftover(
            "public",
            ".public.trustatlas-manifest.tmp-3",
            &LEFTOVER_FILES
        ));
    }

    #[test]
    fn clean_up_removes_leftovers_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        for d in [
            ".public.trustatlas-staging-1",
            ".public.trustatlas-old-2/vendor/a",
            ".public.staging-3",
            ".public.photos-4",
            ".other.trustatlas-staging-5",
        ] {
            fs::create_dir_all(dir.path().join(d)).unwrap();
        }
        fs::write(dir.path().join(".public.trustatlas-old-2/vendor/a/x"), "").unwrap();
        fs::write(dir.path().join(".public.trustatlas-manifest.tmp-6"), "").unwrap();
        // A file with a staging name is not a staging tree.
        fs::write(dir.path().join(".public.trustatlas-staging-7"), "mine").unwrap();
        assert!(clean_leftovers(&out).is_empty());
        let mut left: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                ".other.trustatlas-staging-5",
                ".public.photos-4",
                ".public.trustatlas-staging-7"
            ]
        );
    }
}

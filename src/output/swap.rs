//! Putting a complete new tree in the output's place in one step. On Linux that is
//! `renameat2(RENAME_EXCHANGE)`: the two names trade places atomically, so the output path
//! always names a whole tree, old or new. Elsewhere, and on Linux file systems that refuse the
//! flag (`EINVAL`; `ENOSYS` before Linux 3.15), two renames: the old tree aside, the new one
//! in. Between them the output path does not exist for a moment, but it never names a mix.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::failpoint;

/// Where the old tree went.
pub enum Swapped {
    /// To the staging tree's name (the two traded places).
    Exchanged,
    /// To this path, beside the output.
    MovedAside(PathBuf),
}

/// Puts the tree at `staging` where `out` is and the old `out` out of the way; `aside` is the
/// name the old tree gets when the two cannot be exchanged. On error `out` is as it was.
pub fn swap(staging: &Path, out: &Path, aside: &Path) -> io::Result<Swapped> {
    if !failpoint::set("exchange-unsupported") {
        match exchange(staging, out) {
            Ok(()) => return Ok(Swapped::Exchanged),
            Err(e) if !unsupported(&e) => return Err(hint(e, out)),
            Err(_) => {}
        }
    }
    fs::rename(out, aside).map_err(|e| hint(e, out))?;
    failpoint::abort("aside");
    if let Err(e) = fs::rename(staging, out) {
        let _ = fs::rename(aside, out);
        return Err(hint(e, out));
    }
    Ok(Swapped::MovedAside(aside.to_path_buf()))
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// The file system (or kernel) cannot exchange: fall back to two renames.
fn unsupported(e: &io::Error) -> bool {
    const EINVAL: i32 = 22;
    const ENOSYS: i32 = 38;
    const EOPNOTSUPP: i32 = 95;
    e.kind() == io::ErrorKind::Unsupported
        || (cfg!(target_os = "linux")
            && matches!(e.raw_os_error(), Some(EINVAL | ENOSYS | EOPNOTSUPP)))
}

fn hint(e: io::Error, out: &Path) -> io::Error {
    let raw = e.raw_os_error();
    // EBUSY, EXDEV: the output is a mount point, or a bind mount of one.
    if cfg!(target_os = "linux") && matches!(raw, Some(16 | 18)) {
        return io::Error::new(
            e.kind(),
            format!(
                "{e} (is {} a mount point? build into a folder inside it)",
                out.display()
            ),
        );
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_trees_trade_places() {
        let dir = tempfile::tempdir().unwrap();
        let (new, out, aside) = (
            dir.path().join("new"),
            dir.path().join("out"),
            dir.path().join("aside"),
        );
        fs::create_dir_all(&new).unwrap();
        fs::create_dir_all(&out).unwrap();
        fs::write(new.join("n"), "new").unwrap();
        fs::write(out.join("o"), "old").unwrap();
        let old_at = match swap(&new, &out, &aside).unwrap() {
            Swapped::Exchanged => new.clone(),
            Swapped::MovedAside(p) => p,
        };
        assert_eq!(fs::read(out.join("n")).unwrap(), b"new");
        assert!(!out.join("o").exists());
        assert_eq!(fs::read(old_at.join("o")).unwrap(), b"old");
    }
}

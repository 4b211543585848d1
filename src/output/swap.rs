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
            Some(Ok(())) => return Ok(Swapped::Exchanged),
            Some(Err(e)) => return Err(hint(e, out)),
            None => {}
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

/// Exchanges `a` and `b`; `None` when the kernel or file system cannot (then fall back).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> Option<io::Result<()>> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Some(Ok(())),
        Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => None,
        Err(e) => Some(Err(e.into())),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> Option<io::Result<()>> {
    None
}

/// A mount point (or a bind mount of one) cannot be renamed: say so.
fn hint(e: io::Error, out: &Path) -> io::Error {
    if matches!(
        e.kind(),
        io::ErrorKind::ResourceBusy | io::ErrorKind::CrossesDevices
    ) {
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

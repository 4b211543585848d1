//! Test-only failure points, so the end-to-end tests can kill a build at the worst moments and
//! feed it the errors of a full disk. `TRUSTATLAS_FAILPOINT=<name>[,<name>...]` makes a debug
//! build abort at [`abort`] points of that name, or return an injected error at [`error`]
//! points; release builds compile both to nothing, so no environment variable can change what
//! they do.
//!
//! Names (see `tests/output_safety.rs`): abort points `staging` (the fifth file staged),
//! `staged` (all staged, nothing committed), `manifest` (the manifest of old and new files
//! written, before the swap), `swapped` (after the swap, before the old tree is removed),
//! `cleaned` (old tree removed, manifest not yet final), `aside` (two-rename fallback only:
//! old tree moved aside, new one not yet in); error points `stage-enospc` (every
//! file staged after the fifth), `commit-enospc` (writing the manifest) and
//! `exchange-unsupported` (the file system refuses `RENAME_EXCHANGE`).

use std::io;

#[cfg(debug_assertions)]
fn is(name: &str) -> bool {
    std::env::var("TRUSTATLAS_FAILPOINT").is_ok_and(|v| v.split(',').any(|n| n == name))
}

/// Aborts the process here when the failure point `name` is set (debug builds only).
#[inline]
pub fn abort(name: &str) {
    #[cfg(debug_assertions)]
    if is(name) {
        eprintln!("TRUSTATLAS_FAILPOINT={name}: aborting");
        std::process::abort();
    }
    #[cfg(not(debug_assertions))]
    let _ = name;
}

/// A full disk here when the failure point `name` is set (debug builds only).
#[inline]
pub fn error(name: &str) -> io::Result<()> {
    #[cfg(debug_assertions)]
    if is(name) {
        return Err(io::Error::new(
            io::ErrorKind::StorageFull,
            format!("no space left on device (TRUSTATLAS_FAILPOINT={name})"),
        ));
    }
    #[cfg(not(debug_assertions))]
    let _ = name;
    Ok(())
}

/// Whether the failure point `name` is set (debug builds only; always false in release).
#[inline]
pub fn set(name: &str) -> bool {
    #[cfg(debug_assertions)]
    return is(name);
    #[cfg(not(debug_assertions))]
    {
        let _ = name;
        false
    }
}

//! Opening one input file safely. Only a regular file is ever opened: a symbolic link, a
//! folder, a named pipe (FIFO), a socket or a device is refused with its own message, found
//! with `symlink_metadata` *before* anything is opened (opening a FIFO blocks until a writer
//! comes; reading `/dev/zero` never ends). The size is checked before reading and the read
//! itself is bounded, so a file that grows while it is read cannot take more than the cap.

use std::fs::{self, File};
use std::io::{ErrorKind, Read};
use std::path::Path;

/// What is at a path, the link itself when it is a symbolic link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    Missing,
    File,
    Dir,
    Symlink,
    /// A named pipe, socket or device, with what it is called in messages.
    Special(&'static str),
}

impl Entry {
    /// Looks at `path` without following a link; an unreadable path is an I/O message.
    pub fn of(path: &Path) -> Result<Entry, String> {
        match fs::symlink_metadata(path) {
            Ok(m) => Ok(Entry::from_type(m.file_type())),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(Entry::Missing),
            Err(e) => Err(e.to_string()),
        }
    }

    pub fn from_type(t: fs::FileType) -> Entry {
        if t.is_symlink() {
            return Entry::Symlink;
        }
        if t.is_dir() {
            return Entry::Dir;
        }
        if t.is_file() {
            return Entry::File;
        }
        Entry::Special(special_name(t))
    }
}

#[cfg(unix)]
fn special_name(t: fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if t.is_fifo() {
        "a named pipe (FIFO)"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else {
        "not a regular file"
    }
}

#[cfg(not(unix))]
fn special_name(_: fs::FileType) -> &'static str {
    "not a regular file"
}

/// Why a path was not read: the message and, when there is one, the fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub message: String,
    pub help: Option<String>,
}

impl Refusal {
    fn new(message: impl Into<String>, help: Option<&str>) -> Self {
        Refusal {
            message: message.into(),
            help: help.map(str::to_string),
        }
    }

    /// The refusal for an entry that is not a regular file (`None` for a regular file or a
    /// missing one). `name` is the path as the editor knows it.
    pub fn for_entry(entry: Entry, name: &str) -> Option<Refusal> {
        match entry {
            Entry::File | Entry::Missing => None,
            Entry::Symlink => Some(symlink()),
            Entry::Dir => Some(Refusal::new(
                format!("`{name}` is a folder, not a file"),
                Some("remove or rename the folder, and put the file in its place"),
            )),
            Entry::Special(what) => Some(Refusal::new(
                format!("`{name}` is {what}, not a regular file; it is not read"),
                Some("only regular files are read: replace it with an ordinary file"),
            )),
        }
    }
}

/// The one message for a link anywhere in the site's folders.
pub fn symlink() -> Refusal {
    Refusal::new(
        "symbolic links are not followed in site folders",
        Some("copy the file or folder into the site instead of linking it"),
    )
}

/// The bytes of the regular file at `path`, at most `cap` of them; `Ok(None)` when nothing is
/// there. `name` is the path shown in messages, `what` the kind of file for the size message
/// ("content files").
pub fn read_capped(
    path: &Path,
    name: &str,
    cap: u64,
    what: &str,
) -> Result<Option<Vec<u8>>, Refusal> {
    let entry = Entry::of(path).map_err(|e| Refusal::new(e, None))?;
    if entry == Entry::Missing {
        return Ok(None);
    }
    if let Some(r) = Refusal::for_entry(entry, name) {
        return Err(r);
    }
    let too_big = |len: u64| {
        Refusal::new(
            format!("file is {len} bytes; {what} are limited to {cap} bytes"),
            Some("split or shrink the file"),
        )
    };
    let file = File::open(path).map_err(|e| Refusal::new(e.to_string(), None))?;
    // The path may have been swapped between the check and the open: look again at what was
    // opened. (A FIFO swapped in during that window would still block the open; only a
    // process racing the build on purpose can do that.)
    let meta = file
        .metadata()
        .map_err(|e| Refusal::new(e.to_string(), None))?;
    if !meta.is_file() {
        return Err(Refusal::for_entry(Entry::from_type(meta.file_type()), name)
            .unwrap_or_else(|| Refusal::new(format!("`{name}` is not a regular file"), None)));
    }
    if meta.len() > cap {
        return Err(too_big(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Refusal::new(e.to_string(), None))?;
    if bytes.len() as u64 > cap {
        return Err(too_big(bytes.len() as u64));
    }
    Ok(Some(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_regular_file_and_refuses_a_folder() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.toml");
        fs::write(&f, "x = 1").unwrap();
        assert_eq!(
            read_capped(&f, "a.toml", 100, "files").unwrap().unwrap(),
            b"x = 1"
        );
        assert_eq!(
            read_capped(&dir.path().join("none"), "none", 100, "files").unwrap(),
            None
        );
        let r = read_capped(dir.path(), "site.toml", 100, "files").unwrap_err();
        assert_eq!(r.message, "`site.toml` is a folder, not a file");
        let r = read_capped(&f, "a.toml", 3, "content files").unwrap_err();
        assert_eq!(
            r.message,
            "file is 5 bytes; content files are limited to 3 bytes"
        );
    }

    #[cfg(unix)]
    #[test]
    fn never_follows_a_link_to_dev_zero() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("site.toml");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        let r = read_capped(&link, "site.toml", 100, "files").unwrap_err();
        assert_eq!(r, symlink());
    }

    #[cfg(unix)]
    #[test]
    fn refuses_a_device_without_reading_it() {
        let r = read_capped(Path::new("/dev/zero"), "x.md", 100, "files").unwrap_err();
        assert_eq!(
            r.message,
            "`x.md` is a device, not a regular file; it is not read"
        );
    }
}

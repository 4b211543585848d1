//! Which files in the output folder this tool wrote: the manifest, `.<name>.trustatlas-manifest`
//! beside the output (not inside it: Cloudflare Pages uploads every file of the folder,
//! dot-files included). A build replaces only a folder whose every entry is in it; anything
//! else is a file someone put there, and the build refuses rather than delete it. The one
//! exception is Finder's `.DS_Store`.
//!
//! Format: a header line, then one output path per line (`/`-separated; `safe_relative` keeps
//! line breaks out of paths). Before the swap the manifest lists the old and the new files
//! together, so that whichever tree a kill leaves in place is covered; after it, the new ones.
//!
//! Outputs of versions before the manifest: their build stamp (`cache`, beside the output)
//! lists every file of the last build as `out <path> <size> <mtime>`, and is taken as the
//! manifest when there is none. An output with neither is refused, saying what to do.

use std::collections::{BTreeSet, HashSet};
use std::fs;
use std::io;
use std::path::Path;

use super::place;

const HEADER: &str = "trustatlas output manifest v1";
/// How many foreign files a refusal names.
const SHOWN: usize = 5;
/// macOS Finder writes this (view settings, nothing of the user's) into every folder it
/// shows; refusing to build after a look at `public/` in Finder would help no one. It is
/// left out of the new tree like any file the build did not write.
const DROPPING: &str = ".DS_Store";

/// The files of `out` that a build of this tool wrote, or `None` when nothing says so.
pub fn read(out: &Path) -> Option<HashSet<String>> {
    if let Ok(text) = fs::read_to_string(place::beside(out, "trustatlas-manifest")) {
        let mut lines = text.lines();
        if lines.next() == Some(HEADER) {
            return Some(lines.map(str::to_string).collect());
        }
    }
    let stamp = fs::read_to_string(place::beside(out, "trustatlas-cache")).ok()?;
    if !stamp.starts_with("trustatlas build stamp v") {
        return None;
    }
    Some(
        stamp
            .lines()
            .filter_map(|l| l.strip_prefix("out "))
            .filter_map(|rest| rest.rsplitn(3, ' ').nth(2))
            .map(str::to_string)
            .collect(),
    )
}

/// Records `paths` as the files of `out`, replacing the manifest in one rename.
pub fn write<'a>(out: &Path, paths: impl IntoIterator<Item = &'a str>) -> io::Result<()> {
    let sorted: BTreeSet<&str> = paths.into_iter().collect();
    let mut text = String::with_capacity(sorted.len() * 40 + HEADER.len());
    text.push_str(HEADER);
    text.push('\n');
    for p in sorted {
        text.push_str(p);
        text.push('\n');
    }
    let tmp = place::ours(out, "trustatlas-manifest.tmp");
    super::failpoint::error("commit-enospc")?;
    let written = fs::write(&tmp, text)
        .and_then(|()| fs::rename(&tmp, place::beside(out, "trustatlas-manifest")));
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written
}

/// Refuses `out` when it holds anything not in `owned` (`None`: no record at all): files,
/// links, and folders that are not on the way to an owned file. Nothing is removed. Returns
/// the files `out` holds (all owned, then).
pub fn refuse_foreign(out: &Path, owned: Option<&HashSet<String>>) -> io::Result<HashSet<String>> {
    let empty = HashSet::new();
    let files = owned.unwrap_or(&empty);
    let dirs: HashSet<&str> = files
        .iter()
        .flat_map(|p| p.match_indices('/').map(move |(i, _)| &p[..i]))
        .collect();
    let mut foreign = Vec::new();
    let mut count = 0usize;
    let mut found = HashSet::new();
    for entry in walkdir::WalkDir::new(out)
        .min_depth(1)
        .sort_by_file_name()
        .follow_links(false)
    {
        let entry = entry.map_err(io::Error::other)?;
        let rel = entry.path().strip_prefix(out).unwrap_or(entry.path());
        let key = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let t = entry.file_type();
        let ok = if t.is_file() && entry.file_name() == DROPPING {
            true
        } else if t.is_dir() {
            dirs.contains(key.as_str())
                || fs::read_dir(entry.path()).is_ok_and(|mut d| d.next().is_some())
        } else {
            t.is_file() && files.contains(&key)
        };
        if ok && t.is_file() && entry.file_name() != DROPPING {
            found.insert(key.clone());
        }
        if !ok {
            count += 1;
            if foreign.len() < SHOWN {
                foreign.push(if t.is_dir() { format!("{key}/") } else { key });
            }
        }
    }
    if count == 0 {
        return Ok(found);
    }
    let more = if count > SHOWN {
        format!(" and {} more", count - SHOWN)
    } else {
        String::new()
    };
    let stamp = place::beside(out, "trustatlas-cache");
    let stamp = stamp.file_name().unwrap_or_default().to_string_lossy();
    let (what, help) = match owned {
        None => (
            "trustatlas has no record of building it, and it is not empty".to_string(),
            format!("build into a new or empty folder, or move these files away first; an output of an earlier trustatlas is recognised by the build stamp beside it ({stamp}): if that is gone, delete the folder (after checking it holds nothing of yours) and build again"),
        ),
        Some(_) => (
            format!("it holds {count} {} that trustatlas did not write", if count == 1 { "file" } else { "files" }),
            format!("move {} elsewhere (to publish a file with the site, put it in static/), then build again", if count == 1 { "it" } else { "them" }),
        ),
    };
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        format!(
            "refusing to replace {}: {what}: {}{more}\n  help: {help}",
            out.display(),
            foreign.join(", ")
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_round_trip_and_the_old_stamp_as_a_fallback() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        assert_eq!(read(&out), None);
        fs::write(
            dir.path().join(".public.trustatlas-cache"),
            "trustatlas build stamp v2\nbinary x 1 2\nin site.toml 1 2\nout a b/index.html 10 99\nout c.css 3 4\npages\npage a b/index.html 00ff\n",
        )
        .unwrap();
        let legacy = read(&out).unwrap();
        assert_eq!(
            legacy,
            HashSet::from(["a b/index.html".to_string(), "c.css".to_string()])
        );
        write(&out, ["x/y.html", "a.html"]).unwrap();
        assert_eq!(
            read(&out).unwrap(),
            HashSet::from(["x/y.html".to_string(), "a.html".to_string()])
        );
        assert!(!place::ours(&out, "trustatlas-manifest.tmp").exists());
    }

    #[test]
    fn foreign_entries_are_named_and_owned_ones_pass() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        fs::create_dir_all(out.join("vendor/a")).unwrap();
        fs::create_dir_all(out.join("empty")).unwrap();
        fs::write(out.join("vendor/a/index.html"), "").unwrap();
        fs::write(out.join("index.html"), "").unwrap();
        fs::write(out.join("vendor/.DS_Store"), "").unwrap();
        let owned: HashSet<String> = ["vendor/a/index.html", "index.html", "gone.html"]
            .map(String::from)
            .into();
        let e = refuse_foreign(&out, Some(&owned)).unwrap_err().to_string();
        assert!(
            e.contains("1 file that trustatlas did not write: empty/"),
            "{e}"
        );
        fs::remove_dir(out.join("empty")).unwrap();
        let found = refuse_foreign(&out, Some(&owned)).unwrap();
        assert_eq!(
            found,
            HashSet::from(["vendor/a/index.html".into(), "index.html".into()]),
            "what is there, not what the record says"
        );
        fs::create_dir_all(out.join(".ssh")).unwrap();
        fs::write(out.join(".ssh/id_rsa"), "secret").unwrap();
        fs::write(out.join("photo.jpg"), "").unwrap();
        let e = refuse_foreign(&out, Some(&owned)).unwrap_err().to_string();
        assert!(
            e.contains("2 files that trustatlas did not write: .ssh/id_rsa, photo.jpg"),
            "{e}"
        );
        let e = refuse_foreign(&out, None).unwrap_err().to_string();
        assert!(e.contains("no record of building it"), "{e}");
        assert!(out.join(".ssh/id_rsa").is_file(), "nothing is removed");
    }
}

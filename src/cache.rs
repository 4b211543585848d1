//! The no-change check: when nothing the build reads has changed since the last successful
//! build into the same output, and that output is still exactly as the build left it, the
//! whole pipeline is skipped.
//!
//! Like make and cargo, this trusts file metadata instead of reading every byte: a build is
//! fresh when every input file (site.toml, content/, themes/, static/) has the size and
//! modification time (nanoseconds) recorded after the last build, no file was added or
//! removed, the binary, build date and base URL are the same, and every output file still has
//! the size and mtime it had when that build finished. An edit shorter than the file system's
//! timestamp granularity could slip past a plain mtime check ("racy" files, as git calls
//! them), so a build whose inputs were modified less than [`RACY_WINDOW`] before it started
//! records no stamp, and the next build does the full work.
//!
//! The stamp lives beside the output (`.public.trustatlas-cache` for `public/`), never inside
//! it: it must not be deployed. This module reads metadata only; `output` writes the site.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::build::BuildOptions;
use crate::source::is_ignored;

/// Inputs modified this recently when the build starts make its stamp untrustworthy.
pub const RACY_WINDOW: Duration = Duration::from_secs(2);

const HEADER: &str = "trustatlas build stamp v1";

/// What the build read, as metadata: taken before the build starts.
pub struct InputStamp {
    text: String,
    /// An input was modified within [`RACY_WINDOW`] of taking the stamp.
    racy: bool,
}

/// Where the stamp of the output folder `out` is kept.
pub fn stamp_path(out: &Path) -> PathBuf {
    let name = out.file_name().and_then(|n| n.to_str()).unwrap_or("public");
    out.with_file_name(format!(".{name}.trustatlas-cache"))
}

/// Stamps the inputs of a build with `opts`.
pub fn input_stamp(opts: &BuildOptions) -> io::Result<InputStamp> {
    let now = SystemTime::now();
    let mut text = String::new();
    text.push_str(HEADER);
    text.push('\n');
    // The binary itself: a rebuilt trustatlas may render differently.
    let exe = std::env::current_exe()?;
    let m = fs::metadata(&exe)?;
    text.push_str(&format!(
        "binary {} {} {}\n",
        env!("CARGO_PKG_VERSION"),
        m.len(),
        nanos(m.modified()?)
    ));
    text.push_str(&format!("build-date {}\n", opts.build_date.0));
    text.push_str(&format!(
        "base-url {}\n",
        opts.base_url.as_deref().unwrap_or("-")
    ));
    let root = fs::canonicalize(&opts.root)?;
    text.push_str(&format!("root {}\n", root.display()));
    let mut racy = false;
    for top in ["site.toml", "content", "themes", "static"] {
        for (rel, len, mtime) in list_files(&root, Path::new(top), true)? {
            racy |= now.duration_since(mtime).unwrap_or_default() < RACY_WINDOW;
            text.push_str(&format!("in {rel} {len} {}\n", nanos(mtime)));
        }
    }
    Ok(InputStamp { text, racy })
}

/// True when `out` holds exactly what the last build with these inputs left there.
pub fn is_fresh(stamp: &InputStamp, out: &Path) -> bool {
    let Ok(saved) = fs::read_to_string(stamp_path(out)) else {
        return false;
    };
    let Some(outputs) = saved.strip_prefix(&stamp.text) else {
        return false;
    };
    match output_lines(out) {
        Ok(now) => now == outputs,
        Err(_) => false,
    }
}

/// Records the stamp after a successful build into `out`; removes a stale one when the
/// inputs were racy (or the build had diagnostics to show again next time: `keep` false).
pub fn save(stamp: &InputStamp, out: &Path, keep: bool) -> io::Result<()> {
    let path = stamp_path(out);
    if stamp.racy || !keep {
        return match fs::remove_file(&path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        };
    }
    let mut text = stamp.text.clone();
    text.push_str(&output_lines(out)?);
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    fs::write(&tmp, text)?;
    fs::rename(&tmp, &path)
}

/// Forgets the stamp (a build into `out` is about to change it, or failed).
pub fn invalidate(out: &Path) {
    let _ = fs::remove_file(stamp_path(out));
}

fn output_lines(out: &Path) -> io::Result<String> {
    let mut s = String::new();
    for (rel, len, mtime) in list_files(out, Path::new(""), false)? {
        s.push_str(&format!("out {rel} {len} {}\n", nanos(mtime)));
    }
    Ok(s)
}

/// Files under `root/dir` (or `root/dir` itself when it is a file), sorted, as
/// (`/`-separated relative path, size, mtime). Missing is empty.
fn list_files(
    root: &Path,
    dir: &Path,
    skip_ignored: bool,
) -> io::Result<Vec<(String, u64, SystemTime)>> {
    let full = root.join(dir);
    if !full.exists() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    let walker = walkdir::WalkDir::new(&full)
        .sort_by_file_name()
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| {
            !skip_ignored || e.depth() == 0 || !is_ignored(e.file_name().to_str().unwrap_or(""))
        });
    for entry in walker {
        let entry = entry.map_err(io::Error::other)?;
        if entry.file_type().is_dir() {
            continue;
        }
        let m = entry.metadata().map_err(io::Error::other)?;
        let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
        let rel = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        out.push((rel, m.len(), m.modified()?));
    }
    Ok(out)
}

fn nanos(t: SystemTime) -> u128 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::Day;

    fn backdate(p: &Path) {
        let past = SystemTime::now() - Duration::from_secs(3600);
        fs::File::options()
            .write(true)
            .open(p)
            .unwrap()
            .set_modified(past)
            .unwrap();
    }

    fn setup() -> (tempfile::TempDir, BuildOptions, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        fs::create_dir_all(root.join("content/vendors")).unwrap();
        fs::write(root.join("site.toml"), "x").unwrap();
        fs::write(root.join("content/vendors/a.md"), "a").unwrap();
        backdate(&root.join("site.toml"));
        backdate(&root.join("content/vendors/a.md"));
        let out = dir.path().join("public");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("index.html"), "page").unwrap();
        let opts = BuildOptions {
            root,
            build_date: Day::from_ymd(2026, 11, 22),
            base_url: None,
        };
        (dir, opts, out)
    }

    #[test]
    fn fresh_only_while_inputs_options_and_output_are_unchanged() {
        let (_dir, opts, out) = setup();
        let stamp = input_stamp(&opts).unwrap();
        assert!(!is_fresh(&stamp, &out), "no stamp saved yet");
        save(&stamp, &out, true).unwrap();
        assert!(is_fresh(&input_stamp(&opts).unwrap(), &out));

        let other_date = BuildOptions {
            build_date: Day::from_ymd(2026, 11, 23),
            ..opts.clone()
        };
        assert!(!is_fresh(&input_stamp(&other_date).unwrap(), &out));
        let other_url = BuildOptions {
            base_url: Some("https://preview.example.com".into()),
            ..opts.clone()
        };
        assert!(!is_fresh(&input_stamp(&other_url).unwrap(), &out));

        // A changed output file (someone edited public/) makes it stale.
        fs::write(out.join("index.html"), "edited").unwrap();
        assert!(!is_fresh(&input_stamp(&opts).unwrap(), &out));
    }

    #[test]
    fn an_edited_added_or_removed_input_makes_it_stale() {
        let (_dir, opts, out) = setup();
        save(&input_stamp(&opts).unwrap(), &out, true).unwrap();
        let vendor = opts.root.join("content/vendors/a.md");
        fs::write(&vendor, "b").unwrap();
        assert!(!is_fresh(&input_stamp(&opts).unwrap(), &out));
        backdate(&vendor);
        save(&input_stamp(&opts).unwrap(), &out, true).unwrap();
        assert!(is_fresh(&input_stamp(&opts).unwrap(), &out));
        // Editor droppings are not inputs; a new vendor is.
        fs::write(opts.root.join("content/vendors/.a.md.swp"), "").unwrap();
        assert!(is_fresh(&input_stamp(&opts).unwrap(), &out));
        fs::write(opts.root.join("content/vendors/b.md"), "").unwrap();
        assert!(!is_fresh(&input_stamp(&opts).unwrap(), &out));
    }

    #[test]
    fn racy_inputs_leave_no_stamp() {
        let (_dir, opts, out) = setup();
        fs::write(opts.root.join("content/vendors/a.md"), "just now").unwrap();
        let stamp = input_stamp(&opts).unwrap();
        save(&stamp, &out, true).unwrap();
        assert!(!stamp_path(&out).exists());
        assert!(!is_fresh(&stamp, &out));
    }
}

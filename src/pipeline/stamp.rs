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
//! Finer-grained, when something did change: the stamp also records the key every page and
//! published file was made from (see `files::Keep`), and [`StampKeep`] keeps a file whose key
//! is unchanged and whose file is still as that build left it (hard-linked into the new tree).
//! Editing one vendor makes its pages and record again, and the listings whose view changed,
//! not every page. These keys hash content, so racy timestamps do not matter to them.
//!
//! The stamp lives beside the output (`.public.trustatlas-cache` for `public/`), never inside
//! it: it must not be deployed. This module reads metadata only; `output` writes the site.
//! A build that changes a file swaps in a new output folder (a new inode), so nothing here
//! looks at the folder itself: only the size and mtime of the files in it, which the swap
//! keeps for every unchanged file (it hard-links them).

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::files::{Keep, Key};
use crate::options::BuildOptions;
use crate::output::Writer;
use crate::source::is_ignored;

/// Inputs modified this recently when the build starts make its stamp untrustworthy.
pub const RACY_WINDOW: Duration = Duration::from_secs(2);

const HEADER: &str = "trustatlas build stamp v3";
/// Written after the header when the no-change shortcut must not trust this stamp.
const NO_SHORTCUT: &str = "no-shortcut";
/// Starts the section of page keys.
const PAGES: &str = "pages";

/// What the build read, as metadata: taken before the build starts.
pub struct InputStamp {
    text: String,
    /// An input was modified within [`RACY_WINDOW`] of taking the stamp.
    racy: bool,
}

/// Where the stamp of the output folder `out` is kept.
pub fn stamp_path(out: &Path) -> PathBuf {
    crate::output::beside(out, "trustatlas-cache")
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
    // Decides whether the build passes Cloudflare Pages' limits.
    text.push_str(&format!("max-files {:?}\n", opts.max_files));
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
    let Some(rest) = saved.strip_prefix(&stamp.text) else {
        return false;
    };
    let outputs = rest
        .split_once(&format!("{PAGES}\n"))
        .map_or(rest, |(o, _)| o);
    match output_lines(out) {
        Ok(now) => now == outputs,
        Err(_) => false,
    }
}

/// Records the stamp after a successful build into `out`, with the key each vendor page was
/// rendered from. `shortcut` false (the build had diagnostics to show again next time) or
/// racy inputs keep the next build from skipping the pipeline; page keys are kept either way.
pub fn save(
    stamp: &InputStamp,
    out: &Path,
    shortcut: bool,
    pages: &[(String, Key)],
) -> io::Result<()> {
    let path = stamp_path(out);
    let mut text = String::with_capacity(stamp.text.len() * 4);
    if stamp.racy || !shortcut {
        text.push_str(HEADER);
        text.push('\n');
        text.push_str(NO_SHORTCUT);
        text.push('\n');
        text.push_str(&stamp.text[HEADER.len() + 1..]);
    } else {
        text.push_str(&stamp.text);
    }
    text.push_str(&output_lines(out)?);
    text.push_str(PAGES);
    text.push('\n');
    let mut pages: Vec<&(String, Key)> = pages.iter().collect();
    pages.sort_by(|a, b| a.0.cmp(&b.0));
    for (p, k) in pages {
        text.push_str(&format!("page {p} {:016x} {:016x}\n", k.inputs, k.view));
    }
    // A name `output` recognises as a leftover if this process is killed before the rename.
    let tmp = crate::output::beside(out, &format!("trustatlas-cache.tmp-{}", std::process::id()));
    fs::write(&tmp, text)?;
    fs::rename(&tmp, &path)
}

/// Forgets the stamp (a build into `out` is about to change it, or failed).
pub fn invalidate(out: &Path) {
    let _ = fs::remove_file(stamp_path(out));
}

/// The lines that must match for anything of a previous build to be reused: binary, build
/// date, base URL, file limit and root.
fn settings(text: &str) -> Vec<&str> {
    text.lines()
        .take_while(|l| !l.starts_with("in ") && *l != PAGES)
        .filter(|l| *l != HEADER && *l != NO_SHORTCUT)
        .collect()
}

/// Files of the previous build into the same output, kept when their key matches and their
/// file is untouched since; see the module docs.
pub struct StampKeep<'w> {
    out: PathBuf,
    writer: &'w Writer,
    /// Output path → (key, size, mtime) from the stamp.
    previous: HashMap<String, (Key, u64, u128)>,
    /// (path, key) of every keyed file of this build, for the next stamp.
    pages: Mutex<Vec<(String, Key)>>,
    kept: AtomicUsize,
}

impl<'w> StampKeep<'w> {
    /// Reads the previous stamp of `out`; nothing is reused when the binary, build date, base
    /// URL or root differ, or when `reuse` is false (`--force`: render everything, but still
    /// record keys for the next build).
    pub fn load(stamp: &InputStamp, out: &Path, writer: &'w Writer, reuse: bool) -> Self {
        let mut previous = HashMap::new();
        let saved = if reuse {
            fs::read_to_string(stamp_path(out)).unwrap_or_default()
        } else {
            String::new()
        };
        if !saved.is_empty() && settings(&saved) == settings(&stamp.text) {
            let mut outs: HashMap<&str, (u64, u128)> = HashMap::new();
            let mut keys: Vec<(&str, Key)> = Vec::new();
            for line in saved.lines() {
                if let Some(rest) = line.strip_prefix("out ") {
                    let mut parts = rest.rsplitn(3, ' ');
                    if let (Some(m), Some(len), Some(p)) =
                        (parts.next(), parts.next(), parts.next())
                    {
                        if let (Ok(m), Ok(len)) = (m.parse(), len.parse()) {
                            outs.insert(p, (len, m));
                        }
                    }
                } else if let Some(rest) = line.strip_prefix("page ") {
                    let mut parts = rest.rsplitn(3, ' ');
                    if let (Some(view), Some(inputs), Some(p)) =
                        (parts.next(), parts.next(), parts.next())
                    {
                        if let (Ok(view), Ok(inputs)) = (
                            u64::from_str_radix(view, 16),
                            u64::from_str_radix(inputs, 16),
                        ) {
                            keys.push((p, Key { inputs, view }));
                        }
                    }
                }
            }
            for (p, k) in keys {
                if let Some((len, m)) = outs.get(p) {
                    previous.insert(p.to_string(), (k, *len, *m));
                }
            }
        }
        StampKeep {
            out: out.to_path_buf(),
            writer,
            previous,
            pages: Mutex::new(Vec::new()),
            kept: AtomicUsize::new(0),
        }
    }

    /// How many files were kept instead of made.
    pub fn kept(&self) -> usize {
        self.kept.load(Ordering::Relaxed)
    }

    /// (path, key) of every keyed file of this build, for [`save`].
    pub fn into_pages(self) -> Vec<(String, Key)> {
        self.pages.into_inner().unwrap_or_else(|e| e.into_inner())
    }

    /// The previous build made `path` and the file is still as it left it.
    fn untouched(&self, path: &str) -> bool {
        let Some((_, len, mtime)) = self.previous.get(path) else {
            return false;
        };
        fs::symlink_metadata(self.out.join(path)).is_ok_and(|m| {
            m.is_file() && m.len() == *len && m.modified().is_ok_and(|t| nanos(t) == *mtime)
        })
    }

    fn record(&self, path: &str, key: Key) {
        self.pages
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((path.to_string(), key));
    }
}

impl Keep for StampKeep<'_> {
    fn reusable(&self, path: &str, key: Key) -> Option<usize> {
        let (k, len, _) = self.previous.get(path)?;
        (key.matches(k) && self.untouched(path)).then_some(*len as usize)
    }

    fn keep(&self, path: &str, key: Key) -> io::Result<()> {
        self.writer.keep(path)?;
        self.kept.fetch_add(1, Ordering::Relaxed);
        let previous = self.previous.get(path).map(|p| p.0).unwrap_or_default();
        self.record(path, key.kept_from(&previous));
        Ok(())
    }

    /// Only a file still in the output as the last build left it can be kept, so only for
    /// such a file is a view worth hashing (a stamp beside an emptied folder keeps nothing).
    fn had(&self, path: &str) -> bool {
        self.untouched(path)
    }

    fn made(&self, path: &str, key: Key) {
        self.record(path, key);
    }
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
    use crate::output::OutputLock;

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
            max_files: None,
        };
        (dir, opts, out)
    }

    #[test]
    fn fresh_only_while_inputs_options_and_output_are_unchanged() {
        let (_dir, opts, out) = setup();
        let stamp = input_stamp(&opts).unwrap();
        assert!(!is_fresh(&stamp, &out), "no stamp saved yet");
        save(&stamp, &out, true, &[]).unwrap();
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
        save(&input_stamp(&opts).unwrap(), &out, true, &[]).unwrap();
        let vendor = opts.root.join("content/vendors/a.md");
        fs::write(&vendor, "b").unwrap();
        assert!(!is_fresh(&input_stamp(&opts).unwrap(), &out));
        backdate(&vendor);
        save(&input_stamp(&opts).unwrap(), &out, true, &[]).unwrap();
        assert!(is_fresh(&input_stamp(&opts).unwrap(), &out));
        // Editor droppings are not inputs; a new vendor is.
        fs::write(opts.root.join("content/vendors/.a.md.swp"), "").unwrap();
        assert!(is_fresh(&input_stamp(&opts).unwrap(), &out));
        fs::write(opts.root.join("content/vendors/b.md"), "").unwrap();
        assert!(!is_fresh(&input_stamp(&opts).unwrap(), &out));
    }

    #[test]
    fn racy_inputs_or_diagnostics_disable_the_shortcut_but_keep_page_keys() {
        let (_dir, opts, out) = setup();
        fs::write(opts.root.join("content/vendors/a.md"), "just now").unwrap();
        let stamp = input_stamp(&opts).unwrap();
        save(&stamp, &out, true, &[("index.html".into(), Key::inputs(7))]).unwrap();
        assert!(!is_fresh(&stamp, &out));
        let w = Writer::begin(OutputLock::acquire(&out, &opts.root, &|_| {}).unwrap()).unwrap();
        let reuse = StampKeep::load(&stamp, &out, &w, true);
        assert!(reuse.reusable("index.html", Key::inputs(7)).is_some());
        assert!(
            reuse.reusable("index.html", Key::inputs(8)).is_none(),
            "another key"
        );

        backdate(&opts.root.join("content/vendors/a.md"));
        let stamp = input_stamp(&opts).unwrap();
        save(&stamp, &out, false, &[]).unwrap();
        assert!(!is_fresh(&stamp, &out), "warnings are shown again");
    }

    #[test]
    fn a_page_is_reused_only_while_its_file_and_the_settings_are_unchanged() {
        let (_dir, opts, out) = setup();
        let stamp = input_stamp(&opts).unwrap();
        save(&stamp, &out, true, &[("index.html".into(), Key::inputs(7))]).unwrap();
        let w = Writer::begin(OutputLock::acquire(&out, &opts.root, &|_| {}).unwrap()).unwrap();
        assert!(StampKeep::load(&stamp, &out, &w, true)
            .reusable("index.html", Key::inputs(7))
            .is_some());
        assert!(StampKeep::load(&stamp, &out, &w, false)
            .reusable("index.html", Key::inputs(7))
            .is_none());
        let other_date = BuildOptions {
            build_date: Day::from_ymd(2026, 11, 23),
            ..opts.clone()
        };
        let other = input_stamp(&other_date).unwrap();
        assert!(StampKeep::load(&other, &out, &w, true)
            .reusable("index.html", Key::inputs(7))
            .is_none());
        fs::write(out.join("index.html"), "edited by hand").unwrap();
        assert!(StampKeep::load(&stamp, &out, &w, true)
            .reusable("index.html", Key::inputs(7))
            .is_none());
    }
}

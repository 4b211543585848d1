//! Reading the site from disk. The only module of the build that touches the file system for
//! input: everything after it works on [`SiteSources`] in memory, so the rest of the pipeline is
//! a pure function of these bytes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostic::{Code, Diagnostic};

mod controls;
mod front;
mod read;
mod refresh;

pub use controls::open_multiline_string;
pub use front::{split_front_matter, Split};
pub use read::Entry;
use read::{read_capped, Refusal};
pub use refresh::{refresh, Refreshed};

/// Files larger than this are refused instead of read: no content file is legitimately this big,
/// and a stray dump must not eat the machine's memory.
pub const MAX_CONTENT_FILE: u64 = 8 * 1024 * 1024;

/// Static files and theme assets larger than this are refused without being read. It is well
/// above the 25 MiB that Cloudflare Pages accepts, so a file between the two is still read and
/// reported by `publish::limits` with that limit's own message (E0500); this cap only keeps a
/// stray dump or a device-sized file out of memory.
pub const MAX_STATIC_FILE: u64 = 100 * 1024 * 1024;

/// Control characters listed per file; the rest are counted in one more line.
const CONTROLS_LISTED: usize = 5;

/// One text file of content or configuration.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the site root, `/`-separated (what diagnostics print).
    pub path: PathBuf,
    /// The whole file, a leading byte-order mark removed.
    pub text: String,
}

impl SourceFile {
    /// File name without extension, e.g. `alibaba-cloud` for `content/vendors/alibaba-cloud.md`.
    pub fn stem(&self) -> &str {
        self.path.file_stem().and_then(|s| s.to_str()).unwrap_or("")
    }

    pub fn extension(&self) -> &str {
        self.path.extension().and_then(|s| s.to_str()).unwrap_or("")
    }
}

/// Everything the build reads, keyed and sorted so iteration order never depends on the disk.
#[derive(Debug, Default, Clone)]
pub struct SiteSources {
    pub config: Option<SourceFile>,
    /// `content/<kind>/...` files by kind folder name (`vendors`, `certifications`, ...).
    pub content: BTreeMap<String, Vec<SourceFile>>,
    /// `content/questions.toml`.
    pub questions: Option<SourceFile>,
    /// Theme templates by name (`vendor.html`), from `themes/<theme>/templates/`.
    pub templates: BTreeMap<String, String>,
    /// Static files to copy: output path (relative) -> bytes. Theme assets first, then `static/`.
    pub theme_assets: BTreeMap<String, Vec<u8>>,
    pub static_files: BTreeMap<String, Vec<u8>>,
    /// Stems of content files that exist but could not be read (not UTF-8, too big), by kind:
    /// references to them are not reported a second time.
    pub unreadable: BTreeMap<String, Vec<String>>,
}

/// Put in [`SiteSources::unreadable`] for a kind whose whole folder was refused (a link): every
/// name may be one of its files, so no reference to that kind is reported. No stem holds `/`.
pub const WHOLE_FOLDER: &str = "/";

/// The folders under `content/` that hold one kind of document each.
pub const CONTENT_KINDS: &[&str] = &[
    "vendors",
    "certifications",
    "reports",
    "frameworks",
    "pages",
];

/// What is wrong with `root/site.toml` before anything is built, for the command line's
/// early exit: nothing there, or a folder, FIFO or device where the file should be. A link is
/// left to the build, which reports it like any other link.
pub fn site_toml_problem(root: &Path) -> Option<(String, String)> {
    let run_here = "run trustatlas in the folder that holds site.toml, or pass --root DIR";
    match Entry::of(&root.join("site.toml")) {
        Ok(Entry::Missing) => Some((
            format!("no site.toml in {}", root.display()),
            run_here.to_string(),
        )),
        Ok(e @ (Entry::Dir | Entry::Special(_))) => {
            let r = Refusal::for_entry(e, "site.toml").expect("not a file");
            Some((
                format!("{} (in {})", r.message, root.display()),
                r.help.unwrap_or_default(),
            ))
        }
        Ok(_) => None,
        Err(e) => Some((format!("site.toml: {e}"), run_here.to_string())),
    }
}

/// Reads the site under `root`. Problems with single files become diagnostics; only a missing
/// root is fatal.
pub fn load(root: &Path, diags: &mut Vec<Diagnostic>) -> SiteSources {
    let mut sources = SiteSources {
        config: read_text(root, Path::new("site.toml"), true, diags),
        ..Default::default()
    };
    if matches!(Entry::of(&root.join("site.toml")), Ok(Entry::Missing)) {
        diags.push(
            Diagnostic::error(
                Code::Io,
                Path::new("site.toml"),
                "",
                None,
                format!("no site.toml in {}", root.display()),
            )
            .with_help(Some(
                "run trustatlas in the folder that holds site.toml, or pass --root DIR".into(),
            )),
        );
    }
    if matches!(Entry::of(&root.join("content")), Ok(Entry::Missing)) {
        diags.push(
            io_error(
                Path::new("content"),
                &format!(
                    "no content/ folder in {}: the registry would be empty",
                    root.display()
                ),
            )
            .with_help(Some(
                "vendors, certifications and reports are read from content/ (see docs/CONTENT.md)"
                    .into(),
            )),
        );
        return sources;
    }
    let content_ok = dir_ok(root, Path::new("content"), diags);
    for kind in CONTENT_KINDS {
        let dir = Path::new("content").join(kind);
        let mut files = Vec::new();
        let readable = matches!(Entry::of(&root.join(&dir)), Ok(Entry::Missing | Entry::Dir));
        let listed = if content_ok && dir_ok(root, &dir, diags) {
            walk_files(root, &dir, diags)
        } else {
            Vec::new()
        };
        if !content_ok || !readable {
            sources
                .unreadable
                .entry(kind.to_string())
                .or_default()
                .push(WHOLE_FOLDER.to_string());
        }
        for rel in listed {
            let ext = rel.extension().and_then(|e| e.to_str()).unwrap_or("");
            if !matches!(ext, "md" | "toml") {
                continue;
            }
            match read_text(root, &rel, true, diags) {
                Some(f) => files.push(f),
                None => {
                    let stem = rel
                        .file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    sources
                        .unreadable
                        .entry(kind.to_string())
                        .or_default()
                        .push(stem);
                }
            }
        }
        sources.content.insert(kind.to_string(), files);
    }
    let no_vendor = sources.content.get("vendors").is_none_or(Vec::is_empty)
        && !sources.unreadable.contains_key("vendors");
    if no_vendor
        && matches!(
            Entry::of(&root.join("content/vendors")),
            Ok(Entry::Dir | Entry::Missing)
        )
    {
        diags.push(
            io_error(
                Path::new("content/vendors"),
                "no vendor file (.md or .toml) in content/vendors/: the registry would be empty",
            )
            .with_help(Some(
                "add one with `trustatlas new vendor <slug>`; a registry lists at least one vendor"
                    .into(),
            )),
        );
    }
    if content_ok {
        sources.questions = read_text(root, Path::new("content/questions.toml"), true, diags);
    }
    sources
}

/// The theme built into the binary (`crate::embedded::THEME`), used when `themes/` lacks it.
pub const BUILT_IN_THEME: &str = "default";

/// Reads the theme named in `site.toml` (templates and its own static assets), then the site's
/// `static/`. The built-in default theme is the base of every theme: `themes/<theme>/`, when
/// it exists, overrides it file by file (`templates/x.html` replaces the built-in `x.html`,
/// `static/style.css` the built-in stylesheet), read under the same rules as every file of
/// the site (regular files only, size caps). A theme other than the built-in one must exist.
pub fn load_theme(
    root: &Path,
    theme: &str,
    theme_span: std::ops::Range<usize>,
    sources: &mut SiteSources,
    diags: &mut Vec<Diagnostic>,
) {
    let theme_dir = Path::new("themes").join(theme);
    // A missing theme is a mistake in site.toml; a linked or odd one is refused where it is.
    let missing = |rel: &Path| matches!(Entry::of(&root.join(rel)), Ok(Entry::Missing));
    let on_disk = !(missing(Path::new("themes")) || missing(&theme_dir));
    if !on_disk && theme != BUILT_IN_THEME {
        let text = sources
            .config
            .as_ref()
            .map(|c| c.text.clone())
            .unwrap_or_default();
        let span = Some(theme_span).filter(|s| s.end > 0);
        diags.push(
            Diagnostic::error(
                Code::UnknownReference,
                Path::new("site.toml"),
                &text,
                span,
                format!("theme `{theme}` not found in themes/"),
            )
            .with_expected("the name of a folder under themes/"),
        );
        return;
    }
    built_in_theme(sources);
    if on_disk && dir_ok(root, Path::new("themes"), diags) && dir_ok(root, &theme_dir, diags) {
        let templates = theme_dir.join("templates");
        if dir_ok(root, &templates, diags) {
            for rel in walk_files(root, &templates, diags) {
                if let Some(f) = read_text(root, &rel, false, diags) {
                    let name = rel.strip_prefix(&templates).unwrap_or(&rel);
                    sources.templates.insert(slash(name), f.text);
                }
            }
        }
        read_binary_tree(
            root,
            &theme_dir.join("static"),
            &mut sources.theme_assets,
            diags,
        );
    }
    read_binary_tree(root, Path::new("static"), &mut sources.static_files, diags);
}

/// The built-in theme's templates and static files, before the site's own override them.
fn built_in_theme(sources: &mut SiteSources) {
    for (rel, bytes) in crate::embedded::THEME {
        if let Some(name) = rel.strip_prefix("templates/") {
            let text = std::str::from_utf8(bytes).expect("built-in templates are UTF-8");
            sources.templates.insert(name.to_string(), text.to_string());
        } else if let Some(name) = rel.strip_prefix("static/") {
            sources
                .theme_assets
                .insert(name.to_string(), bytes.to_vec());
        }
    }
}

fn read_binary_tree(
    root: &Path,
    dir: &Path,
    into: &mut BTreeMap<String, Vec<u8>>,
    diags: &mut Vec<Diagnostic>,
) {
    if !dir_ok(root, dir, diags) {
        return;
    }
    for rel in walk_files(root, dir, diags) {
        match read_capped(
            &root.join(&rel),
            &slash(&rel),
            MAX_STATIC_FILE,
            "static files",
        ) {
            Ok(Some(bytes)) => {
                let out = rel.strip_prefix(dir).unwrap_or(&rel);
                into.insert(slash(out), bytes);
            }
            Ok(None) => {}
            Err(r) => diags.push(refused(&rel, r)),
        }
    }
}

/// Whether `root/dir` is a real folder to walk. Missing is fine (nothing to read); a link, a
/// file or a FIFO where a folder should be is reported at its path.
fn dir_ok(root: &Path, dir: &Path, diags: &mut Vec<Diagnostic>) -> bool {
    match Entry::of(&root.join(dir)) {
        Ok(Entry::Dir) => true,
        Ok(Entry::Missing) => false,
        Ok(Entry::File) => {
            diags.push(io_error(
                dir,
                &format!("`{}` is a file, not a folder", slash(dir)),
            ));
            false
        }
        Ok(e) => {
            let r = Refusal::for_entry(e, &slash(dir)).expect("not a file");
            diags.push(refused(dir, r));
            false
        }
        Err(e) => {
            diags.push(io_error(dir, &e));
            false
        }
    }
}

/// Files under `root/dir` (anything but folders and links), sorted, relative to `root`. Hidden
/// files and editor droppings are skipped; symlinks are reported, not followed (a link loop or
/// a link out of the site must not be able to pull foreign files into the build). What is not
/// a regular file is refused when it is read.
fn walk_files(root: &Path, dir: &Path, diags: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let full = root.join(dir);
    let mut out = Vec::new();
    let walker = WalkDir::new(&full)
        .sort_by_file_name()
        .follow_links(false)
        .follow_root_links(false)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(e.file_name().to_str().unwrap_or("")));
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_dir() => {}
            Ok(e) => {
                let rel = e
                    .path()
                    .strip_prefix(root)
                    .unwrap_or(e.path())
                    .to_path_buf();
                if e.file_type().is_symlink() {
                    diags.push(refused(&rel, read::symlink()));
                } else {
                    out.push(rel);
                }
            }
            Err(e) => {
                let rel = e
                    .path()
                    .and_then(|p| p.strip_prefix(root).ok())
                    .unwrap_or(dir)
                    .to_path_buf();
                diags.push(io_error(&rel, &e.to_string()));
            }
        }
    }
    out
}

/// Hidden files, editor swap and backup files.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".kate-swp")
        || name.ends_with(".tmp")
        || name.contains(".__jb_")
        || name == "4913"
}

/// One text file: a regular file under the size cap, UTF-8, its byte-order mark removed.
/// With `content`, a file holding control characters is reported and not loaded, like one
/// that is not UTF-8 (templates are the theme's, not content).
fn read_text(
    root: &Path,
    rel: &Path,
    content: bool,
    diags: &mut Vec<Diagnostic>,
) -> Option<SourceFile> {
    let path = PathBuf::from(slash(rel));
    let bytes = match read_capped(
        &root.join(rel),
        &slash(rel),
        MAX_CONTENT_FILE,
        "content files",
    ) {
        Ok(Some(b)) => b,
        Ok(None) => return None,
        Err(r) => {
            diags.push(refused(rel, r));
            return None;
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let valid = String::from_utf8_lossy(&e.as_bytes()[..at]).into_owned();
            diags.push(
                Diagnostic::error(
                    Code::Io,
                    &path,
                    &valid,
                    Some(at..at),
                    "file is not valid UTF-8",
                )
                .with_help(Some("save the file with UTF-8 encoding".into())),
            );
            return None;
        }
    };
    text_file(path, text, content, diags)
}

/// A text file as the build sees it, from its UTF-8 text: byte-order marks removed (two are
/// reported) and, for `content`, control characters reported (then the file is not loaded:
/// `None`). The one place these rules live, for files from disk and from memory alike
/// (`single`, the fuzz target's entry).
pub fn text_file(
    path: PathBuf,
    mut text: String,
    content: bool,
    diags: &mut Vec<Diagnostic>,
) -> Option<SourceFile> {
    let boms = text.chars().take_while(|c| *c == '\u{feff}').count();
    if boms > 0 {
        text.replace_range(..boms * 3, "");
    }
    if boms > 1 {
        // Two marks: the second would be read as part of the first line (`+++` not found, or
        // a TOML key that is not one), though the editor sees nothing there.
        diags.push(
            Diagnostic::error(
                Code::Io,
                &path,
                &text,
                Some(0..0),
                format!(
                    "the file starts with {boms} byte-order marks (U+FEFF); at most one is allowed"
                ),
            )
            .with_help(Some(
                "an editor added the mark again: save the file as UTF-8 (with or without one BOM)"
                    .into(),
            )),
        );
    }
    let file = SourceFile { path, text };
    if content && !controls_ok(&file, diags) {
        return None;
    }
    Some(file)
}

/// Reports the control characters of a content file, at each character (the first few, then
/// a count); `false` when there are any.
fn controls_ok(file: &SourceFile, diags: &mut Vec<Diagnostic>) -> bool {
    let text = &file.text;
    let mut found: Vec<controls::Found> = controls::raw(text).collect();
    if file.extension() == "toml" {
        found.extend(controls::toml_escapes(text));
    } else if let Ok(split) = split_front_matter(text) {
        let shift = |mut f: controls::Found, by: usize| {
            f.span = f.span.start + by..f.span.end + by;
            f
        };
        found.extend(
            controls::toml_escapes(split.front)
                .into_iter()
                .map(|f| shift(f, split.front_offset)),
        );
        found.extend(
            controls::char_refs(split.body)
                .into_iter()
                .map(|f| shift(f, split.body_offset)),
        );
    }
    if found.is_empty() {
        return true;
    }
    found.sort_by_key(|f| f.span.start);
    for f in found.iter().take(CONTROLS_LISTED) {
        let (message, help) = match &f.written {
            None => (
                format!("control character {} in the text", controls::describe(f.ch)),
                "delete it: it is invisible in most editors and breaks the HTML, CSV, calendar and Atom files (it often comes with pasted text)",
            ),
            Some(w) => (
                format!("`{w}` makes the control character {}", controls::describe(f.ch)),
                "delete the escape: control characters break the HTML, CSV, calendar and Atom files",
            ),
        };
        diags.push(
            Diagnostic::error(Code::Io, &file.path, text, Some(f.span.clone()), message)
                .with_help(Some(help.into())),
        );
    }
    if let Some(next) = found.get(CONTROLS_LISTED) {
        diags.push(Diagnostic::error(
            Code::Io,
            &file.path,
            text,
            Some(next.span.clone()),
            format!(
                "{} more control characters in this file, from here on",
                found.len() - CONTROLS_LISTED
            ),
        ));
    }
    false
}

fn refused(rel: &Path, r: Refusal) -> Diagnostic {
    io_error(rel, &r.message).with_help(r.help)
}

fn io_error(rel: &Path, msg: &str) -> Diagnostic {
    Diagnostic::error(
        Code::Io,
        &PathBuf::from(slash(rel)),
        "",
        None,
        msg.to_string(),
    )
}

/// `/`-separated form of a relative path, the same on every platform.
pub fn slash(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignores_editor_files() {
        for n in [
            ".x.md.swp",
            "x.md~",
            "#x.md#",
            "4913",
            "x.md.__jb_tmp___",
            ".DS_Store",
        ] {
            assert!(is_ignored(n), "{n}");
        }
        assert!(!is_ignored("alibaba-cloud.md"));
    }
}

//! Reading the site from disk. The only module of the build that touches the file system for
//! input: everything after it works on [`SiteSources`] in memory, so the rest of the pipeline is
//! a pure function of these bytes.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostic::{Code, Diagnostic};

/// Files larger than this are refused instead of read: no content file is legitimately this big,
/// and a stray dump must not eat the machine's memory.
pub const MAX_CONTENT_FILE: u64 = 8 * 1024 * 1024;

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

/// The folders under `content/` that hold one kind of document each.
pub const CONTENT_KINDS: &[&str] = &[
    "vendors",
    "certifications",
    "reports",
    "frameworks",
    "pages",
];

/// Reads the site under `root`. Problems with single files become diagnostics; only a missing
/// root is fatal.
pub fn load(root: &Path, diags: &mut Vec<Diagnostic>) -> SiteSources {
    let mut sources = SiteSources {
        config: read_text(root, Path::new("site.toml"), diags),
        ..Default::default()
    };
    if sources.config.is_none() && !root.join("site.toml").exists() {
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
    for kind in CONTENT_KINDS {
        let dir = Path::new("content").join(kind);
        let mut files = Vec::new();
        for rel in walk_files(root, &dir, diags) {
            let ext = rel.extension().and_then(|e| e.to_str()).unwrap_or("");
            if !matches!(ext, "md" | "toml") {
                continue;
            }
            match read_text(root, &rel, diags) {
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
    if root.join("content/questions.toml").exists() {
        sources.questions = read_text(root, Path::new("content/questions.toml"), diags);
    }
    sources
}

/// Reads the theme named in `site.toml`: templates and its own static assets.
pub fn load_theme(
    root: &Path,
    theme: &str,
    theme_span: std::ops::Range<usize>,
    sources: &mut SiteSources,
    diags: &mut Vec<Diagnostic>,
) {
    let theme_dir = Path::new("themes").join(theme);
    if !root.join(&theme_dir).is_dir() {
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
    for rel in walk_files(root, &theme_dir.join("templates"), diags) {
        if let Some(f) = read_text(root, &rel, diags) {
            let name = rel
                .strip_prefix(theme_dir.join("templates"))
                .unwrap_or(&rel);
            sources.templates.insert(slash(name), f.text);
        }
    }
    {
        let (dir, target) = (theme_dir.join("static"), &mut sources.theme_assets);
        read_binary_tree(root, &dir, target, diags);
    }
    read_binary_tree(root, Path::new("static"), &mut sources.static_files, diags);
}

fn read_binary_tree(
    root: &Path,
    dir: &Path,
    into: &mut BTreeMap<String, Vec<u8>>,
    diags: &mut Vec<Diagnostic>,
) {
    for rel in walk_files(root, dir, diags) {
        match fs::read(root.join(&rel)) {
            Ok(bytes) => {
                let out = rel.strip_prefix(dir).unwrap_or(&rel);
                into.insert(slash(out), bytes);
            }
            Err(e) => diags.push(io_error(&rel, &e.to_string())),
        }
    }
}

/// Regular files under `root/dir`, sorted, relative to `root`. Hidden files and editor
/// droppings are skipped; symlinks are not followed (a link loop or a link out of the site
/// must not be able to pull foreign files into the build).
fn walk_files(root: &Path, dir: &Path, diags: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let full = root.join(dir);
    if !full.is_dir() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let walker = WalkDir::new(&full)
        .sort_by_file_name()
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(e.file_name().to_str().unwrap_or("")));
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_file() => {
                if let Ok(rel) = e.path().strip_prefix(root) {
                    out.push(rel.to_path_buf());
                }
            }
            Ok(e) if e.file_type().is_symlink() => {
                let rel = e
                    .path()
                    .strip_prefix(root)
                    .unwrap_or(e.path())
                    .to_path_buf();
                diags.push(
                    Diagnostic::error(
                        Code::Io,
                        &rel,
                        "",
                        None,
                        "symbolic links are not followed in site folders",
                    )
                    .with_help(Some(
                        "copy the file into the site instead of linking it".into(),
                    )),
                );
            }
            Ok(_) => {}
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

fn read_text(root: &Path, rel: &Path, diags: &mut Vec<Diagnostic>) -> Option<SourceFile> {
    let full = root.join(rel);
    match fs::metadata(&full) {
        Ok(m) if m.len() > MAX_CONTENT_FILE => {
            diags.push(io_error(
                rel,
                &format!(
                    "file is {} bytes; content files are limited to {} bytes",
                    m.len(),
                    MAX_CONTENT_FILE
                ),
            ));
            return None;
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        _ => {}
    }
    let bytes = match fs::read(&full) {
        Ok(b) => b,
        Err(e) => {
            diags.push(io_error(rel, &e.to_string()));
            return None;
        }
    };
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.replace_range(..3, "");
            }
            Some(SourceFile {
                path: PathBuf::from(slash(rel)),
                text,
            })
        }
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let valid = String::from_utf8_lossy(&e.as_bytes()[..at]).into_owned();
            diags.push(
                Diagnostic::error(
                    Code::Io,
                    &PathBuf::from(slash(rel)),
                    &valid,
                    Some(at..at),
                    "file is not valid UTF-8",
                )
                .with_help(Some("save the file with UTF-8 encoding".into())),
            );
            None
        }
    }
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

/// A Markdown file split into front matter and body, with the byte offsets of each so that
/// TOML errors inside the front matter map back to lines of the whole file.
#[derive(Debug, Clone, Copy)]
pub struct Split<'a> {
    pub front: &'a str,
    pub front_offset: usize,
    pub body: &'a str,
    pub body_offset: usize,
}

/// Splits `+++\n<toml>\n+++\n<markdown>`. Accepts CRLF line endings.
pub fn split_front_matter(text: &str) -> Result<Split<'_>, (usize, &'static str)> {
    let first_line_end = text.find('\n').map(|i| i + 1).unwrap_or(text.len());
    if text[..first_line_end].trim_end() != "+++" {
        return Err((
            0,
            "expected the file to start with a `+++` line opening the TOML front matter",
        ));
    }
    let mut pos = first_line_end;
    while pos < text.len() {
        let end = text[pos..]
            .find('\n')
            .map(|i| pos + i + 1)
            .unwrap_or(text.len());
        if text[pos..end].trim_end() == "+++" {
            return Ok(Split {
                front: &text[first_line_end..pos],
                front_offset: first_line_end,
                body: &text[end..],
                body_offset: end,
            });
        }
        pos = end;
    }
    Err((
        0,
        "front matter opened with `+++` is never closed by a second `+++` line",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_with_offsets() {
        let t = "+++\na = 1\n+++\nbody\n";
        let s = split_front_matter(t).unwrap();
        assert_eq!(s.front, "a = 1\n");
        assert_eq!(&t[s.front_offset..s.front_offset + 5], "a = 1");
        assert_eq!(s.body, "body\n");
    }

    #[test]
    fn crlf_front_matter_works() {
        let s = split_front_matter("+++\r\na = 1\r\n+++\r\nbody").unwrap();
        assert_eq!(s.front, "a = 1\r\n");
        assert_eq!(s.body, "body");
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        assert!(split_front_matter("+++\na = 1\n").is_err());
        assert!(split_front_matter("a = 1\n").is_err());
    }

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

//! Writing the built site: the only module that writes. Everything goes into a staging folder
//! beside the output, which then replaces the output in two renames, so a reader (or a
//! failed build) never sees a half-written site.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use crate::render::OutputFile;

/// Replaces `out` with exactly `files`.
pub fn write_site(out: &Path, files: &[OutputFile]) -> io::Result<()> {
    refuse_source_folder(out)?;
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent)?;
    let name = out.file_name().and_then(|n| n.to_str()).unwrap_or("public");
    let staging = parent.join(format!(".{name}.staging-{}", std::process::id()));
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    let _ = fs::remove_dir_all(&staging);
    let result = write_all(&staging, files).and_then(|()| swap(out, &staging, &old));
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

fn write_all(dir: &Path, files: &[OutputFile]) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    for f in files {
        let rel = safe_relative(&f.path)?;
        let target = dir.join(rel);
        if let Some(p) = target.parent() {
            fs::create_dir_all(p)?;
        }
        fs::write(&target, &f.bytes)?;
    }
    Ok(())
}

fn swap(out: &Path, staging: &Path, old: &Path) -> io::Result<()> {
    if out.exists() {
        let _ = fs::remove_dir_all(old);
        fs::rename(out, old)?;
        if let Err(e) = fs::rename(staging, out) {
            // Put the previous site back: a failed build must leave it as it was.
            let _ = fs::rename(old, out);
            return Err(e);
        }
        let _ = fs::remove_dir_all(old);
    } else {
        fs::rename(staging, out)?;
    }
    Ok(())
}

/// Output paths come from validated slugs, but this is the last line of defence: nothing
/// absolute, no `..`, no empty segments.
pub fn safe_relative(path: &str) -> io::Result<PathBuf> {
    let p = Path::new(path);
    let ok = !path.is_empty()
        && !path.contains('\\')
        && p.components().all(|c| matches!(c, Component::Normal(_)));
    if ok {
        Ok(p.to_path_buf())
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("refusing to write outside the output folder: `{path}`"),
        ))
    }
}

/// `--out .` or `--out content` would replace the editor's own files: refuse.
fn refuse_source_folder(out: &Path) -> io::Result<()> {
    for marker in ["site.toml", "Cargo.toml", "content", ".git"] {
        if out.join(marker).exists() {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("refusing to replace {}: it contains {marker}, so it looks like a source folder, not a build output", out.display())));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_escaping_paths() {
        for bad in ["../x", "/etc/passwd", "a/../../b", "", "a\\b", "./a"] {
            assert!(safe_relative(bad).is_err(), "{bad}");
        }
        assert!(safe_relative("vendor/acme/index.html").is_ok());
    }

    #[test]
    fn replaces_the_whole_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(
            &out,
            &[OutputFile {
                path: "a/index.html".into(),
                bytes: b"1".to_vec(),
            }],
        )
        .unwrap();
        write_site(
            &out,
            &[OutputFile {
                path: "b.txt".into(),
                bytes: b"2".to_vec(),
            }],
        )
        .unwrap();
        assert!(!out.join("a/index.html").exists());
        assert_eq!(fs::read(out.join("b.txt")).unwrap(), b"2");
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "staging folders are cleaned up");
    }

    #[test]
    fn refuses_to_replace_a_source_folder() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("site.toml"), "").unwrap();
        assert!(write_site(dir.path(), &[]).is_err());
        assert!(dir.path().join("site.toml").exists());
    }
}

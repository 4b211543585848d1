//! Output folders the build refuses before it locks or writes anything: a source folder, a
//! folder inside the site's own inputs or holding the site, something that is not a plain
//! folder, and a mount point (it cannot be swapped). Who owns the files inside an acceptable
//! folder is `manifest`'s question.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

/// Folders of the site that a build reads; an output inside one would replace its inputs.
const INPUTS: [&str; 3] = ["content", "themes", "static"];

/// Every refusal, in the order a user would want to hear them.
pub fn check(out: &Path, site_root: &Path) -> io::Result<()> {
    refuse_source_folder(out)?;
    if out.file_name().is_none() {
        return Err(refusal(format!(
            "refusing to use {} as the output folder: name a folder, e.g. --out public",
            out.display()
        )));
    }
    if let Ok(m) = fs::symlink_metadata(out) {
        if m.file_type().is_symlink() {
            return Err(refusal(format!(
                "refusing to replace {}: it is a symbolic link, and the build replaces the folder itself\n  help: pass the folder it points to as --out",
                out.display()
            )));
        }
        if !m.is_dir() {
            return Err(refusal(format!(
                "{} exists and is not a folder",
                out.display()
            )));
        }
        refuse_mount_point(out, &m)?;
    }
    refuse_site_overlap(out, site_root)
}

fn refusal(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, msg)
}

/// `--out .` or `--out content` would replace the editor's own files: refuse.
fn refuse_source_folder(out: &Path) -> io::Result<()> {
    for marker in ["site.toml", "Cargo.toml", "content", ".git"] {
        if out.join(marker).exists() {
            return Err(refusal(format!("refusing to replace {}: it contains {marker}, so it looks like a source folder, not a build output", out.display())));
        }
    }
    Ok(())
}

/// `--out ROOT/themes` once deleted every template: an output inside `content/`, `themes/`
/// or `static/` of the site being built, or one that holds the site, is refused. Paths are
/// compared after resolving links, so `--out ../site/content/x` is caught too.
fn refuse_site_overlap(out: &Path, site_root: &Path) -> io::Result<()> {
    // Fail closed: an output whose place cannot be known is not written.
    let unknown = |p: &Path, e: io::Error| {
        refusal(format!(
            "refusing to build into {}: cannot tell where {} is ({e})",
            out.display(),
            p.display()
        ))
    };
    let out_abs = resolve(out).map_err(|e| unknown(out, e))?;
    let root = fs::canonicalize(site_root).map_err(|e| unknown(site_root, e))?;
    if root.starts_with(&out_abs) {
        return Err(refusal(format!(
            "refusing to replace {}: it holds the site being built ({})",
            out.display(),
            site_root.display()
        )));
    }
    for input in INPUTS {
        if out_abs.starts_with(root.join(input)) {
            return Err(refusal(format!(
                "refusing to write the site into {}: it is inside the site's own {input}/ folder, which the build reads\n  help: build into a folder outside {input}/, e.g. --out public",
                out.display()
            )));
        }
    }
    Ok(())
}

/// `path` made absolute with links resolved, for a path that may not exist yet: its nearest
/// existing ancestor is resolved and the rest appended.
fn resolve(path: &Path) -> io::Result<PathBuf> {
    let abs = std::path::absolute(path)?;
    let mut rest = Vec::new();
    let mut at = abs.as_path();
    loop {
        if let Ok(real) = fs::canonicalize(at) {
            let mut p = real;
            for c in rest.iter().rev() {
                p.push(c);
            }
            return Ok(p);
        }
        match (at.parent(), at.components().next_back()) {
            (Some(parent), Some(Component::Normal(name))) => {
                rest.push(name.to_os_string());
                at = parent;
            }
            // `x/..` where `x` does not exist, or no existing ancestor at all.
            _ => return Err(io::Error::from(io::ErrorKind::NotFound)),
        }
    }
}

/// A mount point cannot be renamed, so the whole-folder swap would fail at the very end;
/// say so before building.
#[cfg(unix)]
fn refuse_mount_point(out: &Path, meta: &fs::Metadata) -> io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let parent = super::place::parent(out);
    match fs::metadata(&parent) {
        Ok(p) if p.dev() != meta.dev() => Err(refusal(format!(
            "refusing to build into {}: it is a mount point, and the build swaps the whole folder, which a mount point does not allow\n  help: build into a folder inside it, e.g. --out {}",
            out.display(),
            out.join("site").display()
        ))),
        _ => Ok(()),
    }
}

#[cfg(not(unix))]
fn refuse_mount_point(_out: &Path, _meta: &fs::Metadata) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for d in ["site/content/vendors", "site/themes/default", "site/static"] {
            fs::create_dir_all(dir.path().join(d)).unwrap();
        }
        dir
    }

    #[test]
    fn an_output_inside_the_inputs_or_around_the_site_is_refused() {
        let dir = site();
        let root = dir.path().join("site");
        for bad in [
            "site/content/vendors",
            "site/themes",
            "site/themes/default/new",
            "site/static/x/y",
            "site/content/../static",
            "site/nowhere/../themes",
        ] {
            let e = check(&dir.path().join(bad), &root).unwrap_err();
            assert!(e.to_string().contains("refusing"), "{bad}: {e}");
        }
        // Holding the site (its parent) is refused even with no marker in it.
        let e = check(dir.path(), &root).unwrap_err();
        assert!(e.to_string().contains("holds the site"), "{e}");
        for good in ["public", "site/public", "site/dist/new", "site/contents"] {
            check(&dir.path().join(good), &root).unwrap_or_else(|e| panic!("{good}: {e}"));
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_output_is_refused_and_links_into_the_inputs_are_followed() {
        let dir = site();
        let root = dir.path().join("site");
        std::os::unix::fs::symlink(root.join("themes"), dir.path().join("link")).unwrap();
        let e = check(&dir.path().join("link"), &root).unwrap_err();
        assert!(e.to_string().contains("symbolic link"), "{e}");
        let e = check(&dir.path().join("link/default"), &root).unwrap_err();
        assert!(e.to_string().contains("themes/"), "{e}");
    }
}

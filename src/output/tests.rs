//! Unit tests of the writer: what the new tree holds, what is kept, refused and cleaned up.
//! The kill windows and injected disk errors are tested on the real binary in
//! tests/output_safety.rs.

use super::*;
use std::time::{Duration, SystemTime};

/// Builds `files` into `out` as `trustatlas build` does, for a site beside it.
fn write_site(out: &Path, files: &[(&str, &str)]) -> io::Result<WriteStats> {
    let root = place::parent(out).join("site");
    fs::create_dir_all(root.join("content"))?;
    let w = Writer::begin(OutputLock::acquire(out, &root, &|_| {})?)?;
    for (path, bytes) in files {
        w.put(path, bytes.as_bytes())?;
    }
    w.commit().map(|(stats, _lock)| stats)
}

fn mtime(p: &Path) -> SystemTime {
    fs::metadata(p).unwrap().modified().unwrap()
}

/// Names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    v.sort();
    v
}

#[test]
fn rejects_escaping_paths() {
    for bad in [
        "../x",
        "/etc/passwd",
        "a/../../b",
        "",
        "a\\b",
        "./a",
        "a\nb",
        "a\u{1b}b",
    ] {
        assert!(safe_relative(bad).is_err(), "{bad:?}");
    }
    assert!(safe_relative("vendor/acme/index.html").is_ok());
}

#[test]
fn replaces_the_whole_output_and_leaves_only_its_records_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    write_site(&out, &[("a/index.html", "1")]).unwrap();
    write_site(&out, &[("b.txt", "2")]).unwrap();
    assert!(!out.join("a").exists(), "emptied folders go too");
    assert_eq!(fs::read(out.join("b.txt")).unwrap(), b"2");
    assert_eq!(
        names(dir.path()),
        [
            ".public.trustatlas-lock",
            ".public.trustatlas-manifest",
            "public",
            "site"
        ]
    );
    assert_eq!(
        manifest::read(&out).unwrap(),
        HashSet::from(["b.txt".into()])
    );
}

#[test]
fn refuses_to_replace_a_source_folder() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("site.toml"), "").unwrap();
    assert!(write_site(dir.path(), &[]).is_err());
    assert!(dir.path().join("site.toml").exists());
}

#[test]
fn unchanged_files_keep_bytes_inode_and_mtime_and_changed_ones_are_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let s = write_site(&out, &[("same.html", "same"), ("x/changed.html", "old")]).unwrap();
    assert_eq!((s.written, s.unchanged, s.removed), (2, 0, 0));
    // Backdate both files so an unwanted rewrite could not hide within mtime granularity.
    let past = SystemTime::now() - Duration::from_secs(3600);
    for p in ["same.html", "x/changed.html"] {
        fs::File::options()
            .write(true)
            .open(out.join(p))
            .unwrap()
            .set_modified(past)
            .unwrap();
    }
    #[cfg(unix)]
    let inode = |p: &str| std::os::unix::fs::MetadataExt::ino(&fs::metadata(out.join(p)).unwrap());
    #[cfg(unix)]
    let before = inode("same.html");
    let s = write_site(&out, &[("same.html", "same"), ("x/changed.html", "new!")]).unwrap();
    assert_eq!((s.written, s.unchanged, s.removed), (1, 1, 0));
    assert_eq!(mtime(&out.join("same.html")), past);
    #[cfg(unix)]
    assert_eq!(inode("same.html"), before, "linked, not copied");
    assert_ne!(mtime(&out.join("x/changed.html")), past);
    assert_eq!(fs::read(out.join("x/changed.html")).unwrap(), b"new!");
}

#[test]
fn stale_files_go_and_files_it_did_not_write_stop_the_build() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let first = [
        ("keep.html", "k"),
        ("gone/deep/index.html", "g"),
        ("vendor/a/index.html", "a"),
        ("vendor/b/index.html", "b"),
    ];
    write_site(&out, &first).unwrap();
    let s = write_site(&out, &[("keep.html", "k"), ("vendor/a/index.html", "a")]).unwrap();
    assert_eq!((s.written, s.unchanged, s.removed), (0, 2, 2));
    assert!(!out.join("gone").exists());
    assert!(!out.join("vendor/b").exists());

    fs::write(out.join("stray.txt"), "left by someone").unwrap();
    let e = write_site(&out, &[("keep.html", "k")])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("1 file that trustatlas did not write: stray.txt"),
        "{e}"
    );
    assert_eq!(fs::read(out.join("stray.txt")).unwrap(), b"left by someone");
    assert!(out.join("vendor/a/index.html").is_file(), "nothing changed");
}

#[test]
fn a_folder_it_never_filled_is_refused_unless_empty() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("mine");
    fs::create_dir_all(out.join("docs")).unwrap();
    fs::write(out.join("docs/thesis.txt"), "years of work").unwrap();
    fs::write(out.join("photo.jpg"), "").unwrap();
    let e = write_site(&out, &[("index.html", "x")])
        .unwrap_err()
        .to_string();
    assert!(e.contains("docs/thesis.txt, photo.jpg"), "{e}");
    assert!(e.contains("help:"), "{e}");
    assert_eq!(
        fs::read(out.join("docs/thesis.txt")).unwrap(),
        b"years of work"
    );
    let empty = dir.path().join("empty");
    fs::create_dir_all(&empty).unwrap();
    write_site(&empty, &[("index.html", "x")]).unwrap();
}

#[test]
fn an_output_of_the_version_before_the_manifest_is_recognised_by_its_stamp() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    fs::create_dir_all(out.join("vendor/a")).unwrap();
    fs::write(out.join("vendor/a/index.html"), "a").unwrap();
    fs::write(
        dir.path().join(".public.trustatlas-cache"),
        "trustatlas build stamp v2\nout vendor/a/index.html 1 5\npages\n",
    )
    .unwrap();
    let s = write_site(&out, &[("index.html", "x")]).unwrap();
    assert_eq!(s.removed, 1);
    assert!(!out.join("vendor").exists());
}

#[test]
fn a_file_and_a_folder_may_trade_places() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    write_site(&out, &[("a", "file"), ("b/index.html", "in b")]).unwrap();
    write_site(&out, &[("a/index.html", "in a"), ("b", "file")]).unwrap();
    assert_eq!(fs::read(out.join("a/index.html")).unwrap(), b"in a");
    assert_eq!(fs::read(out.join("b")).unwrap(), b"file");
}

#[test]
fn an_abandoned_writer_leaves_the_output_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    write_site(&out, &[("a.html", "old")]).unwrap();
    let before = names(dir.path());
    {
        let root = dir.path().join("site");
        let w = Writer::begin(OutputLock::acquire(&out, &root, &|_| {}).unwrap()).unwrap();
        w.put("a.html", b"new").unwrap();
        w.put("b.html", b"new").unwrap();
        // Dropped without commit, as when a later page fails to render.
    }
    assert_eq!(fs::read(out.join("a.html")).unwrap(), b"old");
    assert!(!out.join("b.html").exists());
    assert_eq!(names(dir.path()), before, "the new tree is gone");
}

#[test]
fn the_same_path_twice_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let w = Writer::begin(OutputLock::acquire(&out, dir.path(), &|_| {}).unwrap()).unwrap();
    w.put("a.html", b"1").unwrap();
    assert!(w.put("a.html", b"2").is_err());
}

#[test]
fn a_second_build_into_the_same_output_waits_for_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let first = OutputLock::acquire(&out, dir.path(), &|_| {}).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let (out2, root) = (out.clone(), dir.path().to_path_buf());
    let second = std::thread::spawn(move || {
        let waiting = move |p: &Path| tx.send(p.to_path_buf()).unwrap();
        OutputLock::acquire(&out2, &root, &waiting).map(|_| ())
    });
    let lock_file = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert!(lock_file.ends_with(".public.trustatlas-lock"));
    assert!(!second.is_finished(), "still waiting");
    drop(first);
    second.join().unwrap().unwrap();
}

/// Hard links cannot cross file systems; the file is then copied and keeps its mtime. Needs
/// two file systems: /dev/shm (tmpfs) and the temporary folder; skipped where they are one.
#[cfg(target_os = "linux")]
#[test]
fn a_file_that_cannot_be_linked_is_copied_with_its_mtime() {
    use std::os::unix::fs::MetadataExt;
    let (Ok(shm), Ok(tmp)) = (tempfile::tempdir_in("/dev/shm"), tempfile::tempdir()) else {
        return;
    };
    let dev = |p: &Path| fs::metadata(p).unwrap().dev();
    if dev(shm.path()) == dev(tmp.path()) {
        return;
    }
    let (from, to) = (shm.path().join("f"), tmp.path().join("f"));
    fs::write(&from, "bytes").unwrap();
    let past = SystemTime::now() - Duration::from_secs(3600);
    fs::File::options()
        .write(true)
        .open(&from)
        .unwrap()
        .set_modified(past)
        .unwrap();
    link_or_copy(&from, &to).unwrap();
    assert_eq!(fs::read(&to).unwrap(), b"bytes");
    assert_eq!(mtime(&to), past);
}

/// A rebuild that changes no file (`--force`) keeps the old folder itself: same inode.
#[cfg(unix)]
#[test]
fn a_rebuild_that_changes_nothing_keeps_the_folder() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let files = [("a/index.html", "1"), ("b.txt", "2")];
    write_site(&out, &files).unwrap();
    let ino = || fs::metadata(&out).unwrap().ino();
    let before = ino();
    let s = write_site(&out, &files).unwrap();
    assert_eq!((s.written, s.unchanged, s.removed), (0, 2, 0));
    assert_eq!(ino(), before, "not swapped");
    assert_eq!(
        names(dir.path()),
        [
            ".public.trustatlas-lock",
            ".public.trustatlas-manifest",
            "public",
            "site"
        ]
    );
    write_site(&out, &[("a/index.html", "1")]).unwrap();
    assert_ne!(ino(), before, "a removed file is a change: swapped");
}

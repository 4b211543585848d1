//! The output folder under hostile conditions, on the real binary. The corpus `tests/output/`
//! (see its README) holds the folders a build must refuse or accept; the tests below kill
//! builds at every step of the commit (the test-only failure points of `output::failpoint`,
//! debug builds only), fill the disk, run two builds at once and leave leftovers. After each,
//! the output must be exactly the old site or exactly the new one, and the next build must
//! clean up and succeed. And `serve` writes no output.

mod support;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime};

use support::{bless, copy_fixture, copy_registry, copy_tree, repo, stderr, trustatlas};

fn command(root: &Path, out: &Path, failpoint: Option<&str>) -> Command {
    let mut c = trustatlas();
    c.args(["build", "--root"])
        .arg(root)
        .arg("--out")
        .arg(out)
        .env_remove("TRUSTATLAS_FAILPOINT");
    if let Some(f) = failpoint {
        // An aborted process may dump core into its working folder: not the repository.
        c.env("TRUSTATLAS_FAILPOINT", f)
            .current_dir(std::env::temp_dir());
    }
    c
}

fn build_with(root: &Path, out: &Path, failpoint: Option<&str>) -> Output {
    command(root, out, failpoint)
        .output()
        .expect("run trustatlas")
}

fn build(root: &Path, out: &Path) -> Output {
    let o = build_with(root, out, None);
    assert!(o.status.success(), "build failed:\n{}", stderr(&o));
    o
}

/// Every entry under `dir`: relative path → (bytes, mtime); folders with no bytes.
type Snapshot = BTreeMap<String, (Option<Vec<u8>>, SystemTime)>;

fn snapshot(dir: &Path) -> Snapshot {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(|e| e.unwrap())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().into();
            let bytes = e.file_type().is_file().then(|| fs::read(e.path()).unwrap());
            (rel, (bytes, e.metadata().unwrap().modified().unwrap()))
        })
        .collect()
}

/// The file list and bytes of a snapshot, without times.
fn contents(s: &Snapshot) -> BTreeMap<&str, Option<&[u8]>> {
    s.iter()
        .map(|(k, (b, _))| (k.as_str(), b.as_deref()))
        .collect()
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

/// What a finished build leaves in the folder holding `public`: the output and its records.
const CLEAN: [&str; 4] = [
    ".public.trustatlas-cache",
    ".public.trustatlas-lock",
    ".public.trustatlas-manifest",
    "public",
];

/// Inputs written moments ago are not trusted by the no-change check, so age them.
fn age(dir: &Path) {
    let past = SystemTime::now() - Duration::from_secs(3600);
    for e in walkdir::WalkDir::new(dir) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let f = fs::File::options().write(true).open(e.path()).unwrap();
            f.set_modified(past).unwrap();
        }
    }
}

/// Two versions of the bundled site whose outputs differ in bytes and in file list: B edits
/// a vendor, drops a static file of A's and adds one of its own.
fn two_sites(tmp: &Path) -> (PathBuf, PathBuf) {
    let (a, b) = (tmp.join("site-a"), tmp.join("site-b"));
    copy_registry(&a, &["content", "themes", "static"]);
    copy_registry(&b, &["content", "themes", "static"]);
    fs::write(a.join("static/only-in-a.txt"), "a").unwrap();
    fs::create_dir_all(b.join("static/only/in")).unwrap();
    fs::write(b.join("static/only/in/b.txt"), "b").unwrap();
    let vendor = b.join("content/vendors/alibaba-cloud.md");
    let text = fs::read_to_string(&vendor).unwrap();
    fs::write(&vendor, format!("{text}\nA sentence only site B has.\n")).unwrap();
    (a, b)
}

/// The failure points exist in debug builds only (the binary is built with the tests' profile).
fn failpoints() -> bool {
    if !cfg!(debug_assertions) {
        eprintln!("skipped: failure points exist only in debug builds");
    }
    cfg!(debug_assertions)
}

/// Every file and folder under `dir` except `skip` (relative, `/`-separated) → bytes.
fn tree(dir: &Path, skip: &str) -> BTreeMap<String, Option<Vec<u8>>> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .filter_entry(|e| e.path() != dir.join(skip))
        .map(|e| e.unwrap())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().into();
            let bytes = e.file_type().is_file().then(|| fs::read(e.path()).unwrap());
            (rel, bytes)
        })
        .collect()
}

/// Runs the corpus `tests/output/`: the case's `before/` beside a copy of the minimal site,
/// `trustatlas build --out <out.txt>`, then the exit code, the top-level names and stderr
/// compared with `expected.txt` (`BLESS=1` rewrites it). A failed build must leave every
/// file as it was (it may add only its lock file).
#[test]
fn the_output_corpus() {
    let corpus = repo().join("tests/output");
    let mut cases: Vec<PathBuf> = fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 10, "the corpus is missing");
    let bless = bless();
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy();
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        let site = root.join("site");
        copy_fixture("tests/fixtures/minimal", &site);
        if case.join("before").is_dir() {
            copy_tree(&case.join("before"), &root);
        }
        let before = tree(&root, "site");
        let site_before = tree(&site, "");
        let out = fs::read_to_string(case.join("out.txt")).unwrap();
        let o = build_with(&site, &root.join(out.trim()), None);
        let code = o.status.code().unwrap_or(-1);
        let err = stderr(&o).replace(&root.to_string_lossy().into_owned(), "<tmp>");
        let err = mask_ms(&err);
        let got = format!(
            "exit: {code}\nafter: {}\nstderr:\n{err}",
            names(&root).join(" ")
        );
        if code != 0 {
            let mut after = tree(&root, "site");
            after.retain(|k, _| !k.ends_with(".trustatlas-lock"));
            if after != before || tree(&site, "") != site_before {
                failures.push(format!("{name}: a refused build changed files"));
            }
        }
        let expected_path = case.join("expected.txt");
        if bless {
            fs::write(&expected_path, &got).unwrap();
        } else if fs::read_to_string(&expected_path).unwrap_or_default() != got {
            failures.push(format!("{name}: got\n{got}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// `in 123 ms` → `in <ms> ms`: the one varying part of a build's last line.
fn mask_ms(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find(" in ") {
        out.push_str(&rest[..i + 4]);
        rest = &rest[i + 4..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && rest[digits..].starts_with(" ms") {
            out.push_str("<ms>");
            rest = &rest[digits..];
        }
    }
    out.push_str(rest);
    out
}

/// Kills a build of B into an output holding A at each failure point, then checks that the
/// output is exactly A or exactly B, and that the next build cleans up and gives B.
#[test]
fn a_build_killed_at_any_step_leaves_the_old_site_or_the_new_one() {
    if !failpoints() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = two_sites(tmp.path());
    let (ref_a, ref_b) = (tmp.path().join("ref-a"), tmp.path().join("ref-b"));
    fs::create_dir_all(&ref_a).unwrap();
    fs::create_dir_all(&ref_b).unwrap();
    build(&a, &ref_a.join("public"));
    build(&b, &ref_b.join("public"));
    let (site_a, site_b) = (
        snapshot(&ref_a.join("public")),
        snapshot(&ref_b.join("public")),
    );
    assert_ne!(contents(&site_a), contents(&site_b));
    assert!(site_b.contains_key("only/in/b.txt") && site_a.contains_key("only-in-a.txt"));

    let dir = tmp.path().join("deploy");
    fs::create_dir_all(&dir).unwrap();
    let out = dir.join("public");
    for (point, expect_new) in [
        ("staging", false),
        ("staged", false),
        ("manifest", false),
        ("swapped", true),
        ("cleaned", true),
        ("exchange-unsupported,swapped", true),
    ] {
        build(&a, &out);
        let old = snapshot(&out);
        assert_eq!(contents(&old), contents(&site_a));
        let o = build_with(&b, &out, Some(point));
        let last = point.rsplit(',').next().unwrap();
        assert!(
            stderr(&o).contains(&format!("{last}: aborting")),
            "{point}: the failure point was not reached:\n{}",
            stderr(&o)
        );
        assert!(!o.status.success());
        let now = snapshot(&out);
        if expect_new {
            assert_eq!(
                contents(&now),
                contents(&site_b),
                "{point}: not the new site"
            );
        } else {
            assert_eq!(
                now, old,
                "{point}: the old site must be untouched, mtimes too"
            );
        }
        assert_ne!(
            names(&dir),
            CLEAN,
            "{point}: a killed build leaves its trees"
        );
        let o = build(&b, &out);
        assert!(!stderr(&o).contains("warning"), "{point}: {}", stderr(&o));
        assert_eq!(contents(&snapshot(&out)), contents(&site_b), "{point}");
        assert_eq!(names(&dir), CLEAN, "{point}: leftovers are cleaned up");
    }
}

/// Without `RENAME_EXCHANGE` the two-rename fallback has one moment with no output at all; a
/// kill there leaves no mix either, and the next build recovers.
#[test]
fn the_fallback_without_exchange_never_mixes_and_recovers_from_a_kill() {
    if !failpoints() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = two_sites(tmp.path());
    let out = tmp.path().join("public");
    build(&a, &out);
    let o = build_with(&b, &out, Some("exchange-unsupported"));
    assert!(o.status.success(), "{}", stderr(&o));
    let new = snapshot(&out);
    assert!(new.contains_key("only/in/b.txt") && !new.contains_key("only-in-a.txt"));
    let o = build_with(&a, &out, Some("exchange-unsupported,aside"));
    assert!(stderr(&o).contains("aside: aborting"), "{}", stderr(&o));
    assert!(!out.exists(), "between the two renames there is no output");
    build(&a, &out);
    assert!(snapshot(&out).contains_key("only-in-a.txt"));
    assert_eq!(
        names(tmp.path()),
        [&CLEAN[..], &["site-a", "site-b"]].concat()
    );
}

#[test]
fn a_full_disk_while_staging_or_committing_leaves_the_old_site_untouched() {
    if !failpoints() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = two_sites(tmp.path());
    let dir = tmp.path().join("deploy");
    fs::create_dir_all(&dir).unwrap();
    let out = dir.join("public");
    build(&a, &out);
    let old = snapshot(&out);
    let records = names(&dir);
    for point in ["stage-enospc", "commit-enospc"] {
        let o = build_with(&b, &out, Some(point));
        assert_eq!(o.status.code(), Some(2), "{point}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains("no space left on device"), "{point}: {err}");
        assert!(err.contains("left as it was"), "{point}: {err}");
        assert_eq!(snapshot(&out), old, "{point}: bytes and mtimes untouched");
        let mut left = names(&dir);
        left.retain(|n| n != ".public.trustatlas-cache");
        let mut want = records.clone();
        want.retain(|n| n != ".public.trustatlas-cache");
        assert_eq!(left, want, "{point}: the new tree is removed");
    }
    build(&b, &out);
    assert!(snapshot(&out).contains_key("only/in/b.txt"));
}

#[test]
fn two_builds_at_once_take_turns() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = two_sites(tmp.path());
    let dir = tmp.path().join("deploy");
    fs::create_dir_all(&dir).unwrap();
    let out = dir.join("public");
    build(&a, &out);

    // A build holding the lock (here: this test) makes the next one wait, and say so.
    let lock = fs::File::options()
        .write(true)
        .open(dir.join(".public.trustatlas-lock"))
        .unwrap();
    lock.lock().unwrap();
    let mut waiting = command(&b, &out, None)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while started.elapsed() < Duration::from_millis(1500) {
        assert!(waiting.try_wait().unwrap().is_none(), "did not wait");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!snapshot(&out).contains_key("only/in/b.txt"));
    drop(lock);
    let o = waiting.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("waiting for another build into"),
        "{}",
        stderr(&o)
    );
    assert!(snapshot(&out).contains_key("only/in/b.txt"));

    // Two real builds at once: both succeed, and the output is one site, whole.
    let (ref_a, ref_b) = (tmp.path().join("ref-a"), tmp.path().join("ref-b"));
    build(&a, &ref_a);
    build(&b, &ref_b);
    for _ in 0..3 {
        let first = command(&a, &out, None)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let ob = build_with(&b, &out, None);
        let oa = first.wait_with_output().unwrap();
        assert!(oa.status.success(), "{}", stderr(&oa));
        assert!(ob.status.success(), "{}", stderr(&ob));
        let now = snapshot(&out);
        assert!(
            contents(&now) == contents(&snapshot(&ref_a))
                || contents(&now) == contents(&snapshot(&ref_b)),
            "a mix of two sites"
        );
        assert_eq!(names(&dir), CLEAN);
    }
}

#[test]
fn leftovers_are_cleaned_by_name_and_nothing_else_beside_the_output_is_touched() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_registry(&site, &["content", "themes", "static"]);
    age(&site);
    let dir = tmp.path().join("deploy");
    let out = dir.join("public");
    build(&site, &out);
    // What killed builds leave (this version's names and the one before it), and things of
    // the user's that merely look alike.
    for d in [
        ".public.trustatlas-staging-99999/vendor",
        ".public.trustatlas-old-12/x",
        ".public.staging-4242/vendor",
        ".public.staging-old",
        ".public.photos",
        "photos",
    ] {
        fs::create_dir_all(dir.join(d)).unwrap();
        fs::write(dir.join(d).join("f"), "x").unwrap();
    }
    fs::write(
        dir.join(".public.trustatlas-staging-7"),
        "a file, not a tree",
    )
    .unwrap();
    fs::write(dir.join(".public.trustatlas-cache.tmp-31"), "").unwrap();
    // Even a build with nothing to do cleans up.
    let o = build_with(&site, &out, None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("is up to date"), "{}", stderr(&o));
    assert_eq!(
        names(&dir),
        [
            ".public.photos",
            ".public.staging-old",
            ".public.trustatlas-cache",
            ".public.trustatlas-lock",
            ".public.trustatlas-manifest",
            ".public.trustatlas-staging-7",
            "photos",
            "public"
        ]
    );
}

/// An output of the version before the manifest: its build stamp names its files, so it is
/// replaced as before; with no record at all the user is told what to do.
#[test]
fn an_output_without_a_manifest_is_taken_from_its_stamp_or_refused_with_help() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = two_sites(tmp.path());
    let out = tmp.path().join("public");
    build(&a, &out);
    fs::remove_file(tmp.path().join(".public.trustatlas-manifest")).unwrap();
    build(&b, &out);
    assert!(
        !out.join("only-in-a.txt").exists(),
        "A's file was known from the stamp"
    );
    for f in [".public.trustatlas-manifest", ".public.trustatlas-cache"] {
        fs::remove_file(tmp.path().join(f)).unwrap();
    }
    let o = build_with(&a, &out, None);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("no record of building it"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("delete the folder"), "{}", stderr(&o));
    assert!(out.join("only/in/b.txt").is_file());
}

/// `serve` builds in memory: no output folder and nothing beside one, in the working folder
/// or the site, even after an edit.
#[test]
fn serve_writes_no_output_folder() {
    use std::io::BufRead;
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_registry(&site, &["content", "themes", "static"]);
    let before: Vec<String> = snapshot(&site).into_keys().collect();
    let mut server = trustatlas()
        .args(["serve", "--port", "0", "--root", "site"])
        .current_dir(tmp.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = server.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let line = rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .expect("serve did not start");
        // The URL line: the site is built and served (the wording around it may change).
        if line.contains("http://") {
            break;
        }
    }
    let vendor = site.join("content/vendors/alibaba-cloud.md");
    let text = fs::read_to_string(&vendor).unwrap();
    fs::write(&vendor, format!("{text}\nEdited while serving.\n")).unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    server.kill().unwrap();
    server.wait().unwrap();
    assert_eq!(names(tmp.path()), ["site"]);
    let after: Vec<String> = snapshot(&site).into_keys().collect();
    assert_eq!(after, before);
}

/// A read-only folder inside the output once stopped the per-file commit halfway (70 files
/// changed, exit 2). Nothing is written into the output any more, and the old tree with the
/// read-only folder is removed after the swap. (As root, which ignores permissions, this
/// only checks that the build succeeds; CI runs it as an ordinary user.)
#[cfg(unix)]
#[test]
fn a_read_only_folder_in_the_output_does_not_stop_the_build() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = two_sites(tmp.path());
    let dir = tmp.path().join("deploy");
    fs::create_dir_all(&dir).unwrap();
    let out = dir.join("public");
    build(&a, &out);
    let vendor = out.join("vendor/alibaba-cloud");
    fs::set_permissions(&vendor, fs::Permissions::from_mode(0o555)).unwrap();
    let o = build(&b, &out);
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
    let fresh = tmp.path().join("fresh");
    build(&b, &fresh);
    assert_eq!(contents(&snapshot(&out)), contents(&snapshot(&fresh)));
    assert_eq!(names(&dir), CLEAN);
}

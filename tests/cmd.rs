//! The commands as library functions (`trustatlas::cmd`), called in-process on temporary
//! copies of the fixture site, with no binary spawned (mdBook tests its commands the same
//! way): what `build` wrote, kept and removed, its up-to-date shortcut, the refusals, and that
//! a failed build leaves the output as it was. The messages the binary prints for these
//! outcomes are checked on the real binary by e2e.rs, rebuild.rs and output_safety.rs.

mod support;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime};

use trustatlas::cmd::build::{self, BuildArgs, BuildReport, Counts, Outcome};
use trustatlas::cmd::{check, init, new, theme, CmdError, Exit, Ui};

use support::{build_date as day, fixture_copy, read_tree as tree};

/// tests/fixtures/minimal in a fresh temporary folder, with the repository's theme, [`age`]d.
fn site() -> tempfile::TempDir {
    let tmp = fixture_copy("tests/fixtures/minimal");
    age(tmp.path());
    tmp
}

/// Dates every file under `dir` an hour ago: inputs written moments ago are not trusted by
/// the no-change check (they could still be changing within the file system's timestamp
/// granularity), so a copy made just now would never be up to date.
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

/// `trustatlas build --root SITE --out OUT` (plus `force`), quiet.
fn build_into(site: &Path, out: &Path, force: bool) -> Result<BuildReport, CmdError> {
    let args = BuildArgs {
        out: Some(out.to_path_buf()),
        force,
        ..BuildArgs::default()
    };
    build::run(&args, site.to_path_buf(), day(), quiet())
}

fn quiet() -> Ui {
    Ui {
        quiet: true,
        ..Ui::default()
    }
}

fn counts(r: &BuildReport) -> Counts {
    match r.outcome {
        Outcome::Built(c) => c,
        Outcome::UpToDate => panic!("expected a build, got the up-to-date shortcut"),
    }
}

#[test]
fn a_first_build_writes_every_file_and_a_second_is_up_to_date() {
    let site = site();
    let out = site.path().join("public");
    let first = build_into(site.path(), &out, false).unwrap();
    let c = counts(&first);
    let files = tree(&out);
    assert!(files.contains_key("index.html"), "{:?}", files.keys());
    assert_eq!(c.files, files.len(), "every file of the tree is counted");
    assert_eq!(
        (c.written, c.unchanged, c.removed, c.kept),
        (c.files, 0, 0, 0),
        "a first build writes everything"
    );
    assert!(first.diagnostics.is_empty(), "{}", first.diagnostics);
    assert!(first
        .summary()
        .starts_with(&format!("built {} files into ", c.files)));
    assert!(first.timings.iter().any(|(s, _)| *s == "render"));
    assert!(first.timings.iter().any(|(s, _)| *s == "write"));

    let second = build_into(site.path(), &out, false).unwrap();
    assert_eq!(second.outcome, Outcome::UpToDate);
    assert_eq!(
        second.summary(),
        format!(
            "{} is up to date: nothing changed since the last build (--force rebuilds)",
            out.display()
        )
    );
    assert_eq!(tree(&out), files, "the shortcut writes nothing");

    // --force runs the pipeline again and keeps nothing: the same bytes, all unchanged.
    let forced = counts(&build_into(site.path(), &out, true).unwrap());
    assert_eq!(
        (
            forced.written,
            forced.unchanged,
            forced.removed,
            forced.kept
        ),
        (0, c.files, 0, 0)
    );
    assert_eq!(tree(&out), files);
}

#[test]
fn an_edit_keeps_the_other_vendor_pages_and_matches_a_full_build() {
    let site = site();
    let out = site.path().join("public");
    let first = counts(&build_into(site.path(), &out, false).unwrap());
    let vendor = site.path().join("content/vendors/globex-ai.md");
    let text = fs::read_to_string(&vendor).unwrap();
    let edited = text.replacen("name = \"", "name = \"Edited ", 1);
    assert_ne!(text, edited, "the fixture vendor has a name to edit");
    fs::write(&vendor, edited).unwrap();

    let again = counts(&build_into(site.path(), &out, false).unwrap());
    assert!(
        again.kept > 0,
        "the unchanged vendor's pages are kept: {again:?}"
    );
    assert!(
        again.written > 0,
        "the edited vendor's pages are written: {again:?}"
    );
    assert!(
        again.written < first.files,
        "not everything is written: {again:?}"
    );
    assert_eq!(again.removed, 0);
    assert_eq!(again.files, first.files);

    let fresh = tempfile::tempdir().unwrap();
    let full = fresh.path().join("public");
    counts(&build_into(site.path(), &full, false).unwrap());
    assert_eq!(
        tree(&out),
        tree(&full),
        "an incremental build is a full build"
    );
}

#[test]
fn a_removed_vendor_removes_its_files() {
    let site = site();
    let out = site.path().join("public");
    let first = counts(&build_into(site.path(), &out, false).unwrap());
    let before = tree(&out);
    fs::remove_file(site.path().join("content/vendors/globex-ai.md")).unwrap();
    // A report about the removed vendor would now be an error; drop those too.
    for e in fs::read_dir(site.path().join("content/reports")).unwrap() {
        let p = e.unwrap().path();
        if fs::read_to_string(&p).unwrap().contains("globex-ai") {
            fs::remove_file(p).unwrap();
        }
    }
    let again = counts(&build_into(site.path(), &out, false).unwrap());
    let after = tree(&out);
    let gone = before.keys().filter(|k| !after.contains_key(*k)).count();
    assert!(gone > 0);
    assert_eq!(again.removed, gone, "{again:?}");
    assert_eq!(again.files, after.len());
    assert!(again.files < first.files);
}

#[test]
fn a_failed_build_leaves_the_output_as_it_was() {
    let site = site();
    let out = site.path().join("public");
    build_into(site.path(), &out, false).unwrap();
    let before = tree(&out);
    let vendor = site.path().join("content/vendors/acme-cloud.md");
    let text = fs::read_to_string(&vendor).unwrap();
    fs::write(
        &vendor,
        text.replacen("founded = 2001", "founded = \"soon\"", 1),
    )
    .unwrap();

    let err = build_into(site.path(), &out, false).unwrap_err();
    assert_eq!(err.exit, Exit::Content);
    assert_eq!(
        err.errors,
        [format!("build failed; {} left as it was", out.display())]
    );
    assert!(
        err.before.contains("acme-cloud.md"),
        "the diagnostics come first, naming the file:\n{}",
        err.before
    );
    assert!(err.to_string().ends_with(&format!(
        "error: build failed; {} left as it was\n",
        out.display()
    )));
    assert_eq!(tree(&out), before);
}

#[test]
fn a_folder_of_files_it_did_not_write_is_refused_untouched() {
    let site = site();
    let out = site.path().join("mine");
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join("notes.txt"), "keep me").unwrap();

    let err = build_into(site.path(), &out, false).unwrap_err();
    assert_eq!(err.exit, Exit::Usage);
    let text = err.to_string();
    assert!(
        text.contains("trustatlas has no record of building it"),
        "{text}"
    );
    assert!(text.contains("notes.txt"), "{text}");
    assert_eq!(
        tree(&out),
        BTreeMap::from([("notes.txt".to_string(), b"keep me".to_vec())])
    );

    // A file added to an output that a build did write is named, and refused too.
    let public = site.path().join("public");
    build_into(site.path(), &public, false).unwrap();
    fs::write(public.join("extra.html"), "mine").unwrap();
    let err = build_into(site.path(), &public, true).unwrap_err();
    assert_eq!(err.exit, Exit::Usage);
    assert!(err.to_string().contains("did not write"), "{err}");
    assert!(public.join("extra.html").exists());
}

#[test]
fn usage_errors_come_before_any_work() {
    let site = site();
    let out = site.path().join("public");
    let args = BuildArgs {
        out: Some(out.clone()),
        base_url: Some("ftp://example.com".into()),
        ..BuildArgs::default()
    };
    let err = build::run(&args, site.path().to_path_buf(), day(), quiet()).unwrap_err();
    assert_eq!(err.exit, Exit::Usage);
    assert_eq!(
        err.to_string(),
        "error: --base-url `ftp://example.com` is not an http(s) URL\n  help: e.g. --base-url https://preview.trustatlas.pages.dev\n"
    );
    assert!(!out.exists());

    let empty = tempfile::tempdir().unwrap();
    let err = build_into(empty.path(), &empty.path().join("public"), false).unwrap_err();
    assert_eq!(err.exit, Exit::Usage);
    assert!(err.to_string().contains("site.toml"), "{err}");
    assert!(err.help.is_some());
    assert!(!empty.path().join("public").exists());
}

#[test]
fn check_new_theme_and_init_return_what_they_did() {
    let site = site();
    let checked = check::run(site.path().to_path_buf(), day()).unwrap();
    assert_eq!(checked.errors(), 0);
    assert!(checked.pages > 0);

    let args = new::NewArgs {
        what: new::New::Vendor {
            slug: "initech".into(),
        },
        root: None,
        toml: false,
    };
    let made = new::run(&args, site.path(), day()).unwrap();
    assert_eq!(made.rel, Path::new("content/vendors/initech.md"));
    assert!(made.path.is_file());
    let again = new::run(&args, site.path(), day()).unwrap_err();
    assert_eq!(again.exit, Exit::Usage);
    assert!(again.errors[0].ends_with("already exists; not overwriting it"));
    assert_eq!(
        check::run(site.path().to_path_buf(), day())
            .unwrap()
            .errors(),
        0
    );

    fs::remove_dir_all(site.path().join("themes")).unwrap();
    let eject = theme::Theme::Eject { force: false };
    let dir = theme::run(&eject, site.path()).unwrap();
    assert_eq!(dir, site.path().join("themes/default"));
    let refused = theme::run(&eject, site.path()).unwrap_err();
    assert!(refused.errors.len() > 1, "every file in the way is named");
    theme::run(&theme::Theme::Eject { force: true }, site.path()).unwrap();

    let args = init::InitArgs {
        dir: Some(site.path().to_path_buf()),
    };
    let refused = init::run(&args, day()).unwrap_err();
    assert!(refused.errors[0].ends_with("is not empty; not writing a registry into it"));
    let fresh = tempfile::tempdir().unwrap();
    let dir = fresh.path().join("reg");
    let args = init::InitArgs {
        dir: Some(dir.clone()),
    };
    assert_eq!(init::run(&args, day()).unwrap(), dir);
    assert_eq!(check::run(dir, day()).unwrap().errors(), 0);
}

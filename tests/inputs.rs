//! The real binary against inputs that are not ordinary files or values: a named pipe, links
//! to `/dev/zero`, a folder named `site.toml`, a `SOURCE_DATE_EPOCH` out of range. Each run is
//! bounded in time: a loader that opens a FIFO or reads `/dev/zero` would hang, and the test
//! kills it and fails instead of hanging the suite.

mod support;

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::{fixture_copy, repo, trustatlas, EPOCH};

/// The minimal fixture with the repository's themes, in a fresh folder.
fn site() -> tempfile::TempDir {
    fixture_copy("tests/fixtures/minimal")
}

struct Run {
    code: Option<i32>,
    stderr: String,
}

/// Runs the binary with `args`, `SOURCE_DATE_EPOCH=epoch`, killing it after 60 seconds.
fn run(args: &[&str], root: &Path, epoch: &str) -> Run {
    let err_path = root.with_extension("stderr");
    let mut child = trustatlas()
        .args(args)
        .arg("--root")
        .arg(root)
        .env("SOURCE_DATE_EPOCH", epoch)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(fs::File::create(&err_path).unwrap())
        .spawn()
        .expect("run trustatlas");
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "`trustatlas {}` did not finish in 60 s (stderr: {})",
                args.join(" "),
                fs::read_to_string(&err_path).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stderr = fs::read_to_string(&err_path).unwrap();
    let _ = fs::remove_file(&err_path);
    Run {
        code: status.code(),
        stderr,
    }
}

fn mkfifo(p: &Path) -> bool {
    Command::new("mkfifo")
        .arg(p)
        .status()
        .is_ok_and(|s| s.success())
}

#[cfg(unix)]
#[test]
fn fifos_and_links_to_dev_zero_are_refused_without_hanging() {
    use std::os::unix::fs::symlink;
    let site = site();
    let root = site.path();
    if !mkfifo(&root.join("content/vendors/pipe.md")) {
        eprintln!("mkfifo not available; skipped");
        return;
    }
    fs::remove_file(root.join("content/questions.toml")).unwrap();
    symlink("/dev/zero", root.join("content/questions.toml")).unwrap();
    fs::create_dir(root.join("static")).unwrap();
    symlink("/dev/zero", root.join("static/zero.bin")).unwrap();
    assert!(mkfifo(&root.join("static/pipe.txt")));
    let out = root.join("public");
    for args in [vec!["check"], vec!["build", "--out", out.to_str().unwrap()]] {
        let r = run(&args, root, EPOCH);
        assert_eq!(r.code, Some(1), "{args:?}: {}", r.stderr);
        for needle in [
            "error[E0001]: `content/vendors/pipe.md` is a named pipe (FIFO), not a regular file; it is not read",
            "┌─ content/vendors/pipe.md:1:1",
            "error[E0001]: `static/pipe.txt` is a named pipe (FIFO), not a regular file; it is not read",
            "error[E0001]: symbolic links are not followed in site folders\n  ┌─ content/questions.toml:1:1",
            "error[E0001]: symbolic links are not followed in site folders\n  ┌─ static/zero.bin:1:1",
        ] {
            assert!(
                r.stderr.contains(needle),
                "{args:?}: no `{needle}` in:\n{}",
                r.stderr
            );
        }
    }
    assert!(!out.exists(), "a failed build wrote an output");
}

#[cfg(unix)]
#[test]
fn site_toml_that_is_not_a_file_is_named_for_what_it_is() {
    let site = site();
    let root = site.path();
    fs::remove_file(root.join("site.toml")).unwrap();
    fs::create_dir(root.join("site.toml")).unwrap();
    let r = run(&["check"], root, EPOCH);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr
            .starts_with("error: `site.toml` is a folder, not a file (in "),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("no site.toml"), "{}", r.stderr);

    fs::remove_dir(root.join("site.toml")).unwrap();
    if mkfifo(&root.join("site.toml")) {
        let out = root.join("public");
        let r = run(&["build", "--out", out.to_str().unwrap()], root, EPOCH);
        assert_eq!(r.code, Some(2), "{}", r.stderr);
        assert!(
            r.stderr
                .starts_with("error: `site.toml` is a named pipe (FIFO), not a regular file"),
            "{}",
            r.stderr
        );
    }
}

#[test]
fn source_date_epoch_out_of_range_is_refused() {
    let site = site();
    let root = site.path();
    let out = root.join("public");
    for epoch in ["99999999999999", "-86400", "253402300800"] {
        for args in [vec!["check"], vec!["build", "--out", out.to_str().unwrap()]] {
            let r = run(&args, root, epoch);
            assert_eq!(r.code, Some(2), "{args:?} {epoch}: {}", r.stderr);
            assert_eq!(
                r.stderr.trim_end(),
                format!("error: SOURCE_DATE_EPOCH={epoch} is outside the supported range: 0 (1970-01-01) to 253402300799 (9999-12-31)"),
            );
        }
    }
    // The last second of year 9999 is still a date the site can be built for.
    let r = run(
        &["build", "--out", out.to_str().unwrap()],
        root,
        "253402300799",
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
}

/// Every file of the check fixture, in memory, as `single::load_one` takes it.
fn memory_site() -> (trustatlas::source::SiteSources, Vec<(String, String)>) {
    let root = repo().join("tests/check/site");
    let mut files = Vec::new();
    for e in walkdir::WalkDir::new(&root).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(&root).unwrap();
            files.push((
                rel.to_string_lossy().replace('\\', "/"),
                fs::read_to_string(e.path()).unwrap(),
            ));
        }
    }
    let site =
        trustatlas::single::site_from_files(files.iter().map(|(p, t)| (p.as_str(), t.as_str())));
    (site, files)
}

/// A control character typed anywhere, in any kind of file, is reported at that character
/// (not at the value or the line), and the site does not load.
#[test]
fn a_control_character_anywhere_is_located_at_itself() {
    let (site, files) = memory_site();
    let controls = ['\0', '\u{7}', '\u{1b}', '\u{7f}', '\u{85}', '\u{b}'];
    let mut checked = 0;
    for path in trustatlas::single::TARGETS {
        let Some((_, text)) = files.iter().find(|(p, _)| p == path) else {
            continue;
        };
        let positions: Vec<usize> = (0..=text.len())
            .filter(|i| text.is_char_boundary(*i))
            .step_by(5)
            .collect();
        for (n, at) in positions.into_iter().enumerate() {
            let c = controls[n % controls.len()];
            let mut edited = text.clone();
            edited.insert(at, c);
            let loaded = trustatlas::single::load_one(&site, path, &edited);
            let hit = loaded.diagnostics.iter().find(|d| {
                d.file == Path::new(path)
                    && d.message
                        .starts_with(&format!("control character U+{:04X}", c as u32))
            });
            let Some(d) = hit else {
                panic!(
                    "{path}: {c:?} at byte {at} not reported; got {:?}",
                    loaded
                        .diagnostics
                        .iter()
                        .map(|d| d.short())
                        .collect::<Vec<_>>()
                );
            };
            assert_eq!(
                d.span,
                Some(at..at + c.len_utf8()),
                "{path}: {c:?} at {at}: {}",
                d.short()
            );
            assert!(loaded.registry.is_none(), "{path}: loaded with {c:?}");
            checked += 1;
        }
    }
    assert!(checked > 500, "only {checked} positions checked");
}

/// A TOML escape that makes a control character, in any quoted value of any TOML text, is
/// reported at the escape.
#[test]
fn a_control_escape_in_any_string_is_located_at_the_escape() {
    let (site, files) = memory_site();
    let escapes = ["\\u0000", "\\u001B", "\\e", "\\b", "\\U0000007f", "\\x07"];
    let mut checked = 0;
    for path in trustatlas::single::TARGETS {
        let Some((_, text)) = files.iter().find(|(p, _)| p == path) else {
            continue;
        };
        // Just after the opening quote of each `key = "value"` in the TOML part.
        let body_start = if path.ends_with(".md") {
            text.find("\n+++").unwrap_or(text.len())
        } else {
            text.len()
        };
        let openings: Vec<usize> = text[..body_start]
            .match_indices("= \"")
            .filter(|(i, _)| !text[i + 3..].starts_with("\"\""))
            .map(|(i, _)| i + 3)
            .collect();
        for (n, at) in openings.into_iter().enumerate() {
            let esc = escapes[n % escapes.len()];
            let mut edited = text.clone();
            edited.insert_str(at, esc);
            let loaded = trustatlas::single::load_one(&site, path, &edited);
            let hit = loaded.diagnostics.iter().find(|d| {
                d.message
                    .starts_with(&format!("`{esc}` makes the control character"))
            });
            let Some(d) = hit else {
                panic!(
                    "{path}: {esc} at byte {at} not reported; got {:?}",
                    loaded
                        .diagnostics
                        .iter()
                        .map(|d| d.short())
                        .collect::<Vec<_>>()
                );
            };
            assert_eq!(d.span, Some(at..at + esc.len()), "{path}: {}", d.short());
            assert!(loaded.registry.is_none());
            checked += 1;
        }
    }
    assert!(checked > 50, "only {checked} strings checked");
}

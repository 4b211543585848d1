//! The bad-input corpus: one folder per content mistake under `tests/bad/`, each checked for the
//! exact diagnostics (message and location) the build reports. See `tests/bad/README.md`.
//!
//! Each case is the valid site `tests/fixtures/minimal/` plus the repository's `themes/`, with
//! the case's files copied over it, the paths listed in its `REMOVE` file deleted, and, for the
//! few inputs that cannot be committed sensibly (bad encodings, huge files, symlinks), a rule in
//! [`generate`] keyed by the case name.
//!
//! `expected.txt` holds `Diagnostic::short()` of every diagnostic, in build order; `help.txt`
//! holds `file:line:col: help: ...` for those that carry a help text (absent when none do). An
//! empty `expected.txt` means the site must build.
//!
//! A case with a `KNOWN_BUG` file documents a loader bug: `expected.txt` and `help.txt` hold
//! what *should* be reported, and `KNOWN_BUG` (after its `#` comment lines) what *is* reported
//! today. The case passes while the output equals the known-bug output, and fails when the
//! output changes: to something else (look), or to `expected.txt` (the bug is fixed: delete
//! `KNOWN_BUG`).
//!
//! `BLESS=1 cargo test --test bad_input` rewrites every `expected.txt` and `help.txt` (for
//! known-bug cases, the lines of `KNOWN_BUG`) from the current output instead of comparing;
//! read the diff before committing it.

mod support;

use std::fmt::Write as _;
use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use support::build::BuildResult;
use support::{bless, copy_tree_except, fixture_copy, repo};
use trustatlas::diagnostic::Severity;

/// Files of a case folder that describe the case rather than override the site.
const CASE_META: &[&str] = &["expected.txt", "help.txt", "REMOVE", "KNOWN_BUG"];

/// Cases whose input [`generate`] makes at test time; each must have a folder.
const GENERATED: &[&str] = &[
    "not-utf8",
    "utf8-bom",
    "utf8-bom-with-error",
    "crlf-line-endings",
    "crlf-with-error",
    "crlf-with-syntax-error",
    "crlf-with-unknown-field",
    "oversize-file",
    "symlink-loop",
    "site-toml-folder",
    "site-toml-fifo",
    "site-toml-link-to-dev-zero",
    "questions-toml-symlink",
    "theme-symlink",
    "content-folder-symlink",
    "static-file-too-big",
    "content-fifo",
    "static-fifo",
    "control-raw-in-text",
    "control-many",
    "double-bom",
];

/// Builds the site at `root` with the fixed build date.
fn build(root: &Path) -> BuildResult {
    support::build::build(root, None, None)
}

fn panic_message(e: &(dyn std::any::Any + Send)) -> String {
    e.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| e.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(non-string panic)".into())
}

// ---- generated inputs ------------------------------------------------------------------------

/// Cases whose input is made here rather than committed. Returns `false` when the case cannot
/// run on this platform.
fn generate(case: &str, root: &Path) -> bool {
    let vendor = root.join("content/vendors/acme-cloud.md");
    match case {
        // A file saved as Latin-1: `ï` as the single byte 0xEF (line 6, column 15).
        "not-utf8" => {
            let text = fs::read_to_string(&vendor).unwrap();
            let bytes = text
                .replacen(
                    "hq_city = \"Springfield\"",
                    "hq_city = \"Spr\u{1}ngfield\"",
                    1,
                )
                .into_bytes();
            let bytes: Vec<u8> = bytes
                .into_iter()
                .map(|b| if b == 1 { 0xEF } else { b })
                .collect();
            fs::write(&vendor, bytes).unwrap();
        }
        // A byte-order mark, as some Windows editors write: must build (or report the same
        // locations as without it).
        "utf8-bom" | "utf8-bom-with-error" => {
            let mut bytes = vec![0xEF, 0xBB, 0xBF];
            bytes.extend(fs::read(&vendor).unwrap());
            fs::write(&vendor, bytes).unwrap();
            let site = root.join("site.toml");
            let mut bytes = vec![0xEF, 0xBB, 0xBF];
            bytes.extend(fs::read(&site).unwrap());
            fs::write(&site, bytes).unwrap();
        }
        // Windows line endings in content and configuration: must build, and report the same
        // lines and columns as with `\n`.
        _ if case.starts_with("crlf-") => {
            for rel in [
                "content/vendors/acme-cloud.md",
                "content/reports/2025lvl02acme001.md",
                "content/frameworks/test-framework.toml",
                "site.toml",
            ] {
                let p = root.join(rel);
                let text = fs::read_to_string(&p).unwrap();
                assert!(!text.contains('\r'));
                fs::write(&p, text.replace('\n', "\r\n")).unwrap();
            }
        }
        // 10 MiB: over the 8 MiB limit of source::MAX_CONTENT_FILE.
        "oversize-file" => {
            let line = "x".repeat(1023) + "\n";
            fs::write(
                root.join("content/vendors/huge-dump.md"),
                line.repeat(10 * 1024),
            )
            .unwrap();
        }
        // A directory link to its own parent (a loop if followed) and a file link to itself.
        "symlink-loop" => {
            #[cfg(unix)]
            {
                std::os::unix::fs::symlink("../vendors", root.join("content/vendors/loop"))
                    .unwrap();
                std::os::unix::fs::symlink("self.md", root.join("content/pages/self.md")).unwrap();
            }
            #[cfg(not(unix))]
            return false;
        }
        // A folder where site.toml should be: its own message, not "no site.toml".
        "site-toml-folder" => {
            fs::remove_file(root.join("site.toml")).unwrap();
            fs::create_dir(root.join("site.toml")).unwrap();
            fs::write(root.join("site.toml/notes.txt"), "x").unwrap();
        }
        // A named pipe where a file should be: opening it would block until a writer comes,
        // so it must be refused from its type alone (the case would hang otherwise).
        "site-toml-fifo" | "content-fifo" | "static-fifo" => {
            let rel = match case {
                "site-toml-fifo" => "site.toml",
                "content-fifo" => "content/vendors/pipe.md",
                _ => "static/pipe.txt",
            };
            let p = root.join(rel);
            let _ = fs::remove_file(&p);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            match std::process::Command::new("mkfifo").arg(&p).status() {
                Ok(s) if s.success() => {}
                _ => return false,
            }
        }
        // Links out of the site: to a device that never ends, to a system file, and a theme
        // folder that lives elsewhere. None is followed.
        "site-toml-link-to-dev-zero"
        | "questions-toml-symlink"
        | "theme-symlink"
        | "content-folder-symlink" => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::symlink;
                match case {
                    "site-toml-link-to-dev-zero" => {
                        fs::remove_file(root.join("site.toml")).unwrap();
                        symlink("/dev/zero", root.join("site.toml")).unwrap();
                    }
                    "questions-toml-symlink" => {
                        fs::remove_file(root.join("content/questions.toml")).unwrap();
                        symlink("/etc/passwd", root.join("content/questions.toml")).unwrap();
                    }
                    "content-folder-symlink" => {
                        fs::create_dir(root.join("elsewhere")).unwrap();
                        fs::rename(
                            root.join("content/certifications"),
                            root.join("elsewhere/certifications"),
                        )
                        .unwrap();
                        symlink(
                            "../elsewhere/certifications",
                            root.join("content/certifications"),
                        )
                        .unwrap();
                    }
                    _ => {
                        fs::create_dir(root.join("elsewhere")).unwrap();
                        fs::rename(root.join("themes/default"), root.join("elsewhere/default"))
                            .unwrap();
                        symlink("../elsewhere/default", root.join("themes/default")).unwrap();
                    }
                }
            }
            #[cfg(not(unix))]
            return false;
        }
        // Over source::MAX_STATIC_FILE (100 MiB), as a sparse file: refused from its size,
        // never read.
        "static-file-too-big" => {
            fs::create_dir_all(root.join("static")).unwrap();
            let f = fs::File::create(root.join("static/dump.bin")).unwrap();
            f.set_len(100 * 1024 * 1024 + 1).unwrap();
        }
        // Raw control characters, typed into a name and the body: BEL (line 6, column 15),
        // ESC and a C1 control (NEL, U+0085) in the last line.
        "control-raw-in-text" => {
            let text = fs::read_to_string(&vendor).unwrap();
            let text = text
                .replacen("\"Springfield\"", "\"Spr\u{7}ingfield\"", 1)
                .replacen(
                    "**synthetic** vendor.",
                    "**synthetic** \u{1b}[31mvendor\u{85}.",
                    1,
                );
            fs::write(&vendor, text).unwrap();
        }
        // Twelve NULs in the body: five are listed, then one line counts the rest.
        "control-many" => {
            let mut text = fs::read_to_string(&vendor).unwrap();
            text.push_str(&"a\0".repeat(12));
            text.push('\n');
            fs::write(&vendor, text).unwrap();
        }
        // Two byte-order marks: the second is invisible in an editor but breaks the `+++`.
        "double-bom" => {
            let mut bytes = [0xEF, 0xBB, 0xBF].repeat(2);
            bytes.extend(fs::read(&vendor).unwrap());
            fs::write(&vendor, bytes).unwrap();
        }
        // Overflow checks (and so the known panic) exist only with debug assertions; a release
        // build wraps silently and prints another wrong sum.
        "weight-overflow" if !cfg!(debug_assertions) => return false,
        _ => assert!(
            !GENERATED.contains(&case),
            "no rule for generated case {case}"
        ),
    }
    true
}

// ---- one case --------------------------------------------------------------------------------

struct Outcome {
    /// `Diagnostic::short()` of every diagnostic, in build order.
    lines: Vec<String>,
    /// `file:line:col: help: ...` of every diagnostic that carries a help text.
    helps: Vec<String>,
    /// Broken invariants (positions outside the file, files despite errors, ...).
    problems: Vec<String>,
    /// `build_site` panicked; `lines` holds the one line `panic: <message>`.
    panicked: bool,
}

/// The text a diagnostic's position is counted in: the text the build read (BOM removed), else
/// the file on disk, else nothing (the file does not exist or is not a readable file).
fn text_of(result: &BuildResult, root: &Path, file: &Path) -> Option<String> {
    result.source_text(file).or_else(|| {
        // Only a regular file: a FIFO would block, a link may lead to /dev/zero.
        let path = root.join(file);
        fs::symlink_metadata(&path).ok().filter(|m| m.is_file())?;
        fs::read(path)
            .ok()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
    })
}

/// Every diagnostic points inside its file, and files come exactly when there are no errors.
fn check_invariants(result: &BuildResult, root: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    for d in &result.diagnostics {
        let here = d.short();
        match text_of(result, root, &d.file) {
            Some(text) => {
                let lines: Vec<&str> = text.split('\n').collect();
                if d.line == 0 || d.line > lines.len() {
                    problems.push(format!(
                        "{here}\n    line {} is outside the file ({} lines)",
                        d.line,
                        lines.len()
                    ));
                } else {
                    let len = lines[d.line - 1].trim_end_matches('\r').chars().count();
                    if d.column == 0 || d.column > len + 1 {
                        problems.push(format!(
                            "{here}\n    column {} is outside line {} ({len} characters)",
                            d.column, d.line
                        ));
                    }
                }
                if let Some(span) = &d.span {
                    if span.start > span.end || span.end > text.len() {
                        problems.push(format!(
                            "{here}\n    span {span:?} is outside the file ({} bytes)",
                            text.len()
                        ));
                    }
                }
            }
            None => {
                if (d.line, d.column) != (1, 1) {
                    problems.push(format!(
                        "{here}\n    the file cannot be read, so the position should be 1:1"
                    ));
                }
            }
        }
    }
    let errors = result
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    match (errors, result.files.is_some()) {
        (0, false) => problems.push("no errors, but the build produced no files".into()),
        (n, true) if n > 0 => {
            problems.push(format!("{n} errors, but the build still produced files"))
        }
        _ => {}
    }
    problems
}

fn run_case(case_dir: &Path) -> Result<Option<Outcome>, String> {
    let name = case_dir.file_name().unwrap().to_str().unwrap().to_string();
    let site = fixture_copy("tests/fixtures/minimal");
    let root = site.path();
    copy_tree_except(case_dir, root, CASE_META);
    if let Ok(list) = fs::read_to_string(case_dir.join("REMOVE")) {
        for rel in list
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
        {
            let p = root.join(rel);
            if p.is_dir() {
                fs::remove_dir_all(&p)
            } else {
                fs::remove_file(&p)
            }
            .map_err(|e| format!("REMOVE {rel}: {e}"))?;
        }
    }
    if !generate(&name, root) {
        return Ok(None);
    }
    // The rustc-style report is what an editor sees: it must not panic either.
    let built = catch_unwind(AssertUnwindSafe(|| {
        let r = build(root);
        let _ = r.render_diagnostics(false);
        r
    }));
    let result = match built {
        Ok(r) => r,
        // A panic is the case's output (`panic: ...`), so a known one can be recorded in
        // KNOWN_BUG; it is never blessed into expected.txt.
        Err(e) => {
            return Ok(Some(Outcome {
                lines: vec![format!("panic: {}", panic_message(&*e))],
                helps: Vec::new(),
                problems: Vec::new(),
                panicked: true,
            }))
        }
    };
    // The temporary root differs on every run; messages that name it get a placeholder.
    let root_str = root.display().to_string();
    let lines = result
        .diagnostics
        .iter()
        .map(|d| d.short().replace(&root_str, "<root>"))
        .collect();
    let helps = result
        .diagnostics
        .iter()
        .filter_map(|d| {
            d.help.as_ref().map(|h| {
                let h = h.replace(&root_str, "<root>");
                format!("{}:{}:{}: help: {h}", d.file_str(), d.line, d.column)
            })
        })
        .collect();
    let problems = check_invariants(&result, root);
    Ok(Some(Outcome {
        lines,
        helps,
        problems,
        panicked: false,
    }))
}

// ---- comparison --------------------------------------------------------------------------------

fn read_lines(p: &Path) -> Option<Vec<String>> {
    fs::read_to_string(p).ok().map(|t| {
        t.lines()
            .map(str::to_string)
            .filter(|l| !l.is_empty())
            .collect()
    })
}

fn write_lines(p: &Path, lines: &[String]) {
    let mut text = lines.join("\n");
    if !text.is_empty() {
        text.push('\n');
    }
    fs::write(p, text).unwrap();
}

/// A line diff (longest common subsequence): `-` expected only, `+` actual only.
fn diff(expected: &[String], actual: &[String]) -> String {
    let (n, m) = (expected.len(), actual.len());
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if expected[i] == actual[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, String::new());
    while i < n || j < m {
        if i < n && j < m && expected[i] == actual[j] {
            let _ = writeln!(out, "      {}", expected[i]);
            i += 1;
            j += 1;
        } else if j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j]) {
            let _ = writeln!(out, "    + {}", actual[j]);
            j += 1;
        } else {
            let _ = writeln!(out, "    - {}", expected[i]);
            i += 1;
        }
    }
    out
}

/// What a case expects: diagnostics and help lines.
#[derive(Default, PartialEq)]
struct Expected {
    lines: Vec<String>,
    helps: Vec<String>,
}

impl Expected {
    fn of(o: &Outcome) -> Self {
        Expected {
            lines: o.lines.clone(),
            helps: o.helps.clone(),
        }
    }

    fn diff(&self, o: &Outcome, what: &str) -> String {
        let mut out = String::new();
        if self.lines != o.lines {
            let _ = writeln!(
                out,
                "  diagnostics differ from {what} (- expected, + actual):\n{}",
                diff(&self.lines, &o.lines)
            );
        }
        if self.helps != o.helps {
            let _ = writeln!(
                out,
                "  help texts differ from {what} (- expected, + actual):\n{}",
                diff(&self.helps, &o.helps)
            );
        }
        out
    }
}

/// `KNOWN_BUG`: `#` comment lines describing the bug, then the output the build gives today
/// (diagnostic lines and help lines mixed, as `file:line:col: error[..]` / `file:line:col: help:`).
fn read_known_bug(p: &Path) -> Option<(Vec<String>, Expected)> {
    let text = fs::read_to_string(p).ok()?;
    let mut comments = Vec::new();
    let mut known = Expected::default();
    for l in text.lines().filter(|l| !l.trim().is_empty()) {
        if l.starts_with('#') {
            comments.push(l.to_string());
        } else if is_help_line(l) {
            known.helps.push(l.to_string());
        } else {
            known.lines.push(l.to_string());
        }
    }
    Some((comments, known))
}

/// `file:line:col: help: ...`
fn is_help_line(l: &str) -> bool {
    let mut parts = l.splitn(4, ':');
    let (_, line, col, rest) = (parts.next(), parts.next(), parts.next(), parts.next());
    let num =
        |s: Option<&str>| s.is_some_and(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()));
    num(line) && num(col) && rest.is_some_and(|r| r.starts_with(" help: "))
}

fn write_known_bug(p: &Path, comments: &[String], o: &Outcome) {
    let mut lines = comments.to_vec();
    lines.extend(o.lines.iter().cloned());
    lines.extend(o.helps.iter().cloned());
    write_lines(p, &lines);
}

fn case_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(repo().join("tests/bad"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn bad_input_corpus() {
    let dirs = case_dirs();
    assert!(
        dirs.len() >= 40,
        "the corpus should hold at least 40 cases, found {}",
        dirs.len()
    );
    for g in GENERATED {
        assert!(
            dirs.iter().any(|d| d.ends_with(g)),
            "generated case {g} has no folder in tests/bad"
        );
    }
    let mut failures = Vec::new();
    let mut skipped = Vec::new();
    let mut known_bugs = Vec::new();
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let outcome = match run_case(dir) {
            Ok(Some(o)) => o,
            Ok(None) => {
                skipped.push(name);
                continue;
            }
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        let mut report = String::new();
        for p in &outcome.problems {
            let _ = writeln!(report, "  invariant: {p}");
        }
        let (exp_path, help_path, bug_path) = (
            dir.join("expected.txt"),
            dir.join("help.txt"),
            dir.join("KNOWN_BUG"),
        );
        let expected = read_lines(&exp_path).map(|lines| Expected {
            lines,
            helps: read_lines(&help_path).unwrap_or_default(),
        });
        let known_bug = read_known_bug(&bug_path);
        match (bless(), known_bug) {
            (_, None) if outcome.panicked => {
                let _ = writeln!(
                    report,
                    "  {} (build_site must never panic)",
                    outcome.lines[0]
                );
            }
            (true, None) => {
                write_lines(&exp_path, &outcome.lines);
                if outcome.helps.is_empty() {
                    let _ = fs::remove_file(&help_path);
                } else {
                    write_lines(&help_path, &outcome.helps);
                }
            }
            (true, Some((comments, _))) => {
                if expected.as_ref() == Some(&Expected::of(&outcome)) {
                    let _ = fs::remove_file(&bug_path);
                    eprintln!("{name}: the known bug is fixed; removed KNOWN_BUG");
                } else {
                    write_known_bug(&bug_path, &comments, &outcome);
                }
            }
            (false, None) => match &expected {
                None => {
                    let _ = writeln!(report, "  no expected.txt (run with BLESS=1 to create it); the build reported:\n{}", diff(&[], &outcome.lines));
                }
                Some(e) => report.push_str(&e.diff(&outcome, "expected.txt / help.txt")),
            },
            (false, Some((comments, known))) => {
                if expected.as_ref() == Some(&Expected::of(&outcome)) {
                    let _ = writeln!(report, "  the known bug is fixed: the output now matches expected.txt; delete KNOWN_BUG");
                } else if known != Expected::of(&outcome) {
                    let _ = writeln!(
                        report,
                        "  known-bug case changed output ({})",
                        comments.first().map(String::as_str).unwrap_or("KNOWN_BUG")
                    );
                    report.push_str(&known.diff(&outcome, "KNOWN_BUG"));
                    if let Some(e) = &expected {
                        report.push_str(
                            &e.diff(&outcome, "expected.txt / help.txt (the correct output)"),
                        );
                    }
                } else {
                    known_bugs.push(name.clone());
                }
            }
        }
        if !report.is_empty() {
            failures.push(format!("{name}:\n{report}"));
        }
    }
    if !skipped.is_empty() {
        eprintln!("skipped on this platform: {}", skipped.join(", "));
    }
    if !known_bugs.is_empty() {
        eprintln!(
            "{} cases show a known loader bug (see their KNOWN_BUG): {}",
            known_bugs.len(),
            known_bugs.join(", ")
        );
    }
    assert!(
        failures.is_empty(),
        "{} of {} bad-input cases failed:\n\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n")
    );
}

#[test]
fn minimal_fixture_builds_cleanly() {
    let site = fixture_copy("tests/fixtures/minimal");
    let result = build(site.path());
    let lines: Vec<String> = result.diagnostics.iter().map(|d| d.short()).collect();
    assert!(
        lines.is_empty(),
        "the minimal fixture should build without diagnostics:\n{}",
        lines.join("\n")
    );
    let files = result.files.expect("a clean build produces files");
    for page in [
        "index.html",
        "vendor/acme-cloud/index.html",
        "vendor/globex-ai/index.html",
        "register/2025lvl02acme001/index.html",
        "about/index.html",
    ] {
        assert!(
            files.iter().any(|f| f.path == page),
            "missing {page}; built: {:?}",
            files.iter().map(|f| &f.path).collect::<Vec<_>>()
        );
    }
}

// ---- random mutations ------------------------------------------------------------------------

/// xorshift64*: deterministic, no extra crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// One random edit of `input`, and what it was (for the failure report).
fn mutate(rng: &mut Rng, input: &[u8]) -> (Vec<u8>, String) {
    let mut b = input.to_vec();
    let len = b.len();
    let what = match rng.below(6) {
        0 => {
            let start = rng.below(len);
            let end = (start + 1 + rng.below(64)).min(len);
            b.drain(start..end);
            format!("delete bytes {start}..{end}")
        }
        1 => {
            let text = String::from_utf8_lossy(input).into_owned();
            let lines: Vec<&str> = text.split_inclusive('\n').collect();
            let i = rng.below(lines.len());
            let mut out = String::new();
            for (k, l) in lines.iter().enumerate() {
                out.push_str(l);
                if k == i {
                    out.push_str(l);
                }
            }
            b = out.into_bytes();
            format!("duplicate line {}", i + 1)
        }
        2 => {
            let at = rng.below(len + 1);
            let n = 1 + rng.below(8);
            let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
            b.splice(at..at, bytes.iter().copied());
            format!("insert random bytes {bytes:?} at {at}")
        }
        3 => {
            const PIECES: &[&str] = &[
                "\"",
                "'",
                "[",
                "]",
                "[[",
                "{",
                "}",
                "=",
                "\n",
                "+++\n",
                "\"\"\"",
                "\\",
                "#",
                ",",
                "é",
                "\u{feff}",
                "\r",
                "\t",
                "[scores]\n",
                "x = 1\n",
            ];
            let at = rng.below(len + 1);
            let piece = PIECES[rng.below(PIECES.len())];
            b.splice(at..at, piece.bytes());
            format!("insert {piece:?} at {at}")
        }
        4 => {
            let at = rng.below(len);
            b.truncate(at);
            format!("truncate at {at}")
        }
        _ if len == 0 => "nothing left to copy".to_string(),
        _ => {
            let from = rng.below(len);
            let to = rng.below(len);
            let byte = b[from];
            b[to] = byte;
            format!("copy byte {from} ({:?}) over byte {to}", byte as char)
        }
    };
    (b, what)
}

#[test]
fn random_mutations_never_panic_and_point_inside_the_file() {
    let site = fixture_copy("tests/fixtures/minimal");
    let root = site.path();
    // MUTATIONS=N, MUTATION_SEED=S and MUTATION_FILE=path (relative to the site) explore
    // further than the default run.
    let rel =
        std::env::var("MUTATION_FILE").unwrap_or_else(|_| "content/vendors/acme-cloud.md".into());
    let path = root.join(&rel);
    let original = fs::read(&path).unwrap();
    let env_num = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<u64>().ok());
    let count = env_num("MUTATIONS").unwrap_or(300) as usize;
    let mut rng = Rng(env_num("MUTATION_SEED").unwrap_or(0x9E37_79B9_7F4A_7C15) | 1);
    let mut failures = Vec::new();
    let mut rejected = 0;
    for i in 0..count {
        // Up to three edits stacked, so mistakes also meet each other.
        let mut input = original.clone();
        let mut what = Vec::new();
        for _ in 0..1 + rng.below(3) {
            let (next, w) = mutate(&mut rng, &input);
            input = next;
            what.push(w);
        }
        fs::write(&path, &input).unwrap();
        let built = catch_unwind(AssertUnwindSafe(|| {
            let r = build(root);
            let _ = r.render_diagnostics(false);
            r
        }));
        let problems = match built {
            Ok(result) => {
                rejected += usize::from(result.files.is_none());
                check_invariants(&result, root)
            }
            Err(e) => vec![format!("build_site panicked: {}", panic_message(&*e))],
        };
        if !problems.is_empty() {
            let keep = repo()
                .join("target/bad_input_mutations")
                .join(format!("mutation-{i}-{}", rel.replace('/', "_")));
            let _ = fs::create_dir_all(keep.parent().unwrap());
            let _ = fs::write(&keep, &input);
            failures.push(format!(
                "mutation {i} ({}), input kept in {}:\n  {}",
                what.join("; "),
                keep.display(),
                problems.join("\n  ")
            ));
        }
    }
    eprintln!("{rejected} of {count} mutations were rejected with errors; the rest built");
    // Most random edits break the file; if almost none did, the mutator is not doing its job.
    assert!(
        rejected >= count / 3,
        "only {rejected} of {count} mutations were rejected"
    );
    assert!(
        failures.is_empty(),
        "{} of {count} mutations broke an invariant:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

//! The whole pipeline under replaced content files, judged by the output oracles
//! (`trustatlas::oracle`): the fixture site builds clean; every input of the fuzz corpora
//! (`tests/fuzz/build_site/` and the loader's `tests/fuzz/load_content/`) builds without a
//! panic and, when it builds, passes the oracles; and every finding of the fuzzer
//! (`tests/fuzz/pipeline-findings/`) passes too unless it is listed in that folder's `KNOWN`
//! file, which the fixes empty.
//! See fuzz/README.md.

mod support;

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use rayon::prelude::*;
use support::repo;
use trustatlas::oracle::{check_changed, check_site, Finding};
use trustatlas::single::TARGETS;
use trustatlas::single_site::{build, build_one, fixture};
use trustatlas::source::SiteSources;

/// The check fixture's content with the repository's default theme, read once.
fn site() -> &'static SiteSources {
    static S: OnceLock<SiteSources> = OnceLock::new();
    S.get_or_init(|| {
        let mut diags = Vec::new();
        let s = fixture(
            &repo().join("tests/check/site"),
            &repo(),
            "default",
            &mut diags,
        );
        assert!(diags.is_empty(), "{diags:?}");
        s
    })
}

/// The output of the unchanged fixture, path to bytes; files equal to it are not judged
/// again (the first test proves they pass), as in the fuzz target.
fn baseline() -> &'static HashMap<String, Vec<u8>> {
    static B: OnceLock<HashMap<String, Vec<u8>>> = OnceLock::new();
    B.get_or_init(|| {
        build(site(), "default")
            .files
            .expect("the fixture builds")
            .into_iter()
            .map(|f| (f.path, f.bytes))
            .collect()
    })
}

/// What one fuzz input (first byte picks the file, the rest is its text) gives: `Err` with
/// the panic message, or the oracles' findings (none when the site did not build).
fn run(data: &[u8]) -> Result<Vec<Finding>, String> {
    run_built(data).map(Option::unwrap_or_default)
}

/// [`run`], with `None` when the site did not build.
fn run_built(data: &[u8]) -> Result<Option<Vec<Finding>>, String> {
    let Some((&pick, rest)) = data.split_first() else {
        return Ok(None);
    };
    let path = TARGETS[pick as usize % TARGETS.len()];
    let text = String::from_utf8_lossy(rest);
    catch_unwind(AssertUnwindSafe(|| {
        build_one(site(), "default", path, &text)
            .files
            .map(|files| check_changed(&files, baseline()))
    }))
    .map_err(|e| {
        e.downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "panic".to_string())
    })
}

/// The inputs in `dir`, by file name, skipping the notes beside them.
fn inputs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, fs::read(&p).unwrap())
        })
        .filter(|(name, _)| !matches!(name.as_str(), "README.md" | "KNOWN"))
        .collect();
    out.sort();
    out
}

/// The findings listed as not yet fixed.
fn known() -> BTreeSet<String> {
    let text =
        fs::read_to_string(repo().join("tests/fuzz/pipeline-findings/KNOWN")).unwrap_or_default();
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

fn describe(findings: &[Finding]) -> String {
    findings
        .iter()
        .take(8)
        .map(|f| format!("  {f}\n"))
        .collect()
}

#[test]
fn the_fixture_site_builds_and_passes_every_oracle() {
    let built = build(site(), "default");
    let files = built
        .files
        .unwrap_or_else(|| panic!("fixture did not build: {:?}", built.diagnostics));
    let kinds: BTreeSet<&str> = files
        .iter()
        .filter_map(|f| f.path.rsplit_once('.').map(|(_, e)| e))
        .collect();
    for ext in ["html", "xml", "json", "csv", "ics"] {
        assert!(
            kinds.contains(ext),
            "no .{ext} file in the output: {kinds:?}"
        );
    }
    let findings = check_site(&files);
    assert!(findings.is_empty(), "{}", describe(&findings));
}

#[test]
fn known_findings_still_fail_and_others_pass() {
    let dir = repo().join("tests/fuzz/pipeline-findings");
    let known = known();
    let mut problems = Vec::new();
    let mut names = BTreeSet::new();
    for (name, data) in inputs(&dir) {
        names.insert(name.clone());
        match (run(&data), known.contains(&name)) {
            (Err(panic), false) => problems.push(format!("{name}: panics: {panic}\n")),
            (Ok(f), false) if !f.is_empty() => {
                problems.push(format!("{name}: fails its oracles:\n{}", describe(&f)))
            }
            (Ok(f), true) if f.is_empty() => problems.push(format!(
                "{name}: fixed; delete its line from tests/fuzz/pipeline-findings/KNOWN\n"
            )),
            _ => {}
        }
    }
    for k in known.difference(&names) {
        problems.push(format!(
            "KNOWN lists `{k}`, which is not in {}\n",
            dir.display()
        ));
    }
    assert!(problems.is_empty(), "{}", problems.concat());
}

#[test]
fn fuzz_corpus_builds_without_panics_and_passes_the_oracles() {
    // The oracles that the findings still listed as known fail are tolerated in the corpus
    // too (the corpus holds inputs like theirs); once KNOWN is empty, every oracle counts.
    let findings_dir = repo().join("tests/fuzz/pipeline-findings");
    let known = known();
    let tolerated: BTreeSet<&'static str> = inputs(&findings_dir)
        .iter()
        .filter(|(name, _)| known.contains(name))
        .filter_map(|(_, data)| run(data).ok())
        .flatten()
        .map(|f| f.oracle)
        .collect();
    // The loader target's corpus covers most of the pipeline too; `build_site/` holds only
    // the inputs that reach edges it does not (see fuzz/README.md).
    let mut corpus = Vec::new();
    for (dir, at_least) in [("build_site", 50), ("load_content", 500)] {
        let dir = repo().join("tests/fuzz").join(dir);
        let found = inputs(&dir);
        assert!(
            found.len() >= at_least,
            "only {} inputs in {}",
            found.len(),
            dir.display()
        );
        corpus.extend(found);
    }
    // Made here, not first inside the parallel loop: a rayon worker that builds the
    // baseline steals other corpus items while it waits for its own render, and one of
    // them would wait for the baseline it is building (a deadlock, seen).
    baseline();
    let built = AtomicUsize::new(0);
    let problems: Vec<String> = corpus
        .par_iter()
        .filter_map(|(name, data)| match run_built(data) {
            Err(panic) => Some(format!("{name}: panics: {panic}\n")),
            Ok(None) => None,
            Ok(Some(f)) => {
                built.fetch_add(1, Ordering::Relaxed);
                let f: Vec<Finding> = f
                    .into_iter()
                    .filter(|f| !tolerated.contains(f.oracle))
                    .collect();
                (!f.is_empty()).then(|| format!("{name}:\n{}", describe(&f)))
            }
        })
        .collect();
    assert!(problems.is_empty(), "{}", problems.concat());
    // The oracles must have had something to judge: a good share of the corpus builds.
    let built = built.into_inner();
    assert!(
        built >= 100,
        "only {built} of {} inputs built",
        corpus.len()
    );
}

//! Property tests of the loader's entry point `trustatlas::single::load_one`: random byte
//! strings and random edits of valid files never panic, and always yield either a registry or
//! diagnostics located inside the file they name (`single::check_invariants`). Seeded, so a
//! failure names the seed and case that reproduce it. Also replays the inputs the fuzzer
//! found interesting (`tests/fuzz/load_content/`, see fuzz/README.md).

mod support;

use std::fs;

use support::repo;
use trustatlas::single::{check_invariants, load_one, site_from_files, TARGETS};
use trustatlas::source::SiteSources;

/// The fixture site of the check tests, read once.
fn fixture() -> (SiteSources, Vec<(String, String)>) {
    let root = repo().join("tests/check/site");
    let mut files = Vec::new();
    for e in walkdir::WalkDir::new(&root).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(&root).unwrap();
            let rel = rel.to_string_lossy().replace('\\', "/");
            files.push((rel, fs::read_to_string(e.path()).unwrap()));
        }
    }
    let site = site_from_files(files.iter().map(|(p, t)| (p.as_str(), t.as_str())));
    (site, files)
}

/// xorshift64*: a tiny deterministic generator, so a failing case can be replayed by seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Pieces of the content format, so random edits reach validation, not just the TOML parser.
const TOKENS: &[&str] = &[
    "+++",
    "+++\n",
    "\r\n",
    "\n",
    "[[",
    "]]",
    "[",
    "]",
    " = ",
    "\"",
    "'''",
    "#",
    "{",
    "}",
    ",",
    "\u{feff}",
    "é",
    "\u{0}",
    "2026-13-01",
    "\"2027\"",
    "2026-11-23",
    "true",
    "-1",
    "1e400",
    "[[certifications]]\ncertification = \"iso-27001\"\nsource = \"s\"\n",
    "[[sources]]\nfield = \"x.y\"\nurl = \"ftp://x\"\nverified = \"2030\"\nverified_by = \"\"\n",
    "[scores.security]\nscore = 101\nrationale = \"\"\n",
    "level = \"third\"\n",
    "lapsed = true\n",
    "valid_until = \"2020\"\n",
    "aliases = [\"/vendor/acme-cloud/\"]\n",
    "[x](/vendor/nope/#a)",
    "<script>x</script>",
    "id = \"../x\"\n",
    "key = \"data_handling\"\n",
    "min = 50\n",
];

/// One random edit: delete, duplicate, insert a token, swap lines, flip a byte, truncate.
fn mutate(text: &str, rng: &mut Rng) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let len = bytes.len();
    match rng.below(7) {
        0 if len > 0 => {
            let a = rng.below(len);
            let b = (a + 1 + rng.below(40)).min(len);
            bytes.drain(a..b);
        }
        1 if len > 0 => {
            let a = rng.below(len);
            let b = (a + 1 + rng.below(80)).min(len);
            let copy = bytes[a..b].to_vec();
            let at = rng.below(len + 1);
            bytes.splice(at..at, copy);
        }
        2 | 3 => {
            let t = TOKENS[rng.below(TOKENS.len())].as_bytes();
            let at = rng.below(len + 1);
            bytes.splice(at..at, t.iter().copied());
        }
        4 => {
            let mut lines: Vec<&str> = text.split('\n').collect();
            let (a, b) = (rng.below(lines.len()), rng.below(lines.len()));
            lines.swap(a, b);
            bytes = lines.join("\n").into_bytes();
        }
        5 if len > 0 => {
            let at = rng.below(len);
            bytes[at] = (rng.next() & 0x7f) as u8;
        }
        _ => bytes.truncate(rng.below(len + 1)),
    }
    // The loader only ever sees UTF-8: the source stage refuses anything else.
    String::from_utf8_lossy(&bytes).into_owned()
}

fn assert_ok(site: &SiteSources, path: &str, text: &str, what: &str) {
    let loaded = load_one(site, path, text);
    if let Err(e) = check_invariants(site, path, text, &loaded) {
        panic!("{what}: {e}\n--- {path} ---\n{text}");
    }
}

#[test]
fn the_fixture_loads_unchanged() {
    let (site, files) = fixture();
    for (path, text) in &files {
        if TARGETS.contains(&path.as_str()) {
            let loaded = load_one(&site, path, text);
            assert!(
                loaded.registry.is_some(),
                "{path}: {:?}",
                loaded.diagnostics
            );
            assert!(loaded.diagnostics.is_empty());
        }
    }
}

#[test]
fn random_bytes_never_panic_and_are_located() {
    let (site, _) = fixture();
    let mut rng = Rng(0x5eed_0001);
    for case in 0..200 {
        let len = rng.below(300);
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        let text = String::from_utf8_lossy(&bytes);
        let path = TARGETS[case % TARGETS.len()];
        assert_ok(&site, path, &text, &format!("random bytes, case {case}"));
    }
}

#[test]
fn random_edits_of_valid_files_never_panic_and_are_located() {
    let (site, files) = fixture();
    let originals: Vec<&(String, String)> = files
        .iter()
        .filter(|(p, _)| TARGETS.contains(&p.as_str()))
        .collect();
    assert!(originals.len() >= 7);
    for seed in 1..=120u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        for (path, original) in &originals {
            let mut text = original.clone();
            for step in 0..1 + rng.below(4) {
                text = mutate(&text, &mut rng);
                assert_ok(
                    &site,
                    path,
                    &text,
                    &format!("seed {seed}, {path}, after {} edits", step + 1),
                );
            }
        }
    }
}

#[test]
fn fuzzer_inputs_replay_cleanly() {
    let (site, _) = fixture();
    let dir = repo().join("tests/fuzz/load_content");
    let mut n = 0;
    for e in fs::read_dir(&dir).unwrap() {
        let path = e.unwrap().path();
        let data = fs::read(&path).unwrap();
        let Some((&pick, rest)) = data.split_first() else {
            continue;
        };
        let target = TARGETS[pick as usize % TARGETS.len()];
        let text = String::from_utf8_lossy(rest);
        assert_ok(&site, target, &text, &path.display().to_string());
        n += 1;
    }
    assert!(n > 50, "only {n} fuzz inputs in {}", dir.display());
}

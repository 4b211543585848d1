//! Tidy: the house rules that a reviewer would otherwise check by eye, as one test over the
//! source tree (in the way rust-analyzer's `tidy.rs` does): every Rust file (`src/`, the
//! tests, examples and fuzz targets) starts with a `//!` module doc, no file of `src/` is over
//! [`MAX_LINES`] lines except the few in [`LONG_FILES`], every module is named in
//! ARCHITECTURE.md, the layers import downwards only ([`LAYERS`]), and the test files leave to
//! `tests/support/` what it does ([`SUPPORT_ONLY`]).
//!
//! The exceptions are short lists of exact entries, and each may only shrink: an entry that no
//! longer applies fails the test too, so fixing a violation means deleting its line here.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;

use support::repo;

/// The longest a source file may be; one job per module keeps them shorter.
const MAX_LINES: usize = 600;

/// Files allowed over [`MAX_LINES`], each with its reason.
const LONG_FILES: &[(&str, &str)] = &[];

/// The layers, lowest first (ARCHITECTURE.md): a module may import its own layer or a lower
/// one. A module missing from this table fails the test, so a new one is placed on purpose.
const LAYERS: &[(&str, u8)] = &[
    // 0 foundation: types and helpers every stage may use.
    ("diagnostic", 0),
    ("human", 0),
    ("date", 0),
    ("suggest", 0),
    ("embedded", 0),
    ("files", 0),
    ("options", 0),
    ("urls", 0),
    ("pages", 0),
    // 1-6 the stages.
    ("source", 1),
    ("model", 2),
    ("derive", 3),
    ("render", 4),
    ("publish", 5),
    ("output", 6),
    // 7 the driver, with the stamp beside the output and the input fingerprints.
    ("pipeline", 7),
    // 8 beside the pipeline: may import anything, imported by nothing below.
    ("check", 8),
    ("audit", 8),
    ("links", 8),
    ("emit", 8),
    ("serve", 8),
    ("cmd", 8),
    ("schema", 8),
    ("scaffold", 8),
    ("single", 8),
    ("single_site", 8),
    ("oracle", 8),
];

/// Imports that break [`LAYERS`] today: (file, imported top-level module), each with the
/// issue-11 work that removes it. Only shrinks.
const KNOWN_VIOLATIONS: &[(&str, &str)] = &[];

/// Modules ARCHITECTURE.md does not name yet, each with the work that names them. Only
/// shrinks.
const UNNAMED_MODULES: &[&str] = &[];

/// Every `.rs` file under `src/`, as `src/...` with `/`, and its text.
fn sources() -> BTreeMap<String, String> {
    support::read_tree(&repo().join("src"))
        .into_iter()
        .filter(|(path, _)| path.ends_with(".rs"))
        .map(|(path, bytes)| {
            let text = String::from_utf8(bytes).unwrap_or_else(|_| panic!("{path}: not UTF-8"));
            (format!("src/{path}"), text)
        })
        .collect()
}

/// The failures of one test, each section a title, its findings one per line, and the fix;
/// all are printed together, so one run shows everything to do.
#[derive(Default)]
struct Report(Vec<String>);

impl Report {
    fn section(&mut self, title: &str, problems: &[String], fix: &str) {
        if !problems.is_empty() {
            self.0.push(format!(
                "{title} ({}):\n  {}\n{fix}",
                problems.len(),
                problems.join("\n  ")
            ));
        }
    }

    fn finish(self) {
        assert!(self.0.is_empty(), "\n{}\n", self.0.join("\n\n"));
    }
}

/// Compares what is found with a list of known exceptions: new findings and stale entries.
fn against_known<T: Ord + Clone + std::fmt::Debug>(
    found: &BTreeSet<T>,
    known: &[T],
) -> (Vec<T>, Vec<T>) {
    let known: BTreeSet<T> = known.iter().cloned().collect();
    let new = found.difference(&known).cloned().collect();
    let stale = known.difference(found).cloned().collect();
    (new, stale)
}

/// Every Rust file of the repository a reader opens: the library and binary, the tests and
/// their support, the examples and the fuzz targets.
fn every_rust_file() -> BTreeMap<String, String> {
    let mut all = sources();
    for dir in ["tests", "examples", "fuzz/fuzz_targets"] {
        let walk = walkdir::WalkDir::new(repo().join(dir))
            .sort_by_file_name()
            .into_iter()
            // Test data (corpora, fixtures, node_modules) is not code: only `tests/*.rs` and
            // `tests/support/`.
            .filter_entry(|e| {
                dir != "tests"
                    || e.depth() == 0
                    || e.file_name() == "support"
                    || e.file_type().is_file()
            });
        for e in walk.map(Result::unwrap) {
            if e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "rs") {
                let rel = e.path().strip_prefix(repo()).unwrap();
                let text = fs::read_to_string(e.path()).unwrap();
                all.insert(rel.to_string_lossy().replace('\\', "/"), text);
            }
        }
    }
    all
}

#[test]
fn every_rust_file_starts_with_a_module_doc() {
    let mut r = Report::default();
    let missing: Vec<String> = every_rust_file()
        .into_iter()
        .filter(|(_, text)| !text.trim_start().starts_with("//!"))
        .map(|(path, _)| path)
        .collect();
    r.section(
        "Rust files without a `//!` module doc on their first line",
        &missing,
        "Say in one `//!` line what the module is for (and why, where it is not obvious).",
    );
    r.finish();
}

#[test]
fn no_source_file_is_longer_than_the_cap() {
    let mut r = Report::default();
    let long: BTreeSet<String> = sources()
        .into_iter()
        .filter(|(_, text)| text.lines().count() > MAX_LINES)
        .map(|(path, _)| path)
        .collect();
    let listed: Vec<String> = LONG_FILES.iter().map(|(p, _)| p.to_string()).collect();
    let (new, stale) = against_known(&long, &listed);
    let lines = |p: &String| {
        let text = fs::read_to_string(repo().join(p)).unwrap_or_default();
        format!("{p} ({} lines)", text.lines().count())
    };
    r.section(
        &format!("files over {MAX_LINES} lines"),
        &new.iter().map(lines).collect::<Vec<_>>(),
        "Split the file along its seams (one job per module).",
    );
    r.section(
        "LONG_FILES entries that are no longer over the cap",
        &stale.iter().map(lines).collect::<Vec<_>>(),
        "Delete them from LONG_FILES in tests/tidy.rs.",
    );
    r.finish();
}

/// What only `tests/support/` may do, with the helper that does it: each test file used to
/// carry its own copy of these.
const SUPPORT_ONLY: &[(&str, &str)] = &[
    ("env!(\"CARGO_MANIFEST_DIR\")", "support::repo()"),
    (
        "env!(\"CARGO_BIN_EXE_",
        "support::trustatlas() or support::run()",
    ),
    ("var_os(\"BLESS\")", "support::bless()"),
    ("var(\"BLESS\")", "support::bless()"),
    ("fn copy_tree(", "support::copy_tree()"),
    ("fn copy_dir(", "support::copy_tree()"),
    ("fn read_tree(", "support::read_tree()"),
];

#[test]
fn tests_share_the_one_support_module() {
    let mut r = Report::default();
    let mut copies = Vec::new();
    let mut files: Vec<_> = fs::read_dir(repo().join("tests"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.sort();
    for file in files {
        // Top-level test files only: `support/` is where these belong, and this file names them.
        let path = file.file_name().unwrap().to_string_lossy().into_owned();
        if path == "tidy.rs" {
            continue;
        }
        let text = fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            for (needle, helper) in SUPPORT_ONLY {
                if line.contains(needle) {
                    copies.push(format!("tests/{path}:{}: `{needle}`: use {helper}", n + 1));
                }
            }
        }
    }
    r.section(
        "test files doing what tests/support/ does",
        &copies,
        "Call the helper of tests/support/ (add `mod support;`), or extend it there.",
    );
    r.finish();
}

/// How ARCHITECTURE.md may name `src/dir/file.rs`: its path (`src/dir/file.rs`, `dir/file.rs`),
/// its Rust path (`dir::file`), or, in the code-map paragraph of `src/dir/`, its file name
/// (`file.rs`) or a path starting with it (`file::Item`). A folder's `mod.rs` is named by the
/// folder, a top-level module by `src/name.rs`.
fn is_named(doc: &str, paragraphs: &[&str], path: &str) -> bool {
    let rel = path.strip_prefix("src/").unwrap();
    let parts: Vec<&str> = rel.split('/').collect();
    if doc.contains(&format!("`src/{rel}`")) || doc.contains(&format!("src/{rel}")) {
        return true;
    }
    let Some((file, dirs)) = parts.split_last() else {
        return false;
    };
    if dirs.is_empty() {
        return false;
    }
    let folder = format!("src/{}/", dirs.join("/"));
    if *file == "mod.rs" {
        return doc.contains(&folder);
    }
    let stem = file.trim_end_matches(".rs");
    let rust_path = format!("{}::{stem}", dirs.join("::"));
    if doc.contains(rel) || doc.contains(&rust_path) {
        return true;
    }
    paragraphs.iter().any(|p| {
        p.contains(&folder)
            && (p.contains(&format!("`{file}`")) || p.contains(&format!("`{stem}::")))
    })
}

/// Unit-test files of a module (`tests.rs`, `*_tests.rs`, `#[cfg(test)] mod` beside it) belong
/// to the module that declares them; ARCHITECTURE.md names that module, not its tests.
fn is_unit_test_file(path: &str) -> bool {
    path.ends_with("/tests.rs") || path.ends_with("_tests.rs")
}

#[test]
fn every_module_is_named_in_architecture_md() {
    let mut r = Report::default();
    let doc = fs::read_to_string(repo().join("ARCHITECTURE.md")).unwrap();
    let paragraphs: Vec<&str> = doc.split("\n- ").collect();
    let unnamed: BTreeSet<String> = sources()
        .into_keys()
        .filter(|p| p != "src/lib.rs" && p != "src/main.rs" && !is_unit_test_file(p))
        .filter(|p| !is_named(&doc, &paragraphs, p))
        .collect();
    let listed: Vec<String> = UNNAMED_MODULES.iter().map(|p| p.to_string()).collect();
    let (new, stale) = against_known(&unnamed, &listed);
    r.section(
        "modules ARCHITECTURE.md does not name",
        &new,
        "Name each in the code-map paragraph of its folder (`file.rs`: what it does).",
    );
    r.section(
        "UNNAMED_MODULES entries that ARCHITECTURE.md now names (or that are gone)",
        &stale,
        "Delete them from UNNAMED_MODULES in tests/tidy.rs.",
    );
    r.finish();
}

/// The top-level module a source file belongs to: `src/model/raw.rs` → `model`.
fn top_module(path: &str) -> &str {
    let rel = path.strip_prefix("src/").unwrap();
    let first = rel.split('/').next().unwrap();
    first.strip_suffix(".rs").unwrap_or(first)
}

/// The code of a file, line by line, with comments (`//` to the end of the line) blanked: doc
/// links name modules without importing them. String literals are kept, because attribute
/// paths such as `schema_with = "crate::x::f"` are real dependencies.
fn code_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|line| {
            let mut in_str = false;
            let mut prev = ' ';
            for (i, c) in line.char_indices() {
                let b = line.as_bytes();
                let char_literal = i > 0 && b[i - 1] == b'\'' && b.get(i + 1) == Some(&b'\'');
                match c {
                    '"' if prev != '\\' && !char_literal => in_str = !in_str,
                    '/' if !in_str && prev == '/' => return line[..i - 1].to_string(),
                    _ => {}
                }
                prev = if prev == '\\' && c == '\\' { ' ' } else { c };
            }
            line.to_string()
        })
        .collect()
}

/// Every top-level module a file refers to through `crate::`, with the line: `use crate::x::..`,
/// `use crate::{x, y::z}` (over several lines too) and inline `crate::x::f()` paths alike.
fn crate_references(text: &str) -> Vec<(usize, String)> {
    let lines = code_lines(text);
    // One string with a line number per byte, so a `{...}` group may span lines.
    let mut code = String::new();
    let mut line_of = Vec::new();
    for (n, l) in lines.iter().enumerate() {
        code.push_str(l);
        code.push('\n');
        line_of.resize(code.len(), n + 1);
    }
    let bytes = code.as_bytes();
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = code[from..].find("crate::").map(|i| i + from) {
        from = i + "crate::".len();
        if i > 0 && (ident(bytes[i - 1]) || bytes[i - 1] == b'$') {
            continue; // `$crate::`, `other_crate::`
        }
        let rest = &code[from..];
        if let Some(group) = rest.strip_prefix('{') {
            // The first segment of each item at depth one: `{a, b::{c, d}, e::f}` → a, b, e.
            let (mut depth, mut start) = (1, true);
            for (j, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    ',' if depth == 1 => start = true,
                    c if start && (c.is_alphanumeric() || c == '_') => {
                        start = false;
                        let name: String = group[j..]
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect();
                        if name != "self" {
                            out.push((line_of[from + 1 + j], name));
                        }
                    }
                    _ => {}
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.push((line_of[i], name));
            }
        }
    }
    out
}

#[test]
fn the_crate_reader_finds_every_form_of_import() {
    let text = concat!(
        "//! doc naming crate::publish\n",
        "use crate::model::Registry;\n",
        "use crate::{date::Day, render::{self, OutputFile},\n",
        "    source};\n",
        "fn f() { crate::derive::run(); $crate::x; my_crate::y; } // crate::cmd\n",
        "#[schemars(schema_with = \"crate::schema::f\")]\n",
        "let u = \"https://e.org\"; let c = '\"'; crate::urls::f(); // crate::cmd\n",
    );
    let found = crate_references(text);
    assert_eq!(
        found,
        [
            (2, "model".to_string()),
            (3, "date".to_string()),
            (3, "render".to_string()),
            (4, "source".to_string()),
            (5, "derive".to_string()),
            (6, "schema".to_string()),
            (7, "urls".to_string()),
        ]
    );
}

#[test]
fn layers_import_downwards_only() {
    let mut r = Report::default();
    let layer: BTreeMap<&str, u8> = LAYERS.iter().copied().collect();
    let mut problems = Vec::new();
    // (file, imported module) → the lines, for the report.
    let mut violations: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for (path, text) in sources() {
        if path == "src/lib.rs" || path == "src/main.rs" {
            continue; // the crate roots: `lib.rs` declares the modules, `main.rs` is its client
        }
        let own = top_module(&path);
        let Some(&own_layer) = layer.get(own) else {
            problems.push(format!("{path}: module `{own}` has no layer in LAYERS"));
            continue;
        };
        for (line, module) in crate_references(&text) {
            if module == own {
                continue;
            }
            match layer.get(module.as_str()) {
                None => problems.push(format!(
                    "{path}:{line}: `crate::{module}` is not a module with a layer in LAYERS"
                )),
                Some(&l) if l > own_layer => violations
                    .entry((path.clone(), module))
                    .or_default()
                    .push(line),
                _ => {}
            }
        }
    }
    r.section(
        "modules without a layer",
        &problems,
        "Give each module its layer in LAYERS (tests/tidy.rs) and ARCHITECTURE.md.",
    );
    let found: BTreeSet<(String, String)> = violations.keys().cloned().collect();
    let known: Vec<(String, String)> = KNOWN_VIOLATIONS
        .iter()
        .map(|(f, m)| (f.to_string(), m.to_string()))
        .collect();
    let (new, stale) = against_known(&found, &known);
    let describe = |(file, module): &(String, String)| {
        let own = top_module(file);
        let lines: Vec<String> = violations
            .get(&(file.clone(), module.clone()))
            .map(|ls| ls.iter().map(usize::to_string).collect())
            .unwrap_or_default();
        format!(
            "{file}:{} imports `{module}` (layer {}) from `{own}` (layer {})",
            lines.join(","),
            layer[module.as_str()],
            layer[own]
        )
    };
    r.section(
        "imports that go up a layer",
        &new.iter().map(describe).collect::<Vec<_>>(),
        "Move the shared item down to the lowest layer that needs it (see ARCHITECTURE.md).",
    );
    r.section(
        "KNOWN_VIOLATIONS entries that no longer occur",
        &stale
            .iter()
            .map(|(f, m)| format!("({f:?}, {m:?})"))
            .collect::<Vec<_>>(),
        "Delete them from KNOWN_VIOLATIONS in tests/tidy.rs: the list only shrinks.",
    );
    r.finish();
}

//! `trustatlas new`: every kind writes a complete file that passes `check` as it is,
//! validates against its JSON Schema, mentions every field of the schema, and is never
//! written over an existing file.

mod support;

use std::fs;

use serde_json::Value;
use support::{check_site, run, stderr, stdout};
use trustatlas::schema::kind_for_path;

/// (arguments, the file it must write).
const CASES: &[(&[&str], &str)] = &[
    (&["new", "vendor", "beta-ai"], "content/vendors/beta-ai.md"),
    (
        &["new", "vendor", "beta-ai", "--toml"],
        "content/vendors/beta-ai.toml",
    ),
    (
        &["new", "certification", "soc-2"],
        "content/certifications/soc-2.md",
    ),
    (
        &["new", "certification", "soc-2", "--toml"],
        "content/certifications/soc-2.toml",
    ),
    (
        &[
            "new",
            "report",
            "ACME-2027-01",
            "--vendor",
            "acme-cloud",
            "--certification",
            "eu-cloud-coc",
        ],
        "content/reports/acme-2027-01.md",
    ),
    (
        &[
            "new",
            "report",
            "ACME-2027-02",
            "--vendor",
            "acme-cloud",
            "--certification",
            "iso-27001",
            "--toml",
        ],
        "content/reports/acme-2027-02.toml",
    ),
];

/// Every property name a schema defines, at the top and in its definitions (tables the
/// file may contain), except the fact keys, which `new` lists per section.
fn property_names(schema: &Value) -> Vec<String> {
    let mut names = Vec::new();
    let mut tables = vec![schema];
    if let Some(defs) = schema["definitions"].as_object() {
        tables.extend(
            defs.iter()
                .filter(|(k, _)| k.starts_with("Raw"))
                .map(|(_, v)| v),
        );
    }
    for t in tables {
        if let Some(props) = t["properties"].as_object() {
            for (k, v) in props {
                names.push(k.clone());
                if let Some(inner) = v["properties"].as_object() {
                    names.extend(inner.keys().cloned());
                }
            }
        }
    }
    names
}

#[test]
fn every_new_file_passes_check_as_it_is() {
    for (args, file) in CASES {
        let site = check_site();
        let o = run(args, site.path());
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        assert!(
            stdout(&o).trim().ends_with(file),
            "{args:?} printed {}",
            stdout(&o)
        );
        assert!(
            stderr(&o).contains(&format!("created {file}")),
            "{}",
            stderr(&o)
        );
        let text = fs::read_to_string(site.path().join(file)).unwrap();

        let o = run(&["check", "--strict", "--format", "json"], site.path());
        let report: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(
            report["diagnostics"],
            Value::Array(vec![]),
            "{args:?}: check is not clean:\n{}\n{text}",
            stdout(&o)
        );
        assert!(o.status.success());

        // Every field is present, set or commented out.
        let kind = kind_for_path(file).unwrap();
        let schema: Value = serde_json::from_str(&kind.json()).unwrap();
        for name in property_names(&schema) {
            let set = text.lines().any(|l| {
                let l = l.trim_start_matches("# ").trim_start_matches("#");
                l.starts_with(&format!("{name} ="))
                    || l.starts_with(&format!("[{name}"))
                    || l.starts_with(&format!("[[{name}"))
                    || l.contains(&format!(".{name}]"))
                    || l.starts_with("[scores.") && name == "scores"
            });
            assert!(set, "{args:?}: field `{name}` is missing from\n{text}");
        }

        // And the TOML validates against the schema (what an editor with Taplo sees).
        let toml_text = if file.ends_with(".md") {
            trustatlas::source::split_front_matter(&text)
                .unwrap()
                .front
                .to_string()
        } else {
            text.clone()
        };
        let value: toml::Value = toml::from_str(&toml_text).unwrap();
        let instance = serde_json::to_value(&value).unwrap();
        let validator = jsonschema::draft7::new(&schema).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&instance)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{args:?}: {errors:?}");
    }
}

#[test]
fn refuses_to_overwrite() {
    let site = check_site();
    let o = run(&["new", "vendor", "beta-ai"], site.path());
    assert!(o.status.success());
    let path = site.path().join("content/vendors/beta-ai.md");
    fs::write(&path, "edited").unwrap();
    for args in [
        &["new", "vendor", "beta-ai"][..],
        &["new", "vendor", "beta-ai", "--toml"],
        &["new", "vendor", "acme-cloud"],
        &["new", "certification", "iso-27001", "--toml"],
    ] {
        let o = run(args, site.path());
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&o).contains("already exists; not overwriting it"),
            "{}",
            stderr(&o)
        );
    }
    assert_eq!(fs::read_to_string(&path).unwrap(), "edited");
}

#[test]
fn bad_names_and_references_are_usage_errors() {
    let site = check_site();
    let cases: &[(&[&str], &str)] = &[
        (&["new", "vendor", "../escape"], "is not a valid slug"),
        (&["new", "vendor", "Acme"], "is not a valid slug"),
        (
            &[
                "new",
                "report",
                "a/b",
                "--vendor",
                "acme-cloud",
                "--certification",
                "iso-27001",
            ],
            "may only use letters",
        ),
        (
            &[
                "new",
                "report",
                "X-1",
                "--vendor",
                "acme-clod",
                "--certification",
                "iso-27001",
            ],
            "unknown vendor `acme-clod`; did you mean `acme-cloud`?",
        ),
        (
            &[
                "new",
                "report",
                "X-1",
                "--vendor",
                "acme-cloud",
                "--certification",
                "iso27001",
            ],
            "unknown certification `iso27001`; did you mean `iso-27001`?",
        ),
    ];
    for (args, want) in cases {
        let o = run(args, site.path());
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(want), "{args:?}: {}", stderr(&o));
    }
    assert!(!site.path().join("escape.md").exists());
    assert!(!site.path().join("content/escape.md").exists());
}

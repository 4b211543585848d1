//! The published output (its bytes are golden in tests/golden/publish/, see tests/golden.rs):
//! every JSON/XML/CSV/ICS file parsed by a real parser, the JSON validated against the
//! published JSON Schemas, the OSCAL catalogs against OSCAL's own schema, the OSCAL mapping
//! against the rules its metaschema states, and `--base-url` reaching every absolute URL.

mod support;

use std::collections::BTreeMap;
use std::fs;

use serde_json::Value;
use support::build::*;
use support::repo;

/// Every structured file of a site, parsed with a real parser.
fn parse_everything(files: &[OutputFile]) {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for f in files {
        let text =
            || std::str::from_utf8(&f.bytes).unwrap_or_else(|_| panic!("{} is not UTF-8", f.path));
        let kind = f.path.rsplit('.').next().unwrap_or("");
        match kind {
            "json" => {
                serde_json::from_slice::<Value>(&f.bytes)
                    .unwrap_or_else(|e| panic!("{}: {e}", f.path));
            }
            "xml" => parse_xml(&f.path, text()),
            "csv" => parse_csv(&f.path, &f.bytes),
            "ics" => check_ics(&f.path, text()),
            _ => continue,
        }
        *counts.entry(kind).or_default() += 1;
    }
    for kind in ["json", "xml", "csv", "ics"] {
        assert!(
            counts.get(kind).copied().unwrap_or(0) > 0,
            "no .{kind} file was checked: {counts:?}"
        );
    }
}

fn parse_xml(path: &str, text: &str) {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut depth = 0i32;
    let mut root = None;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(e)) => {
                if depth == 0 {
                    root = Some(String::from_utf8_lossy(e.name().as_ref()).into_owned());
                }
                depth += 1;
            }
            Ok(quick_xml::events::Event::End(_)) => depth -= 1,
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!(
                "{path}: not well-formed XML at {}: {e}",
                reader.buffer_position()
            ),
        }
    }
    assert_eq!(depth, 0, "{path}: unbalanced elements");
    let root = root.unwrap_or_default();
    assert!(
        root == "feed" || root == "urlset",
        "{path}: unexpected root <{root}>"
    );
}

fn parse_csv(path: &str, bytes: &[u8]) {
    assert!(
        bytes.windows(2).any(|w| w == b"\r\n"),
        "{path}: RFC 4180 wants CRLF"
    );
    let mut reader = csv::Reader::from_reader(bytes);
    let width = reader
        .headers()
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .len();
    let mut rows = 0;
    for r in reader.records() {
        let r = r.unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(
            r.len(),
            width,
            "{path}: a row with another width than the header"
        );
        rows += 1;
    }
    assert!(rows > 0, "{path} has no rows");
}

/// RFC 5545 framing: CRLF everywhere, lines of at most 75 octets, continuation lines start
/// with a space, components balanced, each event with its required properties.
fn check_ics(path: &str, text: &str) {
    assert!(text.ends_with("\r\n"), "{path}: must end with CRLF");
    assert!(
        !text.replace("\r\n", "").contains('\n'),
        "{path}: a bare LF"
    );
    let mut unfolded: Vec<String> = Vec::new();
    for line in text.split("\r\n").filter(|l| !l.is_empty()) {
        assert!(
            line.len() <= 75,
            "{path}: a line of {} octets: {line}",
            line.len()
        );
        match line.strip_prefix(' ') {
            Some(rest) => unfolded
                .last_mut()
                .expect("a continuation needs a line")
                .push_str(rest),
            None => unfolded.push(line.to_string()),
        }
    }
    assert_eq!(
        unfolded.first().map(String::as_str),
        Some("BEGIN:VCALENDAR"),
        "{path}"
    );
    assert_eq!(
        unfolded.last().map(String::as_str),
        Some("END:VCALENDAR"),
        "{path}"
    );
    let mut stack = Vec::new();
    let mut event: Vec<String> = Vec::new();
    for l in &unfolded {
        let (name, value) = l
            .split_once(':')
            .unwrap_or_else(|| panic!("{path}: `{l}` has no colon"));
        let name = name.split(';').next().unwrap();
        assert!(
            name.chars().all(|c| c.is_ascii_uppercase() || c == '-'),
            "{path}: bad name `{name}`"
        );
        match name {
            "BEGIN" => stack.push(value.to_string()),
            "END" => {
                assert_eq!(
                    stack.pop().as_deref(),
                    Some(value),
                    "{path}: unbalanced {value}"
                );
                if value == "VEVENT" {
                    for required in ["UID", "DTSTAMP", "DTSTART", "SUMMARY"] {
                        assert!(
                            event.iter().any(|p| p == required),
                            "{path}: an event without {required}"
                        );
                    }
                    event.clear();
                }
            }
            _ => event.push(name.to_string()),
        }
    }
    assert!(stack.is_empty(), "{path}: unclosed {stack:?}");
}

#[test]
fn every_structured_file_parses_in_both_sites() {
    parse_everything(&fixture_files());
    parse_everything(&bundled_files());
}

/// Each API document validates against the schema its `$schema` names, as published in the
/// same build; the schemas themselves are valid JSON Schema.
fn validate_api(files: &[OutputFile]) {
    let mut checked = 0;
    for f in files
        .iter()
        .filter(|f| f.path.starts_with("api/") && f.path.ends_with(".json"))
    {
        if f.path.starts_with("api/schema/") || f.path.starts_with("api/oscal/") {
            continue;
        }
        let doc: Value = serde_json::from_slice(&f.bytes).unwrap();
        let url = doc["$schema"]
            .as_str()
            .unwrap_or_else(|| panic!("{} has no $schema", f.path));
        let schema_path = &url[url.find("/api/schema/").expect("schema under /api/schema/") + 1..];
        let schema: Value = serde_json::from_str(file(files, schema_path)).unwrap();
        jsonschema::meta::validate(&schema)
            .unwrap_or_else(|e| panic!("{schema_path} is not a valid schema: {e}"));
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .unwrap_or_else(|e| panic!("{schema_path}: {e}"));
        let problems: Vec<String> = validator
            .iter_errors(&doc)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            problems.is_empty(),
            "{} does not match {schema_path}:\n{}",
            f.path,
            problems.join("\n")
        );
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} documents validated");
}

#[test]
fn api_documents_match_their_published_schemas() {
    validate_api(&fixture_files());
    validate_api(&bundled_files());
}

#[test]
fn a_schema_rejects_what_it_should() {
    let files = fixture_files();
    let schema: Value =
        serde_json::from_str(file(&files, "api/schema/register.schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let good: Value = serde_json::from_str(file(&files, "api/register.json")).unwrap();
    assert!(validator.is_valid(&good));
    for (pointer, bad) in [
        ("/reports/0/status", Value::from("lapsed")),
        ("/reports/0/valid_through", Value::from("2026-12")),
        ("/schema_version", Value::from("2.1")),
        ("/schema_version", Value::from("4.0")),
    ] {
        let mut doc = good.clone();
        *doc.pointer_mut(pointer).unwrap() = bad;
        assert!(!validator.is_valid(&doc), "{pointer} should be rejected");
    }
    let mut extra = good.clone();
    extra["reports"][0]["surprise"] = Value::from(1);
    assert!(!validator.is_valid(&extra), "unknown fields are rejected");
}

#[test]
fn oscal_catalogs_validate_against_the_oscal_schema() {
    let schema: Value = serde_json::from_str(
        &fs::read_to_string(repo().join("tests/oscal/oscal_catalog_schema-1.0.6.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("OSCAL's schema compiles");
    for files in [fixture_files(), bundled_files()] {
        let catalogs: Vec<&OutputFile> = files
            .iter()
            .filter(|f| {
                f.path.starts_with("api/oscal/catalog/") || f.path == "api/oscal/dimensions.json"
            })
            .collect();
        assert!(catalogs.len() >= 2);
        for f in catalogs {
            let doc: Value = serde_json::from_slice(&f.bytes).unwrap();
            let problems: Vec<String> = validator
                .iter_errors(&doc)
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .collect();
            assert!(problems.is_empty(), "{}:\n{}", f.path, problems.join("\n"));
        }
    }
    // The schema is strict enough to notice a broken catalog.
    let files = fixture_files();
    let mut doc: Value =
        serde_json::from_str(file(&files, "api/oscal/catalog/sample-framework.json")).unwrap();
    doc["catalog"]["controls"][0]["id"] = Value::from("has space");
    assert!(!validator.is_valid(&doc));
}

#[test]
fn base_url_reaches_every_absolute_url() {
    let dir = publish_fixture();
    let files = ok_files(build(dir.path(), Some("https://preview.example/"), None));
    for f in &files {
        let text = String::from_utf8_lossy(&f.bytes);
        assert!(
            !text.contains("fixture.example"),
            "{} still names site.toml's base_url",
            f.path
        );
    }
    let page = file(&files, "vendor/example-cloud/index.html");
    for tag in [
        r#"<link rel="canonical" href="https://preview.example/vendor/example-cloud/">"#,
        r#"<meta property="og:url" content="https://preview.example/vendor/example-cloud/">"#,
        r#"<meta property="og:title" content="Example Cloud &amp; Co">"#,
        r#"<meta name="twitter:card" content="summary">"#,
        r#"<meta property="og:description" content="A made-up cloud provider, renamed from Old Example Cloud.">"#,
    ] {
        assert!(page.contains(tag), "missing {tag}");
    }
    assert!(file(&files, "sitemap.xml")
        .contains("<loc>https://preview.example/vendor/example-cloud/</loc>"));
    assert!(file(&files, "feed.xml")
        .contains(r#"<link rel="self" href="https://preview.example/feed.xml"/>"#));
    assert!(file(&files, "robots.txt").contains("Sitemap: https://preview.example/sitemap.xml"));
    assert!(file(&files, "api/oscal/mapping.json")
        .contains("https://preview.example/api/oscal/dimensions.json"));
}

#[test]
fn tombstones_stay_out_of_lists_scores_and_the_sitemap() {
    let files = fixture_files();
    let tomb = file(&files, "vendor/gone-systems/index.html");
    assert!(tomb.contains(
        "Removed from the registry on <time datetime=\"2026-06-30\">30 June 2026</time>"
    ));
    assert!(tomb.contains("The service was shut down"));
    assert!(tomb.contains(r#"<meta name="robots" content="noindex">"#));
    for path in [
        "vendor/index.html",
        "index.html",
        "framework/sample-framework/index.html",
        "sitemap.xml",
        "api/vendors.csv",
    ] {
        assert!(
            !file(&files, path).contains("gone-systems"),
            "{path} lists the removed vendor"
        );
    }
    assert!(!files
        .iter()
        .any(|f| f.path == "vendor/gone-systems/pack/index.html"));
    let vendors: Value = serde_json::from_str(file(&files, "api/vendors.json")).unwrap();
    assert_eq!(vendors["vendors"].as_array().unwrap().len(), 2);
    assert_eq!(vendors["removed_vendors"][0]["slug"], "gone-systems");
    assert!(file(&files, "feed.xml").contains("Gone Systems removed from the registry"));
}

#[test]
fn pages_link_the_downloads() {
    let files = fixture_files();
    let vendors = file(&files, "vendor/index.html");
    assert!(vendors.contains(r#"href="/api/vendors.csv""#));
    let register = file(&files, "register/index.html");
    for link in ["/api/register.csv", "/api/register-expiry.ics", "/feed.xml"] {
        assert!(register.contains(&format!("href=\"{link}\"")), "{link}");
    }
    assert!(
        trustatlas::links::check(&files).is_empty(),
        "{:#?}",
        trustatlas::links::check(&files)
    );
}

/// `vendors.json` is an index: each entry points at a full record that the build publishes,
/// and the full detail (facts, rationales, incidents, sources) stays out of it, so it stays
/// under Pages' 25 MiB per-file limit as the registry grows.
#[test]
fn vendors_json_is_an_index_of_the_full_records() {
    let files = fixture_files();
    let index: Value = serde_json::from_str(file(&files, "api/vendors.json")).unwrap();
    for v in index["vendors"].as_array().unwrap() {
        let slug = v["slug"].as_str().unwrap();
        let json = v["json"].as_str().unwrap();
        let path = &json[json.find("/api/").unwrap() + 1..];
        assert_eq!(path, format!("api/vendors/{slug}.json"));
        let full: Value = serde_json::from_str(file(&files, path)).unwrap();
        assert_eq!(full["vendor"]["composites"], v["composites"], "{slug}");
        for key in ["facts", "incidents", "sources", "description", "status"] {
            assert!(v.get(key).is_none(), "{slug} has {key} in the index");
        }
        if let Some(scores) = v["scores"].as_object() {
            for (dim, score) in scores {
                assert_eq!(
                    full["vendor"]["scores"][dim]["score"], *score,
                    "{slug} {dim}"
                );
            }
        }
    }
    let schema: Value =
        serde_json::from_str(file(&files, "api/schema/vendors.schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert!(validator.is_valid(&index));
    let mut full_entry = index.clone();
    full_entry["vendors"][0]["facts"] = serde_json::json!({});
    assert!(
        !validator.is_valid(&full_entry),
        "full records are not index entries"
    );
}

//! The bundled OWASP LLM Top 10 editions: the official IDs and titles of both editions, the
//! 2025 → 2026 correspondence checked both ways, the NIST AI RMF cross-walk shown on both
//! sides, and every address the 2025 entries had before the 2026 edition still resolving.

mod support;

use std::collections::BTreeMap;

use support::build::*;
use support::repo;
use toml::Value;

fn catalog(slug: &str) -> Value {
    let path = repo().join(format!("content/frameworks/{slug}.toml"));
    toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn entries(v: &Value) -> Vec<&toml::Table> {
    v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_table().unwrap())
        .collect()
}

fn s<'a>(t: &'a toml::Table, k: &str) -> Option<&'a str> {
    t.get(k).and_then(Value::as_str)
}

/// The headings of GenAI-Security-Project/GenAI-LLM-Top10 `2025/LLM*.md` and
/// `2026/final/LLM*.md`, and the rank-migration chart between them
/// (`2026/final/report/images/OWASP LLM Top10 2025-2026 Bump Chart.svg`).
const OFFICIAL_2025: [(&str, &str); 10] = [
    ("LLM01:2025", "Prompt Injection"),
    ("LLM02:2025", "Sensitive Information Disclosure"),
    ("LLM03:2025", "Supply Chain"),
    ("LLM04:2025", "Data and Model Poisoning"),
    ("LLM05:2025", "Improper Output Handling"),
    ("LLM06:2025", "Excessive Agency"),
    ("LLM07:2025", "System Prompt Leakage"),
    ("LLM08:2025", "Vector and Embedding Weaknesses"),
    ("LLM09:2025", "Misinformation"),
    ("LLM10:2025", "Unbounded Consumption"),
];
const OFFICIAL_2026: [(&str, &str, &str); 10] = [
    ("LLM01:2026", "Prompt Injection", "LLM01:2025"),
    (
        "LLM02:2026",
        "Sensitive Information Disclosure",
        "LLM02:2025",
    ),
    ("LLM03:2026", "Excessive Agency", "LLM06:2025"),
    ("LLM04:2026", "Supply Chain", "LLM03:2025"),
    ("LLM05:2026", "Data and Model Poisoning", "LLM04:2025"),
    ("LLM06:2026", "Unbounded Consumption", "LLM10:2025"),
    ("LLM07:2026", "Misinformation", "LLM09:2025"),
    ("LLM08:2026", "Hidden Context Exposure", "LLM07:2025"),
    (
        "LLM09:2026",
        "Vector and Embedding Weaknesses",
        "LLM08:2025",
    ),
    ("LLM10:2026", "Improper Output Handling", "LLM05:2025"),
];

#[test]
fn both_editions_carry_the_official_ids_and_titles_and_correspondence() {
    let old = catalog("owasp-llm-top-10-2025");
    let new = catalog("owasp-llm-top-10");
    assert_eq!(old["version"].as_str(), Some("2025"));
    assert_eq!(new["version"].as_str(), Some("2026"));
    assert_eq!(
        new["supersedes"]["framework"].as_str(),
        Some("owasp-llm-top-10-2025")
    );
    let got: Vec<(&str, &str)> = entries(&old)
        .iter()
        .map(|e| (s(e, "id").unwrap(), s(e, "title").unwrap()))
        .collect();
    assert_eq!(got, OFFICIAL_2025);
    let got: Vec<(&str, &str, &str)> = entries(&new)
        .iter()
        .map(|e| {
            (
                s(e, "id").unwrap(),
                s(e, "title").unwrap(),
                s(e, "previous").unwrap_or("-"),
            )
        })
        .collect();
    assert_eq!(got, OFFICIAL_2026);
}

#[test]
fn the_edition_mapping_holds_both_ways() {
    let old = catalog("owasp-llm-top-10-2025");
    let new = catalog("owasp-llm-top-10");
    let old_ids: Vec<&str> = entries(&old).iter().map(|e| s(e, "id").unwrap()).collect();
    // Every 2026 entry's predecessor exists (or the entry is new and has none).
    let mut successors: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for e in entries(&new) {
        if let Some(p) = s(e, "previous") {
            assert!(old_ids.contains(&p), "{p} is not a 2025 entry");
            successors.entry(p).or_default().push(s(e, "id").unwrap());
        }
    }
    // Every 2025 entry maps to something, or says why not.
    for e in entries(&old) {
        let id = s(e, "id").unwrap();
        assert!(
            successors.contains_key(id) || s(e, "retired").is_some(),
            "{id} maps to nothing in 2026 and gives no reason"
        );
    }
    // The site shows the same thing from both sides.
    let files = bundled_files();
    for (new_id, title, old_id) in OFFICIAL_2026 {
        let new_slug = new_id.to_lowercase().replace(':', "-");
        let old_slug = old_id.to_lowercase().replace(':', "-");
        let new_page = file(
            &files,
            &format!("framework/owasp-llm-top-10/{new_slug}/index.html"),
        );
        assert!(
            new_page.contains(&format!(
                "href=\"/framework/owasp-llm-top-10-2025/{old_slug}/\""
            )),
            "{new_id} does not link its predecessor {old_id}"
        );
        let old_page = file(
            &files,
            &format!("framework/owasp-llm-top-10-2025/{old_slug}/index.html"),
        );
        assert!(
            old_page.contains(&format!("href=\"/framework/owasp-llm-top-10/{new_slug}/\""))
                && old_page.contains(title),
            "{old_id} does not say it became {new_id}"
        );
    }
    let hce = file(
        &files,
        "framework/owasp-llm-top-10-2025/llm07-2025/index.html",
    );
    assert!(hce.contains("Hidden Context Exposure") && hce.contains("renamed"));
}

#[test]
fn the_current_edition_is_the_default_and_the_other_a_click_away() {
    let files = bundled_files();
    let current = file(&files, "framework/owasp-llm-top-10/index.html");
    // Its entries are the 2026 ones; 2025 IDs appear only in the table of changes.
    let (entries, changes) = current.split_once("id=\"changes-title\"").unwrap();
    assert!(entries.contains(">LLM08:2026<") && !entries.contains("LLM08:2025"));
    assert!(changes.contains(">LLM07:2025<"));
    assert!(current.contains("href=\"/framework/owasp-llm-top-10-2025/\""));
    let old = file(&files, "framework/owasp-llm-top-10-2025/index.html");
    assert!(old.contains("superseded") && old.contains("href=\"/framework/owasp-llm-top-10/\""));
    // The index lists the current edition, with the earlier one under it.
    let index = file(&files, "framework/index.html");
    assert_eq!(index.matches("<li class=\"card\">").count(), 2, "{index}");
    assert!(index.contains("Earlier editions"));
    // The home page counts frameworks, not editions.
    let home = file(&files, "index.html");
    assert!(home.contains("<span class=\"stat-n\">2</span> risk frameworks"));
}

#[test]
fn every_old_entry_address_redirects_to_the_entry_it_named() {
    let files = bundled_files();
    let rules = file(&files, "_redirects");
    for (id, title) in OFFICIAL_2025 {
        let n = &id[3..5];
        let to = format!("/framework/owasp-llm-top-10-2025/llm{n}-2025/");
        for from in [
            format!("/framework/owasp-llm-top-10/llm{n}/"),
            format!("/framework/owasp-llm-top-10/llm{n}"),
        ] {
            assert!(
                rules.lines().any(|l| l == format!("{from} {to} 301")),
                "no redirect {from} -> {to}:\n{rules}"
            );
        }
        let page = file(&files, &format!("{}index.html", &to[1..]));
        assert!(page.contains(title), "{to} is not {id} {title}");
    }
}

#[test]
fn the_nist_crosswalk_is_shown_on_both_sides() {
    let files = bundled_files();
    // OWASP side: LLM04:2026 Supply Chain lists its NIST categories, primary ones marked.
    let sc = file(&files, "framework/owasp-llm-top-10/llm04-2026/index.html");
    for (cat, url) in [
        ("GOVERN 6", "/framework/nist-ai-rmf/govern/#govern-6"),
        ("MAP 4", "/framework/nist-ai-rmf/map/#map-4"),
        ("MANAGE 3", "/framework/nist-ai-rmf/manage/#manage-3"),
        ("MEASURE 2", "/framework/nist-ai-rmf/measure/#measure-2"),
        ("MEASURE 3", "/framework/nist-ai-rmf/measure/#measure-3"),
    ] {
        assert!(sc.contains(&format!("href=\"{url}\"")), "{cat}");
    }
    assert_eq!(sc.matches(">primary<").count(), 3);
    assert!(sc.contains("Appendix_A_Related_Framework_Mappings.md"));
    // LLM10:2026 has no NIST AI RMF mapping in the appendix, so none is shown.
    let ioh = file(&files, "framework/owasp-llm-top-10/llm10-2026/index.html");
    assert!(!ioh.contains("nist-ai-rmf"));
    // NIST side: MEASURE 2 lists the seven risks the appendix maps to it.
    let measure = file(&files, "framework/nist-ai-rmf/measure/index.html");
    assert!(measure.contains("id=\"measure-2\""));
    let from = measure
        .split("id=\"measure-2\"")
        .nth(1)
        .unwrap()
        .split("</dd>")
        .next()
        .unwrap();
    for n in ["01", "02", "04", "05", "06", "07", "08"] {
        assert!(
            from.contains(&format!("/framework/owasp-llm-top-10/llm{n}-2026/")),
            "LLM{n}:2026 → MEASURE 2"
        );
    }
    assert!(!from.contains("llm03-2026") && !from.contains("llm09-2026"));
}

#[test]
fn the_open_data_links_the_editions_and_carries_the_crosswalk() {
    let files = bundled_files();
    let json = |p: &str| -> serde_json::Value { serde_json::from_str(file(&files, p)).unwrap() };
    let old = json("api/frameworks/owasp-llm-top-10-2025.json");
    let new = json("api/frameworks/owasp-llm-top-10.json");
    assert_eq!(old["framework"]["superseded_by"], "owasp-llm-top-10");
    assert_eq!(
        new["framework"]["supersedes"]["framework"],
        "owasp-llm-top-10-2025"
    );
    assert!(new["framework"]["superseded_by"].is_null());
    let hce = &new["framework"]["entries"][7];
    assert_eq!(hce["id"], "LLM08:2026");
    assert_eq!(hce["previous"], "LLM07:2025");
    assert_eq!(hce["mapped_to"][0]["framework"], "nist-ai-rmf");
    assert_eq!(hce["mapped_to"][0]["id"], "MEASURE 2");
    assert_eq!(hce["mapped_to"][0]["strength"], "supporting");
    let ioh = &new["framework"]["entries"][9];
    assert_eq!(ioh["mapped_to"], serde_json::json!([]));
}

#[test]
fn vendor_pages_crosswalk_the_current_edition_only() {
    let files = bundled_files();
    for page in [
        "vendor/alibaba-cloud/index.html",
        "vendor/alibaba-cloud/pack/index.html",
    ] {
        let html = file(&files, page);
        assert!(
            html.contains("/framework/owasp-llm-top-10/llm08-2026/"),
            "{page}"
        );
        assert!(!html.contains("owasp-llm-top-10-2025"), "{page}");
    }
}

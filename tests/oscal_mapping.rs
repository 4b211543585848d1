//! The OSCAL `mapping-collection` checked against the rules OSCAL 1.2.2's mapping metaschema
//! states (no JSON Schema is published for it): the metaschema XML files in tests/oscal/ are
//! read here, and every required flag and child, and every closed list of allowed values
//! (relationship, method, matching-rationale, status, item type), is checked on the output.

mod support;

use std::collections::BTreeMap;
use std::fs;

use quick_xml::events::{BytesStart, Event};
use serde_json::Value;
use support::build::*;
use support::repo;

/// What the metaschema says about one assembly's JSON object.
#[derive(Debug, Default)]
struct Assembly {
    /// JSON keys that must be present.
    required: Vec<String>,
    /// JSON key → the assembly its value is (or holds an array of), when defined here.
    children: BTreeMap<String, String>,
    /// JSON key → the only values allowed.
    allowed: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Default)]
struct Metaschema {
    assemblies: BTreeMap<String, Assembly>,
    /// Top-level flag and field definitions → allowed values (closed lists only).
    global_allowed: BTreeMap<String, Vec<String>>,
    /// Flags referenced by assemblies: (assembly, flag) → JSON key.
    flag_refs: Vec<(String, String)>,
}

fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.attributes()
        .filter_map(Result::ok)
        .find(|a| a.key.as_ref() == name.as_bytes())
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
}

/// A child of an assembly's `<model>` being read: its JSON key is its `group-as` name, else
/// its `use-name`, else the name it refers to.
struct Child {
    assembly: String,
    reference: String,
    use_name: Option<String>,
    group_as: Option<String>,
    required: bool,
    is_assembly: bool,
}

impl Child {
    fn record(self, ms: &mut Metaschema) {
        let key = self
            .group_as
            .or(self.use_name)
            .unwrap_or(self.reference.clone());
        let asm = ms.assemblies.get_mut(&self.assembly).unwrap();
        if self.required {
            asm.required.push(key.clone());
        }
        if self.is_assembly {
            asm.children.insert(key, self.reference);
        }
    }
}

fn read_metaschema(ms: &mut Metaschema, text: &str) {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut stack: Vec<String> = Vec::new();
    let mut assembly: Option<String> = None;
    // (definition name, defined inside an assembly)
    let mut definition: Option<(String, bool)> = None;
    let mut child: Option<Child> = None;
    let mut closed_list = false;
    let mut in_use_name = false;
    loop {
        let (e, empty) = match reader.read_event().expect("metaschema is XML") {
            Event::Start(e) => (e.into_owned(), false),
            Event::Empty(e) => (e.into_owned(), true),
            Event::Text(t) if in_use_name => {
                if let Some(c) = child.as_mut() {
                    c.use_name = Some(t.decode().unwrap().trim().to_string());
                }
                continue;
            }
            Event::End(_) => {
                match stack.pop().as_deref() {
                    Some("define-assembly") if !stack.iter().any(|t| t == "define-assembly") => {
                        assembly = None
                    }
                    Some("define-flag" | "define-field") => definition = None,
                    Some("allowed-values") => closed_list = false,
                    Some("use-name") => in_use_name = false,
                    Some("assembly" | "field") => {
                        if let Some(c) = child.take() {
                            c.record(ms);
                        }
                    }
                    _ => {}
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let tag = String::from_utf8_lossy(e.name().as_ref()).into_owned();
        let in_model = stack.iter().any(|t| t == "model");
        let required = attr(&e, "required").as_deref() == Some("yes")
            || attr(&e, "min-occurs").is_some_and(|m| m != "0");
        match tag.as_str() {
            "define-assembly" if assembly.is_none() => {
                let name = attr(&e, "name").unwrap();
                ms.assemblies.entry(name.clone()).or_default();
                assembly = Some(name);
            }
            "define-flag" | "define-field" => {
                let name = attr(&e, "name").unwrap();
                if let (Some(a), true) = (&assembly, required) {
                    ms.assemblies
                        .get_mut(a)
                        .unwrap()
                        .required
                        .push(name.clone());
                }
                definition = Some((name, assembly.is_some()));
            }
            "flag" if !in_model => {
                if let (Some(a), Some(r)) = (&assembly, attr(&e, "ref")) {
                    if required {
                        ms.assemblies.get_mut(a).unwrap().required.push(r.clone());
                    }
                    ms.flag_refs.push((a.clone(), r));
                }
            }
            "assembly" | "field" if in_model => {
                if let (Some(a), Some(r)) = (&assembly, attr(&e, "ref")) {
                    let c = Child {
                        assembly: a.clone(),
                        reference: r,
                        use_name: None,
                        group_as: None,
                        required,
                        is_assembly: tag == "assembly",
                    };
                    if empty {
                        c.record(ms);
                    } else {
                        child = Some(c);
                    }
                }
            }
            "group-as" => {
                if let Some(c) = child.as_mut() {
                    c.group_as = attr(&e, "name");
                }
            }
            "use-name" => in_use_name = true,
            "allowed-values" => closed_list = attr(&e, "allow-other").as_deref() != Some("yes"),
            "enum" if closed_list => {
                if let (Some((def, inside)), Some(v)) = (&definition, attr(&e, "value")) {
                    let list = if *inside {
                        let a = ms.assemblies.get_mut(assembly.as_ref().unwrap()).unwrap();
                        a.allowed.entry(def.clone()).or_default()
                    } else {
                        ms.global_allowed.entry(def.clone()).or_default()
                    };
                    list.push(v);
                }
            }
            _ => {}
        }
        if !empty {
            stack.push(tag);
        }
    }
}

fn load() -> Metaschema {
    let mut ms = Metaschema::default();
    for f in [
        "oscal_mapping_metaschema-1.2.2.xml",
        "oscal_mapping-common_metaschema-1.2.2.xml",
    ] {
        read_metaschema(
            &mut ms,
            &fs::read_to_string(repo().join("tests/oscal").join(f)).unwrap(),
        );
    }
    for (a, flag) in ms.flag_refs.clone() {
        if let Some(values) = ms.global_allowed.get(&flag).cloned() {
            ms.assemblies
                .get_mut(&a)
                .unwrap()
                .allowed
                .insert(flag, values);
        }
    }
    ms
}

/// Every breach of the metaschema's rules in `value`, an instance of `assembly`.
fn check(ms: &Metaschema, assembly: &str, value: &Value, at: &str, problems: &mut Vec<String>) {
    let Some(def) = ms.assemblies.get(assembly) else {
        return;
    };
    let Some(obj) = value.as_object() else {
        problems.push(format!("{at}: a {assembly} must be an object"));
        return;
    };
    for k in &def.required {
        if !obj.contains_key(k) {
            problems.push(format!("{at}: {assembly} lacks required `{k}`"));
        }
    }
    for (k, allowed) in &def.allowed {
        if let Some(v) = obj.get(k) {
            if !v.as_str().is_some_and(|s| allowed.iter().any(|a| a == s)) {
                problems.push(format!("{at}/{k}: {v} is not one of {allowed:?}"));
            }
        }
    }
    for (k, child) in &def.children {
        match obj.get(k) {
            Some(Value::Array(items)) => {
                if items.is_empty() {
                    problems.push(format!("{at}/{k}: empty array"));
                }
                for (i, item) in items.iter().enumerate() {
                    check(ms, child, item, &format!("{at}/{k}/{i}"), problems);
                }
            }
            Some(v) => check(ms, child, v, &format!("{at}/{k}"), problems),
            None => {}
        }
    }
}

fn problems(doc: &Value) -> Vec<String> {
    let ms = load();
    let mut out = Vec::new();
    match doc.get("mapping-collection") {
        Some(root) => check(
            &ms,
            "mapping-collection",
            root,
            "/mapping-collection",
            &mut out,
        ),
        None => out.push("no mapping-collection root".into()),
    }
    out
}

#[test]
fn the_metaschema_is_read_as_oscal_states_it() {
    let ms = load();
    let map = &ms.assemblies["map"];
    assert_eq!(
        map.allowed["relationship"],
        [
            "equivalent-to",
            "equal-to",
            "subset-of",
            "superset-of",
            "intersects-with",
            "no-relationship"
        ]
    );
    for k in ["uuid", "relationship", "sources", "targets"] {
        assert!(
            map.required.iter().any(|r| r == k),
            "map requires {k}: {:?}",
            map.required
        );
    }
    let prov = &ms.assemblies["mapping-provenance"];
    assert_eq!(prov.allowed["method"], ["human", "automation", "hybrid"]);
    assert!(prov.required.iter().any(|r| r == "mapping-description"));
    let root = &ms.assemblies["mapping-collection"];
    for k in ["uuid", "metadata", "provenance", "mappings"] {
        assert!(
            root.required.iter().any(|r| r == k),
            "mapping-collection requires {k}: {:?}",
            root.required
        );
    }
    assert_eq!(
        ms.assemblies["mapping-item"].allowed["type"],
        ["control", "statement"]
    );
}

#[test]
fn the_crosswalk_mapping_follows_the_metaschema() {
    for files in [fixture_files(), bundled_files()] {
        let doc: Value = serde_json::from_str(file(&files, "api/oscal/mapping.json")).unwrap();
        assert_eq!(problems(&doc), Vec::<String>::new());
        let meta = &doc["mapping-collection"]["metadata"];
        for k in ["title", "last-modified", "version", "oscal-version"] {
            assert!(meta.get(k).is_some(), "metadata lacks {k}");
        }
        assert_eq!(meta["oscal-version"], "1.2.2");
        // Every map points at controls that exist in the catalogs it names.
        let ids = |path: &str| -> Vec<String> {
            let cat: Value = serde_json::from_str(file(&files, path)).unwrap();
            let mut out = Vec::new();
            fn walk(v: &Value, out: &mut Vec<String>) {
                for c in v.as_array().into_iter().flatten() {
                    out.push(c["id"].as_str().unwrap().to_string());
                    walk(&c["controls"], out);
                }
            }
            walk(&cat["catalog"]["controls"], &mut out);
            out
        };
        for m in doc["mapping-collection"]["mappings"].as_array().unwrap() {
            let local = |href: &Value| {
                href.as_str()
                    .unwrap()
                    .split_once("/api/")
                    .map(|(_, p)| format!("api/{p}"))
                    .unwrap()
            };
            let sources = ids(&local(&m["source-resource"]["href"]));
            let targets = ids(&local(&m["target-resource"]["href"]));
            for map in m["maps"].as_array().unwrap() {
                for s in map["sources"].as_array().unwrap() {
                    assert!(
                        sources.contains(&s["id-ref"].as_str().unwrap().to_string()),
                        "{s}"
                    );
                }
                for t in map["targets"].as_array().unwrap() {
                    assert!(
                        targets.contains(&t["id-ref"].as_str().unwrap().to_string()),
                        "{t}"
                    );
                }
            }
        }
    }
}

#[test]
fn the_check_notices_breaches() {
    let files = fixture_files();
    let good: Value = serde_json::from_str(file(&files, "api/oscal/mapping.json")).unwrap();
    let cases: &[(&str, Value, &str)] = &[
        (
            "/mapping-collection/mappings/0/maps/0/relationship",
            Value::from("related-to"),
            "is not one of",
        ),
        (
            "/mapping-collection/provenance/status",
            Value::from("finished"),
            "is not one of",
        ),
        (
            "/mapping-collection/mappings/0/maps/0/sources/0/type",
            Value::from("part"),
            "is not one of",
        ),
        (
            "/mapping-collection/mappings/0/maps",
            Value::Array(vec![]),
            "empty array",
        ),
    ];
    for (pointer, bad, expect) in cases {
        let mut doc = good.clone();
        *doc.pointer_mut(pointer).unwrap() = bad.clone();
        let p = problems(&doc);
        assert!(p.iter().any(|x| x.contains(expect)), "{pointer}: {p:?}");
    }
    let mut doc = good.clone();
    doc["mapping-collection"]["mappings"][0]["maps"][0]
        .as_object_mut()
        .unwrap()
        .remove("uuid");
    assert!(problems(&doc)
        .iter()
        .any(|x| x.contains("lacks required `uuid`")));
}

#[test]
fn the_owasp_to_nist_crosswalk_is_a_mapping_between_the_two_catalogs() {
    let files = bundled_files();
    let doc: Value = serde_json::from_str(file(&files, "api/oscal/mapping.json")).unwrap();
    let mappings = doc["mapping-collection"]["mappings"].as_array().unwrap();
    let xw: Vec<&Value> = mappings
        .iter()
        .filter(|m| {
            m["source-resource"]["href"]
                .as_str()
                .unwrap()
                .ends_with("/api/oscal/catalog/owasp-llm-top-10.json")
        })
        .collect();
    assert_eq!(xw.len(), 1, "one cross-walk mapping from the 2026 catalog");
    let m = xw[0];
    assert!(m["target-resource"]["href"]
        .as_str()
        .unwrap()
        .ends_with("/api/oscal/catalog/nist-ai-rmf.json"));
    assert!(m["links"][0]["href"]
        .as_str()
        .unwrap()
        .ends_with("2026/final/Appendix_A_Related_Framework_Mappings.md"));
    let pairs: Vec<(String, String, bool)> = m["maps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["sources"][0]["id-ref"].as_str().unwrap().to_string(),
                x["targets"][0]["id-ref"].as_str().unwrap().to_string(),
                x["remarks"].as_str().unwrap().contains("primary"),
            )
        })
        .collect();
    // The 25 pairs of OWASP's Appendix A; the three primary ones of LLM04:2026 Supply Chain.
    assert_eq!(pairs.len(), 25);
    for t in ["govern-6", "map-4", "manage-3"] {
        assert!(
            pairs.contains(&("llm04-2026".into(), t.into(), true)),
            "{t}"
        );
    }
    assert!(pairs.contains(&("llm07-2026".into(), "measure-2".into(), true)));
    assert_eq!(pairs.iter().filter(|p| p.2).count(), 4);
    assert!(!pairs.iter().any(|p| p.0 == "llm10-2026"));
}

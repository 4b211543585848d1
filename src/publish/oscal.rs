//! The framework catalogs and the dimension cross-walk in NIST OSCAL form.
//!
//! - `/api/oscal/catalog/<framework>.json`: an OSCAL 1.0.6 `catalog` per framework, one
//!   control per entry (NIST AI RMF functions, OWASP risks) with its categories as child
//!   controls. The descriptions are the registry's own summaries; the source is linked.
//! - `/api/oscal/dimensions.json`: the eight TrustAtlas risk dimensions as a `catalog`, so the
//!   mapping has a resolvable source.
//! - `/api/oscal/mapping.json`: an OSCAL 1.2 `mapping-collection`, one `mapping` per framework,
//!   one `map` per (dimension, entry) pair of the cross-walk, relationship `intersects-with`:
//!   a dimension covers part of what an entry asks for, and the entry more than the dimension.
//!   Then one `mapping` per published cross-walk between two framework catalogs (OWASP LLM
//!   Top 10 2026 → NIST AI RMF categories), each `map` remarking primary or supporting and
//!   the mapping linking the publisher's source.
//!
//! UUIDs are name-based (version 5) so a subject keeps its UUID across builds; a document's
//! own UUID also takes in its content, so it changes when the document is revised.

use serde_json::{json, Value};

use crate::derive::Derived;
use crate::model::{Entry, Framework, Registry};
use crate::render::fingerprint;
use crate::urls;

use super::{abs, json_file, stable_uuid, Out};

pub const CATALOG_OSCAL_VERSION: &str = "1.0.6";
pub const MAPPING_OSCAL_VERSION: &str = "1.2.2";

pub fn files(reg: &Registry, der: &Derived, out: &Out) {
    let modified = format!("{}T00:00:00Z", der.build_date.to_date());
    for f in &reg.frameworks {
        let path = urls::path_of(&urls::oscal_catalog(&f.slug));
        out.listing_file(path.clone(), || {
            json_file(&path, &catalog(reg, f, &modified))
        });
    }
    let path = urls::path_of(urls::OSCAL_DIMENSIONS);
    out.listing_file(path.clone(), || {
        json_file(&path, &dimensions(reg, &modified))
    });
    // Only when a catalog cross-walks onto another: made from catalogs alone, so cheap.
    if let Some(m) = mapping(reg, &modified) {
        out.push(json_file(&urls::path_of(urls::OSCAL_MAPPING), &m));
    }
}

/// An OSCAL token (XML NCName) from an ID such as `GOVERN 1` → `govern-1`.
pub fn token(id: &str) -> String {
    let mut t: String = id
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '-'
            }
        })
        .collect();
    if !t.starts_with(|c: char| c.is_alphabetic() || c == '_') {
        t.insert(0, '_');
    }
    t
}

/// The document UUID: its subject plus a hash of its content, so a revision gets a new one.
fn document_uuid(reg: &Registry, subject: &str, content: &Value) -> String {
    let hash = fingerprint(content.to_string().as_bytes());
    stable_uuid(reg, &format!("{subject}/{hash}")).to_string()
}

fn statement(id: &str, prose: &str) -> Value {
    json!({ "id": format!("{id}_smt"), "name": "statement", "prose": prose })
}

fn entry_control(reg: &Registry, f: &Framework, e: &Entry) -> Value {
    let id = token(&e.id);
    let mut c = json!({
        "id": id,
        "class": token(&f.entry_label),
        "title": e.title,
        "props": [{ "name": "label", "value": e.id }],
        "links": [{ "href": abs(reg, &urls::entry(&f.slug, &e.slug)), "rel": "alternate", "text": "TrustAtlas page" }],
        "parts": [statement(&id, &e.description)],
    });
    if !e.categories.is_empty() {
        c["controls"] = e
            .categories
            .iter()
            .map(|s| {
                json!({
                    "id": token(&s.id),
                    "class": "category",
                    "title": s.title,
                    "props": [{ "name": "label", "value": s.id }],
                })
            })
            .collect();
    }
    c
}

fn catalog(reg: &Registry, f: &Framework, modified: &str) -> Value {
    let controls: Value = f.entries.iter().map(|e| entry_control(reg, f, e)).collect();
    let mut links = vec![
        json!({ "href": abs(reg, &urls::framework(&f.slug)), "rel": "alternate", "text": "TrustAtlas cross-walk" }),
    ];
    if let Some(u) = &f.url {
        links.insert(
            0,
            json!({ "href": u, "rel": "reference", "text": "Authoritative source" }),
        );
    }
    json!({ "catalog": {
        "uuid": document_uuid(reg, &format!("oscal/catalog/{}", f.slug), &controls),
        "metadata": {
            "title": f.name,
            "last-modified": modified,
            "version": f.version,
            "oscal-version": CATALOG_OSCAL_VERSION,
            "links": links,
            "remarks": format!("{} Published by {}. The entry descriptions are {}'s own summaries; the publisher's text is authoritative.", f.description, f.publisher, reg.config.title),
        },
        "controls": controls,
    }})
}

fn dimensions(reg: &Registry, modified: &str) -> Value {
    let controls: Value = reg
        .config
        .dimensions
        .iter()
        .map(|d| {
            json!({
                "id": token(&d.key),
                "class": "risk-dimension",
                "title": d.name,
                "parts": [statement(&token(&d.key), &d.description)],
            })
        })
        .collect();
    json!({ "catalog": {
        "uuid": document_uuid(reg, "oscal/dimensions", &controls),
        "metadata": {
            "title": format!("{} risk dimensions", reg.config.title),
            "last-modified": modified,
            "version": super::SCHEMA_VERSION,
            "oscal-version": CATALOG_OSCAL_VERSION,
            "links": [{ "href": abs(reg, urls::METHODOLOGY), "rel": "alternate", "text": "Methodology" }],
        },
        "controls": controls,
    }})
}

/// `None` when no framework entry maps to any dimension (a mapping needs at least one map).
fn mapping(reg: &Registry, modified: &str) -> Option<Value> {
    let dims = &reg.config.dimensions;
    let mut mappings = Vec::new();
    for f in &reg.frameworks {
        let maps: Vec<Value> = f
            .entries
            .iter()
            .flat_map(|e| {
                e.dimensions.iter().map(move |d| {
                    let key = &dims[*d].key;
                    json!({
                        "uuid": stable_uuid(reg, &format!("oscal/map/{}/{}/{key}", f.slug, e.slug)).to_string(),
                        "relationship": "intersects-with",
                        "sources": [{ "type": "control", "id-ref": token(key) }],
                        "targets": [{ "type": "control", "id-ref": token(&e.id) }],
                    })
                })
            })
            .collect();
        if maps.is_empty() {
            continue;
        }
        mappings.push(json!({
            "uuid": stable_uuid(reg, &format!("oscal/mapping/{}", f.slug)).to_string(),
            "source-resource": { "type": "catalog", "href": abs(reg, urls::OSCAL_DIMENSIONS) },
            "target-resource": { "type": "catalog", "href": abs(reg, &urls::oscal_catalog(&f.slug)) },
            "maps": maps,
        }));
    }
    // The publishers' own cross-walks between frameworks (OWASP 2026 → NIST AI RMF).
    for f in &reg.frameworks {
        for c in &f.crosswalks {
            let maps: Vec<Value> = c
                .maps
                .iter()
                .map(|(from, to, primary)| {
                    json!({
                        "uuid": stable_uuid(reg, &format!("oscal/crosswalk/{}/{}/{from}/{to}", f.slug, c.framework)).to_string(),
                        "relationship": "intersects-with",
                        "sources": [{ "type": "control", "id-ref": token(from) }],
                        "targets": [{ "type": "control", "id-ref": token(to) }],
                        "remarks": if *primary { "The publisher marks this a primary mapping." } else { "The publisher marks this a supporting mapping." },
                    })
                })
                .collect();
            if maps.is_empty() {
                continue;
            }
            mappings.push(json!({
                "uuid": stable_uuid(reg, &format!("oscal/crosswalk/{}/{}", f.slug, c.framework)).to_string(),
                "method": "human",
                "matching-rationale": "semantic",
                "source-resource": { "type": "catalog", "href": abs(reg, &urls::oscal_catalog(&f.slug)) },
                "target-resource": { "type": "catalog", "href": abs(reg, &urls::oscal_catalog(&c.framework)) },
                "maps": maps,
                "links": [{ "href": c.source, "rel": "reference", "text": "Published by the framework's publisher" }],
            }));
        }
    }
    if mappings.is_empty() {
        return None;
    }
    let mappings = Value::Array(mappings);
    Some(json!({ "mapping-collection": {
        "uuid": document_uuid(reg, "oscal/mapping-collection", &mappings),
        "metadata": {
            "title": format!("{} risk dimensions mapped to framework entries, and cross-walks between frameworks", reg.config.title),
            "last-modified": modified,
            "version": super::SCHEMA_VERSION,
            "oscal-version": MAPPING_OSCAL_VERSION,
        },
        "provenance": {
            "method": "human",
            "matching-rationale": "semantic",
            "status": "complete",
            "mapping-description": format!("Which {} risk dimensions inform each entry of each framework, as the framework pages' cross-walks show them. Each dimension covers part of what an entry asks for and the entry covers more than the dimension, hence intersects-with. Then the cross-walks framework publishers give between their frameworks (each mapping links its source): an entry exercises part of what the other framework's category covers, hence intersects-with too.", reg.config.title),
        },
        "mappings": mappings,
    }}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_ncnames() {
        assert_eq!(token("GOVERN 1"), "govern-1");
        assert_eq!(token("LLM01"), "llm01");
        assert_eq!(token("data_handling"), "data_handling");
        assert_eq!(token("1.2"), "_1.2");
    }
}

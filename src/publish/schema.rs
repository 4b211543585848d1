//! The JSON Schemas of the open data, published at `/api/schema/<kind>.schema.json`.
//!
//! Written by hand (`schemas/*.json`): one file per document kind with its own properties,
//! and `defs.json` with the shared definitions. Each published schema is self-contained:
//! the envelope every document starts with and all the shared `$defs` are put into it here,
//! so a consumer needs one file and no reference resolution across files. A test validates
//! every JSON document of a built site against its schema.

use serde_json::{json, Value};

use crate::model::Registry;
use crate::urls;

use super::{abs, json_file, Out, SCHEMA_VERSION};

const DEFS: &str = include_str!("schemas/defs.json");

/// Document kinds and their schema bodies; the kind is what `$schema` in a document names.
pub const KINDS: &[(&str, &str)] = &[
    ("vendors", include_str!("schemas/vendors.json")),
    ("vendor", include_str!("schemas/vendor.json")),
    (
        "certifications",
        include_str!("schemas/certifications.json"),
    ),
    ("register", include_str!("schemas/register.json")),
    ("framework", include_str!("schemas/framework.json")),
];

pub fn files(reg: &Registry, out: &Out) {
    for (kind, _) in KINDS {
        let path = urls::path_of(&urls::schema(kind));
        out.listing_file(path.clone(), || json_file(&path, &schema(reg, kind)));
    }
}

/// The complete schema of one document kind.
pub fn schema(reg: &Registry, kind: &str) -> Value {
    let body = KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, b)| *b)
        .expect("known kind");
    let mut s: Value = serde_json::from_str(body).expect("bundled schema is JSON");
    let defs: Value = serde_json::from_str(DEFS).expect("bundled defs are JSON");
    let major = SCHEMA_VERSION.split('.').next().unwrap_or("1");
    let envelope = json!({
        "$schema": { "description": "The URL of this schema.", "type": "string", "pattern": format!("{}$", urls::schema(kind).replace('.', "\\.")) },
        "schema_version": { "description": "The open-data format version: MAJOR.MINOR; MAJOR changes only when a field is removed or changes meaning.", "type": "string", "pattern": format!("^{major}\\.[0-9]+$") },
        "build_date": { "description": "The day the site was built; report status is computed for it.", "$ref": "#/$defs/day" },
        "site": { "$ref": "#/$defs/site" },
    });
    let props = s["properties"]
        .as_object_mut()
        .expect("schema has properties");
    for (k, v) in envelope.as_object().expect("object") {
        props.insert(k.clone(), v.clone());
    }
    let mut required = vec![
        json!("$schema"),
        json!("schema_version"),
        json!("build_date"),
        json!("site"),
    ];
    required.extend(s["required"].as_array().cloned().unwrap_or_default());
    s["required"] = Value::Array(required);
    s["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
    s["$id"] = json!(abs(reg, &urls::schema(kind)));
    s["type"] = json!("object");
    s["additionalProperties"] = json!(false);
    s["$defs"] = defs;
    s
}

//! Schemas of the five fact sections of a vendor, generated from `model::facts::SECTIONS` (the
//! table the loader validates against), so a fact key added there appears here too. Used by
//! `#[schemars(schema_with = ...)]` on the sections of `model::raw::RawVendor` and by
//! `schema` for `RawFact`. It lives in `model` (not `schema`) because `raw` names it: the model
//! may not import the tools beside the pipeline.

use schemars::{json_schema, Schema, SchemaGenerator};
use serde_json::{json, Map, Value};

use super::facts::{self as table, FactKind, FLAG_QUALIFIERS};

/// `value`, `{ value, detail, sources }`, or `{ disputed = [{ value, detail, sources }, ...] }`
/// (two or more values), with each `value` following `value_schema`.
pub fn fact_shape(value_schema: Value) -> Schema {
    let sources = json!({
        "type": "array",
        "description": "Sources that state it, each { url, title, publisher, quote, note, date, verified, verified_by, kind }.",
        "items": { "type": "object" }
    });
    json_schema!({
        "anyOf": [
            value_schema.clone(),
            {
                "type": "object",
                "properties": {
                    "value": value_schema,
                    "detail": { "type": "string", "description": "What qualifies the value, e.g. \"AES-256\" or \"SLA 30 days\"." },
                    "sources": sources
                },
                "required": ["value"],
                "additionalProperties": false
            },
            {
                "type": "object",
                "description": "Sources disagree: each value with the sources that state it.",
                "properties": {
                    "disputed": {
                        "type": "array",
                        "minItems": 2,
                        "items": {
                            "type": "object",
                            "properties": {
                                "value": value_schema,
                                "detail": { "type": "string" },
                                "sources": sources
                            },
                            "required": ["value", "sources"],
                            "additionalProperties": false
                        }
                    }
                },
                "required": ["disputed"],
                "additionalProperties": false
            }
        ]
    })
}

/// What a value of `kind` may be. `no` and `not_disclosed` are different facts.
fn value_schema(kind: FactKind) -> Value {
    match kind {
        FactKind::Flag => {
            let mut allowed = vec!["yes", "no", "not_disclosed", "not_recorded"];
            allowed.extend(FLAG_QUALIFIERS);
            json!({ "type": "string", "enum": allowed })
        }
        FactKind::Token => json!({
            "type": "string",
            "pattern": "\\S",
            "description": "A short token such as opt_out_available or CN, or not_disclosed."
        }),
        FactKind::Url => json!({
            "type": "string",
            "pattern": "^(https?://\\S+|yes|no|not_disclosed|not_recorded)$",
            "description": "An http(s) URL, or not_disclosed."
        }),
    }
}

/// The definition name of a fact of `kind`, added to the generator's definitions once.
fn definition(generator: &mut SchemaGenerator, kind: FactKind) -> Value {
    let name = match kind {
        FactKind::Flag => "FlagFact",
        FactKind::Token => "TokenFact",
        FactKind::Url => "UrlFact",
    };
    if !generator.definitions().contains_key(name) {
        let schema = fact_shape(value_schema(kind));
        generator
            .definitions_mut()
            .insert(name.to_string(), schema.into());
    }
    let path = generator
        .settings()
        .definitions_path
        .trim_end_matches('/')
        .to_string();
    json!({ "$ref": format!("#{path}/{name}") })
}

fn section_schema(generator: &mut SchemaGenerator, key: &str) -> Schema {
    let spec = table::section(key).expect("section keys come from the table");
    let mut props = Map::new();
    for f in spec.fields {
        // `allOf` keeps the label beside the `$ref` (draft-07 ignores siblings of `$ref`).
        let reference = definition(generator, f.kind);
        props.insert(
            f.key.to_string(),
            json!({ "description": f.label, "allOf": [reference] }),
        );
    }
    json_schema!({
        "type": "object",
        "description": format!("{}: leave out a key when nothing is known; write \"not_disclosed\" when the vendor does not say.", spec.title),
        "properties": props,
        "additionalProperties": false
    })
}

/// One function per section, as `schema_with` wants.
macro_rules! sections {
    ($($name:ident),*) => {
        $(
            pub fn $name(generator: &mut SchemaGenerator) -> Schema {
                section_schema(generator, stringify!($name))
            }
        )*

        /// Every section this module has a function for; a test compares it with the table.
        pub const COVERED: &[&str] = &[$(stringify!($name)),*];
    };
}

sections!(
    security_compliance,
    data_handling,
    ip_profile,
    jurisdiction_profiles,
    governance
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_section_of_the_table_has_a_schema() {
        let table: Vec<&str> = table::SECTIONS.iter().map(|s| s.key).collect();
        assert_eq!(table, COVERED);
    }
}

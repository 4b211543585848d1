//! JSON Schemas (draft-07) of the content files, generated from the very types the loader
//! deserializes (`model::raw`, via schemars) so they cannot drift from it. Fact sections are
//! not checked by serde but against `model::facts::SECTIONS`; their schemas are generated from
//! that table (`model::fact_schema`). `tests/schema.rs` keeps the committed copies under `schema/` equal
//! to these and validates the bundled content against them.
//!
//! Editors get completion and validation from them in `.toml` files (Taplo / Even Better
//! TOML, see `.taplo.toml`); TOML front matter inside `.md` files is invisible to such tools,
//! which is why `trustatlas check` exists.

use schemars::generate::SchemaSettings;
use schemars::transform::RecursiveTransform;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde_json::Value;

use crate::date::PartialDate;
use crate::model::{fact_schema, raw};

/// One kind of content file and its schema.
pub struct Kind {
    /// The schema's file name without `.schema.json`: `vendor`.
    pub name: &'static str,
    /// Where such files live (for the title and the editor set-up).
    pub files: &'static str,
    generate: fn() -> Schema,
}

impl Kind {
    /// `vendor.schema.json`
    pub fn file_name(&self) -> String {
        format!("{}.schema.json", self.name)
    }

    pub fn schema(&self) -> Schema {
        let mut s = (self.generate)();
        s.insert(
            "title".into(),
            Value::String(format!("TrustAtlas {} file ({})", self.name, self.files)),
        );
        s
    }

    /// The schema as committed: pretty JSON with a trailing newline.
    pub fn json(&self) -> String {
        let mut text = serde_json::to_string_pretty(&self.schema()).expect("schemas serialize");
        text.push('\n');
        text
    }
}

fn root<T: JsonSchema>() -> Schema {
    SchemaSettings::draft07()
        .with_transform(RecursiveTransform(toml_has_no_null))
        .into_generator()
        .into_root_schema_for::<T>()
}

/// Every content kind, in the order `schema` writes them.
pub const KINDS: &[Kind] = &[
    Kind {
        name: "site",
        files: "site.toml",
        generate: root::<raw::RawConfig>,
    },
    Kind {
        name: "vendor",
        files: "content/vendors/<slug>.toml, or the front matter of <slug>.md",
        generate: root::<raw::RawVendor>,
    },
    Kind {
        name: "certification",
        files: "content/certifications/<slug>.toml, or the front matter of <slug>.md",
        generate: root::<raw::RawCertification>,
    },
    Kind {
        name: "report",
        files: "content/reports/<id>.toml, or the front matter of <id>.md",
        generate: root::<raw::RawReport>,
    },
    Kind {
        name: "framework",
        files: "content/frameworks/<slug>.toml",
        generate: root::<raw::RawFramework>,
    },
    Kind {
        name: "questions",
        files: "content/questions.toml",
        generate: root::<raw::RawQuestions>,
    },
    Kind {
        name: "page",
        files: "content/pages/<slug>.toml, or the front matter of <slug>.md",
        generate: root::<raw::RawPage>,
    },
];

/// The kind of a content file by its path relative to the site root.
pub fn kind_for_path(path: &str) -> Option<&'static Kind> {
    let name = match path {
        "site.toml" => "site",
        "content/questions.toml" => "questions",
        _ => match crate::single::content_kind(path)? {
            "vendors" => "vendor",
            "certifications" => "certification",
            "reports" => "report",
            "frameworks" => "framework",
            "pages" => "page",
            _ => return None,
        },
    };
    KINDS.iter().find(|k| k.name == name)
}

/// TOML has no null: an `Option` field is simply left out, so the `null` schemars adds for
/// JSON is removed (and a one-armed `anyOf` left behind becomes an `allOf`, which keeps a
/// description beside a `$ref` meaningful in draft-07).
fn toml_has_no_null(schema: &mut Schema) {
    let Some(obj) = schema.as_object_mut() else {
        return;
    };
    if let Some(Value::Array(types)) = obj.get_mut("type") {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            let t = types[0].clone();
            obj.insert("type".into(), t);
        }
    }
    if let Some(Value::Array(any)) = obj.get_mut("anyOf") {
        any.retain(|s| s.get("type").and_then(Value::as_str) != Some("null"));
        if any.len() == 1 {
            let only = any.clone();
            obj.remove("anyOf");
            obj.insert("allOf".into(), Value::Array(only));
        }
    }
    if obj.get("default") == Some(&Value::Null) {
        obj.remove("default");
    }
}

/// Dates as the loader reads them: a quoted `"2023"`, `"2023-06"` or `"2023-06-30"`, or a
/// bare TOML date (`2023-06-30`), which validators see as the same string.
impl JsonSchema for PartialDate {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "PartialDate".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A date with the precision the source gives: \"2023\", \"2023-06\" or \"2023-06-30\" (a bare TOML date such as 2023-06-30 also works), in the years 1900 to 2999.",
            "type": "string",
            "pattern": "^(19|2[0-9])[0-9]{2}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"
        })
    }
}

/// The shape of any fact: a string, or `{ value = "...", detail = "..." }`. Each section's
/// keys narrow `value` further (`model::fact_schema`).
impl JsonSchema for raw::RawFact {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RawFact".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        fact_schema::fact_shape(json_schema!({ "type": "string", "minLength": 1 }).into())
    }
}

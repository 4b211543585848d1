//! The editor-facing format of framework catalogs (`content/frameworks/<slug>.toml`), as serde
//! reads it (the rest of the formats are in `raw.rs`): the entries and their categories, the
//! edition a catalog supersedes and the publishers' cross-walks onto other frameworks.

use schemars::JsonSchema;
use serde::Deserialize;

use super::raw::S;
use super::text::{Name, Text};

/// `content/frameworks/<slug>.toml`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFramework {
    pub name: Name,
    pub short_name: Option<Name>,
    pub version: Name,
    pub publisher: Name,
    #[schemars(with = "Option<String>")]
    pub url: Option<S<String>>,
    pub description: Text,
    #[serde(default = "default_entry_label")]
    pub entry_label: Name,
    /// Position in lists and cross-walks (lower first); ties sort by slug.
    #[serde(default)]
    pub order: i64,
    /// The earlier edition this catalog replaces, and the official correspondence's source.
    pub supersedes: Option<RawSupersedes>,
    /// Published mappings from this catalog's entries to another framework's.
    #[serde(default)]
    pub crosswalks: Vec<RawCrosswalk>,
    pub entries: Vec<RawEntry>,
}

/// `[supersedes]`: each entry's `previous` names an entry of `framework`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSupersedes {
    /// The slug of the earlier edition's catalog.
    #[schemars(with = "String")]
    pub framework: S<String>,
    /// Where the publisher states the correspondence.
    #[schemars(with = "String")]
    pub source: S<String>,
}

/// `[[crosswalks]]`: the publisher's mapping onto another framework.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCrosswalk {
    /// The slug of the framework mapped onto.
    #[schemars(with = "String")]
    pub framework: S<String>,
    /// Where the mapping is published.
    #[schemars(with = "String")]
    pub source: S<String>,
    pub maps: Vec<RawMap>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMap {
    /// An entry ID of this catalog.
    #[schemars(with = "String")]
    pub entry: S<String>,
    /// An entry or category ID of the other framework.
    #[schemars(with = "String")]
    pub target: S<String>,
    /// `primary` or `supporting`, as the publisher marks it.
    #[schemars(with = "String", regex(pattern = "^(primary|supporting)$"))]
    pub strength: S<String>,
}

fn default_entry_label() -> Name {
    Name("Entry".into())
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawEntry {
    #[schemars(with = "String")]
    pub id: S<String>,
    pub title: Text,
    pub description: Text,
    #[schemars(with = "Vec<String>")]
    pub dimensions: Vec<S<String>>,
    #[serde(default)]
    pub categories: Vec<RawSubEntry>,
    /// The ID of this entry in the edition named by `[supersedes]`.
    #[schemars(with = "Option<String>")]
    pub previous: Option<S<String>>,
    /// Why no entry of the next edition carries this one on.
    pub retired: Option<Text>,
    /// Old addresses of this entry's page, redirected to it.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub aliases: Vec<S<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSubEntry {
    pub id: Name,
    pub title: Text,
}

//! Publishing: everything a Cloudflare Pages deploy and a data consumer need besides the pages.
//!
//! Runs after `render`, on the files in memory: adds the open data (JSON API and its JSON
//! Schemas, CSV downloads, the Atom feed, the iCalendar file of expiry dates, OSCAL catalogs
//! and the cross-walk mapping), `robots.txt`, the generated `_headers` and `_redirects`, and
//! then checks the whole output against Cloudflare Pages' limits. Pure, like `render`: the
//! same registry and build date give the same bytes.

mod api;
mod api_reference;
mod csv;
mod feeds;
mod ics;
mod limits;
mod oscal;
mod rules;
mod schema;

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::derive::Derived;
use crate::diagnostic::Diagnostic;
use crate::model::Registry;
use crate::render::OutputFile;
use crate::source::SiteSources;

pub use limits::{
    DEFAULT_MAX_FILES, MAX_DYNAMIC_REDIRECTS, MAX_FILES_CEILING, MAX_FILE_BYTES, MAX_HEADER_LINE,
    MAX_HEADER_RULES, MAX_REDIRECT_LINE, MAX_STATIC_REDIRECTS,
};
pub use rules::CONTENT_SECURITY_POLICY;

/// The version of the open-data format (JSON files and schemas, CSV columns). The major part
/// changes when a field is removed or changes meaning; the minor part when one is added.
pub const SCHEMA_VERSION: &str = "1.0";

type Out = Vec<OutputFile>;

/// Adds the published files to `files` and checks the result against Pages' limits.
/// `max_files` overrides `[deploy] max_files` from site.toml (the `--max-files` flag).
pub fn publish(
    reg: &Registry,
    der: &Derived,
    sources: &SiteSources,
    max_files: Option<u32>,
    files: &mut Vec<OutputFile>,
) -> Result<(), Vec<Diagnostic>> {
    let mut generated = Vec::new();
    api::files(reg, der, &mut generated);
    schema::files(reg, &mut generated);
    csv::files(reg, der, &mut generated);
    feeds::files(reg, der, &mut generated);
    oscal::files(reg, der, &mut generated);
    // A publisher's own static/robots.txt wins; otherwise point crawlers at the sitemap.
    if !files.iter().any(|f| f.path == "robots.txt") {
        generated.push(text_file(
            "robots.txt",
            format!(
                "User-agent: *\nAllow: /\n\nSitemap: {}/sitemap.xml\n",
                reg.config.base_url
            ),
        ));
    }
    // Generated files win over static files at the same path, as rendered pages do.
    let mut by_path: BTreeMap<String, OutputFile> =
        files.drain(..).map(|f| (f.path.clone(), f)).collect();
    for f in generated {
        by_path.insert(f.path.clone(), f);
    }
    let mut diags = Vec::new();
    let headers = rules::headers(&by_path, sources, &mut diags);
    let redirects = rules::redirects(reg, &by_path, sources, &mut diags);
    limits::check_files(
        &by_path,
        sources,
        max_files.unwrap_or(reg.config.max_files),
        &mut diags,
    );
    limits::check_headers(&headers, &mut diags);
    limits::check_redirects(&redirects, &mut diags);
    by_path.insert("_headers".into(), text_file("_headers", headers.text()));
    by_path.insert(
        "_redirects".into(),
        text_file("_redirects", redirects.text()),
    );
    files.extend(by_path.into_values());
    if diags.is_empty() {
        Ok(())
    } else {
        Err(diags)
    }
}

/// A name-based (version 5) UUID for `subject` on this site: the same in every build.
fn stable_uuid(reg: &Registry, subject: &str) -> uuid::Uuid {
    let name = format!("{}/#{subject}", reg.config.base_url);
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, name.as_bytes())
}

/// `https://example.org` + `/vendor/acme/`.
fn abs(reg: &Registry, path: &str) -> String {
    format!("{}{}", reg.config.base_url, path)
}

fn text_file(path: &str, text: String) -> OutputFile {
    OutputFile {
        path: path.to_string(),
        bytes: text.into_bytes(),
    }
}

/// Pretty JSON with every object's keys in sorted order, whatever serde_json's map type is
/// (a dependency enabling `preserve_order` must not change our bytes).
fn json_file(path: &str, value: &impl Serialize) -> OutputFile {
    let value = serde_json::to_value(value).expect("view structs serialize");
    let mut text = serde_json::to_string_pretty(&sorted(value)).expect("values serialize");
    text.push('\n');
    text_file(path, text)
}

/// The same, on one line: for files that grow with the registry (`vendors.json` holds every
/// vendor in full), where indentation would double the size against Pages' 25 MiB limit.
fn compact_json_file(path: &str, value: &impl Serialize) -> OutputFile {
    let value = serde_json::to_value(value).expect("view structs serialize");
    let mut text = serde_json::to_string(&sorted(value)).expect("values serialize");
    text.push('\n');
    text_file(path, text)
}

fn sorted(v: Value) -> Value {
    match v {
        Value::Object(map) => {
            let entries: BTreeMap<String, Value> =
                map.into_iter().map(|(k, v)| (k, sorted(v))).collect();
            Value::Object(entries.into_iter().collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_keys_are_sorted_at_every_level() {
        let v = serde_json::json!({"b": 1, "a": {"z": [{"y": 1, "x": 2}], "c": null}});
        let f = json_file("x.json", &v);
        let text = String::from_utf8(f.bytes).unwrap();
        let order: Vec<usize> = ["\"a\"", "\"c\"", "\"z\"", "\"x\"", "\"y\"", "\"b\""]
            .iter()
            .map(|k| text.find(k).unwrap())
            .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
    }
}

//! Publishing: everything a Cloudflare Pages deploy and a data consumer need besides the pages.
//!
//! Runs after `render`, on the files in memory: adds the open data (JSON API and its JSON
//! Schemas, CSV downloads, the Atom feed, the iCalendar file of expiry dates, OSCAL catalogs
//! and the cross-walk mapping), `robots.txt`, the site's `static/` files (`statics.rs`
//! decides clashes), the generated `_headers` and `_redirects`, and then checks the whole
//! output against Cloudflare Pages' limits and rules, read through `crate::pages` (the same
//! code `serve` answers with). Pure, like `render`: the
//! same registry and build date give the same bytes.

mod api;
mod api_reference;
mod api_vendor;
mod csv;
mod feeds;
mod ics;
mod limits;
mod oscal;
mod rules;
mod schema;
mod statics;

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::derive::Derived;
use crate::diagnostic::Diagnostic;
use crate::model::Registry;
use crate::render::OutputFile;
use crate::source::SiteSources;

pub use csv::starts_formula;
pub use rules::CONTENT_SECURITY_POLICY;

/// The version of the open-data format (JSON files and schemas, CSV columns). The major part
/// changes when a field is removed or changes meaning; the minor part when one is added.
/// 2.0: `vendors.json` became an index pointing at the full per-vendor records (it had every
/// vendor in full, past Pages' 25 MiB per-file limit at about 3,000 vendors).
/// 3.0: holdings, reports and incidents carry `sources[]` (objects) instead of `source` and
/// `source_url`, with `status`, `basis` and `confidence`; framework files say which edition a
/// catalog supersedes or is superseded by, each entry's predecessor, and the publisher's
/// cross-walk onto other frameworks (`mapped_to`).
pub const SCHEMA_VERSION: &str = "3.0";

/// Where publishing puts its files: the outlet `render` used (see `files::Outlet`).
pub type Out<'a> = crate::files::Outlet<'a>;

/// Adds the open data, `robots.txt`, the site's static files, `_headers` and `_redirects`
/// to `out`, which holds the rendered site, and checks the whole against Pages' limits. The
/// checks need the paths and sizes of the files (`out.take_sizes()`), never their bytes, so a
/// build that streams its files to disk and one that keeps them give the same answer.
pub fn publish_into(
    reg: &Registry,
    der: &Derived,
    sources: &SiteSources,
    max_files: Option<u32>,
    out: &Out,
) -> Result<(), Vec<Diagnostic>> {
    api::files(reg, der, out);
    schema::files(reg, out);
    csv::files(reg, der, out);
    feeds::files(reg, der, out);
    oscal::files(reg, der, out);
    // A publisher's own static/robots.txt wins; otherwise point crawlers at the sitemap.
    if !sources
        .static_files
        .contains_key(&crate::urls::path_of(crate::urls::ROBOTS))
    {
        out.push(text_file(
            &crate::urls::path_of(crate::urls::ROBOTS),
            format!(
                "User-agent: *\nAllow: /\n\nSitemap: {}\n",
                abs(reg, crate::urls::SITEMAP)
            ),
        ));
    }
    let mut sizes = out.take_sizes();
    let (statics, mut diags) = statics::merge(sources, &sizes);
    for f in statics {
        sizes.insert(f.path.clone(), f.bytes.len());
        out.push(f);
    }
    let headers = rules::headers(&sizes, sources, &mut diags);
    let redirects = rules::redirects(reg, &sizes, sources, &mut diags);
    limits::check_files(
        &sizes,
        sources,
        max_files.unwrap_or(reg.config.max_files),
        &mut diags,
    );
    out.push(text_file("_headers", headers.text()));
    out.push(text_file("_redirects", redirects.text()));
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

/// `https://example.org` + `/vendor/acme/` (a URL from `crate::urls`).
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
    let mut text = serde_json::to_string_pretty(&sorted_value(value)).expect("values serialize");
    text.push('\n');
    text_file(path, text)
}

/// The same, on one line: for files that grow with the registry (`vendors.json` lists every
/// vendor), where indentation would double the size against Pages' 25 MiB limit.
fn compact_json_file(path: &str, value: &impl Serialize) -> OutputFile {
    let mut text = serde_json::to_string(&sorted_value(value)).expect("values serialize");
    text.push('\n');
    text_file(path, text)
}

/// `value` as a JSON tree with every object's keys in sorted order.
fn sorted_value(value: &impl Serialize) -> Value {
    let value = serde_json::to_value(value).expect("view structs serialize");
    if maps_are_sorted() {
        value
    } else {
        sorted(value)
    }
}

/// Whether serde_json's maps already keep keys sorted (its default `BTreeMap`; not so when a
/// dependency turns on `preserve_order`). When they do, re-sorting every tree is a copy of it
/// for nothing: at 10,000 vendors that copy was a large part of publishing's time and memory.
fn maps_are_sorted() -> bool {
    static SORTED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *SORTED.get_or_init(|| {
        let mut m = serde_json::Map::new();
        m.insert("b".into(), Value::Null);
        m.insert("a".into(), Value::Null);
        m.keys().next().map(String::as_str) == Some("a")
    })
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

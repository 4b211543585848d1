//! `trustatlas new`: the text of a new vendor, certification or report file with every field
//! present and explained. Required fields get a value that passes `check` (the editor then
//! replaces it); optional fields are present but commented out, since their values cannot be
//! known. Field explanations come from the JSON Schema descriptions, i.e. from the doc comments
//! of `model::raw`, so this file and the loader cannot disagree about what a field means
//! (and `tests/new.rs` checks that every field of the schema appears).
//!
//! Pure functions of the registry and the build date; `main` writes the file.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::date::Day;
use crate::model::facts::{FactKind, FLAG_QUALIFIERS, SECTIONS};
use crate::model::is_slug;
use crate::model::{Registry, CERT_KINDS};
use crate::schema;
use crate::source::SiteSources;
use crate::suggest;

mod vendor;
pub use vendor::vendor;

/// What `new` was asked to write.
#[derive(Debug, Clone, Copy)]
pub enum What<'a> {
    Vendor(&'a str),
    Certification(&'a str),
    Report {
        id: &'a str,
        vendor: &'a str,
        certification: &'a str,
    },
}

/// Why `new` cannot go ahead (a usage error: exit 2).
#[derive(Debug, PartialEq, Eq)]
pub struct Refusal(pub String);

/// Where a new file goes.
#[derive(Debug, PartialEq, Eq)]
pub struct Target {
    /// `vendors`, `certifications` or `reports`.
    pub folder: &'static str,
    /// The file name without extension: the slug, or the lower-cased report ID.
    pub name: String,
    /// The schema kind: `vendor`, `certification` or `report`.
    pub kind: &'static str,
}

impl Target {
    /// `content/<folder>`
    pub fn dir(&self) -> PathBuf {
        Path::new("content").join(self.folder)
    }

    /// A file of the site that already has this name (any extension, any subfolder).
    pub fn taken(&self, sources: &SiteSources) -> Option<PathBuf> {
        sources
            .content
            .get(self.folder)?
            .iter()
            .find(|f| f.stem() == self.name)
            .map(|f| f.path.clone())
    }
}

/// Checks the name and says where the file goes. Slugs and IDs follow the loader's rules, so
/// nothing `new` writes can be refused by the build for its name or escape `content/`.
pub fn target(what: &What) -> Result<Target, Refusal> {
    let slug = |s: &str, folder, kind| {
        if is_slug(s) {
            Ok(Target {
                folder,
                name: s.to_string(),
                kind,
            })
        } else {
            Err(Refusal(format!(
                "`{s}` is not a valid slug\n  help: use lowercase letters, digits and single hyphens, e.g. `acme-cloud`"
            )))
        }
    };
    match *what {
        What::Vendor(s) => slug(s, "vendors", "vendor"),
        What::Certification(s) => slug(s, "certifications", "certification"),
        What::Report { id, .. } => {
            let ok = !id.is_empty()
                && id.len() <= 100
                && !id.starts_with('-')
                && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
            if ok {
                Ok(Target {
                    folder: "reports",
                    name: id.to_lowercase(),
                    kind: "report",
                })
            } else {
                Err(Refusal(format!(
                    "report ID `{id}` may only use letters, digits and hyphens"
                )))
            }
        }
    }
}

/// The text of the new file.
pub fn text(what: &What, reg: &Registry, today: Day, form: Form) -> Result<String, Refusal> {
    match *what {
        What::Vendor(s) => Ok(vendor(s, reg, form)),
        What::Certification(s) => Ok(certification(s, form)),
        What::Report {
            id,
            vendor,
            certification,
        } => report(id, vendor, certification, reg, today, form),
    }
}

/// `.md` (front matter and a Markdown body) or `.toml` (front matter only, which Taplo and
/// other TOML editors can validate against the JSON Schema).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Markdown,
    Toml,
}

impl Form {
    pub fn extension(self) -> &'static str {
        match self {
            Form::Markdown => "md",
            Form::Toml => "toml",
        }
    }
}

/// Builds one file: front-matter lines, then (for Markdown) the body.
struct Doc {
    form: Form,
    kind: &'static str,
    schema: Value,
    lines: Vec<String>,
}

impl Doc {
    fn new(form: Form, kind: &'static str, header: &[String]) -> Doc {
        let schema = schema::KINDS
            .iter()
            .find(|k| k.name == kind)
            .map(|k| serde_json::to_value(k.schema()).expect("schemas serialize"))
            .unwrap_or(Value::Null);
        let mut lines = Vec::new();
        if form == Form::Markdown {
            lines.push("+++".to_string());
        }
        for h in header {
            lines.push(comment(h));
        }
        Doc {
            form,
            kind,
            schema,
            lines,
        }
    }

    /// The schema's description of a field (`definition` names a nested table, e.g.
    /// `RawHolding`).
    fn describe(&self, definition: Option<&str>, key: &str) -> String {
        let table = match definition {
            Some(d) => &self.schema["definitions"][d],
            None => &self.schema,
        };
        table["properties"][key]["description"]
            .as_str()
            .unwrap_or_else(|| panic!("{} schema has no description for {key}", self.kind))
            .replace('\n', " ")
    }

    fn blank(&mut self) {
        self.lines.push(String::new());
    }

    fn note(&mut self, text: &str) {
        self.lines.push(comment(text));
    }

    /// `# <description>` then `key = value`.
    fn field(&mut self, def: Option<&str>, key: &str, value: &str, extra: &str) {
        let d = self.describe(def, key);
        self.lines.push(comment(&format!("Required. {d}{extra}")));
        self.lines.push(format!("{key} = {value}"));
    }

    /// `# <description>` then `# key = example`.
    fn optional(&mut self, def: Option<&str>, key: &str, example: &str) {
        let d = self.describe(def, key);
        self.lines.push(comment(&format!("Optional. {d}")));
        self.lines.push(format!("# {key} = {example}"));
    }

    fn finish(mut self, body: &str) -> String {
        if self.form == Form::Markdown {
            self.lines.push("+++".into());
            self.lines.push(body.to_string());
        }
        let mut s = self.lines.join("\n");
        s.push('\n');
        s
    }
}

/// `# text`, wrapped at about 96 columns.
fn comment(text: &str) -> String {
    let mut out = Vec::new();
    let mut line = String::from("#");
    for word in text.split_whitespace() {
        if line.len() + word.len() > 95 && line.len() > 1 {
            out.push(std::mem::replace(&mut line, String::from("#")));
        }
        line.push(' ');
        line.push_str(word);
    }
    out.push(line);
    out.join("\n")
}

/// A TOML string literal, escaped.
fn q(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn list(items: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    items
        .into_iter()
        .map(|s| format!("\"{}\"", s.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `acme-cloud` → `Acme Cloud`: a starting point for the display name.
pub fn title_from_slug(slug: &str) -> String {
    slug.split('-')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

const HEADER: &str = "Every field is explained above it. Optional fields are commented out: remove the `# ` in front of those your sources state, and leave out what no source states. Then run `trustatlas check`; docs/DIAGNOSTICS.md explains each diagnostic.";

/// A new certification scheme.
pub fn certification(slug: &str, form: Form) -> String {
    let name = title_from_slug(slug);
    let mut d = Doc::new(
        form,
        "certification",
        &[format!("Certification scheme {name}. {HEADER}")],
    );
    d.blank();
    d.field(None, "name", &q(&name), "");
    d.optional(None, "short_name", &q(&name));
    let kinds = CERT_KINDS
        .iter()
        .map(|(k, _)| *k)
        .collect::<Vec<_>>()
        .join(", ");
    d.field(None, "kind", &q("certification"), &format!(" ({kinds})"));
    d.field(None, "issuer", &q("Who runs the scheme"), "");
    d.field(None, "region", &q("International"), "");
    d.optional(None, "url", &q("https://www.example.com/scheme"));
    d.blank();
    d.note(&format!(
        "Optional, repeatable. {}",
        d.describe(None, "levels")
    ));
    d.lines.push("# [[levels]]".into());
    d.lines.push("# key = \"level-1\"".into());
    d.lines.push("# name = \"Level 1\"".into());
    d.lines
        .push("# description = \"What a holder of this level has shown.\"".into());
    d.lines.push(
        "# validity = { rule = \"term\", months = 12 }  # Optional: replaces the scheme's [validity] at this level."
            .into(),
    );
    d.blank();
    d.note(&format!("Optional. {}", d.describe(None, "validity")));
    d.lines.push("# [validity]".into());
    for (key, example) in [
        ("rule", q("term")),
        ("months", "36".into()),
        ("expiring_within_days", "90".into()),
    ] {
        let text = d.describe(Some("RawValidity"), key);
        d.lines.push(format!("# {key} = {example}  # {text}"));
    }
    d.finish("<!-- What the scheme is, who runs it and what holding it shows, in Markdown. This comment does not appear on the page. -->")
}

/// A new verification report of `vendor` under `certification`, approved on the build date
/// and valid for a year (placeholders: the editor copies the real dates from the report).
pub fn report(
    id: &str,
    vendor: &str,
    certification: &str,
    reg: &Registry,
    today: Day,
    form: Form,
) -> Result<String, Refusal> {
    let v = reg
        .vendors
        .iter()
        .find(|v| v.slug == vendor)
        .ok_or_else(|| {
            Refusal(unknown(
                "vendor",
                vendor,
                reg.vendors.iter().map(|v| v.slug.as_str()),
            ))
        })?;
    let ci = reg
        .certifications
        .iter()
        .position(|c| c.slug == certification)
        .ok_or_else(|| {
            Refusal(unknown(
                "certification",
                certification,
                reg.certifications.iter().map(|c| c.slug.as_str()),
            ))
        })?;
    let c = &reg.certifications[ci];
    let mut d = Doc::new(
        form,
        "report",
        &[format!(
            "Verification report {id}: {} under {}. {HEADER}",
            v.name, c.short_name
        )],
    );
    d.blank();
    d.field(None, "id", &q(id), "");
    d.field(None, "certification", &q(&c.slug), "");
    d.optional(None, "scheme_version", &q("1.0"));
    d.field(None, "vendor", &q(&v.slug), "");
    let entity = v.legal_entities.first().unwrap_or(&v.name);
    d.field(None, "declaring_entity", &q(entity), "");
    d.field(None, "monitoring_body", &q("Who verified or audited"), "");
    d.optional(None, "monitoring_body_url", &q("https://www.example.com"));
    d.optional(
        None,
        "aliases",
        &format!("[{}]", q(&crate::urls::report("old-id"))),
    );
    // Commented out: a date is only ever what the report states, never a placeholder.
    let approved = today.to_date();
    let until = Day(today.0 + 364).to_date();
    d.optional(None, "approved", &q(&approved.to_string()));
    d.optional(None, "valid_until", &q(&until.to_string()));
    let levels = list(c.levels.iter().map(|l| l.key.as_str()));
    match c.levels.first() {
        Some(l) => {
            d.optional(None, "level", &q(&l.key));
            d.note(&format!("Levels of {}: {levels}.", c.slug));
        }
        None => {
            d.optional(None, "level", &q("level-key"));
            d.note(&format!(
                "{} defines no [[levels]]: leave `level` out.",
                c.slug
            ));
        }
    }
    let earlier: Vec<&str> = reg
        .reports
        .iter()
        .filter(|r| reg.vendors[r.vendor].slug == v.slug && r.certification == ci)
        .map(|r| r.id.as_str())
        .collect();
    d.optional(
        None,
        "earlier_reports",
        &format!(
            "[{}]",
            list(if earlier.is_empty() {
                vec!["ID"]
            } else {
                earlier
            })
        ),
    );
    d.field(None, "source", &q(&format!("Verification report {id}")), "");
    d.optional(None, "source_url", &q("https://www.example.com/report.pdf"));
    d.optional(None, "controls_examined", &format!("[{}]", q("5.1.A")));
    d.blank();
    d.note(&format!(
        "Optional, repeatable, instead of `source`: {}",
        d.describe(None, "sources")
    ));
    d.lines.push("# [[sources]]".into());
    for (key, example) in [
        ("title", q("The report as published")),
        ("url", q("https://www.example.com/report.pdf")),
        ("publisher", q("The monitoring body")),
        ("quote", q("What it says, word for word")),
        ("note", q("What a reader should know about it")),
        ("date", q("2025-06")),
        ("verified", q("2026-01-31")),
        ("verified_by", q("your name")),
        ("kind", q("primary")),
    ] {
        let text = d.describe(Some("RawSource"), key);
        d.lines.push(format!("# {key} = {example}  # {text}"));
    }
    d.blank();
    d.note(&format!(
        "Optional, repeatable. {}",
        d.describe(None, "services")
    ));
    d.lines.push("# [[services]]".into());
    d.lines.push(format!("# category = {}", q("Compute")));
    d.lines.push(format!("# items = [{}]", q("Service name")));
    Ok(d.finish("<!-- Anything the report says that the fields above do not, in Markdown. This comment does not appear on the page. -->"))
}

fn unknown<'a>(what: &str, value: &str, known: impl Iterator<Item = &'a str> + Clone) -> String {
    let mut msg = format!("unknown {what} `{value}`");
    if let Some(h) = suggest::help(value, known.clone()) {
        msg.push_str(&format!("; {h}"));
    } else {
        let all: Vec<&str> = known.collect();
        msg.push_str(&format!("; known: {}", all.join(", ")));
    }
    msg
}

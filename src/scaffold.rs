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

/// A new vendor profile: required fields filled, every fact, score, holding, incident and
/// source present as commented-out examples (so the new vendor is "not yet scored" and
/// cites nothing it does not state).
pub fn vendor(slug: &str, reg: &Registry, form: Form) -> String {
    let name = title_from_slug(slug);
    let mut d = Doc::new(
        form,
        "vendor",
        &[format!("Vendor profile of {name}. {HEADER}")],
    );
    let cats = &reg.config.categories;
    d.blank();
    d.field(None, "name", &q(&name), "");
    let cat_list = cats
        .iter()
        .map(|c| format!("\"{}\" ({})", c.key, c.name))
        .collect::<Vec<_>>()
        .join(", ");
    d.field(
        None,
        "category",
        &q(cats.first().map(|c| c.key.as_str()).unwrap_or("")),
        &format!(" One of {cat_list}."),
    );
    d.field(
        None,
        "description",
        &q(&format!(
            "{name}: say in one or two sentences who the vendor is."
        )),
        "",
    );
    d.blank();
    for (key, example) in [
        ("hq_country", q("Country")),
        ("hq_city", q("City")),
        ("subcategory", q("Hyperscaler")),
        ("founded", "2009".into()),
        ("founded_refers_to", q("company")),
        ("service_launched", q("2010-05")),
        ("ownership", q("Wholly owned subsidiary of ...")),
        ("ticker", q("TICKER")),
        ("parent", q("Parent company")),
        ("employees", q("5000+")),
        ("stage", q("Public")),
        ("website", q("https://www.example.com")),
        ("legal_entities", format!("[{}]", q("Legal entity name"))),
        (
            "aliases",
            format!("[{}]", q(&format!("/vendor/{slug}-old/"))),
        ),
    ] {
        d.optional(None, key, &example);
    }
    let ratings = list(reg.config.ratings.iter().map(|r| r.key.as_str()));
    d.optional(
        None,
        "rating",
        &q(reg
            .config
            .ratings
            .first()
            .map(|r| r.key.as_str())
            .unwrap_or("")),
    );
    d.note(&format!("Ratings: {ratings}."));
    d.optional(None, "rating_reason", &q("Why, in one line."));
    d.optional(
        None,
        "profile_source",
        &q("The document the profile comes from"),
    );
    // Only for a vendor that has left the registry: it keeps a tombstone page at its URL.
    d.optional(None, "status", &q("removed"));
    d.optional(None, "removed_on", &q("2026-01-31"));
    d.optional(None, "removed_reason", &q("Why the vendor was removed."));
    // Tables of the identity: after every top-level key, so uncommenting them moves no key.
    d.blank();
    d.note(&format!(
        "Optional, repeatable. {}",
        d.describe(None, "listings")
    ));
    d.lines.push("# [[listings]]".into());
    for (key, example) in [
        ("exchange", q("NYSE")),
        ("tickers", format!("[{}]", q("TICKER"))),
        ("entity", q("The listed company")),
        ("first_trading_day", q("2014-09-19")),
    ] {
        let text = d.describe(Some("RawListing"), key);
        d.lines.push(format!("# {key} = {example}  # {text}"));
    }
    d.note(&format!(
        "Optional, repeatable. {}",
        d.describe(None, "identity_sources")
    ));
    d.lines.push("# [[identity_sources]]".into());
    d.lines
        .push(format!("# title = {}", q("The document that states them")));
    d.lines.push(format!("# kind = {}", q("primary")));

    let mut flags = vec!["yes", "no", "not_disclosed", "not_recorded"];
    flags.extend(FLAG_QUALIFIERS);
    d.blank();
    d.note(&format!(
        "Facts, by section. A (flag) fact is one of {}; a (token) fact is a short value such as CN or opt_out_available; a (URL) fact is an http(s) address. Any fact may be written {{ value = \"yes\", detail = \"AES-256\" }}. \"no\" and \"not_disclosed\" are different facts.",
        flags.join(", ")
    ));
    for section in SECTIONS {
        d.blank();
        d.note(&d.describe(None, section.key));
        d.lines.push(format!("[{}]", section.key));
        for f in section.fields {
            let (example, kind) = match f.kind {
                FactKind::Flag => ("\"not_disclosed\"".to_string(), "flag"),
                FactKind::Token => ("\"not_disclosed\"".to_string(), "token"),
                FactKind::Url => (q("https://www.example.com/"), "URL"),
            };
            d.lines
                .push(format!("# {} = {example}  # {} ({kind})", f.key, f.label));
        }
    }

    d.blank();
    d.note(&format!(
        "Optional. {} Dimensions: {}.",
        d.describe(None, "scores"),
        list(reg.config.dimensions.iter().map(|x| x.key.as_str()))
    ));
    for dim in &reg.config.dimensions {
        d.lines.push(format!("# [scores.{}]", dim.key));
        d.lines.push("# score = 50".into());
        d.lines
            .push(format!("# rationale = {}", q("Which facts justify it.")));
        d.lines.push(format!(
            "# basis = {}  # {}",
            q("editorial"),
            d.describe(Some("RawScore"), "basis")
        ));
        d.lines.push(format!(
            "# assessor = {}  # {}",
            q("your name"),
            d.describe(Some("RawScore"), "assessor")
        ));
        d.lines.push(format!(
            "# assessed = {}  # {}",
            q("2026-01"),
            d.describe(Some("RawScore"), "assessed")
        ));
        d.lines.push(format!(
            "# sources = [{{ title = {} }}]  # {}",
            q("The document behind it"),
            d.describe(Some("RawScore"), "sources")
        ));
    }
    d.blank();
    d.note(&format!(
        "Optional, repeatable. {}",
        d.describe(None, "published_composites")
    ));
    d.lines.push("# [[published_composites]]".into());
    let profile = &reg.config.profiles[reg.config.default_profile].key;
    for (key, example) in [
        ("profile", q(profile)),
        ("value", "42.2".into()),
        ("date", q("2025-06")),
    ] {
        let text = d.describe(Some("RawPublishedComposite"), key);
        d.lines.push(format!("# {key} = {example}  # {text}"));
    }
    d.note(&format!(
        "  {}",
        d.describe(Some("RawPublishedComposite"), "sources")
    ));
    d.lines.push("# [[published_composites.sources]]".into());
    d.lines
        .push(format!("# title = {}", q("The document that publishes it")));

    d.blank();
    d.note(&format!(
        "Optional, repeatable. {}",
        d.describe(None, "certifications")
    ));
    let certs: Vec<&str> = reg.certifications.iter().map(|c| c.slug.as_str()).collect();
    d.lines.push("# [[certifications]]".into());
    let holding = "RawHolding";
    let example_cert = certs.first().copied().unwrap_or("iso-27001");
    for (key, example, required) in [
        ("certification", q(example_cert), true),
        ("level", q("level-key"), false),
        ("scope", q("What it covers"), false),
        ("edition", q("2022"), false),
        ("basis", q("vendor-claim"), false),
        ("confidence", q("medium"), false),
        ("announced", q("2024-12"), false),
        ("issued", q("2025-01"), false),
        ("valid_from", q("2025-01"), false),
        ("valid_until", q("2028-01"), false),
        ("withdrawn", q("2026-02"), false),
        ("as_of", q("2025-06-30"), false),
        ("note", q("What a reader needs to weigh it"), false),
        ("source", q("The document that states it"), false),
        ("source_url", q("https://www.example.com/trust"), false),
    ] {
        let text = d.describe(Some(holding), key);
        let tag = if required { "Required" } else { "Optional" };
        d.lines.push(comment(&format!("  {tag}. {text}")));
        d.lines.push(format!("# {key} = {example}"));
    }
    d.note(&format!(
        "  Optional, after the keys above. {}",
        d.describe(Some(holding), "period")
    ));
    d.lines.push("# [certifications.period]".into());
    for (key, example) in [("start", q("2024-04")), ("end", q("2025-03"))] {
        let text = d.describe(Some("RawPeriod"), key);
        d.lines.push(format!("# {key} = {example}  # {text}"));
    }
    d.note(&format!("  Certifications: {}.", certs.join(", ")));
    d.note(&format!(
        "  Required, repeatable. {}",
        d.describe(Some(holding), "sources")
    ));
    d.lines.push("# [[certifications.sources]]".into());
    for (key, example) in [
        ("title", q("The document that states it")),
        ("url", q("https://www.example.com/trust")),
        ("publisher", q("Who published it")),
        ("quote", q("What it says, word for word")),
        ("note", q("What a reader should know about it")),
        ("date", q("2025-06-30")),
        ("verified", q("2026-01-31")),
        ("verified_by", q("your name")),
        ("kind", q("primary")),
    ] {
        let text = d.describe(Some("RawSource"), key);
        d.lines.push(format!("# {key} = {example}  # {text}"));
    }
    d.lines.push("# [[certifications.certificates]]".into());
    d.lines.push(format!(
        "# label = {}  # {}",
        q("Certificate number"),
        d.describe(Some("RawCertificate"), "label")
    ));
    d.lines.push(format!(
        "# number = {}  # {}",
        q("ABC-123"),
        d.describe(Some("RawCertificate"), "number")
    ));

    d.blank();
    d.note(&format!(
        "Optional, repeatable. {}",
        d.describe(None, "incidents")
    ));
    d.lines.push("# [[incidents]]".into());
    for (key, example) in [
        ("date", q("2024-05")),
        ("date_kind", q("disclosed")),
        ("title", q("Short title")),
        ("summary", q("What happened.")),
        ("status", q("resolved")),
        ("confidence", q("medium")),
        ("affected_services", "[\"Object storage\"]".into()),
        ("source_url", q("https://www.example.com/news")),
    ] {
        let text = d.describe(Some("RawIncident"), key);
        d.lines.push(format!("# {key} = {example}  # {text}"));
    }
    d.note(&format!(
        "  Instead of source_url: {}",
        d.describe(Some("RawIncident"), "sources")
    ));
    d.lines.push("# [[incidents.sources]]".into());
    d.lines
        .push(format!("# url = {}", q("https://www.example.com/news")));

    d.blank();
    d.note(&format!(
        "Optional, repeatable. {}",
        d.describe(None, "sources")
    ));
    d.lines.push("# [[sources]]".into());
    for (key, example) in [
        ("field", q("data_handling.trains_on_user_data")),
        ("url", q("https://www.example.com/privacy")),
        ("title", q("The document that states it")),
        ("publisher", q("Who published it")),
        ("quote", q("What it says, word for word")),
        ("note", q("What a reader should know about it")),
        ("date", q("2025-06-30")),
        ("verified", q("2026-01-31")),
        ("verified_by", q("your name")),
        ("kind", q("primary")),
    ] {
        let text = d.describe(Some("RawCitation"), key);
        d.lines.push(comment(&format!("  {text}")));
        d.lines.push(format!("# {key} = {example}"));
    }
    d.finish(
        "<!-- The analyst summary of this vendor, in Markdown: what a buyer should know first. \
         This comment does not appear on the page. -->",
    )
}

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
    d.optional(None, "aliases", &format!("[{}]", q("/register/old-id/")));
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

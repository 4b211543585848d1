//! The text of a new vendor file: the longest of the three, since a vendor lists every fact
//! section, score, holding, incident and source as a commented-out example.

use super::*;

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
            format!("[{}]", q(&crate::urls::vendor(&format!("{slug}-old")))),
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

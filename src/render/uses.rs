//! Which templates a template uses: the ones it names in `{% extends %}`, `{% include %}`,
//! `{% import %}` and `{% from ... import %}`, and theirs in turn. A page's key covers only
//! the templates its own template uses (see `memo::environment_keys`), so editing
//! `pack.html` renders the packs again and nothing else, while `base.html` reaches every
//! page. A tag that names its template through an expression instead of a string could use
//! any template, so a template holding one is taken to use them all.

use std::collections::{BTreeMap, BTreeSet};

/// For each template, every template it uses, itself included.
pub fn closure(templates: &BTreeMap<String, String>) -> BTreeMap<&str, BTreeSet<&str>> {
    let direct: BTreeMap<&str, Option<Vec<String>>> = templates
        .iter()
        .map(|(name, text)| (name.as_str(), named(text)))
        .collect();
    let all: BTreeSet<&str> = templates.keys().map(String::as_str).collect();
    templates
        .keys()
        .map(|name| {
            let mut seen: BTreeSet<&str> = BTreeSet::new();
            let mut todo = vec![name.as_str()];
            while let Some(t) = todo.pop() {
                if !seen.insert(t) {
                    continue;
                }
                match direct.get(t) {
                    Some(Some(names)) => {
                        for n in names {
                            if let Some((k, _)) = templates.get_key_value(n) {
                                todo.push(k.as_str());
                            }
                        }
                    }
                    // Names its template by an expression: may use any.
                    Some(None) => return (name.as_str(), all.clone()),
                    None => {}
                }
            }
            (name.as_str(), seen)
        })
        .collect()
}

/// The templates a template's tags name; `None` when one names it by an expression.
fn named(text: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{%") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("%}") else { break };
        let tag = after[..end].trim_matches(|c: char| c == '-' || c == '+' || c.is_whitespace());
        rest = &after[end + 2..];
        let mut words = tag.splitn(2, char::is_whitespace);
        let (Some(keyword), args) = (words.next(), words.next().unwrap_or("").trim_start()) else {
            continue;
        };
        if !matches!(keyword, "extends" | "include" | "import" | "from") {
            continue;
        }
        match literal(args) {
            Some(name) => out.push(name),
            None => return None,
        }
    }
    Some(out)
}

/// The string literal `args` starts with, when it starts with one and the tag names nothing
/// else (`include ["a.html", "b.html"]` or `include x ~ ".html"` are expressions).
fn literal(args: &str) -> Option<String> {
    let quote = args.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let body = &args[1..];
    let close = body.find(quote)?;
    let name = &body[..close];
    let tail = body[close + 1..].trim_start();
    let simple = tail.is_empty()
        || tail.starts_with("as ")
        || tail.starts_with("import ")
        || tail.starts_with("ignore missing")
        || tail.starts_with("with ")
        || tail.starts_with("without ");
    (simple && !name.contains('\\')).then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(t: &[(&str, &str)]) -> BTreeMap<String, String> {
        t.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn follows_extends_include_import_and_from() {
        let t = set(&[
            ("base.html", "{% include 'nav.html' %}"),
            ("nav.html", "nav"),
            ("macros.html", "{% macro m() %}{% endmacro %}"),
            ("parts.html", "{%- from \"macros.html\" import m -%}"),
            (
                "vendor.html",
                "{% extends \"base.html\" %}{% import \"parts.html\" as p %}",
            ),
            ("other.html", "{% extends \"base.html\" %}"),
        ]);
        let c = closure(&t);
        let names = |n: &str| c[n].iter().copied().collect::<Vec<_>>();
        assert_eq!(
            names("vendor.html"),
            [
                "base.html",
                "macros.html",
                "nav.html",
                "parts.html",
                "vendor.html"
            ]
        );
        assert_eq!(names("other.html"), ["base.html", "nav.html", "other.html"]);
        assert_eq!(names("nav.html"), ["nav.html"]);
    }

    #[test]
    fn a_template_named_by_an_expression_may_be_any() {
        let t = set(&[
            ("a.html", "{% include page.template %}"),
            ("b.html", "{% include [\"x.html\", \"b.html\"] %}"),
            ("c.html", "c"),
        ]);
        let c = closure(&t);
        assert_eq!(c["a.html"].len(), 3);
        assert_eq!(c["b.html"].len(), 3);
        assert_eq!(c["c.html"].len(), 1);
    }
}

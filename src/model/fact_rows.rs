//! The rows of a vendor's fact sections: keys checked against `facts::SECTIONS`, each value
//! against its kind, a fact's own sources, and disputed facts (two or more values, each with
//! the sources that state it), so "no", "not disclosed" and "sources disagree" stay distinct.

use super::evidence;
use super::facts::{self, FactKind, FactValue, FieldSpec, FLAG_QUALIFIERS};
use super::parse::{DiagExt, FileCtx};
use super::raw::FactTable;
use super::{Claim, Fact, FactSection};
use crate::diagnostic::Code;
use crate::suggest;

pub(super) fn fact_section(key: &str, table: &FactTable, ctx: &mut FileCtx) -> FactSection {
    let spec = facts::section(key).expect("section keys come from the spec");
    let mut rows = Vec::new();
    for field in spec.fields {
        let Some((k, v)) = table.iter().find(|(k, _)| k.get_ref() == field.key) else {
            continue;
        };
        let raw = v.get_ref();
        let (value, disputed) = match (&raw.value, raw.disputed.len()) {
            (Some(text), 0) => {
                check_value(key, field, text, v.span(), ctx);
                // "Not recorded" is never a blank: it says why.
                if text == "not_recorded" && raw.detail.is_none() {
                    ctx.error(
                        Code::MissingField,
                        v.span(),
                        format!("`{key}.{}` is not_recorded without a reason", field.key),
                    )
                    .with_help_in_place("write { value = \"not_recorded\", detail = \"why: e.g. our sources do not cover it\" }, or leave the key out");
                }
                (FactValue::parse(text), Vec::new())
            }
            (Some(_), _) => {
                ctx.error(
                    Code::Duplicate,
                    v.span(),
                    format!("`{key}.{}` has both `value` and `disputed`", field.key),
                )
                .with_help_in_place("a disputed fact has no single value: keep the values in `disputed`, each with its sources");
                continue;
            }
            (None, 0) => {
                ctx.error(
                    Code::MissingField,
                    v.span(),
                    format!("`{key}.{}` has no `value`", field.key),
                )
                .with_help_in_place("add value = \"...\", or `disputed` when sources disagree");
                continue;
            }
            (None, 1) => {
                ctx.error(
                    Code::MissingField,
                    v.span(),
                    format!("`{key}.{}` is disputed but gives only one value", field.key),
                )
                .with_help_in_place("a dispute needs two or more values, each with its sources; with one value, write value = \"...\" and its sources");
                continue;
            }
            (None, _) => {
                let claims = raw
                    .disputed
                    .iter()
                    .map(|c| {
                        check_value(key, field, &c.value, v.span(), ctx);
                        if c.sources.is_empty() {
                            ctx.error(
                                Code::MissingField,
                                v.span(),
                                format!("a disputed value `{}` of `{key}.{}` has no source", c.value, field.key),
                            )
                            .with_help_in_place("each disputed value needs the sources that state it: sources = [{ title = \"...\" }]");
                        }
                        Claim {
                            value: FactValue::parse(&c.value),
                            detail: c.detail.clone().map(String::from),
                            sources: c
                                .sources
                                .iter()
                                .filter_map(|s| evidence::source(s.get_ref().source(), s.span(), ctx))
                                .collect(),
                        }
                    })
                    .collect();
                (FactValue::Disputed, claims)
            }
        };
        let sources = raw
            .sources
            .iter()
            .filter_map(|s| evidence::source(s.get_ref().source(), s.span(), ctx))
            .collect();
        rows.push(Fact {
            key: field.key,
            label: field.label,
            value,
            detail: raw.detail.clone(),
            sources,
            disputed,
            span: ctx.abs(k.span()),
        });
    }
    for k in table.keys() {
        if !spec.fields.iter().any(|f| f.key == k.get_ref()) {
            let help = suggest::help(k.get_ref(), spec.fields.iter().map(|f| f.key));
            ctx.error(
                Code::UnknownField,
                k.span(),
                format!("unknown fact `{}` in [{}]", k.get_ref(), key),
            )
            .with_expected_in_place(format!(
                "one of {}",
                spec.fields
                    .iter()
                    .map(|f| format!("`{}`", f.key))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
            .help = help;
        }
    }
    FactSection {
        key: spec.key,
        title: spec.title,
        rows,
    }
}

/// A value written for `field`: a flag's allowed words, a URL's form, never blank.
fn check_value(
    key: &str,
    field: &FieldSpec,
    text: &str,
    span: std::ops::Range<usize>,
    ctx: &mut FileCtx,
) {
    let value = FactValue::parse(text);
    match field.kind {
        FactKind::Flag => {
            if let FactValue::Stated(s) = &value {
                if !FLAG_QUALIFIERS.contains(&s.as_str()) {
                    let mut allowed = vec!["yes", "no", "not_disclosed", "not_recorded"];
                    allowed.extend(FLAG_QUALIFIERS);
                    ctx.error(
                        Code::WrongType,
                        span.clone(),
                        format!("`{s}` is not a value for `{}.{}`", key, field.key),
                    )
                    .with_expected_in_place(format!(
                        "one of {}",
                        allowed
                            .iter()
                            .map(|a| format!("`{a}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                    .help = suggest::help(s, &allowed);
                }
            }
        }
        FactKind::Url => {
            if value != FactValue::NotDisclosed && value != FactValue::NotRecorded {
                ctx.check_url(&toml::Spanned::new(span.clone(), text.to_string()));
            }
        }
        FactKind::Token => {}
    }
    if text.trim().is_empty() {
        ctx.error(
            Code::WrongType,
            span.clone(),
            format!("`{}.{}` is empty", key, field.key),
        )
        .with_help_in_place("leave the key out when nothing is known, or write \"not_disclosed\"");
    }
}

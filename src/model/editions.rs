//! References between framework catalogs: an edition's correspondence with the edition it
//! supersedes, and cross-walks onto another framework. Checked on the raw files (every
//! catalog parsed first) so each mistake is located where it is written, in either file.

use std::collections::{BTreeMap, BTreeSet};

use super::parse::{DiagExt, FileCtx};
use super::raw::RawFramework;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::SourceFile;

/// A parsed catalog and the file it came from.
pub type Parsed<'a> = (&'a SourceFile, RawFramework);

/// The IDs a reference to `slug` may name: its entries and, for cross-walks, their
/// categories.
fn ids(raw: &RawFramework, with_categories: bool) -> Vec<&str> {
    let mut out = Vec::new();
    for e in &raw.entries {
        out.push(e.id.get_ref().as_str());
        if with_categories {
            out.extend(e.categories.iter().map(|c| c.id.as_str()));
        }
    }
    out
}

/// Reports every edition or cross-walk reference that names a framework or an entry that
/// does not exist, every entry of a superseded edition that nothing carries on and that does
/// not say why, and an edition superseded twice. `broken` holds the slugs of catalogs that
/// failed to parse, which are not reported again.
pub fn check(parsed: &[Parsed], broken: &BTreeSet<String>, diags: &mut Vec<Diagnostic>) {
    let by_slug: BTreeMap<String, usize> = parsed
        .iter()
        .enumerate()
        .map(|(i, (f, _))| (f.stem().to_string(), i))
        .collect();
    let slugs: Vec<&str> = by_slug.keys().map(String::as_str).collect();
    // Superseded edition → (the newer edition, the IDs its entries carry on).
    let mut successors: BTreeMap<usize, (usize, BTreeSet<String>)> = BTreeMap::new();
    for (i, (file, raw)) in parsed.iter().enumerate() {
        let mut ctx = FileCtx::new(file, diags).with_broken(broken);
        let own = ids(raw, false);
        let older = match &raw.supersedes {
            Some(s) if s.framework.get_ref() == file.stem() => {
                ctx.error(
                    Code::UnknownReference,
                    s.framework.span(),
                    "a catalog cannot supersede itself",
                )
                .with_help_in_place("name the slug of the earlier edition's file");
                None
            }
            Some(s) if ctx.check_ref("framework", &s.framework, slugs.iter().copied()) => {
                let j = by_slug[s.framework.get_ref()];
                if let Some((other, _)) = successors.get(&j) {
                    let other = parsed[*other].0.stem().to_string();
                    ctx.error(
                        Code::Duplicate,
                        s.framework.span(),
                        format!(
                            "`{}` is already superseded by `{other}`",
                            s.framework.get_ref()
                        ),
                    )
                    .with_help_in_place(
                        "an edition has one successor: supersede the newest edition",
                    );
                    None
                } else {
                    successors.insert(j, (i, BTreeSet::new()));
                    Some(j)
                }
            }
            _ => None,
        };
        for e in &raw.entries {
            let Some(p) = &e.previous else { continue };
            match older {
                Some(j) => {
                    let what = format!("entry of `{}`", parsed[j].0.stem());
                    if ctx.check_ref(&what, p, ids(&parsed[j].1, false)) {
                        successors
                            .get_mut(&j)
                            .expect("inserted above")
                            .1
                            .insert(p.get_ref().clone());
                    }
                }
                None if raw.supersedes.is_none() => {
                    ctx.error(
                        Code::UnknownReference,
                        p.span(),
                        format!(
                            "`previous` names `{}`, but this catalog supersedes no edition",
                            p.get_ref()
                        ),
                    )
                    .with_help_in_place(
                        "add [supersedes] with the earlier edition's slug and source",
                    );
                }
                None => {}
            }
        }
        for c in &raw.crosswalks {
            let own_ok = |ctx: &mut FileCtx, m: &super::raw::RawMap| {
                ctx.check_ref("entry of this catalog", &m.entry, own.iter().copied())
            };
            if !ctx.check_ref("framework", &c.framework, slugs.iter().copied()) {
                for m in &c.maps {
                    own_ok(&mut ctx, m);
                }
                continue;
            }
            let target = &parsed[by_slug[c.framework.get_ref()]];
            let what = format!("entry or category of `{}`", target.0.stem());
            let theirs = ids(&target.1, true);
            let mut seen = BTreeSet::new();
            for m in &c.maps {
                own_ok(&mut ctx, m);
                ctx.check_ref(&what, &m.target, theirs.iter().copied());
                if !seen.insert((m.entry.get_ref(), m.target.get_ref())) {
                    ctx.error(
                        Code::Duplicate,
                        m.target.span(),
                        format!(
                            "`{}` → `{}` is mapped twice",
                            m.entry.get_ref(),
                            m.target.get_ref()
                        ),
                    );
                }
            }
        }
    }
    // A chain of editions that comes back to where it started has no current edition.
    let older_of = |i: usize| -> Option<usize> {
        let s = parsed[i].1.supersedes.as_ref()?;
        by_slug.get(s.framework.get_ref()).copied()
    };
    for (i, (file, raw)) in parsed.iter().enumerate() {
        let mut at = older_of(i);
        for _ in 0..parsed.len() {
            match at {
                Some(j) if j == i => {
                    let s = raw.supersedes.as_ref().expect("has an older edition");
                    FileCtx::new(file, diags)
                        .error(
                            Code::UnknownReference,
                            s.framework.span(),
                            "these editions supersede each other in a circle",
                        )
                        .with_help_in_place("the oldest edition has no [supersedes]");
                    break;
                }
                Some(j) => at = older_of(j),
                None => break,
            }
        }
    }
    // `retired` speaks of the next edition: without one it is a mistake, not a note.
    for (i, (file, raw)) in parsed.iter().enumerate() {
        if successors.contains_key(&i) {
            continue;
        }
        let mut ctx = FileCtx::new(file, diags);
        for e in raw.entries.iter().filter(|e| e.retired.is_some()) {
            ctx.error(
                Code::UnknownReference,
                e.id.span(),
                format!("entry `{}` is marked retired, but no catalog supersedes this one", e.id.get_ref()),
            )
            .with_help_in_place("`retired` says why the next edition drops an entry: add that edition (with [supersedes]) or remove `retired`");
        }
    }
    // Both ways: every entry of a superseded edition is carried on, or says why not.
    for (j, (newer, carried)) in &successors {
        let (file, raw) = &parsed[*j];
        let newer = parsed[*newer].0.stem();
        let mut ctx = FileCtx::new(file, diags);
        for e in &raw.entries {
            let id = e.id.get_ref();
            match (carried.contains(id), &e.retired) {
                (false, None) => {
                    ctx.error(
                        Code::MissingField,
                        e.id.span(),
                        format!("entry `{id}` has no successor in `{newer}`, which supersedes this edition"),
                    )
                    .with_help_in_place(format!(
                        "set `previous = \"{id}\"` on the entry of `{newer}` that carries it on, or say why it was dropped with `retired = \"...\"`"
                    ));
                }
                (true, Some(_)) => {
                    ctx.error(
                        Code::Duplicate,
                        e.id.span(),
                        format!("entry `{id}` says it was retired, but an entry of `{newer}` carries it on"),
                    )
                    .with_help_in_place("remove `retired`, or the `previous` that names it");
                }
                _ => {}
            }
        }
    }
}

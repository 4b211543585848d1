//! What framework pages show about editions and cross-walks: the list of a framework's
//! editions, the correspondence between two editions, an entry's predecessor and successors,
//! and the cross-walk links out of an entry and into an entry or category. Pure functions of
//! the registry (its references were checked at load).

use serde::Serialize;

use crate::model::{entry_slug, Entry, Framework, Registry};
use crate::urls;

#[derive(Serialize, Clone)]
pub struct EditionLink {
    pub version: String,
    pub url: String,
    /// The newest edition, shown at the framework's own address.
    pub current: bool,
    /// The edition of the page being shown.
    pub this: bool,
}

#[derive(Serialize, Clone)]
pub struct EntryLink {
    pub id: String,
    pub title: String,
    pub url: String,
}

/// One line of the correspondence: an older entry, the newer one that carries it on.
#[derive(Serialize)]
pub struct ChangeRow {
    pub old: Option<EntryLink>,
    pub new: Option<EntryLink>,
    pub change: String,
}

#[derive(Serialize)]
pub struct Changes {
    pub older: String,
    pub newer: String,
    pub source: String,
    pub rows: Vec<ChangeRow>,
}

/// An entry's place in the next and the previous edition.
#[derive(Serialize, Default)]
pub struct Lineage {
    pub older: Option<String>,
    pub newer: Option<String>,
    pub previous: Option<(EntryLink, String)>,
    pub next: Vec<(EntryLink, String)>,
    pub retired: Option<String>,
}

/// A cross-walk link: the entry or category on the other side.
#[derive(Serialize)]
pub struct CrossLink {
    pub framework: String,
    pub id: String,
    pub title: String,
    pub url: String,
    pub primary: bool,
    pub source: String,
}

pub fn entry_url(f: &Framework, e: &Entry) -> String {
    urls::entry(&f.slug, &e.slug)
}

fn link(f: &Framework, e: &Entry) -> EntryLink {
    EntryLink {
        id: e.id.clone(),
        title: e.title.clone(),
        url: entry_url(f, e),
    }
}

fn find(reg: &Registry, slug: &str) -> Option<usize> {
    reg.frameworks.iter().position(|f| f.slug == slug)
}

/// The edition that supersedes framework `fi`.
pub fn successor(reg: &Registry, fi: usize) -> Option<usize> {
    let slug = &reg.frameworks[fi].slug;
    reg.frameworks
        .iter()
        .position(|f| f.supersedes.as_ref().is_some_and(|(s, _)| s == slug))
}

fn predecessor(reg: &Registry, fi: usize) -> Option<usize> {
    let (slug, _) = reg.frameworks[fi].supersedes.as_ref()?;
    find(reg, slug)
}

/// Every edition of framework `fi`'s family, newest first; empty when it has only one.
pub fn editions(reg: &Registry, fi: usize) -> Vec<EditionLink> {
    let mut newest = fi;
    // Bounded by the number of catalogs: the load allows each edition one successor.
    for _ in 0..reg.frameworks.len() {
        match successor(reg, newest) {
            Some(n) if n != fi => newest = n,
            _ => break,
        }
    }
    let mut out = Vec::new();
    let mut at = Some(newest);
    while let Some(i) = at {
        if out.len() > reg.frameworks.len() {
            break;
        }
        let f = &reg.frameworks[i];
        out.push(EditionLink {
            version: f.version.clone(),
            url: urls::framework(&f.slug),
            current: i == newest,
            this: i == fi,
        });
        at = predecessor(reg, i);
    }
    if out.len() < 2 {
        out.clear();
    }
    out
}

/// How the entries of `newer`'s previous edition became its entries.
fn change(older: &Framework, oi: usize, newer: &Framework, ni: usize) -> String {
    let (o, n) = (&older.entries[oi], &newer.entries[ni]);
    let moved = match (oi + 1, ni + 1) {
        (a, b) if a == b => None,
        (a, b) if b < a => Some(format!("moved up from {a} to {b}")),
        (a, b) => Some(format!("moved down from {a} to {b}")),
    };
    match (o.title == n.title, moved) {
        (true, None) => "Unchanged".into(),
        (true, Some(m)) => capitalise(&m),
        (false, None) => "Renamed".into(),
        (false, Some(m)) => format!("Renamed, {m}"),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The correspondence shown on both editions' pages: from `fi`'s predecessor to `fi`, or
/// from `fi` to its successor.
pub fn changes(reg: &Registry, fi: usize) -> Option<Changes> {
    let (ni, oi) = match predecessor(reg, fi) {
        Some(p) => (fi, p),
        None => {
            let s = successor(reg, fi)?;
            (s, fi)
        }
    };
    let (newer, older) = (&reg.frameworks[ni], &reg.frameworks[oi]);
    let pos = |id: &str| older.entries.iter().position(|e| e.id == id);
    let mut rows: Vec<ChangeRow> = newer
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| match e.previous.as_deref().and_then(pos) {
            Some(p) => ChangeRow {
                old: Some(link(older, &older.entries[p])),
                new: Some(link(newer, e)),
                change: change(older, p, newer, i),
            },
            None => ChangeRow {
                old: None,
                new: Some(link(newer, e)),
                change: format!("New in {}", newer.version),
            },
        })
        .collect();
    for e in &older.entries {
        if let Some(why) = &e.retired {
            rows.push(ChangeRow {
                old: Some(link(older, e)),
                new: None,
                change: format!("Retired: {why}"),
            });
        }
    }
    Some(Changes {
        older: older.version.clone(),
        newer: newer.version.clone(),
        source: newer.supersedes.as_ref().map(|(_, s)| s.clone())?,
        rows,
    })
}

/// Where entry `ei` of framework `fi` came from and where it went.
pub fn lineage(reg: &Registry, fi: usize, ei: usize) -> Lineage {
    let f = &reg.frameworks[fi];
    let e = &f.entries[ei];
    let mut out = Lineage {
        retired: e.retired.clone(),
        ..Lineage::default()
    };
    if let Some(p) = predecessor(reg, fi) {
        let older = &reg.frameworks[p];
        out.older = Some(older.version.clone());
        if let Some(oi) = e
            .previous
            .as_ref()
            .and_then(|id| older.entries.iter().position(|o| &o.id == id))
        {
            out.previous = Some((link(older, &older.entries[oi]), change(older, oi, f, ei)));
        }
    }
    if let Some(s) = successor(reg, fi) {
        let newer = &reg.frameworks[s];
        out.newer = Some(newer.version.clone());
        out.next = newer
            .entries
            .iter()
            .enumerate()
            .filter(|(_, n)| n.previous.as_ref() == Some(&e.id))
            .map(|(ni, n)| (link(newer, n), change(f, ei, newer, ni)))
            .collect();
    }
    out
}

/// An ID of framework `f`: an entry, or a category (linked at its anchor on its entry).
fn target(f: &Framework, id: &str) -> Option<(String, String)> {
    for e in &f.entries {
        if e.id == id {
            return Some((e.title.clone(), entry_url(f, e)));
        }
        if let Some(c) = e.categories.iter().find(|c| c.id == id) {
            return Some((
                c.title.clone(),
                format!("{}#{}", entry_url(f, e), entry_slug(&c.id)),
            ));
        }
    }
    None
}

/// The framework and its version, once: "NIST AI RMF 1.0", "OWASP LLM Top 10 (2025)".
fn label(f: &Framework) -> String {
    if f.short_name.contains(&f.version) {
        f.short_name.clone()
    } else {
        format!("{} {}", f.short_name, f.version)
    }
}

/// The cross-walk links out of entry `ei` of framework `fi`.
pub fn mapped_to(reg: &Registry, fi: usize, ei: usize) -> Vec<CrossLink> {
    let f = &reg.frameworks[fi];
    let id = &f.entries[ei].id;
    let mut out = Vec::new();
    for c in &f.crosswalks {
        let Some(t) = find(reg, &c.framework) else {
            continue;
        };
        let tf = &reg.frameworks[t];
        for (from, to, primary) in &c.maps {
            if from != id {
                continue;
            }
            if let Some((title, url)) = target(tf, to) {
                out.push(CrossLink {
                    framework: label(tf),
                    id: to.clone(),
                    title,
                    url,
                    primary: *primary,
                    source: c.source.clone(),
                });
            }
        }
    }
    out
}

/// The cross-walk links into `id` (an entry or category) of framework `fi`, from every other
/// framework that maps onto it.
pub fn mapped_from(reg: &Registry, fi: usize, id: &str) -> Vec<CrossLink> {
    let slug = &reg.frameworks[fi].slug;
    let mut out = Vec::new();
    for f in &reg.frameworks {
        for c in f.crosswalks.iter().filter(|c| &c.framework == slug) {
            for (from, to, primary) in &c.maps {
                if to != id {
                    continue;
                }
                if let Some(e) = f.entries.iter().find(|e| &e.id == from) {
                    out.push(CrossLink {
                        framework: label(f),
                        id: e.id.clone(),
                        title: e.title.clone(),
                        url: entry_url(f, e),
                        primary: *primary,
                        source: c.source.clone(),
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn framework(slug: &str, entries: &[(&str, &str)]) -> Framework {
        Framework {
            slug: slug.into(),
            file: std::path::PathBuf::new(),
            name: slug.into(),
            short_name: slug.into(),
            version: "v".into(),
            publisher: "p".into(),
            url: None,
            description: "d".into(),
            entry_label: "Risk".into(),
            order: 0,
            entries: entries
                .iter()
                .map(|(id, title)| Entry {
                    id: id.to_string(),
                    slug: entry_slug(id),
                    title: title.to_string(),
                    description: "d".into(),
                    dimensions: vec![0],
                    categories: vec![],
                    previous: None,
                    retired: None,
                    aliases: vec![],
                })
                .collect(),
            supersedes: None,
            crosswalks: vec![],
        }
    }

    #[test]
    fn changes_are_named_from_rank_and_title() {
        let old = framework("old", &[("A", "One"), ("B", "Two"), ("C", "Three")]);
        let new = framework("new", &[("A", "One"), ("C", "Three"), ("B", "Second")]);
        assert_eq!(change(&old, 0, &new, 0), "Unchanged");
        assert_eq!(change(&old, 2, &new, 1), "Moved up from 3 to 2");
        assert_eq!(change(&old, 1, &new, 2), "Renamed, moved down from 2 to 3");
        let same_rank = framework("new", &[("A", "One"), ("B", "Second")]);
        assert_eq!(change(&old, 1, &same_rank, 1), "Renamed");
    }
}

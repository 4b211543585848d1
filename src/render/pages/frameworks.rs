//! The frameworks section: the list of current editions, each framework's page (its entries
//! and the vendor matrix) and one page per entry. The matrix cells are the cross-walk
//! (`derive::crosswalk`), coloured by band.

use std::sync::Arc;

use minijinja::Value;
use serde::Serialize;

use super::methodology::{band_legend, BandLegend};
use super::{job, meta, to_value, Job, Shared};
use crate::derive::crosswalk;
use crate::model::{entry_slug, Entry, Registry};
use crate::render::editions::{self, CrossLink, EditionLink, Lineage};
use crate::render::views::KeyName;
use crate::urls;

#[derive(Serialize)]
struct FrameworksPage {
    frameworks: Vec<FrameworkSummary>,
}

#[derive(Serialize)]
struct FrameworkSummary {
    name: String,
    short_name: String,
    url: String,
    version: String,
    publisher: String,
    description: String,
    entries: usize,
    earlier: Vec<EditionLink>,
}

/// What a framework's page and each of its entry pages show of the framework.
#[derive(Serialize)]
struct FrameworkInfo {
    name: String,
    short_name: String,
    slug: String,
    url: String,
    /// The publisher's page.
    source_url: Option<String>,
    version: String,
    publisher: String,
    description: String,
    entry_label: String,
    editions: Vec<EditionLink>,
    successor: Option<Successor>,
}

/// The edition that replaces this one.
#[derive(Serialize)]
struct Successor {
    version: String,
    url: String,
}

#[derive(Serialize)]
struct EntryView {
    id: String,
    title: String,
    description: String,
    url: String,
    /// Names of the dimensions the entry maps to.
    dimensions: Vec<String>,
    categories: Vec<CategoryView>,
}

#[derive(Serialize)]
struct CategoryView {
    id: String,
    title: String,
    anchor: String,
    mapped_from: Vec<CrossLink>,
}

#[derive(Serialize)]
struct FrameworkPage {
    framework: Value,
    entries: Vec<Value>,
    matrix: Vec<MatrixRow>,
    bands: Vec<BandLegend>,
    changes: Value,
}

/// One vendor's row of the matrix, one cell per entry.
#[derive(Serialize)]
struct MatrixRow {
    vendor: Value,
    cells: Vec<MatrixCell>,
}

#[derive(Serialize)]
struct MatrixCell {
    id: String,
    mean: Option<String>,
    band: Option<Value>,
}

#[derive(Serialize)]
struct EntryPage {
    framework: Value,
    entry: Value,
    dimensions: Vec<String>,
    vendors: Vec<EntryVendor>,
    lineage: Lineage,
    mapped_to: Vec<CrossLink>,
    mapped_from: Vec<CrossLink>,
}

/// One vendor on an entry's page: its scores on the entry's dimensions and their mean.
#[derive(Serialize)]
struct EntryVendor {
    vendor: Value,
    scores: Vec<Option<u8>>,
    mean: Option<String>,
    band: Option<Value>,
}

/// The list of current editions; superseded ones are listed under the edition that
/// replaced them.
pub(super) fn index(reg: &Registry) -> Job<'_> {
    job(
        urls::FRAMEWORKS.into(),
        "frameworks.html",
        "Frameworks",
        move || FrameworksPage {
            frameworks: current(reg),
        },
    )
}

fn current(reg: &Registry) -> Vec<FrameworkSummary> {
    (0..reg.frameworks.len())
        .filter(|fi| editions::successor(reg, *fi).is_none())
        .map(|fi| {
            let f = &reg.frameworks[fi];
            FrameworkSummary {
                name: f.name.clone(),
                short_name: f.short_name.clone(),
                url: urls::framework(&f.slug),
                version: f.version.clone(),
                publisher: f.publisher.clone(),
                description: f.description.clone(),
                entries: f.entries.len(),
                earlier: editions::editions(reg, fi)
                    .into_iter()
                    .filter(|e| !e.this)
                    .collect(),
            }
        })
        .collect()
}

/// A framework's page (entries and the vendor matrix) and one page per entry.
pub(super) fn framework<'a>(
    reg: &'a Registry,
    fi: usize,
    shared: &Arc<Shared<'a>>,
) -> Vec<Job<'a>> {
    let f = &reg.frameworks[fi];
    let cfg = &reg.config;
    let dim_names = move |dims: &[usize]| -> Vec<String> {
        dims.iter()
            .map(|d| cfg.dimensions[*d].name.clone())
            .collect()
    };
    let entries: Vec<Value> = f
        .entries
        .iter()
        .map(|e| {
            to_value(EntryView {
                id: e.id.clone(),
                title: e.title.clone(),
                description: e.description.clone(),
                url: urls::entry(&f.slug, &e.slug),
                dimensions: dim_names(&e.dimensions),
                categories: e
                    .categories
                    .iter()
                    .map(|c| CategoryView {
                        id: c.id.clone(),
                        title: c.title.clone(),
                        anchor: entry_slug(&c.id),
                        mapped_from: editions::mapped_from(reg, fi, &c.id),
                    })
                    .collect(),
            })
        })
        .collect();
    let info = to_value(FrameworkInfo {
        name: f.name.clone(),
        short_name: f.short_name.clone(),
        slug: f.slug.clone(),
        url: urls::framework(&f.slug),
        source_url: f.url.clone(),
        version: f.version.clone(),
        publisher: f.publisher.clone(),
        description: f.description.clone(),
        entry_label: f.entry_label.clone(),
        editions: editions::editions(reg, fi),
        successor: editions::successor(reg, fi).map(|s| Successor {
            version: reg.frameworks[s].version.clone(),
            url: urls::framework(&reg.frameworks[s].slug),
        }),
    });
    let changes = to_value(editions::changes(reg, fi));
    // Cells coloured by band: one template value per band, shared by every cell in it.
    let bands: Arc<Vec<Value>> = Arc::new(
        cfg.bands
            .iter()
            .map(|b| {
                to_value(KeyName {
                    key: b.key.clone(),
                    name: b.name.clone(),
                })
            })
            .collect(),
    );
    // The cross-walk cell of a vendor's scores on an entry: its mean and its band's value.
    let cell_of = move |scores: &Option<Vec<u8>>, e: &Entry| -> (Option<String>, Option<Value>) {
        match scores
            .as_ref()
            .and_then(|vals| crosswalk::cell(vals, e, &reg.config.bands))
        {
            Some(c) => (Some(c.display()), Some(bands[c.band].clone())),
            None => (None, None),
        }
    };
    let mut jobs = Vec::new();
    {
        // The matrix: one row per vendor, one cell per entry.
        let (shared, entries, info, cell_of, changes) = (
            Arc::clone(shared),
            entries.clone(),
            info.clone(),
            cell_of.clone(),
            changes.clone(),
        );
        let legend = band_legend(cfg);
        jobs.push(Job {
            vendor: None,
            pages: vec![meta(
                urls::framework(&f.slug),
                "framework.html",
                f.name.clone(),
            )],
            ctx: Box::new(move || {
                let matrix: Vec<MatrixRow> = (0..reg.vendors.len())
                    .map(|vi| MatrixRow {
                        vendor: shared.rows()[vi].clone(),
                        cells: f
                            .entries
                            .iter()
                            .map(|e| {
                                let (mean, band) = cell_of(&shared.scores()[vi], e);
                                MatrixCell {
                                    id: e.id.clone(),
                                    mean,
                                    band,
                                }
                            })
                            .collect(),
                    })
                    .collect();
                vec![to_value(FrameworkPage {
                    framework: info.clone(),
                    entries: entries.clone(),
                    matrix,
                    bands: legend.clone(),
                    changes: changes.clone(),
                })]
            }),
        });
    }
    for (ei, e) in f.entries.iter().enumerate() {
        let (shared, entry, info, cell_of) = (
            Arc::clone(shared),
            entries[ei].clone(),
            info.clone(),
            cell_of.clone(),
        );
        jobs.push(Job {
            vendor: None,
            pages: vec![meta(
                urls::entry(&f.slug, &e.slug),
                "entry.html",
                format!("{} {}", e.id, e.title),
            )],
            ctx: Box::new(move || {
                let vendors: Vec<EntryVendor> = (0..reg.vendors.len())
                    .map(|vi| {
                        let values = &shared.scores()[vi];
                        let (mean, band) = cell_of(values, e);
                        EntryVendor {
                            vendor: shared.rows()[vi].clone(),
                            scores: e
                                .dimensions
                                .iter()
                                .map(|d| values.as_ref().map(|vals| vals[*d]))
                                .collect(),
                            mean,
                            band,
                        }
                    })
                    .collect();
                vec![to_value(EntryPage {
                    framework: info.clone(),
                    entry: entry.clone(),
                    dimensions: dim_names(&e.dimensions),
                    vendors,
                    lineage: editions::lineage(reg, fi, ei),
                    mapped_to: editions::mapped_to(reg, fi, ei),
                    mapped_from: editions::mapped_from(reg, fi, &e.id),
                })]
            }),
        });
    }
    jobs
}

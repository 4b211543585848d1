//! The cross-walk: how a vendor stands on each entry of a framework, the mean of its scores
//! on the dimensions the entry maps to, in the band that mean falls in. The one place this
//! arithmetic is done; the vendor page, the framework matrix, the entry pages and the
//! framework's JSON all read it.
//!
//! A pure function, called where a cell is shown rather than stored: the full matrix is
//! vendors × entries of every catalog (millions of cells at 10,000 vendors), and each page
//! needs only its own row or column.

use crate::model::{Band, Entry, Registry, Vendor};

/// One cell of the cross-walk.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cell {
    /// The mean, rounded to one decimal.
    pub mean: f64,
    /// Index into `Config::bands`.
    pub band: usize,
}

impl Cell {
    /// `42.5`, as pages show it.
    pub fn display(&self) -> String {
        format!("{:.1}", self.mean)
    }
}

/// A vendor's dimension scores in dimension order; `None` when it is not yet scored.
pub fn scores(v: &Vendor) -> Option<Vec<u8>> {
    v.scores
        .as_ref()
        .map(|s| s.iter().map(|x| x.value).collect())
}

/// The cell of a vendor with `scores` on entry `e`; `None` for an entry mapped to no dimension.
pub fn cell(scores: &[u8], e: &Entry, bands: &[Band]) -> Option<Cell> {
    let mean = super::mean_score(scores, &e.dimensions)?;
    Some(Cell {
        mean,
        band: super::band_for(mean, bands),
    })
}

/// Vendor `vi`'s row of framework `fi`'s cross-walk, one cell per entry; `None` when the
/// vendor is not yet scored.
pub fn row(reg: &Registry, vi: usize, fi: usize) -> Option<Vec<Option<Cell>>> {
    let values = scores(&reg.vendors[vi])?;
    Some(
        reg.frameworks[fi]
            .entries
            .iter()
            .map(|e| cell(&values, e, &reg.config.bands))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(dimensions: Vec<usize>) -> Entry {
        Entry {
            id: "A.1".into(),
            slug: "a-1".into(),
            title: String::new(),
            description: String::new(),
            dimensions,
            categories: Vec::new(),
            previous: None,
            retired: None,
            aliases: Vec::new(),
        }
    }

    fn bands() -> Vec<Band> {
        [("low", 0.0), ("high", 50.0)]
            .iter()
            .map(|(k, m)| Band {
                key: k.to_string(),
                name: k.to_string(),
                min: *m,
                description: String::new(),
            })
            .collect()
    }

    #[test]
    fn a_cell_is_the_mean_of_the_mapped_dimensions_in_its_band() {
        // (40 + 61) / 2 = 50.5: one decimal, and in the band starting at 50.
        let c = cell(&[40, 0, 61], &entry(vec![0, 2]), &bands()).unwrap();
        assert_eq!((c.display(), c.band), ("50.5".to_string(), 1));
        let c = cell(&[40, 0, 45], &entry(vec![0, 2]), &bands()).unwrap();
        assert_eq!((c.display(), c.band), ("42.5".to_string(), 0));
        assert_eq!(cell(&[40], &entry(vec![]), &bands()), None);
    }
}

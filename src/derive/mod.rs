//! Derived facts, never typed by an editor: composite scores and bands per weight profile,
//! the status of every holding and report against the build date (`status`, the one
//! status engine), the back-links between vendors, certifications,
//! reports and frameworks, and the cross-walk (`crosswalk`: a vendor's mean score on each
//! framework entry). Pure functions of the registry and the build date.

pub mod crosswalk;
pub mod status;

use rayon::prelude::*;

use crate::date::Day;
use crate::model::{Band, Registry};

pub use status::{Assessed, Status};

/// A composite score for one vendor under one profile, in tenths (42.2 → 422) so that
/// rounding happens once, in integers, and output is identical on every platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Composite {
    pub tenths: u32,
    /// Index into `Config::bands`.
    pub band: usize,
}

impl Composite {
    /// `42.2`
    pub fn display(&self) -> String {
        format!("{}.{}", self.tenths / 10, self.tenths % 10)
    }

    pub fn value(&self) -> f64 {
        f64::from(self.tenths) / 10.0
    }
}

/// Everything derived, indexed like the registry's vectors.
#[derive(Debug, Clone)]
pub struct Derived {
    pub build_date: Day,
    /// `composites[vendor][profile]`; `None` when the vendor is not yet scored.
    pub composites: Vec<Option<Vec<Composite>>>,
    /// The status engine's answer per report ([`status::report`]).
    pub report_status: Vec<Assessed>,
    /// `holding_status[vendor][holding]` ([`status::holding`]).
    pub holding_status: Vec<Vec<Assessed>>,
    /// Report indices per vendor, newest approval first.
    pub reports_by_vendor: Vec<Vec<usize>>,
    /// Vendor indices per certification (holders), by vendor slug.
    pub holders_by_cert: Vec<Vec<usize>>,
    /// Report indices per certification.
    pub reports_by_cert: Vec<Vec<usize>>,
}

pub fn derive(reg: &Registry, build_date: Day) -> Derived {
    derive_reusing(reg, build_date, None)
}

/// An earlier derivation, and which vendors' inputs are unchanged since (`same[vi]`: the
/// vendor at index `vi` has the same file, reports and site-wide inputs, build date
/// included, as the vendor at `vi` then).
pub type Earlier = (Derived, Vec<bool>);

/// [`derive`], taking a vendor's composites and holding statuses from `earlier` where its
/// inputs are unchanged: they are functions of the vendor, its reports, the config and the
/// build date alone, all covered by the vendor's input key. Everything else is computed.
pub fn derive_reusing(reg: &Registry, build_date: Day, earlier: Option<Earlier>) -> Derived {
    let cfg = &reg.config;
    let n = reg.vendors.len();
    let (mut old_composites, mut old_holdings, same) = match earlier {
        Some((d, same))
            if d.build_date == build_date && d.composites.len() == n && same.len() == n =>
        {
            (d.composites, d.holding_status, same)
        }
        _ => (vec![None; n], vec![Vec::new(); n], vec![false; n]),
    };
    // Per vendor and per report, in parallel: each is a function of its own entry alone.
    let composites = reg
        .vendors
        .par_iter()
        .zip(old_composites.par_iter_mut())
        .zip(same.par_iter())
        .map(|((v, old), same)| {
            if *same {
                return old.take();
            }
            let scores = v.scores.as_ref()?;
            let values: Vec<u8> = scores.iter().map(|s| s.value).collect();
            Some(
                cfg.profiles
                    .iter()
                    .map(|p| composite(&values, &p.weights, &cfg.bands))
                    .collect(),
            )
        })
        .collect();
    let report_status = (0..reg.reports.len())
        .into_par_iter()
        .map(|ri| status::report(reg, ri, build_date))
        .collect();
    let holding_status = reg
        .vendors
        .par_iter()
        .zip(old_holdings.par_iter_mut())
        .zip(same.par_iter())
        .map(|((v, old), same)| {
            if *same {
                return std::mem::take(old);
            }
            (0..v.holdings.len())
                .map(|hi| status::holding(reg, v, hi, build_date))
                .collect()
        })
        .collect();

    let mut reports_by_vendor = vec![Vec::new(); reg.vendors.len()];
    let mut reports_by_cert = vec![Vec::new(); reg.certifications.len()];
    for (i, r) in reg.reports.iter().enumerate() {
        reports_by_vendor[r.vendor].push(i);
        reports_by_cert[r.certification].push(i);
    }
    for list in reports_by_vendor
        .iter_mut()
        .chain(reports_by_cert.iter_mut())
    {
        list.sort_by(|a, b| {
            let day = |i: &usize| reg.reports[*i].approved.map(|d| d.first_day());
            day(b).cmp(&day(a)).then(a.cmp(b))
        });
    }
    let mut holders_by_cert = vec![Vec::new(); reg.certifications.len()];
    for (vi, v) in reg.vendors.iter().enumerate() {
        for h in &v.holdings {
            // Vendors come in order, so a vendor already listed is the last one (a linear
            // `contains` here made this quadratic in the number of vendors).
            if holders_by_cert[h.certification].last() != Some(&vi) {
                holders_by_cert[h.certification].push(vi);
            }
        }
    }
    Derived {
        build_date,
        composites,
        report_status,
        holding_status,
        reports_by_vendor,
        holders_by_cert,
        reports_by_cert,
    }
}

/// A holding that may be shown as a current certificate: a certificate or report was seen
/// (basis) and the status engine finds it valid or expiring.
pub fn verified_current(h: &crate::model::Holding, a: &Assessed) -> bool {
    h.basis.is_some_and(|b| b.verified()) && a.status.current()
}

/// The three groups a certification page shows its holders in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum HolderGroup {
    /// A certificate or report was seen and it is valid or expiring.
    Verified,
    /// Claimed, reported, self-assessed, not dated or pending: not verified as current.
    Unverified,
    /// Expired, withdrawn or superseded.
    Ended,
}

impl HolderGroup {
    pub fn of(h: &crate::model::Holding, a: &Assessed) -> HolderGroup {
        if a.status.ended() {
            HolderGroup::Ended
        } else if verified_current(h, a) {
            HolderGroup::Verified
        } else {
            HolderGroup::Unverified
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            HolderGroup::Verified => "verified",
            HolderGroup::Unverified => "unverified",
            HolderGroup::Ended => "ended",
        }
    }
}

/// `(vendor, holding)` pairs of certification `ci`, in vendor order, with their group.
pub fn holdings_of(reg: &Registry, der: &Derived, ci: usize) -> Vec<(usize, usize, HolderGroup)> {
    let mut out = Vec::new();
    for &vi in &der.holders_by_cert[ci] {
        let v = &reg.vendors[vi];
        for (hi, h) in v.holdings.iter().enumerate() {
            if h.certification == ci {
                out.push((vi, hi, HolderGroup::of(h, &der.holding_status[vi][hi])));
            }
        }
    }
    out
}

/// Σ weight × score / 100, rounded half up to one decimal, with its band.
pub fn composite(scores: &[u8], weights: &[u32], bands: &[Band]) -> Composite {
    let tenths = crate::model::scores::composite_tenths(scores, weights);
    Composite {
        tenths,
        band: band_for(f64::from(tenths) / 10.0, bands),
    }
}

/// The band whose range holds `value` (bands are sorted by their lower bound).
pub fn band_for(value: f64, bands: &[Band]) -> usize {
    bands.iter().rposition(|b| value >= b.min).unwrap_or(0)
}

/// The mean of a vendor's scores on some dimensions, for framework cross-walk cells.
pub fn mean_score(scores: &[u8], dims: &[usize]) -> Option<f64> {
    if dims.is_empty() {
        return None;
    }
    let sum: u32 = dims.iter().map(|d| u32::from(scores[*d])).sum();
    Some((f64::from(sum) / dims.len() as f64 * 10.0).round() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bands() -> Vec<Band> {
        [
            ("low", 0.0),
            ("moderate", 20.0),
            ("elevated", 40.0),
            ("high", 60.0),
            ("critical", 80.0),
        ]
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
    fn default_balanced_composite_of_the_seed_vendor() {
        let c = composite(
            &[40, 45, 80, 20, 35, 40, 18, 30],
            &[25, 20, 15, 15, 10, 8, 5, 2],
            &bands(),
        );
        assert_eq!(c.display(), "42.2");
        assert_eq!(bands()[c.band].key, "elevated");
    }

    #[test]
    fn band_edges_are_inclusive_below() {
        let b = bands();
        assert_eq!(b[band_for(19.9, &b)].key, "low");
        assert_eq!(b[band_for(20.0, &b)].key, "moderate");
        assert_eq!(b[band_for(80.0, &b)].key, "critical");
        assert_eq!(b[band_for(100.0, &b)].key, "critical");
    }

    #[test]
    fn rounds_half_up() {
        // 33·50 + 67·50 = 5000 hundredths = 50.0; 1·5 = 5 hundredths → 0.1 (half up).
        assert_eq!(composite(&[1, 0], &[5, 95], &bands()).display(), "0.1");
        assert_eq!(composite(&[33, 67], &[50, 50], &bands()).display(), "50.0");
    }

    #[test]
    fn mean_of_mapped_dimensions() {
        assert_eq!(mean_score(&[10, 20, 40], &[0, 2]), Some(25.0));
        assert_eq!(mean_score(&[10], &[]), None);
    }
}

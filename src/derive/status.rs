//! The status engine: the one function that says whether a holding or a verification report
//! is valid on the build date. Pages, open data and `check` all read its answer, never their
//! own reading of the dates.
//!
//! The comparison rule for dates of year or month precision: a date stands for every day it
//! could mean. An end has passed only once its last day has passed ("valid until June 2023"
//! runs through 30 June 2023); a start is ahead only while its first day is ahead; a
//! withdrawal counts from its first day. A term added to a date keeps the date's precision
//! (June 2022 + 12 months = June 2023, never a particular day of it).

use crate::date::{Day, PartialDate};
use crate::model::{Certification, Holding, Registry, Report, Rule, Validity, Vendor};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    Valid,
    Expiring,
    Expired,
    Withdrawn,
    Superseded,
    Pending,
    NotDated,
}

impl Status {
    pub const ALL: &'static [Status] = &[
        Status::Valid,
        Status::Expiring,
        Status::Expired,
        Status::Withdrawn,
        Status::Superseded,
        Status::Pending,
        Status::NotDated,
    ];

    /// The token in open data and CSS classes.
    pub fn key(self) -> &'static str {
        match self {
            Status::Valid => "valid",
            Status::Expiring => "expiring",
            Status::Expired => "expired",
            Status::Withdrawn => "withdrawn",
            Status::Superseded => "superseded",
            Status::Pending => "pending",
            Status::NotDated => "not-dated",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Valid => "Valid",
            Status::Expiring => "Expiring soon",
            Status::Expired => "Expired",
            Status::Withdrawn => "Withdrawn",
            Status::Superseded => "Superseded",
            Status::Pending => "Pending",
            Status::NotDated => "Dates not recorded",
        }
    }

    /// What the status means, for the methodology page.
    pub fn meaning(self) -> &'static str {
        match self {
            Status::Valid => "Its validity, as stated or by the scheme's rule, runs past the expiring window.",
            Status::Expiring => "Its validity ends within the scheme's expiring window.",
            Status::Expired => "Its validity has ended and no renewal is recorded.",
            Status::Withdrawn => "The issuer withdrew or suspended it.",
            Status::Superseded => "A newer report or certificate of the same scheme (and level and scope) replaces it.",
            Status::Pending => "It starts after the build date.",
            Status::NotDated => "Neither its source nor the scheme's rule gives an end: the registry cannot say it is valid.",
        }
    }

    /// Valid or expiring: may be shown as current.
    pub fn current(self) -> bool {
        matches!(self, Status::Valid | Status::Expiring)
    }

    /// Expired, withdrawn or superseded: no longer held.
    pub fn ended(self) -> bool {
        matches!(
            self,
            Status::Expired | Status::Withdrawn | Status::Superseded
        )
    }
}

/// The dates the engine reads, from a holding or a report.
#[derive(Debug, Clone, Copy, Default)]
pub struct Dates {
    /// Issued or approved.
    pub start: Option<PartialDate>,
    /// The end its source states.
    pub until: Option<PartialDate>,
    /// The end of the period a report examined.
    pub period_end: Option<PartialDate>,
    pub withdrawn: Option<PartialDate>,
    pub superseded: bool,
}

/// The engine's answer: the status and the end it is based on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assessed {
    pub status: Status,
    /// The end of validity used: stated, or by the scheme's rule (`by_rule`).
    pub until: Option<PartialDate>,
    pub by_rule: bool,
}

/// The status of something with `dates` under `validity` on `today`; `default_window` is
/// site.toml's `expiring_within_days`.
pub fn assess(dates: &Dates, validity: &Validity, default_window: i64, today: Day) -> Assessed {
    let (until, by_rule) = match (dates.until, validity.rule) {
        (Some(u), _) => (Some(u), false),
        (None, Rule::Term { months }) => (dates.start.map(|s| add_months(s, months)), true),
        (None, Rule::Period { months }) => (dates.period_end.map(|e| add_months(e, months)), true),
        (None, Rule::Stated) => (None, false),
    };
    let by_rule = by_rule && until.is_some();
    let window = validity.expiring_within_days.unwrap_or(default_window);
    let status = if dates.withdrawn.is_some_and(|w| w.first_day() <= today) {
        Status::Withdrawn
    } else if dates.superseded {
        Status::Superseded
    } else if dates.start.is_some_and(|s| s.first_day() > today) {
        Status::Pending
    } else {
        match until {
            None => Status::NotDated,
            Some(u) if today > u.last_day() => Status::Expired,
            Some(u) if u.last_day().0 - today.0 <= window => Status::Expiring,
            Some(_) => Status::Valid,
        }
    };
    Assessed {
        status,
        until,
        by_rule,
    }
}

/// `d` plus `months`, in `d`'s precision (a day past the end of the target month is clamped
/// to its last day; a year-precise date moves by whole years, rounded up).
pub fn add_months(d: PartialDate, months: u32) -> PartialDate {
    match d.month {
        None => PartialDate {
            year: d.year + months.div_ceil(12) as i32,
            month: None,
            day: None,
        },
        Some(m) => {
            let total = i64::from(d.year) * 12 + i64::from(m - 1) + i64::from(months);
            let year = (total / 12) as i32;
            let month = (total % 12) as u8 + 1;
            let day = d
                .day
                .map(|day| day.min(crate::date::days_in_month(year, month)));
            PartialDate {
                year,
                month: Some(month),
                day,
            }
        }
    }
}

/// A source last verified more than `stale_after_days` before `today`; a source never
/// verified is not stale (pages say "not re-checked by an editor" instead).
pub fn source_stale(s: &crate::model::Source, today: Day, stale_after_days: i64) -> bool {
    s.verified
        .is_some_and(|v| today.0 - v.last_day().0 > stale_after_days)
}

/// The rule that applies at a level of a scheme: the level's own, else the scheme's. A level
/// without its own expiring window keeps the scheme's.
pub fn validity_for(cert: &Certification, level: Option<usize>) -> Validity {
    match level.and_then(|l| cert.level_validity.get(l).copied().flatten()) {
        Some(v) => Validity {
            rule: v.rule,
            expiring_within_days: v
                .expiring_within_days
                .or(cert.validity.expiring_within_days),
        },
        None => cert.validity,
    }
}

/// The date that orders holdings of one scheme: issued, else the end of the period examined.
fn key_date(h: &Holding) -> Option<PartialDate> {
    h.issued.or(h.period.map(|p| p.end))
}

/// The status of `v.holdings[hi]` on `today`. A holding is superseded by another of the same
/// scheme, level and scope whose date (issued, else the period's end) is later.
pub fn holding(reg: &Registry, v: &Vendor, hi: usize, today: Day) -> Assessed {
    let h = &v.holdings[hi];
    let cert = &reg.certifications[h.certification];
    let superseded = key_date(h).is_some_and(|mine| {
        v.holdings.iter().enumerate().any(|(oi, o)| {
            oi != hi
                && o.certification == h.certification
                && o.level == h.level
                && o.scope == h.scope
                && key_date(o).is_some_and(|theirs| theirs.first_day() > mine.last_day())
        })
    });
    let dates = Dates {
        start: h.valid_from.or(h.issued),
        until: h.valid_until,
        period_end: h.period.map(|p| p.end),
        withdrawn: h.withdrawn,
        superseded,
    };
    assess(
        &dates,
        &validity_for(cert, h.level),
        reg.config.expiring_within_days,
        today,
    )
}

/// The status of `reg.reports[ri]` on `today`. A report is superseded once another report
/// lists it in `earlier_reports`.
pub fn report(reg: &Registry, ri: usize, today: Day) -> Assessed {
    let r: &Report = &reg.reports[ri];
    let cert = &reg.certifications[r.certification];
    let superseded = reg
        .reports
        .iter()
        .any(|o| o.earlier_reports.iter().any(|e| e == &r.id));
    let dates = Dates {
        start: r.approved,
        until: r.valid_until,
        period_end: None,
        withdrawn: None,
        superseded,
    };
    assess(
        &dates,
        &validity_for(cert, r.level),
        reg.config.expiring_within_days,
        today,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> PartialDate {
        PartialDate::parse(s).unwrap()
    }
    fn day(s: &str) -> Day {
        d(s).first_day()
    }
    const TERM12: Validity = Validity {
        rule: Rule::Term { months: 12 },
        expiring_within_days: None,
    };
    const SOC2: Validity = Validity {
        rule: Rule::Period { months: 12 },
        expiring_within_days: Some(30),
    };

    fn status(dates: Dates, v: &Validity, today: &str) -> Status {
        assess(&dates, v, 90, day(today)).status
    }

    #[test]
    fn a_month_precise_end_runs_through_the_month() {
        let dates = Dates {
            until: Some(d("2023-06")),
            ..Dates::default()
        };
        assert_eq!(
            status(dates, &Validity::STATED, "2023-06-30"),
            Status::Expiring
        );
        assert_eq!(
            status(dates, &Validity::STATED, "2023-07-01"),
            Status::Expired
        );
        assert_eq!(
            status(dates, &Validity::STATED, "2023-04-01"),
            Status::Expiring
        );
        assert_eq!(
            status(dates, &Validity::STATED, "2023-03-31"),
            Status::Valid
        );
    }

    #[test]
    fn a_term_from_issue_keeps_the_precision() {
        let dates = Dates {
            start: Some(d("2022-06")),
            ..Dates::default()
        };
        let a = assess(&dates, &TERM12, 90, day("2023-07-01"));
        assert_eq!(
            (a.status, a.until, a.by_rule),
            (Status::Expired, Some(d("2023-06")), true)
        );
        assert_eq!(status(dates, &TERM12, "2023-06-30"), Status::Expiring);
        assert_eq!(add_months(d("2024-01-31"), 1), d("2024-02-29"));
        assert_eq!(add_months(d("2022"), 36), d("2025"));
        assert_eq!(add_months(d("2022-11"), 3), d("2023-02"));
    }

    #[test]
    fn a_report_period_covers_months_after_its_end() {
        let dates = Dates {
            period_end: Some(d("2024-03-31")),
            ..Dates::default()
        };
        assert_eq!(status(dates, &SOC2, "2025-02-28"), Status::Valid);
        assert_eq!(status(dates, &SOC2, "2025-03-01"), Status::Expiring);
        assert_eq!(status(dates, &SOC2, "2025-04-01"), Status::Expired);
    }

    #[test]
    fn without_an_end_nothing_is_valid() {
        let dates = Dates {
            start: Some(d("2020-08-31")),
            ..Dates::default()
        };
        assert_eq!(
            status(dates, &Validity::STATED, "2021-01-01"),
            Status::NotDated
        );
        assert_eq!(
            status(Dates::default(), &TERM12, "2021-01-01"),
            Status::NotDated
        );
    }

    #[test]
    fn a_source_is_stale_after_the_window_from_its_last_possible_day() {
        let source = |v: &str| crate::model::Source {
            verified: Some(d(v)),
            ..Default::default()
        };
        // 2025-06 counts from 30 June 2025: 365 days later is 30 June 2026.
        assert!(!source_stale(&source("2025-06"), day("2026-06-30"), 365));
        assert!(source_stale(&source("2025-06"), day("2026-07-01"), 365));
        assert!(!source_stale(
            &crate::model::Source::default(),
            day("2030-01-01"),
            365
        ));
    }

    #[test]
    fn withdrawn_superseded_and_pending_come_before_the_dates() {
        let base = Dates {
            start: Some(d("2026-06")),
            until: Some(d("2029-06")),
            ..Dates::default()
        };
        assert_eq!(status(base, &TERM12, "2026-05-31"), Status::Pending);
        assert_eq!(status(base, &TERM12, "2026-06-01"), Status::Valid);
        let superseded = Dates {
            superseded: true,
            ..base
        };
        assert_eq!(
            status(superseded, &TERM12, "2027-01-01"),
            Status::Superseded
        );
        let withdrawn = Dates {
            withdrawn: Some(d("2027-02")),
            ..superseded
        };
        assert_eq!(status(withdrawn, &TERM12, "2027-01-31"), Status::Superseded);
        assert_eq!(status(withdrawn, &TERM12, "2027-02-01"), Status::Withdrawn);
    }
}

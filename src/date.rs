//! Dates as sources give them: a year, a month or a day. A verification report "valid until
//! June 2023" is month-precise, and the registry must not pretend to know the day.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A calendar date with the precision of its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartialDate {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl PartialDate {
    pub fn ymd(year: i32, month: u8, day: u8) -> Self {
        PartialDate {
            year,
            month: Some(month),
            day: Some(day),
        }
    }

    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, rejecting dates that do not exist.
    pub fn parse(s: &str) -> Result<Self, String> {
        let parts: Vec<&str> = s.split('-').collect();
        let num = |p: &str, len: usize, what: &str| -> Result<u32, String> {
            if p.len() != len || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!(
                    "`{s}` is not a date: the {what} must be {len} digits"
                ));
            }
            p.parse::<u32>().map_err(|e| e.to_string())
        };
        if parts.is_empty() || parts.len() > 3 {
            return Err(format!(
                "`{s}` is not a date like 2022, 2022-06 or 2022-06-30"
            ));
        }
        let year = num(parts[0], 4, "year")? as i32;
        if !CONTENT_YEARS.contains(&year) {
            return Err(format!(
                "`{s}` is outside the years {} to {} that dates in content may have",
                CONTENT_YEARS.start(),
                CONTENT_YEARS.end()
            ));
        }
        let month = match parts.get(1) {
            Some(m) => {
                let m = num(m, 2, "month")?;
                if !(1..=12).contains(&m) {
                    return Err(format!("`{s}` has month {m}; months run from 01 to 12"));
                }
                Some(m as u8)
            }
            None => None,
        };
        let day = match parts.get(2) {
            Some(d) => {
                let d = num(d, 2, "day")?;
                let max = days_in_month(year, month.unwrap_or(1));
                if d == 0 || d > max as u32 {
                    return Err(format!(
                        "`{s}` does not exist: {} {year} has {max} days",
                        MONTHS[month.unwrap_or(1) as usize - 1]
                    ));
                }
                Some(d as u8)
            }
            None => None,
        };
        Ok(PartialDate { year, month, day })
    }

    /// The first day the date could mean (`2023-06` → 2023-06-01).
    pub fn first_day(&self) -> Day {
        Day::from_ymd(self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }

    /// The last day the date could mean (`2023-06` → 2023-06-30). "Valid until June 2023"
    /// means valid through the end of June.
    pub fn last_day(&self) -> Day {
        let month = self.month.unwrap_or(12);
        let day = self.day.unwrap_or_else(|| days_in_month(self.year, month));
        Day::from_ymd(self.year, month, day)
    }

    /// Human form with the source's precision: `June 2023`, `30 June 2023`, `2023`.
    pub fn human(&self) -> String {
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{d} {} {}", MONTHS[m as usize - 1], self.year),
            (Some(m), None) => format!("{} {}", MONTHS[m as usize - 1], self.year),
            _ => self.year.to_string(),
        }
    }
}

impl fmt::Display for PartialDate {
    /// ISO form with the source's precision: `2023`, `2023-06`, `2023-06-30`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

impl Serialize for PartialDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    /// Accepts a quoted string or a bare TOML date (which the toml crate hands over as a private
    /// one-entry map), so editors may write either `"2022-06"` or `2022-06-30`.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PartialDate;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date like \"2022\", \"2022-06\" or \"2022-06-30\"")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<PartialDate, E> {
                PartialDate::parse(s).map_err(E::custom)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PartialDate, A::Error> {
                let Some((_key, value)) = map.next_entry::<String, String>()? else {
                    return Err(de::Error::custom("expected a date like \"2022-06-30\""));
                };
                if value.contains('T') || value.contains(':') {
                    return Err(de::Error::custom(format!(
                        "`{value}` has a time; give only the date, e.g. \"{}\"",
                        &value[..value.len().min(10)]
                    )));
                }
                PartialDate::parse(&value).map_err(de::Error::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// A day as a count since 1970-01-01 (proleptic Gregorian), for date arithmetic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub i64);

impl Day {
    /// Howard Hinnant's `days_from_civil`.
    pub fn from_ymd(y: i32, m: u8, d: u8) -> Day {
        let y = i64::from(y) - i64::from(m <= 2);
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let m = i64::from(m);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Day(era * 146_097 + doe - 719_468)
    }

    /// Howard Hinnant's `civil_from_days`.
    pub fn to_ymd(self) -> (i32, u8, u8) {
        let z = self.0 + 719_468;
        let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let y = (yoe + era * 400 + i64::from(m <= 2)) as i32;
        (y, m, d)
    }

    pub fn from_unix_seconds(secs: i64) -> Day {
        Day(secs.div_euclid(86_400))
    }

    pub fn to_date(self) -> PartialDate {
        let (y, m, d) = self.to_ymd();
        PartialDate::ymd(y, m, d)
    }
}

pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Years a date in content may have. Nothing a registry cites happened before 1900, and a
/// year past 2999 is a typo; year 0 does not exist in the calendar at all.
pub const CONTENT_YEARS: std::ops::RangeInclusive<i32> = 1900..=2999;

/// The last second `SOURCE_DATE_EPOCH` may name: 9999-12-31T23:59:59Z. Dates are printed with
/// four-digit years, and before 1970 (a negative value) the variable means nothing.
pub const MAX_SOURCE_DATE_EPOCH: i64 = 253_402_300_799;

/// The build date: `SOURCE_DATE_EPOCH` when set (reproducible builds), else today (UTC).
pub fn build_date_from_env() -> Result<Day, String> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) => parse_source_date_epoch(&v),
        Err(_) => {
            let secs = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0);
            Ok(Day::from_unix_seconds(secs))
        }
    }
}

/// `SOURCE_DATE_EPOCH`: whole seconds since 1970-01-01 UTC, from 0 to the end of year 9999.
pub fn parse_source_date_epoch(v: &str) -> Result<Day, String> {
    let shown: String = v
        .chars()
        .take(40)
        .collect::<String>()
        .escape_debug()
        .collect();
    let secs = v.trim().parse::<i64>().map_err(|_| {
        format!("SOURCE_DATE_EPOCH=`{shown}` is not a number of seconds since 1970-01-01 UTC")
    })?;
    if !(0..=MAX_SOURCE_DATE_EPOCH).contains(&secs) {
        return Err(format!(
            "SOURCE_DATE_EPOCH={secs} is outside the supported range: 0 (1970-01-01) to {MAX_SOURCE_DATE_EPOCH} (9999-12-31)"
        ));
    }
    Ok(Day::from_unix_seconds(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_precision() {
        assert_eq!(PartialDate::parse("2023").unwrap().to_string(), "2023");
        assert_eq!(PartialDate::parse("2023-06").unwrap().human(), "June 2023");
        assert_eq!(
            PartialDate::parse("2024-02-29").unwrap().human(),
            "29 February 2024"
        );
    }

    #[test]
    fn rejects_impossible_dates() {
        for bad in [
            "2023-02-29",
            "2023-13",
            "2023-00",
            "23-01-01",
            "2023-6",
            "June 2023",
            "2023-06-31",
        ] {
            assert!(PartialDate::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn rejects_years_outside_the_content_range() {
        for bad in ["0000-01-01", "0001", "1899-12", "3000-01-01", "9999"] {
            let e = PartialDate::parse(bad).unwrap_err();
            assert!(e.contains("outside the years 1900 to 2999"), "{bad}: {e}");
        }
        assert!(PartialDate::parse("1900-01-01").is_ok());
        assert!(PartialDate::parse("2999-12-31").is_ok());
    }

    #[test]
    fn source_date_epoch_range() {
        assert_eq!(parse_source_date_epoch("0").unwrap().to_ymd(), (1970, 1, 1));
        assert_eq!(
            parse_source_date_epoch(" 253402300799 ").unwrap().to_ymd(),
            (9999, 12, 31)
        );
        for bad in ["253402300800", "-1", "99999999999999"] {
            let e = parse_source_date_epoch(bad).unwrap_err();
            assert!(e.contains("outside the supported range"), "{bad}: {e}");
        }
        assert_eq!(
            parse_source_date_epoch("soon").unwrap_err(),
            "SOURCE_DATE_EPOCH=`soon` is not a number of seconds since 1970-01-01 UTC"
        );
    }

    #[test]
    fn month_precision_spans_the_month() {
        let d = PartialDate::parse("2023-06").unwrap();
        assert_eq!(d.first_day().to_ymd(), (2023, 6, 1));
        assert_eq!(d.last_day().to_ymd(), (2023, 6, 30));
    }

    #[test]
    fn day_round_trips() {
        for days in [-1000, 0, 19_000, 20_779] {
            let (y, m, d) = Day(days).to_ymd();
            assert_eq!(Day::from_ymd(y, m, d), Day(days));
        }
        assert_eq!(Day::from_unix_seconds(0).to_ymd(), (1970, 1, 1));
    }

    #[test]
    fn deserializes_quoted_and_bare_toml_dates() {
        #[derive(Deserialize)]
        struct T {
            a: PartialDate,
            b: PartialDate,
        }
        let t: T = toml::from_str("a = \"2022-06\"\nb = 2022-06-30\n").unwrap();
        assert_eq!(t.a.to_string(), "2022-06");
        assert_eq!(t.b.to_string(), "2022-06-30");
        assert!(toml::from_str::<T>("a = \"2022-02-30\"\nb = 2022-06-30\n").is_err());
    }
}

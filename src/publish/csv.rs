//! CSV downloads of the vendor table and the register, for spreadsheets. One row per vendor
//! or report, keyed by its stable ID (slug or verification ID); dates are ISO in the source's
//! precision; a vendor not yet scored has empty score cells, never zeros. RFC 4180 (CRLF).
//!
//! Every cell goes through [`field`], which neutralises spreadsheet formulas (OWASP "CSV
//! Injection"): a text cell that begins with `=`, `+`, `-`, `@`, tab or carriage return gets a
//! leading `'` and double quotes, so a spreadsheet shows it as text instead of running it.
//! Only a cell of a numeric column that is a plain number (`-1.5`) is written as it is.

use crate::derive::Derived;
use crate::model::Registry;
use crate::urls;

use super::{abs, Out};
use crate::render::OutputFile;

pub fn files(reg: &Registry, der: &Derived, out: &Out) {
    let path = urls::path_of(urls::VENDORS_CSV);
    out.listing_file(path.clone(), || table(&path, vendor_rows(reg, der)));
    let path = urls::path_of(urls::REGISTER_CSV);
    out.listing_file(path.clone(), || table(&path, register_rows(reg, der)));
}

/// One cell of a table: text, or the value of a numeric column (a score, a year).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    Number(String),
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}

/// Whether a spreadsheet would read a text cell as a formula (OWASP's list).
pub fn starts_formula(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// `-12`, `42.2`: a number a spreadsheet reads as a number and nothing else.
fn plain_number(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, "0"));
    !int.is_empty()
        && !frac.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
}

/// One cell as an RFC 4180 field: the one place every CSV cell the tool writes is encoded.
/// A would-be formula becomes `"'=…"`; a field with a comma, quote or line break is quoted
/// with inner quotes doubled; anything else is written as it is.
pub fn field(cell: &Cell) -> String {
    let (s, numeric) = match cell {
        Cell::Text(s) => (s.as_str(), false),
        Cell::Number(s) => (s.as_str(), true),
    };
    let neutralise = starts_formula(s) && !(numeric && plain_number(s));
    if neutralise || s.contains([',', '"', '\r', '\n']) {
        let mut out = String::with_capacity(s.len() + 3);
        out.push('"');
        if neutralise {
            out.push('\'');
        }
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
        out
    } else {
        s.to_string()
    }
}

/// The rows as an RFC 4180 file: comma-separated, CRLF after every row.
fn table(path: &str, rows: Vec<Vec<Cell>>) -> OutputFile {
    let mut text = String::new();
    for r in rows {
        let fields: Vec<String> = r.iter().map(field).collect();
        text.push_str(&fields.join(","));
        text.push_str("\r\n");
    }
    OutputFile {
        path: path.to_string(),
        bytes: text.into_bytes(),
    }
}

fn text(v: Vec<String>) -> Vec<Cell> {
    v.into_iter().map(Cell::Text).collect()
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

/// `slug, name, url, category, hq_country, hq_city, founded, rating`, then a composite and a
/// band per weight profile, a score per dimension, certification slugs, report IDs, the
/// newest verification date of the vendor's sources, the slugs of verified current holdings,
/// and every holding as `slug:status:basis`.
fn vendor_rows(reg: &Registry, der: &Derived) -> Vec<Vec<Cell>> {
    let cfg = &reg.config;
    let mut head: Vec<String> = [
        "slug",
        "name",
        "url",
        "category",
        "hq_country",
        "hq_city",
        "founded",
        "rating",
    ]
    .map(String::from)
    .to_vec();
    for p in &cfg.profiles {
        head.push(format!("composite_{}", p.key));
        head.push(format!("band_{}", p.key));
    }
    head.extend(cfg.dimensions.iter().map(|d| format!("score_{}", d.key)));
    head.extend(
        [
            "certifications",
            "reports",
            "last_verified",
            "certifications_verified",
            "holdings",
        ]
        .map(String::from),
    );
    let mut rows = vec![text(head)];
    for (vi, v) in reg.vendors.iter().enumerate() {
        let mut row: Vec<Cell> = vec![
            v.slug.as_str().into(),
            v.name.as_str().into(),
            abs(reg, &urls::vendor(&v.slug)).into(),
            cfg.categories[v.category].key.as_str().into(),
            opt(&v.hq_country).into(),
            opt(&v.hq_city).into(),
            Cell::Number(v.founded.map(|f| f.to_string()).unwrap_or_default()),
            v.rating
                .map(|r| cfg.ratings[r].key.clone())
                .unwrap_or_default()
                .into(),
        ];
        for pi in 0..cfg.profiles.len() {
            match &der.composites[vi] {
                Some(c) => {
                    row.push(Cell::Number(c[pi].display()));
                    row.push(cfg.bands[c[pi].band].key.as_str().into());
                }
                None => row.extend([Cell::Number(String::new()), "".into()]),
            }
        }
        for di in 0..cfg.dimensions.len() {
            row.push(Cell::Number(
                v.scores
                    .as_ref()
                    .map(|s| s[di].value.to_string())
                    .unwrap_or_default(),
            ));
        }
        let mut certs: Vec<&str> = Vec::new();
        for h in &v.holdings {
            let slug = reg.certifications[h.certification].slug.as_str();
            if !certs.contains(&slug) {
                certs.push(slug);
            }
        }
        row.push(certs.join(";").into());
        row.push(
            der.reports_by_vendor[vi]
                .iter()
                .map(|ri| reg.reports[*ri].id.as_str())
                .collect::<Vec<_>>()
                .join(";")
                .into(),
        );
        row.push(
            v.sources
                .iter()
                .filter_map(|s| s.source.verified)
                .max_by_key(|d| d.last_day())
                .map(|d| d.to_string())
                .unwrap_or_default()
                .into(),
        );
        // What the registry knows of each holding: only `certifications_verified` may be
        // read as certificates held today.
        let assessed = v.holdings.iter().zip(&der.holding_status[vi]);
        let mut verified: Vec<&str> = Vec::new();
        let mut holdings: Vec<String> = Vec::new();
        for (h, a) in assessed {
            let slug = reg.certifications[h.certification].slug.as_str();
            if crate::derive::verified_current(h, a) && !verified.contains(&slug) {
                verified.push(slug);
            }
            holdings.push(format!(
                "{slug}:{}:{}",
                a.status.key(),
                h.basis.map_or("not-recorded", |b| b.key())
            ));
        }
        row.push(verified.join(";").into());
        row.push(holdings.join(";").into());
        rows.push(row);
    }
    rows
}

fn register_rows(reg: &Registry, der: &Derived) -> Vec<Vec<Cell>> {
    let head = [
        "id",
        "url",
        "vendor",
        "vendor_name",
        "certification",
        "certification_name",
        "scheme_version",
        "level",
        "declaring_entity",
        "monitoring_body",
        "approved",
        "valid_until",
        "valid_through",
        "status",
    ]
    .map(String::from)
    .to_vec();
    let mut rows = vec![text(head)];
    for (ri, r) in reg.reports.iter().enumerate() {
        let c = &reg.certifications[r.certification];
        let v = &reg.vendors[r.vendor];
        rows.push(text(vec![
            r.id.clone(),
            abs(reg, &urls::report(&r.slug)),
            v.slug.clone(),
            v.name.clone(),
            c.slug.clone(),
            c.name.clone(),
            opt(&r.scheme_version),
            r.level.map(|l| c.levels[l].key.clone()).unwrap_or_default(),
            r.declaring_entity.clone(),
            r.monitoring_body.clone(),
            r.approved.map(|d| d.to_string()).unwrap_or_default(),
            r.valid_until.map(|d| d.to_string()).unwrap_or_default(),
            der.report_status[ri]
                .until
                .map(|d| d.last_day().to_date().to_string())
                .unwrap_or_default(),
            der.report_status[ri].status.key().to_string(),
        ]));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        let t = |s: &str| field(&Cell::Text(s.into()));
        let n = |s: &str| field(&Cell::Number(s.into()));
        assert_eq!(
            t("=HYPERLINK(\"http://x\",\"y\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""
        );
        for s in ["+1", "-1", "@SUM(A1)", "\tx", "\rx", "-"] {
            assert_eq!(t(s), format!("\"'{s}\""), "{s:?}");
        }
        assert_eq!(n("-12"), "-12");
        assert_eq!(n("-1.5"), "-1.5");
        assert_eq!(n("-1+2"), "\"'-1+2\"");
        assert_eq!(n("=1"), "\"'=1\"");
        assert_eq!(n(""), "");
        assert_eq!(t("Acme, Inc."), "\"Acme, Inc.\"");
        assert_eq!(t("a\"b"), "\"a\"\"b\"");
        assert_eq!(t("plain"), "plain");
        assert_eq!(t(""), "");
        assert_eq!(t("x=1"), "x=1");
    }
}

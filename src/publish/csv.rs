//! CSV downloads of the vendor table and the register, for spreadsheets. One row per vendor
//! or report, keyed by its stable ID (slug or verification ID); dates are ISO in the source's
//! precision; a vendor not yet scored has empty score cells, never zeros. RFC 4180 (CRLF).

use crate::derive::Derived;
use crate::model::Registry;
use crate::render::views::{report_url, vendor_url};

use super::{abs, Out};
use crate::render::OutputFile;

pub fn files(reg: &Registry, der: &Derived, out: &mut Out) {
    out.push(table("api/vendors.csv", vendor_rows(reg, der)));
    out.push(table("api/register.csv", register_rows(reg, der)));
}

fn table(path: &str, rows: Vec<Vec<String>>) -> OutputFile {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for r in rows {
        w.write_record(&r).expect("writing to memory cannot fail");
    }
    OutputFile {
        path: path.to_string(),
        bytes: w.into_inner().expect("writing to memory cannot fail"),
    }
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

/// `slug, name, url, category, hq_country, hq_city, founded, rating`, then a composite and a
/// band per weight profile, a score per dimension, certification slugs, report IDs and the
/// newest verification date of the vendor's sources.
fn vendor_rows(reg: &Registry, der: &Derived) -> Vec<Vec<String>> {
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
    head.extend(["certifications", "reports", "last_verified"].map(String::from));
    let mut rows = vec![head];
    for (vi, v) in reg.vendors.iter().enumerate() {
        let mut row = vec![
            v.slug.clone(),
            v.name.clone(),
            abs(reg, &vendor_url(&v.slug)),
            cfg.categories[v.category].key.clone(),
            opt(&v.hq_country),
            opt(&v.hq_city),
            v.founded.map(|f| f.to_string()).unwrap_or_default(),
            v.rating
                .map(|r| cfg.ratings[r].key.clone())
                .unwrap_or_default(),
        ];
        for pi in 0..cfg.profiles.len() {
            match &der.composites[vi] {
                Some(c) => {
                    row.push(c[pi].display());
                    row.push(cfg.bands[c[pi].band].key.clone());
                }
                None => row.extend([String::new(), String::new()]),
            }
        }
        for di in 0..cfg.dimensions.len() {
            row.push(
                v.scores
                    .as_ref()
                    .map(|s| s[di].value.to_string())
                    .unwrap_or_default(),
            );
        }
        let mut certs: Vec<&str> = Vec::new();
        for h in &v.holdings {
            let slug = reg.certifications[h.certification].slug.as_str();
            if !certs.contains(&slug) {
                certs.push(slug);
            }
        }
        row.push(certs.join(";"));
        row.push(
            der.reports_by_vendor[vi]
                .iter()
                .map(|ri| reg.reports[*ri].id.as_str())
                .collect::<Vec<_>>()
                .join(";"),
        );
        row.push(
            v.sources
                .iter()
                .map(|s| s.verified)
                .max_by_key(|d| d.last_day())
                .map(|d| d.to_string())
                .unwrap_or_default(),
        );
        rows.push(row);
    }
    rows
}

fn register_rows(reg: &Registry, der: &Derived) -> Vec<Vec<String>> {
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
    let mut rows = vec![head];
    for (ri, r) in reg.reports.iter().enumerate() {
        let c = &reg.certifications[r.certification];
        let v = &reg.vendors[r.vendor];
        rows.push(vec![
            r.id.clone(),
            abs(reg, &report_url(&r.slug)),
            v.slug.clone(),
            v.name.clone(),
            c.slug.clone(),
            c.name.clone(),
            opt(&r.scheme_version),
            r.level.map(|l| c.levels[l].key.clone()).unwrap_or_default(),
            r.declaring_entity.clone(),
            r.monitoring_body.clone(),
            r.approved.to_string(),
            r.valid_until.to_string(),
            r.valid_until.last_day().to_date().to_string(),
            der.report_status[ri].key().to_string(),
        ]);
    }
    rows
}

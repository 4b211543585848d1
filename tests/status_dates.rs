//! The status engine seen from outside: the real binary builds the bundled registry at build
//! dates on both sides of each expiry (`SOURCE_DATE_EPOCH`), and every page kind and open-data
//! file must give the same status for the Alibaba Cloud EU Cloud CoC verification (approved
//! June 2022, valid until June 2023, the scheme's 90-day window): pending before June 2022,
//! valid, expiring from 1 April 2023, still expiring on 30 June 2023 (a month-precise end runs
//! through the month), expired from 1 July 2023. The holdings that state no end stay
//! `not-dated` on every date, and never appear as current certificates.

mod support;

use std::fs;
use std::path::Path;

use serde_json::Value;
use support::{repo, trustatlas};
use trustatlas::date::Day;

/// The bundled site built on `y-m-d`, into a fresh folder.
fn build_on(y: i32, m: u8, d: u8) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let epoch = Day::from_ymd(y, m, d).0 * 86_400;
    let o = trustatlas()
        .args(["build", "--root"])
        .arg(repo())
        .arg("--out")
        .arg(out.path().join("public"))
        .env("SOURCE_DATE_EPOCH", epoch.to_string())
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{y}-{m}-{d}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

fn read(out: &Path, rel: &str) -> String {
    fs::read_to_string(out.join("public").join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn json(out: &Path, rel: &str) -> Value {
    serde_json::from_str(&read(out, rel)).unwrap()
}

/// The text of `html` from `start` up to the next `end` (or the end of the page).
fn section<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html.find(start).unwrap_or_else(|| panic!("no {start}"));
    let rest = &html[from..];
    let to = rest[start.len()..]
        .find(end)
        .map_or(rest.len(), |i| i + start.len());
    &rest[..to]
}

/// Every place that shows the EU Cloud CoC holding and report, checked against `status`.
fn assert_everywhere(out: &Path, when: &str, status: &str, label: &str) {
    let badge = format!("<span class=\"status status-{status}\">{label}</span>");
    let evidence = format!("{badge} <span class=\"basis basis-report\">Basis: Report seen</span>");
    for page in [
        "vendor/alibaba-cloud/index.html",
        "vendor/alibaba-cloud/pack/index.html",
    ] {
        let html = read(out, page);
        assert!(html.contains(&evidence), "{when}: {page} lacks {evidence}");
    }
    // The certification page puts the holder in the group its status and basis give.
    let cert = read(out, "certification/eu-cloud-coc/index.html");
    let group = match status {
        "valid" | "expiring" => "id=\"verified-title\"",
        "expired" => "id=\"ended-title\"",
        _ => "id=\"claimed-title\"",
    };
    let part = section(&cert, group, "<section");
    assert!(
        part.contains("href=\"/vendor/alibaba-cloud/\"") && part.contains(&evidence),
        "{when}: the EU Cloud CoC page does not list Alibaba Cloud under {group}:\n{part}"
    );
    for other in [
        "id=\"verified-title\"",
        "id=\"claimed-title\"",
        "id=\"ended-title\"",
    ] {
        if other != group {
            let part = section(&cert, other, "<section");
            assert!(
                !part.contains("href=\"/vendor/alibaba-cloud/\""),
                "{when}: Alibaba Cloud also under {other}"
            );
        }
    }
    // The report: its page, the register and the vendor page's report table.
    let report_badge = format!("{}</span>", badge.trim_end_matches("</span>"));
    for page in [
        "register/2020lvl02scope013/index.html",
        "register/index.html",
        "vendor/alibaba-cloud/index.html",
    ] {
        assert!(
            read(out, page).contains(&report_badge),
            "{when}: {page} lacks the report's {label}"
        );
    }
    // Open data.
    let vendor = json(out, "api/vendors/alibaba-cloud.json");
    let holdings = vendor["vendor"]["certifications"].as_array().unwrap();
    let coc = holdings
        .iter()
        .find(|h| h["certification"] == "eu-cloud-coc")
        .unwrap();
    assert_eq!(coc["status"], status, "{when}: vendor JSON");
    assert_eq!(coc["basis"], "report");
    assert_eq!(
        coc["verified_current"],
        matches!(status, "valid" | "expiring"),
        "{when}"
    );
    assert_eq!(coc["valid_through"], "2023-06-30");
    for h in holdings
        .iter()
        .filter(|h| h["certification"] != "eu-cloud-coc")
    {
        assert_eq!(h["status"], "not-dated", "{when}: {}", h["certification"]);
        assert_eq!(h["verified_current"], false);
    }
    let certs = json(out, "api/certifications.json");
    let entry = certs["certifications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["slug"] == "eu-cloud-coc")
        .unwrap();
    assert_eq!(entry["holdings"][0]["status"], status, "{when}");
    let register = json(out, "api/register.json");
    assert_eq!(register["reports"][0]["status"], status, "{when}: register");
    let csv = read(out, "api/vendors.csv");
    assert!(
        csv.contains(&format!("eu-cloud-coc:{status}:report")),
        "{when}: vendors.csv\n{csv}"
    );
    let register_csv = read(out, "api/register.csv");
    assert!(
        register_csv
            .lines()
            .any(|l| l.starts_with("2020LVL02SCOPE013,") && l.ends_with(&format!(",{status}"))),
        "{when}: register.csv\n{register_csv}"
    );
    // The chips of the vendor list show only a verified, current holding.
    let list = read(out, "vendor/index.html");
    let row = section(&list, "href=\"/vendor/alibaba-cloud/\"", "</tr>");
    assert_eq!(
        row.contains("class=\"chip\" href=\"/certification/eu-cloud-coc/\""),
        matches!(status, "valid" | "expiring"),
        "{when}: chips of the vendor list:\n{row}"
    );
    assert!(
        !row.contains("href=\"/certification/iso-27001/\""),
        "{when}: a claimed ISO 27001 shown as a chip"
    );
}

#[test]
fn status_on_both_sides_of_every_expiry() {
    for (y, m, d, status, label) in [
        (2022, 5, 31, "pending", "Pending"),
        (2022, 6, 1, "valid", "Valid"),
        (2023, 3, 31, "valid", "Valid"),
        (2023, 4, 1, "expiring", "Expiring soon"),
        (2023, 6, 30, "expiring", "Expiring soon"),
        (2023, 7, 1, "expired", "Expired"),
    ] {
        let out = build_on(y, m, d);
        assert_everywhere(out.path(), &format!("{y}-{m:02}-{d:02}"), status, label);
    }
}

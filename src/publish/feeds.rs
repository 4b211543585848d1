//! The Atom feed of changes to the registry (`/feed.xml`) and the iCalendar file of report
//! expiry dates (`/api/register-expiry.ics`).
//!
//! The feed lists what happened up to the build date: reports approved, entering their
//! expiry warning period and expired; vendors' facts verified and re-verified (the dates in
//! their sources tables); vendors removed. Every entry has a stable ID derived from what it is
//! about, so a feed reader shows each change once however often the site is rebuilt.
//!
//! Every text and attribute value goes through [`xml_chars`]: XML 1.0 forbids the control
//! characters below U+0020 other than tab, LF and CR even as `&#7;`, and one of them makes
//! the whole feed unreadable. The loader rejects them; the writer does not depend on it.

use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;

use crate::date::Day;
use crate::derive::{Derived, Status};
use crate::model::Registry;
use crate::render::OutputFile;
use crate::urls;

use super::{abs, ics, stable_uuid, Out};

/// Entries in the feed, newest first; older changes stay on the pages and in the JSON.
pub const FEED_ENTRIES: usize = 200;

pub fn files(reg: &Registry, der: &Derived, out: &Out) {
    let path = urls::path_of(urls::FEED);
    out.listing_file(path.clone(), || OutputFile {
        path,
        bytes: atom(reg, der),
    });
    let path = urls::path_of(urls::CALENDAR);
    out.listing_file(path.clone(), || OutputFile {
        path,
        bytes: ics::calendar(reg, der).into_bytes(),
    });
}

/// One change to the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub day: Day,
    /// What the change is about, e.g. `report/2020lvl02scope013/expired`: the entry ID's seed.
    pub key: String,
    pub title: String,
    pub summary: String,
    /// Site path of the page it concerns.
    pub path: String,
}

/// Every change up to the build date, newest first.
pub fn changes(reg: &Registry, der: &Derived) -> Vec<Change> {
    let today = der.build_date;
    let mut out = Vec::new();
    for (ri, r) in reg.reports.iter().enumerate() {
        let v = &reg.vendors[r.vendor];
        let c = &reg.certifications[r.certification];
        let about = format!("{} for {} ({})", r.id, v.name, c.short_name);
        let path = urls::report(&r.slug);
        let assessed = der.report_status[ri];
        if let Some(approved) = r.approved {
            out.push(Change {
                day: approved.first_day(),
                key: format!("report/{}/approved", r.slug),
                title: format!("Verification report approved: {about}"),
                summary: match assessed.until {
                    Some(u) => format!("Approved {}, valid until {}.", approved.human(), u.human()),
                    None => format!(
                        "Approved {}; end of validity not recorded.",
                        approved.human()
                    ),
                },
                path: path.clone(),
            });
        }
        let Some(until) = assessed.until else {
            continue;
        };
        let last = until.last_day();
        // The same window the status engine used: the scheme's (or level's), else site.toml's.
        let window = crate::derive::status::validity_for(c, r.level)
            .expiring_within_days
            .unwrap_or(reg.config.expiring_within_days);
        let warn = Day(last.0 - window);
        if assessed.status != Status::Valid && warn < last {
            out.push(Change {
                day: warn,
                key: format!("report/{}/expiring", r.slug),
                title: format!("Verification report expiring soon: {about}"),
                summary: format!("Valid until {}.", until.human()),
                path: path.clone(),
            });
        }
        if assessed.status == Status::Expired {
            out.push(Change {
                day: Day(last.0 + 1),
                key: format!("report/{}/expired", r.slug),
                title: format!("Verification report expired: {about}"),
                summary: format!("It was valid until {}.", until.human()),
                path,
            });
        }
    }
    for v in &reg.vendors {
        let mut days: Vec<Day> = v
            .sources
            .iter()
            .filter_map(|s| s.source.verified.map(|d| d.last_day()))
            .collect();
        days.sort();
        days.dedup();
        for (i, day) in days.iter().enumerate() {
            let n = v
                .sources
                .iter()
                .filter(|s| s.source.verified.map(|d| d.last_day()) == Some(*day))
                .count();
            let (what, key) = if i == 0 {
                ("facts verified", "verified")
            } else {
                ("facts re-verified", "reverified")
            };
            out.push(Change {
                day: *day,
                key: format!("vendor/{}/{key}/{}", v.slug, day.to_date()),
                title: format!("{}: {what}", v.name),
                summary: format!(
                    "{n} cited source{} checked on {}.",
                    if n == 1 { "" } else { "s" },
                    day.to_date().human()
                ),
                path: urls::vendor(&v.slug),
            });
        }
    }
    for v in &reg.removed_vendors {
        let r = v.removed.as_ref().expect("removed vendors carry a removal");
        out.push(Change {
            day: r.on.first_day(),
            key: format!("vendor/{}/removed", v.slug),
            title: format!("{} removed from the registry", v.name),
            summary: r.reason.clone(),
            path: urls::vendor(&v.slug),
        });
    }
    out.retain(|c| c.day <= today);
    out.sort_by(|a, b| b.day.cmp(&a.day).then(a.key.cmp(&b.key)));
    out
}

fn timestamp(day: Day) -> String {
    format!("{}T00:00:00Z", day.to_date())
}

fn atom(reg: &Registry, der: &Derived) -> Vec<u8> {
    let changes = changes(reg, der);
    let updated = changes.first().map(|c| c.day).unwrap_or(der.build_date);
    let title = format!("{}: changes to the registry", reg.config.title);
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    let write = |w: &mut Writer<Vec<u8>>| -> std::io::Result<()> {
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
        w.create_element("feed")
            .with_attribute(("xmlns", "http://www.w3.org/2005/Atom"))
            .with_attribute(("xml:lang", xml_chars(&reg.config.language).as_ref()))
            .write_inner_content(|w| {
                text(w, "id", &abs(reg, urls::FEED))?;
                text(w, "title", &title)?;
                text(w, "subtitle", &reg.config.description)?;
                text(w, "updated", &timestamp(updated))?;
                link(w, "self", &abs(reg, urls::FEED))?;
                link(w, "alternate", &abs(reg, urls::HOME))?;
                w.create_element("author")
                    .write_inner_content(|w| text(w, "name", &reg.config.title))?;
                w.create_element("generator")
                    .with_attribute(("version", env!("CARGO_PKG_VERSION")))
                    .write_text_content(BytesText::new("trustatlas"))?;
                for c in changes.iter().take(FEED_ENTRIES) {
                    w.create_element("entry").write_inner_content(|w| {
                        let id = stable_uuid(reg, &format!("feed/{}", c.key));
                        text(w, "id", &format!("urn:uuid:{id}"))?;
                        text(w, "title", &c.title)?;
                        text(w, "updated", &timestamp(c.day))?;
                        link(w, "alternate", &abs(reg, &c.path))?;
                        text(w, "summary", &c.summary)
                    })?;
                }
                Ok(())
            })?;
        Ok(())
    };
    write(&mut w).expect("writing to memory cannot fail");
    let mut bytes = w.into_inner();
    bytes.push(b'\n');
    bytes
}

/// `value` with every character XML 1.0 does not allow (C0 controls other than tab, LF and
/// CR; U+FFFE and U+FFFF) replaced by U+FFFD, the replacement character.
pub fn xml_chars(value: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| {
        (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
    };
    if value.contains(bad) {
        value.replace(bad, "\u{FFFD}").into()
    } else {
        value.into()
    }
}

fn text(w: &mut Writer<Vec<u8>>, name: &str, value: &str) -> std::io::Result<()> {
    w.create_element(name)
        .write_text_content(BytesText::new(&xml_chars(value)))?;
    Ok(())
}

fn link(w: &mut Writer<Vec<u8>>, rel: &str, href: &str) -> std::io::Result<()> {
    w.create_element("link")
        .with_attribute(("rel", rel))
        .with_attribute(("href", xml_chars(href).as_ref()))
        .write_empty()?;
    Ok(())
}

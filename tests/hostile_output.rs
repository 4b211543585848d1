//! Defence in depth for every output format: hostile strings (control characters, `]]>`,
//! `</script>`, CRLF, quotes, very long lines, U+202E, spreadsheet formulas) written straight
//! into the model of the fixture site, past the loader that would refuse some of them, then
//! through the real render and publish stages. Every XML file must stay well-formed, the
//! calendar valid RFC 5545, every JSON document parse and keep the value, no CSV cell start a
//! formula, and no page run the strings as markup.

mod publish_support;

use publish_support::*;
use trustatlas::model::Registry;
use trustatlas::render::OutputFile;

/// Each hostile value, tagged so a test can find where it went.
fn hostile(tag: &str) -> String {
    format!(
        "=HYPERLINK(\"http://evil.example\",\"{tag}\") \u{0}\u{7}\u{1b}[31m\u{b}\u{c}\u{7f}]]> \
         </script><script>alert(1)</script>\" onmouseover=\"alert(2)\" 'q' a,b;c\\d\r\nline2\r\u{202E}dlrow {}",
        "é".repeat(300)
    )
}

/// The fixture's registry with hostile values in every kind of text field that reaches an
/// output, built again into files by the real stages.
fn hostile_files() -> Vec<OutputFile> {
    let dir = fixture_copy();
    let r = build(dir.path(), None, None);
    assert_eq!(r.errors(), 0, "{}", r.render_diagnostics(false));
    let mut reg: Registry = r.registry.expect("a registry");
    let der = r.derived.expect("derived data");
    reg.config.title = hostile("site title");
    reg.config.description = hostile("site description");
    for (i, v) in reg.vendors.iter_mut().enumerate() {
        v.name = hostile(&format!("vendor {i}"));
        v.hq_city = Some(format!("@SUM(1+1) {}", hostile("city")));
        v.hq_country = Some(format!("+cmd|' /C calc'!A0 {}", hostile("country")));
        v.description = hostile("description");
        v.rating_reason = Some(hostile("rating reason"));
        for inc in &mut v.incidents {
            inc.title = hostile("incident");
            inc.summary = hostile("incident summary");
        }
    }
    for v in &mut reg.removed_vendors {
        v.name = format!("-2+3 {}", hostile("removed"));
        if let Some(r) = v.removed.as_mut() {
            r.reason = hostile("removal reason");
        }
    }
    for c in &mut reg.certifications {
        c.name = format!("\t{}", hostile("certification"));
    }
    for r in &mut reg.reports {
        r.id = format!("\r{}", hostile("report id"));
        r.declaring_entity = hostile("declaring entity");
        r.monitoring_body = format!("-{}", hostile("monitoring body"));
    }
    let mut files =
        trustatlas::render::render(&reg, &der, &r.sources).expect("hostile values still render");
    trustatlas::publish::publish(&reg, &der, &r.sources, None, &mut files)
        .expect("hostile values still publish");
    files
}

fn text(f: &OutputFile) -> &str {
    std::str::from_utf8(&f.bytes).unwrap_or_else(|e| panic!("{}: not UTF-8: {e}", f.path))
}

fn with_ext<'a>(files: &'a [OutputFile], ext: &str) -> Vec<&'a OutputFile> {
    let v: Vec<&OutputFile> = files.iter().filter(|f| f.path.ends_with(ext)).collect();
    assert!(!v.is_empty(), "no {ext} file in the output");
    v
}

/// XML 1.0 `Char`: tab, LF, CR, U+0020-U+D7FF, U+E000-U+FFFD, U+10000 and up.
fn xml_char(c: u32) -> bool {
    matches!(c, 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
}

/// Well-formed XML: quick-xml reads it to the end with balanced elements, and no character
/// or character reference is outside XML's `Char` (quick-xml does not check that itself).
fn assert_well_formed_xml(path: &str, text: &str) {
    if let Some(c) = text.chars().find(|c| !xml_char(*c as u32)) {
        panic!("{path}: U+{:04X} is not allowed in XML 1.0", c as u32);
    }
    for (at, _) in text.match_indices("&#") {
        let rest = &text[at + 2..];
        let end = rest.find(';').expect("a character reference ends with `;`");
        let n = match rest[..end].strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16),
            None => rest[..end].parse(),
        }
        .unwrap_or_else(|e| panic!("{path}: bad character reference: {e}"));
        assert!(xml_char(n), "{path}: &#{n}; names a character XML forbids");
    }
    assert!(!text.contains("]]>"), "{path}: `]]>` in content");
    let mut reader = quick_xml::Reader::from_str(text);
    let mut depth = 0i32;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(_)) => depth += 1,
            Ok(quick_xml::events::Event::End(_)) => depth -= 1,
            Ok(quick_xml::events::Event::Text(t)) => {
                t.decode()
                    .unwrap_or_else(|e| panic!("{path}: text does not decode: {e}"));
            }
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!(
                "{path}: not well-formed at {}: {e}",
                reader.buffer_position()
            ),
        }
    }
    assert_eq!(depth, 0, "{path}: unbalanced elements");
}

#[test]
fn every_xml_file_stays_well_formed() {
    let files = hostile_files();
    for f in with_ext(&files, ".xml") {
        assert_well_formed_xml(&f.path, text(f));
    }
    let feed = text(files.iter().find(|f| f.path == "feed.xml").unwrap());
    assert!(
        feed.contains("\u{202E}dlrow"),
        "the feed keeps the text itself"
    );
    assert!(feed.contains("&lt;/script&gt;"), "{feed}");
}

#[test]
fn the_calendar_stays_valid_rfc_5545() {
    let files = hostile_files();
    let f = files
        .iter()
        .find(|f| f.path == "api/register-expiry.ics")
        .unwrap();
    let mut unfolded: Vec<String> = Vec::new();
    let body = f.bytes.strip_suffix(b"\n").expect("ends with CRLF");
    for physical in body.split(|b| *b == b'\n') {
        let line = physical.strip_suffix(b"\r").unwrap_or_else(|| {
            panic!(
                "every line ends in CRLF, never a bare LF: {}",
                String::from_utf8_lossy(physical)
            )
        });
        assert!(line.len() <= 75, "a line of {} octets", line.len());
        let line = std::str::from_utf8(line).expect("folding never splits a UTF-8 character");
        assert!(
            !line
                .chars()
                .any(|c| (c < ' ' && c != '\t') || c == '\u{7f}'),
            "a control character in `{line}`"
        );
        match line.strip_prefix(' ') {
            Some(rest) => unfolded
                .last_mut()
                .expect("a line to continue")
                .push_str(rest),
            None => unfolded.push(line.to_string()),
        }
    }
    let mut events = 0;
    for l in &unfolded {
        let (name, value) = l.split_once(':').expect("NAME:value");
        assert!(
            name.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | ';' | '=')),
            "`{name}` is not a property name"
        );
        if name == "SUMMARY" || name == "DESCRIPTION" {
            // TEXT: `;` and `,` only escaped, and a backslash only before `\ ; , n N`.
            let mut chars = value.chars();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => assert!(
                        matches!(chars.next(), Some('\\' | ';' | ',' | 'n' | 'N')),
                        "a bad escape in `{value}`"
                    ),
                    ';' | ',' => panic!("an unescaped `{c}` in `{value}`"),
                    _ => {}
                }
            }
        }
        if l == "BEGIN:VEVENT" {
            events += 1;
        }
    }
    assert!(events > 0);
    assert!(
        unfolded
            .iter()
            .any(|l| l.starts_with("SUMMARY:") && l.contains("a\\,b\\;c\\\\d\\nline2\\n")),
        "line breaks, commas, semicolons and backslashes are escaped"
    );
}

#[test]
fn every_json_document_parses_and_keeps_the_value() {
    let files = hostile_files();
    let mut names = 0;
    for f in with_ext(&files, ".json") {
        let v: serde_json::Value =
            serde_json::from_str(text(f)).unwrap_or_else(|e| panic!("{}: not JSON: {e}", f.path));
        if f.path.starts_with("api/vendors/") && v["vendor"]["name"] == hostile("vendor 0") {
            names += 1;
        }
    }
    assert_eq!(names, 1, "the vendor's record keeps its name exactly");
}

/// The cells of a CSV file, parsed by the `csv` crate (RFC 4180).
fn csv_rows(f: &OutputFile) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(f.bytes.as_slice())
        .records()
        .map(|r| {
            r.unwrap_or_else(|e| panic!("{}: {e}", f.path))
                .iter()
                .map(str::to_string)
                .collect()
        })
        .collect()
}

#[test]
fn no_csv_cell_starts_a_formula() {
    let files = hostile_files();
    for f in with_ext(&files, ".csv") {
        let rows = csv_rows(f);
        let width = rows[0].len();
        for (i, row) in rows.iter().enumerate() {
            assert_eq!(row.len(), width, "{}: row {i} has another width", f.path);
            for cell in row {
                let number = cell.strip_prefix('-').unwrap_or(cell);
                let plain_number =
                    !number.is_empty() && number.chars().all(|c| c.is_ascii_digit() || c == '.');
                assert!(
                    plain_number || !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{}: row {i} has a cell that starts a formula: {cell:?}",
                    f.path
                );
            }
        }
        assert!(
            rows.iter().flatten().any(|c| c.starts_with("'=HYPERLINK(")),
            "{}: the formula is kept as text behind a quote",
            f.path
        );
    }
    let vendors = csv_rows(files.iter().find(|f| f.path == "api/vendors.csv").unwrap());
    let city = vendors[0].iter().position(|h| h == "hq_city").unwrap();
    assert_eq!(vendors[1][city], format!("'@SUM(1+1) {}", hostile("city")));
}

#[test]
fn no_page_runs_the_strings_as_markup() {
    let files = hostile_files();
    for f in with_ext(&files, ".html") {
        let html = text(f);
        assert!(!html.contains("<script>alert"), "{}: a script ran", f.path);
        assert!(
            !html.contains("</script><"),
            "{}: `</script>` unescaped",
            f.path
        );
        assert!(
            !html.contains("onmouseover=\"alert"),
            "{}: an attribute escaped its quotes",
            f.path
        );
    }
    let vendor = text(
        files
            .iter()
            .find(|f| f.path == "vendor/example-cloud/index.html")
            .unwrap(),
    );
    assert!(
        vendor.contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&quot; onmouseover=&quot;alert(2)&quot;"),
        "the name is shown, escaped"
    );
}

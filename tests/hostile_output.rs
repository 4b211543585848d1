//! Defence in depth for every output format: hostile strings (control characters, `]]>`,
//! `</script>`, CRLF, quotes, very long lines, U+202E, spreadsheet formulas) written straight
//! into the model of the fixture site, past the loader that would refuse some of them, then
//! through the real render and publish stages. Every XML file must stay well-formed, the
//! calendar valid RFC 5545, every JSON document parse and keep the value, no CSV cell start a
//! formula, and no page run the strings as markup.

mod support;

use support::build::*;
use trustatlas::model::Registry;

/// How every hostile value ends, so a check can tell where one ends inside a text run.
const END: &str = "«end»";

/// Each hostile value, tagged so a test can find where it went; it ends with [`END`].
fn hostile(tag: &str) -> String {
    format!(
        "=HYPERLINK(\"http://evil.example\",\"{tag}\") \u{0}\u{7}\u{1b}[31m\u{b}\u{c}\u{7f}]]> \
         </script><script>alert(1)</script>\" onmouseover=\"alert(2)\" 'q' a,b;c\\d\r\nline2\r{} \u{202E}dlrow {END}",
        "é".repeat(300)
    )
}

/// The fixture's registry with hostile values in every kind of text field that reaches an
/// output, built again into files by the real stages.
fn hostile_files() -> Vec<OutputFile> {
    let dir = publish_fixture();
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
    let out = trustatlas::files::Outlet::collecting();
    let opts = BuildOptions::new(dir.path(), der.build_date);
    let (_, made) =
        trustatlas::pipeline::make(&reg, &r.sources, &opts, &out, &mut Vec::new(), None);
    made.expect("hostile values still render and publish");
    out.into_files()
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

/// Elements whose content is a bidi paragraph of its own (or not shown), so an unterminated
/// U+202E inside cannot reach past them.
const BLOCKS: &[&str] = &[
    "html",
    "head",
    "title",
    "body",
    "header",
    "footer",
    "main",
    "nav",
    "section",
    "article",
    "div",
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "table",
    "caption",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "figure",
    "figcaption",
    "blockquote",
    "pre",
    "svg",
    "desc",
    "text",
    "g",
];

const VOID: &[&str] = &[
    "meta", "link", "br", "img", "hr", "input", "rect", "path", "source",
];

/// One open element: its name, whether it isolates its content (`<bdi>`, a `dir` attribute),
/// and whether text has come after a bidi control inside it.
struct Open {
    name: String,
    isolates: bool,
}

/// Every text run with a U+202E in `html` that is not isolated: neither inside a `<bdi>` or
/// an element with `dir` below its nearest block, nor the last text of that block (so there
/// is nothing after it to reverse). A small tokenizer is enough for our own templates' output.
fn unisolated_bidi(html: &str) -> Vec<String> {
    let mut stack: Vec<Open> = Vec::new();
    // Texts with a control waiting to see whether more text follows in their block, with the
    // stack depth of that block.
    let mut pending: Vec<(usize, String)> = Vec::new();
    let mut bad = Vec::new();
    let mut rest = html;
    while !rest.is_empty() {
        let (text, tail) = rest.split_at(rest.find('<').unwrap_or(rest.len()));
        rest = tail;
        if !text.trim().is_empty() {
            let block = stack
                .iter()
                .rposition(|o| BLOCKS.contains(&o.name.as_str()))
                .unwrap_or(0);
            // Text after a pending control in the same block: the control reverses it.
            for (depth, t) in pending.drain(..) {
                if depth == block {
                    bad.push(t);
                }
            }
            let isolated = stack[block..].iter().any(|o| o.isolates);
            if text.contains('\u{202E}') && !isolated {
                let shown: String = text.chars().take(60).collect();
                // Every hostile value ends with [`END`]: what follows it in the same text
                // run is the template's, and the control would reverse it.
                let after = text.rsplit(END).next().unwrap_or("");
                if text.contains(END) && !after.trim().is_empty() {
                    bad.push(format!("{shown} … then {:?}", after.trim()));
                } else {
                    pending.push((block, shown));
                }
            }
        }
        if rest.is_empty() {
            break;
        }
        if rest.starts_with("<!--") {
            rest = &rest[rest.find("-->").expect("a comment ends") + 3..];
            continue;
        }
        let end = rest.find('>').expect("a tag ends");
        let tag = &rest[1..end];
        rest = &rest[end + 1..];
        if tag.starts_with('!') || tag.starts_with('?') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            let name = name.trim().to_ascii_lowercase();
            if let Some(i) = stack.iter().rposition(|o| o.name == name) {
                let block = stack
                    .iter()
                    .rposition(|o| BLOCKS.contains(&o.name.as_str()))
                    .unwrap_or(0);
                if i <= block {
                    // The block ends: nothing more can follow a pending control in it.
                    pending.retain(|(d, _)| *d < i);
                }
                stack.truncate(i);
            }
            continue;
        }
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if VOID.contains(&name.as_str()) || tag.ends_with('/') {
            continue;
        }
        let isolates = name == "bdi" || tag.contains(" dir=\"");
        if name == "script" || name == "style" {
            let close = format!("</{name}>");
            rest = &rest[rest.find(&close).expect("closed") + close.len()..];
            continue;
        }
        stack.push(Open { name, isolates });
    }
    bad
}

#[test]
fn user_text_is_isolated_so_a_bidi_control_cannot_reorder_the_page() {
    let files = hostile_files();
    let mut bad = Vec::new();
    for f in with_ext(&files, ".html") {
        let html = text(f);
        // <title> and attribute values cannot hold markup; the checks are for shown text.
        let body = &html[html.find("<body").expect("a body")..];
        for t in unisolated_bidi(body) {
            bad.push(format!("{}: {t:?}", f.path));
        }
    }
    assert!(
        bad.is_empty(),
        "text that follows an unisolated U+202E:\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_isolation_check_finds_what_it_should() {
    let rlo = "\u{202E}x";
    assert_eq!(
        unisolated_bidi(&format!("<p>a {rlo}, b</p>")).len(),
        0,
        "one text run"
    );
    assert_eq!(unisolated_bidi(&format!("<p><a>{rlo}</a>, b</p>")).len(), 1);
    assert_eq!(
        unisolated_bidi(&format!("<p><bdi>{rlo}</bdi>, b</p>")).len(),
        0
    );
    assert_eq!(
        unisolated_bidi(&format!("<p><a dir=\"auto\">{rlo}</a> b</p>")).len(),
        0
    );
    assert_eq!(
        unisolated_bidi(&format!("<p>a <a>{rlo}</a></p><p>b</p>")).len(),
        0
    );
    assert_eq!(
        unisolated_bidi(&format!("<td><a>{rlo}</a><span>b</span></td>")).len(),
        1
    );
    assert_eq!(
        unisolated_bidi(&format!("<p>a {rlo}{END}, b</p>")).len(),
        1,
        "b is not the value's"
    );
    assert_eq!(
        unisolated_bidi(&format!("<p>a <bdi>{rlo}{END}</bdi>, b</p>")).len(),
        0
    );
}

/// The ids of the elements of a page, in order.
fn ids(html: &str) -> Vec<&str> {
    html.split(" id=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').expect("a closed attribute")])
        .collect()
}

#[test]
fn body_headings_never_take_an_id_the_template_uses() {
    let dir = publish_fixture();
    let vendor = dir.path().join("content/vendors/example-cloud.md");
    let old = std::fs::read_to_string(&vendor).unwrap();
    // Headings named like the vendor page's own sections and the pack's (`p-summary`), a
    // computed one (`facts-<section>`), and the page's `main`.
    let body = "# Summary\n\n# Scores\n\n# Facts data_handling\n\n# P summary\n\n# Main\n\n# Summary {#summary-title}\n";
    std::fs::write(&vendor, format!("{old}{body}")).unwrap();
    let report = dir.path().join("content/reports/fx-2024-001.md");
    let old = std::fs::read_to_string(&report).unwrap();
    std::fs::write(
        &report,
        format!("{old}\n# Findings title\n\n# Controls title\n"),
    )
    .unwrap();
    let files = ok_files(build(dir.path(), None, None));
    let mut seen_body = 0;
    for f in with_ext(&files, ".html") {
        let html = text(f);
        let mut all = ids(html);
        let n = all.len();
        all.sort();
        all.dedup();
        assert_eq!(
            all.len(),
            n,
            "{}: a duplicate id in {:?}",
            f.path,
            ids(html)
        );
        seen_body += html.matches("body-facts-data-handling").count();
    }
    assert!(
        seen_body > 0,
        "the computed id's prefix moved the body heading"
    );
}

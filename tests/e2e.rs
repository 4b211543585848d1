//! End to end: the real `trustatlas` binary on the bundled registry, as a publisher runs it.

mod support;

use std::fs;
use std::path::Path;
use std::process::Output;

use support::{copy_registry, read_tree, repo, trustatlas};

fn run_build(root: &Path, out: &Path) -> Output {
    trustatlas()
        .args(["build", "--root"])
        .arg(root)
        .arg("--out")
        .arg(out)
        .output()
        .expect("run trustatlas")
}

fn read(out: &Path, rel: &str) -> String {
    fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Text of the element content with tags removed and whitespace collapsed, for assertions
/// about what a reader sees. `<bdi>` (which isolates user text inline) adds no space.
fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut tag: Option<String> = None;
    for c in html.chars() {
        match (c, tag.as_mut()) {
            ('<', None) => tag = Some(String::new()),
            ('>', Some(t)) => {
                if !matches!(t.as_str(), "bdi" | "/bdi") {
                    out.push(' ');
                }
                tag = None;
            }
            (c, Some(t)) => t.push(c),
            (c, None) => out.push(c),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn bundled_registry_builds_and_says_what_the_seeds_say() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let o = run_build(&repo(), &out);
    assert!(
        o.status.success(),
        "build failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );

    // Alibaba Cloud: 42.2, elevated, default-balanced, as the procurement pack seed shows.
    for page in [
        "vendor/alibaba-cloud/index.html",
        "vendor/alibaba-cloud/pack/index.html",
    ] {
        let text = visible_text(&read(&out, page));
        assert!(
            text.contains("42.2 Elevated composite score · default-balanced profile"),
            "{page}: {text}"
        );
    }
    let vendors = visible_text(&read(&out, "vendor/index.html"));
    assert!(
        vendors
            .contains("Alibaba Cloud Frontier model builder Hangzhou, China 42.2 Elevated Caution"),
        "{vendors}"
    );

    // Tencent Cloud: no scores in the seeds, so "not yet scored" everywhere it appears.
    assert!(
        vendors.contains("Tencent Cloud Cloud provider Not recorded Not yet scored n/a Not rated"),
        "{vendors}"
    );
    for page in [
        "vendor/tencent-cloud/index.html",
        "vendor/tencent-cloud/pack/index.html",
        "index.html",
        "framework/owasp-llm-top-10/index.html",
        "framework/nist-ai-rmf/govern/index.html",
    ] {
        let html = read(&out, page);
        assert!(
            html.contains("Not yet scored"),
            "{page} does not say Tencent Cloud is not yet scored"
        );
    }
    let tencent = read(&out, "vendor/tencent-cloud/index.html");
    assert!(
        !tencent.contains("<span class=\"score"),
        "an unscored vendor must show no score"
    );

    // The 2022 EU Cloud CoC report is expired on the build date, on the register and its page.
    let register = visible_text(&read(&out, "register/index.html"));
    assert!(register.contains("2020LVL02SCOPE013 Alibaba Cloud EU Cloud CoC Second Level of Compliance June 2022 June 2023 Expired"), "{register}");
    assert!(visible_text(&read(&out, "register/2020lvl02scope013/index.html")).contains("Expired"));
    assert!(
        visible_text(&read(&out, "index.html")).contains("2020LVL02SCOPE013"),
        "home lists the expired report"
    );

    // Back-links: the certification lists its holder and its report.
    let coc = read(&out, "certification/eu-cloud-coc/index.html");
    assert!(
        coc.contains("href=\"/vendor/alibaba-cloud/\"")
            && coc.contains("href=\"/register/2020lvl02scope013/\"")
    );

    // The pages the issue names exist.
    for page in [
        "404.html",
        "sitemap.xml",
        "methodology/index.html",
        "about/index.html",
        // The 2025 address /framework/owasp-llm-top-10/llm01/ is a redirect (tests/editions.rs).
        "framework/owasp-llm-top-10/llm01-2026/index.html",
        "certification/index.html",
    ] {
        assert!(out.join(page).is_file(), "{page} missing");
    }
    let sitemap = read(&out, "sitemap.xml");
    assert!(sitemap.contains("<loc>https://trustatlas.pages.dev/vendor/alibaba-cloud/pack/</loc>"));
    assert!(!sitemap.contains("404"));
}

#[test]
fn every_internal_link_resolves_and_pages_are_csp_clean() {
    let result = support::build::build(&repo(), None, None);
    assert!(
        result.diagnostics.is_empty(),
        "{}",
        result.render_diagnostics(false)
    );
    let files = result.files.expect("site builds");
    let broken = trustatlas::links::check(&files);
    assert!(broken.is_empty(), "broken links: {broken:#?}");
    for f in files.iter().filter(|f| f.path.ends_with(".html")) {
        let html = String::from_utf8_lossy(&f.bytes);
        // A strict Content-Security-Policy forbids inline scripts and styles.
        assert!(!html.contains("<script"), "{} has a script", f.path);
        assert!(
            !html.contains(" style=") && !html.contains("<style"),
            "{} has an inline style",
            f.path
        );
        assert!(html.starts_with("<!doctype html>"), "{}", f.path);
        assert_eq!(
            html.matches("<h1").count(),
            1,
            "{} must have exactly one h1",
            f.path
        );
    }
}

#[test]
fn two_builds_are_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    assert!(run_build(&repo(), &a).status.success());
    assert!(run_build(&repo(), &b).status.success());
    let (sa, sb) = (read_tree(&a), read_tree(&b));
    assert_eq!(sa.keys().collect::<Vec<_>>(), sb.keys().collect::<Vec<_>>());
    for ((pa, ba), (_, bb)) in sa.iter().zip(&sb) {
        assert!(ba == bb, "{pa} differs between two builds");
    }
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_registry(&site, &["content", "themes", "static"]);
    let out = tmp.path().join("public");
    assert!(run_build(&site, &out).status.success());
    let before = read_tree(&out);

    let vendor = site.join("content/vendors/alibaba-cloud.md");
    let text = fs::read_to_string(&vendor)
        .unwrap()
        .replace("score = 80", "score = 180")
        .replace(
            "category = \"frontier_builder\"",
            "category = \"frontier_bilder\"",
        );
    fs::write(&vendor, text).unwrap();
    let o = run_build(&site, &out);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    // Both mistakes in one run, each with file:line:col, expectation and suggestion.
    assert!(
        stderr.contains("error[E0301]: score 180 is outside 0-100"),
        "{stderr}"
    );
    assert!(
        stderr.contains("error[E0200]: unknown category `frontier_bilder`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("did you mean `frontier_builder`?"),
        "{stderr}"
    );
    assert!(
        stderr.contains("content/vendors/alibaba-cloud.md:"),
        "{stderr}"
    );
    assert!(
        stderr.contains("2 errors, 0 warnings in 1 file"),
        "{stderr}"
    );
    assert_eq!(
        read_tree(&out),
        before,
        "the previous site must be left exactly as it was"
    );
}

#[test]
fn usage_errors_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let o = run_build(tmp.path(), &tmp.path().join("out"));
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no site.toml"));
    let o = trustatlas().arg("frobnicate").output().unwrap();
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn refuses_to_overwrite_the_source_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_registry(&site, &["content", "themes", "static"]);
    let o = run_build(&site, &site);
    assert_eq!(o.status.code(), Some(2));
    assert!(site.join("content/vendors/alibaba-cloud.md").is_file());
}

/// The row of fact `label` on a vendor page (its `<tr>`), for what its value is marked as.
fn fact_row<'a>(html: &'a str, label: &str) -> &'a str {
    let at = html
        .find(&format!("<th scope=\"row\">{label}</th>"))
        .unwrap_or_else(|| panic!("no fact row {label}"));
    let end = html[at..].find("</tr>").unwrap() + at;
    &html[at..end]
}

#[test]
fn headings_follow_on_and_the_site_has_a_favicon() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    assert!(run_build(&repo(), &out).status.success());

    // About: the body's headings follow the page's h1 without a level left out.
    let about = read(&out, "about/index.html");
    assert!(
        about.contains("<h2 id=\"where-the-facts-come-from\">"),
        "{about}"
    );
    assert!(!about.contains("<h3"), "{about}");

    // A favicon, also at /favicon.ico.
    assert!(out.join("favicon.ico").is_file() && out.join("assets/favicon.svg").is_file());
    assert!(read(&out, "index.html").contains("rel=\"icon\""));
}

#[test]
fn facts_are_marked_by_what_they_mean() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    assert!(run_build(&repo(), &out).status.success());

    // Facts are coloured by what they mean: a risky "Yes" never gets the green tick, and
    // Critical/High risk values are marked as risk in words, not only in colour.
    for page in [
        "vendor/alibaba-cloud/index.html",
        "vendor/alibaba-cloud/pack/index.html",
    ] {
        let html = read(&out, page);
        for risky in [
            "Subject to China jurisdiction",
            "Government data access risk",
            "Incorporation jurisdiction risk",
        ] {
            let row = fact_row(&html, risky);
            assert!(row.contains("tone-risk"), "{page}: {row}");
            assert!(visible_text(row).contains("Risk:"), "{page}: {row}");
        }
        let contracts = fact_row(&html, "Government contracts");
        assert!(!contracts.contains("tone-good"), "{page}: {contracts}");
        assert!(fact_row(&html, "SOC 2 Type II").contains("tone-good"));
    }
}

#[test]
fn copy_counts_labels_and_heat_map_read_right() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    assert!(run_build(&repo(), &out).status.success());

    // Copy: plural rules, dimension labels as written, "not yet scored" said once.
    let home = visible_text(&read(&out, "index.html"));
    assert!(home.contains("1 verification report "), "{home}");
    assert!(!home.contains("1 verification reports"), "{home}");
    let method = visible_text(&read(&out, "methodology/index.html"));
    assert!(method.contains("20% IP exposure"), "{method}");
    for page in [
        "vendor/tencent-cloud/index.html",
        "vendor/tencent-cloud/pack/index.html",
    ] {
        let n = read(&out, page).matches("Not yet scored").count();
        assert!(n <= 2, "{page} says \"Not yet scored\" {n} times");
    }

    // The heat map has a legend naming every band, and columns titled, not bare IDs.
    let matrix = read(&out, "framework/owasp-llm-top-10/index.html");
    let legend = &matrix[matrix.find("class=\"heat-legend\"").expect("legend")..];
    let legend = visible_text(&legend[..legend.find("</ul>").unwrap()]);
    for band in ["Low", "Moderate", "Elevated", "High", "Critical"] {
        assert!(legend.contains(band), "{legend}");
    }
    let head = &matrix[matrix.find("<table class=\"data matrix\">").unwrap()..];
    let head = visible_text(&head[..head.find("</thead>").unwrap()]);
    assert!(head.contains("LLM01:2026 Prompt Injection"), "{head}");
}

//! The site's address scheme, spelled once: every page URL and every published file's URL,
//! as functions of slugs, and the one rule from a URL to its output path.
//!
//! Everything is a site-absolute URL (`/vendor/acme/`, `/api/vendors.json`); the output path
//! is always [`path_of`] it, so a page and the file that holds it cannot disagree. Pages end
//! in `/` (Cloudflare Pages serves `x/index.html` there); files end in their extension.
//! Layer 0: it knows slugs, not the model, so every layer may use it (the model checks that
//! aliases do not shadow these URLs; render and publish link to them; `check` and `links`
//! map links back to files).

/// The home page.
pub const HOME: &str = "/";
/// The vendor list.
pub const VENDORS: &str = "/vendor/";
/// The list of certifications and schemes.
pub const CERTIFICATIONS: &str = "/certification/";
/// The list of current framework editions.
pub const FRAMEWORKS: &str = "/framework/";
/// The register of verification reports.
pub const REGISTER: &str = "/register/";
pub const METHODOLOGY: &str = "/methodology/";
/// The page Pages answers unknown addresses with (status 404): a file, not a folder.
pub const NOT_FOUND: &str = "/404.html";
pub const SITEMAP: &str = "/sitemap.xml";
pub const ROBOTS: &str = "/robots.txt";
/// The Atom feed of changes.
pub const FEED: &str = "/feed.xml";
/// The iCalendar of report expiry dates.
pub const CALENDAR: &str = "/api/register-expiry.ics";
/// The vendor index (every vendor in brief, pointing at [`vendor_json`]).
pub const VENDORS_JSON: &str = "/api/vendors.json";
pub const VENDORS_CSV: &str = "/api/vendors.csv";
pub const CERTIFICATIONS_JSON: &str = "/api/certifications.json";
pub const REGISTER_JSON: &str = "/api/register.json";
pub const REGISTER_CSV: &str = "/api/register.csv";
/// The OSCAL catalog of TrustAtlas's own dimensions.
pub const OSCAL_DIMENSIONS: &str = "/api/oscal/dimensions.json";
/// The OSCAL mapping collection (dimensions onto frameworks, frameworks onto each other).
pub const OSCAL_MAPPING: &str = "/api/oscal/mapping.json";

/// A listed vendor's page; a removed vendor's tombstone page stays at the same address.
pub fn vendor(slug: &str) -> String {
    format!("/vendor/{slug}/")
}

/// A vendor's procurement pack.
pub fn pack(slug: &str) -> String {
    format!("/vendor/{slug}/pack/")
}

pub fn certification(slug: &str) -> String {
    format!("/certification/{slug}/")
}

/// A verification report's page in the register.
pub fn report(slug: &str) -> String {
    format!("/register/{slug}/")
}

/// A framework's page. Every edition is a catalog with its own slug, so this is also an
/// edition's address (the current one's and each superseded one's).
pub fn framework(slug: &str) -> String {
    format!("/framework/{slug}/")
}

/// One entry of a framework (a control, a category, a risk).
pub fn entry(framework: &str, entry: &str) -> String {
    format!("/framework/{framework}/{entry}/")
}

/// A free-standing Markdown page (`content/pages/<slug>.md`).
pub fn page(slug: &str) -> String {
    format!("/{slug}/")
}

/// A vendor's full record (listed or removed).
pub fn vendor_json(slug: &str) -> String {
    format!("/api/vendors/{slug}.json")
}

/// A framework's entries and its cross-walk.
pub fn framework_json(slug: &str) -> String {
    format!("/api/frameworks/{slug}.json")
}

/// The JSON Schema of one kind of open-data document (`vendor`, `register`, ...).
pub fn schema(kind: &str) -> String {
    format!("/api/schema/{kind}.schema.json")
}

/// A framework's catalog in OSCAL.
pub fn oscal_catalog(slug: &str) -> String {
    format!("/api/oscal/catalog/{slug}.json")
}

/// A theme asset under its published name (stylesheets carry a content hash).
pub fn asset(name: &str) -> String {
    format!("/assets/{name}")
}

/// The output path (relative, `/`-separated) of the file served at `url`: a URL ending in
/// `/` is the folder's `index.html`, any other is the file itself. A query is not part of it.
pub fn path_of(url: &str) -> String {
    let url = url.split('?').next().unwrap_or(url);
    let rel = url.strip_prefix('/').unwrap_or(url);
    if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    }
}

/// The URL of the output file at `path`, the inverse of [`path_of`]: `a/index.html` → `/a/`.
pub fn url_of(path: &str) -> String {
    if path == "index.html" {
        return HOME.to_string();
    }
    match path.strip_suffix("/index.html") {
        Some(folder) => format!("/{folder}/"),
        None => format!("/{path}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_folders_files_are_files() {
        assert_eq!(path_of(HOME), "index.html");
        assert_eq!(path_of(&vendor("acme")), "vendor/acme/index.html");
        assert_eq!(path_of(&pack("acme")), "vendor/acme/pack/index.html");
        assert_eq!(path_of(NOT_FOUND), "404.html");
        assert_eq!(path_of(&vendor_json("acme")), "api/vendors/acme.json");
        assert_eq!(path_of("/vendor/?q=1"), "vendor/index.html");
    }

    #[test]
    fn url_of_inverts_path_of() {
        for url in [
            HOME.to_string(),
            VENDORS.to_string(),
            entry("nist", "gv-1"),
            NOT_FOUND.to_string(),
            CALENDAR.to_string(),
            oscal_catalog("nist"),
            asset("style.0123456789.css"),
        ] {
            assert_eq!(url_of(&path_of(&url)), url);
        }
        // A file merely ending in `index.html` is not a folder's page.
        assert_eq!(url_of("xindex.html"), "/xindex.html");
    }

    /// Files that still spell some of the scheme themselves, and why. Keep this list short.
    const NOT_YET: &[(&str, &str)] = &[
        // Alias and tombstone redirects: the file moves to `pages/` in the same round.
        ("src/publish/rules.rs", "moves to pages/"),
    ];

    /// The scheme as it would be spelled in a string literal outside this module.
    const SPELLINGS: &[&str] = &[
        "\"/vendor/",
        "\"/register/",
        "\"/framework/",
        "\"/certification/",
        "\"/methodology/",
        "\"/api/",
        "\"api/",
        "/pack/",
        "\"/feed.xml\"",
        "\"feed.xml\"",
        "\"/sitemap.xml\"",
        "\"/404.html\"",
        "\"/assets/",
        "\"assets/",
    ];

    fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                rust_files(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }

    /// Every URL and output path is spelled here: a literal such as `"/vendor/"` or
    /// `"api/vendors.json"` anywhere else in the library (tests and comments aside) is a second
    /// spelling of the scheme, which is how the publish and render copies drifted apart.
    #[test]
    fn the_scheme_is_spelled_only_here() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        rust_files(&root.join("src"), &mut files);
        files.sort();
        let mut found = Vec::new();
        for path in files {
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let name = rel.rsplit('/').next().unwrap_or("");
            if rel == "src/urls.rs"
                || name == "tests.rs"
                || name.ends_with("_tests.rs")
                || NOT_YET.iter().any(|(f, _)| *f == rel)
            {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // Unit tests sit at the bottom of a file; they may spell URLs to check them.
            let code = text.split("#[cfg(test)]").next().unwrap_or("");
            for (n, line) in code.lines().enumerate() {
                if line.trim_start().starts_with("//") {
                    continue;
                }
                if let Some(s) = SPELLINGS.iter().find(|s| line.contains(**s)) {
                    found.push(format!("{rel}:{}: {s}", n + 1));
                }
            }
        }
        assert!(found.is_empty(), "spell these with crate::urls: {found:#?}");
    }
}

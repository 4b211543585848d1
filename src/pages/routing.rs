//! How Pages answers a request path from the deployed files, after `_redirects` ran
//! (verified in `pages-shared/asset-server/handler.ts`, FACTS.md §1 "URL handling"): `/x/`
//! serves `x/index.html`, `/x` moves to `/x/`, `/x/index.html` and `/x/index` move to `/x/`,
//! `x.html` is served at `/x` (and `/x.html`, `/x/` move there), and a missing path gets the
//! nearest `404.html` with status 404. Every move is a 308. `serve` answers with it; `publish`
//! asks it whether an alias would hide a page.

/// Root files wrangler reads as configuration or code instead of uploading them.
const NOT_UPLOADED_ROOT: &[&str] = &[
    "_worker.js",
    "_redirects",
    "_headers",
    "_routes.json",
    "functions",
    ".wrangler",
];
/// Names wrangler skips at any depth.
const NOT_UPLOADED_ANYWHERE: &[&str] = &[".DS_Store", "node_modules", ".git"];

/// The page Pages answers a missing path with, looked up from the path's folder upwards.
pub const NOT_FOUND_PAGE: &str = "404.html";

/// Whether wrangler uploads the output file `rel` (no leading `/`) as an asset that Pages
/// serves and counts against the file limit (`validate.ts`'s ignore list). A top-level
/// `functions/` folder is Pages Functions code, not files.
pub fn is_asset(rel: &str) -> bool {
    let rel = rel.strip_prefix('/').unwrap_or(rel);
    let top = rel.split('/').next().unwrap_or(rel);
    !NOT_UPLOADED_ROOT.contains(&top)
        && !rel
            .split('/')
            .any(|seg| NOT_UPLOADED_ANYWHERE.contains(&seg))
}

/// Where a request path leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// Serve this file (a decoded path with a leading `/`) with status 200.
    File(String),
    /// A 308 to this decoded path; the request's query string follows it.
    Moved(String),
    /// No file here. Pages answers with the nearest `404.html` (status 404); without any it
    /// takes the site for a single-page app and serves `/index.html` with 200; without that,
    /// a bare 404 (`None`).
    NotFound(Option<(String, u16)>),
}

/// The route for a decoded request path (`/vendor/acme/`), given which output files exist
/// (`exists("/vendor/acme/index.html")`). Files wrangler does not upload never exist.
pub fn resolve(path: &str, exists: impl Fn(&str) -> bool) -> Route {
    let exists = |p: &str| is_asset(p) && exists(p);
    if let Some(dir) = path.strip_suffix('/') {
        let index = format!("{path}index.html");
        if exists(&index) {
            return Route::File(index);
        }
        if let Some(parent) = path.strip_suffix("/index/") {
            return Route::Moved(format!("{parent}/"));
        }
        if !dir.is_empty() && exists(&format!("{dir}.html")) {
            return Route::Moved(dir.to_string());
        }
        return not_found(path, exists);
    }
    if exists(path) {
        if let Some(stem) = path.strip_suffix(".html") {
            if let Some(parent) = stem.strip_suffix("/index") {
                return Route::Moved(format!("{parent}/"));
            }
            if stem.is_empty() || stem.ends_with('/') || exists(stem) {
                return Route::File(path.to_string());
            }
            return Route::Moved(stem.to_string());
        }
        return Route::File(path.to_string());
    }
    if let Some(parent) = path.strip_suffix("/index") {
        return Route::Moved(format!("{parent}/"));
    }
    let html = format!("{path}.html");
    if exists(&html) {
        return Route::File(html);
    }
    if exists(&format!("{path}/index.html")) {
        return Route::Moved(format!("{path}/"));
    }
    not_found(path, exists)
}

fn not_found(path: &str, exists: impl Fn(&str) -> bool) -> Route {
    let mut dir = path;
    while let Some(i) = dir.rfind('/') {
        dir = &dir[..i];
        let candidate = format!("{dir}/{NOT_FOUND_PAGE}");
        if exists(&candidate) {
            return Route::NotFound(Some((candidate, 404)));
        }
    }
    if exists("/index.html") {
        return Route::NotFound(Some(("/index.html".into(), 200)));
    }
    Route::NotFound(None)
}

/// The `Location` of a redirect rule's answer: the request's query string goes along unless
/// the destination has its own.
pub fn redirect_location(to: &str, search: &str) -> String {
    if to.contains('?') {
        to.to_string()
    } else {
        format!("{to}{search}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_like_pages() {
        let files = [
            "/index.html",
            "/404.html",
            "/vendor/acme/index.html",
            "/vendor/acme/404.html",
            "/contact.html",
            "/_headers",
            "/functions/x.js",
        ];
        let r = |p: &str| resolve(p, |f| files.contains(&f));
        let file = |p: &str| Route::File(p.into());
        let moved = |p: &str| Route::Moved(p.into());
        let missing = |p: &str, s| Route::NotFound(Some((p.into(), s)));
        assert_eq!(r("/"), file("/index.html"));
        assert_eq!(r("/index.html"), moved("/"));
        assert_eq!(r("/vendor/acme/"), file("/vendor/acme/index.html"));
        assert_eq!(r("/vendor/acme"), moved("/vendor/acme/"));
        assert_eq!(r("/vendor/acme/index"), moved("/vendor/acme/"));
        assert_eq!(r("/vendor/acme/index/"), moved("/vendor/acme/"));
        assert_eq!(r("/contact"), file("/contact.html"));
        assert_eq!(r("/contact.html"), moved("/contact"));
        assert_eq!(r("/contact/"), moved("/contact"));
        assert_eq!(r("/vendor/acme/x"), missing("/vendor/acme/404.html", 404));
        assert_eq!(r("/nope.css"), missing("/404.html", 404));
        assert_eq!(r("/_headers"), missing("/404.html", 404));
        assert_eq!(r("/functions/x.js"), missing("/404.html", 404));
        assert_eq!(
            resolve("/x", |f| f == "/index.html"),
            missing("/index.html", 200)
        );
        assert_eq!(resolve("/x", |_| false), Route::NotFound(None));
    }

    #[test]
    fn what_wrangler_leaves_out() {
        for p in [
            "_headers",
            "_redirects",
            "_routes.json",
            "_worker.js",
            "functions/a.js",
            ".wrangler/state",
            "a/.DS_Store",
            "node_modules/x/y.js",
            "docs/.git/config",
        ] {
            assert!(!is_asset(p), "{p}");
        }
        for p in [
            "index.html",
            "docs/functions/a.js",
            "a/_headers",
            ".well-known/security.txt",
        ] {
            assert!(is_asset(p), "{p}");
        }
    }

    #[test]
    fn redirects_keep_the_query_unless_they_name_one() {
        assert_eq!(redirect_location("/a/", "?x=1"), "/a/?x=1");
        assert_eq!(redirect_location("/a/?y=2", "?x=1"), "/a/?y=2");
    }
}

//! The site as the dev server holds it: every output file in memory, shared between builds
//! when unchanged, plus the site's own `_headers` and `_redirects` rules.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, OnceLock};

use super::rules::{self, RuleWarning};
use crate::pages::headers::{self, Headers};
use crate::pages::redirects::{self, Redirects};
use crate::pages::routing;

/// One file of the built site. The ETag is computed on the first request for it, so a
/// rebuild never pays for hashing pages nobody looks at.
#[derive(Debug)]
pub struct Asset {
    pub bytes: Arc<Vec<u8>>,
    etag: OnceLock<String>,
}

impl Asset {
    pub fn new(bytes: Vec<u8>) -> Arc<Asset> {
        Arc::new(Asset {
            bytes: Arc::new(bytes),
            etag: OnceLock::new(),
        })
    }

    /// A strong, quoted validator of the bytes, as Pages sends it.
    pub fn etag(&self) -> &str {
        self.etag.get_or_init(|| {
            let mut h = DefaultHasher::new();
            self.bytes.hash(&mut h);
            format!("\"{:016x}-{:x}\"", h.finish(), self.bytes.len())
        })
    }
}

/// Output path → file. Shared keys (`Arc<str>`), so the next build's site starts as a copy
/// of this one at the cost of two reference counts per file, not a string each.
type Files = HashMap<Arc<str>, Arc<Asset>, foldhash::fast::FixedState>;

/// A complete site, ready to serve. Cheap to share: readers hold an `Arc<Site>` while the
/// next build is made beside it.
#[derive(Debug, Default)]
pub struct Site {
    files: Files,
    pub redirects: Redirects,
    pub headers: Headers,
    /// Lines of `_headers`/`_redirects` that Pages would ignore, and rules only the
    /// deployed domain matches.
    pub warnings: Vec<RuleWarning>,
}

impl Site {
    /// `files` maps output paths (`vendor/acme/index.html`, no leading slash) to contents.
    pub fn new(files: HashMap<String, Arc<Asset>>) -> Site {
        Site::from_files(files.into_iter().map(|(k, v)| (Arc::from(k), v)).collect())
    }

    /// This site with `made` put in (each replacing the file at its path, if any): the next
    /// build's site when every other file was kept.
    pub fn with(&self, made: impl IntoIterator<Item = (String, Arc<Asset>)>) -> Site {
        let mut files = self.files.clone();
        for (path, asset) in made {
            files.insert(Arc::from(path), asset);
        }
        Site::from_files(files)
    }

    fn from_files(files: Files) -> Site {
        let mut site = Site::default();
        let text = |name: &str| {
            files
                .get(name)
                .map(|a| String::from_utf8_lossy(&a.bytes).into_owned())
        };
        if let Some(t) = text("_redirects") {
            site.redirects = redirects::parse(&t);
        }
        if let Some(t) = text("_headers") {
            site.headers = headers::parse(&t);
        }
        site.warnings = rules::warnings(&site.headers, &site.redirects);
        site.files = files;
        site
    }

    /// The file at a decoded request path (`/vendor/acme/index.html`), unless Pages would
    /// not serve it (`_headers`, `functions/`, …).
    pub fn get(&self, path: &str) -> Option<&Arc<Asset>> {
        let rel = path.strip_prefix('/').unwrap_or(path);
        if !routing::is_asset(rel) {
            return None;
        }
        self.files.get(rel)
    }

    /// The same file in the previous build, to share its bytes when they did not change.
    pub fn asset(&self, rel: &str) -> Option<&Arc<Asset>> {
        self.files.get(rel)
    }

    /// Every output path, in no particular order.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(|k| &**k)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Every output path and its bytes, sorted: what `build` would have written.
    pub fn snapshot(&self) -> Vec<(String, Arc<Vec<u8>>)> {
        let mut v: Vec<_> = self
            .files
            .iter()
            .map(|(k, a)| (k.to_string(), a.bytes.clone()))
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configuration_files_are_read_not_served() {
        let mut files = HashMap::new();
        files.insert(
            "_redirects".to_string(),
            Asset::new(b"/a /b 301\n".to_vec()),
        );
        files.insert(
            "_headers".to_string(),
            Asset::new(b"/*\n  X-A: 1\n".to_vec()),
        );
        files.insert("index.html".to_string(), Asset::new(b"hi".to_vec()));
        let site = Site::new(files);
        assert_eq!(site.redirects.rules.len(), 1);
        assert_eq!(site.headers.rules.len(), 1);
        assert!(site.get("/_redirects").is_none());
        assert!(site.get("/_headers").is_none());
        assert!(site.get("/index.html").is_some());
    }

    #[test]
    fn etag_is_quoted_and_follows_the_bytes() {
        let a = Asset::new(b"one".to_vec());
        let b = Asset::new(b"two".to_vec());
        assert!(a.etag().starts_with('"') && a.etag().ends_with('"'));
        assert_ne!(a.etag(), b.etag());
        assert_eq!(a.etag(), Asset::new(b"one".to_vec()).etag());
    }
}

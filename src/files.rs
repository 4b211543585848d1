//! The files a build makes, and what a build may keep from the one before it: the neutral
//! home of the types every stage after `model` passes around (`render` and `publish` make
//! files, `output` and the dev server take them, `pipeline` decides what is kept), so no
//! stage has to import another's to name them.

/// One file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Relative, `/`-separated, never absolute and never containing `..`.
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Where a build hands each file as soon as it is made; called from several threads at
/// once, in no particular order.
pub type Sink<'a> = &'a (dyn Fn(OutputFile) -> std::io::Result<()> + Sync);

/// What a file was made from, as two fingerprints, either of which proves that the file
/// would come out the same: `inputs`, the input files of the job that makes it (known before
/// anything is built: see [`InputKeys`]), and `view`, the values its template was given
/// (known once the view is built: `render::memo`). Zero is "not known". A vendor's page is
/// first looked up by its inputs, so an unchanged vendor costs nothing; when they changed
/// (a certification it names was edited) its view is built and looked up, so a page that
/// shows nothing of the edit is still kept, not rendered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Key {
    pub inputs: u64,
    pub view: u64,
}

impl Key {
    pub fn inputs(inputs: u64) -> Key {
        Key { inputs, view: 0 }
    }

    pub fn view(view: u64) -> Key {
        Key { inputs: 0, view }
    }

    /// True when a file made from `previous` is what this key would make.
    pub fn matches(&self, previous: &Key) -> bool {
        (self.inputs != 0 && self.inputs == previous.inputs)
            || (self.view != 0 && self.view == previous.view)
    }

    /// The key to record for a file kept from `previous`: what is known now, completed with
    /// what was known then (a match on either part means the other is unchanged too).
    pub fn kept_from(&self, previous: &Key) -> Key {
        Key {
            inputs: if self.inputs != 0 {
                self.inputs
            } else {
                previous.inputs
            },
            view: if self.view != 0 {
                self.view
            } else {
                previous.view
            },
        }
    }
}

/// What a build may keep from the previous one: the one incremental mechanism, seen from
/// the stages that make files.
///
/// Every page and published file is made by a job whose inputs are summed up in a [`Key`].
/// Before making a file, a job asks [`Keep::reusable`] whether the previous build made the
/// same path from a matching key and still has it; if so it calls [`Keep::keep`] instead of
/// making it. Either way the key is recorded for the next build ([`Keep::keep`] or
/// [`Keep::made`]). `build` implements this over the stamp beside the output folder and the
/// files in it (kept files are hard-linked into the new tree); `serve` over the previous
/// site in memory (kept files share their bytes). A build with nothing to keep uses
/// [`KeepNothing`].
pub trait Keep: Sync {
    /// The size of the previous build's `path` when its key matches `key` ([`Key::matches`])
    /// and it is still exactly as that build left it; `None` when it must be made again.
    fn reusable(&self, path: &str, key: Key) -> Option<usize>;
    /// Keeps the previous build's `path` (it matched `key`) instead of making it, recording
    /// [`Key::kept_from`] the previous key.
    fn keep(&self, path: &str, key: Key) -> std::io::Result<()>;
    /// `path` was made now, from `key`.
    fn made(&self, path: &str, key: Key);
    /// False when nothing can be kept and no key is recorded: the stages then skip
    /// computing keys altogether.
    fn wants_keys(&self) -> bool {
        true
    }
    /// Whether a view key for `path` is worth its cost (hashing a vendor's view is as costly
    /// as building it): `build` says so only for files its previous build made, so a first
    /// build records inputs keys alone; `serve` always.
    fn had(&self, path: &str) -> bool;
    /// Whether a page of template `template`, whose templates and globals now hash to `env`,
    /// could still match the previous build's view: not once they changed (a template edit),
    /// so its view is not hashed for nothing. `env` of every template is handed to
    /// [`Keep::templates`] for the next build.
    fn view_may_match(&self, _template: &str, _env: u64) -> bool {
        true
    }
    /// The `env` of every template in this build (see [`Keep::view_may_match`]).
    fn templates(&self, _env: &std::collections::HashMap<String, u64>) {}
}

/// A full build: nothing is kept, no key is recorded.
pub struct KeepNothing;

impl Keep for KeepNothing {
    fn reusable(&self, _: &str, _: Key) -> Option<usize> {
        None
    }
    fn keep(&self, path: &str, _: Key) -> std::io::Result<()> {
        Err(std::io::Error::other(format!(
            "{path} cannot be kept: there is no previous build"
        )))
    }
    fn made(&self, _: &str, _: Key) {}
    fn wants_keys(&self) -> bool {
        false
    }
    fn had(&self, _: &str) -> bool {
        false
    }
}

/// Fingerprints of the inputs of the jobs whose inputs are known before their views are
/// built (made by `pipeline::fingerprint`): a vendor's page, procurement pack and open-data
/// record are made only from that vendor's file, its reports' files and site-wide inputs.
/// Jobs that read many entities (listings, certification, framework and report pages, the
/// feeds) are keyed by their built view instead (`render::memo`), which is cheap for them and
/// exact: a vendor edit that does not change what a listing shows leaves the listing alone.
#[derive(Debug, Clone, Default)]
pub struct InputKeys {
    /// The inputs of every job but a vendor's: everything site-wide (site.toml, the content
    /// kinds other than vendors and reports, the theme, `static/`, the build date and base
    /// URL), and every vendor and report file except the
    /// vendors' Markdown bodies, which only their own pages show. Such a job is looked up by
    /// this first and by its view when it changed (see [`Key`]).
    pub listings: u64,
    /// Per vendor, in registry order: everything site-wide, the vendor's file and its
    /// reports' files.
    /// Empty when keys are not wanted (nothing to keep, nothing to record).
    pub vendors: Vec<u64>,
    /// `listings` and `vendors` for the open data, which is made from the content alone:
    /// without the theme and `static/`, so a template edit leaves it alone.
    pub data_listings: u64,
    pub data_vendors: Vec<u64>,
}

impl InputKeys {
    /// The inputs key of `path`, made by vendor `vi`'s job, or `None` when no keys were
    /// computed.
    pub fn vendor(&self, vi: usize, path: &str) -> Option<u64> {
        Some(per_path(*self.vendors.get(vi)?, path))
    }

    /// The inputs key of `path`, made by any job but a vendor's, or `None` when no keys were
    /// computed.
    pub fn listing(&self, path: &str) -> Option<u64> {
        (self.listings != 0).then(|| per_path(self.listings, path))
    }

    /// [`InputKeys::vendor`] for a file of the open data.
    pub fn data_vendor(&self, vi: usize, path: &str) -> Option<u64> {
        Some(per_path(*self.data_vendors.get(vi)?, path))
    }

    /// [`InputKeys::listing`] for a file of the open data.
    pub fn data_listing(&self, path: &str) -> Option<u64> {
        (self.data_listings != 0).then(|| per_path(self.data_listings, path))
    }
}

fn per_path(key: u64, path: &str) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    std::hash::Hasher::write_u64(&mut h, key);
    std::hash::Hasher::write(&mut h, path.as_bytes());
    std::hash::Hasher::finish(&h)
}

/// Where `render` and `publish` hand their files: to a sink (`build` stages them on disk as
/// they come) or into memory, keeping from the previous build what [`Keep`] allows. It
/// records the path and size of every file, made or kept, since `publish` checks the whole
/// site against Cloudflare Pages' limits and needs no bytes for that. Shared by the threads
/// of a render: every method takes `&self`.
pub struct Outlet<'a> {
    sink: Option<Sink<'a>>,
    collected: std::sync::Mutex<Vec<OutputFile>>,
    keep: &'a dyn Keep,
    keys: &'a InputKeys,
    /// Path and size of every file, made or kept, in no order (each path comes once: a
    /// job makes or keeps its own paths, and `publish` refuses a clash).
    sizes: std::sync::Mutex<Vec<(String, usize)>>,
    /// How many entries [`Outlet::take_sizes`] moved out.
    taken: std::sync::atomic::AtomicUsize,
    kept: std::sync::atomic::AtomicUsize,
    failed: std::sync::atomic::AtomicBool,
    error: std::sync::Mutex<Option<std::io::Error>>,
}

impl<'a> Outlet<'a> {
    /// Files go to `sink`, or into memory when it is `None` ([`Outlet::into_files`]).
    pub fn new(sink: Option<Sink<'a>>, keep: &'a dyn Keep, keys: &'a InputKeys) -> Self {
        Outlet {
            sink,
            collected: std::sync::Mutex::new(Vec::new()),
            keep,
            keys,
            sizes: std::sync::Mutex::new(Vec::new()),
            taken: std::sync::atomic::AtomicUsize::new(0),
            kept: std::sync::atomic::AtomicUsize::new(0),
            failed: std::sync::atomic::AtomicBool::new(false),
            error: std::sync::Mutex::new(None),
        }
    }

    /// An outlet that collects every file in memory and keeps nothing.
    pub fn collecting() -> Outlet<'static> {
        static NO_KEYS: InputKeys = InputKeys {
            listings: 0,
            vendors: Vec::new(),
            data_listings: 0,
            data_vendors: Vec::new(),
        };
        Outlet::new(None, &KeepNothing, &NO_KEYS)
    }

    /// The input keys of this build.
    pub fn keys(&self) -> &InputKeys {
        self.keys
    }

    /// True once the sink refused a file: the build stops making more.
    pub fn failed(&self) -> bool {
        self.failed.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Hands over a file made now; `key` is what it was made from, when known.
    pub fn push(&self, f: OutputFile) {
        self.put(f, None);
    }

    /// Hands over a file made now from `key`.
    pub fn put(&self, f: OutputFile, key: Option<Key>) {
        if self.failed() {
            return;
        }
        if let Some(k) = key {
            self.keep.made(&f.path, k);
        }
        lock(&self.sizes).push((f.path.clone(), f.bytes.len()));
        match self.sink {
            None => lock(&self.collected).push(f),
            Some(sink) => {
                if let Err(e) = sink(f) {
                    self.fail(e);
                }
            }
        }
    }

    /// [`Outlet::push`] for many files, made in parallel.
    pub fn par_extend(&self, files: impl rayon::iter::IntoParallelIterator<Item = OutputFile>) {
        use rayon::iter::ParallelIterator;
        files.into_par_iter().for_each(|f| self.push(f));
    }

    /// True when keys are worth computing (see [`Keep::wants_keys`]).
    pub fn keys_wanted(&self) -> bool {
        self.keep.wants_keys()
    }

    /// Whether a view key for `path`, of template `template` with environment key `env`,
    /// is worth computing (see [`Keep::had`] and [`Keep::view_may_match`]).
    pub fn view_wanted(&self, path: &str, template: &str, env: u64) -> bool {
        self.keep.had(path) && self.keep.view_may_match(template, env)
    }

    /// Records the environment key of every template (see [`Keep::templates`]).
    pub fn templates(&self, env: &std::collections::HashMap<String, u64>) {
        self.keep.templates(env);
    }

    /// The size of the previous build's `path` when it matches `key` and can be kept.
    pub fn reusable(&self, path: &str, key: Key) -> Option<usize> {
        self.keep.reusable(path, key)
    }

    /// Keeps the previous build's `path` when it matches `key`; true when kept.
    pub fn try_keep(&self, path: &str, key: Key) -> bool {
        match self.keep.reusable(path, key) {
            Some(size) => {
                self.keep_reusable(path, key, size);
                true
            }
            None => false,
        }
    }

    /// Keeps the previous build's `path`, of `size` bytes, which [`Outlet::reusable`] said
    /// matches `key`.
    pub fn keep_reusable(&self, path: &str, key: Key, size: usize) {
        if self.failed() {
            return;
        }
        match self.keep.keep(path, key) {
            Ok(()) => {
                lock(&self.sizes).push((path.to_string(), size));
                self.kept.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            Err(e) => self.fail(e),
        }
    }

    /// The open-data file at `path` made from vendor `vi`: kept when its inputs did not
    /// change, else made by `make`.
    pub fn vendor_file(&self, vi: usize, path: String, make: impl FnOnce() -> OutputFile) {
        let key = self.keys.data_vendor(vi, &path).map(Key::inputs);
        self.keyed(path, key, make);
    }

    /// An open-data file made from many vendors or none (an index, a table, a feed): kept
    /// when no input but vendors' bodies (and the theme) changed, else made by `make`.
    pub fn listing_file(&self, path: String, make: impl FnOnce() -> OutputFile) {
        let key = self.keys.data_listing(&path).map(Key::inputs);
        self.keyed(path, key, make);
    }

    fn keyed(&self, path: String, key: Option<Key>, make: impl FnOnce() -> OutputFile) {
        if key.is_some_and(|k| self.try_keep(&path, k)) {
            return;
        }
        let f = make();
        debug_assert_eq!(f.path, path, "a keyed file is made at its own path");
        self.put(f, key);
    }

    /// Path and size of every file so far, made or kept, moved out of the outlet (no copy of
    /// 30,000 paths): `publish` takes them once, for its whole-site checks. They still count
    /// in [`Outlet::count`].
    pub fn take_sizes(&self) -> std::collections::BTreeMap<String, usize> {
        let mut v = std::mem::take(&mut *lock(&self.sizes));
        self.taken
            .fetch_add(v.len(), std::sync::atomic::Ordering::Relaxed);
        // Sorted first: a BTreeMap builds from sorted input in one pass.
        v.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        v.into_iter().collect()
    }

    /// How many files were kept from the previous build.
    pub fn kept(&self) -> usize {
        self.kept.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// How many files the site has so far, made or kept.
    pub fn count(&self) -> usize {
        self.taken.load(std::sync::atomic::Ordering::Relaxed) + lock(&self.sizes).len()
    }

    /// The first error the sink or [`Keep::keep`] returned.
    pub fn take_error(&self) -> Option<std::io::Error> {
        lock(&self.error).take()
    }

    /// The files collected in memory (none when they went to a sink), sorted by path.
    pub fn into_files(self) -> Vec<OutputFile> {
        let mut files = self
            .collected
            .into_inner()
            .unwrap_or_else(|e| e.into_inner());
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    }

    fn fail(&self, e: std::io::Error) {
        self.failed
            .store(true, std::sync::atomic::Ordering::Relaxed);
        lock(&self.error).get_or_insert(e);
    }
}

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

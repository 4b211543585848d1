//! `trustatlas serve`: the editor's loop. Build, serve from memory, watch the sources,
//! rebuild on every save, reload every open page, and show build errors over the page.
//!
//! ```text
//!  watcher ─▶ classify ─▶ rebuild (incremental) ─▶ swap Arc<Site> ─▶ SSE "reload" ─▶ pages
//!                            │ fails                                       ▲
//!                            └──────▶ overlay state ──────────────────────┘
//! ```
//!
//! The site lives only in memory (`serve` never writes `public/`); the last good build keeps
//! being served while a build fails. One thread owns the session (watch events, Ctrl-C,
//! pings); [`listen`] reads requests under limits and a few worker threads answer them; each
//! open page holds one event stream, which costs a socket but no thread.

pub mod head;
pub mod http;
pub mod listen;
pub mod livereload;
pub mod overlay;
pub mod rules;
pub mod site;
pub mod watch;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::diagnostic;
use crate::files::{Keep, Key};
use crate::options::BuildOptions;
use crate::pipeline::{self, BuildResult, Changes};
use head::{Head, Hosts, Refusal};
use http::Injector;
use overlay::DevState;
use site::{Asset, Site};
use watch::ChangeSet;

/// `serve`'s flags, validated by the CLI.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    /// Open the site in the default browser once it is served.
    pub open: bool,
    /// Poll the file system instead of relying on change notifications.
    pub poll: bool,
    /// Colour diagnostics in the terminal.
    pub color: bool,
    /// Print how long each stage of every rebuild took.
    pub timings: bool,
    /// Overrides `[deploy] max_files`, as `build --max-files` does.
    pub max_files: Option<u32>,
    /// Host names answered besides localhost and this machine's addresses (`*`: any).
    pub allow_hosts: Vec<String>,
    /// Sizes, timeouts and thread counts of the HTTP front.
    pub limits: listen::Limits,
}

/// What the request threads read; swapped whole after each build.
struct Shared {
    site: RwLock<Arc<Site>>,
    dev: RwLock<Arc<DevState>>,
    /// False until a build has succeeded: until then every page is the error page.
    has_site: AtomicBool,
    hub: livereload::Hub,
}

enum Msg {
    Files(notify_debouncer_full::DebounceEventResult),
    Stop,
}

/// Runs the dev server until Ctrl-C. An `Err` is a setup problem (no site, port taken);
/// build errors never end the session.
pub fn run(opts: ServeOptions) -> Result<(), String> {
    let root = std::fs::canonicalize(&opts.root)
        .map_err(|e| format!("cannot open {}: {e}", opts.root.display()))?;
    if let Some((message, help)) = crate::source::site_toml_problem(&root) {
        return Err(format!("{message}\n  help: {help}"));
    }
    // Listen and watch before the first build: a taken port is reported at once, and a
    // save during the first build is not lost (it triggers a rebuild right after).
    let listener = listen::Listener::bind(SocketAddr::new(opts.bind, opts.port))
        .map_err(|e| format!("cannot listen on {}:{}: {e}", opts.bind, opts.port))?;
    let addr = listener.local_addr();
    let url = format!("http://{addr}/");
    let (tx, rx) = mpsc::channel();
    let files_tx = tx.clone();
    let mut watcher = watch::Watcher::start(&root, opts.poll, move |res| {
        let _ = files_tx.send(Msg::Files(res));
    })
    .map_err(|e| {
        format!(
            "cannot watch {}: {e}\n  help: on network drives, WSL or containers try --poll",
            root.display()
        )
    })?;
    ctrlc::set_handler(move || {
        let _ = tx.send(Msg::Stop);
    })
    .map_err(|e| format!("cannot handle Ctrl-C: {e}"))?;

    eprintln!("building {} ...", root.display());
    let mut session = Session::new(root.clone(), &opts);
    session.rebuild(&ChangeSet::default());
    let shared = session.shared.clone();
    let write_timeout = opts.limits.write_timeout;
    let handler: Arc<listen::Handler> =
        Arc::new(move |head, stream| handle(&shared, head, stream, write_timeout));
    let hosts = Hosts::new(addr, &opts.allow_hosts);
    let running = listener
        .serve(opts.limits.clone(), hosts, handler)
        .map_err(|e| format!("cannot serve on {addr}: {e}"))?;

    println!("Serving {} at {url}", root.display());
    if !opts.bind.is_loopback() {
        println!(
            "  note: bound to {}, so other machines on the network can reach it",
            opts.bind
        );
        if opts.bind.is_unspecified() {
            println!("  note: it answers requests for any IP address of this machine; for a host name, add --allow-host NAME");
        }
    }
    println!("Watching site.toml, content/, themes/ and static/. Press Ctrl-C to stop.");
    if opts.open {
        open_browser(&url);
    }

    loop {
        match rx.recv_timeout(livereload::PING_EVERY) {
            Ok(Msg::Stop) | Err(RecvTimeoutError::Disconnected) => break,
            Err(RecvTimeoutError::Timeout) => {
                session.shared.hub.ping();
            }
            Ok(Msg::Files(first)) => {
                let Some(events) = drain(first, &rx) else {
                    break;
                };
                let changes = watch::classify(&root, &events);
                for dir in changes.new_source_dirs() {
                    if let Err(e) = watcher.watch(&root.join(dir), notify::RecursiveMode::Recursive)
                    {
                        eprintln!("warning: cannot watch {dir}/: {e}");
                    }
                }
                if !changes.is_empty() {
                    session.rebuild(&changes);
                }
            }
        }
    }

    println!("\nStopping.");
    drop(watcher);
    running.stop();
    session.shared.hub.close_all();
    Ok(())
}

/// The events of `first` and of every batch that arrived while the last build ran: one
/// rebuild for all of them, not one each. `None` when Ctrl-C came in meanwhile.
fn drain(
    first: notify_debouncer_full::DebounceEventResult,
    rx: &mpsc::Receiver<Msg>,
) -> Option<Vec<notify::Event>> {
    let mut batches = vec![first];
    while let Ok(m) = rx.try_recv() {
        match m {
            Msg::Files(b) => batches.push(b),
            Msg::Stop => return None,
        }
    }
    let mut events = Vec::new();
    for b in batches {
        match b {
            Ok(evs) => events.extend(evs.into_iter().map(|e| e.event)),
            Err(errs) => {
                for e in errs {
                    eprintln!("warning: file watcher: {e}");
                }
            }
        }
    }
    Some(events)
}

/// The build side of the session: the last good site, the keys of its pages, the state
/// counter.
struct Session {
    root: PathBuf,
    color: bool,
    timings: bool,
    max_files: Option<u32>,
    shared: Arc<Shared>,
    /// What the pipeline carries from one build to the next (sources, hashes, the model's
    /// memo).
    pipeline: pipeline::State,
    /// The key every file of the site being served was made from.
    keys: KeyMap,
    state: u64,
    rule_warnings: Vec<rules::RuleWarning>,
}

impl Session {
    fn new(root: PathBuf, opts: &ServeOptions) -> Session {
        // States start from the clock so a page left open across a restart of `serve` never
        // mistakes the new session's state for its own.
        let state = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(1);
        Session {
            root,
            color: opts.color,
            timings: opts.timings,
            max_files: opts.max_files,
            shared: Arc::new(Shared {
                site: RwLock::new(Arc::new(Site::default())),
                dev: RwLock::new(Arc::new(DevState {
                    state,
                    errors: Vec::new(),
                })),
                has_site: AtomicBool::new(false),
                hub: livereload::Hub::default(),
            }),
            pipeline: pipeline::State::session(),
            keys: KeyMap::default(),
            state,
            rule_warnings: Vec::new(),
        }
    }

    /// Builds, swaps the site in on success or raises the overlay on failure, and tells
    /// every open page.
    fn rebuild(&mut self, changes: &ChangeSet) {
        let started = Instant::now();
        let build_date = match crate::date::build_date_from_env() {
            Ok(d) => d,
            Err(e) => {
                eprintln!("error: {e}");
                return;
            }
        };
        let mut opts = BuildOptions::new(self.root.clone(), build_date);
        opts.max_files = self.max_files;
        let old = read(&self.shared.site);
        let what = if changes.rescan || changes.paths.is_empty() {
            Changes::All
        } else {
            Changes::Paths(changes.paths.clone())
        };
        let keep = KeepServed {
            old: &old,
            keys: &self.keys,
            next: Mutex::new(KeyMap::with_capacity_and_hasher(
                self.keys.len(),
                Default::default(),
            )),
            kept: Mutex::new(Vec::new()),
        };
        let ran = Instant::now();
        let mut result = pipeline::run(
            &opts,
            &mut self.pipeline,
            &what,
            &keep,
            pipeline::Target::Memory,
        );
        let ran = ran.elapsed();
        eprint!("{}", result.render_diagnostics(self.color));
        self.state += 1;
        if self.timings {
            for (stage, d) in &result.timings {
                eprintln!("  {stage:<8} {:>8.1} ms", d.as_secs_f64() * 1000.0);
            }
            eprintln!("  {:<8} {:>8.1} ms", "pipeline", ran.as_secs_f64() * 1000.0);
        }
        let assembling = Instant::now();
        let Some(files) = result.files.take() else {
            self.fail(&result);
            self.pipeline.recycle(result.registry.take());
            return;
        };
        let checked = result.checked;
        let kept = keep.kept.into_inner().unwrap_or_else(|e| e.into_inner());
        let made = files.len();
        let Some(new) = assemble(&old, files, &kept) else {
            // The earlier bytes of a kept file are missing: cannot happen while keys and
            // site are swapped together, but a full build is always a correct answer.
            self.keys.clear();
            return self.rebuild(&ChangeSet::default());
        };
        let next = keep.next.into_inner().unwrap_or_else(|e| e.into_inner());
        let old_keys = std::mem::replace(&mut self.keys, next);
        if new.warnings != self.rule_warnings {
            for w in &new.warnings {
                eprintln!("warning: {}:{}: {}", w.file, w.line, w.message);
            }
            self.rule_warnings = new.warnings.clone();
        }
        let swaps = if changes.only_stylesheets() {
            stylesheet_swaps(&old, &new)
        } else {
            None
        };
        let files_total = new.len();
        *self.shared.site.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(new);
        if self.timings {
            let ms = assembling.elapsed().as_secs_f64() * 1000.0;
            eprintln!("  {:<8} {ms:>8.1} ms", "swap");
        }
        self.shared.has_site.store(true, Ordering::SeqCst);
        *self.shared.dev.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(DevState {
            state: self.state,
            errors: Vec::new(),
        });
        let told = match swaps {
            Some(pairs) => self
                .shared
                .hub
                .send(Some("css"), &format!("{} {pairs}", self.state)),
            None => self.shared.hub.send(None, &self.state.to_string()),
        };
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        if changes.is_empty() {
            eprintln!("built {files_total} files in {ms:.0} ms");
        } else {
            eprintln!(
                "{} changed: rebuilt in {ms:.0} ms ({checked} file{} checked, {made} of {files_total} output files made); {told} open page{} updated",
                changes.describe(),
                if checked == 1 { "" } else { "s" },
                if told == 1 { "" } else { "s" },
            );
        }
        // Off the path of the reload: the memo takes the registry back, and the old site,
        // keys and the rest of the result are freed after the pages were told.
        self.pipeline.recycle(result.registry.take());
        drop(result);
        drop(old);
        drop(old_keys);
    }

    fn fail(&mut self, result: &BuildResult) {
        let items = overlay::items(&result.diagnostics, &|d| {
            diagnostic::render(std::slice::from_ref(d), &|p| result.source_text(p), false)
        });
        *self.shared.dev.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(DevState {
            state: self.state,
            errors: items,
        });
        let pages = self.shared.hub.send(None, &self.state.to_string());
        let kept = if self.shared.has_site.load(Ordering::SeqCst) {
            "still serving the last good build"
        } else {
            "nothing to serve yet"
        };
        eprintln!("build failed; {kept}; the errors are shown on {pages} open page(s)");
    }
}

/// Keys by output path (foldhash: a rebuild looks up every path of the site twice).
type KeyMap = HashMap<String, Key, foldhash::fast::FixedState>;

/// What the site being served lets a build keep: a file made from the same key, whose bytes
/// the new site then shares (see `files::Keep`).
struct KeepServed<'a> {
    old: &'a Site,
    keys: &'a KeyMap,
    /// The key of every file of the new site.
    next: Mutex<KeyMap>,
    /// Files kept from `old`.
    kept: Mutex<Vec<String>>,
}

impl Keep for KeepServed<'_> {
    fn reusable(&self, path: &str, key: Key) -> Option<usize> {
        if !self.keys.get(path).is_some_and(|k| key.matches(k)) {
            return None;
        }
        self.old.asset(path).map(|a| a.bytes.len())
    }

    fn keep(&self, path: &str, key: Key) -> std::io::Result<()> {
        self.kept
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(path.to_string());
        let previous = self.keys.get(path).copied().unwrap_or_default();
        self.made(path, key.kept_from(&previous));
        Ok(())
    }

    fn made(&self, path: &str, key: Key) {
        self.next
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string(), key);
    }
}

/// The new site: freshly rendered files, plus the reused pages' bytes from `old` (shared,
/// not copied). A freshly rendered file equal to the old one keeps the old `Asset`, so its
/// ETag stays computed. `None` if a reused page is missing from `old`.
fn assemble(old: &Site, files: Vec<crate::files::OutputFile>, reused: &[String]) -> Option<Site> {
    let asset = |f: crate::files::OutputFile| {
        let a = match old.asset(&f.path) {
            Some(a) if a.bytes.as_slice() == f.bytes.as_slice() => a.clone(),
            _ => Asset::new(f.bytes),
        };
        (f.path, a)
    };
    // Usually every file of the old site is either kept or made again: then the new site is
    // the old one with the made files put in, with no lookup per kept file. Kept files are
    // among the old site's and disjoint from the made ones, so the count says whether some
    // old file is gone (a removed page), which needs the full assembly below.
    let produced = files.len() + reused.len();
    let came = files
        .iter()
        .filter(|f| old.asset(&f.path).is_none())
        .count();
    if old.len() + came == produced {
        return Some(old.with(files.into_iter().map(asset)));
    }
    let mut map: HashMap<String, Arc<Asset>> = HashMap::with_capacity(files.len() + reused.len());
    for path in reused {
        map.insert(path.clone(), old.asset(path)?.clone());
    }
    for f in files {
        let (path, a) = asset(f);
        map.insert(path, a);
    }
    Some(Site::new(map))
}

/// When only stylesheets changed, the fingerprinted stylesheet files that replaced each
/// other, as `"/old.css /new.css ..."`; `None` when anything else in the output changed
/// path, so the page must reload.
fn stylesheet_swaps(old: &Site, new: &Site) -> Option<String> {
    let gone: Vec<&str> = old.paths().filter(|p| new.asset(p).is_none()).collect();
    let came: Vec<&str> = new.paths().filter(|p| old.asset(p).is_none()).collect();
    if gone.is_empty() || gone.len() != came.len() {
        return None;
    }
    // `assets/style.0123456789.css` → `assets/style.css`.
    let unhashed = |p: &str| -> Option<String> {
        let stem = p.strip_suffix(".css")?;
        let (name, hash) = stem.rsplit_once('.')?;
        (hash.len() == 10 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| format!("{name}.css"))
    };
    let mut pairs = Vec::new();
    for g in &gone {
        let key = unhashed(g)?;
        let c = came
            .iter()
            .find(|c| unhashed(c).as_deref() == Some(key.as_str()))?;
        pairs.push(format!("/{g} /{c}"));
    }
    pairs.sort();
    Some(pairs.join(" "))
}

fn read<T: ?Sized>(lock: &RwLock<Arc<T>>) -> Arc<T> {
    lock.read().unwrap_or_else(|e| e.into_inner()).clone()
}

/// Answers one judged request on a worker thread: the event stream, or a file of the site.
fn handle(shared: &Shared, head: Head, stream: TcpStream, write_timeout: Duration) {
    let path = head.target.split('?').next().unwrap_or("");
    let dev = read(&shared.dev);
    if path == http::LIVERELOAD_PATH && head.method == "GET" {
        // Non-blocking, so that a page that stops reading is dropped, not waited for (see
        // `livereload`); a fresh socket takes the short first message at once.
        let _ = stream.set_nonblocking(true);
        if let Err(stream) = shared.hub.add(stream, &dev.state.to_string()) {
            let _ = stream.set_nonblocking(false);
            let busy = Refusal::busy("open pages");
            let headers = [(
                "Content-Type".to_string(),
                "text/plain; charset=utf-8".to_string(),
            )];
            let text = format!("{}\n", busy.text);
            let _ = listen::respond(
                stream,
                busy.status,
                &headers,
                text.as_bytes(),
                false,
                write_timeout,
            );
        }
        return;
    }
    let site = read(&shared.site);
    let resp = if shared.has_site.load(Ordering::SeqCst) || dev.dev_asset(path).is_some() {
        http::respond(
            &site,
            &http::Request {
                method: &head.method,
                url: &head.target,
                if_none_match: head.header("If-None-Match"),
            },
            &*dev,
        )
    } else {
        http::Response {
            status: 500,
            headers: vec![
                ("Content-Type".into(), "text/html; charset=utf-8".into()),
                ("Cache-Control".into(), "no-store".into()),
            ],
            body: http::Body::Owned(dev.standalone_page().into_bytes()),
        }
    };
    // A browser that went away mid-response is not the server's problem.
    let _ = listen::respond(
        stream,
        resp.status,
        &resp.headers,
        resp.body.as_slice(),
        head.method == "HEAD",
        write_timeout,
    );
}

/// Opens `url` in the default browser, best effort.
fn open_browser(url: &str) {
    let (cmd, args): (&str, Vec<&str>) = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    if let Err(e) = std::process::Command::new(cmd)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        eprintln!("note: could not open a browser ({cmd}: {e}); open {url} yourself");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::OutputFile;

    fn site(files: &[(&str, &str)]) -> Site {
        Site::new(
            files
                .iter()
                .map(|(p, b)| (p.to_string(), Asset::new(b.as_bytes().to_vec())))
                .collect(),
        )
    }

    #[test]
    fn assemble_shares_reused_and_unchanged_bytes() {
        let old = site(&[("a/index.html", "A"), ("b/index.html", "B"), ("s.txt", "S")]);
        let files = vec![
            OutputFile {
                path: "b/index.html".into(),
                bytes: b"B2".to_vec(),
            },
            OutputFile {
                path: "s.txt".into(),
                bytes: b"S".to_vec(),
            },
        ];
        let new = assemble(&old, files.clone(), &["a/index.html".to_string()]).unwrap();
        assert!(Arc::ptr_eq(
            new.asset("a/index.html").unwrap(),
            old.asset("a/index.html").unwrap()
        ));
        assert!(Arc::ptr_eq(
            new.asset("s.txt").unwrap(),
            old.asset("s.txt").unwrap()
        ));
        assert_eq!(new.asset("b/index.html").unwrap().bytes.as_slice(), b"B2");
        // A page of the old site neither kept nor made again is gone from the new one.
        let without_a = assemble(&old, files.clone(), &[]).unwrap();
        assert!(without_a.asset("a/index.html").is_none());
        assert_eq!(without_a.len(), 2);
        // A new page joins the kept ones.
        let mut more = files;
        more.push(OutputFile {
            path: "c/index.html".into(),
            bytes: b"C".to_vec(),
        });
        let with_c = assemble(&old, more, &["a/index.html".to_string()]).unwrap();
        assert_eq!(with_c.len(), 4);
        assert!(Arc::ptr_eq(
            with_c.asset("a/index.html").unwrap(),
            old.asset("a/index.html").unwrap()
        ));
    }

    #[test]
    fn stylesheet_swaps_pair_fingerprinted_names_only() {
        let old = site(&[("index.html", "x"), ("assets/style.0123456789.css", "a")]);
        let new = site(&[("index.html", "y"), ("assets/style.abcdef0123.css", "b")]);
        assert_eq!(
            stylesheet_swaps(&old, &new).as_deref(),
            Some("/assets/style.0123456789.css /assets/style.abcdef0123.css")
        );
        let moved = site(&[("index2.html", "y"), ("assets/style.abcdef0123.css", "b")]);
        assert_eq!(stylesheet_swaps(&old, &moved), None);
        assert_eq!(stylesheet_swaps(&old, &old), None);
    }
}

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
mod keep;
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
use crate::options::BuildOptions;
use crate::pipeline::{self, BuildResult, Changes};
use head::{Head, Hosts, Refusal};
use http::Injector;
use keep::{assemble, stylesheet_swaps, KeepServed, KeyMap};
use overlay::DevState;
use site::Site;
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
    /// The environment key of every template of the site being served.
    templates: HashMap<String, u64>,
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
            templates: HashMap::new(),
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
            kept: Mutex::new(Vec::new()),
            changed: Mutex::new(Vec::new()),
            templates: &self.templates,
            next_templates: Mutex::new(HashMap::new()),
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
        if let Some(e) = result.output_error.take() {
            // A kept file could not be kept: cannot happen while keys and site are swapped
            // together, but a full build is always a correct answer.
            eprintln!("note: {e}; building everything again");
            self.keys.clear();
            return self.rebuild(&ChangeSet::default());
        }
        let checked = result.checked;
        let kept = std::mem::take(&mut *keep.kept.lock().unwrap_or_else(|e| e.into_inner()));
        let made = files.len();
        let made_paths: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
        let Some((new, intact)) = assemble(&old, files, &kept) else {
            // The earlier bytes of a kept file are missing: cannot happen while keys and
            // site are swapped together, but a full build is always a correct answer.
            self.keys.clear();
            return self.rebuild(&ChangeSet::default());
        };
        let templates = std::mem::take(
            &mut *keep
                .next_templates
                .lock()
                .unwrap_or_else(|e| e.into_inner()),
        );
        let next = keep.next_keys(intact, &made_paths, &kept);
        self.templates = templates;
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
mod session_tests;

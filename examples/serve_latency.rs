//! Save-to-reload latency of `trustatlas serve` (issue 3's benchmark). Run it through
//! `bench/serve_latency.sh`, which builds the release binary and generates the registry.
//!
//! Starts `serve` on a site, holds a `/__livereload` stream open like a browser tab, then
//! saves files the way editors do (write a temporary file, rename it over the original) and
//! times each save until the reload event arrives on the stream: first a vendor's Markdown,
//! then a template every page extends. Prints every sample and the medians, and checks that
//! the served page shows each edit.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use clap::Parser;

#[derive(Parser)]
#[command(name = "serve_latency")]
struct Args {
    /// The trustatlas binary to measure (a release build).
    #[arg(long, default_value = "target/release/trustatlas")]
    bin: PathBuf,
    /// The site to serve; it is edited and restored.
    #[arg(long)]
    root: PathBuf,
    /// Vendor edits to time.
    #[arg(long, default_value_t = 7)]
    edits: usize,
    /// Template edits to time (`base.html`: every page uses it).
    #[arg(long, default_value_t = 3)]
    template_edits: usize,
    /// Stylesheet edits to time (its fingerprinted name is in every page).
    #[arg(long, default_value_t = 1)]
    css_edits: usize,
    /// Passed to `serve --max-files`: generated registries outgrow Pages' Free-plan 20,000.
    #[arg(long, default_value_t = 100_000)]
    max_files: u32,
    /// Give up on one reload after this many seconds.
    #[arg(long, default_value_t = 600)]
    timeout: u64,
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn main() {
    let args = Args::parse();
    let timeout = Duration::from_secs(args.timeout);
    let started = Instant::now();
    let mut child = Command::new(&args.bin)
        .args(["serve", "--port", "0", "--root"])
        .arg(&args.root)
        .arg("--max-files")
        .arg(args.max_files.to_string())
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", args.bin.display()));
    let stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let stderr = BufReader::new(child.stderr.take().expect("stderr"));
    let server = Server(child);
    // The server's own account of each build ("rebuilt in N ms ..."), echoed as it comes.
    std::thread::spawn(move || {
        for line in stderr.lines().map_while(Result::ok) {
            if line.contains("rebuilt in")
                || line.starts_with("built ")
                || line.starts_with("error")
            {
                eprintln!("    serve: {line}");
            }
        }
    });
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in stdout.lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let line = rx.recv_timeout(timeout).expect("serve prints its URL");
    let addr = line
        .split_whitespace()
        .find_map(|w| w.strip_prefix("http://"))
        .expect("URL")
        .trim_end_matches('/')
        .to_string();
    eprintln!(
        "initial build and start: {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let home = get(&addr, "/");
    if home.starts_with("HTTP/1.1 500") {
        eprintln!("the site does not build (errors above), so there is nothing to time");
        std::process::exit(1);
    }
    let mut stream = Stream::open(&addr, timeout);
    let vendor = pick_vendor(&args.root);
    let slug = vendor
        .file_stem()
        .and_then(|s| s.to_str())
        .expect("vendor slug")
        .to_string();
    let original = fs::read_to_string(&vendor).expect("read vendor");
    let mut vendor_ms = Vec::new();
    for i in 0..args.edits {
        let marker = format!("Latency probe {i}.");
        let ms = stream.time(|| save(&vendor, &format!("{original}\n{marker}\n")));
        let page = get(&addr, &format!("/vendor/{slug}/"));
        assert!(page.contains(&marker), "the vendor page shows edit {i}");
        eprintln!("vendor edit {i}: {ms:.1} ms");
        vendor_ms.push(ms);
    }
    stream.time(|| save(&vendor, &original));

    let template = args.root.join("themes/default/templates/base.html");
    let base = fs::read_to_string(&template).expect("read base.html");
    let mut template_ms = Vec::new();
    for i in 0..args.template_edits {
        let marker = format!("<!-- latency probe {i} -->");
        let ms = stream.time(|| save(&template, &format!("{base}{marker}\n")));
        assert!(
            get(&addr, "/").contains(&marker),
            "the home page shows template edit {i}"
        );
        eprintln!("template edit {i}: {ms:.1} ms");
        template_ms.push(ms);
    }
    stream.time(|| save(&template, &base));

    let css = args.root.join("themes/default/static/style.css");
    let style = fs::read_to_string(&css).expect("read style.css");
    let mut css_ms = Vec::new();
    for i in 0..args.css_edits {
        let marker = format!("/* latency probe {i} */");
        let ms = stream.time(|| save(&css, &format!("{style}{marker}\n")));
        eprintln!("stylesheet edit {i}: {ms:.1} ms");
        css_ms.push(ms);
    }
    if args.css_edits > 0 {
        stream.time(|| save(&css, &style));
    }
    drop(server);

    println!(
        "vendor edit → reload event: median {:.1} ms over {} edits (min {:.1}, max {:.1})",
        median(&vendor_ms),
        vendor_ms.len(),
        min(&vendor_ms),
        max(&vendor_ms)
    );
    if !css_ms.is_empty() {
        println!(
            "stylesheet edit → reload event: median {:.1} ms over {} edits (min {:.1}, max {:.1})",
            median(&css_ms),
            css_ms.len(),
            min(&css_ms),
            max(&css_ms)
        );
    }
    if !template_ms.is_empty() {
        println!(
            "template edit → reload event: median {:.1} ms over {} edits (min {:.1}, max {:.1})",
            median(&template_ms),
            template_ms.len(),
            min(&template_ms),
            max(&template_ms)
        );
    }
}

/// The vendor in the middle of the sorted list: neither first nor last in any listing.
fn pick_vendor(root: &Path) -> PathBuf {
    let mut files: Vec<PathBuf> = fs::read_dir(root.join("content/vendors"))
        .expect("content/vendors")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no vendor .md files");
    files[files.len() / 2].clone()
}

/// Saves like VS Code or JetBrains: a temporary file renamed over the original.
fn save(path: &Path, text: &str) {
    let tmp = path.with_extension("tmp");
    fs::write(&tmp, text).expect("write temp file");
    fs::rename(&tmp, path).expect("rename over");
}

/// The page's event stream.
struct Stream {
    reader: BufReader<TcpStream>,
}

impl Stream {
    fn open(addr: &str, timeout: Duration) -> Stream {
        let mut s = TcpStream::connect(addr).expect("connect");
        s.set_read_timeout(Some(timeout)).expect("timeout");
        write!(s, "GET /__livereload HTTP/1.1\r\nHost: {addr}\r\n\r\n").expect("request");
        let mut st = Stream {
            reader: BufReader::new(s),
        };
        st.next_data();
        st
    }

    fn next_data(&mut self) -> String {
        loop {
            let mut line = String::new();
            let n = self.reader.read_line(&mut line).expect("read event stream");
            assert!(n > 0, "event stream closed");
            if let Some(d) = line.strip_prefix("data: ") {
                return d.trim_end().to_string();
            }
        }
    }

    /// Milliseconds from `save` to the next reload event.
    fn time(&mut self, save: impl FnOnce()) -> f64 {
        let t = Instant::now();
        save();
        self.next_data();
        t.elapsed().as_secs_f64() * 1000.0
    }
}

fn get(addr: &str, path: &str) -> String {
    let mut s = TcpStream::connect(addr).expect("connect");
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("request");
    let mut body = String::new();
    s.read_to_string(&mut body).expect("response");
    body
}

fn median(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    match s.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => s[n / 2],
        n => (s[n / 2 - 1] + s[n / 2]) / 2.0,
    }
}

fn min(v: &[f64]) -> f64 {
    v.iter().copied().fold(f64::INFINITY, f64::min)
}

fn max(v: &[f64]) -> f64 {
    v.iter().copied().fold(f64::NEG_INFINITY, f64::max)
}

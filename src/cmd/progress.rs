//! The progress line of a long build: after a second without a result, `building… 3 s` on
//! stderr, rewritten in place each second and erased when the build ends. Only on a terminal:
//! a pipe, a log file or a CI run (`CI` set) never gets it, so logs hold only real lines.

use std::io::Write;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Shown only when the build has not finished by then.
const AFTER: Duration = Duration::from_secs(1);

/// Whether a progress line may be shown: stderr is a terminal, no `CI` variable, not `-q`.
pub fn wanted(stderr_is_terminal: bool, ci: bool, quiet: bool) -> bool {
    stderr_is_terminal && !ci && !quiet
}

/// A running progress line; dropping it stops and erases it.
pub struct Progress {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Progress {
    /// Starts the line when [`wanted`] says so for this process; otherwise does nothing.
    pub fn start(quiet: bool) -> Progress {
        use std::io::IsTerminal;
        let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
        if !wanted(std::io::stderr().is_terminal(), ci, quiet) {
            return Progress {
                stop: None,
                thread: None,
            };
        }
        let (tx, rx) = mpsc::channel::<()>();
        let started = Instant::now();
        let thread = std::thread::spawn(move || {
            let mut wait = AFTER;
            let mut shown = false;
            // Until the build ends (a message, or the sender dropped).
            while let Err(RecvTimeoutError::Timeout) = rx.recv_timeout(wait) {
                shown = true;
                let secs = started.elapsed().as_secs();
                eprint!("\rbuilding… {secs} s");
                let _ = std::io::stderr().flush();
                wait = Duration::from_secs(1);
            }
            if shown {
                // Carriage return and erase to the end of the line.
                eprint!("\r\x1b[K");
            }
        });
        Progress {
            stop: Some(tx),
            thread: Some(thread),
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::wanted;

    #[test]
    fn only_on_a_terminal_outside_ci_and_not_quiet() {
        assert!(wanted(true, false, false));
        assert!(!wanted(false, false, false), "a pipe or a file");
        assert!(!wanted(true, true, false), "CI logs");
        assert!(!wanted(true, false, true), "-q");
    }
}

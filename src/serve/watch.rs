//! Watching the site's sources: which folders are watched, and [`classify`], the pure
//! function that turns a batch of raw file-system events into the set of changed sources.
//!
//! Editors rarely just write a file. vim renames the original away and writes a new one
//! (after probing with a file named `4913`), VS Code and JetBrains write a temporary file
//! and rename it over the original, JetBrains sometimes only touches the modification time,
//! `git checkout` rewrites dozens of files at once. So folders are watched (not files),
//! every create, write, rename and removal counts, both ends of a rename are looked at, and
//! editor droppings (see [`source::is_ignored`]) never trigger a build. The debouncer gathers
//! a burst into one batch, and one batch is one rebuild.

use std::collections::BTreeSet;
use std::path::{Component, Path};
use std::time::Duration;

use notify::event::{EventKind, MetadataKind, ModifyKind};
use notify::{Event, PollWatcher, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{new_debouncer_opt, DebounceEventHandler, Debouncer, RecommendedCache};

use crate::source::{self, slash};

/// The folders under the site root that hold sources, watched recursively. The root itself
/// is watched without recursion, for `site.toml` and for these folders appearing later.
pub const SOURCE_DIRS: &[&str] = &["content", "themes", "static"];

/// How long the file system must be quiet before a batch is handed over: long enough to
/// gather an editor's save or a checkout into one batch, short enough not to be felt.
pub const DEBOUNCE: Duration = Duration::from_millis(30);

/// With `--poll`: how often files are compared (for network shares, WSL, containers, where
/// change notifications never arrive). Each poll reads every source file: notify's poller
/// keeps modification times in whole seconds, so only the contents reveal a second save
/// within the same second.
pub const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// What a batch of events changed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ChangeSet {
    /// Changed, created or removed source paths, relative to the root, `/`-separated.
    /// A removed or renamed folder appears as the folder's path.
    pub paths: BTreeSet<String>,
    /// The watcher lost track (event queue overflow): everything may have changed.
    pub rescan: bool,
}

impl ChangeSet {
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty() && !self.rescan
    }

    /// True when only stylesheets changed: the page can swap them without reloading.
    pub fn only_stylesheets(&self) -> bool {
        !self.rescan && !self.paths.is_empty() && self.paths.iter().all(|p| p.ends_with(".css"))
    }

    /// Top-level source folders that were just created and need a watch of their own.
    pub fn new_source_dirs(&self) -> Vec<&'static str> {
        SOURCE_DIRS
            .iter()
            .copied()
            .filter(|d| self.paths.contains(*d))
            .collect()
    }

    /// For the terminal: `content/vendors/acme.md` or `3 files`.
    pub fn describe(&self) -> String {
        match (self.rescan, self.paths.len()) {
            (true, _) => "many files (the watcher asked for a rescan)".into(),
            (false, 1) => self.paths.iter().next().cloned().unwrap_or_default(),
            (false, n) => format!("{n} files"),
        }
    }
}

/// Turns raw events into the change set. `root` is the site root as watched (absolute).
/// Only `site.toml` and the [`SOURCE_DIRS`] count, so `build`'s output folder (`public/` by
/// default), `target/` and `.git/` never trigger a rebuild, let alone a loop.
pub fn classify(root: &Path, events: &[Event]) -> ChangeSet {
    let mut set = ChangeSet::default();
    for event in events {
        if event.need_rescan() {
            set.rescan = true;
            continue;
        }
        if !counts(&event.kind) {
            continue;
        }
        for path in &event.paths {
            if let Some(rel) = relevant(root, path) {
                set.paths.insert(rel);
            }
        }
    }
    set
}

/// Whether an event kind can change what a build reads. Reads, opens and closes cannot;
/// neither can permission or ownership changes. A bare modification-time change can
/// (JetBrains' safe write), as can anything notify could not classify.
fn counts(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(m)) => {
            matches!(m, MetadataKind::WriteTime | MetadataKind::Any)
        }
        _ => true,
    }
}

/// The root-relative path when `path` is a source: `site.toml`, or something under one of
/// [`SOURCE_DIRS`] (or that folder itself) whose every component is a name the build reads.
fn relevant(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let mut parts = Vec::new();
    for c in rel.components() {
        match c {
            Component::Normal(n) => parts.push(n.to_str()?),
            _ => return None,
        }
    }
    let first = *parts.first()?;
    let is_source = (parts.len() == 1 && first == "site.toml") || SOURCE_DIRS.contains(&first);
    if !is_source || parts.iter().any(|p| source::is_ignored(p)) {
        return None;
    }
    Some(slash(rel))
}

/// The running watcher; dropping it stops watching.
pub enum Watcher {
    Native(Debouncer<RecommendedWatcher, RecommendedCache>),
    Poll(Debouncer<PollWatcher, RecommendedCache>),
}

impl Watcher {
    /// Starts watching `root` (which must be absolute); batches go to `handler`.
    pub fn start<F: DebounceEventHandler>(
        root: &Path,
        poll: bool,
        handler: F,
    ) -> notify::Result<Watcher> {
        let mut w = if poll {
            let config = notify::Config::default()
                .with_poll_interval(POLL_INTERVAL)
                .with_compare_contents(true);
            Watcher::Poll(new_debouncer_opt(
                DEBOUNCE,
                None,
                handler,
                RecommendedCache::new(),
                config,
            )?)
        } else {
            let config = notify::Config::default();
            Watcher::Native(new_debouncer_opt(
                DEBOUNCE,
                None,
                handler,
                RecommendedCache::new(),
                config,
            )?)
        };
        w.watch(root, RecursiveMode::NonRecursive)?;
        for dir in SOURCE_DIRS {
            let d = root.join(dir);
            if d.is_dir() {
                w.watch(&d, RecursiveMode::Recursive)?;
            }
        }
        Ok(w)
    }

    /// Adds a watch, e.g. for a source folder created after `serve` started.
    pub fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        match self {
            Watcher::Native(d) => d.watch(path, mode),
            Watcher::Poll(d) => d.watch(path, mode),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use notify::event::{AccessKind, CreateKind, DataChange, Flag, RemoveKind, RenameMode};

    use super::*;

    const ROOT: &str = "/site";

    fn ev(kind: EventKind, paths: &[&str]) -> Event {
        let mut e = Event::new(kind);
        for p in paths {
            e = e.add_path(PathBuf::from(p));
        }
        e
    }

    fn changed(events: &[Event]) -> Vec<String> {
        classify(Path::new(ROOT), events)
            .paths
            .into_iter()
            .collect()
    }

    fn write(p: &str) -> Event {
        ev(
            EventKind::Modify(ModifyKind::Data(DataChange::Content)),
            &[p],
        )
    }

    /// Each case: what the editor or tool did (as notify reports it), and the change set.
    #[test]
    fn classifies_what_editors_and_tools_really_do() {
        let rename = |mode| EventKind::Modify(ModifyKind::Name(mode));
        let burst: Vec<String> = (0..50)
            .map(|i| format!("content/vendors/v{i:02}.md"))
            .collect();
        let cases: Vec<(&str, Vec<Event>, Vec<&str>)> = vec![
            (
                "plain save",
                vec![write("/site/content/vendors/acme.md")],
                vec!["content/vendors/acme.md"],
            ),
            (
                "vim: probe file, rename away to a backup, write anew",
                vec![
                    ev(
                        EventKind::Create(CreateKind::File),
                        &["/site/content/vendors/4913"],
                    ),
                    ev(
                        EventKind::Remove(RemoveKind::File),
                        &["/site/content/vendors/4913"],
                    ),
                    ev(
                        rename(RenameMode::Both),
                        &[
                            "/site/content/vendors/acme.md",
                            "/site/content/vendors/acme.md~",
                        ],
                    ),
                    ev(
                        EventKind::Create(CreateKind::File),
                        &["/site/content/vendors/acme.md"],
                    ),
                    write("/site/content/vendors/acme.md"),
                    ev(
                        EventKind::Remove(RemoveKind::File),
                        &["/site/content/vendors/acme.md~"],
                    ),
                ],
                vec!["content/vendors/acme.md"],
            ),
            (
                "VS Code / JetBrains: temp file renamed over the original",
                vec![
                    write("/site/content/vendors/acme.md.__jb_tmp___"),
                    ev(
                        rename(RenameMode::Both),
                        &[
                            "/site/content/vendors/acme.md.__jb_tmp___",
                            "/site/content/vendors/acme.md",
                        ],
                    ),
                ],
                vec!["content/vendors/acme.md"],
            ),
            (
                "JetBrains: only the modification time",
                vec![ev(
                    EventKind::Modify(ModifyKind::Metadata(MetadataKind::WriteTime)),
                    &["/site/themes/default/templates/base.html"],
                )],
                vec!["themes/default/templates/base.html"],
            ),
            (
                "emacs lock and autosave files, swap files, .DS_Store",
                vec![
                    ev(
                        EventKind::Create(CreateKind::File),
                        &["/site/content/vendors/.#acme.md"],
                    ),
                    write("/site/content/vendors/#acme.md#"),
                    write("/site/content/vendors/.acme.md.swp"),
                    write("/site/content/vendors/.DS_Store"),
                    write("/site/static/logo.png.kate-swp"),
                    write("/site/static/upload.tmp"),
                ],
                vec![],
            ),
            (
                "new file, deleted file",
                vec![
                    ev(
                        EventKind::Create(CreateKind::File),
                        &["/site/content/vendors/new.md"],
                    ),
                    ev(
                        EventKind::Remove(RemoveKind::File),
                        &["/site/content/vendors/old.md"],
                    ),
                ],
                vec!["content/vendors/new.md", "content/vendors/old.md"],
            ),
            (
                "renamed file: both names",
                vec![ev(
                    rename(RenameMode::Both),
                    &["/site/content/vendors/a.md", "/site/content/vendors/b.md"],
                )],
                vec!["content/vendors/a.md", "content/vendors/b.md"],
            ),
            (
                "moved out of the site, moved in from elsewhere",
                vec![
                    ev(
                        rename(RenameMode::Both),
                        &["/site/content/pages/about.md", "/tmp/about.md"],
                    ),
                    ev(
                        rename(RenameMode::Both),
                        &["/home/me/draft.md", "/site/content/pages/draft.md"],
                    ),
                ],
                vec!["content/pages/about.md", "content/pages/draft.md"],
            ),
            (
                "folders created and removed",
                vec![
                    ev(EventKind::Create(CreateKind::Folder), &["/site/static/img"]),
                    ev(
                        EventKind::Remove(RemoveKind::Folder),
                        &["/site/content/reports"],
                    ),
                    ev(EventKind::Create(CreateKind::Folder), &["/site/static"]),
                ],
                vec!["content/reports", "static", "static/img"],
            ),
            (
                "git checkout: a burst of writes is one change set",
                burst.iter().map(|p| write(&format!("/site/{p}"))).collect(),
                burst.iter().map(String::as_str).collect(),
            ),
            (
                "site.toml counts; other files at the root and other folders do not",
                vec![
                    write("/site/site.toml"),
                    write("/site/README.md"),
                    write("/site/target/debug/trustatlas"),
                    write("/site/public/index.html"),
                    write("/site/.git/index"),
                    write("/site/content.bak/x.md"),
                ],
                vec!["site.toml"],
            ),
            (
                "reads, opens, closes and permission changes do not count",
                vec![
                    ev(
                        EventKind::Access(AccessKind::Any),
                        &["/site/content/vendors/acme.md"],
                    ),
                    ev(
                        EventKind::Modify(ModifyKind::Metadata(MetadataKind::Permissions)),
                        &["/site/content/vendors/acme.md"],
                    ),
                ],
                vec![],
            ),
            (
                "a file inside a hidden folder",
                vec![write("/site/content/.drafts/x.md")],
                vec![],
            ),
        ];
        for (what, events, want) in cases {
            assert_eq!(changed(&events), want, "{what}");
        }
    }

    #[test]
    fn a_lost_queue_means_rescan() {
        let e = Event::new(EventKind::Other).set_flag(Flag::Rescan);
        let set = classify(Path::new(ROOT), &[e]);
        assert!(set.rescan && !set.is_empty());
        assert_eq!(
            set.describe(),
            "many files (the watcher asked for a rescan)"
        );
    }

    #[test]
    fn stylesheet_only_changes_and_new_folders_are_recognised() {
        let set = classify(
            Path::new(ROOT),
            &[write("/site/themes/default/static/style.css")],
        );
        assert!(set.only_stylesheets());
        let set = classify(
            Path::new(ROOT),
            &[
                write("/site/themes/default/static/style.css"),
                write("/site/content/vendors/a.md"),
            ],
        );
        assert!(!set.only_stylesheets());
        assert_eq!(set.describe(), "2 files");
        let set = classify(
            Path::new(ROOT),
            &[ev(EventKind::Create(CreateKind::Folder), &["/site/static"])],
        );
        assert_eq!(set.new_source_dirs(), ["static"]);
    }
}

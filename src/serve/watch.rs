//! Watches a site's sources for `serve` and turns bursts of file-system events into one `Changes`
//! per save. Editors save in odd ways (a temp file renamed over the original, a backup renamed
//! away, several writes): every event of one save arrives within a few milliseconds, so events are
//! gathered until the site has been quiet for `QUIET`. Reads nothing but events; never writes.

use crate::serve::live::Changes;
use notify::event::{AccessKind, AccessMode};
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher as _};
use std::collections::{BTreeMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long the site must be quiet before a burst of events counts as one save.
pub const QUIET: Duration = Duration::from_millis(20);
/// A burst never holds a rebuild back longer than this (a tool writing files without pause).
pub const MAX_WAIT: Duration = Duration::from_millis(300);

/// The folders a site's sources live in; watched recursively when they exist.
const FOLDERS: [&str; 3] = ["content", "templates", "static"];

pub struct Watcher {
    watcher: RecommendedWatcher,
    events: Receiver<notify::Result<Event>>,
    /// The site root as the events name it (canonical).
    root: PathBuf,
    watched: HashSet<&'static str>,
    /// Source folders that exist but could not be watched, with the reason.
    failed: BTreeMap<&'static str, String>,
    /// Set as soon as an event arrives, cleared when a batch is handed out: lets a rebuild in
    /// progress see that another save is waiting.
    pending: Arc<AtomicBool>,
}

impl Watcher {
    /// Starts watching `root` (for site.yaml and its folders appearing) and each source folder.
    pub fn start(root: &Path) -> notify::Result<Self> {
        let root = root.canonicalize().map_err(notify::Error::io)?;
        let (tx, events) = channel();
        let pending = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&pending);
        let events_root = root.clone();
        let mut watcher = notify::recommended_watcher(move |e: notify::Result<Event>| {
            // Only an event that `next_batch` will turn into a rebuild may interrupt one: an
            // ignored one (a read) would otherwise stop a rebuild that nothing follows.
            let mut changes = Changes::default();
            let relevant = match &e {
                Ok(ev) => {
                    note_event(
                        &events_root,
                        Ok(ev.clone()),
                        &mut changes,
                        &mut HashSet::new(),
                    );
                    !changes.is_empty()
                }
                Err(_) => true,
            };
            if relevant {
                flag.store(true, Ordering::SeqCst);
            }
            let _ = tx.send(e);
        })?;
        watcher.watch(&root, RecursiveMode::NonRecursive)?;
        let mut w = Watcher {
            watcher,
            events,
            root,
            watched: HashSet::new(),
            failed: BTreeMap::new(),
            pending,
        };
        w.watch_folders();
        Ok(w)
    }

    /// A flag that is true while a save is waiting to be handed out by `next_batch`.
    pub fn pending(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.pending)
    }

    /// Watches source folders that exist and are not watched yet (created since, or recreated).
    /// Returns the ones newly watched: files may have appeared in them before the watch began.
    fn watch_folders(&mut self) -> Vec<&'static str> {
        let mut added = Vec::new();
        for folder in FOLDERS {
            let dir = self.root.join(folder);
            if self.watched.contains(folder) || !dir.is_dir() {
                continue;
            }
            match self.watcher.watch(&dir, RecursiveMode::Recursive) {
                Ok(()) => {
                    self.failed.remove(folder);
                    self.watched.insert(folder);
                    added.push(folder);
                }
                Err(e) => {
                    self.failed.insert(folder, e.to_string());
                }
            }
        }
        // A folder that is gone is not a failure: its coming back is seen through the root.
        let root = &self.root;
        self.failed.retain(|folder, _| root.join(folder).is_dir());
        added
    }

    /// What is not being watched although it exists, one line each, e.g. `content/: too many
    /// open files`: saves there are not seen until `serve` is restarted or the folder is
    /// renamed away and back. Empty when everything is watched.
    pub fn not_watching(&self) -> Vec<String> {
        self.failed
            .iter()
            .map(|(folder, why)| format!("{folder}/: {why}"))
            .collect()
    }

    /// Blocks until the next save (or burst of saves) and returns what it changed. None when the
    /// watcher has stopped.
    pub fn next_batch(&mut self) -> Option<Changes> {
        loop {
            let first = self.events.recv().ok()?;
            let mut changes = Changes::default();
            let root = self.root.clone();
            let mut lost = HashSet::new();
            let mut note = |e: notify::Result<Event>| note_event(&root, e, &mut changes, &mut lost);
            note(first);
            drain_burst(&self.events, QUIET, MAX_WAIT, &mut note);
            self.pending.store(false, Ordering::SeqCst);
            for folder in lost {
                if self.watched.remove(folder) {
                    let _ = self.watcher.unwatch(&self.root.join(folder));
                }
            }
            for folder in self.watch_folders() {
                match folder {
                    "content" => changes.rescan = true,
                    "templates" => changes.templates = true,
                    _ => changes.statics = true,
                }
            }
            if !changes.is_empty() {
                return Some(changes);
            }
        }
    }
}

/// Hands `f` every event that arrives until none came for `quiet`, or `max` passed since the call.
fn drain_burst<T>(events: &Receiver<T>, quiet: Duration, max: Duration, f: &mut dyn FnMut(T)) {
    let deadline = Instant::now() + max;
    loop {
        let wait = quiet.min(deadline.saturating_duration_since(Instant::now()));
        match events.recv_timeout(wait) {
            Ok(e) => f(e),
            Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => return,
        }
        if Instant::now() >= deadline {
            // Take what is already queued, without waiting any longer.
            while let Ok(e) = events.try_recv() {
                f(e);
            }
            return;
        }
    }
}

fn note_event(
    root: &Path,
    event: notify::Result<Event>,
    changes: &mut Changes,
    lost: &mut HashSet<&'static str>,
) {
    let event = match event {
        Ok(e) => e,
        Err(_) => {
            changes.rescan = true;
            return;
        }
    };
    if event.need_rescan() {
        changes.rescan = true;
    }
    if let EventKind::Access(kind) = event.kind {
        if kind != AccessKind::Close(AccessMode::Write) {
            return;
        }
    }
    for path in &event.paths {
        let Ok(rel) = path.strip_prefix(root) else {
            continue;
        };
        // The folder itself was removed, renamed away or back, or replaced by a copy: the watch
        // (on the old folder, which inotify follows wherever it moves) no longer sees this path.
        // Watch whatever is there now afresh.
        if let Some(folder) = FOLDERS.iter().find(|f| rel == Path::new(f)) {
            lost.insert(folder);
        }
        classify(rel, path.is_dir(), changes);
    }
}

/// Notes what a changed path (relative to the root) means for the site.
pub fn classify(rel: &Path, is_dir: bool, changes: &mut Changes) {
    let parts: Vec<&str> = rel
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => s.to_str(),
            _ => None,
        })
        .collect();
    let Some((&top, rest)) = parts.split_first() else {
        return;
    };
    let name = parts.last().copied().unwrap_or("");
    if rest.is_empty() && !FOLDERS.contains(&top) {
        if top == crate::load::CONFIG_FILE {
            changes.config = true;
        }
        return;
    }
    if is_editor_scratch(name) {
        return;
    }
    match top {
        "content" => {
            if name.ends_with(".md") && !is_dir {
                changes.content.insert(parts.join("/"));
            } else if !is_dir && crate::images::is_image_name(name) {
                // A lead or body image kept beside its Markdown file.
                changes.images = true;
            } else if is_dir || rest.len() <= 1 {
                // A folder appeared, vanished or moved (content/ itself or a kind's folder, which
                // is gone by the time the event is read): its files are not named one by one.
                // Deeper paths that are not folders are other files, or editors' temporaries.
                changes.rescan = true;
            }
        }
        "templates" => changes.templates = true,
        "static" => changes.statics = true,
        _ => {}
    }
}

/// Files editors write while saving, never content: hidden swap files, backups, vim's `4913`
/// probe, JetBrains' safe-write temporaries.
fn is_editor_scratch(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name == "4913"
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::channel;

    fn changes_for(paths: &[&str]) -> Changes {
        let mut c = Changes::default();
        for p in paths {
            classify(Path::new(p), false, &mut c);
        }
        c
    }

    #[test]
    fn an_editor_save_is_one_content_change() {
        // vim: probe file, backup by rename, new file, backup removed.
        let vim = changes_for(&[
            "content/articles/4913",
            "content/articles/x.md",
            "content/articles/x.md~",
            "content/articles/x.md",
            "content/articles/.x.md.swp",
            "content/articles/x.md~",
        ]);
        // JetBrains safe write; atomic write by temp file and rename.
        let jb = changes_for(&[
            "content/articles/x.md___jb_tmp___",
            "content/articles/x.md___jb_old___",
            "content/articles/x.md",
        ]);
        let mut expected = Changes::default();
        expected.content.insert("content/articles/x.md".into());
        assert_eq!(vim, expected);
        assert_eq!(jb, expected);
        assert!(changes_for(&["content/articles/.x.md.tmp"]).is_empty());
    }

    #[test]
    fn paths_map_to_what_they_change() {
        let c = changes_for(&[
            "site.yaml",
            "templates/article.html",
            "static/img/a.png",
            "public/index.html",
            "README.md",
            "content/articles/notes.txt",
        ]);
        assert!(c.config && c.templates && c.statics && !c.rescan && !c.images);
        assert!(c.content.is_empty());
        // An image beside its Markdown file; a sed temporary beside it is not one.
        let c = changes_for(&["content/articles/lead.PNG"]);
        assert!(c.images && c.content.is_empty() && !c.rescan);
        // A kind's folder moved or removed: read everything again.
        assert!(changes_for(&["content/articles"]).rescan);
        assert!(changes_for(&["content"]).rescan);
        // sed -i and other tools write a temporary without an extension, then rename it.
        assert!(changes_for(&["content/articles/sedAb12Cd"]).is_empty());
    }

    #[test]
    fn a_burst_of_queued_events_is_one_batch() {
        let (tx, rx) = channel();
        for i in 0..6 {
            tx.send(i).unwrap();
        }
        let first = rx.recv().unwrap();
        let mut seen = vec![first];
        drain_burst(&rx, QUIET, MAX_WAIT, &mut |e| seen.push(e));
        assert_eq!(seen, [0, 1, 2, 3, 4, 5]);
        assert!(rx.try_recv().is_err());
    }

    #[test]
    fn a_stream_without_pause_is_cut_at_max_wait() {
        let (tx, rx) = channel();
        let writer = std::thread::spawn(move || {
            for i in 0..1000 {
                if tx.send(i).is_err() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(2));
            }
        });
        let mut n = 0;
        drain_burst(
            &rx,
            Duration::from_millis(50),
            Duration::from_millis(100),
            &mut |_| n += 1,
        );
        drop(rx);
        writer.join().unwrap();
        assert!(n < 1000, "the burst must end before the writer does");
    }
}

//! Stage 5, write: the only code that creates, replaces or deletes anything on disk, or holds a
//! built site in memory. A build writes into a staging folder beside the output, seeded with hard
//! links to the previous output's files, and swaps it into place only when every page rendered, so
//! a failed build leaves the previous output exactly as it was. A file is never written through a
//! link: one whose bytes changed is written anew and renamed over its link; one whose bytes did not
//! change keeps its inode and mtime. `serve` renders into `MemoryOutput`; `new` creates one file and
//! never replaces one.

use crate::error::BuildError;
use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::Write as _;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// Where rendered pages go: a folder on disk, or memory for the preview server.
pub trait Sink: Sync {
    /// Writes `bytes` at `rel` (a `/`-separated path inside the output).
    fn put(&self, rel: &str, bytes: &[u8]) -> Result<(), BuildError>;
    /// Copies a file from the site (e.g. `static/`) to `rel`.
    fn copy(&self, rel: &str, from: &Path) -> Result<(), BuildError> {
        let bytes = fs::read(from).map_err(|e| BuildError::read(from, e))?;
        self.put(rel, &bytes)
    }
}

/// Marks a folder as written by briefing, so that a later build may replace it.
pub(crate) const MARKER: &str = ".briefing-output";
const STAGING: &str = "briefing-staging";
const RETIRED: &str = "briefing-old";
/// A full copy of the previous output that earlier versions kept beside it; removed on sight.
const LEGACY_SPARE: &str = "briefing-spare";
/// The prefix of a changed file's new bytes before they are renamed over the old file's link.
const FRESH: &str = ".briefing-fresh-";

/// Where /proc cannot say whether the process that left a staging folder is alive, the folder is
/// taken as abandoned once it has not changed for this long.
const ABANDONED_AFTER: Duration = Duration::from_secs(60 * 60);

/// Numbers the staging folders of one process, so two builds in one process (a preview server
/// rebuilding) never share one.
static SEQUENCE: AtomicUsize = AtomicUsize::new(0);
/// Staging and retired folders this process is using right now; cleaning never touches them.
static IN_USE: Mutex<Option<HashSet<PathBuf>>> = Mutex::new(None);

fn mark_in_use(p: &Path, in_use: bool) {
    let mut set = IN_USE.lock().unwrap_or_else(|e| e.into_inner());
    let set = set.get_or_insert_with(HashSet::new);
    if in_use {
        set.insert(p.to_path_buf());
    } else {
        set.remove(p);
    }
}

fn is_in_use(p: &Path) -> bool {
    IN_USE
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .is_some_and(|s| s.contains(p))
}

/// A build's output in progress: a staging folder that becomes `target` on `commit`.
pub(crate) struct OutputDir {
    target: PathBuf,
    staging: PathBuf,
    /// Set when the staging folder was seeded with links to the previous output: the paths this
    /// build wrote, so that `commit` can remove whatever else the seed still holds.
    written: Option<Mutex<HashSet<String>>>,
    committed: AtomicBool,
    /// Set by `discard`: the build was abandoned and nothing more may be written.
    closed: AtomicBool,
}

impl OutputDir {
    /// Checks that `target` is a safe place to write and creates a fresh staging folder beside it.
    /// `root` is the site; `force` allows replacing a folder that briefing did not write.
    pub(crate) fn begin(target: &Path, root: &Path, force: bool) -> Result<Self, BuildError> {
        let target = absolute(target)?;
        check_target(&target, root, force)?;
        let parent = target
            .parent()
            .ok_or_else(|| refused(&target, "the output folder has no parent folder"))?;
        fs::create_dir_all(parent).map_err(|e| BuildError::write(parent, e))?;
        let name = file_name(&target);
        clean_leftovers(parent, &name, &target);
        let staging = parent.join(format!(
            ".{name}.{STAGING}-{}-{}",
            std::process::id(),
            SEQUENCE.fetch_add(1, Ordering::Relaxed)
        ));
        let failed = |e| write_error(&staging, &target, &staging, e);
        if staging.exists() {
            fs::remove_dir_all(&staging).map_err(failed)?;
        }
        fs::create_dir(&staging).map_err(failed)?;
        mark_in_use(&staging, true);
        let seeded = seed_from(&target, &staging);
        Ok(OutputDir {
            target,
            staging,
            written: seeded.then(Default::default),
            committed: AtomicBool::new(false),
            closed: AtomicBool::new(false),
        })
    }

    /// Abandons the build: removes the staging folder now and refuses every later write. For a
    /// build that cannot wait for its workers (a render that never finishes).
    pub(crate) fn discard(&self) {
        self.closed.store(true, Ordering::SeqCst);
        let _ = fs::remove_dir_all(&self.staging);
    }

    pub(crate) fn target(&self) -> &Path {
        &self.target
    }

    /// Swaps the staging folder into place. The old output is moved aside only after the new one is
    /// there, then deleted (its unchanged files live on as the new output's links).
    pub(crate) fn commit(self) -> Result<(), BuildError> {
        if let Some(written) = &self.written {
            let written = written.lock().unwrap_or_else(|e| e.into_inner());
            remove_stale(&self.staging, &written).map_err(|e| self.error(&self.staging, e))?;
        }
        let marker = self.staging.join(MARKER);
        let stamp = concat!("written by briefing ", env!("CARGO_PKG_VERSION"), "\n");
        put_file(&marker, stamp.as_bytes()).map_err(|e| self.error(&marker, e))?;
        if self.closed.load(Ordering::SeqCst) {
            return Err(self.stopped());
        }
        let parent = self.target.parent().expect("checked in begin");
        let retired = parent.join(format!(
            ".{}.{RETIRED}-{}-{}",
            file_name(&self.target),
            std::process::id(),
            SEQUENCE.fetch_add(1, Ordering::Relaxed)
        ));
        mark_in_use(&retired, true);
        // If the process dies between these two renames, the next build finds no output and a
        // retired folder of a dead process, and puts it back (see `clean_leftovers`).
        let had_old = match fs::symlink_metadata(&self.target) {
            Ok(_) => {
                fs::rename(&self.target, &retired)
                    .map_err(|e| BuildError::write(&self.target, e))?;
                true
            }
            Err(_) => false,
        };
        if let Err(e) = fs::rename(&self.staging, &self.target) {
            if had_old {
                let _ = fs::rename(&retired, &self.target);
            }
            mark_in_use(&retired, false);
            return Err(BuildError::write(&self.target, e));
        }
        self.committed.store(true, Ordering::SeqCst);
        if had_old {
            let _ = fs::remove_dir_all(&retired);
        }
        mark_in_use(&retired, false);
        Ok(())
    }

    /// A failed write inside the staging folder, named as the user knows it (`write_error`).
    fn error(&self, path: &Path, e: std::io::Error) -> BuildError {
        write_error(&self.staging, &self.target, path, e)
    }

    fn stopped(&self) -> BuildError {
        BuildError::Refused {
            path: self.target.clone(),
            message: "the build was stopped; nothing more is written".into(),
            hint: "fix the problem reported above and build again".into(),
        }
    }
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        if !self.committed.load(Ordering::SeqCst) {
            let _ = fs::remove_dir_all(&self.staging);
        }
        mark_in_use(&self.staging, false);
    }
}

impl OutputDir {
    /// Creates `path`'s folders and runs `write`. In a seeded staging folder an old file may stand
    /// where a folder is needed now, or an old folder where a file is: those are cleared and `write`
    /// retried.
    fn place(
        &self,
        rel: &str,
        path: &Path,
        write: impl Fn(&Path) -> std::io::Result<()>,
    ) -> Result<(), BuildError> {
        let attempt = || -> std::io::Result<()> {
            if let Some(dir) = path.parent() {
                fs::create_dir_all(dir)?;
            }
            write(path)
        };
        let Some(written) = &self.written else {
            return attempt().map_err(|e| self.error(path, e));
        };
        let first = attempt();
        let mut written = written.lock().unwrap_or_else(|e| e.into_inner());
        let result = first
            .or_else(|e| {
                clear_way(&self.staging, path, &written).map_err(|_| e)?;
                attempt()
            })
            .map_err(|e| self.error(path, e));
        written.insert(crate::model::display_path(Path::new(rel)));
        result
    }
}

impl Sink for OutputDir {
    fn put(&self, rel: &str, bytes: &[u8]) -> Result<(), BuildError> {
        let path = self.inside(rel)?;
        self.place(rel, &path, |path| put_file(path, bytes))
    }

    fn copy(&self, rel: &str, from: &Path) -> Result<(), BuildError> {
        let path = self.inside(rel)?;
        self.place(rel, &path, |path| copy_file(from, path))
    }
}

impl OutputDir {
    /// The staging path for `rel`; refuses anything that would land outside the staging folder.
    fn inside(&self, rel: &str) -> Result<PathBuf, BuildError> {
        if self.closed.load(Ordering::SeqCst) {
            return Err(self.stopped());
        }
        check_rel(rel)?;
        Ok(self.staging.join(rel))
    }
}

/// A write error at `path`, named in the output folder when it is inside the staging folder: the
/// user knows the output folder, never the staging folder beside it that becomes it.
fn write_error(staging: &Path, target: &Path, path: &Path, e: std::io::Error) -> BuildError {
    match path.strip_prefix(staging) {
        Ok(rel) if rel.as_os_str().is_empty() => BuildError::write(target, e),
        Ok(rel) => BuildError::write(&target.join(rel), e),
        Err(_) => BuildError::write(path, e),
    }
}

/// Refuses output paths that are empty, absolute, or climb out (`..`), or hold a NUL.
fn check_rel(rel: &str) -> Result<(), BuildError> {
    let safe = !rel.is_empty()
        && !rel.contains('\0')
        && Path::new(rel)
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
    if safe {
        Ok(())
    } else {
        Err(refused(
            Path::new(rel),
            "refusing to write outside the output folder",
        ))
    }
}

/// A built site held in memory, by output path (`articles/x/index.html`): what `serve` serves.
/// Nothing reaches the disk.
#[derive(Debug, Default)]
pub(crate) struct MemoryOutput {
    files: Mutex<HashMap<String, Arc<[u8]>>>,
}

impl MemoryOutput {
    pub(crate) fn new() -> Self {
        Self::default()
    }
    /// Every file written so far, by output path (shared, not copied).
    pub(crate) fn snapshot(&self) -> HashMap<String, Arc<[u8]>> {
        self.files.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
    /// Every file written, by output path.
    pub(crate) fn into_files(self) -> HashMap<String, Arc<[u8]>> {
        self.files.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for MemoryOutput {
    fn put(&self, rel: &str, bytes: &[u8]) -> Result<(), BuildError> {
        check_rel(rel)?;
        let bytes: Arc<[u8]> = Arc::from(bytes);
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(rel.to_string(), bytes);
        Ok(())
    }
}

/// Creates the file `path` with `text`, and its folder if needed. Never replaces an existing file:
/// that is a `Refused` error naming it.
pub(crate) fn create_new_file(path: &Path, text: &str) -> Result<(), BuildError> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| BuildError::write(dir, e))?;
    }
    let mut f = match fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(BuildError::Refused {
                path: path.to_path_buf(),
                message: "this file already exists; `briefing new` never overwrites a file".into(),
                hint: "edit the existing file, or choose another name (or --slug / --id)".into(),
            })
        }
        Err(e) => return Err(BuildError::write(path, e)),
    };
    f.write_all(text.as_bytes())
        .map_err(|e| BuildError::write(path, e))
}

fn refused(path: &Path, message: &str) -> BuildError {
    BuildError::Refused {
        path: path.to_path_buf(),
        message: message.into(),
        hint: "choose another output folder with --out".into(),
    }
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `target` made absolute and free of `.` and `..`, without requiring it to exist.
fn absolute(target: &Path) -> Result<PathBuf, BuildError> {
    let joined = if target.is_absolute() {
        target.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|e| BuildError::read(Path::new("."), e))?
            .join(target)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    // Resolve symlinks in the part that exists so that checks compare real locations.
    let mut existing = out.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (
            existing.file_name().map(|n| n.to_os_string()),
            existing.parent(),
        ) {
            (Some(n), Some(p)) => {
                rest.push(n);
                existing = p.to_path_buf();
            }
            _ => break,
        }
    }
    let mut real = existing.canonicalize().unwrap_or(existing);
    for n in rest.into_iter().rev() {
        real.push(n);
    }
    Ok(real)
}

/// The output folder is the only place a build writes or deletes: refuse any that holds the user's work.
fn check_target(target: &Path, root: &Path, force: bool) -> Result<(), BuildError> {
    let root = absolute(root)?;
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .map(|h| absolute(&h))
        .transpose()?;
    let deny = |why: &str| {
        Err(BuildError::Refused {
            path: target.to_path_buf(),
            message: format!("refusing to use this as the output folder: {why}"),
            hint: "pass --out with a folder of its own, such as public/ inside the site".into(),
        })
    };
    if target.parent().is_none() {
        return deny("it is the file system root");
    }
    if Some(target) == home.as_deref() {
        return deny("it is your home folder");
    }
    if home.as_deref().is_some_and(|h| h.starts_with(target)) {
        return deny("it contains your home folder");
    }
    if target.components().any(|c| c.as_os_str() == ".git") {
        return deny("it is inside a git repository's .git folder");
    }
    if target == root {
        return deny("it is the site itself");
    }
    if root.starts_with(target) {
        return deny("it contains the site");
    }
    for folder in ["content", "templates", "static"] {
        if target.starts_with(root.join(folder)) {
            return deny(&format!("it is inside {folder}/, which holds your work"));
        }
    }
    if target.join(crate::load::CONFIG_FILE).exists() {
        return deny("it holds a site (site.yaml)");
    }
    // Even with --force: a checkout (say of a gh-pages branch) holds history that a build would erase.
    if fs::symlink_metadata(target.join(".git")).is_ok() {
        return deny("it holds a git repository (.git); a build would erase its history");
    }
    match fs::symlink_metadata(target) {
        Ok(m) if !m.is_dir() => deny("it is a file, not a folder"),
        Ok(_) => {
            let is_ours = target.join(MARKER).exists();
            let is_empty = fs::read_dir(target)
                .map(|mut d| d.next().is_none())
                .unwrap_or(false);
            if is_ours || is_empty || force {
                Ok(())
            } else {
                Err(BuildError::Refused {
                    path: target.to_path_buf(),
                    message: "this folder was not written by briefing; a build would replace everything in it".into(),
                    hint: "move its files elsewhere, pick another --out, or pass --force to replace it".into(),
                })
            }
        }
        Err(_) => Ok(()),
    }
}

/// Fills the empty `staging` with a hard link to every file of the previous output at `target`,
/// and its folders, so that a build writes only the files whose bytes changed. Creating ten thousand
/// files right after deleting ten thousand costs seconds of kernel time on some file systems (ext4
/// without a journal); a link keeps the inode. Only an output briefing wrote is seeded, and only its
/// plain files and folders: a planted symlink is left behind, so no write can be redirected outside
/// the output. False (and `staging` emptied) where links cannot be made: the build writes every file.
fn seed_from(target: &Path, staging: &Path) -> bool {
    let ours = fs::symlink_metadata(target).is_ok_and(|m| m.is_dir())
        && fs::symlink_metadata(target.join(MARKER)).is_ok_and(|m| m.is_file());
    if !ours {
        return false;
    }
    if link_tree(target, staging).is_ok() {
        return true;
    }
    let _ = fs::remove_dir_all(staging);
    let _ = fs::create_dir(staging);
    false
}

/// Mirrors the folders of `from` into the existing folder `to` and hard-links its plain files;
/// subfolders in parallel.
fn link_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    use rayon::prelude::*;
    let mut dirs = Vec::new();
    for e in fs::read_dir(from)? {
        let e = e?;
        let ty = e.file_type()?;
        let dest = to.join(e.file_name());
        if ty.is_dir() {
            fs::create_dir(&dest)?;
            dirs.push((e.path(), dest));
        } else if ty.is_file() {
            fs::hard_link(e.path(), &dest)?;
        }
    }
    dirs.par_iter().try_for_each(|(f, t)| link_tree(f, t))
}

/// Removes from a seeded staging folder every file this build did not write, and every folder
/// that holds none of them. Removing a link leaves the previous output's file as it was.
fn remove_stale(
    staging: &Path,
    written: &std::collections::HashSet<String>,
) -> std::io::Result<()> {
    let mut dirs = std::collections::HashSet::new();
    for rel in written {
        let mut rest = rel.as_str();
        while let Some((dir, _)) = rest.rsplit_once('/') {
            if !dirs.insert(dir) {
                break;
            }
            rest = dir;
        }
    }
    use rayon::prelude::*;
    let stale: Vec<(PathBuf, bool)> = entries_under(staging)?
        .into_par_iter()
        .filter(|(path, ty)| {
            let rel = path
                .strip_prefix(staging)
                .map(crate::model::display_path)
                .unwrap_or_default();
            if ty.is_dir() {
                !dirs.contains(rel.as_str())
            } else {
                rel != MARKER && !written.contains(&rel)
            }
        })
        .map(|(path, ty)| (path, ty.is_dir()))
        .collect();
    for (path, is_dir) in stale {
        let removed = if is_dir {
            fs::remove_dir_all(&path)
        } else {
            fs::remove_file(&path)
        };
        // A stale file inside a stale folder is gone with its folder.
        match removed {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

/// Every entry under `dir` (not `dir` itself) with its type as the directory listing gives it
/// (a symlink is a symlink). Subfolders are read in parallel: walking the staging folder one folder
/// at a time was the largest serial part of a 10k rebuild (perf).
fn entries_under(dir: &Path) -> std::io::Result<Vec<(PathBuf, fs::FileType)>> {
    use rayon::prelude::*;
    let mut entries = Vec::new();
    for e in fs::read_dir(dir)? {
        let e = e?;
        entries.push((e.path(), e.file_type()?));
    }
    let nested: Vec<Vec<(PathBuf, fs::FileType)>> = entries
        .par_iter()
        .filter(|(_, ty)| ty.is_dir())
        .map(|(path, _)| entries_under(path))
        .collect::<std::io::Result<_>>()?;
    entries.extend(nested.into_iter().flatten());
    Ok(entries)
}

/// Puts `bytes` at `path`. A file already there with the same bytes is kept as it is (inode and
/// mtime, so rsync and a Pages upload see no change); one with other bytes may be a link to the
/// previous output, so it is never opened for writing: the new bytes go to a fresh file beside it,
/// renamed over it.
fn put_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_file() => {
            if m.len() == bytes.len() as u64 && fs::read(path)? == bytes {
                return Ok(());
            }
            replace_with(path, |fresh| fs::write(fresh, bytes))
        }
        Ok(_) => Err(std::io::Error::from(std::io::ErrorKind::AlreadyExists)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => new_file(path, bytes),
        Err(e) => Err(e),
    }
}

/// Copies the file `from` to `path`, with `put_file`'s rules: unchanged bytes keep the old file.
fn copy_file(from: &Path, path: &Path) -> std::io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_file() => {
            if m.len() == fs::metadata(from)?.len() && same_bytes(from, path)? {
                return Ok(());
            }
            replace_with(path, |fresh| fs::copy(from, fresh).map(|_| ()))
        }
        Ok(_) => Err(std::io::Error::from(std::io::ErrorKind::AlreadyExists)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => fs::copy(from, path).map(|_| ()),
        Err(e) => Err(e),
    }
}

fn new_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    f.write_all(bytes)
}

/// Writes a fresh file with `write` beside `path`, then renames it over `path`.
fn replace_with(
    path: &Path,
    write: impl FnOnce(&Path) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let name = format!("{FRESH}{}", SEQUENCE.fetch_add(1, Ordering::Relaxed));
    let fresh = path.with_file_name(name);
    let written = write(&fresh).and_then(|()| fs::rename(&fresh, path));
    if written.is_err() {
        let _ = fs::remove_file(&fresh);
    }
    written
}

/// Whether two files hold the same bytes, read in blocks (a static file may be large).
fn same_bytes(a: &Path, b: &Path) -> std::io::Result<bool> {
    use std::io::Read as _;
    let (mut a, mut b) = (fs::File::open(a)?, fs::File::open(b)?);
    let (mut x, mut y) = (vec![0; 64 * 1024], vec![0; 64 * 1024]);
    loop {
        let n = read_full(&mut a, &mut x)?;
        if n != read_full(&mut b, &mut y)? || x[..n] != y[..n] {
            return Ok(false);
        }
        if n == 0 {
            return Ok(true);
        }
    }
    fn read_full(f: &mut fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut n = 0;
        while n < buf.len() {
            match f.read(&mut buf[n..])? {
                0 => break,
                k => n += k,
            }
        }
        Ok(n)
    }
}

/// Clears what the previous output left in the way of writing `path` inside `staging`: a file where
/// a folder of its path should be, or a folder where the file should be. What this build wrote
/// itself (`written`) is never cleared: two outputs that claim one path are an error.
fn clear_way(staging: &Path, path: &Path, written: &HashSet<String>) -> std::io::Result<()> {
    let mut at = staging.to_path_buf();
    let rel = path.strip_prefix(staging).map_err(std::io::Error::other)?;
    let mut parts = rel.components().peekable();
    while let Some(part) = parts.next() {
        at.push(part);
        let Ok(meta) = fs::symlink_metadata(&at) else {
            return Ok(());
        };
        let last = parts.peek().is_none();
        // Another thread may clear the same way at the same time: gone is as good as removed.
        let gone = |r: std::io::Result<()>| match r {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        };
        let mine = || {
            let rel = at
                .strip_prefix(staging)
                .map(crate::model::display_path)
                .unwrap_or_default();
            let folder = format!("{rel}/");
            written.contains(&rel) || written.iter().any(|w| w.starts_with(&folder))
        };
        if last == meta.is_dir() && mine() {
            return Err(std::io::Error::from(std::io::ErrorKind::AlreadyExists));
        }
        if last && meta.is_dir() {
            gone(fs::remove_dir_all(&at))?;
        } else if !last && !meta.is_dir() {
            return gone(fs::remove_file(&at));
        }
    }
    Ok(())
}

/// Removes staging and retired folders left by builds that were killed. If a build died while
/// swapping folders (the output is missing and its predecessor is retired), the predecessor is
/// put back first. Folders of builds still running are left alone.
fn clean_leftovers(parent: &Path, name: &str, target: &Path) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let mut dead_retired: Vec<(SystemTime, PathBuf)> = Vec::new();
    let mut dead_staging: Vec<PathBuf> = Vec::new();
    for e in entries.flatten() {
        let fname = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = fname.strip_prefix(&format!(".{name}.")) else {
            continue;
        };
        if rest == LEGACY_SPARE && e.path().join(MARKER).is_file() {
            let _ = fs::remove_dir_all(e.path());
            continue;
        }
        let (retired, tail) = if let Some(t) = rest.strip_prefix(&format!("{STAGING}-")) {
            (false, t)
        } else if let Some(t) = rest.strip_prefix(&format!("{RETIRED}-")) {
            (true, t)
        } else {
            continue;
        };
        let Some(pid) = tail.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        let path = e.path();
        if is_in_use(&path) || build_may_be_running(pid, &path) {
            continue;
        }
        if retired {
            let mtime = e
                .metadata()
                .and_then(|m| m.modified())
                .unwrap_or(SystemTime::UNIX_EPOCH);
            dead_retired.push((mtime, path));
        } else {
            dead_staging.push(path);
        }
    }
    dead_retired.sort();
    if fs::symlink_metadata(target).is_err() {
        if let Some((_, newest)) = dead_retired.pop() {
            let _ = fs::rename(newest, target);
        }
    }
    for p in dead_staging
        .into_iter()
        .chain(dead_retired.into_iter().map(|(_, p)| p))
    {
        let _ = fs::remove_dir_all(p);
    }
}

/// Whether the build that made `folder` may still be writing it. With /proc: the process exists and
/// runs the same program as we do (a recycled process id belongs to something else). Without: the
/// folder changed within the last hour.
fn build_may_be_running(pid: u32, folder: &Path) -> bool {
    if pid == std::process::id() {
        // Ours, but not in use by this process: left by an earlier process with our id.
        return false;
    }
    let proc = Path::new("/proc");
    if proc.join("self").exists() {
        let comm = |p: &Path| fs::read_to_string(p.join("comm")).ok();
        return match comm(&proc.join(pid.to_string())) {
            Some(theirs) => comm(&proc.join("self")).is_none_or(|ours| ours == theirs),
            None => false,
        };
    }
    fs::metadata(folder)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_none_or(|age| age < ABANDONED_AFTER)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_paths_that_climb_out() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        fs::create_dir_all(&root).unwrap();
        let out = OutputDir::begin(&root.join("public"), &root, false).unwrap();
        for bad in ["../x", "/etc/passwd", "a/../../x", "", "a\0b"] {
            assert!(out.put(bad, b"x").is_err(), "{bad:?} accepted");
        }
        out.put("a/b/index.html", b"ok").unwrap();
        out.commit().unwrap();
        assert_eq!(fs::read(root.join("public/a/b/index.html")).unwrap(), b"ok");
    }

    #[test]
    fn memory_output_holds_pages_and_refuses_the_same_paths() {
        let out = MemoryOutput::new();
        for bad in ["../x", "/etc/passwd", "a/../../x", "", "a\0b"] {
            assert!(out.put(bad, b"x").is_err(), "{bad:?} accepted");
        }
        out.put("a/index.html", b"ok").unwrap();
        let files = out.into_files();
        assert_eq!(&*files["a/index.html"], b"ok");
        assert_eq!(files.len(), 1);
    }

    #[test]
    fn refuses_dangerous_targets() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        fs::create_dir_all(root.join("content")).unwrap();
        for bad in [
            root.clone(),
            dir.path().to_path_buf(),
            root.join("content/out"),
            PathBuf::from("/"),
        ] {
            assert!(
                OutputDir::begin(&bad, &root, true).is_err(),
                "{bad:?} accepted"
            );
        }
    }

    fn files_under(dir: &Path) -> Vec<String> {
        let mut out: Vec<String> = walkdir::WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| !e.file_type().is_dir())
            .map(|e| crate::model::display_path(e.path().strip_prefix(dir).unwrap()))
            .collect();
        out.sort();
        out
    }

    #[test]
    fn commit_error_names_the_output_path_not_the_staging_folder() {
        let dir = tempfile::tempdir().unwrap();
        let public = dir.path().join("public");
        let out = OutputDir::begin(&public, dir.path(), false).unwrap();
        // A folder where the marker goes: the marker, written by `commit`, cannot be.
        out.put(&format!("{MARKER}/x"), b"x").unwrap();
        let err = out.commit().unwrap_err().to_string();
        assert_eq!(
            err,
            format!("cannot write {}", public.join(MARKER).display())
        );
    }

    #[test]
    fn rebuild_seeds_from_the_old_output_and_drops_stale_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let public = root.join("public");
        for build in 0..3 {
            let out = OutputDir::begin(&public, &root, false).unwrap();
            assert_eq!(out.written.is_some(), build > 0, "build {build}");
            if build < 2 {
                out.put("a/index.html", b"an older, longer page").unwrap();
                out.put("gone/index.html", b"old").unwrap();
                out.put("c", b"a file that becomes a folder").unwrap();
                out.put("d/index.html", b"a folder that becomes a file")
                    .unwrap();
            } else {
                out.put("a/index.html", b"new").unwrap();
                out.put("c/index.html", b"new").unwrap();
                out.put("d", b"new").unwrap();
            }
            out.commit().unwrap();
        }
        assert_eq!(
            files_under(&public),
            [MARKER, "a/index.html", "c/index.html", "d"]
        );
        assert_eq!(fs::read(public.join("a/index.html")).unwrap(), b"new");
        assert_eq!(fs::read(public.join("d")).unwrap(), b"new");
        let beside: Vec<_> = fs::read_dir(&root).unwrap().flatten().collect();
        assert_eq!(beside.len(), 1, "no copy kept beside the output");
    }

    #[cfg(unix)]
    #[test]
    fn unchanged_file_keeps_its_inode_and_changed_file_never_writes_through_the_link() {
        use std::os::unix::fs::MetadataExt as _;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let public = root.join("public");
        let out = OutputDir::begin(&public, &root, false).unwrap();
        out.put("same.html", b"same").unwrap();
        out.put("changed.html", b"old1").unwrap();
        out.commit().unwrap();
        let ino = |f: &str| fs::metadata(public.join(f)).unwrap().ino();
        let (same, changed) = (ino("same.html"), ino("changed.html"));
        let keep = root.join("kept-link");
        fs::hard_link(public.join("changed.html"), &keep).unwrap();

        let out = OutputDir::begin(&public, &root, false).unwrap();
        out.put("same.html", b"same").unwrap();
        out.put("changed.html", b"new1").unwrap();
        out.commit().unwrap();
        assert_eq!(ino("same.html"), same);
        assert_ne!(ino("changed.html"), changed);
        assert_eq!(fs::read(public.join("changed.html")).unwrap(), b"new1");
        assert_eq!(fs::read(&keep).unwrap(), b"old1", "wrote through a link");
    }

    #[test]
    fn folder_replaced_with_force_is_not_seeded() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        fs::create_dir_all(root.join("public")).unwrap();
        fs::write(root.join("public/mine.txt"), "not briefing's").unwrap();
        let out = OutputDir::begin(&root.join("public"), &root, true).unwrap();
        assert!(out.written.is_none());
        out.put("index.html", b"page").unwrap();
        out.commit().unwrap();
        assert_eq!(files_under(&root.join("public")), [MARKER, "index.html"]);
    }

    #[test]
    fn spare_copy_left_by_an_older_version_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let spare = root.join(format!(".public.{LEGACY_SPARE}"));
        fs::create_dir_all(spare.join("a")).unwrap();
        fs::write(spare.join(MARKER), b"x").unwrap();
        let out = OutputDir::begin(&root.join("public"), &root, false).unwrap();
        out.put("index.html", b"page").unwrap();
        out.commit().unwrap();
        assert!(!spare.exists());
    }

    #[cfg(unix)]
    #[test]
    fn symlink_planted_in_the_old_output_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        let elsewhere = dir.path().join("elsewhere");
        fs::create_dir_all(&root).unwrap();
        fs::create_dir_all(&elsewhere).unwrap();
        let public = root.join("public");
        let out = OutputDir::begin(&public, &root, false).unwrap();
        out.put("x/index.html", b"page").unwrap();
        out.commit().unwrap();
        fs::remove_dir_all(public.join("x")).unwrap();
        std::os::unix::fs::symlink(&elsewhere, public.join("x")).unwrap();
        std::os::unix::fs::symlink(elsewhere.join("f"), public.join("f")).unwrap();
        let out = OutputDir::begin(&public, &root, false).unwrap();
        out.put("x/index.html", b"page").unwrap();
        out.put("f", b"file").unwrap();
        out.commit().unwrap();
        assert!(fs::read_dir(&elsewhere).unwrap().next().is_none());
        assert!(fs::symlink_metadata(public.join("x")).unwrap().is_dir());
        assert!(fs::symlink_metadata(public.join("f")).unwrap().is_file());
    }

    /// A process id above Linux's largest, so never alive.
    const DEAD_PID: u32 = 4_194_305;

    #[test]
    fn output_retired_by_a_build_killed_mid_swap_is_put_back() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let retired = root.join(format!(".public.{RETIRED}-{DEAD_PID}-0"));
        fs::create_dir_all(&retired).unwrap();
        fs::write(retired.join("index.html"), b"v1").unwrap();
        fs::write(retired.join(MARKER), b"x").unwrap();
        let staging = root.join(format!(".public.{STAGING}-{DEAD_PID}-1"));
        fs::create_dir_all(&staging).unwrap();
        let out = OutputDir::begin(&root.join("public"), &root, false).unwrap();
        assert_eq!(fs::read(root.join("public/index.html")).unwrap(), b"v1");
        assert!(!retired.exists() && !staging.exists());
        drop(out);
    }

    #[test]
    fn discarded_output_refuses_writes_and_commit() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let out = OutputDir::begin(&root.join("public"), &root, false).unwrap();
        out.put("a.html", b"x").unwrap();
        out.discard();
        assert!(out.put("b.html", b"x").is_err());
        assert!(out.commit().is_err());
        assert!(!root.join("public").exists());
        assert_eq!(fs::read_dir(&root).unwrap().count(), 0, "staging removed");
    }

    #[test]
    fn refuses_git_folders_even_with_force() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        fs::create_dir_all(root.join("public/.git")).unwrap();
        fs::create_dir_all(root.join(".git")).unwrap();
        for bad in [root.join("public"), root.join(".git/out")] {
            let err = OutputDir::begin(&bad, &root, true).err().expect("refused");
            assert!(err.to_string().contains(".git"), "{err}");
        }
    }

    #[test]
    fn failed_build_leaves_old_output() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let out = OutputDir::begin(&root.join("public"), &root, false).unwrap();
        out.put("index.html", b"v1").unwrap();
        out.commit().unwrap();
        {
            let out = OutputDir::begin(&root.join("public"), &root, false).unwrap();
            out.put("index.html", b"v2").unwrap();
            // dropped without commit: a failed build
        }
        assert_eq!(fs::read(root.join("public/index.html")).unwrap(), b"v1");
        let leftovers: Vec<_> = fs::read_dir(&root)
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().contains("briefing-"))
            .collect();
        assert!(leftovers.is_empty());
    }
}

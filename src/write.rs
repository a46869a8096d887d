//! Stage 5, write: the only code that creates, replaces or deletes anything on disk for a build.
//! A build writes into a fresh staging folder beside the output and swaps it into place only when
//! every page rendered, so a failed build leaves the previous output exactly as it was.

use crate::error::BuildError;
use std::collections::HashSet;
use std::fs;
use std::io::Write as _;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
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
pub const MARKER: &str = ".briefing-output";
const STAGING: &str = "briefing-staging";
const RETIRED: &str = "briefing-old";

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
pub struct OutputDir {
    target: PathBuf,
    staging: PathBuf,
    committed: AtomicBool,
    /// Set by `discard`: the build was abandoned and nothing more may be written.
    closed: AtomicBool,
}

impl OutputDir {
    /// Checks that `target` is a safe place to write and creates a fresh staging folder beside it.
    /// `root` is the site; `force` allows replacing a folder that briefing did not write.
    pub fn begin(target: &Path, root: &Path, force: bool) -> Result<Self, BuildError> {
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
        if staging.exists() {
            fs::remove_dir_all(&staging).map_err(|e| BuildError::write(&staging, e))?;
        }
        fs::create_dir(&staging).map_err(|e| BuildError::write(&staging, e))?;
        mark_in_use(&staging, true);
        Ok(OutputDir {
            target,
            staging,
            committed: AtomicBool::new(false),
            closed: AtomicBool::new(false),
        })
    }

    /// Abandons the build: removes the staging folder now and refuses every later write. For a
    /// build that cannot wait for its workers (a render that never finishes).
    pub fn discard(&self) {
        self.closed.store(true, Ordering::SeqCst);
        let _ = fs::remove_dir_all(&self.staging);
    }

    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Swaps the staging folder into place. The old output is removed only after the new one is there.
    pub fn commit(self) -> Result<(), BuildError> {
        let marker = self.staging.join(MARKER);
        fs::write(
            &marker,
            concat!("written by briefing ", env!("CARGO_PKG_VERSION"), "\n"),
        )
        .map_err(|e| BuildError::write(&marker, e))?;
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

impl Sink for OutputDir {
    fn put(&self, rel: &str, bytes: &[u8]) -> Result<(), BuildError> {
        let path = self.inside(rel)?;
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| BuildError::write(dir, e))?;
        }
        let mut f = fs::File::create(&path).map_err(|e| BuildError::write(&path, e))?;
        f.write_all(bytes).map_err(|e| BuildError::write(&path, e))
    }

    fn copy(&self, rel: &str, from: &Path) -> Result<(), BuildError> {
        let path = self.inside(rel)?;
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| BuildError::write(dir, e))?;
        }
        fs::copy(from, &path)
            .map(|_| ())
            .map_err(|e| BuildError::write(&path, e))
    }
}

impl OutputDir {
    /// The staging path for `rel`; refuses anything that would land outside the staging folder.
    fn inside(&self, rel: &str) -> Result<PathBuf, BuildError> {
        if self.closed.load(Ordering::SeqCst) {
            return Err(self.stopped());
        }
        let p = Path::new(rel);
        let safe = !rel.is_empty()
            && !rel.contains('\0')
            && p.components().all(|c| matches!(c, Component::Normal(_)));
        if !safe {
            return Err(refused(
                Path::new(rel),
                "refusing to write outside the output folder",
            ));
        }
        Ok(self.staging.join(p))
    }
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

//! Stage 5, write: the only code that creates, replaces or deletes anything on disk, or holds a
//! built site in memory. A build writes into a fresh staging folder beside the output and swaps it
//! into place only when every page rendered, so a failed build leaves the previous output exactly
//! as it was. `serve` renders into `MemoryOutput`; `new` creates one file and never replaces one.

use crate::error::BuildError;
use std::collections::HashMap;
use std::fs;
use std::io::Write as _;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

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

/// A build's output in progress: a staging folder that becomes `target` on `commit`.
pub struct OutputDir {
    target: PathBuf,
    staging: PathBuf,
    committed: AtomicBool,
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
        clean_leftovers(parent, &name);
        let staging = parent.join(format!(".{name}.{STAGING}-{}", std::process::id()));
        if staging.exists() {
            fs::remove_dir_all(&staging).map_err(|e| BuildError::write(&staging, e))?;
        }
        fs::create_dir(&staging).map_err(|e| BuildError::write(&staging, e))?;
        Ok(OutputDir {
            target,
            staging,
            committed: AtomicBool::new(false),
        })
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
        let parent = self.target.parent().expect("checked in begin");
        let retired = parent.join(format!(
            ".{}.{RETIRED}-{}",
            file_name(&self.target),
            std::process::id()
        ));
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
            return Err(BuildError::write(&self.target, e));
        }
        self.committed.store(true, Ordering::SeqCst);
        if had_old {
            let _ = fs::remove_dir_all(&retired);
        }
        Ok(())
    }
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        if !self.committed.load(Ordering::SeqCst) {
            let _ = fs::remove_dir_all(&self.staging);
        }
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
        check_rel(rel)?;
        Ok(self.staging.join(rel))
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
pub struct MemoryOutput {
    files: Mutex<HashMap<String, Arc<[u8]>>>,
}

impl MemoryOutput {
    pub fn new() -> Self {
        Self::default()
    }
    /// Every file written so far, by output path (shared, not copied).
    pub fn snapshot(&self) -> HashMap<String, Arc<[u8]>> {
        self.files.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
    /// Every file written, by output path.
    pub fn into_files(self) -> HashMap<String, Arc<[u8]>> {
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
pub fn create_new_file(path: &Path, text: &str) -> Result<(), BuildError> {
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

/// Removes staging and retired folders left by builds that were killed; skips those of live processes.
fn clean_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        let fname = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = fname.strip_prefix(&format!(".{name}.")) else {
            continue;
        };
        let pid = rest
            .strip_prefix(&format!("{STAGING}-"))
            .or_else(|| rest.strip_prefix(&format!("{RETIRED}-")))
            .and_then(|p| p.parse::<u32>().ok());
        if let Some(pid) = pid {
            let alive = pid != std::process::id() && Path::new(&format!("/proc/{pid}")).exists();
            if !alive {
                let _ = fs::remove_dir_all(e.path());
            }
        }
    }
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

//! Stage 1, load: finds the site's files and reads them into memory.
//! Reads only inside the site root; never parses content and never writes anything.

use crate::error::{BuildError, Diagnostic, Diagnostics, NotASite};
use crate::model::{display_path, Kind};
use rayon::prelude::*;
use std::fs;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// One content file, read as text.
#[derive(Debug)]
pub struct SourceFile {
    pub kind: Kind,
    /// Relative to the site root, `/`-separated (`content/models/pangu.md`).
    pub rel: PathBuf,
    /// Empty once `site::read_site` has parsed the file.
    pub text: String,
}

/// A file to copy as it is (from `static/`) or a template override (from `templates/`).
#[derive(Debug, Clone)]
pub struct AssetFile {
    /// Absolute path on disk.
    pub abs: PathBuf,
    /// Path relative to its folder (`static/` or `templates/`), `/`-separated.
    pub rel: String,
}

/// Everything read from a site root.
#[derive(Debug)]
pub struct SourceTree {
    pub root: PathBuf,
    pub config_text: String,
    pub files: Vec<SourceFile>,
    pub statics: Vec<AssetFile>,
    pub templates: Vec<AssetFile>,
}

pub(crate) const CONFIG_FILE: &str = "site.yaml";

/// Largest content file read. A 10 MB article builds in well under a second; a file this size is
/// most likely a mistake (a data dump saved as .md), and reading it would hold it all in memory.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Reads the site at `root`. Problems with single files (not UTF-8, unknown folder, symlink out of the
/// site) become diagnostics so that one run reports them all.
pub(crate) fn load(root: &Path, diags: &mut Diagnostics) -> Result<SourceTree, BuildError> {
    let config_path = root.join(CONFIG_FILE);
    let config_text = match read_bounded(&config_path) {
        Ok(bytes) => decode(bytes, Path::new(CONFIG_FILE), diags).unwrap_or_default(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(NotASite {
                root: root.to_path_buf(),
            }
            .into())
        }
        Err(e) => return Err(BuildError::read(&config_path, e)),
    };
    let canonical_root = root.canonicalize().map_err(|e| BuildError::read(root, e))?;
    if !root.join("content").is_dir() {
        // Without this, a wrong --root or a folder not yet checked out builds an empty site and
        // replaces the real output with it.
        return Err(BuildError::Refused {
            path: root.join("content"),
            message: "there is no content/ folder: nothing to build".into(),
            hint: "create content/ (with articles/, companies/, models/, themes/, pages/), or pass --root DIR for the site you meant".into(),
        });
    }

    let content_paths = walk(root, &canonical_root, "content", None, diags)?;
    let mut wanted = Vec::new();
    for (abs, rel) in content_paths {
        match classify(&rel) {
            Some(Ok(kind)) => wanted.push((kind, abs, PathBuf::from(rel))),
            Some(Err(d)) => diags.push(d),
            None => {}
        }
    }

    let read: Vec<Result<Option<SourceFile>, Diagnostic>> = wanted
        .into_par_iter()
        .map(|(kind, abs, rel)| match read_bounded(&abs) {
            Ok(bytes) => {
                let mut local = Diagnostics::new();
                Ok(decode(bytes, &rel, &mut local).map(|text| SourceFile { kind, rel, text }))
                    .and_then(|f| match local.into_vec().pop() {
                        Some(d) => Err(d),
                        None => Ok(f),
                    })
            }
            Err(e) => Err(
                Diagnostic::error(&rel, format!("cannot read this file: {e}"))
                    .hint("check the file's permissions, or move it out of content/"),
            ),
        })
        .collect();
    let mut files = Vec::with_capacity(read.len());
    for r in read {
        match r {
            Ok(Some(f)) => files.push(f),
            Ok(None) => {}
            Err(d) => diags.push(d),
        }
    }
    files.sort_by(|a, b| a.rel.cmp(&b.rel));

    let statics = assets_in(root, &canonical_root, "static", diags)?;
    let templates = assets_in(root, &canonical_root, "templates", diags)?;

    Ok(SourceTree {
        root: root.to_path_buf(),
        config_text,
        files,
        statics,
        templates,
    })
}

/// What a path under `content/` is: a content file of some kind, a misplaced Markdown file (an
/// error), or nothing briefing reads (`None`: images, notes, editor files).
fn classify(rel: &str) -> Option<Result<Kind, Diagnostic>> {
    let rel_path = Path::new(rel);
    let mut parts = rel.split('/');
    let (_, folder, rest) = (parts.next(), parts.next(), parts.collect::<Vec<_>>());
    let name = rest.last().copied().unwrap_or("");
    if name.starts_with('.') || name.ends_with('~') {
        return None;
    }
    let is_md = rel.ends_with(".md");
    if !is_md && is_markdown_name(name) {
        let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
        return Some(Err(Diagnostic::error(
            rel_path,
            "content files must end in `.md`: this file would be skipped",
        )
        .hint(format!("rename it to `{stem}.md`"))));
    }
    match folder.and_then(Kind::from_folder) {
        Some(kind) if is_md && rest.len() == 1 => Some(Ok(kind)),
        Some(_) if is_md => Some(Err(Diagnostic::error(
            rel_path,
            "content files may not be in sub-folders",
        )
        .hint("move the file directly into its kind's folder, e.g. content/articles/"))),
        // Non-Markdown files beside content (images, notes) are left alone on purpose.
        Some(_) => None,
        None if is_md => Some(Err(Diagnostic::error(
            rel_path,
            "this file is not in a known content folder",
        )
        .hint("content lives in content/articles, companies, models, themes or pages"))),
        None => None,
    }
}

/// A Markdown file under another name than `.md`: `.MD`, `.Md`, `.markdown`, `.mdown`, `.mkd`.
fn is_markdown_name(name: &str) -> bool {
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return false;
    };
    !stem.is_empty()
        && ["md", "markdown", "mdown", "mkd", "mkdn"]
            .iter()
            .any(|m| ext.eq_ignore_ascii_case(m))
}

/// One content file read again after an edit, under the same rules as `load`.
#[derive(Debug)]
pub(crate) enum Reread {
    /// Not (or no longer) a content file: deleted, renamed away, or not something briefing reads.
    Gone,
    File(SourceFile),
    Problem(Diagnostic),
}

/// Reads the content file at `rel` (`content/articles/x.md`) again, for `serve`.
pub(crate) fn reread(root: &Path, rel: &str) -> Reread {
    let kind = match classify(rel) {
        None => return Reread::Gone,
        Some(Err(d)) => return Reread::Problem(d),
        Some(Ok(kind)) => kind,
    };
    let abs = root.join(rel);
    let rel_path = PathBuf::from(rel);
    match fs::symlink_metadata(&abs) {
        Err(_) => return Reread::Gone,
        Ok(m) if m.file_type().is_symlink() => {
            let inside = match (abs.canonicalize(), root.canonicalize()) {
                (Ok(t), Ok(r)) => t.starts_with(r),
                _ => false,
            };
            if !inside {
                return Reread::Problem(
                    Diagnostic::error(
                        &rel_path,
                        "symlink points outside the site; it is not followed",
                    )
                    .hint("copy the file into the site instead of linking to it"),
                );
            }
        }
        Ok(m) if !m.is_file() => return Reread::Gone,
        Ok(_) => {}
    }
    match fs::read(&abs) {
        Ok(bytes) => {
            let mut local = Diagnostics::new();
            match decode(bytes, &rel_path, &mut local) {
                Some(text) => Reread::File(SourceFile {
                    kind,
                    rel: rel_path,
                    text,
                }),
                None => Reread::Problem(local.into_vec().remove(0)),
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Reread::Gone,
        Err(e) => Reread::Problem(
            Diagnostic::error(&rel_path, format!("cannot read this file: {e}"))
                .hint("check the file's permissions, or move it out of content/"),
        ),
    }
}

/// The files of `static/` or `templates/`, read again after an edit (for `serve`).
pub(crate) fn assets(
    root: &Path,
    folder: &str,
    diags: &mut Diagnostics,
) -> Result<Vec<AssetFile>, BuildError> {
    let canonical_root = root.canonicalize().map_err(|e| BuildError::read(root, e))?;
    assets_in(root, &canonical_root, folder, diags)
}

fn assets_in(
    root: &Path,
    canonical_root: &Path,
    folder: &str,
    diags: &mut Diagnostics,
) -> Result<Vec<AssetFile>, BuildError> {
    // A link from static/ into content/ would copy the raw sources, drafts included, into the
    // output for anyone to read.
    let content = canonical_root.join("content");
    let forbidden = (folder == "static").then_some(content.as_path());
    Ok(walk(root, canonical_root, folder, forbidden, diags)?
        .into_iter()
        .map(|(abs, rel)| AssetFile {
            abs,
            rel: rel[folder.len() + 1..].to_string(),
        })
        .collect())
}

/// Files under `root/folder`, as (absolute, root-relative) pairs. Symlinks are followed only while
/// they stay inside the site and out of `forbidden`; loops and other links are reported, never
/// followed.
fn walk(
    root: &Path,
    canonical_root: &Path,
    folder: &str,
    forbidden: Option<&Path>,
    diags: &mut Diagnostics,
) -> Result<Vec<(PathBuf, String)>, BuildError> {
    let dir = root.join(folder);
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    let walker = WalkDir::new(&dir).follow_links(true).sort_by_file_name();
    let mut it = walker.into_iter();
    while let Some(entry) = it.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| rel_to(root, p))
                    .unwrap_or_else(|| folder.into());
                let msg = if e.loop_ancestor().is_some() {
                    "symlink loop: this link points back at a folder that contains it".to_string()
                } else {
                    format!(
                        "cannot read: {}",
                        e.io_error().map_or(e.to_string(), |io| io.to_string())
                    )
                };
                diags.push(
                    Diagnostic::error(path, msg)
                        .hint("remove the symlink or point it at a real file"),
                );
                continue;
            }
        };
        if entry.path_is_symlink() {
            let target = entry.path().canonicalize();
            let inside = target.as_ref().is_ok_and(|t| t.starts_with(canonical_root));
            if let Some(f) = forbidden.filter(|f| target.as_ref().is_ok_and(|t| t.starts_with(f))) {
                diags.push(forbidden_link(root, entry.path(), f, canonical_root));
                if entry.file_type().is_dir() {
                    it.skip_current_dir();
                }
                continue;
            }
            if !inside {
                diags.push(
                    Diagnostic::error(
                        rel_to(root, entry.path()),
                        "symlink points outside the site; it is not followed",
                    )
                    .hint("copy the file into the site instead of linking to it"),
                );
                if entry.file_type().is_dir() {
                    it.skip_current_dir();
                }
                continue;
            }
        }
        let name = entry.file_name().to_string_lossy();
        // Editor swap and backup files are never content.
        if name.starts_with('.') || name.ends_with('~') {
            if entry.file_type().is_dir() && entry.depth() > 0 {
                it.skip_current_dir();
            }
            continue;
        }
        if entry.file_type().is_file() {
            out.push((entry.path().to_path_buf(), rel_to(root, entry.path())));
        }
    }
    Ok(out)
}

fn forbidden_link(root: &Path, link: &Path, forbidden: &Path, canonical_root: &Path) -> Diagnostic {
    let into = display_path(forbidden.strip_prefix(canonical_root).unwrap_or(forbidden));
    Diagnostic::error(
        rel_to(root, link),
        format!("symlink points into {into}/: it would publish the source files, drafts included"),
    )
    .hint(format!(
        "remove the symlink; put files for the output in static/ itself, not in {into}/"
    ))
}

/// The file's bytes, unless it is larger than `MAX_FILE_BYTES`.
fn read_bounded(path: &Path) -> std::io::Result<Vec<u8>> {
    let len = fs::metadata(path)?.len();
    if len > MAX_FILE_BYTES {
        return Err(std::io::Error::other(format!(
            "it is {} MiB; content files may be at most {} MiB (split it into several files)",
            len.div_ceil(1024 * 1024),
            MAX_FILE_BYTES / 1024 / 1024
        )));
    }
    fs::read(path)
}

fn rel_to(root: &Path, p: &Path) -> String {
    display_path(p.strip_prefix(root).unwrap_or(p))
}

/// UTF-8 text, without a byte-order mark. Anything else is a diagnostic naming the byte.
fn decode(mut bytes: Vec<u8>, rel: &Path, diags: &mut Diagnostics) -> Option<String> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    match String::from_utf8(bytes) {
        Ok(s) => Some(s),
        Err(e) => {
            let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let text = String::from_utf8_lossy(good);
            let (line, col) = crate::error::line_col(&text, text.len());
            diags.push(
                Diagnostic::error(rel, "this file is not UTF-8 text")
                    .at(line, Some(col))
                    .hint("save it as UTF-8 in your editor (e.g. `iconv -f GB18030 -t UTF-8`)"),
            );
            None
        }
    }
}

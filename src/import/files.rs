//! `briefing import`'s disk work: reads the site for its entities and articles, imports each file
//! with the pure `import`, decides where it goes (refusing a slug taken by another article or by
//! a file imported before it, and an existing file without `force`), writes it, and reports each
//! file. Never creates an entity; prints nothing (the command does).

use super::{import, status_word, DateSource, Found, ImportOptions, Imported, SiteNames};
use crate::check;
use crate::error::{BuildError, Diagnostic};
use crate::load::MAX_FILE_BYTES;
use crate::model::{display_path, Status};
use crate::site;
use chrono::NaiveDate;
use std::collections::HashMap;
use std::fmt;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

/// What to import, and how.
#[derive(Debug, Clone)]
pub struct ImportRequest {
    /// The site's folder (holding site.yaml).
    pub root: PathBuf,
    /// Plain-text files, imported in this order.
    pub files: Vec<PathBuf>,
    /// `--date`: wins over a date found in the text.
    pub date: Option<NaiveDate>,
    /// The date of an article whose text gives none.
    pub today: NaiveDate,
    pub status: Status,
    /// Write nothing: each outcome holds the Markdown that would be written.
    pub dry_run: bool,
    /// Replace an article file that already exists.
    pub force: bool,
}

/// What became of each file, in the order given.
#[derive(Debug)]
pub struct ImportReport {
    /// Errors in the site (see `briefing check`): names were matched against the entities that
    /// could be read.
    pub site_errors: usize,
    /// Per file: what was imported (or, in a dry run, would be), or why it could not be.
    pub files: Vec<Result<ImportedFile, Diagnostic>>,
}

impl ImportReport {
    /// How many files could not be imported.
    pub fn failed(&self) -> usize {
        self.files.iter().filter(|f| f.is_err()).count()
    }
}

/// One file imported; its `Display` is the report the command prints about it.
#[derive(Debug)]
pub struct ImportedFile {
    /// The plain-text file, as given.
    pub file: PathBuf,
    /// Where the article is (or would be) written, relative to the site: `content/articles/x.md`.
    pub rel: String,
    pub article: Imported,
    pub status: Status,
    pub dry_run: bool,
}

/// The site could not be read at all (no site.yaml, an unreadable folder).
#[derive(Debug, thiserror::Error)]
#[error("could not read the site in {}", root.display())]
pub struct ReadSiteError {
    pub root: PathBuf,
    #[source]
    pub source: BuildError,
}

/// Imports every file of `req` into the site at `req.root`; a file that fails does not stop the
/// others.
pub fn import_files(req: &ImportRequest) -> Result<ImportReport, ReadSiteError> {
    let (graph, _, diags) =
        site::read_site(&req.root, None, check::all_articles()).map_err(|source| {
            ReadSiteError {
                root: req.root.clone(),
                source,
            }
        })?;
    let names = SiteNames::for_site(&graph);
    let mut slugs = Slugs {
        existing: graph
            .articles
            .iter()
            .map(|a| (a.article.slug.clone(), a.article.origin.rel.clone()))
            .collect(),
        this_run: HashMap::new(),
    };
    let files = req
        .files
        .iter()
        .map(|file| import_one(req, &names, &mut slugs, file))
        .collect();
    Ok(ImportReport {
        site_errors: diags.error_count(),
        files,
    })
}

/// The slugs taken: by the site's articles (with their files), and by the files of this run.
struct Slugs {
    existing: HashMap<String, PathBuf>,
    this_run: HashMap<String, PathBuf>,
}

fn import_one(
    req: &ImportRequest,
    names: &SiteNames,
    slugs: &mut Slugs,
    file: &Path,
) -> Result<ImportedFile, Diagnostic> {
    let bytes = read_bounded(file)?;
    let opts = ImportOptions {
        date: req.date,
        today: req.today,
        status: req.status,
        file_stem: file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    let article = import(&bytes, names, &opts).map_err(|e| e.to_diagnostic(file))?;
    let rel = format!("content/articles/{}.md", article.slug);
    let target = req.root.join(&rel);
    slugs.claim(file, &article.slug, &rel)?;
    if target.exists() && !req.force {
        return Err(Diagnostic::error(file, format!("{rel} already exists"))
            .hint("pass --force to replace it, or change the title"));
    }
    slugs
        .this_run
        .insert(article.slug.clone(), file.to_path_buf());
    if !req.dry_run {
        refuse_link(&target, &rel)?;
        write(&target, &article.markdown, req.force).map_err(|e| {
            Diagnostic::error(&rel, format!("cannot write this file: {e}"))
                .hint("check that content/articles/ is writable")
        })?;
    }
    Ok(ImportedFile {
        file: file.to_path_buf(),
        rel,
        article,
        status: req.status,
        dry_run: req.dry_run,
    })
}

impl Slugs {
    /// Refuses `slug` (to be written at `rel`) when a file of this run or another article has it.
    fn claim(&self, file: &Path, slug: &str, rel: &str) -> Result<(), Diagnostic> {
        if let Some(other) = self.this_run.get(slug) {
            return Err(Diagnostic::error(
                file,
                format!(
                    "this article would be {rel}, like {} imported before it",
                    other.display()
                ),
            )
            .hint("give one of them a different title"));
        }
        if let Some(other) = self.existing.get(slug).filter(|p| display_path(p) != rel) {
            return Err(Diagnostic::error(
                file,
                format!(
                    "the site already has an article with the slug `{slug}`: {}",
                    display_path(other)
                ),
            )
            .hint("change the title, or edit that article instead"));
        }
        Ok(())
    }
}

/// The file's bytes, refused at once (before any read) when it is not a regular file (a device
/// such as /dev/zero, a FIFO that would block) or is larger than a content file may be; the read
/// itself stops past the limit, in case the file grows meanwhile.
fn read_bounded(file: &Path) -> Result<Vec<u8>, Diagnostic> {
    let cannot = |e: &dyn fmt::Display| {
        Diagnostic::error(file, format!("cannot read this file: {e}"))
            .hint("check the path; import takes plain-text files")
    };
    let meta = std::fs::metadata(file).map_err(|e| cannot(&e))?;
    if !meta.is_file() {
        return Err(Diagnostic::error(
            file,
            "this is not a regular file (a folder, device or pipe); import reads only files",
        )
        .hint("save the text to a .txt file and import that"));
    }
    let too_big = |len: u64| {
        Diagnostic::error(
            file,
            format!(
                "this file is {} MiB; an article may be at most {} MiB",
                len.div_ceil(1024 * 1024),
                MAX_FILE_BYTES / 1024 / 1024
            ),
        )
        .hint("is it really one article? split it into several files")
    };
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_big(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(file)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| cannot(&e))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_big(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Refuses to write at `target` when it is a symbolic link: `--force` replaces an article file,
/// never the file a link points to (which may be outside the site).
fn refuse_link(target: &Path, rel: &str) -> Result<(), Diagnostic> {
    match std::fs::symlink_metadata(target) {
        Ok(m) if m.file_type().is_symlink() => Err(Diagnostic::error(
            rel,
            "this is a symbolic link; import never writes through one",
        )
        .hint("remove the link (or replace it with a real file), or change the title")),
        _ => Ok(()),
    }
}

/// Writes a new article; without `force`, never over an existing file (even one created meanwhile).
/// With `force`, the text goes to a temporary file beside it that is renamed over the target:
/// the rename replaces whatever is at the path (even a link made since `refuse_link`), never
/// writes into what it points to.
fn write(target: &Path, text: &str, force: bool) -> std::io::Result<()> {
    let dir = target.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    if force {
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        // A temporary file is private (0600); the article keeps the permissions it had.
        if let Ok(old) = std::fs::metadata(target) {
            tmp.as_file().set_permissions(old.permissions())?;
        }
        tmp.write_all(text.as_bytes())?;
        return tmp.persist(target).map(drop).map_err(|e| e.error);
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(target)?;
    f.write_all(text.as_bytes())
}

/// What was imported from the file, what it names, and what the site may be missing.
impl fmt::Display for ImportedFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let a = &self.article;
        writeln!(
            f,
            "{} {} -> {} ({}){}",
            if self.dry_run {
                "would import"
            } else {
                "imported"
            },
            self.file.display(),
            self.rel,
            status_word(self.status),
            if self.dry_run {
                "; dry run, nothing written"
            } else {
                ""
            }
        )?;
        let date = a.date.format("%Y-%m-%d");
        match &a.date_source {
            DateSource::Flag => writeln!(f, "  date:        {date} (from --date)")?,
            DateSource::Text { line, written } => writeln!(
                f,
                "  date:        {date} (found in the text, line {line}: \"{written}\")"
            )?,
            DateSource::Today => writeln!(
                f,
                "  date:        {date} (today: the text gives no date; set one with --date YYYY-MM-DD)"
            )?,
        }
        if a.slug_from_file {
            writeln!(
                f,
                "  slug:        from the file name (the title has no Latin letters)"
            )?;
        }
        for (label, list) in [
            ("companies:", &a.matches.companies),
            ("models:", &a.matches.models),
            ("themes:", &a.matches.themes),
        ] {
            writeln!(f, "  {label:<12} {}", found_list(list))?;
        }
        if a.suggestions.is_empty() {
            return writeln!(f, "  suggestions: none");
        }
        writeln!(
            f,
            "  suggestions: names that look like companies or models the site lacks (none was created):"
        )?;
        for s in &a.suggestions {
            writeln!(f, "    \"{}\" (line {})", s.name, s.line)?;
        }
        Ok(())
    }
}

fn found_list(list: &[Found]) -> String {
    if list.is_empty() {
        return "none".into();
    }
    list.iter()
        .map(|f| {
            let names: Vec<String> = f
                .names
                .iter()
                .map(|(n, c)| {
                    if *c == 1 {
                        format!("\"{n}\"")
                    } else {
                        format!("\"{n}\" ×{c}")
                    }
                })
                .collect();
            format!("{} ({})", f.id, names.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

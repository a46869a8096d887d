//! `check`: everything `build` validates plus the editor's lint (duplicate titles, missing summaries,
//! images without alt text, entities no article names, future dates, malformed external URLs), as
//! findings with a rule name. Reads the site through `site::read_site`; never writes anything.

pub mod audit;
mod lint;

use crate::error::{BuildError, Diagnostic, Severity};
use crate::link::Selection;
use crate::load::CONFIG_FILE;
use crate::model::display_path;
use crate::site;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// One problem and the rule that found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// `build` for what a build itself rejects or warns about; otherwise the lint rule's name.
    pub rule: &'static str,
    pub diagnostic: Diagnostic,
}

/// The lint rules, by the name `--format json` gives them.
pub mod rules {
    /// Everything `briefing build` reports: syntax, unknown ids, broken links and anchors,
    /// duplicate slugs (two files claiming one URL).
    pub const BUILD: &str = "build";
    pub const DUPLICATE_TITLE: &str = "duplicate-title";
    pub const MISSING_SUMMARY: &str = "missing-summary";
    pub const IMAGE_ALT: &str = "image-alt";
    pub const UNNAMED_ENTITY: &str = "unnamed-entity";
    pub const FUTURE_DATE: &str = "future-date";
    pub const EXTERNAL_URL: &str = "external-url";
    /// `check --links`: an href or src in the output that resolves to no file.
    pub const BROKEN_LINK: &str = "broken-link";
}

/// What one run of `check` found.
#[derive(Debug, Clone, Default)]
pub struct CheckReport {
    /// Sorted by file, line and column.
    pub findings: Vec<Finding>,
    /// Files looked at: content files and site.yaml, or output files for `--links`.
    pub files: usize,
}

impl CheckReport {
    pub fn new(mut findings: Vec<Finding>, files: usize) -> Self {
        findings.sort_by(|a, b| {
            let (a, b) = (&a.diagnostic, &b.diagnostic);
            (&a.path, a.line, a.column, a.severity, &a.message)
                .cmp(&(&b.path, b.line, b.column, b.severity, &b.message))
        });
        findings.dedup();
        CheckReport { findings, files }
    }
    pub fn errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.diagnostic.is_error())
            .count()
    }
    pub fn warnings(&self) -> usize {
        self.findings.len() - self.errors()
    }

    /// The report as `--format json` prints it (schema version 1, documented in the README).
    pub fn to_json(&self) -> String {
        let report = JsonReport {
            version: 1,
            findings: self
                .findings
                .iter()
                .map(|f| JsonFinding {
                    severity: f.diagnostic.severity,
                    rule: f.rule,
                    // As given: relative to the site for content, as typed for `--links DIR`.
                    path: f.diagnostic.path.to_string_lossy().replace('\\', "/"),
                    line: f.diagnostic.line,
                    column: f.diagnostic.column,
                    message: &f.diagnostic.message,
                    hint: f.diagnostic.hint.as_deref(),
                })
                .collect(),
            summary: JsonSummary {
                errors: self.errors(),
                warnings: self.warnings(),
                files: self.files,
            },
        };
        serde_json::to_string_pretty(&report).expect("plain data serializes")
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    findings: Vec<JsonFinding<'a>>,
    summary: JsonSummary,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    severity: Severity,
    rule: &'a str,
    path: String,
    line: Option<usize>,
    column: Option<usize>,
    message: &'a str,
    hint: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonSummary {
    errors: usize,
    warnings: usize,
    files: usize,
}

/// Every article, drafts and articles in review included: those are the ones an editor most needs
/// checked, and an entity's other fields stay as a build sees them.
/// Scheduled articles are included too, so the future-date lint sees them.
pub fn all_articles() -> Selection {
    Selection {
        drafts: true,
        future: true,
        ..Selection::published()
    }
}

/// `check PATH...`: the site checked whole, since a file's problems may come from the others (a
/// slug or title another file has, an id no file defines), with the findings of the files under
/// `paths` only. A path is taken from the current folder, else from `root`; one outside the site
/// or that does not exist is an `Err`. `files` counts the site's files under the paths.
pub fn check_paths(
    root: &Path,
    now: DateTime<Utc>,
    paths: &[PathBuf],
) -> Result<CheckReport, BuildError> {
    let wanted = paths
        .iter()
        .map(|p| site_relative(root, p))
        .collect::<Result<Vec<String>, _>>()?;
    let under = |rel: &str| {
        wanted
            .iter()
            .any(|w| w.is_empty() || rel == w || rel.starts_with(&format!("{w}/")))
    };
    let report = check(root, now)?;
    let files = walkdir::WalkDir::new(root)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| e.path().strip_prefix(root).ok().map(display_path))
        .filter(|rel| (rel.starts_with("content/") && rel.ends_with(".md")) || rel == CONFIG_FILE)
        .filter(|rel| under(rel))
        .count();
    let findings = report
        .findings
        .into_iter()
        .filter(|f| under(&display_path(&f.diagnostic.path)))
        .collect();
    Ok(CheckReport::new(findings, files))
}

/// `path` (from the current folder, else from `root`) relative to `root`, `/`-separated.
fn site_relative(root: &Path, path: &Path) -> Result<String, BuildError> {
    let found = [path.to_path_buf(), root.join(path)]
        .into_iter()
        .find_map(|p| p.canonicalize().ok());
    let refused = |message: String| BuildError::Refused {
        path: path.to_path_buf(),
        message,
        hint: "give files or folders of the site, e.g. content/articles/my-story.md".into(),
    };
    let abs = found.ok_or_else(|| refused("there is no such file".into()))?;
    let root_abs = root.canonicalize().map_err(|e| BuildError::read(root, e))?;
    abs.strip_prefix(&root_abs)
        .map(display_path)
        .map_err(|_| refused(format!("this is not in the site at {}", root.display())))
}

/// Checks the site at `root` as of `now` (`site::now()` for the clock). Content problems are findings; only a site that
/// cannot be read at all (no site.yaml, an unreadable folder) is an `Err`.
pub fn check(root: &Path, now: DateTime<Utc>) -> Result<CheckReport, BuildError> {
    let selection = Selection {
        now,
        ..all_articles()
    };
    match site::read_site(root, None, selection) {
        Ok((graph, tree, diags)) => {
            // A preview-style read files an unpublished article's own problems with the article
            // (for the review desk) rather than with the site's: check reports both.
            let desk = graph
                .articles
                .iter()
                .flat_map(|a| a.problems.iter().cloned());
            let mut findings: Vec<Finding> = diags
                .into_vec()
                .into_iter()
                .chain(desk)
                .map(|d| Finding {
                    rule: rules::BUILD,
                    diagnostic: d,
                })
                .collect();
            findings.extend(lint::lint(&graph, now));
            Ok(CheckReport::new(findings, tree.files.len() + 1))
        }
        // site.yaml itself is broken: report that; nothing can be linked to lint further.
        Err(BuildError::Content { diagnostics }) => Ok(CheckReport::new(
            diagnostics
                .into_vec()
                .into_iter()
                .map(|d| Finding {
                    rule: rules::BUILD,
                    diagnostic: d,
                })
                .collect(),
            1,
        )),
        Err(e) => Err(e),
    }
}

//! `check`: everything `build` validates plus the editor's lint (duplicate titles, missing summaries,
//! images without alt text, entities no article names, future dates, malformed external URLs), as
//! findings with a rule name. Reads the site through `site::read_site`; never writes anything.

pub mod audit;

use crate::error::{BuildError, Diagnostic, Severity};
use crate::link::{Selection, SiteGraph};
use crate::markdown::Rendered;
use crate::model::{display_path, Origin, Status};
use crate::site;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;

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

/// Checks the site at `root` as of `today`. Content problems are findings; only a site that
/// cannot be read at all (no site.yaml, an unreadable folder) is an `Err`.
pub fn check(root: &Path, today: NaiveDate) -> Result<CheckReport, BuildError> {
    match site::read_site(root, None, all_articles()) {
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
            findings.extend(lint(&graph, today));
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

/// The editorial rules over a linked site. Pure.
pub fn lint(graph: &SiteGraph, today: NaiveDate) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut push =
        |rule: &'static str, diagnostic: Diagnostic| out.push(Finding { rule, diagnostic });

    // Duplicate titles and names: readers tell items apart by them, and import matches names.
    let articles = graph.articles.iter().map(|a| {
        (
            &a.article.origin,
            a.article.title.as_str(),
            "title",
            "article",
        )
    });
    let companies = graph.companies.iter().map(|c| {
        (
            &c.company.origin,
            c.company.name.as_str(),
            "name",
            "company",
        )
    });
    let models = graph
        .models
        .iter()
        .map(|m| (&m.model.origin, m.model.name.as_str(), "name", "model"));
    let themes = graph
        .themes
        .iter()
        .map(|t| (&t.theme.origin, t.theme.name.as_str(), "name", "theme"));
    for group in [
        articles.collect::<Vec<_>>(),
        companies.collect(),
        models.collect(),
        themes.collect(),
    ] {
        let mut seen: HashMap<String, &Origin> = HashMap::new();
        let mut group = group;
        group.sort_by(|a, b| a.0.rel.cmp(&b.0.rel));
        for (origin, title, key, noun) in group {
            let norm = title
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase();
            match seen.get(&norm) {
                Some(first) => push(
                    rules::DUPLICATE_TITLE,
                    at_field(
                        Diagnostic::warning(
                            &origin.rel,
                            format!(
                                "another {noun} has the same {key}, `{title}`: {}",
                                display_path(&first.rel)
                            ),
                        ),
                        origin,
                        key,
                        title,
                    )
                    .hint(format!(
                        "readers tell {noun}s apart by their {key}; reword one of them"
                    )),
                ),
                None => {
                    seen.insert(norm, origin);
                }
            }
        }
    }

    // Summaries: lists, cards and the feed show them.
    for a in &graph.articles {
        let a = &a.article;
        if a.summary.is_none() {
            push(
                rules::MISSING_SUMMARY,
                at_field(
                    Diagnostic::warning(&a.origin.rel, "this article has no summary"),
                    &a.origin,
                    "title",
                    &a.title,
                )
                .hint("add `summary:` with a sentence or two; lists and the feed now show the start of the first paragraph"),
            );
        }
    }
    let entities = graph
        .companies
        .iter()
        .map(|c| {
            (
                &c.company.origin,
                &c.company.name,
                c.company.summary.is_some(),
                &c.articles,
                "company",
                "companies",
            )
        })
        .chain(graph.models.iter().map(|m| {
            (
                &m.model.origin,
                &m.model.name,
                m.model.summary.is_some(),
                &m.articles,
                "model",
                "models",
            )
        }))
        .chain(graph.themes.iter().map(|t| {
            (
                &t.theme.origin,
                &t.theme.name,
                t.theme.summary.is_some(),
                &t.articles,
                "theme",
                "themes",
            )
        }));
    for (origin, name, has_summary, articles, noun, key) in entities {
        if !has_summary {
            push(
                rules::MISSING_SUMMARY,
                at_field(
                    Diagnostic::warning(&origin.rel, format!("this {noun} has no summary")),
                    origin,
                    "name",
                    name,
                )
                .hint(format!(
                    "add `summary:` with one sentence; the {key} list shows it under the name"
                )),
            );
        }
        // Entities no published article names: their pages list nothing.
        let published = articles
            .iter()
            .filter(|&&i| graph.articles[i].article.status == Status::Published)
            .count();
        if published == 0 {
            let drafts: Vec<String> = articles
                .iter()
                .map(|&i| display_path(&graph.articles[i].article.origin.rel))
                .collect();
            let (message, hint) = if drafts.is_empty() {
                (
                    format!("no article names this {noun}"),
                    format!("list its id in an article's `{key}:`, or delete the file if the site no longer covers it"),
                )
            } else {
                (
                    format!(
                        "only unpublished articles name this {noun} ({})",
                        drafts.join(", ")
                    ),
                    "its page lists no articles until one of those is published".to_string(),
                )
            };
            push(
                rules::UNNAMED_ENTITY,
                at_field(
                    Diagnostic::warning(&origin.rel, message),
                    origin,
                    "name",
                    name,
                )
                .hint(hint),
            );
        }
    }

    // Dates after today: the article looks published ahead of time.
    for a in &graph.articles {
        let a = &a.article;
        if a.status == Status::Published && a.date.date() > today {
            push(
                rules::FUTURE_DATE,
                at_field(
                    Diagnostic::warning(
                        &a.origin.rel,
                        format!(
                            "this article is dated {}, after today ({})",
                            a.date.iso_date(),
                            today.format("%Y-%m-%d")
                        ),
                    ),
                    &a.origin,
                    "date",
                    &a.date.iso_date(),
                )
                .hint("fix the date, or keep the article as `status: draft` until it is due"),
            );
        }
    }

    // Bodies: images without alt text and malformed external URLs.
    let bodies = graph
        .articles
        .iter()
        .map(|n| (&n.article.origin, &n.body))
        .chain(
            graph
                .companies
                .iter()
                .map(|n| (&n.company.origin, &n.profile)),
        )
        .chain(graph.models.iter().map(|n| (&n.model.origin, &n.profile)))
        .chain(graph.themes.iter().map(|n| (&n.theme.origin, &n.profile)))
        .chain(graph.pages.iter().map(|n| (&n.page.origin, &n.body)));
    for (origin, body) in bodies {
        lint_body(origin, body, &mut push);
    }

    // URLs in front matter.
    for c in &graph.companies {
        if let Some(url) = &c.company.website {
            front_matter_url(&c.company.origin, "website", url, &mut push);
        }
    }
    for a in &graph.articles {
        if let Some(url) = a.article.source.as_ref().and_then(|s| s.url.as_ref()) {
            front_matter_url(&a.article.origin, "source", url, &mut push);
        }
    }
    out
}

fn lint_body(origin: &Origin, body: &Rendered, push: &mut impl FnMut(&'static str, Diagnostic)) {
    let at = |(line, col): (usize, usize)| (origin.body_line + line - 1, Some(col));
    for &pos in &body.images_without_alt {
        let (line, col) = at(pos);
        push(
            rules::IMAGE_ALT,
            Diagnostic::warning(&origin.rel, "image without alt text")
                .at(line, col)
                .hint("describe the image between the brackets, e.g. `![Huawei Cloud's stand at Huawei Connect](stand.jpg)`"),
        );
    }
    for (pos, dest) in &body.links {
        if !(dest.starts_with("//") || crate::url::has_scheme(dest)) {
            continue;
        }
        if let Err((message, hint)) = crate::url::check_url(dest) {
            let (line, col) = at(*pos);
            push(
                rules::EXTERNAL_URL,
                Diagnostic::error(&origin.rel, format!("link to `{dest}`: {message}"))
                    .at(line, col)
                    .hint(hint),
            );
        }
    }
}

fn front_matter_url(
    origin: &Origin,
    key: &str,
    url: &str,
    push: &mut impl FnMut(&'static str, Diagnostic),
) {
    let result = if crate::url::has_scheme(url) {
        crate::url::check_url(url)
    } else {
        // `https//x.org` lost its colon; `www.x.org` its scheme.
        let lower = url.to_ascii_lowercase();
        let rest = ["https", "http"]
            .iter()
            .find_map(|s| lower.strip_prefix(s).map(|_| &url[s.len()..]))
            .map_or(url, |r| r.trim_start_matches([':', '/']));
        Err((
            "is not an absolute URL".to_string(),
            format!(
                "write it in full, e.g. `https://{}`",
                rest.trim_start_matches('/')
            ),
        ))
    };
    if let Err((message, hint)) = result {
        push(
            rules::EXTERNAL_URL,
            at_field(
                Diagnostic::error(&origin.rel, format!("`{key}` URL `{url}` {message}")),
                origin,
                key,
                url,
            )
            .hint(hint),
        );
    }
}

/// The diagnostic placed at `value` of front-matter field `key` (or the field, or the front matter).
fn at_field(d: Diagnostic, origin: &Origin, key: &str, value: &str) -> Diagnostic {
    let (line, col) = origin.locate(key, value).unwrap_or((origin.yaml_line, 1));
    d.at(line, Some(col))
}

//! Stage 4, render: turns the linked site into pages through Tera templates.
//! `pages` holds one type per kind of page (template, URL, context and fingerprint together);
//! templates see only the typed structs of `context`. Pages go to a `Sink`; this module never
//! opens a file in the output folder itself.
//!
//! - `templates`: the Tera instance (built-in theme + the site's overrides, guarded)
//! - `prepared`: what every page of a build shares (site context, cards)
//! - `pages`: the page kinds and the list of them
//! - `run`: rendering pages in parallel under the watchdog
//! - `incremental`: `serve`'s fingerprints and partial re-render
//! - `meta`: Open Graph, `article:*` and JSON-LD metadata; the share image's place
//! - `share`: the site card, the default share image
//! - `reader`: related reading, charts and backlinks on entity pages
//! - `theme`: the embedded theme files

mod context;
mod incremental;
mod meta;
mod pages;
mod prepared;
mod reader;
mod run;
mod share;
mod templates;
pub(crate) mod theme;

pub(crate) use incremental::{render_changed, Rendition};
pub(crate) use prepared::Prepared;
pub(crate) use reader::SEARCH_INDEX;
pub(crate) use templates::load_templates;

use crate::error::BuildError;
use crate::guard::Watch;
use crate::link::SiteGraph;
use crate::write::Sink;
use pages::{Job, PageKind};
use std::collections::HashSet;
use std::time::{Duration, Instant};
use tera::Tera;

impl Prepared<'_> {
    /// Every page of the site.
    pub(crate) fn jobs(&self) -> Vec<Job> {
        pages::all(self)
    }

    /// The pages of these source files themselves (`content/articles/x.md` -> its article page),
    /// without the lists that show them: what `serve` renders first after a save.
    pub(crate) fn jobs_of_sources(&self, rels: &HashSet<String>) -> Vec<Job> {
        // Many files at once (a checkout, a rescan): no page goes first, all come together.
        if rels.is_empty() || rels.len() > 16 {
            return Vec::new();
        }
        let rels: HashSet<&std::ffi::OsStr> = rels
            .iter()
            .map(|r| std::ffi::OsStr::new(r.as_str()))
            .collect();
        self.jobs()
            .into_iter()
            .filter(|job| {
                job.source(self)
                    .is_some_and(|o| rels.contains(o.rel.as_os_str()))
            })
            .collect()
    }

    /// Renders these pages into `sink`, each recorded in `watch` for the watchdog; returns their
    /// paths.
    pub(crate) fn render_some(
        &self,
        jobs: &[Job],
        tera: &Tera,
        sink: &dyn Sink,
        watch: &Watch,
    ) -> Result<Vec<String>, BuildError> {
        let jobs: Vec<&dyn PageKind> = jobs.iter().map(|j| j.as_ref()).collect();
        run::render_jobs(self, &jobs, tera, sink, watch, &|| false)
    }
}

/// Renders every page of the site into `sink` and returns the paths written and the time the
/// search index took, or the first template error. Records each page in `watch` while it
/// renders, so that a watchdog can tell a page that never finishes; stops early once `watch` is
/// cancelled.
pub(crate) fn render_site_watched(
    graph: &SiteGraph,
    tera: &Tera,
    sink: &dyn Sink,
    watch: &Watch,
) -> Result<(Vec<String>, Duration), BuildError> {
    // The search index first, written and dropped before any card or page exists: it is the
    // largest thing a build makes, and built beside them it set the build's peak memory
    // (bench/RESULTS.md).
    let started = Instant::now();
    let mut written = crate::search::write_index(graph, sink)?;
    let search = started.elapsed();
    let prepared = Prepared::new(graph);
    prepared.build_cards();
    let jobs = prepared.jobs();
    let jobs: Vec<&dyn PageKind> = jobs.iter().map(|j| j.as_ref()).collect();
    written.extend(run::render_jobs(
        &prepared,
        &jobs,
        tera,
        sink,
        watch,
        &|| false,
    )?);
    for (rel, bytes) in fixed_files(graph) {
        sink.put(rel, &bytes)?;
        written.push(rel.to_string());
    }
    Ok((written, search))
}

/// The most one page may grow to: far more than any page of the site needs (the feed repeats
/// article bodies), small enough that a template printing in a loop stops long before memory
/// runs out.
pub(crate) fn page_limit(graph: &SiteGraph) -> usize {
    let profiles = graph
        .companies
        .iter()
        .map(|c| c.profile.html.len())
        .chain(graph.models.iter().map(|m| m.profile.html.len()))
        .chain(graph.themes.iter().map(|t| t.profile.html.len()));
    let bodies: usize = graph
        .articles
        .iter()
        .map(|a| a.body.html.len())
        .chain(profiles)
        .chain(graph.pages.iter().map(|p| p.body.html.len()))
        .sum();
    64 * 1024 * 1024 + bodies.saturating_mul(4)
}

/// The files beside the pages but the search index (which follows the content): the theme's
/// static files, the site card (which follows the title only) and what GitHub Pages reads. `.nojekyll`
/// makes Pages serve the output as it is instead of running Jekyll over it; `CNAME` carries the
/// custom domain, except in a preview build (`--drafts`): pushed anywhere, a preview must never
/// claim the real site's domain.
fn fixed_files(graph: &SiteGraph) -> Vec<(&'static str, Vec<u8>)> {
    let mut files: Vec<(&'static str, Vec<u8>)> = theme::STATIC
        .iter()
        .map(|(rel, text)| (*rel, text.as_bytes().to_vec()))
        .collect();
    files.push((".nojekyll", Vec::new()));
    files.push((meta::SHARE_IMAGE, share::site_card(&graph.config.title)));
    if let Some(cname) = graph
        .config
        .cname
        .as_deref()
        .filter(|_| !graph.selection.drafts)
    {
        files.push(("CNAME", format!("{}\n", cname.trim()).into_bytes()));
    }
    files
}

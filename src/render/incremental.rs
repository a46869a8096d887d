//! `serve`'s re-rendering: a fingerprint of what each page shows, so that after an edit only the
//! pages whose fingerprint changed are rendered again, and a waiting save can cut a rebuild short.
//! A full build computes none of this.

use super::pages::{self, Job, PageKind};
use super::run::render_jobs;
use super::{fixed_files, Prepared, SEARCH_INDEX};
use crate::error::BuildError;
use crate::guard::Watch;
use crate::write::Sink;
use rayon::prelude::*;
use rustc_hash::FxHasher;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use tera::Tera;

/// What `render_changed` did: the fingerprint of every page now in the site, and what it rendered.
#[derive(Debug, Default)]
pub(crate) struct Rendition {
    /// Output path -> fingerprint of what the page shows.
    pub fingerprints: HashMap<String, u64>,
    /// Pages whose fingerprint was new or changed (rendered now, or already by the caller).
    pub changed: Vec<String>,
}

/// The fingerprint the search index gets when it is due but was not written (a save was waiting).
const DUE: u64 = 1;

/// Renders only the pages whose fingerprint differs from `previous` (all of them when it is
/// empty), for `serve`, except those in `done` (already rendered from the same graph). Pages that
/// are gone are simply absent from the returned fingerprints.
///
/// `stop` is asked between batches of pages: when it says yes (another save is waiting), the
/// pages not rendered yet keep their previous fingerprints, so the next call renders them. Each
/// page is recorded in `watch`, so that the build's watchdog (`guard::run_watched`) can give up
/// on one that never finishes.
pub(crate) fn render_changed(
    prepared: &Prepared<'_>,
    tera: &Tera,
    previous: &HashMap<String, u64>,
    done: &HashSet<String>,
    sink: &dyn Sink,
    watch: &Watch,
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<Rendition, BuildError> {
    let jobs = prepared.jobs();
    let fps = fingerprints(prepared, &jobs);
    let (todo, mut changed): (Vec<(&dyn PageKind, &String)>, Vec<String>) = jobs
        .iter()
        .zip(&fps)
        .filter(|(_, (path, fp))| previous.get(path) != Some(fp))
        .map(|(job, (path, _))| ((job.as_ref(), path), path.clone()))
        .unzip();
    let mut todo: Vec<&dyn PageKind> = todo
        .into_iter()
        .filter(|(_, path)| !done.contains(*path))
        .map(|(job, _)| job)
        .collect();
    // The pages that list every article go last: a waiting save is seen before each page.
    todo.sort_by_key(|job| job.lists_every_article());
    let written: HashSet<String> = render_jobs(prepared, &todo, tera, sink, watch, stop)?
        .into_iter()
        .collect();
    let mut fingerprints: HashMap<String, u64> = fps.into_iter().collect();
    let complete = written.len() == todo.len();
    if !complete {
        // Not rendered: keep what was there, under its old fingerprint, for the next call.
        let left: HashSet<String> = todo
            .iter()
            .map(|job| pages::output_path(*job, prepared))
            .filter(|p| !written.contains(p))
            .collect();
        for path in &left {
            match previous.get(path) {
                Some(&fp) => fingerprints.insert(path.clone(), fp),
                None => fingerprints.remove(path),
            };
        }
        changed.retain(|p| !left.contains(p));
    }
    for (rel, bytes) in fixed_files(prepared.graph) {
        if !previous.contains_key(rel) {
            sink.put(rel, &bytes)?;
        }
        fingerprints.insert(rel.to_string(), 0);
    }
    let index_due = !changed.is_empty() || previous.get(SEARCH_INDEX).is_none_or(|&fp| fp == DUE);
    match write_search_index(prepared, sink, index_due && complete, stop)? {
        Some(paths) => fingerprints.extend(paths.into_iter().map(|p| (p, 0))),
        None => {
            // Not written now: the files of the last index stay, the manifest marked when due.
            fingerprints.extend(
                previous
                    .iter()
                    .filter(|(p, _)| crate::search::is_index_file(p))
                    .map(|(p, &fp)| (p.clone(), fp)),
            );
            fingerprints.insert(SEARCH_INDEX.to_string(), if index_due { DUE } else { 0 });
        }
    }
    Ok(Rendition {
        fingerprints,
        changed,
    })
}

/// The search index follows every article's text; it is written after the pages, which the
/// readers of an edited page are waiting for, and left for the next call (marked due) when a
/// save is waiting. Returns the paths written, if it was.
fn write_search_index(
    prepared: &Prepared<'_>,
    sink: &dyn Sink,
    due: bool,
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<Option<Vec<String>>, BuildError> {
    let Some(files) = due
        .then(|| crate::search::index_files_until(prepared.graph, stop))
        .flatten()
    else {
        return Ok(None);
    };
    let mut paths = Vec::with_capacity(files.len());
    for (rel, bytes) in files {
        sink.put(&rel, &bytes)?;
        paths.push(rel);
    }
    Ok(Some(paths))
}

/// Each job's output path and fingerprint: the site context, the template and what the page's
/// kind says it shows, given each article card's hash.
fn fingerprints(prepared: &Prepared<'_>, jobs: &[Job]) -> Vec<(String, u64)> {
    let site = {
        let mut h = FxHasher::default();
        serialized_hash(&prepared.site, &mut h);
        h.finish()
    };
    let cards: Vec<u64> = (0..prepared.card_count())
        .into_par_iter()
        .map(|i| {
            let mut h = FxHasher::default();
            prepared.card(i).hash(&mut h);
            h.finish()
        })
        .collect();
    jobs.par_iter()
        .map(|job| {
            let mut h = FxHasher::default();
            (site, job.template()).hash(&mut h);
            job.fingerprint(prepared, &cards, &mut h);
            (pages::output_path(job.as_ref(), prepared), h.finish())
        })
        .collect()
}

/// Feeds a value's JSON form to a hasher, without building the string.
pub(super) fn serialized_hash<T: Serialize>(value: &T, h: &mut FxHasher) {
    struct Feed<'h>(&'h mut FxHasher);
    impl std::io::Write for Feed<'_> {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.write(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    // Serializing plain data to a writer that cannot fail cannot fail.
    let _ = serde_json::to_writer(Feed(h), value);
}

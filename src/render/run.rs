//! Renders pages in parallel: each into a size-capped buffer under the watchdog's eye, then to the
//! `Sink`. Collects the errors of every page and reports one. Knows no page kind.

use super::pages::{self, PageKind};
use super::templates::render_diagnostic;
use super::{page_limit, Prepared};
use crate::error::{BuildError, Diagnostic};
use crate::guard::{PageBuffer, Watch};
use crate::write::Sink;
use rayon::prelude::*;
use std::collections::BTreeMap;
use tera::Tera;

/// Why one page was not written.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PageError {
    #[error("{diagnostic}")]
    Template {
        template: &'static str,
        diagnostic: Box<Diagnostic>,
    },
    #[error("{0:#}")]
    Output(BuildError),
    #[error("the build was stopped")]
    Stopped,
}

/// Renders one page (at output path `page`) into `out`.
pub(super) fn render_page(
    prepared: &Prepared<'_>,
    job: &dyn PageKind,
    page: &str,
    tera: &Tera,
    out: &mut impl std::io::Write,
) -> Result<(), PageError> {
    let ctx = pages::context(job, prepared);
    let template = job.template();
    tera.render_to(template, &ctx, out)
        .map_err(|e| PageError::Template {
            template,
            diagnostic: Box::new(render_diagnostic(tera, template, page, &ctx, &e)),
        })
}

/// Renders each page while `watch` knows which page is rendering; pages not started when `stop`
/// says so are skipped (not in the returned paths).
pub(super) fn render_jobs(
    prepared: &Prepared<'_>,
    jobs: &[&dyn PageKind],
    tera: &Tera,
    sink: &dyn Sink,
    watch: &Watch,
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<Vec<String>, BuildError> {
    let limit = page_limit(prepared.graph);
    let results: Vec<Result<Option<String>, PageError>> = jobs
        .par_iter()
        .map(|job| {
            if watch.is_cancelled() {
                return Err(PageError::Stopped);
            }
            if stop() {
                return Ok(None);
            }
            let path = pages::output_path(*job, prepared);
            let mut page = PageBuffer::new(limit, watch);
            {
                let _ticket = watch.start(job.template(), &path);
                render_page(prepared, *job, &path, tera, &mut page)?;
            }
            sink.put(&path, &page.bytes).map_err(PageError::Output)?;
            Ok(Some(path))
        })
        .collect();
    let mut written = Vec::with_capacity(results.len());
    // One problem per template (a broken template breaks many pages), every template's.
    let mut errors: BTreeMap<&str, Diagnostic> = BTreeMap::new();
    let mut output = None;
    let mut stopped = None;
    for r in results {
        match r {
            Ok(Some(p)) => written.push(p),
            Ok(None) => {}
            Err(PageError::Template {
                template,
                diagnostic,
            }) => {
                errors.entry(template).or_insert(*diagnostic);
            }
            // A page that could not be written is the disk's problem, not a template's: its own
            // error (path and OS error) is the one to report, ahead of any template's.
            Err(PageError::Output(e)) => {
                output.get_or_insert(e);
            }
            Err(e @ PageError::Stopped) => stopped = Some(e.to_string()),
        }
    }
    if let Some(e) = output {
        return Err(e);
    }
    if !errors.is_empty() {
        return Err(BuildError::Content {
            diagnostics: errors.into_values().collect(),
        });
    }
    match stopped {
        Some(message) => Err(BuildError::Template {
            name: "output".into(),
            message,
        }),
        None => Ok(written),
    }
}

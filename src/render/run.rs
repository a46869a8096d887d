//! Renders pages in parallel: each into a size-capped buffer under the watchdog's eye, then to the
//! `Sink`. Collects the errors of every page and reports one. Knows no page kind.

use super::pages::{self, PageKind};
use super::{page_limit, template_error_parts, Prepared};
use crate::error::BuildError;
use crate::guard::{PageBuffer, Watch};
use crate::write::Sink;
use rayon::prelude::*;
use std::collections::BTreeMap;
use tera::Tera;

/// Why one page was not written.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PageError {
    #[error("{message}")]
    Template {
        template: &'static str,
        message: String,
    },
    #[error("{0:#}")]
    Output(BuildError),
    #[error("the build was stopped")]
    Stopped,
}

/// Renders one page into `out`.
pub(super) fn render_page(
    prepared: &Prepared<'_>,
    job: &dyn PageKind,
    tera: &Tera,
    out: &mut impl std::io::Write,
) -> Result<(), PageError> {
    let ctx = pages::context(job, prepared);
    let template = job.template();
    tera.render_to(template, &ctx, out)
        .map_err(|e| PageError::Template {
            template,
            message: template_error_parts(&e).1,
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
                render_page(prepared, *job, tera, &mut page)?;
            }
            sink.put(&path, &page.bytes).map_err(PageError::Output)?;
            Ok(Some(path))
        })
        .collect();
    let mut written = Vec::with_capacity(results.len());
    // One message per template, the first in name order: a broken template breaks many pages.
    let mut errors: BTreeMap<&str, String> = BTreeMap::new();
    let mut output = None;
    for r in results {
        match r {
            Ok(Some(p)) => written.push(p),
            Ok(None) => {}
            Err(PageError::Template { template, message }) => {
                errors.entry(template).or_insert(message);
            }
            // A page that could not be written is the disk's problem, not a template's: its own
            // error (path and OS error) is the one to report, ahead of any template's.
            Err(PageError::Output(e)) => {
                output.get_or_insert(e);
            }
            Err(e @ PageError::Stopped) => {
                errors.entry("").or_insert_with(|| e.to_string());
            }
        }
    }
    if let Some(e) = output {
        return Err(e);
    }
    match errors.into_iter().next() {
        Some((template, message)) => Err(BuildError::Template {
            name: if template.is_empty() {
                "output".into()
            } else {
                template.to_string()
            },
            message,
        }),
        None => Ok(written),
    }
}

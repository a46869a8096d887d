//! The commands, one module each, in the binary: each has one `run` that main calls. They parse
//! nothing but arguments and print what the library reports; the work is in the library.

pub(crate) mod build;
pub(crate) mod check;
pub(crate) mod import;
pub(crate) mod init;
pub(crate) mod new;
pub(crate) mod publish;
pub(crate) mod serve;

use briefing::Diagnostics;
use std::path::Path;

/// A site is a folder with site.yaml: every command but `init` needs one, and says how to make
/// one when there is none.
pub(crate) fn require_site(root: &Path) -> anyhow::Result<()> {
    Ok(briefing::scaffold::require_site(root)?)
}

/// Prints the problems of a preview's unpublished articles, then one line counting them: the
/// preview is built with them, and says so, so that they are fixed before the articles go out.
pub(crate) fn print_unpublished(problems: &Diagnostics) {
    if problems.is_empty() {
        return;
    }
    let mut files: Vec<&std::path::Path> = problems.iter().map(|d| d.path.as_path()).collect();
    files.dedup();
    eprint!("{problems}");
    let (errors, all) = (problems.error_count(), problems.len());
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    eprintln!(
        "note: {} ({}, {}) in {} not yet published; built anyway, each shown on its page and at /review/; a published build refuses the errors",
        plural(all, "problem"),
        plural(errors, "error"),
        plural(all - errors, "warning"),
        plural(files.len(), "article"),
    );
}

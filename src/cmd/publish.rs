//! `briefing publish`: builds the published site and commits it to a branch (gh-pages), then pushes.
//! Prints what happened to the branch; the work is `publish::publish`.

use anyhow::Context as _;
use briefing::publish::{publish, Outcome, PublishOptions};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The site's folder (holding site.yaml), inside a git repository
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// The remote to push to (and to start the branch from if it is only there)
    #[arg(long, default_value = "origin")]
    pub remote: String,
    /// The branch that holds the built site
    #[arg(long, default_value = "gh-pages")]
    pub branch: String,
    /// Commit message [default: "Publish <site title> from <commit>"]
    #[arg(long, value_name = "TEXT")]
    pub message: Option<String>,
    /// Commit to the local branch only; push later with `git push <remote> <branch>`
    #[arg(long)]
    pub no_push: bool,
    /// Overrides site.yaml's base_url, e.g. https://org.github.io/briefing/
    #[arg(long)]
    pub base_url: Option<String>,
    /// Publish even if content/, templates/, static/ or site.yaml have uncommitted changes
    /// (the commit message lists them)
    #[arg(long)]
    pub allow_dirty: bool,
}

pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    super::require_site(&args.root)?;
    let opts = PublishOptions {
        root: args.root,
        remote: args.remote,
        branch: args.branch,
        message: args.message,
        push: !args.no_push,
        base_url: args.base_url,
        allow_dirty: args.allow_dirty,
    };
    let report = publish(&opts).with_context(|| {
        format!(
            "could not publish the site in {}",
            briefing::error::shown(&opts.root)
        )
    })?;
    for w in report.warnings.iter() {
        eprintln!("{w}");
    }
    println!(
        "built {} pages ({} files) for {}",
        report.pages, report.files, report.site_url
    );
    if let Some(remote) = &report.fetched_from {
        println!("started from {remote}/{}", report.branch);
    }
    match &report.outcome {
        Outcome::Committed { commit, parent } => println!(
            "committed {} to {}{}",
            short(commit),
            report.branch,
            match parent {
                Some(p) => format!(" on top of {}", short(p)),
                None => " as its first commit".into(),
            }
        ),
        Outcome::Unchanged { commit } => println!(
            "nothing changed since the last publish: {} stays at {}, no new commit",
            report.branch,
            short(commit)
        ),
    }
    match &report.pushed_to {
        Some(remote) => println!("pushed {} to {remote}", report.branch),
        None => println!(
            "not pushed (--no-push); push it with `git push {} {}`",
            opts.remote, report.branch
        ),
    }
    Ok(())
}

/// The first 7 characters of a commit id, as git shows it.
fn short(id: &str) -> &str {
    id.get(..7).unwrap_or(id)
}

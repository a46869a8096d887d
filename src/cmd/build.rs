//! `briefing build`: builds the site into its output folder and prints one summary line.

use anyhow::Context as _;
use briefing::error::shown;
use briefing::site::{build_linked, BuildOptions};
use std::io::Write as _;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The site's folder (holding site.yaml)
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Output folder [default: <root>/public, or <root>/preview with --drafts]
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Overrides site.yaml's base_url, e.g. https://org.github.io/briefing/
    #[arg(long)]
    pub base_url: Option<String>,
    /// Replace an output folder that briefing did not write
    #[arg(long)]
    pub force: bool,
    /// Preview build: include drafts, articles in review and scheduled ones, with banners,
    /// noindex and the review desk at /review/
    #[arg(long)]
    pub drafts: bool,
    /// Include articles dated after today as if they were published
    #[arg(long)]
    pub future: bool,
    /// Seconds one page may take to render before the build stops (a template may loop forever)
    #[arg(long, value_name = "SECONDS", default_value_t = briefing::limits::DEFAULT_PAGE_BUDGET.as_secs())]
    pub render_timeout: u64,
    /// With --drafts: append a Markdown summary of the unpublished articles (status, problems) to
    /// FILE, e.g. "$GITHUB_STEP_SUMMARY" in a pull request's workflow
    #[arg(long, value_name = "FILE", requires = "drafts")]
    pub summary: Option<PathBuf>,
    /// Print where the build's time went, stage by stage
    #[arg(long)]
    pub timings: bool,
}

pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    super::require_site(&args.root)?;
    let opts = BuildOptions {
        root: args.root,
        out: args.out,
        base_url: args.base_url,
        force: args.force,
        drafts: args.drafts,
        future: args.future,
        render_timeout: std::time::Duration::from_secs(args.render_timeout.max(1)),
    };
    let (report, graph) = build_linked(&opts)
        .with_context(|| format!("could not build the site in {}", shown(&opts.root)))?;
    if let Some(file) = &args.summary {
        let text = briefing::publish::summary::review_summary(&graph);
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(file)
            .and_then(|mut f| f.write_all(text.as_bytes()))
            .with_context(|| format!("could not write the summary to {}", shown(file)))?;
    }
    for w in report.warnings.iter() {
        eprintln!("{w}");
    }
    super::print_unpublished(&report.unpublished);
    println!(
        "built {} pages ({} files) into {} in {} ms{}{}",
        report.pages,
        report.files,
        shown(&report.out),
        report.elapsed.as_millis(),
        match report.images_resized + report.images_reused {
            0 => String::new(),
            _ => format!(
                "; images: {} resized, {} reused in {} ms",
                report.images_resized,
                report.images_reused,
                report.images_elapsed.as_millis()
            ),
        },
        match report.warnings.len() {
            0 => String::new(),
            1 => ", 1 warning".into(),
            n => format!(", {n} warnings"),
        }
    );
    if args.timings {
        let stages: Vec<String> = report
            .stages
            .iter()
            .map(|(stage, t)| format!("{stage} {} ms", t.as_millis()))
            .collect();
        println!("timings: {}", stages.join(", "));
    }
    Ok(())
}

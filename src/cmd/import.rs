//! `briefing import`: turns plain-text articles into content/articles/<slug>.md drafts and reports,
//! per file, the entities it matched and names the site may be missing. Creates no entity. The
//! work is `import::import_files`; this maps the flags to its request and prints its report.

use briefing::import::{self, ImportRequest};
use briefing::Status;
use chrono::NaiveDate;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ImportStatus {
    Draft,
    Review,
}

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Plain-text files: a title line, a line with a lone `-`, then headings and paragraphs
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The articles' date, YYYY-MM-DD [default: a date found in the text, else today]
    #[arg(long, value_parser = parse_date)]
    pub date: Option<NaiveDate>,
    /// The articles' status
    #[arg(long, value_enum, default_value_t = ImportStatus::Draft)]
    pub status: ImportStatus,
    /// Print the Markdown (and the report on stderr); write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Replace an article file that already exists
    #[arg(long)]
    pub force: bool,
    /// The site's folder (holding site.yaml)
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

/// A `--date` that is not YYYY-MM-DD.
#[derive(Debug, thiserror::Error)]
#[error("`{0}` is not a date: write YYYY-MM-DD, e.g. 2023-09-25")]
pub(crate) struct NotADate(String);

fn parse_date(s: &str) -> Result<NaiveDate, NotADate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| NotADate(s.to_string()))
}

pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    super::require_site(&args.root)?;
    let request = ImportRequest {
        today: briefing::site::today(&args.root),
        root: args.root,
        files: args.files,
        date: args.date,
        status: match args.status {
            ImportStatus::Draft => Status::Draft,
            ImportStatus::Review => Status::Review,
        },
        dry_run: args.dry_run,
        force: args.force,
    };
    let report = import::import_files(&request)?;
    if report.site_errors > 0 {
        eprintln!(
            "warning: the site has {} error(s) (see `briefing check`); matching against the entities that could be read",
            report.site_errors
        );
    }
    for outcome in &report.files {
        match outcome {
            Ok(file) if file.dry_run => {
                print!("{}", file.article.markdown);
                eprint!("{file}");
            }
            Ok(file) => print!("{file}"),
            Err(problem) => eprintln!("{problem}"),
        }
    }
    let total = report.files.len();
    match report.failed() {
        0 => Ok(()),
        n => anyhow::bail!("{n} of {total} file(s) could not be imported"),
    }
}

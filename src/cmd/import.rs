//! `briefing import`: turns plain-text articles into content/articles/<slug>.md drafts and reports,
//! per file, the entities it matched and names the site may be missing. Creates no entity.

use anyhow::Context as _;
use briefing::check;
use briefing::error::Diagnostic;
use briefing::import::{self, DateSource, Found, ImportOptions, Imported, Matcher};
use briefing::model::{display_path, Status};
use briefing::site;
use chrono::NaiveDate;
use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

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

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a date: write YYYY-MM-DD, e.g. 2023-09-25"))
}

pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    let (graph, _, diags) = site::read_site(&args.root, None, check::all_articles())
        .with_context(|| format!("could not read the site in {}", args.root.display()))?;
    if diags.has_errors() {
        eprintln!(
            "warning: the site has {} error(s) (see `briefing check`); matching against the entities that could be read",
            diags.error_count()
        );
    }
    let matcher = Matcher::for_site(&graph);
    let existing: HashMap<&str, &Path> = graph
        .articles
        .iter()
        .map(|a| (a.article.slug.as_str(), a.article.origin.rel.as_path()))
        .collect();
    let today = chrono::Local::now().date_naive();
    let status = match args.status {
        ImportStatus::Draft => Status::Draft,
        ImportStatus::Review => Status::Review,
    };

    let mut failed = 0;
    let mut fail = |d: Diagnostic| {
        eprintln!("{d}");
        failed += 1;
    };
    let mut this_run: HashMap<String, &Path> = HashMap::new();
    for file in &args.files {
        let bytes = match std::fs::read(file) {
            Ok(b) => b,
            Err(e) => {
                fail(
                    Diagnostic::error(file, format!("cannot read this file: {e}"))
                        .hint("check the path; import takes plain-text files"),
                );
                continue;
            }
        };
        let opts = ImportOptions {
            date: args.date,
            today,
            status,
            file_stem: file
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
        };
        let article = match import::import(&bytes, &matcher, &opts) {
            Ok(a) => a,
            Err(e) => {
                fail(e.to_diagnostic(file));
                continue;
            }
        };
        let rel = format!("content/articles/{}.md", article.slug);
        let target = args.root.join(&rel);
        if let Some(other) = this_run.get(article.slug.as_str()) {
            fail(
                Diagnostic::error(
                    file,
                    format!(
                        "this article would be {rel}, like {} imported before it",
                        other.display()
                    ),
                )
                .hint("give one of them a different title"),
            );
            continue;
        }
        if let Some(other) = existing
            .get(article.slug.as_str())
            .filter(|p| display_path(p) != rel)
        {
            fail(
                Diagnostic::error(
                    file,
                    format!(
                        "the site already has an article with the slug `{}`: {}",
                        article.slug,
                        display_path(other)
                    ),
                )
                .hint("change the title, or edit that article instead"),
            );
            continue;
        }
        if target.exists() && !args.force {
            fail(
                Diagnostic::error(file, format!("{rel} already exists"))
                    .hint("pass --force to replace it, or change the title"),
            );
            continue;
        }
        this_run.insert(article.slug.clone(), file);
        let report = report(file, &rel, &article, status, args.dry_run);
        if args.dry_run {
            print!("{}", article.markdown);
            eprint!("{report}");
            continue;
        }
        if let Err(e) = write(&target, &article.markdown, args.force) {
            fail(
                Diagnostic::error(&rel, format!("cannot write this file: {e}"))
                    .hint("check that content/articles/ is writable"),
            );
            continue;
        }
        print!("{report}");
    }
    let total = args.files.len();
    match failed {
        0 => Ok(()),
        n => anyhow::bail!("{n} of {total} file(s) could not be imported"),
    }
}

/// Writes a new article; without `force`, never over an existing file (even one created meanwhile).
fn write(target: &Path, text: &str, force: bool) -> std::io::Result<()> {
    if let Some(dir) = target.parent() {
        std::fs::create_dir_all(dir)?;
    }
    if force {
        return std::fs::write(target, text);
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(target)?;
    f.write_all(text.as_bytes())
}

/// What was imported from `file`, what it names, and what the site may be missing.
fn report(file: &Path, rel: &str, a: &Imported, status: Status, dry_run: bool) -> String {
    let status = match status {
        Status::Draft => "draft",
        Status::Review => "review",
        Status::Published => "published",
    };
    let mut out = format!(
        "{} {} -> {rel} ({status}){}\n",
        if dry_run { "would import" } else { "imported" },
        file.display(),
        if dry_run {
            "; dry run, nothing written"
        } else {
            ""
        }
    );
    let date = a.date.format("%Y-%m-%d");
    out.push_str(&match &a.date_source {
        DateSource::Flag => format!("  date:        {date} (from --date)\n"),
        DateSource::Text { line, written } => {
            format!("  date:        {date} (found in the text, line {line}: \"{written}\")\n")
        }
        DateSource::Today => format!(
            "  date:        {date} (today: the text gives no date; set one with --date YYYY-MM-DD)\n"
        ),
    });
    if a.slug_from_file {
        out.push_str("  slug:        from the file name (the title has no Latin letters)\n");
    }
    for (label, list) in [
        ("companies:", &a.matches.companies),
        ("models:", &a.matches.models),
        ("themes:", &a.matches.themes),
    ] {
        out.push_str(&format!("  {label:<12} {}\n", found_list(list)));
    }
    if a.suggestions.is_empty() {
        out.push_str("  suggestions: none\n");
    } else {
        out.push_str(
            "  suggestions: names that look like companies or models the site lacks (none was created):\n",
        );
        for s in &a.suggestions {
            out.push_str(&format!("    \"{}\" (line {})\n", s.name, s.line));
        }
    }
    out
}

fn found_list(list: &[Found]) -> String {
    if list.is_empty() {
        return "none".into();
    }
    list.iter()
        .map(|f| {
            let names: Vec<String> = f
                .names
                .iter()
                .map(|(n, c)| {
                    if *c == 1 {
                        format!("\"{n}\"")
                    } else {
                        format!("\"{n}\" ×{c}")
                    }
                })
                .collect();
            format!("{} ({})", f.id, names.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

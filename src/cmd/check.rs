//! `briefing check`: lints the site, or with `--links DIR` audits a built output folder, and prints
//! the findings as text or JSON. Writes nothing; exits 1 when there is an error.

use anyhow::Context as _;
use briefing::check::audit;
use briefing::check::{self, CheckReport};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// `path:line:col: severity: message` and a hint, like a compiler
    Text,
    /// One JSON document: {version, findings: [...], summary}
    Json,
}

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Check only these files or folders (the whole site is read, so that what they name is known)
    #[arg(value_name = "PATH", conflicts_with = "links")]
    pub paths: Vec<PathBuf>,
    /// The site's folder (holding site.yaml)
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Output format: text for people, json for CI and editors' tools
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Audit a built output folder instead: every internal href/src must resolve to a file in it
    #[arg(long, value_name = "DIR")]
    pub links: Option<PathBuf>,
    /// With --links: the URL the output is served at [default: base_url in site.yaml]
    #[arg(long, requires = "links")]
    pub base_url: Option<String>,
}

pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    // An audit given the URL it is served at needs only the output folder.
    if args.links.is_none() || args.base_url.is_none() {
        super::require_site(&args.root)?;
    }
    let (report, what) = match &args.links {
        Some(dir) => {
            let (report, base) = audit::check_links(&args.root, dir, args.base_url.as_deref())?;
            let what = format!("output {} served under {}", files(report.files), base.path);
            (report, what)
        }
        None => {
            let now = briefing::site::now();
            let report = if args.paths.is_empty() {
                check::check(&args.root, now)
            } else {
                check::check_paths(&args.root, now, &args.paths)
            };
            let report = report.with_context(|| {
                format!(
                    "could not check the site in {}",
                    briefing::error::shown(&args.root)
                )
            })?;
            let what = files(report.files).to_string();
            (report, what)
        }
    };
    match args.format {
        Format::Json => println!("{}", report.to_json()),
        Format::Text => print!("{}", text(&report, &what)),
    }
    match report.errors() {
        0 => Ok(()),
        1 => anyhow::bail!("check found 1 error"),
        n => anyhow::bail!("check found {n} errors"),
    }
}

fn files(n: usize) -> &'static str {
    if n == 1 {
        "file"
    } else {
        "files"
    }
}

/// Findings like compiler messages, then one summary line.
fn text(report: &CheckReport, what: &str) -> String {
    let mut out = String::new();
    for f in &report.findings {
        out.push_str(&f.diagnostic.to_string());
        out.push('\n');
    }
    let count = |n: usize, noun: &str| format!("{n} {noun}{}", if n == 1 { "" } else { "s" });
    let found = match (report.errors(), report.warnings()) {
        (0, 0) => "no problems".to_string(),
        (e, w) => format!("{}, {}", count(e, "error"), count(w, "warning")),
    };
    out.push_str(&format!("checked {} {what}: {found}\n", report.files));
    out
}

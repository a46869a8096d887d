//! `briefing init`: makes a new site that builds at once, optionally with a copy of the built-in
//! theme to edit. The work is `scaffold::init_site`; this maps the arguments and prints.

use briefing::error::shown;
use briefing::scaffold::{self, InitSite};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The new site's folder: new, empty, or holding no site files yet (e.g. a fresh git repository)
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Also copy the built-in templates and theme files into templates/ and static/ to edit
    #[arg(long)]
    pub theme: bool,
}

pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    let req = InitSite {
        dir: args.dir,
        theme: args.theme,
    };
    let written = scaffold::init_site(&req)?;
    let dir = shown(&req.dir);
    println!("created a site in {dir} ({} files)", written.len());
    let (theme, own): (Vec<_>, Vec<_>) = written
        .iter()
        .partition(|p| p.starts_with("templates") || p.starts_with("static"));
    for rel in own {
        println!("  {}", shown(rel));
    }
    if !theme.is_empty() {
        println!(
            "  templates/, static/: the built-in theme ({} files), yours to edit",
            theme.len()
        );
    }
    let cd = if req.dir == std::path::Path::new(".") {
        String::new()
    } else {
        format!("cd {dir} && ")
    };
    println!("next: set title and base_url in site.yaml, then `{cd}briefing serve` to see it");
    Ok(())
}

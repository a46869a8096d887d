//! The `briefing` command line: parses arguments, calls the library, prints errors once.

mod cmd;

use briefing::BuildError;
use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// A build allocates and frees millions of small strings and JSON values (Tera contexts); glibc's
/// allocator spent a quarter of a build's instructions on them (bench/RESULTS.md).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A static-site generator for AI-industry briefings.
#[derive(Parser)]
#[command(name = "briefing", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into public/ (or --out)
    Build(cmd::build::Args),
    /// Build the published site and commit it to a branch (gh-pages), then push it
    Publish(cmd::publish::Args),
    /// Turn plain-text articles into Markdown drafts in content/articles/
    Import(cmd::import::Args),
    /// Lint the site without writing anything (or audit a built folder with --links DIR)
    Check(cmd::check::Args),
    /// Create a draft article, or a company, model or theme file, ready to fill
    New(cmd::new::Args),
    /// Serve the site on this machine, rebuilding and reloading on every save
    Serve(cmd::serve::Args),
    /// Make a new site that builds at once (--theme: with a copy of the theme to edit)
    Init(cmd::init::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build(args) => cmd::build::run(args),
        Command::Publish(args) => cmd::publish::run(args),
        Command::Import(args) => cmd::import::run(args),
        Command::Check(args) => cmd::check::run(args),
        Command::New(args) => cmd::new::run(args),
        Command::Serve(args) => cmd::serve::run(args),
        Command::Init(args) => cmd::init::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            report(&e);
            ExitCode::FAILURE
        }
    }
}

/// Prints the error chain once: content problems as a compiler would, one per line, then the summary.
fn report(e: &anyhow::Error) {
    let content = e
        .chain()
        .find_map(|c| match c.downcast_ref::<BuildError>() {
            Some(BuildError::Content { diagnostics }) => Some(diagnostics),
            _ => None,
        });
    if let Some(diags) = content {
        // Formatted first and written once: stderr is unbuffered, and there may be thousands.
        let text = diags.to_string();
        eprint!("{text}");
        let n = diags.error_count();
        eprintln!(
            "error: {e}: {n} error{} found; nothing was written",
            if n == 1 { "" } else { "s" }
        );
        return;
    }
    eprintln!("error: {e}");
    for cause in e.chain().skip(1) {
        eprintln!("  caused by: {cause}");
    }
}

//! The `briefing` command line: parses arguments, calls the library, prints errors once.

use briefing::BuildError;
use clap::{Parser, Subcommand};
use std::process::ExitCode;

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
    Build(briefing::cmd::build::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build(args) => briefing::cmd::build::run(args),
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

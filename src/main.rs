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
    quiet_on_broken_pipe();
    // Unwinding (not exiting in the hook) lets a half-done build remove its staging folder.
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(cli.command)));
    let result = match run {
        Ok(result) => result,
        Err(panic) if panic_message(&*panic).is_some_and(is_broken_pipe) => {
            return ExitCode::from(BROKEN_PIPE_STATUS)
        }
        Err(panic) => std::panic::resume_unwind(panic),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            report(&e);
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Build(args) => cmd::build::run(args),
        Command::Publish(args) => cmd::publish::run(args),
        Command::Import(args) => cmd::import::run(args),
        Command::Check(args) => cmd::check::run(args),
        Command::New(args) => cmd::new::run(args),
        Command::Serve(args) => cmd::serve::run(args),
        Command::Init(args) => cmd::init::run(args),
    }
}

/// 128 + SIGPIPE: what a shell reports for a command that a closed pipe stopped (`yes | head`).
const BROKEN_PIPE_STATUS: u8 = 141;

/// `briefing init --theme | head`: once the reader has gone, `println!` panics on the broken pipe
/// (Rust ignores SIGPIPE). That panic is the normal end of the command, not a bug: keep it quiet;
/// `main` turns it into the conventional status. Every other panic prints as before.
fn quiet_on_broken_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !panic_message(info.payload()).is_some_and(is_broken_pipe) {
            default(info);
        }
    }));
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> Option<&str> {
    (payload.downcast_ref::<String>().map(String::as_str))
        .or_else(|| payload.downcast_ref::<&str>().copied())
}

/// Whether a panic is `print!`'s "failed printing to stdout: <the system's broken-pipe error>".
fn is_broken_pipe(message: &str) -> bool {
    #[cfg(not(windows))]
    const EPIPE: i32 = 32; // the same on Linux, macOS and the BSDs
    #[cfg(windows)]
    const EPIPE: i32 = 232; // ERROR_NO_DATA: the pipe is being closed
    let error = std::io::Error::from_raw_os_error(EPIPE).to_string();
    message.starts_with("failed printing to std") && message.ends_with(&error)
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

//! `briefing serve`: builds the site in memory, serves it over HTTP at the server's root, watches
//! its sources and rebuilds what each save changes, reloading open tabs. Maps the arguments to
//! `briefing::serve::serve` and prints what it reports: one line per rebuild, problems in full.
//! Never writes public/ or anything else to disk.

use anyhow::anyhow;
use briefing::serve::{serve, Changes, Event, Rebuilt, ServeOptions};
use std::io::Write as _;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The site's folder (holding site.yaml)
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Port to listen on; 0 picks a free one (printed when serving starts)
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Address to listen on; only this machine can connect unless it says otherwise (e.g. 0.0.0.0)
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
    /// Show drafts, articles in review and scheduled ones (a preview, with the review desk at /review/)
    #[arg(long)]
    pub drafts: bool,
    /// Show articles dated after today as published
    #[arg(long)]
    pub future: bool,
    /// Seconds one page may take to render before the rebuild stops (as for `build`)
    #[arg(long, value_name = "SECONDS", default_value_t = briefing::limits::DEFAULT_PAGE_BUDGET.as_secs())]
    pub render_timeout: u64,
}

pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    super::require_site(&args.root)?;
    let ip: IpAddr = match args.bind.as_str() {
        "localhost" => IpAddr::V4(Ipv4Addr::LOCALHOST),
        other => other.parse().map_err(|_| {
            anyhow!("--bind: `{other}` is not an IP address; use e.g. 127.0.0.1 (this machine only), 0.0.0.0 or ::1")
        })?,
    };
    if !ip.is_loopback() {
        eprintln!(
            "warning: listening on {ip}, not only on this machine: anyone who can reach it on port {} can read the site{}\n  = hint: leave out --bind to serve this machine only (127.0.0.1)",
            args.port,
            if args.drafts { ", drafts, articles in review and the review desk included" } else { "" }
        );
    }
    let options = ServeOptions {
        root: args.root,
        addr: SocketAddr::new(ip, args.port),
        drafts: args.drafts,
        future: args.future,
        render_timeout: std::time::Duration::from_secs(args.render_timeout.max(1)),
    };
    // `serve` returns only with the error that stopped it.
    match serve(&options, &mut print)? {}
}

fn print(event: Event<'_>) {
    match event {
        Event::Rebuilt { rebuilt, changes } => print_rebuilt(rebuilt, changes),
        Event::Serving { url, drafts } => println!(
            "serving {url}{} — watching content/, templates/, static/ and site.yaml; Ctrl-C stops",
            if drafts {
                " (preview: drafts, review and scheduled articles shown; review desk at /review/)"
            } else {
                ""
            }
        ),
        Event::NotWatching { folders } => match folders {
            [] => eprintln!("watching every source folder again"),
            list => eprintln!(
                "warning: not watching {}: saves there are not seen\n  = hint: restart `briefing serve`; if the system's limit on watches is reached, raise fs.inotify.max_user_watches",
                list.join("; ")
            ),
        },
    }
    let _ = std::io::stdout().flush();
}

/// One line per rebuild in the terminal; the problems in full when it failed.
fn print_rebuilt(r: &Rebuilt, changes: Option<&Changes>) {
    let what = changes
        .map(describe)
        .unwrap_or_else(|| "first build".into());
    if let Some(diags) = &r.errors {
        eprint!("{diags}");
        let n = diags.error_count();
        eprintln!(
            "error: {what}: {n} error{} — still serving the last good build; fix and save to rebuild",
            if n == 1 { "" } else { "s" }
        );
        return;
    }
    // Warnings in full on the first build; afterwards only those of the files just saved.
    for w in r
        .warnings
        .warnings()
        .filter(|w| changes.is_none_or(|c| c.saved(&w.path)))
    {
        eprintln!("{w}");
    }
    let unpublished: briefing::Diagnostics = r
        .unpublished
        .iter()
        .filter(|d| changes.is_none_or(|c| c.saved(&d.path)))
        .cloned()
        .collect();
    super::print_unpublished(&unpublished);
    let first = r
        .first_served
        .map(|d| format!("; its own page served after {} ms", d.as_millis()))
        .unwrap_or_default();
    println!(
        "rebuilt in {} ms ({what}): {} page{}, {} {} rendered{first}",
        r.elapsed.as_millis(),
        r.pages_rendered,
        if r.pages_rendered == 1 { "" } else { "s" },
        r.bodies_rendered,
        if r.bodies_rendered == 1 {
            "body"
        } else {
            "bodies"
        },
    );
}

/// What a save changed, for the rebuild's line: the first three content files, then the rest.
fn describe(c: &Changes) -> String {
    let mut parts: Vec<String> = c.content.iter().take(3).cloned().collect();
    if c.content.len() > 3 {
        parts.push(format!("{} more", c.content.len() - 3));
    }
    for (flag, name) in [
        (c.config, "site.yaml"),
        (c.templates, "templates/"),
        (c.statics, "static/"),
        (c.rescan, "everything re-read"),
    ] {
        if flag {
            parts.push(name.into());
        }
    }
    parts.join(", ")
}

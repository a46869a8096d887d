//! `briefing serve`: builds the site in memory, serves it over HTTP at the server's root, watches
//! its sources and rebuilds what each save changes, reloading open tabs. Never writes public/ or
//! anything else to disk.

use anyhow::{anyhow, bail, Context as _};
use briefing::serve::http::{Server, Snapshot};
use briefing::serve::live::{Changes, LiveSite, Rebuilt};
use briefing::serve::watch::Watcher;
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
}

pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    let ip: IpAddr = match args.bind.as_str() {
        "localhost" => IpAddr::V4(Ipv4Addr::LOCALHOST),
        other => other.parse().map_err(|_| {
            anyhow!("--bind: `{other}` is not an IP address; use e.g. 127.0.0.1 (this machine only), 0.0.0.0 or ::1")
        })?,
    };
    if !args.root.join(briefing::load::CONFIG_FILE).is_file() {
        bail!(
            "{} is not a briefing site (no site.yaml); run inside a site folder or pass --root DIR",
            args.root.display()
        );
    }
    let server =
        Server::bind(SocketAddr::new(ip, args.port)).map_err(|e| bind_error(e, ip, args.port))?;
    let addr = server
        .local_addr()
        .context("cannot read the server's address")?;
    let base_url = format!("http://{}/", host_of(addr));
    // Watch before the first build, so a save during it is not missed.
    let mut watcher =
        Watcher::start(&args.root).context("cannot watch the site's files for changes")?;
    let mut site = LiveSite::open(&args.root, base_url.clone(), args.drafts, args.future)
        .with_context(|| format!("could not read the site in {}", args.root.display()))?;
    let first = site.rebuild(&Default::default(), &mut |_| {});
    site.set_interrupt(watcher.pending());
    report(&first, None);
    let handle = server.handle();
    handle.publish(snapshot(&first));
    std::thread::Builder::new()
        .name("briefing-accept".into())
        .spawn(move || server.run())
        .context("cannot start the server thread")?;
    println!(
        "serving {base_url}{} — watching content/, templates/, static/ and site.yaml; Ctrl-C stops",
        if args.drafts {
            " (preview: drafts, review and scheduled articles shown; review desk at /review/)"
        } else {
            ""
        }
    );
    let _ = std::io::stdout().flush();
    while let Some(changes) = watcher.next_batch() {
        let rebuilt = site.apply(&changes, &mut |early| {
            handle.publish(Snapshot {
                files: early.files,
                error: None,
                changed: Some(early.changed.into_iter().collect()),
            })
        });
        report(&rebuilt, Some(&changes));
        handle.publish(snapshot(&rebuilt));
    }
    bail!("the file watcher stopped; restart `briefing serve`")
}

fn snapshot(r: &Rebuilt) -> Snapshot {
    Snapshot {
        files: r.files.clone(),
        error: r.errors.as_ref().map(|d| d.to_string()),
        changed: r.changed.as_ref().map(|c| c.iter().cloned().collect()),
    }
}

/// One line per rebuild in the terminal; the problems in full when it failed.
fn report(r: &Rebuilt, changes: Option<&Changes>) {
    let what = changes
        .map(describe)
        .unwrap_or_else(|| "first build".into());
    match &r.errors {
        Some(diags) => {
            eprint!("{diags}");
            let n = diags.error_count();
            eprintln!(
                "error: {what}: {n} error{} — still serving the last good build; fix and save to rebuild",
                if n == 1 { "" } else { "s" }
            );
        }
        None => {
            // Warnings in full on the first build; afterwards only those of the files just saved.
            for w in r.warnings.warnings().filter(|w| {
                changes.is_none_or(|c| c.content.contains(&briefing::model::display_path(&w.path)))
            }) {
                eprintln!("{w}");
            }
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
    }
    let _ = std::io::stdout().flush();
}

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

/// The host part of the site's URL: the address listened on (`localhost` for all addresses).
fn host_of(addr: SocketAddr) -> String {
    match addr.ip() {
        ip if ip.is_unspecified() => format!("localhost:{}", addr.port()),
        IpAddr::V6(v6) => format!("[{v6}]:{}", addr.port()),
        IpAddr::V4(v4) => format!("{v4}:{}", addr.port()),
    }
}

fn bind_error(e: std::io::Error, ip: IpAddr, port: u16) -> anyhow::Error {
    match e.kind() {
        std::io::ErrorKind::AddrInUse => anyhow!(
            "port {port} on {ip} is already in use (is another `briefing serve` running?)\n  = hint: stop the other program, or pick another port: --port {} (--port 0 picks any free port)",
            port.wrapping_add(1).max(1024)
        ),
        std::io::ErrorKind::PermissionDenied => anyhow!(
            "not allowed to listen on port {port}: ports below 1024 need special rights\n  = hint: use a higher port, e.g. --port 1111"
        ),
        std::io::ErrorKind::AddrNotAvailable => anyhow!(
            "{ip} is not an address of this machine\n  = hint: use --bind 127.0.0.1 (this machine only) or --bind 0.0.0.0 (every address)"
        ),
        _ => anyhow::Error::new(e).context(format!("cannot listen on {ip} port {port}")),
    }
}

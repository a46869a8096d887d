//! `serve`: the site kept in memory between edits (`live`), the file watcher (`watch`), the HTTP
//! server (`http`), and `serve`, the loop that joins them: bind, watch, build once, then rebuild
//! what each save changes and publish it to open tabs. Never writes to disk, and prints nothing:
//! what happens is reported to the caller as `Event`s.

pub mod http;
pub mod live;
pub mod watch;

pub use live::{Changes, Rebuilt};

use crate::error::BuildError;
use http::{Server, Snapshot};
use live::LiveSite;
use std::convert::Infallible;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use watch::Watcher;

/// What `briefing serve` was asked for.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site's folder (holding site.yaml).
    pub root: PathBuf,
    /// The address to listen on; port 0 picks a free one (the URL in `Event::Serving` says which).
    pub addr: SocketAddr,
    /// Show drafts, articles in review and scheduled ones (a preview, with the review desk).
    pub drafts: bool,
    /// Show articles dated after today as published.
    pub future: bool,
}

/// What `serve` reports as it goes, in this order: the first build, `Serving`, then one
/// `Rebuilt` per save.
#[derive(Debug)]
pub enum Event<'a> {
    /// A build is served: this one, or the last good one when it failed (`rebuilt.errors`).
    /// `changes` is what it took in; None for the first build.
    Rebuilt {
        rebuilt: &'a Rebuilt,
        changes: Option<&'a Changes>,
    },
    /// The server answers at `url` (the site's root); `drafts`: it shows a preview.
    Serving { url: &'a str, drafts: bool },
    /// These source folders exist but cannot be watched (one line each, with the reason), so their
    /// saves are not seen; empty once everything is watched again. Also shown above every page.
    NotWatching { folders: &'a [String] },
}

/// Why `serve` could not start, or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("{} is not a briefing site (no site.yaml); run inside a site folder or pass --root DIR", root.display())]
    NotASite { root: PathBuf },
    #[error(
        "port {port} on {ip} is already in use (is another `briefing serve` running?)\n  = hint: stop the other program, or pick another port: --port {} (--port 0 picks any free port)",
        .port.wrapping_add(1).max(1024)
    )]
    PortInUse { ip: IpAddr, port: u16 },
    #[error("not allowed to listen on port {port}: ports below 1024 need special rights\n  = hint: use a higher port, e.g. --port 1111")]
    PortNotAllowed { port: u16 },
    #[error("{ip} is not an address of this machine\n  = hint: use --bind 127.0.0.1 (this machine only) or --bind 0.0.0.0 (every address)")]
    NotThisMachine { ip: IpAddr },
    #[error("cannot listen on {ip} port {port}")]
    Listen {
        ip: IpAddr,
        port: u16,
        #[source]
        source: io::Error,
    },
    #[error("cannot read the server's address")]
    Address(#[source] io::Error),
    #[error("cannot watch the site's files for changes")]
    Watch(#[source] notify::Error),
    #[error("could not read the site in {}", root.display())]
    Open {
        root: PathBuf,
        #[source]
        source: BuildError,
    },
    #[error("cannot start the server thread")]
    Thread(#[source] io::Error),
    #[error("the file watcher stopped; restart `briefing serve`")]
    WatcherStopped,
}

impl ServeError {
    /// Why listening on `addr` failed, in the words of someone who can fix it.
    fn bind(source: io::Error, addr: SocketAddr) -> Self {
        let (ip, port) = (addr.ip(), addr.port());
        match source.kind() {
            io::ErrorKind::AddrInUse => ServeError::PortInUse { ip, port },
            io::ErrorKind::PermissionDenied => ServeError::PortNotAllowed { port },
            io::ErrorKind::AddrNotAvailable => ServeError::NotThisMachine { ip },
            _ => ServeError::Listen { ip, port, source },
        }
    }
}

/// Serves the site at `options.root` over HTTP, building it in memory, and rebuilds what each save
/// changes until the watcher stops; `report` hears of every build. Returns only with an error.
pub fn serve(
    options: &ServeOptions,
    report: &mut dyn FnMut(Event<'_>),
) -> Result<Infallible, ServeError> {
    let root = &options.root;
    if !root.join(crate::load::CONFIG_FILE).is_file() {
        return Err(ServeError::NotASite { root: root.clone() });
    }
    let server = Server::bind(options.addr).map_err(|e| ServeError::bind(e, options.addr))?;
    let url = format!(
        "http://{}/",
        host_of(server.local_addr().map_err(ServeError::Address)?)
    );
    // Watch before the first build, so a save during it is not missed.
    let mut watcher = Watcher::start(root).map_err(ServeError::Watch)?;
    let mut site =
        LiveSite::open(root, url.clone(), options.drafts, options.future).map_err(|source| {
            ServeError::Open {
                root: root.clone(),
                source,
            }
        })?;
    let first = site.rebuild(&Default::default(), &mut |_| {});
    site.set_interrupt(watcher.pending());
    report(Event::Rebuilt {
        rebuilt: &first,
        changes: None,
    });
    let mut unwatched = watcher.not_watching();
    if !unwatched.is_empty() {
        report(Event::NotWatching {
            folders: &unwatched,
        });
    }
    let handle = server.handle();
    handle.publish(snapshot(&first, &unwatched));
    std::thread::Builder::new()
        .name("briefing-accept".into())
        .spawn(move || server.run())
        .map_err(ServeError::Thread)?;
    report(Event::Serving {
        url: &url,
        drafts: options.drafts,
    });
    while let Some(changes) = watcher.next_batch() {
        let now_unwatched = watcher.not_watching();
        if now_unwatched != unwatched {
            unwatched = now_unwatched;
            report(Event::NotWatching {
                folders: &unwatched,
            });
        }
        let notice = not_watching_notice(&unwatched);
        let rebuilt = site.apply(&changes, &mut |early| {
            handle.publish(Snapshot {
                files: early.files,
                error: notice.clone(),
                changed: Some(early.changed.into_iter().collect()),
            })
        });
        report(Event::Rebuilt {
            rebuilt: &rebuilt,
            changes: Some(&changes),
        });
        handle.publish(snapshot(&rebuilt, &unwatched));
    }
    Err(ServeError::WatcherStopped)
}

/// A rebuild as served: its files, and above every page its errors and the folders not watched.
fn snapshot(r: &Rebuilt, unwatched: &[String]) -> Snapshot {
    let errors = r.errors.as_ref().map(|d| d.to_string());
    let error = match (errors, not_watching_notice(unwatched)) {
        (Some(e), Some(n)) => Some(format!("{e}\n{n}")),
        (e, n) => e.or(n),
    };
    Snapshot {
        files: r.files.clone(),
        error,
        changed: r.changed.as_ref().map(|c| c.iter().cloned().collect()),
    }
}

/// What the page overlay says while source folders cannot be watched.
fn not_watching_notice(unwatched: &[String]) -> Option<String> {
    if unwatched.is_empty() {
        return None;
    }
    Some(format!(
        "warning: not watching {}: saves there are not seen\n  = hint: restart `briefing serve` (if the system's limit on watches is reached, raise fs.inotify.max_user_watches)",
        unwatched.join("; ")
    ))
}

/// The host part of the site's URL: the address listened on (`localhost` for all addresses).
fn host_of(addr: SocketAddr) -> String {
    match addr.ip() {
        ip if ip.is_unspecified() => format!("localhost:{}", addr.port()),
        IpAddr::V6(v6) => format!("[{v6}]:{}", addr.port()),
        IpAddr::V4(v4) => format!("{v4}:{}", addr.port()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, Ipv6Addr};

    #[test]
    fn the_url_names_the_address_listened_on() {
        let at = |ip: IpAddr| host_of(SocketAddr::new(ip, 1111));
        assert_eq!(at(Ipv4Addr::LOCALHOST.into()), "127.0.0.1:1111");
        assert_eq!(at(Ipv4Addr::UNSPECIFIED.into()), "localhost:1111");
        assert_eq!(at(Ipv6Addr::LOCALHOST.into()), "[::1]:1111");
    }

    #[test]
    fn bind_errors_say_what_to_do() {
        let addr = SocketAddr::new(Ipv4Addr::LOCALHOST.into(), 80);
        let err = |kind| ServeError::bind(io::Error::from(kind), addr).to_string();
        assert_eq!(
            err(io::ErrorKind::AddrInUse),
            "port 80 on 127.0.0.1 is already in use (is another `briefing serve` running?)\n  = hint: stop the other program, or pick another port: --port 1024 (--port 0 picks any free port)"
        );
        assert!(err(io::ErrorKind::PermissionDenied).contains("--port 1111"));
        assert!(err(io::ErrorKind::AddrNotAvailable).starts_with("127.0.0.1 is not an address"));
        assert_eq!(
            err(io::ErrorKind::Other),
            "cannot listen on 127.0.0.1 port 80"
        );
    }
}

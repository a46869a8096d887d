//! `serve`: the site kept in memory between edits (`live`), the file watcher (`watch`), the HTTP
//! server (`http`), and `serve`, the loop that joins them: bind, watch, build once, then rebuild
//! what each save changes and publish it to open tabs. Never writes to disk, and prints nothing:
//! what happens is reported to the caller as `Event`s.

pub mod http;
pub mod live;
pub mod watch;

pub use live::{Changes, Rebuilt};

use crate::error::BuildError;
use crate::error::{Diagnostic, Diagnostics};
use http::{Server, Snapshot};
use live::{Early, LiveSite, SiteFiles};
use std::convert::Infallible;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, Instant};
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
    /// How long one page may render before the rebuild gives up on it (as `build --render-timeout`).
    pub render_timeout: Duration,
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
    #[error(transparent)]
    NotASite(#[from] crate::error::NotASite),
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
    crate::scaffold::require_site(root)?;
    let server = Server::bind(options.addr).map_err(|e| ServeError::bind(e, options.addr))?;
    let url = format!(
        "http://{}/",
        host_of(server.local_addr().map_err(ServeError::Address)?)
    );
    // Watch before the first build, so a save during it is not missed.
    let mut watcher = Watcher::start(root).map_err(ServeError::Watch)?;
    let mut site = Watched::open(options, url.clone(), watcher.pending())?;
    let first = site.rebuild(None, Box::new(|_| {}));
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
        let early = handle.clone();
        let rebuilt = site.rebuild(
            Some(changes.clone()),
            Box::new(move |e: Early| {
                early.publish(Snapshot {
                    files: e.files,
                    error: notice.clone(),
                    changed: Some(e.changed.into_iter().collect()),
                })
            }),
        );
        report(Event::Rebuilt {
            rebuilt: &rebuilt,
            changes: Some(&changes),
        });
        handle.publish(snapshot(&rebuilt, &unwatched));
    }
    Err(ServeError::WatcherStopped)
}

/// The live site, rebuilt on render threads under the build's own per-page watchdog
/// (`guard::run_watched`, with the build's page-size cap inside the renderer): a template that
/// loops forever stops that rebuild with the error a build gives, instead of hanging `serve`.
struct Watched {
    /// None once a rebuild was abandoned (its thread may still run): reopened on the next one.
    site: Option<LiveSite>,
    options: ServeOptions,
    url: String,
    interrupt: Arc<AtomicBool>,
    /// The last good build's files, served while a rebuild has failed.
    last_files: Arc<SiteFiles>,
}

impl Watched {
    fn open(
        options: &ServeOptions,
        url: String,
        interrupt: Arc<AtomicBool>,
    ) -> Result<Self, ServeError> {
        let mut w = Watched {
            site: None,
            options: options.clone(),
            url,
            interrupt,
            last_files: Arc::default(),
        };
        w.site = Some(w.reopen().map_err(|source| ServeError::Open {
            root: options.root.clone(),
            source,
        })?);
        Ok(w)
    }

    fn reopen(&self) -> Result<LiveSite, BuildError> {
        let o = &self.options;
        let mut site = LiveSite::open(&o.root, self.url.clone(), o.drafts, o.future)?;
        site.set_interrupt(Arc::clone(&self.interrupt));
        Ok(site)
    }

    /// Takes in `changes` (None: the first build) and rebuilds; `early` gets the saved files'
    /// own pages first.
    fn rebuild(
        &mut self,
        changes: Option<Changes>,
        early: Box<dyn FnMut(Early) + Send>,
    ) -> Rebuilt {
        let started = Instant::now();
        let site = match self.site.take().map_or_else(|| self.reopen(), Ok) {
            Ok(site) => site,
            Err(e) => return self.failed(Diagnostic::error(".", e.to_string()), started),
        };
        let budget = self.options.render_timeout;
        let result = crate::guard::run_watched(budget, move |watch| {
            let (mut site, mut early) = (site, early);
            let rebuilt = match &changes {
                Some(c) => site.apply(c, watch, &mut *early),
                None => site.rebuild(&Default::default(), watch, &mut *early),
            };
            (site, rebuilt)
        });
        match result {
            Ok((site, rebuilt)) => {
                self.site = Some(site);
                self.last_files = rebuilt.files.clone();
                rebuilt
            }
            Err(stopped) => {
                let e = crate::site::stopped_error(&self.options.root, stopped, budget);
                // The message names the template and the page, with its own hint.
                self.failed(Diagnostic::error("(render)", e.to_string()), started)
            }
        }
    }

    fn failed(&self, d: Diagnostic, started: Instant) -> Rebuilt {
        let mut errors = Diagnostics::new();
        errors.push(d);
        Rebuilt::failed(self.last_files.clone(), errors, started)
    }
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

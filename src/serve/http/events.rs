//! The live-reload event stream: the log of what each published snapshot changed, and the
//! server-sent events that tell an open tab to reload once its own page changed. Reads nothing but
//! the log and the tab's query; at most `MAX_EVENT_STREAMS` are open at once.

use super::request::{decode_path, site_key, Request};
use super::response::Response;
use super::{finish, send, Shared, Slot, Status, MAX_EVENT_STREAMS};
use std::collections::{HashSet, VecDeque};
use std::io::Write;
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

/// How often an idle event stream is pinged, to notice tabs that went away.
const PING_EVERY: Duration = Duration::from_secs(15);

/// How many recent publications event streams can look back on to decide whether their page
/// changed; a tab further behind simply reloads.
const LOG_LEN: usize = 64;

/// What was published, for event streams.
#[derive(Default)]
pub(super) struct Publications {
    /// Counts published snapshots.
    pub generation: u64,
    /// (generation, paths it changed or None for all), newest last.
    log: VecDeque<(u64, Option<Arc<HashSet<String>>>)>,
}

impl Publications {
    /// Counts one more published snapshot, which changed the pages at `changed` (None: any page).
    pub(super) fn record(&mut self, changed: Option<Arc<HashSet<String>>>) {
        self.generation += 1;
        self.log.push_back((self.generation, changed));
        if self.log.len() > LOG_LEN {
            self.log.pop_front();
        }
    }

    /// Whether anything published after `seen` (up to now) changed the page at `key`.
    fn affects(&self, seen: u64, key: Option<&str>) -> bool {
        let Some(key) = key else { return true };
        if seen > self.generation || self.generation - seen > self.log.len() as u64 {
            return true;
        }
        self.log
            .iter()
            .filter(|(g, _)| *g > seen)
            .any(|(_, changed)| changed.as_ref().is_none_or(|c| c.contains(key)))
    }
}

/// The live-reload stream: a server-sent event `reload` once a build that changed the tab's page
/// (`?path=`) is published after the one it was served from (`?since=`); then the stream closes
/// (the page reloads and opens a new one).
pub(super) fn event_stream(mut stream: TcpStream, shared: &Arc<Shared>, req: &Request) {
    let Some(_slot) = Slot::take(shared, |s| &s.streams, MAX_EVENT_STREAMS) else {
        let _ = send(&mut stream, &Response::plain(Status(503)), false);
        return finish(stream);
    };
    let param = |name: &str| {
        req.query
            .as_deref()
            .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix(name)))
    };
    let since: Option<u64> = param("since=").and_then(|v| v.parse().ok());
    // The tab's own page; without it (or if it is odd) every rebuild reloads the tab.
    let key = param("path=")
        .and_then(crate::url::percent_decode_strict)
        .and_then(|p| decode_path(&p).ok())
        .map(|p| site_key(&p));
    let head = "HTTP/1.1 200 OK\r\nServer: briefing\r\nContent-Type: text/event-stream\r\n\
                Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\nretry: 1000\n\n";
    if stream.write_all(head.as_bytes()).is_err() {
        return;
    }
    let mut seen = since.unwrap_or_else(|| shared.publications().generation);
    loop {
        let guard = shared.publications();
        let (guard, _) = shared
            .changed
            .wait_timeout_while(guard, PING_EVERY, |p| p.generation == seen)
            .unwrap_or_else(|e| e.into_inner());
        let now = guard.generation;
        let reload = now != seen && guard.affects(seen, key.as_deref());
        drop(guard);
        if reload {
            let _ = write!(stream, "event: reload\ndata: {now}\n\n");
            let _ = stream.flush();
            return finish(stream);
        }
        if now == seen && stream.write_all(b": ping\n\n").is_err() {
            return;
        }
        seen = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_reload_only_for_their_own_page() {
        let mut p = Publications::default();
        let set = |paths: &[&str]| Some(Arc::new(paths.iter().map(|s| s.to_string()).collect()));
        for changed in [
            set(&["articles/a/index.html"]),
            set(&["index.html", "feed.xml"]),
        ] {
            p.generation += 1;
            p.log.push_back((p.generation, changed));
        }
        assert!(p.affects(0, Some("articles/a/index.html")));
        assert!(
            !p.affects(1, Some("articles/a/index.html")),
            "only the home page changed since"
        );
        assert!(p.affects(1, Some("index.html")));
        assert!(!p.affects(0, Some("articles/b/index.html")));
        assert!(
            p.affects(0, None),
            "a tab that does not say its page reloads"
        );
        p.generation += 1;
        p.log.push_back((p.generation, None));
        assert!(
            p.affects(2, Some("articles/b/index.html")),
            "None means every page"
        );
        assert!(
            p.affects(9, Some("x")),
            "a tab from another server run reloads"
        );
    }
}

//! A small HTTP/1.1 server for `serve`: GET and HEAD of an in-memory site, and the live-reload event
//! stream. A request path is only ever a key looked up in the site it was handed; this module never
//! opens a file, so no request can reach the disk. Bounded everywhere: connections, event streams,
//! request-head size and the time a client may take to send it.

use crate::serve::live::SiteFiles;
use crate::text::escape_html;
use std::collections::{HashSet, VecDeque};
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::thread;
use std::time::{Duration, Instant};

/// Connections handled at once (each on its own small thread); more are answered 503.
pub const MAX_CONNECTIONS: usize = 512;
/// Open live-reload streams (one per browser tab); more are answered 503.
pub const MAX_EVENT_STREAMS: usize = 64;
/// A request line longer than this is answered 414.
pub const MAX_REQUEST_LINE: usize = 8 * 1024;
/// A request head (line and headers) larger than this, or with more headers, is answered 431.
pub const MAX_HEAD: usize = 32 * 1024;
pub const MAX_HEADERS: usize = 100;
/// The whole request head must arrive within this, however slowly it trickles in (else 408).
pub const HEAD_DEADLINE: Duration = Duration::from_secs(10);
/// Any one read or write; a client that stops reading is dropped.
pub const IO_TIMEOUT: Duration = Duration::from_secs(5);
/// How often an idle event stream is pinged, to notice tabs that went away.
const PING_EVERY: Duration = Duration::from_secs(15);
const THREAD_STACK: usize = 256 * 1024;

/// The path of the live-reload event stream.
pub const RELOAD_PATH: &str = "/__briefing/reload";

/// One build as served; replaced whole on every rebuild.
#[derive(Debug, Default)]
pub struct Snapshot {
    pub files: Arc<SiteFiles>,
    /// The last rebuild's errors when it failed, as printed in the terminal: shown above every page.
    pub error: Option<String>,
    /// The output paths that differ from the previous snapshot; None: any page may differ.
    pub changed: Option<HashSet<String>>,
}

/// How many recent publications event streams can look back on to decide whether their page
/// changed; a tab further behind simply reloads.
const LOG_LEN: usize = 64;

/// What was published, for event streams.
#[derive(Default)]
struct Publications {
    /// Counts published snapshots.
    generation: u64,
    /// (generation, paths it changed or None for all), newest last.
    log: VecDeque<(u64, Option<Arc<HashSet<String>>>)>,
}

impl Publications {
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

struct Shared {
    snapshot: RwLock<Arc<Snapshot>>,
    /// Event streams wait on `changed` for the generation to move.
    published: Mutex<Publications>,
    changed: Condvar,
    connections: AtomicUsize,
    streams: AtomicUsize,
}

impl Shared {
    fn current(&self) -> (Arc<Snapshot>, u64) {
        let snap = self
            .snapshot
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        (snap, self.publications().generation)
    }
    fn publications(&self) -> std::sync::MutexGuard<'_, Publications> {
        self.published.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Publishes new builds to a running server.
#[derive(Clone)]
pub struct Handle {
    shared: Arc<Shared>,
}

impl Handle {
    /// Serves `snapshot` from now on and tells every open tab whose page changed to reload (all
    /// of them when the error shown above pages appears, changes or goes).
    pub fn publish(&self, mut snapshot: Snapshot) {
        let mut current = self
            .shared
            .snapshot
            .write()
            .unwrap_or_else(|e| e.into_inner());
        if current.error != snapshot.error {
            snapshot.changed = None;
        }
        let changed = snapshot.changed.take().map(Arc::new);
        *current = Arc::new(snapshot);
        drop(current);
        let mut p = self.shared.publications();
        p.generation += 1;
        let generation = p.generation;
        p.log.push_back((generation, changed));
        if p.log.len() > LOG_LEN {
            p.log.pop_front();
        }
        drop(p);
        self.shared.changed.notify_all();
    }
}

pub struct Server {
    listener: TcpListener,
    shared: Arc<Shared>,
}

impl Server {
    pub fn bind(addr: SocketAddr) -> io::Result<Self> {
        Ok(Server {
            listener: TcpListener::bind(addr)?,
            shared: Arc::new(Shared {
                snapshot: RwLock::new(Arc::new(Snapshot::default())),
                published: Mutex::new(Publications::default()),
                changed: Condvar::new(),
                connections: AtomicUsize::new(0),
                streams: AtomicUsize::new(0),
            }),
        })
    }

    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    pub fn handle(&self) -> Handle {
        Handle {
            shared: self.shared.clone(),
        }
    }

    /// Accepts connections until the process ends, each on its own thread, at most
    /// `MAX_CONNECTIONS` at once.
    pub fn run(self) {
        for conn in self.listener.incoming() {
            let stream = match conn {
                Ok(s) => s,
                Err(_) => {
                    // Out of file descriptors or a connection reset before accept: wait a moment.
                    thread::sleep(Duration::from_millis(10));
                    continue;
                }
            };
            let slot = Slot::take(&self.shared, |s| &s.connections, MAX_CONNECTIONS);
            let Some(slot) = slot else {
                refuse(
                    stream,
                    503,
                    "Service Unavailable",
                    "the server is busy; try again",
                );
                continue;
            };
            let shared = self.shared.clone();
            // If the thread cannot start, the closure (and the slot in it) is dropped unrun.
            let _ = thread::Builder::new()
                .name("briefing-http".into())
                .stack_size(THREAD_STACK)
                .spawn(move || {
                    let _slot = slot;
                    serve_connection(stream, &shared);
                });
        }
    }
}

/// A counted place among a limited number (connections, event streams); given back when dropped.
struct Slot {
    shared: Arc<Shared>,
    counter: fn(&Shared) -> &AtomicUsize,
}

impl Slot {
    fn take(
        shared: &Arc<Shared>,
        counter: fn(&Shared) -> &AtomicUsize,
        max: usize,
    ) -> Option<Slot> {
        let c = counter(shared);
        if c.fetch_add(1, Ordering::SeqCst) >= max {
            c.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        Some(Slot {
            shared: shared.clone(),
            counter,
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        (self.counter)(&self.shared).fetch_sub(1, Ordering::SeqCst);
    }
}

/// An HTTP status this server answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status(pub u16);

impl Status {
    pub fn reason(self) -> &'static str {
        match self.0 {
            200 => "OK",
            301 => "Moved Permanently",
            400 => "Bad Request",
            404 => "Not Found",
            405 => "Method Not Allowed",
            408 => "Request Timeout",
            414 => "URI Too Long",
            431 => "Request Header Fields Too Large",
            500 => "Internal Server Error",
            503 => "Service Unavailable",
            505 => "HTTP Version Not Supported",
            _ => "Error",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Head,
}

/// A request this server will answer: GET or HEAD of a path, already decoded and checked.
#[derive(Debug, PartialEq, Eq)]
pub struct Request {
    pub method: Method,
    /// The path as sent (still percent-encoded), for redirects.
    pub raw_path: String,
    /// The decoded path, starting with `/`; never holds `..`, `.`, `\`, NUL or an empty segment.
    pub path: String,
    pub query: Option<String>,
}

fn serve_connection(mut stream: TcpStream, shared: &Arc<Shared>) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
    let head = match read_head(&mut stream) {
        Ok(Some(head)) => head,
        Ok(None) => return,
        Err(status) => {
            let _ = write_response(&mut stream, &Response::plain(status), false);
            return finish(stream);
        }
    };
    let request = match parse_request(&head) {
        Ok(r) => r,
        Err(status) => {
            let mut resp = Response::plain(status);
            if status.0 == 405 {
                resp.headers.push(("Allow", "GET, HEAD".into()));
            }
            let _ = write_response(&mut stream, &resp, false);
            return finish(stream);
        }
    };
    let (snapshot, generation) = shared.current();
    if request.path == RELOAD_PATH && request.method == Method::Get {
        return event_stream(stream, shared, &request);
    }
    let resp = respond(&request, &snapshot, generation);
    let _ = write_response(&mut stream, &resp, request.method == Method::Head);
    finish(stream);
}

/// Reads the request head (up to the blank line). `Ok(None)`: the client closed without a request.
fn read_head(stream: &mut TcpStream) -> Result<Option<Vec<u8>>, Status> {
    let deadline = Instant::now() + HEAD_DEADLINE;
    let mut buf: Vec<u8> = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(Status(408));
        }
        let _ = stream.set_read_timeout(Some(left.min(IO_TIMEOUT)));
        let n = match stream.read(&mut chunk) {
            Ok(0) if buf.is_empty() => return Ok(None),
            Ok(0) => return Err(Status(400)),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return if buf.is_empty() {
                    Ok(None)
                } else {
                    Err(Status(408))
                };
            }
            Err(_) => return Ok(None),
        };
        let searched = buf.len().saturating_sub(3);
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = head_end(&buf[searched..]) {
            buf.truncate(searched + end);
            check_sizes(&buf, true)?;
            return Ok(Some(buf));
        }
        check_sizes(&buf, false)?;
    }
}

/// 414 for a request line past the limit, 431 for a head past it.
fn check_sizes(buf: &[u8], complete: bool) -> Result<(), Status> {
    let start = buf
        .iter()
        .position(|&b| b != b'\r' && b != b'\n')
        .unwrap_or(0);
    let line_len = buf[start..].iter().position(|&b| b == b'\n');
    match line_len {
        None if buf.len() - start > MAX_REQUEST_LINE => return Err(Status(414)),
        Some(len) if len > MAX_REQUEST_LINE => return Err(Status(414)),
        None if complete => return Err(Status(400)),
        _ => {}
    }
    if buf.len() > MAX_HEAD {
        return Err(Status(431));
    }
    Ok(())
}

/// The end of the head: the offset just past the first blank line (`\r\n\r\n` or `\n\n`).
fn head_end(buf: &[u8]) -> Option<usize> {
    let mut i = 0;
    while i < buf.len() {
        if buf[i] == b'\n' {
            let rest = &buf[i + 1..];
            if rest.starts_with(b"\n") {
                return Some(i + 2);
            }
            if rest.starts_with(b"\r\n") {
                return Some(i + 3);
            }
        }
        i += 1;
    }
    None
}

/// Parses and checks a request head. Anything odd is refused rather than guessed at.
pub fn parse_request(head: &[u8]) -> Result<Request, Status> {
    let text = std::str::from_utf8(head).map_err(|_| Status(400))?;
    let mut lines = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .skip_while(|l| l.is_empty());
    let request_line = lines.next().ok_or(Status(400))?;
    let parts: Vec<&str> = request_line.split(' ').collect();
    let [method, target, version] = parts[..] else {
        return Err(Status(400));
    };
    match version {
        "HTTP/1.1" | "HTTP/1.0" => {}
        v if v.starts_with("HTTP/") && v.len() <= 8 => return Err(Status(505)),
        _ => return Err(Status(400)),
    }
    let mut headers = 0;
    for line in lines.take_while(|l| !l.is_empty()) {
        headers += 1;
        if headers > MAX_HEADERS {
            return Err(Status(431));
        }
        // No obsolete line folding, and a field name is a token right before the colon.
        let (name, _) = line.split_once(':').ok_or(Status(400))?;
        if name.is_empty() || !name.bytes().all(is_token_byte) {
            return Err(Status(400));
        }
    }
    if method.is_empty() || !method.bytes().all(is_token_byte) {
        return Err(Status(400));
    }
    let method = match method {
        "GET" => Method::Get,
        "HEAD" => Method::Head,
        _ => return Err(Status(405)),
    };
    let (raw_path, query) = match target.find(['?', '#']) {
        Some(i) => (&target[..i], Some(&target[i + 1..])),
        None => (target, None),
    };
    let path = decode_path(raw_path)?;
    Ok(Request {
        method,
        raw_path: raw_path.to_string(),
        path,
        query: query.map(str::to_string),
    })
}

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Decodes a request path once and refuses anything that could name a place outside the site or
/// mean different things to different readers: it must start with `/`, and after decoding hold no
/// `.` or `..` segment, no empty segment (`//`), no `\`, no control character (NUL included) and
/// no drive letter. Errors are 400.
pub fn decode_path(raw: &str) -> Result<String, Status> {
    let bad = Err(Status(400));
    if !raw.starts_with('/') || !raw.bytes().all(|b| (0x21..0x7f).contains(&b)) {
        return bad;
    }
    let Some(path) = crate::url::percent_decode_strict(raw) else {
        return bad;
    };
    if path.chars().any(|c| c.is_control() || c == '\\') {
        return bad;
    }
    let segments: Vec<&str> = path[1..].split('/').collect();
    let last = segments.len() - 1;
    for (i, s) in segments.iter().enumerate() {
        if (s.is_empty() && i != last) || *s == "." || *s == ".." || s.contains(':') {
            return bad;
        }
    }
    Ok(path)
}

/// The site key a decoded path names: `/` and `/x/` are folders with an `index.html`.
pub fn site_key(path: &str) -> String {
    let key = &path[1..];
    if key.is_empty() || key.ends_with('/') {
        format!("{key}index.html")
    } else {
        key.to_string()
    }
}

struct Response {
    status: Status,
    content_type: &'static str,
    body: Vec<u8>,
    headers: Vec<(&'static str, String)>,
}

impl Response {
    fn plain(status: Status) -> Self {
        Response {
            status,
            content_type: "text/plain; charset=utf-8",
            body: format!("{} {}\n", status.0, status.reason()).into_bytes(),
            headers: Vec::new(),
        }
    }
}

fn respond(req: &Request, snap: &Snapshot, generation: u64) -> Response {
    let key = site_key(&req.path);
    if let Some(bytes) = snap.files.get(&key) {
        let content_type = content_type(&key);
        return Response {
            status: Status(200),
            content_type,
            body: decorate(bytes, content_type, snap, generation),
            headers: Vec::new(),
        };
    }
    if !req.path.ends_with('/') && snap.files.contains_key(&format!("{key}/index.html")) {
        let mut location = format!("{}/", req.raw_path);
        if let Some(q) = &req.query {
            location.push('?');
            location.push_str(q);
        }
        let mut resp = Response::plain(Status(301));
        resp.headers.push(("Location", location));
        return resp;
    }
    if snap.files.is_empty() && snap.error.is_some() {
        // No build has succeeded yet: every page is the error.
        let page = b"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Build error</title></head><body></body></html>";
        return Response {
            status: Status(500),
            content_type: "text/html; charset=utf-8",
            body: decorate(page, "text/html; charset=utf-8", snap, generation),
            headers: Vec::new(),
        };
    }
    match snap.files.get("404.html") {
        Some(page) => Response {
            status: Status(404),
            content_type: "text/html; charset=utf-8",
            body: decorate(page, "text/html; charset=utf-8", snap, generation),
            headers: Vec::new(),
        },
        None => Response::plain(Status(404)),
    }
}

/// HTML pages get the live-reload script and, after a failed rebuild, the error above the page.
/// Only pages served here are touched; built files never carry either.
fn decorate(bytes: &[u8], content_type: &str, snap: &Snapshot, generation: u64) -> Vec<u8> {
    if !content_type.starts_with("text/html") {
        return bytes.to_vec();
    }
    let mut extra = String::new();
    if let Some(error) = &snap.error {
        extra.push_str(concat!(
            "<div id=\"briefing-error\" role=\"alert\" style=\"position:fixed;inset:0 0 auto 0;",
            "max-height:75vh;overflow:auto;z-index:2147483647;background:#2a0c0c;color:#ffe3e0;",
            "font:14px/1.5 ui-monospace,Menlo,Consolas,monospace;padding:1rem 1.25rem;",
            "border-bottom:4px solid #ff5a4f;box-shadow:0 4px 24px #0008\">",
            "<strong style=\"font-size:15px\">briefing serve: the last edit broke the build.</strong> ",
            "This page is from the last good build; it reloads by itself once the problem is fixed.",
            "<pre style=\"white-space:pre-wrap;margin:.75rem 0 0;font:inherit\">"
        ));
        extra.push_str(&escape_html(error));
        extra.push_str("</pre></div>");
    }
    extra.push_str(&format!(
        "<script>/* briefing serve: live reload */(function(){{var s=new EventSource(\"{RELOAD_PATH}?since={generation}&path=\"+encodeURIComponent(location.pathname));s.addEventListener(\"reload\",function(){{s.close();location.reload();}});}})();</script>"
    ));
    let at = find_last(bytes, b"</body>").unwrap_or(bytes.len());
    let mut out = Vec::with_capacity(bytes.len() + extra.len());
    out.extend_from_slice(&bytes[..at]);
    out.extend_from_slice(extra.as_bytes());
    out.extend_from_slice(&bytes[at..]);
    out
}

fn find_last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .rposition(|w| w.eq_ignore_ascii_case(needle))
}

fn content_type(key: &str) -> &'static str {
    let name = key.rsplit('/').next().unwrap_or(key);
    if name == "feed.xml" {
        return "application/atom+xml; charset=utf-8";
    }
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

fn write_response(stream: &mut TcpStream, resp: &Response, head_only: bool) -> io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nServer: briefing\r\nContent-Type: {}\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n",
        resp.status.0,
        resp.status.reason(),
        resp.content_type,
        resp.body.len()
    );
    for (name, value) in &resp.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    if !head_only {
        out.extend_from_slice(&resp.body);
    }
    stream.write_all(&out)?;
    stream.flush()
}

/// Closes after a response: stops sending, then reads (and drops) what the client may still send
/// for a moment, so that it sees the response rather than a reset.
fn finish(mut stream: TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_millis(250)));
    let mut sink = [0u8; 4096];
    let mut total = 0;
    while total < 256 * 1024 {
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(n) => total += n,
        }
    }
}

/// Answers without reading the request, when the server cannot take the connection.
fn refuse(mut stream: TcpStream, status: u16, reason: &str, body: &str) {
    let _ = stream.set_write_timeout(Some(Duration::from_millis(200)));
    let _ = write!(
        stream,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n{body}\n",
        body.len() + 1
    );
    let _ = stream.shutdown(Shutdown::Both);
}

/// The live-reload stream: a server-sent event `reload` once a build that changed the tab's page
/// (`?path=`) is published after the one it was served from (`?since=`); then the stream closes
/// (the page reloads and opens a new one).
fn event_stream(mut stream: TcpStream, shared: &Arc<Shared>, req: &Request) {
    let Some(_slot) = Slot::take(shared, |s| &s.streams, MAX_EVENT_STREAMS) else {
        let _ = write_response(&mut stream, &Response::plain(Status(503)), false);
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
    fn traversal_in_every_encoding_is_refused() {
        for raw in [
            "/../etc/passwd",
            "/a/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/etc/passwd",
            "/..%2fetc%2fpasswd",
            "/..%2Fetc/passwd",
            "/a%2F..%2F..%2Fetc/passwd",
            "/%2e%2e%5cetc",
            "/..\\etc",
            "/a/%5c..%5c",
            "/a%00.html",
            "/index.html%00",
            "//etc/passwd",
            "/C:/Windows/win.ini",
            "/c%3a/windows",
            "/./index.html",
            "/%2e/index.html",
            "etc/passwd",
            "/%",
            "/%zz",
            "/%c0%ae%c0%ae/etc",
            "/%e0%80%ae%e0%80%ae/etc",
            "/%2E%2e/etc",
            "/.%2e/etc",
            "/./../etc",
            "/%0d%0a/etc",
            "/%u002e%u002e/etc",
            "/a\tb",
        ] {
            assert_eq!(decode_path(raw), Err(Status(400)), "{raw:?} accepted");
        }
        // Decoding happens once: a doubly encoded dot-dot is just an odd name, which is not found.
        assert_eq!(decode_path("/%252e%252e/x").unwrap(), "/%2e%2e/x");
        assert_eq!(decode_path("/articles/x/").unwrap(), "/articles/x/");
        assert_eq!(decode_path("/a%20b.png").unwrap(), "/a b.png");
        assert_eq!(decode_path("/%E5%8D%8E").unwrap(), "/华");
    }

    #[test]
    fn keys_name_index_pages_for_folders() {
        assert_eq!(site_key("/"), "index.html");
        assert_eq!(site_key("/articles/x/"), "articles/x/index.html");
        assert_eq!(site_key("/feed.xml"), "feed.xml");
    }

    #[test]
    fn parses_only_plain_get_and_head() {
        let r = parse_request(b"GET /a/?x=1 HTTP/1.1\r\nHost: h\r\n\r\n").unwrap();
        assert_eq!(r.method, Method::Get);
        assert_eq!(r.path, "/a/");
        assert_eq!(r.query.as_deref(), Some("x=1"));
        assert_eq!(
            parse_request(b"HEAD / HTTP/1.0\n\n").unwrap().method,
            Method::Head
        );
        assert_eq!(parse_request(b"POST / HTTP/1.1\r\n\r\n"), Err(Status(405)));
        assert_eq!(parse_request(b"GET / HTTP/2.0\r\n\r\n"), Err(Status(505)));
        assert_eq!(parse_request(b"GET /  HTTP/1.1\r\n\r\n"), Err(Status(400)));
        assert_eq!(
            parse_request(b"GET http://x/ HTTP/1.1\r\n\r\n"),
            Err(Status(400))
        );
        assert_eq!(
            parse_request(b"GET / HTTP/1.1\r\n folded\r\n\r\n"),
            Err(Status(400))
        );
        let many = format!(
            "GET / HTTP/1.1\r\n{}\r\n",
            "X: y\r\n".repeat(MAX_HEADERS + 1)
        );
        assert_eq!(parse_request(many.as_bytes()), Err(Status(431)));
    }

    #[test]
    fn sizes_are_capped() {
        let long = format!("GET /{} HTTP/1.1", "a".repeat(MAX_REQUEST_LINE));
        assert_eq!(check_sizes(long.as_bytes(), false), Err(Status(414)));
        let big = format!("GET / HTTP/1.1\r\nX: {}\r\n", "a".repeat(MAX_HEAD));
        assert_eq!(check_sizes(big.as_bytes(), false), Err(Status(431)));
        assert_eq!(check_sizes(b"GET / HTTP/1.1\r\n", false), Ok(()));
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nA: b\r\n\r\nrest"), Some(24));
    }

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

    #[test]
    fn pages_get_the_reload_script_and_errors_but_other_files_do_not() {
        let snap = Snapshot {
            files: Arc::default(),
            error: Some("content/a.md:3:1: error: <bad>".into()),
            changed: None,
        };
        let html = decorate(
            b"<html><body><p>x</p></body></html>",
            "text/html; charset=utf-8",
            &snap,
            7,
        );
        let html = String::from_utf8(html).unwrap();
        assert!(html.contains("since=7"));
        assert!(html.contains("content/a.md:3:1: error: &lt;bad&gt;"));
        assert!(html.ends_with("</body></html>"));
        assert_eq!(decorate(b"<x/>", "application/xml", &snap, 7), b"<x/>");
    }
}

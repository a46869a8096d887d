//! A small HTTP/1.1 server for `serve`: GET and HEAD of an in-memory site, and the live-reload event
//! stream. A request path is only ever a key looked up in the site it was handed; this module never
//! opens a file, so no request can reach the disk. Bounded everywhere: connections, event streams,
//! request-head size and the time a client may take to send it.
//!
//! This file owns the sockets: accepting, the connection threads and their limits, reading a head
//! within its deadline, sending and closing. What the bytes mean is in `request` (parsing),
//! `response` (what to answer) and `events` (the live-reload stream).

mod events;
pub mod request;
mod response;

use crate::serve::live::SiteFiles;
use events::{event_stream, Publications};
use request::{host_allowed, parse_request, scan_head, Method};
use response::{respond, Response};
use std::collections::HashSet;
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
/// The whole request head must arrive within this, however slowly it trickles in (else 408).
pub const HEAD_DEADLINE: Duration = Duration::from_secs(10);
/// Any one read or write; a client that stops reading is dropped.
pub const IO_TIMEOUT: Duration = Duration::from_secs(5);
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
        self.shared.publications().record(changed);
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
            421 => "Misdirected Request",
            431 => "Request Header Fields Too Large",
            500 => "Internal Server Error",
            503 => "Service Unavailable",
            505 => "HTTP Version Not Supported",
            _ => "Error",
        }
    }
}

fn serve_connection(mut stream: TcpStream, shared: &Arc<Shared>) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
    let head = match read_head(&mut stream) {
        Ok(Some(head)) => head,
        Ok(None) => return,
        Err(status) => {
            let _ = send(&mut stream, &Response::refused(status), false);
            return finish(stream);
        }
    };
    let request = match parse_request(&head) {
        Ok(r) => r,
        Err(status) => {
            let _ = send(&mut stream, &Response::refused(status), false);
            return finish(stream);
        }
    };
    // Only requests naming this machine: a page elsewhere must not read the site (drafts) through
    // a visitor's browser by pointing its own domain at 127.0.0.1.
    let local = stream.local_addr().ok();
    if !local.is_some_and(|local| host_allowed(request.host.as_deref(), local)) {
        let _ = send(&mut stream, &Response::misdirected(), false);
        return finish(stream);
    }
    let (snapshot, generation) = shared.current();
    if request.path == RELOAD_PATH && request.method == Method::Get {
        return event_stream(stream, shared, &request);
    }
    let resp = respond(&request, &snapshot, generation);
    let _ = send(&mut stream, &resp, request.method == Method::Head);
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
        // The blank line may straddle the last chunk and this one.
        let searched = buf.len().saturating_sub(3);
        buf.extend_from_slice(&chunk[..n]);
        if let Some(len) = scan_head(&buf, searched)? {
            buf.truncate(len);
            return Ok(Some(buf));
        }
    }
}

fn send(stream: &mut TcpStream, resp: &Response, head_only: bool) -> io::Result<()> {
    stream.write_all(&resp.to_bytes(head_only))?;
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

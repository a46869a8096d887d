//! `briefing serve`: a real HTTP client on loopback against the real binary. Edits show up, broken
//! edits show their error and the last good build, nothing climbs out of the site, and a busy port
//! is a clear error. Waits poll with a deadline; nothing here asserts a duration.

use crate::support::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

/// How long a test waits for the server to show something before failing.
const PATIENCE: Duration = Duration::from_secs(60);

/// A running `briefing serve`, killed when dropped (also when the test panics).
struct Served {
    child: Child,
    port: u16,
    /// Lines the server printed on stdout after the "serving" line.
    _stdout: Receiver<String>,
}

impl Served {
    fn start(site: &SiteTest, extra: &[&str]) -> Served {
        let mut child = Command::new(env!("CARGO_BIN_EXE_briefing"))
            .args(["serve", "--port", "0"])
            .args(extra)
            .current_dir(site.root())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start briefing serve");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        let mut served = Served {
            child,
            port: 0,
            _stdout: rx,
        };
        let deadline = Instant::now() + PATIENCE;
        while served.port == 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = served
                ._stdout
                .recv_timeout(left)
                .expect("serve printed its address");
            if let Some(rest) = line.strip_prefix("serving http://127.0.0.1:") {
                served.port = rest.split('/').next().unwrap().parse().unwrap();
            }
        }
        served
    }

    /// Sends `request` as it is and returns (status, head, body).
    fn raw(&self, request: &[u8]) -> (u16, String, Vec<u8>) {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        s.write_all(request).unwrap();
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        let split = out
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("no response head in {:?}", String::from_utf8_lossy(&out)));
        let head = String::from_utf8_lossy(&out[..split]).into_owned();
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("bad status line: {head}"));
        (status, head, out[split + 4..].to_vec())
    }

    fn get(&self, path: &str) -> (u16, String) {
        let (status, _, body) = self.raw(
            format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        );
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    /// Fetches `path` until `ok` holds for the body; panics with the last body at the deadline.
    #[track_caller]
    fn wait_for(&self, path: &str, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let (_, body) = self.get(path);
            if ok(&body) {
                return body;
            }
            if Instant::now() > deadline {
                panic!("{path} never showed {what}; last body:\n{body}");
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const FIRST: &str = "content/articles/first.md";

#[test]
fn serve_shows_an_edit_and_never_writes_to_disk() {
    let site = SiteTest::minimal();
    let served = Served::start(&site, &[]);
    let (status, page) = served.get("/articles/first/");
    assert_eq!(status, 200);
    assert!(page.contains("Body of the first"));
    assert!(
        page.contains("/__briefing/reload"),
        "pages served get the reload script"
    );
    // Links work at the server's root whatever base_url says.
    assert!(
        page.contains(r#"href="/articles/second/#details""#),
        "{page}"
    );

    site.write(FIRST, "---\ntitle: First Story\ndate: 2023-09-25\nsummary: The first one.\n---\nKiwi edited body.\n");
    served.wait_for("/articles/first/", "the edit", |b| {
        b.contains("Kiwi edited body")
    });
    // An atomic save (temp file renamed over the original) is seen too.
    site.write(
        "content/articles/.first.md.tmp",
        "---\ntitle: First Story\ndate: 2023-09-25\n---\nMango atomic save.\n",
    );
    std::fs::rename(
        site.root().join("content/articles/.first.md.tmp"),
        site.root().join(FIRST),
    )
    .unwrap();
    served.wait_for("/articles/first/", "the atomic save", |b| {
        b.contains("Mango atomic save")
    });
    // A new article appears on the home page; a removed one is gone.
    site.write(
        "content/articles/third.md",
        "---\ntitle: Papaya Third\ndate: 2024-01-01\n---\nNew.\n",
    );
    served.wait_for("/", "the new article", |b| b.contains("Papaya Third"));
    site.remove("content/articles/third.md");
    served.wait_for("/", "the article removed", |b| !b.contains("Papaya Third"));
    assert_eq!(served.get("/articles/third/").0, 404);

    assert!(!site.public().exists(), "serve never writes public/");
    assert!(!site.root().join("preview").exists());
}

#[test]
fn broken_edit_shows_the_error_over_the_last_good_page_until_fixed() {
    let site = SiteTest::minimal();
    let served = Served::start(&site, &[]);
    served.wait_for("/articles/first/", "the page", |b| {
        b.contains("Body of the first")
    });

    site.write(
        FIRST,
        "---\ntitle: First Story\ndate: 2023-09-25\nsummary: [unclosed\n---\nBroken.\n",
    );
    let page = served.wait_for("/articles/first/", "the error", |b| {
        b.contains("briefing-error")
    });
    assert!(
        page.contains("content/articles/first.md:"),
        "file and line: {page}"
    );
    assert!(
        page.contains("Body of the first"),
        "the last good build keeps serving"
    );

    site.write(
        FIRST,
        "---\ntitle: First Story\ndate: 2023-09-25\ncompanies: [huawei-clod]\n---\nx\n",
    );
    let page = served.wait_for("/articles/first/", "the unknown id", |b| {
        b.contains("huawei-clod")
    });
    assert!(page.contains("content/articles/first.md:4:13"), "{page}");

    site.write(
        FIRST,
        "---\ntitle: First Story\ndate: 2023-09-25\n---\nLychee fixed body.\n",
    );
    let page = served.wait_for("/articles/first/", "the fixed page", |b| {
        b.contains("Lychee fixed body")
    });
    assert!(
        !page.contains("briefing-error"),
        "the error is gone once fixed"
    );

    // A template error: shown the same way, naming the template; fixing it brings pages back.
    site.write("templates/article.html", "{% if %}broken");
    let page = served.wait_for("/articles/first/", "the template error", |b| {
        b.contains("briefing-error")
    });
    assert!(page.contains("templates/article.html"), "{page}");
    site.write("templates/article.html", "CUSTOM {{ article.title }}");
    served.wait_for("/articles/first/", "the new template", |b| {
        b.starts_with("CUSTOM First Story")
    });
}

#[test]
fn preview_server_shows_drafts_and_the_desk() {
    let site = SiteTest::minimal().file(
        "content/articles/d.md",
        "---\ntitle: Narwhal Draft\ndate: 2023-12-01\nstatus: draft\n---\nnarwhal\n",
    );
    let plain = Served::start(&site, &[]);
    assert_eq!(plain.get("/articles/d/").0, 404);
    assert_eq!(plain.get("/review/").0, 404);
    drop(plain);
    let preview = Served::start(&site, &["--drafts"]);
    let (status, page) = preview.get("/articles/d/");
    assert_eq!(status, 200);
    assert!(page.contains("Draft — not published") && page.contains("noindex"));
    let (status, desk) = preview.get("/review/");
    assert_eq!(status, 200);
    assert!(desk.contains("Narwhal Draft") && desk.contains("no summary"));
}

#[test]
fn nothing_outside_the_built_site_is_ever_served() {
    let site = SiteTest::minimal().file("secret.txt", "TOPSECRET-42");
    let served = Served::start(&site, &[]);
    for path in [
        "/../secret.txt",
        "/../../../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/..%2fsecret.txt",
        "/..%2F..%2Fetc%2Fpasswd",
        "/articles/%2F..%2F..%2Fsecret.txt",
        "/%2F..%2Fsecret.txt",
        "/..%5csecret.txt",
        "/..\\secret.txt",
        "/%5c..%5c..%5cetc%5cpasswd",
        "/secret.txt%00.html",
        "/index.html%00",
        "/%00",
        "//etc/passwd",
        "/etc/passwd",
        "/C:/Windows/win.ini",
        "/c%3A%5Cwindows%5Cwin.ini",
        "/%252e%252e/secret.txt",
        "/%c0%ae%c0%ae/secret.txt",
        "/secret.txt",
        "/site.yaml",
        "/content/articles/first.md",
        "/./index.html",
        "http://127.0.0.1/../secret.txt",
        "../secret.txt",
    ] {
        let (status, head, body) =
            served.raw(format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").as_bytes());
        let body = String::from_utf8_lossy(&body);
        assert!(status == 400 || status == 404, "{path}: {status}\n{head}");
        for leaked in ["TOPSECRET", "root:x:0:0", "base_url:", "Body of the first"] {
            assert!(!body.contains(leaked), "{path} leaked {leaked}");
        }
    }
}

#[test]
fn the_server_answers_bad_and_oversized_requests_by_the_book() {
    let site = SiteTest::minimal();
    let served = Served::start(&site, &[]);
    let long = format!(
        "GET /{} HTTP/1.1\r\nHost: localhost\r\n\r\n",
        "a".repeat(64 * 1024)
    );
    assert_eq!(served.raw(long.as_bytes()).0, 414);
    let big = format!(
        "GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: {}\r\n\r\n",
        "b".repeat(40 * 1024)
    );
    assert_eq!(served.raw(big.as_bytes()).0, 431);
    let (status, head, _) =
        served.raw(b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n");
    assert_eq!(status, 405);
    assert!(head.contains("Allow: GET, HEAD"));
    assert_eq!(served.raw(b"NONSENSE\r\n\r\n").0, 400);
    let (status, head, body) = served.raw(b"HEAD /feed.xml HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assert_eq!(status, 200);
    assert!(head.contains("application/atom+xml") && body.is_empty());
    let (status, head, _) = served.raw(b"GET /articles HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assert_eq!(status, 301);
    assert!(head.contains("Location: /articles/"), "{head}");
    // A client that sends half a request and stalls does not stop others being served.
    let mut slow = TcpStream::connect(("127.0.0.1", served.port)).unwrap();
    slow.write_all(b"GET / HT").unwrap();
    assert_eq!(served.get("/").0, 200);
    drop(slow);
}

#[test]
fn open_tabs_are_told_to_reload_after_a_rebuild() {
    let site = SiteTest::minimal();
    let served = Served::start(&site, &[]);
    let (_, page) = served.get("/");
    let since = page
        .split("since=")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("generation in the page")
        .to_string();
    let mut stream = TcpStream::connect(("127.0.0.1", served.port)).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream
        .write_all(
            format!("GET /__briefing/reload?since={since} HTTP/1.1\r\nHost: localhost\r\n\r\n")
                .as_bytes(),
        )
        .unwrap();
    site.write(
        "content/articles/second.md",
        "---\ntitle: Second Story\ndate: 2023-10-01\n---\nChanged.\n",
    );
    let mut got = String::new();
    let mut buf = [0u8; 1024];
    while !got.contains("event: reload") {
        let n = stream
            .read(&mut buf)
            .expect("the stream stays open until the reload");
        assert!(n > 0, "stream closed without a reload: {got}");
        got.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    assert!(got.contains("text/event-stream"));
    // Built files never carry the reload script: only served pages do.
    site.build().assert_ok();
    assert!(!site.read("index.html").contains("__briefing"));
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let site = SiteTest::minimal();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let run = site.run(&["serve", "--port", &port]);
    run.assert_fails();
    run.assert_stderr_has(&format!("port {port} on 127.0.0.1 is already in use"));
    run.assert_stderr_has("--port");
}

// ---------------------------------------------------------------------------------------------
// Load and attack on loopback. Deadlines here are hang guards, never timing assertions.

/// How long a client under load waits for its answer before the test calls the server stuck.
const HANG_GUARD: Duration = Duration::from_secs(10);

impl Served {
    fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        s.set_read_timeout(Some(HANG_GUARD)).unwrap();
        s.set_write_timeout(Some(HANG_GUARD)).unwrap();
        s
    }
}

/// Sends a GET for `path` on an open connection and reads the whole answer (the server closes).
fn fetch_on(mut s: TcpStream, path: &str) -> std::io::Result<Vec<u8>> {
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").as_bytes())?;
    let mut out = Vec::new();
    s.read_to_end(&mut out)?;
    Ok(out)
}

#[test]
fn two_hundred_concurrent_connections_all_get_the_page() {
    const CLIENTS: usize = 200;
    let site = SiteTest::minimal();
    let served = Served::start(&site, &[]);
    let (status, head, expected) =
        served.raw(b"GET /articles/first/ HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assert_eq!(status, 200, "{head}");
    assert!(String::from_utf8_lossy(&expected).contains("Body of the first"));

    // Every connection is open before any sends its request, so all of them are in flight at once.
    let streams: Vec<TcpStream> = (0..CLIENTS).map(|_| served.connect()).collect();
    let start = std::sync::Arc::new(std::sync::Barrier::new(CLIENTS));
    let clients: Vec<_> = streams
        .into_iter()
        .map(|s| {
            let start = start.clone();
            std::thread::Builder::new()
                .stack_size(64 * 1024)
                .spawn(move || {
                    start.wait();
                    fetch_on(s, "/articles/first/")
                })
                .unwrap()
        })
        .collect();
    for (i, client) in clients.into_iter().enumerate() {
        let out = client
            .join()
            .unwrap()
            .unwrap_or_else(|e| panic!("client {i}: {e}"));
        let split = out
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("client {i}: no response head"));
        let head = String::from_utf8_lossy(&out[..split]);
        assert!(head.starts_with("HTTP/1.1 200 "), "client {i}: {head}");
        assert!(out[split + 4..] == expected[..], "client {i}: other bytes");
    }
    assert_eq!(served.get("/").0, 200, "still serving afterwards");
}

#[test]
fn slow_and_silent_clients_do_not_stop_others_being_served() {
    const SLOW: usize = 50;
    let site = SiteTest::minimal();
    let served = Served::start(&site, &[]);
    // Half say nothing at all; half trickle a request one byte at a time.
    let silent: Vec<TcpStream> = (0..SLOW / 2).map(|_| served.connect()).collect();
    let trickling: Vec<TcpStream> = (0..SLOW / 2).map(|_| served.connect()).collect();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let trickler = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let request = b"GET /articles/second/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
            let mut streams = trickling;
            for &byte in request.iter().take(request.len() - 1) {
                if stop.load(std::sync::atomic::Ordering::SeqCst) {
                    break;
                }
                for s in &mut streams {
                    let _ = s.write_all(&[byte]);
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            streams
        })
    };
    for _ in 0..10 {
        let out = fetch_on(served.connect(), "/articles/first/").expect("answered in time");
        let text = String::from_utf8_lossy(&out);
        assert!(text.starts_with("HTTP/1.1 200 "), "{text}");
        assert!(text.contains("Body of the first"));
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let trickling = trickler.join().unwrap();
    drop((silent, trickling));
    assert_eq!(served.get("/").0, 200);
}

#[test]
fn connections_past_the_cap_are_answered_503_and_the_server_lives_on() {
    // Silent connections hold their slots until the server's read timeout (`http::IO_TIMEOUT`,
    // 5 s); the test needs far less.
    const CAP: usize = briefing::limits::MAX_CONNECTIONS;
    let site = SiteTest::minimal();
    let served = Served::start(&site, &[]);
    let held: Vec<TcpStream> = (0..CAP).map(|_| served.connect()).collect();
    // The accept loop may still be taking the held ones: until it has, a request gets a free slot
    // (and is answered 200). A refused client has sent its request too, and must read the 503
    // rather than a reset.
    let deadline = Instant::now() + PATIENCE;
    let refused = loop {
        let out = fetch_on(served.connect(), "/").expect("a response, not a reset");
        let text = String::from_utf8_lossy(&out).into_owned();
        if !text.starts_with("HTTP/1.1 200 ") || Instant::now() > deadline {
            break text;
        }
    };
    assert!(refused.starts_with("HTTP/1.1 503 "), "{refused}");
    assert!(refused.contains("Retry-After: 1"), "{refused}");
    for _ in 0..5 {
        let out = fetch_on(served.connect(), "/").expect("a response, not a reset");
        let text = String::from_utf8_lossy(&out);
        assert!(text.starts_with("HTTP/1.1 503 "), "{text}");
    }
    drop(held);
    let deadline = Instant::now() + PATIENCE;
    while served.raw(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n").0 != 200 {
        assert!(Instant::now() < deadline, "slots never came back");
        std::thread::sleep(Duration::from_millis(25));
    }
}

#[test]
fn traversal_in_unusual_encodings_never_reaches_a_file_outside_the_site() {
    // The secret sits beside the site's own files, where no build puts it: a request reaching it
    // would be a request reaching the disk.
    let site = SiteTest::minimal().file("secret.txt", "TOPSECRET-77");
    let served = Served::start(&site, &[]);
    for path in [
        // Double-encoded: decoded once, so only an odd (missing) name.
        "/%252e%252e/secret.txt",
        "/%252e%252e%252fsecret.txt",
        "/..%255csecret.txt",
        "/articles/first/%252e%252e/%252e%252e/secret.txt",
        // Overlong UTF-8 for `.` and `/` (not UTF-8 at all).
        "/%c0%ae%c0%ae/secret.txt",
        "/%c0%ae%c0%ae%c0%afsecret.txt",
        "/%e0%80%ae%e0%80%ae/secret.txt",
        "/..%c0%afsecret.txt",
        "/..%c1%9csecret.txt",
        // Mixed case and half-encoded dot-dots.
        "/%2E%2e/secret.txt",
        "/%2e%2E/secret.txt",
        "/.%2e/secret.txt",
        "/%2e./secret.txt",
        "/articles/%2E%2e/%2e%2E/secret.txt",
        // Dot segments in other disguises.
        "/..;/secret.txt",
        "/articles/..;/..;/secret.txt",
        "/./../secret.txt",
        "/articles/./../../secret.txt",
        "/articles/first/../../../secret.txt",
        "/.../secret.txt",
        "/..../secret.txt",
        "/..%20/secret.txt",
        "/%20../secret.txt",
        // Windows separators.
        "/..\\..\\secret.txt",
        "/articles\\..\\..\\secret.txt",
        "/..%5c..%5csecret.txt",
        "/..%5Csecret.txt",
        "/%5c%2e%2e%5csecret.txt",
        "/.%5c./secret.txt",
        // Absolute paths and absolute-form targets.
        "//etc/passwd",
        "///etc/passwd",
        "//secret.txt",
        "/%2fetc%2fpasswd",
        "/%2F%2Fsecret.txt",
        "http://127.0.0.1/../secret.txt",
        "http://host/../secret.txt",
        "HTTP://127.0.0.1/secret.txt",
        "//127.0.0.1/../secret.txt",
        "*",
        // NUL and other control characters.
        "/secret.txt%00",
        "/..%00/secret.txt",
        "/%00../secret.txt",
        "/articles/first/%00/../../secret.txt",
        "/secret.txt%0a",
        "/%0d%0a/secret.txt",
        // Drive letters and IIS-style escapes.
        "/C:%5csecret.txt",
        "/%u002e%u002e/secret.txt",
        "/%%32%65%%32%65/secret.txt",
    ] {
        let (status, head, body) =
            served.raw(format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").as_bytes());
        let body = String::from_utf8_lossy(&body);
        assert!(status == 400 || status == 404, "{path}: {status}\n{head}");
        for leaked in ["TOPSECRET", "root:x:0:0", "base_url:", "Body of the first"] {
            assert!(!body.contains(leaked), "{path} leaked {leaked}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Only its owner can read it.

#[test]
fn a_request_naming_another_host_gets_421_not_the_page() {
    // A DNS-rebinding page: evil.example now resolves to 127.0.0.1, and the visitor's browser
    // fetches the preview with `Host: evil.example`.
    let site = SiteTest::minimal().file(
        "content/articles/d.md",
        "---\ntitle: Narwhal Draft\ndate: 2023-12-01\nstatus: draft\n---\nnarwhal secret\n",
    );
    let served = Served::start(&site, &["--drafts"]);
    let port = served.port;
    for host in [
        "evil.example".to_string(),
        format!("evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
        format!("localhost:{}", port.wrapping_add(1)),
    ] {
        for path in ["/articles/d/", "/review/", "/", "/__briefing/reload"] {
            let (status, _, body) =
                served.raw(format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes());
            let body = String::from_utf8_lossy(&body);
            assert_eq!(status, 421, "Host: {host} {path} got {status}");
            assert!(
                !body.contains("narwhal") && !body.contains("Narwhal"),
                "{body}"
            );
        }
    }
    // No Host at all is refused too; the names of this machine, with the port, are served.
    let (status, _, _) = served.raw(b"GET /articles/d/ HTTP/1.0\r\n\r\n");
    assert_eq!(status, 421);
    for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}")] {
        let (status, _, body) =
            served.raw(format!("GET /articles/d/ HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes());
        assert_eq!(status, 200, "Host: {host}");
        assert!(String::from_utf8_lossy(&body).contains("narwhal secret"));
    }
}

#[test]
fn binding_another_address_warns_that_drafts_are_visible_there() {
    let site = SiteTest::minimal();
    let mut child = Command::new(env!("CARGO_BIN_EXE_briefing"))
        .args(["serve", "--port", "0", "--bind", "0.0.0.0", "--drafts"])
        .current_dir(site.root())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start briefing serve");
    let mut first = String::new();
    BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        first.starts_with("warning: listening on 0.0.0.0"),
        "{first}"
    );
    assert!(first.contains("drafts"), "{first}");
}

#[test]
fn an_edit_after_content_was_renamed_away_and_back_is_picked_up() {
    let site = SiteTest::minimal();
    let served = Served::start(&site, &[]);
    served.wait_for("/articles/first/", "the first build", |b| {
        b.contains("Body of the first")
    });
    let content = site.root().join("content");
    let away = site.root().join("content.away");
    std::fs::rename(&content, &away).unwrap();
    // Long enough for the watcher to take the rename as a save of its own (this is no timing
    // assertion: a shorter pause only makes both renames one batch).
    std::thread::sleep(Duration::from_millis(300));
    std::fs::rename(&away, &content).unwrap();
    site.write(
        FIRST,
        "---\ntitle: First Story\ndate: 2023-09-25\n---\nQuince after the round trip.\n",
    );
    served.wait_for("/articles/first/", "the edit after the rename", |b| {
        b.contains("Quince after the round trip")
    });
    // Replaced by a copy (a new folder, new inode): still watched.
    copy_dir(&content, &away);
    std::fs::remove_dir_all(&content).unwrap();
    std::fs::rename(&away, &content).unwrap();
    site.write(
        FIRST,
        "---\ntitle: First Story\ndate: 2023-09-25\n---\nRaspberry in the copy.\n",
    );
    served.wait_for("/articles/first/", "the edit in the copy", |b| {
        b.contains("Raspberry in the copy")
    });
    // templates/ gets the same care.
    site.write("templates/.keep", "");
    std::fs::rename(site.root().join("templates"), site.root().join("t.away")).unwrap();
    std::fs::rename(site.root().join("t.away"), site.root().join("templates")).unwrap();
    site.write(
        FIRST,
        "---\ntitle: First Story\ndate: 2023-09-25\n---\nStrawberry at last.\n",
    );
    served.wait_for("/articles/first/", "the last edit", |b| {
        b.contains("Strawberry at last")
    });
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn a_template_that_loops_forever_stops_the_rebuild_as_it_stops_a_build() {
    let site = SiteTest::minimal();
    let served = Served::start(&site, &["--render-timeout", "1"]);
    served.wait_for("/articles/first/", "the first build", |b| {
        b.contains("Body of the first")
    });
    // Ten billion empty iterations: only the watchdog can stop it (tests/it/safety.rs has the
    // same template for `build`).
    site.write(
        "templates/article.html",
        "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}",
    );
    let page = served.wait_for("/articles/first/", "the watchdog's error", |b| {
        b.contains("did not finish rendering")
    });
    assert!(page.contains("templates/article.html"), "{page}");
    assert!(page.contains("within 1 s: it may loop forever"), "{page}");
    assert!(
        page.contains("Body of the first"),
        "the last good page stays"
    );
    // Fixed, the site comes back: serve did not hang and was not stuck on the abandoned render.
    site.remove("templates/article.html");
    site.write(
        FIRST,
        "---\ntitle: First Story\ndate: 2023-09-25\n---\nVanilla after the loop.\n",
    );
    served.wait_for("/articles/first/", "the page after the fix", |b| {
        b.contains("Vanilla after the loop") && !b.contains("briefing-error")
    });
}

#[test]
fn a_page_past_the_size_cap_stops_the_rebuild_as_it_stops_a_build() {
    let site = SiteTest::minimal();
    let served = Served::start(&site, &[]);
    served.wait_for("/articles/first/", "the first build", |b| {
        b.contains("Body of the first")
    });
    // 110 MB of page, past the 64 MiB (plus the bodies) that a build allows.
    site.write(
        "templates/article.html",
        format!(
            "{{% for i in range(end=100000) %}}{}{{% endfor %}}",
            "many bytes ".repeat(100)
        ),
    );
    let page = served.wait_for("/articles/first/", "the size cap's error", |b| {
        b.contains("the page grew past")
    });
    assert!(
        page.contains("Body of the first"),
        "the last good page stays"
    );
}

#[test]
fn serve_serves_image_variants_from_the_cache_build_uses() {
    let site = SiteTest::new().file(
        "content/articles/lead.md",
        "---\ntitle: Lead\ndate: 2023-09-25\nimage: { src: img/lead.png, alt: A chart }\n---\nBody.\n",
    );
    site.write("static/img/lead.png", crate::images::png(1000, 500));
    let served = Served::start(&site, &[]);
    let page = served.wait_for("/articles/lead/", "the lead image", |b| {
        b.contains("srcset=")
    });
    assert!(page.contains("/img/lead-480w.webp 480w"), "{page}");
    let (status, _, body) = served
        .raw(b"GET /img/lead-960w.webp HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    assert_eq!(status, 200);
    let img = image::load_from_memory(&body).expect("a WebP");
    assert_eq!((img.width(), img.height()), (960, 480));
    drop(served);
    // The variants serve made are the ones a build reuses.
    let out = site.build().assert_ok().stdout();
    assert!(out.contains("images: 0 resized, 4 reused"), "{out}");
}

#[test]
fn replacing_an_image_file_without_touching_the_markdown_is_served() {
    let site = SiteTest::new().file(
        "content/articles/lead.md",
        "---\ntitle: Lead\ndate: 2023-09-25\nimage: { src: lead.png, alt: A chart }\n---\nBody.\n\n![A figure](/img/figure.png)\n",
    );
    site.write("content/articles/lead.png", crate::images::png(1000, 500));
    site.write("static/img/figure.png", crate::images::png(1000, 500));
    let served = Served::start(&site, &[]);
    let page = served.wait_for("/articles/lead/", "the images", |b| {
        b.matches("width=\"1000\" height=\"500\"").count() == 2
    });
    assert!(!page.contains("1600w"), "{page}");
    let variant = |path: &str| {
        let (status, _, body) = served.raw(
            format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        );
        assert_eq!(status, 200, "{path}");
        let img = image::load_from_memory(&body).expect("an image");
        (img.width(), img.height())
    };
    assert_eq!(variant("/media/articles/lead-960w.webp"), (960, 480));
    // The lead image beside the Markdown and the body image in static/ are replaced by larger,
    // wider ones; the Markdown stays as it was.
    site.write("content/articles/lead.png", crate::images::png(2000, 500));
    site.write("static/img/figure.png", crate::images::png(1800, 300));
    let page = served.wait_for("/articles/lead/", "the new sizes", |b| {
        b.contains("width=\"2000\" height=\"500\"") && b.contains("width=\"1800\" height=\"300\"")
    });
    assert!(
        page.contains("/media/articles/lead-1600w.webp 1600w"),
        "{page}"
    );
    assert!(page.contains("/img/figure-1600w.webp 1600w"), "{page}");
    assert_eq!(variant("/media/articles/lead-960w.webp"), (960, 240));
    assert_eq!(variant("/img/figure-960w.webp"), (960, 160));
}

/// `first.md` of `SiteTest::minimal` with a lead image `IMAGE`: the same place, ids and mentions.
const EDITED: &str = "---\ntitle: First Story\ndate: 2023-09-25\nsummary: The first one.\ncompanies: [huawei-cloud]\nmodels: [pangu-medical-model]\nthemes: [computing-power]\nauthors: [Desk]\nimage: { src: IMAGE, alt: A chart }\n---\nBody of the first. See [the second](second.md#details) and [Tongyi](../models/tongyi-wanxiang.md).\n";

#[test]
fn an_image_named_in_an_edit_is_checked_resized_and_served() {
    let site = SiteTest::minimal();
    site.write("content/articles/pic.png", crate::images::png(1000, 500));
    let served = Served::start(&site, &[]);
    served.wait_for("/articles/first/", "the page", |b| {
        b.contains("Body of the first")
    });
    // The edit keeps the article's place (a patch would do) but names a lead image not yet surveyed.
    site.write(FIRST, EDITED.replace("IMAGE", "pic.png"));
    let page = served.wait_for("/articles/first/", "the new lead image", |b| {
        b.contains("/media/articles/pic-960w.webp 960w")
    });
    assert!(page.contains("width=\"1000\" height=\"500\""), "{page}");
    let (status, _, _) = served
        .raw(b"GET /media/articles/pic-480w.webp HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    assert_eq!(status, 200);
    // A missing one is an error, as in a build.
    site.write(FIRST, EDITED.replace("IMAGE", "pik.png"));
    served.wait_for("/articles/first/", "the error", |b| {
        b.contains("did you mean `pic.png`?")
    });
}

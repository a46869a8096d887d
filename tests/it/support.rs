//! `SiteTest`: writes a fixture site to a temporary folder, runs the real binary, reads the output.

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct SiteTest {
    dir: tempfile::TempDir,
}

/// What one run of the binary did.
pub struct Run {
    pub output: Output,
}

impl Run {
    pub fn ok(&self) -> bool {
        self.output.status.success()
    }
    pub fn code(&self) -> Option<i32> {
        self.output.status.code()
    }
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }
    /// Panics with both streams unless the run succeeded.
    #[track_caller]
    pub fn assert_ok(&self) -> &Self {
        assert!(
            self.ok(),
            "expected success, got {:?}\nstdout:\n{}\nstderr:\n{}",
            self.code(),
            self.stdout(),
            self.stderr()
        );
        self
    }
    /// Panics unless the run failed with exit status 1.
    #[track_caller]
    pub fn assert_fails(&self) -> &Self {
        assert_eq!(
            self.code(),
            Some(1),
            "expected exit 1\nstdout:\n{}\nstderr:\n{}",
            self.stdout(),
            self.stderr()
        );
        self
    }
    #[track_caller]
    pub fn assert_stderr_has(&self, needle: &str) -> &Self {
        let err = self.stderr();
        assert!(err.contains(needle), "stderr lacks {needle:?}:\n{err}");
        self
    }
}

pub const SITE_YAML: &str =
    "title: Test Briefing\nbase_url: https://example.com/\nlanguage: en\npaginate: 2\n";

impl SiteTest {
    /// An empty site: site.yaml and an empty content/ folder.
    pub fn new() -> Self {
        let t = SiteTest {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        t.write("site.yaml", SITE_YAML);
        fs::create_dir_all(t.root().join("content")).unwrap();
        t
    }

    /// A small complete site: two companies, two models, a theme, two articles and an about page.
    pub fn minimal() -> Self {
        SiteTest::new()
            .file("content/companies/huawei-cloud.md", "---\nname: Huawei Cloud\naliases: [华为云]\ncountry: China\nsummary: Cloud arm of Huawei.\n---\nMakers of [Pangu](../models/pangu-medical-model.md).\n")
            .file("content/companies/alibaba-cloud.md", "---\nname: Alibaba Cloud\naliases: [Aliyun, 阿里云]\n---\nProfile of Alibaba Cloud.\n")
            .file("content/models/pangu-medical-model.md", "---\nname: Pangu Medical Model\ncompany: huawei-cloud\nreleased: 2023-09-21\nmodalities: [text]\ndomain: medical\n---\nA clinical model.\n")
            .file("content/models/tongyi-wanxiang.md", "---\nname: Tongyi Wanxiang\ncompany: alibaba-cloud\nmodalities: [image]\n---\nPainting model.\n")
            .file("content/themes/computing-power.md", "---\nname: Computing power\nsummary: GPUs.\n---\n")
            .file("content/articles/first.md", "---\ntitle: First Story\ndate: 2023-09-25\nsummary: The first one.\ncompanies: [huawei-cloud]\nmodels: [pangu-medical-model]\nthemes: [computing-power]\nauthors: [Desk]\n---\nBody of the first. See [the second](second.md#details) and [Tongyi](../models/tongyi-wanxiang.md).\n")
            .file("content/articles/second.md", "---\ntitle: Second Story\ndate: 2023-10-01\ncompanies: [alibaba-cloud, huawei-cloud]\nmodels: [tongyi-wanxiang]\n---\nOpening paragraph of the second.\n\n## Details\n\nMore.\n")
            .file("content/pages/about.md", "---\ntitle: About\n---\nWe write briefings.\n")
    }

    pub fn file(self, rel: &str, text: &str) -> Self {
        self.write(rel, text);
        self
    }

    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
        let p = self.root().join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }

    pub fn remove(&self, rel: &str) {
        fs::remove_file(self.root().join(rel)).unwrap();
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn public(&self) -> PathBuf {
        self.root().join("public")
    }

    /// Runs `briefing <args>` with the site as the working directory.
    pub fn run(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_briefing"))
            .args(args)
            .current_dir(self.root())
            .env("NO_COLOR", "1")
            .output()
            .expect("run briefing");
        Run { output }
    }

    /// Runs `briefing <args>` with extra environment variables (e.g. [`GIT_ENV`]).
    pub fn run_with_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_briefing"))
            .args(args)
            .current_dir(self.root())
            .env("NO_COLOR", "1")
            .envs(env.iter().copied())
            .output()
            .expect("run briefing");
        Run { output }
    }

    pub fn build(&self) -> Run {
        self.run(&["build"])
    }

    /// A file of the output, as text; panics with the list of files if it is missing.
    #[track_caller]
    pub fn read(&self, rel: &str) -> String {
        let p = self.public().join(rel);
        fs::read_to_string(&p).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; output has:\n{}",
                p.display(),
                self.list_output().join("\n")
            )
        })
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.public().join(rel).exists()
    }

    /// Every file under public/, relative and sorted.
    pub fn list_output(&self) -> Vec<String> {
        list_files(&self.public())
    }
}

pub fn list_files(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    out.sort();
    out
}

/// Every URL a browser follows or fetches from a page: `href`, `src`, form `action`, the search
/// index named in `data-index`, and the share image a link preview fetches (`og:image`).
pub fn links_in(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in [
        "href=\"",
        "src=\"",
        "action=\"",
        "data-index=\"",
        "property=\"og:image\" content=\"",
    ] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            if let Some(end) = rest.find('"') {
                out.push(rest[..end].replace("&amp;", "&"));
                rest = &rest[end..];
            }
        }
    }
    out
}

/// Checks that every internal link and asset in `public` resolves to a file, given the base path.
/// Returns the broken ones as "page -> link".
pub fn broken_internal_links(public: &Path, base_path: &str) -> Vec<String> {
    let mut broken = Vec::new();
    for rel in list_files(public)
        .into_iter()
        .filter(|f| f.ends_with(".html"))
    {
        let html = fs::read_to_string(public.join(&rel)).unwrap();
        for link in links_in(&html) {
            if link.starts_with("http")
                || link.starts_with("mailto:")
                || link.starts_with('#')
                || link.starts_with("//")
            {
                continue;
            }
            let Some(path) = link.strip_prefix(base_path) else {
                broken.push(format!("{rel} -> {link} (outside base path {base_path})"));
                continue;
            };
            let path = path.split(['#', '?']).next().unwrap();
            let target = if path.is_empty() || path.ends_with('/') {
                public.join(path).join("index.html")
            } else {
                public.join(path)
            };
            if !target.is_file() {
                broken.push(format!("{rel} -> {link}"));
            }
        }
    }
    broken
}

/// git isolated from the machine it runs on: no global or system configuration (no signing, hooks
/// paths or default branch names leak in), a fixed identity, and no repository above the test's
/// temporary folders.
pub const GIT_ENV: &[(&str, &str)] = &[
    ("GIT_CONFIG_GLOBAL", "/dev/null"),
    ("GIT_CONFIG_NOSYSTEM", "1"),
    ("GIT_AUTHOR_NAME", "Briefing Test"),
    ("GIT_AUTHOR_EMAIL", "test@example.com"),
    ("GIT_COMMITTER_NAME", "Briefing Test"),
    ("GIT_COMMITTER_EMAIL", "test@example.com"),
    ("GIT_TERMINAL_PROMPT", "0"),
];

/// Runs `git <args>` in `dir` with [`GIT_ENV`]; panics with git's stderr if it fails.
#[track_caller]
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = git_output(dir, args);
    assert!(
        out.status.success(),
        "git {args:?} failed in {}:\n{}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Runs `git <args>` in `dir` with [`GIT_ENV`], whatever its exit status.
pub fn git_output(dir: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new("git");
    cmd.args(args)
        .current_dir(dir)
        .envs(GIT_ENV.iter().copied());
    // The test may itself run under git (a hook): its repository is not ours.
    for var in [
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_OBJECT_DIRECTORY",
    ] {
        cmd.env_remove(var);
    }
    if let Some(parent) = dir.parent() {
        cmd.env("GIT_CEILING_DIRECTORIES", parent);
    }
    cmd.output().expect("run git")
}

/// A static file server on loopback that answers as GitHub Pages does: `dir` is served under
/// `prefix` (`/` or `/briefing/`), `/x/` serves `x/index.html`, a folder asked for without its
/// slash is a 301 to the slashed URL, and anything else is a 404 carrying the site's `404.html`.
pub struct StaticServer {
    addr: std::net::SocketAddr,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// One answer from [`http_get`].
pub struct Response {
    pub status: u16,
    pub headers: String,
    pub body: Vec<u8>,
}

impl StaticServer {
    pub fn start(dir: &Path, prefix: &str) -> Self {
        use std::sync::atomic::{AtomicBool, Ordering};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let addr = listener.local_addr().unwrap();
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let (dir, prefix, flag) = (dir.to_path_buf(), prefix.to_string(), stop.clone());
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if flag.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    serve_one(stream, &dir, &prefix);
                }
            }
        });
        StaticServer {
            addr,
            stop,
            thread: Some(thread),
        }
    }

    pub fn get(&self, path: &str) -> Response {
        http_get(self.addr, path)
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        // Wakes the accept loop so that it sees the flag.
        let _ = std::net::TcpStream::connect(self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve_one(mut stream: std::net::TcpStream, dir: &Path, prefix: &str) {
    use std::io::{BufRead, BufReader, Write};
    let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(10)));
    let mut reader = BufReader::new(&stream);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) if line == "\r\n" || line == "\n" => break,
            Ok(_) => {}
        }
    }
    let target = request_line.split_whitespace().nth(1).unwrap_or("/");
    let path = percent_decode(target.split(['?', '#']).next().unwrap_or("/"));
    let (status, headers, body) = answer(dir, prefix, &path);
    let reason = match status {
        200 => "OK",
        301 => "Moved Permanently",
        _ => "Not Found",
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
}

fn answer(dir: &Path, prefix: &str, path: &str) -> (u16, String, Vec<u8>) {
    let not_found = || {
        let body = fs::read(dir.join("404.html")).unwrap_or_default();
        (404, "Content-Type: text/html\r\n".to_string(), body)
    };
    let Some(rel) = path.strip_prefix(prefix) else {
        return not_found();
    };
    let rel_path = Path::new(rel);
    if rel_path
        .components()
        .any(|c| !matches!(c, std::path::Component::Normal(_)))
    {
        return not_found();
    }
    let file = dir.join(rel_path);
    if rel.is_empty() || rel.ends_with('/') {
        return match fs::read(file.join("index.html")) {
            Ok(body) => (200, "Content-Type: text/html\r\n".into(), body),
            Err(_) => not_found(),
        };
    }
    if file.is_dir() {
        return (301, format!("Location: {path}/\r\n"), Vec::new());
    }
    match fs::read(&file) {
        Ok(body) => {
            let kind = match file.extension().and_then(|e| e.to_str()) {
                Some("html") => "text/html",
                Some("css") => "text/css",
                Some("xml") => "application/xml",
                Some("png") => "image/png",
                Some("txt") => "text/plain",
                _ => "application/octet-stream",
            };
            (200, format!("Content-Type: {kind}\r\n"), body)
        }
        Err(_) => not_found(),
    }
}

/// `%E5%8D%8E` -> `华`; anything that is not a valid escape stays as it is.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = || std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok();
        match (bytes[i], hex().and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A plain HTTP/1.1 GET of `path` (which may hold non-ASCII text: it is percent-encoded here).
pub fn http_get(addr: std::net::SocketAddr, path: &str) -> Response {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).expect("connect to test server");
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    let mut target = String::new();
    for b in path.bytes() {
        if b.is_ascii_graphic() {
            target.push(b as char);
        } else {
            target.push_str(&format!("%{b:02X}"));
        }
    }
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read response");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("response has a header");
    let headers = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = headers
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status code");
    Response {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

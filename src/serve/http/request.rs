//! Reading a request head as bytes: where it ends, its size limits, the request line, the headers,
//! and the path decoded and checked into a site key. Pure functions over bytes; never touches a
//! socket or the site, so it can be tested (and fuzzed) on its own. Anything odd is refused with
//! the `Status` to answer, rather than guessed at.

use super::Status;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// A request line longer than this is answered 414.
pub const MAX_REQUEST_LINE: usize = 8 * 1024;
/// A request head (line and headers) larger than this, or with more headers, is answered 431.
pub const MAX_HEAD: usize = 32 * 1024;
pub const MAX_HEADERS: usize = 100;

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
    /// The `Host` header's value, if the request had one.
    pub host: Option<String>,
}

/// Looks at the bytes of a request head received so far (`buf`; its blank line is not before
/// `from`): `Ok(Some(len))` once the head is complete (it is `buf[..len]`), `Ok(None)` while more
/// may come, and the status to refuse it with once it is past a limit (414 for the request line,
/// 431 for the head).
pub fn scan_head(buf: &[u8], from: usize) -> Result<Option<usize>, Status> {
    if let Some(end) = head_end(&buf[from..]) {
        let len = from + end;
        check_sizes(&buf[..len], true)?;
        return Ok(Some(len));
    }
    check_sizes(buf, false)?;
    Ok(None)
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
    let host = check_headers(lines)?;
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
        host,
    })
}

/// The header lines (up to the blank one): at most `MAX_HEADERS` (else 431), no obsolete line
/// folding, and a field name is a token right before the colon (else 400). Returns the `Host`
/// value; two of them are refused (400), as HTTP/1.1 says. Other values are not needed.
fn check_headers<'a>(lines: impl Iterator<Item = &'a str>) -> Result<Option<String>, Status> {
    let mut host = None;
    for (i, line) in lines.take_while(|l| !l.is_empty()).enumerate() {
        if i >= MAX_HEADERS {
            return Err(Status(431));
        }
        let (name, value) = line.split_once(':').ok_or(Status(400))?;
        if name.is_empty() || !name.bytes().all(is_token_byte) {
            return Err(Status(400));
        }
        if name.eq_ignore_ascii_case("host") {
            if host.is_some() {
                return Err(Status(400));
            }
            host = Some(value.trim_matches([' ', '\t']).to_string());
        }
    }
    Ok(host)
}

/// Whether a request naming `host` (its `Host` header) is meant for this server, reached at
/// `local` (the address the connection came in on): the name must be `localhost`, `127.0.0.1`,
/// `[::1]` or that address, and a port, when given, the port listened on. Any other name is a page
/// elsewhere whose domain was pointed at this machine (DNS rebinding), reading the preview through
/// the visitor's browser; no Host at all is no browser's request.
pub fn host_allowed(host: Option<&str>, local: SocketAddr) -> bool {
    let Some(host) = host else {
        return false;
    };
    let (name, port) = match host.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((name, port)) => (name, port),
            None => return false,
        },
        None => match host.find(':') {
            Some(i) => (&host[..i], &host[i..]),
            None => (host, ""),
        },
    };
    let port_ok = match port.strip_prefix(':') {
        Some(p) => {
            p.parse::<u16>().ok() == Some(local.port()) && p.bytes().all(|b| b.is_ascii_digit())
        }
        None => port.is_empty(),
    };
    if !port_ok {
        return false;
    }
    if name.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let bracketed = host.starts_with('[');
    // On a dual-stack socket (`--bind ::`) an IPv4 client arrives at ::ffff:a.b.c.d.
    let local = SocketAddr::new(local.ip().to_canonical(), local.port());
    match name.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) if !bracketed => {
            ip == Ipv4Addr::LOCALHOST || IpAddr::V4(ip) == local.ip()
        }
        Ok(IpAddr::V6(ip)) if bracketed => ip.is_loopback() || IpAddr::V6(ip) == local.ip(),
        _ => false,
    }
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
        let most = format!("GET / HTTP/1.1\r\n{}\r\n", "X: y\r\n".repeat(MAX_HEADERS));
        assert!(parse_request(most.as_bytes()).is_ok());
    }

    #[test]
    fn only_this_machines_names_and_the_port_listened_on_are_served() {
        let local: SocketAddr = "127.0.0.1:1111".parse().unwrap();
        for ok in [
            "localhost:1111",
            "LOCALHOST:1111",
            "127.0.0.1:1111",
            "[::1]:1111",
            "localhost",
            "127.0.0.1",
        ] {
            assert!(host_allowed(Some(ok), local), "{ok} refused");
        }
        for bad in [
            "evil.example",
            "evil.example:1111",
            "localhost.evil.example:1111",
            "localhost:2222",
            "localhost:",
            "localhost:+1111",
            "127.0.0.2:1111",
            "0.0.0.0:1111",
            "::1",
            "[::1",
            "127.0.0.1:1111:1111",
            "",
        ] {
            assert!(!host_allowed(Some(bad), local), "{bad} allowed");
        }
        assert!(!host_allowed(None, local));
        // Bound to a LAN address: that address too (bracketed for IPv6), and not another one.
        let lan: SocketAddr = "192.168.1.5:8080".parse().unwrap();
        assert!(host_allowed(Some("192.168.1.5:8080"), lan));
        assert!(!host_allowed(Some("192.168.1.6:8080"), lan));
        let mapped: SocketAddr = "[::ffff:192.168.1.5]:8080".parse().unwrap();
        assert!(host_allowed(Some("192.168.1.5:8080"), mapped));
        let lan6: SocketAddr = "[fe80::1]:8080".parse().unwrap();
        assert!(host_allowed(Some("[fe80::1]:8080"), lan6));
    }

    #[test]
    fn the_host_header_is_read_once() {
        let r = parse_request(b"GET / HTTP/1.1\r\nhOsT:  localhost:1111 \r\n\r\n").unwrap();
        assert_eq!(r.host.as_deref(), Some("localhost:1111"));
        assert_eq!(
            parse_request(b"GET / HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\n\r\n"),
            Err(Status(400))
        );
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
    fn a_head_is_complete_at_its_blank_line() {
        let buf = b"GET / HTTP/1.1\r\nA: b\r\n\r\nrest";
        assert_eq!(scan_head(&buf[..10], 0), Ok(None));
        assert_eq!(scan_head(buf, 0), Ok(Some(24)));
        assert_eq!(scan_head(buf, 10), Ok(Some(24)));
        let long = format!("GET /{}", "a".repeat(MAX_REQUEST_LINE));
        assert_eq!(scan_head(long.as_bytes(), 0), Err(Status(414)));
    }
}

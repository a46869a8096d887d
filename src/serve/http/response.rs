//! What the server answers a request with: the file the path names in the served snapshot, a
//! redirect to a folder's `/`, the site's 404 page, the content type by file name, and the
//! decoration of served HTML pages (the live-reload script, the error overlay after a failed
//! rebuild). Builds responses as bytes; never touches a socket, and never changes the files it is
//! handed, so built files carry neither script nor overlay.

use super::request::{site_key, Request};
use super::{Snapshot, Status, RELOAD_PATH};
use crate::text::escape_html;

pub(super) struct Response {
    pub status: Status,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    pub headers: Vec<(&'static str, String)>,
}

const HTML: &str = "text/html; charset=utf-8";

impl Response {
    /// A status with its number and reason as a plain-text body.
    pub(super) fn plain(status: Status) -> Self {
        Response {
            status,
            content_type: "text/plain; charset=utf-8",
            body: format!("{} {}\n", status.0, status.reason()).into_bytes(),
            headers: Vec::new(),
        }
    }

    /// A request refused with `status`; a 405 says which methods are allowed.
    pub(super) fn refused(status: Status) -> Self {
        let mut resp = Response::plain(status);
        if status.0 == 405 {
            resp.headers.push(("Allow", "GET, HEAD".into()));
        }
        resp
    }

    /// 421 for a request whose Host names another site, with what to use instead.
    pub(super) fn misdirected() -> Self {
        let mut resp = Response::plain(Status(421));
        resp.body.extend_from_slice(
            b"briefing serve answers only requests for localhost, 127.0.0.1, [::1] or the address it listens on, with its port\n",
        );
        resp
    }

    fn page(status: Status, body: Vec<u8>) -> Self {
        Response {
            status,
            content_type: HTML,
            body,
            headers: Vec::new(),
        }
    }

    /// The response as sent: head and, unless `head_only` (HEAD), body. Every response closes
    /// its connection and is never cached.
    pub(super) fn to_bytes(&self, head_only: bool) -> Vec<u8> {
        let mut head = format!(
            "HTTP/1.1 {} {}\r\nServer: briefing\r\nContent-Type: {}\r\nContent-Length: {}\r\n\
             Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n",
            self.status.0,
            self.status.reason(),
            self.content_type,
            self.body.len()
        );
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        let mut out = head.into_bytes();
        if !head_only {
            out.extend_from_slice(&self.body);
        }
        out
    }
}

/// The answer to `req` from `snap`, the snapshot published as `generation`.
pub(super) fn respond(req: &Request, snap: &Snapshot, generation: u64) -> Response {
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
        return Response::page(Status(500), decorate(page, HTML, snap, generation));
    }
    match snap.files.get("404.html") {
        Some(page) => Response::page(Status(404), decorate(page, HTML, snap, generation)),
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
        "html" | "htm" => HTML,
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn pages_get_the_reload_script_and_errors_but_other_files_do_not() {
        let snap = Snapshot {
            files: Arc::default(),
            error: Some("content/a.md:3:1: error: <bad>".into()),
            changed: None,
        };
        let html = decorate(b"<html><body><p>x</p></body></html>", HTML, &snap, 7);
        let html = String::from_utf8(html).unwrap();
        assert!(html.contains("since=7"));
        assert!(html.contains("content/a.md:3:1: error: &lt;bad&gt;"));
        assert!(html.ends_with("</body></html>"));
        assert_eq!(decorate(b"<x/>", "application/xml", &snap, 7), b"<x/>");
    }
}

//! URLs: the site's `BaseUrl` and every URL form built from it, percent-decoding, and the checks
//! on URLs and host names that settings and front matter carry. Pure; no knowledge of pages.

use crate::text::edit_distance;

/// `base_url` split into what links need: the full URL and its path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    /// `https://org.github.io/briefing/`, always ending in `/`.
    pub url: String,
    /// `/briefing/`, always starting and ending in `/`.
    pub path: String,
}

/// Why a `base_url` cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BaseUrlError {
    #[error("`{url}` contains {bad:?}, which is not allowed in a URL")]
    Character { url: String, bad: char },
    #[error("`{0}` is not an absolute URL: write it like https://org.github.io/briefing/")]
    NotAbsolute(String),
    #[error("`{0}` must start with https:// or http://")]
    Scheme(String),
    #[error("`{0}` has no host name")]
    NoHost(String),
    #[error("`{0}` may not carry a query or fragment")]
    QueryOrFragment(String),
    #[error("`{url}` has the path segment `{segment}`: a base path may not climb or stand still (`.`, `..`, `%2e`)")]
    DotSegment { url: String, segment: String },
    #[error("`{url}` has the port `{port}`: a port is a number from 1 to 65535, or left out with its `:`")]
    Port { url: String, port: String },
}

impl BaseUrl {
    pub(crate) fn parse(s: &str) -> Result<Self, BaseUrlError> {
        let s = s.trim();
        // Every link and feed id starts with this: characters that are not allowed in a URL
        // would end up in pages (quotes, angle brackets) or break them.
        if let Some(bad) = s
            .chars()
            .find(|c| c.is_whitespace() || c.is_control() || "\"'<>\\^`{|}".contains(*c))
        {
            return Err(BaseUrlError::Character {
                url: s.escape_debug().to_string(),
                bad,
            });
        }
        let Some((scheme, rest)) = s.split_once("://") else {
            return Err(BaseUrlError::NotAbsolute(s.to_string()));
        };
        // Schemes are case-insensitive (RFC 3986 3.1); links are written in the canonical case.
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(BaseUrlError::Scheme(s.to_string()));
        }
        let (host, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        if host.is_empty() || host.contains(char::is_whitespace) || host.starts_with(':') {
            return Err(BaseUrlError::NoHost(s.to_string()));
        }
        if let Some((_, port)) = host.rsplit_once(':').filter(|_| !host.ends_with(']')) {
            let number = port.parse::<u16>().ok().filter(|p| *p > 0);
            if number.is_none() || !port.bytes().all(|b| b.is_ascii_digit()) {
                return Err(BaseUrlError::Port {
                    url: s.to_string(),
                    port: port.to_string(),
                });
            }
        }
        if path.contains(['?', '#']) {
            return Err(BaseUrlError::QueryOrFragment(s.to_string()));
        }
        // Every link starts with this path: `..` in it would point links outside the site, and
        // browsers read `%2e` as `.` too.
        if let Some(segment) = path.split('/').find(|seg| {
            let decoded = percent_decode_lossy(seg);
            decoded == "." || decoded == ".." || seg.to_ascii_lowercase().contains("%2e")
        }) {
            return Err(BaseUrlError::DotSegment {
                url: s.to_string(),
                segment: segment.to_string(),
            });
        }
        let path = if path.ends_with('/') {
            path.to_string()
        } else {
            format!("{path}/")
        };
        Ok(BaseUrl {
            url: format!("{scheme}://{host}{path}"),
            path,
        })
    }
    /// A site-relative URL (`articles/x/`) as a root-relative link (`/briefing/articles/x/`).
    pub fn link(&self, rel: &str) -> String {
        format!("{}{}", self.path, rel)
    }
    /// A site-relative URL as an absolute URL, for feeds and sitemaps.
    pub fn permalink(&self, rel: &str) -> String {
        format!("{}{}", self.url, rel)
    }
}

pub(crate) fn has_scheme(s: &str) -> bool {
    match s.find(':') {
        Some(i) if i > 0 => {
            let scheme = &s[..i];
            scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        _ => false,
    }
}

/// `%XX` escapes decoded once, as a Markdown link's path is read: a malformed escape stays as it
/// was written and bytes that are not UTF-8 become U+FFFD.
pub(crate) fn percent_decode_lossy(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let (bytes, _) = percent_decode_bytes(s);
    String::from_utf8_lossy(&bytes).into_owned()
}

/// `%XX` escapes decoded once, as a request path must be: None if an escape is malformed or the
/// result is not UTF-8.
pub(crate) fn percent_decode_strict(s: &str) -> Option<String> {
    let (bytes, well_formed) = percent_decode_bytes(s);
    if !well_formed {
        return None;
    }
    String::from_utf8(bytes).ok()
}

/// The one decoder: the bytes, and whether every `%` began a well-formed escape.
fn percent_decode_bytes(s: &str) -> (Vec<u8>, bool) {
    let hex = |b: Option<&u8>| b.and_then(|&b| (b as char).to_digit(16));
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut well_formed = true;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if let (Some(h), Some(l)) = (hex(bytes.get(i + 1)), hex(bytes.get(i + 2))) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
            well_formed = false;
        }
        out.push(bytes[i]);
        i += 1;
    }
    (out, well_formed)
}

/// Schemes that are fine as they are; anything close to `http`/`https`/`mailto` is a typo.
const KNOWN_SCHEMES: &[&str] = &[
    "http", "https", "mailto", "tel", "ftp", "ftps", "sftp", "ws", "wss", "data", "sms", "geo",
    "irc", "ircs", "news", "git", "ssh", "magnet", "urn", "doi", "file",
];

/// What is wrong with an external URL, and the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub(crate) struct UrlProblem {
    pub(crate) message: String,
    pub(crate) hint: String,
}

fn problem(message: String, hint: String) -> Result<(), UrlProblem> {
    Err(UrlProblem { message, hint })
}

/// Whether an external URL is well formed: a known or plausible scheme, `//` and a host name with
/// a domain for web URLs, no spaces, valid `%` escapes.
pub(crate) fn check_url(url: &str) -> Result<(), UrlProblem> {
    if let Some(c) = url.chars().find(|c| c.is_whitespace()) {
        let what = if c == ' ' { "a space" } else { "white space" };
        return problem(
            format!("contains {what}"),
            "remove it, or write a space in a URL as %20".into(),
        );
    }
    if let Some(c) = url
        .chars()
        .find(|c| matches!(c, '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '}' | '|'))
    {
        return problem(
            format!("contains `{c}`, which URLs may not"),
            "copy the address again from the browser's address bar".into(),
        );
    }
    let bytes = url.as_bytes();
    for (i, _) in url.match_indices('%') {
        let hex = |j: usize| bytes.get(j).is_some_and(u8::is_ascii_hexdigit);
        if !(hex(i + 1) && hex(i + 2)) {
            return problem(
                "has a `%` that is not followed by two hex digits".into(),
                "write a literal % as %25".into(),
            );
        }
    }
    let (scheme, rest) = match url.strip_prefix("//") {
        Some(_) => ("", url),
        None => url.split_once(':').unwrap_or(("", url)),
    };
    let scheme = scheme.to_ascii_lowercase();
    match scheme.as_str() {
        "" | "http" | "https" | "ftp" | "ftps" | "ws" | "wss" => {
            let Some(after) = rest.strip_prefix("//") else {
                return problem(
                    format!("needs `//` after `{scheme}:`"),
                    format!("write it as `{scheme}://{}`", rest.trim_start_matches('/')),
                );
            };
            check_authority(after, &scheme)
        }
        "mailto" => {
            let addr = rest.split('?').next().unwrap_or("");
            if addr.contains('@') && !addr.starts_with('@') && !addr.ends_with('@') {
                Ok(())
            } else {
                problem(
                    "is not an e-mail address".into(),
                    "write it as `mailto:name@example.org`".into(),
                )
            }
        }
        s if KNOWN_SCHEMES.contains(&s) => Ok(()),
        s => match ["https", "http", "mailto"]
            .into_iter()
            .find(|k| s.len() >= 3 && edit_distance(s, k) <= 2)
        {
            Some(k) => problem(
                format!("has the unknown scheme `{s}:`"),
                format!("did you mean `{k}:`?"),
            ),
            None => Ok(()),
        },
    }
}

fn check_authority(after: &str, scheme: &str) -> Result<(), UrlProblem> {
    let authority = after.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let (host, port) = if let Some(v6) = host_port.strip_prefix('[') {
        match v6.split_once(']') {
            Some((_, rest)) => ("[v6]", rest.strip_prefix(':')),
            None => {
                return problem(
                    "has an IPv6 address without its closing `]`".into(),
                    "write it as `http://[::1]:8080/`".into(),
                )
            }
        }
    } else {
        match host_port.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (host_port, None),
        }
    };
    if host.is_empty() {
        return problem(
            "has no host name".into(),
            format!(
                "write the site's address after `{}//`, e.g. `https://example.org/page`",
                if scheme.is_empty() {
                    String::new()
                } else {
                    format!("{scheme}:")
                }
            ),
        );
    }
    if let Some(p) = port {
        if !p.is_empty() && (p.parse::<u16>().is_err() || !p.bytes().all(|b| b.is_ascii_digit())) {
            return problem(
                format!("has the port `{p}`, which is not a number from 0 to 65535"),
                "remove the `:` after the host name, or fix the port".into(),
            );
        }
    }
    if host == "[v6]" || host.eq_ignore_ascii_case("localhost") {
        return Ok(());
    }
    let labels: Vec<&str> = host.strip_suffix('.').unwrap_or(host).split('.').collect();
    let bad = labels.iter().find(|l| {
        l.is_empty()
            || l.starts_with('-')
            || l.ends_with('-')
            || !l
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    });
    if let Some(l) = bad {
        return problem(
            format!("has an invalid host name `{host}` (at `{l}`)"),
            "host names are words of letters, digits and `-` joined by dots".into(),
        );
    }
    if labels.len() < 2 {
        return problem(
            format!("has the host `{host}`, which has no domain ending"),
            format!("did you mean `{host}.com` or `{host}.org`?"),
        );
    }
    Ok(())
}

/// Why a custom domain is not a bare host name; says what to write instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub(crate) struct HostNameError(String);

/// Checks that `s` is a bare host name, as GitHub Pages expects in `CNAME`: `briefing.example.org`,
/// with no scheme, port, path or wildcard.
pub(crate) fn check_host_name(s: &str) -> Result<(), HostNameError> {
    host_name_problem(s).map_or(Ok(()), |why| Err(HostNameError(why)))
}

/// What is wrong with `s` as a host name, in words.
fn host_name_problem(s: &str) -> Option<String> {
    let shown = s.escape_debug();
    let bare = s
        .split_once("://")
        .map_or(s, |(_, rest)| rest)
        .split(['/', ':', '?', '#'])
        .next()
        .unwrap_or_default();
    let fix = if bare.is_empty() || bare == s {
        String::new()
    } else {
        format!(": write `{}`", bare.escape_debug())
    };
    if s.contains("://") {
        return Some(format!("`{shown}` is a URL, not a host name{fix}"));
    }
    if s.contains(['/', ':', '?', '#']) {
        return Some(format!(
            "`{shown}` carries a path or port; a custom domain is a host name only{fix}"
        ));
    }
    if s.is_empty() {
        return Some("the custom domain is empty".into());
    }
    if s.len() > 253 {
        return Some(format!(
            "`{shown}` is longer than the 253 characters a host name may have"
        ));
    }
    let labels: Vec<&str> = s.split('.').collect();
    if labels.len() < 2 {
        return Some(format!(
            "`{shown}` is not a full domain name: write it with its top-level domain, e.g. `briefing.example.org`"
        ));
    }
    for label in &labels {
        let ok = !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !ok {
            let why = if label.is_empty() {
                "it has an empty part (two dots in a row, or a dot at an end)".to_string()
            } else if !label.is_ascii() {
                "it is not ASCII: write an internationalised domain in its xn-- (Punycode) form"
                    .to_string()
            } else {
                format!(
                    "`{}` may hold only letters, digits and inner `-`, up to 63 of them",
                    label.escape_debug()
                )
            };
            return Some(format!("`{shown}` is not a valid host name: {why}"));
        }
    }
    None
}

/// `rel` (already percent-decoded) relative to the folder of the source file `from`, as a
/// `/`-separated path inside the site: `content/articles/a.md` + `../models/x.md` ->
/// `content/models/x.md`. None when it climbs out of the site or is absolute.
pub(crate) fn join_source(from: &std::path::Path, rel: &str) -> Option<String> {
    use std::path::Component;
    let mut parts = dir_parts(from);
    for c in std::path::Path::new(rel).components() {
        match c {
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(parts.join("/"))
}

/// The folders a source path sits in, outermost first.
pub(crate) fn dir_parts(from: &std::path::Path) -> Vec<String> {
    from.parent()
        .map(|p| {
            p.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_keeps_its_path() {
        let b = BaseUrl::parse("https://org.github.io/briefing").unwrap();
        assert_eq!(b.url, "https://org.github.io/briefing/");
        assert_eq!(b.path, "/briefing/");
        assert_eq!(b.link("articles/x/"), "/briefing/articles/x/");
        assert_eq!(BaseUrl::parse("https://example.com").unwrap().path, "/");
        assert!(BaseUrl::parse("example.com").is_err());
        assert!(BaseUrl::parse("ftp://example.com/").is_err());
        assert!(BaseUrl::parse("https://e.com\"><script>/").is_err());
        assert!(BaseUrl::parse("https://e.com/a b/").is_err());
    }

    #[test]
    fn base_url_refuses_dot_segments_quotes_and_empty_ports() {
        for bad in [
            "https://e.com/a/../b/",
            "https://e.com/..",
            "https://e.com/./",
            "https://e.com/%2e%2e/",
            "https://e.com/%2E./x/",
            "https://e.com/v%2e1/",
            "https://e.com/a'b/",
            "https://e.com:/",
            "https://e.com:x/",
            "https://e.com:0/",
            "https://e.com:99999/",
            "https://:80/",
        ] {
            assert!(BaseUrl::parse(bad).is_err(), "{bad} accepted");
        }
        let b = BaseUrl::parse("HTTPS://e.com:8443/a.b/").unwrap();
        assert_eq!(b.url, "https://e.com:8443/a.b/");
        assert_eq!(BaseUrl::parse("Http://e.com").unwrap().url, "http://e.com/");
        assert!(BaseUrl::parse("https://[::1]:8080/x/").is_ok());
        assert!(BaseUrl::parse("https://[::1]/").is_ok());
    }

    #[test]
    fn well_formed_urls_pass() {
        for ok in [
            "https://example.org",
            "https://example.org/a/b?c=d#e",
            "http://user@example.org:8080/x",
            "//cdn.example.org/x.js",
            "https://[::1]:8080/",
            "http://localhost:3000/",
            "mailto:desk@example.org?subject=Hi",
            "tel:+86-10-1234",
            "https://例子.中国/路径",
            "https://example.org/a%20b",
            "doi:10.1000/182",
            "urn:isbn:0451450523",
            "ftps://files.example.org/",
        ] {
            assert_eq!(check_url(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn malformed_urls_are_named() {
        for (bad, says) in [
            ("https:/example.org", "needs `//`"),
            ("https://", "no host"),
            ("https://example", "no domain ending"),
            ("https://exa mple.org", "space"),
            ("https://example..org", "invalid host"),
            ("https://example.org:80a/", "port"),
            ("htps://example.org", "unknown scheme `htps:`"),
            ("mailto:desk", "not an e-mail"),
            ("https://example.org/%zz", "`%`"),
            ("https://example.org/<x>", "`<`"),
        ] {
            let msg = check_url(bad).expect_err(bad).message;
            assert!(msg.contains(says), "{bad}: {msg}");
        }
    }

    #[test]
    fn host_names_are_bare_domains() {
        for good in ["briefing.example.org", "www.Example.com", "a-b.c0.io"] {
            assert_eq!(check_host_name(good), Ok(()), "{good:?} refused");
        }
        for bad in [
            "",
            "localhost",
            "https://briefing.example.org",
            "briefing.example.org/news",
            "briefing.example.org:8080",
            "*.example.org",
            "-a.example.org",
            "a..example.org",
            "example.org.",
            "brief ing.example.org",
            "新闻.example.org",
        ] {
            assert!(check_host_name(bad).is_err(), "{bad:?} accepted");
        }
        let e = check_host_name("https://briefing.example.org/").unwrap_err();
        assert!(
            e.to_string().contains("write `briefing.example.org`"),
            "{e}"
        );
    }
}

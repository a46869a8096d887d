//! `check --links DIR`: reads a built output folder and reports every internal href, src, srcset,
//! sitemap `<loc>` and stylesheet `url()` that does not resolve to a file there, given the path of
//! base_url (a GitHub Pages project site lives under `/<repo>/`). Reads files; never writes.

use crate::check::{rules, CheckReport, Finding};
use crate::error::{BuildError, Diagnostic};
use crate::text::decode_entities;
use crate::url::{has_scheme, percent_decode_lossy, BaseUrl};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// One URL as written in an output file, with its 1-based position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub line: usize,
    pub column: usize,
    pub url: String,
}

/// The files of an output folder, `/`-separated and relative to it.
struct Output {
    files: HashSet<String>,
}

impl Output {
    fn has_file(&self, rel: &str) -> bool {
        self.files.contains(rel)
    }
}

/// Why `check --links` could not run at all (broken links themselves are findings).
#[derive(Debug, thiserror::Error)]
pub enum LinksError {
    #[error("cannot read {} for base_url; pass --base-url with the URL the site is served at", crate::error::shown(.path))]
    ReadConfig {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read base_url from {}", crate::error::shown(.path))]
    Config {
        path: PathBuf,
        #[source]
        source: serde_yaml::Error,
    },
    /// The base URL, given or read, is not one a site can be served at.
    #[error(transparent)]
    BaseUrl(#[from] crate::url::BaseUrlError),
    #[error("could not audit the links in {}", crate::error::shown(.dir))]
    Audit {
        dir: PathBuf,
        #[source]
        source: BuildError,
    },
}

/// `check --links DIR`: audits `dir` as served under `base_url`, or when none is given under the
/// `base_url` of the site.yaml in `root`. Also returns the base URL it audited against.
pub fn check_links(
    root: &Path,
    dir: &Path,
    base_url: Option<&str>,
) -> Result<(CheckReport, BaseUrl), LinksError> {
    let raw = match base_url {
        Some(url) => url.to_string(),
        None => configured_base_url(root)?,
    };
    let base = BaseUrl::parse(&raw)?;
    let report = audit(dir, &base).map_err(|source| LinksError::Audit {
        dir: dir.to_path_buf(),
        source,
    })?;
    Ok((report, base))
}

/// The `base_url` of site.yaml in `root`, read on its own: the audit needs nothing else of the
/// site, and a site.yaml the build would reject elsewhere should not stop it.
fn configured_base_url(root: &Path) -> Result<String, LinksError> {
    #[derive(serde::Deserialize)]
    struct Settings {
        base_url: String,
    }
    let path = root.join(crate::load::CONFIG_FILE);
    let text = std::fs::read_to_string(&path).map_err(|source| LinksError::ReadConfig {
        path: path.clone(),
        source,
    })?;
    let settings: Settings =
        serde_yaml::from_str(&text).map_err(|source| LinksError::Config { path, source })?;
    Ok(settings.base_url)
}

/// Audits the output folder `dir` as it will be served under `base`.
pub fn audit(dir: &Path, base: &BaseUrl) -> Result<CheckReport, BuildError> {
    if !dir.is_dir() {
        return Err(BuildError::Refused {
            path: dir.to_path_buf(),
            message: "there is no output folder here".into(),
            hint: "build the site first (`briefing build`), then pass the folder it wrote".into(),
        });
    }
    let mut files = HashSet::new();
    for entry in WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(dir).to_path_buf();
            BuildError::read(&path, e.into())
        })?;
        if entry.file_type().is_file() || entry.path_is_symlink() {
            let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            files.insert(crate::model::display_path(rel));
        }
    }
    let output = Output { files };
    let mut scanned: Vec<&String> = output
        .files
        .iter()
        .filter(|f| kind_of(f).is_some())
        .collect();
    scanned.sort();
    let findings: Vec<(Finding, Option<String>)> = scanned
        .par_iter()
        .map(
            |rel| -> Result<Vec<(Finding, Option<String>)>, BuildError> {
                let path = dir.join(rel.as_str());
                let bytes = std::fs::read(&path).map_err(|e| BuildError::read(&path, e))?;
                let text = String::from_utf8_lossy(&bytes);
                let refs = match kind_of(rel) {
                    Some(FileKind::Html) => html_references(&text),
                    Some(FileKind::Xml) => xml_references(&text),
                    Some(FileKind::Css) => css_references(&text),
                    Some(FileKind::Robots) => robots_references(&text),
                    None => Vec::new(),
                };
                Ok(refs
                    .into_iter()
                    .filter_map(|r| {
                        let p = resolve(&r.url, rel, base, &output)?;
                        let built_for = p.path.as_deref().and_then(|x| built_for(x, &output));
                        let finding = Finding {
                            rule: rules::BROKEN_LINK,
                            diagnostic: p.at_path(&path, r.line, r.column),
                        };
                        Some((finding, built_for))
                    })
                    .collect())
            },
        )
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
        .collect();
    Ok(CheckReport::new(
        other_base_path(findings, base),
        scanned.len(),
    ))
}

/// The base path under which the root-relative `path` (reaching nothing under the audited base
/// path) reaches a file of the output: `/` for `/articles/a/` when `articles/a/index.html` is
/// there. One lookup per `/` in the path.
fn built_for(path: &str, out: &Output) -> Option<String> {
    path.match_indices('/').find_map(|(i, _)| {
        let rest = normalize(&percent_decode_lossy(&path[i + 1..]))?;
        let found = if rest.is_empty() || rest.ends_with('/') {
            out.has_file(&format!("{rest}index.html"))
        } else {
            out.has_file(&rest) || out.has_file(&format!("{rest}/index.html"))
        };
        found.then(|| path[..=i].to_string())
    })
}

/// An output built for another base path breaks every link at once: those links, the ones that
/// reach a file under that other path, become one finding that says so (at the first of them),
/// and the links broken under both stay as they are. Linear in the findings.
fn other_base_path(found: Vec<(Finding, Option<String>)>, base: &BaseUrl) -> Vec<Finding> {
    let mut votes: HashMap<&str, usize> = HashMap::new();
    for (_, p) in &found {
        if let Some(p) = p.as_deref().filter(|p| *p != base.path) {
            *votes.entry(p).or_default() += 1;
        }
    }
    // The most common other path, when it explains more than one link (ties: the shortest).
    let Some((other, count)) = votes
        .into_iter()
        .filter(|(_, n)| *n > 1)
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.len().cmp(&a.0.len())))
        .map(|(p, n)| (p.to_string(), n))
    else {
        return found.into_iter().map(|(f, _)| f).collect();
    };
    let mut out = Vec::with_capacity(found.len());
    let mut first: Option<Diagnostic> = None;
    let mut files = HashSet::new();
    for (f, p) in found {
        if p.as_deref() == Some(other.as_str()) {
            files.insert(f.diagnostic.path.clone());
            if first.is_none() {
                first = Some(f.diagnostic);
            }
        } else {
            out.push(f);
        }
    }
    if let Some(at) = first {
        // Built under a sub-path and checked at the root, the links are inside but miss.
        let why = if other.starts_with(base.path.as_str()) {
            format!("reaches nothing under {}", base.path)
        } else {
            format!("is outside the site's base path {}", base.path)
        };
        let d = Diagnostic {
            message: format!(
                "this output was built for the base path {other}, not {}: each of its {count} links to itself ({} files) {why}",
                base.path,
                files.len(),
            ),
            hint: Some(format!(
                "rebuild with `briefing build --base-url {}`, or pass --base-url with the URL it was built for",
                base.url
            )),
            ..at
        };
        out.push(Finding {
            rule: rules::BROKEN_LINK,
            diagnostic: d,
        });
    }
    out
}

#[derive(Clone, Copy)]
enum FileKind {
    Html,
    Xml,
    Css,
    Robots,
}

fn kind_of(rel: &str) -> Option<FileKind> {
    let lower = rel.to_ascii_lowercase();
    if lower.ends_with(".html") || lower.ends_with(".htm") {
        Some(FileKind::Html)
    } else if lower.ends_with(".xml") {
        Some(FileKind::Xml)
    } else if lower.ends_with(".css") {
        Some(FileKind::Css)
    } else if lower == "robots.txt" {
        Some(FileKind::Robots)
    } else {
        None
    }
}

/// A problem with one URL, before it is placed in its file.
struct Problem {
    error: bool,
    message: String,
    hint: String,
    /// The root-relative path a link resolved to, when it reaches no file under the base path:
    /// the clue to an output built for another base path.
    path: Option<String>,
}

impl Problem {
    fn at_path(self, path: &Path, line: usize, column: usize) -> Diagnostic {
        let d = if self.error {
            Diagnostic::error(path, self.message)
        } else {
            Diagnostic::warning(path, self.message)
        };
        d.at(line, Some(column)).hint(self.hint)
    }
}

/// Whether `url`, written in the output file `page` (relative to the output folder), reaches a file.
/// None when it does or when it is not ours to check (another site, `mailto:`, `#top`).
fn resolve(url: &str, page: &str, base: &BaseUrl, out: &Output) -> Option<Problem> {
    let url = url.trim();
    if url.is_empty() || url.starts_with('#') {
        return None;
    }
    let host = base_host(&base.url);
    let path = if let Some(rest) = url.strip_prefix(base.url.as_str()) {
        format!("{}{rest}", base.path)
    } else if let Some(rest) = url.strip_prefix("//") {
        let rest_host = rest.split(['/', '?', '#']).next().unwrap_or("");
        if !rest_host.eq_ignore_ascii_case(host) {
            return None;
        }
        rest[rest_host.len()..].to_string()
    } else if has_scheme(url) {
        // An absolute URL is ours only when it is under base_url; other pages of the same host may
        // well be other sites (project sites share `org.github.io`).
        return None;
    } else if url.starts_with('/') {
        url.to_string()
    } else {
        if page == "404.html" {
            return Some(Problem {
                error: false,
                message: format!("relative link `{url}` in 404.html"),
                hint: format!(
                    "404.html is served at every missing URL, so relative links in it break; start the link with {}",
                    base.path
                ),
                path: None,
            });
        }
        let dir = match page.rfind('/') {
            Some(i) => &page[..=i],
            None => "",
        };
        format!("{}{dir}{url}", base.path)
    };
    let path = path.split(['?', '#']).next().unwrap_or("");
    let Some(rel) = path.strip_prefix(base.path.as_str()).or_else(|| {
        // `/briefing` without its slash is the site's home too.
        (format!("{path}/") == base.path).then_some("")
    }) else {
        return Some(Problem {
            error: true,
            message: format!("link to `{url}` is outside the site's base path {}", base.path),
            hint: format!(
                "the site is served under {}; build with --base-url {} (or check the template that writes this link)",
                base.path, base.url
            ),
            path: Some(path.to_string()),
        });
    };
    let Some(rel) = normalize(&percent_decode_lossy(rel)) else {
        return Some(Problem {
            error: true,
            message: format!("link to `{url}` climbs above the site's root"),
            hint: format!("links must stay under {}", base.path),
            path: None,
        });
    };
    let found = if rel.is_empty() || rel.ends_with('/') {
        out.has_file(&format!("{rel}index.html"))
    } else {
        // GitHub Pages and most servers answer `/x` with `/x/index.html` when `x` is a folder.
        out.has_file(&rel) || out.has_file(&format!("{rel}/index.html"))
    };
    if found {
        return None;
    }
    let expected = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.clone()
    };
    Some(Problem {
        error: true,
        message: format!("link to `{url}` points at nothing: the output has no {expected}"),
        hint: "a page or file is missing from the build, or the link has a typo".into(),
        path: Some(path.to_string()),
    })
}

/// The host (and port) of a base URL.
fn base_host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split('/').next().unwrap_or(rest)
}

/// `a/./b/../c` -> `a/c`, keeping a final `/`; None when `..` climbs above the root.
fn normalize(rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    let trailing = rel.ends_with('/') || rel.ends_with("/.") || rel.ends_with("/..");
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut out = parts.join("/");
    if trailing && !out.is_empty() {
        out.push('/');
    }
    Some(out)
}

/// 1-based line and column of byte offsets, from a table of line starts built once per file.
struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    fn new(text: &str) -> Self {
        Lines {
            starts: std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect(),
        }
    }
    fn pos(&self, text: &str, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        let col = text.get(start..offset).map_or(1, |s| s.chars().count() + 1);
        (line, col)
    }
}

/// Attributes that hold URLs.
const URL_ATTRIBUTES: &[&str] = &["href", "src", "srcset", "poster"];

/// Every URL in an HTML page's `href`, `src`, `srcset` and `poster` attributes. Skips comments and
/// the insides of `<script>` and `<style>`.
pub fn html_references(html: &str) -> Vec<Reference> {
    let lines = Lines::new(html);
    let mut out = Vec::new();
    for (name, value, offset) in attributes(html) {
        if !URL_ATTRIBUTES.contains(&name.as_str()) {
            continue;
        }
        let (line, column) = lines.pos(html, offset);
        if name == "srcset" {
            for candidate in value.split(',') {
                if let Some(u) = candidate.split_whitespace().next() {
                    out.push(Reference {
                        line,
                        column,
                        url: decode_entities(u),
                    });
                }
            }
        } else {
            out.push(Reference {
                line,
                column,
                url: decode_entities(&value),
            });
        }
    }
    out
}

/// Feeds and sitemaps: `href` attributes and the text of `<loc>` elements.
pub fn xml_references(xml: &str) -> Vec<Reference> {
    let lines = Lines::new(xml);
    let mut out: Vec<Reference> = attributes(xml)
        .into_iter()
        .filter(|(name, ..)| name == "href")
        .map(|(_, value, offset)| {
            let (line, column) = lines.pos(xml, offset);
            Reference {
                line,
                column,
                url: decode_entities(&value),
            }
        })
        .collect();
    let mut from = 0;
    while let Some(i) = xml[from..].find("<loc>") {
        let start = from + i + "<loc>".len();
        let Some(len) = xml[start..].find("</loc>") else {
            break;
        };
        let (line, column) = lines.pos(xml, start);
        out.push(Reference {
            line,
            column,
            url: decode_entities(xml[start..start + len].trim()),
        });
        from = start + len;
    }
    out.sort_by_key(|r| (r.line, r.column));
    out
}

/// Stylesheets: every `url(...)`.
pub fn css_references(css: &str) -> Vec<Reference> {
    let lines = Lines::new(css);
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = css[from..].find("url(") {
        let start = from + i + 4;
        let Some(len) = css[start..].find(')') else {
            break;
        };
        let raw = css[start..start + len].trim();
        let url = raw.trim_matches(|c| c == '"' || c == '\'');
        if !url.starts_with("data:") {
            let (line, column) = lines.pos(css, start);
            out.push(Reference {
                line,
                column,
                url: url.to_string(),
            });
        }
        from = start + len;
    }
    out
}

/// robots.txt: the `Sitemap:` lines.
pub fn robots_references(text: &str) -> Vec<Reference> {
    text.lines()
        .enumerate()
        .filter_map(|(i, l)| {
            let (key, value) = l.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case("sitemap")
                .then(|| Reference {
                    line: i + 1,
                    column: key.len() + 2,
                    url: value.trim().to_string(),
                })
        })
        .collect()
}

/// Every attribute of every tag: (lowercase name, raw value, byte offset of the value).
fn attributes(html: &str) -> Vec<(String, String, usize)> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(lt) = html[i..].find('<').map(|k| i + k) {
        i = lt + 1;
        if html[lt..].starts_with("<!--") {
            i = html[lt..].find("-->").map_or(b.len(), |k| lt + k + 3);
            continue;
        }
        if html[lt..].starts_with("<!")
            || html[lt..].starts_with("<?")
            || html[lt..].starts_with("</")
        {
            i = html[lt..].find('>').map_or(b.len(), |k| lt + k + 1);
            continue;
        }
        let name_len = html[i..]
            .bytes()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b':')
            .count();
        if name_len == 0 {
            continue;
        }
        let tag = html[i..i + name_len].to_ascii_lowercase();
        i += name_len;
        // Attributes until `>`.
        loop {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                i += 1;
                break;
            }
            let start = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/')
            {
                i += 1;
            }
            let name = html[start..i].to_ascii_lowercase();
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < b.len() && b[i] == b'=' {
                i += 1;
                while i < b.len() && b[i].is_ascii_whitespace() {
                    i += 1;
                }
                let (value_start, value_end, next) = match b.get(i) {
                    Some(&q @ (b'"' | b'\'')) => {
                        let end = html[i + 1..].find(q as char).map_or(b.len(), |k| i + 1 + k);
                        (i + 1, end, (end + 1).min(b.len()))
                    }
                    _ => {
                        let end = html[i..]
                            .find(|c: char| c.is_ascii_whitespace() || c == '>')
                            .map_or(b.len(), |k| i + k);
                        (i, end, end)
                    }
                };
                out.push((name, html[value_start..value_end].to_string(), value_start));
                i = next;
            } else if name.is_empty() {
                i += 1;
            }
        }
        if tag == "script" || tag == "style" {
            let close = format!("</{tag}");
            i = html[i.min(b.len())..]
                .to_ascii_lowercase()
                .find(&close)
                .map_or(b.len(), |k| i + k);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(files: &[&str]) -> Output {
        Output {
            files: files.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn finds_urls_in_attributes_but_not_in_scripts_or_comments() {
        let html = "<html>\n<a class=x href=\"/a/?q=1&amp;r=2\">x</a><img\n  src='i.png' srcset=\"s1.png 1x, s2.png 2x\">\n<!-- <a href=\"/no/\"> -->\n<script>var a = '<a href=\"/no2/\">';</script><link href=/c.css>";
        let refs = html_references(html);
        let urls: Vec<&str> = refs.iter().map(|r| r.url.as_str()).collect();
        assert_eq!(urls, ["/a/?q=1&r=2", "i.png", "s1.png", "s2.png", "/c.css"]);
        assert_eq!((refs[1].line, refs[1].column), (3, 8));
    }

    #[test]
    fn resolves_against_the_base_path() {
        let base = BaseUrl::parse("https://org.github.io/briefing/").unwrap();
        let out = output(&[
            "index.html",
            "articles/a/index.html",
            "assets/s.css",
            "img/x.png",
        ]);
        let ok = |u: &str, page: &str| resolve(u, page, &base, &out).is_none();
        assert!(ok("/briefing/", "index.html"));
        assert!(ok("/briefing", "index.html"));
        assert!(ok("/briefing/articles/a/", "index.html"));
        assert!(ok("/briefing/articles/a", "index.html"));
        assert!(ok("/briefing/assets/s.css?v=1", "index.html"));
        assert!(ok("../../img/x.png", "articles/a/index.html"));
        assert!(ok(
            "https://org.github.io/briefing/articles/a/#top",
            "index.html"
        ));
        assert!(ok("https://elsewhere.org/x", "index.html"));
        assert!(ok("mailto:a@b.org", "index.html"));
        assert!(ok("#main", "index.html"));
        assert!(!ok("/articles/a/", "index.html"), "outside the base path");
        assert!(!ok("/briefing/articles/b/", "index.html"));
        assert!(!ok("https://org.github.io/briefing/nope.png", "index.html"));
        assert!(!ok("../../../../x", "articles/a/index.html"));
        let p = resolve("x/", "404.html", &base, &out).unwrap();
        assert!(!p.error, "relative links in 404.html are a warning");
    }
}

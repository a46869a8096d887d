//! What the fuzz targets in `fuzz/` drive: the parsers of untrusted input (front matter, Markdown
//! with link rewriting, plain-text import, the YAML writer, `serve`'s HTTP request reader), behind
//! plain inputs and outputs so the crate's types stay private. Not an API: hidden from the docs, no stability promised.

use crate::import::{self, Entity, ImportOptions, SiteNames};
use crate::load::SourceFile;
pub use crate::markdown::LinkTarget;
use crate::model::{EntityId, Kind, RawHtml, Status};
pub use crate::parse::SplitError;
use std::path::PathBuf;

/// A Markdown file's front matter and body, or why it has none.
pub fn split_front_matter(text: &str) -> Result<(&str, &str), SplitError> {
    crate::parse::split_front_matter(text).map(|s| (s.yaml, s.body))
}

/// Parses `text` as the content file `rel` (`content/<folder>/<name>.md`); the problems if any.
/// None when `rel` names no content folder.
pub fn parse_file(rel: &str, text: &str) -> Option<Result<(), Vec<crate::Diagnostic>>> {
    let kind = Kind::from_folder(rel.split('/').nth(1)?)?;
    let file = SourceFile {
        kind,
        rel: PathBuf::from(rel),
        text: text.to_string(),
    };
    Some(crate::parse::parse_file(&file).map(|_| ()))
}

/// A body rendered with links resolved by `resolve`: its HTML and where each link was.
pub struct RenderedBody {
    pub html: String,
    /// 1-based line and column of every link.
    pub links: Vec<(usize, usize)>,
}

/// Renders Markdown as a build does, with raw HTML allowed or escaped.
pub fn render_markdown(
    source: &str,
    escape_html: bool,
    resolve: &mut dyn FnMut(&str) -> LinkTarget,
) -> RenderedBody {
    let raw_html = if escape_html {
        RawHtml::Escape
    } else {
        RawHtml::Allow
    };
    let r = crate::markdown::render(source, raw_html, resolve);
    RenderedBody {
        links: r.links.iter().map(|(pos, _)| *pos).collect(),
        html: r.html,
    }
}

/// The Markdown extensions a build parses bodies with.
pub fn markdown_options() -> pulldown_cmark::Options {
    crate::markdown::options()
}

/// What `import` made of a plain-text article.
pub struct ImportedText {
    pub slug: String,
    pub title: String,
    pub markdown: String,
}

/// The site's entities for `import`: (kind folder, id, names).
pub struct Names(SiteNames);

impl Names {
    /// Panics on a kind folder or id that is not valid: the fuzz target's own fixed list.
    pub fn new(entities: &[(&str, &str, &[&str])]) -> Self {
        let entities = entities
            .iter()
            .map(|(folder, id, names)| Entity {
                kind: Kind::from_folder(folder).expect("a content folder"),
                id: EntityId::parse(id).expect("a valid id"),
                names: names.iter().map(|n| n.to_string()).collect(),
            })
            .collect();
        Names(SiteNames::new(entities))
    }
}

/// Imports plain text as a draft dated 2 January 2024 (the file is called `fuzz.txt`); None when
/// import refuses it.
pub fn import(bytes: &[u8], names: &Names) -> Option<ImportedText> {
    let opts = ImportOptions {
        date: None,
        today: chrono::NaiveDate::from_ymd_opt(2024, 1, 2).expect("a date"),
        status: Status::Draft,
        file_stem: "fuzz".into(),
    };
    let a = import::import(bytes, &names.0, &opts).ok()?;
    Some(ImportedText {
        slug: a.slug,
        title: a.title,
        markdown: a.markdown,
    })
}

/// A YAML scalar that reads back as `text` (the one writer `new` and `import` use).
pub fn yaml_string(text: &str) -> String {
    crate::yaml::write_string(text)
}

/// What `serve` made of a request head, when it would answer it.
#[derive(Debug)]
pub struct HttpRequest {
    /// `GET` or `HEAD`.
    pub method: &'static str,
    /// The path decoded and checked, starting with `/`.
    pub path: String,
    /// The key looked up in the built site (never starts with `/`).
    pub site_key: String,
    pub query: Option<String>,
    /// Whether its `Host` is this machine's, for a server on 127.0.0.1:1111.
    pub host_allowed: bool,
}

/// Runs bytes through `serve`'s request reading as the server does: the head's end and size
/// limits (`scan_head`, fed in two pieces split at `split`), then the request line, the headers and
/// the path's percent decoding (`parse_request`), then the Host check. `Err` is the status the
/// server would answer; `Ok(None)` while the head is incomplete.
pub fn http_request(bytes: &[u8], split: usize) -> Result<Option<HttpRequest>, u16> {
    use crate::serve::http::request::{self, Method};
    let split = split.min(bytes.len());
    let searched = split.saturating_sub(3);
    let first = request::scan_head(&bytes[..split], 0).map_err(|s| s.0)?;
    let len = match first {
        Some(len) => len,
        None => match request::scan_head(bytes, searched).map_err(|s| s.0)? {
            Some(len) => len,
            None => return Ok(None),
        },
    };
    let r = request::parse_request(&bytes[..len]).map_err(|s| s.0)?;
    let local = std::net::SocketAddr::from(([127, 0, 0, 1], 1111));
    Ok(Some(HttpRequest {
        method: match r.method {
            Method::Get => "GET",
            Method::Head => "HEAD",
        },
        site_key: request::site_key(&r.path),
        host_allowed: request::host_allowed(r.host.as_deref(), local),
        path: r.path,
        query: r.query,
    }))
}

/// Decodes a request path as `serve` does (once, strictly); the status when it refuses it.
pub fn decode_request_path(raw: &str) -> Result<String, u16> {
    crate::serve::http::request::decode_path(raw).map_err(|s| s.0)
}

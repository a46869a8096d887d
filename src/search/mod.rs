//! The full-text search index the site's own script loads, split into files fetched on demand.
//! Pure: builds the files' paths and bytes from the linked site; never writes them anywhere.
//!
//! - `words`: text to terms (the same rules as the script's); `stem`: the Porter stemmer
//! - `postings`: terms to postings, cut into chunks by term
//! - `docs`: one small file per result (title, date, kind, summary, text for the excerpt)
//!
//! Format (version 3), arrays rather than objects to keep it small:
//! - `search/index.json`, the manifest, small since the first query waits for it:
//!   `{"v":3, "articles":n, "docs":n+entities, "preview":bool, "stop":[word...],
//!   "chunks":[first term of each chunk...]}`.
//! - `search/filters.json`, what the filters need, fetched once the first results are shown:
//!   `{"entities":[[kind "c"|"m"|"t", id, name, [alias...], doc, [article...]]...],
//!   "years":[[year, first article]...]}`. Entity `article` lists are the articles whose front
//!   matter names it: ascending indices written as the first and then the gaps.
//! - `search/t/<i>.json`, chunk i: `{term: [posting...]}` for the terms from `chunks[i]` up to
//!   the next chunk's first term (terms sorted by UTF-16 code units, as JavaScript compares).
//!   A posting is `gap * 4 + field`: the gap from the previous document (the first is the document
//!   itself) and where the term is (3 title or name, 2 a named entity's name, 1 summary, 0 body).
//! - `search/d/<doc>.json`: `{"k":kind "a"|"c"|"m"|"t", "t":title, "u":site-relative URL,
//!   "d":date?, "s":summary, "a":[alias...]?, "x":plain text, "st":standing?}`.
//!
//! Documents are the articles (newest first, as `SiteGraph::articles`) and then the companies,
//! models and themes. Only the articles a build includes are here: a published build never sees
//! drafts, articles in review or scheduled ones; a preview's are marked with `st`.

mod docs;
mod postings;
mod stem;
mod words;

use crate::error::BuildError;
use crate::link::SiteGraph;
use crate::model::Kind;
use crate::write::Sink;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

/// The manifest the search page points the script at.
pub(crate) const MANIFEST: &str = "search/index.json";
/// The filters' data, apart from the manifest: at 10k articles it is most of its bytes, and the
/// first results need none of it.
const FILTERS: &str = "search/filters.json";
/// Chunks of postings and the documents' files live under these.
const CHUNK_DIR: &str = "search/t/";
const DOC_DIR: &str = "search/d/";
/// A chunk is cut once it holds this many bytes of JSON (about 8 KB gzipped); a query fetches one
/// chunk per word, or a few for a prefix.
pub const CHUNK_BYTES: usize = 32 * 1024;
/// The most text a document's file carries for excerpts; an article's page has the rest.
pub(crate) const TEXT_CHARS: usize = 4_000;

/// Where a term occurs in a document, the better the higher.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Field {
    Body = 0,
    Summary = 1,
    Entity = 2,
    Title = 3,
}

/// Whether `rel` is one of the files the index writes (all of them are replaced together).
pub(crate) fn is_index_file(rel: &str) -> bool {
    rel == MANIFEST || rel == FILTERS || rel.starts_with(CHUNK_DIR) || rel.starts_with(DOC_DIR)
}

/// Writes every file of the index into `sink` and returns their paths. Each batch of documents'
/// files is written as soon as it is made, so a build never holds the whole index.
pub(crate) fn write_index(graph: &SiteGraph, sink: &dyn Sink) -> Result<Vec<String>, BuildError> {
    let mut paths = Vec::new();
    each_file(graph, &|| false, &mut |rel, bytes| {
        sink.put(&rel, &bytes)?;
        paths.push(rel);
        Ok(())
    })?;
    Ok(paths)
}

/// The index for the site as (output path, bytes) for every file of it, or None as soon as
/// `stop` says so: `serve` asks whether another save is waiting, since tokenising every article
/// takes longer than serving the next edit should. All or nothing, so that `serve` never mixes
/// the files of two indexes.
pub(crate) fn index_files_until(
    graph: &SiteGraph,
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();
    let done = each_file(graph, stop, &mut |rel, bytes| {
        files.push((rel, bytes));
        Ok(())
    })
    .expect("collecting never fails");
    done.then_some(files)
}

/// The documents prepared at once: enough for every core, few enough that their words and files
/// are a small part of a build's memory.
const BATCH: usize = 256;

/// Hands every file of the index to `put`: the documents' files batch by batch, then the
/// manifest, the filters and the chunks of postings. Returns false if `stop` said so first.
fn each_file(
    graph: &SiteGraph,
    stop: &(dyn Fn() -> bool + Sync),
    put: &mut dyn FnMut(String, Vec<u8>) -> Result<(), BuildError>,
) -> Result<bool, BuildError> {
    let sources = docs::sources(graph);
    let mut postings = postings::Postings::default();
    for (b, batch) in sources.chunks(BATCH).enumerate() {
        // Each document's text is taken out of its HTML once, for its terms and its own file.
        let prepared: Option<Vec<(Words, String)>> = batch
            .par_iter()
            .map(|d| (!stop()).then(|| d.prepare()))
            .collect();
        let Some(prepared) = prepared else {
            return Ok(false);
        };
        for (i, (words, json)) in prepared.into_iter().enumerate() {
            let doc = b * BATCH + i;
            postings.add(doc as u32, words);
            put(format!("{DOC_DIR}{doc}.json"), json.into_bytes())?;
        }
    }
    let chunks = postings.chunks();
    put(
        MANIFEST.to_string(),
        manifest(graph, &chunks, sources.len()).into_bytes(),
    )?;
    put(FILTERS.to_string(), filters(graph).into_bytes())?;
    for (i, c) in chunks.into_iter().enumerate() {
        put(format!("{CHUNK_DIR}{i}.json"), c.json.into_bytes())?;
    }
    Ok(true)
}

/// One document's distinct terms (stemmed) and the best field each occurs in.
pub(crate) type Words = Vec<(Box<str>, Field)>;

/// An entity in the manifest: kind code, id, name, aliases, its document, its articles (gaps).
type EntityEntry<'a> = (
    &'static str,
    &'a str,
    &'a str,
    &'a [String],
    usize,
    Vec<usize>,
);

#[derive(Serialize)]
struct Manifest<'a> {
    v: u32,
    articles: usize,
    docs: usize,
    preview: bool,
    stop: &'static [&'static str],
    chunks: Vec<&'a str>,
}

#[derive(Serialize)]
struct Filters<'a> {
    entities: Vec<EntityEntry<'a>>,
    years: Vec<(i32, usize)>,
}

fn manifest(graph: &SiteGraph, chunks: &[postings::Chunk], docs: usize) -> String {
    let m = Manifest {
        v: 3,
        articles: graph.articles.len(),
        docs,
        preview: graph.selection.drafts,
        stop: words::STOP,
        chunks: chunks.iter().map(|c| c.first.as_str()).collect(),
    };
    escape_markup(serde_json::to_string(&m).expect("plain data"))
}

fn filters(graph: &SiteGraph) -> String {
    let n = graph.articles.len();
    let mut entities = Vec::new();
    let mut doc = n;
    let mut push = |kind, id, name, aliases, articles: &[usize]| {
        entities.push((kind, id, name, aliases, doc, gaps(articles)));
        doc += 1;
    };
    for c in &graph.companies {
        let co = &c.company;
        push(
            "c",
            co.id.as_str(),
            co.name.as_str(),
            &co.aliases[..],
            &c.articles,
        );
    }
    for m in &graph.models {
        let mo = &m.model;
        push(
            "m",
            mo.id.as_str(),
            mo.name.as_str(),
            &mo.aliases[..],
            &m.articles,
        );
    }
    for t in &graph.themes {
        push(
            "t",
            t.theme.id.as_str(),
            t.theme.name.as_str(),
            &[][..],
            &t.articles,
        );
    }
    let mut years: Vec<(i32, usize)> = Vec::new();
    for (i, a) in graph.articles.iter().enumerate() {
        let year = year_of(&a.article.date.iso_date());
        if years.last().is_none_or(|&(y, _)| y != year) {
            years.push((year, i));
        }
    }
    let f = Filters { entities, years };
    escape_markup(serde_json::to_string(&f).expect("plain data"))
}

fn year_of(iso: &str) -> i32 {
    iso.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0)
}

/// Ascending indices as the first one and then the gaps between them. `articles` of an entity
/// node are in the graph's article order already; sorted here so that never matters.
fn gaps(list: &[usize]) -> Vec<usize> {
    let mut sorted = list.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut prev = 0;
    sorted
        .into_iter()
        .map(|d| {
            let g = d - prev;
            prev = d;
            g
        })
        .collect()
}

pub(crate) fn kind_code(k: Kind) -> &'static str {
    match k {
        Kind::Company => "c",
        Kind::Model => "m",
        Kind::Theme => "t",
        Kind::Article => "a",
        Kind::Page => "p",
    }
}

/// JSON with `<`, `>` and `&` written as `\u` escapes: the same data for a JSON parser, but no
/// text of the site's (a title of `<script>...`) appears as markup should the file ever be
/// embedded in or sniffed as HTML. These characters only occur inside JSON strings.
pub(crate) fn escape_markup(json: String) -> String {
    if !json.bytes().any(|b| matches!(b, b'<' | b'>' | b'&')) {
        return json;
    }
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c => out.push(c),
        }
    }
    out
}

/// A map keyed by short strings, hashed fast (the site's own text; no chosen-key attacks).
pub(crate) type Map<K, V> = FxHashMap<K, V>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_json_carries_no_markup() {
        let json = serde_json::json!({ "t": "<script>alert(1)</script> & co" }).to_string();
        let safe = escape_markup(json);
        assert!(!safe.contains('<') && !safe.contains('>') && !safe.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back["t"], "<script>alert(1)</script> & co");
    }

    #[test]
    fn gaps_are_first_then_differences() {
        assert_eq!(gaps(&[7, 2, 9, 2]), [2, 5, 2]);
    }
}

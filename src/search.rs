//! The search index the site's own script loads: every article's title, date, short summary and
//! entities, every entity's names, and each article's most telling body terms as a term dictionary
//! with postings. Pure: builds a JSON string from the linked site; never writes it anywhere.
//!
//! Format (version 1), arrays rather than objects to keep it small:
//! `{"v":1, "docs":[[title, slug, "YYYY-MM-DD", summary, [entity...]]...],
//!   "entities":[[kind "c"|"m"|"t", id, name, [alias...]]...],
//!   "terms":{term: [doc, gap, gap...]}}`. Doc and entity references are indices into those arrays;
//! postings are ascending doc indices written as the first one and then the gaps between them.

use crate::link::{ArticleNode, SiteGraph};
use crate::model::Kind;
use crate::text::is_cjk;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a: the term maps hash millions of short words, where SipHash's protection against chosen
/// keys buys nothing (the site's own text) and costs a third of the index's build time.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = self.0;
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type TermMap<'a, V> = HashMap<&'a str, V, BuildHasherDefault<Fnv>>;
type TermSet<'a> = HashSet<&'a str, BuildHasherDefault<Fnv>>;

/// Body terms kept per article: the ones that set it apart (highest tf-idf), not already findable
/// in its title, summary or entity names.
pub const TERMS_PER_ARTICLE: usize = 12;
/// Summaries are cut to this many characters in the index; the article has the rest.
pub(crate) const SUMMARY_CHARS: usize = 140;
/// The size the index must stay under per article: at most 5 MB of JSON for 10,000 articles, about
/// 1.3 MB gzipped as static hosts serve it — one large photo, loaded only on the search page.
/// (The benchmark corpus of 10,000 articles measures 3.1 MB, 0.76 MB gzipped.)
pub const BUDGET_BYTES_PER_ARTICLE: usize = 500;

/// One article in the index: title, slug, date, short summary, and its entities (indices into
/// `entities`): those its front matter lists, then those only named in its text.
type Doc<'a> = (&'a str, &'a str, String, String, Vec<usize>);
/// One entity in the index: kind code, id, name, aliases.
type EntityEntry<'a> = (&'static str, &'a str, &'a str, &'a [String]);

#[derive(Serialize)]
struct Index<'a> {
    v: u32,
    docs: Vec<Doc<'a>>,
    entities: Vec<EntityEntry<'a>>,
    terms: BTreeMap<&'a str, Vec<usize>>,
}

/// The index for the site, as compact JSON.
pub(crate) fn index_json(graph: &SiteGraph) -> String {
    index_json_until(graph, &|| false).expect("never stopped")
}

/// `index_json`, given up (None) as soon as `stop` says so: `serve` asks whether another save is
/// waiting, since tokenising every article takes longer than serving the next edit should.
pub(crate) fn index_json_until(
    graph: &SiteGraph,
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<String> {
    let entities = entity_entries(graph);
    let docs: Vec<Doc<'_>> = graph.articles.iter().map(|a| doc(graph, a)).collect();
    // Each body is tokenised once, in parallel, into a compact bag of its distinct terms (one
    // string of them and their counts): the lowercased bodies and the hash maps that count them
    // never exist for every article at once, which kept a fifth of a 10k build's memory.
    let bags: Vec<Option<Bag>> = graph
        .articles
        .par_iter()
        .zip(&docs)
        .map(|(a, d)| (!stop()).then(|| body_terms(a, &d.4, &entities)))
        .collect();
    let bags: Vec<Bag> = bags.into_iter().collect::<Option<_>>()?;
    let df = document_frequencies(&bags);
    let n = bags.len().max(1) as f64;
    let top: Vec<Vec<&str>> = bags.par_iter().map(|bag| top_terms(bag, &df, n)).collect();
    Some(write_json(Index {
        v: 1,
        docs,
        entities,
        terms: postings(top),
    }))
}

/// Companies, then models, then themes: an entity's index is its place in this list.
fn entity_entries(graph: &SiteGraph) -> Vec<EntityEntry<'_>> {
    let mut entities =
        Vec::with_capacity(graph.companies.len() + graph.models.len() + graph.themes.len());
    entities.extend(graph.companies.iter().map(|c| {
        (
            kind_code(Kind::Company),
            c.company.id.as_str(),
            c.company.name.as_str(),
            c.company.aliases.as_slice(),
        )
    }));
    entities.extend(graph.models.iter().map(|m| {
        (
            kind_code(Kind::Model),
            m.model.id.as_str(),
            m.model.name.as_str(),
            m.model.aliases.as_slice(),
        )
    }));
    entities.extend(graph.themes.iter().map(|t| {
        (
            kind_code(Kind::Theme),
            t.theme.id.as_str(),
            t.theme.name.as_str(),
            &[][..],
        )
    }));
    entities
}

fn doc<'a>(graph: &SiteGraph, a: &'a ArticleNode) -> Doc<'a> {
    let nc = graph.companies.len();
    let nm = graph.models.len();
    // Front matter first, then entities only named in the text.
    let mut ents: Vec<usize> = a.companies.to_vec();
    ents.extend(a.models.iter().map(|m| nc + m));
    ents.extend(a.themes.iter().map(|t| nc + nm + t));
    for e in a
        .mentions
        .companies
        .iter()
        .copied()
        .chain(a.mentions.models.iter().map(|m| nc + m))
        .chain(a.mentions.themes.iter().map(|t| nc + nm + t))
    {
        if !ents.contains(&e) {
            ents.push(e);
        }
    }
    (
        a.article.title.as_str(),
        a.article.slug.as_str(),
        a.article.date.iso_date(),
        crate::text::shorten(a.summary(), SUMMARY_CHARS),
        ents,
    )
}

/// The distinct terms of an article's body and their counts, less the words already findable
/// through its title, summary or the names of `ents`, which need no postings.
fn body_terms(a: &ArticleNode, ents: &[usize], entities: &[EntityEntry<'_>]) -> Bag {
    let mut known = format!("{} {}", a.article.title, a.summary());
    for &e in ents {
        known.push(' ');
        known.push_str(entities[e].2);
        for alias in entities[e].3 {
            known.push(' ');
            known.push_str(alias);
        }
    }
    let known = known.to_lowercase();
    let known: TermSet<'_> = terms(&known).collect();
    let body = html_text(&a.body.html).to_lowercase();
    let mut tf: TermMap<'_, u32> = TermMap::default();
    for t in terms(&body) {
        if !known.contains(t) {
            *tf.entry(t).or_default() += 1;
        }
    }
    Bag::from_counts(tf)
}

/// For each term, the number of articles whose bag holds it.
fn document_frequencies(bags: &[Bag]) -> TermMap<'_, u32> {
    bags.par_iter()
        .fold(TermMap::default, |mut df: TermMap<'_, u32>, bag| {
            for (t, _) in bag.iter() {
                *df.entry(t).or_default() += 1;
            }
            df
        })
        .reduce(TermMap::default, |mut a, b| {
            for (t, n) in b {
                *a.entry(t).or_default() += n;
            }
            a
        })
}

/// The `TERMS_PER_ARTICLE` terms of `bag` with the highest tf-idf over `n` articles, best first.
fn top_terms<'a>(bag: &'a Bag, df: &TermMap<'_, u32>, n: f64) -> Vec<&'a str> {
    let mut scored: Vec<(f64, &str)> = bag
        .iter()
        .map(|(t, f)| {
            // Smoothed so that a one-article site still has terms.
            let idf = (1.0 + n / df.get(t).copied().unwrap_or(1) as f64).ln();
            (f as f64 * idf, t)
        })
        .collect();
    let by_score =
        |a: &(f64, &str), b: &(f64, &str)| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1));
    if scored.len() > TERMS_PER_ARTICLE {
        scored.select_nth_unstable_by(TERMS_PER_ARTICLE, by_score);
        scored.truncate(TERMS_PER_ARTICLE);
    }
    scored.sort_by(by_score);
    scored.into_iter().map(|(_, t)| t).collect()
}

/// For each term, the articles (indices into `docs`) it is kept for, as the first index and then
/// the gaps between them.
fn postings(top: Vec<Vec<&str>>) -> BTreeMap<&str, Vec<usize>> {
    let mut postings: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (doc, list) in top.into_iter().enumerate() {
        for t in list {
            postings.entry(t).or_default().push(doc);
        }
    }
    for list in postings.values_mut() {
        let mut prev = 0;
        for (i, d) in list.iter_mut().enumerate() {
            let abs = *d;
            if i > 0 {
                *d = abs - prev;
            }
            prev = abs;
        }
    }
    postings
}

fn write_json(index: Index<'_>) -> String {
    let json = serde_json::to_string(&index).expect("the index is plain data");
    escape_markup(&json)
}

/// JSON with `<`, `>` and `&` written as `\u` escapes: the same data for a JSON parser, but no
/// text of the site's (a title of `<script>...`) appears as markup should the file ever be
/// embedded in or sniffed as HTML. These characters only occur inside JSON strings.
fn escape_markup(json: &str) -> String {
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

/// One article's distinct body terms and how often each occurs, packed into one string.
struct Bag {
    text: String,
    /// (end of the term in `text`, count); each term starts where the one before ends.
    entries: Vec<(u32, u32)>,
}

impl Bag {
    fn from_counts(tf: TermMap<'_, u32>) -> Bag {
        let mut text = String::with_capacity(tf.keys().map(|t| t.len()).sum());
        let mut entries = Vec::with_capacity(tf.len());
        for (t, n) in tf {
            text.push_str(t);
            entries.push((text.len() as u32, n));
        }
        Bag { text, entries }
    }

    fn iter(&self) -> impl Iterator<Item = (&str, u32)> + '_ {
        let mut start = 0;
        self.entries.iter().map(move |&(end, n)| {
            let t = &self.text[start..end as usize];
            start = end as usize;
            (t, n)
        })
    }
}

fn kind_code(k: Kind) -> &'static str {
    match k {
        Kind::Company => "c",
        Kind::Model => "m",
        Kind::Theme => "t",
        Kind::Article => "a",
        Kind::Page => "p",
    }
}

/// Search terms of a lowercased text, as the script makes them from a query: words of three or
/// more letters that are not stop words nor plain numbers, and pairs of adjacent CJK characters.
pub(crate) fn terms(lower: &str) -> impl Iterator<Item = &str> + '_ {
    let mut out = Vec::new();
    let mut word: Option<usize> = None;
    let mut prev_cjk: Option<usize> = None;
    let keep = |w: &str| {
        w.chars().nth(2).is_some() && !w.bytes().all(|b| b.is_ascii_digit()) && !is_stop(w)
    };
    for (i, c) in lower.char_indices() {
        let end = i + c.len_utf8();
        if is_cjk(c) {
            if let Some(start) = word.take() {
                out.extend(Some(&lower[start..i]).filter(|w| keep(w)));
            }
            if let Some(p) = prev_cjk {
                out.push(&lower[p..end]);
            }
            prev_cjk = Some(i);
        } else if c.is_alphanumeric() {
            prev_cjk = None;
            word.get_or_insert(i);
        } else {
            prev_cjk = None;
            if let Some(start) = word.take() {
                out.extend(Some(&lower[start..i]).filter(|w| keep(w)));
            }
        }
    }
    if let Some(start) = word {
        out.extend(Some(&lower[start..]).filter(|w| keep(w)));
    }
    out.into_iter()
}

#[rustfmt::skip] // a table: one line per word length reads better than one word per line
fn is_stop(w: &str) -> bool {
    // A match compiles to a switch on length and a few comparisons: this runs for every word.
    matches!(
        w,
        "and" | "any" | "are" | "but" | "can" | "did" | "for" | "had" | "has" | "her" | "his" |
        "how" | "its" | "new" | "not" | "now" | "one" | "our" | "out" | "she" | "the" | "was" |
        "who" | "you" |
        "also" | "been" | "both" | "does" | "each" | "from" | "have" | "here" | "into" | "just" |
        "more" | "most" | "only" | "over" | "said" | "same" | "some" | "such" | "than" | "that" |
        "them" | "then" | "they" | "this" | "very" | "were" | "what" | "when" | "will" | "with" |
        "year" | "your" |
        "about" | "after" | "again" | "among" | "being" | "could" | "other" | "since" | "their" |
        "there" | "these" | "those" | "under" | "until" | "where" | "which" | "while" | "would" |
        "years" |
        "before" | "should" |
        "because" | "between" | "through"
    )
}

/// The text of rendered HTML: tags dropped (each leaves a space), the entities the renderer writes
/// decoded.
pub(crate) fn html_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        text.push_str(&rest[..i]);
        text.push(' ');
        rest = rest[i..].find('>').map_or("", |j| &rest[i + j + 1..]);
    }
    text.push_str(rest);
    crate::text::decode_entities(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_dropped() {
        assert!(is_stop("the") && is_stop("with") && !is_stop("pangu"));
    }

    #[test]
    fn terms_are_lowercase_words_and_cjk_pairs() {
        let t: Vec<&str> = terms("the gpu shortage, 2023: 华为云盘古 and h100s").collect();
        assert_eq!(
            t,
            ["gpu", "shortage", "华为", "为云", "云盘", "盘古", "h100s"]
        );
    }

    #[test]
    fn html_text_drops_tags_and_decodes() {
        assert_eq!(
            html_text("<p>A &amp; <b>B</b>&lt;</p>")
                .split_whitespace()
                .collect::<Vec<_>>(),
            ["A", "&", "B", "<"]
        );
    }
}

#[cfg(test)]
mod escape_tests {
    use super::escape_markup;

    #[test]
    fn index_json_carries_no_markup() {
        let json = serde_json::json!({ "t": "<script>alert(1)</script> & co" }).to_string();
        let safe = escape_markup(&json);
        assert!(!safe.contains('<') && !safe.contains('>') && !safe.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back["t"], "<script>alert(1)</script> & co");
    }
}

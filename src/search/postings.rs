//! Terms to postings, and the postings cut into chunks by term so that a query fetches only the
//! chunks of its words. Never tokenises (that is `words`) and never writes.

use super::{escape_markup, Field, Map, CHUNK_BYTES};
use rayon::prelude::*;
use std::fmt::Write as _;

/// One chunk file: the first term it holds and its JSON.
pub(crate) struct Chunk {
    pub first: String,
    pub json: String,
}

/// Every term's postings, built document by document: a document's words are moved in and
/// dropped as it is added, so only the postings stay.
#[derive(Default)]
pub(super) struct Postings {
    lists: Map<Box<str>, List>,
}

/// A term's postings: the documents holding it, ascending, with the best field in each.
type List = Vec<(u32, Field)>;

impl Postings {
    /// Adds document `doc`'s distinct terms; documents come in ascending order, so each list
    /// stays ascending and a document is only ever its last entry.
    pub(super) fn add(&mut self, doc: u32, words: super::Words) {
        for (word, field) in words {
            let list = self.lists.entry(word).or_default();
            match list.last_mut() {
                Some((d, f)) if *d == doc => *f = (*f).max(field),
                _ => list.push((doc, field)),
            }
        }
    }

    /// The chunks of the index.
    pub(super) fn chunks(self) -> Vec<Chunk> {
        let mut terms: Vec<(Box<str>, List)> = self.lists.into_iter().collect();
        // JavaScript compares strings by UTF-16 code units; the script finds a term's chunk that way.
        terms.par_sort_unstable_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
        cut(&terms)
    }
}

/// The chunks of the index over `docs` (each document's distinct terms and their best fields).
#[cfg(test)]
fn chunks(docs: Vec<super::Words>) -> Vec<Chunk> {
    let mut postings = Postings::default();
    for (doc, words) in docs.into_iter().enumerate() {
        postings.add(doc as u32, words);
    }
    postings.chunks()
}

/// Sorted terms into chunks of about `CHUNK_BYTES`; a term's postings are never split.
fn cut(terms: &[(Box<str>, List)]) -> Vec<Chunk> {
    let mut chunks = Vec::new();
    let mut json = String::new();
    let mut first = "";
    for (t, list) in terms {
        if json.is_empty() {
            json.push('{');
            first = &**t;
        } else {
            json.push(',');
        }
        json.push_str(&serde_json::to_string(t).expect("a string"));
        json.push_str(":[");
        let mut prev = 0;
        for (i, &(doc, field)) in list.iter().enumerate() {
            if i > 0 {
                json.push(',');
            }
            let _ = write!(json, "{}", u64::from(doc - prev) * 4 + field as u64);
            prev = doc;
        }
        json.push(']');
        if json.len() >= CHUNK_BYTES {
            json.push('}');
            chunks.push(finish(first, &mut json));
        }
    }
    if !json.is_empty() {
        json.push('}');
        chunks.push(finish(first, &mut json));
    }
    if let Some(c) = chunks.first_mut() {
        // The first chunk holds everything before the second's first term.
        c.first.clear();
    }
    chunks
}

fn finish(first: &str, json: &mut String) -> Chunk {
    Chunk {
        first: first.to_string(),
        json: escape_markup(std::mem::take(json)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postings_are_gaps_with_the_field_in_the_low_bits() {
        let docs = vec![
            vec![("hospit".into(), Field::Body)],
            vec![
                ("hospit".into(), Field::Title),
                ("zebra".into(), Field::Summary),
            ],
            vec![("hospit".into(), Field::Body)],
        ];
        let chunks = chunks(docs);
        assert_eq!(chunks.len(), 1);
        assert_eq!(chunks[0].first, "");
        let v: serde_json::Value = serde_json::from_str(&chunks[0].json).unwrap();
        assert_eq!(v["hospit"], serde_json::json!([0, 7, 4]));
        assert_eq!(v["zebra"], serde_json::json!([5]));
    }
}

//! Finding entity names in running text: one matcher per build over every name and alias, shared
//! read-only by every thread. Longest name wins; ASCII names need word boundaries, CJK names don't.
//! Pure: it knows names and opaque entity keys, never URLs, HTML or the site.

use crate::text::is_cjk;
use aho_corasick::{AhoCorasick, MatchKind};
use std::collections::HashMap;

/// Names shorter than this (in characters) are never matched: a one-letter alias or a single CJK
/// character would turn half the prose into links.
pub const MIN_NAME_CHARS: usize = 2;

/// One occurrence of a name in a text: byte offsets and the entity it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    pub entity: usize,
}

/// Every entity name of a site, compiled once.
#[derive(Debug, Default)]
pub struct Matcher {
    ac: Option<AhoCorasick>,
    /// The entity of each pattern, by pattern index.
    entities: Vec<usize>,
}

impl Matcher {
    /// Builds the matcher from `(name, entity)` pairs. A name shared by two entities is ambiguous
    /// and dropped (linking either would be a guess); too-short names are dropped too.
    pub fn new<S: AsRef<str>>(names: impl IntoIterator<Item = (S, usize)>) -> Matcher {
        let mut owner: HashMap<String, Option<usize>> = HashMap::new();
        let mut order: Vec<String> = Vec::new();
        for (name, entity) in names {
            let name = name
                .as_ref()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            if name.chars().count() < MIN_NAME_CHARS {
                continue;
            }
            match owner.get_mut(&name) {
                Some(slot) => {
                    if *slot != Some(entity) {
                        *slot = None;
                    }
                }
                None => {
                    owner.insert(name.clone(), Some(entity));
                    order.push(name);
                }
            }
        }
        let (patterns, entities): (Vec<String>, Vec<usize>) = order
            .into_iter()
            .filter_map(|n| owner[&n].map(|e| (n, e)))
            .unzip();
        if patterns.is_empty() {
            return Matcher::default();
        }
        // Standard semantics so that overlapping candidates are all reported: a longer name that
        // fails its word boundary must not hide a shorter one that passes.
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .expect("entity names are few and short enough to compile");
        Matcher {
            ac: Some(ac),
            entities,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.ac.is_none()
    }

    /// The mentions in `text`, left to right, never overlapping; at one start the longest name
    /// wins. Line breaks in `text` match the spaces in names.
    pub fn find(&self, text: &str) -> Vec<Mention> {
        let Some(ac) = &self.ac else {
            return Vec::new();
        };
        // Same byte length, so offsets into the copy are offsets into `text`.
        let normalised;
        let hay = if text.contains(['\n', '\r', '\t']) {
            normalised = text.replace(['\n', '\r', '\t'], " ");
            normalised.as_str()
        } else {
            text
        };
        let mut found: Vec<Mention> = ac
            .find_overlapping_iter(hay)
            .filter(|m| at_word_edges(hay, m.start(), m.end()))
            .map(|m| Mention {
                start: m.start(),
                end: m.end(),
                entity: self.entities[m.pattern().as_usize()],
            })
            .collect();
        found.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
        let mut out = Vec::with_capacity(found.len());
        let mut taken_to = 0;
        for m in found {
            if m.start >= taken_to {
                taken_to = m.end;
                out.push(m);
            }
        }
        out
    }
}

/// A letter or digit of a script that separates words with spaces.
fn is_word_char(c: char) -> bool {
    (c.is_alphanumeric() || c == '_') && !is_cjk(c)
}

/// An edge of a name made of word characters must not run on into a word: "Pangu" is not in
/// "Pangus", but "盘古" is in "盘古大模型" and "Pangu" is in "基于Pangu模型".
fn at_word_edges(hay: &str, start: usize, end: usize) -> bool {
    let first = hay[start..].chars().next();
    let last = hay[..end].chars().next_back();
    let before = hay[..start].chars().next_back();
    let after = hay[end..].chars().next();
    let open = !(first.is_some_and(is_word_char) && before.is_some_and(is_word_char));
    let close = !(last.is_some_and(is_word_char) && after.is_some_and(is_word_char));
    open && close
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(m: &Matcher, text: &str) -> Vec<(String, usize)> {
        m.find(text)
            .into_iter()
            .map(|x| (text[x.start..x.end].to_string(), x.entity))
            .collect()
    }

    #[test]
    fn longest_name_wins_on_overlap() {
        let m = Matcher::new([
            ("Pangu", 1),
            ("Pangu Medical Model", 2),
            ("Huawei Cloud", 3),
        ]);
        assert_eq!(
            names(&m, "Huawei Cloud's Pangu Medical Model beat Pangu."),
            [
                ("Huawei Cloud".into(), 3),
                ("Pangu Medical Model".into(), 2),
                ("Pangu".into(), 1)
            ]
        );
    }

    #[test]
    fn ascii_names_need_word_boundaries_cjk_names_do_not() {
        let m = Matcher::new([("Pangu", 1), ("华为云", 2)]);
        assert!(names(&m, "Pangus and SuperPangu").is_empty());
        assert_eq!(
            names(&m, "基于Pangu模型的华为云服务"),
            [("Pangu".into(), 1), ("华为云".into(), 2)]
        );
    }

    #[test]
    fn a_longer_name_failing_its_boundary_leaves_the_shorter_one() {
        let m = Matcher::new([("Pangu", 1), ("Pangu Medical", 2)]);
        assert_eq!(names(&m, "Pangu Medicals"), [("Pangu".into(), 1)]);
    }

    #[test]
    fn line_breaks_match_spaces() {
        let m = Matcher::new([("Huawei Cloud", 3)]);
        assert_eq!(names(&m, "by Huawei\nCloud"), [("Huawei\nCloud".into(), 3)]);
    }

    #[test]
    fn ambiguous_and_tiny_names_are_dropped() {
        let m = Matcher::new([("Nova", 1), ("Nova", 2), ("X", 3), ("Nova", 1), ("Vega", 4)]);
        assert!(names(&m, "Nova and X").is_empty());
        assert_eq!(names(&m, "Vega"), [("Vega".into(), 4)]);
        assert!(Matcher::new(Vec::<(String, usize)>::new())
            .find("x")
            .is_empty());
    }
}

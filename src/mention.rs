//! Finding entity names in running text: one matcher over every name and alias, compiled once and
//! shared read-only by every thread. Longest name wins; names of letters and digits need word
//! boundaries, CJK names don't. `Rules` say how strictly a name must be spelt: as written (the
//! auto-links of rendered pages) or as people type plain text (import).
//! Pure: it knows names and opaque entity keys, never URLs, HTML or the site.

use crate::text::is_cjk;
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use std::cmp::Reverse;
use std::collections::HashMap;
use std::ops::Range;

/// Names shorter than this (in characters) are never linked: a one-letter alias or a single CJK
/// character would turn half the prose into links.
pub(crate) const MIN_NAME_CHARS: usize = 2;

/// The middle dots that join the parts of a name (`Jiutian · Haizheng`).
pub(crate) const DOTS: &[char] = &['·', '・', '•', '‧', '⋅', '･'];

/// One occurrence of a name in a text: byte offsets and the entity it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Mention {
    pub start: usize,
    pub end: usize,
    pub entity: usize,
}

/// How a name may be written in the text for it to count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Spelling {
    /// Letter for letter as the site writes it; a line break or tab in the text matches a space
    /// of the name (a soft line break inside a Markdown paragraph is a space).
    #[default]
    Exact,
    /// As people type plain text: a letter the name writes in lower case may be in either case
    /// (a capital must stay one: `Apple` is found in `APPLE`, not in `apple pie`); runs of spaces and
    /// tabs match a space, but a line break never does (a line of plain text is a block); a middle
    /// dot matches any of `DOTS`, with or without spaces around it; `'` matches `’` and `ʼ`, `-`
    /// the Unicode hyphens. `sentence_case`: the name's first letter may be either case too (theme
    /// names are written like "Computing power" and used mid-sentence). Blanks between two dots
    /// go with the first, so a name that begins with a dot starts at the second dot itself.
    Loose { sentence_case: bool },
}

/// A name that several entities share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shared {
    /// Matches nothing: linking either entity would be a guess.
    Dropped,
    /// Names each of them, one mention per entity at the same place: import lists every
    /// candidate for the editor to choose from.
    NamesAll,
}

/// What a matcher accepts. The word boundaries are the same under every rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rules {
    pub spelling: Spelling,
    pub shared: Shared,
    /// Names with fewer characters (spaces collapsed) are left out.
    pub min_chars: usize,
}

impl Rules {
    /// Auto-links and backlinks in rendered Markdown.
    pub(crate) const LINKS: Rules = Rules {
        spelling: Spelling::Exact,
        shared: Shared::Dropped,
        min_chars: MIN_NAME_CHARS,
    };
    /// Company and model names in a plain-text article to import: every name counts, even one
    /// letter long, since the editor reviews what was found.
    pub(crate) const PLAIN_TEXT: Rules = Rules {
        spelling: Spelling::Loose {
            sentence_case: false,
        },
        shared: Shared::NamesAll,
        min_chars: 1,
    };
    /// Theme names and keywords in a plain-text article to import.
    pub(crate) const PLAIN_TEXT_THEMES: Rules = Rules {
        spelling: Spelling::Loose {
            sentence_case: true,
        },
        ..Rules::PLAIN_TEXT
    };
}

/// One entity a compiled pattern may stand for, and what the text must hold beyond the pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Target {
    entity: usize,
    /// Whether the name begins / ends with a word character, so needs a word boundary there.
    open_start: bool,
    open_end: bool,
    /// Under loose spelling: characters the text must write exactly as the name does (capitals),
    /// by their index among the characters of the folded text the pattern matched.
    exact: Vec<(usize, char)>,
}

/// Every entity name of a site, compiled once.
#[derive(Debug, Clone, Default)]
pub(crate) struct Matcher {
    ac: Option<AhoCorasick>,
    /// The entities each pattern stands for, by pattern index.
    targets: Vec<Vec<Target>>,
    spelling: Spelling,
}

impl Matcher {
    /// The matcher for auto-links (`Rules::LINKS`) from `(name, entity)` pairs.
    pub(crate) fn new<S: AsRef<str>>(names: impl IntoIterator<Item = (S, usize)>) -> Matcher {
        Matcher::with_rules(names, Rules::LINKS)
    }

    /// Builds the matcher from `(name, entity)` pairs under `rules`.
    pub(crate) fn with_rules<S: AsRef<str>>(
        names: impl IntoIterator<Item = (S, usize)>,
        rules: Rules,
    ) -> Matcher {
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut keys: Vec<String> = Vec::new();
        let mut targets: Vec<Vec<Target>> = Vec::new();
        let mut dropped: Vec<bool> = Vec::new();
        for (name, entity) in names {
            let name = name.as_ref().trim();
            let collapsed = name.split_whitespace().collect::<Vec<_>>().join(" ");
            if collapsed.is_empty() || collapsed.chars().count() < rules.min_chars {
                continue;
            }
            let (key, target) = compile(name, collapsed, entity, rules.spelling);
            let Some(&i) = index.get(&key) else {
                index.insert(key.clone(), keys.len());
                keys.push(key);
                targets.push(vec![target]);
                dropped.push(false);
                continue;
            };
            match rules.shared {
                Shared::Dropped => dropped[i] |= targets[i][0].entity != entity,
                Shared::NamesAll if !targets[i].contains(&target) => targets[i].push(target),
                Shared::NamesAll => {}
            }
        }
        let (patterns, targets): (Vec<String>, Vec<Vec<Target>>) = keys
            .into_iter()
            .zip(targets)
            .zip(dropped)
            .filter_map(|(pair, dropped)| (!dropped).then_some(pair))
            .unzip();
        if patterns.is_empty() {
            return Matcher::default();
        }
        // Standard semantics so that overlapping candidates are all reported: a longer name that
        // fails its word boundary must not hide a shorter one that passes. A DFA, whatever the
        // number of names: every article's whole text is scanned, and the automatic choice (an
        // NFA past a few hundred names) made the scan a tenth of a build (bench/RESULTS.md).
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)
            .expect("entity names are few and short enough to compile");
        Matcher {
            ac: Some(ac),
            targets,
            spelling: rules.spelling,
        }
    }

    /// The mentions in `text`, left to right, never overlapping; at one start the longest name
    /// wins. Under `Shared::NamesAll` a shared name gives one mention per entity, at one place.
    pub(crate) fn find(&self, text: &str) -> Vec<Mention> {
        let Some(ac) = &self.ac else {
            return Vec::new();
        };
        let found = match self.spelling {
            Spelling::Exact => self.find_exact(ac, text),
            Spelling::Loose { .. } => self.find_loose(ac, text),
        };
        leftmost_longest(found)
    }

    /// Every candidate, overlapping, in `text` with its line breaks read as spaces.
    fn find_exact(&self, ac: &AhoCorasick, text: &str) -> Vec<Mention> {
        // Same byte length, so offsets into the copy are offsets into `text`.
        let normalised;
        let hay = if text.contains(['\n', '\r', '\t']) {
            normalised = text.replace(['\n', '\r', '\t'], " ");
            normalised.as_str()
        } else {
            text
        };
        let mut found = Vec::new();
        for m in ac.find_overlapping_iter(hay) {
            let before = hay[..m.start()].chars().next_back();
            let after = hay[m.end()..].chars().next();
            for t in &self.targets[m.pattern().as_usize()] {
                if t.at_word_edges(before, after) {
                    found.push(Mention {
                        start: m.start(),
                        end: m.end(),
                        entity: t.entity,
                    });
                }
            }
        }
        found
    }

    /// Every candidate, overlapping, found in the folded text and then checked against `text`.
    fn find_loose(&self, ac: &AhoCorasick, text: &str) -> Vec<Mention> {
        let folded = Folded::new(text, is_blank);
        let mut found = Vec::new();
        for m in ac.find_overlapping_iter(&folded.text) {
            let (a, b) = (folded.index(m.start()), folded.index(m.end()));
            let (start, end) = (folded.chars[a].src.start, folded.chars[b - 1].src.end);
            let before = text[..start].chars().next_back();
            let after = text[end..].chars().next();
            for t in &self.targets[m.pattern().as_usize()] {
                let spelt = t.exact.iter().all(|&(k, c)| folded.chars[a + k].first == c);
                if spelt && t.at_word_edges(before, after) {
                    found.push(Mention {
                        start,
                        end,
                        entity: t.entity,
                    });
                }
            }
        }
        found
    }
}

/// The pattern `name` (trimmed, at least one character) compiles to under `spelling`, and the
/// target it stands for.
fn compile(name: &str, collapsed: String, entity: usize, spelling: Spelling) -> (String, Target) {
    let mut target = Target {
        entity,
        open_start: name.chars().next().is_some_and(is_word_char),
        open_end: name.chars().next_back().is_some_and(is_word_char),
        exact: Vec::new(),
    };
    let Spelling::Loose { sentence_case } = spelling else {
        return (collapsed, target);
    };
    let folded = Folded::new(name, char::is_whitespace);
    let mut first_letter = true;
    for (k, f) in folded.chars.iter().enumerate() {
        let c = f.first;
        if c.is_whitespace() || DOTS.contains(&c) || is_apostrophe(c) || is_hyphen(c) {
            continue;
        }
        if c.is_alphabetic() {
            let free = first_letter && sentence_case;
            first_letter = false;
            if c.is_uppercase() && !free {
                target.exact.push((k, c));
            }
        } else if fold_char(c) != c {
            // A mark that is not a letter is written as it is.
            target.exact.push((k, c));
        }
    }
    (folded.text, target)
}

impl Target {
    /// An edge of a name made of word characters must not run on into a word: "Pangu" is not in
    /// "Pangus", but "盘古" is in "盘古大模型" and "Pangu" is in "基于Pangu模型".
    fn at_word_edges(&self, before: Option<char>, after: Option<char>) -> bool {
        let runs_on = |open: bool, c: Option<char>| open && c.is_some_and(is_word_char);
        !runs_on(self.open_start, before) && !runs_on(self.open_end, after)
    }
}

/// Leftmost first, the longest at one start, never overlapping; a place several entities share
/// names them all.
fn leftmost_longest(mut found: Vec<Mention>) -> Vec<Mention> {
    found.sort_unstable_by_key(|m| (m.start, Reverse(m.end), m.entity));
    found.dedup();
    let mut out: Vec<Mention> = Vec::with_capacity(found.len());
    let mut taken_to = 0;
    for m in found {
        let same_place = out
            .last()
            .is_some_and(|l| (l.start, l.end) == (m.start, m.end));
        if m.start >= taken_to || same_place {
            taken_to = m.end;
            out.push(m);
        }
    }
    out
}

/// A letter or digit of a script that separates words with spaces, or `_`. CJK characters are
/// not: text in Chinese or Japanese has no spaces, so a name may touch them.
pub(crate) fn is_word_char(c: char) -> bool {
    (c.is_alphanumeric() || c == '_') && !is_cjk(c)
}

/// A space of plain text that a space of a name matches: any but a line break.
fn is_blank(c: char) -> bool {
    c.is_whitespace() && c != '\n'
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ')
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑')
}

/// What loose spelling compares: a letter lower-cased, every apostrophe `'`, every hyphen `-`.
fn fold_char(c: char) -> char {
    if is_apostrophe(c) {
        '\''
    } else if is_hyphen(c) {
        '-'
    } else {
        c.to_lowercase().next().unwrap_or(c)
    }
}

/// A text as loose spelling compares it: each character folded, each run of blanks one space,
/// each middle dot with the blanks around it one `·`.
struct Folded {
    text: String,
    /// One per character of `text`, in order.
    chars: Vec<FoldedChar>,
}

struct FoldedChar {
    /// Byte offset in `Folded::text`.
    at: usize,
    /// The bytes of the source it stands for, and their first character.
    src: Range<usize>,
    first: char,
}

impl Folded {
    fn new(source: &str, blank: fn(char) -> bool) -> Folded {
        let mut out = Folded {
            text: String::with_capacity(source.len()),
            chars: Vec::with_capacity(source.len()),
        };
        let mut it = source.char_indices().peekable();
        while let Some((i, first)) = it.next() {
            let mut end = i + first.len_utf8();
            let mut folded = fold_char(first);
            if blank(first) || DOTS.contains(&first) {
                // Blanks, then at most one dot, then blanks.
                let mut dot = DOTS.contains(&first);
                while let Some(&(j, c)) = it.peek() {
                    if !(blank(c) || !dot && DOTS.contains(&c)) {
                        break;
                    }
                    dot |= DOTS.contains(&c);
                    end = j + c.len_utf8();
                    it.next();
                }
                folded = if dot { '·' } else { ' ' };
            }
            out.chars.push(FoldedChar {
                at: out.text.len(),
                src: i..end,
                first,
            });
            out.text.push(folded);
        }
        out
    }

    /// The index in `chars` of the character at byte `at` of `text` (`chars.len()` at the end).
    fn index(&self, at: usize) -> usize {
        self.chars.partition_point(|c| c.at < at)
    }
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

    #[test]
    fn loose_spelling_minds_capitals_only() {
        let m = Matcher::with_rules([("Apple", 1), ("iPhone", 2)], Rules::PLAIN_TEXT);
        assert!(names(&m, "apple pie and Pineapple").is_empty());
        assert_eq!(names(&m, "APPLE SHIPS"), [("APPLE".into(), 1)]);
        assert_eq!(names(&m, "an IPHONE"), [("IPHONE".into(), 2)]);
        assert!(names(&m, "an iphone").is_empty());
        let themes = Matcher::with_rules(
            [("Computing power", 3), ("GPU", 4)],
            Rules::PLAIN_TEXT_THEMES,
        );
        assert_eq!(
            names(&themes, "more computing POWER"),
            [("computing POWER".into(), 3)]
        );
        assert!(
            names(&themes, "gpus and a gpu").is_empty(),
            "only the first letter is free"
        );
    }

    #[test]
    fn loose_spelling_folds_blanks_dots_apostrophes_and_hyphens() {
        let m = Matcher::with_rules(
            [
                ("Jiutian · Haizheng", 1),
                ("Ping'an", 2),
                ("GPT-4", 3),
                ("Huawei Cloud", 4),
            ],
            Rules::PLAIN_TEXT,
        );
        assert_eq!(
            names(
                &m,
                "Jiutian·Haizheng, Jiutian  •  Haizheng, Ping’an, GPT‑4, Huawei \t Cloud"
            ),
            [
                ("Jiutian·Haizheng".into(), 1),
                ("Jiutian  •  Haizheng".into(), 1),
                ("Ping’an".into(), 2),
                ("GPT‑4".into(), 3),
                ("Huawei \t Cloud".into(), 4)
            ]
        );
        assert!(names(&m, "Huawei\nCloud").is_empty(), "a line is a block");
    }

    #[test]
    fn a_shared_name_names_every_entity_or_none() {
        let pairs = [("Nova", 1), ("Nova", 2), ("X", 3)];
        assert_eq!(
            names(&Matcher::with_rules(pairs, Rules::PLAIN_TEXT), "Nova and X"),
            [("Nova".into(), 1), ("Nova".into(), 2), ("X".into(), 3)]
        );
        assert!(names(&Matcher::new(pairs), "Nova and X").is_empty());
    }
}

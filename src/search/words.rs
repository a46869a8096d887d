//! How text becomes search terms, the same way in the index and in `static/assets/search.js`:
//! lowercase runs of letters and digits, stemmed; stop words and plain numbers dropped; every CJK
//! character and every pair of adjacent CJK characters. Owns tokenising; never builds postings.

use super::stem::stem;
use super::Map;
use crate::text::is_cjk;
use rustc_hash::FxHashSet;
use std::cell::RefCell;
use std::sync::LazyLock;

/// What a word is to the index: a word to stem, or CJK text indexed by characters.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Token<'a> {
    Word(&'a str),
    /// One CJK character, or two adjacent ones.
    Cjk(&'a str),
}

/// The tokens of lowercased text, in order: words of two or more characters that are not stop
/// words nor plain numbers, and CJK unigrams and bigrams.
pub(crate) fn tokens<'a>(lower: &'a str, mut each: impl FnMut(Token<'a>)) {
    let mut word: Option<usize> = None;
    let mut prev_cjk: Option<usize> = None;
    let flush = |start: usize, end: usize, each: &mut dyn FnMut(Token<'a>)| {
        let w = &lower[start..end];
        if keep(w) {
            each(Token::Word(w));
        }
    };
    for (i, c) in lower.char_indices() {
        let end = i + c.len_utf8();
        if is_cjk(c) {
            if let Some(start) = word.take() {
                flush(start, i, &mut each);
            }
            each(Token::Cjk(&lower[i..end]));
            if let Some(p) = prev_cjk {
                each(Token::Cjk(&lower[p..end]));
            }
            prev_cjk = Some(i);
        } else if c.is_alphanumeric() {
            prev_cjk = None;
            word.get_or_insert(i);
        } else {
            prev_cjk = None;
            if let Some(start) = word.take() {
                flush(start, i, &mut each);
            }
        }
    }
    if let Some(start) = word {
        flush(start, lower.len(), &mut each);
    }
}

/// The term a word is indexed under. Stems are remembered per thread: a site's vocabulary is
/// small next to its word count, and every article repeats most of it.
pub(crate) fn term(word: &str) -> Box<str> {
    thread_local! {
        static STEMS: RefCell<Map<Box<str>, Box<str>>> = RefCell::default();
    }
    STEMS.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(t) = cache.get(word) {
            return t.clone();
        }
        if cache.len() >= STEM_CACHE {
            cache.clear();
        }
        let t: Box<str> = stem(word).into();
        cache.insert(word.into(), t.clone());
        t
    })
}

/// The most stems a thread remembers (a few MB), whatever the site's vocabulary.
const STEM_CACHE: usize = 100_000;

fn keep(w: &str) -> bool {
    w.chars().nth(1).is_some() && !w.bytes().all(|b| b.is_ascii_digit()) && !is_stop(w)
}

/// Whether `w` is a stop word: one hash lookup, and none for a word longer than the longest.
/// (Scanning `STOP` for every word of every article was a tenth of a build's instructions.)
fn is_stop(w: &str) -> bool {
    static SET: LazyLock<FxHashSet<&'static str>> =
        LazyLock::new(|| STOP.iter().copied().collect());
    w.len() <= STOP_LONGEST && SET.contains(w)
}

/// The length in bytes of the longest stop word.
const STOP_LONGEST: usize = 5;

/// Words too common to search by; the index lists them so that the script drops them from
/// queries too.
#[rustfmt::skip] // a table
pub(crate) const STOP: &[&str] = &[
    "an", "as", "at", "be", "by", "if", "in", "is", "it", "of", "on", "or", "so", "to", "we",
    "and", "any", "are", "but", "can", "did", "for", "had", "has", "her", "his", "how", "its",
    "not", "our", "she", "the", "was", "who", "you",
    "also", "been", "both", "does", "each", "from", "have", "here", "into", "just", "said",
    "some", "such", "than", "that", "them", "then", "they", "this", "very", "were", "what",
    "when", "will", "with", "your",
    "about", "after", "being", "could", "their", "there", "these", "those", "where", "which",
    "while", "would",
];

/// `s.to_lowercase()`, the same string, made faster for prose that is ASCII but for a few curly
/// quotes and dashes: runs of ASCII are lowercased in place, other characters one by one. (The
/// standard library's falls back to a char at a time after the first non-ASCII character: a
/// twentieth of a build's instructions went there.) Capital sigma lowercases by its context,
/// so text with one takes the standard library's way.
pub(crate) fn lowercase(s: &str) -> String {
    if s.contains('Σ') {
        return s.to_lowercase();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while !rest.is_empty() {
        let ascii = rest
            .bytes()
            .position(|b| !b.is_ascii())
            .unwrap_or(rest.len());
        let start = out.len();
        out.push_str(&rest[..ascii]);
        out[start..].make_ascii_lowercase();
        rest = &rest[ascii..];
        if let Some(c) = rest.chars().next() {
            out.extend(c.to_lowercase());
            rest = &rest[c.len_utf8()..];
        }
    }
    out
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
    let text = crate::text::decode_entities(&text);
    // One space for each run of white space: the excerpts the script cuts read as prose.
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        tokens(text, |t| {
            out.push(match t {
                Token::Word(w) => term(w).into(),
                Token::Cjk(c) => c.to_string(),
            })
        });
        out
    }

    #[test]
    fn words_are_stemmed_cjk_is_cut_into_characters_and_pairs() {
        assert_eq!(
            all("the hospitals, 2023: 阿里云 and h100s"),
            ["hospit", "阿", "里", "阿里", "云", "里云", "h100s"]
        );
    }

    #[test]
    fn lowercase_is_the_standard_librarys() {
        for s in [
            "",
            "Plain ASCII, Numbers 123 and PUNCTUATION!",
            "“Curly” quotes — and DASHES… Société Générale STRASSE Straße ẞ",
            "İstanbul DİYARBAKIR ǅ ǈ Ⅻ Ａｌｉｂａｂａ",
            "ΟΔΟΣ Σ ΑΣ. ὈΔΥΣΣΕΎΣ",
            "阿里云 Alibaba Cloud 通义千问 QWEN 𝐀𝐁 😀 Ω",
        ] {
            assert_eq!(lowercase(s), s.to_lowercase(), "{s}");
        }
    }

    #[test]
    fn stop_words_are_the_listed_ones() {
        assert!(STOP.iter().all(|w| is_stop(w) && w.len() <= STOP_LONGEST));
        assert!(STOP.iter().any(|w| w.len() == STOP_LONGEST));
        for w in ["a", "hospital", "ands", "whiles", "thé", "cloud", "ai"] {
            assert!(!is_stop(w), "{w}");
        }
    }

    #[test]
    fn html_text_drops_tags_and_decodes() {
        assert_eq!(html_text("<p>A &amp; <b>B</b>&lt;</p>\n"), "A & B <");
    }
}

//! Suggestions: proper-noun phrases near words like "model", "Cloud" or "released" that look like
//! companies or models the site does not have. Pure; creates nothing, only names them.

use super::plain::collapse_spaces;
use super::words::{words, Word};
use crate::error::line_col;
use crate::mention::DOTS;
use std::collections::HashSet;
use std::ops::Range;

/// A proper-noun phrase that looks like the name of a company or model the site lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub name: String,
    /// 1-based line of the input file where it first appears.
    pub line: usize,
}

/// Words that end (or sit inside) company and model names: `Tencent Cloud`, `Hunyuan Model`.
const NAME_WORDS: &[&str] = &[
    "Cloud",
    "Model",
    "Models",
    "Platform",
    "LLM",
    "Labs",
    "Lab",
    "Technologies",
    "Group",
    "Inc",
    "Ltd",
];
/// Verbs that introduce a product: `released the X`, `launched X`.
const RELEASE_VERBS: &[&str] = &[
    "released",
    "launched",
    "unveiled",
    "introduced",
    "announced",
    "debuted",
    "open-sourced",
    "releases",
    "launches",
    "unveils",
];
/// Capitalised words that are never a name on their own: titles and acronyms of the trade.
const GENERIC: &[&str] = &[
    "AI", "AGI", "CEO", "CTO", "CFO", "COO", "GPU", "GPUs", "CPU", "API", "LLM", "LLMs", "IT",
    "IoT", "R&D",
];
/// Lowercase words that follow a name and say what it is: `the Pangu model`.
const NAME_NOUNS: &[&str] = &["model", "models", "platform", "chatbot", "cloud", "llm"];
/// Words skipped between a release verb and the name.
const DETERMINERS: &[&str] = &["the", "a", "an", "its", "their", "his", "her", "new", "our"];
/// Capitalised words that start sentences or are dates, never part of a name.
const STOP_WORDS: &[&str] = &[
    "The",
    "A",
    "An",
    "This",
    "That",
    "These",
    "Those",
    "On",
    "In",
    "At",
    "By",
    "For",
    "From",
    "With",
    "As",
    "Its",
    "It",
    "Their",
    "Our",
    "We",
    "He",
    "She",
    "They",
    "And",
    "But",
    "Or",
    "After",
    "Before",
    "Since",
    "According",
    "Meanwhile",
    "However",
    "While",
    "When",
    "To",
    "Of",
    "Also",
    "Both",
    "Last",
    "Next",
    "Today",
    "Yesterday",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Sept",
    "Oct",
    "Nov",
    "Dec",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

fn is_capitalised(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
        || (w.chars().next().is_some_and(char::is_lowercase) && w.chars().any(char::is_uppercase))
}

/// Finds proper-noun phrases near words like "model", "Cloud", "released" in `paragraphs` (byte
/// ranges of `text`), skipping anything inside `known` spans or equal to a known name.
pub fn suggest(
    text: &str,
    paragraphs: &[Range<usize>],
    known_spans: &[Range<usize>],
    known_names: &HashSet<String>,
) -> Vec<Suggestion> {
    let mut out: Vec<Suggestion> = Vec::new();
    let known = |r: &Range<usize>| {
        known_spans
            .iter()
            .any(|k| k.start < r.end && r.start < k.end)
    };
    for para in paragraphs {
        let ws = words(&text[para.clone()], para.start);
        let mut k = 0;
        while k < ws.len() {
            let (phrase, j) = grow_phrase(text, &ws, k, &known);
            k = j.max(k + 1);
            if phrase.is_empty() || !reads_as_name(text, &ws, &phrase) {
                continue;
            }
            let range = ws[phrase[0]].range.start..ws[phrase[phrase.len() - 1]].range.end;
            let name = collapse_spaces(&text[range.clone()]);
            let lower = name.to_lowercase();
            if !known_names.contains(&lower) && !out.iter().any(|s| s.name.to_lowercase() == lower)
            {
                out.push(Suggestion {
                    name,
                    line: line_col(text, range.start).0,
                });
            }
        }
    }
    out
}

fn is_dot(w: &Word<'_>) -> bool {
    DOTS.iter().any(|d| w.text.starts_with(*d))
}

/// The phrase starting at word `k`: capitalised words (numbers after the first), joined by single
/// spaces or a middle dot, none of them `known`; and the index of the word that ended it.
fn grow_phrase(
    text: &str,
    ws: &[Word<'_>],
    k: usize,
    known: &dyn Fn(&Range<usize>) -> bool,
) -> (Vec<usize>, usize) {
    let mut phrase: Vec<usize> = Vec::new();
    let mut j = k;
    while j < ws.len() {
        let w = &ws[j];
        let ok = if is_dot(w) {
            !phrase.is_empty()
        } else {
            (is_capitalised(w.text)
                || (!phrase.is_empty() && w.text.starts_with(|c: char| c.is_ascii_digit())))
                && !STOP_WORDS.contains(&w.text)
        };
        let joined = match phrase.last() {
            None => true,
            Some(&p) => {
                let gap = &text[ws[p].range.end..w.range.start];
                gap.len() <= 3 && gap.trim().is_empty()
            }
        };
        if !ok || !joined || known(&w.range) {
            break;
        }
        phrase.push(j);
        j += 1;
    }
    while phrase.last().is_some_and(|&p| is_dot(&ws[p])) {
        phrase.pop();
    }
    (phrase, j)
}

/// Whether a phrase (word indices into `ws`, not empty) reads as a company or model name: it holds
/// a name word (`Cloud`), follows a release verb or comes before a noun like `model`, and is not
/// only generic words.
fn reads_as_name(text: &str, ws: &[Word<'_>], phrase: &[usize]) -> bool {
    let first = phrase[0];
    let last = phrase[phrase.len() - 1];
    let texts: Vec<&str> = phrase.iter().map(|&p| ws[p].text).collect();
    let has_name_word = texts.len() >= 2 && texts[1..].iter().any(|t| NAME_WORDS.contains(t));
    let mut before = first;
    while before > 0 && DETERMINERS.contains(&ws[before - 1].text) {
        before -= 1;
    }
    let after_release = before > 0
        && RELEASE_VERBS.contains(&ws[before - 1].text)
        && text[ws[before - 1].range.end..ws[first].range.start]
            .chars()
            .all(|c| c.is_whitespace() || c.is_alphabetic());
    let before_noun = ws.get(last + 1).is_some_and(|w| {
        NAME_NOUNS.contains(&w.text) && text[ws[last].range.end..w.range.start].trim().is_empty()
    });
    let only_name_words = texts
        .iter()
        .all(|t| NAME_WORDS.contains(t) || GENERIC.contains(t));
    (has_name_word || after_release || before_noun) && !only_name_words && texts.len() <= 8
}

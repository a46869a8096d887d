//! Sentences and summaries: where the sentences of a paragraph end (abbreviations and CJK full
//! stops included), and the opening sentence or two that lists and the feed show. Pure.

use crate::text::is_cjk;
use std::ops::Range;

/// Abbreviations whose full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Prof", "Inc", "Ltd", "Co", "Corp", "St", "vs", "etc", "e.g", "i.e",
    "No", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
    "U.S",
];

/// Where the sentences of `text` are, each with its closing punctuation, without surrounding space.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let trimmed = |r: Range<usize>| {
        let s = &text[r.clone()];
        let start = r.start + (s.len() - s.trim_start().len());
        start..start + s.trim().len()
    };
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut k = 0;
    while k < chars.len() {
        let (i, c) = chars[k];
        let cjk_stop = matches!(c, '。' | '！' | '？');
        if matches!(c, '.' | '!' | '?') || cjk_stop {
            let mut j = k + 1;
            while j < chars.len()
                && matches!(chars[j].1, '"' | '”' | '\'' | '’' | ')' | '」' | '』')
            {
                j += 1;
            }
            let end = chars.get(j).map_or(text.len(), |c| c.0);
            let next = chars.get(j).map(|c| c.1);
            let boundary = if cjk_stop {
                true
            } else {
                let spaced = next.is_none_or(char::is_whitespace);
                let after = chars[j..].iter().map(|c| c.1).find(|c| !c.is_whitespace());
                let starts_sentence = after.is_none_or(|a| {
                    a.is_uppercase()
                        || a.is_ascii_digit()
                        || is_cjk(a)
                        || matches!(a, '"' | '“' | '\'' | '‘')
                });
                let word_before = text[start..i]
                    .rsplit(char::is_whitespace)
                    .next()
                    .unwrap_or("");
                let abbreviation = c == '.'
                    && (ABBREVIATIONS.contains(&word_before)
                        || (word_before.chars().count() == 1
                            && word_before.chars().all(char::is_uppercase)));
                spaced && starts_sentence && !abbreviation
            };
            if boundary {
                let r = trimmed(start..end);
                if !r.is_empty() {
                    out.push(r);
                }
                start = end;
                k = j;
                continue;
            }
        }
        k += 1;
    }
    let rest = trimmed(start..text.len());
    if !rest.is_empty() {
        out.push(rest);
    }
    out
}

/// The opening sentence, or two when the first is short: what lists and the feed show.
pub fn summarize(paragraph: &str) -> String {
    let s = sentences(paragraph);
    let len = |r: &Range<usize>| paragraph[r.clone()].chars().count();
    let end = match s.as_slice() {
        [] => return String::new(),
        [one] => one.end,
        // Two sentences, as written (with or without a space between them), when the first is short.
        [first, second, ..] if len(first) < 200 && len(first) + 1 + len(second) <= 320 => {
            second.end
        }
        [first, ..] => first.end,
    };
    paragraph[s[0].start..end].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_is_the_opening_sentence_or_two() {
        assert_eq!(
            summarize("Dr. Li spoke at 2.3 p.m. today. Then he left. A third."),
            "Dr. Li spoke at 2.3 p.m. today. Then he left."
        );
        let long = format!("{}. Second.", "word ".repeat(60).trim());
        assert_eq!(summarize(&long), format!("{}.", "word ".repeat(60).trim()));
        assert_eq!(
            summarize("大模型加速落地。第二句。第三句。"),
            "大模型加速落地。第二句。"
        );
    }
}

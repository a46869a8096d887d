//! Words of a line of plain text with their byte ranges: what suggestions and written dates are
//! read from. Pure.

use crate::mention::{is_word_char, DOTS};
use std::ops::Range;

/// A character of a word: as at the edges of a name (`mention::is_word_char`), except that `_`
/// splits words here, as import has always read them (`snake_case` is two words).
fn in_word(c: char) -> bool {
    is_word_char(c) && c != '_'
}

#[derive(Debug, Clone)]
pub(super) struct Word<'a> {
    pub(super) text: &'a str,
    pub(super) range: Range<usize>,
}

/// Words of a line: letters and digits, with `-`, `'`, `.` kept inside (`GPT-4`, `Ping'an`, `4.0`).
pub(super) fn words(line: &str, base: usize) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        let next_is_word = chars.get(k + 1).is_some_and(|&(_, n)| in_word(n));
        let inner = matches!(c, '-' | '\'' | '’' | '.') && start.is_some() && next_is_word;
        if in_word(c) || inner {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            out.push(Word {
                text: &line[s..i],
                range: base + s..base + i,
            });
        }
        if DOTS.contains(&c) {
            out.push(Word {
                text: &line[i..i + c.len_utf8()],
                range: base + i..base + i + c.len_utf8(),
            });
        }
    }
    if let Some(s) = start {
        out.push(Word {
            text: &line[s..],
            range: base + s..base + line.len(),
        });
    }
    out
}

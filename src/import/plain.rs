//! Plain-text articles as the seed writes them: decoding the bytes, then the title line, the line
//! with a lone `-`, short heading lines and paragraphs (hard-wrapped ones joined). Pure: text in,
//! structure out; knows nothing of entities, dates or Markdown.

use super::ImportError;
use crate::error::line_col;
use crate::text::{count_words, is_cjk};
use std::ops::Range;

/// UTF-8 text with LF line ends and no byte-order mark; line numbers still match the file's.
pub fn decode(bytes: &[u8]) -> Result<String, ImportError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(ImportError::Utf16);
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let good = String::from_utf8_lossy(&bytes[..e.valid_up_to()]);
            let (line, column) = line_col(&good, good.len());
            return Err(ImportError::NotUtf8 { line, column });
        }
    };
    if text.trim().is_empty() {
        return Err(ImportError::Empty);
    }
    Ok(text.replace("\r\n", "\n").replace('\r', "\n"))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Heading(String),
    Paragraph(String),
}

/// The structure of a plain-text article. Lines are 1-based lines of the input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlainArticle {
    pub title: String,
    pub title_line: usize,
    /// Each block with the lines of the file it came from.
    pub blocks: Vec<(Range<usize>, Block)>,
}

/// Longest title line accepted, in characters: anything longer is a paragraph.
const MAX_TITLE: usize = 200;

/// Reads the seed's format. `text` is what `decode` returns.
pub fn parse_plain(text: &str) -> Result<PlainArticle, ImportError> {
    let lines: Vec<(usize, &str)> = text
        .split('\n')
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty())
        .collect();
    let Some(&(title_line, first)) = lines.first() else {
        return Err(ImportError::Empty);
    };
    if first == "---" && lines.iter().skip(1).any(|(_, l)| *l == "---") {
        return Err(ImportError::FrontMatter);
    }
    if is_separator(first) {
        return Err(ImportError::NoTitle {
            line: title_line,
            reason: "the file starts with the `-` line".into(),
        });
    }
    if first.chars().count() > MAX_TITLE {
        return Err(ImportError::NoTitle {
            line: title_line,
            reason: format!(
                "the first line has {} characters, which is a paragraph",
                first.chars().count()
            ),
        });
    }
    let body_from = match lines.get(1) {
        Some((_, l)) if is_separator(l) => 2,
        // Without the `-` line the first line is still the title if it reads like one.
        _ if looks_like_title(first) => 1,
        _ => {
            return Err(ImportError::NoTitle {
                line: title_line,
                reason: "the first line reads like a sentence and no `-` line follows it".into(),
            })
        }
    };
    let body = &lines[body_from.min(lines.len())..];
    let mut blocks: Vec<(Range<usize>, Block)> = Vec::new();
    for (i, &(line, l)) in body.iter().enumerate() {
        let follows_directly = i > 0 && body[i - 1].0 + 1 == line;
        if let Some((range, Block::Paragraph(p))) = blocks.last_mut() {
            // A hard-wrapped paragraph: the previous line stops mid-sentence and this one goes on in
            // lower case.
            if follows_directly && !ends_sentence(p) && l.starts_with(|c: char| c.is_lowercase()) {
                p.push(' ');
                p.push_str(l);
                range.end = line + 1;
                continue;
            }
        }
        // A heading has text after it, and that text is not the rest of its own sentence.
        let next = body.get(i + 1);
        let next_continues =
            next.is_some_and(|&(n, t)| n == line + 1 && t.starts_with(|c: char| c.is_lowercase()));
        let block = if next.is_some() && !next_continues && looks_like_heading(l) {
            Block::Heading(collapse_spaces(l))
        } else {
            Block::Paragraph(l.to_string())
        };
        blocks.push((line..line + 1, block));
    }
    if blocks.is_empty() {
        return Err(ImportError::NoBody { line: title_line });
    }
    Ok(PlainArticle {
        title: collapse_spaces(first),
        title_line,
        blocks,
    })
}

fn is_separator(line: &str) -> bool {
    !line.is_empty() && line.chars().all(|c| matches!(c, '-' | '–' | '—'))
}

/// Words separated by one space: how a name or a heading is shown whatever the file's spacing.
pub(super) fn collapse_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Characters that end a sentence or a clause: a line ending in one is not a heading.
const FINAL_PUNCTUATION: &[char] = &[
    '.', ',', ';', ':', '!', '?', '…', '"', '”', '\'', '’', ')', '。', '，', '；', '：', '！',
    '？', '）', '」', '』', '、',
];

fn ends_sentence(s: &str) -> bool {
    s.trim_end().ends_with(FINAL_PUNCTUATION)
}

/// A section heading: short, starts like a name (capital, digit or CJK), no final punctuation,
/// one sentence at most.
pub fn looks_like_heading(line: &str) -> bool {
    let words = count_words(line);
    let cjk = line.chars().filter(|&c| is_cjk(c)).count();
    let max_words = if cjk * 2 > line.chars().count() {
        25
    } else {
        12
    };
    (1..=max_words).contains(&words)
        && line.chars().count() <= 100
        && !ends_sentence(line)
        && !line.contains(". ")
        && line
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || is_cjk(c))
}

/// A title without its `-` line: like a heading, but may be longer and end in `?` or `!`.
fn looks_like_title(line: &str) -> bool {
    let trimmed = line.trim_end_matches(['?', '!', '？', '！']);
    count_words(trimmed) <= 25
        && !ends_sentence(trimmed)
        && !trimmed.contains(". ")
        && trimmed
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || is_cjk(c) || c == '"')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_seed_format_with_headings_and_crlf() {
        let text = decode(b"Title Here\r\n-\r\nFirst paragraph. It goes on.\r\nA Short Heading\r\n\"Quoted,\" she said.\r\nTrailing Line\r\n").unwrap();
        let a = parse_plain(&text).unwrap();
        assert_eq!(a.title, "Title Here");
        let blocks: Vec<&Block> = a.blocks.iter().map(|(_, b)| b).collect();
        assert_eq!(
            blocks,
            [
                &Block::Paragraph("First paragraph. It goes on.".into()),
                &Block::Heading("A Short Heading".into()),
                &Block::Paragraph("\"Quoted,\" she said.".into()),
                &Block::Paragraph("Trailing Line".into()),
            ]
        );
        assert_eq!(a.blocks[1].0, 4..5);
    }

    #[test]
    fn joins_hard_wrapped_paragraphs() {
        let a =
            parse_plain("T\n-\nThis paragraph was wrapped\nat the editor's margin.\nNext one.\n")
                .unwrap();
        assert_eq!(a.blocks.len(), 2);
        assert_eq!(
            a.blocks[0].1,
            Block::Paragraph("This paragraph was wrapped at the editor's margin.".into())
        );
    }

    #[test]
    fn rejects_files_without_a_title() {
        assert_eq!(decode(b"  \n\n"), Err(ImportError::Empty));
        assert!(matches!(
            parse_plain("-\nText.\n"),
            Err(ImportError::NoTitle { line: 1, .. })
        ));
        assert!(matches!(
            parse_plain("This is a sentence, not a title. It has two.\nMore.\n"),
            Err(ImportError::NoTitle { .. })
        ));
        assert_eq!(
            parse_plain("---\ntitle: x\n---\nbody\n"),
            Err(ImportError::FrontMatter)
        );
        assert_eq!(
            parse_plain("Only A Title\n-\n"),
            Err(ImportError::NoBody { line: 1 })
        );
        assert_eq!(
            decode(b"ok\n\xff\xfe"),
            Err(ImportError::NotUtf8 { line: 2, column: 1 })
        );
    }
}

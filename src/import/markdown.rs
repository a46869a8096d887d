//! Plain text as Markdown that renders back to the same text. Pure.

/// Plain text as Markdown that renders back to the same text: characters that would start markup
/// are backslash-escaped, and raw HTML is always escaped.
pub fn escape_markdown(text: &str, heading: bool) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let chars: Vec<char> = text.chars().collect();
    for (k, &c) in chars.iter().enumerate() {
        let escape = match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '~' => true,
            '{' | '}' | '#' => heading,
            '&' => {
                // Only where it would start an entity reference: `&amp;`, `&#169;`.
                let rest: String = chars[k + 1..].iter().take(33).collect();
                let name_len = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '#')
                    .count();
                name_len > 0 && rest[name_len..].starts_with(';')
            }
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
    if heading {
        return out;
    }
    // What only means something at the start of a line: `# `, `> `, `- `, `+ `, `1. `, `1) `, `=`.
    let first = out.chars().next();
    match first {
        Some('#' | '>' | '-' | '+' | '=' | '|') => out.insert(0, '\\'),
        Some(d) if d.is_ascii_digit() => {
            let n = out.bytes().take_while(u8::is_ascii_digit).count();
            if n <= 9 && matches!(out.as_bytes().get(n), Some(b'.' | b')')) {
                out.insert(n, '\\');
            }
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};

    /// Renders `md` without smart punctuation and returns the text if it is one plain block.
    fn plain_text_of(md: &str, heading: bool) -> Option<String> {
        let mut opts = crate::markdown::options();
        opts.remove(pulldown_cmark::Options::ENABLE_SMART_PUNCTUATION);
        let mut text = String::new();
        for e in Parser::new_ext(md, opts) {
            match e {
                Event::Text(t) => text.push_str(&t),
                Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) if !heading => {}
                Event::Start(Tag::Heading { .. }) | Event::End(TagEnd::Heading(_)) if heading => {}
                _ => return None,
            }
        }
        Some(text)
    }

    #[test]
    fn escaped_text_renders_as_itself() {
        for s in [
            "Plain text with *stars* and _underscores_ and `code`.",
            "<script>alert(1)</script> and <b>bold</b>",
            "[not a link](http://x) and ![no image](y.png) and [^1]",
            "# not a heading",
            "> not a quote",
            "- not a list",
            "+ nor this",
            "2023. Not an ordered list",
            "1) nor this",
            "R&D, &amp; stays literal, &#169; too",
            "a \\ backslash and ~~strike~~ and ~tilde~",
            "---",
            "=== heading underline",
            "| a | b |",
            "Ends with two spaces  ",
            "\"Quotes\" are kept as ‘written’",
        ] {
            let md = escape_markdown(s, false);
            assert_eq!(
                plain_text_of(&md, false).as_deref(),
                Some(s.trim_end()),
                "{s:?} -> {md:?}"
            );
        }
        for h in ["Section {#id}", "Top #1 Trends #", "Why *this*"] {
            let md = format!("## {}", escape_markdown(h, true));
            assert_eq!(plain_text_of(&md, true).as_deref(), Some(h), "{md:?}");
        }
    }
}

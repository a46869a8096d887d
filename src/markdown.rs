//! Markdown to HTML with pulldown-cmark: GFM extensions, heading anchors, link rewriting.
//! Pure: the caller decides what a link points at (through `LinkTarget`); this module never looks at
//! the site or the disk.

use crate::model::RawHtml;
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};
use std::collections::HashSet;

/// What the caller says about one link destination.
pub enum LinkTarget {
    /// Leave the destination as written.
    Keep,
    /// Replace it with this URL.
    Rewrite(String),
    /// Drop the link, keep its text (e.g. a link to an unpublished draft).
    Unlink,
    /// A broken link: the message and the hint, reported at the link's position.
    Broken { message: String, hint: String },
}

/// A 1-based line and column in the Markdown source.
pub type Pos = (usize, usize);

/// A problem found while rendering, at its position in the Markdown source.
#[derive(Debug, Clone)]
pub struct LinkProblem {
    pub pos: Pos,
    pub message: String,
    pub hint: String,
}

/// A rendered body.
#[derive(Debug, Default, Clone)]
pub struct Rendered {
    pub html: String,
    /// The ids of the headings, in order, so `#anchors` can be checked.
    pub anchors: Vec<String>,
    pub word_count: usize,
    /// The first paragraph as plain text: the summary when front matter gives none.
    pub first_paragraph: String,
    /// Every link destination as written, with its position, for editorial checks.
    pub links: Vec<(Pos, String)>,
    /// Images that have no alt text.
    pub images_without_alt: Vec<Pos>,
    pub problems: Vec<LinkProblem>,
}

pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders `source`; `resolve` is asked about every link and image destination.
pub fn render(
    source: &str,
    raw_html: RawHtml,
    resolve: &mut dyn FnMut(&str) -> LinkTarget,
) -> Rendered {
    let mut out = Rendered::default();
    let mut events: Vec<Event<'_>> = Vec::with_capacity(source.len() / 16);
    let mut used_ids: HashSet<String> = HashSet::new();
    // Open heading: index of its Start event in `events`, its level, and its text so far.
    let mut heading: Option<(usize, String)> = None;
    let mut in_first_paragraph = 0u8; // 0 = not yet, 1 = inside, 2 = done
    let mut unlinked_depth: Vec<bool> = Vec::new();
    let mut image_alt: Option<(Pos, String)> = None;
    let mut lines = LineIndex::new(source);

    for (event, range) in Parser::new_ext(source, options()).into_offset_iter() {
        match &event {
            Event::Text(t) | Event::Code(t) => {
                out.word_count += count_words(t);
                if let Some((_, text)) = heading.as_mut() {
                    text.push_str(t);
                }
                if in_first_paragraph == 1 {
                    out.first_paragraph.push_str(t);
                }
                if let Some((_, alt)) = image_alt.as_mut() {
                    alt.push_str(t);
                }
            }
            Event::SoftBreak | Event::HardBreak if in_first_paragraph == 1 => {
                out.first_paragraph.push(' ')
            }
            Event::Start(Tag::Paragraph) if in_first_paragraph == 0 && heading.is_none() => {
                in_first_paragraph = 1
            }
            Event::End(TagEnd::Paragraph) if in_first_paragraph == 1 => in_first_paragraph = 2,
            _ => {}
        }
        let event = match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                heading = Some((events.len(), String::new()));
                Event::Start(Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs,
                })
            }
            Event::End(TagEnd::Heading(level)) => {
                if let Some((start, text)) = heading.take() {
                    set_heading_id(&mut events[start], &text, &mut used_ids, &mut out.anchors);
                }
                Event::End(TagEnd::Heading(level))
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let pos = lines.pos(range.start);
                out.links.push((pos, dest_url.to_string()));
                match resolve(&dest_url) {
                    LinkTarget::Keep => {
                        unlinked_depth.push(false);
                        Event::Start(Tag::Link {
                            link_type,
                            dest_url,
                            title,
                            id,
                        })
                    }
                    LinkTarget::Rewrite(url) => {
                        unlinked_depth.push(false);
                        Event::Start(Tag::Link {
                            link_type,
                            dest_url: url.into(),
                            title,
                            id,
                        })
                    }
                    LinkTarget::Unlink => {
                        unlinked_depth.push(true);
                        continue;
                    }
                    LinkTarget::Broken { message, hint } => {
                        out.problems.push(LinkProblem { pos, message, hint });
                        unlinked_depth.push(false);
                        Event::Start(Tag::Link {
                            link_type,
                            dest_url,
                            title,
                            id,
                        })
                    }
                }
            }
            Event::End(TagEnd::Link) => {
                if unlinked_depth.pop() == Some(true) {
                    continue;
                }
                Event::End(TagEnd::Link)
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let pos = lines.pos(range.start);
                image_alt = Some((pos, String::new()));
                out.links.push((pos, dest_url.to_string()));
                let dest_url = match resolve(&dest_url) {
                    LinkTarget::Rewrite(url) => CowStr::from(url),
                    LinkTarget::Broken { message, hint } => {
                        out.problems.push(LinkProblem { pos, message, hint });
                        dest_url
                    }
                    LinkTarget::Keep | LinkTarget::Unlink => dest_url,
                };
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            Event::End(TagEnd::Image) => {
                if let Some((offset, alt)) = image_alt.take() {
                    if alt.trim().is_empty() {
                        out.images_without_alt.push(offset);
                    }
                }
                Event::End(TagEnd::Image)
            }
            Event::Html(h) | Event::InlineHtml(h) if raw_html == RawHtml::Escape => Event::Text(h),
            other => other,
        };
        events.push(event);
    }
    out.first_paragraph = out
        .first_paragraph
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    out.html.reserve(source.len() * 5 / 4);
    pulldown_cmark::html::push_html(&mut out.html, events.into_iter());
    out
}

/// Byte offsets to line and column, built on first use: most bodies never need it.
struct LineIndex<'a> {
    source: &'a str,
    starts: Option<Vec<usize>>,
}

impl<'a> LineIndex<'a> {
    fn new(source: &'a str) -> Self {
        LineIndex {
            source,
            starts: None,
        }
    }
    fn pos(&mut self, offset: usize) -> Pos {
        let source = self.source;
        let starts = self.starts.get_or_insert_with(|| {
            std::iter::once(0)
                .chain(source.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        let line = starts.partition_point(|&s| s <= offset);
        let start = starts[line - 1];
        let col = source
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count())
            + 1;
        (line, col)
    }
}

fn set_heading_id(
    start: &mut Event<'_>,
    text: &str,
    used: &mut HashSet<String>,
    anchors: &mut Vec<String>,
) {
    if let Event::Start(Tag::Heading { id, .. }) = start {
        let base = match id.as_deref() {
            Some(explicit) => explicit.to_string(),
            None => heading_slug(text),
        };
        let mut candidate = base.clone();
        let mut n = 1;
        while !used.insert(candidate.clone()) {
            candidate = format!("{base}-{n}");
            n += 1;
        }
        anchors.push(candidate.clone());
        *id = Some(candidate.into());
    }
}

/// A heading's anchor: lowercase words joined by `-`; letters of any script are kept.
pub fn heading_slug(text: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else if c != '\'' && c != '’' {
            dash = true;
        }
    }
    if out.is_empty() {
        "section".into()
    } else {
        out
    }
}

/// Words as a reader counts them: runs of letters, and each CJK character on its own.
pub fn count_words(text: &str) -> usize {
    let mut n = 0;
    let mut in_word = false;
    // ASCII bytes are classified directly: decoding every char showed up as a tenth of a build's
    // instructions in the profile (bench/RESULTS.md).
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b.is_ascii() {
            i += 1;
            if b.is_ascii_alphanumeric() {
                n += usize::from(!in_word);
                in_word = true;
            } else if b != b'\'' && b != b'-' {
                in_word = false;
            }
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        i += c.len_utf8();
        if is_cjk(c) {
            n += 1;
            in_word = false;
        } else if c.is_alphanumeric() {
            n += usize::from(!in_word);
            in_word = true;
        } else if c != '’' {
            in_word = false;
        }
    }
    n
}

/// The reference definition of `count_words`, one char at a time; the tests hold the two equal.
#[cfg(test)]
fn count_words_by_char(text: &str) -> usize {
    let mut n = 0;
    let mut in_word = false;
    for c in text.chars() {
        if is_cjk(c) {
            n += 1;
            in_word = false;
        } else if c.is_alphanumeric() {
            if !in_word {
                n += 1;
            }
            in_word = true;
        } else if c != '\'' && c != '-' && c != '’' {
            in_word = false;
        }
    }
    n
}

pub fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keep(_: &str) -> LinkTarget {
        LinkTarget::Keep
    }

    #[test]
    fn headings_get_unique_ids() {
        let r = render(
            "## Market Outlook\n\n## Market Outlook\n\n### 计算 力\n",
            RawHtml::Allow,
            &mut keep,
        );
        assert_eq!(r.anchors, ["market-outlook", "market-outlook-1", "计算-力"]);
        assert!(r.html.contains(r#"<h2 id="market-outlook">"#), "{}", r.html);
    }

    #[test]
    fn gfm_extensions_are_on() {
        let r = render(
            "a ~~b~~ \"c\"\n\n| x |\n|---|\n| 1 |\n\n- [x] done\n\nnote[^1]\n\n[^1]: foot\n",
            RawHtml::Allow,
            &mut keep,
        );
        assert!(r.html.contains("<del>b</del>"));
        assert!(r.html.contains("“c”"));
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("checkbox"));
        assert!(r.html.contains("footnote"));
    }

    #[test]
    fn links_are_rewritten_unlinked_or_reported() {
        let src = "[a](x.md) [b](y.md) [c](z.md)";
        let r = render(src, RawHtml::Allow, &mut |d| match d {
            "x.md" => LinkTarget::Rewrite("/articles/x/".into()),
            "y.md" => LinkTarget::Unlink,
            _ => LinkTarget::Broken {
                message: "nothing".into(),
                hint: "h".into(),
            },
        });
        assert!(
            r.html.contains(r#"<a href="/articles/x/">a</a>"#),
            "{}",
            r.html
        );
        assert!(r.html.contains(" b "), "{}", r.html);
        assert_eq!(r.problems.len(), 1);
        assert_eq!(r.problems[0].pos, (1, 21));
    }

    #[test]
    fn raw_html_can_be_escaped() {
        let r = render(
            "<script>x</script>\n\nhi <b>b</b>",
            RawHtml::Escape,
            &mut keep,
        );
        assert!(!r.html.contains("<script>"));
        assert!(r.html.contains("&lt;script&gt;"));
    }

    #[test]
    fn counts_words_and_cjk() {
        assert_eq!(count_words("Huawei Cloud's Pangu model"), 4);
        assert_eq!(count_words("阿里云 Tongyi"), 4);
    }

    #[test]
    fn ascii_fast_path_counts_like_the_char_loop() {
        for text in [
            "",
            "Huawei Cloud's Pangu model",
            "阿里云 Tongyi",
            "Tongyi阿里云Qwen-2 l’été — naïve café, 2024年发布 x",
            "ends in é",
            "é starts",
            "a’b c'd e-f ’ - '",
            "Ünïcödé wörds ＡＢＣ ١٢٣ and 42",
        ] {
            assert_eq!(count_words(text), count_words_by_char(text), "{text:?}");
        }
    }

    #[test]
    fn first_paragraph_is_plain_text() {
        let r = render(
            "# T\n\nHello *big*\nworld.\n\nSecond.",
            RawHtml::Allow,
            &mut keep,
        );
        assert_eq!(r.first_paragraph, "Hello big world.");
    }
}

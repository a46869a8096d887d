//! Markdown to HTML with pulldown-cmark: GFM extensions, heading anchors, link rewriting.
//! Pure: the caller decides what a link points at (through `LinkTarget`); this module never looks at
//! the site or the disk.

use crate::model::RawHtml;
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};
use std::collections::{HashMap, HashSet};

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
    let mut used_ids = UsedIds::default();
    // Open heading: its text so far. Its events are held back until its end, when its text, and so
    // its id, is known; every other event streams straight into the HTML, so memory stays
    // proportional to the source rather than to the number of events.
    let mut heading: Option<String> = None;
    let mut held: Vec<Event<'_>> = Vec::new();
    let mut ready: std::vec::IntoIter<Event<'_>> = Vec::new().into_iter();
    let mut in_first_paragraph = 0u8; // 0 = not yet, 1 = inside, 2 = done
    let mut unlinked_depth: Vec<bool> = Vec::new();
    // Images dropped (their alt text kept) because their source would run script.
    let mut unimaged_depth: Vec<bool> = Vec::new();
    let mut image_alt: Option<(Pos, String)> = None;
    let mut lines = LineIndex::new(source);

    let mut parser = Parser::new_ext(source, options()).into_offset_iter();
    let events = std::iter::from_fn(|| loop {
        if let Some(e) = ready.next() {
            return Some(e);
        }
        let (event, range) = parser.next()?;
        match &event {
            Event::Text(t) | Event::Code(t) => {
                out.word_count += count_words(t);
                if let Some(text) = heading.as_mut() {
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
                heading = Some(String::new());
                Event::Start(Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs,
                })
            }
            Event::End(TagEnd::Heading(level)) => {
                if let Some(text) = heading.take() {
                    if let Some(start) = held.first_mut() {
                        set_heading_id(start, &text, &mut used_ids, &mut out.anchors);
                    }
                    held.push(Event::End(TagEnd::Heading(level)));
                    ready = std::mem::take(&mut held).into_iter();
                    continue;
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
                if raw_html == RawHtml::Escape && is_script_url(&dest_url) {
                    unlinked_depth.push(true);
                    continue;
                }
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
                if raw_html == RawHtml::Escape && is_script_url(&dest_url) {
                    unimaged_depth.push(true);
                    continue;
                }
                unimaged_depth.push(false);
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
                if unimaged_depth.pop() == Some(true) {
                    continue;
                }
                Event::End(TagEnd::Image)
            }
            Event::Html(h) | Event::InlineHtml(h) if raw_html == RawHtml::Escape => Event::Text(h),
            other => other,
        };
        if heading.is_some() {
            held.push(event);
            continue;
        }
        return Some(event);
    });
    let mut html = String::with_capacity(source.len() * 5 / 4);
    pulldown_cmark::html::push_html(&mut html, events);
    out.html = html;
    out.first_paragraph = out
        .first_paragraph
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    out
}

/// A destination that runs script when followed (`javascript:`, `vbscript:`, `data:`). Browsers
/// ignore leading blanks and control characters and tabs or newlines inside the scheme, so do we.
fn is_script_url(dest: &str) -> bool {
    let scheme: String = dest
        .chars()
        .filter(|c| !c.is_ascii_control() && *c != ' ')
        .take_while(|c| *c != ':')
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    matches!(scheme.as_str(), "javascript" | "vbscript" | "data") && dest.contains(':')
}

/// Byte offsets to line and column, built on first use: most bodies never need it.
struct LineIndex<'a> {
    source: &'a str,
    starts: Option<Vec<usize>>,
    /// The last answer (offset, line, column): columns are counted on from it when the next offset
    /// is further along the same line, so many links on one long line cost linear time, not quadratic.
    last: Option<(usize, usize, usize)>,
}

impl<'a> LineIndex<'a> {
    fn new(source: &'a str) -> Self {
        LineIndex {
            source,
            starts: None,
            last: None,
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
        let (from, col_from) = match self.last {
            Some((o, l, c)) if l == line && o <= offset => (o, c),
            _ => (start, 1),
        };
        let col = source
            .get(from..offset)
            .map_or(offset - from, |s| s.chars().count())
            + col_from;
        self.last = Some((offset, line, col));
        (line, col)
    }
}

/// Ids already given out, and for each base id the next number to try, so that a thousand
/// headings with the same text cost linear time.
#[derive(Default)]
struct UsedIds {
    ids: HashSet<String>,
    next: HashMap<String, usize>,
}

fn set_heading_id(
    start: &mut Event<'_>,
    text: &str,
    used: &mut UsedIds,
    anchors: &mut Vec<String>,
) {
    if let Event::Start(Tag::Heading { id, .. }) = start {
        let base = match id.as_deref() {
            Some(explicit) => explicit.to_string(),
            None => heading_slug(text),
        };
        let mut candidate = base.clone();
        if used.ids.contains(&candidate) {
            let n = used.next.entry(base.clone()).or_insert(1);
            loop {
                candidate = format!("{base}-{n}");
                *n += 1;
                if !used.ids.contains(&candidate) {
                    break;
                }
            }
        }
        used.ids.insert(candidate.clone());
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
    fn escape_mode_drops_script_urls_but_keeps_their_text() {
        let src = "[click](javascript:alert(1)) [x](<\x01 JaVa\tScRiPt:alert(2)>) ![img](data:text/html,x) [ok](https://e.com)";
        let r = render(src, RawHtml::Escape, &mut keep);
        assert_eq!(r.html.matches("href=").count(), 1, "{}", r.html);
        assert!(!r.html.contains("src="), "{}", r.html);
        assert!(r.html.contains("click") && r.html.contains(r#"href="https://e.com""#));
        let r = render(src, RawHtml::Allow, &mut keep);
        assert!(
            r.html.contains("javascript:"),
            "allow mode trusts the author"
        );
        assert_eq!(r.html.matches("href=").count(), 3, "{}", r.html);
    }

    /// Found by fuzzing (fuzz/markdown_links): the harness took text that reads
    /// `href="javascript:` for a link. It is text, escaped as text; no tag carries the URL.
    #[test]
    fn text_that_reads_like_a_script_link_stays_text() {
        let src = "<div>raw <b>htooom:l</b></div>\n\n<script>alert(1)</sc\x01<</sc\x01\x00\x00/>raw wcript:[lert(1)) ![d](data:textSe/htmh,x) [n](<java\tscript:x>)\nhref=\"javascript:\n## \u{8ba1}\u{7b97} \u{529b}\n\n## \u{8ba1}\u{7b97} \u{52bb}\n</script>";
        let r = render(src, RawHtml::Escape, &mut keep);
        assert!(!r.html.contains("<a "), "{}", r.html);
        assert!(
            r.html.contains("href=\"javascript:"),
            "kept as text: {}",
            r.html
        );
        assert!(
            !r.html.contains("<script") && !r.html.contains("<div"),
            "{}",
            r.html
        );
    }

    #[test]
    fn many_links_on_one_long_line_report_columns() {
        let src = "[a](x) ".repeat(3);
        let r = render(&src, RawHtml::Allow, &mut keep);
        let cols: Vec<usize> = r.links.iter().map(|(p, _)| p.1).collect();
        assert_eq!(cols, [1, 8, 15]);
    }

    #[test]
    fn repeated_headings_get_numbered_ids_without_clashing() {
        let r = render("# A\n\n# A-1\n\n# A\n\n# A\n", RawHtml::Allow, &mut keep);
        assert_eq!(r.anchors, ["a", "a-1", "a-2", "a-3"]);
    }

    #[test]
    fn counts_words_and_cjk() {
        assert_eq!(count_words("Huawei Cloud's Pangu model"), 4);
        assert_eq!(count_words("阿里云 Tongyi"), 4);
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

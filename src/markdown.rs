//! Markdown to HTML with pulldown-cmark: GFM extensions, heading anchors, link rewriting, entity
//! auto-links. Pure: the caller decides what a link points at (through `LinkTarget`) and which names
//! are entities (through `Autolink`); this module never looks at the site or the disk.

use crate::mention::Matcher;
use crate::model::RawHtml;
use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};
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
pub(crate) type Pos = (usize, usize);

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
    /// The first paragraph shortened for lists and feeds (set by the caller, which decides how).
    pub lede: String,
    /// Every link destination as written, with its position, for editorial checks.
    pub links: Vec<(Pos, String)>,
    /// Images that have no alt text.
    pub images_without_alt: Vec<Pos>,
    pub problems: Vec<LinkProblem>,
    /// Entity keys (see `Autolink`) named in the text, sorted, each once.
    pub mentions: Vec<usize>,
    /// A hash of `html` when the caller keeps bodies between builds (`serve`), else 0.
    pub digest: u64,
}

/// What auto-linking needs from the caller: the names to look for and where each entity lives.
/// Entity keys are the caller's; this module only passes them through.
pub(crate) struct Autolink<'a> {
    pub matcher: &'a Matcher,
    /// The URL of each entity key; `None`: record mentions of it, never link them.
    pub urls: &'a [Option<String>],
    /// Which entity a URL (without `#fragment`) belongs to: an explicit link to an entity counts as
    /// its first mention being linked.
    pub by_url: &'a HashMap<String, usize>,
    /// The entity whose own profile this is: never linked to itself.
    pub own: Option<usize>,
    /// Link the first mention of each entity only.
    pub first_only: bool,
}

pub(crate) fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders `source`; `resolve` is asked about every link and image destination.
pub(crate) fn render(
    source: &str,
    raw_html: RawHtml,
    resolve: &mut dyn FnMut(&str) -> LinkTarget,
) -> Rendered {
    render_with(source, raw_html, resolve, None)
}

/// `render`, with entity names found in the text and, where `autolink` allows, linked: never inside
/// code, headings, links (Markdown or raw HTML) or image alt text.
pub(crate) fn render_with(
    source: &str,
    raw_html: RawHtml,
    resolve: &mut dyn FnMut(&str) -> LinkTarget,
    autolink: Option<&Autolink<'_>>,
) -> Rendered {
    let mut body = Body::new(source, raw_html, resolve, autolink);
    for (event, range) in Parser::new_ext(source, options()).into_offset_iter() {
        body.event(event, range.start);
    }
    body.finish(source.len())
}

/// One body being rendered: the events to write so far, and what each concern keeps between
/// events. Each event goes through the same four steps (see `event`).
struct Body<'a, 'r> {
    raw_html: RawHtml,
    resolve: &'r mut dyn FnMut(&str) -> LinkTarget,
    lines: LineIndex<'a>,
    out: Rendered,
    events: Vec<Event<'a>>,
    prose: Prose,
    headings: Headings,
    links: Links,
    names: NameScan<'r, 'r>,
    in_code_block: bool,
    /// Open raw-HTML elements whose text must not be linked (`<a>`, `<code>`, ...).
    raw_depth: usize,
}

impl<'a, 'r> Body<'a, 'r> {
    fn new(
        source: &'a str,
        raw_html: RawHtml,
        resolve: &'r mut dyn FnMut(&str) -> LinkTarget,
        autolink: Option<&'r Autolink<'r>>,
    ) -> Self {
        Body {
            raw_html,
            resolve,
            lines: LineIndex::new(source),
            out: Rendered::default(),
            events: Vec::with_capacity(source.len() / 16),
            prose: Prose::default(),
            headings: Headings::default(),
            links: Links::default(),
            names: NameScan::new(autolink),
            in_code_block: false,
            raw_depth: 0,
        }
    }

    /// One event at byte `offset` of the source: its text is gathered, text runs are held back
    /// for the name scan, the context (code block, raw HTML) is tracked, and the event is
    /// rewritten (heading ids, links, images, escaped HTML) and kept, or dropped.
    fn event(&mut self, event: Event<'a>, offset: usize) {
        self.gather_text(&event);
        if self.hold_text(&event) {
            return;
        }
        self.track_context(&event);
        if let Some(event) = self.rewrite(event, offset) {
            self.events.push(event);
        }
    }

    /// Text goes to the word count and the first paragraph, and to the open heading or alt text.
    fn gather_text(&mut self, event: &Event<'_>) {
        self.prose.see(event, self.headings.is_open());
        if let Event::Text(t) | Event::Code(t) = event {
            self.headings.text(t);
            self.links.alt_text(t);
        }
    }

    /// Runs of text (and the soft breaks inside them) are held back and scanned for names as one
    /// string, so a name wrapped over two source lines is still found. Any other event first
    /// emits the run held so far. True when the event was held back.
    fn hold_text(&mut self, event: &Event<'_>) -> bool {
        match event {
            Event::Text(t) if !self.in_code_block => {
                self.names.pending.push_str(t);
                true
            }
            Event::SoftBreak => {
                self.names.pending.push('\n');
                true
            }
            _ => {
                let linkable =
                    !self.headings.is_open() && self.links.outside() && self.raw_depth == 0;
                self.names.flush(&mut self.events, linkable);
                false
            }
        }
    }

    /// Code blocks, and raw-HTML elements whose text is not prose, until the block ends.
    fn track_context(&mut self, event: &Event<'_>) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => self.in_code_block = true,
            Event::End(TagEnd::CodeBlock) => self.in_code_block = false,
            Event::InlineHtml(h) if self.raw_html == RawHtml::Allow => {
                self.raw_depth = raw_element_depth(self.raw_depth, h)
            }
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::TableCell | TagEnd::Item,
            ) => self.raw_depth = 0,
            _ => {}
        }
    }

    /// The event as written out, or None when it is dropped.
    fn rewrite(&mut self, event: Event<'a>, offset: usize) -> Option<Event<'a>> {
        match event {
            Event::Start(Tag::Heading { .. }) => {
                self.headings.open(self.events.len());
                Some(event)
            }
            Event::End(TagEnd::Heading(_)) => {
                self.headings.close(&mut self.events, &mut self.out.anchors);
                Some(event)
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => match self.start_link(offset, dest_url) {
                Opened::Link(dest_url) => Some(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                })),
                Opened::Dropped => None,
                Opened::Broken(span) => Some(Event::InlineHtml(span.into())),
            },
            Event::End(TagEnd::Link) => match self.links.end_link() {
                LinkEnd::Written => Some(event),
                LinkEnd::Dropped => None,
                LinkEnd::Broken => Some(Event::InlineHtml("</span>".into())),
            },
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => self.start_image(offset, dest_url).map(|dest_url| {
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }),
            Event::End(TagEnd::Image) => self
                .links
                .end_image(&mut self.out.images_without_alt)
                .then_some(event),
            Event::Html(h) | Event::InlineHtml(h) if self.raw_html == RawHtml::Escape => {
                Some(Event::Text(h))
            }
            other => Some(other),
        }
    }

    /// A Markdown link: recorded, then kept, rewritten, unlinked (its text kept) or reported.
    /// A broken link becomes a marked span saying why, never an `href` to a `.md` file that a
    /// preview would serve as a dead link.
    fn start_link(&mut self, offset: usize, dest_url: CowStr<'a>) -> Opened<'a> {
        let pos = self.lines.pos(offset);
        self.out.links.push((pos, dest_url.to_string()));
        if self.raw_html == RawHtml::Escape && is_script_url(&dest_url) {
            self.links.unlinked.push(LinkEnd::Dropped);
            return Opened::Dropped;
        }
        let dest_url = match (self.resolve)(&dest_url) {
            LinkTarget::Keep => dest_url,
            LinkTarget::Rewrite(url) => {
                self.names.explicit_link(&url);
                url.into()
            }
            LinkTarget::Unlink => {
                self.links.unlinked.push(LinkEnd::Dropped);
                return Opened::Dropped;
            }
            LinkTarget::Broken { message, hint } => {
                let span = format!(
                    "<span class=\"broken-link\" title=\"broken link: {}\">",
                    crate::text::escape_html(&message)
                );
                self.out.problems.push(LinkProblem { pos, message, hint });
                self.links.unlinked.push(LinkEnd::Broken);
                return Opened::Broken(span);
            }
        };
        self.links.unlinked.push(LinkEnd::Written);
        Opened::Link(dest_url)
    }

    /// An image: recorded (and its alt text gathered), its source rewritten or reported; None
    /// when it is dropped (a source that would run script), its alt text kept.
    fn start_image(&mut self, offset: usize, dest_url: CowStr<'a>) -> Option<CowStr<'a>> {
        let pos = self.lines.pos(offset);
        self.links.image_alt = Some((pos, String::new()));
        self.out.links.push((pos, dest_url.to_string()));
        if self.raw_html == RawHtml::Escape && is_script_url(&dest_url) {
            self.links.unimaged.push(true);
            return None;
        }
        self.links.unimaged.push(false);
        Some(match (self.resolve)(&dest_url) {
            LinkTarget::Rewrite(url) => CowStr::from(url),
            LinkTarget::Broken { message, hint } => {
                self.out.problems.push(LinkProblem { pos, message, hint });
                dest_url
            }
            LinkTarget::Keep | LinkTarget::Unlink => dest_url,
        })
    }

    /// The last text run, the mentions, the first paragraph on one line, and the HTML.
    fn finish(mut self, source_len: usize) -> Rendered {
        self.names.flush(&mut self.events, true);
        let mut out = self.out;
        out.mentions = self.names.mentioned;
        out.mentions.sort_unstable();
        out.mentions.dedup();
        out.word_count = self.prose.words;
        out.first_paragraph = self
            .prose
            .first_paragraph
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        out.html.reserve(source_len * 5 / 4);
        pulldown_cmark::html::push_html(&mut out.html, self.events.into_iter());
        out
    }
}

/// The words of a body and its first paragraph as plain text.
#[derive(Default)]
struct Prose {
    words: usize,
    first_paragraph: String,
    state: FirstParagraph,
}

#[derive(Default, PartialEq, Eq)]
enum FirstParagraph {
    #[default]
    NotYet,
    Inside,
    Done,
}

impl Prose {
    /// `in_heading`: a heading is open; the first paragraph never starts inside one.
    fn see(&mut self, event: &Event<'_>, in_heading: bool) {
        let inside = self.state == FirstParagraph::Inside;
        match event {
            Event::Text(t) | Event::Code(t) => {
                self.words += crate::text::count_words(t);
                if inside {
                    self.first_paragraph.push_str(t);
                }
            }
            Event::SoftBreak | Event::HardBreak if inside => self.first_paragraph.push(' '),
            Event::Start(Tag::Paragraph) if self.state == FirstParagraph::NotYet && !in_heading => {
                self.state = FirstParagraph::Inside
            }
            Event::End(TagEnd::Paragraph) if inside => self.state = FirstParagraph::Done,
            _ => {}
        }
    }
}

/// The open heading (the index of its Start event in the body's events, its text so far), and
/// the ids given out.
#[derive(Default)]
struct Headings {
    open: Option<(usize, String)>,
    used: UsedIds,
}

impl Headings {
    fn is_open(&self) -> bool {
        self.open.is_some()
    }
    fn open(&mut self, start: usize) {
        self.open = Some((start, String::new()));
    }
    fn text(&mut self, t: &str) {
        if let Some((_, text)) = self.open.as_mut() {
            text.push_str(t);
        }
    }
    /// Gives the heading that ends here its id, now that its whole text is known.
    fn close(&mut self, events: &mut [Event<'_>], anchors: &mut Vec<String>) {
        if let Some((start, text)) = self.open.take() {
            set_heading_id(&mut events[start], &text, &mut self.used, anchors);
        }
    }
}

/// What a link's start became.
enum Opened<'a> {
    /// A link to this destination.
    Link(CowStr<'a>),
    /// Nothing: its text is kept.
    Dropped,
    /// This opening `<span>` marking a broken link.
    Broken(String),
}

/// What a link's end becomes: the same as its start.
#[derive(Clone, Copy, PartialEq, Eq)]
enum LinkEnd {
    Written,
    Dropped,
    Broken,
}

/// The links and images open around the current event.
#[derive(Default)]
struct Links {
    /// One per open link: how its end is written (dropped with its start, or closing a span).
    unlinked: Vec<LinkEnd>,
    /// One per open image: true when it was dropped because its source would run script.
    unimaged: Vec<bool>,
    /// The open image's position and alt text so far.
    image_alt: Option<(Pos, String)>,
}

impl Links {
    /// Outside every link and image alt text: where names may be auto-linked.
    fn outside(&self) -> bool {
        self.unlinked.is_empty() && self.image_alt.is_none()
    }
    fn alt_text(&mut self, t: &str) {
        if let Some((_, alt)) = self.image_alt.as_mut() {
            alt.push_str(t);
        }
    }
    /// How the link's end is written.
    fn end_link(&mut self) -> LinkEnd {
        self.unlinked.pop().unwrap_or(LinkEnd::Written)
    }
    /// Whether the image's end is written; an image without alt text is recorded.
    fn end_image(&mut self, without_alt: &mut Vec<Pos>) -> bool {
        if let Some((pos, alt)) = self.image_alt.take() {
            if alt.trim().is_empty() {
                without_alt.push(pos);
            }
        }
        self.unimaged.pop() != Some(true)
    }
}

/// Held-back text, and what auto-linking has done so far in one body.
struct NameScan<'a, 'b> {
    autolink: Option<&'a Autolink<'b>>,
    pending: String,
    linked: HashSet<usize>,
    mentioned: Vec<usize>,
}

impl<'a, 'b> NameScan<'a, 'b> {
    fn new(autolink: Option<&'a Autolink<'b>>) -> Self {
        NameScan {
            autolink,
            pending: String::new(),
            linked: HashSet::new(),
            mentioned: Vec::new(),
        }
    }

    /// An explicit Markdown link to an entity's page: that entity is linked already.
    fn explicit_link(&mut self, url: &str) {
        if let Some(al) = self.autolink {
            let page = url.split('#').next().unwrap_or(url);
            if let Some(&e) = al.by_url.get(page) {
                self.linked.insert(e);
            }
        }
    }

    /// Emits the held-back text, with entity mentions turned into links where `linkable`.
    fn flush(&mut self, events: &mut Vec<Event<'_>>, linkable: bool) {
        if self.pending.is_empty() {
            return;
        }
        let text = std::mem::take(&mut self.pending);
        let Some(al) = self.autolink else {
            events.push(Event::Text(text.into()));
            return;
        };
        let mut done = 0;
        for m in al.matcher.find(&text) {
            self.mentioned.push(m.entity);
            let Some(Some(url)) = al.urls.get(m.entity) else {
                continue;
            };
            if !linkable
                || al.own == Some(m.entity)
                || (al.first_only && self.linked.contains(&m.entity))
            {
                continue;
            }
            self.linked.insert(m.entity);
            if m.start > done {
                events.push(Event::Text(text[done..m.start].to_string().into()));
            }
            events.push(Event::Start(Tag::Link {
                link_type: LinkType::Inline,
                dest_url: url.clone().into(),
                title: CowStr::Borrowed(""),
                id: CowStr::Borrowed(""),
            }));
            events.push(Event::Text(text[m.start..m.end].to_string().into()));
            events.push(Event::End(TagEnd::Link));
            done = m.end;
        }
        if done == 0 {
            events.push(Event::Text(text.into()));
        } else if done < text.len() {
            events.push(Event::Text(text[done..].to_string().into()));
        }
    }
}

/// Raw inline HTML elements whose content is not prose to link: opening one adds a level, closing
/// one removes it; anything else leaves the depth as it is.
fn raw_element_depth(depth: usize, html: &str) -> usize {
    const NO_LINK: [&str; 8] = ["a", "code", "kbd", "samp", "pre", "script", "style", "svg"];
    let tag = html.trim_start_matches('<');
    let (closing, tag) = match tag.strip_prefix('/') {
        Some(t) => (true, t),
        None => (false, tag),
    };
    let name: String = tag
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    if !NO_LINK.contains(&name.as_str()) || html.trim_end().ends_with("/>") {
        return depth;
    }
    if closing {
        depth.saturating_sub(1)
    } else {
        depth + 1
    }
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
pub(crate) fn heading_slug(text: &str) -> String {
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
        assert!(
            r.html
                .contains(r#"<span class="broken-link" title="broken link: nothing">c</span>"#),
            "{}",
            r.html
        );
        assert!(!r.html.contains("z.md"), "{}", r.html);
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
    fn first_paragraph_is_plain_text() {
        let r = render(
            "# T\n\nHello *big*\nworld.\n\nSecond.",
            RawHtml::Allow,
            &mut keep,
        );
        assert_eq!(r.first_paragraph, "Hello big world.");
    }

    fn autolinked(src: &str, own: Option<usize>) -> Rendered {
        autolinked_with(src, own, true)
    }

    fn autolinked_with(src: &str, own: Option<usize>, first_only: bool) -> Rendered {
        let m = Matcher::new([
            ("Pangu", 0),
            ("Pangu Medical Model", 1),
            ("华为云", 2),
            ("Huawei Cloud", 2),
        ]);
        let urls = [
            Some("/m/pangu/".to_string()),
            Some("/m/pmm/".to_string()),
            Some("/c/hw/".to_string()),
        ];
        let by_url = urls
            .iter()
            .enumerate()
            .map(|(k, u)| (u.clone().unwrap(), k))
            .collect();
        let al = Autolink {
            matcher: &m,
            urls: &urls,
            by_url: &by_url,
            own,
            first_only,
        };
        render_with(
            src,
            RawHtml::Allow,
            &mut |d| LinkTarget::Rewrite(d.to_string()),
            Some(&al),
        )
    }

    #[test]
    fn autolinks_the_first_mention_outside_code_headings_links_and_alt() {
        let r = autolinked(
            "## Pangu\n\n`Pangu` and ![Pangu](p.png) and [the Pangu](x) and <a href=\"y\">Pangu</a>.\n\n```\nPangu\n```\n\nPangu here, Pangu again.\n",
            None,
        );
        assert_eq!(
            r.html.matches(r#"href="/m/pangu/""#).count(),
            1,
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains(r#"<a href="/m/pangu/">Pangu</a> here, Pangu again."#),
            "{}",
            r.html
        );
        assert!(r.html.contains("<h2 id=\"pangu\">Pangu</h2>"), "{}", r.html);
        assert_eq!(r.mentions, [0]);
    }

    #[test]
    fn autolink_prefers_the_longest_name_and_handles_cjk_and_wrapped_names() {
        let r = autolinked(
            "基于华为云的Pangu Medical Model，by Huawei\nCloud and Pangu.",
            None,
        );
        assert!(
            r.html.contains(r#"<a href="/c/hw/">华为云</a>"#),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains(r#"<a href="/m/pmm/">Pangu Medical Model</a>"#),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("by Huawei\nCloud and <a href=\"/m/pangu/\">Pangu</a>."),
            "{}",
            r.html
        );
        assert_eq!(r.mentions, [0, 1, 2]);
    }

    #[test]
    fn autolink_skips_a_profiles_own_entity_and_explicitly_linked_ones() {
        let r = autolinked("[Cloud](/c/hw/) then Huawei Cloud; Pangu is ours.", Some(0));
        assert!(!r.html.contains("/m/pangu/"), "{}", r.html);
        assert_eq!(r.html.matches("/c/hw/").count(), 1, "{}", r.html);
        assert_eq!(r.mentions, [0, 2]);
    }

    #[test]
    fn every_mention_is_linked_unless_first_only() {
        let r = autolinked_with("Pangu, Pangu and ## Pangu.", None, false);
        assert_eq!(
            r.html.matches(r#"href="/m/pangu/""#).count(),
            3,
            "{}",
            r.html
        );
    }

    #[test]
    fn raw_inline_html_depth_tracks_no_link_elements() {
        assert_eq!(raw_element_depth(0, "<a href=\"x\">"), 1);
        assert_eq!(raw_element_depth(1, "</a>"), 0);
        assert_eq!(raw_element_depth(0, "<abbr>"), 0);
        assert_eq!(raw_element_depth(0, "<br/>"), 0);
        assert_eq!(raw_element_depth(0, "</code>"), 0);
    }
}

//! Markdown to HTML with pulldown-cmark: GFM extensions, heading ids unique on the page,
//! footnotes (`footnotes.rs`), smart punctuation outside code and literal raw HTML, link
//! rewriting, entity auto-links, no control characters in the HTML. Pure: the caller decides what a link points at (through `LinkTarget`) and which names
//! are entities (through `Autolink`); this module never looks at the site or the disk.

mod footnotes;

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
    /// A local image with variants: an image is written as `{open}<img src="{src}"{attrs}
    /// alt="..." title="...">{close}` (attributes already escaped); a link gets `src`.
    Picture {
        src: String,
        open: String,
        attrs: String,
        close: String,
    },
}

/// A 1-based line and column in the Markdown source.
pub(crate) type Pos = (usize, usize);

/// A problem found while rendering, at its position in the Markdown source.
#[derive(Debug, Clone)]
pub struct LinkProblem {
    pub pos: Pos,
    pub message: String,
    pub hint: String,
    /// A warning (the page is built as written) rather than an error.
    pub warning: bool,
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
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders `source`; `resolve` is asked about every link and image destination. Smart
/// punctuation is ours (`text::smarten`), not pulldown-cmark's: it must leave raw HTML's literal
/// elements (`<code>--force</code>`) as written, and front-matter text gets the same.
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
    /// Open raw-HTML elements whose text must not be linked (`<a>`, `<code>`, `<button>`, ...).
    raw_depth: usize,
    /// Open raw-HTML elements whose text is literal, never smartened (`<code>`, `<kbd>`, ...).
    literal_depth: usize,
    /// The last character of prose written in this block, for `text::smarten`.
    prev: Option<char>,
    /// Where a raw-HTML `<!--` opened that no `-->` has closed yet (a byte offset).
    open_comment: Option<usize>,
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
            literal_depth: 0,
            prev: None,
            open_comment: None,
        }
    }

    /// One event at byte `offset` of the source: its text is gathered, text runs are held back
    /// for the name scan, the context (code block, raw HTML) is tracked, and the event is
    /// rewritten (heading ids, links, images, escaped HTML) and kept, or dropped.
    fn event(&mut self, event: Event<'a>, offset: usize) {
        self.gather_text(&event);
        self.track_comment(&event, offset);
        if self.hold_text(&event) {
            return;
        }
        self.track_context(&event);
        if let Some(event) = self.rewrite(event, offset) {
            self.events.push(event);
        }
    }

    /// Raw HTML passed through as written: a `<!--` that nothing closes hides the rest of the page
    /// in a browser, so it is remembered until a `-->` comes.
    fn track_comment(&mut self, event: &Event<'_>, offset: usize) {
        let (Event::Html(h) | Event::InlineHtml(h)) = event else {
            return;
        };
        if self.raw_html == RawHtml::Escape {
            return;
        }
        let mut at = 0;
        loop {
            let rest = &h[at..];
            match self.open_comment {
                None => match rest.find("<!--") {
                    Some(i) => {
                        self.open_comment = Some(offset + at + i);
                        at += i + 4;
                    }
                    None => return,
                },
                Some(_) => match rest.find("-->") {
                    Some(i) => {
                        self.open_comment = None;
                        at += i + 3;
                    }
                    None => return,
                },
            }
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
                let prev = (self.literal_depth == 0).then_some(&mut self.prev);
                self.names.flush(&mut self.events, linkable, prev);
                false
            }
        }
    }

    /// Code blocks, and raw-HTML elements whose text is not prose, until the block ends; the
    /// character before the next text, for smart quotes.
    fn track_context(&mut self, event: &Event<'_>) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => self.in_code_block = true,
            Event::End(TagEnd::CodeBlock) => self.in_code_block = false,
            Event::InlineHtml(h) if self.raw_html == RawHtml::Allow => {
                if let Some((opens, element)) = raw_element(h) {
                    let step = |d: usize| if opens { d + 1 } else { d.saturating_sub(1) };
                    if element.no_link {
                        self.raw_depth = step(self.raw_depth);
                    }
                    if element.literal {
                        self.literal_depth = step(self.literal_depth);
                    }
                }
            }
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::TableCell | TagEnd::Item,
            ) => {
                self.raw_depth = 0;
                self.literal_depth = 0;
            }
            _ => {}
        }
        match event {
            Event::Code(t) => self.prev = t.chars().next_back().or(self.prev),
            Event::HardBreak | Event::SoftBreak => self.prev = Some(' '),
            Event::Start(t) if is_block(t) => self.prev = None,
            Event::End(t) if is_block_end(t) => self.prev = None,
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
            }) => self.start_image(offset, dest_url, &title).map(|dest_url| {
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }),
            Event::End(TagEnd::Image) => {
                let picture = self.links.pictures.pop().flatten();
                let alt = self.links.image_alt.as_ref().map(|(_, a)| a.clone());
                let written = self.links.end_image(&mut self.out.images_without_alt);
                match picture {
                    Some(p) if written => Some(self.picture(p, &alt.unwrap_or_default())),
                    _ => written.then_some(event),
                }
            }
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
            LinkTarget::Rewrite(url) | LinkTarget::Picture { src: url, .. } => {
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
                self.out.problems.push(LinkProblem {
                    pos,
                    message,
                    hint,
                    warning: false,
                });
                self.links.unlinked.push(LinkEnd::Broken);
                return Opened::Broken(span);
            }
        };
        self.links.unlinked.push(LinkEnd::Written);
        Opened::Link(dest_url)
    }

    /// An image: recorded (and its alt text gathered), its source rewritten or reported; None
    /// when it is dropped (a source that would run script), its alt text kept.
    fn start_image(
        &mut self,
        offset: usize,
        dest_url: CowStr<'a>,
        title: &str,
    ) -> Option<CowStr<'a>> {
        let pos = self.lines.pos(offset);
        self.links.image_alt = Some((pos, String::new()));
        self.out.links.push((pos, dest_url.to_string()));
        if self.raw_html == RawHtml::Escape && is_script_url(&dest_url) {
            self.links.unimaged.push(true);
            self.links.pictures.push(None);
            return None;
        }
        self.links.unimaged.push(false);
        let (dest, picture) = match (self.resolve)(&dest_url) {
            LinkTarget::Rewrite(url) => (CowStr::from(url), None),
            LinkTarget::Broken { message, hint } => {
                self.out.problems.push(LinkProblem {
                    pos,
                    message,
                    hint,
                    warning: false,
                });
                (dest_url, None)
            }
            LinkTarget::Keep | LinkTarget::Unlink => (dest_url, None),
            p @ LinkTarget::Picture { .. } => (dest_url, Some(p)),
        };
        let at = self.events.len();
        self.links
            .pictures
            .push(picture.map(|p| (at, p, title.to_string())));
        Some(dest)
    }

    /// The image's events since its start (its alt text) become one `<img>` with its `srcset`.
    fn picture(&mut self, (at, target, title): Picture, alt: &str) -> Event<'a> {
        self.events.truncate(at);
        let LinkTarget::Picture {
            src,
            open,
            attrs,
            close,
        } = target
        else {
            unreachable!("only pictures are kept")
        };
        let title = match title.is_empty() {
            true => String::new(),
            false => format!(" title=\"{}\"", crate::text::escape_html(&title)),
        };
        let alt = crate::text::escape_html(alt);
        let src = crate::text::escape_html(&src);
        Event::InlineHtml(
            format!("{open}<img src=\"{src}\"{attrs} alt=\"{alt}\"{title}>{close}").into(),
        )
    }

    /// The last text run, the mentions, the first paragraph on one line, and the HTML.
    fn finish(mut self, source_len: usize) -> Rendered {
        if let Some(at) = self.open_comment {
            self.out.problems.push(LinkProblem {
                pos: self.lines.pos(at),
                message: "this `<!--` is never closed: it hides the rest of the text".into(),
                hint: "end the comment with `-->`, or write `\\<!--` to show it as text".into(),
                warning: true,
            });
        }
        let prev = (self.literal_depth == 0).then_some(&mut self.prev);
        self.names.flush(&mut self.events, true, prev);
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
        let events = footnotes::place(self.events, &mut self.headings.used, &mut out.anchors);
        out.html.reserve(source_len * 5 / 4);
        pulldown_cmark::html::push_html(&mut out.html, events.into_iter());
        // The one pass that keeps control characters out of the body, whether they came as text,
        // code or raw HTML; the templates' escaper does the same for every other value.
        if let std::borrow::Cow::Owned(clean) = crate::text::clean_controls(&out.html) {
            out.html = clean;
        }
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
    /// One per open image: where its events start, its variants and title, when it has them.
    pictures: Vec<Option<Picture>>,
}

/// An image written with its `srcset`: where its events start, the target, the title.
type Picture = (usize, LinkTarget, String);

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

    /// Emits the held-back text, with entity mentions turned into links where `linkable`, and
    /// smartened (`text::smarten`) when `prev` is given: the names are found in the text as
    /// written, then each piece is smartened in order.
    fn flush(
        &mut self,
        events: &mut Vec<Event<'_>>,
        linkable: bool,
        mut prev: Option<&mut Option<char>>,
    ) {
        if self.pending.is_empty() {
            return;
        }
        let text = std::mem::take(&mut self.pending);
        let mut piece = |t: &str| -> CowStr<'static> {
            match prev.as_deref_mut() {
                Some(p) => crate::text::smarten(t, p).into(),
                None => t.to_string().into(),
            }
        };
        let Some(al) = self.autolink else {
            events.push(Event::Text(piece(&text)));
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
                events.push(Event::Text(piece(&text[done..m.start])));
            }
            events.push(Event::Start(Tag::Link {
                link_type: LinkType::Inline,
                dest_url: url.clone().into(),
                title: CowStr::Borrowed(""),
                id: CowStr::Borrowed(""),
            }));
            events.push(Event::Text(piece(&text[m.start..m.end])));
            events.push(Event::End(TagEnd::Link));
            done = m.end;
        }
        if done < text.len() {
            events.push(Event::Text(piece(&text[done..])));
        }
    }
}

/// What a raw-HTML element's content is to us.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RawElement {
    /// A link inside it is invalid or would change what it is (`<a>`, `<button>`, `<textarea>`).
    no_link: bool,
    /// Its text is written as it is, never smartened (`<code>`, `<kbd>`, `<script>`).
    literal: bool,
}

/// The raw-HTML elements whose content is not ordinary prose; any other element is.
const RAW_ELEMENTS: &[(&str, RawElement)] = {
    const BOTH: RawElement = RawElement {
        no_link: true,
        literal: true,
    };
    const NO_LINK: RawElement = RawElement {
        no_link: true,
        literal: false,
    };
    &[
        ("a", NO_LINK),
        ("button", NO_LINK),
        ("label", NO_LINK),
        ("select", BOTH),
        ("option", BOTH),
        ("textarea", BOTH),
        ("code", BOTH),
        ("kbd", BOTH),
        ("samp", BOTH),
        ("var", BOTH),
        ("tt", BOTH),
        ("pre", BOTH),
        ("script", BOTH),
        ("style", BOTH),
        ("template", BOTH),
        ("title", BOTH),
        ("iframe", BOTH),
        ("noscript", BOTH),
        ("object", BOTH),
        ("svg", BOTH),
        ("math", BOTH),
    ]
};

/// A piece of raw inline HTML that opens (true) or closes (false) one of `RAW_ELEMENTS`; None for
/// anything else (other elements, self-closing tags, comments).
fn raw_element(html: &str) -> Option<(bool, RawElement)> {
    let tag = html.trim_start().strip_prefix('<')?;
    let (closing, tag) = match tag.strip_prefix('/') {
        Some(t) => (true, t),
        None => (false, tag),
    };
    let name: String = tag
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    let (_, element) = RAW_ELEMENTS.iter().find(|(n, _)| *n == name)?;
    if html.trim_end().ends_with("/>") {
        return None;
    }
    Some((!closing, *element))
}

/// Tags that begin or end a block: smart quotes start afresh in each.
fn is_block(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Paragraph
            | Tag::Heading { .. }
            | Tag::BlockQuote(_)
            | Tag::CodeBlock(_)
            | Tag::Item
            | Tag::TableCell
            | Tag::FootnoteDefinition(_)
    )
}

fn is_block_end(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::BlockQuote(_)
            | TagEnd::CodeBlock
            | TagEnd::Item
            | TagEnd::TableCell
            | TagEnd::FootnoteDefinition
    )
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

/// The ids the built-in theme's templates write on pages that show a body (`id="main"`, ...):
/// a heading or footnote never takes one, so every id on a page is unique. The theme's test
/// (`render::theme`) holds this list to the templates.
pub(crate) const THEME_IDS: &[&str] = &[
    "also-mentioned",
    "main",
    "masthead-q",
    "notfound-q",
    "related-reading",
    "search",
    "search-filters",
    "search-help",
    "search-more",
    "search-q",
    "search-results",
    "search-status",
];

/// Ids already given out (the theme's to begin with), and for each base id the next number to
/// try, so that a thousand headings with the same text cost linear time.
struct UsedIds {
    ids: HashSet<String>,
    next: HashMap<String, usize>,
}

impl Default for UsedIds {
    fn default() -> Self {
        UsedIds {
            ids: THEME_IDS.iter().map(|s| s.to_string()).collect(),
            next: HashMap::new(),
        }
    }
}

impl UsedIds {
    /// `base` if it is free, else the first free `base-1`, `base-2`, ...; taken from now on.
    fn give(&mut self, base: &str) -> String {
        let mut candidate = base.to_string();
        if self.ids.contains(&candidate) {
            let n = self.next.entry(base.to_string()).or_insert(1);
            loop {
                candidate = format!("{base}-{n}");
                *n += 1;
                if !self.ids.contains(&candidate) {
                    break;
                }
            }
        }
        self.ids.insert(candidate.clone());
        candidate
    }
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
        let candidate = used.give(&base);
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
        assert!(r.html.contains("footnote-ref"));
    }

    #[test]
    fn footnotes_are_a_numbered_list_with_links_back() {
        let src = "## X\n\nA[^x] b[^1] c[^x] d[^nope].\n\n[^1]: One.\n[^x]: Ex, with a note[^1].\n\n[^unused]: Never cited.\n";
        let r = render(src, RawHtml::Allow, &mut keep);
        let h = &r.html;
        // `## X` took `x`; the notes have ids of their own.
        assert!(h.contains(r#"<h2 id="x">"#), "{h}");
        assert!(
            h.contains(r##"<sup class="footnote-ref"><a href="#fn-x" id="fnref-x">1</a></sup>"##),
            "{h}"
        );
        assert!(h.contains(r##"<a href="#fn-1" id="fnref-1">2</a>"##), "{h}");
        assert!(
            h.contains(r##"<a href="#fn-x" id="fnref-x-2">1</a>"##),
            "{h}"
        );
        assert!(
            h.contains(r##"<a href="#fn-1" id="fnref-1-2">2</a>"##),
            "{h}"
        );
        assert!(
            h.contains("d[^nope]."),
            "an undefined note stays as written: {h}"
        );
        // The list, in the order of first citation, after the body.
        let list = &h[h.find(r#"<section class="footnotes""#).expect(h)..];
        let (x, one, unused) = (
            list.find(r#"<li id="fn-x">"#).expect(h),
            list.find(r#"<li id="fn-1">"#).expect(h),
            list.find(r#"<li id="fn-unused">"#).expect(h),
        );
        assert!(x < one && one < unused, "{list}");
        assert!(
            list.contains(r##"<a href="#fnref-x-2" class="footnote-backref" aria-label="Back to reference 1-2">↩</a></p>"##),
            "{list}"
        );
        assert!(
            list.contains(r##"One. <a href="#fnref-1" class="footnote-backref" aria-label="Back to reference 2-1">↩</a>"##),
            "{list}"
        );
        assert!(!h.contains(r#"id="1""#), "{h}");
        assert!(r.anchors.contains(&"fn-x".to_string()));
    }

    #[test]
    fn heading_ids_avoid_the_themes_ids_and_footnote_ids() {
        let r = render(
            "## Main\n\n## Search {#search}\n\n## Fn X\n\nA[^x]\n\n[^x]: note\n",
            RawHtml::Allow,
            &mut keep,
        );
        assert_eq!(r.anchors[..3], ["main-1", "search-1", "fn-x"]);
        assert!(r.html.contains(r#"<li id="fn-x-1">"#), "{}", r.html);
    }

    /// Every id in `html`, in order.
    fn ids(html: &str) -> Vec<&str> {
        html.match_indices(" id=\"")
            .map(|(i, _)| {
                let rest = &html[i + 5..];
                &rest[..rest.find('"').unwrap()]
            })
            .collect()
    }

    #[test]
    fn ids_are_unique_whatever_the_headings_and_notes_are_called() {
        let names = [
            "main", "Main", "fn-x", "fnref-x", "x", "X-1", "1", "<b>\"", "计算", "--",
        ];
        for mode in [RawHtml::Allow, RawHtml::Escape] {
            let mut src = String::new();
            for (i, n) in names.iter().enumerate() {
                src.push_str(&format!(
                    "## {n}\n\n## {n} {{#{}}}\n\nCite[^{n}] and[^{n}] [^{i}]\n\n",
                    names[(i + 1) % names.len()]
                ));
            }
            for (i, n) in names.iter().enumerate() {
                src.push_str(&format!("[^{n}]: Note {n}[^{i}].\n[^{i}]: Other.\n"));
            }
            let r = render(&src, mode, &mut keep);
            assert!(!r.html.contains("footnote-reference"), "{}", r.html);
            // The list's numbers are the references' numbers: the n-th note is cited as n.
            let list = &r.html[r.html.find("<section").unwrap()..];
            for (n, (i, _)) in list.match_indices("<li id=\"").enumerate() {
                let id = &list[i + 8..];
                let id = &id[..id.find('"').unwrap()];
                let cited = format!("<a href=\"#{id}\" id=");
                if let Some(at) = r.html.find(&cited) {
                    let number = &r.html[at..];
                    let number =
                        &number[number.find('>').unwrap() + 1..number.find("</a>").unwrap()];
                    assert_eq!(number, (n + 1).to_string(), "{id}: {}", r.html);
                }
            }
            let found = ids(&r.html);
            let unique: HashSet<&str> = found.iter().copied().collect();
            assert_eq!(unique.len(), found.len(), "{}", r.html);
            for theme in THEME_IDS {
                assert!(!unique.contains(theme), "{theme}: {}", r.html);
            }
            // Every reference and link back lands on an id.
            for (i, _) in r.html.match_indices("href=\"#") {
                let rest = &r.html[i + 7..];
                let target = &rest[..rest.find('"').unwrap()];
                assert!(unique.contains(target), "#{target}: {}", r.html);
            }
        }
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
    fn raw_elements_are_told_apart() {
        let code = raw_element("<code>").unwrap();
        assert!(code.0 && code.1.no_link && code.1.literal);
        assert_eq!(raw_element("</CODE>"), Some((false, code.1)));
        let a = raw_element("<a href=\"x\">").unwrap();
        assert!(a.0 && a.1.no_link && !a.1.literal);
        assert_eq!(raw_element("<abbr>"), None);
        assert_eq!(raw_element("<br/>"), None);
        assert_eq!(raw_element("<code/>"), None);
    }
}

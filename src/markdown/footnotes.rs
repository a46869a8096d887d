//! Footnotes as readers expect them: a numbered reference (`<sup><a href="#fn-x" id="fnref-x">1`)
//! and, at the end of the body, one list of the notes, each with a way back (↩) to where it was
//! cited. The ids are given out by the body's `UsedIds`, after the headings' ids, so they are
//! unique on the page. Rewrites the body's events; never parses Markdown itself.

use super::{heading_slug, UsedIds};
use crate::text::escape_html;
use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use std::collections::HashMap;

/// One footnote definition: its label, its events, and the ids given to it.
struct Note<'a> {
    label: CowStr<'a>,
    events: Vec<Event<'a>>,
    /// Its number: its place in the list, which is the order the notes are first cited; None
    /// until it is listed.
    number: Option<usize>,
    id: String,
    /// The id of each reference to it, in order.
    refs: Vec<String>,
}

/// `events` with footnote references rewritten and the definitions moved into one list at the
/// end. Definitions come in the order they are first cited; ones never cited follow, still shown
/// (the writer's text is never dropped). The list's numbers are the references' numbers. A reference to a label
/// with no definition stays as written, `[^label]`. The notes' ids go to `anchors`.
pub(super) fn place<'a>(
    events: Vec<Event<'a>>,
    used: &mut UsedIds,
    anchors: &mut Vec<String>,
) -> Vec<Event<'a>> {
    if !events.iter().any(|e| {
        matches!(
            e,
            Event::FootnoteReference(_) | Event::Start(Tag::FootnoteDefinition(_))
        )
    }) {
        return events;
    }
    let (mut main, mut notes, by_label) = split(events);
    for n in notes.iter_mut() {
        n.id = used.give(&format!("fn-{}", heading_slug(&n.label)));
        anchors.push(n.id.clone());
    }
    let mut list = List {
        order: Vec::new(),
        listed: vec![false; notes.len()],
        numbered: 0,
    };
    cite(&mut main, &mut notes, &by_label, &mut list, used);
    // References inside notes count too, in the order the notes are listed; a note never cited
    // is listed after the cited ones, and what it cites after it.
    let mut k = 0;
    loop {
        while k < list.order.len() {
            let i = list.order[k];
            let mut inner = std::mem::take(&mut notes[i].events);
            cite(&mut inner, &mut notes, &by_label, &mut list, used);
            notes[i].events = inner;
            k += 1;
        }
        match list.listed.iter().position(|l| !l) {
            Some(i) => {
                // Numbered as it is listed, so the list's numbers stay those of the references.
                list.numbered += 1;
                notes[i].number = Some(list.numbered);
                list.listed[i] = true;
                list.order.push(i);
            }
            None => break,
        }
    }
    main.push(Event::Html(
        "<section class=\"footnotes\" role=\"doc-endnotes\">\n<ol>\n".into(),
    ));
    for i in list.order {
        list_item(&mut main, std::mem::take(&mut notes[i]));
    }
    main.push(Event::Html("</ol>\n</section>\n".into()));
    main
}

/// The events outside any definition, the definitions, and each label's definition (the first,
/// when a label is defined twice).
fn split(events: Vec<Event<'_>>) -> (Vec<Event<'_>>, Vec<Note<'_>>, HashMap<String, usize>) {
    let mut main = Vec::with_capacity(events.len());
    let mut notes: Vec<Note<'_>> = Vec::new();
    let mut by_label = HashMap::new();
    let mut open: Option<usize> = None;
    for e in events {
        match e {
            Event::Start(Tag::FootnoteDefinition(label)) => {
                by_label.entry(label.to_lowercase()).or_insert(notes.len());
                open = Some(notes.len());
                notes.push(Note {
                    label,
                    events: Vec::new(),
                    number: None,
                    id: String::new(),
                    refs: Vec::new(),
                });
            }
            Event::End(TagEnd::FootnoteDefinition) => open = None,
            e => match open {
                Some(i) => notes[i].events.push(e),
                None => main.push(e),
            },
        }
    }
    (main, notes, by_label)
}

/// The notes in the order they are listed.
struct List {
    order: Vec<usize>,
    /// By note: whether it is in `order` yet.
    listed: Vec<bool>,
    /// How many notes have a number so far.
    numbered: usize,
}

/// Rewrites the references in `events`: each cited note gets its number (and a place in the
/// list) the first time, and each reference its own id.
fn cite<'a>(
    events: &mut [Event<'a>],
    notes: &mut [Note<'a>],
    by_label: &HashMap<String, usize>,
    list: &mut List,
    used: &mut UsedIds,
) {
    for e in events.iter_mut() {
        let Event::FootnoteReference(label) = e else {
            continue;
        };
        let Some(&i) = by_label.get(&label.to_lowercase()) else {
            *e = Event::Text(format!("[^{label}]").into());
            continue;
        };
        let note = &mut notes[i];
        let number = *note.number.get_or_insert_with(|| {
            list.numbered += 1;
            list.numbered
        });
        if !list.listed[i] {
            list.listed[i] = true;
            list.order.push(i);
        }
        let base = format!("fnref-{}", heading_slug(&note.label));
        let id = used.give(&if note.refs.is_empty() {
            base
        } else {
            format!("{base}-{}", note.refs.len() + 1)
        });
        *e = Event::InlineHtml(
            format!(
                "<sup class=\"footnote-ref\"><a href=\"#{}\" id=\"{}\">{number}</a></sup>",
                escape_html(&note.id),
                escape_html(&id)
            )
            .into(),
        );
        note.refs.push(id);
    }
}

/// One note of the list: its text, then a link back to each reference to it, inside its last
/// paragraph when it ends with one.
fn list_item<'a>(out: &mut Vec<Event<'a>>, note: Note<'a>) {
    out.push(Event::Html(
        format!("<li id=\"{}\">\n", escape_html(&note.id)).into(),
    ));
    let mut events = note.events;
    let ends_in_paragraph = matches!(events.last(), Some(Event::End(TagEnd::Paragraph)));
    let closing = if ends_in_paragraph {
        events.pop()
    } else {
        None
    };
    out.extend(events);
    let number = note.number.unwrap_or(0);
    let mut back = String::new();
    for (k, r) in note.refs.iter().enumerate() {
        let label = if note.refs.len() == 1 {
            format!("Back to reference {number}")
        } else {
            format!("Back to reference {number}-{}", k + 1)
        };
        back.push_str(&format!(
            " <a href=\"#{}\" class=\"footnote-backref\" aria-label=\"{label}\">↩</a>",
            escape_html(r)
        ));
    }
    if !back.is_empty() {
        out.push(Event::InlineHtml(back.into()));
    }
    out.extend(closing);
    out.push(Event::Html("</li>\n".into()));
}

impl Default for Note<'_> {
    fn default() -> Self {
        Note {
            label: CowStr::Borrowed(""),
            events: Vec::new(),
            number: None,
            id: String::new(),
            refs: Vec::new(),
        }
    }
}

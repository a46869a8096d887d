//! The documents of the index (articles, then companies, models, themes): the words each is
//! found by, and the small file the script fetches to show it as a result. Never builds postings.

use super::words::{html_text, lowercase, term, tokens, Token};
use super::{escape_markup, kind_code, Field, Map, TEXT_CHARS};
use crate::link::{ArticleNode, SiteGraph, Standing};
use crate::model::Kind;
use serde::Serialize;

/// One document, borrowed from the graph.
pub(super) struct Source<'a> {
    kind: Kind,
    title: &'a str,
    url: &'a str,
    date: Option<String>,
    summary: &'a str,
    aliases: &'a [String],
    html: &'a str,
    /// The names and aliases of the entities an article's front matter names: an article about
    /// Alibaba Cloud is found by 阿里云.
    names: Vec<&'a str>,
    standing: Option<Standing>,
}

pub(super) fn sources(graph: &SiteGraph) -> Vec<Source<'_>> {
    let mut out: Vec<Source<'_>> = graph.articles.iter().map(|a| article(graph, a)).collect();
    let entity = |kind, title, url, aliases, html| Source {
        kind,
        title,
        url,
        date: None,
        summary: "",
        aliases,
        html,
        names: Vec::new(),
        standing: None,
    };
    for c in &graph.companies {
        let (co, html) = (&c.company, c.profile.html.as_str());
        out.push(entity(
            Kind::Company,
            &co.name,
            &c.url,
            &co.aliases[..],
            html,
        ));
    }
    for m in &graph.models {
        let (mo, html) = (&m.model, m.profile.html.as_str());
        out.push(entity(Kind::Model, &mo.name, &m.url, &mo.aliases[..], html));
    }
    for t in &graph.themes {
        let html = t.profile.html.as_str();
        out.push(entity(Kind::Theme, &t.theme.name, &t.url, &[][..], html));
    }
    out
}

fn article<'a>(graph: &'a SiteGraph, a: &'a ArticleNode) -> Source<'a> {
    let mut names = Vec::new();
    for &c in &a.companies {
        let co = &graph.companies[c].company;
        names.push(co.name.as_str());
        names.extend(co.aliases.iter().map(String::as_str));
    }
    for &m in &a.models {
        let mo = &graph.models[m].model;
        names.push(mo.name.as_str());
        names.extend(mo.aliases.iter().map(String::as_str));
    }
    for &t in &a.themes {
        names.push(graph.themes[t].theme.name.as_str());
    }
    Source {
        kind: Kind::Article,
        title: &a.article.title,
        url: &a.url,
        date: Some(a.article.date.iso_date()),
        summary: a.summary(),
        aliases: &[],
        html: &a.body.html,
        names,
        standing: (a.standing != Standing::Published).then_some(a.standing),
    }
}

#[derive(Serialize)]
struct DocFile<'a> {
    k: &'static str,
    t: &'a str,
    u: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    d: Option<&'a str>,
    s: &'a str,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    a: &'a [String],
    x: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    st: Option<Standing>,
}

impl Source<'_> {
    /// The document's terms and its own file (JSON), from one pass over its HTML.
    pub(super) fn prepare(&self) -> (super::Words, String) {
        let text = html_text(self.html);
        let words = self.words(&text);
        (words, self.json(text))
    }

    /// Every distinct term of the document and the best field it occurs in.
    fn words(&self, text: &str) -> super::Words {
        let mut texts: Vec<(String, Field)> = vec![(lowercase(self.title), Field::Title)];
        texts.extend(self.aliases.iter().map(|a| (lowercase(a), Field::Title)));
        texts.extend(self.names.iter().map(|n| (lowercase(n), Field::Entity)));
        texts.push((lowercase(self.summary), Field::Summary));
        texts.push((lowercase(text), Field::Body));
        // Keyed by slices of the lowercased texts: no allocation per word.
        let mut best: Map<&str, Field> = Map::default();
        for (lower, field) in &texts {
            tokens(lower, |t| {
                let (Token::Word(w) | Token::Cjk(w)) = t;
                let f = best.entry(w).or_insert(*field);
                *f = (*f).max(*field);
            });
        }
        // Two words may share a stem ("hospital", "hospitals"): one term, the better field.
        let mut terms: Map<Box<str>, Field> = Map::default();
        for (w, f) in best {
            let t = term(w);
            let e = terms.entry(t).or_insert(f);
            *e = (*e).max(f);
        }
        terms.into_iter().collect()
    }

    /// The document's own file, as JSON.
    fn json(&self, text: String) -> String {
        let x = match text.char_indices().nth(TEXT_CHARS) {
            Some((i, _)) => text[..i].to_string(),
            None => text,
        };
        let file = DocFile {
            k: kind_code(self.kind),
            t: self.title,
            u: self.url,
            d: self.date.as_deref(),
            s: self.summary,
            a: self.aliases,
            x,
            st: self.standing,
        };
        escape_markup(serde_json::to_string(&file).expect("plain data"))
    }
}

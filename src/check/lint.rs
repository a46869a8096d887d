//! The editor's lint over a linked site: one function per rule, and `RULES`, the one list that
//! names them. A rule only reads the graph and pushes warnings or errors; it never reads the disk,
//! and never reports what `build` itself rejects (that is the `build` rule of `check`).

use crate::check::{rules, Finding};
use crate::error::Diagnostic;
use crate::link::SiteGraph;
use crate::markdown::Rendered;
use crate::model::{display_path, Kind, Origin, Status};
use crate::url::UrlProblem;
use chrono::{DateTime, Utc};
use std::collections::hash_map::{Entry, HashMap};

/// What a rule looks at: the linked site, and the instant `check` runs (for dates).
pub(crate) struct Site<'a> {
    pub(crate) graph: &'a SiteGraph,
    pub(crate) now: DateTime<Utc>,
}

/// A rule finds its problems in the site and pushes them; `lint` files them under its name.
type Rule = fn(&Site<'_>, &mut Vec<Diagnostic>);

/// Every lint rule, by the name `--format json` gives its findings. A new rule is a function
/// below and one line here.
const RULES: &[(&str, Rule)] = &[
    (rules::DUPLICATE_TITLE, duplicate_titles),
    (rules::MISSING_SUMMARY, missing_summaries),
    (rules::UNNAMED_ENTITY, unnamed_entities),
    (rules::FUTURE_DATE, future_dates),
    (rules::IMAGE_ALT, images_without_alt),
    (rules::EXTERNAL_URL, malformed_urls),
];

/// The editorial rules over a linked site. Pure.
pub(crate) fn lint(graph: &SiteGraph, now: DateTime<Utc>) -> Vec<Finding> {
    let site = Site { graph, now };
    let mut out = Vec::new();
    let mut found = Vec::new();
    for &(rule, find) in RULES {
        find(&site, &mut found);
        out.extend(
            found
                .drain(..)
                .map(|diagnostic| Finding { rule, diagnostic }),
        );
    }
    out
}

/// A company, model or theme as the rules see it.
struct Entity<'a> {
    kind: Kind,
    origin: &'a Origin,
    name: &'a str,
    has_summary: bool,
    /// Indices into `SiteGraph::articles` of the articles that list it.
    articles: &'a [usize],
}

impl Entity<'_> {
    fn noun(&self) -> &'static str {
        self.kind.noun()
    }
    /// The front-matter key articles list it under, which is also its list page's name.
    fn plural(&self) -> &'static str {
        self.kind.folder()
    }
}

fn entities(graph: &SiteGraph) -> impl Iterator<Item = Entity<'_>> {
    let entity = |kind, origin, name, summary: &Option<String>, articles| Entity {
        kind,
        origin,
        name,
        has_summary: summary.is_some(),
        articles,
    };
    let companies = graph.companies.iter().map(move |n| {
        let c = &n.company;
        entity(Kind::Company, &c.origin, &c.name, &c.summary, &n.articles)
    });
    let models = graph.models.iter().map(move |n| {
        let m = &n.model;
        entity(Kind::Model, &m.origin, &m.name, &m.summary, &n.articles)
    });
    let themes = graph.themes.iter().map(move |n| {
        let t = &n.theme;
        entity(Kind::Theme, &t.origin, &t.name, &t.summary, &n.articles)
    });
    companies.chain(models).chain(themes)
}

/// Duplicate titles and names: readers tell items apart by them, and import matches names.
fn duplicate_titles(site: &Site<'_>, out: &mut Vec<Diagnostic>) {
    let articles = site.graph.articles.iter().map(|a| {
        let a = &a.article;
        (&a.origin, a.title.as_str(), "title", "article")
    });
    let entities = entities(site.graph).map(|e| (e.origin, e.name, "name", e.noun()));
    let mut named: Vec<_> = articles.chain(entities).collect();
    // The first file by path is the original; the later ones are the duplicates.
    named.sort_by(|a, b| a.0.rel.cmp(&b.0.rel));
    // Only items of one kind clash: a model may share its company's name.
    let mut seen: HashMap<(&str, String), &Origin> = HashMap::new();
    for (origin, title, key, noun) in named {
        let norm = title
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        let first = match seen.entry((noun, norm)) {
            Entry::Occupied(first) => *first.get(),
            Entry::Vacant(slot) => {
                slot.insert(origin);
                continue;
            }
        };
        let message = format!(
            "another {noun} has the same {key}, `{title}`: {}",
            display_path(&first.rel)
        );
        out.push(
            at_field(
                Diagnostic::warning(&origin.rel, message),
                origin,
                key,
                title,
            )
            .hint(format!(
                "readers tell {noun}s apart by their {key}; reword one of them"
            )),
        );
    }
}

/// Summaries: lists, cards and the feed show them.
fn missing_summaries(site: &Site<'_>, out: &mut Vec<Diagnostic>) {
    for a in &site.graph.articles {
        let a = &a.article;
        if a.summary.is_none() {
            out.push(
                at_field(
                    Diagnostic::warning(&a.origin.rel, "this article has no summary"),
                    &a.origin,
                    "title",
                    &a.title,
                )
                .hint("add `summary:` with a sentence or two; lists and the feed now show the start of the first paragraph"),
            );
        }
    }
    for e in entities(site.graph).filter(|e| !e.has_summary) {
        let message = format!("this {} has no summary", e.noun());
        out.push(
            at_field(
                Diagnostic::warning(&e.origin.rel, message),
                e.origin,
                "name",
                e.name,
            )
            .hint(format!(
                "add `summary:` with one sentence; the {} list shows it under the name",
                e.plural()
            )),
        );
    }
}

/// Entities no published article names: their pages list nothing.
fn unnamed_entities(site: &Site<'_>, out: &mut Vec<Diagnostic>) {
    let articles = &site.graph.articles;
    for e in entities(site.graph) {
        let published = e
            .articles
            .iter()
            .any(|&i| articles[i].article.status == Status::Published);
        if published {
            continue;
        }
        let drafts: Vec<String> = e
            .articles
            .iter()
            .map(|&i| display_path(&articles[i].article.origin.rel))
            .collect();
        let noun = e.noun();
        let (message, hint) = if drafts.is_empty() {
            (
                format!("no article names this {noun}"),
                format!("list its id in an article's `{}:`, or delete the file if the site no longer covers it", e.plural()),
            )
        } else {
            (
                format!(
                    "only unpublished articles name this {noun} ({})",
                    drafts.join(", ")
                ),
                "its page lists no articles until one of those is published".to_string(),
            )
        };
        out.push(
            at_field(
                Diagnostic::warning(&e.origin.rel, message),
                e.origin,
                "name",
                e.name,
            )
            .hint(hint),
        );
    }
}

/// Articles that go out after now (the same rule as scheduling: an instant as written, a date
/// alone at the start of that day in the site's zone): they look published ahead of time.
fn future_dates(site: &Site<'_>, out: &mut Vec<Diagnostic>) {
    let zone = site.graph.selection.zone;
    for a in &site.graph.articles {
        let a = &a.article;
        if a.status != Status::Published || a.date.goes_out(zone) <= site.now {
            continue;
        }
        let message = format!(
            "this article is dated {}, after now ({} in {})",
            a.date.iso_date(),
            site.now.with_timezone(&zone).format("%Y-%m-%d %H:%M"),
            zone.name()
        );
        out.push(
            at_field(
                Diagnostic::warning(&a.origin.rel, message),
                &a.origin,
                "date",
                &a.date.iso_date(),
            )
            .hint("fix the date, or keep the article as `status: draft` until it is due"),
        );
    }
}

/// Every rendered body, with the file it comes from.
fn bodies(graph: &SiteGraph) -> impl Iterator<Item = (&Origin, &Rendered)> {
    let articles = graph.articles.iter().map(|n| (&n.article.origin, &*n.body));
    let companies = graph
        .companies
        .iter()
        .map(|n| (&n.company.origin, &*n.profile));
    let models = graph.models.iter().map(|n| (&n.model.origin, &*n.profile));
    let themes = graph.themes.iter().map(|n| (&n.theme.origin, &*n.profile));
    let pages = graph.pages.iter().map(|n| (&n.page.origin, &*n.body));
    articles
        .chain(companies)
        .chain(models)
        .chain(themes)
        .chain(pages)
}

/// The file line and column of a position in a body.
fn in_body(origin: &Origin, (line, col): (usize, usize)) -> (usize, Option<usize>) {
    (origin.body_line + line - 1, Some(col))
}

/// Images without alt text: screen readers have nothing to say for them.
fn images_without_alt(site: &Site<'_>, out: &mut Vec<Diagnostic>) {
    for (origin, body) in bodies(site.graph) {
        for &pos in &body.images_without_alt {
            let (line, col) = in_body(origin, pos);
            out.push(
                Diagnostic::warning(&origin.rel, "image without alt text")
                    .at(line, col)
                    .hint("describe the image between the brackets, e.g. `![Huawei Cloud's stand at Huawei Connect](stand.jpg)`"),
            );
        }
    }
}

/// Malformed external URLs, in bodies and in front matter (a company's website, a source's url).
fn malformed_urls(site: &Site<'_>, out: &mut Vec<Diagnostic>) {
    let graph = site.graph;
    for (origin, body) in bodies(graph) {
        body_urls(origin, body, out);
    }
    for c in &graph.companies {
        if let Some(url) = &c.company.website {
            front_matter_url(&c.company.origin, "website", url, out);
        }
    }
    for a in &graph.articles {
        if let Some(url) = a.article.source.as_ref().and_then(|s| s.url.as_ref()) {
            front_matter_url(&a.article.origin, "source", url, out);
        }
    }
}

fn body_urls(origin: &Origin, body: &Rendered, out: &mut Vec<Diagnostic>) {
    for (pos, dest) in &body.links {
        if !(dest.starts_with("//") || crate::url::has_scheme(dest)) {
            continue;
        }
        if let Err(UrlProblem { message, hint }) = crate::url::check_url(dest) {
            let (line, col) = in_body(origin, *pos);
            out.push(
                Diagnostic::error(&origin.rel, format!("link to `{dest}`: {message}"))
                    .at(line, col)
                    .hint(hint),
            );
        }
    }
}

fn front_matter_url(origin: &Origin, key: &str, url: &str, out: &mut Vec<Diagnostic>) {
    let result = if crate::url::has_scheme(url) {
        crate::url::check_url(url)
    } else {
        // `https//x.org` lost its colon; `www.x.org` its scheme.
        let lower = url.to_ascii_lowercase();
        let rest = ["https", "http"]
            .iter()
            .find_map(|s| lower.strip_prefix(s).map(|_| &url[s.len()..]))
            .map_or(url, |r| r.trim_start_matches([':', '/']));
        Err(UrlProblem {
            message: "is not an absolute URL".to_string(),
            hint: format!(
                "write it in full, e.g. `https://{}`",
                rest.trim_start_matches('/')
            ),
        })
    };
    if let Err(UrlProblem { message, hint }) = result {
        let message = format!("`{key}` URL `{url}` {message}");
        out.push(at_field(Diagnostic::error(&origin.rel, message), origin, key, url).hint(hint));
    }
}

/// The diagnostic placed at `value` of front-matter field `key` (or the field, or the front matter).
fn at_field(d: Diagnostic, origin: &Origin, key: &str, value: &str) -> Diagnostic {
    let (line, col) = origin.locate(key, value).unwrap_or((origin.yaml_line, 1));
    d.at(line, Some(col))
}

//! Atom feeds: the site's (`/feed.xml`, with full content) and each company's, model's and
//! theme's (`/<kind>/<id>/feed.xml`, summaries only). Only articles readers see as published go
//! in a feed; a preview's drafts never do.

use super::{Job, PageKind};
use crate::link::SiteGraph;
use crate::model::Kind;
use crate::render::context::{feed_entry, FeedEntry};
use crate::render::reader::entity;
use crate::render::Prepared;
use rustc_hash::FxHasher;
use std::hash::Hash;
use tera::Context;

/// `/feed.xml`.
pub(super) struct Feed;

impl Feed {
    pub(super) fn jobs(_p: &Prepared<'_>) -> Vec<Job> {
        vec![Box::new(Feed)]
    }
}

impl PageKind for Feed {
    fn template(&self) -> &'static str {
        "feed.xml"
    }
    fn url(&self, _p: &Prepared<'_>) -> String {
        "feed.xml".into()
    }
    fn title(&self, p: &Prepared<'_>) -> String {
        p.graph.config.title.clone()
    }
    fn section(&self, _p: &Prepared<'_>) -> &'static str {
        "feed"
    }
    fn context(&self, p: &Prepared<'_>, ctx: &mut Context) {
        let entries: Vec<FeedEntry<'_>> = p
            .public_articles()
            .take(p.graph.config.feed_limit)
            .map(|(a, c)| feed_entry(a, c, &p.theme_links, &p.feed_authority))
            .collect();
        insert_feed(ctx, p.graph.base.permalink("feed.xml"), &entries);
    }
    fn fingerprint(&self, p: &Prepared<'_>, cards: &[u64], h: &mut FxHasher) {
        let g = p.graph;
        for (i, a) in g
            .articles
            .iter()
            .enumerate()
            .filter(|(_, a)| a.public)
            .take(g.config.feed_limit)
        {
            (cards[i], a.article.origin.digest, a.body.digest).hash(h);
        }
    }
}

/// `/companies/<id>/feed.xml`, and the same for models and themes: entity `i` of `kind`.
pub(super) struct EntityFeed(Kind, usize);

impl EntityFeed {
    pub(super) fn jobs(p: &Prepared<'_>) -> Vec<Job> {
        let g = p.graph;
        [
            (Kind::Company, g.companies.len()),
            (Kind::Model, g.models.len()),
            (Kind::Theme, g.themes.len()),
        ]
        .into_iter()
        .flat_map(|(kind, n)| (0..n).map(move |i| Box::new(EntityFeed(kind, i)) as Job))
        .collect()
    }
    fn name_url<'g>(&self, g: &'g SiteGraph) -> (&'g str, &'g str) {
        let e = entity(g, self.0, self.1);
        (e.name, e.url)
    }
    /// Its articles: the entity's newest public ones.
    fn articles<'g>(&self, g: &'g SiteGraph) -> impl Iterator<Item = usize> + 'g {
        entity(g, self.0, self.1)
            .articles
            .iter()
            .copied()
            .filter(|&a| g.articles[a].public)
            .take(g.config.feed_limit)
    }
}

impl PageKind for EntityFeed {
    fn template(&self) -> &'static str {
        "feed.xml"
    }
    fn url(&self, p: &Prepared<'_>) -> String {
        format!("{}feed.xml", self.name_url(p.graph).1)
    }
    fn title(&self, p: &Prepared<'_>) -> String {
        self.name_url(p.graph).0.to_string()
    }
    fn section(&self, _p: &Prepared<'_>) -> &'static str {
        "feed"
    }
    /// Summaries only, so a thousand entity feeds stay small.
    fn context(&self, p: &Prepared<'_>, ctx: &mut Context) {
        let g = p.graph;
        let (name, url) = self.name_url(g);
        let entries: Vec<FeedEntry<'_>> = self
            .articles(g)
            .map(|a| FeedEntry {
                content: "".into(),
                ..feed_entry(&g.articles[a], p.card(a), &p.theme_links, &p.feed_authority)
            })
            .collect();
        insert_feed(ctx, g.base.permalink(&format!("{url}feed.xml")), &entries);
        ctx.insert(
            "feed_title",
            &crate::text::smarten(&format!("{name} · {}", g.config.title), &mut None),
        );
        ctx.insert("feed_alternate", &g.base.permalink(url));
    }
    fn fingerprint(&self, p: &Prepared<'_>, cards: &[u64], h: &mut FxHasher) {
        for a in self.articles(p.graph) {
            cards[a].hash(h);
        }
    }
}

/// What `feed.xml` needs of a feed: its URL, its entries and when it last changed (its newest
/// entry: a feed must not claim to change on every build).
fn insert_feed(ctx: &mut Context, feed_url: String, entries: &[FeedEntry<'_>]) {
    ctx.insert("feed_url", &feed_url);
    ctx.insert(
        "updated",
        &entries
            .first()
            .map(|e| e.updated.clone())
            .unwrap_or_else(|| "1970-01-01T00:00:00+00:00".into()),
    );
    ctx.insert("entries", entries);
}

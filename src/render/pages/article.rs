//! An article's own page: its card, body, source and related reading; a preview's banner.

use super::{each, hash_cards, Job, PageKind};
use crate::model::Origin;
use crate::render::context::{desk_problems, opens_with, ArticlePage, ImageView};
use crate::render::meta::{self, ArticleMeta, PageMeta};
use crate::render::prepared::Card;
use crate::render::Prepared;
use rustc_hash::FxHasher;
use std::hash::Hash;
use tera::Context;

/// `/articles/<slug>/`: article `i` of the graph.
pub(super) struct Article(usize);

impl Article {
    pub(super) fn jobs(p: &Prepared<'_>) -> Vec<Job> {
        each(p.graph.articles.len(), |i| Box::new(Article(i)))
    }
}

impl PageKind for Article {
    fn template(&self) -> &'static str {
        "article.html"
    }
    fn url(&self, p: &Prepared<'_>) -> String {
        p.graph.articles[self.0].url.clone()
    }
    fn title(&self, p: &Prepared<'_>) -> String {
        p.graph.articles[self.0].article.title.clone()
    }
    fn section(&self, _p: &Prepared<'_>) -> &'static str {
        "articles"
    }
    fn context(&self, p: &Prepared<'_>, ctx: &mut Context) {
        let a = &p.graph.articles[self.0];
        let card = p.card(self.0);
        ctx.insert(
            "article",
            &ArticlePage {
                card,
                body: &a.body.html,
                show_summary: !opens_with(&a.body.first_paragraph, a.summary()),
                source: a.article.source.as_ref(),
                image: a
                    .article
                    .image
                    .as_ref()
                    .and_then(|img| ImageView::new(p.graph, &a.article.origin.rel, img, true)),
                extra: &a.article.extra,
            },
        );
        ctx.insert("banner", &card.banner);
        ctx.insert("standing", &card.standing);
        ctx.insert("problems", &desk_problems(a));
        let related: Vec<&Card<'_>> = p.pick(&a.related);
        ctx.insert("related", &related);
    }
    fn meta(&self, p: &Prepared<'_>) -> PageMeta {
        let a = &p.graph.articles[self.0];
        let card = p.card(self.0);
        let modified = (card.updated_rfc3339.clone()).unwrap_or_else(|| card.date_rfc3339.clone());
        let image = (a.article.image.as_ref())
            .and_then(|img| ImageView::new(p.graph, &a.article.origin.rel, img, true));
        let mut m = PageMeta::site(p, &a.article.title)
            .describe(Some(a.summary()))
            .with_image(image.as_ref());
        m.og_type = "article";
        m.json_ld = vec![
            meta::script_json(&meta::news_article(p, a, card, &modified, &m.image)),
            meta::script_json(&meta::breadcrumbs(
                p,
                "Articles",
                &a.article.title,
                &card.permalink,
            )),
        ];
        m.article = Some(ArticleMeta {
            published_time: card.date_rfc3339.clone(),
            modified_time: modified,
            authors: card.authors.to_vec(),
            tags: (card.companies.iter())
                .chain(&card.models)
                .chain(&card.themes)
                .map(|e| e.name.clone())
                .collect(),
        });
        m
    }
    fn fingerprint(&self, p: &Prepared<'_>, cards: &[u64], h: &mut FxHasher) {
        let a = &p.graph.articles[self.0];
        (cards[self.0], a.article.origin.digest, a.body.digest).hash(h);
        let image = a.article.image.as_ref();
        (p.graph.images.lead_stamp(&a.article.origin.rel, image)).hash(h);
        hash_cards(a.related.iter().copied(), cards, h);
    }
    fn source<'g>(&self, p: &Prepared<'g>) -> Option<&'g Origin> {
        Some(&p.graph.articles[self.0].article.origin)
    }
}

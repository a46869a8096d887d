//! The home pages (the latest articles, paginated) and the archive of every article by year.

use super::{each, hash_cards, Job, PageKind};
use crate::render::context::{paginator, YearGroup};
use crate::render::prepared::Card;
use crate::render::Prepared;
use rustc_hash::FxHasher;
use std::hash::Hash;
use tera::Context;

/// Home page `n`, from 1: `/`, `/page/2/`, ...
pub(super) struct Home(usize);

impl Home {
    pub(super) fn jobs(p: &Prepared<'_>) -> Vec<Job> {
        each(p.home_pages, |i| Box::new(Home(i + 1)))
    }
}

/// The site-relative URL of home page `n`.
pub(super) fn home_url(n: usize) -> String {
    if n <= 1 {
        String::new()
    } else {
        format!("page/{n}/")
    }
}

impl PageKind for Home {
    fn template(&self) -> &'static str {
        "index.html"
    }
    fn url(&self, _p: &Prepared<'_>) -> String {
        home_url(self.0)
    }
    fn title(&self, p: &Prepared<'_>) -> String {
        let title = &p.graph.config.title;
        if self.0 == 1 {
            title.clone()
        } else {
            format!("{title} — page {}", self.0)
        }
    }
    fn section(&self, _p: &Prepared<'_>) -> &'static str {
        "home"
    }
    fn context(&self, p: &Prepared<'_>, ctx: &mut Context) {
        let slice: Vec<&Card<'_>> = p.home_range(self.0).map(|i| p.card(i)).collect();
        ctx.insert("articles", &slice);
        let base = &p.graph.base;
        ctx.insert(
            "paginator",
            &paginator(self.0, p.home_pages, |k| base.link(&home_url(k))),
        );
    }
    fn fingerprint(&self, p: &Prepared<'_>, cards: &[u64], h: &mut FxHasher) {
        (self.0, p.home_pages).hash(h);
        hash_cards(p.home_range(self.0), cards, h);
    }
}

/// `/articles/`: every article, grouped by year.
pub(super) struct Archive;

impl Archive {
    pub(super) fn jobs(_p: &Prepared<'_>) -> Vec<Job> {
        vec![Box::new(Archive)]
    }
}

impl PageKind for Archive {
    fn template(&self) -> &'static str {
        "articles.html"
    }
    fn url(&self, _p: &Prepared<'_>) -> String {
        "articles/".into()
    }
    fn title(&self, _p: &Prepared<'_>) -> String {
        "Articles".into()
    }
    fn section(&self, _p: &Prepared<'_>) -> &'static str {
        "articles"
    }
    fn context(&self, p: &Prepared<'_>, ctx: &mut Context) {
        let mut years: Vec<YearGroup<'_>> = Vec::new();
        for (a, card) in p.with_cards() {
            let y = chrono::Datelike::year(&a.article.date.date());
            match years.last_mut() {
                Some(grp) if grp.year == y => grp.articles.push(card),
                _ => years.push(YearGroup {
                    year: y,
                    articles: vec![card],
                }),
            }
        }
        ctx.insert("years", &years);
        ctx.insert("article_count", &p.card_count());
    }
    fn fingerprint(&self, p: &Prepared<'_>, cards: &[u64], h: &mut FxHasher) {
        hash_cards(0..p.card_count(), cards, h);
    }
    fn lists_every_article(&self) -> bool {
        true
    }
}

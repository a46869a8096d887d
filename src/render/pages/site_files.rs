//! The pages every site has besides its content: the not-found page, the sitemap, robots.txt and
//! the search page.

use super::{Job, PageKind};
use crate::render::context::SitemapUrl;
use crate::render::{theme, Prepared, SEARCH_INDEX};
use rustc_hash::FxHasher;
use std::hash::Hash;
use tera::Context;

/// `/404.html`.
pub(super) struct NotFound;
/// `/sitemap.xml`: every public page, with the date it last changed where one is known.
pub(super) struct Sitemap;
/// `/robots.txt`.
pub(super) struct Robots;
/// `/search/`; its index is written beside the pages (`render::site_files`).
pub(super) struct Search;

impl NotFound {
    pub(super) fn jobs(_p: &Prepared<'_>) -> Vec<Job> {
        vec![Box::new(NotFound)]
    }
}

impl PageKind for NotFound {
    fn template(&self) -> &'static str {
        "404.html"
    }
    fn url(&self, _p: &Prepared<'_>) -> String {
        "404.html".into()
    }
    fn title(&self, _p: &Prepared<'_>) -> String {
        "Page not found".into()
    }
    fn section(&self, _p: &Prepared<'_>) -> &'static str {
        "404"
    }
    fn context(&self, p: &Prepared<'_>, ctx: &mut Context) {
        ctx.insert("sitemap_url", &p.graph.base.permalink("sitemap.xml"));
    }
    fn fingerprint(&self, _p: &Prepared<'_>, _cards: &[u64], _h: &mut FxHasher) {}
}

impl Robots {
    pub(super) fn jobs(_p: &Prepared<'_>) -> Vec<Job> {
        vec![Box::new(Robots)]
    }
}

impl PageKind for Robots {
    fn template(&self) -> &'static str {
        "robots.txt"
    }
    fn url(&self, _p: &Prepared<'_>) -> String {
        "robots.txt".into()
    }
    fn title(&self, _p: &Prepared<'_>) -> String {
        String::new()
    }
    fn section(&self, _p: &Prepared<'_>) -> &'static str {
        "robots"
    }
    fn context(&self, p: &Prepared<'_>, ctx: &mut Context) {
        ctx.insert("sitemap_url", &p.graph.base.permalink("sitemap.xml"));
    }
    fn fingerprint(&self, _p: &Prepared<'_>, _cards: &[u64], _h: &mut FxHasher) {}
}

impl Search {
    pub(super) fn jobs(_p: &Prepared<'_>) -> Vec<Job> {
        vec![Box::new(Search)]
    }
}

impl PageKind for Search {
    fn template(&self) -> &'static str {
        "search.html"
    }
    fn url(&self, _p: &Prepared<'_>) -> String {
        "search/".into()
    }
    fn title(&self, _p: &Prepared<'_>) -> String {
        "Search".into()
    }
    fn section(&self, _p: &Prepared<'_>) -> &'static str {
        "search"
    }
    fn context(&self, p: &Prepared<'_>, ctx: &mut Context) {
        let base = &p.graph.base;
        ctx.insert("search_index_url", &base.link(SEARCH_INDEX));
        ctx.insert("search_script_url", &base.link(theme::SEARCH_SCRIPT));
    }
    fn fingerprint(&self, _p: &Prepared<'_>, _cards: &[u64], _h: &mut FxHasher) {}
}

impl Sitemap {
    pub(super) fn jobs(_p: &Prepared<'_>) -> Vec<Job> {
        vec![Box::new(Sitemap)]
    }
}

impl PageKind for Sitemap {
    fn template(&self) -> &'static str {
        "sitemap.xml"
    }
    fn url(&self, _p: &Prepared<'_>) -> String {
        "sitemap.xml".into()
    }
    fn title(&self, _p: &Prepared<'_>) -> String {
        String::new()
    }
    fn section(&self, _p: &Prepared<'_>) -> &'static str {
        "sitemap"
    }
    fn context(&self, p: &Prepared<'_>, ctx: &mut Context) {
        ctx.insert("urls", &sitemap_urls(p));
    }
    fn fingerprint(&self, p: &Prepared<'_>, _cards: &[u64], h: &mut FxHasher) {
        for u in sitemap_urls(p) {
            (u.loc, u.lastmod).hash(h);
        }
    }
    fn lists_every_article(&self) -> bool {
        true
    }
}

/// Every public page: home pages, indexes, articles, entities and pages.
fn sitemap_urls(p: &Prepared<'_>) -> Vec<SitemapUrl> {
    let g = p.graph;
    let base = &g.base;
    let newest = p
        .public_articles()
        .next()
        .map(|(a, _)| a.article.date.iso_date());
    let mut urls = Vec::new();
    for n in 1..=p.home_pages {
        urls.push(SitemapUrl {
            loc: base.permalink(&super::home::home_url(n)),
            lastmod: if n == 1 { newest.clone() } else { None },
        });
    }
    for s in ["articles/", "companies/", "models/", "themes/"] {
        urls.push(SitemapUrl {
            loc: base.permalink(s),
            lastmod: newest.clone(),
        });
    }
    // An entity changes when its newest public article does.
    let latest = |list: &[usize]| {
        list.iter()
            .map(|&i| &g.articles[i])
            .find(|a| a.public)
            .map(|a| a.article.date.iso_date())
    };
    let entry = |url: &str, lastmod| SitemapUrl {
        loc: base.permalink(url),
        lastmod,
    };
    urls.extend(
        p.public_articles()
            .map(|(a, _)| entry(&a.url, Some(a.article.last_changed().iso_date()))),
    );
    urls.extend(
        g.companies
            .iter()
            .map(|c| entry(&c.url, latest(&c.articles))),
    );
    urls.extend(g.models.iter().map(|m| entry(&m.url, latest(&m.articles))));
    urls.extend(g.themes.iter().map(|t| entry(&t.url, latest(&t.articles))));
    urls.extend(g.pages.iter().map(|pg| entry(&pg.url, None)));
    urls
}

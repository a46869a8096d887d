//! What every page of one build shares, built once from the linked site: the `site` context, the
//! entity links and cards, and each article's card (built on first use, shared by every list).
//! Knows no page kind; renders nothing.

use super::context::*;
use super::theme;
use crate::link::{ArticleNode, SiteGraph};
use crate::model::display_path;
use chrono::Datelike;
use rayon::prelude::*;
use serde::Serialize;
use std::sync::OnceLock;

/// An article card, built once and shared by every list that shows it. Its prose is smartened
/// when it is built (`ArticleCard`), not each time a page serialises it. A stored
/// `serde_json::Value` beside it saved a little more CPU but cost 60 MB at 10k
/// (bench/RESULTS.md).
pub(crate) struct Card<'g> {
    typed: ArticleCard<'g>,
}

impl<'g> std::ops::Deref for Card<'g> {
    type Target = ArticleCard<'g>;
    fn deref(&self) -> &ArticleCard<'g> {
        &self.typed
    }
}

impl Serialize for Card<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.typed.serialize(s)
    }
}

impl std::hash::Hash for Card<'_> {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.typed.hash(h);
    }
}

/// Everything the pages of one build share, built once: the site context and every card.
pub(crate) struct Prepared<'g> {
    pub(super) graph: &'g SiteGraph,
    pub(super) site: SiteCtx<'g>,
    /// What every page's context starts from (`site`, and no banner or problems), built once:
    /// a clone of it is cheaper than serialising `site` again for each page.
    pub(super) base: tera::Context,
    /// Every article card, in the graph's order; each is built once, on first use, and shared by
    /// every list (`serve` renders a saved article's page before any list needs the others).
    cards: Vec<OnceLock<Card<'g>>>,
    pub(super) company_links: Vec<EntityLink<'g>>,
    pub(super) model_links: Vec<EntityLink<'g>>,
    pub(super) theme_links: Vec<EntityLink<'g>>,
    pub(super) company_cards: Vec<CompanyCard<'g>>,
    pub(super) model_cards: Vec<ModelCard<'g>>,
    pub(super) theme_cards: Vec<ThemeCard<'g>>,
    pub(super) per_page: usize,
    /// The host feed entry ids are minted under (`feed_authority`).
    pub(super) feed_authority: String,
    pub(super) home_pages: usize,
}

impl<'g> Prepared<'g> {
    pub(crate) fn new(graph: &'g SiteGraph) -> Self {
        let company_links = entity_links(
            graph
                .companies
                .iter()
                .map(|c| (c.company.id.as_str(), c.company.name.as_str(), &c.url)),
            graph,
        );
        let model_links = entity_links(
            graph
                .models
                .iter()
                .map(|m| (m.model.id.as_str(), m.model.name.as_str(), &m.url)),
            graph,
        );
        let theme_links = entity_links(
            graph
                .themes
                .iter()
                .map(|t| (t.theme.id.as_str(), t.theme.name.as_str(), &t.url)),
            graph,
        );
        let model_cards = model_cards(graph, &company_links);
        let per_page = graph.config.paginate.max(1);
        let site = site_ctx(graph);
        Prepared {
            graph,
            base: base_context(&site),
            site,
            cards: (0..graph.articles.len()).map(|_| OnceLock::new()).collect(),
            company_cards: company_cards(graph),
            model_cards,
            theme_cards: theme_cards(graph),
            company_links,
            model_links,
            theme_links,
            per_page,
            feed_authority: feed_authority(graph.config.feed_id.as_deref(), &graph.base.url),
            home_pages: graph.articles.len().div_ceil(per_page).max(1),
        }
    }

    /// The card of article `i`, built on first use.
    pub(crate) fn card(&self, i: usize) -> &Card<'g> {
        self.cards[i].get_or_init(|| {
            let typed = article_card(
                &self.graph.articles[i],
                self.graph,
                &self.company_links,
                &self.model_links,
                &self.theme_links,
            );
            Card { typed }
        })
    }

    /// How many articles (and so cards) the site has.
    pub(super) fn card_count(&self) -> usize {
        self.cards.len()
    }

    /// Builds every card now, in parallel (a full build needs them all).
    pub(crate) fn build_cards(&self) {
        (0..self.cards.len()).into_par_iter().for_each(|i| {
            self.card(i);
        });
    }

    /// Every article with its card, newest first.
    pub(super) fn with_cards(&self) -> impl Iterator<Item = (&'g ArticleNode, &Card<'g>)> + '_ {
        self.graph
            .articles
            .iter()
            .enumerate()
            .map(|(i, a)| (a, self.card(i)))
    }

    /// The cards of these articles, in this order.
    pub(super) fn pick(&self, list: &[usize]) -> Vec<&Card<'g>> {
        list.iter().map(|&i| self.card(i)).collect()
    }

    /// The articles home page `n` (from 1) lists.
    pub(super) fn home_range(&self, n: usize) -> std::ops::Range<usize> {
        let start = ((n - 1) * self.per_page).min(self.cards.len());
        start..(start + self.per_page).min(self.cards.len())
    }

    /// Articles readers see as published, newest first: what feeds and sitemaps list.
    pub(super) fn public_articles(
        &self,
    ) -> impl Iterator<Item = (&'g ArticleNode, &Card<'g>)> + '_ {
        self.graph
            .articles
            .iter()
            .enumerate()
            .filter(|(_, a)| a.public)
            .map(|(i, a)| (a, self.card(i)))
    }

    /// The review desk's rows: every unpublished article of a preview and what is wrong with it.
    /// In review first (closest to going out), then drafts, then scheduled; newest first within.
    pub(super) fn desk_rows(&self) -> Vec<DeskRow<'_>> {
        let mut rows: Vec<DeskRow<'_>> = self
            .graph
            .articles
            .iter()
            .enumerate()
            .filter(|(_, a)| !a.public)
            .map(|(i, a)| DeskRow {
                card: self.card(i),
                path: display_path(&a.article.origin.rel),
                problems: desk_problems(a),
            })
            .collect();
        let rank = |s: crate::link::Standing| match s {
            crate::link::Standing::Review => 0,
            crate::link::Standing::Draft => 1,
            _ => 2,
        };
        rows.sort_by_key(|r| rank(r.card.standing));
        rows
    }
}

/// The context every page starts from: the site, and neither banner nor problems (the pages
/// that have them replace these).
fn base_context(site: &SiteCtx<'_>) -> tera::Context {
    let mut ctx = tera::Context::new();
    ctx.insert("site", site);
    ctx.insert("banner", &None::<String>);
    ctx.insert("problems", &[] as &[()]);
    ctx
}

/// The `site` every template sees.
fn site_ctx(graph: &SiteGraph) -> SiteCtx<'_> {
    let base = &graph.base;
    let preview = graph.selection.drafts;
    SiteCtx {
        title: Prose(&graph.config.title),
        description: graph.config.description.as_deref().map(Prose),
        base_url: &base.url,
        base_path: &base.path,
        language: &graph.config.language,
        locale: super::meta::og_locale(&graph.config.language),
        author: graph.config.author.as_deref(),
        feed_url: base.link("feed.xml"),
        stylesheet_url: base.link(theme::STYLESHEET),
        favicon_url: base.link(theme::FAVICON),
        search_url: base.link("search/"),
        preview,
        nav: nav(graph),
        about_url: graph
            .pages
            .iter()
            .find(|p| p.page.slug == "about")
            .map(|p| base.link(&p.url)),
        copyright_year: graph.articles.first().map_or(
            graph
                .selection
                .now
                .with_timezone(&graph.selection.zone)
                .year(),
            |a| a.article.date.date().year(),
        ),
        extra: &graph.config.extra,
    }
}

/// The masthead's sections, the about page when there is one, and the review desk in a preview.
fn nav(graph: &SiteGraph) -> Vec<NavItem> {
    let base = &graph.base;
    let sections = ["articles", "companies", "models", "themes"]
        .iter()
        .map(|s| NavItem {
            title: crate::text::capitalize(s),
            url: base.link(&format!("{s}/")),
            section: s.to_string(),
        });
    let about = graph
        .pages
        .iter()
        .filter(|p| p.page.slug == "about")
        .map(|p| NavItem {
            title: crate::text::smarten(&p.page.title, &mut None),
            url: base.link(&p.url),
            section: "about".into(),
        });
    let review = graph.selection.drafts.then(|| NavItem {
        title: "Review".into(),
        url: base.link("review/"),
        section: "review".into(),
    });
    sections.chain(about).chain(review).collect()
}

fn entity_links<'g>(
    entities: impl Iterator<Item = (&'g str, &'g str, &'g String)>,
    graph: &SiteGraph,
) -> Vec<EntityLink<'g>> {
    entities
        .map(|(id, name, url)| EntityLink {
            id,
            name: crate::text::smarten(name, &mut None),
            url: graph.base.link(url),
        })
        .collect()
}

fn company_cards(graph: &SiteGraph) -> Vec<CompanyCard<'_>> {
    graph
        .companies
        .iter()
        .map(|c| CompanyCard {
            id: c.company.id.as_str(),
            name: Prose(&c.company.name),
            url: graph.base.link(&c.url),
            summary: c.company.summary.as_deref().map(Prose),
            country: c.company.country.as_deref(),
            aliases: &c.company.aliases,
            model_count: c.models.len(),
            article_count: c.articles.len(),
        })
        .collect()
}

fn model_cards<'g>(graph: &'g SiteGraph, companies: &[EntityLink<'g>]) -> Vec<ModelCard<'g>> {
    graph
        .models
        .iter()
        .map(|m| ModelCard {
            id: m.model.id.as_str(),
            name: Prose(&m.model.name),
            url: graph.base.link(&m.url),
            summary: m.model.summary.as_deref().map(Prose),
            company: companies.get(m.company).cloned(),
            aliases: &m.model.aliases,
            released: m.model.released.map(|d| d.iso_date()),
            released_display: m.model.released.map(|d| d.display()),
            modalities: &m.model.modalities,
            domain: m.model.domain.as_deref(),
            domain_display: m
                .model
                .domain
                .as_deref()
                .map(|d| crate::text::capitalize(&d.replace(['-', '_'], " "))),
            article_count: m.articles.len(),
        })
        .collect()
}

fn theme_cards(graph: &SiteGraph) -> Vec<ThemeCard<'_>> {
    graph
        .themes
        .iter()
        .map(|t| ThemeCard {
            id: t.theme.id.as_str(),
            name: Prose(&t.theme.name),
            url: graph.base.link(&t.url),
            summary: t.theme.summary.as_deref().map(Prose),
            article_count: t.articles.len(),
        })
        .collect()
}

//! Stage 3, link: one graph of the site. Checks every reference, gives every item its URL, renders
//! Markdown bodies with their links rewritten, and records who relates to whom.
//! Works on parsed content in memory; never reads files or writes output. A `BodyCache` (kept by
//! `serve` between links) lets a relink reuse every body whose text and link targets did not change.
//!
//! This file holds the graph's types and `link`, which runs the phases in order, one file each:
//! `urls` (URL claims, the link targets), `select` (drafts, review, scheduled: which articles are
//! in), `refs` (ids in front matter), `names` (entity names for auto-links), `bodies` (rendering
//! through the cache, with `resolve` for link destinations), `problems` (broken links and anchors,
//! routed to diagnostics or the review desk), `relations` (entity lists, backlinks, related
//! reading). `patch` is serve's incremental relink, built from the same phases.

mod bodies;
mod names;
mod patch;
mod problems;
mod refs;
mod relations;
mod resolve;
pub(crate) mod select;
mod urls;

pub(crate) use crate::url::BaseUrl;
pub(crate) use bodies::BodyCache;
pub(crate) use patch::relink_articles;
pub(crate) use select::{Selection, Standing};

use crate::error::{Diagnostic, Diagnostics};
use crate::markdown::Rendered;
use crate::model::*;
use bodies::Bodies;
use names::EntityNames;
use refs::ArticleRefs;
use resolve::Resolver;
use std::collections::HashSet as StdHashSet;
use std::sync::Arc;

#[derive(Debug)]
pub struct ArticleNode {
    pub article: Arc<Article>,
    /// Site-relative URL, `articles/<slug>/`.
    pub url: String,
    pub body: Arc<Rendered>,
    pub standing: Standing,
    /// False for a preview's drafts, articles in review and scheduled articles: no feed, no
    /// sitemap, a banner on the page.
    pub public: bool,
    /// What is still wrong with an unpublished article in a preview; shown on the review desk
    /// instead of stopping the build.
    pub problems: Vec<Diagnostic>,
    pub companies: Vec<usize>,
    pub models: Vec<usize>,
    pub themes: Vec<usize>,
    /// Entities the body names in its text (whether or not the front matter names them).
    pub mentions: Mentions,
    /// Related reading, best first (indices into `SiteGraph::articles`).
    pub related: Vec<usize>,
}

/// Entities named in a body's text, by kind; indices into the graph's entity lists.
#[derive(Debug, Default, Clone)]
pub struct Mentions {
    pub companies: Vec<usize>,
    pub models: Vec<usize>,
    pub themes: Vec<usize>,
}

impl ArticleNode {
    /// Front-matter summary, else the opening of the first paragraph.
    pub fn summary(&self) -> &str {
        self.article.summary.as_deref().unwrap_or(&self.body.lede)
    }
}

#[derive(Debug)]
pub struct CompanyNode {
    pub company: Arc<Company>,
    pub url: String,
    pub profile: Arc<Rendered>,
    pub models: Vec<usize>,
    /// Newest first.
    pub articles: Vec<usize>,
    /// Articles whose text names the company though their front matter does not; newest first.
    pub mentioned_in: Vec<usize>,
}

#[derive(Debug)]
pub struct ModelNode {
    pub model: Arc<Model>,
    pub url: String,
    pub profile: Arc<Rendered>,
    pub company: usize,
    pub articles: Vec<usize>,
    pub mentioned_in: Vec<usize>,
}

#[derive(Debug)]
pub struct ThemeNode {
    pub theme: Arc<Theme>,
    pub url: String,
    pub profile: Arc<Rendered>,
    pub articles: Vec<usize>,
    pub mentioned_in: Vec<usize>,
}

#[derive(Debug)]
pub struct PageNode {
    pub page: Arc<Page>,
    pub url: String,
    pub body: Arc<Rendered>,
}

/// The whole site, linked: every reference resolved to an index, every list in display order.
#[derive(Debug)]
pub struct SiteGraph {
    pub config: SiteConfig,
    pub base: BaseUrl,
    pub selection: Selection,
    /// Newest first.
    pub articles: Vec<ArticleNode>,
    /// By name.
    pub companies: Vec<CompanyNode>,
    pub models: Vec<ModelNode>,
    pub themes: Vec<ThemeNode>,
    pub pages: Vec<PageNode>,
    /// Every lead image, checked; set by the caller after linking (`images::survey`).
    pub images: Arc<crate::images::Catalog>,
}

impl SiteGraph {
    /// Every problem of the articles a preview shows but readers do not see (drafts, in review,
    /// scheduled), in file order: a preview builds with them, and says so. Empty in a published
    /// build, where such problems stop the build instead.
    pub fn unpublished_problems(&self) -> Diagnostics {
        let mut out: Diagnostics = self
            .articles
            .iter()
            .filter(|a| !a.public)
            .flat_map(|a| a.problems.iter().cloned())
            .collect();
        out.sort();
        out
    }
}

impl ArticleNode {
    fn body_ref(&self) -> BodyRef<'_> {
        (&self.article.origin, &self.url, &self.body)
    }

    fn new(
        article: Arc<Article>,
        body: Arc<Rendered>,
        refs: ArticleRefs,
        selection: Selection,
        names: &EntityNames,
    ) -> Self {
        ArticleNode {
            url: urls::article_url(&article.slug),
            public: selection.is_public(&article),
            standing: selection.standing(&article),
            problems: Vec::new(),
            mentions: names.split(&body.mentions),
            body,
            companies: refs.companies,
            models: refs.models,
            themes: refs.themes,
            related: Vec::new(),
            article,
        }
    }
}

impl CompanyNode {
    fn new(company: Arc<Company>, profile: Arc<Rendered>) -> Self {
        CompanyNode {
            profile,
            url: urls::entity_url("companies", &company.id),
            company,
            models: Vec::new(),
            articles: Vec::new(),
            mentioned_in: Vec::new(),
        }
    }
}

impl ModelNode {
    fn new(model: Arc<Model>, profile: Arc<Rendered>, company: usize) -> Self {
        ModelNode {
            profile,
            url: urls::entity_url("models", &model.id),
            model,
            company,
            articles: Vec::new(),
            mentioned_in: Vec::new(),
        }
    }
}

impl ThemeNode {
    fn new(theme: Arc<Theme>, profile: Arc<Rendered>) -> Self {
        ThemeNode {
            profile,
            url: urls::entity_url("themes", &theme.id),
            theme,
            articles: Vec::new(),
            mentioned_in: Vec::new(),
        }
    }
}

impl PageNode {
    fn new(page: Arc<Page>, body: Arc<Rendered>) -> Self {
        PageNode {
            body,
            url: urls::page_url(&page.slug),
            page,
        }
    }
}

/// An item's source, site-relative URL and rendered body, as the checks and the cache see it.
type BodyRef<'g> = (&'g Origin, &'g str, &'g Rendered);

impl SiteGraph {
    /// Every item with a body: articles, then companies, models, themes and pages.
    fn bodies(&self) -> impl Iterator<Item = BodyRef<'_>> {
        let articles = self.articles.iter();
        articles
            .map(ArticleNode::body_ref)
            .chain(self.entity_and_page_bodies())
    }

    /// Every item with a body but the articles: companies, models, themes, then pages.
    fn entity_and_page_bodies(&self) -> impl Iterator<Item = BodyRef<'_>> {
        let companies = self.companies.iter();
        let models = self.models.iter();
        let themes = self.themes.iter();
        let pages = self.pages.iter();
        (companies.map(|n| (&n.company.origin, n.url.as_str(), &*n.profile)))
            .chain(models.map(|n| (&n.model.origin, n.url.as_str(), &*n.profile)))
            .chain(themes.map(|n| (&n.theme.origin, n.url.as_str(), &*n.profile)))
            .chain(pages.map(|n| (&n.page.origin, n.url.as_str(), &*n.body)))
    }
}

/// Links parsed content into the site's graph, as of `selection`. Problems go to `diags` (those of
/// articles readers do not see in a preview go to their `problems`). With a cache (serve), bodies
/// are reused where they can be and what is rendered is kept for the next link.
/// Warnings the parse stage kept with each file (see `Origin::warnings`), drafts' included: they
/// are about the file as written, whatever its standing.
fn report_parse_warnings(content: &Content, diags: &mut Diagnostics) {
    let origins = (content.articles.iter().map(|a| &a.origin))
        .chain(content.companies.iter().map(|c| &c.origin))
        .chain(content.models.iter().map(|m| &m.origin))
        .chain(content.themes.iter().map(|t| &t.origin))
        .chain(content.pages.iter().map(|p| &p.origin));
    for origin in origins {
        diags.extend(origin.warnings.iter().cloned());
    }
}

// The stage's inputs, each used once: a struct bundling them would only rename them.
#[allow(clippy::too_many_arguments)]
pub(crate) fn link(
    config: SiteConfig,
    base: BaseUrl,
    mut content: Content,
    statics: &StdHashSet<String>,
    images: Arc<crate::images::Catalog>,
    selection: Selection,
    cache: Option<&mut BodyCache>,
    diags: &mut Diagnostics,
) -> SiteGraph {
    let selection = selection.in_zone(config.zone);
    report_parse_warnings(&content, diags);
    let targets = urls::claim_urls(&content, selection, diags);
    select::select(&mut content.articles, selection);
    let refs = refs::check_refs(&content, diags);
    // Entity names, compiled once and shared by every thread that renders a body.
    let names = Arc::new(EntityNames::new(&content, &base, &config.autolink));

    // Bodies, rendered in parallel: the expensive part of the build.
    let links = Resolver {
        targets: &targets,
        statics,
        base: &base,
        images: &images,
    };
    let raw_html = config.markdown.raw_html;
    let mut bodies = Bodies::for_link(cache.as_deref(), links, raw_html, &names);
    let articles = bodies
        .render_kind(content.articles, |_| None)
        .zip(refs.articles)
        .map(|((a, body), r)| ArticleNode::new(a, body, r, selection, &names))
        .collect();
    let companies = bodies
        .render_kind(content.companies, |i| Some(names.company_key(i)))
        .map(|(c, profile)| CompanyNode::new(c, profile))
        .collect();
    let models = bodies
        .render_kind(content.models, |i| Some(names.model_key(i)))
        .zip(refs.model_company)
        .map(|((m, profile), company)| ModelNode::new(m, profile, company))
        .collect();
    let themes = bodies
        .render_kind(content.themes, |i| names.theme_key(i))
        .map(|(t, profile)| ThemeNode::new(t, profile))
        .collect();
    let pages = bodies
        .render_kind(content.pages, |_| None)
        .map(|(p, body)| PageNode::new(p, body))
        .collect();
    let fresh = bodies.into_fresh();

    let mut graph = SiteGraph {
        config,
        base,
        selection,
        articles,
        companies,
        models,
        themes,
        pages,
        images: Arc::clone(&images),
    };
    // Link problems and anchors, now that every body's headings are known.
    problems::check_bodies(&mut graph, &targets, refs.article_problems, diags);
    relations::relate(&mut graph);
    if let Some(cache) = cache {
        cache.keep(fresh, &graph, targets, statics, names);
    }
    graph
}

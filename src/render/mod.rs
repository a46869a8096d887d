//! Stage 4, render: turns the linked site into pages through Tera templates.
//! Templates see only the typed context structs defined here. Pages go to a `Sink`; this module
//! never opens a file in the output folder itself.

use crate::error::{BuildError, Diagnostic, Diagnostics};
use crate::guard::{self, PageBuffer, Watch};
use crate::link::{ArticleNode, SiteGraph, Standing};
use crate::load::AssetFile;
use crate::model::{display_path, Extra, Status};
use crate::write::Sink;
use rayon::prelude::*;
use rustc_hash::FxHasher as DefaultHasher;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::OnceLock;
use tera::{Context, Tera};

mod reader;
pub mod theme;
pub use reader::SEARCH_INDEX;

/// Site-wide values every template sees as `site`.
#[derive(Serialize)]
pub struct SiteCtx<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub base_url: &'a str,
    /// The path part of base_url (`/` or `/briefing/`); every internal link starts with it.
    pub base_path: &'a str,
    pub language: &'a str,
    pub author: Option<&'a str>,
    pub feed_url: String,
    pub stylesheet_url: String,
    /// The search page; the masthead's search form sends `?q=` there.
    pub search_url: String,
    /// True in a preview build (`--drafts`): pages carry `noindex`.
    pub preview: bool,
    pub nav: Vec<NavItem>,
    pub extra: &'a BTreeMap<String, serde_json::Value>,
}

#[derive(Serialize)]
pub struct NavItem {
    pub title: String,
    pub url: String,
    /// The section this item stands for (`articles`, `companies`, ...), matched against `section`.
    pub section: String,
}

/// A link to a company, model or theme.
#[derive(Serialize, Clone, Hash)]
pub struct EntityLink<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub url: String,
}

/// An article as lists show it.
#[derive(Serialize, Hash)]
pub struct ArticleCard<'a> {
    pub title: &'a str,
    pub url: String,
    pub permalink: String,
    /// `2023-09-25`
    pub date: String,
    /// `25 September 2023`
    pub date_display: String,
    pub date_rfc3339: String,
    pub summary: &'a str,
    pub authors: &'a [String],
    pub status: Status,
    /// Published, scheduled, review or draft, on the build's date.
    pub standing: Standing,
    /// In a preview, for articles readers cannot see yet: "Draft — not published", "In review",
    /// "Scheduled for 1 May 2031". None otherwise.
    pub banner: Option<String>,
    pub word_count: usize,
    pub reading_minutes: usize,
    pub companies: Vec<EntityLink<'a>>,
    pub models: Vec<EntityLink<'a>>,
    pub themes: Vec<EntityLink<'a>>,
}

/// An article's own page: its card plus body and the rest of its front matter.
#[derive(Serialize)]
pub struct ArticlePage<'a> {
    #[serde(flatten)]
    pub card: &'a ArticleCard<'a>,
    pub body: &'a str,
    /// False when the body opens with the summary's words, so the page doesn't say them twice.
    pub show_summary: bool,
    pub source: Option<&'a crate::model::SourceRef>,
    pub extra: &'a Extra,
}

#[derive(Serialize, Hash)]
pub struct CompanyCard<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub url: String,
    pub summary: Option<&'a str>,
    pub country: Option<&'a str>,
    pub aliases: &'a [String],
    pub model_count: usize,
    pub article_count: usize,
}

#[derive(Serialize)]
pub struct CompanyPage<'a> {
    #[serde(flatten)]
    pub card: &'a CompanyCard<'a>,
    pub website: Option<&'a str>,
    pub profile: &'a str,
    pub models: Vec<&'a ModelCard<'a>>,
    pub articles: Vec<&'a ArticleCard<'a>>,
    pub extra: &'a Extra,
}

#[derive(Serialize, Hash)]
pub struct ModelCard<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub url: String,
    pub summary: Option<&'a str>,
    pub company: Option<EntityLink<'a>>,
    pub aliases: &'a [String],
    pub released: Option<String>,
    pub released_display: Option<String>,
    pub modalities: &'a [String],
    pub domain: Option<&'a str>,
    pub article_count: usize,
}

#[derive(Serialize)]
pub struct ModelPage<'a> {
    #[serde(flatten)]
    pub card: &'a ModelCard<'a>,
    pub profile: &'a str,
    pub articles: Vec<&'a ArticleCard<'a>>,
    pub extra: &'a Extra,
}

#[derive(Serialize, Hash)]
pub struct ThemeCard<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub url: String,
    pub summary: Option<&'a str>,
    pub article_count: usize,
}

#[derive(Serialize)]
pub struct ThemePage<'a> {
    #[serde(flatten)]
    pub card: &'a ThemeCard<'a>,
    pub profile: &'a str,
    pub keywords: &'a [String],
    pub articles: Vec<&'a ArticleCard<'a>>,
    pub extra: &'a Extra,
}

#[derive(Serialize)]
pub struct PageCtx<'a> {
    pub title: &'a str,
    pub url: String,
    pub summary: Option<&'a str>,
    pub body: &'a str,
    pub extra: &'a Extra,
}

/// Home-page pagination.
#[derive(Serialize)]
pub struct Paginator {
    /// 1-based.
    pub current: usize,
    pub total: usize,
    pub first: String,
    pub last: String,
    pub previous: Option<String>,
    pub next: Option<String>,
    /// A window of page numbers around the current one.
    pub pages: Vec<PageNumber>,
}

#[derive(Serialize)]
pub struct PageNumber {
    pub number: usize,
    pub url: String,
    pub current: bool,
}

#[derive(Serialize)]
pub struct YearGroup<'a> {
    pub year: i32,
    pub articles: Vec<&'a ArticleCard<'a>>,
}

#[derive(Serialize)]
pub struct FeedEntry<'a> {
    pub title: &'a str,
    pub permalink: String,
    pub published: String,
    pub updated: String,
    pub summary: &'a str,
    pub content: &'a str,
    pub authors: &'a [String],
    pub categories: Vec<&'a str>,
}

#[derive(Serialize)]
pub struct SitemapUrl {
    pub loc: String,
    pub lastmod: Option<String>,
}

/// The Tera instance for one build: the built-in theme with the site's overrides on top.
pub fn load_templates(overrides: &[AssetFile], base_path: &str) -> Result<Tera, Diagnostics> {
    let mut sources: BTreeMap<String, (String, Option<String>)> = theme::TEMPLATES
        .iter()
        .map(|(name, text)| (name.to_string(), (text.to_string(), None)))
        .collect();
    let mut diags = Diagnostics::new();
    for t in overrides {
        match std::fs::read_to_string(&t.abs) {
            Ok(text) => {
                sources.insert(t.rel.clone(), (text, Some(format!("templates/{}", t.rel))));
            }
            Err(e) => diags.push(Diagnostic::error(
                format!("templates/{}", t.rel),
                format!("cannot read template: {e}"),
            )),
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    let path_of = |name: &str| -> String {
        match sources.get(name) {
            Some((_, Some(path))) => path.clone(),
            _ => format!("(built-in theme) {name}"),
        }
    };
    let checked: Vec<guard::Source<'_>> = sources
        .iter()
        .map(|(name, (text, path))| guard::Source {
            name,
            path: path.as_deref().unwrap_or(name),
            text,
        })
        .collect();
    let too_deep = guard::check_sources(&checked);
    if too_deep.has_errors() {
        return Err(too_deep);
    }
    let mut tera = Tera::default();
    // Autoescape stays on for HTML and XML: front matter never reaches a page unescaped.
    tera.autoescape_on(vec![".html", ".htm", ".xml"]);
    tera.set_escape_fn(crate::text::escape_html);
    let list: Vec<(&str, &str)> = sources
        .iter()
        .map(|(n, (t, _))| (n.as_str(), t.as_str()))
        .collect();
    if let Err(e) = tera.add_raw_templates(list) {
        let (name, msg) = template_error_parts(&e);
        let path = sources
            .get(&name)
            .and_then(|(_, p)| p.clone())
            .unwrap_or_else(|| format!("(built-in theme) {name}"));
        let (line, col) = tera_position(&msg);
        diags.push(
            Diagnostic::error(path, msg.lines().last().unwrap_or("").trim().to_string())
                .at_opt(line, col)
                .hint("fix the template syntax; see https://keats.github.io/tera/docs/"),
        );
        return Err(diags);
    }
    let loops = guard::check_graph(&tera, &path_of);
    if loops.has_errors() {
        return Err(loops);
    }
    register_helpers(&mut tera, base_path);
    Ok(tera)
}

fn register_helpers(tera: &mut Tera, base_path: &str) {
    // Replaces Tera's own, which has no upper bound and never ends with `step_by=0`.
    tera.register_function("range", guard::range);
    let base = base_path.to_string();
    tera.register_function("url", move |args: &HashMap<String, tera::Value>| {
        let path = args
            .get("path")
            .and_then(|v| v.as_str())
            .ok_or_else(|| tera::Error::msg("url() needs path=\"...\""))?;
        Ok(tera::Value::String(format!(
            "{base}{}",
            path.trim_start_matches('/')
        )))
    });
    tera.register_filter(
        "date",
        |v: &tera::Value, args: &HashMap<String, tera::Value>| {
            let s = v
                .as_str()
                .ok_or_else(|| tera::Error::msg("date: expects a date string"))?;
            let d = crate::model::PubDate::parse(s).map_err(tera::Error::msg)?;
            let fmt = args
                .get("format")
                .and_then(|f| f.as_str())
                .unwrap_or("%Y-%m-%d");
            let mut out = String::new();
            use std::fmt::Write;
            write!(out, "{}", d.instant().format(fmt))
                .map_err(|_| tera::Error::msg(format!("date: bad format `{fmt}`")))?;
            Ok(tera::Value::String(out))
        },
    );
}

/// Splits a Tera error into the template it names and the whole message chain.
fn template_error_parts(e: &tera::Error) -> (String, String) {
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    let name = msg.split('\'').nth(1).unwrap_or("").to_string();
    (name, msg)
}

/// Tera's parser prints ` --> 3:7`; that is the line and column in the template.
fn tera_position(msg: &str) -> (Option<usize>, Option<usize>) {
    let Some(i) = msg.find("--> ") else {
        return (None, None);
    };
    let rest = &msg[i + 4..];
    let mut it = rest
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty());
    let line = it.next().and_then(|s| s.parse().ok());
    let col = it.next().and_then(|s| s.parse().ok());
    (line, col)
}

/// One output file to produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    Home(usize),
    Archive,
    Article(usize),
    Companies,
    Company(usize),
    Models,
    Model(usize),
    Themes,
    Theme(usize),
    Page(usize),
    NotFound,
    Feed,
    Sitemap,
    Robots,
    /// The review desk, in preview builds only.
    Review,
    Search,
    /// `/companies/<id>/feed.xml` and the same for models and themes.
    EntityFeed(crate::model::Kind, usize),
}

/// Everything the pages of one build share, built once: the site context and every card.
pub struct Prepared<'g> {
    graph: &'g SiteGraph,
    site: SiteCtx<'g>,
    /// Every article card, in the graph's order; each is built once, on first use, and shared by
    /// every list (`serve` renders a saved article's page before any list needs the others).
    cards: Vec<OnceLock<ArticleCard<'g>>>,
    company_links: Vec<EntityLink<'g>>,
    model_links: Vec<EntityLink<'g>>,
    company_cards: Vec<CompanyCard<'g>>,
    model_cards: Vec<ModelCard<'g>>,
    theme_cards: Vec<ThemeCard<'g>>,
    theme_links: Vec<EntityLink<'g>>,
    per_page: usize,
    home_pages: usize,
}

/// A row of the review desk: an unpublished article and what is still wrong with it.
#[derive(Serialize)]
pub struct DeskRow<'a> {
    #[serde(flatten)]
    pub card: &'a ArticleCard<'a>,
    /// The source file, as the editor knows it (`content/articles/x.md`).
    pub path: String,
    pub problems: Vec<DeskProblem<'a>>,
}

#[derive(Serialize)]
pub struct DeskProblem<'a> {
    pub severity: crate::error::Severity,
    /// `content/articles/x.md:4:13`
    pub location: String,
    pub message: &'a str,
    pub hint: Option<&'a str>,
}

impl<'g> Prepared<'g> {
    pub fn new(graph: &'g SiteGraph) -> Self {
        let base = &graph.base;
        let preview = graph.selection.drafts;
        let site = SiteCtx {
            title: &graph.config.title,
            description: graph.config.description.as_deref(),
            base_url: &base.url,
            base_path: &base.path,
            language: &graph.config.language,
            author: graph.config.author.as_deref(),
            feed_url: base.link("feed.xml"),
            stylesheet_url: base.link(theme::STYLESHEET),
            search_url: base.link("search/"),
            preview,
            nav: ["articles", "companies", "models", "themes"]
                .iter()
                .map(|s| NavItem {
                    title: crate::text::capitalize(s),
                    url: base.link(&format!("{s}/")),
                    section: s.to_string(),
                })
                .chain(
                    graph
                        .pages
                        .iter()
                        .filter(|p| p.page.slug == "about")
                        .map(|p| NavItem {
                            title: p.page.title.clone(),
                            url: base.link(&p.url),
                            section: "about".into(),
                        }),
                )
                .chain(preview.then(|| NavItem {
                    title: "Review".into(),
                    url: base.link("review/"),
                    section: "review".into(),
                }))
                .collect(),
            extra: &graph.config.extra,
        };

        let company_links: Vec<EntityLink<'_>> = graph
            .companies
            .iter()
            .map(|c| EntityLink {
                id: c.company.id.as_str(),
                name: &c.company.name,
                url: base.link(&c.url),
            })
            .collect();
        let model_links: Vec<EntityLink<'_>> = graph
            .models
            .iter()
            .map(|m| EntityLink {
                id: m.model.id.as_str(),
                name: &m.model.name,
                url: base.link(&m.url),
            })
            .collect();
        let theme_links: Vec<EntityLink<'_>> = graph
            .themes
            .iter()
            .map(|t| EntityLink {
                id: t.theme.id.as_str(),
                name: &t.theme.name,
                url: base.link(&t.url),
            })
            .collect();

        let cards = (0..graph.articles.len()).map(|_| OnceLock::new()).collect();
        let company_cards: Vec<CompanyCard<'_>> = graph
            .companies
            .iter()
            .map(|c| CompanyCard {
                id: c.company.id.as_str(),
                name: &c.company.name,
                url: base.link(&c.url),
                summary: c.company.summary.as_deref(),
                country: c.company.country.as_deref(),
                aliases: &c.company.aliases,
                model_count: c.models.len(),
                article_count: c.articles.len(),
            })
            .collect();
        let model_cards: Vec<ModelCard<'_>> = graph
            .models
            .iter()
            .map(|m| ModelCard {
                id: m.model.id.as_str(),
                name: &m.model.name,
                url: base.link(&m.url),
                summary: m.model.summary.as_deref(),
                company: company_links.get(m.company).cloned(),
                aliases: &m.model.aliases,
                released: m.model.released.map(|d| d.iso_date()),
                released_display: m.model.released.map(|d| d.display()),
                modalities: &m.model.modalities,
                domain: m.model.domain.as_deref(),
                article_count: m.articles.len(),
            })
            .collect();
        let theme_cards: Vec<ThemeCard<'_>> = graph
            .themes
            .iter()
            .map(|t| ThemeCard {
                id: t.theme.id.as_str(),
                name: &t.theme.name,
                url: base.link(&t.url),
                summary: t.theme.summary.as_deref(),
                article_count: t.articles.len(),
            })
            .collect();
        let per_page = graph.config.paginate.max(1);
        let home_pages = graph.articles.len().div_ceil(per_page).max(1);
        Prepared {
            graph,
            site,
            cards,
            company_links,
            model_links,
            company_cards,
            model_cards,
            theme_cards,
            theme_links,
            per_page,
            home_pages,
        }
    }

    /// Every page of the site.
    pub fn jobs(&self) -> Vec<Job> {
        let g = self.graph;
        let mut jobs: Vec<Job> = (1..=self.home_pages).map(Job::Home).collect();
        jobs.extend([
            Job::Archive,
            Job::Companies,
            Job::Models,
            Job::Themes,
            Job::NotFound,
            Job::Feed,
            Job::Sitemap,
            Job::Robots,
        ]);
        if g.selection.drafts {
            jobs.push(Job::Review);
        }
        jobs.extend((0..g.articles.len()).map(Job::Article));
        jobs.extend((0..g.companies.len()).map(Job::Company));
        jobs.extend((0..g.models.len()).map(Job::Model));
        jobs.extend((0..g.themes.len()).map(Job::Theme));
        jobs.extend((0..g.pages.len()).map(Job::Page));
        jobs.push(Job::Search);
        use crate::model::Kind;
        jobs.extend((0..g.companies.len()).map(|i| Job::EntityFeed(Kind::Company, i)));
        jobs.extend((0..g.models.len()).map(|i| Job::EntityFeed(Kind::Model, i)));
        jobs.extend((0..g.themes.len()).map(|i| Job::EntityFeed(Kind::Theme, i)));
        jobs
    }

    /// The pages of these source files themselves (`content/articles/x.md` -> its article page),
    /// without the lists that show them: what `serve` renders first after a save.
    pub fn jobs_of_sources(&self, rels: &HashSet<String>) -> Vec<Job> {
        let g = self.graph;
        let rels: HashSet<&std::ffi::OsStr> = rels
            .iter()
            .map(|r| std::ffi::OsStr::new(r.as_str()))
            .collect();
        let hit = |o: &crate::model::Origin| rels.contains(o.rel.as_os_str());
        let mut jobs = Vec::new();
        // Many files at once (a checkout, a rescan): no page goes first, all come together.
        if rels.is_empty() || rels.len() > 16 {
            return jobs;
        }
        jobs.extend(
            (0..g.articles.len())
                .filter(|&i| hit(&g.articles[i].article.origin))
                .map(Job::Article),
        );
        jobs.extend(
            (0..g.companies.len())
                .filter(|&i| hit(&g.companies[i].company.origin))
                .map(Job::Company),
        );
        jobs.extend(
            (0..g.models.len())
                .filter(|&i| hit(&g.models[i].model.origin))
                .map(Job::Model),
        );
        jobs.extend(
            (0..g.themes.len())
                .filter(|&i| hit(&g.themes[i].theme.origin))
                .map(Job::Theme),
        );
        jobs.extend(
            (0..g.pages.len())
                .filter(|&i| hit(&g.pages[i].page.origin))
                .map(Job::Page),
        );
        jobs
    }

    /// Renders these pages into `sink`; returns their paths.
    pub fn render_some(
        &self,
        jobs: &[Job],
        tera: &Tera,
        sink: &dyn Sink,
    ) -> Result<Vec<String>, BuildError> {
        render_jobs(self, jobs, tera, sink)
    }

    /// The job's template, site-relative URL, page title and nav section.
    fn describe(&self, job: Job) -> (&'static str, String, String, &'static str) {
        let g = self.graph;
        match job {
            Job::Home(n) => (
                "index.html",
                home_url(n),
                if n == 1 {
                    g.config.title.clone()
                } else {
                    format!("{} — page {n}", g.config.title)
                },
                "home",
            ),
            Job::Archive => (
                "articles.html",
                "articles/".into(),
                "Articles".into(),
                "articles",
            ),
            Job::Article(i) => {
                let a = &g.articles[i];
                (
                    "article.html",
                    a.url.clone(),
                    a.article.title.clone(),
                    "articles",
                )
            }
            Job::Companies => (
                "companies.html",
                "companies/".into(),
                "Companies".into(),
                "companies",
            ),
            Job::Company(i) => {
                let c = &g.companies[i];
                (
                    "company.html",
                    c.url.clone(),
                    c.company.name.clone(),
                    "companies",
                )
            }
            Job::Models => ("models.html", "models/".into(), "Models".into(), "models"),
            Job::Model(i) => {
                let m = &g.models[i];
                ("model.html", m.url.clone(), m.model.name.clone(), "models")
            }
            Job::Themes => ("themes.html", "themes/".into(), "Themes".into(), "themes"),
            Job::Theme(i) => {
                let t = &g.themes[i];
                ("theme.html", t.url.clone(), t.theme.name.clone(), "themes")
            }
            Job::Page(i) => {
                let p = &g.pages[i];
                let section = if p.page.slug == "about" {
                    "about"
                } else {
                    "page"
                };
                ("page.html", p.url.clone(), p.page.title.clone(), section)
            }
            Job::NotFound => (
                "404.html",
                "404.html".into(),
                "Page not found".into(),
                "404",
            ),
            Job::Feed => (
                "feed.xml",
                "feed.xml".into(),
                g.config.title.clone(),
                "feed",
            ),
            Job::Sitemap => (
                "sitemap.xml",
                "sitemap.xml".into(),
                String::new(),
                "sitemap",
            ),
            Job::Robots => ("robots.txt", "robots.txt".into(), String::new(), "robots"),
            Job::Review => (
                "review.html",
                "review/".into(),
                "Review desk".into(),
                "review",
            ),
            Job::Search => ("search.html", "search/".into(), "Search".into(), "search"),
            Job::EntityFeed(kind, i) => {
                let (name, url) = reader::entity_name_url(g, kind, i);
                (
                    "feed.xml",
                    format!("{url}feed.xml"),
                    name.to_string(),
                    "feed",
                )
            }
        }
    }

    /// Where the job's page is written in the output.
    pub fn path(&self, job: Job) -> String {
        let (_, rel_url, _, _) = self.describe(job);
        if rel_url.is_empty() || rel_url.ends_with('/') {
            page_path(&rel_url)
        } else {
            rel_url
        }
    }

    /// The card of article `i`, built on first use.
    pub(crate) fn card(&self, i: usize) -> &ArticleCard<'g> {
        self.cards[i].get_or_init(|| {
            article_card(
                &self.graph.articles[i],
                self.graph,
                &self.company_links,
                &self.model_links,
                &self.theme_links,
            )
        })
    }

    /// Builds every card now, in parallel (a full build needs them all).
    pub fn build_cards(&self) {
        (0..self.cards.len()).into_par_iter().for_each(|i| {
            self.card(i);
        });
    }

    /// Every article with its card, newest first.
    fn with_cards(&self) -> impl Iterator<Item = (&'g ArticleNode, &ArticleCard<'g>)> + '_ {
        self.graph
            .articles
            .iter()
            .enumerate()
            .map(|(i, a)| (a, self.card(i)))
    }

    fn pick(&self, list: &[usize]) -> Vec<&ArticleCard<'g>> {
        list.iter().map(|&i| self.card(i)).collect()
    }

    fn home_range(&self, n: usize) -> std::ops::Range<usize> {
        let start = ((n - 1) * self.per_page).min(self.cards.len());
        start..(start + self.per_page).min(self.cards.len())
    }

    /// Articles readers see as published, newest first: what feeds and sitemaps list.
    fn public_articles(&self) -> impl Iterator<Item = (&'g ArticleNode, &ArticleCard<'g>)> + '_ {
        self.graph
            .articles
            .iter()
            .enumerate()
            .filter(|(_, a)| a.public)
            .map(|(i, a)| (a, self.card(i)))
    }

    fn feed_entries(&self) -> Vec<FeedEntry<'_>> {
        self.public_articles()
            .take(self.graph.config.feed_limit)
            .map(|(a, c)| feed_entry(a, c, &self.theme_links))
            .collect()
    }

    fn desk_rows(&self) -> Vec<DeskRow<'_>> {
        let mut rows: Vec<DeskRow<'_>> = self
            .graph
            .articles
            .iter()
            .enumerate()
            .filter(|(_, a)| !a.public)
            .map(|(i, a)| (a, self.card(i)))
            .map(|(a, card)| DeskRow {
                card,
                path: display_path(&a.article.origin.rel),
                problems: a
                    .problems
                    .iter()
                    .map(|d| DeskProblem {
                        severity: d.severity,
                        location: location(d),
                        message: &d.message,
                        hint: d.hint.as_deref(),
                    })
                    .collect(),
            })
            .collect();
        // In review first (closest to going out), then drafts, then scheduled; newest first within.
        let rank = |s: Standing| match s {
            Standing::Review => 0,
            Standing::Draft => 1,
            _ => 2,
        };
        rows.sort_by_key(|r| rank(r.card.standing));
        rows
    }

    /// Renders one page into `out`. Errors are (template, message).
    pub fn render_to(
        &self,
        job: Job,
        tera: &Tera,
        out: &mut impl std::io::Write,
    ) -> Result<(), (String, String)> {
        let g = self.graph;
        let base = &g.base;
        let (template, rel_url, title, section) = self.describe(job);
        let mut ctx = Context::new();
        ctx.insert("site", &self.site);
        ctx.insert("banner", &None::<String>);
        match job {
            Job::Home(n) => {
                let slice: Vec<&ArticleCard<'_>> =
                    self.home_range(n).map(|i| self.card(i)).collect();
                ctx.insert("articles", &slice);
                ctx.insert(
                    "paginator",
                    &paginator(n, self.home_pages, |k| base.link(&home_url(k))),
                );
            }
            Job::Archive => {
                let mut years: Vec<YearGroup<'_>> = Vec::new();
                for (a, card) in self.with_cards() {
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
                ctx.insert("article_count", &self.cards.len());
            }
            Job::Article(i) => {
                let a = &g.articles[i];
                let card = self.card(i);
                ctx.insert(
                    "article",
                    &ArticlePage {
                        card,
                        body: &a.body.html,
                        show_summary: !opens_with(&a.body.first_paragraph, a.summary()),
                        source: a.article.source.as_ref(),
                        extra: &a.article.extra,
                    },
                );
                ctx.insert("banner", &card.banner);
                ctx.insert("standing", &card.standing);
                reader::insert_related(&mut ctx, a, self);
            }
            Job::Companies => ctx.insert("companies", &self.company_cards),
            Job::Company(i) => {
                let c = &g.companies[i];
                reader::insert_entity_extras(&mut ctx, self, crate::model::Kind::Company, i);
                ctx.insert(
                    "company",
                    &CompanyPage {
                        card: &self.company_cards[i],
                        website: c.company.website.as_deref(),
                        profile: &c.profile.html,
                        models: c.models.iter().map(|&m| &self.model_cards[m]).collect(),
                        articles: self.pick(&c.articles),
                        extra: &c.company.extra,
                    },
                );
            }
            Job::Models => {
                ctx.insert("models", &self.model_cards);
                reader::insert_models_chart(&mut ctx, g);
            }
            Job::Model(i) => {
                let m = &g.models[i];
                reader::insert_entity_extras(&mut ctx, self, crate::model::Kind::Model, i);
                ctx.insert(
                    "model",
                    &ModelPage {
                        card: &self.model_cards[i],
                        profile: &m.profile.html,
                        articles: self.pick(&m.articles),
                        extra: &m.model.extra,
                    },
                );
            }
            Job::Themes => ctx.insert("themes", &self.theme_cards),
            Job::Theme(i) => {
                let t = &g.themes[i];
                reader::insert_entity_extras(&mut ctx, self, crate::model::Kind::Theme, i);
                ctx.insert(
                    "theme",
                    &ThemePage {
                        card: &self.theme_cards[i],
                        profile: &t.profile.html,
                        keywords: &t.theme.keywords,
                        articles: self.pick(&t.articles),
                        extra: &t.theme.extra,
                    },
                );
            }
            Job::Page(i) => {
                let p = &g.pages[i];
                ctx.insert(
                    "page",
                    &PageCtx {
                        title: &p.page.title,
                        url: base.link(&p.url),
                        summary: p.page.summary.as_deref(),
                        body: &p.body.html,
                        extra: &p.page.extra,
                    },
                );
            }
            Job::NotFound | Job::Robots => {
                ctx.insert("sitemap_url", &base.permalink("sitemap.xml"));
            }
            Job::Feed => insert_feed(&mut ctx, base.permalink("feed.xml"), &self.feed_entries()),
            Job::Sitemap => ctx.insert("urls", &self.sitemap_urls()),
            Job::Review => ctx.insert("rows", &self.desk_rows()),
            Job::Search => reader::insert_search(&mut ctx, g),
            Job::EntityFeed(kind, i) => reader::insert_entity_feed(&mut ctx, self, kind, i),
        }
        ctx.insert("page_title", &title);
        ctx.insert("section", section);
        ctx.insert("current_path", &base.link(&rel_url));
        ctx.insert("current_url", &base.permalink(&rel_url));
        tera.render_to(template, &ctx, out).map_err(|e| {
            let (_, msg) = template_error_parts(&e);
            (template.to_string(), msg)
        })
    }

    fn sitemap_urls(&self) -> Vec<SitemapUrl> {
        let g = self.graph;
        let base = &g.base;
        let newest = self
            .public_articles()
            .next()
            .map(|(a, _)| a.article.date.iso_date());
        let mut urls = Vec::new();
        for n in 1..=self.home_pages {
            urls.push(SitemapUrl {
                loc: base.permalink(&home_url(n)),
                lastmod: if n == 1 { newest.clone() } else { None },
            });
        }
        for s in ["articles/", "companies/", "models/", "themes/"] {
            urls.push(SitemapUrl {
                loc: base.permalink(s),
                lastmod: newest.clone(),
            });
        }
        let latest = |list: &[usize]| {
            list.iter()
                .map(|&i| &g.articles[i])
                .find(|a| a.public)
                .map(|a| a.article.date.iso_date())
        };
        urls.extend(self.public_articles().map(|(a, _)| SitemapUrl {
            loc: base.permalink(&a.url),
            lastmod: Some(a.article.date.iso_date()),
        }));
        urls.extend(g.companies.iter().map(|c| SitemapUrl {
            loc: base.permalink(&c.url),
            lastmod: latest(&c.articles),
        }));
        urls.extend(g.models.iter().map(|m| SitemapUrl {
            loc: base.permalink(&m.url),
            lastmod: latest(&m.articles),
        }));
        urls.extend(g.themes.iter().map(|t| SitemapUrl {
            loc: base.permalink(&t.url),
            lastmod: latest(&t.articles),
        }));
        urls.extend(g.pages.iter().map(|p| SitemapUrl {
            loc: base.permalink(&p.url),
            lastmod: None,
        }));
        urls
    }

    /// A hash of everything the job's page shows, given each card's hash: when it is unchanged
    /// since the last render, so is the page (with the same templates).
    fn fingerprint(&self, job: Job, site: u64, card_fps: &[u64]) -> u64 {
        let g = self.graph;
        let mut h = DefaultHasher::default();
        site.hash(&mut h);
        std::mem::discriminant(&job).hash(&mut h);
        let cards = |list: &mut dyn Iterator<Item = usize>, h: &mut DefaultHasher| {
            for i in list {
                card_fps[i].hash(h);
            }
        };
        match job {
            Job::Home(n) => {
                (n, self.home_pages).hash(&mut h);
                cards(&mut self.home_range(n), &mut h);
            }
            Job::Archive => cards(&mut (0..self.cards.len()), &mut h),
            Job::Article(i) => {
                let a = &g.articles[i];
                (card_fps[i], a.article.origin.digest, a.body.digest).hash(&mut h);
                cards(&mut a.related.iter().copied(), &mut h);
            }
            Job::Companies => self.company_cards.hash(&mut h),
            Job::Company(i) => {
                let c = &g.companies[i];
                (
                    &self.company_cards[i],
                    c.company.origin.digest,
                    c.profile.digest,
                )
                    .hash(&mut h);
                for &m in &c.models {
                    self.model_cards[m].hash(&mut h);
                }
                cards(&mut c.articles.iter().copied(), &mut h);
                cards(&mut c.mentioned_in.iter().copied(), &mut h);
            }
            Job::Models => self.model_cards.hash(&mut h),
            Job::Model(i) => {
                let m = &g.models[i];
                (
                    &self.model_cards[i],
                    m.model.origin.digest,
                    m.profile.digest,
                )
                    .hash(&mut h);
                cards(&mut m.articles.iter().copied(), &mut h);
                cards(&mut m.mentioned_in.iter().copied(), &mut h);
            }
            Job::Themes => self.theme_cards.hash(&mut h),
            Job::Theme(i) => {
                let t = &g.themes[i];
                (
                    &self.theme_cards[i],
                    t.theme.origin.digest,
                    t.profile.digest,
                )
                    .hash(&mut h);
                cards(&mut t.articles.iter().copied(), &mut h);
                cards(&mut t.mentioned_in.iter().copied(), &mut h);
            }
            Job::Page(i) => {
                let p = &g.pages[i];
                (&p.url, p.page.origin.digest, p.body.digest).hash(&mut h);
            }
            Job::NotFound | Job::Robots | Job::Search => {}
            Job::EntityFeed(kind, i) => {
                for a in reader::entity_feed_articles(g, kind, i) {
                    card_fps[a].hash(&mut h);
                }
            }
            Job::Feed => {
                for (i, a) in g
                    .articles
                    .iter()
                    .enumerate()
                    .filter(|(_, a)| a.public)
                    .take(g.config.feed_limit)
                {
                    (card_fps[i], a.article.origin.digest, a.body.digest).hash(&mut h);
                }
            }
            Job::Sitemap => {
                for u in self.sitemap_urls() {
                    (u.loc, u.lastmod).hash(&mut h);
                }
            }
            Job::Review => {
                for r in self.desk_rows() {
                    serialized_hash(&r, &mut h);
                }
            }
        }
        h.finish()
    }
}

/// What `render_changed` did: the fingerprint of every page now in the site, and what it rendered.
#[derive(Debug, Default)]
pub struct Rendition {
    /// Output path -> fingerprint of what the page shows.
    pub fingerprints: HashMap<String, u64>,
    /// Pages whose fingerprint was new or changed (rendered now, or already by the caller).
    pub changed: Vec<String>,
    /// False when `stop` cut the rendering short.
    pub complete: bool,
}

/// Renders every page of the site into `sink`. Returns the paths written, or every template error.
/// Runs on the caller's threads with no time budget; `build` uses `render_site_watched`.
pub fn render_site(
    graph: &SiteGraph,
    tera: &Tera,
    sink: &dyn Sink,
) -> Result<Vec<String>, BuildError> {
    render_site_watched(graph, tera, sink, &Watch::default())
}

/// The most one page may grow to: far more than any page of the site needs (the feed repeats
/// article bodies), small enough that a template printing in a loop stops long before memory
/// runs out.
pub fn page_limit(graph: &SiteGraph) -> usize {
    let profiles = graph
        .companies
        .iter()
        .map(|c| c.profile.html.len())
        .chain(graph.models.iter().map(|m| m.profile.html.len()))
        .chain(graph.themes.iter().map(|t| t.profile.html.len()));
    let bodies: usize = graph
        .articles
        .iter()
        .map(|a| a.body.html.len())
        .chain(profiles)
        .chain(graph.pages.iter().map(|p| p.body.html.len()))
        .sum();
    64 * 1024 * 1024 + bodies.saturating_mul(4)
}

/// `render_site`, recording each page in `watch` while it renders, so that a watchdog can tell a
/// page that never finishes; stops early once `watch` is cancelled.
pub fn render_site_watched(
    graph: &SiteGraph,
    tera: &Tera,
    sink: &dyn Sink,
    watch: &Watch,
) -> Result<Vec<String>, BuildError> {
    let prepared = Prepared::new(graph);
    prepared.build_cards();
    let jobs = prepared.jobs();
    let mut written = render_jobs_watched(&prepared, &jobs, tera, sink, watch, &|| false)?;
    for (rel, bytes) in site_files(graph) {
        sink.put(rel, &bytes).map_err(output_error)?;
        written.push(rel.to_string());
    }
    Ok(written)
}

/// The files beside the pages: the stylesheet, the search index and script, and what GitHub Pages
/// reads. `.nojekyll` makes Pages serve the output as it is instead of running Jekyll over it;
/// `CNAME` carries the custom domain, except in a preview build (`--drafts`): pushed anywhere, a
/// preview must never claim the real site's domain.
fn site_files(graph: &SiteGraph) -> Vec<(&'static str, Vec<u8>)> {
    let mut files = fixed_files(graph);
    files.push((SEARCH_INDEX, crate::search::index_json(graph).into_bytes()));
    files
}

/// `site_files` but the search index, which is the one that follows the content.
fn fixed_files(graph: &SiteGraph) -> Vec<(&'static str, Vec<u8>)> {
    let mut files: Vec<(&'static str, Vec<u8>)> = theme::STATIC
        .iter()
        .map(|(rel, text)| (*rel, text.as_bytes().to_vec()))
        .collect();
    files.push((".nojekyll", Vec::new()));
    if let Some(cname) = graph
        .config
        .cname
        .as_deref()
        .filter(|_| !graph.selection.drafts)
    {
        files.push(("CNAME", format!("{}\n", cname.trim()).into_bytes()));
    }
    files
}

/// Renders only the pages whose fingerprint differs from `previous` (all of them when it is
/// empty), for `serve`, except those in `done` (already rendered from the same graph). Pages that
/// are gone are simply absent from the returned fingerprints.
///
/// `stop` is asked between batches of pages: when it says yes (another save is waiting), the
/// pages not rendered yet keep their previous fingerprints, so the next call renders them, and
/// `Rendition::complete` is false.
pub fn render_changed(
    prepared: &Prepared<'_>,
    tera: &Tera,
    previous: &HashMap<String, u64>,
    done: &HashSet<String>,
    sink: &dyn Sink,
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<Rendition, BuildError> {
    let site = {
        let mut h = DefaultHasher::default();
        serialized_hash(&prepared.site, &mut h);
        h.finish()
    };
    let card_fps: Vec<u64> = (0..prepared.cards.len())
        .into_par_iter()
        .map(|i| {
            let mut h = DefaultHasher::default();
            prepared.card(i).hash(&mut h);
            h.finish()
        })
        .collect();
    let jobs = prepared.jobs();
    let fps: Vec<(String, u64)> = jobs
        .par_iter()
        .map(|&job| {
            (
                prepared.path(job),
                prepared.fingerprint(job, site, &card_fps),
            )
        })
        .collect();
    let (dirty, changed): (Vec<Job>, Vec<String>) = jobs
        .iter()
        .zip(&fps)
        .filter(|(_, (path, fp))| previous.get(path) != Some(fp))
        .map(|(&job, (path, _))| (job, path.clone()))
        .unzip();
    let todo: Vec<Job> = dirty
        .iter()
        .zip(&changed)
        .filter(|(_, path)| !done.contains(*path))
        .map(|(&job, _)| job)
        .collect();
    // The pages that list every article go last: a waiting save is seen before each page.
    let mut todo = todo;
    todo.sort_by_key(|job| matches!(job, Job::Archive | Job::Sitemap | Job::Review));
    let written: HashSet<String> =
        render_jobs_watched(prepared, &todo, tera, sink, &Watch::default(), stop)?
            .into_iter()
            .collect();
    let mut fingerprints: HashMap<String, u64> = fps.into_iter().collect();
    let complete = written.len() == todo.len();
    let mut changed = changed;
    if !complete {
        // Not rendered: keep what was there, under its old fingerprint, for the next call.
        let left: HashSet<String> = todo
            .iter()
            .map(|&job| prepared.path(job))
            .filter(|p| !written.contains(p))
            .collect();
        for path in &left {
            match previous.get(path) {
                Some(&fp) => fingerprints.insert(path.clone(), fp),
                None => fingerprints.remove(path),
            };
        }
        changed.retain(|p| !left.contains(p));
    }
    for (rel, bytes) in fixed_files(prepared.graph) {
        if !previous.contains_key(rel) {
            sink.put(rel, &bytes).map_err(output_error)?;
        }
        fingerprints.insert(rel.to_string(), 0);
    }
    // The search index follows every article's text; it is written after the pages, which the
    // readers of an edited page are waiting for, and left for the next call (marked due) when a
    // save is waiting.
    const DUE: u64 = 1;
    let index_due = !changed.is_empty() || previous.get(SEARCH_INDEX).is_none_or(|&fp| fp == DUE);
    let index = (index_due && complete)
        .then(|| crate::search::index_json_until(prepared.graph, stop))
        .flatten();
    let fp = if let Some(index) = index {
        sink.put(SEARCH_INDEX, index.as_bytes())
            .map_err(output_error)?;
        0
    } else if index_due {
        DUE
    } else {
        0
    };
    fingerprints.insert(SEARCH_INDEX.to_string(), fp);
    Ok(Rendition {
        fingerprints,
        changed,
        complete,
    })
}

fn render_jobs(
    prepared: &Prepared<'_>,
    jobs: &[Job],
    tera: &Tera,
    sink: &dyn Sink,
) -> Result<Vec<String>, BuildError> {
    render_jobs_watched(prepared, jobs, tera, sink, &Watch::default(), &|| false)
}

/// Renders each page into a size-capped buffer while `watch` knows which page is rendering;
/// pages not started when `stop` says so are skipped (not in the returned paths).
fn render_jobs_watched(
    prepared: &Prepared<'_>,
    jobs: &[Job],
    tera: &Tera,
    sink: &dyn Sink,
    watch: &Watch,
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<Vec<String>, BuildError> {
    let limit = page_limit(prepared.graph);
    let results: Vec<Result<Option<String>, (String, String)>> = jobs
        .par_iter()
        .map(|&job| {
            if watch.is_cancelled() {
                return Err((String::new(), "the build was stopped".to_string()));
            }
            if stop() {
                return Ok(None);
            }
            let path = prepared.path(job);
            let mut page = PageBuffer::new(limit, watch);
            {
                let (template, ..) = prepared.describe(job);
                let _ticket = watch.start(template, &path);
                prepared.render_to(job, tera, &mut page)?;
            }
            sink.put(&path, &page.bytes)
                .map_err(|e| (String::new(), format!("{e:#}")))?;
            Ok(Some(path))
        })
        .collect();
    let mut written = Vec::with_capacity(results.len());
    let mut errors: BTreeMap<String, String> = BTreeMap::new();
    for r in results {
        match r {
            Ok(Some(p)) => written.push(p),
            Ok(None) => {}
            Err((template, msg)) => {
                errors.entry(template).or_insert(msg);
            }
        }
    }
    if let Some((template, msg)) = errors.into_iter().next() {
        return Err(BuildError::Template {
            name: if template.is_empty() {
                "output".into()
            } else {
                template
            },
            message: msg,
        });
    }
    Ok(written)
}

fn output_error(e: BuildError) -> BuildError {
    BuildError::Template {
        name: "output".into(),
        message: format!("{e:#}"),
    }
}

/// Feeds a value's JSON form to a hasher, without building the string.
fn serialized_hash<T: Serialize>(value: &T, h: &mut DefaultHasher) {
    struct Feed<'h>(&'h mut DefaultHasher);
    impl std::io::Write for Feed<'_> {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.write(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    // Serializing plain data to a writer that cannot fail cannot fail.
    let _ = serde_json::to_writer(Feed(h), value);
}

/// `path:line:col`, as a diagnostic prints its position.
fn location(d: &Diagnostic) -> String {
    let mut s = display_path(&d.path);
    if let Some(l) = d.line {
        s.push_str(&format!(":{l}"));
        if let Some(c) = d.column {
            s.push_str(&format!(":{c}"));
        }
    }
    s
}

fn home_url(n: usize) -> String {
    if n <= 1 {
        String::new()
    } else {
        format!("page/{n}/")
    }
}

fn article_card<'a>(
    a: &'a ArticleNode,
    graph: &'a SiteGraph,
    companies: &[EntityLink<'a>],
    models: &[EntityLink<'a>],
    themes: &[EntityLink<'a>],
) -> ArticleCard<'a> {
    let base = &graph.base;
    ArticleCard {
        title: &a.article.title,
        url: base.link(&a.url),
        permalink: base.permalink(&a.url),
        date: a.article.date.iso_date(),
        date_display: a.article.date.display(),
        date_rfc3339: a.article.date.rfc3339(),
        summary: a.summary(),
        authors: &a.article.authors,
        status: a.article.status,
        standing: a.standing,
        banner: if a.public {
            None
        } else {
            a.standing.banner(&a.article.date)
        },
        word_count: a.body.word_count,
        reading_minutes: a.body.word_count.div_ceil(230).max(1),
        companies: a.companies.iter().map(|&i| companies[i].clone()).collect(),
        models: a.models.iter().map(|&i| models[i].clone()).collect(),
        themes: a.themes.iter().map(|&i| themes[i].clone()).collect(),
    }
}

fn feed_entry<'a>(
    a: &'a ArticleNode,
    card: &ArticleCard<'a>,
    themes: &[EntityLink<'a>],
) -> FeedEntry<'a> {
    FeedEntry {
        title: &a.article.title,
        permalink: card.permalink.clone(),
        published: card.date_rfc3339.clone(),
        updated: card.date_rfc3339.clone(),
        summary: a.summary(),
        content: &a.body.html,
        authors: &a.article.authors,
        categories: a.themes.iter().map(|&i| themes[i].name).collect(),
    }
}

fn paginator(current: usize, total: usize, url: impl Fn(usize) -> String) -> Paginator {
    let lo = current.saturating_sub(2).max(1);
    let hi = (current + 2).min(total);
    Paginator {
        current,
        total,
        first: url(1),
        last: url(total),
        previous: (current > 1).then(|| url(current - 1)),
        next: (current < total).then(|| url(current + 1)),
        pages: (lo..=hi)
            .map(|n| PageNumber {
                number: n,
                url: url(n),
                current: n == current,
            })
            .collect(),
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

/// Whether `text` begins with `prefix`, ignoring whitespace and a trailing ellipsis.
fn opens_with(text: &str, prefix: &str) -> bool {
    let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let prefix = norm(prefix.trim_end_matches('…'));
    !prefix.is_empty() && norm(text).starts_with(&prefix)
}

/// `articles/x/` -> `articles/x/index.html`; `` -> `index.html`.
fn page_path(rel_url: &str) -> String {
    format!("{rel_url}index.html")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paginator_windows_and_edges() {
        let p = paginator(1, 5, |n| format!("/p{n}"));
        assert_eq!(p.previous, None);
        assert_eq!(p.next.as_deref(), Some("/p2"));
        assert_eq!(
            p.pages.iter().map(|x| x.number).collect::<Vec<_>>(),
            [1, 2, 3]
        );
        let p = paginator(5, 5, |n| format!("/p{n}"));
        assert_eq!(p.next, None);
        assert_eq!(p.pages.len(), 3);
    }

    #[test]
    fn a_summary_that_opens_the_body_is_not_repeated() {
        assert!(opens_with(
            "Since the start.  More text.",
            "Since the start."
        ));
        assert!(opens_with("A long first sentence goes on", "A long first…"));
        assert!(!opens_with("Something else entirely.", "Since the start."));
        assert!(!opens_with("Anything", ""));
    }

    #[test]
    fn reads_tera_positions() {
        assert_eq!(
            tera_position("Failed to parse 'x'\n --> 3:7\n  |"),
            (Some(3), Some(7))
        );
        assert_eq!(tera_position("no position"), (None, None));
    }
}

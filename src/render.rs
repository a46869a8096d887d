//! Stage 4, render: turns the linked site into pages through Tera templates.
//! Templates see only the typed context structs defined here. Pages go to a `Sink`; this module
//! never opens a file in the output folder itself.

use crate::error::{BuildError, Diagnostic, Diagnostics};
use crate::guard::{self, PageBuffer, Watch};
use crate::link::{ArticleNode, SiteGraph};
use crate::load::AssetFile;
use crate::model::{Extra, Status};
use crate::theme;
use crate::write::Sink;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use tera::{Context, Tera};

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
#[derive(Serialize, Clone)]
pub struct EntityLink<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub url: String,
}

/// An article as lists show it.
#[derive(Serialize)]
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
    pub source: Option<&'a crate::model::SourceRef>,
    pub extra: &'a Extra,
}

#[derive(Serialize)]
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

#[derive(Serialize)]
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

#[derive(Serialize)]
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
    tera.set_escape_fn(escape_html);
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

/// Escapes text for HTML and XML content and quoted attributes. Unlike Tera's default it leaves `/`
/// alone, so URLs stay readable in the page source.
pub fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + input.len() / 8);
    for c in input.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
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
enum Job {
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
    let bodies: usize = graph
        .articles
        .iter()
        .map(|a| a.body.html.len())
        .sum::<usize>()
        + graph
            .companies
            .iter()
            .map(|c| c.profile.html.len())
            .sum::<usize>()
        + graph
            .models
            .iter()
            .map(|m| m.profile.html.len())
            .sum::<usize>()
        + graph
            .themes
            .iter()
            .map(|t| t.profile.html.len())
            .sum::<usize>()
        + graph.pages.iter().map(|p| p.body.html.len()).sum::<usize>();
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
    let limit = page_limit(graph);
    let base = &graph.base;
    let site = SiteCtx {
        title: &graph.config.title,
        description: graph.config.description.as_deref(),
        base_url: &base.url,
        base_path: &base.path,
        language: &graph.config.language,
        author: graph.config.author.as_deref(),
        feed_url: base.link("feed.xml"),
        stylesheet_url: base.link(theme::STYLESHEET),
        preview: graph.selection.drafts,
        nav: ["articles", "companies", "models", "themes"]
            .iter()
            .map(|s| NavItem {
                title: capitalize(s),
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

    // Every card is built once and shared by every list that shows it.
    let cards: Vec<ArticleCard<'_>> = graph
        .articles
        .par_iter()
        .map(|a| article_card(a, graph, &company_links, &model_links, &theme_links))
        .collect();
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
    let home_pages = cards.len().div_ceil(per_page).max(1);
    let mut jobs: Vec<Job> = (1..=home_pages).map(Job::Home).collect();
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
    jobs.extend((0..graph.articles.len()).map(Job::Article));
    jobs.extend((0..graph.companies.len()).map(Job::Company));
    jobs.extend((0..graph.models.len()).map(Job::Model));
    jobs.extend((0..graph.themes.len()).map(Job::Theme));
    jobs.extend((0..graph.pages.len()).map(Job::Page));

    let home_url = |n: usize| {
        if n <= 1 {
            String::new()
        } else {
            format!("page/{n}/")
        }
    };
    let pick = |list: &[usize]| list.iter().map(|&i| &cards[i]).collect::<Vec<_>>();

    let results: Vec<Result<String, (String, String)>> = jobs
        .par_iter()
        .map(|job| {
            let mut ctx = Context::new();
            ctx.insert("site", &site);
            let (template, path, rel_url, title, section): (&str, String, String, String, &str) =
                match job {
                    Job::Home(n) => {
                        let start = (n - 1) * per_page;
                        let slice: Vec<&ArticleCard<'_>> = cards
                            [start.min(cards.len())..(start + per_page).min(cards.len())]
                            .iter()
                            .collect();
                        ctx.insert("articles", &slice);
                        ctx.insert(
                            "paginator",
                            &paginator(*n, home_pages, |k| base.link(&home_url(k))),
                        );
                        let title = if *n == 1 {
                            graph.config.title.clone()
                        } else {
                            format!("{} — page {n}", graph.config.title)
                        };
                        (
                            "index.html",
                            page_path(&home_url(*n)),
                            home_url(*n),
                            title,
                            "home",
                        )
                    }
                    Job::Archive => {
                        let mut years: Vec<YearGroup<'_>> = Vec::new();
                        for (a, card) in graph.articles.iter().zip(&cards) {
                            let y = chrono::Datelike::year(&a.article.date.date());
                            match years.last_mut() {
                                Some(g) if g.year == y => g.articles.push(card),
                                _ => years.push(YearGroup {
                                    year: y,
                                    articles: vec![card],
                                }),
                            }
                        }
                        ctx.insert("years", &years);
                        ctx.insert("article_count", &cards.len());
                        (
                            "articles.html",
                            page_path("articles/"),
                            "articles/".into(),
                            "Articles".into(),
                            "articles",
                        )
                    }
                    Job::Article(i) => {
                        let a = &graph.articles[*i];
                        ctx.insert(
                            "article",
                            &ArticlePage {
                                card: &cards[*i],
                                body: &a.body.html,
                                source: a.article.source.as_ref(),
                                extra: &a.article.extra,
                            },
                        );
                        (
                            "article.html",
                            page_path(&a.url),
                            a.url.clone(),
                            a.article.title.clone(),
                            "articles",
                        )
                    }
                    Job::Companies => {
                        ctx.insert("companies", &company_cards);
                        (
                            "companies.html",
                            page_path("companies/"),
                            "companies/".into(),
                            "Companies".into(),
                            "companies",
                        )
                    }
                    Job::Company(i) => {
                        let c = &graph.companies[*i];
                        ctx.insert(
                            "company",
                            &CompanyPage {
                                card: &company_cards[*i],
                                website: c.company.website.as_deref(),
                                profile: &c.profile.html,
                                models: c.models.iter().map(|&m| &model_cards[m]).collect(),
                                articles: pick(&c.articles),
                                extra: &c.company.extra,
                            },
                        );
                        (
                            "company.html",
                            page_path(&c.url),
                            c.url.clone(),
                            c.company.name.clone(),
                            "companies",
                        )
                    }
                    Job::Models => {
                        ctx.insert("models", &model_cards);
                        (
                            "models.html",
                            page_path("models/"),
                            "models/".into(),
                            "Models".into(),
                            "models",
                        )
                    }
                    Job::Model(i) => {
                        let m = &graph.models[*i];
                        ctx.insert(
                            "model",
                            &ModelPage {
                                card: &model_cards[*i],
                                profile: &m.profile.html,
                                articles: pick(&m.articles),
                                extra: &m.model.extra,
                            },
                        );
                        (
                            "model.html",
                            page_path(&m.url),
                            m.url.clone(),
                            m.model.name.clone(),
                            "models",
                        )
                    }
                    Job::Themes => {
                        ctx.insert("themes", &theme_cards);
                        (
                            "themes.html",
                            page_path("themes/"),
                            "themes/".into(),
                            "Themes".into(),
                            "themes",
                        )
                    }
                    Job::Theme(i) => {
                        let t = &graph.themes[*i];
                        ctx.insert(
                            "theme",
                            &ThemePage {
                                card: &theme_cards[*i],
                                profile: &t.profile.html,
                                keywords: &t.theme.keywords,
                                articles: pick(&t.articles),
                                extra: &t.theme.extra,
                            },
                        );
                        (
                            "theme.html",
                            page_path(&t.url),
                            t.url.clone(),
                            t.theme.name.clone(),
                            "themes",
                        )
                    }
                    Job::Page(i) => {
                        let p = &graph.pages[*i];
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
                        let section = if p.page.slug == "about" {
                            "about"
                        } else {
                            "page"
                        };
                        (
                            "page.html",
                            page_path(&p.url),
                            p.url.clone(),
                            p.page.title.clone(),
                            section,
                        )
                    }
                    Job::NotFound => (
                        "404.html",
                        "404.html".into(),
                        "404.html".into(),
                        "Page not found".into(),
                        "404",
                    ),
                    Job::Feed => {
                        let entries: Vec<FeedEntry<'_>> = graph
                            .articles
                            .iter()
                            .zip(&cards)
                            .take(graph.config.feed_limit)
                            .map(|(a, c)| feed_entry(a, c, &theme_links))
                            .collect();
                        ctx.insert("feed_url", &base.permalink("feed.xml"));
                        ctx.insert(
                            "updated",
                            &entries
                                .first()
                                .map(|e| e.updated.clone())
                                .unwrap_or_else(|| "1970-01-01T00:00:00+00:00".into()),
                        );
                        ctx.insert("entries", &entries);
                        (
                            "feed.xml",
                            "feed.xml".into(),
                            "feed.xml".into(),
                            graph.config.title.clone(),
                            "feed",
                        )
                    }
                    Job::Sitemap => {
                        ctx.insert("urls", &sitemap_urls(graph, home_pages, &home_url));
                        (
                            "sitemap.xml",
                            "sitemap.xml".into(),
                            "sitemap.xml".into(),
                            String::new(),
                            "sitemap",
                        )
                    }
                    Job::Robots => {
                        ctx.insert("sitemap_url", &base.permalink("sitemap.xml"));
                        (
                            "robots.txt",
                            "robots.txt".into(),
                            "robots.txt".into(),
                            String::new(),
                            "robots",
                        )
                    }
                };
            ctx.insert("page_title", &title);
            ctx.insert("section", section);
            ctx.insert("current_path", &base.link(&rel_url));
            ctx.insert("current_url", &base.permalink(&rel_url));
            if watch.is_cancelled() {
                return Err((String::new(), "the build was stopped".to_string()));
            }
            let mut page = PageBuffer::new(limit, watch);
            {
                let _ticket = watch.start(template, &path);
                tera.render_to(template, &ctx, &mut page).map_err(|e| {
                    let (_, msg) = template_error_parts(&e);
                    (template.to_string(), msg)
                })?;
            }
            sink.put(&path, &page.bytes)
                .map_err(|e| (String::new(), format!("{e:#}")))?;
            Ok(path)
        })
        .collect();

    let mut written = Vec::with_capacity(results.len());
    let mut errors: BTreeMap<String, String> = BTreeMap::new();
    for r in results {
        match r {
            Ok(p) => written.push(p),
            Err((template, msg)) => {
                errors.entry(template).or_insert(msg);
            }
        }
    }
    if let Some((template, msg)) = errors.into_iter().next() {
        if template.is_empty() {
            return Err(BuildError::Template {
                name: "output".into(),
                message: msg,
            });
        }
        return Err(BuildError::Template {
            name: template,
            message: msg,
        });
    }
    written.push(theme::STYLESHEET.to_string());
    sink.put(theme::STYLESHEET, theme::STYLESHEET_CSS.as_bytes())
        .map_err(|e| BuildError::Template {
            name: "output".into(),
            message: format!("{e:#}"),
        })?;
    Ok(written)
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
        summary: &a.summary,
        authors: &a.article.authors,
        status: a.article.status,
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
        summary: &a.summary,
        content: &a.body.html,
        authors: &a.article.authors,
        categories: a.themes.iter().map(|&i| themes[i].name).collect(),
    }
}

fn sitemap_urls(
    graph: &SiteGraph,
    home_pages: usize,
    home_url: &dyn Fn(usize) -> String,
) -> Vec<SitemapUrl> {
    let base = &graph.base;
    let newest = graph.articles.first().map(|a| a.article.date.iso_date());
    let mut urls = Vec::new();
    for n in 1..=home_pages {
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
        list.first()
            .map(|&i| graph.articles[i].article.date.iso_date())
    };
    urls.extend(graph.articles.iter().map(|a| SitemapUrl {
        loc: base.permalink(&a.url),
        lastmod: Some(a.article.date.iso_date()),
    }));
    urls.extend(graph.companies.iter().map(|c| SitemapUrl {
        loc: base.permalink(&c.url),
        lastmod: latest(&c.articles),
    }));
    urls.extend(graph.models.iter().map(|m| SitemapUrl {
        loc: base.permalink(&m.url),
        lastmod: latest(&m.articles),
    }));
    urls.extend(graph.themes.iter().map(|t| SitemapUrl {
        loc: base.permalink(&t.url),
        lastmod: latest(&t.articles),
    }));
    urls.extend(graph.pages.iter().map(|p| SitemapUrl {
        loc: base.permalink(&p.url),
        lastmod: None,
    }));
    urls
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

/// `articles/x/` -> `articles/x/index.html`; `` -> `index.html`.
fn page_path(rel_url: &str) -> String {
    format!("{rel_url}index.html")
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
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
    fn reads_tera_positions() {
        assert_eq!(
            tera_position("Failed to parse 'x'\n --> 3:7\n  |"),
            (Some(3), Some(7))
        );
        assert_eq!(tera_position("no position"), (None, None));
    }
}

//! Stage 3, link: one graph of the site. Checks every reference, gives every item its URL, renders
//! Markdown bodies with their links rewritten, and records who relates to whom.
//! Works on parsed content in memory; never reads files or writes output. A `BodyCache` (kept by
//! `serve` between links) lets a relink reuse every body whose text and link targets did not change.

use crate::error::{did_you_mean, Diagnostic, Diagnostics};
use crate::markdown::{self, LinkTarget, Rendered};
use crate::model::*;
use chrono::NaiveDate;
use rayon::prelude::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use serde::Serialize;
use std::collections::HashSet as StdHashSet;
use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// `base_url` split into what links need: the full URL and its path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    /// `https://org.github.io/briefing/`, always ending in `/`.
    pub url: String,
    /// `/briefing/`, always starting and ending in `/`.
    pub path: String,
}

impl BaseUrl {
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let Some((scheme, rest)) = s.split_once("://") else {
            return Err(format!(
                "`{s}` is not an absolute URL: write it like https://org.github.io/briefing/"
            ));
        };
        if scheme != "http" && scheme != "https" {
            return Err(format!("`{s}` must start with https:// or http://"));
        }
        let (host, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        if host.is_empty() || host.contains(char::is_whitespace) {
            return Err(format!("`{s}` has no host name"));
        }
        if path.contains(['?', '#']) {
            return Err(format!("`{s}` may not carry a query or fragment"));
        }
        let path = if path.ends_with('/') {
            path.to_string()
        } else {
            format!("{path}/")
        };
        Ok(BaseUrl {
            url: format!("{scheme}://{host}{path}"),
            path,
        })
    }
    /// A site-relative URL (`articles/x/`) as a root-relative link (`/briefing/articles/x/`).
    pub fn link(&self, rel: &str) -> String {
        format!("{}{}", self.path, rel)
    }
    /// A site-relative URL as an absolute URL, for feeds and sitemaps.
    pub fn permalink(&self, rel: &str) -> String {
        format!("{}{}", self.url, rel)
    }
}

/// Where an article stands for readers on the build's date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Standing {
    Published,
    /// `status: published`, dated after the build's date.
    Scheduled,
    Review,
    Draft,
}

impl Standing {
    /// The banner a preview shows on the article's page.
    pub fn banner(self, date: &PubDate) -> Option<String> {
        match self {
            Standing::Published => None,
            Standing::Scheduled => Some(format!("Scheduled for {}", date.display())),
            Standing::Review => Some("In review".into()),
            Standing::Draft => Some("Draft — not published".into()),
        }
    }
}

/// Which articles a build includes, judged on the build's date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Selection {
    /// A preview build: include drafts, articles in review and scheduled ones, marked as such.
    pub drafts: bool,
    /// Treat scheduled articles as published (`--future`).
    pub future: bool,
    /// The build's date: articles dated after it are scheduled.
    pub today: NaiveDate,
}

impl Selection {
    /// A published build as of today's local date.
    pub fn published() -> Self {
        Selection {
            drafts: false,
            future: false,
            today: chrono::Local::now().date_naive(),
        }
    }
    pub fn standing(&self, a: &Article) -> Standing {
        match a.status {
            Status::Draft => Standing::Draft,
            Status::Review => Standing::Review,
            Status::Published if a.date.date() > self.today => Standing::Scheduled,
            Status::Published => Standing::Published,
        }
    }
    /// Whether the article is in this build at all.
    pub fn includes(&self, a: &Article) -> bool {
        match self.standing(a) {
            Standing::Published => true,
            Standing::Scheduled => self.future || self.drafts,
            Standing::Review | Standing::Draft => self.drafts,
        }
    }
    /// Whether readers see it as published: in feeds and sitemaps, without a banner.
    pub fn is_public(&self, a: &Article) -> bool {
        match self.standing(a) {
            Standing::Published => true,
            Standing::Scheduled => self.future,
            Standing::Review | Standing::Draft => false,
        }
    }
}

#[derive(Debug)]
pub struct ArticleNode {
    pub article: Arc<Article>,
    /// Site-relative URL, `articles/<slug>/`.
    pub url: String,
    pub body: Arc<Rendered>,
    /// Front-matter summary, else the opening of the first paragraph.
    pub summary: String,
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
}

#[derive(Debug)]
pub struct CompanyNode {
    pub company: Arc<Company>,
    pub url: String,
    pub profile: Arc<Rendered>,
    pub models: Vec<usize>,
    /// Newest first.
    pub articles: Vec<usize>,
}

#[derive(Debug)]
pub struct ModelNode {
    pub model: Arc<Model>,
    pub url: String,
    pub profile: Arc<Rendered>,
    pub company: usize,
    pub articles: Vec<usize>,
}

#[derive(Debug)]
pub struct ThemeNode {
    pub theme: Arc<Theme>,
    pub url: String,
    pub profile: Arc<Rendered>,
    pub articles: Vec<usize>,
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
}

/// Output paths the generator itself writes at the top level; pages may not take them.
pub const RESERVED_TOP: &[&str] = &[
    "articles",
    "companies",
    "models",
    "themes",
    "page",
    "assets",
    "feed.xml",
    "sitemap.xml",
    "robots.txt",
    "404.html",
    "index.html",
    "search",
    "review",
    "CNAME",
    ".nojekyll",
    "__briefing",
];

/// A content file as a link target.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Target {
    url: String,
    published: bool,
}

/// Rendered bodies kept between links of one site (by `serve`), keyed by source path.
#[derive(Debug, Default)]
pub struct BodyCache {
    env: Option<LinkEnv>,
    entries: HashMap<OsString, CachedBody>,
    /// How many bodies the last link rendered rather than reused.
    pub rendered_last: usize,
}

/// What relative links resolved against when the cached bodies were rendered.
#[derive(Debug)]
struct LinkEnv {
    targets: HashMap<String, Target>,
    statics: StdHashSet<String>,
    base: BaseUrl,
    raw_html: RawHtml,
}

#[derive(Debug)]
struct CachedBody {
    source: Arc<str>,
    rendered: Arc<Rendered>,
    /// The source paths its relative links resolved against, found or not.
    deps: Vec<String>,
    /// A broken link's did-you-mean depends on every target, so any change re-renders it.
    broken: bool,
}

/// Which cached bodies a link may reuse.
enum Reuse<'c> {
    Nothing,
    /// Bodies with the same text, unless they link to one of these source paths.
    Unless(&'c HashMap<OsString, CachedBody>, HashSet<String>),
}

impl Reuse<'_> {
    fn get(&self, rel: &Path, body: &Arc<str>) -> Option<Arc<Rendered>> {
        let Reuse::Unless(entries, changed) = self else {
            return None;
        };
        let e = entries.get(rel.as_os_str())?;
        let same_text = Arc::ptr_eq(&e.source, body) || *e.source == **body;
        let still_valid =
            changed.is_empty() || (!e.broken && !e.deps.iter().any(|d| changed.contains(d)));
        (same_text && still_valid).then(|| e.rendered.clone())
    }
}

/// Source paths whose link target differs between two environments (`static/...` for assets).
fn changed_targets(
    old: &LinkEnv,
    targets: &HashMap<String, Target>,
    statics: &StdHashSet<String>,
) -> HashSet<String> {
    let mut changed: HashSet<String> = targets
        .iter()
        .filter(|(k, t)| old.targets.get(*k) != Some(t))
        .map(|(k, _)| k.clone())
        .collect();
    changed.extend(
        old.targets
            .keys()
            .filter(|k| !targets.contains_key(*k))
            .cloned(),
    );
    changed.extend(
        statics
            .symmetric_difference(&old.statics)
            .map(|s| format!("static/{s}")),
    );
    changed
}

pub fn link(
    config: SiteConfig,
    base: BaseUrl,
    content: Content,
    statics: &StdHashSet<String>,
    selection: Selection,
    mut cache: Option<&mut BodyCache>,
    diags: &mut Diagnostics,
) -> SiteGraph {
    let Content {
        mut articles,
        companies,
        models,
        themes,
        pages,
    } = content;

    // URLs, and the index of source paths that Markdown links resolve against.
    let mut targets: HashMap<String, Target> = HashMap::default();
    let mut claimed: HashMap<String, PathBuf> = HashMap::default();
    let mut claim = |url: String, origin: &Origin, diags: &mut Diagnostics| {
        if let Some(first) = claimed.get(&url) {
            let (line, col) = origin.locate("slug", "").unwrap_or((1, 1));
            diags.push(
                Diagnostic::error(
                    &origin.rel,
                    format!(
                        "two files claim the URL /{url}: this one and {}",
                        display_path(first)
                    ),
                )
                .at(line, Some(col))
                .hint("give one of them a different `slug:` or file name"),
            );
        } else {
            claimed.insert(url, origin.rel.clone());
        }
    };
    for a in &articles {
        let url = format!("articles/{}/", a.slug);
        let included = selection.includes(a);
        if included {
            claim(url.clone(), &a.origin, diags);
        }
        targets.insert(
            display_path(&a.origin.rel),
            Target {
                url,
                published: included,
            },
        );
    }
    for (folder, list) in [
        (
            "companies",
            companies
                .iter()
                .map(|c| (&c.id, &c.origin))
                .collect::<Vec<_>>(),
        ),
        (
            "models",
            models.iter().map(|m| (&m.id, &m.origin)).collect(),
        ),
        (
            "themes",
            themes.iter().map(|t| (&t.id, &t.origin)).collect(),
        ),
    ] {
        for (id, origin) in list {
            let url = format!("{folder}/{id}/");
            claim(url.clone(), origin, diags);
            targets.insert(
                display_path(&origin.rel),
                Target {
                    url,
                    published: true,
                },
            );
        }
    }
    for p in &pages {
        if RESERVED_TOP.contains(&p.slug.as_str()) {
            let (line, col) = p.origin.locate("slug", &p.slug).unwrap_or((1, 1));
            diags.push(
                Diagnostic::error(
                    &p.origin.rel,
                    format!("the page URL /{}/ is used by the site itself", p.slug),
                )
                .at(line, Some(col))
                .hint("rename the file or set another `slug:`"),
            );
        }
        let url = format!("{}/", p.slug);
        claim(url.clone(), &p.origin, diags);
        targets.insert(
            display_path(&p.origin.rel),
            Target {
                url,
                published: true,
            },
        );
    }

    let company_ix: HashMap<&str, usize> = index(companies.iter().map(|c| c.id.as_str()));
    let model_ix: HashMap<&str, usize> = index(models.iter().map(|m| m.id.as_str()));
    let theme_ix: HashMap<&str, usize> = index(themes.iter().map(|t| t.id.as_str()));

    articles.retain(|a| selection.includes(a));
    // Newest first; ties broken by title so the order never depends on the file system.
    articles.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.title.cmp(&b.title)));

    // References from articles and models. An article's own problems are kept apart: in a preview
    // they go to the review desk when the article is not published.
    let resolve_refs = |origin: &Origin,
                        key: &str,
                        ids: &[EntityId],
                        ix: &HashMap<&str, usize>,
                        folder: &str,
                        diags: &mut Vec<Diagnostic>| {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            match ix.get(id.as_str()) {
                Some(&i) if !out.contains(&i) => out.push(i),
                Some(_) => {}
                None => diags.push(unknown_id(origin, key, id.as_str(), ix, folder)),
            }
        }
        out
    };
    let mut article_diags: Vec<Vec<Diagnostic>> = Vec::with_capacity(articles.len());
    let mut refs = Vec::with_capacity(articles.len());
    for a in &articles {
        let mut own = Vec::new();
        refs.push((
            resolve_refs(
                &a.origin,
                "companies",
                &a.companies,
                &company_ix,
                "companies",
                &mut own,
            ),
            resolve_refs(
                &a.origin, "models", &a.models, &model_ix, "models", &mut own,
            ),
            resolve_refs(
                &a.origin, "themes", &a.themes, &theme_ix, "themes", &mut own,
            ),
        ));
        article_diags.push(own);
    }
    let mut model_diags = Vec::new();
    let model_company: Vec<usize> = models
        .iter()
        .map(|m| {
            resolve_refs(
                &m.origin,
                "company",
                std::slice::from_ref(&m.company),
                &company_ix,
                "companies",
                &mut model_diags,
            )
            .first()
            .copied()
            .unwrap_or(usize::MAX)
        })
        .collect();
    diags.extend(model_diags);

    // Bodies, rendered in parallel: the expensive part of the build. A kept cache is reused for
    // every body whose text is the same and whose links resolve as before.
    let reuse = match cache.as_deref() {
        Some(BodyCache {
            env: Some(env),
            entries,
            ..
        }) if env.base == base && env.raw_html == config.markdown.raw_html => {
            Reuse::Unless(entries, changed_targets(env, &targets, statics))
        }
        _ => Reuse::Nothing,
    };
    let keep = cache.is_some();
    let ctx = RenderCtx {
        targets: &targets,
        statics,
        base: &base,
        raw_html: config.markdown.raw_html,
    };
    let body = |origin: &Origin, text: &Arc<str>| -> (Arc<Rendered>, Option<CachedBody>) {
        if let Some(r) = reuse.get(&origin.rel, text) {
            return (r, None);
        }
        ctx.render(origin, text, keep)
    };
    type Fresh = Vec<(PathBuf, CachedBody)>;
    let fresh = |origin: &Origin, c: Option<CachedBody>| c.map(|c| (origin.rel.clone(), c));

    let (mut article_nodes, fresh_articles): (Vec<ArticleNode>, Fresh) = articles
        .into_par_iter()
        .zip(refs.into_par_iter())
        .map(|(article, (companies, models, themes))| {
            let (body, cached) = body(&article.origin, &article.body);
            let summary = article
                .summary
                .clone()
                .unwrap_or_else(|| shorten(&body.first_paragraph, 300));
            let standing = selection.standing(&article);
            let node = ArticleNode {
                url: format!("articles/{}/", article.slug),
                public: selection.is_public(&article),
                standing,
                problems: Vec::new(),
                body,
                summary,
                companies,
                models,
                themes,
                article,
            };
            let f = fresh(&node.article.origin, cached);
            (node, f)
        })
        .collect::<Vec<_>>()
        .split_fresh();
    let (mut company_nodes, fresh_companies): (Vec<CompanyNode>, Fresh) = companies
        .into_par_iter()
        .map(|c| {
            let (profile, cached) = body(&c.origin, &c.body);
            let f = fresh(&c.origin, cached);
            let node = CompanyNode {
                profile,
                url: format!("companies/{}/", c.id),
                company: c,
                models: Vec::new(),
                articles: Vec::new(),
            };
            (node, f)
        })
        .collect::<Vec<_>>()
        .split_fresh();
    let (mut model_nodes, fresh_models): (Vec<ModelNode>, Fresh) = models
        .into_par_iter()
        .zip(model_company.into_par_iter())
        .map(|(m, company)| {
            let (profile, cached) = body(&m.origin, &m.body);
            let f = fresh(&m.origin, cached);
            let node = ModelNode {
                profile,
                url: format!("models/{}/", m.id),
                model: m,
                company,
                articles: Vec::new(),
            };
            (node, f)
        })
        .collect::<Vec<_>>()
        .split_fresh();
    let (mut theme_nodes, fresh_themes): (Vec<ThemeNode>, Fresh) = themes
        .into_par_iter()
        .map(|t| {
            let (profile, cached) = body(&t.origin, &t.body);
            let f = fresh(&t.origin, cached);
            let node = ThemeNode {
                profile,
                url: format!("themes/{}/", t.id),
                theme: t,
                articles: Vec::new(),
            };
            (node, f)
        })
        .collect::<Vec<_>>()
        .split_fresh();
    let (mut page_nodes, fresh_pages): (Vec<PageNode>, Fresh) = pages
        .into_par_iter()
        .map(|p| {
            let (body, cached) = body(&p.origin, &p.body);
            let f = fresh(&p.origin, cached);
            let node = PageNode {
                body,
                url: format!("{}/", p.slug),
                page: p,
            };
            (node, f)
        })
        .collect::<Vec<_>>()
        .split_fresh();

    // Link problems and anchors, now that every body's headings are known.
    let anchors: HashMap<&str, &Vec<String>> = article_nodes
        .iter()
        .map(|n| (n.url.as_str(), &n.body.anchors))
        .chain(
            company_nodes
                .iter()
                .map(|n| (n.url.as_str(), &n.profile.anchors)),
        )
        .chain(
            model_nodes
                .iter()
                .map(|n| (n.url.as_str(), &n.profile.anchors)),
        )
        .chain(
            theme_nodes
                .iter()
                .map(|n| (n.url.as_str(), &n.profile.anchors)),
        )
        .chain(page_nodes.iter().map(|n| (n.url.as_str(), &n.body.anchors)))
        .collect();
    let report = |origin: &Origin, r: &Rendered, own_url: &str, out: &mut Vec<Diagnostic>| {
        for p in &r.problems {
            out.push(body_diag(origin, p.pos, &p.message, &p.hint));
        }
        for (pos, dest) in &r.links {
            if let Some((url, frag)) = ctx.anchor_target(origin, dest, own_url) {
                if let Some(list) = anchors.get(url.as_str()) {
                    if !list.iter().any(|a| a == frag) {
                        let mut d = body_diag(
                            origin,
                            *pos,
                            &format!("link to `{dest}`: there is no heading `#{frag}` there"),
                            "",
                        );
                        d.severity = crate::error::Severity::Warning;
                        d.hint = Some(match did_you_mean(frag, list.iter().map(String::as_str)) {
                            Some(s) => format!("did you mean `#{s}`?"),
                            None => "anchors are made from headings: `## Market Outlook` is `#market-outlook`".into(),
                        });
                        out.push(d);
                    }
                }
            }
        }
    };
    let mut problems: Vec<Vec<Diagnostic>> = article_nodes
        .iter()
        .zip(article_diags)
        .map(|(n, mut own)| {
            report(&n.article.origin, &n.body, &n.url, &mut own);
            own
        })
        .collect();
    let mut shared = Vec::new();
    for n in &company_nodes {
        report(&n.company.origin, &n.profile, &n.url, &mut shared);
    }
    for n in &model_nodes {
        report(&n.model.origin, &n.profile, &n.url, &mut shared);
    }
    for n in &theme_nodes {
        report(&n.theme.origin, &n.profile, &n.url, &mut shared);
    }
    for n in &page_nodes {
        report(&n.page.origin, &n.body, &n.url, &mut shared);
    }
    diags.extend(shared);
    for (n, own) in article_nodes.iter_mut().zip(problems.iter_mut()) {
        if n.public {
            diags.extend(std::mem::take(own));
        } else {
            n.problems = std::mem::take(own);
            n.problems.extend(editorial_checks(n));
        }
    }

    // Keep what this link rendered for the next one; forget files that are gone or left out.
    if let Some(cache) = cache.as_deref_mut() {
        let fresh: Fresh = [
            fresh_articles,
            fresh_companies,
            fresh_models,
            fresh_themes,
            fresh_pages,
        ]
        .into_iter()
        .flatten()
        .collect();
        cache.rendered_last = fresh.len();
        let present: HashSet<&std::ffi::OsStr> = article_nodes
            .iter()
            .map(|n| n.article.origin.rel.as_os_str())
            .chain(
                company_nodes
                    .iter()
                    .map(|n| n.company.origin.rel.as_os_str()),
            )
            .chain(model_nodes.iter().map(|n| n.model.origin.rel.as_os_str()))
            .chain(theme_nodes.iter().map(|n| n.theme.origin.rel.as_os_str()))
            .chain(page_nodes.iter().map(|n| n.page.origin.rel.as_os_str()))
            .collect();
        cache.entries.retain(|k, _| present.contains(k.as_os_str()));
        cache
            .entries
            .extend(fresh.into_iter().map(|(p, c)| (p.into_os_string(), c)));
    }

    // Relations. Articles are already newest first, so every list built here is too.
    for (ai, a) in article_nodes.iter().enumerate() {
        for &c in &a.companies {
            company_nodes[c].articles.push(ai);
        }
        for &m in &a.models {
            model_nodes[m].articles.push(ai);
        }
        for &t in &a.themes {
            theme_nodes[t].articles.push(ai);
        }
    }
    for (mi, m) in model_nodes.iter().enumerate() {
        if let Some(c) = company_nodes.get_mut(m.company) {
            c.models.push(mi);
        }
    }
    // Lists of entities are shown by name; sort once and remap the indices that point into them.
    sort_entities(
        &mut company_nodes,
        |c| c.company.name.to_lowercase(),
        |order| {
            for a in article_nodes.iter_mut() {
                remap(&mut a.companies, order);
            }
            for m in model_nodes.iter_mut() {
                if m.company != usize::MAX {
                    m.company = order[m.company];
                }
            }
        },
    );
    sort_entities(
        &mut model_nodes,
        |m| m.model.name.to_lowercase(),
        |order| {
            for a in article_nodes.iter_mut() {
                remap(&mut a.models, order);
            }
            for c in company_nodes.iter_mut() {
                remap(&mut c.models, order);
            }
        },
    );
    sort_entities(
        &mut theme_nodes,
        |t| t.theme.name.to_lowercase(),
        |order| {
            for a in article_nodes.iter_mut() {
                remap(&mut a.themes, order);
            }
        },
    );
    for c in company_nodes.iter_mut() {
        // A company's models: newest release first, unreleased last.
        let models = &model_nodes;
        c.models.sort_by(|&a, &b| {
            models[b]
                .model
                .released
                .cmp(&models[a].model.released)
                .then(a.cmp(&b))
        });
    }
    page_nodes.sort_by(|a, b| a.page.title.cmp(&b.page.title));

    if let Some(cache) = cache {
        cache.env = Some(LinkEnv {
            targets,
            statics: statics.clone(),
            base: base.clone(),
            raw_html: config.markdown.raw_html,
        });
    }

    SiteGraph {
        config,
        base,
        selection,
        articles: article_nodes,
        companies: company_nodes,
        models: model_nodes,
        themes: theme_nodes,
        pages: page_nodes,
    }
}

/// Nodes with the bodies rendered for them (rather than reused), split into two lists.
trait SplitFresh<N> {
    fn split_fresh(self) -> (Vec<N>, Vec<(PathBuf, CachedBody)>);
}

impl<N> SplitFresh<N> for Vec<(N, Option<(PathBuf, CachedBody)>)> {
    fn split_fresh(self) -> (Vec<N>, Vec<(PathBuf, CachedBody)>) {
        let mut fresh = Vec::new();
        let nodes = self
            .into_iter()
            .map(|(n, f)| {
                fresh.extend(f);
                n
            })
            .collect();
        (nodes, fresh)
    }
}

/// What an editor should still do before an article goes out; shown on the review desk.
fn editorial_checks(n: &ArticleNode) -> Vec<Diagnostic> {
    let a = &n.article;
    let mut out = Vec::new();
    if a.summary.is_none() {
        out.push(
            Diagnostic::warning(
                &a.origin.rel,
                "no summary: lists and the feed will show the first paragraph",
            )
            .at(a.origin.yaml_line, None)
            .hint("add `summary:` with one or two sentences"),
        );
    }
    if n.companies.is_empty() && n.models.is_empty() && n.themes.is_empty() {
        out.push(
            Diagnostic::warning(
                &a.origin.rel,
                "names no companies, models or themes: no entity page will list it",
            )
            .at(a.origin.yaml_line, None)
            .hint("add ids to `companies:`, `models:` or `themes:`"),
        );
    }
    out
}

fn index<'a>(ids: impl Iterator<Item = &'a str>) -> HashMap<&'a str, usize> {
    ids.enumerate().map(|(i, id)| (id, i)).collect()
}

/// Sorts `nodes` by `key` and calls `fix` with old-index -> new-index.
fn sort_entities<T, K: Ord>(nodes: &mut Vec<T>, key: impl Fn(&T) -> K, fix: impl FnOnce(&[usize])) {
    let mut order: Vec<usize> = (0..nodes.len()).collect();
    order.sort_by_cached_key(|&i| key(&nodes[i]));
    let mut new_of_old = vec![0; nodes.len()];
    for (new, &old) in order.iter().enumerate() {
        new_of_old[old] = new;
    }
    let mut slots: Vec<Option<T>> = std::mem::take(nodes).into_iter().map(Some).collect();
    *nodes = order
        .iter()
        .map(|&old| slots[old].take().expect("each index once"))
        .collect();
    fix(&new_of_old);
}

fn remap(list: &mut [usize], new_of_old: &[usize]) {
    for i in list.iter_mut() {
        *i = new_of_old[*i];
    }
}

fn unknown_id(
    origin: &Origin,
    key: &str,
    id: &str,
    ix: &HashMap<&str, usize>,
    folder: &str,
) -> Diagnostic {
    let (line, col) = origin.locate(key, id).unwrap_or((origin.yaml_line, 1));
    let hint = match did_you_mean(id, ix.keys().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!("create content/{folder}/{id}.md, or use the id of an existing file in content/{folder}/"),
    };
    Diagnostic::error(
        &origin.rel,
        format!("unknown {} id `{id}` in `{key}`", singular(folder)),
    )
    .at(line, Some(col))
    .hint(hint)
}

fn singular(folder: &str) -> &str {
    match folder {
        "companies" => "company",
        "models" => "model",
        "themes" => "theme",
        other => other,
    }
}

fn body_diag(origin: &Origin, (line, col): markdown::Pos, message: &str, hint: &str) -> Diagnostic {
    let d = Diagnostic::error(&origin.rel, message.to_string())
        .at(origin.body_line + line - 1, Some(col));
    if hint.is_empty() {
        d
    } else {
        d.hint(hint.to_string())
    }
}

struct RenderCtx<'a> {
    targets: &'a HashMap<String, Target>,
    statics: &'a StdHashSet<String>,
    base: &'a BaseUrl,
    raw_html: RawHtml,
}

impl RenderCtx<'_> {
    /// Renders one body; with `keep`, also what a cache needs to know when it may reuse it.
    fn render(
        &self,
        origin: &Origin,
        body: &Arc<str>,
        keep: bool,
    ) -> (Arc<Rendered>, Option<CachedBody>) {
        let mut deps = Vec::new();
        let mut broken = false;
        let rendered = markdown::render(body, self.raw_html, &mut |dest| {
            let (target, dep) = self.resolve(origin, dest);
            if keep {
                broken |= matches!(target, LinkTarget::Broken { .. });
                deps.extend(dep);
            }
            target
        });
        let mut rendered = rendered;
        if keep {
            rendered.digest = digest(&rendered.html);
        }
        let rendered = Arc::new(rendered);
        let cached = keep.then(|| CachedBody {
            source: body.clone(),
            rendered: rendered.clone(),
            deps,
            broken,
        });
        (rendered, cached)
    }

    /// What a link destination becomes, and the source path it was looked up as (if any).
    fn resolve(&self, origin: &Origin, dest: &str) -> (LinkTarget, Option<String>) {
        match classify(dest) {
            Dest::External | Dest::Fragment => (LinkTarget::Keep, None),
            Dest::RootRelative => (
                LinkTarget::Rewrite(self.base.link(dest.trim_start_matches('/'))),
                None,
            ),
            Dest::Relative { path, suffix } => {
                let Some(joined) = join(&origin.rel, path) else {
                    return (
                        LinkTarget::Broken {
                            message: format!("link to `{dest}` climbs out of the site"),
                            hint: "link to a file inside content/ or static/".into(),
                        },
                        None,
                    );
                };
                let target = self.resolve_joined(origin, dest, path, suffix, &joined);
                (target, Some(joined))
            }
        }
    }

    fn resolve_joined(
        &self,
        origin: &Origin,
        dest: &str,
        path: &str,
        suffix: &str,
        joined: &str,
    ) -> LinkTarget {
        if let Some(t) = self.targets.get(joined) {
            return if t.published {
                LinkTarget::Rewrite(format!("{}{suffix}", self.base.link(&t.url)))
            } else {
                LinkTarget::Unlink
            };
        }
        if let Some(asset) = joined.strip_prefix("static/") {
            if self.statics.contains(asset) {
                return LinkTarget::Rewrite(format!("{}{suffix}", self.base.link(asset)));
            }
        }
        let candidates = self.targets.keys().map(String::as_str);
        let hint = match did_you_mean(joined, candidates) {
            Some(s) => format!("did you mean `{}`?", relative_from(&origin.rel, s)),
            None if path.ends_with(".md") => "link to the source file of an article, company, model, theme or page, e.g. `../models/pangu.md`".into(),
            None => "link to a .md file in content/ or a file in static/; root-relative links start with `/`".into(),
        };
        LinkTarget::Broken {
            message: format!("link to `{dest}` points at nothing ({joined} does not exist)"),
            hint,
        }
    }

    /// For a link with a `#fragment` to a page of this site: that page's URL and the fragment.
    fn anchor_target<'d>(
        &self,
        origin: &Origin,
        dest: &'d str,
        own_url: &str,
    ) -> Option<(String, &'d str)> {
        match classify(dest) {
            Dest::Fragment => Some((own_url.to_string(), dest.strip_prefix('#')?)),
            Dest::Relative { path, suffix } => {
                let frag = suffix.split_once('#')?.1;
                let t = self.targets.get(&join(&origin.rel, path)?)?;
                Some((t.url.clone(), &dest[dest.len() - frag.len()..]))
            }
            _ => None,
        }
    }
}

enum Dest<'a> {
    External,
    Fragment,
    RootRelative,
    /// A path and what follows it (`?query#fragment`).
    Relative {
        path: &'a str,
        suffix: &'a str,
    },
}

fn classify(dest: &str) -> Dest<'_> {
    if dest.is_empty() || dest.starts_with('#') {
        return Dest::Fragment;
    }
    if dest.starts_with("//") || has_scheme(dest) {
        return Dest::External;
    }
    if dest.starts_with('/') {
        return Dest::RootRelative;
    }
    let cut = dest.find(['?', '#']).unwrap_or(dest.len());
    Dest::Relative {
        path: &dest[..cut],
        suffix: &dest[cut..],
    }
}

fn has_scheme(s: &str) -> bool {
    match s.find(':') {
        Some(i) if i > 0 => {
            let scheme = &s[..i];
            scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        _ => false,
    }
}

/// `content/articles/a.md` + `../models/x.md` -> `content/models/x.md`; None if it leaves the root.
fn join(from: &Path, rel: &str) -> Option<String> {
    let rel = percent_decode(rel);
    let mut parts: Vec<String> = from
        .parent()
        .map(|p| {
            p.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    for c in Path::new(&rel).components() {
        match c {
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(parts.join("/"))
}

fn relative_from(from: &Path, target: &str) -> String {
    let from_dir: Vec<String> = from
        .parent()
        .map(|p| {
            p.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    let to: Vec<&str> = target.split('/').collect();
    let common = from_dir
        .iter()
        .zip(&to)
        .take_while(|(a, b)| a.as_str() == **b)
        .count();
    let mut out: Vec<&str> = std::iter::repeat_n("..", from_dir.len() - common).collect();
    out.extend(&to[common..]);
    out.join("/")
}

fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let hex = |b: u8| (b as char).to_digit(16);
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if let (Some(h), Some(l)) = (
                bytes.get(i + 1).and_then(|&b| hex(b)),
                bytes.get(i + 2).and_then(|&b| hex(b)),
            ) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// At most `max` chars, cut at a word boundary, with an ellipsis when cut.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max / 2 => &cut[..i],
        _ => &cut[..],
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_keeps_its_path() {
        let b = BaseUrl::parse("https://org.github.io/briefing").unwrap();
        assert_eq!(b.url, "https://org.github.io/briefing/");
        assert_eq!(b.path, "/briefing/");
        assert_eq!(b.link("articles/x/"), "/briefing/articles/x/");
        assert_eq!(BaseUrl::parse("https://example.com").unwrap().path, "/");
        assert!(BaseUrl::parse("example.com").is_err());
        assert!(BaseUrl::parse("ftp://example.com/").is_err());
    }

    #[test]
    fn joins_relative_paths_inside_the_root_only() {
        let from = Path::new("content/articles/a.md");
        assert_eq!(join(from, "../models/x.md").unwrap(), "content/models/x.md");
        assert_eq!(join(from, "b.md").unwrap(), "content/articles/b.md");
        assert_eq!(join(from, "./b%20c.md").unwrap(), "content/articles/b c.md");
        assert!(join(from, "../../../etc/passwd").is_none());
        assert_eq!(relative_from(from, "content/models/x.md"), "../models/x.md");
    }

    #[test]
    fn classifies_destinations() {
        assert!(matches!(classify("https://a.b"), Dest::External));
        assert!(matches!(classify("mailto:x@y"), Dest::External));
        assert!(matches!(classify("//cdn"), Dest::External));
        assert!(matches!(classify("#x"), Dest::Fragment));
        assert!(matches!(classify("/about/"), Dest::RootRelative));
        assert!(matches!(
            classify("a.md#p"),
            Dest::Relative {
                path: "a.md",
                suffix: "#p"
            }
        ));
    }

    #[test]
    fn shortens_at_words() {
        assert_eq!(shorten("one two three four", 9), "one two…");
        assert_eq!(shorten("short", 9), "short");
    }
}

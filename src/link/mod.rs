//! Stage 3, link: one graph of the site. Checks every reference, gives every item its URL, renders
//! Markdown bodies with their links rewritten, and records who relates to whom.
//! Works on parsed content in memory; never reads files or writes output. A `BodyCache` (kept by
//! `serve` between links) lets a relink reuse every body whose text and link targets did not change.

use crate::error::{did_you_mean, Diagnostic, Diagnostics};
use crate::markdown::{self, Autolink, LinkTarget, Rendered};
use crate::mention::Matcher;
use crate::model::*;
use crate::related::{self, Facet};
use crate::text::shorten;
pub use crate::url::BaseUrl;
use crate::url::{has_scheme, percent_decode_lossy};
use chrono::NaiveDate;
use rayon::prelude::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use serde::Serialize;
use std::collections::HashSet as StdHashSet;
use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

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

/// "Did you mean" searches compare against every id or heading; a file with thousands of broken
/// links gets suggestions for its first few and a general hint for the rest.
const SUGGESTIONS_PER_FILE: usize = 20;

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
    /// The entity names auto-linking looked for: a body is reused only under the same names.
    names: Arc<EntityNames>,
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
        mut companies,
        mut models,
        mut themes,
        mut pages,
    } = content;

    // URLs, and the index of source paths that Markdown links resolve against.
    let mut targets: HashMap<String, Target> = HashMap::with_capacity_and_hasher(
        articles.len() + companies.len() + models.len() + themes.len() + pages.len(),
        Default::default(),
    );
    let mut claimed: HashMap<String, PathBuf> =
        HashMap::with_capacity_and_hasher(targets.capacity(), Default::default());
    // `slug` is the value to point at when the file sets one.
    let mut claim = |url: String, origin: &Origin, slug: &str, diags: &mut Diagnostics| {
        if let Some(first) = claimed.get(&url) {
            let (line, col) = origin.locate("slug", slug).unwrap_or((1, 1));
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
            claim(url.clone(), &a.origin, &a.slug, diags);
        }
        targets.insert(
            source_key(&a.origin.rel),
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
            claim(url.clone(), origin, id.as_str(), diags);
            targets.insert(
                source_key(&origin.rel),
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
        claim(url.clone(), &p.origin, &p.slug, diags);
        targets.insert(
            source_key(&p.origin.rel),
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
    articles.sort_by(|a, b| article_order(a, b));

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

    // Entity names, compiled once and shared by every thread that renders a body.
    let names = Arc::new(EntityNames::new(
        &companies,
        &models,
        &themes,
        &base,
        &config.autolink,
    ));

    // Bodies, rendered in parallel: the expensive part of the build. A kept cache is reused for
    // every body whose text is the same and whose links resolve as before, as long as the entity
    // names that auto-linking looks for are the same too.
    let reuse = match cache.as_deref() {
        Some(BodyCache {
            env: Some(env),
            entries,
            ..
        }) if env.base == base
            && env.raw_html == config.markdown.raw_html
            && env.names.key == names.key =>
        {
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
        names: &names,
    };
    // Each source comes with the entity key of the profile it is (never auto-linked to itself).
    let bodies =
        |sources: Vec<(&Origin, &Arc<str>, Option<usize>)>| -> (Vec<Arc<Rendered>>, Fresh) {
            // Reuse is a lookup: done in order. Only what must be rendered goes to the thread pool.
            let mut out: Vec<Option<Arc<Rendered>>> = sources
                .iter()
                .map(|(origin, text, _)| reuse.get(&origin.rel, text))
                .collect();
            let todo: Vec<usize> = (0..out.len()).filter(|&i| out[i].is_none()).collect();
            let rendered: Vec<(usize, Arc<Rendered>, Option<CachedBody>)> = todo
                .into_par_iter()
                .map(|i| {
                    let (origin, text, own) = sources[i];
                    let (r, c) = ctx.render(origin, text, own, keep);
                    (i, r, c)
                })
                .collect();
            let mut fresh = Vec::new();
            for (i, r, c) in rendered {
                out[i] = Some(r);
                if let Some(c) = c {
                    fresh.push((sources[i].0.rel.clone(), c));
                }
            }
            (out.into_iter().flatten().collect(), fresh)
        };
    type Fresh = Vec<(PathBuf, CachedBody)>;
    // A build (no cache) has no use for Markdown sources once rendered: free them before the
    // pages are rendered rather than hold every source and every page at once.
    let empty: Arc<str> = Arc::from("");
    fn drop_sources<T>(
        items: &mut [Arc<T>],
        body: impl Fn(&mut T) -> &mut Arc<str>,
        empty: &Arc<str>,
    ) {
        for item in items.iter_mut() {
            if let Some(item) = Arc::get_mut(item) {
                *body(item) = empty.clone();
            }
        }
    }

    let (article_bodies, fresh_articles) = bodies(
        articles
            .iter()
            .map(|a| (&a.origin, &a.body, None))
            .collect(),
    );
    if !keep {
        drop_sources(&mut articles, |a| &mut a.body, &empty);
    }
    let mut article_nodes: Vec<ArticleNode> = articles
        .into_iter()
        .zip(refs)
        .zip(article_bodies)
        .map(
            |((article, (companies, models, themes)), body)| ArticleNode {
                url: format!("articles/{}/", article.slug),
                public: selection.is_public(&article),
                standing: selection.standing(&article),
                problems: Vec::new(),
                mentions: names.split(&body.mentions),
                body,
                companies,
                models,
                themes,
                related: Vec::new(),
                article,
            },
        )
        .collect();
    let (company_bodies, fresh_companies) = bodies(
        companies
            .iter()
            .enumerate()
            .map(|(i, c)| (&c.origin, &c.body, Some(names.company_key(i))))
            .collect(),
    );
    if !keep {
        drop_sources(&mut companies, |x| &mut x.body, &empty);
    }
    let mut company_nodes: Vec<CompanyNode> = companies
        .into_iter()
        .zip(company_bodies)
        .map(|(c, profile)| CompanyNode {
            profile,
            url: format!("companies/{}/", c.id),
            company: c,
            models: Vec::new(),
            articles: Vec::new(),
            mentioned_in: Vec::new(),
        })
        .collect();
    let (model_bodies, fresh_models) = bodies(
        models
            .iter()
            .enumerate()
            .map(|(i, m)| (&m.origin, &m.body, Some(names.model_key(i))))
            .collect(),
    );
    if !keep {
        drop_sources(&mut models, |x| &mut x.body, &empty);
    }
    let mut model_nodes: Vec<ModelNode> = models
        .into_iter()
        .zip(model_company)
        .zip(model_bodies)
        .map(|((m, company), profile)| ModelNode {
            profile,
            url: format!("models/{}/", m.id),
            model: m,
            company,
            articles: Vec::new(),
            mentioned_in: Vec::new(),
        })
        .collect();
    let (theme_bodies, fresh_themes) = bodies(
        themes
            .iter()
            .enumerate()
            .map(|(i, t)| (&t.origin, &t.body, names.theme_key(i)))
            .collect(),
    );
    if !keep {
        drop_sources(&mut themes, |x| &mut x.body, &empty);
    }
    let mut theme_nodes: Vec<ThemeNode> = themes
        .into_iter()
        .zip(theme_bodies)
        .map(|(t, profile)| ThemeNode {
            profile,
            url: format!("themes/{}/", t.id),
            theme: t,
            articles: Vec::new(),
            mentioned_in: Vec::new(),
        })
        .collect();
    let (page_bodies, fresh_pages) =
        bodies(pages.iter().map(|p| (&p.origin, &p.body, None)).collect());
    if !keep {
        drop_sources(&mut pages, |x| &mut x.body, &empty);
    }
    let mut page_nodes: Vec<PageNode> = pages
        .into_iter()
        .zip(page_bodies)
        .map(|(p, body)| PageNode {
            body,
            url: format!("{}/", p.slug),
            page: p,
        })
        .collect();

    // Link problems and anchors, now that every body's headings are known.
    let anchors = anchor_index(
        &article_nodes,
        &company_nodes,
        &model_nodes,
        &theme_nodes,
        &page_nodes,
    );
    let anchors_of = |url: &str| anchors.get(url).copied();
    let report = |origin: &Origin, r: &Rendered, own_url: &str, out: &mut Vec<Diagnostic>| {
        body_problems(&ctx, origin, r, own_url, &anchors_of, out)
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
        let items = article_nodes.len()
            + company_nodes.len()
            + model_nodes.len()
            + theme_nodes.len()
            + page_nodes.len();
        // Every item reused its entry: the entries are exactly the items, nothing to forget.
        let all_reused = fresh.is_empty() && cache.entries.len() == items;
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
        if !all_reused {
            cache.entries.retain(|k, _| present.contains(k.as_os_str()));
        }
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
        // Backlinks: named in the text, not in the front matter.
        for &c in a
            .mentions
            .companies
            .iter()
            .filter(|c| !a.companies.contains(c))
        {
            company_nodes[c].mentioned_in.push(ai);
        }
        for &m in a.mentions.models.iter().filter(|m| !a.models.contains(m)) {
            model_nodes[m].mentioned_in.push(ai);
        }
        for &t in a.mentions.themes.iter().filter(|t| !a.themes.contains(t)) {
            theme_nodes[t].mentioned_in.push(ai);
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
                remap(&mut a.mentions.companies, order);
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
                remap(&mut a.mentions.models, order);
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
                remap(&mut a.mentions.themes, order);
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

    let related = related_reading(
        &article_nodes,
        &company_nodes,
        &model_nodes,
        &theme_nodes,
        config.related.count,
    );
    for (a, r) in article_nodes.iter_mut().zip(related) {
        a.related = r;
    }
    if let Some(cache) = cache {
        let old = cache.env.replace(LinkEnv {
            targets,
            statics: statics.clone(),
            base: base.clone(),
            raw_html: config.markdown.raw_html,
            names,
        });
        // Freeing the old index of every source path is not on the way to the next page.
        std::thread::spawn(move || drop(old));
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

/// Newest first; ties broken by title so the order never depends on the file system.
fn article_order(a: &Article, b: &Article) -> std::cmp::Ordering {
    b.date.cmp(&a.date).then_with(|| a.title.cmp(&b.title))
}

/// A body's broken links, and its links to headings that do not exist (warnings).
fn body_problems<'a>(
    ctx: &RenderCtx<'_>,
    origin: &Origin,
    r: &Rendered,
    own_url: &str,
    anchors_of: &dyn Fn(&str) -> Option<&'a [String]>,
    out: &mut Vec<Diagnostic>,
) {
    for p in &r.problems {
        out.push(body_diag(origin, p.pos, &p.message, &p.hint));
    }
    let mut suggestions = SUGGESTIONS_PER_FILE;
    for (pos, dest) in &r.links {
        let Some((url, frag)) = ctx.anchor_target(origin, dest, own_url) else {
            continue;
        };
        let Some(list) = anchors_of(&url) else {
            continue;
        };
        if list.iter().any(|a| a == frag) {
            continue;
        }
        let mut d = body_diag(
            origin,
            *pos,
            &format!("link to `{dest}`: there is no heading `#{frag}` there"),
            "",
        );
        d.severity = crate::error::Severity::Warning;
        let guess = (suggestions > 0)
            .then(|| {
                suggestions -= 1;
                did_you_mean(frag, list.iter().map(String::as_str))
            })
            .flatten();
        d.hint = Some(match guess {
            Some(s) => format!("did you mean `#{s}`?"),
            None => {
                "anchors are made from headings: `## Market Outlook` is `#market-outlook`".into()
            }
        });
        out.push(d);
    }
}

/// Patches a linked site for edits to articles that keep their place in it: the same slug,
/// status, date and entity ids, and a title that keeps them where they are among articles of the
/// same date, so that no URL, order, relation or other body changes.
/// Renders the new bodies (reusing the cache) and returns the problems of the edited articles
/// that belong in the build's diagnostics (those of unpublished articles in a preview go to their
/// `problems`). None, with nothing changed, when an edit does not qualify: a full `link` is needed.
///
/// One thing a full link would also redo is left as it was: warnings in *other* files about links
/// to headings of the edited articles.
pub fn relink_articles(
    graph: &mut SiteGraph,
    edited: &[Arc<Article>],
    selection: Selection,
    cache: &mut BodyCache,
) -> Option<Vec<Diagnostic>> {
    if graph.selection != selection {
        return None;
    }
    let env = cache.env.as_ref()?;
    if env.base != graph.base || env.raw_html != graph.config.markdown.raw_html {
        return None;
    }
    let mut at = Vec::with_capacity(edited.len());
    for a in edited {
        let i = graph
            .articles
            .iter()
            .position(|n| n.article.origin.rel == a.origin.rel)?;
        let old = &graph.articles[i].article;
        let same_place = old.slug == a.slug
            && old.status == a.status
            && old.date == a.date
            && old.companies == a.companies
            && old.models == a.models
            && old.themes == a.themes;
        if !same_place || at.contains(&i) {
            return None;
        }
        at.push(i);
    }
    // A new title must leave the order as it is (strictly: ties are broken by file order).
    let article_at = |j: usize| -> &Article {
        match at.iter().position(|&k| k == j) {
            Some(e) => &edited[e],
            None => &graph.articles[j].article,
        }
    };
    for &i in &at {
        let before = i == 0 || article_order(article_at(i - 1), article_at(i)).is_lt();
        let after = i + 1 == graph.articles.len()
            || article_order(article_at(i), article_at(i + 1)).is_lt();
        if !(before && after) {
            return None;
        }
    }
    let ctx = RenderCtx {
        targets: &env.targets,
        statics: &env.statics,
        base: &env.base,
        raw_html: env.raw_html,
        names: &env.names,
    };
    let reuse = Reuse::Unless(&cache.entries, HashSet::default());
    let mut fresh = Vec::new();
    let mut bodies = Vec::with_capacity(edited.len());
    for (a, &i) in edited.iter().zip(&at) {
        let body = match reuse.get(&a.origin.rel, &a.body) {
            Some(r) => r,
            None => {
                let (r, c) = ctx.render(&a.origin, &a.body, None, true);
                fresh.extend(c.map(|c| (a.origin.rel.clone().into_os_string(), c)));
                r
            }
        };
        // Backlinks on entity pages come from what bodies mention: a new mention needs a full link.
        if graph.articles[i].body.mentions != body.mentions {
            return None;
        }
        bodies.push(body);
    }
    for ((a, &i), body) in edited.iter().zip(&at).zip(bodies) {
        let n = &mut graph.articles[i];
        n.article = a.clone();
        n.body = body;
    }
    let company_ix = index(graph.companies.iter().map(|c| c.company.id.as_str()));
    let model_ix = index(graph.models.iter().map(|m| m.model.id.as_str()));
    let theme_ix = index(graph.themes.iter().map(|t| t.theme.id.as_str()));
    let anchors = anchor_index(
        &graph.articles,
        &graph.companies,
        &graph.models,
        &graph.themes,
        &graph.pages,
    );
    let anchors_of = |url: &str| anchors.get(url).copied();
    let mut problems = Vec::with_capacity(at.len());
    for &i in &at {
        let n = &graph.articles[i];
        let origin = &n.article.origin;
        let mut own = Vec::new();
        for (key, ids, ix) in [
            ("companies", &n.article.companies, &company_ix),
            ("models", &n.article.models, &model_ix),
            ("themes", &n.article.themes, &theme_ix),
        ] {
            for id in ids.iter().filter(|id| !ix.contains_key(id.as_str())) {
                own.push(unknown_id(origin, key, id.as_str(), ix, key));
            }
        }
        body_problems(&ctx, origin, &n.body, &n.url, &anchors_of, &mut own);
        problems.push((i, own));
    }
    let mut out = Vec::new();
    for (i, own) in problems {
        let n = &mut graph.articles[i];
        if n.public {
            out.extend(own);
        } else {
            n.problems = own;
            n.problems.extend(editorial_checks(n));
        }
    }
    cache.rendered_last = fresh.len();
    cache.entries.extend(fresh);
    Some(out)
}

/// The headings of every page, by site-relative URL: what `#anchor` links are checked against.
fn anchor_index<'g>(
    articles: &'g [ArticleNode],
    companies: &'g [CompanyNode],
    models: &'g [ModelNode],
    themes: &'g [ThemeNode],
    pages: &'g [PageNode],
) -> HashMap<&'g str, &'g [String]> {
    let of = |url: &'g str, r: &'g Rendered| (url, r.anchors.as_slice());
    articles
        .iter()
        .map(|n| of(&n.url, &n.body))
        .chain(companies.iter().map(|n| of(&n.url, &n.profile)))
        .chain(models.iter().map(|n| of(&n.url, &n.profile)))
        .chain(themes.iter().map(|n| of(&n.url, &n.profile)))
        .chain(pages.iter().map(|n| of(&n.url, &n.body)))
        .collect()
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

/// A source path as link targets are keyed: `/`-separated, relative to the root. Paths from `load`
/// already are, so this is a copy; anything else goes through `display_path`.
fn source_key(rel: &Path) -> String {
    match rel.to_str() {
        Some(s) if std::path::MAIN_SEPARATOR == '/' || !s.contains(std::path::MAIN_SEPARATOR) => {
            s.to_string()
        }
        _ => display_path(rel),
    }
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

/// Every article's related reading, from the entity -> articles lists already built.
fn related_reading(
    articles: &[ArticleNode],
    companies: &[CompanyNode],
    models: &[ModelNode],
    themes: &[ThemeNode],
    count: usize,
) -> Vec<Vec<usize>> {
    let facets = [
        Facet {
            weight: related::MODEL_WEIGHT,
            of_article: articles.iter().map(|a| a.models.as_slice()).collect(),
            articles_of: models.iter().map(|m| m.articles.as_slice()).collect(),
        },
        Facet {
            weight: related::COMPANY_WEIGHT,
            of_article: articles.iter().map(|a| a.companies.as_slice()).collect(),
            articles_of: companies.iter().map(|c| c.articles.as_slice()).collect(),
        },
        Facet {
            weight: related::THEME_WEIGHT,
            of_article: articles.iter().map(|a| a.themes.as_slice()).collect(),
            articles_of: themes.iter().map(|t| t.articles.as_slice()).collect(),
        },
    ];
    related::related(articles.len(), &facets, count)
}

/// The site's entity names for auto-linking and backlinks. Entity keys: companies first, then
/// models, then (when themes are auto-linked) themes, each in content order before sorting.
struct EntityNames {
    /// A fingerprint of every name, URL and setting below: equal keys, equal auto-links.
    key: u64,
    matcher: Matcher,
    urls: Vec<Option<String>>,
    by_url: std::collections::HashMap<String, usize>,
    companies: usize,
    models: usize,
    themes: usize,
    first_only: bool,
}

impl std::fmt::Debug for EntityNames {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EntityNames")
            .field("key", &self.key)
            .field("entities", &self.urls.len())
            .finish_non_exhaustive()
    }
}

impl EntityNames {
    fn new(
        companies: &[Arc<Company>],
        models: &[Arc<Model>],
        themes: &[Arc<Theme>],
        base: &BaseUrl,
        cfg: &AutolinkConfig,
    ) -> Self {
        // Theme names are common phrases ("Computing power"); they are looked for only when asked.
        let with_themes = cfg.links(AutolinkKind::Themes);
        let themes = if with_themes { themes } else { &[] };
        let mut names: Vec<(&str, usize)> = Vec::new();
        let mut urls = Vec::new();
        for c in companies {
            let key = urls.len();
            names.push((&c.name, key));
            names.extend(c.aliases.iter().map(|a| (a.as_str(), key)));
            urls.push((
                cfg.links(AutolinkKind::Companies),
                format!("companies/{}/", c.id),
            ));
        }
        for m in models {
            let key = urls.len();
            names.push((&m.name, key));
            names.extend(m.aliases.iter().map(|a| (a.as_str(), key)));
            urls.push((cfg.links(AutolinkKind::Models), format!("models/{}/", m.id)));
        }
        for t in themes {
            names.push((&t.name, urls.len()));
            urls.push((true, format!("themes/{}/", t.id)));
        }
        let by_url = urls
            .iter()
            .enumerate()
            .map(|(k, (_, u))| (base.link(u), k))
            .collect();
        let key = {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            (&names, &urls, cfg.first_only).hash(&mut h);
            h.finish()
        };
        EntityNames {
            key,
            matcher: Matcher::new(names),
            urls: urls
                .into_iter()
                .map(|(on, u)| on.then(|| base.link(&u)))
                .collect(),
            by_url,
            companies: companies.len(),
            models: models.len(),
            themes: themes.len(),
            first_only: cfg.first_only,
        }
    }
    fn company_key(&self, i: usize) -> usize {
        i
    }
    fn model_key(&self, i: usize) -> usize {
        self.companies + i
    }
    fn theme_key(&self, i: usize) -> Option<usize> {
        (i < self.themes).then(|| self.companies + self.models + i)
    }
    /// Entity keys back into per-kind indices.
    fn split(&self, keys: &[usize]) -> Mentions {
        let mut out = Mentions::default();
        for &k in keys {
            if k < self.companies {
                out.companies.push(k);
            } else if k < self.companies + self.models {
                out.models.push(k - self.companies);
            } else {
                out.themes.push(k - self.companies - self.models);
            }
        }
        out
    }
}

struct RenderCtx<'a> {
    targets: &'a HashMap<String, Target>,
    statics: &'a StdHashSet<String>,
    base: &'a BaseUrl,
    raw_html: RawHtml,
    names: &'a EntityNames,
}

impl RenderCtx<'_> {
    /// Renders one body; with `keep`, also what a cache needs to know when it may reuse it.
    /// Entity names are found (and linked, as site.yaml says); `own` is the entity whose profile
    /// this is.
    fn render(
        &self,
        origin: &Origin,
        body: &Arc<str>,
        own: Option<usize>,
        keep: bool,
    ) -> (Arc<Rendered>, Option<CachedBody>) {
        let mut deps = Vec::new();
        let mut broken = false;
        let autolink = Autolink {
            matcher: &self.names.matcher,
            urls: &self.names.urls,
            by_url: &self.names.by_url,
            own,
            first_only: self.names.first_only,
        };
        // "Did you mean" compares with every target: a file of a thousand broken links gets the
        // first few guesses, not a quadratic wait.
        let mut suggestions = SUGGESTIONS_PER_FILE;
        let resolve = &mut |dest: &str| {
            let (target, dep) = self.resolve(origin, dest, &mut suggestions);
            if keep {
                broken |= matches!(target, LinkTarget::Broken { .. });
                deps.extend(dep);
            }
            target
        };
        let rendered = markdown::render_with(body, self.raw_html, resolve, Some(&autolink));
        let mut rendered = rendered;
        rendered.lede = shorten(&rendered.first_paragraph, 300);
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
    /// `suggestions` is how many more "did you mean" searches this file may have.
    fn resolve(
        &self,
        origin: &Origin,
        dest: &str,
        suggestions: &mut usize,
    ) -> (LinkTarget, Option<String>) {
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
                let target = self.resolve_joined(origin, dest, path, suffix, &joined, suggestions);
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
        suggestions: &mut usize,
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
        let guess = (*suggestions > 0)
            .then(|| {
                *suggestions -= 1;
                did_you_mean(joined, self.targets.keys().map(String::as_str))
            })
            .flatten();
        let hint = match guess {
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

/// `content/articles/a.md` + `../models/x.md` -> `content/models/x.md`; None if it leaves the root.
fn join(from: &Path, rel: &str) -> Option<String> {
    let rel = percent_decode_lossy(rel);
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

#[cfg(test)]
mod tests {
    use super::*;

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

    fn parsed(files: &[(&str, &str)]) -> Content {
        let mut content = Content::default();
        for (rel, text) in files {
            let kind = Kind::from_folder(rel.split('/').nth(1).unwrap()).unwrap();
            let file = crate::load::SourceFile {
                kind,
                rel: PathBuf::from(rel),
                text: text.to_string(),
            };
            match crate::parse::parse_file(&file).unwrap() {
                crate::parse::Item::Article(a) => content.articles.push(Arc::new(a)),
                crate::parse::Item::Company(c) => content.companies.push(Arc::new(c)),
                other => panic!("unexpected {other:?}"),
            }
        }
        content
    }

    fn link_with(content: Content, cache: Option<&mut BodyCache>) -> (SiteGraph, Diagnostics) {
        let config: SiteConfig =
            serde_yaml::from_str("title: T\nbase_url: https://example.com/\n").unwrap();
        let base = BaseUrl::parse(&config.base_url).unwrap();
        let mut diags = Diagnostics::new();
        let selection = Selection {
            drafts: true,
            future: false,
            today: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
        };
        let g = link(
            config,
            base,
            content,
            &StdHashSet::new(),
            selection,
            cache,
            &mut diags,
        );
        diags.sort();
        (g, diags)
    }

    const SITE: &[(&str, &str)] = &[
        (
            "content/companies/acme.md",
            "---\nname: Acme\n---\n## Profile\n",
        ),
        (
            "content/articles/a.md",
            "---\ntitle: Alpha\ndate: 2023-01-02\ncompanies: [acme]\n---\nSee [b](b.md#top).\n",
        ),
        (
            "content/articles/b.md",
            "---\ntitle: Beta\ndate: 2023-01-02\n---\n# Top\n\nBeta body.\n",
        ),
        (
            "content/articles/c.md",
            "---\ntitle: Gamma\ndate: 2023-01-01\nstatus: draft\n---\nGamma.\n",
        ),
    ];

    fn same_graph(x: &SiteGraph, y: &SiteGraph) {
        let view = |g: &SiteGraph| {
            g.articles
                .iter()
                .map(|n| {
                    (
                        n.url.clone(),
                        n.article.title.clone(),
                        n.body.html.clone(),
                        n.summary().to_string(),
                        n.companies.clone(),
                        n.problems.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(view(x), view(y));
        let rel = |g: &SiteGraph| {
            g.companies
                .iter()
                .map(|c| c.articles.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(rel(x), rel(y));
    }

    #[test]
    fn patching_edited_articles_gives_what_a_full_link_gives() {
        let mut cache = BodyCache::default();
        let (mut graph, _) = link_with(parsed(SITE), Some(&mut cache));
        // New body, new title that keeps its place, a broken link; and a draft with an unknown id.
        let edited = [
            ("content/articles/a.md", "---\ntitle: Aardvark\ndate: 2023-01-02\ncompanies: [acme]\n---\nNew [x](nope.md) body.\n"),
            ("content/articles/c.md", "---\ntitle: Gamma\ndate: 2023-01-01\nstatus: draft\n---\n## Fresh heading\n"),
        ];
        let new = parsed(&edited);
        let selection = graph.selection;
        let own = relink_articles(&mut graph, &new.articles, selection, &mut cache)
            .expect("the edits keep their place");
        assert_eq!(cache.rendered_last, 2);
        let mut all: Vec<(&str, &str)> = SITE.to_vec();
        all.retain(|(p, _)| !edited.iter().any(|(e, _)| e == p));
        all.extend(edited);
        let (full, diags) = link_with(parsed(&all), None);
        same_graph(&graph, &full);
        let full_own: Vec<String> = diags
            .iter()
            .filter(|d| d.path == Path::new("content/articles/a.md"))
            .map(|d| d.to_string())
            .collect();
        assert_eq!(
            own.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
            full_own
        );
        assert!(full_own.iter().any(|d| d.contains("points at nothing")));
    }

    #[test]
    fn edits_that_move_an_article_need_a_full_link() {
        for (rel, text) in [
            (
                "content/articles/a.md",
                "---\ntitle: Alpha\ndate: 2020-01-01\ncompanies: [acme]\n---\nx\n",
            ),
            (
                "content/articles/a.md",
                "---\ntitle: Zulu\ndate: 2023-01-02\ncompanies: [acme]\n---\nx\n",
            ),
            (
                "content/articles/a.md",
                "---\ntitle: Alpha\ndate: 2023-01-02\n---\nx\n",
            ),
            (
                "content/articles/a.md",
                "---\ntitle: Alpha\ndate: 2023-01-02\nslug: other\ncompanies: [acme]\n---\nx\n",
            ),
            (
                "content/articles/a.md",
                "---\ntitle: Alpha\ndate: 2023-01-02\nstatus: review\ncompanies: [acme]\n---\nx\n",
            ),
            (
                "content/articles/new.md",
                "---\ntitle: New\ndate: 2023-01-02\n---\nx\n",
            ),
        ] {
            let mut cache = BodyCache::default();
            let (mut graph, _) = link_with(parsed(SITE), Some(&mut cache));
            let new = parsed(&[(rel, text)]);
            let before = graph.articles[0].body.html.clone();
            let selection = graph.selection;
            assert!(
                relink_articles(&mut graph, &new.articles, selection, &mut cache).is_none(),
                "{text}"
            );
            assert_eq!(graph.articles[0].body.html, before, "nothing changed");
        }
    }
}

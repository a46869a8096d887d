//! The page kinds: one type per kind of output file, each holding its template, URL, title,
//! section, context and fingerprint together (`PageKind`), and `KINDS`, the one list that says
//! which pages a site has. A new kind is one `impl` and one line in `KINDS`. Writes nothing.

mod article;
mod desk;
mod entity;
mod feed;
mod home;
mod page;
mod site_files;

use super::meta::PageMeta;
use super::Prepared;
use crate::model::Origin;
use rustc_hash::FxHasher;
use tera::Context;

/// One kind of output file. `Prepared` holds what pages share; a value of the kind says which
/// page it is (which article, which home page).
pub(crate) trait PageKind: Send + Sync {
    /// The template it is rendered with.
    fn template(&self) -> &'static str;
    /// Its site-relative URL: `articles/x/` (a folder with an `index.html`) or `feed.xml`.
    fn url(&self, p: &Prepared<'_>) -> String;
    /// The page's title, as templates see it in `page_title`.
    fn title(&self, p: &Prepared<'_>) -> String;
    /// The nav section it belongs to (`section` in templates).
    fn section(&self, p: &Prepared<'_>) -> &'static str;
    /// Adds what this page shows to the context (`site`, `banner`, `page_title`, `section` and
    /// the URLs are added for every page).
    fn context(&self, p: &Prepared<'_>, ctx: &mut Context);
    /// Hashes everything the page shows besides the site context and the templates: when the hash
    /// is unchanged since the last render, so is the page. `cards` holds each article card's hash.
    fn fingerprint(&self, p: &Prepared<'_>, cards: &[u64], h: &mut FxHasher);
    /// The source file this page is the page of, if any: `serve` renders it first after a save.
    fn source<'g>(&self, _p: &Prepared<'g>) -> Option<&'g Origin> {
        None
    }
    /// What the page tells link previews and search engines (`meta` in templates); by default
    /// the site's description and card under the page's title.
    fn meta(&self, p: &Prepared<'_>) -> PageMeta {
        PageMeta::site(p, &self.title(p))
    }
    /// Whether the page lists every article: `serve` renders these last, after the pages a
    /// reader of an edited article is waiting for.
    fn lists_every_article(&self) -> bool {
        false
    }
}

/// One output file to produce.
pub(super) type Job = Box<dyn PageKind>;

/// Every kind of page and the pages of it a site has, in the order they are rendered.
const KINDS: &[fn(&Prepared<'_>) -> Vec<Job>] = &[
    home::Home::jobs,
    home::Archive::jobs,
    entity::Companies::jobs,
    entity::Models::jobs,
    entity::Themes::jobs,
    site_files::NotFound::jobs,
    feed::Feed::jobs,
    site_files::Sitemap::jobs,
    site_files::Robots::jobs,
    desk::Review::jobs,
    article::Article::jobs,
    entity::Company::jobs,
    entity::Model::jobs,
    entity::Theme::jobs,
    page::Page::jobs,
    site_files::Search::jobs,
    feed::EntityFeed::jobs,
];

/// Every page of the site.
pub(super) fn all(p: &Prepared<'_>) -> Vec<Job> {
    KINDS.iter().flat_map(|jobs| jobs(p)).collect()
}

/// One job per index `0..n`.
fn each(n: usize, job: impl Fn(usize) -> Job) -> Vec<Job> {
    (0..n).map(job).collect()
}

/// The full context of a page: what every page has, then what its kind adds.
pub(super) fn context(job: &dyn PageKind, p: &Prepared<'_>) -> Context {
    let base = &p.graph.base;
    let url = job.url(p);
    let mut ctx = p.base.clone();
    job.context(p, &mut ctx);
    // The page's title is prose too (`context::Prose`).
    ctx.insert(
        "page_title",
        &crate::text::smarten(&job.title(p), &mut None),
    );
    ctx.insert("meta", &job.meta(p));
    ctx.insert("section", job.section(p));
    ctx.insert("current_path", &base.link(&url));
    ctx.insert("current_url", &base.permalink(&url));
    ctx
}

/// Where the job's page is written in the output: `articles/x/` -> `articles/x/index.html`,
/// `` -> `index.html`; a file URL as it is.
pub(super) fn output_path(job: &dyn PageKind, p: &Prepared<'_>) -> String {
    let url = job.url(p);
    if url.is_empty() || url.ends_with('/') {
        format!("{url}index.html")
    } else {
        url
    }
}

/// Hashes the cards of these articles.
fn hash_cards(list: impl IntoIterator<Item = usize>, cards: &[u64], h: &mut FxHasher) {
    use std::hash::Hash;
    for i in list {
        cards[i].hash(h);
    }
}

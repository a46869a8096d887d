//! The typed context templates see: one serialisable struct per thing a page shows (the site, an
//! article card, an entity card, a page of each kind). The template contract lives here; nothing
//! here renders, reads YAML or touches the output.

use crate::error::Diagnostic;
use crate::link::{ArticleNode, SiteGraph, Standing};
use crate::model::{display_path, Extra, Status};
use crate::render::prepared::Card;
use serde::Serialize;
use std::collections::BTreeMap;

/// Front-matter prose (a title, a summary) as pages show it: smartened (`text::smarten`) when a
/// template gets it, as the body text beside it is. Only for text a reader reads: never ids, URLs
/// or aliases (the names as text is searched for them).
#[derive(Clone, Copy, Hash, PartialEq, Eq, Debug)]
pub(crate) struct Prose<'a>(pub &'a str);

impl Serialize for Prose<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&crate::text::smarten(self.0, &mut None))
    }
}

/// Site-wide values every template sees as `site`.
#[derive(Serialize)]
pub(super) struct SiteCtx<'a> {
    pub title: Prose<'a>,
    pub description: Option<Prose<'a>>,
    pub base_url: &'a str,
    /// The path part of base_url (`/` or `/briefing/`); every internal link starts with it.
    pub base_path: &'a str,
    pub language: &'a str,
    /// `og:locale`: the language as `language_TERRITORY` (`en` -> `en_US`, `en-GB` -> `en_GB`).
    pub locale: String,
    pub author: Option<&'a str>,
    pub feed_url: String,
    pub stylesheet_url: String,
    /// The site's icon (`favicon.svg`).
    pub favicon_url: String,
    /// The search page; the masthead's search form sends `?q=` there.
    pub search_url: String,
    /// True in a preview build (`--drafts`): pages carry `noindex`.
    pub preview: bool,
    pub nav: Vec<NavItem>,
    /// The about page, when the site has one (`content/pages/about.md`): the footer links it.
    pub about_url: Option<String>,
    /// The footer's copyright year: the newest article's, or the build's when there is none.
    pub copyright_year: i32,
    pub extra: &'a BTreeMap<String, serde_json::Value>,
}

#[derive(Serialize)]
pub(super) struct NavItem {
    pub title: String,
    pub url: String,
    /// The section this item stands for (`articles`, `companies`, ...), matched against `section`.
    pub section: String,
}

/// A link to a company, model or theme.
#[derive(Serialize, Clone, Hash)]
pub(crate) struct EntityLink<'a> {
    pub id: &'a str,
    /// Smartened once, when the link is made: every card that names the entity carries it.
    pub name: String,
    pub url: String,
}

/// An article as lists show it.
#[derive(Serialize, Hash)]
pub(crate) struct ArticleCard<'a> {
    /// Title and summary are smartened (`Prose`) once, when the card is built: a card is
    /// serialised for every page that lists it.
    pub title: String,
    pub url: String,
    pub permalink: String,
    /// `2023-09-25`
    pub date: String,
    /// `25 September 2023`
    pub date_display: String,
    pub date_rfc3339: String,
    /// Front matter `updated`, when given: `2023-10-02`, `2 October 2023` and RFC 3339.
    pub updated: Option<String>,
    pub updated_display: Option<String>,
    pub updated_rfc3339: Option<String>,
    pub summary: String,
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
pub(super) struct ArticlePage<'a> {
    #[serde(flatten)]
    pub card: &'a Card<'a>,
    pub body: &'a str,
    /// False when the body opens with the summary's words, so the page doesn't say them twice.
    pub show_summary: bool,
    pub source: Option<&'a crate::model::SourceRef>,
    /// The lead image, above the fold.
    pub image: Option<ImageView>,
    pub extra: &'a Extra,
}

#[derive(Serialize, Hash)]
pub(super) struct CompanyCard<'a> {
    pub id: &'a str,
    pub name: Prose<'a>,
    pub url: String,
    pub summary: Option<Prose<'a>>,
    pub country: Option<&'a str>,
    pub aliases: &'a [String],
    pub model_count: usize,
    pub article_count: usize,
}

#[derive(Serialize)]
pub(super) struct CompanyPage<'a> {
    #[serde(flatten)]
    pub card: &'a CompanyCard<'a>,
    pub website: Option<&'a str>,
    pub profile: &'a str,
    pub models: Vec<&'a ModelCard<'a>>,
    pub articles: Vec<&'a Card<'a>>,
    /// The lead image, above the fold.
    pub image: Option<ImageView>,
    pub extra: &'a Extra,
}

#[derive(Serialize, Hash)]
pub(super) struct ModelCard<'a> {
    pub id: &'a str,
    pub name: Prose<'a>,
    pub url: String,
    pub summary: Option<Prose<'a>>,
    pub company: Option<EntityLink<'a>>,
    pub aliases: &'a [String],
    pub released: Option<String>,
    pub released_display: Option<String>,
    pub modalities: &'a [String],
    pub domain: Option<&'a str>,
    /// The domain as readers see it: `customer-service` -> `Customer service`.
    pub domain_display: Option<String>,
    pub article_count: usize,
}

#[derive(Serialize)]
pub(super) struct ModelPage<'a> {
    #[serde(flatten)]
    pub card: &'a ModelCard<'a>,
    pub profile: &'a str,
    pub articles: Vec<&'a Card<'a>>,
    /// The lead image, above the fold.
    pub image: Option<ImageView>,
    pub extra: &'a Extra,
}

#[derive(Serialize, Hash)]
pub(super) struct ThemeCard<'a> {
    pub id: &'a str,
    pub name: Prose<'a>,
    pub url: String,
    pub summary: Option<Prose<'a>>,
    pub article_count: usize,
}

#[derive(Serialize)]
pub(super) struct ThemePage<'a> {
    #[serde(flatten)]
    pub card: &'a ThemeCard<'a>,
    pub profile: &'a str,
    pub keywords: &'a [String],
    pub articles: Vec<&'a Card<'a>>,
    /// The lead image, above the fold.
    pub image: Option<ImageView>,
    pub extra: &'a Extra,
}

#[derive(Serialize)]
pub(super) struct PageCtx<'a> {
    pub title: Prose<'a>,
    pub url: String,
    pub summary: Option<Prose<'a>>,
    pub body: &'a str,
    pub extra: &'a Extra,
}

/// Home-page pagination.
#[derive(Serialize)]
pub(super) struct Paginator {
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
pub(super) struct PageNumber {
    pub number: usize,
    pub url: String,
    pub current: bool,
}

#[derive(Serialize)]
pub(super) struct YearGroup<'a> {
    pub year: i32,
    pub articles: Vec<&'a Card<'a>>,
}

#[derive(Serialize)]
pub(super) struct FeedEntry<'a> {
    /// `tag:example.github.io,2023-09-25:articles/x`: the same wherever the site is served.
    pub id: String,
    pub title: Prose<'a>,
    pub permalink: String,
    pub published: String,
    pub updated: String,
    pub summary: Prose<'a>,
    /// The body, its links within the page (`#fn-1`, `#part`) made absolute: a feed reader reads
    /// `#x` against the feed's `xml:base`, the site's home.
    pub content: std::borrow::Cow<'a, str>,
    pub authors: &'a [String],
    pub categories: Vec<String>,
}

#[derive(Serialize)]
pub(super) struct SitemapUrl {
    pub loc: String,
    pub lastmod: Option<String>,
}

/// A row of the review desk: an unpublished article and what is still wrong with it.
#[derive(Serialize)]
pub(super) struct DeskRow<'a> {
    #[serde(flatten)]
    pub card: &'a Card<'a>,
    /// The source file, as the editor knows it (`content/articles/x.md`).
    pub path: String,
    pub problems: Vec<DeskProblem<'a>>,
}

#[derive(Serialize)]
pub(super) struct DeskProblem<'a> {
    pub severity: crate::error::Severity,
    /// `content/articles/x.md:4:13`
    pub location: String,
    pub message: &'a str,
    pub hint: Option<&'a str>,
}

pub(super) fn article_card<'a>(
    a: &'a ArticleNode,
    graph: &'a SiteGraph,
    companies: &[EntityLink<'a>],
    models: &[EntityLink<'a>],
    themes: &[EntityLink<'a>],
) -> ArticleCard<'a> {
    let base = &graph.base;
    ArticleCard {
        title: crate::text::smarten(&a.article.title, &mut None),
        url: base.link(&a.url),
        permalink: base.permalink(&a.url),
        date: a.article.date.iso_date(),
        date_display: a.article.date.display(),
        date_rfc3339: a.article.date.rfc3339(),
        updated: a.article.updated.map(|d| d.iso_date()),
        updated_display: a.article.updated.map(|d| d.display()),
        updated_rfc3339: a.article.updated.map(|d| d.rfc3339()),
        summary: crate::text::smarten(a.summary(), &mut None),
        authors: &a.article.authors,
        status: a.article.status,
        standing: a.standing,
        banner: if a.public {
            None
        } else {
            a.standing.banner(&a.article.date, graph.selection.zone)
        },
        word_count: a.body.word_count,
        reading_minutes: a.body.word_count.div_ceil(230).max(1),
        companies: a.companies.iter().map(|&i| companies[i].clone()).collect(),
        models: a.models.iter().map(|&i| models[i].clone()).collect(),
        themes: a.themes.iter().map(|&i| themes[i].clone()).collect(),
    }
}

pub(super) fn feed_entry<'a>(
    a: &'a ArticleNode,
    card: &ArticleCard<'a>,
    themes: &[EntityLink<'a>],
    authority: &str,
) -> FeedEntry<'a> {
    FeedEntry {
        id: format!(
            "tag:{},{}:articles/{}",
            authority,
            a.article.date.iso_date(),
            a.article.slug
        ),
        title: Prose(&a.article.title),
        permalink: card.permalink.clone(),
        published: card.date_rfc3339.clone(),
        updated: a.article.last_changed().rfc3339(),
        summary: Prose(a.summary()),
        content: if a.body.html.contains("href=\"#") {
            a.body
                .html
                .replace("href=\"#", &format!("href=\"{}#", card.permalink))
                .into()
        } else {
            a.body.html.as_str().into()
        },
        authors: &a.article.authors,
        categories: a.themes.iter().map(|&i| themes[i].name.clone()).collect(),
    }
}

/// The host feed entry ids are minted under: site.yaml's `feed_id`, else `base_url`'s host
/// (without a port, which a `tag:` URI may not carry).
pub(super) fn feed_authority(feed_id: Option<&str>, base_url: &str) -> String {
    if let Some(id) = feed_id {
        return id.trim().to_ascii_lowercase();
    }
    let rest = base_url.split_once("://").map_or(base_url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    host.split(':').next().unwrap_or(host).to_ascii_lowercase()
}

pub(super) fn paginator(current: usize, total: usize, url: impl Fn(usize) -> String) -> Paginator {
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

/// Whether `text` begins with `prefix`, ignoring whitespace and a trailing ellipsis.
pub(super) fn opens_with(text: &str, prefix: &str) -> bool {
    let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let prefix = norm(prefix.trim_end_matches('…'));
    !prefix.is_empty() && norm(text).starts_with(&prefix)
}

/// `path:line:col`, as a diagnostic prints its position.
/// An unpublished article's problems as the desk and its page's banner show them.
pub(crate) fn desk_problems(a: &ArticleNode) -> Vec<DeskProblem<'_>> {
    a.problems
        .iter()
        .map(|d| DeskProblem {
            severity: d.severity,
            location: location(d),
            message: &d.message,
            hint: d.hint.as_deref(),
        })
        .collect()
}

pub(super) fn location(d: &Diagnostic) -> String {
    let mut s = display_path(&d.path);
    if let Some(l) = d.line {
        s.push_str(&format!(":{l}"));
        if let Some(c) = d.column {
            s.push_str(&format!(":{c}"));
        }
    }
    s
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
    fn feed_ids_come_from_feed_id_else_the_base_url_host() {
        assert_eq!(
            feed_authority(None, "https://Org.github.io:8443/briefing/"),
            "org.github.io"
        );
        assert_eq!(
            feed_authority(Some("old.example.org"), "https://new.example.com/"),
            "old.example.org"
        );
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
}

/// A lead image as templates see it (`article.image`, `company.image`, ...): ready-made `srcset`s
/// (WebP and the original's format), its size, and the share card (`og:image`) at 1200 px.
#[derive(Serialize, Debug, Clone)]
pub(crate) struct ImageView {
    /// The original, a root-relative link.
    pub src: String,
    /// Variants in the original's format (`url 480w, ...`); empty for an SVG.
    pub srcset: String,
    /// The same widths in WebP; empty when there are none.
    pub webp_srcset: String,
    pub sizes: &'static str,
    /// Absent for an SVG.
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// The image's MIME type, for `og:image:type`.
    pub mime: &'static str,
    pub alt: String,
    pub decorative: bool,
    pub credit: Option<String>,
    pub caption: Option<String>,
    /// Shown at the top of its page: loaded at once, never `loading="lazy"`.
    pub above_fold: bool,
    /// The share card: an absolute URL, with its size.
    pub share_url: String,
    pub share_width: Option<u32>,
    pub share_height: Option<u32>,
}

impl ImageView {
    /// The view of `image` (named in the file at `md`), if the survey found it.
    pub(crate) fn new(
        graph: &SiteGraph,
        md: &std::path::Path,
        image: &crate::model::LeadImage,
        above_fold: bool,
    ) -> Option<ImageView> {
        let s = graph.images.lead(md, image)?;
        let link = |rel: &str| graph.base.link(rel);
        let raster = s.format != crate::images::Format::Svg;
        let (share, sw, sh) = s.share();
        Some(ImageView {
            src: link(&s.out),
            srcset: if raster {
                s.srcset(s.format, &link)
            } else {
                String::new()
            },
            webp_srcset: s.srcset(crate::images::Format::Webp, &link),
            sizes: crate::images::SIZES,
            width: raster.then_some(s.width),
            height: raster.then_some(s.height),
            mime: s.format.mime(),
            alt: image.alt.clone(),
            decorative: image.decorative,
            credit: image.credit.clone(),
            caption: image.caption.clone(),
            above_fold,
            share_url: graph.base.permalink(share),
            share_width: raster.then_some(sw),
            share_height: raster.then_some(sh),
        })
    }
}

//! Sharing and news metadata: what every page tells link previews and search engines (Open Graph,
//! Twitter cards, `article:*`) and its JSON-LD blocks (NewsArticle, Organization, BreadcrumbList).
//! Builds typed values for templates and JSON text that is safe inside `<script>`; renders no page.

use super::context::{ArticleCard, EntityLink};
use super::Prepared;
use serde::Serialize;
use serde_json::{json, Value};

/// Where the site card (the default share image) is written.
pub(crate) const SHARE_IMAGE: &str = "assets/share.png";
/// The site card's size, as `og:image:width`/`height` give it.
pub(crate) const SHARE_WIDTH: u32 = 1200;
pub(crate) const SHARE_HEIGHT: u32 = 630;

/// What a page says about itself to link previews and search engines; templates see it as `meta`.
#[derive(Serialize)]
pub(crate) struct PageMeta {
    /// `website`, `article` or `profile`.
    pub og_type: &'static str,
    pub title: String,
    pub description: String,
    /// Absolute URL of the share image, with its size and text alternative.
    pub image: String,
    pub image_width: u32,
    pub image_height: u32,
    pub image_alt: String,
    /// An article's dates, authors and tags (`article:*`); None on other pages.
    pub article: Option<ArticleMeta>,
    /// JSON-LD blocks, each already serialised and safe to print inside `<script>`.
    pub json_ld: Vec<String>,
}

/// The `article:*` Open Graph properties.
#[derive(Serialize)]
pub(crate) struct ArticleMeta {
    pub published_time: String,
    pub modified_time: String,
    pub authors: Vec<String>,
    /// The names of the companies, models and themes it is filed under.
    pub tags: Vec<String>,
}

impl PageMeta {
    /// A page with no metadata of its own: the site's title and description and the site card.
    pub(super) fn site(p: &Prepared<'_>, title: &str) -> Self {
        let c = &p.graph.config;
        PageMeta {
            og_type: "website",
            title: prose(title),
            description: prose(c.description.as_deref().unwrap_or(&c.title)),
            image: p.graph.base.permalink(SHARE_IMAGE),
            image_width: SHARE_WIDTH,
            image_height: SHARE_HEIGHT,
            image_alt: prose(&c.title),
            article: None,
            json_ld: Vec::new(),
        }
    }

    /// With this lead image as the share image (its 1200-px variant), when it has one that link
    /// previews show (an SVG does not: the site card stays).
    pub(super) fn with_image(mut self, image: Option<&super::context::ImageView>) -> Self {
        if let Some(img) = image {
            if let (Some(w), Some(h)) = (img.share_width, img.share_height) {
                self.image = img.share_url.clone();
                self.image_width = w;
                self.image_height = h;
                self.image_alt = img.alt.clone();
            }
        }
        self
    }

    /// With this description, when there is one.
    pub(super) fn describe(mut self, description: Option<&str>) -> Self {
        if let Some(d) = description.filter(|d| !d.trim().is_empty()) {
            self.description = prose(d);
        }
        self
    }
}

/// Text a reader reads in a share preview, with the same punctuation as the page (`Prose`).
/// Structured data keeps the text as written.
fn prose(text: &str) -> String {
    crate::text::smarten(text, &mut None)
}

/// `og:locale` from the site's language: `en-GB` -> `en_GB`; a bare language gets its usual
/// territory where one is obvious (`en` -> `en_US`), else stays as it is.
pub(super) fn og_locale(language: &str) -> String {
    let lang = language.trim().replace('-', "_");
    let usual = match lang.as_str() {
        "en" => "en_US",
        "zh" => "zh_CN",
        "ja" => "ja_JP",
        "ko" => "ko_KR",
        "fr" => "fr_FR",
        "de" => "de_DE",
        "es" => "es_ES",
        "it" => "it_IT",
        "pt" => "pt_BR",
        _ => return lang,
    };
    usual.to_string()
}

/// JSON text that may stand inside `<script type="application/ld+json">`: `<`, `>` and `&` are
/// written as `\u003c`, `\u003e` and `\u0026` (they only occur inside strings), so no
/// `</script>` or `<!--` in a title can end or change the element, no markup shows in the page's
/// source, and the text still parses to the same value.
pub(super) fn script_json(v: &Value) -> String {
    // Printed `safe`, so Tera's escaper never sees it: drop control characters here, as it would.
    let json = serde_json::to_string(v).expect("a JSON value serialises");
    crate::text::clean_controls(&json)
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The site as publisher: its name, home page and logo (the site card).
fn publisher(p: &Prepared<'_>) -> Value {
    json!({
        "@type": "Organization",
        "name": p.graph.config.title,
        "url": p.graph.base.permalink(""),
        "logo": { "@type": "ImageObject", "url": p.graph.base.permalink(SHARE_IMAGE) },
    })
}

fn things(kind: &str, list: &[EntityLink<'_>], p: &Prepared<'_>) -> Vec<Value> {
    list.iter()
        .map(|e| {
            let url = absolute(p, &e.url).unwrap_or_else(|| e.url.clone());
            json!({ "@type": kind, "name": e.name, "url": url })
        })
        .collect()
}

/// A site link (`/companies/x/`, under the base path) as an absolute URL.
fn absolute(p: &Prepared<'_>, link: &str) -> Option<String> {
    let base = &p.graph.base;
    link.strip_prefix(base.path.as_str())
        .map(|rel| base.permalink(rel))
}

/// `NewsArticle` for an article page; `image` is its share image (`og:image`: the lead image's
/// 1200-px variant, else the site card), so search engines show the article's own picture.
/// Its headline and description as written: structured data is read by machines, not smartened.
pub(super) fn news_article(
    p: &Prepared<'_>,
    a: &crate::link::ArticleNode,
    card: &ArticleCard<'_>,
    modified: &str,
    image: &str,
) -> Value {
    let authors: Vec<Value> = if card.authors.is_empty() {
        vec![json!({ "@type": "Organization", "name": p.graph.config.title })]
    } else {
        card.authors
            .iter()
            .map(|a| json!({ "@type": "Person", "name": a }))
            .collect()
    };
    let mut v = json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a.article.title,
        "description": a.summary(),
        "datePublished": card.date_rfc3339,
        "dateModified": modified,
        "url": card.permalink,
        "mainEntityOfPage": card.permalink,
        "author": authors,
        "publisher": publisher(p),
        "image": [image],
        "inLanguage": p.graph.config.language,
    });
    let about = things("Organization", &card.companies, p);
    let mentions = things("SoftwareApplication", &card.models, p);
    if !about.is_empty() {
        v["about"] = Value::Array(about);
    }
    if !mentions.is_empty() {
        v["mentions"] = Value::Array(mentions);
    }
    if !card.themes.is_empty() {
        let names: Vec<&str> = card.themes.iter().map(|t| t.name.as_str()).collect();
        v["keywords"] = json!(names.join(", "));
    }
    v
}

/// `Organization` for a company page.
pub(super) fn organization(
    name: &str,
    page: &str,
    website: Option<&str>,
    summary: Option<&str>,
) -> Value {
    let mut v = json!({
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": name,
        "url": website.unwrap_or(page),
        "mainEntityOfPage": page,
    });
    if let Some(w) = website {
        v["sameAs"] = json!([w]);
    }
    if let Some(s) = summary {
        v["description"] = json!(s);
    }
    v
}

/// `BreadcrumbList`: home, the section's index, then the page itself.
pub(super) fn breadcrumbs(p: &Prepared<'_>, section: &str, name: &str, url: &str) -> Value {
    let base = &p.graph.base;
    let trail = [
        (p.graph.config.title.as_str(), base.permalink("")),
        (
            section,
            base.permalink(&format!("{}/", section.to_lowercase())),
        ),
        (name, url.to_string()),
    ];
    let items: Vec<Value> = trail
        .iter()
        .enumerate()
        .map(|(i, (n, u))| json!({ "@type": "ListItem", "position": i + 1, "name": n, "item": u }))
        .collect();
    json!({ "@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": items })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_its_script_and_still_parses() {
        let v = json!({ "headline": "a </script><script>alert(1)</script> <!-- b" });
        let s = script_json(&v);
        assert!(!s.contains("</"), "{s}");
        assert!(!s.contains("<!--") && !s.contains('>'), "{s}");
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn locales_follow_the_language() {
        assert_eq!(og_locale("en"), "en_US");
        assert_eq!(og_locale("en-GB"), "en_GB");
        assert_eq!(og_locale("zh-Hans"), "zh_Hans");
        assert_eq!(og_locale("nl"), "nl");
    }
}

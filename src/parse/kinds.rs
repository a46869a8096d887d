//! The five kinds of content file, one function each: its front-matter fields, the keys it knows
//! and the checks of its own fields, building its `Item`. Shared reading and reporting is in
//! `front_matter`; this file never splits text nor locates keys itself.

use super::front_matter::FrontMatter;
use super::Item;
use crate::error::Diagnostic;
use crate::model::*;
use serde::Deserialize;
use std::sync::Arc;

/// What every kind takes from its file whatever its fields.
pub(super) struct Common {
    pub(super) origin: Origin,
    /// The file name without `.md`: an entity's id, an article's or page's default slug.
    pub(super) stem: String,
    pub(super) body: Arc<str>,
    /// Front-matter keys the kind does not know, for templates.
    pub(super) extra: Extra,
}

/// Builds one kind's item, pushing the problems of its fields; `Err` when the front matter does
/// not even have the kind's shape (then that is the only problem reported).
type Build = fn(&FrontMatter<'_>, Common, &mut Vec<Diagnostic>) -> Result<Item, Vec<Diagnostic>>;

/// How to parse one kind: the front-matter keys it knows (the rest go to `extra`) and its builder.
pub(super) struct KindParser {
    pub(super) known_keys: &'static [&'static str],
    pub(super) build: Build,
}

pub(super) fn parser(kind: Kind) -> KindParser {
    let (known_keys, build): (&'static [&'static str], Build) = match kind {
        Kind::Article => (ARTICLE_KEYS, article),
        Kind::Company => (COMPANY_KEYS, company),
        Kind::Model => (MODEL_KEYS, model),
        Kind::Theme => (THEME_KEYS, theme),
        Kind::Page => (PAGE_KEYS, page),
    };
    KindParser { known_keys, build }
}

fn nonblank(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

const ARTICLE_KEYS: &[&str] = &[
    "title",
    "date",
    "updated",
    "summary",
    "companies",
    "models",
    "themes",
    "authors",
    "source",
    "status",
    "draft",
    "slug",
];

#[derive(Deserialize)]
struct ArticleFm {
    title: String,
    date: PubDate,
    #[serde(default)]
    updated: Option<PubDate>,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    companies: Vec<String>,
    #[serde(default)]
    models: Vec<String>,
    #[serde(default)]
    themes: Vec<String>,
    #[serde(default)]
    authors: Vec<String>,
    #[serde(default)]
    source: Option<SourceRef>,
    #[serde(default)]
    status: Option<Status>,
    #[serde(default)]
    draft: Option<bool>,
    #[serde(default)]
    slug: Option<String>,
}

fn article(
    fm: &FrontMatter<'_>,
    c: Common,
    errors: &mut Vec<Diagnostic>,
) -> Result<Item, Vec<Diagnostic>> {
    let a: ArticleFm = fm.typed("an article", "title and date")?;
    if let Some(url) = a.source.as_ref().and_then(|s| s.url.as_ref()) {
        fm.web_url("source", url, errors);
    }
    let slug_key = if a.slug.is_some() { "slug" } else { "" };
    let slug = a.slug.unwrap_or(c.stem);
    fm.slug(slug_key, &slug, "article", errors);
    let status = match (a.status, a.draft) {
        (Some(s), _) => s,
        (None, Some(true)) => Status::Draft,
        _ => Status::Published,
    };
    fm.blank("title", &a.title, errors);
    if a.updated.is_some_and(|u| u < a.date) {
        errors.push(fm.error_at_key(
            "updated",
            "`updated` is before `date`: an article cannot change before it is published",
            "give the date of the last real change, on or after `date`, or remove `updated`",
        ));
    }
    let companies = fm.entity_ids("companies", a.companies, errors);
    let models = fm.entity_ids("models", a.models, errors);
    let themes = fm.entity_ids("themes", a.themes, errors);
    Ok(Item::Article(Article {
        origin: c.origin,
        slug,
        title: a.title,
        date: a.date,
        updated: a.updated,
        summary: nonblank(a.summary),
        companies,
        models,
        themes,
        authors: a.authors,
        source: a.source,
        status,
        extra: c.extra,
        body: c.body,
    }))
}

const COMPANY_KEYS: &[&str] = &["name", "aliases", "country", "website", "summary"];

#[derive(Deserialize)]
struct CompanyFm {
    name: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    country: Option<String>,
    #[serde(default)]
    website: Option<String>,
    #[serde(default)]
    summary: Option<String>,
}

fn company(
    fm: &FrontMatter<'_>,
    c: Common,
    errors: &mut Vec<Diagnostic>,
) -> Result<Item, Vec<Diagnostic>> {
    let co: CompanyFm = fm.typed("a company", "name")?;
    if let Some(url) = &co.website {
        fm.web_url("website", url, errors);
    }
    fm.blank("name", &co.name, errors);
    Ok(Item::Company(Company {
        id: fm.file_id(&c.stem, errors),
        origin: c.origin,
        name: co.name,
        aliases: co.aliases,
        country: nonblank(co.country),
        website: nonblank(co.website),
        summary: nonblank(co.summary),
        extra: c.extra,
        body: c.body,
    }))
}

const MODEL_KEYS: &[&str] = &[
    "name",
    "company",
    "aliases",
    "released",
    "modalities",
    "domain",
    "summary",
];

#[derive(Deserialize)]
struct ModelFm {
    name: String,
    company: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    released: Option<PubDate>,
    #[serde(default)]
    modalities: Vec<String>,
    #[serde(default)]
    domain: Option<String>,
    #[serde(default)]
    summary: Option<String>,
}

fn model(
    fm: &FrontMatter<'_>,
    c: Common,
    errors: &mut Vec<Diagnostic>,
) -> Result<Item, Vec<Diagnostic>> {
    let m: ModelFm = fm.typed("a model", "name and company")?;
    fm.blank("name", &m.name, errors);
    let company = match EntityId::parse(&m.company) {
        Ok(id) => id,
        Err(msg) => {
            errors.push(fm.error_at_value(
                "company",
                &m.company,
                &msg.to_string(),
                "use the company's id: its file name without .md",
            ));
            EntityId::parse("invalid").expect("valid")
        }
    };
    Ok(Item::Model(Model {
        id: fm.file_id(&c.stem, errors),
        origin: c.origin,
        name: m.name,
        company,
        aliases: m.aliases,
        released: m.released,
        modalities: m.modalities,
        domain: nonblank(m.domain),
        summary: nonblank(m.summary),
        extra: c.extra,
        body: c.body,
    }))
}

const THEME_KEYS: &[&str] = &["name", "summary", "keywords"];

#[derive(Deserialize)]
struct ThemeFm {
    name: String,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    keywords: Vec<String>,
}

fn theme(
    fm: &FrontMatter<'_>,
    c: Common,
    errors: &mut Vec<Diagnostic>,
) -> Result<Item, Vec<Diagnostic>> {
    let t: ThemeFm = fm.typed("a theme", "name")?;
    fm.blank("name", &t.name, errors);
    Ok(Item::Theme(Theme {
        id: fm.file_id(&c.stem, errors),
        origin: c.origin,
        name: t.name,
        summary: nonblank(t.summary),
        keywords: t.keywords,
        extra: c.extra,
        body: c.body,
    }))
}

const PAGE_KEYS: &[&str] = &["title", "summary", "slug"];

#[derive(Deserialize)]
struct PageFm {
    title: String,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    slug: Option<String>,
}

fn page(
    fm: &FrontMatter<'_>,
    c: Common,
    errors: &mut Vec<Diagnostic>,
) -> Result<Item, Vec<Diagnostic>> {
    let p: PageFm = fm.typed("a page", "title")?;
    fm.blank("title", &p.title, errors);
    let slug = p.slug.unwrap_or(c.stem);
    fm.slug("slug", &slug, "page", errors);
    Ok(Item::Page(Page {
        origin: c.origin,
        slug,
        title: p.title,
        summary: nonblank(p.summary),
        extra: c.extra,
        body: c.body,
    }))
}

//! The five kinds of content file, one function each: its front-matter fields, the keys it knows
//! and the checks of its own fields, building its `Item`. Shared reading and reporting is in
//! `front_matter`; this file never splits text nor locates keys itself.

use super::front_matter::FrontMatter;
use super::image::lead_image;
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

/// How to parse one kind: the front-matter keys it knows (the rest go to `extra`; one that looks
/// like a known key is a warning), the known keys whose misspelling is an error, and its builder.
/// This table is the only list of each kind's keys.
pub(super) struct KindParser {
    pub(super) known_keys: &'static [&'static str],
    /// Keys that decide whether the file is published: `Draft: true` or `stauts: draft` must not
    /// publish an article with nothing but a warning.
    pub(super) gates: &'static [&'static str],
    pub(super) build: Build,
}

pub(super) fn parser(kind: Kind) -> KindParser {
    let (known_keys, gates, build): (&'static [&'static str], &'static [&'static str], Build) =
        match kind {
            Kind::Article => (ARTICLE_KEYS, &["status", "draft"], article),
            Kind::Company => (COMPANY_KEYS, &[], company),
            Kind::Model => (MODEL_KEYS, &[], model),
            Kind::Theme => (THEME_KEYS, &[], theme),
            Kind::Page => (PAGE_KEYS, &[], page),
        };
    KindParser {
        known_keys,
        gates,
        build,
    }
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
    "image",
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
    #[serde(default)]
    image: Option<serde_yaml::Value>,
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
        (Some(s), Some(draft)) if draft != (s == Status::Draft) => {
            errors.push(fm.error_at_key(
                "draft",
                &format!("`draft: {draft}` contradicts `status: {}`", status_word(s)),
                "keep only `status:` (draft, review or published) and delete `draft:`",
            ));
            Status::Draft
        }
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
        image: lead_image(fm, a.image, errors),
        extra: c.extra,
        body: c.body,
    }))
}

fn status_word(s: Status) -> &'static str {
    match s {
        Status::Draft => "draft",
        Status::Review => "review",
        Status::Published => "published",
    }
}

const COMPANY_KEYS: &[&str] = &["name", "aliases", "country", "website", "summary", "image"];

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
    #[serde(default)]
    image: Option<serde_yaml::Value>,
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
        image: lead_image(fm, co.image, errors),
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
    "image",
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
    #[serde(default)]
    image: Option<serde_yaml::Value>,
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
        image: lead_image(fm, m.image, errors),
        extra: c.extra,
        body: c.body,
    }))
}

const THEME_KEYS: &[&str] = &["name", "summary", "keywords", "image"];

#[derive(Deserialize)]
struct ThemeFm {
    name: String,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    image: Option<serde_yaml::Value>,
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
        image: lead_image(fm, t.image, errors),
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::{self, value::Error, Deserializer, Visitor};

    /// A deserializer that only records the field names a struct asks for.
    struct Fields(&'static [&'static str]);

    impl<'de> Deserializer<'de> for &mut Fields {
        type Error = Error;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Error> {
            Err(de::Error::custom("not a struct"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Error> {
            self.0 = fields;
            Err(de::Error::custom("recorded"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }

    fn fields_of<T: for<'de> Deserialize<'de>>() -> Vec<&'static str> {
        let mut f = Fields(&[]);
        let _ = T::deserialize(&mut f);
        let mut v = f.0.to_vec();
        v.sort_unstable();
        v
    }

    /// The table of known keys is the one list: it must name exactly the fields each kind's
    /// struct reads, so that no field is read without being known, nor known without being read.
    #[test]
    fn known_keys_are_exactly_the_fields_each_kind_reads() {
        for (kind, fields) in [
            (Kind::Article, fields_of::<ArticleFm>()),
            (Kind::Company, fields_of::<CompanyFm>()),
            (Kind::Model, fields_of::<ModelFm>()),
            (Kind::Theme, fields_of::<ThemeFm>()),
            (Kind::Page, fields_of::<PageFm>()),
        ] {
            let p = parser(kind);
            let mut known = p.known_keys.to_vec();
            known.sort_unstable();
            assert_eq!(known, fields, "{kind:?}");
            assert!(p.gates.iter().all(|g| p.known_keys.contains(g)), "{kind:?}");
        }
    }
}

//! `briefing new`'s work: a draft article, or a company, model or theme file, with every field of
//! the content model ready to fill. Its front matter goes through the one YAML writer (`yaml`), so
//! whatever the title or name, the file passes `check`. Never overwrites a file; refuses ids that
//! do not exist, with a suggestion. Prints nothing (the command does).

mod init;

pub use init::{has_site_file, init_site, require_site, InitError, InitSite};

use crate::check;
use crate::error::BuildError;
use crate::model::{display_path, slugify, EntityId, Kind};
use crate::site;
use crate::text::did_you_mean;
use crate::write::create_new_file;
use crate::yaml;
use chrono::NaiveDate;
use std::fmt;
use std::path::{Path, PathBuf};

/// A draft article to create: `content/articles/<slug>.md`.
#[derive(Debug, Clone)]
pub struct NewArticle {
    /// The headline.
    pub title: String,
    /// Ids in content/companies, content/models and content/themes; each must exist.
    pub companies: Vec<String>,
    pub models: Vec<String>,
    pub themes: Vec<String>,
    /// File name and URL slug; `None`: made from the title.
    pub slug: Option<String>,
    /// The article's date (today).
    pub date: NaiveDate,
}

/// An entity file to create: `content/<folder>/<id>.md`. `id: None`: made from the name.
#[derive(Debug, Clone)]
pub enum NewEntity {
    Company {
        name: String,
        id: Option<String>,
    },
    /// A model belongs to a company, which must exist.
    Model {
        name: String,
        company: String,
        id: Option<String>,
    },
    Theme {
        name: String,
        id: Option<String>,
    },
}

/// Why nothing was created.
#[derive(Debug, thiserror::Error)]
pub enum NewError {
    #[error(transparent)]
    NotASite(#[from] crate::error::NotASite),
    #[error("cannot make a file name from {name:?}: it has no Latin, Greek or Cyrillic letters or digits (Chinese and Japanese are not romanised); pass {flag} with one, e.g. {flag} my-story")]
    NoFileName { name: String, flag: &'static str },
    #[error("{flag}: {invalid}")]
    BadId {
        flag: &'static str,
        invalid: crate::model::InvalidId,
    },
    /// Ids given in flags that have no file: one line each.
    #[error("{}", lines(.0))]
    UnknownIds(Vec<UnknownId>),
    #[error(
        "the slug `{slug}` is taken: {} already has it{}\nhint: pass --slug with another one, or edit that article",
        display_path(by),
        if by.file_stem().is_some_and(|s| s != slug.as_str()) { " in its `slug:` field" } else { "" }
    )]
    SlugTaken { slug: String, by: PathBuf },
    #[error("could not create the {noun}")]
    Create {
        noun: &'static str,
        #[source]
        source: BuildError,
    },
}

/// An id given in `flag` that has no file in content/, with the closest existing id if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownId {
    pub kind: Kind,
    pub flag: &'static str,
    pub id: String,
    pub closest: Option<String>,
}

impl fmt::Display for UnknownId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let noun = self.kind.noun();
        write!(f, "unknown {noun} id `{}` in {}: ", self.id, self.flag)?;
        match &self.closest {
            Some(s) => write!(f, "did you mean `{s}`?"),
            None => write!(
                f,
                "create it first with `briefing new {noun} \"Name\"`, or use an id from content/{}/",
                self.kind.folder()
            ),
        }
    }
}

fn lines(unknown: &[UnknownId]) -> String {
    let lines: Vec<String> = unknown.iter().map(UnknownId::to_string).collect();
    lines.join("\n")
}

/// Creates the draft article in the site at `root`; returns its path relative to `root`.
pub fn new_article(root: &Path, a: &NewArticle) -> Result<PathBuf, NewError> {
    is_site(root)?;
    let slug = new_id(a.slug.as_deref(), &a.title, "--slug")?;
    let mut unknown = Vec::new();
    for (kind, flag, ids) in [
        (Kind::Company, "--company", &a.companies),
        (Kind::Model, "--model", &a.models),
        (Kind::Theme, "--theme", &a.themes),
    ] {
        unknown.extend(unknown_ids(root, kind, flag, ids));
    }
    if !unknown.is_empty() {
        return Err(NewError::UnknownIds(unknown));
    }
    slug_is_free(root, &slug)?;
    let list = |ids: &[String]| yaml::write_list(ids.iter().map(String::as_str));
    let text = format!(
        "---\n\
         title: {title}\n\
         date: {date}\n\
         summary:            # one or two sentences for lists and the feed\n\
         companies: {companies}  # ids in content/companies\n\
         models: {models}  # ids in content/models\n\
         themes: {themes}  # ids in content/themes\n\
         authors: []         # e.g. [Briefing Desk]\n\
         source:             # e.g. {{ name: Example Daily, url: \"https://example.org/x\" }}\n\
         status: draft       # draft | review | published\n\
         ---\n\
         Write the story here. Link other content by its source file, e.g. \
         `[Pangu](../models/pangu.md)`.\n",
        title = yaml::write_quoted(&a.title),
        date = a.date.format("%Y-%m-%d"),
        companies = list(&a.companies),
        models = list(&a.models),
        themes = list(&a.themes),
    );
    create(root, Kind::Article, &slug, &text)
}

/// Creates the company, model or theme file in the site at `root`; returns its path relative to
/// `root`.
pub fn new_entity(root: &Path, e: &NewEntity) -> Result<PathBuf, NewError> {
    is_site(root)?;
    let (kind, id, text) = match e {
        NewEntity::Company { name, id } => (
            Kind::Company,
            new_id(id.as_deref(), name, "--id")?,
            company_text(name),
        ),
        NewEntity::Model { name, company, id } => {
            let id = new_id(id.as_deref(), name, "--id")?;
            let unknown = unknown_ids(
                root,
                Kind::Company,
                "--company",
                std::slice::from_ref(company),
            );
            if !unknown.is_empty() {
                return Err(NewError::UnknownIds(unknown));
            }
            (Kind::Model, id, model_text(name, company))
        }
        NewEntity::Theme { name, id } => (
            Kind::Theme,
            new_id(id.as_deref(), name, "--id")?,
            theme_text(name),
        ),
    };
    create(root, kind, &id, &text)
}

fn company_text(name: &str) -> String {
    format!(
        "---\n\
         name: {name}\n\
         aliases: []         # other names it goes by, e.g. [Aliyun, 阿里云]\n\
         country:            # e.g. China\n\
         website:            # e.g. https://www.example.com\n\
         summary:            # one sentence for lists\n\
         ---\n",
        name = yaml::write_quoted(name)
    )
}

fn model_text(name: &str, company: &str) -> String {
    format!(
        "---\n\
         name: {name}\n\
         company: {company}\n\
         aliases: []         # other names it goes by\n\
         released:           # e.g. 2023-09-21\n\
         modalities: []      # text | image | speech | video | multimodal | ...\n\
         domain:             # e.g. general, medical, government, customer-service\n\
         summary:            # one sentence for lists\n\
         ---\n",
        name = yaml::write_quoted(name),
        company = yaml::write_string(company),
    )
}

fn theme_text(name: &str) -> String {
    format!(
        "---\n\
         name: {name}\n\
         summary:            # one sentence: what the theme covers\n\
         keywords: []        # words that signal the theme in text\n\
         ---\n",
        name = yaml::write_quoted(name)
    )
}

fn is_site(root: &Path) -> Result<(), NewError> {
    Ok(require_site(root)?)
}

/// Refuses `slug` when an article of the site already has it: by its file name or its `slug:`
/// field (two articles with one slug would be one URL). Read like `check` reads the site, drafts
/// included; a site that cannot be read at all is left to `create`'s own refusal.
fn slug_is_free(root: &Path, slug: &str) -> Result<(), NewError> {
    let Ok((graph, _, _)) = site::read_site(root, None, check::all_articles()) else {
        return Ok(());
    };
    // The file of that very name is `create`'s to refuse ("already exists").
    let own = PathBuf::from(format!("content/articles/{slug}.md"));
    let other = graph
        .articles
        .iter()
        .find(|a| a.article.slug == slug && a.article.origin.rel != own);
    match other {
        Some(a) => Err(NewError::SlugTaken {
            slug: slug.to_string(),
            by: a.article.origin.rel.clone(),
        }),
        None => Ok(()),
    }
}

/// Writes `text` as the new file of `kind` named `id`, never over an existing one.
fn create(root: &Path, kind: Kind, id: &str, text: &str) -> Result<PathBuf, NewError> {
    let rel = PathBuf::from(format!("content/{}/{id}.md", kind.folder()));
    create_new_file(&root.join(&rel), text).map_err(|source| NewError::Create {
        noun: kind.noun(),
        source,
    })?;
    Ok(rel)
}

/// The id or slug to use: the one given, else one made from the name; always a valid id.
fn new_id(given: Option<&str>, name: &str, flag: &'static str) -> Result<String, NewError> {
    let id = given.map_or_else(|| slugify(name), str::to_string);
    if id.is_empty() {
        return Err(NewError::NoFileName {
            name: name.to_string(),
            flag,
        });
    }
    EntityId::parse(&id).map_err(|invalid| NewError::BadId { flag, invalid })?;
    Ok(id)
}

/// The ids that have no file in content/<kind's folder>/, each with the closest existing id.
fn unknown_ids(root: &Path, kind: Kind, flag: &'static str, ids: &[String]) -> Vec<UnknownId> {
    if ids.is_empty() {
        return Vec::new();
    }
    let existing: Vec<String> = std::fs::read_dir(root.join("content").join(kind.folder()))
        .map(|d| {
            d.flatten()
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    name.strip_suffix(".md").map(str::to_string)
                })
                .collect()
        })
        .unwrap_or_default();
    ids.iter()
        .filter(|id| !existing.contains(id))
        .map(|id| UnknownId {
            kind,
            flag,
            id: id.clone(),
            closest: did_you_mean(id, existing.iter().map(String::as_str)).map(str::to_string),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_come_from_names_or_are_refused() {
        assert_eq!(new_id(None, "Moonshot AI", "--id").unwrap(), "moonshot-ai");
        assert_eq!(new_id(Some("kimi-2"), "x", "--id").unwrap(), "kimi-2");
        assert!(new_id(None, "月之暗面", "--id").is_err());
        assert!(new_id(Some("../x"), "x", "--id").is_err());
    }
}

//! Link phase: references by id. An article's `companies`, `models` and `themes` and a model's
//! `company` are resolved to indices; an unknown id is an error with a did-you-mean. Used by a full
//! link and by serve's patch alike; never looks at bodies.

use crate::error::{Diagnostic, Diagnostics};
use crate::model::{Article, Content, EntityId, Origin};
use crate::text::did_you_mean;
use rustc_hash::FxHashMap as HashMap;

/// Every entity's index, by id.
pub(super) struct EntityIndex<'a> {
    companies: HashMap<&'a str, usize>,
    models: HashMap<&'a str, usize>,
    themes: HashMap<&'a str, usize>,
}

impl<'a> EntityIndex<'a> {
    /// Each iterator gives one kind's ids in the order its indices count.
    pub(super) fn new(
        companies: impl Iterator<Item = &'a EntityId>,
        models: impl Iterator<Item = &'a EntityId>,
        themes: impl Iterator<Item = &'a EntityId>,
    ) -> Self {
        EntityIndex {
            companies: index(companies),
            models: index(models),
            themes: index(themes),
        }
    }
}

fn index<'a>(ids: impl Iterator<Item = &'a EntityId>) -> HashMap<&'a str, usize> {
    ids.enumerate().map(|(i, id)| (id.as_str(), i)).collect()
}

/// An article's entities, as indices, each once, in front-matter order.
pub(super) struct ArticleRefs {
    pub(super) companies: Vec<usize>,
    pub(super) models: Vec<usize>,
    pub(super) themes: Vec<usize>,
}

/// What the reference phase of a full link found.
pub(super) struct Refs {
    /// Per article, in the order given.
    pub(super) articles: Vec<ArticleRefs>,
    /// Each article's own problems, kept apart: in a preview they go to the review desk when the
    /// article is not published.
    pub(super) article_problems: Vec<Vec<Diagnostic>>,
    /// Per model, its company's index (`usize::MAX` if unknown).
    pub(super) model_company: Vec<usize>,
}

/// Resolves the references of every article and model; models' problems go to `diags`.
pub(super) fn check_refs(content: &Content, diags: &mut Diagnostics) -> Refs {
    let Content {
        articles,
        companies,
        models,
        themes,
        ..
    } = content;
    let ix = EntityIndex::new(
        companies.iter().map(|c| &c.id),
        models.iter().map(|m| &m.id),
        themes.iter().map(|t| &t.id),
    );
    let mut article_problems = Vec::with_capacity(articles.len());
    let refs = articles
        .iter()
        .map(|a| {
            let mut own = Vec::new();
            let refs = article_refs(a, &ix, &mut own);
            article_problems.push(own);
            refs
        })
        .collect();
    let mut model_problems = Vec::new();
    let model_company = models
        .iter()
        .map(|m| {
            let one = std::slice::from_ref(&m.company);
            resolve(
                &m.origin,
                "company",
                one,
                &ix.companies,
                "companies",
                &mut model_problems,
            )
            .first()
            .copied()
            .unwrap_or(usize::MAX)
        })
        .collect();
    diags.extend(model_problems);
    Refs {
        articles: refs,
        article_problems,
        model_company,
    }
}

/// One article's references; an error in `own` for each unknown id.
pub(super) fn article_refs(
    a: &Article,
    ix: &EntityIndex<'_>,
    own: &mut Vec<Diagnostic>,
) -> ArticleRefs {
    let o = &a.origin;
    ArticleRefs {
        companies: resolve(
            o,
            "companies",
            &a.companies,
            &ix.companies,
            "companies",
            own,
        ),
        models: resolve(o, "models", &a.models, &ix.models, "models", own),
        themes: resolve(o, "themes", &a.themes, &ix.themes, "themes", own),
    }
}

/// The ids of front-matter field `key` as indices into `folder`'s entities.
fn resolve(
    origin: &Origin,
    key: &str,
    ids: &[EntityId],
    ix: &HashMap<&str, usize>,
    folder: &str,
    out: &mut Vec<Diagnostic>,
) -> Vec<usize> {
    let mut found = Vec::with_capacity(ids.len());
    for id in ids {
        match ix.get(id.as_str()) {
            Some(&i) if !found.contains(&i) => found.push(i),
            Some(_) => {}
            None => out.push(unknown_id(origin, key, id.as_str(), ix, folder)),
        }
    }
    found
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

//! Link phase helper: the site's entity names (companies, models, themes), compiled once into the
//! matcher that auto-linking and backlinks use, with their URLs and a fingerprint the body cache
//! compares. Never renders anything itself.

use super::urls::entity_url;
use super::{BaseUrl, Mentions};
use crate::markdown::Autolink;
use crate::mention::Matcher;
use crate::model::{AutolinkConfig, AutolinkKind, Content};

/// The site's entity names for auto-linking and backlinks. Entity keys: companies first, then
/// models, then (when themes are auto-linked) themes, each in content order before sorting.
pub(super) struct EntityNames {
    /// A fingerprint of every name, URL and setting below: equal keys, equal auto-links.
    pub(super) key: u64,
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
    pub(super) fn new(content: &Content, base: &BaseUrl, cfg: &AutolinkConfig) -> Self {
        let Content {
            companies,
            models,
            themes,
            ..
        } = content;
        // Theme names are common phrases ("Computing power"); they are looked for only when asked.
        let with_themes = cfg.links(AutolinkKind::Themes);
        let themes: &[_] = if with_themes { themes } else { &[] };
        let mut names: Vec<(&str, usize)> = Vec::new();
        let mut urls = Vec::new();
        for c in companies {
            let key = urls.len();
            names.push((&c.name, key));
            names.extend(c.aliases.iter().map(|a| (a.as_str(), key)));
            urls.push((
                cfg.links(AutolinkKind::Companies),
                entity_url("companies", &c.id),
            ));
        }
        for m in models {
            let key = urls.len();
            names.push((&m.name, key));
            names.extend(m.aliases.iter().map(|a| (a.as_str(), key)));
            urls.push((cfg.links(AutolinkKind::Models), entity_url("models", &m.id)));
        }
        for t in themes {
            names.push((&t.name, urls.len()));
            urls.push((true, entity_url("themes", &t.id)));
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
    /// What the Markdown renderer needs to find and link these names; `own` is the entity whose
    /// profile is rendered (never linked to itself).
    pub(super) fn autolink(&self, own: Option<usize>) -> Autolink<'_> {
        Autolink {
            matcher: &self.matcher,
            urls: &self.urls,
            by_url: &self.by_url,
            own,
            first_only: self.first_only,
        }
    }
    pub(super) fn company_key(&self, i: usize) -> usize {
        i
    }
    pub(super) fn model_key(&self, i: usize) -> usize {
        self.companies + i
    }
    pub(super) fn theme_key(&self, i: usize) -> Option<usize> {
        (i < self.themes).then(|| self.companies + self.models + i)
    }
    /// Entity keys back into per-kind indices.
    pub(super) fn split(&self, keys: &[usize]) -> Mentions {
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

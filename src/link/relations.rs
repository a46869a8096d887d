//! Link phase: who relates to whom. Each entity's articles (front matter) and backlinks (named in
//! the text only), each company's models, lists sorted for display, and every article's related
//! reading. One pass over the articles, every list sorted once, indices remapped rather than
//! searched; never renders or reports.

use super::SiteGraph;
use crate::related::{self, Facet};

/// Fills in every relation of a graph whose nodes are in content order (articles newest first).
pub(super) fn relate(graph: &mut SiteGraph) {
    entity_articles(graph);
    sort_for_display(graph);
    let related = related_reading(graph);
    for (a, r) in graph.articles.iter_mut().zip(related) {
        a.related = r;
    }
}

/// Entity -> articles, backlinks and company -> models. Articles are already newest first, so
/// every list built here is too.
fn entity_articles(g: &mut SiteGraph) {
    for (ai, a) in g.articles.iter().enumerate() {
        for &c in &a.companies {
            g.companies[c].articles.push(ai);
        }
        for &m in &a.models {
            g.models[m].articles.push(ai);
        }
        for &t in &a.themes {
            g.themes[t].articles.push(ai);
        }
        // Backlinks: named in the text, not in the front matter.
        for &c in a
            .mentions
            .companies
            .iter()
            .filter(|c| !a.companies.contains(c))
        {
            g.companies[c].mentioned_in.push(ai);
        }
        for &m in a.mentions.models.iter().filter(|m| !a.models.contains(m)) {
            g.models[m].mentioned_in.push(ai);
        }
        for &t in a.mentions.themes.iter().filter(|t| !a.themes.contains(t)) {
            g.themes[t].mentioned_in.push(ai);
        }
    }
    for (mi, m) in g.models.iter().enumerate() {
        if let Some(c) = g.companies.get_mut(m.company) {
            c.models.push(mi);
        }
    }
}

/// Lists of entities are shown by name; sort once and remap the indices that point into them.
/// A company's models: newest release first, unreleased last. Pages by title.
fn sort_for_display(g: &mut SiteGraph) {
    sort_entities(
        &mut g.companies,
        |c| c.company.name.to_lowercase(),
        |order| {
            for a in g.articles.iter_mut() {
                remap(&mut a.companies, order);
                remap(&mut a.mentions.companies, order);
            }
            for m in g.models.iter_mut() {
                if m.company != usize::MAX {
                    m.company = order[m.company];
                }
            }
        },
    );
    sort_entities(
        &mut g.models,
        |m| m.model.name.to_lowercase(),
        |order| {
            for a in g.articles.iter_mut() {
                remap(&mut a.models, order);
                remap(&mut a.mentions.models, order);
            }
            for c in g.companies.iter_mut() {
                remap(&mut c.models, order);
            }
        },
    );
    sort_entities(
        &mut g.themes,
        |t| t.theme.name.to_lowercase(),
        |order| {
            for a in g.articles.iter_mut() {
                remap(&mut a.themes, order);
                remap(&mut a.mentions.themes, order);
            }
        },
    );
    let models = &g.models;
    for c in g.companies.iter_mut() {
        c.models.sort_by(|&a, &b| {
            models[b]
                .model
                .released
                .cmp(&models[a].model.released)
                .then(a.cmp(&b))
        });
    }
    g.pages.sort_by(|a, b| a.page.title.cmp(&b.page.title));
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

/// Every article's related reading, from the entity -> articles lists already built.
fn related_reading(g: &SiteGraph) -> Vec<Vec<usize>> {
    let (articles, companies, models, themes) = (&g.articles, &g.companies, &g.models, &g.themes);
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
    related::related(articles.len(), &facets, g.config.related.count)
}

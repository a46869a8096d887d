//! serve's incremental patch: a linked site updated for edited articles that keep their place, with
//! the same phase functions a full link uses (bodies through the cache, reference checks, body
//! problems and their routing). Decides when a patch is not enough; never claims URLs, never
//! touches relations.

use super::bodies::{Bodies, BodyCache};
use super::problems::{anchor_index, body_problems, route};
use super::refs::{article_refs, EntityIndex};
use super::select::article_order;
use super::{Selection, SiteGraph};
use crate::error::Diagnostic;
use crate::model::Article;
use std::sync::Arc;

/// Patches a linked site for edits to articles that keep their place in it: the same slug,
/// status, date and entity ids, and a title that keeps them where they are among articles of the
/// same date, so that no URL, order, relation or other body changes.
/// Renders the new bodies (reusing the cache) and returns the problems of the edited articles
/// that belong in the build's diagnostics (those of unpublished articles in a preview go to their
/// `problems`). None, with nothing changed, when an edit does not qualify: a full `link` is needed.
///
/// One thing a full link would also redo is left as it was: warnings in *other* files about links
/// to headings of the edited articles.
pub(crate) fn relink_articles(
    graph: &mut SiteGraph,
    edited: &[Arc<Article>],
    selection: Selection,
    cache: &mut BodyCache,
) -> Option<Vec<Diagnostic>> {
    // The zone comes from site.yaml, which the graph was linked with.
    if graph.selection
        != (Selection {
            zone: graph.selection.zone,
            ..selection
        })
    {
        return None;
    }
    let at = places(graph, edited)?;
    let mut bodies = Bodies::for_patch(cache, graph)?;
    let sources: Vec<_> = edited.iter().map(|a| (&a.origin, &a.body, None)).collect();
    let rendered = bodies.render(&sources);
    // Backlinks on entity pages come from what bodies mention: a new mention needs a full link.
    let same_mentions = at
        .iter()
        .zip(&rendered)
        .all(|(&i, body)| graph.articles[i].body.mentions == body.mentions);
    if !same_mentions {
        return None;
    }
    for ((a, &i), body) in edited.iter().zip(&at).zip(rendered) {
        let n = &mut graph.articles[i];
        n.article = a.clone();
        n.body = body;
    }
    let problems: Vec<Vec<Diagnostic>> = {
        let ix = EntityIndex::new(
            graph.companies.iter().map(|c| &c.company.id),
            graph.models.iter().map(|m| &m.model.id),
            graph.themes.iter().map(|t| &t.theme.id),
        );
        let anchors = anchor_index(graph);
        at.iter()
            .map(|&i| {
                let n = &graph.articles[i];
                let mut own = Vec::new();
                article_refs(&n.article, &ix, &mut own);
                body_problems(bodies.targets(), &anchors, n.body_ref(), &mut own);
                own
            })
            .collect()
    };
    let mut out = Vec::new();
    for (&i, own) in at.iter().zip(problems) {
        out.extend(route(&mut graph.articles[i], own));
    }
    // As a full link does (`report_parse_warnings`): the files' own parse warnings.
    out.extend(
        edited
            .iter()
            .flat_map(|a| a.origin.warnings.iter().cloned()),
    );
    let fresh = bodies.into_fresh();
    cache.add(fresh);
    Some(out)
}

/// Where each edited article is in the graph, if every edit keeps its place there.
fn places(graph: &SiteGraph, edited: &[Arc<Article>]) -> Option<Vec<usize>> {
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
    Some(at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Diagnostics;
    use crate::link::{link, BaseUrl};
    use crate::model::{Content, Kind, SiteConfig};
    use std::collections::HashSet as StdHashSet;
    use std::path::{Path, PathBuf};

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
            now: "2024-01-01T00:00:00Z".parse().unwrap(),
            zone: chrono_tz::UTC,
        };
        let g = link(
            config,
            base,
            content,
            &StdHashSet::new(),
            Arc::default(),
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

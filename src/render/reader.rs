//! The reader's extras on rendered pages: related reading, "Also mentioned in", charts, per-entity
//! feeds and the search page. Builds typed context for templates from the linked site; like the rest
//! of render it hands bytes to the `Sink` and never opens an output file itself.

use super::context::EntityLink;
use super::prepared::Card;
use super::Prepared;
use crate::chart::{self, DatedPoint, DotRow, Labels};
use crate::link::SiteGraph;
use crate::model::Kind;
use serde::Serialize;
use tera::Context;

/// Where the search index is written.
pub(crate) const SEARCH_INDEX: &str = crate::search::MANIFEST;

/// How many companies the models-index chart draws; the table under it lists every model.
pub(super) const CHART_MAX_COMPANIES: usize = 12;

/// A chart and its data as text, for a `<figure>` with a table behind a disclosure.
#[derive(Serialize)]
pub(super) struct ChartCtx {
    pub id: String,
    pub title: String,
    pub svg: String,
    /// Column headings of the data table.
    pub columns: [String; 2],
    pub rows: Vec<[String; 2]>,
}

/// An entity's Atom feed, for `<link rel="alternate">` and a visible link.
#[derive(Serialize)]
pub(super) struct FeedLink {
    pub url: String,
    pub title: String,
}

/// What an entity page shows besides its own data.
#[derive(Serialize)]
pub(super) struct EntityExtras<'a> {
    pub feed: FeedLink,
    /// Articles that name the entity in their text only; newest first.
    pub also_mentioned: Vec<&'a Card<'a>>,
    pub charts: Vec<ChartCtx>,
    /// The companies, models and themes its articles are most often filed under besides itself,
    /// for the facts panel.
    pub related: RelatedEntities<'a>,
}

/// Entities that share an entity's articles, most shared first (at most `RELATED_MAX` each).
#[derive(Serialize)]
pub(super) struct RelatedEntities<'a> {
    pub companies: Vec<EntityLink<'a>>,
    pub models: Vec<EntityLink<'a>>,
    pub themes: Vec<EntityLink<'a>>,
}

/// How many related entities of each kind the facts panel lists.
const RELATED_MAX: usize = 8;

/// Adds `extras` to a company, model or theme page's context.
pub(super) fn insert_entity_extras(ctx: &mut Context, p: &Prepared<'_>, kind: Kind, i: usize) {
    let graph = p.graph;
    let EntityRef {
        name,
        url,
        articles,
        mentioned_in,
    } = entity(graph, kind, i);
    let charts = match kind {
        Kind::Company => company_charts(graph, i),
        Kind::Theme => {
            let t = &graph.themes[i];
            articles_per_quarter(graph, &t.articles, &t.theme.name, "theme-articles")
                .into_iter()
                .collect()
        }
        _ => Vec::new(),
    };
    let extras = EntityExtras {
        feed: FeedLink {
            url: graph.base.link(&format!("{url}feed.xml")),
            title: crate::text::smarten(&format!("{name} · {}", graph.config.title), &mut None),
        },
        also_mentioned: mentioned_in.iter().map(|&a| p.card(a)).collect(),
        charts,
        related: related_entities(p, articles, kind, i),
    };
    ctx.insert("extras", &extras);
}

/// The entities `articles` are filed under, by how many of them each is, leaving out entity `i`
/// of `kind` itself and what its facts already name (a model's company, a company's models).
fn related_entities<'g>(
    p: &Prepared<'g>,
    articles: &[usize],
    kind: Kind,
    i: usize,
) -> RelatedEntities<'g> {
    let graph = p.graph;
    let mut shown = vec![(kind, i)];
    match kind {
        Kind::Model => shown.push((Kind::Company, graph.models[i].company)),
        Kind::Company => shown.extend(graph.companies[i].models.iter().map(|&m| (Kind::Model, m))),
        _ => {}
    }
    let rank = |of: Kind, pick: &dyn Fn(usize) -> &'g [usize], links: &[EntityLink<'g>]| {
        let mut counts: rustc_hash::FxHashMap<usize, usize> = Default::default();
        for &a in articles {
            for &e in pick(a) {
                if !shown.contains(&(of, e)) {
                    *counts.entry(e).or_default() += 1;
                }
            }
        }
        let mut ranked: Vec<(usize, usize)> = counts.into_iter().collect();
        ranked.sort_by(|x, y| {
            y.1.cmp(&x.1)
                .then_with(|| links[x.0].name.cmp(&links[y.0].name))
        });
        ranked
            .into_iter()
            .take(RELATED_MAX)
            .map(|(e, _)| links[e].clone())
            .collect::<Vec<_>>()
    };
    RelatedEntities {
        companies: rank(
            Kind::Company,
            &|a| &graph.articles[a].companies,
            &p.company_links,
        ),
        models: rank(Kind::Model, &|a| &graph.articles[a].models, &p.model_links),
        themes: rank(Kind::Theme, &|a| &graph.articles[a].themes, &p.theme_links),
    }
}

/// Adds `chart` (releases over time by company) to the models index's context.
pub(super) fn insert_models_chart(ctx: &mut Context, graph: &SiteGraph) {
    let mut rows: Vec<(usize, DotRow<'_>)> = graph
        .companies
        .iter()
        .enumerate()
        .map(|(ci, c)| {
            let points: Vec<DatedPoint<'_>> = c
                .models
                .iter()
                .filter_map(|&m| {
                    let m = &graph.models[m].model;
                    m.released.map(|d| DatedPoint {
                        date: d.date(),
                        label: &m.name,
                    })
                })
                .collect();
            (
                ci,
                DotRow {
                    label: &c.company.name,
                    points,
                },
            )
        })
        .filter(|(_, r)| !r.points.is_empty())
        .collect();
    let with_releases = rows.len();
    let released: usize = rows.iter().map(|(_, r)| r.points.len()).sum();
    // One dot is no picture; the table below says as much.
    if released < 2 {
        return;
    }
    // The busiest companies, then shown by name as everywhere else.
    rows.sort_by(|a, b| b.1.points.len().cmp(&a.1.points.len()).then(a.0.cmp(&b.0)));
    rows.truncate(CHART_MAX_COMPANIES);
    rows.sort_by_key(|(ci, _)| *ci);
    let shown: Vec<DotRow<'_>> = rows.into_iter().map(|(_, r)| r).collect();
    let drawn: usize = shown.iter().map(|r| r.points.len()).sum();
    let title = "Model releases by company";
    let mut desc = format!(
        "{drawn} model releases from {} compan{}, one dot per release on a time line.",
        shown.len(),
        if shown.len() == 1 { "y" } else { "ies" }
    );
    if with_releases > shown.len() {
        desc.push_str(&format!(
            " The {} companies with the most releases are drawn; the table lists all {released} releases.",
            shown.len()
        ));
    }
    let svg = chart::dot_rows(
        &Labels {
            id: "models-releases",
            title,
            desc: &desc,
        },
        &shown,
    );
    ctx.insert(
        "chart",
        &ChartCtx {
            id: "models-releases".into(),
            title: title.into(),
            svg,
            columns: ["Model".into(), "Released".into()],
            rows: releases_table(graph),
        },
    );
}

/// Every model release, oldest first: the table behind the models chart.
fn releases_table(graph: &SiteGraph) -> Vec<[String; 2]> {
    let mut table: Vec<(chrono::NaiveDate, [String; 2])> = graph
        .models
        .iter()
        .filter_map(|m| {
            m.model.released.map(|d| {
                let company = graph
                    .companies
                    .get(m.company)
                    .map(|c| c.company.name.as_str())
                    .unwrap_or("");
                (
                    d.date(),
                    [format!("{} ({company})", m.model.name), d.display()],
                )
            })
        })
        .collect();
    table.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1[0].cmp(&b.1[0])));
    table.into_iter().map(|(_, r)| r).collect()
}

/// One company, model or theme as pages see it.
pub(super) struct EntityRef<'g> {
    pub name: &'g str,
    /// Site-relative.
    pub url: &'g str,
    /// Articles whose front matter names it; newest first.
    pub articles: &'g [usize],
    /// Articles that name it in their text only; newest first.
    pub mentioned_in: &'g [usize],
}

/// Entity `i` of `kind` (a company, model or theme).
pub(super) fn entity(graph: &SiteGraph, kind: Kind, i: usize) -> EntityRef<'_> {
    let (name, url, articles, mentioned_in) = match kind {
        Kind::Company => {
            let c = &graph.companies[i];
            (&c.company.name, &c.url, &c.articles, &c.mentioned_in)
        }
        Kind::Model => {
            let m = &graph.models[i];
            (&m.model.name, &m.url, &m.articles, &m.mentioned_in)
        }
        _ => {
            let t = &graph.themes[i];
            (&t.theme.name, &t.url, &t.articles, &t.mentioned_in)
        }
    };
    EntityRef {
        name,
        url,
        articles,
        mentioned_in,
    }
}

fn company_charts(graph: &SiteGraph, i: usize) -> Vec<ChartCtx> {
    let c = &graph.companies[i];
    let mut out = Vec::new();
    let mut released: Vec<(chrono::NaiveDate, &str)> = c
        .models
        .iter()
        .filter_map(|&m| {
            let m = &graph.models[m].model;
            m.released.map(|d| (d.date(), m.name.as_str()))
        })
        .collect();
    released.sort();
    if released.len() >= 2 {
        let title = format!("{}: model releases", c.company.name);
        let desc = format!(
            "{} model release{} from {} to {}, one dot per model, oldest at the top.",
            released.len(),
            if released.len() == 1 { "" } else { "s" },
            year(released[0].0),
            year(released[released.len() - 1].0),
        );
        let points: Vec<DatedPoint<'_>> = released
            .iter()
            .map(|&(date, label)| DatedPoint { date, label })
            .collect();
        out.push(ChartCtx {
            id: "company-releases".into(),
            svg: chart::timeline(
                &Labels {
                    id: "company-releases",
                    title: &title,
                    desc: &desc,
                },
                &points,
            ),
            title,
            columns: ["Model".into(), "Released".into()],
            rows: released
                .iter()
                .map(|(d, n)| {
                    [
                        n.to_string(),
                        crate::model::PubDate::from_date(*d).display(),
                    ]
                })
                .collect(),
        });
    }
    out.extend(articles_per_quarter(
        graph,
        &c.articles,
        &c.company.name,
        "company-articles",
    ));
    out
}

/// Bars of articles per quarter, or nothing when they would be a single bar (the page says as much
/// in words).
fn articles_per_quarter(
    graph: &SiteGraph,
    articles: &[usize],
    name: &str,
    id: &str,
) -> Option<ChartCtx> {
    let bars = chart::per_quarter(
        articles
            .iter()
            .map(|&a| graph.articles[a].article.date.date()),
    );
    if bars.len() < 2 {
        return None;
    }
    let (first, last) = (bars.first()?.0, bars.last()?.0);
    let title = format!("{name}: articles per quarter");
    let desc = format!(
        "{} article{} from {} to {}, one bar per quarter.",
        articles.len(),
        if articles.len() == 1 { "" } else { "s" },
        first.label(),
        last.label(),
    );
    Some(ChartCtx {
        id: id.into(),
        svg: chart::quarter_bars(
            &Labels {
                id,
                title: &title,
                desc: &desc,
            },
            &bars,
            "article",
        ),
        title,
        columns: ["Quarter".into(), "Articles".into()],
        rows: bars
            .iter()
            .map(|(q, n)| [q.label(), n.to_string()])
            .collect(),
    })
}

fn year(d: chrono::NaiveDate) -> i32 {
    chrono::Datelike::year(&d)
}

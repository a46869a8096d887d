//! The company, model and theme pages and their three indexes. Each entity page shows its data,
//! its profile, its articles and the reader's extras (backlinks, charts, its feed).

use super::{each, hash_cards, Job, PageKind};
use crate::model::{Kind, Origin};
use crate::render::context::{CompanyPage, ImageView, ModelPage, ThemePage};
use crate::render::meta::{self, PageMeta};
use crate::render::{reader, Prepared};
use rustc_hash::FxHasher;
use std::hash::Hash;
use tera::Context;

/// `/companies/`.
pub(super) struct Companies;
/// `/companies/<id>/`: company `i` of the graph.
pub(super) struct Company(usize);
/// `/models/`, with the releases chart.
pub(super) struct Models;
/// `/models/<id>/`.
pub(super) struct Model(usize);
/// `/themes/`.
pub(super) struct Themes;
/// `/themes/<id>/`.
pub(super) struct Theme(usize);

impl Companies {
    pub(super) fn jobs(_p: &Prepared<'_>) -> Vec<Job> {
        vec![Box::new(Companies)]
    }
}

impl PageKind for Companies {
    fn template(&self) -> &'static str {
        "companies.html"
    }
    fn url(&self, _p: &Prepared<'_>) -> String {
        "companies/".into()
    }
    fn title(&self, _p: &Prepared<'_>) -> String {
        "Companies".into()
    }
    fn section(&self, _p: &Prepared<'_>) -> &'static str {
        "companies"
    }
    fn context(&self, p: &Prepared<'_>, ctx: &mut Context) {
        ctx.insert("companies", &p.company_cards);
    }
    fn fingerprint(&self, p: &Prepared<'_>, _cards: &[u64], h: &mut FxHasher) {
        p.company_cards.hash(h);
    }
}

impl Company {
    pub(super) fn jobs(p: &Prepared<'_>) -> Vec<Job> {
        each(p.graph.companies.len(), |i| Box::new(Company(i)))
    }
}

impl PageKind for Company {
    fn template(&self) -> &'static str {
        "company.html"
    }
    fn url(&self, p: &Prepared<'_>) -> String {
        p.graph.companies[self.0].url.clone()
    }
    fn title(&self, p: &Prepared<'_>) -> String {
        p.graph.companies[self.0].company.name.clone()
    }
    fn section(&self, _p: &Prepared<'_>) -> &'static str {
        "companies"
    }
    fn context(&self, p: &Prepared<'_>, ctx: &mut Context) {
        let c = &p.graph.companies[self.0];
        reader::insert_entity_extras(ctx, p, Kind::Company, self.0);
        ctx.insert(
            "company",
            &CompanyPage {
                card: &p.company_cards[self.0],
                website: c.company.website.as_deref(),
                profile: &c.profile.html,
                models: c.models.iter().map(|&m| &p.model_cards[m]).collect(),
                articles: p.pick(&c.articles),
                image: c
                    .company
                    .image
                    .as_ref()
                    .and_then(|img| ImageView::new(p.graph, &c.company.origin.rel, img, true)),
                extra: &c.company.extra,
            },
        );
    }
    fn meta(&self, p: &Prepared<'_>) -> PageMeta {
        let (card, item) = (&p.company_cards[self.0], &p.graph.companies[self.0]);
        let (name, summary) = (card.name.0, card.summary.map(|s| s.0));
        let image = (&item.company.image, &item.company.origin);
        let (mut m, page) = entity_meta(p, "Companies", &item.url, name, summary, image);
        let website = item.company.website.as_deref();
        let organization = meta::organization(name, &page, website, summary);
        m.json_ld.insert(0, meta::script_json(&organization));
        m
    }
    fn fingerprint(&self, p: &Prepared<'_>, cards: &[u64], h: &mut FxHasher) {
        let c = &p.graph.companies[self.0];
        let card = &p.company_cards[self.0];
        (card, c.company.origin.digest, c.profile.digest).hash(h);
        let image = c.company.image.as_ref();
        (p.graph.images.lead_stamp(&c.company.origin.rel, image)).hash(h);
        for &m in &c.models {
            p.model_cards[m].hash(h);
        }
        hash_cards(c.articles.iter().copied(), cards, h);
        hash_cards(c.mentioned_in.iter().copied(), cards, h);
    }
    fn source<'g>(&self, p: &Prepared<'g>) -> Option<&'g Origin> {
        Some(&p.graph.companies[self.0].company.origin)
    }
}

impl Models {
    pub(super) fn jobs(_p: &Prepared<'_>) -> Vec<Job> {
        vec![Box::new(Models)]
    }
}

impl PageKind for Models {
    fn template(&self) -> &'static str {
        "models.html"
    }
    fn url(&self, _p: &Prepared<'_>) -> String {
        "models/".into()
    }
    fn title(&self, _p: &Prepared<'_>) -> String {
        "Models".into()
    }
    fn section(&self, _p: &Prepared<'_>) -> &'static str {
        "models"
    }
    fn context(&self, p: &Prepared<'_>, ctx: &mut Context) {
        ctx.insert("models", &p.model_cards);
        reader::insert_models_chart(ctx, p.graph);
    }
    fn fingerprint(&self, p: &Prepared<'_>, _cards: &[u64], h: &mut FxHasher) {
        p.model_cards.hash(h);
    }
}

impl Model {
    pub(super) fn jobs(p: &Prepared<'_>) -> Vec<Job> {
        each(p.graph.models.len(), |i| Box::new(Model(i)))
    }
}

impl PageKind for Model {
    fn template(&self) -> &'static str {
        "model.html"
    }
    fn url(&self, p: &Prepared<'_>) -> String {
        p.graph.models[self.0].url.clone()
    }
    fn title(&self, p: &Prepared<'_>) -> String {
        p.graph.models[self.0].model.name.clone()
    }
    fn section(&self, _p: &Prepared<'_>) -> &'static str {
        "models"
    }
    fn context(&self, p: &Prepared<'_>, ctx: &mut Context) {
        let m = &p.graph.models[self.0];
        reader::insert_entity_extras(ctx, p, Kind::Model, self.0);
        ctx.insert(
            "model",
            &ModelPage {
                card: &p.model_cards[self.0],
                profile: &m.profile.html,
                articles: p.pick(&m.articles),
                image: m
                    .model
                    .image
                    .as_ref()
                    .and_then(|img| ImageView::new(p.graph, &m.model.origin.rel, img, true)),
                extra: &m.model.extra,
            },
        );
    }
    fn meta(&self, p: &Prepared<'_>) -> PageMeta {
        let (card, item) = (&p.model_cards[self.0], &p.graph.models[self.0]);
        let (name, summary) = (card.name.0, card.summary.map(|s| s.0));
        let image = (&item.model.image, &item.model.origin);
        entity_meta(p, "Models", &item.url, name, summary, image).0
    }
    fn fingerprint(&self, p: &Prepared<'_>, cards: &[u64], h: &mut FxHasher) {
        let m = &p.graph.models[self.0];
        (
            &p.model_cards[self.0],
            m.model.origin.digest,
            m.profile.digest,
            (p.graph.images).lead_stamp(&m.model.origin.rel, m.model.image.as_ref()),
        )
            .hash(h);
        hash_cards(m.articles.iter().copied(), cards, h);
        hash_cards(m.mentioned_in.iter().copied(), cards, h);
    }
    fn source<'g>(&self, p: &Prepared<'g>) -> Option<&'g Origin> {
        Some(&p.graph.models[self.0].model.origin)
    }
}

impl Themes {
    pub(super) fn jobs(_p: &Prepared<'_>) -> Vec<Job> {
        vec![Box::new(Themes)]
    }
}

impl PageKind for Themes {
    fn template(&self) -> &'static str {
        "themes.html"
    }
    fn url(&self, _p: &Prepared<'_>) -> String {
        "themes/".into()
    }
    fn title(&self, _p: &Prepared<'_>) -> String {
        "Themes".into()
    }
    fn section(&self, _p: &Prepared<'_>) -> &'static str {
        "themes"
    }
    fn context(&self, p: &Prepared<'_>, ctx: &mut Context) {
        ctx.insert("themes", &p.theme_cards);
    }
    fn fingerprint(&self, p: &Prepared<'_>, _cards: &[u64], h: &mut FxHasher) {
        p.theme_cards.hash(h);
    }
}

impl Theme {
    pub(super) fn jobs(p: &Prepared<'_>) -> Vec<Job> {
        each(p.graph.themes.len(), |i| Box::new(Theme(i)))
    }
}

impl PageKind for Theme {
    fn template(&self) -> &'static str {
        "theme.html"
    }
    fn url(&self, p: &Prepared<'_>) -> String {
        p.graph.themes[self.0].url.clone()
    }
    fn title(&self, p: &Prepared<'_>) -> String {
        p.graph.themes[self.0].theme.name.clone()
    }
    fn section(&self, _p: &Prepared<'_>) -> &'static str {
        "themes"
    }
    fn context(&self, p: &Prepared<'_>, ctx: &mut Context) {
        let t = &p.graph.themes[self.0];
        reader::insert_entity_extras(ctx, p, Kind::Theme, self.0);
        ctx.insert(
            "theme",
            &ThemePage {
                card: &p.theme_cards[self.0],
                profile: &t.profile.html,
                keywords: &t.theme.keywords,
                articles: p.pick(&t.articles),
                image: t
                    .theme
                    .image
                    .as_ref()
                    .and_then(|img| ImageView::new(p.graph, &t.theme.origin.rel, img, true)),
                extra: &t.theme.extra,
            },
        );
    }
    fn meta(&self, p: &Prepared<'_>) -> PageMeta {
        let (card, item) = (&p.theme_cards[self.0], &p.graph.themes[self.0]);
        let (name, summary) = (card.name.0, card.summary.map(|s| s.0));
        let image = (&item.theme.image, &item.theme.origin);
        entity_meta(p, "Themes", &item.url, name, summary, image).0
    }
    fn fingerprint(&self, p: &Prepared<'_>, cards: &[u64], h: &mut FxHasher) {
        let t = &p.graph.themes[self.0];
        (
            &p.theme_cards[self.0],
            t.theme.origin.digest,
            t.profile.digest,
            (p.graph.images).lead_stamp(&t.theme.origin.rel, t.theme.image.as_ref()),
        )
            .hash(h);
        hash_cards(t.articles.iter().copied(), cards, h);
        hash_cards(t.mentioned_in.iter().copied(), cards, h);
    }
    fn source<'g>(&self, p: &Prepared<'g>) -> Option<&'g Origin> {
        Some(&p.graph.themes[self.0].theme.origin)
    }
}

/// An entity page's share metadata: its name, summary (else its name) and lead image (else the
/// site card), and a breadcrumb trail through `section`. Also hands back the page's permalink.
fn entity_meta(
    p: &Prepared<'_>,
    section: &str,
    url: &str,
    name: &str,
    summary: Option<&str>,
    (image, origin): (&Option<crate::model::LeadImage>, &Origin),
) -> (PageMeta, String) {
    let page = p.graph.base.permalink(url);
    let image = (image.as_ref()).and_then(|img| ImageView::new(p.graph, &origin.rel, img, true));
    let mut m = PageMeta::site(p, name)
        .describe(summary.or(Some(name)))
        .with_image(image.as_ref());
    m.json_ld = vec![meta::script_json(&meta::breadcrumbs(
        p, section, name, &page,
    ))];
    (m, page)
}

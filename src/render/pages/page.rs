//! A standalone page (`content/pages/<slug>.md`): about, editorial policy.

use super::{each, Job, PageKind};
use crate::model::Origin;
use crate::render::context::{PageCtx, Prose};
use crate::render::meta::PageMeta;
use crate::render::Prepared;
use rustc_hash::FxHasher;
use std::hash::Hash;
use tera::Context;

/// `/<slug>/`: page `i` of the graph.
pub(super) struct Page(usize);

impl Page {
    pub(super) fn jobs(p: &Prepared<'_>) -> Vec<Job> {
        each(p.graph.pages.len(), |i| Box::new(Page(i)))
    }
}

impl PageKind for Page {
    fn template(&self) -> &'static str {
        "page.html"
    }
    fn url(&self, p: &Prepared<'_>) -> String {
        p.graph.pages[self.0].url.clone()
    }
    fn title(&self, p: &Prepared<'_>) -> String {
        p.graph.pages[self.0].page.title.clone()
    }
    fn section(&self, p: &Prepared<'_>) -> &'static str {
        if p.graph.pages[self.0].page.slug == "about" {
            "about"
        } else {
            "page"
        }
    }
    fn context(&self, p: &Prepared<'_>, ctx: &mut Context) {
        let n = &p.graph.pages[self.0];
        ctx.insert(
            "page",
            &PageCtx {
                title: Prose(&n.page.title),
                url: p.graph.base.link(&n.url),
                summary: n.page.summary.as_deref().map(Prose),
                body: &n.body.html,
                extra: &n.page.extra,
            },
        );
    }
    fn meta(&self, p: &Prepared<'_>) -> PageMeta {
        let n = &p.graph.pages[self.0].page;
        PageMeta::site(p, &n.title).describe(n.summary.as_deref().or(Some(&n.title)))
    }
    fn fingerprint(&self, p: &Prepared<'_>, _cards: &[u64], h: &mut FxHasher) {
        let n = &p.graph.pages[self.0];
        (&n.url, n.page.origin.digest, n.body.digest).hash(h);
    }
    fn source<'g>(&self, p: &Prepared<'g>) -> Option<&'g Origin> {
        Some(&p.graph.pages[self.0].page.origin)
    }
}

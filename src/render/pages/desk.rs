//! The review desk (`/review/`, preview builds only): every unpublished article, its standing and
//! what is still wrong with it.

use super::{Job, PageKind};
use crate::render::{incremental::serialized_hash, Prepared};
use rustc_hash::FxHasher;
use tera::Context;

pub(super) struct Review;

impl Review {
    pub(super) fn jobs(p: &Prepared<'_>) -> Vec<Job> {
        if p.graph.selection.drafts {
            vec![Box::new(Review)]
        } else {
            Vec::new()
        }
    }
}

impl PageKind for Review {
    fn template(&self) -> &'static str {
        "review.html"
    }
    fn url(&self, _p: &Prepared<'_>) -> String {
        "review/".into()
    }
    fn title(&self, _p: &Prepared<'_>) -> String {
        "Review desk".into()
    }
    fn section(&self, _p: &Prepared<'_>) -> &'static str {
        "review"
    }
    fn context(&self, p: &Prepared<'_>, ctx: &mut Context) {
        ctx.insert("rows", &p.desk_rows());
    }
    fn fingerprint(&self, p: &Prepared<'_>, _cards: &[u64], h: &mut FxHasher) {
        for r in p.desk_rows() {
            serialized_hash(&r, h);
        }
    }
    fn lists_every_article(&self) -> bool {
        true
    }
}

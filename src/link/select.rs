//! Link phase: which articles a build includes. This is where drafts, articles in review and
//! scheduled articles are filtered out (or kept, marked, in a preview), and where articles are put
//! newest first. Judges front matter against the build's date only; never looks at bodies.

use crate::model::{Article, PubDate, Status};
use chrono::NaiveDate;
use serde::Serialize;
use std::sync::Arc;

/// Where an article stands for readers on the build's date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Standing {
    Published,
    /// `status: published`, dated after the build's date.
    Scheduled,
    Review,
    Draft,
}

impl Standing {
    /// The banner a preview shows on the article's page.
    pub fn banner(self, date: &PubDate) -> Option<String> {
        match self {
            Standing::Published => None,
            Standing::Scheduled => Some(format!("Scheduled for {}", date.display())),
            Standing::Review => Some("In review".into()),
            Standing::Draft => Some("Draft — not published".into()),
        }
    }
}

/// Which articles a build includes, judged on the build's date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Selection {
    /// A preview build: include drafts, articles in review and scheduled ones, marked as such.
    pub drafts: bool,
    /// Treat scheduled articles as published (`--future`).
    pub future: bool,
    /// The build's date: articles dated after it are scheduled.
    pub today: NaiveDate,
}

impl Selection {
    /// A published build as of today's local date.
    pub fn published() -> Self {
        Selection {
            drafts: false,
            future: false,
            today: chrono::Local::now().date_naive(),
        }
    }
    pub fn standing(&self, a: &Article) -> Standing {
        match a.status {
            Status::Draft => Standing::Draft,
            Status::Review => Standing::Review,
            Status::Published if a.date.date() > self.today => Standing::Scheduled,
            Status::Published => Standing::Published,
        }
    }
    /// Whether the article is in this build at all.
    pub fn includes(&self, a: &Article) -> bool {
        match self.standing(a) {
            Standing::Published => true,
            Standing::Scheduled => self.future || self.drafts,
            Standing::Review | Standing::Draft => self.drafts,
        }
    }
    /// Whether readers see it as published: in feeds and sitemaps, without a banner.
    pub fn is_public(&self, a: &Article) -> bool {
        match self.standing(a) {
            Standing::Published => true,
            Standing::Scheduled => self.future,
            Standing::Review | Standing::Draft => false,
        }
    }
}

/// Drops the articles this build leaves out and puts the rest newest first.
pub(super) fn select(articles: &mut Vec<Arc<Article>>, selection: Selection) {
    articles.retain(|a| selection.includes(a));
    articles.sort_by(|a, b| article_order(a, b));
}

/// Newest first; ties broken by title so the order never depends on the file system.
pub(super) fn article_order(a: &Article, b: &Article) -> std::cmp::Ordering {
    b.date.cmp(&a.date).then_with(|| a.title.cmp(&b.title))
}

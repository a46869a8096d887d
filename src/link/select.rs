//! Link phase: which articles a build includes. This is where drafts, articles in review and
//! scheduled articles are filtered out (or kept, marked, in a preview), and where articles are put
//! newest first. Judges front matter against the build's date only; never looks at bodies.

use crate::model::{Article, PubDate, Status};
use chrono::{DateTime, Utc};
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
    /// The banner a preview shows on the article's page; a scheduled article's time (if its date
    /// has one) is shown in `zone`, the site's.
    pub fn banner(self, date: &PubDate, zone: chrono_tz::Tz) -> Option<String> {
        match self {
            Standing::Published => None,
            Standing::Scheduled => Some(format!("Scheduled for {}", date.display_in(zone))),
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
    /// The build's instant: articles that go out after it are scheduled.
    pub now: DateTime<Utc>,
    /// The site's time zone, in which a date-only article's day starts (site.yaml's `timezone`;
    /// `link` sets it from the settings).
    pub zone: chrono_tz::Tz,
}

/// Names an instant (RFC 3339) to build as of instead of the clock: for tests, and to preview what
/// a build at a given time will publish.
pub const NOW_VARIABLE: &str = "BRIEFING_NOW";

/// The build's instant: `BRIEFING_NOW` if it is set to an RFC 3339 timestamp, else the clock,
/// to the minute (a kept `serve` site can then patch its graph for edits within a minute).
pub fn now() -> DateTime<Utc> {
    use chrono::{DurationRound, TimeDelta};
    let clock = std::env::var(NOW_VARIABLE)
        .ok()
        .and_then(|v| DateTime::parse_from_rfc3339(v.trim()).ok())
        .map_or_else(Utc::now, |t| t.with_timezone(&Utc));
    clock.duration_trunc(TimeDelta::minutes(1)).unwrap_or(clock)
}

/// Refuses a `BRIEFING_NOW` that is set but is not an RFC 3339 timestamp: the build would
/// otherwise run as of the clock, publishing what the user meant to hold back.
pub(crate) fn check_now_variable() -> Result<(), String> {
    match std::env::var(NOW_VARIABLE) {
        Ok(v) if DateTime::parse_from_rfc3339(v.trim()).is_err() => Err(format!(
            "`{}` is not an RFC 3339 timestamp",
            v.escape_debug()
        )),
        _ => Ok(()),
    }
}

impl Selection {
    /// A published build as of now.
    pub fn published() -> Self {
        Selection {
            drafts: false,
            future: false,
            now: now(),
            zone: chrono_tz::UTC,
        }
    }
    /// The same selection, judging dates in the site's time zone `zone` (site.yaml's `timezone`).
    pub(crate) fn in_zone(self, zone: chrono_tz::Tz) -> Self {
        Selection { zone, ..self }
    }
    pub fn standing(&self, a: &Article) -> Standing {
        match a.status {
            Status::Draft => Standing::Draft,
            Status::Review => Standing::Review,
            Status::Published if a.date.goes_out(self.zone) > self.now => Standing::Scheduled,
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

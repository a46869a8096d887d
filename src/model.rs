//! The site's content as typed data: articles, companies, models, themes, pages and the site config.
//! Plain data only: no I/O, no parsing of files, no HTML.

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// Editor-defined front-matter keys that the content model does not know; they reach templates as `extra`.
pub(crate) type Extra = BTreeMap<String, serde_json::Value>;

/// An entity's id: its file stem, lowercase ASCII letters, digits and `-`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct EntityId(String);

/// A string that is not a valid id; says what would be.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{}` is not a valid id: use lowercase ASCII letters, digits and `-` (e.g. `{}`)",
    .0.escape_debug(),
    slugify(.0)
)]
pub struct InvalidId(String);

impl EntityId {
    /// Accepts only ids that are safe as a URL segment and a folder name.
    pub fn parse(s: &str) -> Result<Self, InvalidId> {
        if is_valid_id(s) {
            Ok(EntityId(s.to_string()))
        } else {
            Err(InvalidId(s.to_string()))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EntityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub(crate) fn is_valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 200
        && !s.starts_with('-')
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A URL-safe slug: lowercase ASCII words joined by `-`. Latin, Greek and Cyrillic letters are
/// transliterated (`Société` -> `societe`, `ß` -> `ss`), never dropped; CJK characters are left
/// out: their romanisation is ambiguous (pinyin without tones, Japanese kanji read as Chinese),
/// so a CJK title gives no slug and the caller asks for one or uses the file's name.
pub(crate) fn slugify(s: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    let mut push = |c: char, dash: &mut bool| {
        if *dash && !out.is_empty() {
            out.push('-');
        }
        *dash = false;
        out.push(c.to_ascii_lowercase());
    };
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            push(c, &mut dash);
        } else if c == '\'' || c == '’' {
            // "Alibaba's" is one word.
        } else if c.is_alphanumeric() && !crate::text::is_cjk(c) {
            let ascii = deunicode::deunicode_char(c).unwrap_or("");
            if !ascii.bytes().any(|b| b.is_ascii_alphanumeric()) {
                dash = true;
            }
            for a in ascii.chars().filter(char::is_ascii_alphanumeric) {
                push(a, &mut dash);
            }
        } else {
            dash = true;
        }
    }
    out
}

/// The kinds of content file, by the folder they live in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Article,
    Company,
    Model,
    Theme,
    Page,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Article,
        Kind::Company,
        Kind::Model,
        Kind::Theme,
        Kind::Page,
    ];

    /// The folder under `content/` that holds this kind.
    pub fn folder(self) -> &'static str {
        match self {
            Kind::Article => "articles",
            Kind::Company => "companies",
            Kind::Model => "models",
            Kind::Theme => "themes",
            Kind::Page => "pages",
        }
    }
    pub fn from_folder(folder: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.folder() == folder)
    }
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Article => "article",
            Kind::Company => "company",
            Kind::Model => "model",
            Kind::Theme => "theme",
            Kind::Page => "page",
        }
    }
}

/// An article's editorial state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Draft,
    Review,
    #[default]
    Published,
}

/// A publication date: a calendar date or a full RFC 3339 timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PubDate {
    instant: DateTime<FixedOffset>,
    /// Written as a calendar date alone: it goes out at the start of that day in the site's time
    /// zone, not at midnight UTC.
    date_only: bool,
}

/// Text that is not a date in one of the forms front matter may use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a date: use YYYY-MM-DD (2023-09-25) or RFC 3339 (2023-09-25T08:30:00+08:00)")]
pub(crate) struct InvalidDate(String);

impl PubDate {
    pub(crate) fn parse(s: &str) -> Result<Self, InvalidDate> {
        let s = s.trim();
        if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            if s.len() == 10 {
                return Ok(Self::from_date(d));
            }
        }
        if let Ok(t) = DateTime::parse_from_rfc3339(s) {
            return Ok(PubDate {
                instant: t,
                date_only: false,
            });
        }
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S") {
            return Ok(PubDate {
                instant: Utc.from_utc_datetime(&t).fixed_offset(),
                date_only: false,
            });
        }
        Err(InvalidDate(s.to_string()))
    }
    pub fn from_date(d: NaiveDate) -> Self {
        let t = d.and_hms_opt(0, 0, 0).expect("midnight exists");
        PubDate {
            instant: Utc.from_utc_datetime(&t).fixed_offset(),
            date_only: true,
        }
    }
    /// When the article may go out: the instant written, or for a date alone the first moment of
    /// that day in `zone` (the site's `timezone`).
    pub fn goes_out(&self, zone: chrono_tz::Tz) -> DateTime<Utc> {
        if !self.date_only {
            return self.instant.with_timezone(&Utc);
        }
        let midnight = self.date().and_hms_opt(0, 0, 0).expect("midnight exists");
        // A day that starts in a daylight-saving gap (no 00:00) starts at the gap's end.
        (0..=180)
            .find_map(|m| {
                zone.from_local_datetime(&(midnight + chrono::Duration::minutes(m)))
                    .earliest()
            })
            .map_or(self.instant.with_timezone(&Utc), |t| t.with_timezone(&Utc))
    }
    pub fn date(&self) -> NaiveDate {
        self.instant.date_naive()
    }
    pub fn instant(&self) -> DateTime<FixedOffset> {
        self.instant
    }
    pub fn rfc3339(&self) -> String {
        self.instant.to_rfc3339()
    }
    pub fn iso_date(&self) -> String {
        self.date().format("%Y-%m-%d").to_string()
    }
    /// "25 September 2023": unambiguous for readers everywhere.
    pub fn display(&self) -> String {
        self.date().format("%-d %B %Y").to_string()
    }
    /// As `display`, and for a date written with a time the time too, in `zone` (the site's), whose
    /// day it may fall on: "1 May 2031", "2 December 2026, 04:30 UTC".
    pub fn display_in(&self, zone: chrono_tz::Tz) -> String {
        if self.date_only {
            return self.display();
        }
        let local = self.instant.with_timezone(&zone);
        local.format("%-d %B %Y, %H:%M %Z").to_string()
    }
}

impl<'de> Deserialize<'de> for PubDate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        PubDate::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Where an article's story came from.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SourceRef {
    pub name: String,
    #[serde(default)]
    pub url: Option<String>,
}

/// Where a content item came from on disk, and where its body starts.
#[derive(Debug, Clone)]
pub struct Origin {
    /// Path relative to the site root, with `/` separators (`content/articles/x.md`).
    pub rel: PathBuf,
    /// 1-based line of the file where the Markdown body begins.
    pub body_line: usize,
    /// The front matter as written, so later stages can point at the line of a field's value.
    pub yaml: String,
    /// 1-based line of the file where the front matter's first line is.
    pub yaml_line: usize,
    /// A hash of the whole file: `serve` re-renders a page only when what it shows has changed.
    pub digest: u64,
    /// What parsing found worth a look but not wrong (a key that looks like a misspelled one);
    /// `link` reports them with the build's diagnostics.
    pub warnings: Vec<crate::error::Diagnostic>,
}

impl Origin {
    /// The file line and column of `value` inside the front-matter field `key`, if it is found.
    pub fn locate(&self, key: &str, value: &str) -> Option<(usize, usize)> {
        let off = crate::yaml::locate_value(&self.yaml, key, value)
            .or_else(|| crate::yaml::locate_key(&self.yaml, key))?;
        let (l, c) = crate::error::line_col(&self.yaml, off);
        Some((l + self.yaml_line - 1, c))
    }
}

/// A lead image from front matter (`image: { src, alt, credit, caption, decorative }`).
#[derive(Debug, Clone, PartialEq)]
pub struct LeadImage {
    /// As written: a path in `static/` (`/img/x.png` or `img/x.png`) or next to the Markdown file.
    pub src: String,
    /// Empty only when `decorative` is set.
    pub alt: String,
    pub credit: Option<String>,
    pub caption: Option<String>,
    pub decorative: bool,
    /// 1-based line of `image:` in the file, for later errors about the file itself.
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct Article {
    pub origin: Origin,
    /// URL slug (front matter `slug`, else the file stem).
    pub slug: String,
    pub title: String,
    pub date: PubDate,
    /// When it last changed in substance (front matter `updated`, never before `date`).
    pub updated: Option<PubDate>,
    pub summary: Option<String>,
    pub companies: Vec<EntityId>,
    pub models: Vec<EntityId>,
    pub themes: Vec<EntityId>,
    pub authors: Vec<String>,
    pub source: Option<SourceRef>,
    pub status: Status,
    /// The lead image (`image:`), if any.
    pub image: Option<LeadImage>,
    pub extra: Extra,
    /// The Markdown body; shared so a kept site can tell an unchanged body by pointer.
    pub body: Arc<str>,
}

impl Article {
    /// When it last changed: `updated` when given, else `date`.
    pub fn last_changed(&self) -> PubDate {
        self.updated.unwrap_or(self.date)
    }
}

#[derive(Debug, Clone)]
pub struct Company {
    pub origin: Origin,
    pub id: EntityId,
    pub name: String,
    pub aliases: Vec<String>,
    pub country: Option<String>,
    pub website: Option<String>,
    pub summary: Option<String>,
    /// The lead image (`image:`), if any.
    pub image: Option<LeadImage>,
    pub extra: Extra,
    pub body: Arc<str>,
}

#[derive(Debug, Clone)]
pub struct Model {
    pub origin: Origin,
    pub id: EntityId,
    pub name: String,
    pub company: EntityId,
    pub aliases: Vec<String>,
    pub released: Option<PubDate>,
    pub modalities: Vec<String>,
    pub domain: Option<String>,
    pub summary: Option<String>,
    /// The lead image (`image:`), if any.
    pub image: Option<LeadImage>,
    pub extra: Extra,
    pub body: Arc<str>,
}

#[derive(Debug, Clone)]
pub struct Theme {
    pub origin: Origin,
    pub id: EntityId,
    pub name: String,
    pub summary: Option<String>,
    /// Words that signal the theme in text (used by `import`); optional.
    pub keywords: Vec<String>,
    /// The lead image (`image:`), if any.
    pub image: Option<LeadImage>,
    pub extra: Extra,
    pub body: Arc<str>,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub origin: Origin,
    pub slug: String,
    pub title: String,
    pub summary: Option<String>,
    pub extra: Extra,
    pub body: Arc<str>,
}

/// What `raw HTML` inside Markdown becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum RawHtml {
    /// Passed through: the desk writes its own content and may embed figures or tables.
    #[default]
    Allow,
    /// Shown as text, never interpreted by the browser.
    Escape,
}

#[derive(Debug, Clone, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct MarkdownConfig {
    pub raw_html: RawHtml,
}

/// Which kinds of entity `autolink` turns into links.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AutolinkKind {
    Companies,
    Models,
    Themes,
}

/// `autolink:` in site.yaml: `{ enabled: true, kinds: [companies, models], first_only: true }`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct AutolinkConfig {
    pub enabled: bool,
    pub kinds: Vec<AutolinkKind>,
    /// Link only the first mention of each entity in a body; later mentions stay plain text.
    pub first_only: bool,
}

impl Default for AutolinkConfig {
    fn default() -> Self {
        AutolinkConfig {
            enabled: true,
            kinds: vec![AutolinkKind::Companies, AutolinkKind::Models],
            first_only: true,
        }
    }
}

impl AutolinkConfig {
    pub fn links(&self, kind: AutolinkKind) -> bool {
        self.enabled && self.kinds.contains(&kind)
    }
}

/// `related:` in site.yaml: `{ count: 5 }`; 0 turns the list off.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct RelatedConfig {
    pub count: usize,
}

impl Default for RelatedConfig {
    fn default() -> Self {
        RelatedConfig { count: 5 }
    }
}

/// `site.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    pub base_url: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default)]
    pub author: Option<String>,
    /// Articles per home page.
    #[serde(default = "default_paginate")]
    pub paginate: usize,
    /// Entries in the Atom feed.
    #[serde(default = "default_feed_limit")]
    pub feed_limit: usize,
    /// The host name feed entry ids are minted under (`tag:<feed_id>,<date>:articles/<slug>`);
    /// by default `base_url`'s host. Set it to the old host before moving the site to another
    /// domain, and readers' feed readers keep every entry they have seen.
    #[serde(default)]
    pub feed_id: Option<String>,
    #[serde(default)]
    pub markdown: MarkdownConfig,
    /// Entity names in article bodies and profiles become links to their pages.
    #[serde(default)]
    pub autolink: AutolinkConfig,
    /// The "Related reading" list under every article.
    #[serde(default)]
    pub related: RelatedConfig,
    /// Custom domain for GitHub Pages; written as `CNAME`.
    #[serde(default)]
    pub cname: Option<String>,
    /// The site's time zone as written (an IANA name); `zone` is what it names.
    #[serde(default)]
    pub timezone: Option<String>,
    /// The day a date-only article goes out starts in this zone; set by `config` from `timezone`.
    #[serde(skip, default = "default_zone")]
    pub zone: chrono_tz::Tz,
    #[serde(default)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

fn default_language() -> String {
    "en".into()
}
fn default_zone() -> chrono_tz::Tz {
    chrono_tz::UTC
}
fn default_paginate() -> usize {
    10
}
fn default_feed_limit() -> usize {
    20
}

/// Everything loaded and parsed from one site, before linking. Items are shared (`Arc`) so that
/// `serve` can keep them between links and relink without copying them.
#[derive(Debug, Default, Clone)]
pub(crate) struct Content {
    pub articles: Vec<Arc<Article>>,
    pub companies: Vec<Arc<Company>>,
    pub models: Vec<Arc<Model>>,
    pub themes: Vec<Arc<Theme>>,
    pub pages: Vec<Arc<Page>>,
}

/// A hash of a file's text, to tell whether it changed (fast; not for security).
pub(crate) fn digest(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    text.hash(&mut h);
    h.finish()
}

/// A path inside the site root shown to users and used as a lookup key: always `/`-separated.
pub(crate) fn display_path(p: &std::path::Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// A file stem from a relative path.
pub(crate) fn stem_of(rel: &std::path::Path) -> String {
    rel.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_reject_path_tricks() {
        for bad in ["", "a/b", "..", "a\\b", "A", "a b", "a\0b", "-a", "é"] {
            assert!(EntityId::parse(bad).is_err(), "{bad:?} accepted");
        }
        assert!(EntityId::parse("huawei-cloud-2").is_ok());
    }

    #[test]
    fn dates_accept_both_forms() {
        assert_eq!(
            PubDate::parse("2023-09-25").unwrap().iso_date(),
            "2023-09-25"
        );
        let t = PubDate::parse("2023-09-25T23:30:00+08:00").unwrap();
        assert_eq!(t.rfc3339(), "2023-09-25T23:30:00+08:00");
        assert!(PubDate::parse("2023-13-01").is_err());
        assert!(PubDate::parse("25/09/2023").is_err());
        assert_eq!(
            PubDate::parse("2023-09-05").unwrap().display(),
            "5 September 2023"
        );
    }

    #[test]
    fn dates_alone_go_out_at_the_start_of_the_day_in_the_site_zone() {
        let at =
            |s: &str, zone: chrono_tz::Tz| PubDate::parse(s).unwrap().goes_out(zone).to_rfc3339();
        assert_eq!(
            at("2026-12-01", chrono_tz::UTC),
            "2026-12-01T00:00:00+00:00"
        );
        assert_eq!(
            at("2026-12-01", chrono_tz::Asia::Shanghai),
            "2026-11-30T16:00:00+00:00"
        );
        assert_eq!(
            at("2026-12-01", chrono_tz::America::New_York),
            "2026-12-01T05:00:00+00:00"
        );
        // An instant is that instant, whatever the zone.
        let t = "2026-12-01T23:30:00-05:00";
        assert_eq!(
            at(t, chrono_tz::Asia::Shanghai),
            "2026-12-02T04:30:00+00:00"
        );
        // Havana skips from 00:00 to 01:00 on 2026-03-08: that day starts at 01:00 local.
        assert_eq!(
            at("2026-03-08", chrono_tz::America::Havana),
            "2026-03-08T05:00:00+00:00"
        );
    }

    #[test]
    fn slugify_makes_ids() {
        assert_eq!(
            slugify("AI Large Models: Expand!"),
            "ai-large-models-expand"
        );
        assert_eq!(slugify("Alibaba's Cloud"), "alibabas-cloud");
        assert_eq!(slugify("Société Générale lance"), "societe-generale-lance");
        assert_eq!(slugify("Straße Ærø Łódź"), "strasse-aero-lodz");
        assert_eq!(slugify("Яндекс GPT"), "iandeks-gpt");
        assert_eq!(slugify("月之暗面 Kimi"), "kimi");
        assert_eq!(slugify("Price €5"), "price-5");
    }
}

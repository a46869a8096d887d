//! Link phase: every file claims its URL, and the index of source paths that relative Markdown
//! links resolve against (`Targets`) is built. Owns how each URL form is spelled and which top-level
//! paths the generator keeps for itself; never resolves a link or renders a body.

use crate::error::{Diagnostic, Diagnostics};
use crate::model::{display_path, Content, EntityId, Origin, Page};
use rustc_hash::FxHashMap as HashMap;
use std::path::{Path, PathBuf};

use super::Selection;

/// Output paths the generator itself writes at the top level; pages may not take them.
pub(crate) const RESERVED_TOP: &[&str] = &[
    "articles",
    "companies",
    "models",
    "themes",
    "page",
    "assets",
    "feed.xml",
    "sitemap.xml",
    "robots.txt",
    "404.html",
    "index.html",
    "search",
    "review",
    "CNAME",
    ".nojekyll",
    "__briefing",
];

/// A content file as a link target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Target {
    pub(super) url: String,
    /// False for an article this build leaves out: links to it are unlinked, not broken.
    pub(super) published: bool,
}

/// Link targets by source path, as `source_key` spells it.
pub(super) type Targets = HashMap<String, Target>;

/// Site-relative URL of an article.
pub(super) fn article_url(slug: &str) -> String {
    format!("articles/{slug}/")
}

/// Site-relative URL of a company, model or theme (`folder` is `companies`, `models`, `themes`).
pub(super) fn entity_url(folder: &str, id: &EntityId) -> String {
    format!("{folder}/{id}/")
}

/// Site-relative URL of a page.
pub(super) fn page_url(slug: &str) -> String {
    format!("{slug}/")
}

/// Gives every file its URL (an error for each clash or reserved path) and returns the link
/// targets. Articles the selection leaves out claim nothing but stay targets (unpublished ones).
pub(super) fn claim_urls(
    content: &Content,
    selection: Selection,
    diags: &mut Diagnostics,
) -> Targets {
    let Content {
        articles,
        companies,
        models,
        themes,
        pages,
    } = content;
    let items = articles.len() + companies.len() + models.len() + themes.len() + pages.len();
    let mut claims = Claims {
        targets: HashMap::with_capacity_and_hasher(items, Default::default()),
        claimed: HashMap::with_capacity_and_hasher(items, Default::default()),
    };
    for a in articles {
        let url = article_url(&a.slug);
        let included = selection.includes(a);
        if included {
            claims.claim(url.clone(), &a.origin, &a.slug, diags);
        }
        claims.target(&a.origin, url, included);
    }
    let entities = companies
        .iter()
        .map(|c| ("companies", &c.id, &c.origin))
        .chain(models.iter().map(|m| ("models", &m.id, &m.origin)))
        .chain(themes.iter().map(|t| ("themes", &t.id, &t.origin)));
    for (folder, id, origin) in entities {
        let url = entity_url(folder, id);
        claims.claim(url.clone(), origin, id.as_str(), diags);
        claims.target(origin, url, true);
    }
    for p in pages {
        if RESERVED_TOP.contains(&p.slug.as_str()) {
            diags.push(reserved(p));
        }
        let url = page_url(&p.slug);
        claims.claim(url.clone(), &p.origin, &p.slug, diags);
        claims.target(&p.origin, url, true);
    }
    claims.targets
}

struct Claims {
    targets: Targets,
    /// Which file took each URL first.
    claimed: HashMap<String, PathBuf>,
}

impl Claims {
    /// `slug` is the value to point at when the file sets one.
    fn claim(&mut self, url: String, origin: &Origin, slug: &str, diags: &mut Diagnostics) {
        let Some(first) = self.claimed.get(&url) else {
            self.claimed.insert(url, origin.rel.clone());
            return;
        };
        let (line, col) = origin.locate("slug", slug).unwrap_or((1, 1));
        diags.push(
            Diagnostic::error(
                &origin.rel,
                format!(
                    "two files claim the URL /{url}: this one and {}",
                    display_path(first)
                ),
            )
            .at(line, Some(col))
            .hint("give one of them a different `slug:` or file name"),
        );
    }

    fn target(&mut self, origin: &Origin, url: String, published: bool) {
        self.targets
            .insert(source_key(&origin.rel), Target { url, published });
    }
}

fn reserved(p: &Page) -> Diagnostic {
    let (line, col) = p.origin.locate("slug", &p.slug).unwrap_or((1, 1));
    Diagnostic::error(
        &p.origin.rel,
        format!("the page URL /{}/ is used by the site itself", p.slug),
    )
    .at(line, Some(col))
    .hint("rename the file or set another `slug:`")
}

/// A source path as link targets are keyed: `/`-separated, relative to the root. Paths from `load`
/// already are, so this is a copy; anything else goes through `display_path`.
fn source_key(rel: &Path) -> String {
    match rel.to_str() {
        Some(s) if std::path::MAIN_SEPARATOR == '/' || !s.contains(std::path::MAIN_SEPARATOR) => {
            s.to_string()
        }
        _ => display_path(rel),
    }
}

//! Link phase: what is wrong in the rendered bodies (broken links, links to headings that do not
//! exist), and where each problem goes: the build's diagnostics, or, for an article readers do not
//! see in a preview, its review-desk entry with the editorial checks. Shared by a full link and by
//! serve's patch; never renders a body.

use super::resolve::{anchor_target, SUGGESTIONS_PER_FILE};
use super::urls::Targets;
use super::{ArticleNode, BodyRef, SiteGraph};
use crate::error::{Diagnostic, Diagnostics, Severity};
use crate::markdown;
use crate::model::Origin;
use crate::text::did_you_mean;
use rustc_hash::FxHashMap as HashMap;

/// The headings of every page, by site-relative URL: what `#anchor` links are checked against.
pub(super) type Anchors<'g> = HashMap<&'g str, &'g [String]>;

pub(super) fn anchor_index(graph: &SiteGraph) -> Anchors<'_> {
    graph
        .bodies()
        .map(|(_, url, r)| (url, r.anchors.as_slice()))
        .collect()
}

/// After a full link's bodies are rendered: every body's problems. Entities' and pages' go to
/// `diags`; each article's join its own (`article_problems`, from the reference checks) and are
/// routed by `route`.
pub(super) fn check_bodies(
    graph: &mut SiteGraph,
    targets: &Targets,
    article_problems: Vec<Vec<Diagnostic>>,
    diags: &mut Diagnostics,
) {
    let anchors = anchor_index(graph);
    let problems: Vec<Vec<Diagnostic>> = graph
        .articles
        .iter()
        .zip(article_problems)
        .map(|(n, mut own)| {
            body_problems(targets, &anchors, n.body_ref(), &mut own);
            own
        })
        .collect();
    let mut shared = Vec::new();
    for body in graph.entity_and_page_bodies() {
        body_problems(targets, &anchors, body, &mut shared);
    }
    diags.extend(shared);
    for (n, own) in graph.articles.iter_mut().zip(problems) {
        diags.extend(route(n, own));
    }
}

/// Where an article's problems go: returned, for the build's diagnostics, when readers see it as
/// published; else kept, with what an editor should still do, for its entry on the review desk.
#[must_use]
pub(super) fn route(n: &mut ArticleNode, own: Vec<Diagnostic>) -> Vec<Diagnostic> {
    if n.public {
        own
    } else {
        n.problems = own;
        n.problems.extend(editorial_checks(n));
        Vec::new()
    }
}

/// A body's broken links, and its links to headings that do not exist (warnings).
pub(super) fn body_problems(
    targets: &Targets,
    anchors: &Anchors<'_>,
    (origin, own_url, r): BodyRef<'_>,
    out: &mut Vec<Diagnostic>,
) {
    for p in &r.problems {
        let mut d = body_diag(origin, p.pos, &p.message, &p.hint);
        if p.warning {
            d.severity = Severity::Warning;
        }
        out.push(d);
    }
    let mut suggestions = SUGGESTIONS_PER_FILE;
    for (pos, dest) in &r.links {
        let Some((url, frag)) = anchor_target(targets, origin, dest, own_url) else {
            continue;
        };
        let Some(list) = anchors.get(url.as_str()) else {
            continue;
        };
        if list.iter().any(|a| a == frag) {
            continue;
        }
        let mut d = body_diag(
            origin,
            *pos,
            &format!("link to `{dest}`: there is no heading `#{frag}` there"),
            "",
        );
        d.severity = Severity::Warning;
        let guess = (suggestions > 0)
            .then(|| {
                suggestions -= 1;
                did_you_mean(frag, list.iter().map(String::as_str))
            })
            .flatten();
        d.hint = Some(match guess {
            Some(s) => format!("did you mean `#{s}`?"),
            None => {
                "anchors are made from headings: `## Market Outlook` is `#market-outlook`".into()
            }
        });
        out.push(d);
    }
}

fn body_diag(origin: &Origin, (line, col): markdown::Pos, message: &str, hint: &str) -> Diagnostic {
    let d = Diagnostic::error(&origin.rel, message.to_string())
        .at(origin.body_line + line - 1, Some(col));
    if hint.is_empty() {
        d
    } else {
        d.hint(hint.to_string())
    }
}

/// What an editor should still do before an article goes out; shown on the review desk.
fn editorial_checks(n: &ArticleNode) -> Vec<Diagnostic> {
    let a = &n.article;
    let mut out = Vec::new();
    if a.summary.is_none() {
        out.push(
            Diagnostic::warning(
                &a.origin.rel,
                "no summary: lists and the feed will show the first paragraph",
            )
            .at(a.origin.yaml_line, None)
            .hint("add `summary:` with one or two sentences"),
        );
    }
    if n.companies.is_empty() && n.models.is_empty() && n.themes.is_empty() {
        out.push(
            Diagnostic::warning(
                &a.origin.rel,
                "names no companies, models or themes: no entity page will list it",
            )
            .at(a.origin.yaml_line, None)
            .hint("add ids to `companies:`, `models:` or `themes:`"),
        );
    }
    out
}

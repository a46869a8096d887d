//! Link phase: Markdown bodies rendered with their links resolved and entity names found, in
//! parallel, through the `BodyCache` that `serve` keeps between links. Owns the reuse rules (same
//! text, same link targets, same entity names); never reports problems (see `problems`).

use super::names::EntityNames;
use super::resolve::{Resolver, SUGGESTIONS_PER_FILE};
use super::urls::Targets;
use super::{BaseUrl, SiteGraph};
use crate::markdown::{self, LinkTarget, Rendered};
use crate::model::{digest, Article, Company, Model, Origin, Page, RawHtml, Theme};
use crate::text::shorten;
use rayon::prelude::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::collections::HashSet as StdHashSet;
use std::ffi::{OsStr, OsString};
use std::sync::Arc;

/// Rendered bodies kept between links of one site (by `serve`), keyed by source path.
#[derive(Debug, Default)]
pub(crate) struct BodyCache {
    env: Option<LinkEnv>,
    entries: HashMap<OsString, CachedBody>,
    /// How many bodies the last link rendered rather than reused.
    pub rendered_last: usize,
}

/// What relative links resolved against when the cached bodies were rendered.
#[derive(Debug)]
struct LinkEnv {
    targets: Targets,
    statics: StdHashSet<String>,
    base: BaseUrl,
    raw_html: RawHtml,
    /// The entity names auto-linking looked for: a body is reused only under the same names.
    names: Arc<EntityNames>,
    /// The images body images were given variants from.
    images: Arc<crate::images::Catalog>,
}

#[derive(Debug)]
pub(super) struct CachedBody {
    source: Arc<str>,
    rendered: Arc<Rendered>,
    /// The source paths its relative links resolved against, found or not.
    deps: Vec<String>,
    /// A broken link's did-you-mean depends on every target, so any change re-renders it.
    broken: bool,
}

/// Bodies a link rendered, by source path, for the cache to keep.
pub(super) type Fresh = Vec<(OsString, CachedBody)>;

impl BodyCache {
    /// After a full link: keeps what it rendered and what links resolved against, and forgets
    /// files that are gone or left out.
    pub(super) fn keep(
        &mut self,
        fresh: Fresh,
        graph: &SiteGraph,
        targets: Targets,
        statics: &StdHashSet<String>,
        names: Arc<EntityNames>,
    ) {
        self.rendered_last = fresh.len();
        // Every item reused its entry: the entries are exactly the items, nothing to forget.
        let all_reused = fresh.is_empty() && self.entries.len() == graph.bodies().count();
        if !all_reused {
            let present: HashSet<&OsStr> =
                graph.bodies().map(|(o, ..)| o.rel.as_os_str()).collect();
            self.entries.retain(|k, _| present.contains(k.as_os_str()));
        }
        self.entries.extend(fresh);
        let old = self.env.replace(LinkEnv {
            targets,
            statics: statics.clone(),
            base: graph.base.clone(),
            raw_html: graph.config.markdown.raw_html,
            names,
            images: Arc::clone(&graph.images),
        });
        // Freeing the old index of every source path is not on the way to the next page.
        std::thread::spawn(move || drop(old));
    }

    /// After a patch: keeps what it rendered; every other entry still holds.
    pub(super) fn add(&mut self, fresh: Fresh) {
        self.rendered_last = fresh.len();
        self.entries.extend(fresh);
    }
}

/// Which cached bodies a link may reuse.
enum Reuse<'c> {
    Nothing,
    /// Bodies with the same text, unless they link to one of these source paths.
    Unless(&'c HashMap<OsString, CachedBody>, HashSet<String>),
}

impl Reuse<'_> {
    fn get(&self, rel: &OsStr, body: &Arc<str>) -> Option<Arc<Rendered>> {
        let Reuse::Unless(entries, changed) = self else {
            return None;
        };
        let e = entries.get(rel)?;
        let same_text = Arc::ptr_eq(&e.source, body) || *e.source == **body;
        let still_valid =
            changed.is_empty() || (!e.broken && !e.deps.iter().any(|d| changed.contains(d)));
        (same_text && still_valid).then(|| e.rendered.clone())
    }
}

/// Source paths whose link target differs between two environments (`static/...` for assets).
fn changed_targets(
    old: &LinkEnv,
    targets: &Targets,
    statics: &StdHashSet<String>,
) -> HashSet<String> {
    let mut changed: HashSet<String> = targets
        .iter()
        .filter(|(k, t)| old.targets.get(*k) != Some(t))
        .map(|(k, _)| k.clone())
        .collect();
    changed.extend(
        old.targets
            .keys()
            .filter(|k| !targets.contains_key(*k))
            .cloned(),
    );
    changed.extend(
        statics
            .symmetric_difference(&old.statics)
            .map(|s| format!("static/{s}")),
    );
    changed
}

/// A parsed item with a Markdown body.
pub(super) trait Source {
    fn origin(&self) -> &Origin;
    fn body(&self) -> &Arc<str>;
    fn body_mut(&mut self) -> &mut Arc<str>;
}

macro_rules! source {
    ($($t:ty),*) => {$(
        impl Source for $t {
            fn origin(&self) -> &Origin {
                &self.origin
            }
            fn body(&self) -> &Arc<str> {
                &self.body
            }
            fn body_mut(&mut self) -> &mut Arc<str> {
                &mut self.body
            }
        }
    )*};
}
source!(Article, Company, Model, Theme, Page);

/// Renders the bodies of one link: reuses what the cache allows, renders the rest in parallel,
/// and collects what the cache should keep.
pub(super) struct Bodies<'a> {
    ctx: RenderCtx<'a>,
    reuse: Reuse<'a>,
    /// A cache keeps what is rendered (serve). Without one (a build), each kind's Markdown sources
    /// are freed once rendered rather than held while every page is rendered.
    keep: bool,
    fresh: Fresh,
    empty: Arc<str>,
}

impl<'a> Bodies<'a> {
    /// For a full link. A kept cache is reused for every body whose text is the same and whose
    /// links resolve as before, as long as the entity names auto-linking looks for are the same.
    pub(super) fn for_link(
        cache: Option<&'a BodyCache>,
        links: Resolver<'a>,
        raw_html: RawHtml,
        names: &'a EntityNames,
    ) -> Self {
        let reuse = match cache {
            Some(BodyCache {
                env: Some(env),
                entries,
                ..
            }) if env.base == *links.base
                && env.raw_html == raw_html
                && env.names.key == names.key =>
            {
                let mut changed = changed_targets(env, links.targets, links.statics);
                // A body showing a replaced image file: its size (and so its HTML) may differ.
                changed.extend(links.images.changed_since(&env.images));
                Reuse::Unless(entries, changed)
            }
            _ => Reuse::Nothing,
        };
        let ctx = RenderCtx {
            links,
            raw_html,
            names,
        };
        Self::new(ctx, reuse, cache.is_some())
    }

    /// For serve's patch of `graph`: links resolve as in the cache's last link, bodies of the same
    /// text are reused. None if that link was not of this graph's base URL and Markdown settings.
    pub(super) fn for_patch(cache: &'a BodyCache, graph: &SiteGraph) -> Option<Self> {
        let env = cache.env.as_ref()?;
        if env.base != graph.base || env.raw_html != graph.config.markdown.raw_html {
            return None;
        }
        let ctx = RenderCtx {
            links: Resolver {
                targets: &env.targets,
                statics: &env.statics,
                base: &env.base,
                images: &env.images,
            },
            raw_html: env.raw_html,
            names: &env.names,
        };
        let reuse = Reuse::Unless(&cache.entries, HashSet::default());
        Some(Self::new(ctx, reuse, true))
    }

    fn new(ctx: RenderCtx<'a>, reuse: Reuse<'a>, keep: bool) -> Self {
        Bodies {
            ctx,
            reuse,
            keep,
            fresh: Vec::new(),
            empty: Arc::from(""),
        }
    }

    /// The bodies of one kind of item, paired with their items. `own` gives the entity key of the
    /// profile an item is (never auto-linked to itself).
    pub(super) fn render_kind<T: Source>(
        &mut self,
        mut items: Vec<Arc<T>>,
        own: impl Fn(usize) -> Option<usize>,
    ) -> std::iter::Zip<std::vec::IntoIter<Arc<T>>, std::vec::IntoIter<Arc<Rendered>>> {
        let sources: Vec<_> = items
            .iter()
            .enumerate()
            .map(|(i, x)| (x.origin(), x.body(), own(i)))
            .collect();
        let bodies = self.render(&sources);
        if !self.keep {
            for item in items.iter_mut() {
                if let Some(item) = Arc::get_mut(item) {
                    *item.body_mut() = self.empty.clone();
                }
            }
        }
        items.into_iter().zip(bodies)
    }

    /// Renders `sources` (origin, Markdown, own entity key) in order.
    pub(super) fn render(
        &mut self,
        sources: &[(&Origin, &Arc<str>, Option<usize>)],
    ) -> Vec<Arc<Rendered>> {
        // Reuse is a lookup: done in order. Only what must be rendered goes to the thread pool.
        let mut out: Vec<Option<Arc<Rendered>>> = sources
            .iter()
            .map(|(origin, text, _)| self.reuse.get(origin.rel.as_os_str(), text))
            .collect();
        let todo: Vec<usize> = (0..out.len()).filter(|&i| out[i].is_none()).collect();
        let (ctx, keep) = (&self.ctx, self.keep);
        let rendered: Vec<(usize, Arc<Rendered>, Option<CachedBody>)> = todo
            .into_par_iter()
            .map(|i| {
                let (origin, text, own) = sources[i];
                let (r, c) = ctx.render(origin, text, own, keep);
                (i, r, c)
            })
            .collect();
        for (i, r, c) in rendered {
            out[i] = Some(r);
            if let Some(c) = c {
                self.fresh
                    .push((sources[i].0.rel.clone().into_os_string(), c));
            }
        }
        out.into_iter().flatten().collect()
    }

    /// The link targets bodies were rendered against.
    pub(super) fn targets(&self) -> &'a Targets {
        self.ctx.links.targets
    }

    /// What was rendered rather than reused, for the cache.
    pub(super) fn into_fresh(self) -> Fresh {
        self.fresh
    }
}

struct RenderCtx<'a> {
    links: Resolver<'a>,
    raw_html: RawHtml,
    names: &'a EntityNames,
}

impl RenderCtx<'_> {
    /// Renders one body; with `keep`, also what a cache needs to know when it may reuse it.
    /// Entity names are found (and linked, as site.yaml says); `own` is the entity whose profile
    /// this is.
    fn render(
        &self,
        origin: &Origin,
        body: &Arc<str>,
        own: Option<usize>,
        keep: bool,
    ) -> (Arc<Rendered>, Option<CachedBody>) {
        let mut deps = Vec::new();
        let mut broken = false;
        let autolink = self.names.autolink(own);
        // "Did you mean" compares with every target: a file of a thousand broken links gets the
        // first few guesses, not a quadratic wait.
        let mut suggestions = SUGGESTIONS_PER_FILE;
        let resolve = &mut |dest: &str| {
            let (target, dep) = self.links.resolve(origin, dest, &mut suggestions);
            if keep {
                broken |= matches!(target, LinkTarget::Broken { .. });
                deps.extend(dep);
            }
            target
        };
        let mut rendered = markdown::render_with(body, self.raw_html, resolve, Some(&autolink));
        rendered.lede = shorten(&rendered.first_paragraph, 300);
        if keep {
            rendered.digest = digest(&rendered.html);
        }
        let rendered = Arc::new(rendered);
        let cached = keep.then(|| CachedBody {
            source: body.clone(),
            rendered: rendered.clone(),
            deps,
            broken,
        });
        (rendered, cached)
    }
}

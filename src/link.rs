//! Stage 3, link: one graph of the site. Checks every reference, gives every item its URL, renders
//! Markdown bodies with their links rewritten, and records who relates to whom.
//! Works on parsed content in memory; never reads files or writes output.

use crate::error::{did_you_mean, Diagnostic, Diagnostics};
use crate::markdown::{self, LinkTarget, Rendered};
use crate::model::*;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

/// `base_url` split into what links need: the full URL and its path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    /// `https://org.github.io/briefing/`, always ending in `/`.
    pub url: String,
    /// `/briefing/`, always starting and ending in `/`.
    pub path: String,
}

impl BaseUrl {
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        // Every link and feed id starts with this: characters that are not allowed in a URL
        // would end up in pages (quotes, angle brackets) or break them.
        if let Some(bad) = s
            .chars()
            .find(|c| c.is_whitespace() || c.is_control() || "\"<>\\^`{|}".contains(*c))
        {
            return Err(format!(
                "`{}` contains {bad:?}, which is not allowed in a URL",
                s.escape_debug()
            ));
        }
        let Some((scheme, rest)) = s.split_once("://") else {
            return Err(format!(
                "`{s}` is not an absolute URL: write it like https://org.github.io/briefing/"
            ));
        };
        if scheme != "http" && scheme != "https" {
            return Err(format!("`{s}` must start with https:// or http://"));
        }
        let (host, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        if host.is_empty() || host.contains(char::is_whitespace) {
            return Err(format!("`{s}` has no host name"));
        }
        if path.contains(['?', '#']) {
            return Err(format!("`{s}` may not carry a query or fragment"));
        }
        let path = if path.ends_with('/') {
            path.to_string()
        } else {
            format!("{path}/")
        };
        Ok(BaseUrl {
            url: format!("{scheme}://{host}{path}"),
            path,
        })
    }
    /// A site-relative URL (`articles/x/`) as a root-relative link (`/briefing/articles/x/`).
    pub fn link(&self, rel: &str) -> String {
        format!("{}{}", self.path, rel)
    }
    /// A site-relative URL as an absolute URL, for feeds and sitemaps.
    pub fn permalink(&self, rel: &str) -> String {
        format!("{}{}", self.url, rel)
    }
}

/// Which articles a build includes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Selection {
    /// Include drafts and articles in review (a preview build).
    pub drafts: bool,
}

impl Selection {
    pub fn includes(&self, a: &Article) -> bool {
        self.drafts || a.status == Status::Published
    }
}

#[derive(Debug)]
pub struct ArticleNode {
    pub article: Article,
    /// Site-relative URL, `articles/<slug>/`.
    pub url: String,
    pub body: Rendered,
    /// Front-matter summary, else the opening of the first paragraph.
    pub summary: String,
    pub companies: Vec<usize>,
    pub models: Vec<usize>,
    pub themes: Vec<usize>,
}

#[derive(Debug)]
pub struct CompanyNode {
    pub company: Company,
    pub url: String,
    pub profile: Rendered,
    pub models: Vec<usize>,
    /// Newest first.
    pub articles: Vec<usize>,
}

#[derive(Debug)]
pub struct ModelNode {
    pub model: Model,
    pub url: String,
    pub profile: Rendered,
    pub company: usize,
    pub articles: Vec<usize>,
}

#[derive(Debug)]
pub struct ThemeNode {
    pub theme: Theme,
    pub url: String,
    pub profile: Rendered,
    pub articles: Vec<usize>,
}

#[derive(Debug)]
pub struct PageNode {
    pub page: Page,
    pub url: String,
    pub body: Rendered,
}

/// The whole site, linked: every reference resolved to an index, every list in display order.
#[derive(Debug)]
pub struct SiteGraph {
    pub config: SiteConfig,
    pub base: BaseUrl,
    pub selection: Selection,
    /// Newest first.
    pub articles: Vec<ArticleNode>,
    /// By name.
    pub companies: Vec<CompanyNode>,
    pub models: Vec<ModelNode>,
    pub themes: Vec<ThemeNode>,
    pub pages: Vec<PageNode>,
}

/// Output paths the generator itself writes at the top level; pages may not take them.
pub const RESERVED_TOP: &[&str] = &[
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
];

/// "Did you mean" searches compare against every id or heading; a file with thousands of broken
/// links gets suggestions for its first few and a general hint for the rest.
const SUGGESTIONS_PER_FILE: usize = 20;

/// A content file as a link target.
struct Target {
    url: String,
    published: bool,
}

pub fn link(
    config: SiteConfig,
    base: BaseUrl,
    content: Content,
    statics: &HashSet<String>,
    selection: Selection,
    diags: &mut Diagnostics,
) -> SiteGraph {
    let Content {
        mut articles,
        companies,
        models,
        themes,
        pages,
    } = content;

    // URLs, and the index of source paths that Markdown links resolve against.
    let mut targets: HashMap<String, Target> = HashMap::new();
    let mut claimed: HashMap<String, PathBuf> = HashMap::new();
    // `slug` is the value to point at when the file sets one.
    let mut claim = |url: String, origin: &Origin, slug: &str, diags: &mut Diagnostics| {
        if let Some(first) = claimed.get(&url) {
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
        } else {
            claimed.insert(url, origin.rel.clone());
        }
    };
    for a in &articles {
        let url = format!("articles/{}/", a.slug);
        if selection.includes(a) {
            claim(url.clone(), &a.origin, &a.slug, diags);
        }
        targets.insert(
            display_path(&a.origin.rel),
            Target {
                url,
                published: selection.includes(a),
            },
        );
    }
    for (folder, list) in [
        (
            "companies",
            companies
                .iter()
                .map(|c| (&c.id, &c.origin))
                .collect::<Vec<_>>(),
        ),
        (
            "models",
            models.iter().map(|m| (&m.id, &m.origin)).collect(),
        ),
        (
            "themes",
            themes.iter().map(|t| (&t.id, &t.origin)).collect(),
        ),
    ] {
        for (id, origin) in list {
            let url = format!("{folder}/{id}/");
            claim(url.clone(), origin, id.as_str(), diags);
            targets.insert(
                display_path(&origin.rel),
                Target {
                    url,
                    published: true,
                },
            );
        }
    }
    for p in &pages {
        if RESERVED_TOP.contains(&p.slug.as_str()) {
            let (line, col) = p.origin.locate("slug", &p.slug).unwrap_or((1, 1));
            diags.push(
                Diagnostic::error(
                    &p.origin.rel,
                    format!("the page URL /{}/ is used by the site itself", p.slug),
                )
                .at(line, Some(col))
                .hint("rename the file or set another `slug:`"),
            );
        }
        let url = format!("{}/", p.slug);
        claim(url.clone(), &p.origin, &p.slug, diags);
        targets.insert(
            display_path(&p.origin.rel),
            Target {
                url,
                published: true,
            },
        );
    }

    let company_ix: HashMap<&str, usize> = index(companies.iter().map(|c| c.id.as_str()));
    let model_ix: HashMap<&str, usize> = index(models.iter().map(|m| m.id.as_str()));
    let theme_ix: HashMap<&str, usize> = index(themes.iter().map(|t| t.id.as_str()));

    articles.retain(|a| selection.includes(a));
    // Newest first; ties broken by title so the order never depends on the file system.
    articles.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.title.cmp(&b.title)));

    // References from articles and models.
    let resolve_refs = |origin: &Origin,
                        key: &str,
                        ids: &[EntityId],
                        ix: &HashMap<&str, usize>,
                        folder: &str,
                        diags: &mut Diagnostics| {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            match ix.get(id.as_str()) {
                Some(&i) if !out.contains(&i) => out.push(i),
                Some(_) => {}
                None => diags.push(unknown_id(origin, key, id.as_str(), ix, folder)),
            }
        }
        out
    };
    let mut refs = Vec::with_capacity(articles.len());
    for a in &articles {
        refs.push((
            resolve_refs(
                &a.origin,
                "companies",
                &a.companies,
                &company_ix,
                "companies",
                diags,
            ),
            resolve_refs(&a.origin, "models", &a.models, &model_ix, "models", diags),
            resolve_refs(&a.origin, "themes", &a.themes, &theme_ix, "themes", diags),
        ));
    }
    let model_company: Vec<usize> = models
        .iter()
        .map(|m| {
            resolve_refs(
                &m.origin,
                "company",
                std::slice::from_ref(&m.company),
                &company_ix,
                "companies",
                diags,
            )
            .first()
            .copied()
            .unwrap_or(usize::MAX)
        })
        .collect();

    // Bodies, rendered in parallel: the expensive part of the build.
    let ctx = RenderCtx {
        targets: &targets,
        statics,
        base: &base,
        raw_html: config.markdown.raw_html,
    };
    let mut article_nodes: Vec<ArticleNode> = articles
        .into_par_iter()
        .zip(refs.into_par_iter())
        .map(|(mut article, (companies, models, themes))| {
            let body = ctx.render(&article.origin, &std::mem::take(&mut article.body));
            let summary = article
                .summary
                .clone()
                .unwrap_or_else(|| shorten(&body.first_paragraph, 300));
            ArticleNode {
                url: format!("articles/{}/", article.slug),
                article,
                body,
                summary,
                companies,
                models,
                themes,
            }
        })
        .collect();
    let mut company_nodes: Vec<CompanyNode> = companies
        .into_par_iter()
        .map(|mut c| CompanyNode {
            profile: ctx.render(&c.origin, &std::mem::take(&mut c.body)),
            url: format!("companies/{}/", c.id),
            company: c,
            models: Vec::new(),
            articles: Vec::new(),
        })
        .collect();
    let mut model_nodes: Vec<ModelNode> = models
        .into_par_iter()
        .zip(model_company.into_par_iter())
        .map(|(mut m, company)| ModelNode {
            profile: ctx.render(&m.origin, &std::mem::take(&mut m.body)),
            url: format!("models/{}/", m.id),
            model: m,
            company,
            articles: Vec::new(),
        })
        .collect();
    let mut theme_nodes: Vec<ThemeNode> = themes
        .into_par_iter()
        .map(|mut t| ThemeNode {
            profile: ctx.render(&t.origin, &std::mem::take(&mut t.body)),
            url: format!("themes/{}/", t.id),
            theme: t,
            articles: Vec::new(),
        })
        .collect();
    let page_nodes: Vec<PageNode> = pages
        .into_par_iter()
        .map(|mut p| PageNode {
            body: ctx.render(&p.origin, &std::mem::take(&mut p.body)),
            url: format!("{}/", p.slug),
            page: p,
        })
        .collect();

    // Link problems and anchors, now that every body's headings are known.
    let anchors: HashMap<&str, &Vec<String>> = article_nodes
        .iter()
        .map(|n| (n.url.as_str(), &n.body.anchors))
        .chain(
            company_nodes
                .iter()
                .map(|n| (n.url.as_str(), &n.profile.anchors)),
        )
        .chain(
            model_nodes
                .iter()
                .map(|n| (n.url.as_str(), &n.profile.anchors)),
        )
        .chain(
            theme_nodes
                .iter()
                .map(|n| (n.url.as_str(), &n.profile.anchors)),
        )
        .chain(page_nodes.iter().map(|n| (n.url.as_str(), &n.body.anchors)))
        .collect();
    let anchor_sets: HashMap<&str, HashSet<&str>> = anchors
        .iter()
        .map(|(url, list)| (*url, list.iter().map(String::as_str).collect()))
        .collect();
    let mut report = |origin: &Origin, r: &Rendered, own_url: &str| {
        for p in &r.problems {
            diags.push(body_diag(origin, p.pos, &p.message, &p.hint));
        }
        let mut suggestions = SUGGESTIONS_PER_FILE;
        for (pos, dest) in &r.links {
            if let Some((url, frag)) = ctx.anchor_target(origin, dest, own_url) {
                if let Some(list) = anchors.get(url.as_str()) {
                    if !anchor_sets[url.as_str()].contains(frag) {
                        let mut d = body_diag(
                            origin,
                            *pos,
                            &format!("link to `{dest}`: there is no heading `#{frag}` there"),
                            "",
                        );
                        d.severity = crate::error::Severity::Warning;
                        let guess = (suggestions > 0)
                            .then(|| {
                                suggestions -= 1;
                                did_you_mean(frag, list.iter().map(String::as_str))
                            })
                            .flatten();
                        d.hint = Some(match guess {
                            Some(s) => format!("did you mean `#{s}`?"),
                            None => "anchors are made from headings: `## Market Outlook` is `#market-outlook`".into(),
                        });
                        diags.push(d);
                    }
                }
            }
        }
    };
    for n in &article_nodes {
        report(&n.article.origin, &n.body, &n.url);
    }
    for n in &company_nodes {
        report(&n.company.origin, &n.profile, &n.url);
    }
    for n in &model_nodes {
        report(&n.model.origin, &n.profile, &n.url);
    }
    for n in &theme_nodes {
        report(&n.theme.origin, &n.profile, &n.url);
    }
    for n in &page_nodes {
        report(&n.page.origin, &n.body, &n.url);
    }

    // Relations. Articles are already newest first, so every list built here is too.
    for (ai, a) in article_nodes.iter().enumerate() {
        for &c in &a.companies {
            company_nodes[c].articles.push(ai);
        }
        for &m in &a.models {
            model_nodes[m].articles.push(ai);
        }
        for &t in &a.themes {
            theme_nodes[t].articles.push(ai);
        }
    }
    for (mi, m) in model_nodes.iter().enumerate() {
        if let Some(c) = company_nodes.get_mut(m.company) {
            c.models.push(mi);
        }
    }
    // Lists of entities are shown by name; sort once and remap the indices that point into them.
    sort_entities(
        &mut company_nodes,
        |c| c.company.name.to_lowercase(),
        |order| {
            for a in article_nodes.iter_mut() {
                remap(&mut a.companies, order);
            }
            for m in model_nodes.iter_mut() {
                if m.company != usize::MAX {
                    m.company = order[m.company];
                }
            }
        },
    );
    sort_entities(
        &mut model_nodes,
        |m| m.model.name.to_lowercase(),
        |order| {
            for a in article_nodes.iter_mut() {
                remap(&mut a.models, order);
            }
            for c in company_nodes.iter_mut() {
                remap(&mut c.models, order);
            }
        },
    );
    sort_entities(
        &mut theme_nodes,
        |t| t.theme.name.to_lowercase(),
        |order| {
            for a in article_nodes.iter_mut() {
                remap(&mut a.themes, order);
            }
        },
    );
    for c in company_nodes.iter_mut() {
        // A company's models: newest release first, unreleased last.
        let models = &model_nodes;
        c.models.sort_by(|&a, &b| {
            models[b]
                .model
                .released
                .cmp(&models[a].model.released)
                .then(a.cmp(&b))
        });
    }
    let mut page_nodes = page_nodes;
    page_nodes.sort_by(|a, b| a.page.title.cmp(&b.page.title));

    SiteGraph {
        config,
        base,
        selection,
        articles: article_nodes,
        companies: company_nodes,
        models: model_nodes,
        themes: theme_nodes,
        pages: page_nodes,
    }
}

fn index<'a>(ids: impl Iterator<Item = &'a str>) -> HashMap<&'a str, usize> {
    ids.enumerate().map(|(i, id)| (id, i)).collect()
}

/// Sorts `nodes` by `key` and calls `fix` with old-index -> new-index.
fn sort_entities<T, K: Ord>(nodes: &mut Vec<T>, key: impl Fn(&T) -> K, fix: impl FnOnce(&[usize])) {
    let mut order: Vec<usize> = (0..nodes.len()).collect();
    order.sort_by_cached_key(|&i| key(&nodes[i]));
    let mut new_of_old = vec![0; nodes.len()];
    for (new, &old) in order.iter().enumerate() {
        new_of_old[old] = new;
    }
    let mut slots: Vec<Option<T>> = std::mem::take(nodes).into_iter().map(Some).collect();
    *nodes = order
        .iter()
        .map(|&old| slots[old].take().expect("each index once"))
        .collect();
    fix(&new_of_old);
}

fn remap(list: &mut [usize], new_of_old: &[usize]) {
    for i in list.iter_mut() {
        *i = new_of_old[*i];
    }
}

fn unknown_id(
    origin: &Origin,
    key: &str,
    id: &str,
    ix: &HashMap<&str, usize>,
    folder: &str,
) -> Diagnostic {
    let (line, col) = origin.locate(key, id).unwrap_or((origin.yaml_line, 1));
    let hint = match did_you_mean(id, ix.keys().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!("create content/{folder}/{id}.md, or use the id of an existing file in content/{folder}/"),
    };
    Diagnostic::error(
        &origin.rel,
        format!("unknown {} id `{id}` in `{key}`", singular(folder)),
    )
    .at(line, Some(col))
    .hint(hint)
}

fn singular(folder: &str) -> &str {
    match folder {
        "companies" => "company",
        "models" => "model",
        "themes" => "theme",
        other => other,
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

struct RenderCtx<'a> {
    targets: &'a HashMap<String, Target>,
    statics: &'a HashSet<String>,
    base: &'a BaseUrl,
    raw_html: RawHtml,
}

impl RenderCtx<'_> {
    fn render(&self, origin: &Origin, body: &str) -> Rendered {
        let mut suggestions = SUGGESTIONS_PER_FILE;
        markdown::render(body, self.raw_html, &mut |dest| {
            self.resolve(origin, dest, &mut suggestions)
        })
    }

    /// `suggestions` is how many more "did you mean" searches this file may have.
    fn resolve(&self, origin: &Origin, dest: &str, suggestions: &mut usize) -> LinkTarget {
        match classify(dest) {
            Dest::External | Dest::Fragment => LinkTarget::Keep,
            Dest::RootRelative => LinkTarget::Rewrite(self.base.link(dest.trim_start_matches('/'))),
            Dest::Relative { path, suffix } => {
                let Some(joined) = join(&origin.rel, path) else {
                    return LinkTarget::Broken {
                        message: format!("link to `{dest}` climbs out of the site"),
                        hint: "link to a file inside content/ or static/".into(),
                    };
                };
                if let Some(t) = self.targets.get(&joined) {
                    return if t.published {
                        LinkTarget::Rewrite(format!("{}{suffix}", self.base.link(&t.url)))
                    } else {
                        LinkTarget::Unlink
                    };
                }
                if let Some(asset) = joined.strip_prefix("static/") {
                    if self.statics.contains(asset) {
                        return LinkTarget::Rewrite(format!("{}{suffix}", self.base.link(asset)));
                    }
                }
                let guess = (*suggestions > 0)
                    .then(|| {
                        *suggestions -= 1;
                        did_you_mean(&joined, self.targets.keys().map(String::as_str))
                    })
                    .flatten();
                let hint = match guess {
                    Some(s) => format!("did you mean `{}`?", relative_from(&origin.rel, s)),
                    None if path.ends_with(".md") => "link to the source file of an article, company, model, theme or page, e.g. `../models/pangu.md`".into(),
                    None => "link to a .md file in content/ or a file in static/; root-relative links start with `/`".into(),
                };
                LinkTarget::Broken {
                    message: format!(
                        "link to `{dest}` points at nothing ({joined} does not exist)"
                    ),
                    hint,
                }
            }
        }
    }

    /// For a link with a `#fragment` to a page of this site: that page's URL and the fragment.
    fn anchor_target<'d>(
        &self,
        origin: &Origin,
        dest: &'d str,
        own_url: &str,
    ) -> Option<(String, &'d str)> {
        match classify(dest) {
            Dest::Fragment => Some((own_url.to_string(), dest.strip_prefix('#')?)),
            Dest::Relative { path, suffix } => {
                let frag = suffix.split_once('#')?.1;
                let t = self.targets.get(&join(&origin.rel, path)?)?;
                Some((t.url.clone(), &dest[dest.len() - frag.len()..]))
            }
            _ => None,
        }
    }
}

enum Dest<'a> {
    External,
    Fragment,
    RootRelative,
    /// A path and what follows it (`?query#fragment`).
    Relative {
        path: &'a str,
        suffix: &'a str,
    },
}

fn classify(dest: &str) -> Dest<'_> {
    if dest.is_empty() || dest.starts_with('#') {
        return Dest::Fragment;
    }
    if dest.starts_with("//") || has_scheme(dest) {
        return Dest::External;
    }
    if dest.starts_with('/') {
        return Dest::RootRelative;
    }
    let cut = dest.find(['?', '#']).unwrap_or(dest.len());
    Dest::Relative {
        path: &dest[..cut],
        suffix: &dest[cut..],
    }
}

fn has_scheme(s: &str) -> bool {
    match s.find(':') {
        Some(i) if i > 0 => {
            let scheme = &s[..i];
            scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        _ => false,
    }
}

/// `content/articles/a.md` + `../models/x.md` -> `content/models/x.md`; None if it leaves the root.
fn join(from: &Path, rel: &str) -> Option<String> {
    let rel = percent_decode(rel);
    let mut parts: Vec<String> = from
        .parent()
        .map(|p| {
            p.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    for c in Path::new(&rel).components() {
        match c {
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(parts.join("/"))
}

fn relative_from(from: &Path, target: &str) -> String {
    let from_dir: Vec<String> = from
        .parent()
        .map(|p| {
            p.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    let to: Vec<&str> = target.split('/').collect();
    let common = from_dir
        .iter()
        .zip(&to)
        .take_while(|(a, b)| a.as_str() == **b)
        .count();
    let mut out: Vec<&str> = std::iter::repeat_n("..", from_dir.len() - common).collect();
    out.extend(&to[common..]);
    out.join("/")
}

fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let hex = |b: u8| (b as char).to_digit(16);
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if let (Some(h), Some(l)) = (
                bytes.get(i + 1).and_then(|&b| hex(b)),
                bytes.get(i + 2).and_then(|&b| hex(b)),
            ) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// At most `max` chars, cut at a word boundary, with an ellipsis when cut.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max / 2 => &cut[..i],
        _ => &cut[..],
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_keeps_its_path() {
        let b = BaseUrl::parse("https://org.github.io/briefing").unwrap();
        assert_eq!(b.url, "https://org.github.io/briefing/");
        assert_eq!(b.path, "/briefing/");
        assert_eq!(b.link("articles/x/"), "/briefing/articles/x/");
        assert_eq!(BaseUrl::parse("https://example.com").unwrap().path, "/");
        assert!(BaseUrl::parse("example.com").is_err());
        assert!(BaseUrl::parse("ftp://example.com/").is_err());
        assert!(BaseUrl::parse("https://e.com\"><script>/").is_err());
        assert!(BaseUrl::parse("https://e.com/a b/").is_err());
    }

    #[test]
    fn joins_relative_paths_inside_the_root_only() {
        let from = Path::new("content/articles/a.md");
        assert_eq!(join(from, "../models/x.md").unwrap(), "content/models/x.md");
        assert_eq!(join(from, "b.md").unwrap(), "content/articles/b.md");
        assert_eq!(join(from, "./b%20c.md").unwrap(), "content/articles/b c.md");
        assert!(join(from, "../../../etc/passwd").is_none());
        assert_eq!(relative_from(from, "content/models/x.md"), "../models/x.md");
    }

    #[test]
    fn classifies_destinations() {
        assert!(matches!(classify("https://a.b"), Dest::External));
        assert!(matches!(classify("mailto:x@y"), Dest::External));
        assert!(matches!(classify("//cdn"), Dest::External));
        assert!(matches!(classify("#x"), Dest::Fragment));
        assert!(matches!(classify("/about/"), Dest::RootRelative));
        assert!(matches!(
            classify("a.md#p"),
            Dest::Relative {
                path: "a.md",
                suffix: "#p"
            }
        ));
    }

    #[test]
    fn shortens_at_words() {
        assert_eq!(shorten("one two three four", 9), "one two…");
        assert_eq!(shorten("short", 9), "short");
    }
}

//! Images: finds each lead image (`image:` in front matter), checks it from its header (it
//! exists, it is an image we read, it is not a decompression bomb, an SVG runs no script) and
//! plans its resized variants. Reads only; `process` makes the variants into the build's cache
//! (`.briefing-cache/images/`), and the write stage copies them out through the `Sink`.

mod bodies;
mod probe;
mod process;

pub(crate) use bodies::is_image_name;
pub(crate) use process::process;

use crate::error::{Diagnostic, Diagnostics};
use crate::model::{Article, Content, LeadImage};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// The widths (CSS pixels) variants are made at, never wider than the original. 1200 is the
/// share card's (`og:image`).
pub(crate) const WIDTHS: &[u32] = &[480, 960, 1200, 1600];
/// The `sizes` of every image: the column's width on wide screens, the screen's on narrow ones.
pub(crate) const SIZES: &str = "(min-width: 60rem) 44rem, 100vw";
/// The share card's width.
pub(crate) const SHARE_WIDTH: u32 = 1200;
/// Largest image decoded, in either direction (pixels): past it the file is refused from its header.
pub const MAX_SIDE: u32 = 12_000;
/// Largest image decoded, in pixels (a 8000 x 6000 photo is 48 M).
pub const MAX_PIXELS: u64 = 64_000_000;
/// Largest SVG read, in bytes.
pub const MAX_SVG_BYTES: u64 = 4 * 1024 * 1024;
/// Where the build keeps resized variants, under the site root.
pub(crate) const CACHE_DIR: &str = ".briefing-cache/images";

/// How an image is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Format {
    Png,
    Jpeg,
    Webp,
    Gif,
    /// Copied as it is, never resized.
    Svg,
}

impl Format {
    pub(crate) fn ext(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Jpeg => "jpg",
            Format::Webp => "webp",
            Format::Gif => "gif",
            Format::Svg => "svg",
        }
    }
    pub(crate) fn mime(self) -> &'static str {
        match self {
            Format::Png => "image/png",
            Format::Jpeg => "image/jpeg",
            Format::Webp => "image/webp",
            Format::Gif => "image/gif",
            Format::Svg => "image/svg+xml",
        }
    }
}

/// One resized copy of a source image.
#[derive(Debug, Clone)]
pub(crate) struct Variant {
    pub width: u32,
    pub height: u32,
    pub format: Format,
    /// Its path in the output (`img/lead-480w.webp`).
    pub out: String,
}

/// One source image, checked from its header.
#[derive(Debug, Clone)]
pub(crate) struct Source {
    /// Path on disk.
    pub abs: PathBuf,
    /// Path relative to the site root (`static/img/lead.png`), for messages.
    pub rel: String,
    /// Where the original is in the output (`img/lead.png`).
    pub out: String,
    /// Whether the original is copied by the static-file copy already (it is in `static/`).
    pub in_static: bool,
    pub width: u32,
    pub height: u32,
    pub format: Format,
    pub variants: Vec<Variant>,
    /// Tells a replaced file from the one surveyed before: its size, format, length and
    /// modification time (`serve` re-renders the bodies and pages that show it when this
    /// changes; its bytes are hashed only when variants are made).
    pub stamp: u64,
}

impl Source {
    /// The `srcset` of one format: each variant `url w`, then the original.
    pub(crate) fn srcset(&self, format: Format, link: &dyn Fn(&str) -> String) -> String {
        let mut parts: Vec<String> = self
            .variants
            .iter()
            .filter(|v| v.format == format)
            .map(|v| format!("{} {}w", link(&v.out), v.width))
            .collect();
        if format == self.format {
            parts.push(format!("{} {}w", link(&self.out), self.width));
        }
        parts.join(", ")
    }
    /// The variant used as the share card: 1200 px wide, else the original.
    pub(crate) fn share(&self) -> (&str, u32, u32) {
        self.variants
            .iter()
            .find(|v| v.width == SHARE_WIDTH && v.format == self.format)
            .map_or((&self.out, self.width, self.height), |v| {
                (&v.out, v.width, v.height)
            })
    }
}

/// Every image the site uses, by its path relative to the site root.
#[derive(Debug, Default)]
pub struct Catalog {
    pub(crate) sources: Vec<Source>,
    by_rel: HashMap<String, usize>,
}

impl Catalog {
    pub(crate) fn get(&self, rel: &str) -> Option<&Source> {
        self.by_rel.get(rel).map(|&i| &self.sources[i])
    }
    /// The source a lead image of the file at `md_rel` names, once surveyed.
    pub(crate) fn lead(&self, md_rel: &Path, image: &LeadImage) -> Option<&Source> {
        let rel = candidates(md_rel, &image.src)
            .into_iter()
            .find_map(|c| self.get(&c).map(|_| c))?;
        self.get(&rel)
    }
    /// The stamp of the lead image the file at `md_rel` names, 0 when it has none: part of its
    /// page's fingerprint, so a replaced image file re-renders the page though its Markdown did not
    /// change.
    pub(crate) fn lead_stamp(&self, md_rel: &Path, image: Option<&LeadImage>) -> u64 {
        image
            .and_then(|i| self.lead(md_rel, i))
            .map_or(0, |s| s.stamp)
    }
    /// The site-relative paths of images that differ from `old`'s (replaced, added or gone).
    pub(crate) fn changed_since<'a>(
        &'a self,
        old: &'a Catalog,
    ) -> impl Iterator<Item = String> + 'a {
        let stamp = |c: &Catalog, rel: &str| c.get(rel).map(|s| s.stamp);
        let new = (self.sources.iter())
            .filter(move |s| stamp(old, &s.rel) != Some(s.stamp))
            .map(|s| s.rel.clone());
        let gone = (old.sources.iter())
            .filter(move |s| self.get(&s.rel).is_none())
            .map(|s| s.rel.clone());
        new.chain(gone)
    }
    /// Whether every local image `article` names (lead and body) is surveyed here as it is on disk
    /// now. When not (an image added, renamed or replaced in the edit), `serve` links the whole site
    /// again instead of patching it, so that the image is checked and resized.
    pub(crate) fn covers(
        &self,
        root: &Path,
        statics: &HashSet<String>,
        includes: Includes<'_>,
        article: &std::sync::Arc<Article>,
    ) -> bool {
        let mut one = Content::default();
        one.articles.push(std::sync::Arc::clone(article));
        let mut diags = Diagnostics::new();
        let own = survey(root, &one, statics, includes, &mut diags);
        let same = |s: &Source| self.get(&s.rel).is_some_and(|k| k.stamp == s.stamp);
        !diags.has_errors() && own.sources.iter().all(same)
    }
    /// Output paths of every variant and every copied original, to check for clashes.
    pub(crate) fn outputs(&self) -> impl Iterator<Item = &str> {
        self.sources.iter().flat_map(|s| {
            s.variants
                .iter()
                .map(|v| v.out.as_str())
                .chain((!s.in_static).then_some(s.out.as_str()))
        })
    }
}

/// The site-relative paths `src` may mean in the file at `md_rel`, in the order tried: next to
/// the Markdown file, then in `static/`. None for a remote or escaping path.
fn candidates(md_rel: &Path, src: &str) -> Vec<String> {
    let src = src.trim();
    if src.contains("://") || src.starts_with("data:") || src.starts_with("//") {
        return Vec::new();
    }
    if src.split(['/', '\\']).any(|p| p == "..") {
        return Vec::new();
    }
    let dir = md_rel
        .parent()
        .map(|p| p.to_string_lossy().replace('\\', "/"));
    match src.strip_prefix('/') {
        Some(abs) => vec![format!("static/{abs}")],
        None => {
            let mut v = Vec::new();
            if let Some(dir) = dir.filter(|d| !d.is_empty()) {
                v.push(format!("{dir}/{src}"));
            }
            v.push(format!("static/{src}"));
            v
        }
    }
}

/// Which articles the build shows (`Selection::includes`, judged by the caller): only their images
/// are surveyed, so a published build never resizes, caches or publishes a draft's, an article
/// in review's or a scheduled one's.
pub(crate) type Includes<'a> = &'a (dyn Fn(&Article) -> bool + Sync);

/// Every lead image of the content the build shows, with the file that names it.
fn lead_images<'a>(content: &'a Content, includes: Includes<'_>) -> Vec<(&'a Path, &'a LeadImage)> {
    let mut v: Vec<(&Path, &LeadImage)> = Vec::new();
    v.extend(
        content
            .articles
            .iter()
            .filter(|a| includes(a))
            .filter_map(|a| Some((a.origin.rel.as_path(), a.image.as_ref()?))),
    );
    v.extend(
        content
            .companies
            .iter()
            .filter_map(|a| Some((a.origin.rel.as_path(), a.image.as_ref()?))),
    );
    v.extend(
        content
            .models
            .iter()
            .filter_map(|a| Some((a.origin.rel.as_path(), a.image.as_ref()?))),
    );
    v.extend(
        content
            .themes
            .iter()
            .filter_map(|a| Some((a.origin.rel.as_path(), a.image.as_ref()?))),
    );
    v
}

/// Finds and checks every lead image and body image of what the build shows (`includes`).
/// `statics` are the files of `static/` (relative to it). Problems (a missing file, with the nearest name; an unreadable header; a bomb; an SVG with
/// script) are errors at the `image:` line.
pub(crate) fn survey(
    root: &Path,
    content: &Content,
    statics: &HashSet<String>,
    includes: Includes<'_>,
    diags: &mut Diagnostics,
) -> Catalog {
    let mut catalog = Catalog::default();
    for (md, image) in lead_images(content, includes) {
        let tried = candidates(md, &image.src);
        let found = tried.iter().find(|c| match c.strip_prefix("static/") {
            Some(s) if statics.contains(s) => true,
            _ => root.join(c).is_file(),
        });
        let Some(rel) = found else {
            diags.push(missing(root, md, image, statics, tried.is_empty()));
            continue;
        };
        if catalog.by_rel.contains_key(rel) {
            continue;
        }
        catalog.add(root, rel, md, image.line, &image.src, diags);
    }
    for (md, line, rel) in bodies::body_images(root, content, statics, includes) {
        if !catalog.by_rel.contains_key(&rel) {
            catalog.add(root, &rel, &md, line, &rel, diags);
        }
    }
    catalog
}

impl Catalog {
    /// Probes the image at `rel`, named at `md:line` as `named`; a problem is an error there.
    fn add(
        &mut self,
        root: &Path,
        rel: &str,
        md: &Path,
        line: usize,
        named: &str,
        diags: &mut Diagnostics,
    ) {
        match probe::probe(root, rel) {
            Ok(source) => {
                self.by_rel.insert(rel.to_string(), self.sources.len());
                self.sources.push(source);
            }
            Err((message, hint)) => diags.push(
                Diagnostic::error(md, format!("image `{named}`: {message}"))
                    .at(line, None)
                    .hint(hint),
            ),
        }
    }
}

/// A lead image whose file is not there: the nearest file name in `static/` or beside the
/// Markdown file is suggested.
fn missing(
    root: &Path,
    md: &Path,
    image: &LeadImage,
    statics: &HashSet<String>,
    remote: bool,
) -> Diagnostic {
    let d = Diagnostic::error(md, format!("image `{}` not found", image.src)).at(image.line, None);
    if remote {
        return d.hint("a lead image must be a file of the site: put it in static/ and write its path there (img/x.png)");
    }
    let mut names: Vec<String> = statics.iter().cloned().collect();
    if let Some(dir) = md.parent() {
        if let Ok(entries) = std::fs::read_dir(root.join(dir)) {
            names.extend(
                entries
                    .flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| !n.ends_with(".md")),
            );
        }
    }
    names.sort();
    let wanted = image.src.trim().trim_start_matches('/');
    match crate::text::did_you_mean(wanted, names.iter().map(String::as_str)) {
        Some(near) => d.hint(format!("did you mean `{near}`?")),
        None => d.hint("put the file in static/ (src: img/x.png) or next to this Markdown file"),
    }
}

//! Images in Markdown bodies: which local files a body shows (`![alt](img/x.png)`, from
//! `static/` or next to the Markdown file), found before linking so that the link stage can give
//! each its `srcset` and size. Only bodies that contain `![` are parsed here, and only of what the
//! build shows.

use crate::model::{Content, Origin};
use crate::url::percent_decode_lossy;
use pulldown_cmark::{Event, Parser, Tag};
use std::collections::HashSet;
use std::path::Path;

/// Every body's local image files: (the Markdown file, 1-based line, site-relative path).
pub(super) fn body_images(
    root: &Path,
    content: &Content,
    statics: &HashSet<String>,
    includes: super::Includes<'_>,
) -> Vec<(std::path::PathBuf, usize, String)> {
    let mut bodies: Vec<(&Origin, &str)> = Vec::new();
    bodies.extend(
        content
            .articles
            .iter()
            .filter(|a| includes(a))
            .map(|a| (&a.origin, &*a.body)),
    );
    bodies.extend(content.companies.iter().map(|a| (&a.origin, &*a.body)));
    bodies.extend(content.models.iter().map(|a| (&a.origin, &*a.body)));
    bodies.extend(content.themes.iter().map(|a| (&a.origin, &*a.body)));
    bodies.extend(content.pages.iter().map(|a| (&a.origin, &*a.body)));
    let mut found = Vec::new();
    for (origin, body) in bodies.into_iter().filter(|(_, b)| b.contains("![")) {
        for (event, range) in Parser::new_ext(body, crate::markdown::options()).into_offset_iter() {
            let Event::Start(Tag::Image { dest_url, .. }) = event else {
                continue;
            };
            if let Some(rel) = local_image(root, &origin.rel, &dest_url, statics) {
                let line = origin.body_line + body[..range.start].matches('\n').count();
                found.push((origin.rel.clone(), line, rel));
            }
        }
    }
    found
}

/// The site-relative path of a body image's file (`static/img/x.png`,
/// `content/articles/x.png`), if `dest` names one that exists.
pub(crate) fn local_image(
    root: &Path,
    md: &Path,
    dest: &str,
    statics: &HashSet<String>,
) -> Option<String> {
    if dest.contains("://") || dest.starts_with("//") || dest.contains(['?', '#', ':']) {
        return None;
    }
    let rel = if let Some(abs) = dest.strip_prefix('/') {
        format!("static/{}", percent_decode_lossy(abs))
    } else {
        crate::url::join_source(md, &percent_decode_lossy(dest))?
    };
    if !is_image_name(&rel) {
        return None;
    }
    match rel.strip_prefix("static/") {
        Some(s) if statics.contains(s) => Some(rel),
        Some(_) => None,
        None if rel.starts_with("content/") && root.join(&rel).is_file() => Some(rel),
        None => None,
    }
}

/// Whether a file name is one of an image format briefing reads (by its extension).
pub(crate) fn is_image_name(rel: &str) -> bool {
    let lower = rel.to_ascii_lowercase();
    [".png", ".jpg", ".jpeg", ".webp", ".gif", ".svg"]
        .iter()
        .any(|e| lower.ends_with(e))
}

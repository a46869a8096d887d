//! Link resolution: what a Markdown link destination in a body becomes (kept, rewritten to a URL,
//! unlinked, or broken with a did-you-mean), and which page and heading a `#fragment` link means.
//! Pure lookups in the link targets; never renders, never reports.

use super::urls::Targets;
use super::BaseUrl;
use crate::markdown::LinkTarget;
use crate::model::Origin;
use crate::text::did_you_mean;
use crate::url::{has_scheme, percent_decode_lossy};
use std::collections::HashSet as StdHashSet;
use std::path::Path;

/// "Did you mean" searches compare against every id or heading; a file with thousands of broken
/// links gets suggestions for its first few and a general hint for the rest.
pub(super) const SUGGESTIONS_PER_FILE: usize = 20;

/// What relative and root-relative links resolve against.
pub(super) struct Resolver<'a> {
    pub(super) targets: &'a Targets,
    /// Files under `static/`, as paths relative to it.
    pub(super) statics: &'a StdHashSet<String>,
    pub(super) base: &'a BaseUrl,
    /// Local images with variants (`images::survey`): a body image of one gets its `srcset`.
    pub(super) images: &'a crate::images::Catalog,
}

impl Resolver<'_> {
    /// What a link destination becomes, and the source path it was looked up as (if any).
    /// `suggestions` is how many more "did you mean" searches this file may have.
    pub(super) fn resolve(
        &self,
        origin: &Origin,
        dest: &str,
        suggestions: &mut usize,
    ) -> (LinkTarget, Option<String>) {
        match classify(dest) {
            Dest::External | Dest::Fragment => (LinkTarget::Keep, None),
            Dest::RootRelative => {
                let rel = format!(
                    "static/{}",
                    percent_decode_lossy(dest.trim_start_matches('/'))
                );
                match self.images.get(&rel) {
                    // The body depends on the image's file: a replaced one re-renders it.
                    Some(image) => (picture(self.base, image), Some(rel)),
                    None => (
                        LinkTarget::Rewrite(self.base.link(dest.trim_start_matches('/'))),
                        None,
                    ),
                }
            }
            Dest::Relative { path, suffix } => {
                let Some(joined) = join(&origin.rel, path) else {
                    return (
                        LinkTarget::Broken {
                            message: format!("link to `{dest}` climbs out of the site"),
                            hint: "link to a file inside content/ or static/".into(),
                        },
                        None,
                    );
                };
                let target = self.resolve_joined(origin, dest, path, suffix, &joined, suggestions);
                (target, Some(joined))
            }
        }
    }

    fn resolve_joined(
        &self,
        origin: &Origin,
        dest: &str,
        path: &str,
        suffix: &str,
        joined: &str,
        suggestions: &mut usize,
    ) -> LinkTarget {
        if let Some(t) = self.targets.get(joined) {
            return if t.published {
                LinkTarget::Rewrite(format!("{}{suffix}", self.base.link(&t.url)))
            } else {
                LinkTarget::Unlink
            };
        }
        if let Some(image) = self.images.get(joined).filter(|_| suffix.is_empty()) {
            return picture(self.base, image);
        }
        if let Some(asset) = joined.strip_prefix("static/") {
            if self.statics.contains(asset) {
                return LinkTarget::Rewrite(format!("{}{suffix}", self.base.link(asset)));
            }
        }
        let guess = (*suggestions > 0)
            .then(|| {
                *suggestions -= 1;
                did_you_mean(joined, self.targets.keys().map(String::as_str))
            })
            .flatten();
        let hint = match guess {
            Some(s) => format!("did you mean `{}`?", relative_from(&origin.rel, s)),
            None if path.ends_with(".md") => "link to the source file of an article, company, model, theme or page, e.g. `../models/pangu.md`".into(),
            None => "link to a .md file in content/ or a file in static/; root-relative links start with `/`".into(),
        };
        LinkTarget::Broken {
            message: format!("link to `{dest}` points at nothing ({joined} does not exist)"),
            hint,
        }
    }
}

/// A body image with variants: a `<picture>` with a WebP `<source>` (when there are WebP
/// variants), `srcset` in the original's format, its size, lazy loading and async decoding.
fn picture(base: &BaseUrl, image: &crate::images::Source) -> LinkTarget {
    use crate::images::Format;
    use crate::text::escape_html;
    let link = |rel: &str| base.link(rel);
    let sizes = crate::images::SIZES;
    let webp = escape_html(&image.srcset(Format::Webp, &link));
    let (open, close) = match webp.is_empty() {
        true => (String::new(), String::new()),
        false => (
            format!("<picture><source type=\"image/webp\" srcset=\"{webp}\" sizes=\"{sizes}\">"),
            "</picture>".to_string(),
        ),
    };
    let mut attrs = String::new();
    if image.format != Format::Svg {
        let srcset = escape_html(&image.srcset(image.format, &link));
        attrs = format!(
            " srcset=\"{srcset}\" sizes=\"{sizes}\" width=\"{}\" height=\"{}\"",
            image.width, image.height
        );
    }
    attrs.push_str(" loading=\"lazy\" decoding=\"async\"");
    LinkTarget::Picture {
        src: link(&image.out),
        open,
        attrs,
        close,
    }
}

/// For a link with a `#fragment` to a page of this site: that page's URL and the fragment.
pub(super) fn anchor_target<'d>(
    targets: &Targets,
    origin: &Origin,
    dest: &'d str,
    own_url: &str,
) -> Option<(String, &'d str)> {
    match classify(dest) {
        Dest::Fragment => Some((own_url.to_string(), dest.strip_prefix('#')?)),
        Dest::Relative { path, suffix } => {
            let frag = suffix.split_once('#')?.1;
            let t = targets.get(&join(&origin.rel, path)?)?;
            Some((t.url.clone(), &dest[dest.len() - frag.len()..]))
        }
        _ => None,
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

/// `content/articles/a.md` + `../models/x.md` -> `content/models/x.md`; None if it leaves the root.
fn join(from: &Path, rel: &str) -> Option<String> {
    crate::url::join_source(from, &percent_decode_lossy(rel))
}

/// `target` (a source path) as a relative link from the file `from`.
fn relative_from(from: &Path, target: &str) -> String {
    let from_dir = crate::url::dir_parts(from);
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

#[cfg(test)]
mod tests {
    use super::*;

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
}

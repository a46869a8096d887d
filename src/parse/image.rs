//! The `image:` front-matter field shared by articles, companies, models and themes: its shape
//! and its alt text. Never looks at the disk: whether the file exists and is an image is
//! `crate::images`' job.

use super::front_matter::FrontMatter;
use crate::error::Diagnostic;
use crate::model::LeadImage;
use serde_yaml::Value;

/// The keys `image:` knows.
const KEYS: &[&str] = &["src", "alt", "credit", "caption", "decorative"];

/// Reads `image:`; problems go to `errors`, and an image with problems is dropped.
pub(super) fn lead_image(
    fm: &FrontMatter<'_>,
    value: Option<Value>,
    errors: &mut Vec<Diagnostic>,
) -> Option<LeadImage> {
    let value = value?;
    let line = fm.key_line("image");
    let err = |msg: &str, hint: &str| fm.error_at_key("image", msg, hint);
    let map = match value {
        Value::Mapping(m) => m,
        Value::String(s) => {
            errors.push(err(
                "`image:` needs alt text, so it is written as a map, not as a bare path",
                &format!("write `image: {{ src: {s}, alt: \"what the picture shows\" }}`"),
            ));
            return None;
        }
        _ => {
            errors.push(err(
                "`image:` must be a map: { src, alt, credit, caption }",
                "write `image: { src: img/lead.png, alt: \"what the picture shows\" }`",
            ));
            return None;
        }
    };
    let mut text = |key: &str| -> Option<String> {
        match map.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(_) => {
                errors.push(err(
                    &format!("`image.{key}` must be text"),
                    &format!("write `{key}: \"...\"`"),
                ));
                None
            }
        }
    };
    let src = text("src");
    let alt = text("alt");
    let credit = text("credit").filter(|s| !s.trim().is_empty());
    let caption = text("caption").filter(|s| !s.trim().is_empty());
    let decorative = matches!(map.get("decorative"), Some(Value::Bool(true)));
    unknown_keys(fm, &map, errors);
    let src = match src.filter(|s| !s.trim().is_empty()) {
        Some(s) => s,
        None => {
            errors.push(err(
                "`image:` has no `src`",
                "give the image's path: `src: img/lead.png` (in static/) or a file next to this one",
            ));
            return None;
        }
    };
    let alt = alt.unwrap_or_default();
    if alt.trim().is_empty() && !decorative {
        errors.push(err(
            "`image:` has no alt text: a reader who cannot see it gets nothing",
            "say what the picture shows: `alt: \"...\"`; for a purely decorative image write `alt: \"\"` and `decorative: true`",
        ));
        return None;
    }
    Some(LeadImage {
        src,
        alt,
        credit,
        caption,
        decorative,
        line,
    })
}

/// A key `image:` does not know is an error, with the known key it looks like.
fn unknown_keys(fm: &FrontMatter<'_>, map: &serde_yaml::Mapping, errors: &mut Vec<Diagnostic>) {
    for key in map.keys() {
        let Some(key) = key.as_str() else { continue };
        if KEYS.contains(&key) {
            continue;
        }
        let hint = match crate::text::did_you_mean(key, KEYS.iter().copied()) {
            Some(k) => format!("did you mean `{k}`?"),
            None => format!("`image:` knows {}", KEYS.join(", ")),
        };
        errors.push(fm.error_at_key(
            "image",
            &format!("`image:` has an unknown key `{key}`"),
            &hint,
        ));
    }
}

//! Checks one image from its header, without decoding it: its format, its size against
//! `MAX_SIDE`/`MAX_PIXELS` (a decompression bomb is refused before a pixel is read), an SVG's
//! script; and plans its variants. Reads at most the header (an SVG: at most `MAX_SVG_BYTES`).

use super::{Format, Source, Variant, MAX_PIXELS, MAX_SIDE, MAX_SVG_BYTES, WIDTHS};
use std::io::Read;
use std::path::Path;

type Problem = (String, String);

/// The source at `rel` (relative to `root`), checked and planned.
pub(super) fn probe(root: &Path, rel: &str) -> Result<Source, Problem> {
    let abs = root.join(rel);
    let (out, in_static) = match rel.strip_prefix("static/") {
        Some(s) => (s.to_string(), true),
        None => (
            format!("media/{}", rel.strip_prefix("content/").unwrap_or(rel)),
            false,
        ),
    };
    let mut source = Source {
        abs,
        rel: rel.to_string(),
        out,
        in_static,
        width: 0,
        height: 0,
        format: Format::Svg,
        variants: Vec::new(),
        stamp: 0,
    };
    if rel.to_ascii_lowercase().ends_with(".svg") {
        check_svg(&source.abs)?;
        source.stamp = stamp(&source);
        return Ok(source);
    }
    let (format, width, height) = header(&source.abs)?;
    if width > MAX_SIDE || height > MAX_SIDE || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err((
            format!("{width} x {height} pixels is larger than briefing decodes ({MAX_SIDE} px a side, {} megapixels)", MAX_PIXELS / 1_000_000),
            "scale it down before adding it (a lead image needs at most 2400 px)".into(),
        ));
    }
    source.format = format;
    source.width = width;
    source.height = height;
    source.variants = plan(&source.out, format, width, height);
    source.stamp = stamp(&source);
    Ok(source)
}

/// What tells this file from a replacement: its size and format as probed, its length and its
/// modification time (to the nanosecond where the file system keeps it).
fn stamp(s: &Source) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    (s.width, s.height, s.format).hash(&mut h);
    if let Ok(meta) = std::fs::metadata(&s.abs) {
        meta.len().hash(&mut h);
        meta.modified().ok().hash(&mut h);
    }
    h.finish()
}

/// The format and dimensions from the file's header.
fn header(abs: &Path) -> Result<(Format, u32, u32), Problem> {
    let unreadable = |why: String| {
        (
            format!("cannot be read as an image: {why}"),
            "save it again as PNG, JPEG, WebP or GIF (a truncated or renamed file gives this)"
                .to_string(),
        )
    };
    let reader = image::ImageReader::open(abs)
        .map_err(|e| unreadable(e.to_string()))?
        .with_guessed_format()
        .map_err(|e| unreadable(e.to_string()))?;
    let format = match reader.format() {
        Some(image::ImageFormat::Png) => Format::Png,
        Some(image::ImageFormat::Jpeg) => Format::Jpeg,
        Some(image::ImageFormat::WebP) => Format::Webp,
        Some(image::ImageFormat::Gif) => Format::Gif,
        Some(other) => {
            return Err(unreadable(format!(
                "{other:?} is not a format briefing resizes"
            )))
        }
        None => return Err(unreadable("not a PNG, JPEG, WebP or GIF file".into())),
    };
    let (w, h) = reader
        .into_dimensions()
        .map_err(|e| unreadable(e.to_string()))?;
    if w == 0 || h == 0 {
        return Err(unreadable("it has no pixels".into()));
    }
    Ok((format, w, h))
}

/// Variants at each of `WIDTHS` narrower than the original, in WebP and in the original's
/// format (a GIF's are PNG: its animation is not kept in a resized copy).
fn plan(out: &str, format: Format, width: u32, height: u32) -> Vec<Variant> {
    let stem = out.rsplit_once('.').map_or(out, |(s, _)| s);
    let second = match format {
        Format::Gif => Format::Png,
        f => f,
    };
    let mut v = Vec::new();
    for &w in WIDTHS.iter().filter(|&&w| w < width) {
        let h = ((u64::from(height) * u64::from(w) + u64::from(width) / 2) / u64::from(width))
            .max(1) as u32;
        for f in [Format::Webp, second] {
            if v.iter().any(|x: &Variant| x.width == w && x.format == f) {
                continue;
            }
            v.push(Variant {
                width: w,
                height: h,
                format: f,
                out: format!("{stem}-{w}w.{}", f.ext()),
            });
        }
    }
    v
}

/// An SVG is copied as it is, so it must not run script: `<script` and `on...=` handlers
/// (`onload=`) are refused.
fn check_svg(abs: &Path) -> Result<(), Problem> {
    let mut text = String::new();
    std::fs::File::open(abs)
        .and_then(|f| f.take(MAX_SVG_BYTES + 1).read_to_string(&mut text))
        .map_err(|e| {
            (
                format!("cannot be read: {e}"),
                "save it again as UTF-8 SVG".to_string(),
            )
        })?;
    if text.len() as u64 > MAX_SVG_BYTES {
        return Err((
            format!("SVG larger than {} MB", MAX_SVG_BYTES / 1024 / 1024),
            "simplify it, or export it as PNG".into(),
        ));
    }
    let lower = text.to_ascii_lowercase();
    let handler = lower.match_indices("on").any(|(i, _)| {
        let before = lower[..i].chars().next_back();
        let rest = &lower[i + 2..];
        let name_len = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
        before.is_some_and(|c| c.is_ascii_whitespace() || c == '/' || c == '"' || c == '\'')
            && name_len > 0
            && rest[name_len..].trim_start().starts_with('=')
    });
    if lower.contains("<script") || handler || lower.contains("javascript:") {
        return Err((
            "SVG contains script (<script>, an on...= handler or a javascript: link), which would run on the site".into(),
            "remove the script from the SVG, or export it as PNG".into(),
        ));
    }
    Ok(())
}

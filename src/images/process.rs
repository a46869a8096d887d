//! Makes each source image's variants: decoded once (under `image::Limits`), resized, encoded,
//! and kept in the build's cache, keyed by the source bytes' hash and the variant's size and
//! format, so a rebuild resizes only what changed. Writes only inside the cache folder.

use super::{Catalog, Format, Source, Variant, CACHE_DIR, MAX_PIXELS, MAX_SIDE};
use crate::error::{Diagnostic, Diagnostics};
use image::{DynamicImage, ImageFormat};
use rayon::prelude::*;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Changes whenever variants come out differently (filter, quality, encoder), so that old cache
/// entries are never served as new ones.
const RECIPE: &str = "v2-triangle-q82-webp-q80-flat256";
const JPEG_QUALITY: u8 = 82;
/// Lossy WebP quality (libwebp's scale, 0-100): at 80 a photo's WebP is smaller than its JPEG at
/// `JPEG_QUALITY` (README, design notes, has the measured sizes).
const WEBP_QUALITY: f32 = 80.0;

/// What `process` did: the files to copy into the output, and how much work it took.
#[derive(Debug, Default)]
pub(crate) struct Processed {
    /// (output path, file on disk): each variant from the cache, each original not in `static/`.
    pub files: Vec<(String, PathBuf)>,
    /// Variants made by this build.
    pub resized: usize,
    /// Variants found in the cache.
    pub reused: usize,
    pub elapsed: Duration,
}

/// Makes or finds every variant of `catalog`. Errors (a file that does not decode) name the image.
pub(crate) fn process(root: &Path, catalog: &Catalog) -> Result<Processed, Diagnostics> {
    let started = Instant::now();
    let cache = root.join(CACHE_DIR);
    let resized = AtomicUsize::new(0);
    let reused = AtomicUsize::new(0);
    let results: Vec<Result<Vec<(String, PathBuf)>, Diagnostic>> = catalog
        .sources
        .par_iter()
        .map(|s| {
            let files = variants(&cache, s, &resized, &reused)?;
            let original = (!s.in_static).then(|| (s.out.clone(), s.abs.clone()));
            Ok(files.into_iter().chain(original).collect())
        })
        .collect();
    let mut out = Processed::default();
    let mut diags = Diagnostics::new();
    for r in results {
        match r {
            Ok(files) => out.files.extend(files),
            Err(d) => diags.push(d),
        }
    }
    if diags.has_errors() {
        diags.sort();
        return Err(diags);
    }
    out.resized = resized.into_inner();
    out.reused = reused.into_inner();
    out.elapsed = started.elapsed();
    Ok(out)
}

/// The cache files of one source's variants, made if missing (the source decoded once for all).
fn variants(
    cache: &Path,
    s: &Source,
    resized: &AtomicUsize,
    reused: &AtomicUsize,
) -> Result<Vec<(String, PathBuf)>, Diagnostic> {
    if s.variants.is_empty() {
        return Ok(Vec::new());
    }
    let fail = |why: String| {
        Diagnostic::error(&s.rel, format!("this image cannot be decoded: {why}"))
            .hint("save it again as PNG, JPEG, WebP or GIF (a truncated file gives this)")
    };
    let bytes = std::fs::read(&s.abs).map_err(|e| fail(e.to_string()))?;
    let key = fnv(&bytes);
    let paths: Vec<PathBuf> = s
        .variants
        .iter()
        .map(|v| {
            cache.join(format!(
                "{key:016x}-{}x{}.{}",
                v.width,
                v.height,
                v.format.ext()
            ))
        })
        .collect();
    let missing: Vec<usize> = (0..paths.len()).filter(|&i| !paths[i].is_file()).collect();
    reused.fetch_add(paths.len() - missing.len(), Ordering::Relaxed);
    if !missing.is_empty() {
        let img = decode(&bytes).map_err(fail)?;
        prepare_cache(cache)
            .map_err(|e| fail(format!("cannot write the cache {}: {e}", cache.display())))?;
        for &i in &missing {
            let encoded = resize(&img, &s.variants[i], s.format).map_err(fail)?;
            store(&paths[i], &encoded).map_err(|e| fail(format!("cannot write the cache: {e}")))?;
            resized.fetch_add(1, Ordering::Relaxed);
        }
    }
    Ok(s.variants
        .iter()
        .map(|v| v.out.clone())
        .zip(paths)
        .collect())
}

/// Decodes under limits: dimensions past `MAX_SIDE` or an allocation past what `MAX_PIXELS`
/// RGBA pixels of 16 bits need are refused before decoding.
fn decode(bytes: &[u8]) -> Result<DynamicImage, String> {
    let mut reader = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_PIXELS * 8);
    reader.limits(limits);
    reader.decode().map_err(|e| e.to_string())
}

/// One variant of a `source`-format image, encoded.
fn resize(img: &DynamicImage, v: &Variant, source: Format) -> Result<Vec<u8>, String> {
    let small = img.resize_exact(v.width, v.height, image::imageops::FilterType::Triangle);
    let small = if small.color().has_alpha() {
        DynamicImage::ImageRgba8(small.to_rgba8())
    } else {
        DynamicImage::ImageRgb8(small.to_rgb8())
    };
    let mut buf = Cursor::new(Vec::new());
    let result = match v.format {
        Format::Webp => return webp(&small, source),
        Format::Jpeg => {
            let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut buf, JPEG_QUALITY);
            DynamicImage::ImageRgb8(small.to_rgb8()).write_with_encoder(enc)
        }
        Format::Png => small.write_to(&mut buf, ImageFormat::Png),
        Format::Gif | Format::Svg => return Err("no variants are made in this format".into()),
    };
    result.map_err(|e| e.to_string())?;
    Ok(buf.into_inner())
}

/// A WebP variant (`img` is RGB8 or RGBA8). A photo (a JPEG source, or any image of more than
/// `FLAT_COLOURS` colours) is lossy; a chart, diagram or flat screenshot (few colours) lossless,
/// sharp and usually smaller. Trying both and keeping the smaller costs a lossless encode of every
/// photo, 5-9x slower than the lossy one (README, design notes).
fn webp(img: &DynamicImage, source: Format) -> Result<Vec<u8>, String> {
    let (encoder, flat) = match img {
        DynamicImage::ImageRgba8(rgba) => (
            webp::Encoder::from_rgba(rgba, img.width(), img.height()),
            few_colours(rgba.pixels().map(|p| p.0)),
        ),
        DynamicImage::ImageRgb8(rgb) => (
            webp::Encoder::from_rgb(rgb, img.width(), img.height()),
            few_colours(rgb.pixels().map(|p| [p[0], p[1], p[2], 255])),
        ),
        _ => return Err("WebP is made from 8-bit RGB or RGBA".into()),
    };
    let lossless = source != Format::Jpeg && flat;
    (encoder.encode_simple(lossless, WEBP_QUALITY))
        .map(|m| m.to_vec())
        .map_err(|e| format!("WebP encoding failed: {e:?}"))
}

/// At most this many distinct colours: an image drawn, not photographed.
const FLAT_COLOURS: usize = 256;

/// Whether `pixels` hold at most `FLAT_COLOURS` colours; stops at the first one past it, so a
/// photo costs a few hundred pixels.
fn few_colours(pixels: impl Iterator<Item = [u8; 4]>) -> bool {
    let mut seen = rustc_hash::FxHashSet::default();
    for p in pixels {
        if seen.insert(p) && seen.len() > FLAT_COLOURS {
            return false;
        }
    }
    true
}

/// The cache folder, with a .gitignore so that it is never committed.
fn prepare_cache(cache: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(cache)?;
    let top = cache.parent().unwrap_or(cache);
    let ignore = top.join(".gitignore");
    if !ignore.exists() {
        std::fs::write(
            ignore,
            "# Made by briefing: resized images, safe to delete.\n*\n",
        )?;
    }
    Ok(())
}

/// Writes `bytes` at `path` through a temporary name, so that a killed build never leaves a
/// half-written variant under the real name.
fn store(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    // Two sources with the same bytes make the same variant at once, on two threads: each writes
    // its own temporary.
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let tmp = path.with_extension(format!("tmp{}-{n}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// FNV-1a, 64 bits: the same on every platform and release, unlike std's hasher.
fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ fnv_str(RECIPE);
    for &b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn fnv_str(s: &str) -> u64 {
    s.bytes().fold(0, |h: u64, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The WebP chunk inside a RIFF file: `VP8 ` (lossy) or `VP8L` (lossless).
    fn chunk(webp: &[u8]) -> &str {
        std::str::from_utf8(&webp[12..16]).unwrap()
    }

    /// Busy, photo-like pixels: every one differs from its neighbours.
    fn busy(w: u32, h: u32) -> DynamicImage {
        DynamicImage::ImageRgb8(image::RgbImage::from_fn(w, h, |x, y| {
            // splitmix64 of the position: noise, as fine detail in a photo is to an encoder.
            let mut z = (u64::from(y) << 32 | u64::from(x)).wrapping_add(0x9e37_79b9_7f4a_7c15);
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            let [r, g, b, ..] = (z ^ (z >> 31)).to_le_bytes();
            image::Rgb([r, g, b])
        }))
    }

    /// Two flat colours, as a chart or a screenshot has.
    fn flat(w: u32, h: u32) -> DynamicImage {
        DynamicImage::ImageRgb8(image::RgbImage::from_fn(w, h, |x, _| {
            image::Rgb(if x < w / 2 {
                [255, 255, 255]
            } else {
                [200, 40, 40]
            })
        }))
    }

    #[test]
    fn webp_is_lossy_for_photos_and_lossless_for_drawings() {
        assert_eq!(chunk(&webp(&busy(300, 200), Format::Jpeg).unwrap()), "VP8 ");
        assert_eq!(chunk(&webp(&flat(300, 200), Format::Jpeg).unwrap()), "VP8 ");
        // A chart (few colours) is lossless unless it came as a JPEG; busy pixels are lossy.
        assert_eq!(chunk(&webp(&flat(300, 200), Format::Png).unwrap()), "VP8L");
        assert_eq!(chunk(&webp(&busy(300, 200), Format::Png).unwrap()), "VP8 ");
        let colours = |n: u32| (0..n).map(|i| [(i % 256) as u8, (i / 256) as u8, 0, 255]);
        assert!(few_colours(colours(256).chain(colours(256))));
        assert!(!few_colours(colours(257)));
        // With transparency too, and every variant decodes at its size.
        let rgba = DynamicImage::ImageRgba8(flat(40, 30).to_rgba8());
        let back = image::load_from_memory(&webp(&rgba, Format::Png).unwrap()).unwrap();
        assert_eq!((back.width(), back.height()), (40, 30));
    }
}

//! The site card: the default share image (1200x630 PNG) that link previews show for any page
//! without an image of its own, drawn from the site's title alone with one embedded open-licence
//! face (DejaVu Serif Bold, `fonts/LICENSE-DejaVu.txt`). Pure: the same title gives the same bytes;
//! the write stage puts them in the output like any other file.

use super::meta::{SHARE_HEIGHT, SHARE_WIDTH};
use ab_glyph::{Font, FontRef, PxScale, ScaleFont};

const FACE: &[u8] = include_bytes!("fonts/DejaVuSerif-Bold.ttf");
/// The theme's light colours (`briefing.css`): paper, ink and the accent.
const PAPER: [u8; 3] = [0xfb, 0xfa, 0xf7];
const INK: [u8; 3] = [0x1d, 0x1d, 0x1f];
const ACCENT: [u8; 3] = [0x9b, 0x29, 0x15];
/// Left and right margin, and the most lines the title may take.
const MARGIN: f32 = 96.0;
const MAX_LINES: usize = 3;

/// The PNG bytes of the site card for `title`.
pub(crate) fn site_card(title: &str) -> Vec<u8> {
    let (w, h) = (SHARE_WIDTH as usize, SHARE_HEIGHT as usize);
    let mut px = vec![PAPER; w * h];
    fill(&mut px, w, (0, 0, w, 18), ACCENT);
    fill(&mut px, w, (MARGIN as usize, 150, 44, 44), ACCENT);
    fill(
        &mut px,
        w,
        (MARGIN as usize, h - 96, w - 2 * MARGIN as usize, 3),
        INK,
    );
    let font = FontRef::try_from_slice(FACE).expect("the embedded face parses");
    let (size, lines) = fit(&font, title.trim(), w as f32 - 2.0 * MARGIN);
    let scaled = font.as_scaled(PxScale::from(size));
    let line_height = size * 1.12;
    let mut baseline = 250.0 + scaled.ascent();
    for line in &lines {
        draw_line(&mut px, (w, h), &font, size, line, (MARGIN, baseline));
        baseline += line_height;
    }
    encode(&px, w, h)
}

/// The largest size (from 112 px down to 40) at which `title` wraps into at most `MAX_LINES`
/// lines of `width`, and those lines.
fn fit(font: &FontRef<'_>, title: &str, width: f32) -> (f32, Vec<String>) {
    let mut size = 112.0;
    loop {
        let lines = wrap(font, size, title, width);
        if (lines.len() <= MAX_LINES && lines.iter().all(|l| advance(font, size, l) <= width))
            || size <= 40.0
        {
            return (size, lines.into_iter().take(MAX_LINES).collect());
        }
        size -= 8.0;
    }
}

/// Greedy wrapping at spaces.
fn wrap(font: &FontRef<'_>, size: f32, text: &str, width: f32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if !line.is_empty() && advance(font, size, &candidate) > width {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The width of `text` at `size`, with kerning.
fn advance(font: &FontRef<'_>, size: f32, text: &str) -> f32 {
    let f = font.as_scaled(PxScale::from(size));
    let mut x = 0.0;
    let mut prev = None;
    for c in text.chars() {
        let id = f.glyph_id(c);
        if let Some(p) = prev {
            x += f.kern(p, id);
        }
        x += f.h_advance(id);
        prev = Some(id);
    }
    x
}

/// Draws one line of text in ink with its baseline at `origin`; characters the face lacks are
/// left out rather than drawn as boxes.
fn draw_line(
    px: &mut [[u8; 3]],
    (w, h): (usize, usize),
    font: &FontRef<'_>,
    size: f32,
    text: &str,
    origin: (f32, f32),
) {
    let f = font.as_scaled(PxScale::from(size));
    let mut x = origin.0;
    let mut prev = None;
    for c in text.chars() {
        let id = f.glyph_id(c);
        if let Some(p) = prev {
            x += f.kern(p, id);
        }
        prev = Some(id);
        if id.0 != 0 {
            let glyph = id.with_scale_and_position(size, ab_glyph::point(x, origin.1));
            if let Some(outline) = font.outline_glyph(glyph) {
                let b = outline.px_bounds();
                outline.draw(|gx, gy, cover| {
                    let (x, y) = (b.min.x as i64 + gx as i64, b.min.y as i64 + gy as i64);
                    if (0..w as i64).contains(&x) && (0..h as i64).contains(&y) {
                        let p = &mut px[y as usize * w + x as usize];
                        *p = blend(*p, INK, cover);
                    }
                });
            }
        }
        x += f.h_advance(id);
    }
}

fn blend(under: [u8; 3], over: [u8; 3], cover: f32) -> [u8; 3] {
    let a = cover.clamp(0.0, 1.0);
    let mix = |u: u8, o: u8| (u as f32 + (o as f32 - u as f32) * a).round() as u8;
    [
        mix(under[0], over[0]),
        mix(under[1], over[1]),
        mix(under[2], over[2]),
    ]
}

/// Fills the rectangle `(x, y, width, height)`.
fn fill(px: &mut [[u8; 3]], w: usize, (x, y, rw, rh): (usize, usize, usize, usize), c: [u8; 3]) {
    for row in y..y + rh {
        px[row * w + x..row * w + x + rw].fill(c);
    }
}

fn encode(px: &[[u8; 3]], w: usize, h: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w as u32, h as u32);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    let mut writer = enc.write_header().expect("writing to memory");
    writer
        .write_image_data(px.as_flattened())
        .expect("writing to memory");
    writer.finish().expect("writing to memory");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_card_is_a_1200_by_630_png_and_the_same_title_gives_the_same_bytes() {
        let a = site_card("AI Industry Briefing");
        assert_eq!(&a[..8], b"\x89PNG\r\n\x1a\n");
        // IHDR: width and height, big-endian, right after the chunk's length and type.
        assert_eq!(u32::from_be_bytes(a[16..20].try_into().unwrap()), 1200);
        assert_eq!(u32::from_be_bytes(a[20..24].try_into().unwrap()), 630);
        assert_eq!(a, site_card("AI Industry Briefing"));
        assert_ne!(a, site_card("Another Briefing"));
    }

    #[test]
    fn a_long_title_shrinks_to_fit_three_lines() {
        let font = FontRef::try_from_slice(FACE).unwrap();
        let title = "A very long site title that goes on and on about the industry it covers";
        let (size, lines) = fit(&font, title, 1008.0);
        assert!(size < 112.0);
        assert!(lines.len() <= MAX_LINES);
    }
}

//! Lead images: responsive variants with their size, a cache that makes a rebuild resize
//! nothing, share cards, and every bad image refused with the previous output left as it was.

use crate::support::{list_files, SiteTest};
use std::collections::BTreeMap;
use std::fs;
use std::io::Cursor;

/// A PNG of `w` x `h` with a gradient (so that resizing has something to do).
pub fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut buf = Cursor::new(Vec::new());
    img.write_to(&mut buf, image::ImageFormat::Png).unwrap();
    buf.into_inner()
}

/// A small PNG whose header says `w` x `h`: a decompression bomb's header, without its bytes.
fn png_claiming(w: u32, h: u32) -> Vec<u8> {
    let mut bytes = png(4, 4);
    // Signature (8), then the IHDR chunk: length (4), type (4), width (4), height (4), ...
    bytes[16..20].copy_from_slice(&w.to_be_bytes());
    bytes[20..24].copy_from_slice(&h.to_be_bytes());
    let crc = crc32(&bytes[12..29]);
    bytes[29..33].copy_from_slice(&crc.to_be_bytes());
    bytes
}

fn crc32(data: &[u8]) -> u32 {
    let mut c = 0xffff_ffffu32;
    for &b in data {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 == 1 {
                0xedb8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
    }
    !c
}

const ARTICLE: &str = "---\ntitle: Lead Story\ndate: 2023-09-25\nsummary: With a picture.\nimage:\n  src: img/lead.png\n  alt: A chart of GPU prices\n  credit: Desk\n---\nBody.\n";

/// A site with a 2400x1600 lead image in static/.
fn site() -> SiteTest {
    let t = SiteTest::new().file("content/articles/lead.md", ARTICLE);
    t.write("static/img/lead.png", png(2400, 1600));
    t
}

fn img_tag(html: &str) -> &str {
    let at = html.find("<img ").expect("an <img>");
    &html[at..at + html[at..].find('>').unwrap()]
}

fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let at = tag.find(&key)? + key.len();
    Some(&tag[at..at + tag[at..].find('"')?])
}

/// (resized, reused) from the build's summary line.
fn counts(stdout: &str) -> (usize, usize) {
    let at = stdout.find("images: ").expect("the build reports images") + 8;
    let words: Vec<&str> = stdout[at..].split_whitespace().collect();
    (words[0].parse().unwrap(), words[2].parse().unwrap())
}

/// Every output file's bytes.
fn snapshot(t: &SiteTest) -> BTreeMap<String, Vec<u8>> {
    list_files(&t.public())
        .into_iter()
        .map(|f| {
            let bytes = fs::read(t.public().join(&f)).unwrap();
            (f, bytes)
        })
        .collect()
}

#[test]
fn lead_image_has_srcset_size_and_share_card() {
    let t = site();
    t.build().assert_ok();
    let html = t.read("articles/lead/index.html");
    let tag = img_tag(&html);
    let srcset = attr(tag, "srcset").expect("srcset");
    let widths: Vec<&str> = srcset
        .split(", ")
        .map(|c| c.rsplit(' ').next().unwrap())
        .collect();
    assert!(widths.len() >= 2, "{srcset}");
    assert!(
        widths.contains(&"480w") && widths.contains(&"2400w"),
        "{srcset}"
    );
    assert_eq!(attr(tag, "width"), Some("2400"));
    assert_eq!(attr(tag, "height"), Some("1600"));
    assert!(attr(tag, "sizes").is_some());
    assert_eq!(attr(tag, "decoding"), Some("async"));
    // The lead image is above the fold: never lazy.
    assert_eq!(attr(tag, "loading"), None, "{tag}");
    assert!(html.contains("type=\"image/webp\""), "a WebP <source>");
    // Every variant in the srcset exists and is as wide as it says.
    for cand in srcset.split(", ") {
        let (url, w) = cand.split_once(' ').unwrap();
        let bytes = fs::read(t.public().join(url.trim_start_matches('/'))).unwrap();
        let img = image::load_from_memory(&bytes).unwrap();
        assert_eq!(format!("{}w", img.width()), w, "{url}");
    }
    let webp =
        image::load_from_memory(&fs::read(t.public().join("img/lead-960w.webp")).unwrap()).unwrap();
    assert_eq!((webp.width(), webp.height()), (960, 640));
    assert!(
        html.contains(
            "<meta property=\"og:image\" content=\"https://example.com/img/lead-1200w.png\">"
        ),
        "{html}"
    );
    assert!(html.contains(
        "<meta name=\"twitter:image\" content=\"https://example.com/img/lead-1200w.png\">"
    ));
    assert!(html.contains("<meta property=\"og:image:width\" content=\"1200\">"));
    assert!(html.contains("<meta property=\"og:image:height\" content=\"800\">"));
    assert!(html.contains("<meta property=\"og:image:alt\" content=\"A chart of GPU prices\">"));
}

#[test]
fn a_page_without_a_lead_image_shares_the_site_card() {
    let t = site().file(
        "content/articles/plain.md",
        "---\ntitle: Plain\ndate: 2023-09-26\n---\nNo picture.\n",
    );
    t.build().assert_ok();
    let html = t.read("articles/plain/index.html");
    let card = "https://example.com/assets/share.png";
    assert!(
        html.contains(&format!("<meta property=\"og:image\" content=\"{card}\">")),
        "{html}"
    );
    assert!(html.contains(&format!("<meta name=\"twitter:image\" content=\"{card}\">")));
    assert!(!html.contains("lead-image"));
}

#[test]
fn an_image_is_never_made_wider_than_it_is() {
    let t = SiteTest::new().file("content/articles/lead.md", ARTICLE);
    t.write("static/img/lead.png", png(700, 300));
    t.build().assert_ok();
    let tag = img_tag(&t.read("articles/lead/index.html")).to_string();
    assert_eq!(
        attr(&tag, "srcset"),
        Some("/img/lead-480w.png 480w, /img/lead.png 700w")
    );
    assert!(!t.exists("img/lead-960w.png"));
}

#[test]
fn a_second_build_resizes_nothing() {
    let t = site();
    let first = t.build().assert_ok().stdout();
    let (resized, reused) = counts(&first);
    assert!(resized >= 4, "{first}");
    assert_eq!(reused, 0, "{first}");
    let before = snapshot(&t);
    let second = t.build().assert_ok().stdout();
    assert_eq!(counts(&second), (0, resized), "{second}");
    assert_eq!(before, snapshot(&t));
    // The cache is the build's own folder, ignored by git.
    let ignore = fs::read_to_string(t.root().join(".briefing-cache/.gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l == "*"));
    // A changed image is resized again.
    t.write("static/img/lead.png", png(2000, 1000));
    let third = t.build().assert_ok().stdout();
    assert_eq!(counts(&third).0, resized, "{third}");
}

#[test]
fn an_image_next_to_its_markdown_file_is_published_under_media() {
    let t = SiteTest::new().file(
        "content/companies/acme.md",
        "---\nname: Acme\nimage: { src: acme.png, alt: The Acme building }\n---\nProfile.\n",
    );
    t.write("content/companies/acme.png", png(1000, 500));
    t.build().assert_ok();
    let tag = img_tag(&t.read("companies/acme/index.html")).to_string();
    assert_eq!(attr(&tag, "src"), Some("/media/companies/acme.png"));
    assert!(t.exists("media/companies/acme.png") && t.exists("media/companies/acme-960w.webp"));
}

#[test]
fn image_without_alt_is_an_error_at_its_line() {
    let t = site().file(
        "content/articles/lead.md",
        "---\ntitle: Lead Story\ndate: 2023-09-25\nimage:\n  src: img/lead.png\n---\nBody.\n",
    );
    t.build()
        .assert_fails()
        .assert_stderr_has("content/articles/lead.md:4:")
        .assert_stderr_has("no alt text")
        .assert_stderr_has("decorative: true");
    // Empty alt is the same; with `decorative: true` it is on purpose.
    t.write("content/articles/lead.md", "---\ntitle: Lead Story\ndate: 2023-09-25\nimage: { src: img/lead.png, alt: \"\" }\n---\nBody.\n");
    t.build().assert_fails().assert_stderr_has("no alt text");
    t.write("content/articles/lead.md", "---\ntitle: Lead Story\ndate: 2023-09-25\nimage: { src: img/lead.png, alt: \"\", decorative: true }\n---\nBody.\n");
    t.build().assert_ok();
    assert_eq!(
        attr(img_tag(&t.read("articles/lead/index.html")), "alt"),
        Some("")
    );
}

#[test]
fn image_as_a_bare_path_is_refused_with_the_map_form() {
    let t = site().file(
        "content/articles/lead.md",
        "---\ntitle: Lead Story\ndate: 2023-09-25\nimage: img/lead.png\n---\nBody.\n",
    );
    t.build()
        .assert_fails()
        .assert_stderr_has("content/articles/lead.md:4:")
        .assert_stderr_has("image: { src: img/lead.png, alt:");
}

#[test]
fn missing_image_file_says_which_one_was_meant() {
    let t = site().file(
        "content/articles/lead.md",
        &ARTICLE.replace("img/lead.png", "img/leed.png"),
    );
    t.build()
        .assert_fails()
        .assert_stderr_has("content/articles/lead.md:5:")
        .assert_stderr_has("image `img/leed.png` not found")
        .assert_stderr_has("did you mean `img/lead.png`?");
    // `check` finds it too.
    let check = t.run(&["check"]);
    check.assert_fails();
    assert!(format!("{}{}", check.stdout(), check.stderr()).contains("not found"));
}

/// Builds the good site, breaks it with `spoil`, and asserts the build fails naming `file` with
/// `message`, and naming the image file itself, leaving the output byte for byte as it was.
fn refused(spoil: impl FnOnce(&SiteTest), file: &str, message: &str) {
    let t = site();
    t.build().assert_ok();
    let before = snapshot(&t);
    spoil(&t);
    let run = t.build();
    run.assert_fails()
        .assert_stderr_has(file)
        .assert_stderr_has(message);
    let named = ["img/lead.png", "img/lead.svg"];
    assert!(
        named.iter().any(|n| run.stderr().contains(n)),
        "the image file is named: {}",
        run.stderr()
    );
    assert_eq!(before, snapshot(&t), "the previous output stays");
}

#[test]
fn truncated_image_is_an_error_and_the_output_stays() {
    refused(
        |t| {
            let bytes = png(2400, 1600);
            t.write("static/img/lead.png", &bytes[..bytes.len() / 2]);
        },
        "static/img/lead.png",
        "cannot be decoded",
    );
}

#[test]
fn a_file_that_is_not_an_image_is_an_error() {
    refused(
        |t| t.write("static/img/lead.png", "<html>not a picture</html>"),
        "content/articles/lead.md:5:",
        "cannot be read as an image",
    );
}

#[test]
fn decompression_bomb_is_refused_from_its_header() {
    refused(
        |t| t.write("static/img/lead.png", png_claiming(20_000, 20_000)),
        "content/articles/lead.md:5:",
        "20000 x 20000 pixels is larger than briefing decodes",
    );
}

#[test]
fn svg_with_script_is_refused_and_a_clean_one_is_copied_as_is() {
    for svg in [
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"></svg>",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><a href=\"javascript:alert(1)\"><rect/></a></svg>",
    ] {
        refused(
            |t| {
                t.write("static/img/lead.svg", svg);
                t.write("content/articles/lead.md", ARTICLE.replace("lead.png", "lead.svg"));
            },
            "content/articles/lead.md:5:",
            "SVG contains script",
        );
    }
    let t = site().file(
        "content/articles/lead.md",
        &ARTICLE.replace("lead.png", "lead.svg"),
    );
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><rect width=\"10\" height=\"10\" fill=\"#c00\"/></svg>";
    t.write("static/img/lead.svg", svg);
    t.build().assert_ok();
    assert_eq!(t.read("img/lead.svg"), svg);
    let tag = img_tag(&t.read("articles/lead/index.html")).to_string();
    assert_eq!(attr(&tag, "srcset"), None);
    assert_eq!(attr(&tag, "src"), Some("/img/lead.svg"));
}

#[test]
fn body_images_get_srcset_size_and_lazy_loading() {
    let t = SiteTest::new().file(
        "content/articles/lead.md",
        "---\ntitle: Lead Story\ndate: 2023-09-25\n---\nText.\n\n![Prices \"fall\" & rise](/img/lead.png)\n\n![Beside](pic.png \"A title\")\n\n![Far](../../static/img/lead.png)\n",
    );
    t.write("static/img/lead.png", png(2400, 1600));
    t.write("content/articles/pic.png", png(1000, 500));
    t.build().assert_ok();
    let html = t.read("articles/lead/index.html");
    let tags: Vec<&str> = html
        .match_indices("<img ")
        .map(|(i, _)| &html[i..i + html[i..].find('>').unwrap()])
        .collect();
    assert_eq!(tags.len(), 3, "{html}");
    for tag in &tags {
        assert!(
            attr(tag, "srcset").unwrap().split(", ").count() >= 2,
            "{tag}"
        );
        assert_eq!(attr(tag, "loading"), Some("lazy"), "{tag}");
        assert_eq!(attr(tag, "decoding"), Some("async"), "{tag}");
        assert!(
            attr(tag, "width").is_some() && attr(tag, "height").is_some(),
            "{tag}"
        );
    }
    assert_eq!(
        attr(tags[0], "alt"),
        Some("Prices &quot;fall&quot; &amp; rise"),
        "{}",
        tags[0]
    );
    assert_eq!(attr(tags[1], "src"), Some("/media/articles/pic.png"));
    assert_eq!(attr(tags[1], "title"), Some("A title"));
    assert_eq!(attr(tags[2], "src"), Some("/img/lead.png"));
    assert!(
        html.contains("<picture><source type=\"image/webp\""),
        "{html}"
    );
    assert!(t.exists("media/articles/pic-480w.webp"));
    // A bad body image is an error at its line.
    t.write("static/img/lead.png", png_claiming(20_000, 20_000));
    t.build()
        .assert_fails()
        .assert_stderr_has("content/articles/lead.md:7:")
        .assert_stderr_has("larger than briefing decodes");
}

#[test]
fn a_published_build_never_resizes_or_publishes_the_images_of_unpublished_articles() {
    let t = site();
    for (slug, standing) in [
        ("secret-draft", "status: draft"),
        ("secret-review", "status: review"),
        ("secret-later", "status: published"),
    ] {
        let date = if slug == "secret-later" {
            "2999-01-01"
        } else {
            "2023-09-20"
        };
        t.write(
            &format!("content/articles/{slug}.md"),
            format!("---\ntitle: {slug}\ndate: {date}\n{standing}\nimage: {{ src: {slug}.png, alt: Unseen }}\n---\nText.\n\n![Unseen]({slug}-body.png)\n\n![Unseen](/img/{slug}-static.png)\n"),
        );
        t.write(&format!("content/articles/{slug}.png"), png(1000, 500));
        t.write(&format!("content/articles/{slug}-body.png"), png(1000, 500));
        t.write(&format!("static/img/{slug}-static.png"), png(1000, 500));
    }
    let run = t.build().assert_ok().stdout();
    // Only the published lead image was resized: 480, 960, 1200, 1600 in WebP and PNG.
    assert_eq!(counts(&run), (8, 0), "{run}");
    let leaked: Vec<String> = t
        .list_output()
        .into_iter()
        .filter(|f| f.contains("secret"))
        .collect();
    // What is in static/ is public as it is; nothing else of an unpublished article is.
    let statics = [
        "img/secret-draft-static.png",
        "img/secret-review-static.png",
        "img/secret-later-static.png",
    ];
    assert!(
        leaked.iter().all(|f| statics.contains(&f.as_str())),
        "{leaked:?}"
    );
    let cached = list_files(&t.root().join(".briefing-cache/images"));
    assert_eq!(cached.len(), 8, "{cached:?}");
    // A preview shows them, resized (built into public/ here, where `t` reads).
    t.run(&["build", "--drafts", "--out", "public"]).assert_ok();
    for slug in ["secret-draft", "secret-review", "secret-later"] {
        assert!(
            t.exists(&format!("media/articles/{slug}-480w.webp")),
            "{slug}"
        );
        assert!(
            t.exists(&format!("media/articles/{slug}-body-480w.webp")),
            "{slug}"
        );
        assert!(t.exists(&format!("img/{slug}-static-480w.webp")), "{slug}");
        let html = t.read(&format!("articles/{slug}/index.html"));
        assert!(
            html.contains(&format!("/media/articles/{slug}-960w.webp 960w")),
            "{html}"
        );
    }
}

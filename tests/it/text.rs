//! Content that cannot lie: whatever the text holds (control characters, markup, quotes), every
//! file the build writes is well formed, every id on a page is unique, and text written as code or
//! raw HTML stays as written.

use crate::support::{list_files, SiteTest};
use std::collections::BTreeMap;
use std::fs;

/// Hostile text as a YAML double-quoted string: control characters (U+0001, U+000B, U+001F,
/// U+007F, U+0085), a noncharacter (U+FFFE), markup, an ampersand, both quotes and a CDATA end.
const HOSTILE_YAML: &str =
    r#"A\x01B\vC\x1fD\x7fE\u0085F\uFFFEG & <b>H</b> \"I\" 'J' ]]> K's &amp; &#39;"#;

/// The same characters written raw in a Markdown body.
const HOSTILE_BODY: &str =
    "A\u{1}B\u{b}C\u{1f}D\u{7f}E\u{85}F\u{fffe}G & <b>H</b> \"I\" 'J' ]]> K's &amp; &#39;";

fn hostile_site() -> SiteTest {
    let h = HOSTILE_YAML;
    let b = HOSTILE_BODY;
    SiteTest::new()
        .file(
            "site.yaml",
            &format!("title: \"{h}\"\ndescription: \"{h}\"\nauthor: \"{h}\"\nbase_url: https://example.com/\nlanguage: en\nextra:\n  motto: \"{h}\"\n"),
        )
        .file(
            "content/companies/acme.md",
            &format!("---\nname: \"Acme {h}\"\naliases: [\"{h}\"]\ncountry: \"{h}\"\nsummary: \"{h}\"\nnote: \"{h}\"\n---\n{b}\n\n## {b}\n"),
        )
        .file(
            "content/models/rocket.md",
            &format!("---\nname: \"Rocket {h}\"\ncompany: acme\naliases: [\"R {h}\"]\nmodalities: [\"{h}\"]\ndomain: \"{h}\"\nsummary: \"{h}\"\n---\n{b}\n"),
        )
        .file(
            "content/themes/power.md",
            &format!("---\nname: \"Power {h}\"\nsummary: \"{h}\"\nkeywords: [\"{h}\"]\n---\n{b}\n"),
        )
        .file(
            "content/articles/evil.md",
            &format!("---\ntitle: \"{h}\"\ndate: 2023-01-01\nsummary: \"{h}\"\nauthors: [\"{h}\"]\nsource: {{ name: \"{h}\", url: \"https://news.example/x?a=1&b=2\" }}\ncompanies: [acme]\nmodels: [rocket]\nthemes: [power]\nmood: \"{h}\"\n---\n{b}\n\n## {b}\n\n`{b}`\n\n```\n{b}\n```\n\n> {b}\n\n- {b}\n\n| a |\n|---|\n| {b} |\n\nNote[^n].\n\n[^n]: {b}\n"),
        )
        .file(
            "content/articles/draft.md",
            &format!("---\ntitle: \"{h}\"\ndate: 2023-02-01\nstatus: review\nsummary: \"{h}\"\n---\n{b} [broken](nowhere.md)\n"),
        )
        .file(
            "content/articles/plain.md",
            &format!("---\ntitle: Plain\ndate: 2022-01-01\n---\n{b} is the first paragraph, so the summary.\n"),
        )
        .file(
            "content/pages/about.md",
            &format!("---\ntitle: \"{h}\"\nsummary: \"{h}\"\nextra_field: \"{h}\"\n---\n{b}\n"),
        )
}

/// Characters XML 1.0 does not allow in a document at all.
fn xml_forbidden(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

#[test]
fn every_xml_and_json_file_parses_whatever_the_text_holds() {
    let site = hostile_site();
    site.build().assert_ok();
    assert_well_formed(&site.public());
    // A preview (written to preview/) has the review desk, with the article in review and its
    // problems.
    site.run(&["build", "--drafts"]).assert_ok();
    let preview = site.root().join("preview");
    assert!(preview.join("review/index.html").is_file());
    assert_well_formed(&preview);
}

/// Every XML file in `out` parses, every JSON file is JSON, and no page or feed carries a control
/// character.
fn assert_well_formed(out: &std::path::Path) {
    let files = list_files(out);
    let xml: Vec<&String> = files.iter().filter(|f| f.ends_with(".xml")).collect();
    let json: Vec<&String> = files.iter().filter(|f| f.ends_with(".json")).collect();
    // The site's feed, one per company, model and theme, and the sitemap.
    assert!(xml.len() >= 5, "{files:?}");
    assert!(!json.is_empty(), "{files:?}");
    for f in xml {
        let text = fs::read_to_string(out.join(f)).unwrap();
        if let Err(e) = roxmltree::Document::parse(&text) {
            panic!("{f} is not well-formed XML: {e}\n{text}");
        }
    }
    for f in json {
        let text = fs::read_to_string(out.join(f)).unwrap();
        if let Err(e) = serde_json::from_str::<serde_json::Value>(&text) {
            panic!("{f} is not JSON: {e}");
        }
    }
    // Control characters never reach a page or a feed (JSON writes them as `\u` escapes).
    for f in files
        .iter()
        .filter(|f| [".html", ".xml", ".txt"].iter().any(|e| f.ends_with(e)))
    {
        let text = fs::read_to_string(out.join(f)).unwrap();
        let bad: Vec<char> = text
            .chars()
            .filter(|&c| xml_forbidden(c) || c == '\u{7f}')
            .collect();
        assert!(bad.is_empty(), "{f} carries {bad:?}");
    }
}

#[test]
fn the_feed_escapes_the_site_title_once() {
    let site = SiteTest::new().file(
        "site.yaml",
        "title: \"The desk's <b>AT&T</b> brief\"\ndescription: \"Tom & Jerry's\"\nbase_url: https://example.com/\n",
    )
    .file("content/companies/acme.md", "---\nname: Acme & Co's\n---\n")
    .file("content/articles/a.md", "---\ntitle: A's & B\ndate: 2023-01-01\ncompanies: [acme]\n---\nBody.\n");
    site.build().assert_ok();
    for f in ["feed.xml", "companies/acme/feed.xml"] {
        let text = site.read(f);
        assert!(
            !text.contains("&amp;#39;")
                && !text.contains("&amp;amp;")
                && !text.contains("&amp;lt;"),
            "{f} escapes twice:\n{text}"
        );
        let doc = roxmltree::Document::parse(&text).unwrap();
        let title = doc
            .root_element()
            .children()
            .find(|n| n.has_tag_name("title"))
            .and_then(|n| n.text())
            .unwrap()
            .to_string();
        assert!(
            title.contains("The desk’s <b>AT&T</b> brief")
                || title.contains("The desk's <b>AT&T</b> brief"),
            "{f}: {title}"
        );
    }
}

/// Every `id="..."` on a page, in order.
fn ids_in(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(" id=\"") {
        rest = &rest[i + 5..];
        if let Some(end) = rest.find('"') {
            out.push(rest[..end].to_string());
            rest = &rest[end..];
        }
    }
    out
}

#[test]
fn no_page_has_two_elements_with_one_id() {
    let body = "Intro[^x] and[^main] more[^x].\n\n## Main\n\n## X\n\n## Fn X\n\n## Related reading\n\n## Also mentioned\n\n## Search {#search}\n\n## Main\n\n[^x]: The note.\n[^main]: Another.\n";
    let site = SiteTest::new()
        .file("content/companies/acme.md", &format!("---\nname: Acme\n---\n{body}"))
        .file("content/models/rocket.md", &format!("---\nname: Rocket\ncompany: acme\n---\n{body}"))
        .file("content/themes/power.md", &format!("---\nname: Power\n---\n{body}"))
        .file("content/articles/a.md", &format!("---\ntitle: A\ndate: 2023-01-01\ncompanies: [acme]\nmodels: [rocket]\nthemes: [power]\n---\n{body}"))
        .file("content/articles/b.md", &format!("---\ntitle: B\ndate: 2023-01-02\n---\nAcme and Rocket again.\n\n{body}"))
        .file("content/pages/about.md", &format!("---\ntitle: About\n---\n{body}"));
    site.build().assert_ok();
    let pages: Vec<String> = list_files(&site.public())
        .into_iter()
        .filter(|f| f.ends_with(".html"))
        .collect();
    assert!(pages.len() > 8, "{pages:?}");
    for f in &pages {
        let html = site.read(f);
        let mut seen = BTreeMap::new();
        for id in ids_in(&html) {
            *seen.entry(id).or_insert(0) += 1;
        }
        let twice: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
        assert!(twice.is_empty(), "{f} repeats ids {twice:?}");
        // And every link within the page lands on one of them.
        for link in crate::support::links_in(&html) {
            if let Some(target) = link.strip_prefix('#') {
                assert!(seen.contains_key(target), "{f}: #{target} names no id");
            }
        }
    }
    let article = site.read("articles/a/index.html");
    assert!(article.contains(r#"id="main-1""#), "{article}");
    assert!(
        article.contains(r##"<a href="#fn-x-1" id="fnref-x">1</a>"##)
            && article.contains(r##"aria-label="Back to reference 1-2">↩</a>"##),
        "{article}"
    );
    assert!(!article.contains(r#"id="1""#), "{article}");
}

/// Raw-HTML elements whose text must never hold a link, and whether their text is literal (never
/// smartened).
const NO_LINK_ELEMENTS: &[(&str, &str, bool)] = &[
    ("<a href=\"https://x.example/\">", "</a>", false),
    ("<button type=\"button\">", "</button>", false),
    ("<label>", "</label>", false),
    ("<textarea>", "</textarea>", true),
    ("<select><option>", "</option></select>", true),
    ("<script>", "</script>", true),
    ("<style>", "</style>", true),
    ("<code>", "</code>", true),
    ("<pre>", "</pre>", true),
    ("<kbd>", "</kbd>", true),
    ("<samp>", "</samp>", true),
    ("<var>", "</var>", true),
    ("<iframe>", "</iframe>", true),
    ("<noscript>", "</noscript>", true),
    ("<svg><text>", "</text></svg>", true),
    ("<math><mi>", "</mi></math>", true),
];

fn raw_html_site() -> SiteTest {
    let mut body = String::new();
    for (open, close, _) in NO_LINK_ELEMENTS {
        body.push_str(&format!(
            "Before {open}Acme \"q\" --force{close} after.\n\n"
        ));
    }
    body.push_str("Plain Acme \"q\" --x in prose.\n");
    SiteTest::new()
        .file(
            "site.yaml",
            &format!(
                "{}autolink:\n  first_only: false\n",
                crate::support::SITE_YAML
            ),
        )
        .file("content/companies/acme.md", "---\nname: Acme\n---\n")
        .file(
            "content/articles/raw.md",
            &format!("---\ntitle: Raw\ndate: 2023-01-01\n---\n{body}"),
        )
}

/// The text the page has between `open` and `close`, in the paragraph that has them.
fn inside<'a>(html: &'a str, open: &str, close: &str) -> &'a str {
    let start = html
        .find(&format!("Before {open}"))
        .unwrap_or_else(|| panic!("no {open}:\n{html}"));
    let from = start + "Before ".len() + open.len();
    let end = from + html[from..].find(close).unwrap();
    &html[from..end]
}

#[test]
fn entity_names_are_never_linked_inside_raw_html_where_a_link_is_invalid() {
    let site = raw_html_site();
    site.build().assert_ok();
    let html = site.read("articles/raw/index.html");
    for (open, close, _) in NO_LINK_ELEMENTS {
        let text = inside(&html, open, close);
        assert!(!text.contains("<a "), "{open} got a link: {text}");
        assert!(text.starts_with("Acme "), "{open}: {text}");
    }
    assert!(
        html.contains(r#"Plain <a href="/companies/acme/">Acme</a>"#),
        "prose is still linked:\n{html}"
    );
}

#[test]
fn smart_punctuation_leaves_code_and_literal_raw_html_as_written() {
    let site = raw_html_site()
        .file(
            "content/articles/code.md",
            "---\ntitle: Code\ndate: 2023-01-02\n---\nRun `git push --force \"x\"` or <code>--force</code> -- \"quoted\" and the desk's.\n\n```\ncp -- \"a\" 'b'...\n```\n",
        );
    site.build().assert_ok();
    let html = site.read("articles/raw/index.html");
    for (open, close, literal) in NO_LINK_ELEMENTS {
        let text = inside(&html, open, close);
        if *literal {
            assert!(
                text.contains("\"q\" --force"),
                "{open} was smartened: {text}"
            );
        } else {
            assert!(text.contains("“q” –force"), "{open} is prose: {text}");
        }
    }
    assert!(
        html.contains("Plain <a href=\"/companies/acme/\">Acme</a> “q” –x in prose."),
        "{html}"
    );
    let code = site.read("articles/code/index.html");
    assert!(
        code.contains("<code>git push --force \"x\"</code>"),
        "{code}"
    );
    assert!(
        code.contains("<code>--force</code> – “quoted” and the desk’s."),
        "{code}"
    );
    assert!(code.contains("cp -- \"a\" 'b'...\n"), "{code}");
}

#[test]
fn control_characters_in_file_names_are_escaped_before_they_reach_the_terminal() {
    // An escape sequence that would turn the terminal red and a carriage return that would let
    // the rest of the line overwrite the path.
    let site = SiteTest::minimal()
        .file(
            "content/articles/red\u{1b}[31mname\rx.md",
            "---\ntitle: Red\ndate: 2023-01-01\ncompanies: [nobody]\n---\nBody.\n",
        )
        .file("content/companies/bad\u{7}.md", "---\nname: Bell\n---\n");
    for args in [&["build"][..], &["check"][..]] {
        let run = site.run(args);
        let err = run.stderr() + &run.stdout();
        assert!(
            !err.contains('\u{1b}') && !err.contains('\r') && !err.contains('\u{7}'),
            "{args:?} printed a raw control character:\n{err:?}"
        );
        assert!(
            err.contains(r"red\u{1b}[31mname\u{d}x.md"),
            "{args:?}:\n{err}"
        );
    }
}

#[test]
fn an_unclosed_html_comment_is_a_warning_at_its_line() {
    let site = SiteTest::new()
        .file(
            "content/articles/c.md",
            "---\ntitle: C\ndate: 2023-01-01\n---\nIntro. <!-- closed --> fine.\n\n<!-- a note to self\n\nThe rest of the story.\n",
        )
        .file(
            "content/companies/acme.md",
            "---\nname: Acme\n---\nProfile.\n\n<div>Logo <!-- todo</div>\n\nMore.\n",
        )
        .file(
            "content/articles/ok.md",
            "---\ntitle: Ok\ndate: 2023-01-02\n---\n<!--\nhidden on purpose\n-->\nShown.\n",
        );
    let run = site.build();
    run.assert_ok();
    run.assert_stderr_has("content/articles/c.md:7:1: warning: this `<!--` is never closed")
        .assert_stderr_has("content/companies/acme.md:6:11: warning: this `<!--` is never closed")
        .assert_stderr_has("= hint: end the comment with `-->`");
    let err = run.stderr();
    assert!(!err.contains("ok.md"), "{err}");
    assert_eq!(err.matches("never closed").count(), 2, "{err}");
    let check = site.run(&["check"]);
    assert!(
        check.stdout().contains("c.md:7:1") || check.stderr().contains("c.md:7:1"),
        "{}{}",
        check.stdout(),
        check.stderr()
    );
}

#[test]
fn front_matter_titles_and_summaries_get_the_same_smart_punctuation_as_bodies() {
    let site = SiteTest::new()
        .file(
            "site.yaml",
            "title: \"The desk's brief\"\ndescription: \"News -- \\\"fast\\\"...\"\nbase_url: https://example.com/\n",
        )
        .file(
            "content/companies/acme.md",
            "---\nname: Acme\nsummary: \"Acme's \\\"cloud\\\" arm\"\n---\n",
        )
        .file("content/companies/pingan.md", "---\nname: Ping'an Cloud\n---\n")
        .file(
            "content/articles/a.md",
            "---\ntitle: \"The desk's \\\"best\\\" -- take\"\ndate: 2023-01-01\nsummary: \"It's here...\"\nsource: { name: News, url: \"https://news.example/it's--here\" }\ncompanies: [acme, pingan]\n---\nThe desk's \"best\" -- take.\n\nBy Ping'an Cloud.\n",
        )
        .file(
            "content/pages/about.md",
            "---\ntitle: \"Who's who\"\nsummary: \"We're the desk\"\n---\nAbout.\n",
        );
    site.build().assert_ok();
    let article = site.read("articles/a/index.html");
    let curly = "The desk’s “best” – take";
    assert!(
        article.contains(&format!("<p>{curly}.</p>")),
        "the body: {article}"
    );
    assert!(
        article.contains(&format!("<h1>{curly}</h1>"))
            || article.contains(&format!(">{curly}</h1>")),
        "the title: {article}"
    );
    assert!(article.contains(&format!("<title>{curly}")), "{article}");
    assert!(article.contains("It’s here…"), "the summary: {article}");
    assert!(!article.contains("desk&#39;s"), "{article}");
    // URLs are never touched.
    assert!(
        article.contains("https://news.example/it&#39;s--here"),
        "{article}"
    );
    let home = site.read("index.html");
    assert!(
        home.contains(curly) && home.contains("The desk’s brief"),
        "{home}"
    );
    assert!(home.contains("News – “fast”…"), "{home}");
    let feed = site.read("feed.xml");
    assert!(
        feed.contains(&format!("<title>{curly}</title>"))
            && feed.contains("<title>The desk’s brief</title>"),
        "{feed}"
    );
    assert!(site
        .read("companies/acme/index.html")
        .contains("Acme’s “cloud” arm"));
    let about = site.read("about/index.html");
    assert!(
        about.contains("Who’s who") && about.contains("We’re the desk"),
        "{about}"
    );
    assert!(site
        .read("companies/acme/feed.xml")
        .contains("Acme · The desk’s brief"));
}

#[test]
fn links_within_an_article_point_at_the_article_in_the_feed() {
    let site = SiteTest::new().file(
        "content/articles/a.md",
        "---\ntitle: A\ndate: 2023-01-01\n---\nSee [the part](#part) and a note[^x].\n\n## Part\n\n[^x]: The note.\n",
    );
    site.build().assert_ok();
    let feed = site.read("feed.xml");
    let doc = roxmltree::Document::parse(&feed).unwrap();
    let content = doc
        .descendants()
        .find(|n| n.has_tag_name("content"))
        .and_then(|n| n.text())
        .unwrap();
    assert!(!content.contains("href=\"#"), "{content}");
    for target in ["part", "fn-x", "fnref-x"] {
        assert!(
            content.contains(&format!(
                "href=\"https://example.com/articles/a/#{target}\""
            )),
            "{target}: {content}"
        );
    }
    // The page itself keeps its short links.
    assert!(site
        .read("articles/a/index.html")
        .contains("href=\"#part\""));
}

//! `briefing build`: pages, links between entities, base_url sub-paths, the feed, and errors.

use crate::support::*;

#[test]
fn builds_every_page_of_the_url_table() {
    let site = SiteTest::minimal();
    let run = site.build();
    run.assert_ok();
    assert!(run.stdout().contains("built "), "{}", run.stdout());
    for page in [
        "index.html",
        "articles/index.html",
        "articles/first/index.html",
        "articles/second/index.html",
        "companies/index.html",
        "companies/huawei-cloud/index.html",
        "models/index.html",
        "models/pangu-medical-model/index.html",
        "themes/index.html",
        "themes/computing-power/index.html",
        "about/index.html",
        "feed.xml",
        "sitemap.xml",
        "robots.txt",
        "404.html",
        "assets/briefing.css",
    ] {
        assert!(
            site.exists(page),
            "missing {page}; have {:?}",
            site.list_output()
        );
    }
}

#[test]
fn entities_link_to_each_other_and_list_articles_newest_first() {
    let site = SiteTest::minimal();
    site.build().assert_ok();
    let company = site.read("companies/huawei-cloud/index.html");
    assert!(
        company.contains(r#"href="/models/pangu-medical-model/""#),
        "company lists its model"
    );
    let second = company.find("/articles/second/").expect("lists second");
    let first = company.find("/articles/first/").expect("lists first");
    assert!(second < first, "newest first");
    assert!(company.contains("华为云"), "aliases shown");
    let model = site.read("models/pangu-medical-model/index.html");
    assert!(
        model.contains(r#"href="/companies/huawei-cloud/""#),
        "model names its company"
    );
    assert!(model.contains("21 September 2023"), "release date shown");
    assert!(model.contains("medical"));
    let theme = site.read("themes/computing-power/index.html");
    assert!(theme.contains("/articles/first/") && !theme.contains("/articles/second/"));
    let article = site.read("articles/first/index.html");
    for href in [
        "/companies/huawei-cloud/",
        "/models/pangu-medical-model/",
        "/themes/computing-power/",
    ] {
        assert!(
            article.contains(&format!("href=\"{href}\"")),
            "article links {href}"
        );
    }
}

#[test]
fn markdown_links_to_sources_are_rewritten_to_urls() {
    let site = SiteTest::minimal();
    site.build().assert_ok();
    let article = site.read("articles/first/index.html");
    assert!(
        article.contains(r#"href="/articles/second/#details""#),
        "{article}"
    );
    assert!(article.contains(r#"href="/models/tongyi-wanxiang/""#));
    assert!(site
        .read("articles/second/index.html")
        .contains(r#"<h2 id="details">"#));
    assert!(site
        .read("companies/huawei-cloud/index.html")
        .contains(r#"href="/models/pangu-medical-model/""#));
}

#[test]
fn base_url_with_a_path_prefixes_every_link() {
    let site = SiteTest::minimal().file("static/img/logo.png", "png");
    site.run(&["build", "--base-url", "https://example.github.io/briefing/"])
        .assert_ok();
    let broken = broken_internal_links(&site.public(), "/briefing/");
    assert!(broken.is_empty(), "broken links: {broken:#?}");
    let home = site.read("index.html");
    assert!(home.contains(r#"href="/briefing/assets/briefing.css""#));
    assert!(home.contains(r#"href="/briefing/articles/second/""#));
    let feed = site.read("feed.xml");
    assert!(feed.contains(
        r#"<link rel="alternate" type="text/html" href="https://example.github.io/briefing/articles/second/"/>"#
    ));
    let sitemap = site.read("sitemap.xml");
    assert!(
        sitemap.contains("<loc>https://example.github.io/briefing/companies/huawei-cloud/</loc>")
    );
    assert!(!sitemap.contains("<loc>https://example.com/"));
    assert!(site
        .read("robots.txt")
        .contains("Sitemap: https://example.github.io/briefing/sitemap.xml"));
    assert_eq!(site.read("img/logo.png"), "png", "static copied as it is");
}

#[test]
fn every_internal_link_resolves_at_the_root() {
    let site = SiteTest::minimal();
    site.build().assert_ok();
    let broken = broken_internal_links(&site.public(), "/");
    assert!(broken.is_empty(), "broken links: {broken:#?}");
}

#[test]
fn home_page_paginates_by_site_setting() {
    let mut site = SiteTest::minimal();
    for i in 0..3 {
        site = site.file(
            &format!("content/articles/extra-{i}.md"),
            &format!(
                "---\ntitle: Extra {i}\ndate: 2022-01-0{}\n---\nText.\n",
                i + 1
            ),
        );
    }
    site.build().assert_ok();
    // 5 articles, 2 per page.
    assert!(site.exists("page/2/index.html") && site.exists("page/3/index.html"));
    assert!(!site.exists("page/4/index.html"));
    let home = site.read("index.html");
    assert!(home.contains(r#"href="/page/2/""#));
    assert!(home.contains("Second Story") && home.contains("First Story"));
    assert!(!home.contains("Extra 0"));
    assert!(site.read("page/3/index.html").contains("Extra 0"));
}

#[test]
fn feed_is_well_formed_atom_with_newest_first() {
    let site = SiteTest::minimal().file("content/articles/third.md", "---\ntitle: \"Ampersands & <angles>\"\ndate: 2023-11-01T08:30:00+08:00\n---\nBody with <b>html</b>.\n");
    site.build().assert_ok();
    let feed = site.read("feed.xml");
    assert!(feed.starts_with("<?xml"));
    assert!(feed.contains(r#"<feed xmlns="http://www.w3.org/2005/Atom""#));
    assert!(
        feed.contains("<title>Ampersands &amp; &lt;angles&gt;</title>"),
        "{feed}"
    );
    assert!(feed.contains("<updated>2023-11-01T08:30:00+08:00</updated>"));
    let entries: Vec<_> = feed.match_indices("<entry>").collect();
    assert_eq!(entries.len(), 3);
    assert!(feed.find("Ampersands").unwrap() < feed.find("Second Story").unwrap());
    assert_xml_well_formed(&feed);
}

#[test]
fn unknown_keys_reach_templates_as_extra() {
    let site = SiteTest::minimal()
        .file(
            "content/articles/x.md",
            "---\ntitle: X\ndate: 2020-01-01\nmood: upbeat\n---\nx\n",
        )
        .file(
            "templates/article.html",
            "{{ article.title }} mood={{ article.extra.mood | default(value=\"none\") }}",
        );
    site.build().assert_ok();
    assert_eq!(site.read("articles/x/index.html"), "X mood=upbeat");
}

#[test]
fn user_template_overrides_built_in_and_autoescapes() {
    let site = SiteTest::minimal()
        .file(
            "content/articles/evil.md",
            "---\ntitle: \"<script>alert(1)</script>\"\ndate: 2020-01-01\n---\nx\n",
        )
        .file("templates/page.html", "CUSTOM {{ page.title }}");
    site.build().assert_ok();
    assert_eq!(site.read("about/index.html"), "CUSTOM About");
    let html = site.read("articles/evil/index.html");
    assert!(!html.contains("<script>alert(1)"), "title must be escaped");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}

// ---- errors ----

#[test]
fn unknown_id_names_file_line_and_suggests() {
    let site = SiteTest::minimal().file(
        "content/articles/bad.md",
        "---\ntitle: Bad\ndate: 2023-01-01\ncompanies: [huawei-clod]\n---\nx\n",
    );
    let run = site.build();
    run.assert_fails();
    run.assert_stderr_has("content/articles/bad.md:4:13: error: unknown company id `huawei-clod`");
    run.assert_stderr_has("did you mean `huawei-cloud`?");
    assert!(!site.public().exists(), "nothing written");
}

#[test]
fn malformed_yaml_reports_its_line_in_the_file() {
    let site = SiteTest::minimal().file(
        "content/articles/bad.md",
        "---\ntitle: Bad\ndate: 2023-01-01\nsummary: [unclosed\n---\nx\n",
    );
    let run = site.build();
    run.assert_fails();
    let err = run.stderr();
    assert!(err.contains("content/articles/bad.md:"), "{err}");
    let line: usize = err
        .split("content/articles/bad.md:")
        .nth(1)
        .unwrap()
        .split(':')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (4..=6).contains(&line),
        "line {line} should be in the file's front matter\n{err}"
    );
}

#[test]
fn missing_required_field_is_named() {
    let site = SiteTest::minimal().file("content/models/orphan.md", "---\nname: Orphan\n---\n");
    let run = site.build();
    run.assert_fails();
    run.assert_stderr_has("content/models/orphan.md:");
    run.assert_stderr_has("missing field `company`");
}

#[test]
fn broken_link_is_an_error_with_position_and_suggestion() {
    let site = SiteTest::minimal().file("content/articles/bad.md", "---\ntitle: Bad\ndate: 2023-01-01\n---\nline one\n\nSee [x](../models/pangu-medical-modl.md).\n");
    let run = site.build();
    run.assert_fails();
    run.assert_stderr_has("content/articles/bad.md:7:5: error: link to `../models/pangu-medical-modl.md` points at nothing");
    run.assert_stderr_has("did you mean `../models/pangu-medical-model.md`?");
}

#[test]
fn all_problems_are_reported_in_one_run_and_output_is_untouched() {
    let site = SiteTest::minimal();
    site.build().assert_ok();
    let before = site.read("index.html");
    site.write(
        "content/articles/a.md",
        "---\ntitle: A\ndate: 2023-01-01\nthemes: [nope]\n---\n",
    );
    site.write(
        "content/articles/b.md",
        "---\ntitle: B\ndate: not-a-date\n---\n",
    );
    site.write(
        "content/models/c.md",
        "---\nname: C\ncompany: nobody\n---\n",
    );
    let run = site.build();
    run.assert_fails();
    run.assert_stderr_has("content/articles/a.md:4");
    run.assert_stderr_has("content/articles/b.md:3");
    run.assert_stderr_has("content/models/c.md:3");
    run.assert_stderr_has("3 errors");
    assert_eq!(site.read("index.html"), before, "previous output untouched");
}

#[test]
fn duplicate_slugs_are_refused() {
    let site = SiteTest::minimal().file(
        "content/articles/copy.md",
        "---\ntitle: Copy\ndate: 2023-01-01\nslug: first\n---\n",
    );
    let run = site.build();
    run.assert_fails();
    run.assert_stderr_has("two files claim the URL /articles/first/");
}

#[test]
fn drafts_and_review_never_reach_a_published_build() {
    let site = SiteTest::minimal()
        .file("content/articles/d.md", "---\ntitle: Zebra Draft Secret\ndate: 2023-12-01\nstatus: draft\ncompanies: [huawei-cloud]\n---\nzebra body\n")
        .file("content/articles/r.md", "---\ntitle: Yak Review Secret\ndate: 2023-12-01\nstatus: review\n---\nyak body\n")
        .file("content/articles/s.md", "---\ntitle: Xerus Shorthand\ndate: 2023-12-01\ndraft: true\n---\nxerus\n")
        .file("content/articles/f.md", "---\ntitle: Vole Scheduled Secret\ndate: 2999-12-01\ncompanies: [huawei-cloud]\n---\nvole body\n");
    site.build().assert_ok();
    for f in site.list_output() {
        let text = std::fs::read_to_string(site.public().join(&f)).unwrap_or_default();
        for secret in [
            "Zebra",
            "Yak",
            "Xerus",
            "Vole",
            "vole",
            "/articles/f/",
            "zebra",
            "/articles/d/",
            "/articles/r/",
        ] {
            assert!(!text.contains(secret), "{secret} leaked into {f}");
        }
    }
}

/// A small XML well-formedness check: balanced tags and quoted attributes.
pub fn assert_xml_well_formed(xml: &str) {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest.find('>').expect("unclosed tag");
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if tag.starts_with('?') || tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(
                stack.pop().as_deref(),
                Some(name.trim()),
                "mismatched </{name}>"
            );
        } else if !tag.ends_with('/') {
            stack.push(tag.split_whitespace().next().unwrap().to_string());
        }
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
}

#[test]
fn this_repositorys_site_builds_with_every_link_resolving() {
    let site = SiteTest::new();
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    site.write("site.yaml", std::fs::read(repo.join("site.yaml")).unwrap());
    for dir in ["content", "static", "templates"] {
        let from = repo.join(dir);
        for rel in list_files(&from) {
            site.write(
                &format!("{dir}/{rel}"),
                std::fs::read(from.join(&rel)).unwrap(),
            );
        }
    }
    for (base_url, path) in [
        ("https://example.github.io/briefing/", "/briefing/"),
        ("https://briefing.example.org/", "/"),
    ] {
        site.run(&["build", "--base-url", base_url]).assert_ok();
        let broken = broken_internal_links(&site.public(), path);
        assert!(broken.is_empty(), "{base_url}: {broken:#?}");
        let article = site.read("articles/ai-large-models-expand-across-industries/index.html");
        assert!(article.contains(&format!("href=\"{path}models/pangu-medical-model/\"")));
        assert!(site.exists("companies/huawei-cloud/index.html"));
    }
}

/// `build --timings` names every stage with its milliseconds, the search index among them (the
/// benchmark reads that figure); without the flag the summary stays one line.
#[test]
fn build_timings_name_each_stage() {
    let site = SiteTest::minimal();
    let plain = site.build();
    plain.assert_ok();
    assert!(!plain.stdout().contains("timings:"), "{}", plain.stdout());
    let timed = site.run(&["build", "--timings"]);
    timed.assert_ok();
    let line = timed
        .stdout()
        .lines()
        .find(|l| l.starts_with("timings: "))
        .map(str::to_string)
        .unwrap_or_else(|| panic!("no timings line in {}", timed.stdout()));
    for stage in [
        "read, parse and link",
        "images",
        "search index",
        "pages and files",
        "swap into place",
    ] {
        let at = line
            .find(&format!("{stage} "))
            .unwrap_or_else(|| panic!("{stage} missing from {line}"));
        let ms = line[at + stage.len() + 1..].split(' ').next().unwrap();
        assert!(ms.parse::<u64>().is_ok(), "{stage}: {ms:?} in {line}");
    }
}

//! Sharing and news metadata: Open Graph and Twitter cards on every page, `article:*` and JSON-LD
//! (NewsArticle, Organization, BreadcrumbList) parsed back out of built pages, the drawn site card,
//! the `updated:` date and feed entry ids that survive a move to another domain.

use crate::support::*;
use serde_json::Value;

/// Every JSON-LD block of a page, parsed.
fn json_ld(html: &str) -> Vec<Value> {
    let open = r#"<script type="application/ld+json">"#;
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(open) {
        rest = &rest[i + open.len()..];
        let end = rest.find("</script>").expect("the script ends");
        out.push(serde_json::from_str(&rest[..end]).unwrap_or_else(|e| {
            panic!("JSON-LD does not parse: {e}\n{}", &rest[..end]);
        }));
        rest = &rest[end..];
    }
    out
}

fn of_type<'a>(blocks: &'a [Value], ty: &str) -> &'a Value {
    blocks
        .iter()
        .find(|b| b["@type"] == ty)
        .unwrap_or_else(|| panic!("no {ty} in {blocks:?}"))
}

/// The `content` of `<meta property|name="key" content="...">`, every one of them.
fn metas(html: &str, key: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["property", "name"] {
        let open = format!(r#"<meta {attr}="{key}" content=""#);
        let mut rest = html;
        while let Some(i) = rest.find(&open) {
            rest = &rest[i + open.len()..];
            out.push(rest[..rest.find('"').unwrap()].to_string());
        }
    }
    out
}

#[test]
fn every_page_carries_open_graph_and_a_twitter_card() {
    let site = SiteTest::minimal();
    site.build().assert_ok();
    let pages: Vec<String> = site
        .list_output()
        .into_iter()
        .filter(|f| f.ends_with(".html"))
        .collect();
    assert!(pages.len() > 8, "{pages:?}");
    for page in &pages {
        let html = site.read(page);
        for key in [
            "og:site_name",
            "og:locale",
            "og:type",
            "og:title",
            "og:description",
            "og:url",
            "og:image",
            "og:image:alt",
            "twitter:card",
        ] {
            let v = metas(&html, key);
            assert_eq!(v.len(), 1, "{page}: {key} once, got {v:?}");
            assert!(!v[0].trim().is_empty(), "{page}: {key} is empty");
        }
        assert_eq!(metas(&html, "og:site_name"), ["Test Briefing"], "{page}");
        assert_eq!(metas(&html, "og:locale"), ["en_US"], "{page}");
        assert_eq!(
            metas(&html, "og:image"),
            ["https://example.com/assets/share.png"],
            "{page}"
        );
        json_ld(&html);
    }
    let company = site.read("companies/huawei-cloud/index.html");
    assert_eq!(metas(&company, "og:title"), ["Huawei Cloud"]);
    assert_eq!(metas(&company, "og:description"), ["Cloud arm of Huawei."]);
    assert_eq!(
        metas(&company, "og:url"),
        ["https://example.com/companies/huawei-cloud/"]
    );
}

#[test]
fn articles_carry_article_properties_and_a_news_article_naming_its_entities() {
    let site = SiteTest::minimal();
    site.build().assert_ok();
    let html = site.read("articles/first/index.html");
    assert_eq!(metas(&html, "og:type"), ["article"]);
    assert_eq!(
        metas(&html, "article:published_time"),
        ["2023-09-25T00:00:00+00:00"]
    );
    assert_eq!(
        metas(&html, "article:modified_time"),
        ["2023-09-25T00:00:00+00:00"]
    );
    assert_eq!(metas(&html, "article:author"), ["Desk"]);
    assert_eq!(
        metas(&html, "article:tag"),
        ["Huawei Cloud", "Pangu Medical Model", "Computing power"]
    );
    let blocks = json_ld(&html);
    let news = of_type(&blocks, "NewsArticle");
    assert_eq!(news["headline"], "First Story");
    assert_eq!(news["datePublished"], "2023-09-25T00:00:00+00:00");
    assert_eq!(news["dateModified"], "2023-09-25T00:00:00+00:00");
    assert_eq!(news["author"][0]["name"], "Desk");
    assert_eq!(news["publisher"]["name"], "Test Briefing");
    assert_eq!(
        news["publisher"]["logo"]["url"],
        "https://example.com/assets/share.png"
    );
    assert_eq!(news["image"][0], "https://example.com/assets/share.png");
    assert_eq!(news["about"][0]["name"], "Huawei Cloud");
    assert_eq!(
        news["about"][0]["url"],
        "https://example.com/companies/huawei-cloud/"
    );
    assert_eq!(news["mentions"][0]["name"], "Pangu Medical Model");
    let crumbs = of_type(&blocks, "BreadcrumbList");
    let items = crumbs["itemListElement"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[1]["item"], "https://example.com/articles/");
    assert_eq!(items[2]["name"], "First Story");
    // No author: the site is the author.
    let second = json_ld(&site.read("articles/second/index.html"));
    assert_eq!(
        of_type(&second, "NewsArticle")["author"][0]["name"],
        "Test Briefing"
    );
}

#[test]
fn company_pages_carry_an_organization_and_entity_pages_a_breadcrumb_trail() {
    let site = SiteTest::minimal().file(
        "content/companies/alibaba-cloud.md",
        "---\nname: Alibaba Cloud\nwebsite: https://www.alibabacloud.com/\nsummary: Cloud arm of Alibaba.\n---\nProfile.\n",
    );
    site.build().assert_ok();
    let blocks = json_ld(&site.read("companies/alibaba-cloud/index.html"));
    let org = of_type(&blocks, "Organization");
    assert_eq!(org["name"], "Alibaba Cloud");
    assert_eq!(org["url"], "https://www.alibabacloud.com/");
    assert_eq!(org["description"], "Cloud arm of Alibaba.");
    assert_eq!(
        org["mainEntityOfPage"],
        "https://example.com/companies/alibaba-cloud/"
    );
    for (page, section) in [
        (
            "models/tongyi-wanxiang/index.html",
            "https://example.com/models/",
        ),
        (
            "themes/computing-power/index.html",
            "https://example.com/themes/",
        ),
        (
            "companies/alibaba-cloud/index.html",
            "https://example.com/companies/",
        ),
    ] {
        let blocks = json_ld(&site.read(page));
        let crumbs = of_type(&blocks, "BreadcrumbList");
        assert_eq!(crumbs["itemListElement"][1]["item"], section, "{page}");
    }
}

#[test]
fn json_ld_with_script_endings_in_a_title_stays_inside_its_script_and_parses() {
    let evil = "Ends </script><script>alert(1)</script> & <!-- here";
    let site = SiteTest::minimal().file(
        "content/articles/evil.md",
        &format!("---\ntitle: \"{evil}\"\ndate: 2023-10-05\nsummary: \"{evil}\"\ncompanies: [huawei-cloud]\n---\nBody.\n"),
    );
    site.build().assert_ok();
    let html = site.read("articles/evil/index.html");
    assert!(!html.contains("<script>alert"), "the payload stays text");
    let blocks = json_ld(&html);
    let news = of_type(&blocks, "NewsArticle");
    assert_eq!(
        news["headline"], evil,
        "the headline survives as it was written"
    );
    assert_eq!(news["description"], evil);
}

#[test]
fn the_site_card_is_a_1200_by_630_png_drawn_from_the_title_alone() {
    let site = SiteTest::minimal();
    site.build().assert_ok();
    let card = std::fs::read(site.public().join("assets/share.png")).unwrap();
    assert_eq!(&card[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(u32::from_be_bytes(card[16..20].try_into().unwrap()), 1200);
    assert_eq!(u32::from_be_bytes(card[20..24].try_into().unwrap()), 630);
    // Other content, same title: the same bytes.
    site.write(
        "content/articles/third.md",
        "---\ntitle: Third\ndate: 2023-11-01\n---\nMore.\n",
    );
    site.build().assert_ok();
    assert_eq!(
        std::fs::read(site.public().join("assets/share.png")).unwrap(),
        card
    );
    site.write(
        "site.yaml",
        SITE_YAML.replace("Test Briefing", "Other Briefing"),
    );
    site.build().assert_ok();
    assert_ne!(
        std::fs::read(site.public().join("assets/share.png")).unwrap(),
        card
    );
}

#[test]
fn an_updated_date_shows_and_moves_the_feed_the_sitemap_and_modified_time() {
    let site = SiteTest::minimal().file(
        "content/articles/first.md",
        "---\ntitle: First Story\ndate: 2023-09-25\nupdated: 2023-10-02\nsummary: The first one.\ncompanies: [huawei-cloud]\n---\nBody.\n",
    );
    site.build().assert_ok();
    let html = site.read("articles/first/index.html");
    assert!(
        html.contains(
            r#"Updated <time datetime="2023-10-02T00:00:00+00:00">2 October 2023</time>"#
        ),
        "{html}"
    );
    assert_eq!(
        metas(&html, "article:modified_time"),
        ["2023-10-02T00:00:00+00:00"]
    );
    assert_eq!(
        metas(&html, "article:published_time"),
        ["2023-09-25T00:00:00+00:00"]
    );
    let news = json_ld(&html);
    assert_eq!(
        of_type(&news, "NewsArticle")["dateModified"],
        "2023-10-02T00:00:00+00:00"
    );
    let feed = site.read("feed.xml");
    let doc = roxmltree::Document::parse(&feed).unwrap();
    let entry = doc
        .descendants()
        .find(|n| {
            n.has_tag_name("entry")
                && n.children()
                    .any(|c| c.has_tag_name("title") && c.text() == Some("First Story"))
        })
        .unwrap();
    let text = |tag: &str| {
        entry
            .children()
            .find(|c| c.has_tag_name(tag))
            .and_then(|c| c.text())
            .unwrap()
            .to_string()
    };
    assert_eq!(text("updated"), "2023-10-02T00:00:00+00:00");
    assert_eq!(text("published"), "2023-09-25T00:00:00+00:00");
    let sitemap = site.read("sitemap.xml");
    assert!(
        sitemap.contains(
            "<loc>https://example.com/articles/first/</loc><lastmod>2023-10-02</lastmod>"
        ),
        "{sitemap}"
    );
    // Without `updated:` nothing says "Updated".
    assert!(!site.read("articles/second/index.html").contains("Updated"));
}

#[test]
fn updated_before_date_is_an_error_at_its_line() {
    let site = SiteTest::minimal().file(
        "content/articles/first.md",
        "---\ntitle: First Story\ndate: 2023-09-25\nupdated: 2023-09-01\n---\nBody.\n",
    );
    let run = site.build();
    run.assert_fails();
    run.assert_stderr_has("content/articles/first.md:4:1: error: `updated` is before `date`");
    run.assert_stderr_has("hint:");
}

#[test]
fn updated_that_is_not_a_date_is_an_error() {
    let site = SiteTest::minimal().file(
        "content/articles/first.md",
        "---\ntitle: First Story\ndate: 2023-09-25\nupdated: last week\n---\nBody.\n",
    );
    let run = site.build();
    run.assert_fails();
    run.assert_stderr_has("content/articles/first.md");
    run.assert_stderr_has("is not a date");
}

/// Every entry id of a feed.
fn entry_ids(feed: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(feed).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("entry"))
        .map(|e| {
            e.children()
                .find(|c| c.has_tag_name("id"))
                .and_then(|c| c.text())
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn feed_entry_ids_are_tag_uris_that_feed_id_keeps_across_a_domain_move() {
    let site = SiteTest::minimal();
    site.build().assert_ok();
    let ids = entry_ids(&site.read("feed.xml"));
    assert_eq!(
        ids,
        [
            "tag:example.com,2023-10-01:articles/second",
            "tag:example.com,2023-09-25:articles/first"
        ]
    );
    assert_eq!(
        entry_ids(&site.read("companies/huawei-cloud/feed.xml")),
        ids,
        "entity feeds use the same ids"
    );
    // The site moves to another domain and keeps its old ids with `feed_id`.
    site.write(
        "site.yaml",
        SITE_YAML.replace("https://example.com/", "https://news.example.org/")
            + "feed_id: example.com\n",
    );
    site.build().assert_ok();
    assert_eq!(entry_ids(&site.read("feed.xml")), ids);
    assert!(site
        .read("feed.xml")
        .contains("https://news.example.org/articles/first/"));
    // Without it, the ids follow the new host.
    site.write(
        "site.yaml",
        SITE_YAML.replace("https://example.com/", "https://news.example.org/"),
    );
    site.build().assert_ok();
    assert!(entry_ids(&site.read("feed.xml"))[0].starts_with("tag:news.example.org,"));
}

#[test]
fn a_feed_id_that_is_not_a_host_name_is_an_error_at_its_line() {
    let site = SiteTest::minimal().file(
        "site.yaml",
        &format!("{SITE_YAML}feed_id: https://example.com/\n"),
    );
    let run = site.build();
    run.assert_fails();
    let line = SITE_YAML.lines().count() + 1;
    run.assert_stderr_has(&format!("site.yaml:{line}: error: feed_id:"));
    run.assert_stderr_has("hint: feed_id is the host name");
}

#[test]
fn news_article_structured_data_names_the_lead_image_not_the_site_card() {
    let t = SiteTest::new()
        .file(
            "content/articles/lead.md",
            "---\ntitle: Lead Story\ndate: 2023-09-25\nimage: { src: img/lead.png, alt: A chart }\n---\nBody.\n",
        )
        .file(
            "content/articles/plain.md",
            "---\ntitle: Plain\ndate: 2023-09-26\n---\nNo picture.\n",
        );
    t.write("static/img/lead.png", crate::images::png(2400, 1600));
    t.build().assert_ok();
    let html = t.read("articles/lead/index.html");
    let lead = "https://example.com/img/lead-1200w.png";
    assert_eq!(metas(&html, "og:image"), [lead]);
    let blocks = json_ld(&html);
    assert_eq!(
        of_type(&blocks, "NewsArticle")["image"],
        serde_json::json!([lead])
    );
    // Without a lead image, the site card, as og:image says.
    let plain = t.read("articles/plain/index.html");
    let card = "https://example.com/assets/share.png";
    assert_eq!(metas(&plain, "og:image"), [card]);
    let blocks = json_ld(&plain);
    assert_eq!(
        of_type(&blocks, "NewsArticle")["image"],
        serde_json::json!([card])
    );
}

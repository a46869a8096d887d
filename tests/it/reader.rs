//! The reader's site: entity auto-links, related reading, backlinks, the search index, build-time
//! charts and per-entity Atom feeds.

use crate::support::*;

/// The part of an article page between the body's opening and closing `prose` div.
fn body_of(html: &str) -> &str {
    let start = html.find(r#"<div class="prose">"#).expect("article body");
    let end = html[start..].find("</div>").expect("end of body") + start;
    &html[start..end]
}

/// Every inline `<svg>…</svg>` in a page.
fn svgs(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("<svg") {
        let end = rest[i..].find("</svg>").expect("closed svg") + i + "</svg>".len();
        out.push(&rest[i..end]);
        rest = &rest[end..];
    }
    out
}

/// Parses an SVG as XML and counts its `class="mark"` elements.
#[track_caller]
fn marks(svg: &str) -> usize {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
    assert_eq!(doc.root_element().attribute("role"), Some("img"));
    assert!(
        doc.root_element()
            .children()
            .any(|n| n.has_tag_name("title") && !n.text().unwrap_or("").is_empty()),
        "an SVG chart has a title"
    );
    doc.descendants()
        .filter(|n| n.attribute("class") == Some("mark"))
        .count()
}

fn article(slug: &str, date: &str, front: &str, body: &str) -> (String, String) {
    (
        format!("content/articles/{slug}.md"),
        format!("---\ntitle: Story {slug}\ndate: {date}\n{front}---\n{body}\n"),
    )
}

fn with(site: SiteTest, files: &[(String, String)]) -> SiteTest {
    files.iter().fold(site, |s, (p, t)| s.file(p, t))
}

#[test]
fn autolinks_the_first_mention_but_never_in_code_headings_links_or_alt_text() {
    let (p, t) = article(
        "mentions",
        "2023-10-02",
        "",
        "## Huawei Cloud in brief\n\n`Huawei Cloud` and ![Huawei Cloud](https://example.org/x.png) and [Huawei Cloud](https://example.org).\n\n```\nHuawei Cloud\n```\n\nToday Huawei Cloud shipped; Huawei Cloud again.\n",
    );
    let site = SiteTest::minimal().file(&p, &t);
    site.build().assert_ok();
    let html = site.read("articles/mentions/index.html");
    let body = body_of(&html);
    assert_eq!(
        body.matches(r#"href="/companies/huawei-cloud/""#).count(),
        1,
        "exactly one auto-link: {body}"
    );
    assert!(
        body.contains(r#"Today <a href="/companies/huawei-cloud/">Huawei Cloud</a> shipped; Huawei Cloud again."#),
        "{body}"
    );
    assert!(body.contains(r#"<h2 id="huawei-cloud-in-brief">Huawei Cloud in brief</h2>"#));
    assert!(body.contains("<code>Huawei Cloud</code>"));
    assert!(body.contains(r#"alt="Huawei Cloud""#));
    assert!(body.contains(r#"<a href="https://example.org">Huawei Cloud</a>"#));
    assert!(
        body.contains("<pre><code>Huawei Cloud\n</code></pre>"),
        "{body}"
    );
}

#[test]
fn the_longest_name_wins_and_cjk_aliases_link_without_spaces() {
    let (p, t) = article(
        "cjk",
        "2023-10-03",
        "",
        "基于华为云的盘古 and the Pangu Medical Model, not the Pangu Medical Modelling kit.\n",
    );
    let site = SiteTest::minimal()
        .file(
            "content/models/pangu.md",
            "---\nname: Pangu\ncompany: huawei-cloud\naliases: [盘古]\n---\n",
        )
        .file(&p, &t);
    site.build().assert_ok();
    let html = site.read("articles/cjk/index.html");
    let body = body_of(&html);
    assert!(
        body.contains(r#"基于<a href="/companies/huawei-cloud/">华为云</a>的<a href="/models/pangu/">盘古</a>"#),
        "{body}"
    );
    assert!(
        body.contains(r#"<a href="/models/pangu-medical-model/">Pangu Medical Model</a>"#),
        "longest name wins: {body}"
    );
    assert!(
        body.contains("not the Pangu Medical Modelling kit"),
        "no link inside a longer word, and the first mention of each was linked already: {body}"
    );
}

#[test]
fn autolink_follows_site_settings() {
    let (p, t) = article(
        "settings",
        "2023-10-04",
        "",
        "Huawei Cloud ships the Pangu Medical Model.\n",
    );
    let off = SiteTest::new()
        .file(
            "site.yaml",
            &format!("{SITE_YAML}autolink: {{ enabled: false }}\n"),
        )
        .file(&p, &t);
    let off = with(off, &minimal_entities());
    off.build().assert_ok();
    let body = off.read("articles/settings/index.html");
    assert!(!body_of(&body).contains("<a "), "{body}");

    let models_only = SiteTest::new()
        .file(
            "site.yaml",
            &format!("{SITE_YAML}autolink: {{ kinds: [models], first_only: true }}\n"),
        )
        .file(&p, &t);
    let models_only = with(models_only, &minimal_entities());
    models_only.build().assert_ok();
    let html = models_only.read("articles/settings/index.html");
    let body = body_of(&html);
    assert!(body.contains("/models/pangu-medical-model/") && !body.contains("/companies/"));

    let bad = SiteTest::new().file(
        "site.yaml",
        &format!("{SITE_YAML}autolink: {{ kinds: [people] }}\n"),
    );
    bad.build()
        .assert_fails()
        .assert_stderr_has("site.yaml")
        .assert_stderr_has("people");
}

fn minimal_entities() -> Vec<(String, String)> {
    vec![
        (
            "content/companies/huawei-cloud.md".into(),
            "---\nname: Huawei Cloud\naliases: [华为云]\n---\nHuawei Cloud builds the Pangu Medical Model.\n".into(),
        ),
        (
            "content/models/pangu-medical-model.md".into(),
            "---\nname: Pangu Medical Model\ncompany: huawei-cloud\nreleased: 2023-09-21\n---\n".into(),
        ),
    ]
}

#[test]
fn an_entity_profile_never_links_to_itself() {
    let site = with(SiteTest::new(), &minimal_entities());
    site.build().assert_ok();
    let company = site.read("companies/huawei-cloud/index.html");
    let profile = &company[company.find("prose profile").expect("profile")..];
    let profile = &profile[..profile.find("</section>").unwrap()];
    assert!(
        profile.contains(r#"<a href="/models/pangu-medical-model/">Pangu Medical Model</a>"#),
        "{profile}"
    );
    assert!(
        !profile.contains(r#"href="/companies/huawei-cloud/""#),
        "{profile}"
    );
}

#[test]
fn entity_pages_list_articles_that_only_mention_them() {
    let site = with(
        SiteTest::minimal(),
        &[
            article(
                "mentions-alibaba",
                "2023-11-01",
                "companies: [huawei-cloud]\n",
                "Rivals include 阿里云 and Aliyun.",
            ),
            article(
                "names-alibaba",
                "2023-11-02",
                "companies: [alibaba-cloud]\n",
                "Alibaba Cloud grew.",
            ),
        ],
    );
    site.build().assert_ok();
    let page = site.read("companies/alibaba-cloud/index.html");
    let also = &page[page.find("Also mentioned in").expect("backlinks section")..];
    assert!(also.contains("/articles/mentions-alibaba/"), "{also}");
    assert!(
        !also.contains("/articles/names-alibaba/"),
        "an article filed under the company is not a backlink"
    );
    let huawei = site.read("companies/huawei-cloud/index.html");
    assert!(!huawei.contains("Also mentioned in"), "no empty section");
}

#[test]
fn related_reading_is_weighted_by_shared_entities_newest_first_on_ties() {
    let e = |s: &str| format!("---\nname: {s}\n---\n");
    let m = |s: &str| format!("---\nname: {s}\ncompany: c1\n---\n");
    let site = SiteTest::new()
        .file("content/companies/c1.md", &e("Cee One"))
        .file("content/companies/c2.md", &e("Cee Two"))
        .file("content/models/m1.md", &m("Em One"))
        .file("content/themes/t1.md", &e("Tee One"))
        .file("content/themes/t2.md", &e("Tee Two"));
    let site = with(
        site,
        &[
            article(
                "target",
                "2024-01-10",
                "companies: [c1]\nmodels: [m1]\nthemes: [t1, t2]\n",
                "x",
            ),
            // 3: a shared model.
            article("model", "2023-05-01", "models: [m1]\n", "x"),
            // 3: a shared company and a shared theme, newer than `model`.
            article(
                "company-theme",
                "2023-06-01",
                "companies: [c1]\nthemes: [t1]\n",
                "x",
            ),
            // 2: a shared company.
            article("company", "2023-07-01", "companies: [c1]\n", "x"),
            // 2: two shared themes, older than `company`.
            article("two-themes", "2022-01-01", "themes: [t1, t2]\n", "x"),
            // 1: one shared theme.
            article("theme", "2023-08-01", "themes: [t2]\n", "x"),
            // 0: nothing shared.
            article("nothing", "2023-09-01", "companies: [c2]\n", "x"),
        ],
    );
    site.build().assert_ok();
    let html = site.read("articles/target/index.html");
    let related = &html[html.find("Related reading").expect("related section")..];
    let related = &related[..related.find("</aside>").expect("the section ends")];
    let order: Vec<String> = links_in(related)
        .into_iter()
        .filter_map(|l| {
            l.strip_prefix("/articles/")
                .map(|s| s.trim_end_matches('/').to_string())
        })
        .collect();
    assert_eq!(
        order,
        ["company-theme", "model", "company", "two-themes", "theme"],
        "site.yaml's default related count is 5"
    );
}

#[test]
fn charts_are_well_formed_svg_with_one_mark_per_data_point() {
    let site = with(
        SiteTest::minimal(),
        &[
            (
                "content/models/pangu.md".into(),
                "---\nname: Pangu\ncompany: huawei-cloud\nreleased: 2021-04-25\n---\n".into(),
            ),
            article(
                "old",
                "2022-02-01",
                "companies: [huawei-cloud]\nthemes: [computing-power]\n",
                "x",
            ),
        ],
    );
    site.build().assert_ok();
    // Huawei Cloud: two released models; articles in 2022 Q1, 2023 Q3 and 2023 Q4: 8 quarters.
    let company = site.read("companies/huawei-cloud/index.html");
    let charts = svgs(&company);
    assert_eq!(
        charts.len(),
        2,
        "a release timeline and articles per quarter"
    );
    assert_eq!(marks(charts[0]), 2);
    assert_eq!(marks(charts[1]), 8);
    assert!(
        company.contains("Show the data as a table"),
        "a text alternative"
    );
    assert!(company.contains("<td>2023 Q3</td><td>1</td>"));
    assert!(
        company.contains("<td>2022 Q2</td><td>0</td>"),
        "empty quarters count"
    );
    // The models index: releases by company, one dot per released model.
    let models = site.read("models/index.html");
    let charts = svgs(&models);
    assert_eq!(charts.len(), 1);
    assert_eq!(marks(charts[0]), 2);
    // A theme: its articles per quarter, 2022 Q1 to 2023 Q3.
    let theme = site.read("themes/computing-power/index.html");
    assert_eq!(marks(svgs(&theme)[0]), 7);
    // A company without released models and with articles in a single quarter draws nothing.
    let alibaba = site.read("companies/alibaba-cloud/index.html");
    assert!(svgs(&alibaba).is_empty());
}

#[test]
fn entity_feeds_are_atom_with_their_articles_and_are_linked_from_their_pages() {
    let site = SiteTest::minimal();
    site.run(&["build", "--base-url", "https://example.github.io/briefing/"])
        .assert_ok();
    for (page, feed, entries) in [
        (
            "companies/huawei-cloud/index.html",
            "companies/huawei-cloud/feed.xml",
            2,
        ),
        (
            "models/tongyi-wanxiang/index.html",
            "models/tongyi-wanxiang/feed.xml",
            1,
        ),
        (
            "themes/computing-power/index.html",
            "themes/computing-power/feed.xml",
            1,
        ),
    ] {
        let xml = site.read(feed);
        let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{feed}: {e}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "feed");
        assert_eq!(
            root.tag_name().namespace(),
            Some("http://www.w3.org/2005/Atom")
        );
        let child = |n: roxmltree::Node<'_, '_>, name: &str| {
            n.children()
                .find(|c| c.has_tag_name(name))
                .map(|c| c.text().unwrap_or("").to_string())
        };
        let url = format!("https://example.github.io/briefing/{feed}");
        assert_eq!(child(root, "id").as_deref(), Some(url.as_str()));
        assert!(child(root, "title").unwrap().ends_with("· Test Briefing"));
        assert!(child(root, "updated").is_some());
        let list: Vec<_> = root
            .children()
            .filter(|c| c.has_tag_name("entry"))
            .collect();
        assert_eq!(list.len(), entries, "{feed}");
        for e in list {
            for required in ["id", "title", "updated", "summary"] {
                assert!(
                    child(e, required).is_some(),
                    "{feed}: entry lacks {required}"
                );
            }
        }
        let html = site.read(page);
        assert!(
            html.contains(r#"<link rel="alternate" type="application/atom+xml" title="#)
                && html.contains(&format!(r#"href="/briefing/{feed}">"#)),
            "{page} links its feed"
        );
    }
}

//! What the theme's pages show readers: the models index's names and dates, the facts panel on
//! entity pages, the capped chips on cards, the article's kicker and source line, the footer.

use crate::support::*;

/// The text between `from` and the next `to` after it.
fn between<'a>(html: &'a str, from: &str, to: &str) -> &'a str {
    let start = html
        .find(from)
        .unwrap_or_else(|| panic!("no {from:?} in\n{html}"));
    let rest = &html[start..];
    &rest[..rest.find(to).unwrap_or(rest.len())]
}

#[test]
fn the_models_index_names_domains_and_dates_as_model_pages_do() {
    let site = SiteTest::minimal().file(
        "content/models/tongyi-wanxiang.md",
        "---\nname: Tongyi Wanxiang\ncompany: alibaba-cloud\nmodalities: [image]\ndomain: customer-service\n---\nPainting model.\n",
    );
    site.build().assert_ok();
    let index = site.read("models/index.html");
    assert!(
        index.contains(r#"<td data-label="Domain">Customer service</td>"#),
        "{index}"
    );
    assert!(!index.contains(">customer-service<"), "no raw slug");
    assert!(index.contains(r#"<time datetime="2023-09-21">21 September 2023</time>"#));
    assert!(index.contains(r#"<td data-label="Articles" class="num">"#));
    let model = site.read("models/tongyi-wanxiang/index.html");
    assert!(
        model.contains("<dd>Customer service</dd>"),
        "the page says it the same way"
    );
}

#[test]
fn entity_pages_have_a_facts_panel_with_related_entities_but_not_what_the_facts_name() {
    let site = SiteTest::minimal();
    site.build().assert_ok();
    let model = site.read("models/pangu-medical-model/index.html");
    let panel = between(&model, r#"<aside class="facts-panel""#, "</aside>");
    assert!(panel.contains("<dt>Company</dt>") && panel.contains("Huawei Cloud"));
    assert!(panel.contains("<dt>Released</dt>") && panel.contains("21 September 2023"));
    assert!(
        panel.contains("<dt>Coverage</dt><dd>1 article</dd>"),
        "{panel}"
    );
    let related = between(panel, "Often covered with", "</aside>");
    assert!(related.contains("Computing power"), "{related}");
    assert!(
        !related.contains("Huawei Cloud"),
        "its company is a fact, not a related entity: {related}"
    );
    let company = site.read("companies/huawei-cloud/index.html");
    let footer = between(&company, r#"<footer class="site-footer">"#, "</footer>");
    assert!(
        footer.contains(r#"<a href="/companies/huawei-cloud/feed.xml" type="application/atom+xml">Huawei Cloud feed</a>"#),
        "the footer offers the entity's own feed: {footer}"
    );
    let panel = between(&company, r#"<aside class="facts-panel""#, "</aside>");
    assert!(panel.contains("<dt>Models</dt>") && panel.contains("Pangu Medical Model"));
    let related = between(panel, "Often covered with", "</aside>");
    assert!(related.contains("Alibaba Cloud") && related.contains("Tongyi Wanxiang"));
    assert!(!related.contains("Pangu Medical Model"), "{related}");
    assert!(!related.contains(">Huawei Cloud<"), "not itself: {related}");
    let theme = site.read("themes/computing-power/index.html");
    let panel = between(&theme, r#"<aside class="facts-panel""#, "</aside>");
    assert!(panel.contains("Huawei Cloud") && panel.contains("Pangu Medical Model"));
}

#[test]
fn cards_show_at_most_three_entity_chips_and_how_many_more_under_a_kicker() {
    let site = SiteTest::minimal().file(
        "content/articles/third.md",
        "---\ntitle: Third Story\ndate: 2023-11-01\ncompanies: [alibaba-cloud, huawei-cloud]\nmodels: [tongyi-wanxiang, pangu-medical-model]\nthemes: [computing-power]\n---\nBody.\n",
    );
    site.build().assert_ok();
    let home = site.read("index.html");
    let card = between(&home, r#"<article class="card">"#, "</article>");
    assert!(card.contains("Third Story"), "the newest leads: {card}");
    assert!(
        card.contains(r#"<p class="kicker">Computing power</p>"#),
        "{card}"
    );
    assert_eq!(card.matches(r#"<a class="chip"#).count(), 3, "{card}");
    assert!(card.contains("and 1 more"), "{card}");
}

#[test]
fn articles_show_kicker_source_and_entities_at_the_top_and_pages_a_real_footer() {
    let site = SiteTest::minimal().file(
        "content/articles/first.md",
        "---\ntitle: First Story\ndate: 2023-09-25\nsummary: The first one.\ncompanies: [huawei-cloud]\nthemes: [computing-power]\nsource: { name: Example Daily, url: \"https://example.org/x\" }\n---\nBody.\n",
    );
    site.build().assert_ok();
    let html = site.read("articles/first/index.html");
    let head = between(&html, r#"<header class="article-head">"#, "</header>");
    assert!(
        head.contains(
            r#"<p class="kicker"><a href="/themes/computing-power/">Computing power</a></p>"#
        ),
        "{head}"
    );
    assert!(head.contains(r#"<span class="source-label">Source</span> <a href="https://example.org/x">Example Daily</a>"#), "{head}");
    assert!(
        head.contains(r#"<a href="/companies/huawei-cloud/">Huawei Cloud</a>"#),
        "{head}"
    );
    let footer = between(&html, r#"<footer class="site-footer">"#, "</footer>");
    assert!(
        footer.contains(r#"<a href="/about/">About Test Briefing</a>"#),
        "{footer}"
    );
    assert!(footer.contains(r#"href="/feed.xml""#), "{footer}");
    assert!(footer.contains("© 2023 Test Briefing"), "{footer}");
}

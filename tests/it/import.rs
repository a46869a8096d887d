//! `briefing import`: plain text in the seed's format to Markdown drafts, entity matching, the
//! seed round trip, and files that cannot be imported.

use crate::support::*;
use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

const SEED: &str = "ai-large-models-expand-across-industries";

/// The front matter of a Markdown file as YAML.
fn front_matter(text: &str) -> serde_yaml::Mapping {
    let rest = text
        .strip_prefix("---\n")
        .expect("starts with front matter");
    let end = rest.find("\n---\n").expect("front matter closes");
    serde_yaml::from_str(&rest[..end]).expect("front matter is YAML")
}

fn list(fm: &serde_yaml::Mapping, key: &str) -> BTreeSet<String> {
    fm.get(key)
        .and_then(|v| v.as_sequence())
        .unwrap_or_else(|| panic!("`{key}` is a list in {fm:?}"))
        .iter()
        .map(|v| v.as_str().expect("ids are strings").to_string())
        .collect()
}

fn field<'a>(fm: &'a serde_yaml::Mapping, key: &str) -> &'a str {
    fm.get(key)
        .and_then(|v| v.as_str())
        .unwrap_or_else(|| panic!("`{key}` is a string in {fm:?}"))
}

fn headings(markdown: &str) -> Vec<&str> {
    markdown
        .lines()
        .filter_map(|l| l.strip_prefix("## "))
        .collect()
}

/// Copies this repository's site.yaml and content/ into a fresh temporary site.
fn repository_site() -> SiteTest {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = SiteTest::new();
    site.write("site.yaml", fs::read(repo.join("site.yaml")).unwrap());
    for rel in list_files(&repo.join("content")) {
        site.write(
            &format!("content/{rel}"),
            fs::read(repo.join("content").join(&rel)).unwrap(),
        );
    }
    site
}

fn seed_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/{SEED}.txt"))
}

fn read_article(site: &SiteTest, slug: &str) -> String {
    fs::read_to_string(site.root().join(format!("content/articles/{slug}.md")))
        .unwrap_or_else(|e| panic!("content/articles/{slug}.md: {e}"))
}

#[test]
fn seed_round_trip_names_what_the_sites_own_article_names() {
    let site = repository_site();
    let own = read_article(&site, SEED);
    site.remove(&format!("content/articles/{SEED}.md"));
    let seed = seed_path();
    let run = site.run(&["import", seed.to_str().unwrap(), "--date", "2023-09-25"]);
    run.assert_ok();
    let imported = read_article(&site, SEED);

    let (want, got) = (front_matter(&own), front_matter(&imported));
    for key in ["companies", "models", "themes"] {
        assert_eq!(list(&got, key), list(&want, key), "{key}\n{}", run.stdout());
    }
    assert_eq!(field(&got, "title"), field(&want, "title"));
    assert_eq!(field(&got, "date"), "2023-09-25");
    assert_eq!(field(&got, "status"), "draft");
    assert_eq!(headings(&imported), headings(&own), "section headings");
    let summary = field(&got, "summary");
    assert!(
        own.contains(summary) && summary.ends_with('.'),
        "summary is the opening sentence or two: {summary}"
    );
    assert!(
        imported.contains("\"development is the greatest security.\""),
        "quotations kept as written"
    );
    assert!(run
        .stdout()
        .contains("RunDa Medical Model · Liangyi Xiaohui"));

    // The draft is valid content: check finds no error in it, and it builds once published.
    site.run(&["check"]).assert_ok();
    site.write(
        &format!("content/articles/{SEED}.md"),
        imported.replace("status: draft", "status: published"),
    );
    site.build().assert_ok();
    let page = site.read(&format!("articles/{SEED}/index.html"));
    assert!(
        page.contains(r#"<h2 id="technical-challenges-remain">"#),
        "headings render"
    );
}

fn entity_site() -> SiteTest {
    SiteTest::minimal()
        .file(
            "content/companies/china-mobile.md",
            "---\nname: China Mobile\naliases: [中国移动]\n---\n",
        )
        .file(
            "content/models/jiutian-haizheng.md",
            "---\nname: \"Jiutian · Haizheng Government Model\"\ncompany: china-mobile\n---\n",
        )
        .file(
            "content/themes/computing-power.md",
            "---\nname: Computing power\nkeywords: [GPU chips, computing power networks]\n---\n",
        )
}

const STORY: &str = "Cloud Makers Race Ahead\n-\n华为云与中国移动在北京发布了新模型。 The Jiutian·Haizheng Government Model is out.\nGPU Shortage Bites\n\"We need computing power networks,\" said an engineer. Tongyi Wanxiang painted it.\nAlibaba Cloud's rival, Tencent Cloud, released the Hunyuan model.\n";

#[test]
fn matches_cjk_aliases_middle_dot_names_and_theme_keywords() {
    let site = entity_site();
    site.write("in/story.txt", STORY);
    let run = site.run(&["import", "in/story.txt"]);
    run.assert_ok();
    let md = read_article(&site, "cloud-makers-race-ahead");
    let fm = front_matter(&md);
    assert_eq!(
        list(&fm, "companies"),
        ["alibaba-cloud", "china-mobile", "huawei-cloud"]
            .map(String::from)
            .into()
    );
    assert_eq!(
        list(&fm, "models"),
        ["jiutian-haizheng", "tongyi-wanxiang"]
            .map(String::from)
            .into()
    );
    assert_eq!(list(&fm, "themes"), ["computing-power".to_string()].into());
    assert_eq!(headings(&md), ["GPU Shortage Bites"]);
    assert!(md.contains("\n\"We need computing power networks,\" said an engineer."));
    let out = run.stdout();
    assert!(
        out.contains("\"华为云\""),
        "report shows what matched: {out}"
    );
    assert!(out.contains("\"Tencent Cloud\" (line 6)"), "{out}");
    assert!(out.contains("\"Hunyuan\" (line 6)"), "{out}");
    assert!(
        !site
            .root()
            .join("content/companies/tencent-cloud.md")
            .exists(),
        "suggestions create nothing"
    );
}

#[test]
fn crlf_input_gives_the_same_markdown_as_lf() {
    let site = entity_site();
    site.write("lf.txt", STORY);
    site.write("crlf.txt", STORY.replace('\n', "\r\n"));
    let lf = site.run(&["import", "lf.txt", "--dry-run", "--date", "2024-01-02"]);
    let crlf = site.run(&["import", "crlf.txt", "--dry-run", "--date", "2024-01-02"]);
    lf.assert_ok();
    crlf.assert_ok();
    assert!(!crlf.stdout().contains('\r'));
    assert_eq!(crlf.stdout(), lf.stdout());
}

#[test]
fn dry_run_prints_the_markdown_and_writes_nothing() {
    let site = entity_site();
    site.write("story.txt", STORY);
    let run = site.run(&["import", "story.txt", "--dry-run"]);
    run.assert_ok();
    assert!(run
        .stdout()
        .starts_with("---\ntitle: Cloud Makers Race Ahead\n"));
    assert!(
        run.stderr().contains("would import story.txt"),
        "{}",
        run.stderr()
    );
    assert!(!site
        .root()
        .join("content/articles/cloud-makers-race-ahead.md")
        .exists());
}

#[test]
fn bad_files_fail_by_name_while_the_others_import() {
    let site = entity_site();
    site.write("good.txt", STORY);
    site.write("empty.txt", "");
    site.write("blank.txt", "\n  \n");
    site.write("latin1.txt", b"Titre\n-\nCaf\xe9 au lait.\n");
    site.write("untitled.txt", "-\nA paragraph without a title.\n");
    let run = site.run(&[
        "import",
        "empty.txt",
        "latin1.txt",
        "good.txt",
        "untitled.txt",
        "blank.txt",
        "missing.txt",
    ]);
    run.assert_fails();
    let err = run.stderr();
    for needle in [
        "empty.txt: error: the file is empty",
        "blank.txt: error: the file is empty",
        "latin1.txt:3:4: error: this file is not UTF-8 text",
        "untitled.txt:1: error: the file has no title",
        "missing.txt: error: cannot read this file",
        "5 of 6 file(s) could not be imported",
    ] {
        assert!(err.contains(needle), "stderr lacks {needle:?}:\n{err}");
    }
    assert!(err.contains("hint: save it as UTF-8"), "{err}");
    assert!(run.stdout().contains("imported good.txt"));
    assert!(site
        .root()
        .join("content/articles/cloud-makers-race-ahead.md")
        .exists());
}

#[test]
fn never_overwrites_an_article_without_force() {
    let site = entity_site();
    site.write("story.txt", STORY);
    site.run(&["import", "story.txt"]).assert_ok();
    let rel = "content/articles/cloud-makers-race-ahead.md";
    site.write(rel, "edited by hand");
    site.run(&["import", "story.txt"])
        .assert_fails()
        .assert_stderr_has("content/articles/cloud-makers-race-ahead.md already exists")
        .assert_stderr_has("--force");
    assert_eq!(
        fs::read_to_string(site.root().join(rel)).unwrap(),
        "edited by hand"
    );
    site.run(&["import", "story.txt", "--force", "--status", "review"])
        .assert_ok();
    let md = fs::read_to_string(site.root().join(rel)).unwrap();
    assert_eq!(field(&front_matter(&md), "status"), "review");
}

#[test]
fn refuses_a_slug_another_article_already_uses() {
    // renamed.md already holds the URL that the story's title would give.
    let site = entity_site().file(
        "content/articles/renamed.md",
        "---\ntitle: Renamed\ndate: 2023-01-01\nslug: cloud-makers-race-ahead\n---\nBody.\n",
    );
    site.write("story.txt", STORY);
    site.run(&["import", "story.txt", "--force"])
        .assert_fails()
        .assert_stderr_has("already has an article with the slug `cloud-makers-race-ahead`: content/articles/renamed.md");
}

#[test]
fn dates_come_from_the_flag_then_the_text_then_today() {
    let site = entity_site();
    site.write(
        "dated.txt",
        "Dated Story\n-\nBEIJING, Sept. 25, 2023 — A paragraph.\n",
    );
    let run = site.run(&["import", "dated.txt", "--dry-run"]);
    assert_eq!(field(&front_matter(&run.stdout()), "date"), "2023-09-25");
    assert!(
        run.stderr().contains("found in the text, line 3"),
        "{}",
        run.stderr()
    );
    let run = site.run(&["import", "dated.txt", "--dry-run", "--date", "2024-02-29"]);
    assert_eq!(field(&front_matter(&run.stdout()), "date"), "2024-02-29");

    site.write("undated.txt", "Undated Story\n-\nA paragraph.\n");
    let before = chrono::Local::now().date_naive();
    let run = site.run(&["import", "undated.txt", "--dry-run"]);
    let after = chrono::Local::now().date_naive();
    let date = field(&front_matter(&run.stdout()), "date").to_string();
    assert!(
        [before, after]
            .iter()
            .any(|d| d.format("%Y-%m-%d").to_string() == date),
        "{date}"
    );
    assert!(run.stderr().contains("today: the text gives no date"));
    site.run(&["import", "undated.txt", "--date", "25/09/2023"])
        .assert_stderr_has("is not a date");
}

#[test]
fn plain_text_never_becomes_markup() {
    let site = entity_site();
    site.write(
        "markup.txt",
        "Markup In Plain Text\n-\nPrices rose 5*3 times; snake_case and <script>alert(1)</script> and [a](b.md) stay text.\n# Not a heading, just a hash.\n",
    );
    site.run(&["import", "markup.txt", "--date", "2023-01-01"])
        .assert_ok();
    let rel = "content/articles/markup-in-plain-text.md";
    let md = fs::read_to_string(site.root().join(rel)).unwrap();
    site.write(rel, md.replace("status: draft", "status: published"));
    site.build().assert_ok();
    let html = site.read("articles/markup-in-plain-text/index.html");
    assert!(html.contains("5*3 times; snake_case and &lt;script&gt;alert(1)&lt;/script&gt; and [a](b.md) stay text."), "{html}");
    assert!(
        html.contains("<p># Not a heading, just a hash.</p>"),
        "{html}"
    );
}

#[test]
fn a_chinese_title_takes_its_slug_from_the_file_name() {
    let site = entity_site();
    site.write(
        "ai-news.txt",
        "大模型加速落地\n-\n华为云发布了新模型。中国移动也发布了。\n",
    );
    let run = site.run(&["import", "ai-news.txt", "--date", "2023-09-25"]);
    run.assert_ok();
    let md = read_article(&site, "ai-news");
    let fm = front_matter(&md);
    assert_eq!(field(&fm, "title"), "大模型加速落地");
    assert_eq!(
        field(&fm, "summary"),
        "华为云发布了新模型。中国移动也发布了。"
    );
    assert_eq!(
        list(&fm, "companies"),
        ["china-mobile", "huawei-cloud"].map(String::from).into()
    );
}

#[test]
fn broad_theme_keywords_do_not_tag_an_unrelated_story() {
    // "energy" (industry applications) and "Minister of Science and Technology" (AI governance)
    // used to tag any story that mentioned a power bill or the minister.
    let site = repository_site();
    site.write(
        "grid.txt",
        "Training Runs Strain Grids\n-\nThe energy bill of a GPU cluster grows with every training run. The Minister of Science and Technology visited a data centre on Monday.\n",
    );
    let run = site.run(&["import", "grid.txt", "--dry-run", "--date", "2024-01-02"]);
    run.assert_ok();
    let fm = front_matter(&run.stdout());
    assert_eq!(list(&fm, "themes"), ["computing-power".to_string()].into());
}

//! Content that cannot lie: front matter that would publish a draft or drop a field silently,
//! folders and files a build would skip without a word, scheduling by instant and time zone, and
//! site settings that would be quietly defaulted. Each case is an error or a warning at its line.

use crate::support::*;

/// Article front matter around `fields` (one `key: value` per line), on the minimal site.
fn with_article(fields: &str) -> SiteTest {
    SiteTest::minimal().file(
        "content/articles/zz.md",
        &format!("---\ntitle: Zebra Secret\ndate: 2023-01-01\n{fields}---\nZebra body.\n"),
    )
}

/// Builds once successfully, then asserts that `site` now fails to build, naming `needle`, and
/// that the previous output is left exactly as it was.
#[track_caller]
fn assert_build_refused(site: &SiteTest, needle: &str) -> Run {
    let run = site.build();
    run.assert_fails().assert_stderr_has(needle);
    run
}

#[track_caller]
fn assert_check_says(site: &SiteTest, needle: &str) -> Run {
    let run = site.run(&["check"]);
    assert!(
        run.stdout().contains(needle),
        "check output lacks {needle:?}:\n{}",
        run.stdout()
    );
    run
}

#[test]
fn status_published_with_draft_true_is_an_error() {
    for (fields, shown) in [
        (
            "status: published\ndraft: true\n",
            "`draft: true` contradicts `status: published`",
        ),
        (
            "status: review\ndraft: true\n",
            "`draft: true` contradicts `status: review`",
        ),
        (
            "status: draft\ndraft: false\n",
            "`draft: false` contradicts `status: draft`",
        ),
    ] {
        let site = with_article(fields);
        assert_build_refused(&site, "content/articles/zz.md:5:1: error: ");
        assert_build_refused(&site, shown);
        assert!(!site.exists("articles/zz/index.html"));
        assert_check_says(&site, shown).assert_fails();
    }
    // Agreeing pairs are fine.
    with_article("status: draft\ndraft: true\n")
        .build()
        .assert_ok();
    let site = with_article("status: published\ndraft: false\n");
    site.build().assert_ok();
    assert!(site.exists("articles/zz/index.html"));
}

#[test]
fn draft_in_another_case_or_misspelled_status_is_an_error() {
    for (fields, key, meant) in [
        ("Draft: true\n", "Draft", "draft"),
        ("DRAFT: true\n", "DRAFT", "draft"),
        ("stauts: draft\n", "stauts", "status"),
        ("Status: draft\n", "Status", "status"),
        ("drafts: true\n", "drafts", "draft"),
    ] {
        let site = with_article(fields);
        let run = site.build();
        run.assert_fails().assert_stderr_has(&format!(
            "content/articles/zz.md:4:1: error: unknown field `{key}`: did you mean `{meant}`?"
        ));
        assert!(!site.public().exists(), "{key}: nothing was written");
        assert!(!run.stdout().contains("built"), "{}", run.stdout());
    }
}

#[test]
fn misspelled_keys_are_warnings_with_did_you_mean_for_every_kind() {
    let site = SiteTest::minimal()
        .file("content/articles/zz.md", "---\ntitle: Zebra\ndate: 2023-01-01\ntheme: [computing-power]\ncompnies: [huawei-cloud]\nmood: calm\n---\nZebra.\n")
        .file("content/companies/acme.md", "---\nname: Acme\nwebsit: https://acme.example\nalias: [ACME]\n---\n")
        .file("content/models/roadrunner.md", "---\nname: Roadrunner\ncompany: acme\nmodality: [text]\n---\n")
        .file("content/themes/speed.md", "---\nname: Speed\nKeywords: [fast]\n---\n")
        .file("content/pages/colophon.md", "---\ntitle: Colophon\nsumary: How it is made.\n---\n");
    let run = site.run(&["check"]);
    let out = run.stdout();
    for expected in [
        "content/articles/zz.md:4:1: warning: unknown field `theme`: did you mean `themes`?",
        "content/articles/zz.md:5:1: warning: unknown field `compnies`: did you mean `companies`?",
        "content/companies/acme.md:3:1: warning: unknown field `websit`: did you mean `website`?",
        "content/companies/acme.md:4:1: warning: unknown field `alias`: did you mean `aliases`?",
        "content/models/roadrunner.md:4:1: warning: unknown field `modality`: did you mean `modalities`?",
        "content/themes/speed.md:3:1: warning: unknown field `Keywords`: did you mean `keywords`?",
        "content/pages/colophon.md:3:1: warning: unknown field `sumary`: did you mean `summary`?",
    ] {
        assert!(out.contains(expected), "lacks {expected:?}:\n{out}");
    }
    assert!(
        !out.contains("`mood`"),
        "a key like no known one is extra, quietly: {out}"
    );
    assert!(!out.contains("no problems"), "{out}");
    // A build goes on, prints the warnings, and templates still see the key as `extra`.
    let build = site.build();
    build
        .assert_ok()
        .assert_stderr_has("did you mean `themes`?");
    assert!(build.stdout().contains("warnings"), "{}", build.stdout());
}

#[test]
fn missing_title_names_the_misspelled_key() {
    let site = SiteTest::minimal()
        .file(
            "content/articles/zz.md",
            "---\ntitel: Zebra\ndate: 2023-01-01\n---\nZebra.\n",
        )
        .file(
            "content/models/x.md",
            "---\nname: X\ncompnay: huawei-cloud\n---\n",
        );
    let run = site.build();
    run.assert_fails()
        .assert_stderr_has("content/articles/zz.md:2:1: error: front matter: missing `title`; found `titel`, did you mean `title`?")
        .assert_stderr_has("rename `titel` to `title`")
        .assert_stderr_has("content/models/x.md:3:1: error: front matter: missing `company`; found `compnay`, did you mean `company`?");
}

#[test]
fn duplicate_key_is_reported_at_the_repeat() {
    for (rel, text, line) in [
        (
            "content/articles/zz.md",
            "---\ntitle: A\ndate: 2023-01-01\nsummary: x\ntitle: B\n---\n",
            5,
        ),
        (
            "content/companies/acme.md",
            "---\nname: Acme\ncountry: X\nname: Acme Corp\n---\n",
            4,
        ),
        (
            "content/themes/speed.md",
            "---\nname: Speed\n\nsummary: a\nsummary: b\n---\n",
            5,
        ),
    ] {
        let site = SiteTest::minimal().file(rel, text);
        let key = text
            .lines()
            .nth(line - 1)
            .unwrap()
            .split(':')
            .next()
            .unwrap();
        site.build().assert_fails().assert_stderr_has(&format!(
            "{rel}:{line}:1: error: `{key}` is set twice (first at line"
        ));
    }
}

#[test]
fn merge_key_in_front_matter_is_refused() {
    let site = SiteTest::minimal().file(
        "content/articles/zz.md",
        "---\ntitle: Zebra\ndate: 2023-01-01\nbase: &b {themes: [computing-power]}\n<<: *b\n---\nZebra.\n",
    );
    site.build().assert_fails().assert_stderr_has(
        "content/articles/zz.md:5:1: error: YAML merge keys (`<<`) are not supported",
    );
}

#[test]
fn missing_content_folder_is_an_error_and_the_output_is_untouched() {
    let site = SiteTest::minimal();
    site.build().assert_ok();
    let before = site.list_output();
    let about = site.read("about/index.html");
    std::fs::rename(
        site.root().join("content"),
        site.root().join("content-moved"),
    )
    .unwrap();
    let run = site.build();
    run.assert_fails()
        .assert_stderr_has("there is no content/ folder")
        .assert_stderr_has("--root");
    assert_eq!(site.list_output(), before, "the output is left as it was");
    assert_eq!(site.read("about/index.html"), about);
    site.run(&["check"])
        .assert_fails()
        .assert_stderr_has("no content/ folder");
    // A file named content is no folder either.
    site.write("content", "not a folder");
    site.build()
        .assert_fails()
        .assert_stderr_has("no content/ folder");
    // An empty content/ folder is an empty site, on purpose.
    std::fs::remove_file(site.root().join("content")).unwrap();
    std::fs::create_dir(site.root().join("content")).unwrap();
    site.build().assert_ok();
}

#[test]
fn markdown_files_not_named_md_are_refused() {
    for name in ["x.MD", "x.Md", "x.markdown", "x.mdown"] {
        for folder in ["articles", "pages"] {
            let rel = format!("content/{folder}/{name}");
            let site = SiteTest::minimal().file(&rel, "---\ntitle: X\ndate: 2023-01-01\n---\nX.\n");
            site.build()
                .assert_fails()
                .assert_stderr_has(&format!("{rel}: error: content files must end in `.md`"))
                .assert_stderr_has("rename it to `x.md`");
        }
    }
    // Other files beside content are still left alone.
    SiteTest::minimal()
        .file("content/articles/notes.txt", "notes")
        .file("content/articles/pic.png", "png")
        .build()
        .assert_ok();
}

#[cfg(unix)]
#[test]
fn symlink_in_static_into_content_is_refused() {
    use std::os::unix::fs::symlink;
    let site = SiteTest::minimal().file(
        "content/articles/d.md",
        "---\ntitle: Draft Secret\ndate: 2023-01-01\nstatus: draft\n---\nDraft secret body.\n",
    );
    std::fs::create_dir_all(site.root().join("static/img")).unwrap();
    site.write("static/img/ok.png", "png");
    site.build().assert_ok();
    let before = site.list_output();
    for (link, target) in [
        ("static/sources", "../content"),
        ("static/d.md", "../content/articles/d.md"),
        ("static/img/arts", "../../content/articles"),
    ] {
        symlink(target, site.root().join(link)).unwrap();
        site.build()
            .assert_fails()
            .assert_stderr_has(&format!("{link}: error: symlink points into content/"));
        assert_eq!(site.list_output(), before);
        site.run(&["check"]).assert_fails();
        std::fs::remove_file(site.root().join(link)).unwrap();
    }
    // A link elsewhere inside the site is still followed.
    std::fs::create_dir_all(site.root().join("media")).unwrap();
    site.write("media/logo.svg", "<svg/>");
    symlink("../media", site.root().join("static/media")).unwrap();
    site.build().assert_ok();
    assert!(site.exists("media/logo.svg"));
    assert!(!site.list_output().iter().any(|f| f.ends_with(".md")));
}

/// The minimal site with `site.yaml` replaced by `yaml`.
fn with_settings(yaml: &str) -> SiteTest {
    SiteTest::minimal().file("site.yaml", yaml)
}

#[test]
fn base_url_with_dot_segments_quotes_or_an_empty_port_is_refused() {
    for (url, says) in [
        ("https://e.com/a/../b/", "path segment `..`"),
        ("https://e.com/%2e%2e/", "path segment `%2e%2e`"),
        ("https://e.com/%2E/", "path segment `%2E`"),
        ("https://e.com/a'b/", "contains '\\''"),
        ("https://e.com:/", "port ``"),
        ("https://e.com:8o/", "port `8o`"),
    ] {
        let site = with_settings(&format!("title: T\nbase_url: \"{url}\"\n"));
        site.build()
            .assert_fails()
            .assert_stderr_has("site.yaml:2: error: ")
            .assert_stderr_has(says);
        assert!(!site.public().exists(), "{url}");
        // The same checks hold for --base-url.
        SiteTest::minimal()
            .run(&["build", "--base-url", url])
            .assert_fails()
            .assert_stderr_has(says);
    }
}

#[test]
fn base_url_scheme_is_case_insensitive() {
    let site = with_settings("title: T\nbase_url: HTTPS://Example.com/briefing/\n");
    site.build().assert_ok();
    let feed = site.read("feed.xml");
    assert!(
        feed.contains("https://Example.com/briefing/articles/"),
        "{feed}"
    );
    assert!(!feed.contains("HTTPS://"), "{feed}");
}

#[test]
fn paginate_zero_and_empty_or_null_title_are_errors() {
    for (yaml, line, says) in [
        (
            "title: T\nbase_url: https://e.com/\npaginate: 0\n",
            3,
            "paginate: 0 articles per page",
        ),
        (
            "title: \"\"\nbase_url: https://e.com/\n",
            1,
            "title: the site's title is empty",
        ),
        (
            "title: \"  \"\nbase_url: https://e.com/\n",
            1,
            "title: the site's title is empty",
        ),
        (
            "title: null\nbase_url: https://e.com/\n",
            1,
            "title: the site's title is null",
        ),
        (
            "title: ~\nbase_url: https://e.com/\n",
            1,
            "title: the site's title is null",
        ),
        (
            "title:\nbase_url: https://e.com/\n",
            1,
            "title: the site's title is null",
        ),
    ] {
        let site = with_settings(yaml);
        site.build()
            .assert_fails()
            .assert_stderr_has(&format!("site.yaml:{line}: error: {says}"));
        assert_check_says(&site, says).assert_fails();
    }
}

#[test]
fn merge_key_in_site_yaml_says_merges_are_not_supported() {
    let site = with_settings("defaults: &d\n  title: T\n<<: *d\nbase_url: https://e.com/\n");
    let run = site.build();
    run.assert_fails()
        .assert_stderr_has(
            "site.yaml:3:1: error: site settings: YAML merge keys (`<<`) are not supported",
        )
        .assert_stderr_has("write the settings out in full");
    assert!(!run.stderr().contains("missing field"), "{}", run.stderr());
}

#[test]
fn duplicate_key_in_site_yaml_is_reported_at_the_repeat() {
    let site = with_settings("title: T\nbase_url: https://e.com/\nlanguage: en\ntitle: U\n");
    site.build().assert_fails().assert_stderr_has(
        "site.yaml:4:1: error: site settings: `title` is set twice (first at line 1)",
    );
}

#[test]
fn misspelled_settings_say_did_you_mean() {
    for (yaml, says) in [
        ("titel: T\nbase_url: https://e.com/\n", "site.yaml:1:1: error: site settings: missing `title`; found `titel`, did you mean `title`?"),
        ("title: T\nbase_url: https://e.com/\npaginte: 3\n", "site.yaml:3:1: error: site settings: missing `paginate`; found `paginte`, did you mean `paginate`?"),
        ("title: T\nbase_url: https://e.com/\npaginate: 3\npaginte: 3\n", "site.yaml:4:1: error: site settings: unknown field `paginte`: did you mean `paginate`?"),
        ("title: T\nbase_url: https://e.com/\nautolink:\n  frist_only: false\n", "site.yaml:4:3: error: site settings: autolink: unknown field `frist_only`: did you mean `first_only`?"),
    ] {
        with_settings(yaml).build().assert_fails().assert_stderr_has(says);
    }
}

/// Builds `site` as of `now` (RFC 3339) and says whether the article `slug` was published.
fn published_at(site: &SiteTest, now: &str, slug: &str) -> bool {
    site.run_with_env(&["build"], &[("BRIEFING_NOW", now)])
        .assert_ok();
    site.exists(&format!("articles/{slug}/index.html"))
}

#[test]
fn article_dated_with_a_time_waits_until_that_instant() {
    let site = SiteTest::minimal().file(
        "content/articles/late.md",
        "---\ntitle: Late Night Secret\ndate: 2026-12-01T23:30:00-05:00\n---\nLate.\n",
    );
    // 23:30 in New York is 04:30 UTC the next day; the calendar date alone would say 1 December.
    assert!(!published_at(&site, "2026-12-01T23:59:00Z", "late"));
    assert!(!published_at(&site, "2026-12-02T04:29:00Z", "late"));
    assert!(!site.read("feed.xml").contains("Late Night Secret"));
    assert!(published_at(&site, "2026-12-02T04:30:00Z", "late"));
    assert!(site.read("feed.xml").contains("Late Night Secret"));
    // The same instant in another offset is the same instant.
    assert!(published_at(&site, "2026-12-02T12:30:00+08:00", "late"));
    assert!(!published_at(&site, "2026-12-02T12:29:00+08:00", "late"));
}

#[test]
fn date_only_article_goes_out_on_that_day_in_the_site_time_zone() {
    let article = "---\ntitle: Day Story\ndate: 2026-12-02\n---\nDay.\n";
    // Default: UTC.
    let utc = SiteTest::minimal().file("content/articles/day.md", article);
    assert!(!published_at(&utc, "2026-12-01T23:59:00Z", "day"));
    assert!(published_at(&utc, "2026-12-02T00:00:00Z", "day"));
    // In Shanghai, 2 December starts at 16:00 UTC on 1 December.
    let shanghai = SiteTest::minimal()
        .file(
            "site.yaml",
            &format!("{SITE_YAML}timezone: Asia/Shanghai\n"),
        )
        .file("content/articles/day.md", article);
    assert!(!published_at(&shanghai, "2026-12-01T15:59:00Z", "day"));
    assert!(published_at(&shanghai, "2026-12-01T16:00:00Z", "day"));
    // And `check` judges "after now" by the same rule.
    let run = shanghai.run_with_env(&["check"], &[("BRIEFING_NOW", "2026-12-01T15:59:00Z")]);
    assert!(
        run.stdout()
            .contains("after now (2026-12-01 23:59 in Asia/Shanghai)"),
        "{}",
        run.stdout()
    );
    let run = shanghai.run_with_env(&["check"], &[("BRIEFING_NOW", "2026-12-01T16:00:00Z")]);
    assert!(!run.stdout().contains("after now"), "{}", run.stdout());
}

#[test]
fn unknown_time_zone_is_an_error_with_did_you_mean() {
    for (zone, says) in [
        ("Asia/Shangai", "did you mean `Asia/Shanghai`?"),
        ("europe/paris", "did you mean `Europe/Paris`?"),
        ("Mars/Olympus", "write an IANA time zone name"),
    ] {
        let site = SiteTest::minimal().file("site.yaml", &format!("{SITE_YAML}timezone: {zone}\n"));
        let line = SITE_YAML.lines().count() + 1;
        site.build()
            .assert_fails()
            .assert_stderr_has(&format!(
                "site.yaml:{line}: error: timezone: `{zone}` is not a time zone name"
            ))
            .assert_stderr_has(says);
        assert!(!site.public().exists());
    }
}

/// A site with one of nearly every problem a check can report: bad front matter of every kind,
/// misplaced files, broken references and links, editorial warnings.
fn site_with_every_problem() -> SiteTest {
    let site = SiteTest::minimal()
        .file("content/articles/conflict.md", "---\ntitle: C\ndate: 2023-01-01\nstatus: published\ndraft: true\n---\nC.\n")
        .file("content/articles/typos.md", "---\ntitle: Typos\ndate: 2023-01-01\ntheme: [x]\nDraft: true\n---\nT.\n")
        .file("content/articles/titel.md", "---\ntitel: T\ndate: 2023-01-01\n---\nT.\n")
        .file("content/articles/twice.md", "---\ntitle: A\ntitle: B\ndate: 2023-01-01\n---\n")
        .file("content/articles/merge.md", "---\nbase: &b {title: M}\n<<: *b\ndate: 2023-01-01\n---\n")
        .file("content/articles/refs.md", "---\ntitle: Refs\ndate: 2023-01-01\ncompanies: [huawei-clod, Huawei Cloud]\nthemes: [nope]\nsource: { name: X, url: \"javascript:alert(1)\" }\n---\nSee [gone](gone.md), [up](../../../x.md), [anchor](first.md#nowhere), [web](htps://example.org) and ![](../../static/none.png).\n")
        .file("content/articles/baddate.md", "---\ntitle: Bad date\ndate: 25/09/2023\n---\n")
        .file("content/articles/future.md", "---\ntitle: First Story\ndate: 2999-01-01\n---\nLater.\n")
        .file("content/articles/empty.md", "")
        .file("content/articles/nofm.md", "just text\n")
        .file("content/articles/open.md", "---\ntitle: [unclosed\ndate: 2023-01-01\n---\n")
        .file("content/articles/2023/nested.md", "---\ntitle: N\ndate: 2023-01-01\n---\n")
        .file("content/notes/x.md", "---\ntitle: N\n---\n")
        .file("content/articles/upper.MD", "---\ntitle: U\ndate: 2023-01-01\n---\n")
        .file("content/companies/Bad_Id.md", "---\nname: Bad\nwebsite: \"javascript:x\"\nwebsit: x\n---\n")
        .file("content/companies/blank.md", "---\nname: \"  \"\n---\n")
        .file("content/models/orphan.md", "---\nname: Orphan\ncompany: nobody\n---\n")
        .file("content/themes/unnamed.md", "---\nname: Unnamed\n---\n")
        .file("content/pages/bad-slug.md", "---\ntitle: P\nslug: Not A Slug\n---\n");
    site.write(
        "content/articles/latin1.md",
        b"---\ntitle: caf\xe9\ndate: 2023-01-01\n---\n",
    );
    site
}

#[test]
fn every_finding_has_a_hint() {
    let site = site_with_every_problem();
    let run = site.run(&["check", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout()).expect("JSON report");
    let findings = json["findings"].as_array().unwrap();
    assert!(
        findings.len() >= 30,
        "the fixture finds many problems: {}",
        findings.len()
    );
    let hintless: Vec<&serde_json::Value> = findings
        .iter()
        .filter(|f| f["hint"].as_str().is_none_or(|h| h.trim().is_empty()))
        .collect();
    assert!(
        hintless.is_empty(),
        "findings without a hint:\n{hintless:#?}"
    );
    // A build prints the same problems, each followed by its hint.
    let build = site.build();
    build.assert_fails();
    let err = build.stderr();
    let lines: Vec<&str> = err.lines().collect();
    for (i, l) in lines.iter().enumerate() {
        if l.contains(": error: ") || l.contains(": warning: ") {
            let next = lines.get(i + 1).copied().unwrap_or("");
            assert!(
                next.trim_start().starts_with("= hint: ") && next.len() > 12,
                "no hint after {l:?}"
            );
        }
    }
}

#[test]
fn duplicate_key_inside_a_mapping_is_reported_at_the_repeat() {
    let site = SiteTest::minimal().file(
        "content/articles/zz.md",
        "---\ntitle: Z\ndate: 2023-01-01\nsource: {name: A, url: \"https://a.example/\", name: B}\n---\n",
    );
    site.build().assert_fails().assert_stderr_has(
        "content/articles/zz.md:4:46: error: front matter: source: duplicate field `name`",
    );
    let site = SiteTest::minimal().file(
        "content/articles/zz.md",
        "---\ntitle: Z\ndate: 2023-01-01\nsource:\n  name: A\n  url: \"https://a.example/\"\n  name: B\n---\n",
    );
    site.build().assert_fails().assert_stderr_has(
        "content/articles/zz.md:7:3: error: front matter: source: duplicate field `name`",
    );
    let site = with_settings(
        "title: T\nbase_url: https://e.com/\nautolink:\n  enabled: true\n  kinds: [models]\n  enabled: false\n",
    );
    site.build()
        .assert_fails()
        .assert_stderr_has(
            "site.yaml:6:3: error: site settings: autolink: duplicate field `enabled`",
        )
        .assert_stderr_has("keep one of the two");
}

#[test]
fn null_or_empty_title_and_name_are_errors_in_front_matter() {
    for (rel, text, says) in [
        (
            "content/articles/zz.md",
            "---\ntitle: null\ndate: 2023-01-01\n---\n",
            "`title` is null",
        ),
        (
            "content/articles/zz.md",
            "---\ntitle: ~\ndate: 2023-01-01\n---\n",
            "`title` is null",
        ),
        (
            "content/articles/zz.md",
            "---\ntitle:\ndate: 2023-01-01\n---\n",
            "`title` is null",
        ),
        (
            "content/pages/zz.md",
            "---\ntitle: \"\"\n---\n",
            "`title` is empty",
        ),
        (
            "content/companies/zz.md",
            "---\nname: ~\n---\n",
            "`name` is null",
        ),
        (
            "content/themes/zz.md",
            "---\nname: null\n---\n",
            "`name` is null",
        ),
        (
            "content/models/zz.md",
            "---\nname: null\ncompany: huawei-cloud\n---\n",
            "`name` is null",
        ),
    ] {
        SiteTest::minimal()
            .file(rel, text)
            .build()
            .assert_fails()
            .assert_stderr_has(&format!("{rel}:2:1: error: {says}"));
    }
    // Quoted, the word is a title like any other.
    SiteTest::minimal()
        .file(
            "content/articles/zz.md",
            "---\ntitle: \"null\"\ndate: 2023-01-01\n---\n",
        )
        .build()
        .assert_ok();
}

#[test]
fn briefing_now_that_is_not_a_timestamp_is_refused() {
    let site = SiteTest::minimal();
    for bad in ["2026-12-01", "tomorrow", "2026-12-01T10:00:00"] {
        site.run_with_env(&["build"], &[("BRIEFING_NOW", bad)])
            .assert_fails()
            .assert_stderr_has("BRIEFING_NOW")
            .assert_stderr_has("is not an RFC 3339 timestamp");
        assert!(!site.public().exists());
        site.run_with_env(&["check"], &[("BRIEFING_NOW", bad)])
            .assert_fails()
            .assert_stderr_has("is not an RFC 3339 timestamp");
    }
}

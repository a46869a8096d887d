//! `briefing check`: every kind of finding at its file and line, quiet on a clean site and on this
//! repository's own site, the JSON schema and exit codes; `check --links` over a built folder.

use crate::support::*;
use serde_json::Value;

/// A site with nothing to report: every field filled, every entity named, every link good.
fn clean_site() -> SiteTest {
    let t = SiteTest::new()
        .file("content/companies/huawei-cloud.md", "---\nname: Huawei Cloud\nsummary: Cloud arm of Huawei.\nwebsite: https://www.huaweicloud.com\n---\nMakers of [Pangu](../models/pangu.md).\n")
        .file("content/models/pangu.md", "---\nname: Pangu\ncompany: huawei-cloud\nsummary: Huawei Cloud's models.\n---\nSee the [first story](../articles/first.md).\n")
        .file("content/themes/computing-power.md", "---\nname: Computing power\nsummary: GPUs and networks.\n---\n")
        .file("content/articles/first.md", FIRST)
        .file("content/articles/second.md", "---\ntitle: Second Story\ndate: 2023-10-01\nsummary: The second one.\ncompanies: [huawei-cloud]\n---\nOpening.\n\n## Details\n\nMore.\n")
        .file("content/pages/about.md", "---\ntitle: About\n---\nWe write briefings. Mail [us](mailto:desk@example.org).\n");
    // A real PNG: a body image that is not one is an error (tests/it/images.rs).
    t.write("static/chart.png", crate::images::png(8, 8));
    t
}

const FIRST: &str = "---\ntitle: First Story\ndate: 2023-09-25\nsummary: The first one.\ncompanies: [huawei-cloud]\nmodels: [pangu]\nthemes: [computing-power]\nsource: { name: Example Daily, url: \"https://example.org/x\" }\n---\nBody. See [the second](second.md#details) and [the web](https://example.org/a?b=c#d).\n\n![A chart of GPU prices](../../static/chart.png)\n";

/// The 1-based line of `text` that contains `needle`.
#[track_caller]
fn line_of(text: &str, needle: &str) -> u64 {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} not in {text}")) as u64
        + 1
}

/// Runs `check --format json` and returns the parsed report and the run.
fn check_json(site: &SiteTest) -> (Value, Run) {
    let run = site.run(&["check", "--format", "json"]);
    let json: Value = serde_json::from_str(&run.stdout())
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", run.stdout()));
    (json, run)
}

fn findings(json: &Value) -> &Vec<Value> {
    json["findings"].as_array().expect("findings is an array")
}

/// Panics unless there is a finding with this rule and severity at `path:line`; returns its message.
#[track_caller]
fn assert_finding(json: &Value, rule: &str, severity: &str, path: &str, line: u64) -> String {
    let all = findings(json);
    let hit = all.iter().find(|f| {
        f["rule"] == rule && f["severity"] == severity && f["path"] == path && f["line"] == line
    });
    match hit {
        Some(f) => f["message"].as_str().unwrap().to_string(),
        None => panic!(
            "no {severity} `{rule}` at {path}:{line}; findings:\n{}",
            serde_json::to_string_pretty(all).unwrap()
        ),
    }
}

#[test]
fn a_clean_site_is_quiet_and_nothing_is_written() {
    let site = clean_site();
    let run = site.run(&["check"]);
    run.assert_ok();
    assert!(
        run.stdout().ends_with(": no problems\n") && !run.stdout().contains("warning"),
        "{}",
        run.stdout()
    );
    assert!(!site.public().exists(), "check writes no output");
    site.build().assert_ok();
}

#[test]
fn this_repositorys_own_site_has_no_errors() {
    let repo = env!("CARGO_MANIFEST_DIR");
    let site = SiteTest::new();
    let run = site.run(&["check", "--root", repo, "--format", "json"]);
    run.assert_ok();
    let json: Value = serde_json::from_str(&run.stdout()).unwrap();
    assert_eq!(json["summary"]["errors"], 0, "{}", run.stdout());
}

#[test]
fn broken_links_and_anchors_are_found_at_their_line() {
    let text = "---\ntitle: Third\ndate: 2023-01-01\nsummary: S.\ncompanies: [huawei-cloud]\n---\nIntro.\n\nSee [gone](missing.md) here.\n\nAnd [the part](second.md#nope).\n";
    let site = clean_site().file("content/articles/third.md", text);
    let (json, run) = check_json(&site);
    run.assert_fails();
    let p = "content/articles/third.md";
    let msg = assert_finding(&json, "build", "error", p, line_of(text, "[gone]"));
    assert!(msg.contains("missing.md"), "{msg}");
    assert_finding(&json, "build", "warning", p, line_of(text, "#nope"));
}

#[test]
fn unknown_ids_and_duplicate_slugs_are_errors() {
    let text = "---\ntitle: Third\ndate: 2023-01-01\nsummary: S.\ncompanies: [huawei-clod]\nslug: first\n---\nText.\n";
    let site = clean_site().file("content/articles/third.md", text);
    let (json, run) = check_json(&site);
    run.assert_fails();
    let p = "content/articles/third.md";
    let msg = assert_finding(&json, "build", "error", p, line_of(text, "huawei-clod"));
    assert!(msg.contains("unknown company id `huawei-clod`"), "{msg}");
    let msg = assert_finding(&json, "build", "error", p, line_of(text, "slug:"));
    assert!(msg.contains("two files claim the URL"), "{msg}");
}

#[test]
fn duplicate_titles_are_warnings_naming_the_other_file() {
    let text = "---\ndate: 2023-01-01\ntitle: First  story\nsummary: S.\ncompanies: [huawei-cloud]\n---\nText.\n";
    let site = clean_site().file("content/articles/third.md", text);
    let (json, run) = check_json(&site);
    run.assert_ok();
    let msg = assert_finding(
        &json,
        "duplicate-title",
        "warning",
        "content/articles/third.md",
        line_of(text, "title:"),
    );
    assert!(msg.contains("content/articles/first.md"), "{msg}");
}

#[test]
fn missing_summaries_are_warnings() {
    let text = "---\ndate: 2023-01-01\ntitle: Third\ncompanies: [huawei-cloud]\n---\nText.\n";
    let theme = "---\nname: Open source\n---\n";
    let site = clean_site()
        .file("content/articles/third.md", text)
        .file("content/themes/open-source.md", theme);
    let (json, run) = check_json(&site);
    run.assert_ok();
    assert_finding(
        &json,
        "missing-summary",
        "warning",
        "content/articles/third.md",
        line_of(text, "title:"),
    );
    assert_finding(
        &json,
        "missing-summary",
        "warning",
        "content/themes/open-source.md",
        line_of(theme, "name:"),
    );
}

#[test]
fn images_without_alt_text_are_warnings() {
    let text = "---\ntitle: Third\ndate: 2023-01-01\nsummary: S.\ncompanies: [huawei-cloud]\n---\nText.\n\n![](../../static/chart.png)\n";
    let site = clean_site().file("content/articles/third.md", text);
    let (json, _) = check_json(&site);
    assert_finding(
        &json,
        "image-alt",
        "warning",
        "content/articles/third.md",
        line_of(text, "![]"),
    );
}

#[test]
fn entities_no_published_article_names_are_warnings() {
    let lonely = "---\nsummary: Nobody writes about it.\nname: Tencent Cloud\n---\n";
    let drafted = "---\nname: Baidu\nsummary: Only a draft names it.\n---\n";
    let draft = "---\ntitle: Draft\ndate: 2023-01-01\nsummary: S.\nstatus: draft\ncompanies: [baidu]\n---\nText.\n";
    let site = clean_site()
        .file("content/companies/tencent-cloud.md", lonely)
        .file("content/companies/baidu.md", drafted)
        .file("content/articles/draft.md", draft);
    let (json, run) = check_json(&site);
    run.assert_ok();
    let msg = assert_finding(
        &json,
        "unnamed-entity",
        "warning",
        "content/companies/tencent-cloud.md",
        line_of(lonely, "name:"),
    );
    assert_eq!(msg, "no article names this company");
    let msg = assert_finding(
        &json,
        "unnamed-entity",
        "warning",
        "content/companies/baidu.md",
        line_of(drafted, "name:"),
    );
    assert!(msg.contains("content/articles/draft.md"), "{msg}");
}

#[test]
fn future_dates_are_warnings_except_on_drafts() {
    let text =
        "---\ntitle: Later\nsummary: S.\ncompanies: [huawei-cloud]\ndate: 2999-01-01\n---\nText.\n";
    let draft = text
        .replace("title: Later", "title: Later draft")
        .replace("---\nText", "status: draft\n---\nText");
    let site = clean_site()
        .file("content/articles/later.md", text)
        .file("content/articles/later-draft.md", &draft);
    let (json, run) = check_json(&site);
    run.assert_ok();
    let msg = assert_finding(
        &json,
        "future-date",
        "warning",
        "content/articles/later.md",
        line_of(text, "date:"),
    );
    assert!(msg.contains("2999-01-01"), "{msg}");
    assert!(
        !findings(&json)
            .iter()
            .any(|f| f["path"] == "content/articles/later-draft.md"),
        "a draft may be dated ahead"
    );
}

#[test]
fn malformed_external_urls_are_errors() {
    let text = "---\ntitle: Third\ndate: 2023-01-01\nsummary: S.\ncompanies: [huawei-cloud]\n---\nText.\n\nRead [this](https:/example.org/x) and [that](htps://example.org).\n";
    // A front-matter link that is no web address stops the file at parse time, as build does.
    let sourced = "---\ntitle: Fourth\ndate: 2023-01-01\nsummary: S.\nsource: { name: Daily, url: \"https//example.org\" }\n---\nText.\n";
    let company = "---\nname: Huawei Cloud\nsummary: Cloud arm of Huawei.\nwebsite: \"https://huaweicloud\"\n---\n";
    let site = clean_site()
        .file("content/articles/third.md", text)
        .file("content/articles/fourth.md", sourced)
        .file("content/companies/huawei-cloud.md", company);
    let (json, run) = check_json(&site);
    run.assert_fails();
    let p = "content/articles/third.md";
    let body = line_of(text, "[this]");
    let msgs: Vec<String> = findings(&json)
        .iter()
        .filter(|f| f["rule"] == "external-url" && f["path"] == p && f["line"] == body)
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(msgs.len(), 2, "{msgs:?}");
    assert!(msgs.iter().any(|m| m.contains("needs `//`")), "{msgs:?}");
    assert!(msgs.iter().any(|m| m.contains("`htps:`")), "{msgs:?}");
    let msg = assert_finding(
        &json,
        "build",
        "error",
        "content/articles/fourth.md",
        line_of(sourced, "source:"),
    );
    assert!(msg.contains("is not a web address"), "{msg}");
    let msg = assert_finding(
        &json,
        "external-url",
        "error",
        "content/companies/huawei-cloud.md",
        line_of(company, "website:"),
    );
    assert!(msg.contains("no domain ending"), "{msg}");
}

#[test]
fn drafts_are_checked_too() {
    let draft = "---\ntitle: Draft\ndate: 2023-01-01\nsummary: S.\nstatus: review\nmodels: [pangoo]\n---\nSee [x](nowhere.md).\n";
    let site = clean_site().file("content/articles/draft.md", draft);
    site.build().assert_ok();
    let (json, run) = check_json(&site);
    run.assert_fails();
    let msg = assert_finding(
        &json,
        "build",
        "error",
        "content/articles/draft.md",
        line_of(draft, "pangoo"),
    );
    assert!(msg.contains("pangoo"), "{msg}");
    assert_finding(
        &json,
        "build",
        "error",
        "content/articles/draft.md",
        line_of(draft, "nowhere.md"),
    );
}

#[test]
fn json_report_has_the_documented_schema_and_counts() {
    let text = "---\ntitle: Third\ndate: 2023-01-01\ncompanies: [nobody]\n---\n![](x.png)\n";
    let site = clean_site().file("content/articles/third.md", text);
    let (json, run) = check_json(&site);
    run.assert_fails().assert_stderr_has("check found");
    assert_eq!(json["version"], 1);
    let all = findings(&json);
    for f in all {
        for key in [
            "severity", "rule", "path", "line", "column", "message", "hint",
        ] {
            assert!(f.get(key).is_some(), "{key} missing in {f}");
        }
        assert!(f["severity"] == "error" || f["severity"] == "warning");
    }
    let count = |s: &str| all.iter().filter(|f| f["severity"] == s).count() as u64;
    assert_eq!(json["summary"]["errors"], count("error"));
    assert_eq!(json["summary"]["warnings"], count("warning"));
    assert!(count("error") >= 2 && count("warning") >= 2, "{json}");
    assert!(json["summary"]["files"].as_u64().unwrap() >= 7);

    let text_run = site.run(&["check"]);
    text_run.assert_fails();
    let out = text_run.stdout();
    assert!(
        out.contains("content/articles/third.md:4:")
            && out.contains("error: unknown company id `nobody`"),
        "{out}"
    );
    assert!(out.contains("  = hint: "), "{out}");
}

#[test]
fn a_broken_site_yaml_is_a_finding_not_a_crash() {
    let site = clean_site().file("site.yaml", "title: [unclosed\n");
    let (json, run) = check_json(&site);
    run.assert_fails();
    assert_eq!(findings(&json)[0]["path"], "site.yaml");
}

// ----------------------------------------------------------------------------------------------
// check --links: the audit of a built output folder.

#[test]
fn link_audit_passes_on_a_good_build_at_the_root() {
    let site = clean_site();
    site.build().assert_ok();
    let run = site.run(&["check", "--links", "public"]);
    run.assert_ok();
    assert!(
        run.stdout().contains("served under /: no problems"),
        "{}",
        run.stdout()
    );
}

#[test]
fn link_audit_passes_on_a_good_build_under_a_sub_path() {
    let site = clean_site().file(
        "site.yaml",
        "title: T\nbase_url: https://example.github.io/briefing/\n",
    );
    site.build().assert_ok();
    // The base path comes from site.yaml by default ...
    let run = site.run(&["check", "--links", "public/"]);
    run.assert_ok();
    assert!(
        run.stdout()
            .contains("served under /briefing/: no problems"),
        "{}",
        run.stdout()
    );
    // ... and --base-url overrides it.
    let run = site.run(&[
        "check",
        "--links",
        "public",
        "--base-url",
        "https://example.github.io/briefing",
    ]);
    run.assert_ok();
}

#[test]
fn link_audit_finds_a_deliberately_broken_href() {
    let site = clean_site();
    site.run(&["build", "--base-url", "https://example.github.io/briefing/"])
        .assert_ok();
    let page = site.public().join("articles/first/index.html");
    let html = std::fs::read_to_string(&page).unwrap();
    let broken = html.replacen(
        "</main>",
        "<p><a href=\"/briefing/articles/nowhere/\">gone</a> <img src=\"../../img/missing.png\" alt=\"x\"></p></main>",
        1,
    );
    assert_ne!(broken, html, "the page has a </main> to insert before");
    std::fs::write(&page, &broken).unwrap();
    let run = site.run(&[
        "check",
        "--links",
        "public",
        "--base-url",
        "https://example.github.io/briefing/",
        "--format",
        "json",
    ]);
    run.assert_fails();
    let json: Value = serde_json::from_str(&run.stdout()).unwrap();
    let line = line_of(&broken, "/briefing/articles/nowhere/");
    let p = "public/articles/first/index.html";
    let msg = assert_finding(&json, "broken-link", "error", p, line);
    assert!(msg.contains("articles/nowhere/index.html"), "{msg}");
    assert!(
        findings(&json)
            .iter()
            .any(|f| f["message"].as_str().unwrap().contains("img/missing.png")),
        "{json}"
    );
    assert_eq!(
        json["summary"]["errors"], 2,
        "only the two broken links: {json}"
    );
}

#[test]
fn link_audit_catches_a_build_made_for_the_wrong_base_path() {
    let site = clean_site();
    site.build().assert_ok(); // built for https://example.com/
    let run = site.run(&[
        "check",
        "--links",
        "public",
        "--base-url",
        "https://example.github.io/briefing/",
    ]);
    run.assert_fails();
    assert!(
        run.stdout()
            .contains("is outside the site's base path /briefing/"),
        "{}",
        run.stdout()
    );
    site.run(&["check", "--links", "nothing-here"])
        .assert_fails()
        .assert_stderr_has("there is no output folder here");
}

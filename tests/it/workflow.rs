//! The editorial workflow: drafts, review and scheduled articles, preview builds and their review
//! desk, `--future`, and `briefing new`.

use crate::support::*;
use std::fs;

/// The minimal site plus one article in each unpublished state, each with a distinctive title.
fn site_with_unpublished() -> SiteTest {
    SiteTest::minimal()
        .file("content/articles/d.md", "---\ntitle: Zebra Draft Secret\ndate: 2023-12-01\nstatus: draft\nsummary: Zebra summary.\ncompanies: [huawei-cloud]\nauthors: [Ann Editor]\n---\nzebra body words here\n")
        .file("content/articles/r.md", "---\ntitle: Yak Review Secret\ndate: 2023-11-01\nstatus: review\nthemes: [computing-power]\n---\nyak body\n")
        .file("content/articles/s.md", "---\ntitle: Walrus Scheduled Secret\ndate: 2999-01-01\nsummary: Walrus summary.\nmodels: [tongyi-wanxiang]\n---\nwalrus body\n")
}

fn preview_file(site: &SiteTest, rel: &str) -> String {
    let p = site.root().join("preview").join(rel);
    fs::read_to_string(&p).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; preview has:\n{}",
            p.display(),
            list_files(&site.root().join("preview")).join("\n")
        )
    })
}

#[test]
fn scheduled_articles_stay_out_of_a_published_build() {
    let site = site_with_unpublished().file(
        "content/articles/linker.md",
        "---\ntitle: Linker\ndate: 2023-01-01\n---\nSee [soon](s.md) and [draft](d.md).\n",
    );
    site.build().assert_ok();
    for f in site.list_output() {
        let text = fs::read_to_string(site.public().join(&f)).unwrap_or_default();
        for secret in [
            "Walrus",
            "walrus",
            "/articles/s/",
            "Zebra",
            "/articles/d/",
            "Yak",
        ] {
            assert!(!text.contains(secret), "{secret} leaked into {f}");
        }
    }
    let linker = site.read("articles/linker/index.html");
    assert!(
        linker.contains("See soon and draft."),
        "links unlinked, text kept: {linker}"
    );
    // Counts shown on entity pages count published articles only.
    let company = site.read("companies/huawei-cloud/index.html");
    assert!(company.contains("2 articles"), "{company}");
    assert!(!site.root().join("preview").exists());
}

#[test]
fn future_flag_publishes_scheduled_articles_but_never_drafts() {
    let site = site_with_unpublished();
    site.run(&["build", "--future"]).assert_ok();
    let page = site.read("articles/s/index.html");
    assert!(page.contains("Walrus Scheduled Secret"));
    assert!(
        !page.contains("status-banner"),
        "no banner outside a preview"
    );
    assert!(site.read("feed.xml").contains("Walrus Scheduled Secret"));
    assert!(!site.exists("articles/d/index.html") && !site.exists("articles/r/index.html"));
}

#[test]
fn preview_build_marks_every_unpublished_article_and_goes_to_preview() {
    let site = site_with_unpublished();
    let run = site.run(&["build", "--drafts"]);
    run.assert_ok();
    assert!(run.stdout().contains("preview"), "{}", run.stdout());
    assert!(!site.public().exists(), "a preview never writes public/");
    for (rel, banner) in [
        ("articles/d/index.html", "Draft — not published"),
        ("articles/r/index.html", "In review"),
        ("articles/s/index.html", "Scheduled for 1 January 2999"),
    ] {
        let page = preview_file(&site, rel);
        assert!(page.contains(banner), "{rel} lacks {banner:?}");
    }
    assert!(!preview_file(&site, "articles/first/index.html").contains("status-banner"));
    for f in list_files(&site.root().join("preview"))
        .into_iter()
        .filter(|f| f.ends_with(".html"))
    {
        assert!(
            preview_file(&site, &f).contains(r#"<meta name="robots" content="noindex">"#),
            "{f} lacks noindex"
        );
    }
    assert!(preview_file(&site, "robots.txt").contains("Disallow: /"));
    for f in ["feed.xml", "sitemap.xml"] {
        let text = preview_file(&site, f);
        for secret in [
            "Zebra",
            "Yak",
            "Walrus",
            "/articles/d/",
            "/articles/r/",
            "/articles/s/",
        ] {
            assert!(!text.contains(secret), "{secret} in the preview's {f}");
        }
    }
    let feed = preview_file(&site, "feed.xml");
    assert!(
        feed.contains("Second Story"),
        "published articles stay in the feed"
    );
    // Lists show them as readers would, marked.
    let company = preview_file(&site, "companies/huawei-cloud/index.html");
    assert!(company.contains("Zebra Draft Secret") && company.contains("3 articles"));
}

#[test]
fn review_desk_lists_unpublished_articles_with_what_is_wrong() {
    let site = site_with_unpublished()
        .file("content/articles/broken.md", "---\ntitle: Quokka Broken Draft\ndate: 2023-10-10\ndraft: true\ncompanies: [huawei-clod]\n---\nSee [gone](../models/nothing-here.md).\n");
    site.run(&["build", "--drafts"]).assert_ok();
    let desk = preview_file(&site, "review/index.html");
    for needle in [
        "Zebra Draft Secret",
        "Yak Review Secret",
        "Walrus Scheduled Secret",
        "Quokka Broken Draft",
        r#"href="/articles/d/""#,
        r#"href="/articles/broken/""#,
        "Draft — not published",
        "In review",
        "Scheduled for 1 January 2999",
        "Ann Editor",
        "1 December 2023",
        "content/articles/broken.md:5:13",
        "unknown company id `huawei-clod`",
        "did you mean `huawei-cloud`?",
        "content/articles/broken.md:7:5",
        "points at nothing",
        "no summary",
        "names no companies, models or themes",
    ] {
        assert!(desk.contains(needle), "desk lacks {needle:?}:\n{desk}");
    }
    assert!(
        !desk.contains("First Story"),
        "published articles are not on the desk"
    );
    // The draft's row has its word count (4 words).
    let row = &desk[desk.find("Zebra Draft Secret").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(
        row.contains("<td class=\"num\" data-label=\"Words\">4</td>"),
        "{row}"
    );
    assert!(row.contains("nothing: ready"), "{row}");
    // Stacked at phone width the header row is hidden: each fact carries its column's name.
    for label in ["Status", "Authors", "Date", "Words", "Still to do"] {
        assert!(
            row.contains(&format!("data-label=\"{label}\"")),
            "{label}: {row}"
        );
    }
    assert!(preview_file(&site, "index.html").contains(r#"href="/review/""#));
}

#[test]
fn errors_in_published_articles_still_fail_a_preview_build() {
    let site = site_with_unpublished().file(
        "content/articles/bad.md",
        "---\ntitle: Bad\ndate: 2023-01-01\ncompanies: [huawei-clod]\n---\nx\n",
    );
    let run = site.run(&["build", "--drafts"]);
    run.assert_fails();
    run.assert_stderr_has("content/articles/bad.md:4:13: error: unknown company id");
    // ...while the same problem in a draft does not stop a published build either: drafts are left out.
    let site = site_with_unpublished().file(
        "content/articles/bad.md",
        "---\ntitle: Bad\ndate: 2023-01-01\nstatus: draft\ncompanies: [huawei-clod]\n---\nx\n",
    );
    site.build().assert_ok();
}

#[test]
fn desk_is_only_in_previews() {
    let site = site_with_unpublished();
    site.build().assert_ok();
    assert!(!site.exists("review/index.html"));
    assert!(!site.read("index.html").contains("/review/"));
}

// ---- briefing new ----

#[test]
fn new_article_is_a_draft_with_complete_front_matter_that_builds() {
    let site = SiteTest::minimal();
    let run = site.run(&[
        "new",
        "article",
        "Huawei Ships: \"Pangu 3\"",
        "--company",
        "huawei-cloud",
        "--model",
        "pangu-medical-model",
        "--theme",
        "computing-power",
    ]);
    run.assert_ok();
    let rel = "content/articles/huawei-ships-pangu-3.md";
    assert!(run.stdout().contains(rel), "{}", run.stdout());
    let text = fs::read_to_string(site.root().join(rel)).unwrap();
    for field in [
        "title:",
        "date:",
        "summary:",
        "companies: [huawei-cloud]",
        "models: [pangu-medical-model]",
        "themes: [computing-power]",
        "authors:",
        "source:",
        "status: draft",
    ] {
        assert!(text.contains(field), "{field} missing:\n{text}");
    }
    site.build().assert_ok();
    assert!(
        !site.exists("articles/huawei-ships-pangu-3/index.html"),
        "a draft is not published"
    );
    site.run(&["build", "--drafts"]).assert_ok();
    let page = preview_file(&site, "articles/huawei-ships-pangu-3/index.html");
    assert!(
        page.contains("Huawei Ships: “Pangu 3”")
            || page.contains("Huawei Ships: &quot;Pangu 3&quot;"),
        "{page}"
    );
    assert!(page.contains("Draft — not published"));
}

#[test]
fn new_never_overwrites_and_refuses_unknown_ids() {
    let site = SiteTest::minimal();
    let before = fs::read_to_string(site.root().join("content/articles/first.md")).unwrap();
    let run = site.run(&["new", "article", "First"]);
    run.assert_fails();
    run.assert_stderr_has("already exists");
    assert_eq!(
        fs::read_to_string(site.root().join("content/articles/first.md")).unwrap(),
        before
    );

    let run = site.run(&[
        "new",
        "article",
        "Another",
        "--company",
        "huawei-clod",
        "--theme",
        "nope",
    ]);
    run.assert_fails();
    run.assert_stderr_has("unknown company id `huawei-clod`");
    run.assert_stderr_has("did you mean `huawei-cloud`?");
    run.assert_stderr_has("unknown theme id `nope`");
    assert!(!site.root().join("content/articles/another.md").exists());

    // A model belongs to a company: clap refuses the command (usage error) and names the flag.
    let run = site.run(&["new", "model", "Kimi"]);
    assert!(!run.ok());
    run.assert_stderr_has("--company <ID>");
    assert!(!site.root().join("content/models/kimi.md").exists());
}

#[test]
fn new_entities_have_every_field_and_build() {
    let site = SiteTest::minimal();
    site.run(&["new", "company", "Moonshot AI"]).assert_ok();
    site.run(&["new", "model", "Kimi Chat", "--company", "moonshot-ai"])
        .assert_ok();
    site.run(&["new", "theme", "Long context"]).assert_ok();
    let company = fs::read_to_string(site.root().join("content/companies/moonshot-ai.md")).unwrap();
    for field in [
        "name: \"Moonshot AI\"",
        "aliases:",
        "country:",
        "website:",
        "summary:",
    ] {
        assert!(company.contains(field), "{field}:\n{company}");
    }
    let model = fs::read_to_string(site.root().join("content/models/kimi-chat.md")).unwrap();
    for field in [
        "company: moonshot-ai",
        "aliases:",
        "released:",
        "modalities:",
        "domain:",
        "summary:",
    ] {
        assert!(model.contains(field), "{field}:\n{model}");
    }
    let theme = fs::read_to_string(site.root().join("content/themes/long-context.md")).unwrap();
    assert!(theme.contains("keywords:") && theme.contains("summary:"));
    site.build().assert_ok();
    assert!(site
        .read("models/kimi-chat/index.html")
        .contains(r#"href="/companies/moonshot-ai/""#));
    assert!(site.exists("themes/long-context/index.html"));
    site.run(&["new", "company", "Moonshot AI"]).assert_fails();
}

/// The front matter of a file `briefing new` wrote, as YAML.
fn front_matter_of(site: &SiteTest, rel: &str) -> serde_yaml::Mapping {
    let text = fs::read_to_string(site.root().join(rel)).unwrap();
    let yaml = text
        .strip_prefix("---\n")
        .and_then(|rest| rest.split("\n---\n").next())
        .unwrap_or_else(|| panic!("no front matter in {rel}:\n{text}"));
    serde_yaml::from_str(yaml).unwrap_or_else(|e| panic!("{rel}: {e}\n{text}"))
}

/// Bug: `new` wrote the title as a JSON string, so 70 `[` in it were 70 levels of nesting to the
/// YAML guard, and `check` refused the file `new` had just written (import wrote the same title
/// fine). Both now write through one YAML writer.
#[test]
fn new_article_with_a_title_of_many_brackets_builds() {
    let site = SiteTest::minimal();
    let title = format!("{} Bracket Story", "[".repeat(70));
    site.run(&["new", "article", &title]).assert_ok();
    let rel = "content/articles/bracket-story.md";
    let fm = front_matter_of(&site, rel);
    assert_eq!(fm["title"].as_str(), Some(title.as_str()));
    site.run(&["check"]).assert_ok();
    site.run(&["build", "--drafts"]).assert_ok();
    assert!(preview_file(&site, "articles/bracket-story/index.html").contains(&title));
}

#[test]
fn new_entities_with_awkward_names_and_ids_build() {
    let site = SiteTest::minimal();
    let names = [
        (
            "company",
            format!("{} Bracket Co", "{[".repeat(40)),
            "bracket-co",
        ),
        ("company", "2023".to_string(), "2023"),
        (
            "theme",
            "Why: a colon # and a hash".to_string(),
            "why-a-colon-and-a-hash",
        ),
        ("theme", "长上下文".to_string(), "long-context"),
    ];
    for (what, name, id) in &names {
        site.run(&["new", what, name, "--id", id]).assert_ok();
    }
    let model = "- \"Quoted\" [Model] 'x'";
    // A leading `-` is a flag to clap unless it comes after `--`.
    site.run(&[
        "new",
        "model",
        "--company",
        "2023",
        "--id",
        "quoted-model",
        "--",
        model,
    ])
    .assert_ok();
    site.run(&[
        "new",
        "article",
        "Numbers Story",
        "--company",
        "2023",
        "--model",
        "quoted-model",
    ])
    .assert_ok();
    for (what, name, id) in &names {
        let folder = if *what == "company" {
            "companies"
        } else {
            "themes"
        };
        let fm = front_matter_of(&site, &format!("content/{folder}/{id}.md"));
        assert_eq!(fm["name"].as_str(), Some(name.as_str()), "{id}");
    }
    let fm = front_matter_of(&site, "content/models/quoted-model.md");
    assert_eq!(fm["name"].as_str(), Some(model));
    assert_eq!(fm["company"].as_str(), Some("2023"));
    site.run(&["check"]).assert_ok();
    site.build().assert_ok();
    assert!(site
        .read("themes/long-context/index.html")
        .contains("长上下文"));
    assert!(site
        .read("models/quoted-model/index.html")
        .contains(r#"href="/companies/2023/""#));
}

// ---- the GitHub workflows: .github/workflows/pages.yml and preview.yml ----

use serde_yaml::Value;
use std::path::Path;

const REPO: &str = env!("CARGO_MANIFEST_DIR");

fn workflow(name: &str) -> Value {
    let path = Path::new(REPO).join(".github/workflows").join(name);
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every step of every job, in order: (job, step).
fn steps(wf: &Value) -> Vec<(String, Value)> {
    let jobs = wf["jobs"].as_mapping().expect("jobs");
    let mut all = Vec::new();
    for (name, job) in jobs {
        for step in job["steps"].as_sequence().into_iter().flatten() {
            all.push((name.as_str().unwrap().to_string(), step.clone()));
        }
    }
    all
}

fn step_named<'a>(steps: &'a [(String, Value)], name: &str) -> &'a Value {
    &steps
        .iter()
        .find(|(_, s)| s["name"].as_str() == Some(name))
        .unwrap_or_else(|| panic!("no step named {name}"))
        .1
}

fn uses(steps: &[(String, Value)]) -> Vec<String> {
    steps
        .iter()
        .filter_map(|(_, s)| s["uses"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn the_pages_workflow_runs_daily_checks_first_and_builds_locked() {
    let wf = workflow("pages.yml");
    let on = &wf["on"];
    assert_eq!(on["push"]["branches"][0].as_str(), Some("main"));
    assert!(on.get("workflow_dispatch").is_some(), "runs by hand");
    let cron = on["schedule"][0]["cron"]
        .as_str()
        .expect("a daily schedule");
    let fields: Vec<&str> = cron.split_whitespace().collect();
    assert_eq!(fields.len(), 5, "{cron}");
    assert!(
        fields[..2].iter().all(|f| f.parse::<u32>().is_ok()) && fields[2..] == ["*", "*", "*"],
        "once a day at a fixed time: {cron}"
    );
    assert_eq!(wf["permissions"]["contents"].as_str(), Some("read"));
    let steps = steps(&wf);
    let names: Vec<&str> = steps
        .iter()
        .filter_map(|(_, s)| s["name"].as_str())
        .collect();
    let at = |n: &str| {
        names
            .iter()
            .position(|x| *x == n)
            .unwrap_or_else(|| panic!("{n}"))
    };
    assert!(
        at("Build briefing") < at("Check") && at("Check") < at("Build"),
        "{names:?}"
    );
    let compile = step_named(&steps, "Build briefing")["run"]
        .as_str()
        .unwrap();
    assert!(
        compile.contains("cargo build --release --locked"),
        "{compile}"
    );
    let build = step_named(&steps, "Build");
    assert_eq!(
        build["env"]["PAGES_URL"].as_str(),
        Some("${{ steps.pages.outputs.base_url }}")
    );
    assert!(build["run"].as_str().unwrap().contains("\"$PAGES_URL/\""));
    for want in [
        "actions/checkout@v6",
        "actions/configure-pages@v6",
        "actions/upload-pages-artifact@v5",
        "actions/deploy-pages@v5",
    ] {
        assert!(
            uses(&steps).contains(&want.to_string()),
            "{want}: {:?}",
            uses(&steps)
        );
    }
    // upload-pages-artifact from v4 leaves dotfiles out unless asked; nothing here asks.
    let upload = steps
        .iter()
        .find(|(_, s)| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/upload-pages-artifact"))
        })
        .unwrap();
    assert_eq!(upload.1["with"]["path"].as_str(), Some("public"));
    assert!(upload.1["with"].get("include-hidden-files").is_none());
}

#[test]
fn the_preview_workflow_is_read_only_and_summarises_the_review() {
    let text = fs::read_to_string(Path::new(REPO).join(".github/workflows/preview.yml")).unwrap();
    let wf = workflow("preview.yml");
    let on = wf["on"].as_mapping().unwrap();
    assert_eq!(on.len(), 1);
    assert!(
        on.get("pull_request").is_some(),
        "pull_request, never pull_request_target"
    );
    assert_eq!(
        serde_yaml::to_string(&wf["permissions"]).unwrap().trim(),
        "contents: read"
    );
    for (job, _) in steps(&wf) {
        assert!(
            wf["jobs"][job.as_str()].get("permissions").is_none(),
            "{job} asks for more"
        );
    }
    assert!(
        !text.contains("secrets."),
        "a fork's pull request gets no secrets"
    );
    let steps = steps(&wf);
    let build = step_named(&steps, "Build preview")["run"].as_str().unwrap();
    assert!(
        build.contains("--drafts") && build.contains("\"$GITHUB_STEP_SUMMARY\""),
        "{build}"
    );
    let upload = steps
        .iter()
        .find(|(_, s)| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/upload-artifact@"))
        })
        .expect("the preview is attached");
    assert_eq!(upload.1["with"]["path"].as_str(), Some("preview"));
}

/// The shell of every `run:` step, with the workflow it is in.
fn run_steps() -> Vec<(String, Value)> {
    ["pages.yml", "preview.yml"]
        .iter()
        .flat_map(|name| {
            steps(&workflow(name))
                .into_iter()
                .filter(|(_, s)| s.get("run").is_some())
                .map(move |(_, s)| (name.to_string(), s))
        })
        .collect()
}

#[test]
fn every_run_step_names_commands_that_exist_here() {
    let briefing = env!("CARGO_BIN_EXE_briefing");
    for (file, step) in run_steps() {
        let script = step["run"].as_str().unwrap();
        assert!(
            !script.contains("${{"),
            "{file}: an expression inside a shell line: {script}"
        );
        for line in script
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
        {
            for command in line.split("&&").map(str::trim) {
                let words: Vec<&str> = command
                    .split_whitespace()
                    .take_while(|w| *w != ">>" && *w != ">" && *w != "|")
                    .collect();
                match words.as_slice() {
                    ["briefing", args @ ..] => {
                        // The subcommand and every flag must exist: clap refuses unknown ones
                        // before it looks at --help.
                        let args: Vec<&str> = args.iter().map(|a| a.trim_matches('"')).collect();
                        let out = std::process::Command::new(briefing)
                            .args(&args)
                            .arg("--help")
                            .output()
                            .unwrap();
                        assert!(
                            out.status.success(),
                            "{file}: `{command}`: {}",
                            String::from_utf8_lossy(&out.stderr)
                        );
                    }
                    ["cargo", "build", rest @ ..] => {
                        assert!(
                            rest.contains(&"--locked"),
                            "{file}: `{command}` without --locked"
                        )
                    }
                    ["echo", ..] => {}
                    [script, ..] if script.starts_with("./") || script.starts_with(".ci/") => {
                        assert!(
                            Path::new(REPO).join(script).is_file(),
                            "{file}: {script} is missing"
                        )
                    }
                    other => {
                        panic!("{file}: `{command}`: {other:?} is not a command this test knows")
                    }
                }
            }
        }
    }
}

/// Runs the `run:` steps after "Build briefing" of `workflow` in `clone`, as the runner would:
/// bash, `set -e`, the step's `env:` with the Pages URL the runner would pass, and the briefing
/// binary under test first on PATH (the "Build briefing" step puts the release build there).
/// Stops at the first step that fails, as the runner does; returns each step's name and output.
fn run_workflow_steps(
    workflow_name: &str,
    clone: &Path,
    summary: &Path,
) -> Vec<(String, std::process::Output)> {
    let mut ran = Vec::new();
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_briefing")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let all = steps(&workflow(workflow_name));
    let after = all
        .iter()
        .position(|(_, s)| s["name"].as_str() == Some("Build briefing"))
        .expect("a Build briefing step");
    for (_, step) in &all[after + 1..] {
        let Some(script) = step["run"].as_str() else {
            continue;
        };
        let mut cmd = std::process::Command::new("bash");
        cmd.args(["-e", "-c", script])
            .current_dir(clone)
            .env("PATH", &path)
            .env("GITHUB_STEP_SUMMARY", summary)
            .env("GITHUB_PATH", clone.join("github_path"));
        for (k, v) in step["env"].as_mapping().into_iter().flatten() {
            let v = v.as_str().unwrap();
            let v = if v == "${{ steps.pages.outputs.base_url }}" {
                "https://org.github.io/briefing"
            } else {
                panic!("an env value this test cannot stand in for: {v}")
            };
            cmd.env(k.as_str().unwrap(), v);
        }
        let out = cmd.output().unwrap();
        let failed = !out.status.success();
        ran.push((step["name"].as_str().unwrap_or("").to_string(), out));
        if failed {
            break;
        }
    }
    ran
}

#[track_caller]
fn assert_all_ok(workflow_name: &str, ran: &[(String, std::process::Output)]) {
    for (name, out) in ran {
        assert!(
            out.status.success(),
            "{workflow_name}: step {name} failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

fn clean_clone() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let clone = dir.path().join("site");
    git(
        dir.path(),
        &[
            "clone",
            "--quiet",
            "--no-hardlinks",
            REPO,
            clone.to_str().unwrap(),
        ],
    );
    dir
}

#[test]
fn the_pages_workflow_checks_and_builds_this_repository_in_a_clean_clone() {
    let dir = clean_clone();
    let clone = dir.path().join("site");
    let summary = dir.path().join("summary.md");
    let ran = run_workflow_steps("pages.yml", &clone, &summary);
    assert_all_ok("pages.yml", &ran);
    let names: Vec<&str> = ran.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Check", "Build"]);
    let index = fs::read_to_string(clone.join("public/index.html")).expect("the site was built");
    assert!(
        index.contains("https://org.github.io/briefing/") || index.contains("\"/briefing/"),
        "links carry the Pages sub-path"
    );
    let files = list_files(&clone.join("public"));
    assert!(
        files
            .iter()
            .all(|f| !f.starts_with(".git") && !f.contains("/.git")),
        "{files:?}"
    );
    assert!(broken_internal_links(&clone.join("public"), "/briefing/").is_empty());
}

#[test]
fn the_preview_workflow_lists_unpublished_articles_in_the_job_summary() {
    let dir = clean_clone();
    let clone = dir.path().join("site");
    // What a pull request might add: a draft with a problem, and an article in review.
    fs::write(
        clone.join("content/articles/zz-ci-draft.md"),
        "---\ntitle: Okapi | <b>Draft</b>\ndate: 2024-03-01\nstatus: draft\n---\nSee [nowhere](missing-article.md).\n",
    )
    .unwrap();
    fs::write(
        clone.join("content/articles/zz-ci-review.md"),
        "---\ntitle: Quokka In Review\ndate: 2024-03-02\nstatus: review\nsummary: Nearly there.\n---\nReady soon.\n",
    )
    .unwrap();
    let summary = dir.path().join("summary.md");
    fs::write(&summary, "earlier steps' summary\n").unwrap();
    let ran = run_workflow_steps("preview.yml", &clone, &summary);
    // The preview is built and summarised; the check that follows fails on the draft's broken
    // link, so the pull request shows red until it is fixed, with the preview already attached.
    let names: Vec<&str> = ran.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Build preview", "Check"]);
    assert_all_ok("preview.yml", &ran[..1]);
    let check = String::from_utf8_lossy(&ran[1].1.stdout).into_owned();
    assert!(
        !ran[1].1.status.success() && check.contains("zz-ci-draft.md:6:5: error"),
        "{check}"
    );
    let text = fs::read_to_string(&summary).unwrap();
    assert!(
        text.starts_with("earlier steps' summary\n## Review preview"),
        "appended:\n{text}"
    );
    assert!(
        text.contains(
            "| Quokka In Review | `content/articles/zz-ci-review.md` | in review | 1 warning |"
        ),
        "{text}"
    );
    assert!(text.contains("| Okapi \\| &lt;b&gt;Draft&lt;/b&gt; | `content/articles/zz-ci-draft.md` | draft | 1 error"), "{text}");
    assert!(
        text.contains("````text\ncontent/articles/zz-ci-draft.md:6:5: error: link to `missing-article.md` points at nothing"),
        "the problem itself, as the terminal shows it:\n{text}"
    );
    assert!(
        text.find("Quokka").unwrap() < text.find("Okapi").unwrap(),
        "in review comes first"
    );
    assert!(clone.join("preview/review/index.html").is_file());
    assert!(
        !clone.join("public").exists(),
        "a preview never writes public/"
    );
}

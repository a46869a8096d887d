//! The editor's commands on a fixture site: `new` and `import` make honest file names and never
//! write where they should not; messages name the file and the OS error; the drafts loop shows
//! every problem; `init` makes a site that builds.

use crate::support::*;
use std::fs;
use std::time::{Duration, Instant};

/// `import`'s usual input: a title, a `-` line, a paragraph.
const STORY: &str = "Cloud Makers Race Ahead\n-\nHuawei Cloud shipped a model.\n";

#[test]
fn new_article_transliterates_accented_titles() {
    let site = SiteTest::minimal();
    site.run(&["new", "article", "Société Générale lance"])
        .assert_ok();
    assert!(site
        .root()
        .join("content/articles/societe-generale-lance.md")
        .is_file());
    site.run(&["new", "company", "Zhipu Straße"]).assert_ok();
    assert!(site
        .root()
        .join("content/companies/zhipu-strasse.md")
        .is_file());
    site.run(&["check"]).assert_ok();
}

#[test]
fn new_article_with_a_cjk_title_asks_for_a_slug() {
    let site = SiteTest::minimal();
    let run = site.run(&["new", "article", "大模型加速落地"]);
    run.assert_fails().assert_stderr_has("--slug");
    site.run(&["new", "article", "大模型加速落地 GPT-5"])
        .assert_ok();
    assert!(site.root().join("content/articles/gpt-5.md").is_file());
}

#[test]
fn new_article_refuses_a_slug_another_article_claims_in_its_slug_field() {
    let site = SiteTest::minimal().file(
        "content/articles/old-name.md",
        "---\ntitle: Old\ndate: 2023-09-01\nslug: cloud-race\nstatus: draft\n---\nBody.\n",
    );
    let run = site.run(&["new", "article", "Cloud Race"]);
    run.assert_fails()
        .assert_stderr_has("content/articles/old-name.md")
        .assert_stderr_has("`slug:`");
    assert!(!site.root().join("content/articles/cloud-race.md").exists());
    // The file name claims it too, whatever the kind of file.
    let run = site.run(&["new", "article", "Second"]);
    run.assert_fails().assert_stderr_has("second.md");
    let run = site.run(&["new", "theme", "Computing Power"]);
    run.assert_fails().assert_stderr_has("already exists");
}

#[cfg(unix)]
#[test]
fn import_force_never_writes_through_a_symlink() {
    let site = SiteTest::minimal();
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim.txt");
    fs::write(&victim, "precious\n").unwrap();
    std::os::unix::fs::symlink(
        &victim,
        site.root()
            .join("content/articles/cloud-makers-race-ahead.md"),
    )
    .unwrap();
    site.write("story.txt", STORY);
    let run = site.run(&["import", "story.txt", "--force", "--date", "2023-09-25"]);
    run.assert_fails().assert_stderr_has("symbolic link");
    assert_eq!(fs::read_to_string(&victim).unwrap(), "precious\n");
    assert!(fs::symlink_metadata(
        site.root()
            .join("content/articles/cloud-makers-race-ahead.md")
    )
    .unwrap()
    .file_type()
    .is_symlink());
}

#[test]
fn import_force_replaces_a_real_file() {
    let site = SiteTest::minimal();
    site.write("content/articles/cloud-makers-race-ahead.md", "old\n");
    site.write("story.txt", STORY);
    site.run(&["import", "story.txt", "--force", "--date", "2023-09-25"])
        .assert_ok();
    let md = fs::read_to_string(
        site.root()
            .join("content/articles/cloud-makers-race-ahead.md"),
    )
    .unwrap();
    assert!(md.contains("title: Cloud Makers Race Ahead"), "{md}");
}

/// Runs `import` on `path` and asserts it fails quickly, saying why.
#[track_caller]
fn import_fails_at_once(site: &SiteTest, path: &str, needle: &str) {
    let start = Instant::now();
    let run = site.run(&["import", path, "--date", "2023-09-25"]);
    let took = start.elapsed();
    run.assert_fails().assert_stderr_has(needle);
    assert!(took < Duration::from_secs(1), "took {took:?}");
}

#[cfg(unix)]
#[test]
fn import_refuses_dev_zero_at_once() {
    import_fails_at_once(&SiteTest::minimal(), "/dev/zero", "not a regular file");
}

#[cfg(unix)]
#[test]
fn import_refuses_a_fifo_at_once() {
    let site = SiteTest::minimal();
    let fifo = site.root().join("pipe.txt");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    import_fails_at_once(&site, "pipe.txt", "not a regular file");
}

#[test]
fn import_refuses_a_file_over_the_size_limit_at_once() {
    let site = SiteTest::minimal();
    let f = fs::File::create(site.root().join("huge.txt")).unwrap();
    // Sparse: costs no disk, but its length is past the limit.
    f.set_len(briefing::limits::MAX_FILE_BYTES + 1).unwrap();
    import_fails_at_once(&site, "huge.txt", "at most 64 MiB");
    assert_eq!(
        list_files(&site.root().join("content/articles")).len(),
        2,
        "nothing was written"
    );
}

/// Asserts a build that could not write its output says so with the OS's words and the path, and
/// never calls it a template error.
#[track_caller]
fn names_the_os_error(run: &Run, path_part: &str) {
    run.assert_fails()
        .assert_stderr_has("cannot write")
        .assert_stderr_has(path_part)
        .assert_stderr_has("os error");
    assert!(!run.stderr().contains("template error"), "{}", run.stderr());
}

#[test]
fn output_write_failure_names_the_os_error_and_the_path() {
    // A page path past the OS's limit on path length (PATH_MAX, 4096) fails to open, as a full
    // disk or a denied write would: the page's own write fails, after the folders were made.
    let slug = "s".repeat(190);
    let site = SiteTest::minimal().file(
        "content/articles/long.md",
        &format!("---\ntitle: Long\ndate: 2023-09-01\nslug: {slug}\n---\nBody.\n"),
    );
    let mut deep = site.root().to_path_buf();
    while deep.as_os_str().len() < 3700 {
        deep.push("d".repeat(200));
    }
    deep.push("e".repeat(3920 - deep.as_os_str().len()));
    fs::create_dir_all(&deep).unwrap();
    let out = deep.join("public");
    let run = site.run(&["build", "--out", out.to_str().unwrap()]);
    names_the_os_error(&run, &slug);
    assert!(
        run.stderr().contains("File name too long"),
        "{}",
        run.stderr()
    );
}

#[test]
fn output_under_a_file_names_the_os_error_and_the_path() {
    let site = SiteTest::minimal();
    let run = site.run(&["build", "--out", "site.yaml/public"]);
    names_the_os_error(&run, "site.yaml");
}

#[cfg(unix)]
#[test]
fn output_in_a_read_only_folder_names_the_os_error_and_the_path() {
    use std::os::unix::fs::PermissionsExt as _;
    let site = SiteTest::minimal();
    let ro = site.root().join("ro");
    fs::create_dir(&ro).unwrap();
    fs::set_permissions(&ro, fs::Permissions::from_mode(0o555)).unwrap();
    if fs::write(ro.join("probe"), "").is_ok() {
        // Root writes anywhere: the folder is not read-only to this test.
        return;
    }
    let run = site.run(&["build", "--out", "ro/public"]);
    names_the_os_error(&run, "ro");
    assert!(
        run.stderr().contains("Permission denied"),
        "{}",
        run.stderr()
    );
}

/// A site with two drafts that have problems: one a broken link and an unknown id (so it names
/// no entity, a warning), the other a
/// broken link to nothing.
fn site_with_broken_drafts() -> SiteTest {
    SiteTest::minimal()
        .file(
            "content/articles/draft-one.md",
            "---\ntitle: Draft One\ndate: 2023-09-20\nsummary: S.\ncompanies: [huawei-clod]\nstatus: draft\n---\nSee [the model](../models/pangu-medical-modl.md) now.\n",
        )
        .file(
            "content/articles/draft-two.md",
            "---\ntitle: Draft Two\ndate: 2023-09-21\nsummary: S.\nthemes: [computing-power]\nstatus: draft\n---\nIntro.\n\nRead [nothing](nowhere.md).\n",
        )
}

#[test]
fn build_drafts_prints_every_problem_of_every_draft_and_still_builds() {
    let site = site_with_broken_drafts();
    let run = site.run(&["build", "--drafts"]);
    run.assert_ok()
        .assert_stderr_has("content/articles/draft-one.md:5:")
        .assert_stderr_has("unknown company id `huawei-clod`")
        .assert_stderr_has(
            "content/articles/draft-one.md:8:5: error: link to `../models/pangu-medical-modl.md`",
        )
        .assert_stderr_has("did you mean `../models/pangu-medical-model.md`?")
        .assert_stderr_has("content/articles/draft-two.md:10:6: error: link to `nowhere.md`")
        .assert_stderr_has("4 problems (3 errors, 1 warning) in 2 articles");
    assert!(site
        .root()
        .join("preview/articles/draft-one/index.html")
        .is_file());
    // A published build still refuses nothing of drafts, which it leaves out.
    let run = site.build();
    run.assert_ok();
    assert!(!run.stderr().contains("draft-one"), "{}", run.stderr());
}

#[test]
fn draft_page_banner_lists_its_own_problems() {
    let site = site_with_broken_drafts();
    site.run(&["build", "--drafts"]).assert_ok();
    let page =
        fs::read_to_string(site.root().join("preview/articles/draft-one/index.html")).unwrap();
    let banner = &page[page.find("status-banner").expect("a banner")..];
    let banner = &banner[..banner.find("</main>").unwrap_or(banner.len())];
    assert!(banner.contains("3 problems to fix"), "{banner}");
    assert!(
        banner.contains("content/articles/draft-one.md:8:5"),
        "{banner}"
    );
    assert!(banner.contains("unknown company id"), "{banner}");
    assert!(
        !banner.contains("nowhere.md"),
        "another draft's problem: {banner}"
    );
    // A page with no problem has no list.
    let first = fs::read_to_string(site.root().join("preview/articles/first/index.html")).unwrap();
    assert!(!first.contains("banner-problems"), "{first}");
}

#[test]
fn broken_link_in_a_draft_preview_is_marked_not_left_as_md_href() {
    let site = site_with_broken_drafts();
    site.run(&["build", "--drafts"]).assert_ok();
    for (page, dest, text) in [
        ("draft-one", "pangu-medical-modl.md", "the model"),
        ("draft-two", "nowhere.md", "nothing"),
    ] {
        let html = fs::read_to_string(
            site.root()
                .join(format!("preview/articles/{page}/index.html")),
        )
        .unwrap();
        let body = &html[html.find("</header>").unwrap()..];
        assert!(
            !links_in(body).iter().any(|l| l.ends_with(".md")),
            "{page} links a .md file: {:?}",
            links_in(body)
        );
        let span = "<span class=\"broken-link\" title=\"broken link: link to `";
        let at = body
            .find(span)
            .unwrap_or_else(|| panic!("{page}: no broken-link span"));
        let rest = &body[at..];
        assert!(
            rest[..rest.find("</span>").unwrap()].contains(dest),
            "{rest}"
        );
        assert!(rest.contains(&format!("\">{text}</span>")), "{rest}");
    }
}

#[test]
fn serve_drafts_prints_every_problem_of_every_draft() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let site = site_with_broken_drafts();
    let mut child = Command::new(env!("CARGO_BIN_EXE_briefing"))
        .args(["serve", "--port", "0", "--drafts"])
        .current_dir(site.root())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start serve");
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut seen = String::new();
    while !seen.contains("note: ") {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => {
                seen.push_str(&line);
                seen.push('\n');
            }
            Err(_) => break,
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    for needle in [
        "content/articles/draft-one.md:8:5: error: link to",
        "unknown company id `huawei-clod`",
        "content/articles/draft-two.md:10:6: error: link to `nowhere.md`",
        "4 problems (3 errors, 1 warning) in 2 articles",
    ] {
        assert!(
            seen.contains(needle),
            "serve's output lacks {needle:?}:\n{seen}"
        );
    }
}

/// An article template whose fourth line is `line`.
fn with_article_template(line: &str) -> SiteTest {
    SiteTest::minimal().file(
        "templates/article.html",
        &format!(
            "{{% extends \"base.html\" %}}\n{{% block content %}}\n<h1>\n  {line}</h1>\n{{% endblock content %}}\n"
        ),
    )
}

#[test]
fn template_unknown_variable_names_the_template_line_and_closest_name() {
    let site = with_article_template("{{ article.titel }}");
    let run = site.build();
    run.assert_fails()
        .assert_stderr_has("templates/article.html:4:6: error: unknown variable `article.titel`")
        .assert_stderr_has("= hint: did you mean `article.title`?");
    assert!(!site.public().exists(), "nothing was written");
    // The first name wrong, the site's settings, a loop variable's field.
    for (written, meant) in [
        ("{{ artcle.title }}", "article.title"),
        ("{{ site.titel }}", "site.title"),
        (
            "{% for a in site.nav %}{{ a.titel }}{% endfor %}",
            "a.title",
        ),
    ] {
        let run = with_article_template(written).build();
        run.assert_fails()
            .assert_stderr_has("templates/article.html:4:")
            .assert_stderr_has(&format!("did you mean `{meant}`?"));
    }
}

#[test]
fn template_unknown_variable_with_no_close_name_lists_what_there_is() {
    let run = with_article_template("{{ article.zzzzzzzz }}").build();
    run.assert_fails()
        .assert_stderr_has("templates/article.html:4:6: error: unknown variable `article.zzzzzzzz`")
        .assert_stderr_has("`article` has: ")
        .assert_stderr_has("title");
}

#[test]
fn template_unknown_filter_names_the_template_and_line() {
    let run = with_article_template("{{ article.title | shout }}").build();
    run.assert_fails()
        .assert_stderr_has("templates/article.html:4:22: error: Filter 'shout' not found");
    assert!(!run.stderr().contains("template error"), "{}", run.stderr());
}

#[test]
fn check_path_lints_just_those_files_in_the_context_of_the_site() {
    let site = SiteTest::minimal()
        .file(
            "content/articles/bad-one.md",
            "---\ntitle: Bad One\ndate: 2023-09-20\ncompanies: [huawei-clod]\n---\nBody.\n",
        )
        .file(
            "content/articles/bad-two.md",
            "---\ntitle: Bad Two\ndate: 2023-09-21\nmodels: [nope]\n---\nBody.\n",
        );
    let all = site.run(&["check"]);
    all.assert_fails().assert_stderr_has("check found");
    assert!(all.stdout().contains("bad-two.md"), "{}", all.stdout());

    let run = site.run(&["check", "content/articles/bad-one.md"]);
    run.assert_fails();
    let out = run.stdout();
    assert!(out.contains("content/articles/bad-one.md:4:"), "{out}");
    assert!(
        out.contains("did you mean `huawei-cloud`?"),
        "the site's ids are known: {out}"
    );
    assert!(!out.contains("bad-two.md"), "{out}");
    assert!(out.contains("checked 1 file"), "{out}");

    // A clean file passes although the site has errors; a folder takes the files in it.
    site.run(&["check", "content/articles/first.md"])
        .assert_ok();
    let run = site.run(&["check", "content/articles"]);
    assert!(run.stdout().contains("bad-two.md") && run.stdout().contains("bad-one.md"));
    // A path that is not a file of the site is refused.
    site.run(&["check", "content/articles/missing.md"])
        .assert_fails()
        .assert_stderr_has("there is no such file");
}

#[test]
fn check_links_on_an_output_built_for_another_base_path_says_so_once() {
    let site = SiteTest::minimal();
    site.build().assert_ok(); // built for https://example.com/, base path /
                              // One genuinely broken link besides.
    let page = site.public().join("articles/first/index.html");
    let html = fs::read_to_string(&page).unwrap();
    fs::write(
        &page,
        html.replacen("</main>", "<a href=\"/nowhere/at/all/\">x</a></main>", 1),
    )
    .unwrap();
    let run = site.run(&[
        "check",
        "--links",
        "public",
        "--base-url",
        "https://example.github.io/briefing/",
    ]);
    run.assert_fails();
    let out = run.stdout();
    let said = out
        .lines()
        .filter(|l| l.contains("built for the base path /, not /briefing/"))
        .count();
    assert_eq!(said, 1, "{out}");
    assert!(
        out.contains("is outside the site's base path /briefing/"),
        "{out}"
    );
    assert!(
        out.contains("/nowhere/at/all/"),
        "the other broken link stays: {out}"
    );
    assert!(out.contains("2 errors"), "{out}");

    // The other way round: built under /briefing/, checked as served at the root.
    site.run(&["build", "--base-url", "https://example.github.io/briefing/"])
        .assert_ok();
    let run = site.run(&["check", "--links", "public"]);
    run.assert_fails();
    let out = run.stdout();
    assert_eq!(
        out.lines()
            .filter(|l| l.contains("built for the base path /briefing/, not /"))
            .count(),
        1,
        "{out}"
    );
    assert!(out.contains("1 error"), "{out}");
}

#[test]
fn init_makes_a_site_that_builds_and_checks_clean_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_briefing");
    let run = |cwd: &std::path::Path, args: &[&str]| {
        std::process::Command::new(bin)
            .args(args)
            .current_dir(cwd)
            .output()
            .unwrap()
    };
    let out = run(dir.path(), &["init", "my-site"]);
    assert!(out.status.success(), "{out:?}");
    let site = dir.path().join("my-site");
    for rel in [
        "site.yaml",
        "content/articles",
        "content/companies",
        "content/models",
        "content/themes",
        "content/pages",
    ] {
        assert!(site.join(rel).exists(), "{rel} is missing");
    }
    for folder in ["articles", "companies", "models", "themes", "pages"] {
        let n = fs::read_dir(site.join("content").join(folder))
            .unwrap()
            .count();
        assert_eq!(n, 1, "one example in content/{folder}");
    }
    assert!(
        !site.join("templates").exists(),
        "no theme copy without --theme"
    );
    let build = run(&site, &["build"]);
    assert!(build.status.success(), "{build:?}");
    assert!(site
        .join("public/companies/example-labs/index.html")
        .is_file());
    let check = run(&site, &["check"]);
    let said = String::from_utf8_lossy(&check.stdout);
    assert!(
        check.status.success() && said.contains("no problems"),
        "{said}"
    );

    // Again on the same folder: refused, nothing changed.
    let before = fs::read_to_string(site.join("site.yaml")).unwrap();
    let again = run(dir.path(), &["init", "my-site"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds a site's files"));
    assert_eq!(fs::read_to_string(site.join("site.yaml")).unwrap(), before);
}

#[test]
fn init_theme_copies_the_built_in_theme_and_its_edits_show() {
    let dir = tempfile::tempdir().unwrap();
    // A fresh repository: not empty, but no site files yet.
    fs::write(dir.path().join("README.md"), "# my site\n").unwrap();
    fs::write(dir.path().join(".gitignore"), "/mine\n").unwrap();
    let bin = env!("CARGO_BIN_EXE_briefing");
    let run = |args: &[&str]| {
        std::process::Command::new(bin)
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let out = run(&["init", "--theme"]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        fs::read_to_string(dir.path().join(".gitignore")).unwrap(),
        "/mine\n",
        "the user's .gitignore is kept"
    );
    for rel in [
        "templates/base.html",
        "templates/article.html",
        "templates/feed.xml",
        "static/assets/briefing.css",
        "static/favicon.svg",
    ] {
        assert!(dir.path().join(rel).is_file(), "{rel} was not copied");
    }
    let base = dir.path().join("templates/base.html");
    let text = fs::read_to_string(&base).unwrap();
    fs::write(
        &base,
        text.replacen("<body", "<body data-edited=\"yes\"", 1),
    )
    .unwrap();
    assert!(run(&["build"]).status.success());
    let home = fs::read_to_string(dir.path().join("public/index.html")).unwrap();
    assert!(home.contains("data-edited=\"yes\""), "{home}");
}

#[test]
fn every_command_outside_a_site_says_how_to_make_one() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("x.txt"), STORY).unwrap();
    for args in [
        &["build"][..],
        &["build", "--drafts"],
        &["check"],
        &["check", "content/articles/a.md"],
        &["check", "--links", "public"],
        &["new", "article", "Hello"],
        &["new", "company", "Acme"],
        &["import", "x.txt"],
        &["publish", "--no-push"],
        &["serve", "--port", "0"],
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_briefing"))
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains("not a briefing site (no site.yaml)") && err.contains("`briefing init`"),
            "{args:?}: {err}"
        );
    }
    assert!(!dir.path().join("content").exists(), "nothing was written");
}

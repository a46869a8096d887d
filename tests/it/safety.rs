//! Reliability and safety (issue 7): a failed or killed build never touches the previous output,
//! `--out` never points at the user's work, bad input is refused with its file and line, templates
//! cannot hang or crash a build, and front matter always reaches pages as text.

use crate::support::*;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    list_files(dir)
        .into_iter()
        .map(|rel| {
            let bytes = fs::read(dir.join(&rel)).unwrap();
            (rel, bytes)
        })
        .collect()
}

/// Staging or retired folders that a build left beside the output.
fn leftovers(root: &Path) -> Vec<String> {
    fs::read_dir(root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("briefing-staging") || n.contains("briefing-old"))
        .collect()
}

/// A minimal site that has built once; returns it with its output as it was.
fn built_site() -> (SiteTest, BTreeMap<String, Vec<u8>>) {
    let site = SiteTest::minimal();
    site.build().assert_ok();
    let before = snapshot(&site.public());
    assert!(before.len() > 10, "a real output to protect");
    (site, before)
}

/// The run failed with exit 1, said `needles`, and left the output byte for byte as `before`.
#[track_caller]
fn assert_refused(
    site: &SiteTest,
    run: &Run,
    before: &BTreeMap<String, Vec<u8>>,
    needles: &[&str],
) {
    run.assert_fails();
    for n in needles {
        run.assert_stderr_has(n);
    }
    assert!(
        snapshot(&site.public()) == *before,
        "the previous output changed"
    );
    assert_eq!(leftovers(site.root()), Vec::<String>::new());
}

/// Writes `text` at `rel` in a built site, builds, and checks the build is refused as `needles` say.
#[track_caller]
fn refuses_file(rel: &str, text: impl AsRef<[u8]>, needles: &[&str]) -> Run {
    let (site, before) = built_site();
    site.write(rel, text);
    let run = site.build();
    assert_refused(&site, &run, &before, needles);
    run
}

fn briefing(dir: &Path, args: &[&str], env: &[(&str, &Path)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_briefing"));
    cmd.args(args).current_dir(dir).env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    Run {
        output: cmd.output().expect("run briefing"),
    }
}

// ---- atomic output ----

#[test]
fn content_error_leaves_previous_output_byte_for_byte() {
    let (site, before) = built_site();
    site.write(
        "content/pages/about.md",
        "---\ntitle: About, rewritten\n---\nNew text.\n",
    );
    site.write(
        "content/articles/bad.md",
        "---\ntitle: Bad\ndate: 2023-13-45\n---\n",
    );
    let run = site.build();
    assert_refused(&site, &run, &before, &["content/articles/bad.md:3"]);
}

#[test]
fn template_error_mid_render_leaves_previous_output_byte_for_byte() {
    let (site, before) = built_site();
    // Content is fine and most pages render; every article page fails half-way through the stage.
    site.write(
        "templates/article.html",
        "{{ article.title }} {{ article.no_such_field.deeper }}",
    );
    let run = site.build();
    assert_refused(&site, &run, &before, &["article.html", "no_such_field"]);
}

#[test]
fn write_failure_mid_build_leaves_previous_output_byte_for_byte() {
    let (site, before) = built_site();
    // Static files are copied after every page is written; this one needs a folder where a page
    // already is, so writing fails like a full disk would, late in the build.
    site.write("static/articles/first/index.html/x.txt", "x");
    let run = site.build();
    assert_refused(&site, &run, &before, &["cannot write"]);
}

#[test]
fn killed_build_leaves_previous_output_and_the_next_build_cleans_up() {
    let mut site = SiteTest::minimal();
    for i in 0..3000 {
        site = site.file(
            &format!("content/articles/gen-{i:04}.md"),
            &format!(
                "---\ntitle: Generated {i}\ndate: 2022-01-01\ncompanies: [huawei-cloud]\n---\n{}\n",
                "Some words about computing power and models. ".repeat(40)
            ),
        );
    }
    site.build().assert_ok();
    let before = snapshot(&site.public());
    site.write(
        "content/pages/about.md",
        "---\ntitle: About v2\n---\nChanged.\n",
    );

    let mut child = Command::new(env!("CARGO_BIN_EXE_briefing"))
        .arg("build")
        .current_dir(site.root())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once the new output is being written: its staging folder holds some pages.
    let started = Instant::now();
    let staging = loop {
        let found = fs::read_dir(site.root())
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| p.to_string_lossy().contains("briefing-staging"));
        if let Some(dir) = found {
            let pages = fs::read_dir(dir.join("articles")).map_or(0, |d| d.count());
            if pages > 20 {
                break dir;
            }
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the build finished before it could be killed"
        );
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "build never started writing"
        );
        std::thread::sleep(Duration::from_millis(2));
    };
    child.kill().unwrap(); // SIGKILL: no destructor, no cleanup
    let status = child.wait().unwrap();
    assert!(!status.success(), "killed mid-way");

    assert!(staging.exists(), "a killed build leaves its staging folder");
    assert!(
        snapshot(&site.public()) == before,
        "previous output changed"
    );

    site.build().assert_ok();
    assert_eq!(leftovers(site.root()), Vec::<String>::new());
    assert!(site.read("about/index.html").contains("About v2"));
}

// ---- the output folder ----

#[test]
fn dangerous_out_folders_are_refused_even_with_force() {
    let outer = tempfile::tempdir().unwrap();
    let home = outer.path().join("home/editor");
    let root = home.join("site");
    fs::create_dir_all(&root).unwrap();
    let site_files = [
        ("site.yaml", SITE_YAML),
        ("content/pages/about.md", "---\ntitle: About\n---\nx\n"),
        ("templates/page.html", "{{ page.title }}"),
        ("static/logo.txt", "logo"),
    ];
    for (rel, text) in site_files {
        fs::create_dir_all(root.join(rel).parent().unwrap()).unwrap();
        fs::write(root.join(rel), text).unwrap();
    }
    let everything = snapshot(outer.path());
    let cases: &[(&str, &str)] = &[
        (".", "it is the site itself"),
        ("/", "it is the file system root"),
        ("..", "it is your home folder"),
        ("../..", "it contains your home folder"),
        ("content", "it is inside content/"),
        ("content/out", "it is inside content/"),
        ("templates", "it is inside templates/"),
        ("static/public", "it is inside static/"),
        ("public/../..", "it is your home folder"),
    ];
    for (out, why) in cases {
        for force in [false, true] {
            let mut args = vec!["build", "--out", out];
            if force {
                args.push("--force");
            }
            let run = briefing(&root, &args, &[("HOME", &home)]);
            run.assert_fails();
            run.assert_stderr_has("refusing to use this as the output folder");
            run.assert_stderr_has(why);
            assert!(
                snapshot(outer.path()) == everything,
                "--out {out} changed files"
            );
        }
    }
    // The home check compares real paths: a symlink to the site's parent is the same folder.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&home, outer.path().join("link")).unwrap();
        let link = outer.path().join("link");
        let run = briefing(
            &root,
            &["build", "--out", link.to_str().unwrap(), "--force"],
            &[("HOME", &home)],
        );
        run.assert_fails();
        run.assert_stderr_has("it is your home folder");
    }
}

#[test]
fn unmarked_non_empty_folder_is_replaced_only_with_force() {
    let site = SiteTest::minimal();
    site.write("elsewhere/notes.txt", "my notes");
    let run = site.run(&["build", "--out", "elsewhere"]);
    run.assert_fails();
    run.assert_stderr_has("this folder was not written by briefing");
    run.assert_stderr_has("--force");
    assert_eq!(
        fs::read_to_string(site.root().join("elsewhere/notes.txt")).unwrap(),
        "my notes"
    );

    site.run(&["build", "--out", "elsewhere", "--force"])
        .assert_ok();
    assert!(!site.root().join("elsewhere/notes.txt").exists());
    assert!(site.root().join("elsewhere/.briefing-output").exists());
    // Marked now: later builds replace it without --force.
    site.run(&["build", "--out", "elsewhere"]).assert_ok();

    // An empty folder is fine; a git checkout never is.
    fs::create_dir_all(site.root().join("empty")).unwrap();
    site.run(&["build", "--out", "empty"]).assert_ok();
    site.write("pages-checkout/.git/HEAD", "ref: refs/heads/gh-pages\n");
    let run = site.run(&["build", "--out", "pages-checkout", "--force"]);
    run.assert_fails();
    run.assert_stderr_has("it holds a git repository");
    assert!(site.root().join("pages-checkout/.git/HEAD").exists());
}

// ---- bad input ----

#[test]
fn missing_front_matter_is_refused() {
    refuses_file(
        "content/articles/bad.md",
        "title: No fences\n\nBody.\n",
        &["content/articles/bad.md:1: error: the file does not start with front matter"],
    );
}

#[test]
fn unclosed_front_matter_is_refused() {
    refuses_file(
        "content/articles/bad.md",
        "---\ntitle: Open\ndate: 2023-01-01\nBody without a closing fence.\n",
        &["content/articles/bad.md:1: error: the front matter is never closed"],
    );
}

#[test]
fn front_matter_that_is_not_yaml_is_refused() {
    refuses_file(
        "content/articles/bad.md",
        "---\ntitle: Fine\ndate: 2023-01-01\nsummary: \"unterminated\n---\nBody.\n",
        &[
            "content/articles/bad.md:4:10: error: front matter: found unexpected end of stream while scanning a quoted scalar",
            "add the closing quote",
        ],
    );
}

#[test]
fn front_matter_of_the_wrong_types_is_refused() {
    let (site, before) = built_site();
    site.write(
        "content/articles/a.md",
        "---\ntitle: [not, a, string]\ndate: 2023-01-01\n---\n",
    );
    site.write(
        "content/articles/b.md",
        "---\ntitle: B\ndate: 2023-01-01\ncompanies: huawei-cloud\n---\n",
    );
    site.write(
        "content/articles/c.md",
        "---\ntitle: C\ndate: 2023-01-01\ndraft: perhaps\n---\n",
    );
    site.write(
        "content/models/d.md",
        "---\nname: D\ncompany: [huawei-cloud]\n---\n",
    );
    let run = site.build();
    assert_refused(
        &site,
        &run,
        &before,
        &[
            "content/articles/a.md:2:8: error: front matter: title: invalid type: sequence, expected a string",
            "content/articles/b.md:4:12: error: front matter: companies: invalid type: string \"huawei-cloud\", expected a sequence",
            "content/articles/c.md:4",
            "content/models/d.md:3",
            "check the field's type",
            "4 errors",
        ],
    );
}

#[test]
fn yaml_bomb_of_deep_nesting_is_refused_quickly() {
    // Without the guard serde_yaml's parser spends minutes on this before refusing it.
    let deep = format!(
        "---\ntitle: Deep\ndate: 2023-01-01\nx: {}{}\n---\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    refuses_file(
        "content/articles/bad.md",
        deep,
        &["content/articles/bad.md:4: error: front matter: the YAML is nested more than 64 levels deep", "flatten"],
    );
    let mut block = String::from("---\ntitle: Deep\ndate: 2023-01-01\nx:\n");
    for i in 1..=200 {
        block.push_str(&format!("{}- \n", " ".repeat(i)));
    }
    block.push_str("---\n");
    refuses_file(
        "content/articles/bad.md",
        block,
        &[
            "content/articles/bad.md:",
            "nested more than 128 levels deep",
        ],
    );
}

#[test]
fn yaml_bomb_of_alias_expansion_is_refused() {
    // Billion laughs: nine levels of nine aliases expand to 9^9 strings.
    let mut bomb = String::from("---\ntitle: Laughs\ndate: 2023-01-01\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    let mut prev = 'a';
    for c in 'b'..='i' {
        bomb.push_str(&format!(
            "{c}: &{c} [{}]\n",
            vec![format!("*{prev}"); 9].join(", ")
        ));
        prev = c;
    }
    bomb.push_str("---\nBody.\n");
    refuses_file(
        "content/articles/bad.md",
        bomb,
        &[
            "content/articles/bad.md:",
            "aliases",
            "YAML bomb",
            "write the values out",
        ],
    );
    // One big anchor repeated many times: under serde_yaml's own limit, quadratic without ours.
    let quad = format!(
        "---\ntitle: Quad\ndate: 2023-01-01\na: &a [{}]\nb: [{}]\n---\n",
        vec!["1"; 4000].join(","),
        vec!["*a"; 4000].join(",")
    );
    refuses_file(
        "content/articles/bad.md",
        quad,
        &["content/articles/bad.md:", "aliases"],
    );
}

#[test]
fn non_utf8_file_is_refused_at_the_bad_byte() {
    let mut bytes = b"---\ntitle: Caf".to_vec();
    bytes.push(0xE9); // Latin-1 é
    bytes.extend_from_slice(b"\ndate: 2023-01-01\n---\n");
    refuses_file(
        "content/articles/bad.md",
        bytes,
        &[
            "content/articles/bad.md:2:11: error: this file is not UTF-8 text",
            "save it as UTF-8",
        ],
    );
}

#[test]
fn bom_and_crlf_simply_work() {
    let site = SiteTest::minimal()
        .file(
            "site.yaml",
            &format!("\u{feff}{}", SITE_YAML.replace('\n', "\r\n")),
        )
        .file(
            "content/articles/windows.md",
            "\u{feff}---\r\ntitle: Saved on Windows\r\ndate: 2023-12-01\r\ncompanies: [huawei-cloud]\r\n---\r\nFirst line.\r\n\r\n## Next Part\r\n\r\nSee [Pangu](../models/pangu-medical-model.md).\r\n",
        );
    site.build().assert_ok();
    let html = site.read("articles/windows/index.html");
    assert!(html.contains("<h1>Saved on Windows</h1>"), "{html}");
    assert!(
        html.contains(r#"<h2 id="next-part">Next Part</h2>"#),
        "{html}"
    );
    assert!(html.contains(r#"href="/models/pangu-medical-model/""#));
    assert!(!html.contains('\u{feff}'));
    assert!(site
        .read("companies/huawei-cloud/index.html")
        .contains("/articles/windows/"));
}

#[test]
fn empty_file_and_empty_front_matter_are_refused() {
    let (site, before) = built_site();
    site.write("content/articles/empty.md", "");
    site.write("content/articles/blank.md", "  \n\n");
    site.write("content/themes/bare.md", "---\n---\nText.\n");
    let run = site.build();
    assert_refused(
        &site,
        &run,
        &before,
        &[
            "content/articles/empty.md:1: error: the file is empty",
            "content/articles/blank.md:1: error: the file is empty",
            "content/themes/bare.md:1: error: the front matter is empty",
            "a theme needs at least name",
        ],
    );
}

#[test]
fn ten_megabyte_article_builds() {
    let mut body = String::with_capacity(10 * 1024 * 1024 + 4096);
    let mut i = 0;
    while body.len() < 10 * 1024 * 1024 {
        body.push_str(&format!(
            "## Section {i}\n\nParagraph {i} on computing power, with [a link](../models/pangu-medical-model.md) and 算力网络 text. {}\n\n",
            "More words follow here. ".repeat(20)
        ));
        i += 1;
    }
    body.push_str("THE-LAST-PARAGRAPH\n");
    let site = SiteTest::minimal().file(
        "content/articles/huge.md",
        &format!("---\ntitle: Huge\ndate: 2024-01-01\n---\n{body}"),
    );
    site.build().assert_ok();
    let html = site.read("articles/huge/index.html");
    assert!(html.len() > 10 * 1024 * 1024);
    assert!(html.contains("THE-LAST-PARAGRAPH"));
    assert!(html.contains(&format!(r#"<h2 id="section-{}">"#, i - 1)));
}

#[test]
fn slugs_and_ids_with_path_characters_are_refused() {
    let (site, before) = built_site();
    let bad_slugs = [
        ("slash", "a/b"),
        ("dots", ".."),
        ("climb", "../../etc/passwd"),
        ("backslash", "a\\\\b"),
        ("nul", "a\\0b"),
    ];
    for (name, slug) in bad_slugs {
        site.write(
            &format!("content/articles/{name}.md"),
            format!("---\ntitle: T\ndate: 2023-01-01\nslug: \"{slug}\"\n---\n"),
        );
    }
    site.write("content/companies/back\\slash.md", "---\nname: X\n---\n");
    site.write(
        "content/pages/escape.md",
        "---\ntitle: P\nslug: \"../outside\"\n---\n",
    );
    site.write(
        "content/articles/refs.md",
        "---\ntitle: R\ndate: 2023-01-01\ncompanies: [\"../huawei-cloud\"]\n---\n",
    );
    let run = site.build();
    let mut needles: Vec<String> = bad_slugs
        .iter()
        .map(|(name, _)| format!("content/articles/{name}.md:4:1: error: "))
        .collect();
    needles.extend([
        "content/companies/back\\slash.md: error: file name: `back\\\\slash` is not a valid id"
            .into(),
        "content/pages/escape.md:3:1: error: `../outside` is not a valid id".into(),
        "content/articles/refs.md:4:".into(),
        "`a\\0b` is not a valid id".into(),
    ]);
    let needles: Vec<&str> = needles.iter().map(String::as_str).collect();
    assert_refused(&site, &run, &before, &needles);
    assert!(!site.root().join("etc").exists() && !site.root().join("outside").exists());
}

#[test]
fn two_files_claiming_one_url_are_refused() {
    let (site, before) = built_site();
    site.write(
        "content/articles/copy.md",
        "---\ntitle: Copy\ndate: 2023-01-01\nslug: first\n---\n",
    );
    site.write(
        "content/pages/team.md",
        "---\ntitle: Team\nslug: about\n---\n",
    );
    let run = site.build();
    assert_refused(
        &site,
        &run,
        &before,
        &[
            "content/articles/first.md",
            "two files claim the URL /articles/first/",
            "two files claim the URL /about/",
            "content/pages/team.md:3:7",
            "content/pages/about.md",
        ],
    );
}

#[cfg(unix)]
#[test]
fn symlink_loop_is_refused() {
    let (site, before) = built_site();
    std::os::unix::fs::symlink("..", site.root().join("content/articles/loop")).unwrap();
    let run = site.build();
    assert_refused(
        &site,
        &run,
        &before,
        &["content/articles/loop", "symlink loop"],
    );
}

#[cfg(unix)]
#[test]
fn symlink_out_of_the_site_is_not_followed() {
    let (site, before) = built_site();
    let outside = tempfile::tempdir().unwrap();
    fs::write(
        outside.path().join("secret.md"),
        "---\ntitle: SECRET-FROM-OUTSIDE\ndate: 2023-01-01\n---\nSECRET\n",
    )
    .unwrap();
    fs::write(outside.path().join("key.txt"), "SECRET-KEY").unwrap();
    let link = |target: PathBuf, at: &str| {
        fs::create_dir_all(site.root().join(at).parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, site.root().join(at)).unwrap();
    };
    link(
        outside.path().join("secret.md"),
        "content/articles/secret.md",
    );
    link(outside.path().to_path_buf(), "static/outside");
    link(outside.path().join("key.txt"), "templates/base.html");
    let run = site.build();
    assert_refused(
        &site,
        &run,
        &before,
        &[
            "content/articles/secret.md: error: symlink points outside the site; it is not followed",
            "static/outside: error: symlink points outside the site",
            "templates/base.html: error: symlink points outside the site",
        ],
    );
    assert!(!run.stderr().contains("SECRET"));
}

#[test]
fn template_that_loops_forever_stops_with_a_clear_error() {
    let (site, before) = built_site();
    // Ten billion empty iterations: no output to cap, no recursion; only the watchdog can stop it.
    site.write(
        "templates/article.html",
        "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}",
    );
    let run = site.run(&["build", "--render-timeout", "1"]);
    assert_refused(
        &site,
        &run,
        &before,
        &[
            "template templates/article.html did not finish rendering articles/",
            "within 1 s: it may loop forever",
        ],
    );

    for (template, needle) in [
        ("{% for i in range(end=100000000000) %}x{% endfor %}", "at most 100000"),
        ("{% for i in range(end=10, step_by=0) %}x{% endfor %}", "would never end"),
        (
            "{% for i in range(end=100000) %}{% for j in range(end=100000) %}many bytes {% endfor %}{% endfor %}",
            "the page grew past",
        ),
    ] {
        site.write("templates/article.html", template);
        let run = site.build();
        assert_refused(&site, &run, &before, &["article.html", needle]);
    }
}

#[test]
fn recursive_templates_are_refused_without_crashing() {
    let (site, before) = built_site();
    let cases: &[(&[(&str, &str)], &str)] = &[
        (
            &[("templates/article.html", "x{% include \"article.html\" %}")],
            "templates/article.html: error: template article.html includes or imports itself",
        ),
        (
            &[
                (
                    "templates/article.html",
                    "{% import \"macros.html\" as m %}{{ m::card(a=article) }}",
                ),
                (
                    "templates/macros.html",
                    "{% macro card(a) %}{{ self::card(a=a) }}{% endmacro card %}",
                ),
            ],
            "templates/macros.html: error: macro `card` in macros.html calls itself",
        ),
        (
            &[
                ("templates/article.html", "{% include \"part.html\" %}"),
                (
                    "templates/part.html",
                    "{% if article %}{% include \"article.html\" %}{% endif %}",
                ),
            ],
            "in a loop",
        ),
        (
            &[("templates/article.html", &"{% if true %}".repeat(200))],
            "templates/article.html:1: error: block tags",
        ),
    ];
    for (files, needle) in cases {
        for (rel, text) in *files {
            site.write(rel, text);
        }
        let run = site.build();
        let mut needles = vec![*needle];
        if !needle.contains("block tags") {
            needles.push("recursion in templates is not allowed");
        }
        assert_refused(&site, &run, &before, &needles);
        for (rel, _) in *files {
            site.remove(rel);
        }
    }
}

// ---- escaping ----

const SCRIPT: &str = "<script>alert(1)</script>";
const IMG: &str = "\"><img src=x onerror=alert(1)>";

/// Both payloads in one YAML double-quoted string.
fn payload() -> String {
    format!("{SCRIPT} {}", IMG.replace('"', "\\\""))
}

#[test]
fn front_matter_payloads_render_as_text_in_every_output_file() {
    let p = payload();
    let site = SiteTest::new()
        .file(
            "site.yaml",
            &format!("title: \"{p}\"\ndescription: \"{p}\"\nauthor: \"{p}\"\nlanguage: \"{p}\"\nbase_url: https://example.com/\nextra:\n  motto: \"{p}\"\n"),
        )
        .file(
            "content/companies/acme.md",
            &format!("---\nname: \"{p}\"\naliases: [\"{p}\"]\ncountry: \"{p}\"\nwebsite: \"https://acme.example/{p}\"\nsummary: \"{p}\"\nnote: \"{p}\"\n---\nProfile.\n"),
        )
        .file(
            "content/models/rocket.md",
            &format!("---\nname: \"{p}\"\ncompany: acme\naliases: [\"{p}\"]\nmodalities: [\"{p}\"]\ndomain: \"{p}\"\nsummary: \"{p}\"\n---\nProfile.\n"),
        )
        .file(
            "content/themes/power.md",
            &format!("---\nname: \"{p}\"\nsummary: \"{p}\"\nkeywords: [\"{p}\"]\n---\n"),
        )
        .file(
            "content/articles/evil.md",
            &format!("---\ntitle: \"{p}\"\ndate: 2023-01-01\nsummary: \"{p}\"\nauthors: [\"{p}\"]\nsource: {{ name: \"{p}\", url: \"https://news.example/{p}\" }}\ncompanies: [acme]\nmodels: [rocket]\nthemes: [power]\nmood: \"{p}\"\n---\nPlain body.\n"),
        )
        .file(
            "content/articles/quiet.md",
            "---\ntitle: Quiet\ndate: 2022-01-01\n---\nThe first paragraph becomes the summary.\n",
        )
        .file("content/pages/about.md", &format!("---\ntitle: \"{p}\"\nsummary: \"{p}\"\nextra_field: \"{p}\"\n---\nAbout.\n"))
        // A user template that prints front matter as JSON inside HTML.
        .file(
            "templates/page.html",
            "<h1>{{ page.title }}</h1><script type=\"application/json\">{{ page.extra | json_encode() }}</script>",
        );
    site.build().assert_ok();
    let files = site.list_output();
    assert!(files.iter().any(|f| f.ends_with(".xml")));
    for f in &files {
        let text = String::from_utf8_lossy(&fs::read(site.public().join(f)).unwrap()).into_owned();
        for raw in [
            "<script>alert",
            "<img src=x",
            "\"><img",
            "onerror=alert(1)>",
        ] {
            assert!(!text.contains(raw), "{f} carries the raw payload {raw:?}");
        }
    }
    let article = site.read("articles/evil/index.html");
    assert!(article.contains(
        "&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(1)&gt;"
    ));
    assert!(site
        .read("feed.xml")
        .contains("<title>&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(site.read("about/index.html").contains("&lt;script&gt;"));
}

#[test]
fn script_urls_in_front_matter_are_refused() {
    let (site, before) = built_site();
    site.write(
        "content/companies/evil.md",
        "---\nname: Evil\nwebsite: \"javascript:alert(1)\"\n---\n",
    );
    site.write(
        "content/articles/evil.md",
        "---\ntitle: Evil\ndate: 2023-01-01\nsource: { name: X, url: \" JavaScript:alert(1)\" }\n---\n",
    );
    let run = site.build();
    assert_refused(
        &site,
        &run,
        &before,
        &[
            "content/companies/evil.md:3:11: error: `javascript:alert(1)` is not a web address",
            "content/articles/evil.md:4:",
            "https://",
        ],
    );
    site.write(
        "site.yaml",
        "title: T\nbase_url: \"https://e.com/\\\"><script>\"\n",
    );
    site.remove("content/companies/evil.md");
    site.remove("content/articles/evil.md");
    let run = site.build();
    assert_refused(
        &site,
        &run,
        &before,
        &["site.yaml:2: error:", "not allowed in a URL"],
    );
}

#[test]
fn raw_html_in_bodies_follows_the_markdown_setting() {
    let body = "Hello <b>bold</b>.\n\n<script>alert(1)</script>\n\n[click](javascript:alert(2)) ![i](data:text/html,x)\n";
    let article = format!("---\ntitle: Raw\ndate: 2023-01-01\n---\n{body}");
    // Default: allow, the desk's own HTML passes through.
    let site = SiteTest::new().file("content/articles/raw.md", &article);
    site.build().assert_ok();
    let html = site.read("articles/raw/index.html");
    assert!(html.contains("<b>bold</b>") && html.contains("<script>alert(1)</script>"));

    let site = SiteTest::new()
        .file(
            "site.yaml",
            &format!("{SITE_YAML}markdown:\n  raw_html: escape\n"),
        )
        .file("content/articles/raw.md", &article);
    site.build().assert_ok();
    let html = site.read("articles/raw/index.html");
    assert!(html.contains("&lt;b&gt;bold&lt;/b&gt;"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
    assert!(html.contains("click"), "link text is kept");
    for f in site.list_output().iter().filter(|f| !f.ends_with(".png")) {
        let text = fs::read_to_string(site.public().join(f)).unwrap();
        for raw in ["<script>alert", "<b>bold", "javascript:", "data:text"] {
            assert!(!text.contains(raw), "{f} carries {raw:?}");
        }
    }
}

#[test]
fn thousands_of_broken_links_are_all_reported() {
    // Every link is reported; the costly "did you mean" search runs for the first few per file.
    let links: String = (0..2000)
        .map(|i| format!("[l{i}](../models/pangu-medical-modl-{i}.md)\n"))
        .collect();
    let run = refuses_file(
        "content/articles/links.md",
        format!("---\ntitle: Links\ndate: 2023-01-01\n---\n{links}"),
        &["content/articles/links.md:5:1: error: link to `../models/pangu-medical-modl-0.md` points at nothing", "2000 errors"],
    );
    assert_eq!(run.stderr().matches("points at nothing").count(), 2000);
}

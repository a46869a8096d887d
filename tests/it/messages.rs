//! What the commands say: errors name the paths the user knows, closed pipes end quietly, and the
//! wording of "not a site" is the same everywhere.

use crate::support::SiteTest;
use std::path::PathBuf;

/// An output folder so deep that its own files fit in the system's limit on a path (4096 bytes)
/// but deeper ones do not: writing them fails, whatever the user running the tests may do.
fn deep_out(t: &SiteTest) -> PathBuf {
    let mut out = t.root().to_path_buf();
    while out.as_os_str().len() < 3990 {
        let room = 3990 - out.as_os_str().len();
        out.push("d".repeat(room.clamp(1, 200)));
    }
    std::fs::create_dir_all(&out).unwrap();
    out.join("out")
}

/// Builds into `deep_out` and checks that the failed write is named in the output folder.
fn assert_write_error_names_output(t: &SiteTest) {
    let out = deep_out(t);
    let run = t.run(&["build", "--out", out.to_str().unwrap()]);
    run.assert_fails();
    let err = run.stderr();
    assert!(
        !err.contains("briefing-staging"),
        "names the staging folder:\n{err}"
    );
    assert!(
        err.contains(&format!("cannot write {}/", out.display())),
        "does not name a path in the output folder:\n{err}"
    );
}

#[test]
fn write_error_names_the_output_path_not_the_staging_folder() {
    let long = "a".repeat(120);
    let t = SiteTest::minimal().file(
        &format!("content/articles/{long}.md"),
        "---\ntitle: Long\ndate: 2023-09-20\n---\nBody.\n",
    );
    assert_write_error_names_output(&t);
}

#[test]
fn copy_error_names_the_output_path_not_the_staging_folder() {
    let long = "a".repeat(120);
    let t = SiteTest::minimal().file(&format!("static/{long}/style.css"), "body {}\n");
    assert_write_error_names_output(&t);
}

/// Runs `briefing <args>` in `dir` with its stdout a pipe whose reader is already closed, as in
/// `briefing init --theme | head` once head has exited. (A socket pair: its writer gets the same
/// broken-pipe error, and it is closed before the command starts, so the test cannot race.)
#[cfg(unix)]
fn run_into_closed_pipe(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    let (reader, writer) = std::os::unix::net::UnixStream::pair().unwrap();
    drop(reader);
    std::process::Command::new(env!("CARGO_BIN_EXE_briefing"))
        .args(args)
        .current_dir(dir)
        .stdout(std::os::fd::OwnedFd::from(writer))
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap()
}

#[cfg(unix)]
#[test]
fn closed_stdout_ends_quietly_with_the_status_of_a_broken_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let init = run_into_closed_pipe(dir.path(), &["init", "--theme", "site"]);
    let build = run_into_closed_pipe(&dir.path().join("site"), &["build"]);
    for (what, out) in [("init", init), ("build", build)] {
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.is_empty(), "{what} printed on stderr:\n{err}");
        // 128 + SIGPIPE, as a shell reports a command that a closed pipe stopped.
        assert_eq!(out.status.code(), Some(141), "{what}: {:?}", out.status);
    }
    assert!(dir.path().join("site/public/index.html").exists());
}

/// `briefing new article` as of `now` in a site whose `timezone:` is `zone`: the article is dated
/// the site's today, and once published, a build as of the same instant puts it out.
fn new_article_dated_in(zone: &str, now: &str, expect: &str) {
    let t = SiteTest::minimal();
    t.write(
        "site.yaml",
        format!("{}timezone: {zone}\n", crate::support::SITE_YAML),
    );
    let env = [("BRIEFING_NOW", now)];
    t.run_with_env(&["new", "article", "Due Today"], &env)
        .assert_ok();
    let text = std::fs::read_to_string(t.root().join("content/articles/due-today.md")).unwrap();
    assert!(
        text.contains(&format!("\ndate: {expect}\n")),
        "{zone} at {now}: not dated {expect}:\n{text}"
    );
    t.write(
        "content/articles/due-today.md",
        text.replace("status: draft", "status: published"),
    );
    t.run_with_env(&["build"], &env).assert_ok();
    assert!(
        t.read("index.html").contains("Due Today"),
        "{zone} at {now}: the new article is not out"
    );
}

#[test]
fn new_article_is_dated_today_in_the_sites_timezone() {
    // East of UTC the site's day has begun; west of it, it has not ended.
    new_article_dated_in("Asia/Shanghai", "2030-06-30T20:00:00Z", "2030-07-01");
    new_article_dated_in("America/New_York", "2030-07-01T02:00:00Z", "2030-06-30");
}

#[test]
fn import_without_a_date_is_dated_today_in_the_sites_timezone() {
    let t = SiteTest::minimal().file("in/story.txt", "A Story\n-\nIt happened.\n");
    t.write(
        "site.yaml",
        format!("{}timezone: Asia/Shanghai\n", crate::support::SITE_YAML),
    );
    let env = [("BRIEFING_NOW", "2030-06-30T20:00:00Z")];
    t.run_with_env(&["import", "in/story.txt"], &env)
        .assert_ok();
    let text = std::fs::read_to_string(t.root().join("content/articles/a-story.md")).unwrap();
    assert!(
        text.contains("\ndate: 2030-07-01\n"),
        "not dated the site's today:\n{text}"
    );
}

/// The banner of a scheduled article's page in a preview built before it goes out, with `extra`
/// appended to site.yaml.
fn scheduled_banner(date: &str, extra: &str) -> String {
    let t = SiteTest::minimal().file(
        "content/articles/later.md",
        &format!("---\ntitle: Later\ndate: {date}\n---\nSoon.\n"),
    );
    t.write("site.yaml", format!("{}{extra}", crate::support::SITE_YAML));
    let env = [("BRIEFING_NOW", "2026-11-01T00:00:00Z")];
    t.run_with_env(&["build", "--drafts"], &env).assert_ok();
    let page = std::fs::read_to_string(t.root().join("preview/articles/later/index.html")).unwrap();
    let at = page.find("Scheduled for").expect("a scheduled banner");
    page[at..].split('<').next().unwrap().trim().to_string()
}

#[test]
fn scheduled_banner_shows_the_time_of_an_article_dated_with_one() {
    let timed = "2026-12-01T23:30:00-05:00";
    assert_eq!(
        scheduled_banner(timed, ""),
        "Scheduled for 2 December 2026, 04:30 UTC"
    );
    assert_eq!(
        scheduled_banner(timed, "timezone: Asia/Shanghai\n"),
        "Scheduled for 2 December 2026, 12:30 CST"
    );
    assert_eq!(
        scheduled_banner(timed, "timezone: America/New_York\n"),
        "Scheduled for 1 December 2026, 23:30 EST"
    );
    // A date alone goes out when the site's day starts: no time to show.
    assert_eq!(
        scheduled_banner("2026-12-01", "timezone: Asia/Shanghai\n"),
        "Scheduled for 1 December 2026"
    );
}

#[test]
fn review_summary_shows_the_time_of_an_article_scheduled_with_one() {
    let t = SiteTest::minimal().file(
        "content/articles/later.md",
        "---\ntitle: Later\ndate: 2026-12-01T23:30:00-05:00\n---\nSoon.\n",
    );
    let env = [("BRIEFING_NOW", "2026-11-01T00:00:00Z")];
    t.run_with_env(&["build", "--drafts", "--summary", "sum.md"], &env)
        .assert_ok();
    let summary = std::fs::read_to_string(t.root().join("sum.md")).unwrap();
    assert!(
        summary.contains("scheduled for 2 December 2026, 04:30 UTC"),
        "{summary}"
    );
}

#[test]
fn library_callers_get_the_not_a_site_message_with_the_init_hint() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let build = briefing::site::build(&briefing::BuildOptions {
        root: root.clone(),
        out: None,
        base_url: None,
        force: false,
        drafts: false,
        future: false,
        render_timeout: std::time::Duration::from_secs(5),
    })
    .map(|_| ())
    .unwrap_err()
    .to_string();
    let check = briefing::check::check(&root, briefing::site::now())
        .map(|_| ())
        .unwrap_err()
        .to_string();
    let serve = briefing::serve::serve(
        &briefing::serve::ServeOptions {
            root: root.clone(),
            addr: "127.0.0.1:0".parse().unwrap(),
            drafts: false,
            future: false,
            render_timeout: std::time::Duration::from_secs(5),
        },
        &mut |_| {},
    )
    .map(|_| ())
    .unwrap_err()
    .to_string();
    let new = briefing::scaffold::new_entity(
        &root,
        &briefing::scaffold::NewEntity::Theme {
            name: "Chips".into(),
            id: None,
        },
    )
    .map(|_| ())
    .unwrap_err()
    .to_string();
    let expected = format!(
        "{} is not a briefing site (no site.yaml)\n  = hint: make one with `briefing init` (or `briefing init DIR`), or run inside a site folder or pass --root DIR",
        root.display()
    );
    for (what, message) in [
        ("build", build),
        ("check", check),
        ("serve", serve),
        ("new", new),
    ] {
        assert_eq!(message, expected, "{what}");
    }
}

#[test]
fn root_and_out_paths_are_escaped_for_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    // A folder name that would clear the screen and set the window title if printed as it is.
    let name = "si\u{1b}[2J\u{1b}]0;owned\u{7}te";
    let site = dir.path().join(name);
    let runs = [
        run_in(dir.path(), &["init", name]),
        run_in(dir.path(), &["build", "--root", name]),
        run_in(
            dir.path(),
            &["build", "--root", name, "--out", &format!("{name}/out")],
        ),
        run_in(dir.path(), &["new", "--root", name, "theme", "Chips"]),
    ];
    // No content/: the site cannot be read, and the commands say where they looked.
    std::fs::remove_dir_all(site.join("content")).unwrap();
    let failed = run_in(dir.path(), &["build", "--root", name]);
    let checked = run_in(dir.path(), &["check", "--root", name]);
    assert!(!failed.status.success() && !checked.status.success());
    for (i, out) in runs.iter().chain([&failed, &checked]).enumerate() {
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !text.contains(['\u{1b}', '\u{7}']),
            "a control character reached the terminal: {text:?}"
        );
        // `new` names the file it made relative to the site.
        if i != 3 {
            assert!(
                text.contains("si\\u{1b}[2J"),
                "the path is not shown: {text:?}"
            );
        }
    }
}

fn run_in(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_briefing"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

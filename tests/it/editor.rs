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

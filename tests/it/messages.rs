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

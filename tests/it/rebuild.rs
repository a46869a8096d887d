//! Rebuilding into an existing output: the next staging folder is seeded with links to the
//! previous output (for speed), and a rebuild must still write exactly what a fresh build writes.

use crate::support::*;
use std::fs;

#[test]
fn rebuild_writes_what_a_fresh_build_writes() {
    let site = SiteTest::minimal();
    for _ in 0..3 {
        site.build().assert_ok();
    }
    site.remove("content/articles/first.md");
    site.write(
        "content/articles/second.md",
        "---\ntitle: Second Story\ndate: 2023-10-01\n---\nShort now.\n",
    );
    site.build().assert_ok();
    let rebuilt = site.list_output();
    assert!(
        !rebuilt.iter().any(|f| f.starts_with("articles/first/")),
        "{rebuilt:?}"
    );
    assert!(site
        .read("articles/second/index.html")
        .contains("Short now."));

    let fresh = SiteTest::new();
    for f in list_files(&site.root().join("content")) {
        let text = fs::read_to_string(site.root().join("content").join(&f)).unwrap();
        fresh.write(&format!("content/{f}"), text);
    }
    fresh.build().assert_ok();
    assert_eq!(rebuilt, fresh.list_output());
    for f in &rebuilt {
        let (a, b) = (site.public().join(f), fresh.public().join(f));
        assert_eq!(fs::read(&a).unwrap(), fs::read(&b).unwrap(), "{f} differs");
    }
}

#[test]
fn rebuild_keeps_no_copy_of_the_old_output_beside_it() {
    let site = SiteTest::minimal();
    site.build().assert_ok();
    site.build().assert_ok();
    let beside: Vec<String> = fs::read_dir(site.root())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(beside.is_empty(), "{beside:?}");
}

#[cfg(unix)]
#[test]
fn rebuild_keeps_the_mtime_of_every_file_whose_bytes_did_not_change() {
    use std::os::unix::fs::MetadataExt as _;
    let site = SiteTest::minimal();
    site.build().assert_ok();
    let stamp = |f: &str| {
        let m = fs::metadata(site.public().join(f)).unwrap();
        (m.ino(), m.mtime_nsec(), m.mtime())
    };
    let before: Vec<_> = site
        .list_output()
        .iter()
        .map(|f| (f.clone(), stamp(f)))
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(20));
    site.build().assert_ok();
    for (f, was) in &before {
        assert_eq!(
            stamp(f),
            *was,
            "{f} was rewritten though its bytes did not change"
        );
    }
    let page = site
        .list_output()
        .into_iter()
        .find(|f| f.starts_with("articles/"))
        .unwrap();
    let text = fs::read_to_string(site.root().join("content/articles/first.md")).unwrap();
    site.write(
        "content/articles/first.md",
        text.replace("\n---\n", "\n---\nA new line.\n"),
    );
    site.build().assert_ok();
    assert_ne!(
        stamp(&page),
        before.iter().find(|(f, _)| *f == page).unwrap().1
    );
}

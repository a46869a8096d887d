//! Rebuilding into an existing output: the previous output is recycled as the next staging folder
//! (for speed), and a rebuild must still write exactly what a fresh build writes.

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
fn spare_output_beside_the_site_is_ignored_by_git() {
    let site = SiteTest::minimal();
    site.build().assert_ok();
    site.build().assert_ok();
    let spare = site.root().join(".public.briefing-spare");
    assert_eq!(fs::read_to_string(spare.join(".gitignore")).unwrap(), "*\n");
    assert!(!site.exists(".gitignore"));
}

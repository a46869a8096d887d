//! GitHub Pages: `.nojekyll` and `CNAME`, a crawl of the built site over real HTTP at a project
//! sub-path and at the root, and the Pages workflow.

use crate::support::*;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;

#[test]
fn every_build_writes_nojekyll_and_cname_when_set() {
    let site = SiteTest::minimal();
    site.build().assert_ok();
    assert_eq!(site.read(".nojekyll"), "");
    assert!(!site.exists("CNAME"), "no cname, no CNAME");

    site.write(
        "site.yaml",
        format!("{SITE_YAML}cname: briefing.example.org\n"),
    );
    site.build().assert_ok();
    assert_eq!(site.read("CNAME"), "briefing.example.org\n");
    assert!(site.exists(".nojekyll"));
}

#[test]
fn every_page_links_the_theme_favicon_under_the_base_path_and_a_site_may_replace_it() {
    let site = SiteTest::minimal();
    site.run(&["build", "--base-url", "https://org.github.io/repo/"])
        .assert_ok();
    assert!(
        site.read("favicon.svg").starts_with("<svg"),
        "the theme's icon"
    );
    for page in [
        "index.html",
        "articles/first/index.html",
        "companies/huawei-cloud/index.html",
        "404.html",
    ] {
        assert!(
            site.read(page)
                .contains(r#"<link rel="icon" href="/repo/favicon.svg" type="image/svg+xml">"#),
            "{page} names the icon under the sub-path"
        );
    }
    site.write("static/favicon.svg", "<svg id=\"ours\"></svg>");
    site.build().assert_ok();
    assert_eq!(site.read("favicon.svg"), "<svg id=\"ours\"></svg>");
}

#[test]
fn a_cname_that_is_not_a_host_name_is_an_error_at_its_line() {
    let site = SiteTest::minimal().file(
        "site.yaml",
        &format!("{SITE_YAML}cname: https://briefing.example.org/\n"),
    );
    let run = site.build();
    run.assert_fails();
    let line = SITE_YAML.lines().count() + 1;
    run.assert_stderr_has(&format!("site.yaml:{line}: error: cname:"));
    run.assert_stderr_has("write `briefing.example.org`");
    assert!(!site.public().exists(), "nothing written");
}

#[test]
fn a_static_cname_beside_site_cname_is_refused() {
    let site = SiteTest::minimal()
        .file(
            "site.yaml",
            &format!("{SITE_YAML}cname: briefing.example.org\n"),
        )
        .file("static/CNAME", "old.example.org\n");
    let run = site.build();
    run.assert_fails();
    run.assert_stderr_has("static/CNAME: error:");
    run.assert_stderr_has("delete static/CNAME");
}

#[test]
fn crawl_at_a_project_sub_path_answers_200_everywhere() {
    crawl_real_site("https://example.github.io/briefing/", "/briefing/");
}

#[test]
fn crawl_at_the_root_answers_200_everywhere() {
    crawl_real_site("https://example.github.io/", "/");
}

#[test]
fn crawl_notices_a_base_url_that_does_not_match_where_the_site_is_served() {
    // The mistake this issue is about: a site built for the root, served under /briefing/.
    let site = real_site();
    site.run(&["build", "--base-url", "https://example.github.io/"])
        .assert_ok();
    let server = StaticServer::start(&site.public(), "/briefing/");
    let crawl = crawl(&server, "https://example.github.io/briefing/");
    assert!(
        crawl
            .broken
            .iter()
            .any(|b| b.contains("/assets/briefing.css")),
        "the crawl should see the stylesheet 404: {:?}",
        crawl.broken
    );
}

/// Builds the repository's own site (plus an image) for `base_url`, serves it under `prefix` and
/// checks that every link answers 200 and that every file of the output is reachable.
fn crawl_real_site(base_url: &str, prefix: &str) {
    let site = real_site();
    site.run(&["build", "--base-url", base_url]).assert_ok();
    let server = StaticServer::start(&site.public(), prefix);
    let crawl = crawl(&server, base_url);
    assert!(
        crawl.broken.is_empty(),
        "links that do not answer 200:\n{}",
        crawl.broken.join("\n")
    );
    let ok: BTreeSet<&str> = crawl
        .fetched
        .iter()
        .filter(|(_, s)| **s == 200)
        .map(|(p, _)| p.as_str())
        .collect();
    let unreached: Vec<String> = site
        .list_output()
        .into_iter()
        .filter(|f| ![".briefing-output", ".nojekyll", "CNAME", "404.html"].contains(&f.as_str()))
        // The search script reaches these through the manifest (search/index.json), which a link
        // reaches, and fetches the filters' data after the first results; tests/it/search.rs
        // checks that these are every index file there is.
        .filter(|f| {
            !f.starts_with("search/t/") && !f.starts_with("search/d/") && f != "search/filters.json"
        })
        .map(|f| match f.strip_suffix("index.html") {
            Some(dir) => format!("{prefix}{dir}"),
            None => format!("{prefix}{f}"),
        })
        .filter(|url| !ok.contains(url.as_str()))
        .collect();
    assert!(
        unreached.is_empty(),
        "output files no link reaches: {unreached:?}"
    );
    for kind in [".css", ".png", "feed.xml", "sitemap.xml", "/articles/"] {
        assert!(
            ok.iter().any(|p| p.contains(kind)),
            "the crawl fetched no {kind}"
        );
    }
}

/// The repository's own site (site.yaml, content/, static/, templates/) in a temporary folder,
/// with an image in static/ that an article shows and links to.
fn real_site() -> SiteTest {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = SiteTest::new();
    site.write("site.yaml", std::fs::read(repo.join("site.yaml")).unwrap());
    for folder in ["content", "static", "templates"] {
        let dir = repo.join(folder);
        if !dir.exists() {
            continue;
        }
        for f in list_files(&dir) {
            site.write(
                &format!("{folder}/{f}"),
                std::fs::read(dir.join(&f)).unwrap(),
            );
        }
    }
    site.write("static/images/chart.png", PNG_1X1);
    site.write(
        "content/articles/chart-of-the-week.md",
        "---\ntitle: Chart of the week\ndate: 2023-09-26\n---\n\
         ![Model launches by month](../../static/images/chart.png)\n\n\
         [The chart, full size](/images/chart.png).\n",
    );
    site
}

/// A 1x1 PNG.
const PNG_1X1: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53,
    0xde, 0x00, 0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x90, 0xcf, 0xdf, 0x02,
    0x00, 0x01, 0xf3, 0x01, 0x43, 0x01, 0x87, 0x83, 0x60, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e,
    0x44, 0xae, 0x42, 0x60, 0x82,
];

/// What a crawl saw: every path fetched with its status, and every link that did not answer 200.
struct Crawl {
    fetched: BTreeMap<String, u16>,
    broken: Vec<String>,
}

/// Crawls the site served by `server`, as built for `base_url`: from the home page, the feed, the
/// sitemap, robots.txt and a missing page (whose 404 page is crawled too), following every href
/// and src in HTML, every link and `<loc>` in XML (the feed's escaped content included), every
/// `url()` in CSS and robots.txt's `Sitemap:`. Absolute URLs on the site's own origin are fetched
/// from the server; other hosts are left alone.
fn crawl(server: &StaticServer, base_url: &str) -> Crawl {
    let (origin, base_path) = split_base(base_url);
    let missing = format!("{base_path}no-such-page/");
    let mut queue: VecDeque<(String, String, u16)> = [
        (base_path.to_string(), 200),
        (format!("{base_path}feed.xml"), 200),
        (format!("{base_path}sitemap.xml"), 200),
        (format!("{base_path}robots.txt"), 200),
        (missing.clone(), 404),
    ]
    .into_iter()
    .map(|(p, s)| (p, "(start)".to_string(), s))
    .collect();
    let mut fetched = BTreeMap::new();
    let mut broken = Vec::new();
    while let Some((path, from, expected)) = queue.pop_front() {
        if fetched.contains_key(&path) {
            continue;
        }
        let resp = server.get(&path);
        fetched.insert(path.clone(), resp.status);
        if resp.status != expected {
            broken.push(format!("{from} -> {path}: {}", resp.status));
            continue;
        }
        let body = String::from_utf8_lossy(&resp.body);
        for link in links_of(&path, &body) {
            if let Some(target) = resolve(&path, &link, origin) {
                queue.push_back((target, path.clone(), 200));
            }
        }
    }
    Crawl { fetched, broken }
}

/// `https://example.github.io/briefing/` -> (`https://example.github.io`, `/briefing/`).
fn split_base(base_url: &str) -> (&str, &str) {
    let after_scheme = base_url.find("://").unwrap() + 3;
    let slash = base_url[after_scheme..]
        .find('/')
        .map_or(base_url.len(), |i| after_scheme + i);
    (&base_url[..slash], &base_url[slash..])
}

/// The links a document holds, by its kind.
fn links_of(path: &str, body: &str) -> Vec<String> {
    if path.ends_with(".css") {
        return body
            .split("url(")
            .skip(1)
            .filter_map(|rest| rest.split(')').next())
            .map(|u| u.trim().trim_matches(['"', '\'']).to_string())
            .collect();
    }
    if path.ends_with(".txt") {
        return body
            .lines()
            .filter_map(|l| l.strip_prefix("Sitemap:"))
            .map(|u| u.trim().to_string())
            .collect();
    }
    if path.ends_with(".xml") {
        // The feed carries article HTML escaped inside <content>: unescape to see its links.
        let text = body
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&#39;", "'");
        let mut links = links_in(&text);
        links.extend(
            text.split("<loc>")
                .skip(1)
                .filter_map(|rest| rest.split("</loc>").next())
                .map(|u| u.replace("&amp;", "&")),
        );
        return links;
    }
    links_in(body)
}

/// The server path a link points at, seen from the page at `from`; `None` for other hosts, mail
/// addresses and in-page anchors.
fn resolve(from: &str, link: &str, origin: &str) -> Option<String> {
    let link = link.trim();
    if link.is_empty() || link.starts_with('#') {
        return None;
    }
    let path = if let Some(rest) = link.strip_prefix(origin) {
        if rest.is_empty() {
            "/".to_string()
        } else if rest.starts_with('/') {
            rest.to_string()
        } else {
            return None; // another host that merely starts the same way
        }
    } else if link.starts_with("//") || link.contains("://") || link.starts_with("mailto:") {
        return None;
    } else if link.starts_with('/') {
        link.to_string()
    } else {
        let dir = &from[..from.rfind('/').map_or(0, |i| i + 1)];
        normalize(&format!("{dir}{link}"))
    };
    Some(path.split(['#', '?']).next().unwrap_or("/").to_string())
}

/// Resolves `.` and `..` segments as a browser does.
fn normalize(path: &str) -> String {
    let segments: Vec<&str> = path.split('/').collect();
    let last = segments.len() - 1;
    let mut out: Vec<&str> = Vec::new();
    for (i, seg) in segments.into_iter().enumerate() {
        match seg {
            "." | ".." => {
                // Never above the root: out[0] is the empty segment before the first `/`.
                if seg == ".." && out.len() > 1 {
                    out.pop();
                }
                if i == last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    out.join("/")
}

#[test]
fn crawl_resolves_links_as_a_browser_does() {
    let o = "https://example.github.io";
    for (from, link, want) in [
        ("/briefing/a/", "/briefing/x/", Some("/briefing/x/")),
        ("/briefing/a/", "../b/#top", Some("/briefing/b/")),
        ("/briefing/a/", "img.png?v=1", Some("/briefing/a/img.png")),
        ("/briefing/a/b.html", "..", Some("/briefing/")),
        ("/", "../../x", Some("/x")),
        (
            "/briefing/a/",
            "https://example.github.io/briefing/y/",
            Some("/briefing/y/"),
        ),
        ("/briefing/a/", "https://example.github.io.evil/", None),
        ("/briefing/a/", "https://other.org/", None),
        ("/briefing/a/", "#main", None),
        ("/briefing/a/", "mailto:desk@example.org", None),
    ] {
        assert_eq!(resolve(from, link, o).as_deref(), want, "{from} + {link}");
    }
    assert_eq!(
        split_base("https://example.github.io/briefing/"),
        ("https://example.github.io", "/briefing/")
    );
}

#[test]
fn workflow_builds_with_the_readme_command_and_deploys_with_least_permissions() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(repo.join(".github/workflows/pages.yml")).unwrap();
    let wf: serde_yaml::Value = serde_yaml::from_str(&text).expect("pages.yml is YAML");

    let branches = wf["on"]["push"]["branches"]
        .as_sequence()
        .expect("on.push.branches");
    assert!(branches.iter().any(|b| b.as_str() == Some("main")));
    assert!(
        wf["on"].get("workflow_dispatch").is_some(),
        "runnable by hand"
    );
    assert_eq!(
        wf["concurrency"]["group"].as_str(),
        Some("pages"),
        "one deployment at a time"
    );

    let build = &wf["jobs"]["build"];
    let steps = build["steps"].as_sequence().expect("build steps");
    let uses = |name: &str| {
        steps
            .iter()
            .find(|s| s["uses"].as_str().is_some_and(|u| u.starts_with(name)))
            .unwrap_or_else(|| panic!("no step uses {name}"))
    };
    uses("actions/checkout@");
    uses("dtolnay/rust-toolchain@");
    uses("Swatinem/rust-cache@");
    let configure = uses("actions/configure-pages@");
    let id = configure["id"].as_str().expect("configure-pages has an id");
    assert_eq!(
        uses("actions/upload-pages-artifact@")["with"]["path"].as_str(),
        Some("public")
    );

    let build_step = steps
        .iter()
        .find(|s| {
            s["run"]
                .as_str()
                .is_some_and(|r| r.starts_with("briefing build"))
        })
        .expect("a build step");
    let run = build_step["run"].as_str().unwrap();
    // The address reaches the shell through env:, never as an expression inside the script.
    let env = build_step["env"]
        .as_mapping()
        .expect("the build step has env");
    let (var, value) = env.iter().next().expect("one variable");
    assert_eq!(
        value.as_str(),
        Some(format!("${{{{ steps.{id}.outputs.base_url }}}}").as_str())
    );
    let base_url_flag = format!("--base-url \"${}/\"", var.as_str().unwrap());
    assert!(
        run.contains(&base_url_flag),
        "build takes base_url from configure-pages, with a trailing slash: {run}"
    );
    assert!(
        !run.contains("--out"),
        "the artifact path is the default output, public/"
    );
    let command = run.split(" --").next().unwrap().trim();
    let readme = std::fs::read_to_string(repo.join("README.md")).unwrap();
    assert!(
        readme.contains(run),
        "the README does not give the workflow's build command `{command}`"
    );

    assert_eq!(
        permissions(&wf["permissions"]),
        expect(&[("contents", "read")]),
        "the workflow grants only read by default"
    );
    let build_perms = permissions(&build["permissions"]);
    assert!(
        build_perms.values().all(|v| v == "read"),
        "the build job writes nothing: {build_perms:?}"
    );
    let deploy = &wf["jobs"]["deploy"];
    assert_eq!(deploy["needs"].as_str(), Some("build"));
    assert_eq!(deploy["environment"]["name"].as_str(), Some("github-pages"));
    assert_eq!(
        permissions(&deploy["permissions"]),
        expect(&[("pages", "write"), ("id-token", "write")])
    );
    let deploy_steps = deploy["steps"].as_sequence().expect("deploy steps");
    assert!(deploy_steps.iter().any(|s| s["uses"]
        .as_str()
        .is_some_and(|u| u.starts_with("actions/deploy-pages@"))));
}

fn permissions(v: &serde_yaml::Value) -> BTreeMap<String, String> {
    v.as_mapping()
        .expect("a permissions block")
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().unwrap().to_string(),
                v.as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn expect(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

//! The search index as the page's script reads it: the manifest, the chunk a term lives in, and
//! the document a posting points at. Terms are looked up the way `static/assets/search.js` does
//! (binary search over the chunks' first terms), so a test that finds a word here finds it there.

use crate::support::*;
use serde_json::Value;
use std::process::Command;

/// The built index, read back.
struct Index {
    site: SiteTest,
    manifest: Value,
    /// `search/filters.json`: the filters' entities and years.
    filters: Value,
}

impl Index {
    fn of(site: SiteTest, args: &[&str]) -> Index {
        site.run(args).assert_ok();
        let manifest = serde_json::from_str(&site.read("search/index.json")).expect("JSON");
        let filters = serde_json::from_str(&site.read("search/filters.json")).expect("JSON");
        Index {
            site,
            manifest,
            filters,
        }
    }

    fn chunks(&self) -> Vec<String> {
        self.manifest["chunks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_string())
            .collect()
    }

    /// The chunk the script fetches for `term`: the last whose first term is not after it, in
    /// UTF-16 order as JavaScript compares strings.
    fn chunk_of(&self, term: &str) -> usize {
        let key: Vec<u16> = term.encode_utf16().collect();
        self.chunks()
            .iter()
            .rposition(|c| c.encode_utf16().collect::<Vec<u16>>() <= key)
            .unwrap()
    }

    fn chunk(&self, i: usize) -> Value {
        serde_json::from_str(&self.site.read(&format!("search/t/{i}.json"))).expect("JSON")
    }

    /// `term`'s postings as (document, field), or None when the term is not where the script
    /// would look.
    fn postings(&self, term: &str) -> Option<Vec<(usize, u64)>> {
        let chunk = self.chunk(self.chunk_of(term));
        let list = chunk.get(term)?.as_array()?;
        let mut doc = 0u64;
        Some(
            list.iter()
                .enumerate()
                .map(|(i, v)| {
                    let v = v.as_u64().unwrap();
                    doc = if i == 0 { v / 4 } else { doc + v / 4 };
                    (doc as usize, v % 4)
                })
                .collect(),
        )
    }

    fn doc(&self, i: usize) -> Value {
        serde_json::from_str(&self.site.read(&format!("search/d/{i}.json"))).expect("JSON")
    }

    /// The URLs of the documents holding `term`.
    fn urls(&self, term: &str) -> Vec<String> {
        self.postings(term)
            .unwrap_or_default()
            .into_iter()
            .map(|(d, _)| self.doc(d)["u"].as_str().unwrap().to_string())
            .collect()
    }

    /// Every file of the index, as text.
    fn files(&self) -> Vec<(String, String)> {
        self.site
            .list_output()
            .into_iter()
            .filter(|f| f.starts_with("search/") && f.ends_with(".json"))
            .map(|f| {
                let text = self.site.read(&f);
                (f, text)
            })
            .collect()
    }
}

fn article(slug: &str, date: &str, front: &str, body: &str) -> (String, String) {
    (
        format!("content/articles/{slug}.md"),
        format!("---\ntitle: Story {slug}\ndate: {date}\n{front}---\n{body}\n"),
    )
}

/// A body long enough that the planted word is far from its start: the old index kept only a
/// dozen telling terms per article and lost words like this one.
fn long_body(planted: &str) -> String {
    let filler = "Cloud providers expanded capacity across several regions this quarter. ";
    format!(
        "{}\n\nAnalysts counted {planted} among the reasons.\n\n{}",
        filler.repeat(30),
        filler.repeat(30)
    )
}

#[test]
fn a_word_planted_in_one_body_is_in_its_chunk_and_maps_to_that_article() {
    let (p, t) = article(
        "planted",
        "2023-11-02",
        "summary: Nothing special here.\n",
        &long_body("quixotrons"),
    );
    let index = Index::of(SiteTest::minimal().file(&p, &t), &["build"]);
    assert_eq!(index.manifest["v"], 3);
    assert_eq!(
        index.postings("quixotron"),
        Some(vec![(0, 0)]),
        "the newest article, found through its body (field 0), under the stem"
    );
    assert_eq!(index.urls("quixotron"), ["articles/planted/"]);
    let doc = index.doc(0);
    assert_eq!(doc["k"], "a");
    assert_eq!(doc["t"], "Story planted");
    assert_eq!(doc["d"], "2023-11-02");
    assert!(
        doc["x"].as_str().unwrap().contains("quixotrons"),
        "text for the excerpt"
    );
    let holders: Vec<String> = index
        .files()
        .into_iter()
        .filter(|(f, text)| f.starts_with("search/t/") && text.contains("quixotron"))
        .map(|(f, _)| f)
        .collect();
    assert_eq!(
        holders,
        [format!("search/t/{}.json", index.chunk_of("quixotron"))],
        "the term is in exactly the chunk the script fetches"
    );
}

#[test]
fn every_word_of_titles_summaries_bodies_and_profiles_is_found() {
    let (p, t) = article(
        "words",
        "2023-11-02",
        "summary: Trillions of tokens.\n",
        "Served through ModelScope.\n",
    );
    let index = Index::of(SiteTest::minimal().file(&p, &t), &["build"]);
    assert_eq!(index.urls("trillion"), ["articles/words/"]);
    assert_eq!(index.urls("modelscop"), ["articles/words/"]);
    assert_eq!(index.urls("stori").len(), 3, "every title says Story");
    // Entity profiles and names: "Makers of Pangu" is Huawei Cloud's profile.
    assert_eq!(index.urls("maker"), ["companies/huawei-cloud/"]);
    let painting = index.postings("paint").unwrap();
    assert_eq!(painting.len(), 1);
    assert_eq!(index.doc(painting[0].0)["k"], "m");
}

#[test]
fn stems_find_other_forms_of_a_word() {
    let (p1, t1) = article(
        "plural",
        "2023-11-02",
        "summary: Numbers.\n",
        "Three hospitals joined.\n",
    );
    let (p2, t2) = article(
        "single",
        "2023-11-01",
        "summary: A hospital network.\n",
        "Text.\n",
    );
    let index = Index::of(
        SiteTest::minimal().file(&p1, &t1).file(&p2, &t2),
        &["build"],
    );
    let urls = index.urls("hospit");
    assert_eq!(urls, ["articles/plural/", "articles/single/"]);
    let fields: Vec<u64> = index
        .postings("hospit")
        .unwrap()
        .into_iter()
        .map(|(_, f)| f)
        .collect();
    assert_eq!(fields, [0, 1], "body, then summary");
    assert!(
        index.postings("hospitals").is_none(),
        "only the stem is indexed"
    );
}

#[test]
fn cjk_names_are_found_by_their_characters() {
    let (p, t) = article("cjk", "2023-11-02", "", "Deployed on 阿里云 in Hangzhou.\n");
    let index = Index::of(SiteTest::minimal().file(&p, &t), &["build"]);
    for term in ["阿里", "里云", "阿", "云"] {
        let urls = index.urls(term);
        assert!(
            urls.contains(&"companies/alibaba-cloud/".to_string()),
            "{term}: the company, by its alias: {urls:?}"
        );
        assert!(
            urls.contains(&"articles/cjk/".to_string()),
            "{term}: the article, by its body"
        );
        assert!(
            urls.contains(&"articles/second/".to_string()),
            "{term}: the article naming Alibaba Cloud in its front matter"
        );
    }
    let alibaba = index.filters["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e[1] == "alibaba-cloud")
        .unwrap()
        .clone();
    assert_eq!(alibaba[3], serde_json::json!(["Aliyun", "阿里云"]));
}

fn secrets_site() -> SiteTest {
    SiteTest::minimal()
        .file("content/articles/d.md", "---\ntitle: Draft one\ndate: 2023-12-01\nstatus: draft\ncompanies: [huawei-cloud]\n---\nThe zyzzogeton draft.\n")
        .file("content/articles/r.md", "---\ntitle: Review one\ndate: 2023-12-01\nstatus: review\n---\nThe yttriumbox review.\n")
        .file("content/articles/s.md", "---\ntitle: Scheduled one\ndate: 2999-12-01\ncompanies: [huawei-cloud]\n---\nThe xanthoquill plan.\n")
}

#[test]
fn drafts_review_and_scheduled_articles_never_enter_a_published_index() {
    let index = Index::of(secrets_site(), &["build"]);
    let files = index.files();
    assert!(files.len() > 3, "manifest, chunks and documents");
    for (f, text) in &files {
        serde_json::from_str::<Value>(text).unwrap_or_else(|e| panic!("{f}: {e}"));
        for secret in [
            "zyzzogeton",
            "yttriumbox",
            "xanthoquill",
            "articles/d/",
            "Review one",
        ] {
            assert!(!text.contains(secret), "{secret} leaked into {f}");
        }
    }
    assert_eq!(index.manifest["articles"], 2);
    assert_eq!(index.manifest["preview"], false);
}

#[test]
fn a_preview_index_holds_drafts_marked_as_such() {
    let index = Index::of(secrets_site(), &["build", "--drafts", "--out", "public"]);
    assert_eq!(index.manifest["preview"], true);
    let mut standings = Vec::new();
    for term in ["zyzzogeton", "yttriumbox", "xanthoquil"] {
        let postings = index.postings(term).unwrap_or_else(|| panic!("{term}"));
        assert_eq!(postings.len(), 1, "{term}");
        standings.push(index.doc(postings[0].0)["st"].clone());
    }
    assert_eq!(
        standings,
        [
            serde_json::json!("draft"),
            serde_json::json!("review"),
            serde_json::json!("scheduled")
        ]
    );
    let published = index.postings("bodi").unwrap()[0].0;
    assert!(
        index.doc(published).get("st").is_none(),
        "published is unmarked"
    );
}

/// The first query waits for the manifest only: it names the chunks and nothing the filters need.
#[test]
fn the_manifest_holds_no_filter_data() {
    let index = Index::of(SiteTest::minimal(), &["build"]);
    let keys: Vec<&String> = index.manifest.as_object().unwrap().keys().collect();
    assert!(
        !keys.iter().any(|k| *k == "entities" || *k == "years"),
        "{keys:?}"
    );
    assert!(index.filters["entities"].as_array().unwrap().len() >= 5);
}

#[test]
fn filters_know_each_articles_entities_and_year() {
    let (p, t) = article(
        "old",
        "2021-05-05",
        "companies: [alibaba-cloud]\n",
        "Old.\n",
    );
    let index = Index::of(SiteTest::minimal().file(&p, &t), &["build"]);
    // Articles newest first: second (2023-10-01), first (2023-09-25), old (2021-05-05).
    assert_eq!(
        index.filters["years"],
        serde_json::json!([[2023, 0], [2021, 2]])
    );
    let entities = index.filters["entities"].as_array().unwrap();
    let alibaba = entities.iter().find(|e| e[1] == "alibaba-cloud").unwrap();
    assert_eq!(
        alibaba[5],
        serde_json::json!([0, 2]),
        "second and old, as gaps"
    );
    let doc = alibaba[4].as_u64().unwrap() as usize;
    assert_eq!(index.doc(doc)["u"], "companies/alibaba-cloud/");
}

#[test]
fn chunks_are_sorted_and_hold_only_their_own_terms() {
    let mut site = SiteTest::minimal();
    for i in 0..60 {
        let words: Vec<String> = (0..120).map(|w| format!("w{i}x{w}zz")).collect();
        let (p, t) = article(&format!("a{i}"), "2023-01-01", "", &words.join(" "));
        site = site.file(&p, &t);
    }
    let index = Index::of(site, &["build"]);
    let chunks = index.chunks();
    assert!(
        chunks.len() > 1,
        "7,200 distinct words make more than one chunk"
    );
    for (i, _) in chunks.iter().enumerate() {
        let chunk = index.chunk(i);
        let text = index.site.read(&format!("search/t/{i}.json"));
        assert!(
            text.len() < 2 * briefing::limits::CHUNK_BYTES,
            "chunk {i} is {} bytes",
            text.len()
        );
        for term in chunk.as_object().unwrap().keys() {
            assert_eq!(index.chunk_of(term), i, "{term} is where the script looks");
        }
    }
}

#[test]
fn the_manifest_names_every_index_file_and_no_other_exists() {
    let index = Index::of(SiteTest::minimal(), &["build"]);
    let chunks = index.chunks().len();
    let docs = index.manifest["docs"].as_u64().unwrap() as usize;
    assert_eq!(docs, 2 + 2 + 2 + 1, "articles, companies, models, themes");
    let mut want: Vec<String> = (0..chunks)
        .map(|i| format!("search/t/{i}.json"))
        .chain((0..docs).map(|i| format!("search/d/{i}.json")))
        .collect();
    want.push("search/index.json".into());
    want.push("search/filters.json".into());
    want.sort();
    let mut have: Vec<String> = index.files().into_iter().map(|(f, _)| f).collect();
    have.sort();
    assert_eq!(have, want);
}

/// The script's stemmer, run by Node on every word of the README: each stem it makes for a word
/// the index holds is a term of the index, in the chunk the script would fetch. Skipped (with a
/// note) where Node is not installed.
#[test]
fn the_scripts_stemmer_makes_the_index_terms() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let mut words: Vec<String> = readme
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() > 2)
        .map(str::to_ascii_lowercase)
        .collect();
    words.sort();
    words.dedup();
    let (p, t) = article("vocabulary", "2023-01-01", "", &words.join(" "));
    let index = Index::of(SiteTest::minimal().file(&p, &t), &["build"]);
    let stop: Vec<&str> = index.manifest["stop"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    words.retain(|w| !stop.contains(&w.as_str()));
    let script = std::fs::read_to_string(index.site.public().join("assets/search.js")).unwrap();
    let start = script.find("/* stem:begin").expect("marked stemmer");
    let end = script.find("/* stem:end */").expect("marked stemmer");
    let program = format!(
        "{}\nprocess.stdout.write(require('fs').readFileSync(0, 'utf8').split('\\n').map(stem).join('\\n'));",
        &script[start..end]
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("words.txt"), words.join("\n")).unwrap();
    let out = match Command::new("node")
        .arg("-e")
        .arg(&program)
        .stdin(std::fs::File::open(dir.path().join("words.txt")).unwrap())
        .output()
    {
        Ok(out) => out,
        Err(e) => {
            eprintln!("skipped: node is not available ({e})");
            return;
        }
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stems = String::from_utf8(out.stdout).unwrap();
    let stems: Vec<&str> = stems.split('\n').collect();
    assert_eq!(stems.len(), words.len());
    let missing: Vec<String> = words
        .iter()
        .zip(&stems)
        .filter(|(_, s)| index.postings(s).is_none())
        .map(|(w, s)| format!("{w} -> {s}"))
        .collect();
    assert!(
        missing.len() < words.len() / 2,
        "the test reads the right chunks"
    );
    assert!(
        missing.is_empty(),
        "{} words the script stems differently: {missing:?}",
        missing.len()
    );
}

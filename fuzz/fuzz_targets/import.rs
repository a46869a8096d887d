//! Fuzzes `import`: `import::import` on any bytes, with a few known companies, models and themes to
//! match, and `yaml::write_string` on any text. Must never panic or hang; what import writes must
//! be an article `parse` accepts, whose front matter is YAML that reads back the title it was given,
//! and whose body holds no raw HTML (import always escapes).
#![no_main]

use briefing::import::{self, Entity, ImportOptions, SiteNames};
use briefing::load::SourceFile;
use briefing::markdown;
use briefing::model::{EntityId, Kind, Status};
use briefing::parse;
use briefing::yaml;
use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use pulldown_cmark::{Event, Parser};
use std::path::PathBuf;
use std::sync::OnceLock;

fn matcher() -> &'static SiteNames {
    static MATCHER: OnceLock<SiteNames> = OnceLock::new();
    MATCHER.get_or_init(|| {
        let entity = |kind, id: &str, names: &[&str]| Entity {
            kind,
            id: EntityId::parse(id).expect("a valid id"),
            names: names.iter().map(|n| n.to_string()).collect(),
        };
        SiteNames::new(vec![
            entity(Kind::Company, "openai", &["OpenAI", "Open AI"]),
            entity(Kind::Company, "huawei-cloud", &["Huawei Cloud", "华为云"]),
            entity(Kind::Model, "gpt-4", &["GPT-4", "GPT4"]),
            entity(Kind::Model, "pangu", &["Pangu", "盘古"]),
            entity(Kind::Theme, "agents", &["agents", "agentic", "智能体"]),
        ])
    })
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let quoted = yaml::write_string(text);
        let back: String = serde_yaml::from_str(&format!("v: {quoted}\n"))
            .map(|m: std::collections::BTreeMap<String, String>| m["v"].clone())
            .unwrap_or_else(|e| panic!("{quoted} is not YAML: {e}"));
        assert_eq!(back, text, "write_string round trip");
    }

    let opts = ImportOptions {
        date: None,
        today: NaiveDate::from_ymd_opt(2024, 1, 2).unwrap(),
        status: Status::Draft,
        file_stem: "fuzz".into(),
    };
    let Ok(imported) = import::import(data, matcher(), &opts) else {
        return;
    };
    let md = &imported.markdown;

    let split = parse::split_front_matter(md)
        .unwrap_or_else(|e| panic!("no front matter ({e:?}) in\n{md}"));
    let fm: serde_yaml::Mapping = serde_yaml::from_str(split.yaml)
        .unwrap_or_else(|e| panic!("front matter is not YAML ({e}):\n{md}"));
    assert_eq!(
        fm.get("title").and_then(|v| v.as_str()),
        Some(imported.title.as_str()),
        "title round trip in\n{md}"
    );
    let file = SourceFile {
        kind: Kind::Article,
        rel: PathBuf::from(format!("content/articles/{}.md", imported.slug)),
        text: md.clone(),
    };
    if let Err(diags) = parse::parse_file(&file) {
        panic!("import wrote an article parse refuses: {diags:?}\n{md}");
    }

    for event in Parser::new_ext(split.body, markdown::options()) {
        assert!(
            !matches!(event, Event::Html(_) | Event::InlineHtml(_)),
            "raw HTML {event:?} in the body:\n{}",
            split.body
        );
    }
});

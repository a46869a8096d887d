//! Fuzzes `import`: `import` on any bytes, with a few known companies, models and themes to
//! match, and the YAML writer on any text. Must never panic or hang; what import writes must
//! be an article `parse` accepts, whose front matter is YAML that reads back the title it was given,
//! and whose body holds no raw HTML (import always escapes).
#![no_main]

use briefing::fuzzing::{self, Names};
use libfuzzer_sys::fuzz_target;
use pulldown_cmark::{Event, Parser};
use std::sync::OnceLock;

fn names() -> &'static Names {
    static NAMES: OnceLock<Names> = OnceLock::new();
    NAMES.get_or_init(|| {
        Names::new(&[
            ("companies", "openai", &["OpenAI", "Open AI"]),
            ("companies", "huawei-cloud", &["Huawei Cloud", "华为云"]),
            ("models", "gpt-4", &["GPT-4", "GPT4"]),
            ("models", "pangu", &["Pangu", "盘古"]),
            ("themes", "agents", &["agents", "agentic", "智能体"]),
        ])
    })
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let quoted = fuzzing::yaml_string(text);
        let back: String = serde_yaml::from_str(&format!("v: {quoted}\n"))
            .map(|m: std::collections::BTreeMap<String, String>| m["v"].clone())
            .unwrap_or_else(|e| panic!("{quoted} is not YAML: {e}"));
        assert_eq!(back, text, "write_string round trip");
    }

    let Some(imported) = fuzzing::import(data, names()) else {
        return;
    };
    let md = &imported.markdown;

    let (yaml, body) = fuzzing::split_front_matter(md)
        .unwrap_or_else(|e| panic!("no front matter ({e}) in\n{md}"));
    let fm: serde_yaml::Mapping = serde_yaml::from_str(yaml)
        .unwrap_or_else(|e| panic!("front matter is not YAML ({e}):\n{md}"));
    assert_eq!(
        fm.get("title").and_then(|v| v.as_str()),
        Some(imported.title.as_str()),
        "title round trip in\n{md}"
    );
    let rel = format!("content/articles/{}.md", imported.slug);
    if let Err(diags) = fuzzing::parse_file(&rel, md).expect("articles/ is a content folder") {
        panic!("import wrote an article parse refuses: {diags:?}\n{md}");
    }

    for event in Parser::new_ext(body, fuzzing::markdown_options()) {
        assert!(
            !matches!(event, Event::Html(_) | Event::InlineHtml(_)),
            "raw HTML {event:?} in the body:\n{}",
            body
        );
    }
});

//! Fuzzes the front-matter parser: `split_front_matter`, then `parse_file` for every
//! kind of content, on any text. Must never panic, hang or take memory out of proportion.
#![no_main]

use briefing::fuzzing;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = fuzzing::split_front_matter(text);
    for folder in ["articles", "companies", "models", "themes", "pages"] {
        let parsed = fuzzing::parse_file(&format!("content/{folder}/fuzz.md"), text);
        assert!(parsed.is_some(), "{folder} is a content folder");
    }
});

//! Fuzzes the front-matter parser: `parse::split_front_matter`, then `parse::parse_file` for every
//! kind of content, on any text. Must never panic, hang or take memory out of proportion.
#![no_main]

use briefing::load::SourceFile;
use briefing::model::Kind;
use briefing::parse;
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = parse::split_front_matter(text);
    for kind in Kind::ALL {
        let file = SourceFile {
            kind,
            rel: PathBuf::from(format!("content/{}/fuzz.md", kind.folder())),
            text: text.to_string(),
        };
        let _ = parse::parse_file(&file);
    }
});

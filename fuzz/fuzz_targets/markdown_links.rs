//! Fuzzes Markdown rendering with link rewriting: `render_markdown` with a resolver that keeps,
//! rewrites, unlinks or reports links, in both `raw_html` modes. Must never panic or hang, and in
//! `escape` mode must never let raw HTML or a `javascript:` link through.
#![no_main]

use briefing::fuzzing::{self, LinkTarget};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let Ok(source) = std::str::from_utf8(rest) else {
        return;
    };
    let escape = mode & 1 == 1;
    let mut resolve = |dest: &str| match dest.len() % 4 {
        0 => LinkTarget::Keep,
        1 => LinkTarget::Rewrite(format!("/articles/{}/", dest.len())),
        2 => LinkTarget::Unlink,
        _ => LinkTarget::Broken {
            message: format!("link to `{dest}` points at nothing"),
            hint: "fix it".into(),
        },
    };
    let r = fuzzing::render_markdown(source, escape, &mut resolve);
    for pos in &r.links {
        assert!(pos.0 >= 1 && pos.1 >= 1, "positions are 1-based: {pos:?}");
    }
    if escape {
        let lower = r.html.to_ascii_lowercase();
        assert!(!lower.contains("<script"), "raw HTML escaped: {}", r.html);
        // Text may say `href="javascript:` (quotes are not escaped in text); only real tags,
        // which start with an unescaped `<`, must not carry such a URL.
        for tag in lower.split('<').skip(1) {
            let tag = tag.split('>').next().unwrap_or("");
            for attr in [" href=\"", " src=\""] {
                if let Some(at) = tag.find(attr) {
                    let value: String = tag[at + attr.len()..]
                        .chars()
                        .take_while(|&c| c != '"')
                        .filter(|c| !c.is_ascii_control() && *c != ' ')
                        .collect();
                    for scheme in ["javascript:", "vbscript:", "data:"] {
                        assert!(
                            !value.starts_with(scheme),
                            "script URL in <{tag}>: {}",
                            r.html
                        );
                    }
                }
            }
        }
    }
});

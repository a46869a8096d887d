//! Stage 2, parse: splits front matter from body and turns YAML into typed content.
//! Pure functions over text already in memory; never touches the disk, never resolves references.
//! `front_matter` reads the YAML the same way for every kind; `kinds` has one function per kind.

mod front_matter;
mod image;
mod kinds;

pub(crate) use front_matter::split_front_matter;
pub use front_matter::SplitError;

use crate::error::Diagnostic;
use crate::load::SourceFile;
use crate::model::*;
use front_matter::FrontMatter;

/// One parsed content file.
#[derive(Debug)]
pub(crate) enum Item {
    Article(Article),
    Company(Company),
    Model(Model),
    Theme(Theme),
    Page(Page),
}

/// Parses one file. All of a file's problems are returned together.
pub(crate) fn parse_file(file: &SourceFile) -> Result<Item, Vec<Diagnostic>> {
    let rel = file.rel.as_path();
    let split = split_front_matter(&file.text).map_err(|e| vec![e.diagnostic(rel)])?;
    let fm = FrontMatter::new(rel, &split)?;
    let kind = kinds::parser(file.kind);
    let mut errors = Vec::new();
    // A YAML error here is reported only if the typed parse below succeeds; otherwise that parse
    // reports the same problem with a better message.
    let (extra, extra_error) = fm.extra(kind.known_keys, &mut errors);
    let mut warnings = Vec::new();
    fm.near_misses(kind.known_keys, kind.gates, &mut errors, &mut warnings);
    let common = kinds::Common {
        origin: Origin {
            rel: rel.to_path_buf(),
            body_line: split.body_line,
            yaml: split.yaml.to_string(),
            yaml_line: split.yaml_line,
            digest: digest(&file.text),
            warnings,
        },
        stem: stem_of(rel),
        body: split.body.into(),
        extra,
    };
    let item = (kind.build)(&fm, common, &mut errors)?;
    errors.extend(extra_error);
    if errors.is_empty() {
        Ok(item)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(text: &str) -> Result<Item, Vec<Diagnostic>> {
        parse_file(&SourceFile {
            kind: Kind::Article,
            rel: "content/articles/a.md".into(),
            text: text.into(),
        })
    }

    #[test]
    fn front_matter_parsed_once_reads_like_the_text() {
        let yaml = "title: 2024\ndate: 2024-01-02\nsummary: 42\nstatus: draft\n\
                    source: {name: Xinhua}\nfoo: {a: [1, true]}\n";
        let Ok(Item::Article(a)) = article(&format!("---\n{yaml}---\nbody\n")) else {
            panic!("not an article");
        };
        assert_eq!(a.title, "2024");
        assert_eq!(a.summary.as_deref(), Some("42"));
        assert_eq!(a.status, Status::Draft);
        assert_eq!(a.source.unwrap().name, "Xinhua");
        assert_eq!(a.extra["foo"], serde_json::json!({"a": [1, true]}));
        assert_eq!(a.extra.len(), 1);
    }

    #[test]
    fn front_matter_errors_keep_their_positions() {
        let errs = article("---\ntitle: t\ndate: 2024-01-02\ntitle: u\n---\n").unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].message.contains("set twice"), "{errs:?}");
        assert_eq!(errs[0].line, Some(4), "at the repeat");
        let errs = article("---\ntitle: [t\ndate: 2024-01-02\n---\n").unwrap_err();
        assert!(errs[0].line.is_some(), "{errs:?}");
    }
}

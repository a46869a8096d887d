//! `import`: plain-text articles (a title line, a line with a lone `-`, short heading lines and
//! paragraphs) to Markdown with front matter, plus the companies, models and themes the text names.
//! This file is the pure entry point (`import`: bytes and the site's names in, a document and what
//! was found out); `files` is the one part that reads the site and writes files, for the command.

mod dates;
mod files;
mod markdown;
mod names;
mod plain;
mod suggest;
mod summary;
mod words;

pub use dates::find_date;
pub use files::{import_files, ImportReport, ImportRequest, ImportedFile, ReadSiteError};
pub use markdown::escape_markdown;
pub use names::{Entity, Found, Matches, SiteNames};
pub use plain::{decode, looks_like_heading, parse_plain, Block, PlainArticle};
pub use suggest::{suggest, Suggestion};
pub use summary::{sentences, summarize};

use crate::error::Diagnostic;
use crate::model::{slugify, Status};
use crate::yaml;
use chrono::NaiveDate;
use std::fmt::Write as _;
use std::ops::Range;
use std::path::Path;

/// Why a file could not be imported. Positions are 1-based lines of the input file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("the file is empty")]
    Empty,
    #[error("this file is not UTF-8 text")]
    NotUtf8 { line: usize, column: usize },
    #[error("this file is UTF-16 text; import reads UTF-8 only")]
    Utf16,
    #[error("this file already has YAML front matter: it is Markdown, not plain text")]
    FrontMatter,
    #[error("the file has no title: {reason}")]
    NoTitle { line: usize, reason: String },
    #[error("there is no text after the title")]
    NoBody { line: usize },
    #[error(
        "the title gives no URL slug (it has no ASCII letters or digits), nor does the file name"
    )]
    NoSlug { line: usize },
}

impl ImportError {
    pub fn hint(&self) -> &'static str {
        match self {
            ImportError::Empty => "an article file starts with its title line, then a line with a lone `-`, then the text",
            ImportError::NotUtf8 { .. } => "save it as UTF-8 in your editor (e.g. `iconv -f GB18030 -t UTF-8 in.txt > out.txt`)",
            ImportError::Utf16 => "save it as UTF-8 (e.g. `iconv -f UTF-16 -t UTF-8 in.txt > out.txt`)",
            ImportError::FrontMatter => "copy it into content/articles/ as it is; import turns plain text into Markdown",
            ImportError::NoTitle { .. } => "put the title on the first line and a line with a lone `-` under it",
            ImportError::NoBody { .. } => "write the article's paragraphs under the `-` line",
            ImportError::NoSlug { .. } => "give the file a name in Latin letters (it becomes the URL), e.g. `ai-models.txt`",
        }
    }

    pub fn position(&self) -> Option<(usize, Option<usize>)> {
        match self {
            ImportError::NotUtf8 { line, column } => Some((*line, Some(*column))),
            ImportError::NoTitle { line, .. }
            | ImportError::NoBody { line }
            | ImportError::NoSlug { line } => Some((*line, None)),
            ImportError::FrontMatter => Some((1, None)),
            ImportError::Empty | ImportError::Utf16 => None,
        }
    }

    /// The error as the user sees it: the file it is about, the line, and the fix.
    pub fn to_diagnostic(&self, path: &Path) -> Diagnostic {
        let (line, col) = match self.position() {
            Some((l, c)) => (Some(l), c),
            None => (None, None),
        };
        Diagnostic::error(path, self.to_string())
            .at_opt(line, col)
            .hint(self.hint())
    }
}

/// What `import` is told besides the text.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// `--date`: wins over a date found in the text.
    pub date: Option<NaiveDate>,
    /// Used when neither `--date` nor the text gives a date.
    pub today: NaiveDate,
    pub status: Status,
    /// The input file's stem: the slug when the title has no ASCII letters (a Chinese title).
    pub file_stem: String,
}

/// Where the article's date came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateSource {
    Flag,
    /// Found in the text, at this line, written like this.
    Text {
        line: usize,
        written: String,
    },
    Today,
}

/// One imported article: the Markdown to write and what the report says about it.
#[derive(Debug, Clone)]
pub struct Imported {
    pub slug: String,
    pub title: String,
    pub date: NaiveDate,
    pub date_source: DateSource,
    pub markdown: String,
    pub matches: Matches,
    pub suggestions: Vec<Suggestion>,
    /// True when the slug came from the file name because the title has none.
    pub slug_from_file: bool,
}

/// Longest slug made from a title; longer ones are cut at a `-`.
const MAX_SLUG: usize = 80;

/// Turns one plain-text file's bytes into an article.
pub fn import(
    bytes: &[u8],
    names: &SiteNames,
    opts: &ImportOptions,
) -> Result<Imported, ImportError> {
    let text = decode(bytes)?;
    let article = parse_plain(&text)?;
    let (slug, slug_from_file) = slug_for(&article, &opts.file_stem)?;
    let (date, date_source) = match (opts.date, find_date(&text)) {
        (Some(d), _) => (d, DateSource::Flag),
        (None, Some((d, line, written))) => (d, DateSource::Text { line, written }),
        (None, None) => (opts.today, DateSource::Today),
    };
    let matches = names.find(&text);
    let suggestions = suggest(
        &text,
        &paragraph_lines(&text, &article),
        &matches.name_spans,
        &names.known_names(),
    );
    let markdown = to_markdown(&article, date, &matches, opts.status);
    Ok(Imported {
        slug,
        title: article.title,
        date,
        date_source,
        markdown,
        matches,
        suggestions,
        slug_from_file,
    })
}

/// The slug from the title, else from the file name (a Chinese title); and whether it is the
/// file name's.
fn slug_for(article: &PlainArticle, file_stem: &str) -> Result<(String, bool), ImportError> {
    let (mut slug, slug_from_file) = match slugify(&article.title) {
        s if !s.is_empty() => (s, false),
        _ => (slugify(file_stem), true),
    };
    if slug.is_empty() {
        return Err(ImportError::NoSlug {
            line: article.title_line,
        });
    }
    if slug.len() > MAX_SLUG {
        let cut = slug[..MAX_SLUG].rfind('-').unwrap_or(MAX_SLUG);
        slug.truncate(cut);
    }
    Ok((slug, slug_from_file))
}

/// Byte ranges in `text` of each line of the article's paragraphs: where suggestions are looked
/// for (never the title, the headings or the `-` line).
fn paragraph_lines(text: &str, article: &PlainArticle) -> Vec<Range<usize>> {
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_range = |line: usize| {
        let start = line_starts[line - 1];
        let end = line_starts
            .get(line)
            .map_or(text.len(), |&e| e.saturating_sub(1));
        start..end
    };
    article
        .blocks
        .iter()
        .filter(|(_, b)| matches!(b, Block::Paragraph(_)))
        .flat_map(|(lines, _)| lines.clone().map(line_range))
        .collect()
}

/// The status as front matter writes it.
fn status_word(status: Status) -> &'static str {
    match status {
        Status::Draft => "draft",
        Status::Review => "review",
        Status::Published => "published",
    }
}

/// The article file: front matter through the one YAML writer, then the blocks, escaped.
fn to_markdown(
    article: &PlainArticle,
    date: NaiveDate,
    matches: &Matches,
    status: Status,
) -> String {
    let summary = article.blocks.iter().find_map(|(_, b)| match b {
        Block::Paragraph(p) => Some(summarize(p)),
        Block::Heading(_) => None,
    });
    let mut md = String::with_capacity(1024);
    md.push_str("---\n");
    let _ = writeln!(md, "title: {}", yaml::write_string(&article.title));
    let _ = writeln!(md, "date: {}", date.format("%Y-%m-%d"));
    if let Some(s) = summary.filter(|s| !s.is_empty()) {
        let _ = writeln!(md, "summary: {}", yaml::write_string(&s));
    }
    for (key, list) in [
        ("companies", &matches.companies),
        ("models", &matches.models),
        ("themes", &matches.themes),
    ] {
        let _ = writeln!(md, "{key}: {}", yaml::write_list(Matches::ids(list)));
    }
    let _ = writeln!(md, "status: {}", status_word(status));
    md.push_str("---\n");
    for (i, (_, block)) in article.blocks.iter().enumerate() {
        if i > 0 {
            md.push('\n');
        }
        match block {
            Block::Heading(h) => {
                let _ = writeln!(md, "## {}", escape_markdown(h, true));
            }
            Block::Paragraph(p) => {
                let _ = writeln!(md, "{}", escape_markdown(p, false));
            }
        }
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EntityId, Kind};

    fn ids(list: &[Found]) -> Vec<&str> {
        Matches::ids(list)
    }

    #[test]
    fn many_brackets_in_a_summary_still_make_an_article_that_builds() {
        let opts = ImportOptions {
            date: None,
            today: NaiveDate::from_ymd_opt(2024, 1, 2).unwrap(),
            status: Status::Draft,
            file_stem: "t".into(),
        };
        for fill in ["{", "[", "[{", "{ ] "] {
            let text = format!(
                "Title {}\n-\nCompa{}nies compete{}.\n",
                fill.repeat(40),
                fill.repeat(300),
                fill.repeat(3)
            );
            let got = import(text.as_bytes(), &SiteNames::new(Vec::new()), &opts).unwrap();
            let file = crate::load::SourceFile {
                kind: Kind::Article,
                rel: "content/articles/t.md".into(),
                text: got.markdown.clone(),
            };
            let item = crate::parse::parse_file(&file);
            assert!(item.is_ok(), "{:?}\n{}", item.err(), got.markdown);
            let fm: std::collections::BTreeMap<String, serde_yaml::Value> = serde_yaml::from_str(
                crate::parse::split_front_matter(&got.markdown)
                    .unwrap()
                    .yaml,
            )
            .unwrap();
            assert_eq!(fm["title"].as_str(), Some(got.title.as_str()));
            assert!(fm["summary"].as_str().unwrap().contains(&fill.repeat(300)));
        }
    }

    #[test]
    fn suggests_unknown_names_near_model_words() {
        let m = SiteNames::new(vec![Entity {
            kind: Kind::Company,
            id: EntityId::parse("huawei-cloud").unwrap(),
            names: vec!["Huawei Cloud".into()],
        }]);
        let text = "T\n-\nTencent Cloud released the Hunyuan model. Huawei Cloud introduced the RunDa Medical Model · Liangyi Xiaohui. On Monday The Board met.\n";
        let opts = ImportOptions {
            date: None,
            today: NaiveDate::from_ymd_opt(2024, 1, 2).unwrap(),
            status: Status::Draft,
            file_stem: "t".into(),
        };
        let got = import(text.as_bytes(), &m, &opts).unwrap();
        let names: Vec<&str> = got.suggestions.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Tencent Cloud",
                "Hunyuan",
                "RunDa Medical Model · Liangyi Xiaohui"
            ]
        );
        assert_eq!(got.suggestions[0].line, 3);
        assert_eq!(got.date_source, DateSource::Today);
        assert_eq!(ids(&got.matches.companies), ["huawei-cloud"]);
    }
}

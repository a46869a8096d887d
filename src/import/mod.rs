//! `import`: plain-text articles (a title line, a line with a lone `-`, short heading lines and
//! paragraphs) to Markdown with front matter, plus the companies, models and themes the text names.
//! Pure: bytes and the site's entities in, a document and what was found out; never touches the disk.

use crate::error::{line_col, Diagnostic};
use crate::link::SiteGraph;
use crate::model::{slugify, EntityId, Kind, Status};
use crate::text::{count_words, is_cjk};
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};
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

/// UTF-8 text with LF line ends and no byte-order mark; line numbers still match the file's.
pub fn decode(bytes: &[u8]) -> Result<String, ImportError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(ImportError::Utf16);
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let good = String::from_utf8_lossy(&bytes[..e.valid_up_to()]);
            let (line, column) = line_col(&good, good.len());
            return Err(ImportError::NotUtf8 { line, column });
        }
    };
    if text.trim().is_empty() {
        return Err(ImportError::Empty);
    }
    Ok(text.replace("\r\n", "\n").replace('\r', "\n"))
}

/// One block of an article's body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Heading(String),
    Paragraph(String),
}

/// The structure of a plain-text article. Lines are 1-based lines of the input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlainArticle {
    pub title: String,
    pub title_line: usize,
    /// Each block with the lines of the file it came from.
    pub blocks: Vec<(Range<usize>, Block)>,
}

/// Longest title line accepted, in characters: anything longer is a paragraph.
const MAX_TITLE: usize = 200;

/// Reads the seed's format. `text` is what `decode` returns.
pub fn parse_plain(text: &str) -> Result<PlainArticle, ImportError> {
    let lines: Vec<(usize, &str)> = text
        .split('\n')
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty())
        .collect();
    let Some(&(title_line, first)) = lines.first() else {
        return Err(ImportError::Empty);
    };
    if first == "---" && lines.iter().skip(1).any(|(_, l)| *l == "---") {
        return Err(ImportError::FrontMatter);
    }
    if is_separator(first) {
        return Err(ImportError::NoTitle {
            line: title_line,
            reason: "the file starts with the `-` line".into(),
        });
    }
    if first.chars().count() > MAX_TITLE {
        return Err(ImportError::NoTitle {
            line: title_line,
            reason: format!(
                "the first line has {} characters, which is a paragraph",
                first.chars().count()
            ),
        });
    }
    let body_from = match lines.get(1) {
        Some((_, l)) if is_separator(l) => 2,
        // Without the `-` line the first line is still the title if it reads like one.
        _ if looks_like_title(first) => 1,
        _ => {
            return Err(ImportError::NoTitle {
                line: title_line,
                reason: "the first line reads like a sentence and no `-` line follows it".into(),
            })
        }
    };
    let body = &lines[body_from.min(lines.len())..];
    let mut blocks: Vec<(Range<usize>, Block)> = Vec::new();
    for (i, &(line, l)) in body.iter().enumerate() {
        let follows_directly = i > 0 && body[i - 1].0 + 1 == line;
        if let Some((range, Block::Paragraph(p))) = blocks.last_mut() {
            // A hard-wrapped paragraph: the previous line stops mid-sentence and this one goes on in
            // lower case.
            if follows_directly && !ends_sentence(p) && l.starts_with(|c: char| c.is_lowercase()) {
                p.push(' ');
                p.push_str(l);
                range.end = line + 1;
                continue;
            }
        }
        // A heading has text after it, and that text is not the rest of its own sentence.
        let next = body.get(i + 1);
        let next_continues =
            next.is_some_and(|&(n, t)| n == line + 1 && t.starts_with(|c: char| c.is_lowercase()));
        let block = if next.is_some() && !next_continues && looks_like_heading(l) {
            Block::Heading(collapse_spaces(l))
        } else {
            Block::Paragraph(l.to_string())
        };
        blocks.push((line..line + 1, block));
    }
    if blocks.is_empty() {
        return Err(ImportError::NoBody { line: title_line });
    }
    Ok(PlainArticle {
        title: collapse_spaces(first),
        title_line,
        blocks,
    })
}

fn is_separator(line: &str) -> bool {
    !line.is_empty() && line.chars().all(|c| matches!(c, '-' | '–' | '—'))
}

fn collapse_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Characters that end a sentence or a clause: a line ending in one is not a heading.
const FINAL_PUNCTUATION: &[char] = &[
    '.', ',', ';', ':', '!', '?', '…', '"', '”', '\'', '’', ')', '。', '，', '；', '：', '！',
    '？', '）', '」', '』', '、',
];

fn ends_sentence(s: &str) -> bool {
    s.trim_end().ends_with(FINAL_PUNCTUATION)
}

/// A section heading: short, starts like a name (capital, digit or CJK), no final punctuation,
/// one sentence at most.
pub fn looks_like_heading(line: &str) -> bool {
    let words = count_words(line);
    let cjk = line.chars().filter(|&c| is_cjk(c)).count();
    let max_words = if cjk * 2 > line.chars().count() {
        25
    } else {
        12
    };
    (1..=max_words).contains(&words)
        && line.chars().count() <= 100
        && !ends_sentence(line)
        && !line.contains(". ")
        && line
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || is_cjk(c))
}

/// A title without its `-` line: like a heading, but may be longer and end in `?` or `!`.
fn looks_like_title(line: &str) -> bool {
    let trimmed = line.trim_end_matches(['?', '!', '？', '！']);
    count_words(trimmed) <= 25
        && !ends_sentence(trimmed)
        && !trimmed.contains(". ")
        && trimmed
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || is_cjk(c) || c == '"')
}

// ---------------------------------------------------------------------------------------------
// Matching entity names in text.

/// One company, model or theme and the names it goes by in text.
#[derive(Debug, Clone)]
pub struct Entity {
    pub kind: Kind,
    pub id: EntityId,
    /// Name and aliases (companies, models) or name and keywords (themes).
    pub names: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    /// A letter: `exact` always matches; another case matches only when the name's letter is not a
    /// capital that must stay one.
    Letter {
        exact: char,
        folded: char,
        strict: bool,
    },
    /// Any other character, as written.
    Char(char),
    /// One or more spaces or tabs (never a line break).
    Space,
    /// A middle dot (`·`, `・`, `•`), with or without spaces around it.
    Dot,
    /// `'` or `’`.
    Apostrophe,
    /// `-` or a Unicode hyphen.
    Hyphen,
}

#[derive(Debug, Clone)]
struct Pattern {
    entity: usize,
    units: Vec<Unit>,
    /// Whether the name begins / ends with a letter or digit that needs a word boundary there.
    open_start: bool,
    open_end: bool,
}

const DOTS: &[char] = &['·', '・', '•', '‧', '⋅', '･'];

fn fold(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// A letter or digit of a script that separates words with spaces. CJK characters are not: text in
/// Chinese or Japanese has no spaces, so a name may touch them.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_cjk(c)
}

impl Pattern {
    /// `first_free`: the first letter may be in either case (themes are written in sentence case).
    fn compile(entity: usize, name: &str, first_free: bool) -> Option<Pattern> {
        let name = name.trim();
        let mut units: Vec<Unit> = Vec::new();
        for c in name.chars() {
            let unit = if c.is_whitespace() {
                Unit::Space
            } else if DOTS.contains(&c) {
                Unit::Dot
            } else if matches!(c, '\'' | '’' | 'ʼ') {
                Unit::Apostrophe
            } else if matches!(c, '-' | '‐' | '‑') {
                Unit::Hyphen
            } else if c.is_alphabetic() {
                let first = !units.iter().any(|u| matches!(u, Unit::Letter { .. }));
                Unit::Letter {
                    exact: c,
                    folded: fold(c),
                    strict: c.is_uppercase() && !(first && first_free),
                }
            } else {
                Unit::Char(c)
            };
            match (units.last(), unit) {
                (Some(Unit::Space), Unit::Space) | (Some(Unit::Dot), Unit::Space) => {}
                (Some(Unit::Space), Unit::Dot) => *units.last_mut().expect("non-empty") = Unit::Dot,
                _ => units.push(unit),
            }
        }
        let first = name.chars().next()?;
        let last = name.chars().next_back()?;
        Some(Pattern {
            entity,
            units,
            open_start: is_word_char(first),
            open_end: is_word_char(last),
        })
    }

    /// The char index where the match starting at `i` ends, if the name is there as a whole word.
    fn match_at(&self, chars: &[char], i: usize) -> Option<usize> {
        if self.open_start && i > 0 && is_word_char(chars[i - 1]) {
            return None;
        }
        let mut j = i;
        let blank = |c: char| c.is_whitespace() && c != '\n';
        for unit in &self.units {
            let c = *chars.get(j)?;
            match *unit {
                Unit::Letter {
                    exact,
                    folded,
                    strict,
                } => {
                    if c != exact && (strict || fold(c) != folded) {
                        return None;
                    }
                    j += 1;
                }
                Unit::Char(x) => {
                    if c != x {
                        return None;
                    }
                    j += 1;
                }
                Unit::Space => {
                    if !blank(c) {
                        return None;
                    }
                    while chars.get(j).is_some_and(|&c| blank(c)) {
                        j += 1;
                    }
                }
                Unit::Dot => {
                    while chars.get(j).is_some_and(|&c| blank(c)) {
                        j += 1;
                    }
                    if !chars.get(j).is_some_and(|c| DOTS.contains(c)) {
                        return None;
                    }
                    j += 1;
                    while chars.get(j).is_some_and(|&c| blank(c)) {
                        j += 1;
                    }
                }
                Unit::Apostrophe => {
                    if !matches!(c, '\'' | '’' | 'ʼ') {
                        return None;
                    }
                    j += 1;
                }
                Unit::Hyphen => {
                    if !matches!(c, '-' | '‐' | '‑') {
                        return None;
                    }
                    j += 1;
                }
            }
        }
        if self.open_end && chars.get(j).is_some_and(|&c| is_word_char(c)) {
            return None;
        }
        Some(j)
    }

    /// What a text character must fold to for this pattern to start there; None: anything.
    fn first_key(&self) -> Option<char> {
        match self.units.first()? {
            Unit::Letter { folded, .. } => Some(*folded),
            Unit::Char(c) => Some(*c),
            _ => None,
        }
    }
}

/// Every name of every entity, ready to be found in text.
#[derive(Debug, Clone)]
pub struct Matcher {
    entities: Vec<Entity>,
    /// Company and model names: the longest match at a position wins.
    names: Group,
    /// Theme names and keywords, matched on their own: a keyword inside a company name still
    /// signals its theme.
    themes: Group,
}

#[derive(Debug, Clone, Default)]
struct Group {
    patterns: Vec<Pattern>,
    by_first: HashMap<char, Vec<usize>>,
    anywhere: Vec<usize>,
}

impl Group {
    fn add(&mut self, p: Pattern) {
        let i = self.patterns.len();
        match p.first_key() {
            Some(k) => self.by_first.entry(k).or_default().push(i),
            None => self.anywhere.push(i),
        }
        self.patterns.push(p);
    }

    /// Leftmost-longest, non-overlapping matches. Names shared by several entities name them all.
    fn find(&self, chars: &[char], out: &mut Vec<(usize, Range<usize>)>) {
        let mut i = 0;
        let empty = Vec::new();
        while i < chars.len() {
            let bucket = self.by_first.get(&fold(chars[i])).unwrap_or(&empty);
            let mut best: Vec<(usize, usize)> = Vec::new();
            for &p in bucket.iter().chain(&self.anywhere) {
                let pat = &self.patterns[p];
                if let Some(end) = pat.match_at(chars, i) {
                    match best.first() {
                        Some(&(_, e)) if end < e => {}
                        Some(&(_, e)) if end == e => {
                            if !best
                                .iter()
                                .any(|&(q, _)| self.patterns[q].entity == pat.entity)
                            {
                                best.push((p, end));
                            }
                        }
                        _ => best = vec![(p, end)],
                    }
                }
            }
            match best.first() {
                Some(&(_, end)) if end > i => {
                    for &(p, _) in &best {
                        out.push((self.patterns[p].entity, i..end));
                    }
                    i = end;
                }
                _ => i += 1,
            }
        }
    }
}

/// Where one entity was found: the names as they appear in the text, with counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub kind: Kind,
    pub id: EntityId,
    /// Each distinct spelling found, in order of first appearance, and how often it appears.
    pub names: Vec<(String, usize)>,
    /// Byte offset of the first mention in the text.
    pub first: usize,
}

/// Everything the text names, each list in order of first mention.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Matches {
    pub companies: Vec<Found>,
    pub models: Vec<Found>,
    pub themes: Vec<Found>,
    /// Byte ranges of company and model names found, so suggestions skip what is already known.
    /// (Theme keywords are not in it: `Medical` in `RunDa Medical Model` is still part of a name.)
    pub name_spans: Vec<Range<usize>>,
}

impl Matches {
    pub fn ids(list: &[Found]) -> Vec<&str> {
        list.iter().map(|f| f.id.as_str()).collect()
    }
}

impl Matcher {
    pub fn new(entities: Vec<Entity>) -> Self {
        let mut names = Group::default();
        let mut themes = Group::default();
        for (i, e) in entities.iter().enumerate() {
            let mut seen = HashSet::new();
            for name in &e.names {
                if !seen.insert(name.trim()) {
                    continue;
                }
                let theme = e.kind == Kind::Theme;
                if let Some(p) = Pattern::compile(i, name, theme) {
                    if theme {
                        themes.add(p);
                    } else {
                        names.add(p);
                    }
                }
            }
        }
        Matcher {
            entities,
            names,
            themes,
        }
    }

    /// Companies and models by name and aliases, themes by name and keywords.
    pub fn for_site(graph: &SiteGraph) -> Self {
        let mut entities = Vec::new();
        for c in &graph.companies {
            let c = &c.company;
            entities.push(Entity {
                kind: Kind::Company,
                id: c.id.clone(),
                names: std::iter::once(c.name.clone())
                    .chain(c.aliases.iter().cloned())
                    .collect(),
            });
        }
        for m in &graph.models {
            let m = &m.model;
            entities.push(Entity {
                kind: Kind::Model,
                id: m.id.clone(),
                names: std::iter::once(m.name.clone())
                    .chain(m.aliases.iter().cloned())
                    .collect(),
            });
        }
        for t in &graph.themes {
            let t = &t.theme;
            entities.push(Entity {
                kind: Kind::Theme,
                id: t.id.clone(),
                names: std::iter::once(t.name.clone())
                    .chain(t.keywords.iter().cloned())
                    .collect(),
            });
        }
        Matcher::new(entities)
    }

    /// Every entity `text` names, each with the spellings found.
    pub fn find(&self, text: &str) -> Matches {
        let (chars, offsets): (Vec<char>, Vec<usize>) =
            text.char_indices().map(|(o, c)| (c, o)).unzip();
        let byte = |ci: usize| offsets.get(ci).copied().unwrap_or(text.len());
        let mut hits = Vec::new();
        self.names.find(&chars, &mut hits);
        let names = hits.len();
        self.themes.find(&chars, &mut hits);
        let mut by_entity: HashMap<usize, Found> = HashMap::new();
        let mut name_spans = Vec::with_capacity(names);
        for (k, (e, range)) in hits.into_iter().enumerate() {
            let bytes = byte(range.start)..byte(range.end);
            let found_text = collapse_spaces(&text[bytes.clone()]);
            let entity = &self.entities[e];
            let f = by_entity.entry(e).or_insert_with(|| Found {
                kind: entity.kind,
                id: entity.id.clone(),
                names: Vec::new(),
                first: bytes.start,
            });
            match f.names.iter_mut().find(|(n, _)| *n == found_text) {
                Some((_, count)) => *count += 1,
                None => f.names.push((found_text, 1)),
            }
            if k < names {
                name_spans.push(bytes);
            }
        }
        let mut all: Vec<Found> = by_entity.into_values().collect();
        all.sort_by(|a, b| (a.first, &a.id).cmp(&(b.first, &b.id)));
        let mut m = Matches {
            name_spans,
            ..Matches::default()
        };
        for f in all {
            match f.kind {
                Kind::Company => m.companies.push(f),
                Kind::Model => m.models.push(f),
                _ => m.themes.push(f),
            }
        }
        m
    }

    /// Every name and keyword, lowercased: a suggestion never repeats one of them.
    fn known_names(&self) -> HashSet<String> {
        self.entities
            .iter()
            .flat_map(|e| e.names.iter())
            .map(|n| collapse_spaces(n).to_lowercase())
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Suggestions: names that look like companies or models the site does not have.

/// A proper-noun phrase that looks like the name of a company or model the site lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub name: String,
    /// 1-based line of the input file where it first appears.
    pub line: usize,
}

/// Words that end (or sit inside) company and model names: `Tencent Cloud`, `Hunyuan Model`.
const NAME_WORDS: &[&str] = &[
    "Cloud",
    "Model",
    "Models",
    "Platform",
    "LLM",
    "Labs",
    "Lab",
    "Technologies",
    "Group",
    "Inc",
    "Ltd",
];
/// Verbs that introduce a product: `released the X`, `launched X`.
const RELEASE_VERBS: &[&str] = &[
    "released",
    "launched",
    "unveiled",
    "introduced",
    "announced",
    "debuted",
    "open-sourced",
    "releases",
    "launches",
    "unveils",
];
/// Capitalised words that are never a name on their own: titles and acronyms of the trade.
const GENERIC: &[&str] = &[
    "AI", "AGI", "CEO", "CTO", "CFO", "COO", "GPU", "GPUs", "CPU", "API", "LLM", "LLMs", "IT",
    "IoT", "R&D",
];
/// Lowercase words that follow a name and say what it is: `the Pangu model`.
const NAME_NOUNS: &[&str] = &["model", "models", "platform", "chatbot", "cloud", "llm"];
/// Words skipped between a release verb and the name.
const DETERMINERS: &[&str] = &["the", "a", "an", "its", "their", "his", "her", "new", "our"];
/// Capitalised words that start sentences or are dates, never part of a name.
const STOP_WORDS: &[&str] = &[
    "The",
    "A",
    "An",
    "This",
    "That",
    "These",
    "Those",
    "On",
    "In",
    "At",
    "By",
    "For",
    "From",
    "With",
    "As",
    "Its",
    "It",
    "Their",
    "Our",
    "We",
    "He",
    "She",
    "They",
    "And",
    "But",
    "Or",
    "After",
    "Before",
    "Since",
    "According",
    "Meanwhile",
    "However",
    "While",
    "When",
    "To",
    "Of",
    "Also",
    "Both",
    "Last",
    "Next",
    "Today",
    "Yesterday",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Sept",
    "Oct",
    "Nov",
    "Dec",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

#[derive(Debug, Clone)]
struct Word<'a> {
    text: &'a str,
    range: Range<usize>,
}

/// Words of a line: letters and digits, with `-`, `'`, `.` kept inside (`GPT-4`, `Ping'an`, `4.0`).
fn words(line: &str, base: usize) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        let next_is_word = chars.get(k + 1).is_some_and(|&(_, n)| is_word_char(n));
        let inner = matches!(c, '-' | '\'' | '’' | '.') && start.is_some() && next_is_word;
        if is_word_char(c) || inner {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            out.push(Word {
                text: &line[s..i],
                range: base + s..base + i,
            });
        }
        if DOTS.contains(&c) {
            out.push(Word {
                text: &line[i..i + c.len_utf8()],
                range: base + i..base + i + c.len_utf8(),
            });
        }
    }
    if let Some(s) = start {
        out.push(Word {
            text: &line[s..],
            range: base + s..base + line.len(),
        });
    }
    out
}

fn is_capitalised(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
        || (w.chars().next().is_some_and(char::is_lowercase) && w.chars().any(char::is_uppercase))
}

/// Finds proper-noun phrases near words like "model", "Cloud", "released" in `paragraphs` (byte
/// ranges of `text`), skipping anything inside `known` spans or equal to a known name.
pub fn suggest(
    text: &str,
    paragraphs: &[Range<usize>],
    known_spans: &[Range<usize>],
    known_names: &HashSet<String>,
) -> Vec<Suggestion> {
    let mut out: Vec<Suggestion> = Vec::new();
    let overlaps = |r: &Range<usize>| {
        known_spans
            .iter()
            .any(|k| k.start < r.end && r.start < k.end)
    };
    for para in paragraphs {
        let line_text = &text[para.clone()];
        let ws = words(line_text, para.start);
        let mut k = 0;
        while k < ws.len() {
            // Grow a phrase: capitalised words (numbers after the first), joined by single spaces or
            // a middle dot.
            let mut phrase: Vec<usize> = Vec::new();
            let mut j = k;
            while j < ws.len() {
                let w = &ws[j];
                let is_dot = DOTS.iter().any(|d| w.text.starts_with(*d));
                let ok = if is_dot {
                    !phrase.is_empty()
                } else {
                    (is_capitalised(w.text)
                        || (!phrase.is_empty() && w.text.starts_with(|c: char| c.is_ascii_digit())))
                        && !STOP_WORDS.contains(&w.text)
                };
                let joined = match phrase.last() {
                    None => true,
                    Some(&p) => {
                        let gap = &text[ws[p].range.end..w.range.start];
                        gap.len() <= 3 && gap.trim().is_empty()
                    }
                };
                if !ok || !joined || overlaps(&w.range) {
                    break;
                }
                phrase.push(j);
                j += 1;
            }
            while phrase
                .last()
                .is_some_and(|&p| DOTS.iter().any(|d| ws[p].text.starts_with(*d)))
            {
                phrase.pop();
            }
            if phrase.is_empty() {
                k = j.max(k + 1);
                continue;
            }
            let first = phrase[0];
            let last = *phrase.last().expect("non-empty");
            let texts: Vec<&str> = phrase.iter().map(|&p| ws[p].text).collect();
            let has_name_word =
                texts.len() >= 2 && texts[1..].iter().any(|t| NAME_WORDS.contains(t));
            let mut before = first;
            while before > 0 && DETERMINERS.contains(&ws[before - 1].text) {
                before -= 1;
            }
            let after_release = before > 0
                && RELEASE_VERBS.contains(&ws[before - 1].text)
                && text[ws[before - 1].range.end..ws[first].range.start]
                    .chars()
                    .all(|c| c.is_whitespace() || c.is_alphabetic());
            let before_noun = ws.get(last + 1).is_some_and(|w| {
                NAME_NOUNS.contains(&w.text)
                    && text[ws[last].range.end..w.range.start].trim().is_empty()
            });
            let only_name_words = texts
                .iter()
                .all(|t| NAME_WORDS.contains(t) || GENERIC.contains(t));
            if (has_name_word || after_release || before_noun)
                && !only_name_words
                && texts.len() <= 8
            {
                let range = ws[first].range.start..ws[last].range.end;
                let name = collapse_spaces(&text[range.clone()]);
                let lower = name.to_lowercase();
                if !known_names.contains(&lower)
                    && !out.iter().any(|s| s.name.to_lowercase() == lower)
                {
                    out.push(Suggestion {
                        name,
                        line: line_col(text, range.start).0,
                    });
                }
            }
            k = j.max(k + 1);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Dates, summaries, Markdown.

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn month_number(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_lowercase();
    if w.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| {
            *m == w || (w.len() <= 4 && m.starts_with(&w) && (w.len() == 3 || w == "sept"))
        })
        .map(|i| i as u32 + 1)
}

fn day_number(word: &str) -> Option<u32> {
    let d = word.trim_end_matches(['s', 't', 'n', 'd', 'r', 'h']);
    (d.len() <= 2 && !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
        .then(|| d.parse().ok())
        .flatten()
}

fn year_number(word: &str) -> Option<i32> {
    (word.len() == 4 && word.bytes().all(|b| b.is_ascii_digit()))
        .then(|| word.parse().ok())
        .flatten()
        .filter(|y| (1900..=2200).contains(y))
}

/// The first full calendar date in `text`, with its 1-based line and the text it was read from.
/// Understands `2023-09-25`, `2023/9/25`, `September 25, 2023`, `Sept. 25 2023`, `25 September
/// 2023` and `2023年9月25日`. A month and day without a year is not a date.
pub fn find_date(text: &str) -> Option<(NaiveDate, usize, String)> {
    for (i, line) in text.split('\n').enumerate() {
        if let Some((d, s)) = date_in_line(line) {
            return Some((d, i + 1, s));
        }
    }
    None
}

fn date_in_line(line: &str) -> Option<(NaiveDate, String)> {
    let mut found: Vec<(usize, NaiveDate, String)> = Vec::new();
    // Numeric forms: YYYY-MM-DD, YYYY/MM/DD, YYYY年M月D日.
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    for k in 0..chars.len() {
        if k > 0 && chars[k - 1].1.is_ascii_digit() {
            continue;
        }
        let digits = |from: usize, max: usize| -> (usize, u32) {
            let mut n = 0u32;
            let mut j = from;
            while j < chars.len() && j - from < max && chars[j].1.is_ascii_digit() {
                n = n * 10 + chars[j].1.to_digit(10).unwrap_or(0);
                j += 1;
            }
            (j, n)
        };
        let (j, year) = digits(k, 4);
        if j - k != 4 || !(1900..=2200).contains(&year) {
            continue;
        }
        let Some(&(_, sep)) = chars.get(j) else {
            continue;
        };
        let (seps, end_mark) = match sep {
            '-' | '/' => ([sep, sep], None),
            '年' => (['年', '月'], Some('日')),
            _ => continue,
        };
        let (m_end, month) = digits(j + 1, 2);
        if m_end == j + 1 || chars.get(m_end).map(|c| c.1) != Some(seps[1]) {
            continue;
        }
        let (d_end, day) = digits(m_end + 1, 2);
        if d_end == m_end + 1 || chars.get(d_end).is_some_and(|c| c.1.is_ascii_digit()) {
            continue;
        }
        let end = match end_mark {
            Some(mark) if chars.get(d_end).map(|c| c.1) == Some(mark) => d_end + 1,
            Some(_) => continue,
            None => d_end,
        };
        if let Some(d) = NaiveDate::from_ymd_opt(year as i32, month, day) {
            let to = chars.get(end).map_or(line.len(), |c| c.0);
            found.push((chars[k].0, d, line[chars[k].0..to].to_string()));
        }
    }
    // Written forms: Month D, YYYY and D Month YYYY.
    let ws = words(line, 0);
    for k in 0..ws.len() {
        let w = |i: usize| ws.get(i).map(|w| w.text.trim_end_matches('.'));
        let date = match (w(k).and_then(month_number), w(k).and_then(day_number)) {
            (Some(m), _) => w(k + 1)
                .and_then(day_number)
                .zip(w(k + 2).and_then(year_number))
                .and_then(|(d, y)| NaiveDate::from_ymd_opt(y, m, d)),
            (None, Some(d)) => w(k + 1)
                .and_then(month_number)
                .zip(w(k + 2).and_then(year_number))
                .and_then(|(m, y)| NaiveDate::from_ymd_opt(y, m, d)),
            _ => None,
        };
        if let Some(d) = date {
            let range = ws[k].range.start..ws[k + 2].range.end;
            found.push((range.start, d, line[range].to_string()));
        }
    }
    found.sort_by_key(|f| f.0);
    found.into_iter().next().map(|(_, d, s)| (d, s))
}

/// Abbreviations whose full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Prof", "Inc", "Ltd", "Co", "Corp", "St", "vs", "etc", "e.g", "i.e",
    "No", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
    "U.S",
];

/// Where the sentences of `text` are, each with its closing punctuation, without surrounding space.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let trimmed = |r: Range<usize>| {
        let s = &text[r.clone()];
        let start = r.start + (s.len() - s.trim_start().len());
        start..start + s.trim().len()
    };
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut k = 0;
    while k < chars.len() {
        let (i, c) = chars[k];
        let cjk_stop = matches!(c, '。' | '！' | '？');
        if matches!(c, '.' | '!' | '?') || cjk_stop {
            let mut j = k + 1;
            while j < chars.len()
                && matches!(chars[j].1, '"' | '”' | '\'' | '’' | ')' | '」' | '』')
            {
                j += 1;
            }
            let end = chars.get(j).map_or(text.len(), |c| c.0);
            let next = chars.get(j).map(|c| c.1);
            let boundary = if cjk_stop {
                true
            } else {
                let spaced = next.is_none_or(char::is_whitespace);
                let after = chars[j..].iter().map(|c| c.1).find(|c| !c.is_whitespace());
                let starts_sentence = after.is_none_or(|a| {
                    a.is_uppercase()
                        || a.is_ascii_digit()
                        || is_cjk(a)
                        || matches!(a, '"' | '“' | '\'' | '‘')
                });
                let word_before = text[start..i]
                    .rsplit(char::is_whitespace)
                    .next()
                    .unwrap_or("");
                let abbreviation = c == '.'
                    && (ABBREVIATIONS.contains(&word_before)
                        || (word_before.chars().count() == 1
                            && word_before.chars().all(char::is_uppercase)));
                spaced && starts_sentence && !abbreviation
            };
            if boundary {
                let r = trimmed(start..end);
                if !r.is_empty() {
                    out.push(r);
                }
                start = end;
                k = j;
                continue;
            }
        }
        k += 1;
    }
    let rest = trimmed(start..text.len());
    if !rest.is_empty() {
        out.push(rest);
    }
    out
}

/// The opening sentence, or two when the first is short: what lists and the feed show.
pub fn summarize(paragraph: &str) -> String {
    let s = sentences(paragraph);
    let len = |r: &Range<usize>| paragraph[r.clone()].chars().count();
    let end = match s.as_slice() {
        [] => return String::new(),
        [one] => one.end,
        // Two sentences, as written (with or without a space between them), when the first is short.
        [first, second, ..] if len(first) < 200 && len(first) + 1 + len(second) <= 320 => {
            second.end
        }
        [first, ..] => first.end,
    };
    paragraph[s[0].start..end].to_string()
}

/// Plain text as Markdown that renders back to the same text: characters that would start markup
/// are backslash-escaped, and raw HTML is always escaped.
pub fn escape_markdown(text: &str, heading: bool) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let chars: Vec<char> = text.chars().collect();
    for (k, &c) in chars.iter().enumerate() {
        let escape = match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '~' => true,
            '{' | '}' | '#' => heading,
            '&' => {
                // Only where it would start an entity reference: `&amp;`, `&#169;`.
                let rest: String = chars[k + 1..].iter().take(33).collect();
                let name_len = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '#')
                    .count();
                name_len > 0 && rest[name_len..].starts_with(';')
            }
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
    if heading {
        return out;
    }
    // What only means something at the start of a line: `# `, `> `, `- `, `+ `, `1. `, `1) `, `=`.
    let first = out.chars().next();
    match first {
        Some('#' | '>' | '-' | '+' | '=' | '|') => out.insert(0, '\\'),
        Some(d) if d.is_ascii_digit() => {
            let n = out.bytes().take_while(u8::is_ascii_digit).count();
            if n <= 9 && matches!(out.as_bytes().get(n), Some(b'.' | b')')) {
                out.insert(n, '\\');
            }
        }
        _ => {}
    }
    out
}

/// More `[` and `{` than this in one string are written as escapes (below).
const MAX_LITERAL_BRACKETS: usize = 8;

/// A YAML scalar: plain when that is safe to read back as the same string, else double-quoted.
/// The YAML guard (`yaml::check`) counts every `[` and `{` in front matter, quoted or not, so a
/// string with many of them writes them as `\x5B` and `\x7B`: what import writes always builds.
pub fn yaml_string(s: &str) -> String {
    let escape_brackets =
        s.chars().filter(|c| matches!(c, '[' | '{')).count() > MAX_LITERAL_BRACKETS;
    let plain = !escape_brackets
        && !s.is_empty()
        && s.trim() == s
        && !s.starts_with([
            '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%',
            '@', '`',
        ])
        && !s.starts_with(|c: char| c.is_ascii_digit() || c == '.' || c == '+')
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.ends_with(':')
        && !s.chars().any(|c| c.is_control() || c == '\u{feff}')
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~" | "y" | "n"
        );
    if plain {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '[' if escape_brackets => out.push_str("\\x5B"),
            '{' if escape_brackets => out.push_str("\\x7B"),
            c if c.is_control() || c == '\u{feff}' => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn yaml_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let items: Vec<String> = items.into_iter().map(yaml_string).collect();
    format!("[{}]", items.join(", "))
}

// ---------------------------------------------------------------------------------------------
// The whole import.

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
    matcher: &Matcher,
    opts: &ImportOptions,
) -> Result<Imported, ImportError> {
    let text = decode(bytes)?;
    let article = parse_plain(&text)?;
    let (mut slug, slug_from_file) = match slugify(&article.title) {
        s if !s.is_empty() => (s, false),
        _ => (slugify(&opts.file_stem), true),
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

    let (date, date_source) = match (opts.date, find_date(&text)) {
        (Some(d), _) => (d, DateSource::Flag),
        (None, Some((d, line, written))) => (d, DateSource::Text { line, written }),
        (None, None) => (opts.today, DateSource::Today),
    };

    // Match over the title and the blocks only, never the `-` line, with offsets into `text`.
    let matches = matcher.find(&text);
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_range = |lines: &Range<usize>| {
        let start = line_starts[lines.start - 1];
        let end = line_starts
            .get(lines.end - 1)
            .map_or(text.len(), |&e| e.saturating_sub(1));
        start..end
    };
    let paragraphs: Vec<Range<usize>> = article
        .blocks
        .iter()
        .filter(|(_, b)| matches!(b, Block::Paragraph(_)))
        .flat_map(|(lines, _)| (lines.start..lines.end).map(|l| line_range(&(l..l + 1))))
        .collect();
    let suggestions = suggest(
        &text,
        &paragraphs,
        &matches.name_spans,
        &matcher.known_names(),
    );

    let summary = article.blocks.iter().find_map(|(_, b)| match b {
        Block::Paragraph(p) => Some(summarize(p)),
        Block::Heading(_) => None,
    });
    let status = match opts.status {
        Status::Draft => "draft",
        Status::Review => "review",
        Status::Published => "published",
    };
    let mut md = String::with_capacity(text.len() + 512);
    md.push_str("---\n");
    let _ = writeln!(md, "title: {}", yaml_string(&article.title));
    let _ = writeln!(md, "date: {}", date.format("%Y-%m-%d"));
    if let Some(s) = summary.filter(|s| !s.is_empty()) {
        let _ = writeln!(md, "summary: {}", yaml_string(&s));
    }
    let _ = writeln!(
        md,
        "companies: {}",
        yaml_list(Matches::ids(&matches.companies))
    );
    let _ = writeln!(md, "models: {}", yaml_list(Matches::ids(&matches.models)));
    let _ = writeln!(md, "themes: {}", yaml_list(Matches::ids(&matches.themes)));
    let _ = writeln!(md, "status: {status}");
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

    Ok(Imported {
        slug,
        title: article.title,
        date,
        date_source,
        markdown: md,
        matches,
        suggestions,
        slug_from_file,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};

    fn entity(kind: Kind, id: &str, names: &[&str]) -> Entity {
        Entity {
            kind,
            id: EntityId::parse(id).unwrap(),
            names: names.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn ids(list: &[Found]) -> Vec<&str> {
        Matches::ids(list)
    }

    #[test]
    fn names_match_as_whole_words_and_mind_capitals() {
        let m = Matcher::new(vec![
            entity(Kind::Company, "apple", &["Apple"]),
            entity(Kind::Model, "gpt", &["GPT"]),
            entity(Kind::Theme, "computing-power", &["Computing power", "GPU"]),
        ]);
        assert!(m.find("apple pie and Pineapple").companies.is_empty());
        assert_eq!(ids(&m.find("Apple's new phone").companies), ["apple"]);
        assert_eq!(ids(&m.find("APPLE SHIPS").companies), ["apple"]);
        assert!(m.find("a gpt or GPTs").models.is_empty());
        let t = m.find("Demand for computing power and gpus");
        assert_eq!(ids(&t.themes), ["computing-power"]);
        assert_eq!(t.themes[0].names, [("computing power".to_string(), 1)]);
    }

    #[test]
    fn cjk_names_and_middle_dots_match() {
        let m = Matcher::new(vec![
            entity(Kind::Company, "alibaba-cloud", &["Alibaba Cloud", "阿里云"]),
            entity(
                Kind::Model,
                "haizheng",
                &["Jiutian · Haizheng Government Model"],
            ),
            entity(Kind::Model, "pangu", &["Pangu"]),
        ]);
        let found =
            m.find("据阿里云介绍，使用Pangu模型。 Also the Jiutian·Haizheng Government Model.");
        assert_eq!(ids(&found.companies), ["alibaba-cloud"]);
        assert_eq!(ids(&found.models), ["pangu", "haizheng"]);
        assert!(
            m.find("阿里云计算").companies.len() == 1,
            "CJK needs no boundary"
        );
        assert!(m.find("Pangus").models.is_empty());
    }

    #[test]
    fn the_longest_name_wins_but_themes_still_see_keywords() {
        let m = Matcher::new(vec![
            entity(Kind::Model, "pangu", &["Pangu"]),
            entity(Kind::Model, "pangu-medical-model", &["Pangu Medical Model"]),
            entity(Kind::Theme, "industry-applications", &["medical"]),
        ]);
        let f = m.find("Huawei released the Pangu Medical Model.");
        assert_eq!(ids(&f.models), ["pangu-medical-model"]);
        assert_eq!(ids(&f.themes), ["industry-applications"]);
    }

    #[test]
    fn parses_the_seed_format_with_headings_and_crlf() {
        let text = decode(b"Title Here\r\n-\r\nFirst paragraph. It goes on.\r\nA Short Heading\r\n\"Quoted,\" she said.\r\nTrailing Line\r\n").unwrap();
        let a = parse_plain(&text).unwrap();
        assert_eq!(a.title, "Title Here");
        let blocks: Vec<&Block> = a.blocks.iter().map(|(_, b)| b).collect();
        assert_eq!(
            blocks,
            [
                &Block::Paragraph("First paragraph. It goes on.".into()),
                &Block::Heading("A Short Heading".into()),
                &Block::Paragraph("\"Quoted,\" she said.".into()),
                &Block::Paragraph("Trailing Line".into()),
            ]
        );
        assert_eq!(a.blocks[1].0, 4..5);
    }

    #[test]
    fn joins_hard_wrapped_paragraphs() {
        let a =
            parse_plain("T\n-\nThis paragraph was wrapped\nat the editor's margin.\nNext one.\n")
                .unwrap();
        assert_eq!(a.blocks.len(), 2);
        assert_eq!(
            a.blocks[0].1,
            Block::Paragraph("This paragraph was wrapped at the editor's margin.".into())
        );
    }

    #[test]
    fn rejects_files_without_a_title() {
        assert_eq!(decode(b"  \n\n"), Err(ImportError::Empty));
        assert!(matches!(
            parse_plain("-\nText.\n"),
            Err(ImportError::NoTitle { line: 1, .. })
        ));
        assert!(matches!(
            parse_plain("This is a sentence, not a title. It has two.\nMore.\n"),
            Err(ImportError::NoTitle { .. })
        ));
        assert_eq!(
            parse_plain("---\ntitle: x\n---\nbody\n"),
            Err(ImportError::FrontMatter)
        );
        assert_eq!(
            parse_plain("Only A Title\n-\n"),
            Err(ImportError::NoBody { line: 1 })
        );
        assert_eq!(
            decode(b"ok\n\xff\xfe"),
            Err(ImportError::NotUtf8 { line: 2, column: 1 })
        );
    }

    #[test]
    fn finds_dates_in_many_spellings() {
        let d = |s: &str| find_date(s).map(|(d, _, _)| d.format("%Y-%m-%d").to_string());
        assert_eq!(
            d("Posted 2023-09-25 by the desk").as_deref(),
            Some("2023-09-25")
        );
        assert_eq!(
            d("x\nOn September 21, 2023, Huawei").as_deref(),
            Some("2023-09-21")
        );
        assert_eq!(d("Sept. 5 2023").as_deref(), Some("2023-09-05"));
        assert_eq!(d("on 25 September 2023").as_deref(), Some("2023-09-25"));
        assert_eq!(d("发布于2023年9月25日").as_deref(), Some("2023-09-25"));
        assert_eq!(d("On September 21, Huawei Cloud released"), None);
        assert_eq!(d("130 large models in 2023"), None);
        assert_eq!(d("2023-02-30"), None);
        assert_eq!(find_date("a\nb\n2023/9/1").map(|x| x.1), Some(3));
    }

    #[test]
    fn summary_is_the_opening_sentence_or_two() {
        assert_eq!(
            summarize("Dr. Li spoke at 2.3 p.m. today. Then he left. A third."),
            "Dr. Li spoke at 2.3 p.m. today. Then he left."
        );
        let long = format!("{}. Second.", "word ".repeat(60).trim());
        assert_eq!(summarize(&long), format!("{}.", "word ".repeat(60).trim()));
        assert_eq!(
            summarize("大模型加速落地。第二句。第三句。"),
            "大模型加速落地。第二句。"
        );
    }

    /// Renders `md` without smart punctuation and returns the text if it is one plain block.
    fn plain_text_of(md: &str, heading: bool) -> Option<String> {
        let mut opts = crate::markdown::options();
        opts.remove(pulldown_cmark::Options::ENABLE_SMART_PUNCTUATION);
        let mut text = String::new();
        for e in Parser::new_ext(md, opts) {
            match e {
                Event::Text(t) => text.push_str(&t),
                Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) if !heading => {}
                Event::Start(Tag::Heading { .. }) | Event::End(TagEnd::Heading(_)) if heading => {}
                _ => return None,
            }
        }
        Some(text)
    }

    #[test]
    fn escaped_text_renders_as_itself() {
        for s in [
            "Plain text with *stars* and _underscores_ and `code`.",
            "<script>alert(1)</script> and <b>bold</b>",
            "[not a link](http://x) and ![no image](y.png) and [^1]",
            "# not a heading",
            "> not a quote",
            "- not a list",
            "+ nor this",
            "2023. Not an ordered list",
            "1) nor this",
            "R&D, &amp; stays literal, &#169; too",
            "a \\ backslash and ~~strike~~ and ~tilde~",
            "---",
            "=== heading underline",
            "| a | b |",
            "Ends with two spaces  ",
            "\"Quotes\" are kept as ‘written’",
        ] {
            let md = escape_markdown(s, false);
            assert_eq!(
                plain_text_of(&md, false).as_deref(),
                Some(s.trim_end()),
                "{s:?} -> {md:?}"
            );
        }
        for h in ["Section {#id}", "Top #1 Trends #", "Why *this*"] {
            let md = format!("## {}", escape_markdown(h, true));
            assert_eq!(plain_text_of(&md, true).as_deref(), Some(h), "{md:?}");
        }
    }

    #[test]
    fn yaml_strings_read_back_the_same() {
        for s in [
            "AI Large Models Expand Across Industries",
            "Why: a colon",
            "\"Quoted\" start",
            "- dash",
            "yes",
            "2023",
            "with # hash",
            "tab\there",
            "back\\slash",
            "中文标题",
            "ends with colon:",
            "a: b",
        ] {
            let y = format!("k: {}\n", yaml_string(s));
            let v: std::collections::BTreeMap<String, String> =
                serde_yaml::from_str(&y).unwrap_or_else(|e| panic!("{y}: {e}"));
            assert_eq!(v["k"], s, "{y}");
        }
        assert_eq!(yaml_string("Plain Title"), "Plain Title");
        assert_eq!(yaml_string("[Update] GPT-4"), "\"[Update] GPT-4\"");
    }

    /// Found by the `import` fuzz target: a paragraph with many `{` became a summary whose front
    /// matter the YAML guard refuses as nested too deep, so the imported article could not build.
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
            let got = import(text.as_bytes(), &Matcher::new(Vec::new()), &opts).unwrap();
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
        let m = Matcher::new(vec![entity(
            Kind::Company,
            "huawei-cloud",
            &["Huawei Cloud"],
        )]);
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

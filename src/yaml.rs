//! YAML as text: guards for untrusted YAML (front matter, site.yaml), applied before serde_yaml
//! builds values (bounds on size, on `[`/`{` nesting and on what aliases expand to); where a key
//! or value stands in it; and the one writer of YAML scalars and lists, whose output always passes
//! the guards (`briefing new` and `import` write front matter with it). Pure functions over text;
//! knows nothing about which fields a file has.
//!
//! Why: serde_yaml 0.9 refuses nesting deeper than 128 and alias chains that jump more than 100
//! times per event, but only after its parser (libyaml) has read the whole document, and libyaml
//! spends time quadratic in the flow nesting depth (`[[[[...` 40,000 deep takes seconds). A single
//! large anchor repeated by many aliases also stays under its limit while expanding quadratically.

use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::fmt::Write as _;

/// Largest YAML document accepted. Front matter is metadata; long text belongs in the body.
pub const MAX_BYTES: usize = 256 * 1024;
/// Most `[` and `{` characters in one document. Bounds libyaml's per-token cost, which grows with
/// the flow depth, however the brackets are arranged: the worst a 256 KiB document can do within
/// this cap (500 deep, then 128,000 tokens) parses in 0.75 s in a release build.
pub const MAX_BRACKETS: usize = 500;
/// Deepest `[`/`{` nesting accepted, counted without regard to quotes (so a quoted `[` counts).
pub const MAX_DEPTH: usize = 64;
/// Most values a document may expand to, counting every value an alias repeats.
pub const MAX_VALUES: usize = 100_000;
/// Text that aliases may add on top of the document's own length.
pub const MAX_EXTRA_TEXT: usize = 1024 * 1024;

/// Why a YAML document was refused before parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refused {
    /// 1-based line in the document the problem was found on, when there is one.
    pub line: Option<usize>,
    pub message: String,
    pub hint: String,
}

/// Checks `text` against every bound; `Ok` means serde_yaml may parse it in bounded time and memory.
pub(crate) fn check(text: &str) -> Result<(), Refused> {
    if text.len() > MAX_BYTES {
        return Err(Refused {
            line: None,
            message: format!(
                "the YAML is {} KiB; at most {} KiB is accepted",
                text.len().div_ceil(1024),
                MAX_BYTES / 1024
            ),
            hint: "move long text out of the front matter into the Markdown body".into(),
        });
    }
    check_brackets(text)?;
    check_expansion(text)
}

fn check_brackets(text: &str) -> Result<(), Refused> {
    let mut depth = 0usize;
    let mut opens = 0usize;
    let mut line = 1;
    for b in text.bytes() {
        match b {
            b'\n' => line += 1,
            b'[' | b'{' => {
                opens += 1;
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(Refused {
                        line: Some(line),
                        message: format!(
                            "the YAML is nested more than {MAX_DEPTH} levels deep (a YAML bomb?)"
                        ),
                        hint: "flatten the value: front matter holds plain fields and short lists"
                            .into(),
                    });
                }
                if opens > MAX_BRACKETS {
                    return Err(Refused {
                        line: Some(line),
                        message: format!("the YAML has more than {MAX_BRACKETS} `[` and `{{`"),
                        hint: "write long lists as `- item` lines instead of `[a, b, ...]`".into(),
                    });
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// Walks the document as serde_yaml expands it, stopping as soon as it grows past the budget.
fn check_expansion(text: &str) -> Result<(), Refused> {
    let mut budget = Budget {
        values: 0,
        text: 0,
        max_text: text.len().saturating_mul(2) + MAX_EXTRA_TEXT,
        exceeded: false,
    };
    // Syntax errors are not ours to report: the typed parse that follows names them precisely.
    let result = (&mut budget).deserialize(serde_yaml::Deserializer::from_str(text));
    let said = |what: &str| {
        result
            .as_ref()
            .is_err_and(|e: &serde_yaml::Error| e.to_string().contains(what))
    };
    if said("recursion limit exceeded") {
        return Err(Refused {
            line: result
                .as_ref()
                .err()
                .and_then(|e| e.location())
                .map(|l| l.line()),
            message: "the YAML is nested more than 128 levels deep (a YAML bomb?)".into(),
            hint: "flatten the value: front matter holds plain fields and short lists".into(),
        });
    }
    if budget.exceeded || said("repetition limit exceeded") {
        return Err(Refused {
            line: None,
            message: format!(
                "the YAML expands to more than {MAX_VALUES} values or {} KiB of text through \
                 aliases (`*name`): a YAML bomb?",
                budget.max_text / 1024
            ),
            hint: "write the values out instead of repeating anchors (`&name`) with aliases".into(),
        });
    }
    Ok(())
}

struct Budget {
    values: usize,
    text: usize,
    max_text: usize,
    exceeded: bool,
}

impl Budget {
    fn take<E: de::Error>(&mut self, text: usize) -> Result<(), E> {
        self.values += 1;
        self.text += text;
        if self.values > MAX_VALUES || self.text > self.max_text {
            self.exceeded = true;
            return Err(E::custom("expansion budget exceeded"));
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for &mut Budget {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for &mut Budget {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.take(0)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.take(0)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.take(0)
    }
    fn visit_i128<E: de::Error>(self, _: i128) -> Result<(), E> {
        self.take(0)
    }
    fn visit_u128<E: de::Error>(self, _: u128) -> Result<(), E> {
        self.take(0)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.take(0)
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<(), E> {
        self.take(s.len())
    }
    fn visit_bytes<E: de::Error>(self, b: &[u8]) -> Result<(), E> {
        self.take(b.len())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.take(0)
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.take(0)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        self.deserialize(d)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        self.deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.take(0)?;
        while seq.next_element_seed(&mut *self)?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.take(0)?;
        while map.next_key_seed(&mut *self)?.is_some() {
            map.next_value_seed(&mut *self)?;
        }
        Ok(())
    }
    /// A tagged value (`!tag value`).
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        let ((), variant) = data.variant_seed(&mut *self)?;
        de::VariantAccess::newtype_variant_seed(variant, self)
    }
}

/// Byte offset of a top-level `key:` in YAML text.
pub(crate) fn locate_key(yaml: &str, key: &str) -> Option<usize> {
    let mut offset = 0;
    for line in yaml.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix(key) {
            if rest.trim_start().starts_with(':') {
                return Some(offset);
            }
        }
        offset += line.len();
    }
    None
}

/// Byte offset of `value` in the block of top-level `key` (inline list or `- item` lines).
pub(crate) fn locate_value(yaml: &str, key: &str, value: &str) -> Option<usize> {
    let start = locate_key(yaml, key)?;
    let after_key = start + key.len();
    let mut end = yaml.len();
    let mut offset = start;
    for (i, line) in yaml[start..].split_inclusive('\n').enumerate() {
        if i > 0 && !line.starts_with([' ', '\t', '-']) && !line.trim().is_empty() {
            end = offset;
            break;
        }
        offset += line.len();
    }
    let block = &yaml[after_key..end];
    let mut from = 0;
    while let Some(i) = block[from..].find(value) {
        let at = from + i;
        let before = block[..at].chars().next_back();
        let after = block[at + value.len()..].chars().next();
        let edge =
            |c: Option<char>| c.is_none_or(|c| !(c.is_alphanumeric() || c == '-' || c == '_'));
        if edge(before) && edge(after) {
            return Some(after_key + at);
        }
        from = at + value.len().max(1);
    }
    None
}

/// The keys of the top-level mapping as written, with the byte offset of each line: plain keys
/// (`title:`) and quoted ones (`"title":`), in order, repeats included. Lines inside block values,
/// comments and list items are skipped.
pub(crate) fn top_level_keys(yaml: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut offset = 0;
    let mut in_block_scalar = false;
    for line in yaml.split_inclusive('\n') {
        let at = offset;
        offset += line.len();
        let starts_value = !line.starts_with([' ', '\t']) && !line.trim().is_empty();
        if in_block_scalar && !starts_value {
            continue;
        }
        in_block_scalar = false;
        if !starts_value || line.starts_with(['#', '-']) || line.starts_with("...") {
            continue;
        }
        let (key, rest) = match line.chars().next() {
            Some(q @ ('"' | '\'')) => match line[1..].find(q) {
                Some(end) => (line[1..1 + end].to_string(), &line[2 + end..]),
                None => continue,
            },
            _ => match line
                .find(": ")
                .or_else(|| line.trim_end().strip_suffix(':').map(str::len))
            {
                Some(i) => (line[..i].trim_end().to_string(), &line[i..]),
                None => continue,
            },
        };
        let rest = rest.trim_start();
        if !rest.starts_with(':') {
            continue;
        }
        let value = rest[1..].trim();
        in_block_scalar = value.starts_with(['|', '>']);
        out.push((key, at));
    }
    out
}

/// The first top-level key written twice: its name, the byte offset of the repeat and that of the
/// first one. serde_yaml names the key but not where the repeat is.
pub(crate) fn duplicate_key(yaml: &str) -> Option<(String, usize, usize)> {
    let keys = top_level_keys(yaml);
    let mut seen = std::collections::HashMap::new();
    for (key, at) in keys {
        if let Some(&first) = seen.get(&key) {
            return Some((key, at, first));
        }
        seen.insert(key, at);
    }
    None
}

/// Byte offset of the second `key:` at or after `from`, at any depth, block or flow (`{a: 1, a: 2}`):
/// where serde_yaml's "duplicate field" inside a nested mapping really is.
pub(crate) fn repeat_of(yaml: &str, key: &str, from: usize) -> Option<usize> {
    let from = (0..=from.min(yaml.len()))
        .rev()
        .find(|&i| yaml.is_char_boundary(i))?;
    let rest = &yaml[from..];
    let mut seen = 0;
    for (i, _) in rest.match_indices(key) {
        let before = rest[..i].chars().next_back();
        let after = rest[i + key.len()..].trim_start_matches([' ', '\t']);
        let starts = before.is_none_or(|c| matches!(c, ' ' | '\t' | '\n' | '{' | ',' | '-'));
        if starts && after.starts_with(':') {
            seen += 1;
            if seen == 2 {
                return Some(from + i);
            }
        }
    }
    None
}

/// Byte offset of the first YAML merge key (`<<:`) at any depth, if any: serde_yaml does not apply
/// merges, so the merged fields would be missing or arrive under the key `<<`.
pub(crate) fn merge_key(yaml: &str) -> Option<usize> {
    let mut offset = 0;
    for line in yaml.split_inclusive('\n') {
        let trimmed = line.trim_start_matches([' ', '\t', '-']).trim_start();
        if let Some(rest) = trimmed.strip_prefix("<<") {
            if rest.trim_start().starts_with(':') {
                return Some(offset + (line.len() - trimmed.len()));
            }
        }
        if let Some(i) = line.find("{<<").or_else(|| line.find(", <<")) {
            return Some(offset + i);
        }
        offset += line.len();
    }
    None
}

/// The known key that `key` most likely misspells: the same word in another letter case, the
/// singular or plural of it, or a near miss by edit distance (`text::did_you_mean`). Short keys
/// need a closer miss (one edit, or two letters swapped), so that `note` is not taken for `date`.
pub(crate) fn similar_key<'a>(key: &str, known: &[&'a str]) -> Option<&'a str> {
    if known.contains(&key) {
        return None;
    }
    let lower = key.to_lowercase();
    let plural = |a: &str, b: &str| {
        b.strip_suffix('s') == Some(a)
            || b.strip_suffix("es") == Some(a)
            || (a
                .strip_suffix('y')
                .is_some_and(|stem| b.strip_suffix("ies") == Some(stem)))
    };
    if let Some(k) = known
        .iter()
        .find(|k| **k == lower || plural(&lower, k) || plural(k, &lower))
    {
        return Some(k);
    }
    let near = crate::text::did_you_mean(&lower, known.iter().copied())?;
    let swapped = || {
        let (a, b): (Vec<char>, Vec<char>) = (lower.chars().collect(), near.chars().collect());
        let diff: Vec<usize> = (0..a.len().min(b.len()))
            .filter(|&i| a[i] != b[i])
            .collect();
        a.len() == b.len() && diff.len() == 2 && diff[1] == diff[0] + 1 && a[diff[0]] == b[diff[1]]
    };
    let close =
        lower.chars().count() >= 5 || crate::text::edit_distance(&lower, near) <= 1 || swapped();
    close.then_some(near)
}

/// More `[` and `{` than this in one string are written as escapes (below).
const MAX_LITERAL_BRACKETS: usize = 8;

/// `s` as a YAML scalar that reads back as the same string: plain when that is safe, else
/// double-quoted (`write_quoted`).
pub(crate) fn write_string(s: &str) -> String {
    let plain = !s.is_empty()
        && !many_brackets(s)
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
        s.to_string()
    } else {
        write_quoted(s)
    }
}

/// `s` as a double-quoted YAML scalar. The guard (`check`) counts every `[` and `{` in a document,
/// quoted or not, so a string with many of them writes them as `\x5B` and `\x7B`: what is written
/// here always passes `check` (a title of 70 `[` once made `briefing new` write a file that
/// `check` refused).
pub(crate) fn write_quoted(s: &str) -> String {
    let escape_brackets = many_brackets(s);
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

/// A flow list of strings, each written by `write_string`: `[a, "b: c"]`.
pub(crate) fn write_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let items: Vec<String> = items.into_iter().map(write_string).collect();
    format!("[{}]", items.join(", "))
}

fn many_brackets(s: &str) -> bool {
    s.chars().filter(|c| matches!(c, '[' | '{')).count() > MAX_LITERAL_BRACKETS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similar_keys_are_typos_case_and_plurals_not_neighbours() {
        let known = [
            "title",
            "date",
            "status",
            "draft",
            "themes",
            "companies",
            "authors",
        ];
        for (typed, meant) in [
            ("titel", "title"),
            ("stauts", "status"),
            ("Draft", "draft"),
            ("theme", "themes"),
            ("compnies", "companies"),
            ("company", "companies"),
            ("author", "authors"),
            ("DATE", "date"),
            ("dtae", "date"),
        ] {
            assert_eq!(similar_key(typed, &known), Some(meant), "{typed}");
        }
        for other in ["note", "site", "tags", "image", "subtitle", "title", "hero"] {
            assert_eq!(similar_key(other, &known), None, "{other}");
        }
    }

    #[test]
    fn top_level_keys_skip_nested_and_block_text() {
        let yaml = "title: a\nsource:\n  name: x\nbody: |\n  title: not a key\n\"quoted\": 1\n- item\n# c: d\nlast:\n";
        let keys: Vec<String> = top_level_keys(yaml).into_iter().map(|k| k.0).collect();
        assert_eq!(keys, ["title", "source", "body", "quoted", "last"]);
        let (key, at, first) = duplicate_key("a: 1\nb: 2\na: 3\n").unwrap();
        assert_eq!((key.as_str(), at, first), ("a", 10, 0));
        assert_eq!(duplicate_key("a: 1\nb:\n  a: 2\n"), None);
        assert_eq!(merge_key("x: &d {a: 1}\n<<: *d\n"), Some(13));
        assert_eq!(merge_key("s:\n  <<: *d\n"), Some(5));
        assert_eq!(merge_key("t: a << b\n"), None);
    }

    fn laughs(levels: usize) -> String {
        let mut s = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        let names: Vec<char> = ('b'..='z').take(levels).collect();
        let mut prev = 'a';
        for &c in &names {
            let refs = vec![format!("*{prev}"); 9].join(", ");
            s.push_str(&format!("{c}: &{c} [{refs}]\n"));
            prev = c;
        }
        s
    }

    #[test]
    fn ordinary_front_matter_passes() {
        let y = "title: \"A [bracketed] title\"\ndate: 2023-01-01\ncompanies: [a, b]\nsource: { name: X, url: \"https://x\" }\nextra:\n  defaults: &d { a: 1 }\n  copy: *d\n";
        assert_eq!(check(y), Ok(()));
    }

    #[test]
    fn billion_laughs_is_refused() {
        let err = check(&laughs(8)).unwrap_err();
        assert!(err.message.contains("aliases"), "{err:?}");
    }

    #[test]
    fn one_big_anchor_repeated_many_times_is_refused() {
        let k = 4000;
        let y = format!(
            "a: &a [{}]\nb: [{}]\n",
            vec!["1"; k].join(","),
            vec!["*a"; k].join(",")
        );
        assert!(check(&y).unwrap_err().message.contains("aliases"));
    }

    #[test]
    fn deep_flow_nesting_is_refused_at_its_line() {
        let y = format!(
            "title: x\nd: {}{}\n",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let err = check(&y).unwrap_err();
        assert!(err.message.contains("nested"), "{err:?}");
        assert_eq!(err.line, Some(2));
    }

    #[test]
    fn many_brackets_and_huge_documents_are_refused() {
        let y = "- [a]\n".repeat(MAX_BRACKETS + 1);
        assert!(check(&y).unwrap_err().message.contains("more than"));
        let y = format!("summary: \"{}\"\n", "x".repeat(MAX_BYTES));
        assert!(check(&y).unwrap_err().message.contains("KiB"));
    }

    #[test]
    fn syntax_errors_are_left_to_the_parser() {
        assert_eq!(check("title: [unclosed\n"), Ok(()));
        assert_eq!(check("a: *undefined\n"), Ok(()));
    }
}

#[cfg(test)]
mod position_tests {
    use super::*;
    use crate::error::line_col;

    #[test]
    fn locates_values_in_inline_and_block_lists() {
        let y = "title: t\ncompanies: [huawei, alibaba-clod]\nmodels:\n  - pangu\n  - tongyi\n";
        let off = locate_value(y, "companies", "alibaba-clod").unwrap();
        assert_eq!(line_col(y, off), (2, 21));
        let off = locate_value(y, "models", "tongyi").unwrap();
        assert_eq!(line_col(y, off), (5, 5));
        assert!(locate_value(y, "themes", "x").is_none());
    }
}

#[cfg(test)]
mod writer_tests {
    use super::*;

    #[test]
    fn write_strings_read_back_the_same() {
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
            let y = format!("k: {}\n", write_string(s));
            let v: std::collections::BTreeMap<String, String> =
                serde_yaml::from_str(&y).unwrap_or_else(|e| panic!("{y}: {e}"));
            assert_eq!(v["k"], s, "{y}");
        }
        assert_eq!(write_string("Plain Title"), "Plain Title");
        assert_eq!(write_string("[Update] GPT-4"), "\"[Update] GPT-4\"");
    }

    /// Found by the `import` fuzz target: a paragraph with many `{` became a summary whose front
    /// matter the YAML guard refuses as nested too deep, so the imported article could not build.

    #[test]
    fn quoted_strings_survive_yaml_and_the_guard() {
        let q = write_quoted("Tongyi: \"Qwen\" # 2");
        let back: String = serde_yaml::from_str(&q).unwrap();
        assert_eq!(back, "Tongyi: \"Qwen\" # 2");
        assert_eq!(write_quoted("Moonshot AI"), "\"Moonshot AI\"");
        for s in [
            "[".repeat(70) + " Title",
            "{[".repeat(300),
            "\u{85}\u{7f}\r x".into(),
        ] {
            for y in [write_string(&s), write_quoted(&s)] {
                let doc = format!("title: {y}\n");
                assert_eq!(check(&doc), Ok(()), "{doc}");
                let v: std::collections::BTreeMap<String, String> =
                    serde_yaml::from_str(&doc).unwrap();
                assert_eq!(v["title"], s);
            }
        }
        assert_eq!(write_list(["a", "b: c", "2023"]), "[a, \"b: c\", \"2023\"]");
    }
}

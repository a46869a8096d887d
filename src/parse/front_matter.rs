//! Front matter: cuts a file into YAML and body, and reads the YAML for every kind alike (typed
//! fields, extra keys, ids, URLs), reporting problems at their line and column in the file.
//! Knows no kind's fields; those are in `kinds`.

use crate::error::{line_col, Diagnostic};
use crate::model::{EntityId, Extra};
use crate::yaml::{locate_key, locate_value};
use serde::de::DeserializeOwned;
use std::path::Path;

/// A file cut into its YAML front matter and its Markdown body.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Split<'a> {
    pub yaml: &'a str,
    /// 1-based line of the file where the YAML starts (the line after the opening `---`).
    pub yaml_line: usize,
    pub body: &'a str,
    /// 1-based line of the file where the body starts.
    pub body_line: usize,
}

/// Why a file has no front matter to parse. Always at the top of the file: that is where the
/// opening `---` must be.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct SplitError {
    /// 1-based line of the file.
    pub line: usize,
    pub message: &'static str,
    pub hint: &'static str,
}

impl SplitError {
    fn at_start(message: &'static str, hint: &'static str) -> Self {
        SplitError {
            line: 1,
            message,
            hint,
        }
    }

    /// The problem as reported for the file at `rel`.
    pub(crate) fn diagnostic(&self, rel: &Path) -> Diagnostic {
        Diagnostic::error(rel, self.message)
            .at(self.line, None)
            .hint(self.hint)
    }
}

/// Finds the front matter between the first two `---` lines. Accepts CRLF line ends.
pub(crate) fn split_front_matter(text: &str) -> Result<Split<'_>, SplitError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(SplitError::at_start(
            "the file is empty",
            "start it with front matter between two `---` lines, e.g. `---\\ntitle: ...\\n---`",
        ));
    }
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err(SplitError::at_start(
            "the file does not start with front matter",
            "put a line `---`, the YAML fields, and another `---` line at the top of the file",
        ));
    }
    let yaml_start = first.len();
    let mut offset = yaml_start;
    let mut line_no = 1;
    for line in lines {
        line_no += 1;
        if line.trim_end() == "---" {
            let body_start = offset + line.len();
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_line: 2,
                body: &text[body_start..],
                body_line: line_no + 1,
            });
        }
        offset += line.len();
    }
    Err(SplitError::at_start(
        "the front matter is never closed",
        "add a line with only `---` after the last front-matter field",
    ))
}

/// The front matter of one file, with the helpers every kind uses to read and report on it.
pub(super) struct FrontMatter<'a> {
    rel: &'a Path,
    split: &'a Split<'a>,
    /// The YAML parsed once: the typed fields and `extra` both read it. libyaml parsing the same
    /// text twice was a tenth of a build (bench/RESULTS.md). None when it does not parse.
    parsed: Option<serde_yaml::Value>,
}

impl<'a> FrontMatter<'a> {
    /// Guards the YAML (see `guard`), then parses it once.
    pub(super) fn new(rel: &'a Path, split: &'a Split<'a>) -> Result<Self, Vec<Diagnostic>> {
        let mut fm = FrontMatter {
            rel,
            split,
            parsed: None,
        };
        fm.guard()?;
        fm.shape()?;
        // Parsed once, here, after the guard: `typed` and `extra` both read this value.
        fm.parsed = serde_yaml::from_str(split.yaml).ok();
        Ok(fm)
    }

    /// Deserializes the YAML into `T`, with the parser's position shifted to count lines in the file.
    pub(super) fn typed<T: DeserializeOwned>(
        &self,
        what: &str,
        required: &str,
    ) -> Result<T, Vec<Diagnostic>> {
        if self.split.yaml.trim().is_empty() {
            return Err(vec![Diagnostic::error(
                self.rel,
                "the front matter is empty",
            )
            .at(self.split.yaml_line - 1, None)
            .hint(format!("{what} needs at least {required}"))]);
        }
        if let Some(Ok(typed)) = self.parsed.as_ref().map(T::deserialize) {
            return Ok(typed);
        }
        // Parsing the text again gives the parser's own positions in errors, and its leniency:
        // a plain `title: 2024` reads as a string from text but not from a parsed number.
        serde_yaml::from_str(self.split.yaml).map_err(|e| vec![self.yaml_error(&e, what, required)])
    }

    fn yaml_error(&self, e: &serde_yaml::Error, what: &str, required: &str) -> Diagnostic {
        let raw = e.to_string();
        let (msg, opened_at) = yaml_message(&raw);
        // Where something was opened and never closed, that is where the fix goes.
        let (mut line, mut col) = match opened_at.or(e.location().map(|l| (l.line(), l.column()))) {
            Some((l, c)) => (Some(l + self.split.yaml_line - 1), Some(c)),
            None => (Some(self.split.yaml_line - 1), None),
        };
        // Errors raised by our own types (dates) come at the start of the mapping; the value they
        // quote in backticks tells us the line.
        if let Some(value) = msg
            .split('`')
            .nth(1)
            .filter(|v| !v.is_empty() && !msg.starts_with("missing field"))
        {
            if let Some(off) = self.split.yaml.find(value) {
                let (l, c) = line_col(self.split.yaml, off);
                (line, col) = (Some(l + self.split.yaml_line - 1), Some(c));
            }
        }
        // "source: duplicate field `name`" is reported where the mapping starts: find the repeat.
        if let Some(key) = msg
            .split("duplicate field `")
            .nth(1)
            .and_then(|r| r.split('`').next())
        {
            let from = line.map_or(0, |l| {
                line_offset(self.split.yaml, l + 1 - self.split.yaml_line)
            });
            if let Some(at) = crate::yaml::repeat_of(self.split.yaml, key, from) {
                let (l, c) = line_col(self.split.yaml, at);
                (line, col) = (Some(l + self.split.yaml_line - 1), Some(c));
            }
        }
        let hint = if msg.contains("duplicate field") {
            "keep one of the two; YAML does not allow a key twice in one mapping".to_string()
        } else if msg.contains("scanning a quoted scalar") {
            "this quoted value is never closed: add the closing quote".to_string()
        } else if msg.contains("parsing a flow sequence") {
            "this `[` list is never closed: add the `]`, or quote a value that contains `,`".into()
        } else if msg.contains("parsing a flow mapping") {
            "this `{` is never closed: add the `}`, or quote a value that contains `,`".into()
        } else if msg.contains("is not a date") {
            "write dates as YYYY-MM-DD, or as an RFC 3339 timestamp".to_string()
        } else if let Some((missing, found, at)) = self.misspelled_required(&msg) {
            let (l, c) = line_col(self.split.yaml, at);
            return Diagnostic::error(
                self.rel,
                format!(
                    "front matter: missing `{missing}`; found `{found}`, did you mean `{missing}`?"
                ),
            )
            .at(l + self.split.yaml_line - 1, Some(c))
            .hint(format!("rename `{found}` to `{missing}`"));
        } else if msg.starts_with("missing field") {
            format!("{what} needs {required}; add the missing field to the front matter")
        } else if msg.contains("recursion limit") || msg.contains("repetition limit") {
            "front matter is too deeply nested or expands too many aliases; simplify it".into()
        } else if msg.contains("invalid type") || msg.contains("unknown variant") {
            "check the field's type against the content model (a list is `[a, b]`)".into()
        } else {
            "check the YAML syntax: indentation, a `:` after each key, quotes around values with `: `".into()
        };
        Diagnostic::error(self.rel, format!("front matter: {msg}"))
            .at_opt(line, col)
            .hint(hint)
    }

    /// For "missing field `title`": the key written instead (`titel`) and where it is.
    fn misspelled_required(&self, msg: &str) -> Option<(String, String, usize)> {
        let missing = msg.strip_prefix("missing field `")?.split('`').next()?;
        crate::yaml::top_level_keys(self.split.yaml)
            .into_iter()
            .find(|(k, _)| crate::yaml::similar_key(k, &[missing]).is_some())
            .map(|(k, at)| (missing.to_string(), k, at))
    }

    /// Refuses YAML bombs and oversized front matter before serde_yaml spends time on them.
    fn guard(&self) -> Result<(), Vec<Diagnostic>> {
        crate::yaml::check(self.split.yaml).map_err(|r| {
            let line = r
                .line
                .map_or(self.split.yaml_line - 1, |l| l + self.split.yaml_line - 1);
            vec![
                Diagnostic::error(self.rel, format!("front matter: {}", r.message))
                    .at(line, None)
                    .hint(r.hint),
            ]
        })
    }

    /// Refuses what serde_yaml would misread or report at the wrong place: a key written twice
    /// (reported at the repeat) and a merge key (`<<`), which serde_yaml does not apply.
    fn shape(&self) -> Result<(), Vec<Diagnostic>> {
        let yaml = self.split.yaml;
        if let Some((key, at, first)) = crate::yaml::duplicate_key(yaml) {
            let (first_line, _) = line_col(yaml, first);
            return Err(vec![self.error_at_offset(
                at,
                &format!(
                    "`{key}` is set twice (first at line {})",
                    first_line + self.split.yaml_line - 1
                ),
                "keep one of the two lines; YAML does not allow a key twice",
            )]);
        }
        if let Some(at) = crate::yaml::merge_key(yaml) {
            return Err(vec![self.error_at_offset(
                at,
                "YAML merge keys (`<<`) are not supported: the merged fields would be lost",
                "write the fields out in full instead of merging them with `<<: *name`",
            )]);
        }
        Ok(())
    }

    fn error_at_offset(&self, at: usize, msg: &str, hint: &str) -> Diagnostic {
        let (l, c) = line_col(self.split.yaml, at);
        Diagnostic::error(self.rel, msg.to_string())
            .at(l + self.split.yaml_line - 1, Some(c))
            .hint(hint.to_string())
    }

    /// Keys the content model does not know but that look like a known one (`theme` for
    /// `themes`, `Draft`, `stauts`): a warning at the key with the key it resembles, or an error
    /// when the key it resembles is one of `gates` (it decides whether the file is published, so
    /// a typo there must not publish it).
    pub(super) fn near_misses(
        &self,
        known: &[&str],
        gates: &[&str],
        errors: &mut Vec<Diagnostic>,
        warnings: &mut Vec<Diagnostic>,
    ) {
        for (key, at) in crate::yaml::top_level_keys(self.split.yaml) {
            let Some(meant) = crate::yaml::similar_key(&key, known) else {
                continue;
            };
            let msg = format!("unknown field `{key}`: did you mean `{meant}`?");
            if gates.contains(&meant) {
                errors.push(self.error_at_offset(
                    at,
                    &msg,
                    &format!("rename it to `{meant}`: `{key}` is not read, so it cannot keep this file unpublished"),
                ));
            } else {
                let mut d = self.error_at_offset(
                    at,
                    &msg,
                    &format!("rename it to `{meant}`; as written it is not read as `{meant}` (templates see it as `extra.{key}`)"),
                );
                d.severity = crate::error::Severity::Warning;
                warnings.push(d);
            }
        }
    }

    /// Front-matter keys the content model does not know, for templates. Also returns the YAML
    /// error, if any, so that no field is ever dropped silently.
    pub(super) fn extra(
        &self,
        known: &[&str],
        errors: &mut Vec<Diagnostic>,
    ) -> (Extra, Option<Diagnostic>) {
        let map = match &self.parsed {
            Some(serde_yaml::Value::Mapping(map)) => map,
            _ => {
                // Parse again only to say what is wrong: the common case never gets here.
                let error = serde_yaml::from_str::<serde_yaml::Mapping>(self.split.yaml)
                    .err()
                    .map(|e| self.yaml_error(&e, "front matter", "a mapping of fields"));
                return (Extra::new(), error);
            }
        };
        let mut extra = Extra::new();
        for (k, v) in map {
            let Some(key) = k.as_str() else { continue };
            if known.contains(&key) {
                continue;
            }
            match serde_json::to_value(v) {
                Ok(json) => {
                    extra.insert(key.to_string(), json);
                }
                Err(e) => errors.push(self.error_at_key(
                    key,
                    &format!("field `{key}` cannot be used in templates: {e}"),
                    "use strings as map keys",
                )),
            }
        }
        (extra, None)
    }

    pub(super) fn file_id(&self, stem: &str, errors: &mut Vec<Diagnostic>) -> EntityId {
        match EntityId::parse(stem) {
            Ok(id) => id,
            Err(msg) => {
                errors.push(
                    Diagnostic::error(self.rel, format!("file name: {msg}"))
                        .hint("an entity's id is its file name; rename the file"),
                );
                EntityId::parse("invalid").expect("valid")
            }
        }
    }

    /// Links from front matter become `href`s: only web addresses, never `javascript:` and the like.
    pub(super) fn web_url(&self, key: &str, url: &str, errors: &mut Vec<Diagnostic>) {
        let u = url.trim().to_ascii_lowercase();
        let host = u
            .strip_prefix("https://")
            .or_else(|| u.strip_prefix("http://"));
        if url.trim().is_empty() || host.is_some_and(|h| !h.is_empty()) {
            return;
        }
        errors.push(self.error_at_value(
            key,
            url,
            &format!(
                "`{}` is not a web address: `{key}` links must start with https:// or http://",
                url.escape_debug()
            ),
            "write the full address, e.g. https://www.example.com/",
        ));
    }

    /// The ids an article lists under `key`; each one that is not an id is reported and dropped.
    pub(super) fn entity_ids(
        &self,
        key: &str,
        list: Vec<String>,
        errors: &mut Vec<Diagnostic>,
    ) -> Vec<EntityId> {
        list.into_iter()
            .filter_map(|s| match EntityId::parse(&s) {
                Ok(id) => Some(id),
                Err(msg) => {
                    errors.push(self.error_at_value(
                        key,
                        &s,
                        &msg.to_string(),
                        "refer to entities by their id: the file name without .md",
                    ));
                    None
                }
            })
            .collect()
    }

    /// Reports a slug that cannot be a URL segment, at `key` (the `slug:` field, or `""` when the
    /// slug is the file's stem).
    pub(super) fn slug(&self, key: &str, slug: &str, noun: &str, errors: &mut Vec<Diagnostic>) {
        if let Err(msg) = EntityId::parse(slug) {
            errors.push(self.error_at_key(
                key,
                &msg.to_string(),
                &format!("the slug becomes the {noun}'s URL; rename the file or set `slug:`"),
            ));
        }
    }

    /// Reports a required text field that is empty, blank or null: serde_yaml reads `title: null`
    /// and `title: ~` as the words `null` and `~`, which would become the page's title.
    pub(super) fn blank(&self, key: &str, value: &str, errors: &mut Vec<Diagnostic>) {
        let null = matches!(
            self.parsed.as_ref().and_then(|v| v.get(key)),
            Some(serde_yaml::Value::Null)
        );
        if null || value.trim().is_empty() {
            let what = if null { "null" } else { "empty" };
            errors.push(self.error_at_key(
                key,
                &format!("`{key}` is {what}"),
                &format!(
                    "give `{key}:` a value; to write the word itself, quote it: `{key}: \"null\"`"
                ),
            ));
        }
    }

    /// The line and column of `key:` in the front matter, counted in the file.
    fn locate_key(&self, key: &str) -> Option<(usize, usize)> {
        locate_key(self.split.yaml, key).map(|off| {
            let (l, c) = line_col(self.split.yaml, off);
            (l + self.split.yaml_line - 1, c)
        })
    }

    /// The line of top-level `key:` in the file (the front matter's first line if not found).
    pub(super) fn key_line(&self, key: &str) -> usize {
        self.locate_key(key).map_or(self.split.yaml_line, |p| p.0)
    }

    pub(super) fn error_at_key(&self, key: &str, msg: &str, hint: &str) -> Diagnostic {
        let pos = self.locate_key(key);
        Diagnostic::error(self.rel, msg.to_string())
            .at_opt(
                pos.map(|p| p.0).or(Some(self.split.yaml_line)),
                pos.map(|p| p.1),
            )
            .hint(hint.to_string())
    }

    pub(super) fn error_at_value(
        &self,
        key: &str,
        value: &str,
        msg: &str,
        hint: &str,
    ) -> Diagnostic {
        let pos = locate_value(self.split.yaml, key, value).map(|off| {
            let (l, c) = line_col(self.split.yaml, off);
            (l + self.split.yaml_line - 1, c)
        });
        match pos {
            Some((l, c)) => Diagnostic::error(self.rel, msg.to_string())
                .at(l, Some(c))
                .hint(hint.to_string()),
            None => self.error_at_key(key, msg, hint),
        }
    }
}

/// The byte offset where 1-based `line` of `text` starts (the end of the text past its last line).
pub(crate) fn line_offset(text: &str, line: usize) -> usize {
    text.split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum()
}

/// serde_yaml's message without the positions it embeds (we print positions ourselves), and the
/// position of the construct it names after ", while ..." (an unclosed quote or bracket), if any:
/// "found unexpected end of stream at line 3 column 1, while scanning a quoted scalar at line 2
/// column 10" becomes ("found unexpected end of stream while scanning a quoted scalar", (2, 10)).
fn yaml_message(raw: &str) -> (String, Option<(usize, usize)>) {
    let strip = |s: &str| match s.find(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s.to_string(),
    };
    let Some((main, context)) = raw.split_once(", while ") else {
        return (strip(raw), None);
    };
    let pos = context.split_once(" at line ").and_then(|(_, rest)| {
        let mut nums = rest
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .map(|s| s.parse::<usize>().ok());
        Some((nums.next()??, nums.next()??))
    });
    (format!("{} while {}", strip(main), strip(context)), pos)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_counts_lines() {
        let s = split_front_matter("---\ntitle: x\n---\nbody\n").unwrap();
        assert_eq!(s.yaml, "title: x\n");
        assert_eq!(s.body, "body\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn crlf_and_bom_work() {
        let s = split_front_matter("\u{feff}---\r\ntitle: x\r\n---\r\nbody\r\n").unwrap();
        assert_eq!(s.yaml, "title: x\r\n");
        assert_eq!(s.body, "body\r\n");
    }

    #[test]
    fn unclosed_and_missing_front_matter_are_errors() {
        assert!(split_front_matter("---\ntitle: x\n")
            .unwrap_err()
            .message
            .contains("never closed"));
        assert!(split_front_matter("title: x\n")
            .unwrap_err()
            .message
            .contains("does not start"));
        assert!(split_front_matter("  \n")
            .unwrap_err()
            .message
            .contains("empty"));
    }

    #[test]
    fn yaml_messages_point_at_what_was_left_open() {
        assert_eq!(
            yaml_message("found unexpected end of stream at line 3 column 1, while scanning a quoted scalar at line 2 column 10"),
            ("found unexpected end of stream while scanning a quoted scalar".into(), Some((2, 10)))
        );
        assert_eq!(
            yaml_message("title: invalid type: sequence, expected a string at line 2 column 8"),
            (
                "title: invalid type: sequence, expected a string".into(),
                None
            )
        );
    }
}

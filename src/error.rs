//! Diagnostics: what went wrong, where (file, line, column) and how to fix it.
//! Owns how problems are collected and printed; never decides whether a build goes on.

use serde::Serialize;
use std::fmt;
use std::path::{Path, PathBuf};

/// A `base_url` (site.yaml or `--base-url`) that cannot be used, and why.
pub use crate::url::BaseUrlError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in one file, printed like a compiler message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path as the user knows it: relative to the site root where possible.
    pub path: PathBuf,
    /// 1-based line in the file, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    pub message: String,
    /// One line telling the user how to fix it.
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.into(),
            line: None,
            column: None,
            message: message.into(),
            hint: None,
        }
    }

    pub fn warning(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, message)
        }
    }

    pub fn at(mut self, line: usize, column: Option<usize>) -> Self {
        self.line = Some(line);
        self.column = column;
        self
    }

    pub fn at_opt(mut self, line: Option<usize>, column: Option<usize>) -> Self {
        self.line = line;
        self.column = if line.is_some() { column } else { None };
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// A path as the terminal shows it: control characters escaped (`text::escape_terminal`), so a
/// file name cannot rewrite the line it is printed on. Every path printed for the user goes through
/// it: the library's messages, and the commands' own lines (`--root`, `--out`, files made).
pub fn shown(path: &Path) -> String {
    crate::text::escape_terminal(&path.display().to_string()).into_owned()
}

/// Printed like a compiler message; the path, message and hint are escaped for the terminal
/// (`text::escape_terminal`): each may quote a file name or the text of a file.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::text::escape_terminal;
        write!(f, "{}", shown(&self.path))?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, ": {label}: {}", escape_terminal(&self.message))?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  = hint: {}", escape_terminal(hint))?;
        }
        Ok(())
    }
}

/// Every problem found in one run, in a stable order (file, then line).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }
    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(ds);
    }
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }
    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| !d.is_error())
    }
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.0
    }
    /// Sorts by file and position so output is the same on every run, whatever the thread order.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            (&a.path, a.line, a.column, a.severity, &a.message)
                .cmp(&(&b.path, b.line, b.column, b.severity, &b.message))
        });
        self.0.dedup();
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<T: IntoIterator<Item = Diagnostic>>(iter: T) -> Self {
        Diagnostics(iter.into_iter().collect())
    }
}

/// A folder that holds no site.yaml where a site is needed: the one wording of it, with the way to
/// make a site, for every command and every library caller (`build`, `check`, `serve`, `new`...).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} is not a briefing site (no site.yaml)\n  = hint: make one with `briefing init` (or `briefing init DIR`), or run inside a site folder or pass --root DIR", shown(.root))]
pub struct NotASite {
    /// The folder, as given (`.` for the working folder).
    pub root: PathBuf,
}

/// Why a build stopped. Carries the paths the user needs to act on.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// Problems in the site's files; `Display` gives the count, the list prints on its own.
    #[error("the site has {count} error{s}", count = .diagnostics.error_count(), s = if .diagnostics.error_count() == 1 { "" } else { "s" })]
    Content { diagnostics: Diagnostics },
    #[error(transparent)]
    NotASite(#[from] NotASite),
    #[error("cannot read {}", shown(.path))]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {}", shown(.path))]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: {}\n  = hint: {}", shown(.path), crate::text::escape_terminal(.message), crate::text::escape_terminal(.hint))]
    Refused {
        path: PathBuf,
        message: String,
        hint: String,
    },
    #[error("template error in {}: {}", crate::text::escape_terminal(.name), crate::text::escape_terminal(.message))]
    Template { name: String, message: String },
    #[error("template {} did not finish rendering {} within {seconds} s: it may loop forever\n  = hint: look for loops over long ranges or nested loops; --render-timeout SECONDS sets the limit", crate::text::escape_terminal(.template), crate::text::escape_terminal(.page))]
    RenderTimeout {
        template: String,
        page: String,
        seconds: u64,
    },
}

impl BuildError {
    pub(crate) fn read(path: &Path, source: std::io::Error) -> Self {
        BuildError::Read {
            path: path.to_path_buf(),
            source,
        }
    }
    pub(crate) fn write(path: &Path, source: std::io::Error) -> Self {
        BuildError::Write {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// The 1-based line and column of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        let t = "ab\ncd\nef";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 4), (2, 2));
        assert_eq!(line_col(t, 6), (3, 1));
    }

    #[test]
    fn diagnostic_prints_like_a_compiler() {
        let d = Diagnostic::error("content/a.md", "bad")
            .at(3, Some(7))
            .hint("fix it");
        assert_eq!(
            d.to_string(),
            "content/a.md:3:7: error: bad\n  = hint: fix it"
        );
    }
}

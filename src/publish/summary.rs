//! The review summary of a preview build, in Markdown: each unpublished article (in review, draft,
//! scheduled), its source file, its status and its problems, for a pull request's job summary
//! (`$GITHUB_STEP_SUMMARY`), so that a reviewer sees what a change holds without a toolchain. Reads
//! the linked site only; writing the text somewhere is the caller's job.

use crate::error::Severity;
use crate::link::{SiteGraph, Standing};
use crate::model::display_path;
use crate::text::escape_html;
use std::fmt::Write as _;

/// The summary of `graph` (a preview's: it holds the unpublished articles), as GitHub-flavoured
/// Markdown: a heading, one table row per unpublished article, then each one's problems in full.
pub fn review_summary(graph: &SiteGraph) -> String {
    let mut rows: Vec<_> = graph.articles.iter().filter(|a| !a.public).collect();
    let rank = |s: Standing| match s {
        Standing::Review => 0,
        Standing::Draft => 1,
        _ => 2,
    };
    rows.sort_by_key(|a| (rank(a.standing), display_path(&a.article.origin.rel)));
    let mut out = String::from("## Review preview\n\n");
    if rows.is_empty() {
        out.push_str("No unpublished articles: the preview is the published site.\n");
        return out;
    }
    let _ = writeln!(
        out,
        "{} unpublished article{} (download the `preview` artifact and open `review/index.html` for the review desk).\n",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" }
    );
    out.push_str("| article | file | status | problems |\n| --- | --- | --- | --- |\n");
    for a in &rows {
        let errors = a
            .problems
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let problems = match (a.problems.len(), errors) {
            (0, _) => "none".to_string(),
            (n, 0) => format!("{n} warning{}", plural(n)),
            (n, e) => format!("{e} error{}, {} warning{}", plural(e), n - e, plural(n - e)),
        };
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | {problems} |",
            cell(&a.article.title),
            cell(&display_path(&a.article.origin.rel)),
            status(a.standing, &a.article.date.display_in(graph.selection.zone)),
        );
    }
    for a in rows.iter().filter(|a| !a.problems.is_empty()) {
        // As the terminal prints them, in a code block: shown as text, never as markup.
        let _ = writeln!(out, "\n### {}\n\n````text", cell(&a.article.title));
        for d in &a.problems {
            let _ = writeln!(out, "{}", d.to_string().replace("````", "'''"));
        }
        out.push_str("````\n");
    }
    out
}

fn status(s: Standing, date: &str) -> String {
    match s {
        Standing::Review => "in review".into(),
        Standing::Draft => "draft".into(),
        Standing::Scheduled => format!("scheduled for {date}"),
        Standing::Published => "published".into(),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Text from an article, safe in a table cell: no HTML (a title is the author's, not the page's),
/// no `|` that would end the cell, no backtick ending a code span, on one line.
fn cell(text: &str) -> String {
    escape_html(text)
        .replace('|', "\\|")
        .replace('`', "'")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_carry_no_markup_and_stay_on_one_line() {
        assert_eq!(cell("<b>a</b> | `b`\nc"), "&lt;b&gt;a&lt;/b&gt; \\| 'b' c");
    }
}

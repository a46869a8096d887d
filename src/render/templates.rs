//! The Tera instance of a build: the built-in theme with the site's `templates/` over it, checked
//! by the guards before Tera sees it, with our escaper and helpers registered. Template errors are
//! turned into diagnostics that name the file. Renders no page.

use super::theme;
use crate::error::{Diagnostic, Diagnostics};
use crate::guard;
use crate::load::AssetFile;
use std::collections::{BTreeMap, HashMap};
use tera::Tera;

/// The Tera instance for one build: the built-in theme with the site's overrides on top.
pub(crate) fn load_templates(
    overrides: &[AssetFile],
    base_path: &str,
) -> Result<Tera, Diagnostics> {
    let mut sources: BTreeMap<String, (String, Option<String>)> = theme::TEMPLATES
        .iter()
        .map(|(name, text)| (name.to_string(), (text.to_string(), None)))
        .collect();
    let mut diags = Diagnostics::new();
    for t in overrides {
        match std::fs::read_to_string(&t.abs) {
            Ok(text) => {
                sources.insert(t.rel.clone(), (text, Some(format!("templates/{}", t.rel))));
            }
            Err(e) => diags.push(Diagnostic::error(
                format!("templates/{}", t.rel),
                format!("cannot read template: {e}"),
            )),
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    let path_of = |name: &str| -> String {
        match sources.get(name) {
            Some((_, Some(path))) => path.clone(),
            _ => format!("(built-in theme) {name}"),
        }
    };
    let checked: Vec<guard::Source<'_>> = sources
        .iter()
        .map(|(name, (text, path))| guard::Source {
            path: path.as_deref().unwrap_or(name),
            text,
        })
        .collect();
    let too_deep = guard::check_sources(&checked);
    if too_deep.has_errors() {
        return Err(too_deep);
    }
    let mut tera = Tera::default();
    // Autoescape stays on for HTML and XML: front matter never reaches a page unescaped.
    tera.autoescape_on(vec![".html", ".htm", ".xml"]);
    tera.set_escape_fn(crate::text::escape_html);
    let list: Vec<(&str, &str)> = sources
        .iter()
        .map(|(n, (t, _))| (n.as_str(), t.as_str()))
        .collect();
    if let Err(e) = tera.add_raw_templates(list) {
        let (name, msg) = template_error_parts(&e);
        let path = sources
            .get(&name)
            .and_then(|(_, p)| p.clone())
            .unwrap_or_else(|| format!("(built-in theme) {name}"));
        let (line, col) = tera_position(&msg);
        diags.push(
            Diagnostic::error(path, msg.lines().last().unwrap_or("").trim().to_string())
                .at_opt(line, col)
                .hint("fix the template syntax; see https://keats.github.io/tera/docs/"),
        );
        return Err(diags);
    }
    let loops = guard::check_graph(&tera, &path_of);
    if loops.has_errors() {
        return Err(loops);
    }
    register_helpers(&mut tera, base_path);
    Ok(tera)
}

fn register_helpers(tera: &mut Tera, base_path: &str) {
    // Replaces Tera's own, which has no upper bound and never ends with `step_by=0`.
    tera.register_function("range", guard::range);
    let base = base_path.to_string();
    tera.register_function("url", move |args: &HashMap<String, tera::Value>| {
        let path = args
            .get("path")
            .and_then(|v| v.as_str())
            .ok_or_else(|| tera::Error::msg("url() needs path=\"...\""))?;
        Ok(tera::Value::String(format!(
            "{base}{}",
            path.trim_start_matches('/')
        )))
    });
    tera.register_filter(
        "date",
        |v: &tera::Value, args: &HashMap<String, tera::Value>| {
            let s = v
                .as_str()
                .ok_or_else(|| tera::Error::msg("date: expects a date string"))?;
            let d = crate::model::PubDate::parse(s).map_err(tera::Error::msg)?;
            let fmt = args
                .get("format")
                .and_then(|f| f.as_str())
                .unwrap_or("%Y-%m-%d");
            let mut out = String::new();
            use std::fmt::Write;
            write!(out, "{}", d.instant().format(fmt))
                .map_err(|_| tera::Error::msg(format!("date: bad format `{fmt}`")))?;
            Ok(tera::Value::String(out))
        },
    );
}

/// Splits a Tera error into the template it names and the whole message chain.
pub(crate) fn template_error_parts(e: &tera::Error) -> (String, String) {
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    let name = msg.split('\'').nth(1).unwrap_or("").to_string();
    (name, msg)
}

/// Tera's parser prints ` --> 3:7`; that is the line and column in the template.
fn tera_position(msg: &str) -> (Option<usize>, Option<usize>) {
    let Some(i) = msg.find("--> ") else {
        return (None, None);
    };
    let rest = &msg[i + 4..];
    let mut it = rest
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty());
    let line = it.next().and_then(|s| s.parse().ok());
    let col = it.next().and_then(|s| s.parse().ok());
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_tera_positions() {
        assert_eq!(
            tera_position("Failed to parse 'x'\n --> 3:7\n  |"),
            (Some(3), Some(7))
        );
        assert_eq!(tera_position("no position"), (None, None));
    }
}

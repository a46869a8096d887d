//! The Tera instance of a build: the built-in theme with the site's `templates/` over it, checked
//! by the guards before Tera sees it, with our escaper and helpers registered. Template errors are
//! turned into diagnostics that name the file. Renders no page.

use super::theme;
use crate::error::{Diagnostic, Diagnostics};
use crate::guard;
use crate::load::AssetFile;
use crate::text::did_you_mean;
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
    // Each override remembers its file, so that a page that fails to render can point at the
    // line (`render_diagnostic`); the path ends with the name, so autoescaping is unchanged.
    for t in overrides {
        if let Some(template) = tera.templates.get_mut(&t.rel) {
            template.path = Some(t.abs.to_string_lossy().into_owned());
        }
    }
    Ok(tera)
}

/// A page that failed to render, as a diagnostic: the template's file and the line of what
/// failed (the variable, filter or function named in Tera's message, looked for in the template,
/// then in those it extends, then in the rest), and, for an unknown variable, the closest name the
/// page's context has.
pub(crate) fn render_diagnostic(
    tera: &Tera,
    template: &str,
    page: &str,
    ctx: &tera::Context,
    e: &tera::Error,
) -> Diagnostic {
    let reason = innermost(e);
    let needle = named_in(&reason, template);
    let (path, line, col) = locate(tera, template, needle.as_deref());
    let variable = reason
        .starts_with("Variable `")
        .then_some(needle.as_deref())
        .flatten();
    let (message, hint) = match variable {
        Some(var) => {
            let json = ctx.clone().into_json();
            let hint = match closest_variable(&json, var) {
                Ok(best) => format!("did you mean `{best}`?"),
                Err(have) => format!("no close name; {have}"),
            };
            (format!("unknown variable `{var}` (rendering {page})"), hint)
        }
        None => (
            format!("{reason} (rendering {page})"),
            "fix the template; the README's \"Templates and their context\" lists what each page has"
                .to_string(),
        ),
    };
    Diagnostic::error(path, message)
        .at_opt(line, col)
        .hint(hint)
}

/// The last message of Tera's error chain: the one that says what went wrong.
fn innermost(e: &tera::Error) -> String {
    let mut last: &dyn std::error::Error = e;
    while let Some(s) = last.source() {
        last = s;
    }
    last.to_string()
}

/// The first name quoted in Tera's message (`Variable \`x.y\``, `Filter 'f'`), other than the
/// template's own.
fn named_in(reason: &str, template: &str) -> Option<String> {
    for quote in ['`', '\''] {
        let mut parts = reason.split(quote).skip(1).step_by(2);
        if let Some(name) = parts.find(|n| !n.is_empty() && *n != template) {
            return Some(name.to_string());
        }
    }
    None
}

/// The template file to point at (`templates/x.html`, or the built-in theme's) and the line and
/// column of `needle` in it.
fn locate(
    tera: &Tera,
    template: &str,
    needle: Option<&str>,
) -> (String, Option<usize>, Option<usize>) {
    let display = |name: &str| match tera.templates.get(name).and_then(|t| t.path.as_ref()) {
        Some(_) => format!("templates/{name}"),
        None => format!("(built-in theme) {name}"),
    };
    let Some(needle) = needle else {
        return (display(template), None, None);
    };
    let mut order: Vec<&str> = vec![template];
    if let Some(t) = tera.templates.get(template) {
        order.extend(t.parents.iter().map(String::as_str));
    }
    let mut rest: Vec<&str> = tera.templates.keys().map(String::as_str).collect();
    rest.sort_unstable();
    order.extend(rest);
    for name in order {
        let Some(text) = template_source(tera, name) else {
            continue;
        };
        if let Some(at) = find_name(&text, needle) {
            let (line, col) = crate::error::line_col(&text, at);
            return (display(name), Some(line), Some(col));
        }
    }
    (display(template), None, None)
}

/// A template's text: the override's file (read again: this is the error path only), else the
/// built-in theme's.
fn template_source(tera: &Tera, name: &str) -> Option<String> {
    match tera.templates.get(name)?.path.as_ref() {
        Some(abs) => std::fs::read_to_string(abs).ok(),
        None => theme::TEMPLATES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, text)| text.to_string()),
    }
}

/// Where `name` stands in `text` as a whole name (not inside a longer one).
fn find_name(text: &str, name: &str) -> Option<usize> {
    let ident = |c: char| c.is_alphanumeric() || c == '_' || c == '.';
    text.match_indices(name)
        .map(|(i, _)| i)
        .find(|&i| !text[..i].ends_with(ident) && !text[i + name.len()..].starts_with(ident))
}

/// The closest existing path to the dotted `var` in the page's context; or, when none is close,
/// what the context has where `var` stops matching. A first name that is no key of the context
/// may be a loop variable (`a.titel` in `for a in articles`): its next name is looked for among
/// the fields of the lists' items.
fn closest_variable(ctx: &tera::Value, var: &str) -> Result<String, String> {
    let parts: Vec<&str> = var.split('.').collect();
    let joined = |from: usize, to: usize| parts[from..to].join(".");
    let mut at = ctx;
    for (i, part) in parts.iter().enumerate() {
        let next = match at {
            tera::Value::Object(map) => map.get(*part),
            tera::Value::Array(items) => part.parse::<usize>().ok().and_then(|n| items.get(n)),
            _ => None,
        };
        if let Some(v) = next {
            at = v;
            continue;
        }
        let keys = keys_of(at);
        let with = |head: String, best: &str, from: usize| {
            let tail = joined(from, parts.len());
            [head, best.to_string(), tail]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(".")
        };
        if let Some(best) = did_you_mean(part, keys.iter().map(String::as_str)) {
            return Ok(with(joined(0, i), best, i + 1));
        }
        if i == 0 && parts.len() > 1 {
            let fields = item_fields(ctx, 4);
            if let Some(best) = did_you_mean(parts[1], fields.iter().map(String::as_str)) {
                return Ok(with(parts[0].to_string(), best, 2));
            }
        }
        return Err(describe_keys(&joined(0, i), &keys));
    }
    Err("it (the variable exists; check the template's logic)".into())
}

/// The keys of an object (an array's: its indices are not worth listing), sorted.
fn keys_of(v: &tera::Value) -> Vec<String> {
    let mut keys: Vec<String> = match v {
        tera::Value::Object(map) => map.keys().cloned().collect(),
        _ => Vec::new(),
    };
    keys.sort_unstable();
    keys
}

/// The fields of the objects in the context's lists, `depth` levels down, each once.
fn item_fields(v: &tera::Value, depth: usize) -> Vec<String> {
    let mut out = std::collections::BTreeSet::new();
    let mut stack = vec![(v, depth)];
    while let Some((v, d)) = stack.pop() {
        match v {
            tera::Value::Array(items) if d > 0 => {
                // The first item stands for the list: they are all made by one type.
                if let Some(first) = items.first() {
                    if let tera::Value::Object(map) = first {
                        out.extend(map.keys().cloned());
                    }
                    stack.push((first, d - 1));
                }
            }
            tera::Value::Object(map) if d > 0 => {
                stack.extend(map.values().map(|x| (x, d - 1)));
            }
            _ => {}
        }
    }
    out.into_iter().collect()
}

/// "`article` has: body, title, url" (or "the page's context has: ..."), at most 30 names.
fn describe_keys(at: &str, keys: &[String]) -> String {
    let what = if at.is_empty() {
        "these names".to_string()
    } else {
        format!("`{at}` has")
    };
    if keys.is_empty() {
        return format!("nothing under `{at}`: it is not an object");
    }
    let shown: Vec<&str> = keys.iter().take(30).map(String::as_str).collect();
    let more = if keys.len() > 30 { ", ..." } else { "" };
    format!("{what}: {}{more}", shown.join(", "))
}

fn register_helpers(tera: &mut Tera, base_path: &str) {
    // Replaces Tera's own, which has no upper bound and never ends with `step_by=0`.
    tera.register_function("range", guard::range);
    tera.register_filter("truncate", truncate);
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

/// Tera's `truncate` filter, cutting where Tera's does (after `length` graphemes, default 255,
/// then `end`, default "…"), with its messages; Tera's lists every grapheme of the text first,
/// this one stops at the cut, or needs none. Related reading runs it on each summary it shows.
fn truncate(value: &tera::Value, args: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
    use unicode_segmentation::UnicodeSegmentation;
    let text = tera::try_get_value!("truncate", "value", String, value);
    let length = match args.get("length") {
        Some(l) => tera::try_get_value!("truncate", "length", usize, l),
        None => 255,
    };
    let end = match args.get("end") {
        Some(e) => tera::try_get_value!("truncate", "end", String, e),
        None => "…".to_string(),
    };
    // In ASCII without a carriage return every byte is a grapheme (`\r\n` is one), so the cut
    // is at byte `length`: most summaries need no segmenting at all.
    let cut = if text.is_ascii() && !text.contains('\r') {
        (length < text.len()).then_some(length)
    } else {
        text.grapheme_indices(true).nth(length).map(|(at, _)| at)
    };
    Ok(tera::Value::String(match cut {
        Some(at) => text[..at].to_string() + &end,
        None => text,
    }))
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
    use serde_json::json;

    #[test]
    fn truncate_cuts_where_teras_own_does() {
        let teras = Tera::default();
        let teras = teras.get_filter("truncate").expect("Tera has one");
        let texts = [
            "",
            "short",
            "exactly ten",
            "a longer summary that goes on past the cut",
            "e\u{301}\u{301}clair: combining marks stay with their letter",
            "👩‍👩‍👧 a family is one grapheme, 通义千问 four",
            "\r\n counts once",
            "a\r\nb\rc\nd ascii with returns, longer than ten",
        ];
        let args = [
            vec![],
            vec![("length", json!(0))],
            vec![("length", json!(1))],
            vec![("length", json!(5))],
            vec![("length", json!(10)), ("end", json!("..."))],
            vec![("length", json!(40)), ("end", json!(""))],
            vec![("length", json!(-1))],
            vec![("end", json!(3))],
        ];
        let values = texts
            .iter()
            .map(|t| json!(t))
            .chain([json!(7), json!(null)]);
        for value in values {
            for a in &args {
                let a: HashMap<String, tera::Value> =
                    a.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
                let message = |e: tera::Error| e.to_string();
                assert_eq!(
                    truncate(&value, &a).map_err(message),
                    teras.filter(&value, &a).map_err(message),
                    "{value} with {a:?}"
                );
            }
        }
        // And templates get ours.
        let mut tera = Tera::default();
        register_helpers(&mut tera, "/");
        let mut ctx = tera::Context::new();
        ctx.insert("t", "e\u{301}clair");
        let cut = tera.render_str("{{ t | truncate(length=1) }}", &ctx);
        assert_eq!(cut.expect("renders"), "e\u{301}…");
    }

    #[test]
    fn reads_tera_positions() {
        assert_eq!(
            tera_position("Failed to parse 'x'\n --> 3:7\n  |"),
            (Some(3), Some(7))
        );
        assert_eq!(tera_position("no position"), (None, None));
    }
}

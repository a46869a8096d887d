//! site.yaml: its text read into `SiteConfig` and checked (the guard, unknown keys, `cname`, `feed_id`,
//! `base_url`), every problem a diagnostic at its line. Reads no file itself; knows no page.

use crate::error::{Diagnostic, Diagnostics};
use crate::load;
use crate::model::SiteConfig;
use crate::url::BaseUrl;
use std::path::Path;

pub(crate) fn parse_config(
    text: &str,
    base_url: Option<&str>,
    diags: &mut Diagnostics,
) -> Option<(SiteConfig, BaseUrl)> {
    let path = Path::new(load::CONFIG_FILE);
    if let Err(r) = crate::yaml::check(text) {
        diags.push(
            Diagnostic::error(path, format!("site settings: {}", r.message))
                .at_opt(r.line, None)
                .hint(r.hint),
        );
        return None;
    }
    if let Some(d) = shape_problem(text) {
        diags.push(d);
        return None;
    }
    let mut config: SiteConfig = match serde_yaml::from_str(text) {
        Ok(c) => c,
        Err(e) => {
            diags.push(typed_error(text, &e));
            return None;
        }
    };
    check_values(text, &config, diags);
    if let Some(name) = &config.timezone {
        match time_zone(name) {
            Ok(zone) => config.zone = zone,
            Err(hint) => diags.push(
                Diagnostic::error(
                    path,
                    format!(
                        "timezone: `{}` is not a time zone name",
                        name.escape_debug()
                    ),
                )
                .at_opt(top_level_key_line(text, "timezone"), None)
                .hint(hint),
            ),
        }
    }
    if let Some(cname) = &config.cname {
        if let Err(msg) = crate::url::check_host_name(cname.trim()) {
            let line = top_level_key_line(text, "cname");
            diags.push(
                Diagnostic::error(path, format!("cname: {msg}"))
                    .at_opt(line, None)
                    .hint("cname is the custom domain alone, e.g. `cname: briefing.example.org`; leave it out for a github.io address"),
            );
        }
    }
    if let Some(id) = &config.feed_id {
        if let Err(msg) = crate::url::check_host_name(id.trim()) {
            diags.push(
                Diagnostic::error(path, format!("feed_id: {msg}"))
                    .at_opt(top_level_key_line(text, "feed_id"), None)
                    .hint("feed_id is the host name feed entry ids were first minted under, e.g. `feed_id: example.github.io`"),
            );
        }
    }
    let raw = base_url.unwrap_or(&config.base_url);
    match BaseUrl::parse(raw) {
        Ok(base) => Some((config, base)),
        Err(msg) => {
            let d = Diagnostic::error(
                if base_url.is_some() {
                    Path::new("--base-url")
                } else {
                    path
                },
                msg.to_string(),
            );
            let line = top_level_key_line(text, "base_url");
            diags.push(
                d.at_opt(if base_url.is_some() { None } else { line }, None)
                    .hint("e.g. https://org.github.io/briefing/"),
            );
            None
        }
    }
}

/// A key written twice (at the repeat) or a merge key (`<<`), which serde_yaml reports at the
/// start of the file or not at all.
fn shape_problem(text: &str) -> Option<Diagnostic> {
    let path = Path::new(load::CONFIG_FILE);
    let at = |off: usize| crate::error::line_col(text, off);
    if let Some((key, off, first)) = crate::yaml::duplicate_key(text) {
        let (line, col) = at(off);
        return Some(
            Diagnostic::error(
                path,
                format!(
                    "site settings: `{key}` is set twice (first at line {})",
                    at(first).0
                ),
            )
            .at(line, Some(col))
            .hint("keep one of the two lines; YAML does not allow a key twice"),
        );
    }
    let off = crate::yaml::merge_key(text)?;
    let (line, col) = at(off);
    Some(
        Diagnostic::error(
            path,
            "site settings: YAML merge keys (`<<`) are not supported: the merged settings would be lost",
        )
        .at(line, Some(col))
        .hint("write the settings out in full instead of merging them with `<<: *name`"),
    )
}

/// serde's error for site.yaml, at its line, with the setting it most likely misspells.
fn typed_error(text: &str, e: &serde_yaml::Error) -> Diagnostic {
    let path = Path::new(load::CONFIG_FILE);
    let raw = e.to_string();
    let msg = raw.split(" at line ").next().unwrap_or(&raw).to_string();
    let loc = e.location().map(|l| (l.line(), l.column(), l.index()));
    // "autolink: duplicate field `enabled`" comes at the section's start: point at the repeat.
    if let Some(key) = msg
        .split("duplicate field `")
        .nth(1)
        .and_then(|r| r.split('`').next())
    {
        let from = loc.map_or(0, |l| l.2);
        if let Some(at) = crate::yaml::repeat_of(text, key, from) {
            let (line, col) = crate::error::line_col(text, at);
            return Diagnostic::error(path, format!("site settings: {msg}"))
                .at(line, Some(col))
                .hint("keep one of the two; YAML does not allow a key twice in one mapping");
        }
    }
    if let Some(d) = unknown_field(text, &msg, loc.map(|l| (l.0, l.1))) {
        return d;
    }
    if let Some(missing) = msg
        .strip_prefix("missing field `")
        .and_then(|r| r.split('`').next())
    {
        if let Some((found, off)) = crate::yaml::top_level_keys(text)
            .into_iter()
            .find(|(k, _)| crate::yaml::similar_key(k, &[missing]).is_some())
        {
            let (line, col) = crate::error::line_col(text, off);
            return Diagnostic::error(
                path,
                format!("site settings: missing `{missing}`; found `{found}`, did you mean `{missing}`?"),
            )
            .at(line, Some(col))
            .hint(format!("rename `{found}` to `{missing}`"));
        }
    }
    Diagnostic::error(path, format!("site settings: {msg}"))
        .at_opt(loc.map(|l| l.0), loc.map(|l| l.1))
        .hint("site.yaml needs title and base_url; see the README for every setting")
}

/// "unknown field `paginte`, expected one of `title`, ..., `extra`" (serde lists the settings),
/// at the key's line, with the setting it resembles; "missing `title`; found `titel`" when the
/// setting it resembles is not there at all.
fn unknown_field(text: &str, msg: &str, loc: Option<(usize, usize)>) -> Option<Diagnostic> {
    let path = Path::new(load::CONFIG_FILE);
    let i = msg.find("unknown field `")?;
    // "autolink: " for a key inside a section.
    let section = &msg[..i];
    let rest = &msg[i + "unknown field `".len()..];
    let key = rest.split('`').next().unwrap_or_default();
    let known: Vec<&str> = rest
        .split_once("expected ")
        .map(|(_, list)| list.split('`').skip(1).step_by(2).collect())
        .unwrap_or_default();
    let (line, col) = match key_line(text, key).or(loc) {
        Some((l, c)) => (Some(l), Some(c)),
        None => (None, None),
    };
    let top: Vec<String> = crate::yaml::top_level_keys(text)
        .into_iter()
        .map(|k| k.0)
        .collect();
    let is_top = section.is_empty() && top.iter().any(|k| k == key);
    let d = match crate::yaml::similar_key(key, &known) {
        Some(meant) if is_top && !top.iter().any(|k| k == meant) => Diagnostic::error(
            path,
            format!("site settings: missing `{meant}`; found `{key}`, did you mean `{meant}`?"),
        )
        .hint(format!("rename `{key}` to `{meant}`")),
        Some(meant) => Diagnostic::error(
            path,
            format!("site settings: {section}unknown field `{key}`: did you mean `{meant}`?"),
        )
        .hint(format!("rename it to `{meant}`")),
        None => Diagnostic::error(path, format!("site settings: {msg}")).hint(
            "remove it, or move it under `extra:` for your templates; see the README for every setting",
        ),
    };
    Some(d.at_opt(line, col))
}

/// Values that parse but cannot be meant: an empty or null `title`, `paginate: 0`, `feed_limit: 0`.
fn check_values(text: &str, config: &SiteConfig, diags: &mut Diagnostics) {
    let path = Path::new(load::CONFIG_FILE);
    let raw_title = serde_yaml::from_str::<serde_yaml::Value>(text)
        .ok()
        .and_then(|v| v.get("title").cloned());
    let null = matches!(raw_title, Some(serde_yaml::Value::Null));
    if null || config.title.trim().is_empty() {
        diags.push(
            Diagnostic::error(
                path,
                format!("title: the site's title is {}", if null { "null" } else { "empty" }),
            )
            .at_opt(top_level_key_line(text, "title"), None)
            .hint("give the site a name, e.g. `title: AI Industry Briefing`; it is the masthead and the feed's title"),
        );
    }
    if config.feed_limit == 0 {
        diags.push(
            Diagnostic::error(path, "feed_limit: 0 would leave every feed empty")
                .at_opt(top_level_key_line(text, "feed_limit"), None)
                .hint("set `feed_limit:` to 1 or more, or leave it out for 20 entries"),
        );
    }
    if config.paginate == 0 {
        diags.push(
            Diagnostic::error(path, "paginate: 0 articles per page is not a page")
                .at_opt(top_level_key_line(text, "paginate"), None)
                .hint("set `paginate:` to 1 or more, or leave it out for 10 per page"),
        );
    }
}

/// The IANA zone `name` names (`Asia/Shanghai`, `UTC`), or the hint for one that is not.
fn time_zone(name: &str) -> Result<chrono_tz::Tz, String> {
    let name = name.trim();
    if let Ok(zone) = name.parse::<chrono_tz::Tz>() {
        return Ok(zone);
    }
    let names = chrono_tz::TZ_VARIANTS.iter().map(|z| z.name());
    let exact_but_case = names.clone().find(|z| z.eq_ignore_ascii_case(name));
    match exact_but_case.or_else(|| crate::text::did_you_mean(name, names)) {
        Some(z) => Err(format!("did you mean `{z}`? Time zones are IANA names, e.g. `timezone: Asia/Shanghai`")),
        None => Err("write an IANA time zone name, e.g. `timezone: Asia/Shanghai` or `timezone: Europe/Paris`; leave it out for UTC".into()),
    }
}

/// The 1-based line and column where `key:` is written at any depth (the unknown key serde names).
fn key_line(text: &str, key: &str) -> Option<(usize, usize)> {
    text.lines().enumerate().find_map(|(i, l)| {
        let bare = l.trim_start_matches([' ', '\t', '-']).trim_start();
        bare.strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with(':'))
            .then(|| (i + 1, l.len() - bare.len() + 1))
    })
}

/// The 1-based line where site.yaml sets the top-level `key`.
fn top_level_key_line(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            l.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .map(|i| i + 1)
}

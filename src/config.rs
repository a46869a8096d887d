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
    let config: SiteConfig = match serde_yaml::from_str(text) {
        Ok(c) => c,
        Err(e) => {
            let loc = e.location();
            let msg = e.to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            diags.push(
                Diagnostic::error(path, format!("site settings: {msg}"))
                    .at_opt(
                        loc.as_ref().map(|l| l.line()),
                        loc.as_ref().map(|l| l.column()),
                    )
                    .hint("site.yaml needs title and base_url; see the README for every setting"),
            );
            return None;
        }
    };
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

/// The 1-based line where site.yaml sets the top-level `key`.
fn top_level_key_line(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            l.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .map(|i| i + 1)
}

//! The built-in theme: the repository's own `templates/` and `static/`, embedded in the binary at
//! compile time so a site needs no theme files of its own. A site's file of the same name replaces
//! one of these. Holds no theme text itself, and never reads the disk.

/// Every built-in template, by name.
pub(crate) const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("macros.html", include_str!("../../templates/macros.html")),
    ("index.html", include_str!("../../templates/index.html")),
    (
        "articles.html",
        include_str!("../../templates/articles.html"),
    ),
    ("article.html", include_str!("../../templates/article.html")),
    (
        "companies.html",
        include_str!("../../templates/companies.html"),
    ),
    ("company.html", include_str!("../../templates/company.html")),
    ("models.html", include_str!("../../templates/models.html")),
    ("model.html", include_str!("../../templates/model.html")),
    ("themes.html", include_str!("../../templates/themes.html")),
    ("theme.html", include_str!("../../templates/theme.html")),
    ("page.html", include_str!("../../templates/page.html")),
    ("404.html", include_str!("../../templates/404.html")),
    ("search.html", include_str!("../../templates/search.html")),
    ("review.html", include_str!("../../templates/review.html")),
    ("feed.xml", include_str!("../../templates/feed.xml")),
    ("sitemap.xml", include_str!("../../templates/sitemap.xml")),
    ("robots.txt", include_str!("../../templates/robots.txt")),
];

/// Where the theme's stylesheet is written; a file at `static/assets/briefing.css` replaces it.
pub(crate) const STYLESHEET: &str = "assets/briefing.css";
/// Where the search page's script is written.
pub(crate) const SEARCH_SCRIPT: &str = "assets/search.js";
/// Where the site's icon is written; pages name it with `<link rel="icon">`, so it works under a
/// project site's sub-path, where a browser's guess of `/favicon.ico` would miss.
pub(crate) const FAVICON: &str = "favicon.svg";

/// The theme's static files, by output path. A site's `static/` file at the same path replaces
/// one of these (it is the one place a static file may take a generated path).
pub(crate) const STATIC: &[(&str, &str)] = &[
    (STYLESHEET, include_str!("../../static/assets/briefing.css")),
    (SEARCH_SCRIPT, include_str!("../../static/assets/search.js")),
    (FAVICON, include_str!("../../static/favicon.svg")),
];

/// Whether a site's static file at `rel` replaces one of the theme's.
pub(crate) fn is_theme_static(rel: &str) -> bool {
    STATIC.iter().any(|(path, _)| *path == rel)
}

#[cfg(test)]
mod tests {
    use super::TEMPLATES;

    /// A heading in a body must never take an id the theme writes on the same page: every
    /// literal id in the templates is one `markdown::THEME_IDS` keeps from headings and footnotes.
    /// (`articles.html`'s `y{{ year }}` ids are on a page that shows no body.)
    #[test]
    fn every_id_the_theme_writes_is_kept_from_headings() {
        for (name, text) in TEMPLATES {
            for (i, _) in text.match_indices(" id=\"") {
                let rest = &text[i + 5..];
                let id = &rest[..rest.find('"').unwrap()];
                if id.contains("{{") {
                    assert_eq!(*name, "articles.html", "{name}: id {id} is computed");
                    continue;
                }
                assert!(
                    crate::markdown::THEME_IDS.contains(&id),
                    "{name}: id {id:?} is missing from markdown::THEME_IDS"
                );
            }
        }
    }

    /// Tera escapes the value of `default(value=x)` when it evaluates it, and the `{{ }}` around it
    /// escapes it again: `The desk's` became `The desk&amp;#39;s`. The theme writes `{% if %}`.
    #[test]
    fn no_template_defaults_to_a_variable() {
        for (name, text) in TEMPLATES {
            for (i, _) in text.match_indices("default(value=") {
                let arg = &text[i + "default(value=".len()..];
                assert!(
                    arg.starts_with('"'),
                    "{name}: `default` to a variable escapes it twice; use {{% if %}}"
                );
            }
        }
    }
}

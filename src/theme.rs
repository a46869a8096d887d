//! The built-in theme, embedded in the binary so a site needs no templates of its own.
//! A file of the same name in the site's `templates/` replaces one of these.

/// Every built-in template, by name.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("theme/base.html")),
    ("macros.html", include_str!("theme/macros.html")),
    ("index.html", include_str!("theme/index.html")),
    ("articles.html", include_str!("theme/articles.html")),
    ("article.html", include_str!("theme/article.html")),
    ("companies.html", include_str!("theme/companies.html")),
    ("company.html", include_str!("theme/company.html")),
    ("models.html", include_str!("theme/models.html")),
    ("model.html", include_str!("theme/model.html")),
    ("themes.html", include_str!("theme/themes.html")),
    ("theme.html", include_str!("theme/theme.html")),
    ("page.html", include_str!("theme/page.html")),
    ("404.html", include_str!("theme/404.html")),
    ("search.html", include_str!("theme/search.html")),
    ("review.html", include_str!("theme/review.html")),
    ("feed.xml", include_str!("theme/feed.xml")),
    ("sitemap.xml", include_str!("theme/sitemap.xml")),
    ("robots.txt", include_str!("theme/robots.txt")),
];

/// Where the theme's stylesheet is written; a file at `static/assets/briefing.css` replaces it.
pub const STYLESHEET: &str = "assets/briefing.css";
pub const STYLESHEET_CSS: &str = include_str!("theme/briefing.css");

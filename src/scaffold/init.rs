//! `briefing init`'s work: a new site that builds at once (site.yaml, the content folders, one
//! example of each kind that name one another, a .gitignore for the outputs) and, with `theme`, a
//! copy of the built-in templates and static theme files to edit. Never writes into a folder that
//! already holds a site's files, nor over any file. Prints nothing (the command does).

use crate::load::CONFIG_FILE;
use crate::render::theme;
use crate::write::create_new_file;
use std::path::{Path, PathBuf};

/// What `init` writes, and where.
#[derive(Debug, Clone)]
pub struct InitSite {
    /// The new site's folder; created when missing.
    pub dir: PathBuf,
    /// Also copy the built-in theme into `templates/` and `static/`.
    pub theme: bool,
}

/// Why no site was made.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error(
        "{} already holds a site's files ({}); init never writes over a site\nhint: run `briefing init NEW-FOLDER` for a new site, or `briefing build` to build this one",
        dir.display(),
        found.join(", ")
    )]
    HasSiteFiles { dir: PathBuf, found: Vec<String> },
    #[error("{} is a file, not a folder\nhint: name a new or empty folder: `briefing init my-site`", .0.display())]
    NotAFolder(PathBuf),
    #[error("could not create the site")]
    Write(#[source] crate::error::BuildError),
}

/// The names whose presence makes a folder a site (or part of one): init refuses such a folder.
const SITE_FILES: &[&str] = &[CONFIG_FILE, "content", "templates", "static"];

/// Creates the site described by `req`; returns the files written, relative to its folder.
pub fn init_site(req: &InitSite) -> Result<Vec<PathBuf>, InitError> {
    let dir = &req.dir;
    if dir.exists() && !dir.is_dir() {
        return Err(InitError::NotAFolder(dir.clone()));
    }
    let found: Vec<String> = SITE_FILES
        .iter()
        .filter(|name| std::fs::symlink_metadata(dir.join(name)).is_ok())
        .map(|name| name.to_string())
        .collect();
    if !found.is_empty() {
        return Err(InitError::HasSiteFiles {
            dir: dir.clone(),
            found,
        });
    }
    let mut files: Vec<(String, String)> = STARTER
        .iter()
        .map(|(rel, text)| (rel.to_string(), text.to_string()))
        .collect();
    if req.theme {
        files.extend(
            theme::TEMPLATES
                .iter()
                .map(|(name, text)| (format!("templates/{name}"), text.to_string())),
        );
        files.extend(
            theme::STATIC
                .iter()
                .map(|(rel, text)| (format!("static/{rel}"), text.to_string())),
        );
    }
    let mut written = Vec::with_capacity(files.len());
    for (rel, text) in &files {
        // .gitignore may be there already (a fresh repository): keep the user's.
        if rel == ".gitignore" && dir.join(rel).exists() {
            continue;
        }
        create_new_file(&dir.join(rel), text).map_err(InitError::Write)?;
        written.push(PathBuf::from(rel));
    }
    Ok(written)
}

/// Whether `root` is a site (holds site.yaml).
pub fn has_site_file(root: &Path) -> bool {
    root.join(CONFIG_FILE).is_file()
}

/// `Ok` when `root` holds site.yaml; else the one "not a briefing site" error. Here, beside
/// `init`, rather than in `error`: the error module depends on nothing that reads a site.
pub fn require_site(root: &Path) -> Result<(), crate::error::NotASite> {
    if has_site_file(root) {
        Ok(())
    } else {
        Err(crate::error::NotASite {
            root: root.to_path_buf(),
        })
    }
}

/// The starter site: each kind once, naming one another, so that every page has something to show
/// and `briefing check` finds nothing to fix.
const STARTER: &[(&str, &str)] = &[
        (
            CONFIG_FILE,
            "title: \"My Briefing\"\n\
             description: \"Briefings on who ships which AI models, and for whom.\"\n\
             # The URL the site is served at; a GitHub Pages project site is https://<user>.github.io/<repo>/\n\
             base_url: \"https://example.com/\"\n\
             language: en\n\
             author: \"Briefing Desk\"\n\
             paginate: 10\n",
        ),
        (
            ".gitignore",
            "# Outputs of `briefing build` and `briefing build --drafts`, and their spare folders.\n\
             /public\n/preview\n/.briefing-*\n/.*.briefing-*\n",
        ),
        (
            "content/articles/example-launches-its-first-model.md",
            "---\n\
             title: \"Example Labs launches Example Model\"\n\
             date: 2024-01-15\n\
             summary: \"Example Labs released its first language model, aimed at customer service.\"\n\
             companies: [example-labs]\n\
             models: [example-model]\n\
             themes: [industry-applications]\n\
             authors: [Briefing Desk]\n\
             ---\n\
             Example Labs released [Example Model](../models/example-model.md) on Monday. Replace this\n\
             article with your own: `briefing new article \"Your headline\"` makes a draft to fill.\n\
             \n\
             ## What it does\n\
             \n\
             Links to other content name its source file, as above; the build turns them into page links\n\
             and says so when one points at nothing.\n",
        ),
        (
            "content/companies/example-labs.md",
            "---\n\
             name: \"Example Labs\"\n\
             aliases: []\n\
             country: \"Nowhere\"\n\
             summary: \"A company made up to show what a company page looks like.\"\n\
             ---\n\
             A company's profile: who they are and what they make.\n",
        ),
        (
            "content/models/example-model.md",
            "---\n\
             name: \"Example Model\"\n\
             company: example-labs\n\
             aliases: []\n\
             released: 2024-01-15\n\
             modalities: [text]\n\
             domain: customer-service\n\
             summary: \"A model made up to show what a model page looks like.\"\n\
             ---\n\
             A model's profile: what it does and who uses it.\n",
        ),
        (
            "content/themes/industry-applications.md",
            "---\n\
             name: \"Industry applications\"\n\
             summary: \"Where AI models are put to work.\"\n\
             keywords: [customer service]\n\
             ---\n\
             A theme follows one line of the story across articles.\n",
        ),
        (
            "content/pages/about.md",
            "---\n\
             title: About\n\
             ---\n\
             Who writes this briefing, and how.\n",
        ),
];

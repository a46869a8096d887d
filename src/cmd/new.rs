//! `briefing new`: writes a new article (a draft) or entity file with every field of the content
//! model ready to fill. Never overwrites a file; refuses ids that do not exist, with a suggestion.

use anyhow::{bail, Context as _};
use briefing::error::did_you_mean;
use briefing::model::{slugify, EntityId, Kind};
use briefing::write;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The site's folder (holding site.yaml)
    #[arg(long, default_value = ".", global = true)]
    pub root: PathBuf,
    #[command(subcommand)]
    pub what: What,
}

#[derive(Debug, clap::Subcommand)]
pub(crate) enum What {
    /// A draft article: content/articles/<slug>.md, dated today, status: draft
    Article {
        /// The headline
        title: String,
        /// A company it is about (an id in content/companies); repeatable
        #[arg(long = "company", value_name = "ID")]
        companies: Vec<String>,
        /// A model it is about (an id in content/models); repeatable
        #[arg(long = "model", value_name = "ID")]
        models: Vec<String>,
        /// A theme it belongs to (an id in content/themes); repeatable
        #[arg(long = "theme", value_name = "ID")]
        themes: Vec<String>,
        /// File name and URL slug [default: made from the title]
        #[arg(long)]
        slug: Option<String>,
    },
    /// A company: content/companies/<id>.md
    Company {
        name: String,
        /// The id (file name) [default: made from the name]
        #[arg(long)]
        id: Option<String>,
    },
    /// A model: content/models/<id>.md; a model belongs to a company, so --company is required
    Model {
        name: String,
        /// The company that makes it (an id in content/companies)
        #[arg(long, value_name = "ID")]
        company: String,
        /// The id (file name) [default: made from the name]
        #[arg(long)]
        id: Option<String>,
    },
    /// A theme: content/themes/<id>.md
    Theme {
        name: String,
        /// The id (file name) [default: made from the name]
        #[arg(long)]
        id: Option<String>,
    },
}

pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    let root = &args.root;
    if !root.join(briefing::load::CONFIG_FILE).is_file() {
        bail!(
            "{} is not a briefing site (no site.yaml); run inside a site folder or pass --root DIR",
            root.display()
        );
    }
    let (kind, id, text) = match &args.what {
        What::Article {
            title,
            companies,
            models,
            themes,
            slug,
        } => {
            let slug = new_id(slug.as_deref(), title, "--slug")?;
            let mut unknown = Vec::new();
            for (kind, flag, ids) in [
                (Kind::Company, "--company", companies),
                (Kind::Model, "--model", models),
                (Kind::Theme, "--theme", themes),
            ] {
                unknown.extend(check_ids(root, kind, flag, ids));
            }
            if !unknown.is_empty() {
                bail!("{}", unknown.join("\n"));
            }
            let today = chrono::Local::now().date_naive().format("%Y-%m-%d");
            let text = format!(
                "---\n\
                 title: {title}\n\
                 date: {today}\n\
                 summary:            # one or two sentences for lists and the feed\n\
                 companies: [{companies}]  # ids in content/companies\n\
                 models: [{models}]  # ids in content/models\n\
                 themes: [{themes}]  # ids in content/themes\n\
                 authors: []         # e.g. [Briefing Desk]\n\
                 source:             # e.g. {{ name: Example Daily, url: \"https://example.org/x\" }}\n\
                 status: draft       # draft | review | published\n\
                 ---\n\
                 Write the story here. Link other content by its source file, e.g. \
                 `[Pangu](../models/pangu.md)`.\n",
                title = quote(title),
                companies = companies.join(", "),
                models = models.join(", "),
                themes = themes.join(", "),
            );
            (Kind::Article, slug, text)
        }
        What::Company { name, id } => {
            let id = new_id(id.as_deref(), name, "--id")?;
            let text = format!(
                "---\n\
                 name: {name}\n\
                 aliases: []         # other names it goes by, e.g. [Aliyun, 阿里云]\n\
                 country:            # e.g. China\n\
                 website:            # e.g. https://www.example.com\n\
                 summary:            # one sentence for lists\n\
                 ---\n",
                name = quote(name)
            );
            (Kind::Company, id, text)
        }
        What::Model { name, company, id } => {
            let id = new_id(id.as_deref(), name, "--id")?;
            if let Some(problem) = check_ids(
                root,
                Kind::Company,
                "--company",
                std::slice::from_ref(company),
            )
            .pop()
            {
                bail!("{problem}");
            }
            let text = format!(
                "---\n\
                 name: {name}\n\
                 company: {company}\n\
                 aliases: []         # other names it goes by\n\
                 released:           # e.g. 2023-09-21\n\
                 modalities: []      # text | image | speech | video | multimodal | ...\n\
                 domain:             # e.g. general, medical, government, customer-service\n\
                 summary:            # one sentence for lists\n\
                 ---\n",
                name = quote(name)
            );
            (Kind::Model, id, text)
        }
        What::Theme { name, id } => {
            let id = new_id(id.as_deref(), name, "--id")?;
            let text = format!(
                "---\n\
                 name: {name}\n\
                 summary:            # one sentence: what the theme covers\n\
                 keywords: []        # words that signal the theme in text\n\
                 ---\n",
                name = quote(name)
            );
            (Kind::Theme, id, text)
        }
    };
    let rel = format!("content/{}/{id}.md", kind.folder());
    write::create_new_file(&root.join(&rel), &text)
        .with_context(|| format!("could not create the {}", kind.noun()))?;
    println!("created {rel}");
    if kind == Kind::Article {
        println!("it is a draft: preview it with `briefing serve --drafts`, publish it by setting `status: published`");
    }
    Ok(())
}

/// The id or slug to use: the one given, else one made from the name; always a valid id.
fn new_id(given: Option<&str>, name: &str, flag: &str) -> anyhow::Result<String> {
    let id = given.map_or_else(|| slugify(name), str::to_string);
    if id.is_empty() {
        bail!("cannot make a file name from {name:?}: it has no ASCII letters or digits; pass {flag} with one, e.g. {flag} my-story");
    }
    EntityId::parse(&id).map_err(|msg| anyhow::anyhow!("{flag}: {msg}"))?;
    Ok(id)
}

/// One line per id that has no file, with the closest existing id when there is one.
fn check_ids(root: &Path, kind: Kind, flag: &str, ids: &[String]) -> Vec<String> {
    if ids.is_empty() {
        return Vec::new();
    }
    let folder = kind.folder();
    let existing: Vec<String> = std::fs::read_dir(root.join("content").join(folder))
        .map(|d| {
            d.flatten()
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    name.strip_suffix(".md").map(str::to_string)
                })
                .collect()
        })
        .unwrap_or_default();
    ids.iter()
        .filter(|id| !existing.contains(id))
        .map(|id| {
            let hint = match did_you_mean(id, existing.iter().map(String::as_str)) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!(
                    "create it first with `briefing new {} \"Name\"`, or use an id from content/{folder}/",
                    kind.noun()
                ),
            };
            format!("unknown {} id `{id}` in {flag}: {hint}", kind.noun())
        })
        .collect()
}

/// A YAML double-quoted scalar: JSON string syntax is valid YAML and escapes everything needed.
fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_come_from_names_or_are_refused() {
        assert_eq!(new_id(None, "Moonshot AI", "--id").unwrap(), "moonshot-ai");
        assert_eq!(new_id(Some("kimi-2"), "x", "--id").unwrap(), "kimi-2");
        assert!(new_id(None, "月之暗面", "--id").is_err());
        assert!(new_id(Some("../x"), "x", "--id").is_err());
    }

    #[test]
    fn quoted_names_survive_yaml() {
        let q = quote("Tongyi: \"Qwen\" # 2");
        let back: String = serde_yaml::from_str(&q).unwrap();
        assert_eq!(back, "Tongyi: \"Qwen\" # 2");
    }
}

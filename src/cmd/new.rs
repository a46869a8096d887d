//! `briefing new`: writes a new article (a draft) or entity file with every field of the content
//! model ready to fill. Never overwrites a file; refuses ids that do not exist, with a suggestion.
//! The work is `scaffold::new_article` / `new_entity`; this maps the arguments and prints.

use briefing::scaffold::{self, NewArticle, NewEntity};
use std::path::PathBuf;

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
    super::require_site(&args.root)?;
    let root = &args.root;
    let (created, article) = match args.what {
        What::Article {
            title,
            companies,
            models,
            themes,
            slug,
        } => {
            let article = NewArticle {
                title,
                companies,
                models,
                themes,
                slug,
                date: briefing::site::today(root),
            };
            (scaffold::new_article(root, &article)?, true)
        }
        What::Company { name, id } => {
            let entity = NewEntity::Company { name, id };
            (scaffold::new_entity(root, &entity)?, false)
        }
        What::Model { name, company, id } => {
            let entity = NewEntity::Model { name, company, id };
            (scaffold::new_entity(root, &entity)?, false)
        }
        What::Theme { name, id } => {
            let entity = NewEntity::Theme { name, id };
            (scaffold::new_entity(root, &entity)?, false)
        }
    };
    println!("created {}", briefing::error::shown(&created));
    if article {
        println!("it is a draft: preview it with `briefing serve --drafts`, publish it by setting `status: published`");
    }
    Ok(())
}

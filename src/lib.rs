//! briefing: a static-site generator for AI-industry briefings.
//!
//! The library holds the whole pipeline; the binary (`src/main.rs`, `src/cmd/`) only parses
//! arguments, calls one entry point per command and prints what it reports. A build runs the
//! stages of [`site`] in order: load -> parse -> link -> render -> write.
//!
//! The entry points: [`build`] ([`site`]), [`check::check`] and [`check::audit::check_links`],
//! [`import::import_files`], [`scaffold::new_article`] and [`scaffold::new_entity`],
//! [`publish::publish`], [`serve::serve`]. Problems come back as [`Diagnostic`]s (file, line,
//! column, message, hint) inside a [`BuildError`]. Everything else is private to the crate.

pub mod check;
pub mod error;
pub mod import;
pub mod limits;
pub mod publish;
pub mod scaffold;
pub mod serve;
pub mod site;

mod chart;
mod config;
mod guard;
mod images;
mod link;
mod load;
mod markdown;
mod mention;
mod model;
mod parse;
mod related;
mod render;
mod search;
mod text;
mod url;
mod write;
mod yaml;

#[doc(hidden)]
pub mod fuzzing;

pub use error::{BuildError, Diagnostic, Diagnostics, Severity};
pub use model::Status;
pub use site::{build, BuildOptions, BuildReport};

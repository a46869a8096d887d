//! briefing: a static-site generator for AI-industry briefings.
//! The library holds the whole pipeline; `main.rs` only parses arguments and prints errors.

pub mod chart;
pub mod check;
pub mod error;
pub mod guard;
pub mod import;
pub mod link;
pub mod load;
pub mod markdown;
pub mod mention;
pub mod model;
pub mod parse;
pub mod publish;
pub mod related;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod site;
pub mod text;
pub mod url;
pub mod write;
pub mod yaml;

pub use error::{BuildError, Diagnostic, Diagnostics, Severity};
pub use site::{build, BuildOptions, BuildReport};

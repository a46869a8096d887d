//! briefing: a static-site generator for AI-industry briefings.
//! The library holds the whole pipeline; `main.rs` only parses arguments and prints errors.

pub mod audit;
pub mod build;
pub mod chart;
pub mod check;
pub mod cmd;
pub mod error;
pub mod git;
pub mod guard;
pub mod http;
pub mod import;
pub mod link;
pub mod live;
pub mod load;
pub mod markdown;
pub mod mention;
pub mod model;
pub mod parse;
pub mod publish;
pub mod related;
pub mod render;
pub mod search;
pub mod text;
pub mod theme;
pub mod url;
pub mod watch;
pub mod write;
pub mod yaml;

pub use build::{build, BuildOptions, BuildReport};
pub use error::{BuildError, Diagnostic, Diagnostics, Severity};

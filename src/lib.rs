//! briefing: a static-site generator for AI-industry briefings.
//! The library holds the whole pipeline; `main.rs` only parses arguments and prints errors.

pub mod build;
pub mod cmd;
pub mod error;
pub mod guard;
pub mod link;
pub mod load;
pub mod markdown;
pub mod model;
pub mod parse;
pub mod render;
pub mod theme;
pub mod write;
pub mod yaml;

pub use build::{build, BuildOptions, BuildReport};
pub use error::{BuildError, Diagnostic, Diagnostics, Severity};

//! One module per command; each has one `run` function that main calls.

pub mod build;
pub mod check;
pub mod import;
pub mod new;
pub mod publish;
pub mod serve;

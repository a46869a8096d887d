//! One module per command; each has one `run` function that main calls.

pub mod build;
pub mod new;
pub mod serve;

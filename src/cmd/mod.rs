//! The commands, one module each, in the binary: each has one `run` that main calls. They parse
//! nothing but arguments and print what the library reports; the work is in the library.

pub(crate) mod build;
pub(crate) mod check;
pub(crate) mod import;
pub(crate) mod new;
pub(crate) mod publish;
pub(crate) mod serve;

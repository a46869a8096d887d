//! The one integration-test binary: each module builds fixture sites in temporary folders with the
//! real `briefing` binary and inspects what it wrote.
// A test binary has no public API: `pub` in its modules only shares helpers between them.
#![allow(unreachable_pub)]

mod build;
mod check;
mod content;
mod editor;
mod images;
mod import;
mod layout;
mod messages;
mod metadata;
mod pages;
mod publish;
mod reader;
mod rebuild;
mod safety;
mod search;
mod serve;
mod support;
mod text;
mod workflow;

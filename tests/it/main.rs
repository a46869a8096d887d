//! The one integration-test binary: each module builds fixture sites in temporary folders with the
//! real `briefing` binary and inspects what it wrote.

mod build;
mod check;
mod import;
mod pages;
mod publish;
mod reader;
mod rebuild;
mod safety;
mod serve;
mod support;
mod workflow;

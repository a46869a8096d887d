//! The one integration-test binary: each module builds fixture sites in temporary folders with the
//! real `briefing` binary and inspects what it wrote.

mod build;
mod safety;
mod support;

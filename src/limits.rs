//! The limits a site or a visitor can run into, in one place for users and tests: each is
//! enforced where its input is read, and an input past one is an error naming the file, never a
//! silent cut. Defines no limit itself.

/// How long one page may render before the build stops (`--render-timeout`'s default).
pub use crate::guard::DEFAULT_PAGE_BUDGET;
/// Templates: nesting of blocks and expressions, include/extends/macro chains, `range()` length.
pub use crate::guard::{MAX_CHAIN, MAX_NESTING, MAX_RANGE};
/// Images: largest side and pixel count decoded, largest SVG read.
pub use crate::images::{
    MAX_PIXELS as MAX_IMAGE_PIXELS, MAX_SIDE as MAX_IMAGE_SIDE, MAX_SVG_BYTES,
};
/// Largest content file, template or static file a build reads (bytes).
pub use crate::load::MAX_FILE_BYTES;
/// The search index: the size at which a chunk of postings is cut (bytes of JSON).
pub use crate::search::CHUNK_BYTES;
pub use crate::serve::http::request::{MAX_HEAD, MAX_HEADERS, MAX_REQUEST_LINE};
/// `serve`: connections at once (more get 503), live-reload streams, request sizes.
pub use crate::serve::http::{MAX_CONNECTIONS, MAX_EVENT_STREAMS};
/// Front matter and site.yaml: size, bracket nesting, depth, values, text in `extra`.
pub use crate::yaml::{
    MAX_BRACKETS, MAX_BYTES as MAX_YAML_BYTES, MAX_DEPTH, MAX_EXTRA_TEXT, MAX_VALUES,
};

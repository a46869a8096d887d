//! `serve`: the site kept in memory between edits (`live`), the file watcher (`watch`) and the
//! HTTP server (`http`). Never writes to disk.

pub mod http;
pub mod live;
pub mod watch;

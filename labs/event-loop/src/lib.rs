//! The `event-loop` lab: the book's chapter "Event loops".
//!
//! From blocking sockets to a hand-built event loop on `mio` to tokio, all
//! talking to a local HTTP server ([`server`]) that waits a configurable
//! latency before answering. Each listing module is also a complete program
//! the book compiles as a snippet, so it uses only `std` and external crates;
//! the command line, the tables, the lifecycle diagram and the scale
//! experiment's child processes live in `main.rs` and [`lifecycle`].

pub mod lifecycle;
pub mod mini_tokio;
pub mod pitfalls;
pub mod scale;
pub mod server;
pub mod sockets;
pub mod tokio_fetch;
pub mod user_input;

//! The `event-loop` lab: the book's chapters "Futures: an async primer" and
//! "Event loops".
//!
//! From blocking sockets to a hand-built event loop on `mio` to tokio, all
//! talking to a local HTTP server ([`server`]) that waits a configurable
//! latency before answering. Each module here is a listing the book includes
//! and also a complete program the book compiles as a snippet, so it uses
//! only `std`, external crates and `labkit`; the command line and the
//! experiments (tables, checks, the lifecycle diagram, child processes, the
//! Python twins) live in the binary (`main.rs` and `experiments/`).

pub mod async_primer;
pub mod mini_tokio;
pub mod pitfalls;
pub mod scale;
pub mod server;
pub mod sockets;
pub mod tokio_fetch;
pub mod user_input;

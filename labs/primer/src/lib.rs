//! The `primer` lab: the book's chapter "Rust's tools: threads, guards,
//! atomics".
//!
//! One small program per tool the later chapters use: threads started with
//! `thread::spawn` and `thread::scope`, sharing with `Arc`, a `Mutex` and its
//! guard, atomics and their orderings, a `Barrier`, a channel. Each module
//! is a complete program the book compiles as a snippet (standard library
//! and `parking_lot` only), and each has a Python counterpart in `python/`
//! that prints the same lines. The command line lives in `main.rs`.

pub mod arc;
pub mod atomics;
pub mod barrier;
pub mod channels;
pub mod guard;
pub mod threads;

//! The `deadlock` lab: the book's chapter "Deadlock" and its exercise, the
//! dining philosophers.
//!
//! The Python material's two threads that take two locks in opposite
//! orders, reproduced so that it deadlocks every time and never hangs the
//! terminal (a watchdog reports and ends the process), left to chance many
//! times over, detected with parking_lot's deadlock detector (behind the
//! `detect` feature), and prevented one Coffman condition at a time. Each
//! module is also a complete program the book compiles as a snippet, so each
//! uses only `std` and external crates; the command line lives in `main.rs`
//! and the experiments that run these listings in `experiments/`.

pub mod async_note;
pub mod ordered;
pub mod philosophers;
pub mod timeout;
pub mod two_locks;
pub mod watchdog;

//! The `parallelism` lab: the book's chapter "Concurrency vs parallelism".
//!
//! The listings: what a process and its threads are (and a child process
//! made by re-running this very program, and what starting either costs),
//! the same four loaves of bread baked four ways with a timeline of each
//! run, and a task that never yields on a cooperative runtime versus a
//! thread the OS preempts. Each module is also a complete program the book
//! compiles as a snippet, so each uses only `std`, `labkit` and external
//! crates; the command line is `main.rs`, and each experiment that runs the
//! listings is a module of `src/experiments/` in the binary.

pub mod bakery;
pub mod preemption;
pub mod processes;

//! The `baseline` lab: the book's chapter "Sequential baseline".
//!
//! Three experiments from the Python lab's `00_sequential_comparison`, run one
//! step after another so that later chapters have something to beat:
//! checking the weather (waiting on the network), writing log files (waiting
//! on a device) and a power sum (computing). Each module is also a complete
//! program the book compiles as a snippet, so each uses only `std`; the
//! command line, timing and tables live in `main.rs` and `labkit`.

pub mod logs;
pub mod powersum;
pub mod weather;

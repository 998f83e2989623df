//! The `baseline` lab: the book's chapter "Sequential baseline".
//!
//! Three experiments from the Python lab's `00_sequential_comparison`, run one
//! step after another so that later chapters have something to beat:
//! checking the weather (waiting on the network), writing log files (waiting
//! on a device) and a power sum (computing). Each module is also a complete
//! program the book compiles as a snippet, so each uses only `std`; the
//! command line is `main.rs`, each experiment that runs the listings (and
//! the Python twin, `python/sequential.py`) a module of `src/experiments/`
//! in the binary, and the timing and tables come from `labkit`.

pub mod logs;
pub mod powersum;
pub mod weather;

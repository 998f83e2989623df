//! The `races` lab: the book's chapter "Race conditions".
//!
//! The Python threading tutorial's bank account and a shared counter, ported
//! to Rust. The data race itself does not compile (see `compile-fail/`); what
//! is left are logic races: atomic steps combined into a non-atomic whole.
//! Each module is also a complete program the book compiles as a snippet, so
//! each uses only `std` (and `loom` for the model); the command line lives
//! in `main.rs`. The one exception is [`account`], not shown in the book:
//! the `--balance`/`--amounts` options this lab's command line shares with
//! the `locks` lab's.

pub mod account;
pub mod bank;
pub mod counter;
pub mod model;
pub mod outcomes;
pub mod report;
pub mod runs;

//! The lab's experiments, one module each: it runs the listings (or the
//! Python twin), builds its table and checks its results. `main.rs` only
//! parses the command line and calls `run`.

pub mod costs;
pub mod lazy;
pub mod python;
pub mod units;

//! The lab's experiments, one module each: it runs the listings (or the
//! Python twins), builds its table and checks its results. `main.rs` only
//! parses the command line and calls `run`.

pub mod convoy;
pub mod countdown;
pub mod fib;
pub mod free_threading;
pub mod gathered;
pub mod hashing;
pub mod io;
pub mod ipc;
pub mod order;
pub mod powersum;
pub mod python;
pub mod races;
pub mod step;
pub mod twins;

use labkit::Ceiling;

/// Two threads, as in the Python material.
pub const THREADS: u64 = 2;

/// The ceiling of threads that take turns under one GIL.
pub fn one_at_a_time() -> Ceiling {
    Ceiling::one_at_a_time("threads under one GIL compute one at a time")
}

/// The ceiling of `waits` blocking waits started at once: each can overlap
/// every other, so at most `waits` times faster than one after another.
pub fn waits_in_flight(waits: u32) -> Ceiling {
    Ceiling::new(
        f64::from(waits),
        format!("{waits} waits in flight at once, each overlapping the others"),
    )
}

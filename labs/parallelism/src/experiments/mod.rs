//! One module per experiment: each runs the chapter's listings in the
//! interleaved rounds of `labkit::bench`, checks what they return every
//! round, and prints its table.

pub mod cpu_pair;
pub mod preemption;
pub mod processes;
pub mod python;
pub mod timeline;

/// The hidden subcommand that makes this program a child of itself.
pub const CHILD_COMMAND: &str = "child-process";
/// Threads the start-cost measurement starts, one after another.
pub const THREAD_STARTS: u64 = 1000;
/// Child processes the start-cost measurement starts, one after another.
pub const PROCESS_STARTS: u64 = 50;

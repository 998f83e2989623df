//! One module per experiment: each runs the chapter's listings in the
//! interleaved rounds of `labkit::bench`, checks what they return every
//! round, and prints its table.

pub mod chunks;
pub mod logs;
pub mod powersum;
pub mod python;
pub mod weather;

use std::time::Duration;

/// The request latency the Python lab simulates for one city.
pub const CITY_LATENCY: Duration = Duration::from_secs(2);
/// The delay the Python lab simulates for one log file.
pub const LOG_DELAY: Duration = Duration::from_secs(1);
/// The power sum's N: over a second on one core of the book's machine in a
/// release build (the GIL chapter sums the same numbers in parallel).
pub const FULL_POWERSUM_NUMBERS: u64 = 50_000_000;
/// The Python material splits its numbers into four sets.
pub const PYTHON_CHUNKS: u64 = 4;

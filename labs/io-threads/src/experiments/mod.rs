//! The lab's experiments, one module each: each runs the listings (the
//! library's modules), checks every result of every round and builds its
//! table. What they share lives here: scratch directories and the one
//! formula every ceiling in this lab comes from.

pub mod agent;
pub mod pool;
pub mod python;
pub mod tasks;
pub mod threads;

use std::time::Duration;

use anyhow::{Context, Result};
use labkit::bench::Ceiling;
use labkit::timing::format_duration;
use tempfile::TempDir;

/// A scratch directory for one experiment's files, removed when dropped
/// (even when the experiment fails).
pub fn scratch(experiment: &str) -> Result<TempDir> {
    tempfile::Builder::new()
        .prefix(&format!("io-threads-{experiment}-"))
        .tempdir()
        .context("making a scratch directory")
}

/// The least time `waits` waits of `each` can take when at most
/// `in_flight` of them run at once: `⌈waits / in_flight⌉ × each`.
pub fn floor(waits: u32, each: Duration, in_flight: u32) -> Duration {
    each * waits.div_ceil(in_flight.max(1))
}

/// The ceiling of every speedup in this lab, written once.
///
/// The work here is waiting, not computing, so cores do not bound it: what
/// does is how many waits a variant lets be in flight at once (five threads,
/// five waits; one device behind one lock, one). Each variant therefore has
/// a floor, the time its waits take at the least (see [`floor`]), and a
/// speedup can be at most the baseline's floor over the contender's.
pub fn ceiling(baseline_floor: Duration, floor: Duration, why: &str) -> Ceiling {
    Ceiling::new(
        baseline_floor.as_secs_f64() / floor.as_secs_f64(),
        format!(
            "floors {} ÷ {}: {why}",
            format_duration(baseline_floor),
            format_duration(floor)
        ),
    )
}

/// Turns a listing's I/O error into the lab's error, naming the variant.
pub fn written<T: Clone>(variant: &str, result: &std::io::Result<T>) -> Result<T> {
    match result {
        Ok(value) => Ok(value.clone()),
        Err(err) => Err(anyhow::anyhow!("{variant}: {err}")),
    }
}

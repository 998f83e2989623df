//! `atomics`: a Relaxed counter counted by several threads, read after
//! they are joined; a SeqCst stop flag.

use std::time::Duration;

use anyhow::{Result, ensure};
use labkit::{Common, Results, measure};
use primer::atomics;

/// Increments per thread: a few milliseconds of counting.
pub const FULL_INCREMENTS: u64 = 1_000_000;

/// How long the workers run before the flag is set.
const STOP_AFTER: Duration = Duration::from_millis(50);

pub fn run(common: &Common, threads: usize, increments: u64) -> Result<Results> {
    let per_thread = common.scale.count(increments);
    let after = common.scale.duration(STOP_AFTER);
    super::say_all(common, &atomics::lines(threads, per_thread, after));
    let mut results = Results::new();
    let (total, cost) = measure(|| atomics::count_events(threads, per_thread));
    let expected = threads as u64 * per_thread;
    ensure!(
        total == expected,
        "the counter read {total}, not {expected}"
    );
    results
        .push("atomics", "Relaxed counter", cost.wall)
        .with("threads", threads)
        .with("counted", total);
    let (laps, cost) = measure(|| atomics::stop_workers(2, after));
    ensure!(laps.len() == 2, "{} workers stopped", laps.len());
    results
        .push("atomics", "SeqCst stop flag", cost.wall)
        .with("threads", laps.len());
    Ok(results)
}

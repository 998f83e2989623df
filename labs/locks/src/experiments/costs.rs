//! `costs`: nanoseconds per operation on shared state, one thread and two,
//! in interleaved rounds: each row's median and the spread of its rounds.
//! These are micro-costs, sensitive to everything else the machine does;
//! the rounds are what make them worth reading.

use std::sync::atomic::AtomicU64;

use anyhow::{Result, ensure};
use labkit::{Bench, Common, Results};
use locks::costs::{SharedOperation, time_per_op};

/// Operations per thread: a few hundred ms per row, per round.
pub const FULL_OPS: u64 = 10_000_000;

/// Runs `per_thread` operations on each of `threads` threads on a fresh
/// `shared`, and returns what `count` reads from it afterwards (the real
/// number of increments, for the kinds that count).
fn timed<S: SharedOperation>(
    shared: S,
    threads: usize,
    per_thread: u64,
    count: fn(S) -> Option<u64>,
) -> Option<u64> {
    time_per_op(&shared, threads, per_thread);
    count(shared)
}

pub fn run(common: &Common, ops: u64) -> Result<Results> {
    let per_thread = common.scale.count(ops);
    common.say(format!(
        "Each thread does {per_thread} operations; ns/op is the median wall time / operations per thread."
    ));
    let mut bench = Bench::new("costs", common);
    for threads in [1usize, 2] {
        let n = |what: &str| {
            format!(
                "{what}, {threads} thread{}",
                if threads == 1 { "" } else { "s" }
            )
        };
        bench.variant(&n("std Mutex"), move || {
            timed(std::sync::Mutex::new(0u64), threads, per_thread, |m| {
                m.into_inner().ok()
            })
        });
        bench.variant(&n("parking_lot Mutex"), move || {
            timed(parking_lot::Mutex::new(0u64), threads, per_thread, |m| {
                Some(m.into_inner())
            })
        });
        bench.variant(&n("std RwLock read"), move || {
            timed(std::sync::RwLock::new(0u64), threads, per_thread, |_| None)
        });
        bench.variant(&n("parking_lot RwLock read"), move || {
            timed(parking_lot::RwLock::new(0u64), threads, per_thread, |_| {
                None
            })
        });
        bench.variant(&n("AtomicU64 fetch_add"), move || {
            timed(AtomicU64::new(0), threads, per_thread, |a| {
                Some(a.into_inner())
            })
        });
    }
    let run = bench.run(|variant, counted: &Option<u64>| {
        let threads = if variant.ends_with("1 thread") { 1 } else { 2 };
        if let Some(counted) = counted {
            let asked = per_thread * threads;
            ensure!(*counted == asked, "counted {counted} of {asked}");
        }
        Ok(())
    })?;
    Ok(run.results_with(|measured, row| {
        let ns = measured.median_wall().as_nanos() as f64 / per_thread as f64;
        row.with("ops per thread", per_thread)
            .with("ns/op", format!("{ns:.1}"));
    }))
}

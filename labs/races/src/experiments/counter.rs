//! `counter`: the lost update forced: threads in lockstep, load + store
//! against fetch_add, in interleaved rounds.

use anyhow::{Result, ensure};
use labkit::{Bench, Common, Results};
use races::counter;

/// Forced lost updates need two barrier waits per round, so few rounds.
pub const FULL_LOCKSTEP_ROUNDS: u64 = 10_000;

pub fn run(common: &Common, threads: usize, rounds: u64) -> Result<Results> {
    let rounds = common.scale.count(rounds);
    let increments = rounds * threads as u64;
    common.say(format!(
        "{threads} threads add 1 to a shared counter, {rounds} times each, in lockstep."
    ));
    let mut bench = Bench::new("counter", common);
    bench.variant("load + store", || {
        counter::load_store_in_lockstep(threads, rounds)
    });
    bench.variant("fetch_add", || {
        counter::fetch_add_in_lockstep(threads, rounds)
    });
    let run = bench.run(|variant, counted: &u64| {
        // In lockstep every round of load + store keeps one increment of `threads`.
        let expected = if variant == "load + store" {
            rounds
        } else {
            increments
        };
        ensure!(*counted == expected, "counted {counted}, not {expected}");
        Ok(())
    })?;
    Ok(run.results_with(|measured, row| {
        let counted = *measured.median_value();
        row.with("increments", increments)
            .with("counted", counted)
            .with("lost", increments - counted);
    }))
}

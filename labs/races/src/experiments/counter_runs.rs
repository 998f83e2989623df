//! `counter-runs`: the shared counter free-running, run many times, each
//! run a fresh process: how many increments each run lost.

use anyhow::{Result, ensure};
use labkit::timing::format_duration;
use labkit::{Common, Results};
use races::runs;

use super::once::Increment;

/// Increments per thread in one run: a few milliseconds of work.
pub const FULL_INCREMENTS: u64 = 1_000_000;

pub fn run(common: &Common, threads: usize, increments: u64, runs: u32) -> Result<Results> {
    let per_thread = common.scale.count(increments);
    let total = per_thread * threads as u64;
    let watchdog = runs::watchdog(common.scale.duration(std::time::Duration::from_millis(50)));
    common.say(format!(
        "{threads} threads add 1 to a shared counter {per_thread} times each, as fast as they can."
    ));
    common.say(format!(
        "{runs} runs of each program, each a fresh process (killed after {}).",
        format_duration(watchdog)
    ));
    let programs = [
        ("load + store", Increment::LoadStore),
        ("fetch_add", Increment::FetchAdd),
    ];
    let variants: Vec<(String, Vec<String>)> = programs
        .iter()
        .map(|(name, inc)| (name.to_string(), inc.args(per_thread, threads)))
        .collect();
    let tallies = runs::run_children(&std::env::current_exe()?, &variants, runs, watchdog)?;
    let mut results = Results::new();
    for ((name, increment), tally) in programs.iter().zip(&tallies) {
        let lost = tally.outcomes();
        ensure!(
            lost.iter().all(|&l| (0..=total as i64).contains(&l)),
            "{name} lost a number of increments no run can lose: {lost:?}"
        );
        if *increment == Increment::FetchAdd {
            ensure!(
                lost.iter().all(|&l| l == 0),
                "fetch_add lost increments: {lost:?}"
            );
        }
        let mut sorted = lost.clone();
        sorted.sort_unstable();
        // The lower median: a whole number of increments.
        let (low, mid, high) = (
            sorted[0],
            sorted[(sorted.len() - 1) / 2],
            sorted[sorted.len() - 1],
        );
        common.say(format!(
            "{name}: lost updates in {} of {} runs; median {mid}, range {low}–{high}.",
            tally.count(|l| l > 0),
            tally.runs.len()
        ));
        results
            .push_samples("counter-runs", name, tally.seconds(), None)
            .with("runs", tally.runs.len())
            .with("increments", total)
            .with("lossy runs", tally.count(|l| l > 0))
            .with("median lost", mid)
            .with("max lost", high);
    }
    Ok(results)
}

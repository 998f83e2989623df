//! `blocking`: five tasks sleep 100 ms on a one-thread runtime next to a
//! sixth that holds on for 1 s, politely or not, and the cures.

use std::time::Duration;

use anyhow::{Result, ensure};
use event_loop::pitfalls::{self, Neighbour};
use labkit::bench::median;
use labkit::timing::format_duration;
use labkit::{Bench, Common, Results};

/// How long the blocking neighbour holds the thread, and how long the others nap.
const HOLD: Duration = Duration::from_secs(1);
const NAP: Duration = Duration::from_millis(100);

/// Each neighbour, as the rows name it.
pub const NEIGHBOURS: [(&str, Neighbour); 5] = [
    ("tokio::time::sleep", Neighbour::AsyncSleep),
    ("std::thread::sleep", Neighbour::ThreadSleep),
    ("spawn_blocking(sleep)", Neighbour::SpawnBlocking),
    ("CPU work in the task", Neighbour::CpuWork),
    ("CPU work on rayon", Neighbour::CpuOnRayon),
];

pub fn run(common: &Common) -> Result<Results> {
    let hold = common.scale.duration(HOLD);
    let nap = common.scale.duration(NAP);
    common.say(format!(
        "Five tasks sleep {} on a one-thread runtime next to a sixth that holds on for {}.",
        format_duration(nap),
        format_duration(hold)
    ));
    let mut bench = Bench::new("blocking", common);
    for (variant, kind) in NEIGHBOURS {
        bench.variant(variant, move || pitfalls::sleepers_late_by(kind, hold, nap));
    }
    // A neighbour that holds the thread for `hold` delays every sleeper
    // until it lets go: at least `hold - nap` late, on any machine. (How
    // little the cures delay them depends on the machine: the claims read
    // that from the sidecar.)
    let run = bench.run(|variant, late| {
        let holds = NEIGHBOURS
            .iter()
            .any(|(name, kind)| *name == variant && kind.holds_the_thread());
        ensure!(
            !holds || *late >= hold - nap,
            "{variant}: the sleepers were only {late:?} late, although the thread was held for {hold:?}"
        );
        Ok(())
    })?;
    Ok(run.results_with(|measured, row| {
        let late: Vec<f64> = measured.values.iter().map(Duration::as_secs_f64).collect();
        row.with(
            "sleepers late by",
            format_duration(Duration::from_secs_f64(median(&late))),
        );
    }))
}

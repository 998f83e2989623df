//! `release`: where exactly a `MutexGuard` unlocks, as the listing records it.

use anyhow::{Result, ensure};
use labkit::{Common, Results, measure};
use locks::release;

/// At which of the listing's points the lock is still held.
pub const HELD_AT: [bool; 7] = [false, true, false, true, false, true, false];

pub fn run(common: &Common) -> Result<Results> {
    let m = std::sync::Mutex::new(0);
    let (seen, cost) = measure(|| release::release_points(&m));
    let held: Vec<bool> = seen.iter().map(|(_, l)| *l).collect();
    ensure!(held == HELD_AT, "the lock was held at {held:?}");
    let width = seen
        .iter()
        .map(|(p, _)| p.chars().count())
        .max()
        .unwrap_or(0);
    for (point, locked) in &seen {
        common.say(format!(
            "{point:<width$}  {}",
            if *locked { "locked" } else { "free" }
        ));
    }
    let mut results = Results::new();
    results
        .push("release", "seven probes", cost.wall)
        .with("held at", held.iter().filter(|&&l| l).count());
    Ok(results)
}

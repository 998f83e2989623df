//! `guard`: a deposit under a guard, then where each way of binding a guard
//! leaves the lock.

use anyhow::{Result, ensure};
use labkit::{Common, Results, measure};
use primer::guard;

pub fn run(common: &Common) -> Result<Results> {
    super::say_all(common, &guard::lines());
    let account = parking_lot::Mutex::new(0);
    let (seen, cost) = measure(|| guard::guard_idioms(&account));
    let held: Vec<bool> = seen.iter().map(|(_, l)| *l).collect();
    ensure!(held == [true, false, false, false], "locked at {held:?}");
    let mut results = Results::new();
    results
        .push("guard", "four bindings", cost.wall)
        .with("still locked at", held.iter().filter(|&&l| l).count());
    Ok(results)
}

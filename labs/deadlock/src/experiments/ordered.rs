//! `ordered`: the three ways to never deadlock, each moving money both ways
//! between two accounts, timed with the measurement method.

use std::time::Duration;

use anyhow::{Result, ensure};
use deadlock::ordered::{Ending, STRATEGIES};
use labkit::Common;
use labkit::bench::Bench;
use labkit::timing::format_duration;

/// How long a transfer takes between its first lock and its second.
pub const TRANSFER_REACH: Duration = Duration::from_micros(100);
/// What each account starts with.
pub const START_BALANCE: i64 = 1_000_000;

pub fn run(common: &Common, rounds: u32) -> Result<()> {
    common.say(format!(
        "Two threads move 1 unit between accounts A and B, {rounds} times each, in opposite directions."
    ));
    let reach = common.scale.duration(TRANSFER_REACH);
    common.say(format!(
        "Every transfer starts for both at once; each holds its first lock {} before taking its second.",
        format_duration(reach)
    ));
    let mut bench = Bench::new("ordered", common);
    for (name, strategy) in STRATEGIES {
        bench.variant(name, move || strategy(rounds, reach, START_BALANCE));
    }
    let expected = 2 * u64::from(rounds);
    let run = bench.run(|name, end: &Ending| {
        let (a, b) = (end.balance_a, end.balance_b);
        ensure!(
            (a, b) == (START_BALANCE, START_BALANCE),
            "{name}: the balances ended at A = {a}, B = {b}"
        );
        ensure!(
            end.transfers == expected,
            "{name}: the threads made {} transfers, not {expected}",
            end.transfers
        );
        Ok(())
    })?;
    // Every round was checked: all kept the balances and made every transfer.
    let results = run.results_with(|measured, row| {
        let end = measured.median_value();
        row.with("transfers", end.transfers)
            .with("retries", end.retries);
    });
    results.print(common)
}

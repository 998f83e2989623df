//! `hold-across-sleep`: sellers holding a lock across a slow wait vs
//! dropping the guard first, in interleaved rounds, with the paired speedup
//! and its ceiling (the waits in flight).

use std::time::Duration;

use anyhow::{Result, ensure};
use labkit::timing::format_duration;
use labkit::{Bench, Ceiling, Common, Results};
use locks::hold;

/// The slow wait each seller makes (a receipt printer, say).
const PRINTER_WAIT: Duration = Duration::from_secs(1);

pub const HELD: &str = "held across the wait";
pub const DROPPED: &str = "dropped before the wait";

pub fn run(common: &Common, sellers: u32) -> Result<Results> {
    let printer = common.scale.duration(PRINTER_WAIT);
    common.say(format!(
        "{sellers} sellers start together; each records a sale under a lock, then waits {} for a printer.",
        format_duration(printer)
    ));
    let mut bench = Bench::new("hold-across-sleep", common);
    bench.variant(HELD, || {
        hold::run_sellers(sellers, printer, hold::sell_holding_the_lock)
    });
    bench.variant(DROPPED, || {
        hold::run_sellers(sellers, printer, hold::sell_then_release)
    });
    let run = bench.run(|_, (_, sales): &(Duration, Vec<u32>)| {
        ensure!(
            *sales == (0..sellers).collect::<Vec<_>>(),
            "the sales recorded were {sales:?}"
        );
        Ok(())
    })?;
    let mut results = run.results_with(|_, row| {
        row.with("sellers", sellers);
    });
    // Held, the waits happen one at a time; dropped, all `sellers` of them
    // are in flight at once.
    let ceiling = Ceiling::new(
        sellers as f64,
        format!("{sellers} printer waits in flight at once"),
    );
    results.paired_speedup("hold-across-sleep", DROPPED, HELD, &ceiling)?;
    Ok(results)
}

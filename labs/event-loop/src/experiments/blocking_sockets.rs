//! `blocking-sockets`: the pages fetched with blocking sockets one after
//! another, then with non-blocking sockets in a busy loop.

use anyhow::Result;
use event_loop::sockets;
use labkit::{Bench, Common, Results};

use super::pages::{self, Fetched, Requests};
use super::waits_in_flight;

pub const IN_TURN: &str = "blocking, in turn";
pub const BUSY_LOOP: &str = "busy loop";

pub fn run(common: &Common, options: Requests) -> Result<Results> {
    let (count, latency) = pages::sizes(common, options);
    let run = pages::page_run(options, latency, count)?;
    pages::announce(common, &run, latency, options.with_failures);
    let mut bench = Bench::new("blocking-sockets", common);
    bench.variant(IN_TURN, || {
        let pages = sockets::fetch_sequential(&run.requests, run.timeout);
        (Fetched::count(&pages), 0)
    });
    bench.variant(BUSY_LOOP, || {
        let report = sockets::fetch_busy_loop(&run.requests, run.timeout);
        (Fetched::count(&report.pages), report.wasted_polls)
    });
    let measured = bench.run(|variant, (fetched, _)| fetched.check(variant, &run.expected))?;
    for (label, variant) in [("blocking", IN_TURN), ("busy loop", BUSY_LOOP)] {
        if let Some(measured) = measured.get(variant) {
            measured.median_value().0.say_errors(common, label);
        }
    }
    let mut results = measured.results_with(|measured, row| {
        let (fetched, wasted_polls) = measured.median_value();
        fetched.columns(row);
        if measured.variant == BUSY_LOOP {
            row.with("wasted polls", *wasted_polls);
        }
    });
    let ceiling = waits_in_flight(&run.waits);
    results.paired_speedup("blocking-sockets", BUSY_LOOP, IN_TURN, &ceiling)?;
    Ok(results)
}

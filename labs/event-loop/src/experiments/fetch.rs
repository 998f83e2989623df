//! `fetch`: the pages through tokio, one after another and all at once
//! (a task each, in a `JoinSet`); past 20 pages, all at once only, then
//! again from a server that answers at once.

use anyhow::Result;
use event_loop::tokio_fetch;
use labkit::{Bench, Common, Results};

use super::pages::{self, Fetched, PageRun, Requests};
use super::{runtime, waits_in_flight};

pub const IN_TURN: &str = "in turn";
pub const JOINSET: &str = "JoinSet";
pub const INSTANT: &str = "JoinSet, instant server";

pub fn run(common: &Common, options: Requests) -> Result<Results> {
    let (count, latency) = pages::sizes(common, options);
    let run = pages::page_run(options, latency, count)?;
    pages::announce(common, &run, latency, options.with_failures);
    let instant = pages::instant_run(common, options, &run)?;
    measure(common, &run, instant.as_ref(), options.in_turn(), "")
}

/// Runs the variants in interleaved rounds: one after another (if
/// `in_turn`), all at once, and all at once from the instant server (if
/// any). Names start with `prefix` (the `python` experiment's "tokio, ").
pub fn measure(
    common: &Common,
    run: &PageRun,
    instant: Option<&PageRun>,
    in_turn: bool,
    prefix: &str,
) -> Result<Results> {
    let runtime = runtime()?;
    let fetch_all = |run: &PageRun| {
        let outcomes = runtime.block_on(tokio_fetch::fetch_all(&run.requests, run.timeout));
        Fetched::count(&outcomes)
    };
    let (in_turn_name, joinset) = (format!("{prefix}{IN_TURN}"), format!("{prefix}{JOINSET}"));
    let mut bench = Bench::new("fetch", common);
    if in_turn {
        bench.variant(&in_turn_name, || {
            let requests = tokio_fetch::fetch_one_after_another(&run.requests, run.timeout);
            Fetched::count(&runtime.block_on(requests))
        });
    }
    bench.variant(&joinset, || fetch_all(run));
    if let Some(instant) = instant {
        bench.variant(&format!("{prefix}{INSTANT}"), || fetch_all(instant));
    }
    let measured = bench.run(|variant, fetched| fetched.check(variant, &run.expected))?;
    for variant in [&in_turn_name, &joinset] {
        if let Some(measured) = measured.get(variant) {
            measured.median_value().say_errors(common, variant);
        }
    }
    let mut results = measured.results_with(|measured, row| {
        measured.median_value().columns(row);
    });
    if in_turn {
        let ceiling = waits_in_flight(&run.waits);
        results.paired_speedup("fetch", &joinset, &in_turn_name, &ceiling)?;
    }
    Ok(results)
}

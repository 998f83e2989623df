//! `reactor`: the pages through the hand-built event loop, on one thread;
//! past 20 pages, again from a server that answers at once. With at most
//! 12 pages and no failures, it also draws the loop's turns (the median
//! round's) as `reactor-lifecycle.svg`.

use anyhow::{Context, Result};
use event_loop::mini_tokio::{self, Turn};
use labkit::{Bench, Common, Results};

use super::lifecycle;
use super::pages::{self, Fetched, PageRun, Requests};

pub const MINI_TOKIO: &str = "mini tokio, 1 thread";
pub const INSTANT: &str = "mini tokio, instant server";

/// Up to this many pages, the run draws the loop's turns.
const DRAWN_UP_TO: u64 = 12;

pub fn run(common: &Common, options: Requests) -> Result<Results> {
    let (count, latency) = pages::sizes(common, options);
    let run = pages::page_run(options, latency, count)?;
    pages::announce(common, &run, latency, options.with_failures);
    let instant = pages::instant_run(common, options, &run)?;
    let fetch_all = |run: &PageRun| -> Result<(Fetched, Vec<Turn>)> {
        let (outcomes, trace) =
            mini_tokio::fetch_all(&run.requests, run.timeout).context("running mini tokio")?;
        Ok((Fetched::count(&outcomes), trace))
    };
    let mut bench = Bench::new("reactor", common);
    bench.variant(MINI_TOKIO, || fetch_all(&run));
    if let Some(instant) = &instant {
        bench.variant(INSTANT, || fetch_all(instant));
    }
    let measured = bench.run(|variant, fetched| match fetched {
        Ok((fetched, _)) => fetched.check(variant, &run.expected),
        Err(err) => Err(anyhow::anyhow!("{variant}: {err:#}")),
    })?;
    let median = |variant| {
        measured
            .get(variant)
            .and_then(|m| m.median_value().as_ref().ok())
    };
    if let Some((fetched, trace)) = median(MINI_TOKIO) {
        fetched.say_errors(common, "mini tokio");
        if options.requests <= DRAWN_UP_TO && !options.with_failures {
            draw(common, &run, trace)?;
        }
    }
    Ok(measured.results_with(|measured, row| {
        if let Ok((fetched, trace)) = measured.median_value() {
            fetched.columns(row);
            let events: usize = trace.iter().map(|turn| turn.events).sum();
            row.with("turns", trace.len()).with("events", events);
        }
    }))
}

/// Draws the loop's turns into `reactor-lifecycle.svg`.
fn draw(common: &Common, run: &PageRun, trace: &[Turn]) -> Result<()> {
    let labels: Vec<String> = run
        .requests
        .iter()
        .map(|(_, path)| format!("GET {path}"))
        .collect();
    let dir = labkit::transcript::output_dir("event-loop");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let path = dir.join("reactor-lifecycle.svg");
    std::fs::write(&path, lifecycle::svg(trace, &labels, 10))
        .with_context(|| format!("writing {}", path.display()))?;
    common.say("Drew the loop's turns (the median round's) in reactor-lifecycle.svg.");
    Ok(())
}

//! `limit`: twenty pages with at most five in flight (tokio's `Semaphore`),
//! next to one after another and all at once. The server counts the
//! requests it serves at once, so the table shows the limit as the server
//! saw it.

use std::time::Duration;

use anyhow::{Context, Result, ensure};
use clap::Args;
use event_loop::server::{self, Server};
use event_loop::tokio_fetch;
use labkit::timing::format_duration;
use labkit::{Bench, Ceiling, Common, Results};

use super::pages::Fetched;
use super::{runtime, waits_in_flight};

/// The options of `limit`.
#[derive(Args, Debug, Clone, Copy)]
pub struct Limit {
    /// How many pages to fetch (not scaled: the waves are the lesson).
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=5000))]
    pub requests: u64,
    /// At most this many requests in flight at once (not scaled).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=5000))]
    pub in_flight: u64,
    /// How long the server waits before answering each request, in ms (before --scale).
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(0..=60_000))]
    pub latency_ms: u64,
}

pub const IN_TURN: &str = "in turn";
pub const ALL_AT_ONCE: &str = "JoinSet, no limit";

/// How long a request may take before the run calls it a failure.
const PATIENCE: Duration = Duration::from_secs(30);

pub fn run(common: &Common, options: Limit) -> Result<Results> {
    let latency = common
        .scale
        .duration(Duration::from_millis(options.latency_ms));
    let count = options.requests as usize;
    let limit = options.in_flight as usize;
    let server = Server::start(latency).context("starting the local server")?;
    let requests: Vec<_> = (1..=count)
        .map(|n| (server.addr(), format!("/page/{n}")))
        .collect();
    common.say(format!(
        "Fetching {count} pages, {} latency each: in turn, at most {limit} in flight, all at once.",
        format_duration(latency)
    ));
    let limited = format!("Semaphore({limit})");
    let expected = Fetched {
        ok: count,
        bytes: (1..=count).map(|n| server::page_text(n).len()).sum(),
        ..Fetched::default()
    };
    let runtime = runtime()?;
    // Each variant returns what it fetched and the most requests the
    // server was serving at once during its run.
    let fetched_with = |outcomes: Vec<anyhow::Result<usize>>| {
        (Fetched::count(&outcomes), server.take_peak_in_flight())
    };
    let mut bench = Bench::new("limit", common);
    bench
        .variant(IN_TURN, || {
            server.take_peak_in_flight();
            fetched_with(
                runtime.block_on(tokio_fetch::fetch_one_after_another(&requests, PATIENCE)),
            )
        })
        .variant(&limited, || {
            server.take_peak_in_flight();
            fetched_with(runtime.block_on(tokio_fetch::fetch_limited(&requests, limit, PATIENCE)))
        })
        .variant(ALL_AT_ONCE, || {
            server.take_peak_in_flight();
            fetched_with(runtime.block_on(tokio_fetch::fetch_all(&requests, PATIENCE)))
        });
    let run = bench.run(|variant, (fetched, peak)| {
        fetched.check(variant, &expected)?;
        let most = match variant {
            IN_TURN => 1,
            ALL_AT_ONCE => count,
            _ => limit.min(count),
        };
        ensure!(
            *peak <= most,
            "{variant}: the server served {peak} requests at once, more than {most}"
        );
        Ok(())
    })?;
    let mut results = run.results_with(|measured, row| {
        let peaks: Vec<usize> = measured.values.iter().map(|(_, peak)| *peak).collect();
        row.with("ok", measured.median_value().0.ok)
            .with("most at once", peaks.into_iter().max().unwrap_or(0));
    });
    // In waves of `limit`: ceil(count / limit) latencies instead of `count`.
    let waves = count.div_ceil(limit);
    let ceiling = Ceiling::new(
        count as f64 / waves as f64,
        format!("{count} waits, at most {limit} in flight: {count} ÷ {waves} waves"),
    );
    results.paired_speedup("limit", &limited, IN_TURN, &ceiling)?;
    let unlimited = waits_in_flight(&vec![latency; count]);
    results.paired_speedup("limit", ALL_AT_ONCE, IN_TURN, &unlimited)?;
    Ok(results)
}

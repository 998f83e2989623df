//! What the page-fetching experiments share: their options, the servers and
//! requests of a run, and the counting and checking of what came back.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use clap::Args;
use event_loop::server::{self, Behaviour, Server};
use labkit::timing::format_duration;
use labkit::{Common, Row};

/// The options of `blocking-sockets`, `reactor` and `fetch`.
#[derive(Args, Debug, Clone, Copy)]
pub struct Requests {
    /// How many pages to fetch (before --scale).
    #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u64).range(1..=5000))]
    pub requests: u64,
    /// How long the server waits before answering each request, in ms (before --scale).
    #[arg(long, default_value_t = 450, value_parser = clap::value_parser!(u64).range(0..=60_000))]
    pub latency_ms: u64,
    /// Give up on a request after this many ms (not scaled: it is the client's patience).
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u64).range(1..=600_000))]
    pub timeout_ms: u64,
    /// Add three requests that fail: a refused connection, a server that
    /// never answers and a server that answers something that is not HTTP.
    #[arg(long)]
    pub with_failures: bool,
}

impl Requests {
    /// Up to this many pages, the experiments also fetch them one after
    /// another (past it, that would take minutes).
    pub const IN_TURN_UP_TO: u64 = 20;

    /// Are the pages also fetched one after another?
    pub fn in_turn(&self) -> bool {
        self.requests <= Requests::IN_TURN_UP_TO
    }

    /// Is there a second run against a server that answers at once?
    pub fn instant_too(&self) -> bool {
        !self.in_turn() && !self.with_failures
    }
}

/// The servers a page-fetching experiment talks to, and its requests.
pub struct PageRun {
    /// The lab's server (first), then the misbehaving ones.
    pub servers: Vec<Server>,
    pub requests: Vec<(SocketAddr, String)>,
    pub timeout: Duration,
    /// What each request waits for, one after another: the server's
    /// latency, the timeout for the silent server, nothing for a refused
    /// connection (for the ceiling of the speedups).
    pub waits: Vec<Duration>,
    /// What a correct run gives: the pages that arrive, their bytes, and
    /// the requests meant to fail.
    pub expected: Fetched,
}

/// Starts the servers and makes the requests of a run: `/page/1` to
/// `/page/{count}` from a server answering after `latency`, plus the
/// failures if the options ask for them.
pub fn page_run(options: Requests, latency: Duration, count: u64) -> Result<PageRun> {
    let timeout = Duration::from_millis(options.timeout_ms);
    let server = Server::start(latency).context("starting the local server")?;
    let mut requests: Vec<(SocketAddr, String)> = (1..=count)
        .map(|n| (server.addr(), format!("/page/{n}")))
        .collect();
    let mut waits = vec![latency; requests.len()];
    let bytes = (1..=count as usize)
        .map(|n| server::page_text(n).len())
        .sum();
    let mut servers = vec![server];
    let mut failures = 0;
    if options.with_failures {
        let silent = Server::start_with(latency, Behaviour::NeverAnswer)?;
        let garbled = Server::start_with(latency, Behaviour::Malformed)?;
        requests.push((labkit::http::refused_addr()?, "/page/refused".into()));
        requests.push((silent.addr(), "/page/silent".into()));
        requests.push((garbled.addr(), "/page/garbled".into()));
        waits.extend([Duration::ZERO, timeout, latency]);
        servers.extend([silent, garbled]);
        failures = 3;
    }
    let expected = Fetched {
        ok: count as usize,
        failed: failures,
        bytes,
        errors: Vec::new(),
    };
    Ok(PageRun {
        servers,
        requests,
        timeout,
        waits,
        expected,
    })
}

/// The requests the options ask for, after `--scale`, and the latency.
pub fn sizes(common: &Common, options: Requests) -> (u64, Duration) {
    let latency = Duration::from_millis(options.latency_ms);
    (
        common.scale.count(options.requests),
        common.scale.duration(latency),
    )
}

/// Says what a run will fetch.
pub fn announce(common: &Common, run: &PageRun, latency: Duration, with_failures: bool) {
    common.say(format!(
        "Fetching {} pages, {} latency each, giving up after {}{}.",
        run.requests.len(),
        format_duration(latency),
        format_duration(run.timeout),
        if with_failures {
            "; the last 3 are meant to fail"
        } else {
            ""
        }
    ));
}

/// The same requests to a second server that answers at once, when the
/// batch is large and has no failures: their time is what opening, serving
/// and closing that many connections costs on this machine, latency apart.
pub fn instant_run(common: &Common, options: Requests, run: &PageRun) -> Result<Option<PageRun>> {
    if !options.instant_too() {
        return Ok(None);
    }
    let server = Server::start(Duration::ZERO).context("starting the local server")?;
    let requests = run
        .requests
        .iter()
        .map(|(_, path)| (server.addr(), path.clone()))
        .collect();
    common.say(
        "Then the same requests to a server that answers at once: what the connections alone cost.",
    );
    Ok(Some(PageRun {
        servers: vec![server],
        requests,
        timeout: run.timeout,
        waits: vec![Duration::ZERO; run.requests.len()],
        expected: run.expected.clone(),
    }))
}

/// What came back from one run of a batch of requests.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Fetched {
    /// Pages that arrived.
    pub ok: usize,
    /// Requests that failed.
    pub failed: usize,
    /// The body bytes of the pages that arrived.
    pub bytes: usize,
    /// Each failed request and why it failed, in request order.
    pub errors: Vec<(String, String)>,
}

impl Fetched {
    /// Counts the outcomes (each a body size, or why it failed).
    pub fn count(outcomes: &[anyhow::Result<usize>]) -> Fetched {
        let mut fetched = Fetched::default();
        for outcome in outcomes {
            match outcome {
                Ok(size) => {
                    fetched.ok += 1;
                    fetched.bytes += size;
                }
                Err(err) => {
                    fetched.failed += 1;
                    // The request (the outermost context), then why it failed.
                    let why: Vec<String> = err.chain().skip(1).map(|e| e.to_string()).collect();
                    fetched.errors.push((err.to_string(), why.join(": ")));
                }
            }
        }
        fetched
    }

    /// Every page arrived whole, and exactly the requests meant to fail failed.
    pub fn check(&self, variant: &str, expected: &Fetched) -> Result<()> {
        ensure!(
            (self.ok, self.failed, self.bytes) == (expected.ok, expected.failed, expected.bytes),
            "{variant}: {} pages ({} bytes) and {} failures, expected {} pages ({} bytes) and {} failures{}",
            self.ok,
            self.bytes,
            self.failed,
            expected.ok,
            expected.bytes,
            expected.failed,
            self.errors
                .first()
                .map_or(String::new(), |(request, why)| format!(
                    "; first error: {request}: {why}"
                ))
        );
        Ok(())
    }

    /// The row's columns: pages that arrived, requests that failed.
    pub fn columns(&self, row: &mut Row) {
        row.with("ok", self.ok).with("failed", self.failed);
    }

    /// Prints why each request failed (a fixed set, so the output's shape
    /// does not depend on the scale), on two lines each to keep them short.
    pub fn say_errors(&self, common: &Common, label: &str) {
        for (request, why) in &self.errors {
            common.say(format!("  {label}: {request}"));
            common.say(format!("    failed: {why}"));
        }
    }
}

//! `event-loop`: the command line of the "Event loops" chapter's lab.

use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};
use event_loop::pitfalls::{self, Neighbour};
use event_loop::server::{Behaviour, Server};
use event_loop::{lifecycle, mini_tokio, scale, sockets, tokio_fetch, user_input};
use labkit::timing::format_duration;
use labkit::{Common, Results, measure};

/// From blocking sockets to a hand-built event loop to tokio.
///
/// Every experiment talks to a local HTTP server the lab starts on
/// 127.0.0.1 (never the internet), which waits a set latency before it
/// answers. Delays are the Python material's unless --scale shrinks them.
#[derive(Parser, Debug)]
#[command(name = "event-loop", version)]
struct Cli {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    experiment: Experiment,
}

#[derive(Subcommand, Debug)]
enum Experiment {
    /// Check the weather in 5 cities, 2 s per request, all at once with tokio (join! and JoinSet).
    Weather,
    /// Fetch pages with blocking sockets one after another, then with non-blocking sockets in a busy loop.
    BlockingSockets(Requests),
    /// Fetch pages concurrently on one thread with the hand-built event loop (mio + wakers);
    /// past 20 pages, again from a server that answers at once (what the connections alone cost).
    Reactor(Requests),
    /// Fetch pages concurrently with tokio (one after another too, up to 20 pages; past 20,
    /// again from a server that answers at once).
    Fetch(Requests),
    /// The user-input simulation: 5 inputs of 2 s awaited in turn, or spawned as tasks.
    UserInput,
    /// Blocking the runtime: 5 tasks sleeping 100 ms next to one that blocks for 1 s, and the cures.
    Blocking,
    /// 1,000 to 100,000 concurrent waits of 100 ms as tokio tasks and as OS threads: time and memory.
    Scale,
    /// (internal) one variant of `scale`, run in a fresh process so its peak memory is its own.
    #[command(hide = true)]
    ScaleChild {
        #[arg(long, value_enum)]
        kind: WaiterKind,
        #[arg(long)]
        tasks: usize,
        #[arg(long)]
        wait_us: u64,
    },
}

#[derive(Args, Debug, Clone, Copy)]
struct Requests {
    /// How many pages to fetch (before --scale).
    #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u64).range(1..=5000))]
    requests: u64,
    /// How long the server waits before answering each request, in ms (before --scale).
    #[arg(long, default_value_t = 450, value_parser = clap::value_parser!(u64).range(0..=60_000))]
    latency_ms: u64,
    /// Give up on a request after this many ms (not scaled: it is the client's patience).
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u64).range(1..=600_000))]
    timeout_ms: u64,
    /// Add three requests that fail: a refused connection, a server that
    /// never answers and a server that answers something that is not HTTP.
    #[arg(long)]
    with_failures: bool,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum WaiterKind {
    Tokio,
    Threads,
}

/// The request latency the Python weather lab simulates for one city.
const CITY_LATENCY: Duration = Duration::from_secs(2);
/// The wait the Python user-input simulation uses for one input.
const INPUT_WAIT: Duration = Duration::from_secs(2);
/// How long the blocking neighbour holds the thread, and how long the others nap.
const HOLD: Duration = Duration::from_secs(1);
const NAP: Duration = Duration::from_millis(100);
/// The wait of every task or thread in `scale`.
const SCALE_WAIT: Duration = Duration::from_millis(100);

fn main() -> ExitCode {
    labkit::cli::run(|cli: Cli| run(cli.common, cli.experiment))
}

fn run(common: Common, experiment: Experiment) -> Result<()> {
    raise_open_file_limit();
    let mut results = Results::new();
    match experiment {
        Experiment::Weather => weather(&common, &mut results)?,
        Experiment::BlockingSockets(requests) => blocking_sockets(&common, requests, &mut results)?,
        Experiment::Reactor(requests) => reactor(&common, requests, &mut results)?,
        Experiment::Fetch(requests) => fetch(&common, requests, &mut results)?,
        Experiment::UserInput => user_input_simulation(&common, &mut results)?,
        Experiment::Blocking => blocking(&common, &mut results)?,
        Experiment::Scale => scale_experiment(&common, &mut results)?,
        Experiment::ScaleChild {
            kind,
            tasks,
            wait_us,
        } => return scale_child(kind, tasks, Duration::from_micros(wait_us)),
    }
    results.print(&common)?;
    Ok(())
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Runtime::new().context("starting the tokio runtime")
}

fn weather(common: &Common, results: &mut Results) -> Result<()> {
    let latency = common.scale.duration(CITY_LATENCY);
    let server = Server::start(latency).context("starting the local server")?;
    let limit = latency * 5 + Duration::from_secs(5);
    let cities = ["Bangkok", "Chiang Mai", "Phuket", "Khon Kaen", "Hat Yai"];
    common.say(format!(
        "Checking the weather in {} cities at once, {} per request.",
        cities.len(),
        format_duration(latency)
    ));
    let runtime = runtime()?;
    let addr = server.addr();
    let (joined, cost) =
        measure(|| runtime.block_on(tokio_fetch::five_cities_with_join(addr, limit)));
    joined?;
    results
        .push_measured("weather", "join!", cost)
        .with("requests", cities.len())
        .with("waiting", format_duration(latency * cities.len() as u32));
    let (answers, cost) =
        measure(|| runtime.block_on(tokio_fetch::cities_with_joinset(addr, &cities, limit)));
    for answer in answers {
        let forecast = answer?;
        common.say(format!("  {}: {} °C", forecast.city, forecast.celsius));
    }
    results
        .push_measured("weather", "JoinSet", cost)
        .with("requests", cities.len())
        .with("waiting", format_duration(latency * cities.len() as u32));
    Ok(())
}

/// The servers a page-fetching experiment talks to, and its requests.
struct PageRun {
    _servers: Vec<Server>,
    requests: Vec<(SocketAddr, String)>,
    timeout: Duration,
}

fn page_run(common: &Common, options: Requests) -> Result<PageRun> {
    let latency = common
        .scale
        .duration(Duration::from_millis(options.latency_ms));
    let timeout = Duration::from_millis(options.timeout_ms);
    let count = common.scale.count(options.requests);
    let server = Server::start(latency).context("starting the local server")?;
    let mut requests: Vec<(SocketAddr, String)> = (1..=count)
        .map(|n| (server.addr(), format!("/page/{n}")))
        .collect();
    let mut servers = vec![server];
    if options.with_failures {
        let refused = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
            listener.local_addr()? // nobody listens there once the listener is dropped
        };
        let silent = Server::start_with(latency, Behaviour::NeverAnswer)?;
        let garbled = Server::start_with(latency, Behaviour::Malformed)?;
        requests.push((refused, "/page/refused".into()));
        requests.push((silent.addr(), "/page/silent".into()));
        requests.push((garbled.addr(), "/page/garbled".into()));
        servers.push(silent);
        servers.push(garbled);
    }
    common.say(format!(
        "Fetching {} pages from the local server, {} latency each, giving up after {}{}.",
        requests.len(),
        format_duration(latency),
        format_duration(timeout),
        if options.with_failures {
            " (the last 3 are meant to fail)"
        } else {
            ""
        }
    ));
    Ok(PageRun {
        _servers: servers,
        requests,
        timeout,
    })
}

/// The same requests as `run` to a second server that answers at once, for
/// a large batch without failures: their time is what opening, serving and
/// closing that many connections costs on this machine, latency apart.
fn without_latency(common: &Common, options: Requests, run: &PageRun) -> Result<Option<PageRun>> {
    if options.requests <= 20 || options.with_failures {
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
        _servers: vec![server],
        requests,
        timeout: run.timeout,
    }))
}

/// Prints the failures (a fixed set, so the output's shape does not depend
/// on the scale) and returns (ok, failed, bytes).
fn summarise<T>(
    common: &Common,
    label: &str,
    outcomes: &[Result<T>],
    size: impl Fn(&T) -> usize,
) -> (usize, usize, usize) {
    let mut ok = 0;
    let mut bytes = 0;
    for outcome in outcomes {
        match outcome {
            Ok(page) => {
                ok += 1;
                bytes += size(page);
            }
            Err(err) => common.say(format!("  {label} failed: {err:#}")),
        }
    }
    (ok, outcomes.len() - ok, bytes)
}

fn record<'r>(
    results: &'r mut Results,
    experiment: &str,
    variant: &str,
    cost: labkit::Measurement,
    (ok, failed, bytes): (usize, usize, usize),
) -> &'r mut labkit::Row {
    results
        .push_measured(experiment, variant, cost)
        .with("requests", ok + failed)
        .with("ok", ok)
        .with("failed", failed)
        .with("bytes", bytes)
}

fn blocking_sockets(common: &Common, options: Requests, results: &mut Results) -> Result<()> {
    let run = page_run(common, options)?;
    let (pages, cost) = measure(|| sockets::fetch_sequential(&run.requests, run.timeout));
    let summary = summarise(common, "blocking", &pages, |page| page.bytes);
    record(
        results,
        "blocking-sockets",
        "blocking, one after another",
        cost,
        summary,
    );

    let (report, cost) = measure(|| sockets::fetch_busy_loop(&run.requests, run.timeout));
    let summary = summarise(common, "busy loop", &report.pages, |page| page.bytes);
    record(
        results,
        "blocking-sockets",
        "non-blocking busy loop",
        cost,
        summary,
    )
    .with("wasted_polls", report.wasted_polls);
    results.speedups_against("blocking-sockets", "blocking, one after another")?;
    Ok(())
}

fn reactor(common: &Common, options: Requests, results: &mut Results) -> Result<()> {
    let run = page_run(common, options)?;
    let (fetched, cost) = measure(|| mini_tokio::fetch_all(&run.requests, run.timeout));
    let (outcomes, trace) = fetched.context("running the hand-built loop")?;
    let summary = summarise(common, "hand-built loop", &outcomes, |size| *size);
    let events: usize = trace.iter().map(|turn| turn.events).sum();
    record(
        results,
        "reactor",
        "hand-built loop, 1 thread",
        cost,
        summary,
    )
    .with("turns", trace.len())
    .with("events", events);
    if let Some(at_once) = without_latency(common, options, &run)? {
        let (fetched, cost) = measure(|| mini_tokio::fetch_all(&at_once.requests, at_once.timeout));
        let (outcomes, trace) = fetched.context("running the hand-built loop")?;
        let summary = summarise(common, "hand-built loop", &outcomes, |size| *size);
        let events: usize = trace.iter().map(|turn| turn.events).sum();
        record(
            results,
            "reactor",
            "hand-built loop, server answering at once",
            cost,
            summary,
        )
        .with("turns", trace.len())
        .with("events", events);
    }
    if options.requests <= 12 && !options.with_failures {
        let labels: Vec<String> = run
            .requests
            .iter()
            .map(|(_, path)| format!("GET {path}"))
            .collect();
        let dir = labkit::transcript::output_dir("event-loop");
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let path = dir.join("reactor-lifecycle.svg");
        std::fs::write(&path, lifecycle::svg(&trace, &labels, 10))
            .with_context(|| format!("writing {}", path.display()))?;
        common.say("Drew the loop's turns in reactor-lifecycle.svg.");
    }
    Ok(())
}

fn fetch(common: &Common, options: Requests, results: &mut Results) -> Result<()> {
    let run = page_run(common, options)?;
    let runtime = runtime()?;
    let one_after_another = options.requests <= 20;
    if one_after_another {
        let (outcomes, cost) = measure(|| {
            runtime.block_on(tokio_fetch::fetch_one_after_another(
                &run.requests,
                run.timeout,
            ))
        });
        let summary = summarise(common, "one after another", &outcomes, |size| *size);
        record(results, "fetch", "tokio, one after another", cost, summary);
    }
    let (outcomes, cost) =
        measure(|| runtime.block_on(tokio_fetch::fetch_all(&run.requests, run.timeout)));
    let summary = summarise(common, "JoinSet", &outcomes, |size| *size);
    record(results, "fetch", "tokio, JoinSet", cost, summary);
    if let Some(at_once) = without_latency(common, options, &run)? {
        let fetched = tokio_fetch::fetch_all(&at_once.requests, at_once.timeout);
        let (outcomes, cost) = measure(|| runtime.block_on(fetched));
        let summary = summarise(common, "JoinSet", &outcomes, |size| *size);
        let variant = "tokio, JoinSet, server answering at once";
        record(results, "fetch", variant, cost, summary);
    }
    if one_after_another {
        results.speedups_against("fetch", "tokio, one after another")?;
    }
    Ok(())
}

fn user_input_simulation(common: &Common, results: &mut Results) -> Result<()> {
    let wait = common.scale.duration(INPUT_WAIT);
    common.say(format!(
        "Counting down from 100; at every multiple of 20 the user types a number ({} wait).",
        format_duration(wait)
    ));
    let runtime = runtime()?;
    for (variant, countdown) in [
        (
            "await each input",
            measure(|| runtime.block_on(user_input::countdown_awaiting_each_input(wait))),
        ),
        (
            "input tasks",
            measure(|| runtime.block_on(user_input::countdown_with_input_tasks(wait))),
        ),
    ] {
        let (countdown, cost) = countdown;
        let inputs: Vec<String> = countdown.inputs.iter().map(i64::to_string).collect();
        common.say(format!(
            "  {variant}: inputs {}, final total {}",
            inputs.join(", "),
            countdown.total
        ));
        results
            .push_measured("user-input", variant, cost)
            .with("inputs", countdown.inputs.len())
            .with("loop_finished", format_duration(countdown.loop_finished))
            .with("all_done", format_duration(countdown.all_done));
    }
    Ok(())
}

fn blocking(common: &Common, results: &mut Results) -> Result<()> {
    let hold = common.scale.duration(HOLD);
    let nap = common.scale.duration(NAP);
    common.say(format!(
        "Five tasks sleep {} on a one-thread runtime next to a sixth that holds on for {}.",
        format_duration(nap),
        format_duration(hold)
    ));
    for (variant, kind) in [
        ("tokio::time::sleep", Neighbour::AsyncSleep),
        ("std::thread::sleep", Neighbour::ThreadSleep),
        ("spawn_blocking(thread::sleep)", Neighbour::SpawnBlocking),
        ("CPU work in the task", Neighbour::CpuWork),
        ("CPU work on rayon", Neighbour::CpuOnRayon),
    ] {
        let (late, cost) = measure(|| pitfalls::sleepers_late_by(kind, hold, nap));
        results
            .push_measured("blocking", variant, cost)
            .with("sleepers_late_by", format_duration(late));
    }
    Ok(())
}

fn scale_experiment(common: &Common, results: &mut Results) -> Result<()> {
    let wait = common.scale.duration(SCALE_WAIT);
    common.say(format!(
        "Every task or thread waits {}; each variant runs in a fresh process so its peak memory is its own.",
        format_duration(wait)
    ));
    let exe = std::env::current_exe().context("finding this program to rerun it")?;
    for (kind, full) in [
        (WaiterKind::Tokio, 1_000),
        (WaiterKind::Tokio, 10_000),
        (WaiterKind::Tokio, 100_000),
        (WaiterKind::Threads, 1_000),
        (WaiterKind::Threads, 10_000),
    ] {
        let asked = common.scale.count(full) as usize;
        let child = run_scale_child(&exe, kind, asked, wait)?;
        let noun = match kind {
            WaiterKind::Tokio => "tokio tasks",
            WaiterKind::Threads => "OS threads",
        };
        let per_task = child.rss_growth_bytes / child.started.max(1) as u64;
        results
            .push_measured(
                "scale",
                &format!("{full} {noun}"),
                labkit::Measurement {
                    wall: Duration::from_secs_f64(child.wall_seconds),
                    cpu: Duration::from_secs_f64(child.cpu_seconds),
                },
            )
            .with("tasks", child.started)
            .with("peak_rss", format_bytes(child.peak_rss_bytes))
            .with("rss_bytes_per_task", per_task);
    }
    Ok(())
}

/// What one child process of `scale` reports on its standard output.
#[derive(serde::Serialize, serde::Deserialize, Debug)]
struct ChildReport {
    started: usize,
    wall_seconds: f64,
    cpu_seconds: f64,
    peak_rss_bytes: u64,
    /// How much the tasks or threads raised the peak RSS: the high-water
    /// mark (`VmHWM`) after they ran minus the same mark just before.
    rss_growth_bytes: u64,
}

fn run_scale_child(
    exe: &Path,
    kind: WaiterKind,
    tasks: usize,
    wait: Duration,
) -> Result<ChildReport> {
    let kind_name = match kind {
        WaiterKind::Tokio => "tokio",
        WaiterKind::Threads => "threads",
    };
    let args: Vec<String> = vec![
        "scale-child".into(),
        "--kind".into(),
        kind_name.into(),
        "--tasks".into(),
        tasks.to_string(),
        "--wait-us".into(),
        wait.as_micros().to_string(),
    ];
    let captured = labkit::transcript::run_bounded(exe, &args, &[], Duration::from_secs(300))?;
    if captured.code != Some(0) {
        bail!(
            "the {kind_name} child with {tasks} waiters failed: {}",
            captured.stderr.trim()
        );
    }
    serde_json::from_str(captured.stdout.trim()).with_context(|| {
        format!(
            "reading the {kind_name} child's report {:?}",
            captured.stdout
        )
    })
}

fn scale_child(kind: WaiterKind, tasks: usize, wait: Duration) -> Result<()> {
    die_with_parent();
    let runtime = match kind {
        WaiterKind::Tokio => {
            let runtime = runtime()?;
            // Warm the runtime up so its own threads and buffers are in the baseline.
            scale::wait_in_tokio_tasks(&runtime, 1, Duration::ZERO);
            Some(runtime)
        }
        WaiterKind::Threads => {
            let _ = scale::wait_in_os_threads(1, Duration::ZERO);
            None
        }
    };
    // Like with like: the high-water mark before and after, never the
    // current RSS before (lower than the mark) and the mark after.
    let before = labkit::os::peak_rss_bytes()?;
    let (started, cost) = measure(|| match &runtime {
        Some(runtime) => (tasks, scale::wait_in_tokio_tasks(runtime, tasks, wait)),
        None => scale::wait_in_os_threads(tasks, wait),
    });
    let (started, _) = started;
    let peak = labkit::os::peak_rss_bytes()?;
    let report = ChildReport {
        started,
        wall_seconds: cost.wall.as_secs_f64(),
        cpu_seconds: cost.cpu.as_secs_f64(),
        peak_rss_bytes: peak,
        rss_growth_bytes: peak.saturating_sub(before),
    };
    println!("{}", serde_json::to_string(&report)?);
    Ok(())
}

/// A `scale-child` must not outlive the `scale` run that started it (the
/// parent kills it after a timeout; this covers the parent being killed):
/// on Linux, the kernel sends it SIGKILL when its parent dies.
fn die_with_parent() {
    #[cfg(target_os = "linux")]
    // Safety: PR_SET_PDEATHSIG with a signal number only sets an attribute
    // of this process; no memory is passed.
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
    }
}

fn format_bytes(bytes: u64) -> String {
    const MIB: f64 = 1024.0 * 1024.0;
    if bytes as f64 >= MIB {
        format!("{:.1} MiB", bytes as f64 / MIB)
    } else {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    }
}

/// A thousand requests and the server's thousand answers are two thousand
/// sockets in this one process; many systems allow 1,024 open files unless
/// asked. Raise the soft limit to the hard one (no privilege needed).
fn raise_open_file_limit() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // Safety: `limit` is a valid, writable rlimit; getrlimit only writes into it.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == 0
        && limit.rlim_cur < limit.rlim_max
    {
        limit.rlim_cur = limit.rlim_max;
        // Safety: `limit` is a valid rlimit read from the OS; raising the soft
        // limit up to the hard limit is always allowed.
        unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) };
    }
}

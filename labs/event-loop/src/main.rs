//! `event-loop`: the command line of the chapters "Futures: an async primer"
//! and "Event loops". It parses and dispatches; each experiment is a module
//! of `experiments/`.

mod experiments;

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use clap::{Parser, Subcommand};
use experiments::by_hand::Part;
use experiments::limit::Limit;
use experiments::pages::Requests;
use experiments::primer::Step;
use experiments::python::Which;
use experiments::scale::WaiterKind;
use labkit::Common;

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
    /// The async primer's steps, each in Rust and then in asyncio (python3).
    Primer {
        #[arg(value_enum)]
        step: Step,
        /// The Python interpreter for the asyncio side.
        #[arg(long, default_value = "python3")]
        python: String,
    },
    /// Check the weather in 5 cities, 2 s per request: one after another, then all at once with tokio (join! and JoinSet).
    Weather,
    /// Fetch pages with blocking sockets one after another, then with non-blocking sockets in a busy loop.
    BlockingSockets(Requests),
    /// Drive mini tokio's reactor, or its executor, by hand and print what each step did.
    ByHand {
        #[arg(value_enum)]
        part: Part,
    },
    /// Fetch pages concurrently on one thread with the hand-built event loop (mio + wakers);
    /// past 20 pages, again from a server that answers at once (what the connections alone cost).
    Reactor(Requests),
    /// Fetch pages with tokio, one after another and all at once (up to 20 pages; past 20,
    /// all at once, then again from a server that answers at once).
    Fetch(Requests),
    /// Fetch 20 pages with at most 5 in flight (tokio's Semaphore), next to in turn and all at once.
    Limit(Limit),
    /// The user-input simulation: 5 inputs of 2 s awaited in turn, or spawned as tasks.
    UserInput,
    /// Blocking the runtime: 5 tasks sleeping 100 ms next to one that blocks for 1 s, and the cures.
    Blocking,
    /// 1,000 to 100,000 concurrent waits of 100 ms as tokio tasks and as OS threads: time and memory.
    Scale,
    /// The asyncio twins (weather, fetch, user input) next to tokio, same rounds, same server.
    Python {
        /// Which experiments (default: all three).
        #[arg(value_enum)]
        which: Vec<Which>,
        /// The Python interpreter to run.
        #[arg(long, default_value = "python3")]
        python: String,
    },
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

fn main() -> ExitCode {
    labkit::cli::run(|cli: Cli| run(cli.common, cli.experiment))
}

fn run(common: Common, experiment: Experiment) -> Result<()> {
    experiments::raise_open_file_limit();
    let results = match experiment {
        Experiment::Primer { step, python } => {
            let lines = experiments::primer::run(&common, step, &python)?;
            return print_lines(&common, "primer", &lines);
        }
        Experiment::ByHand { part } => {
            let lines = experiments::by_hand::run(&common, part)?;
            return print_lines(&common, "by-hand", &lines);
        }
        Experiment::Weather => experiments::weather::run(&common)?,
        Experiment::BlockingSockets(requests) => {
            experiments::blocking_sockets::run(&common, requests)?
        }
        Experiment::Reactor(requests) => experiments::reactor::run(&common, requests)?,
        Experiment::Fetch(requests) => experiments::fetch::run(&common, requests)?,
        Experiment::Limit(limit) => experiments::limit::run(&common, limit)?,
        Experiment::UserInput => experiments::user_input::run(&common)?,
        Experiment::Blocking => experiments::blocking::run(&common)?,
        Experiment::Scale => experiments::scale::run(&common)?,
        Experiment::Python { which, python } => {
            let which = if which.is_empty() {
                vec![Which::Weather, Which::Fetch, Which::UserInput]
            } else {
                which
            };
            experiments::python::run(&common, &which, &python)?
        }
        Experiment::ScaleChild {
            kind,
            tasks,
            wait_us,
        } => return experiments::scale::child(kind, tasks, Duration::from_micros(wait_us)),
    };
    results.print(&common)
}

/// The untimed walk-throughs print lines of text (already shown, unless
/// `--json`); with `--json` they print them as one document instead.
fn print_lines(common: &Common, experiment: &str, lines: &[String]) -> Result<()> {
    if common.json {
        let document = serde_json::json!({ "experiment": experiment, "lines": lines });
        println!("{}", serde_json::to_string_pretty(&document)?);
    }
    Ok(())
}

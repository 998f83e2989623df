//! `io-threads`: the command line of the "Threads for blocking I/O" chapter's
//! lab. It parses and dispatches; each experiment is a module of
//! `experiments/`.

use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};
use labkit::Common;

mod experiments;

use experiments::{agent, pool, python, tasks, threads};

/// Write the Python lab's log files with threads: a pool, a logger thread, tokio.
///
/// Every wait here is a blocking call (a slow device), the kind of work an
/// event loop cannot wait on for you. Delays and sizes are the Python
/// material's unless --scale shrinks them. Timed experiments run their
/// variants in interleaved rounds (--rounds) and show each speedup beside its
/// ceiling: the most the waits allow with as many in flight as the variant
/// lets run at once.
#[derive(Parser, Debug)]
#[command(name = "io-threads", version)]
struct Cli {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    experiment: Experiment,
}

#[derive(Subcommand, Debug)]
enum Experiment {
    /// 5 log files, 1 s of device wait each: sequential, a pool of 2 workers, a pool of 5, a thread per file.
    Pool(pool::Args),
    /// 5 agents log 10 events each: one thread, a shared locked file, one logger thread fed by a channel.
    Agent(agent::Args),
    /// The 5 log files from tokio tasks: blocking the runtime vs spawn_blocking.
    Async(tasks::Args),
    /// Count the process's threads before, during and after 100 spawn_blocking jobs.
    Threads(threads::Args),
    /// Run the Python twins (ThreadPoolExecutor, queue.Queue, asyncio.to_thread) beside the Rust.
    Python(python::Args),
}

fn main() -> ExitCode {
    labkit::cli::run(|cli: Cli| run(&cli.common, &cli.experiment))
}

fn run(common: &Common, experiment: &Experiment) -> Result<()> {
    match experiment {
        Experiment::Pool(args) => pool::run(common, args, "pool")?.print(common),
        Experiment::Agent(args) => agent::run(common, args, "agent")?.print(common),
        Experiment::Async(args) => tasks::run(common, args, "async")?.print(common),
        Experiment::Threads(args) => threads::run(common, args)?.print(common),
        Experiment::Python(args) => python::run(common, args),
    }
}

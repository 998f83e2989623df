//! `primer`: the command line of the chapter "Rust's tools: threads,
//! guards, atomics". It parses and dispatches; each experiment (a module
//! of `experiments/`) runs one listing and prints what it returns.

use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};
use labkit::Common;

mod experiments;

/// The tools the later chapters use, one small program each: threads,
/// Arc, a Mutex and its guard, atomics, a Barrier, a channel.
///
/// Each prints what its listing returns. Each has a Python counterpart
/// (python/*.py) that does the same with threading and queue.
#[derive(Parser, Debug)]
#[command(name = "primer", version)]
struct Cli {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    experiment: Experiment,
}

#[derive(Subcommand, Debug)]
enum Experiment {
    /// thread::spawn (owns what it uses) and thread::scope (may borrow).
    Threads,
    /// Arc: several owners of one value, on several threads.
    Arc,
    /// A Mutex and its guard: when the lock is held and when it is not.
    Guard,
    /// Atomics: a Relaxed counter read after join, a SeqCst stop flag.
    Atomics {
        /// How many threads count.
        #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=64))]
        threads: u32,
        /// Increments per thread, before --scale.
        #[arg(long, default_value_t = experiments::atomics::FULL_INCREMENTS,
              value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
        increments: u64,
    },
    /// A Barrier: nobody acts before everyone has checked.
    Barrier {
        /// How many customers (threads) meet at the barrier.
        #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=64))]
        customers: u32,
    },
    /// A channel: producers send, one receiver loops until every sender is gone.
    Channels {
        /// How many producer threads.
        #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=64))]
        producers: u64,
        /// Orders each producer sends.
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
        each: u64,
    },
}

fn main() -> ExitCode {
    labkit::cli::run(|cli: Cli| run(cli.common, cli.experiment))
}

fn run(common: Common, experiment: Experiment) -> Result<()> {
    use experiments::*;
    let results = match experiment {
        Experiment::Threads => threads::run(&common)?,
        Experiment::Arc => arc::run(&common)?,
        Experiment::Guard => guard::run(&common)?,
        Experiment::Atomics {
            threads,
            increments,
        } => atomics::run(&common, threads as usize, increments)?,
        Experiment::Barrier { customers } => barrier::run(&common, customers as usize)?,
        Experiment::Channels { producers, each } => channels::run(&common, producers, each)?,
    };
    results.print(&common)?;
    Ok(())
}

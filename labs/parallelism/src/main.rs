//! `parallelism`: the command line of the "Concurrency vs parallelism"
//! chapter's lab. It parses and dispatches; each experiment is a module of
//! `experiments/`.

mod experiments;

use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};
use labkit::Common;
use parallelism::processes as listing;

use experiments::{cpu_pair, preemption, processes, python, timeline};

/// Concurrency (many tasks in progress) versus parallelism (many tasks
/// running at the same instant), measured on this machine.
///
/// Sizes are chosen for the book's 2-core machine unless --scale shrinks them.
#[derive(Parser, Debug)]
#[command(name = "parallelism", version)]
struct Cli {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    experiment: Experiment,
}

#[derive(Subcommand, Debug)]
enum Experiment {
    /// A process and its threads (ids, names, thread counts), child processes, and what starting each costs.
    Processes,
    /// Bake 4 loaves (knead = CPU, bake = wait) 4 ways and draw the median round of each as an SVG timeline.
    Timeline {
        /// How many loaves to bake.
        #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=8))]
        loaves: u32,
        /// Threads in the rayon pool.
        #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=16))]
        pool: u32,
    },
    /// Two equal CPU-bound tasks: on one thread, on two threads, with rayon::join.
    CpuPair,
    /// A task that never yields: a cooperative runtime starves the others, OS threads do not.
    Preemption,
    /// The exercise's answer: the same hog, unchanged, on tokio's blocking pool.
    Offload,
    /// Starting threads and processes in Rust and in CPython (the twin python/processes.py), same rounds.
    Python {
        /// The Python interpreter to run (a name on PATH or a path).
        #[arg(long, default_value = "python3")]
        python: String,
    },
    /// The child process the `processes` experiment starts (this program, run again).
    #[command(hide = true)]
    ChildProcess {
        /// Loaves the child adds to its own counter.
        #[arg(long, default_value_t = 10)]
        loaves: u64,
        /// The exit code the child ends with.
        #[arg(long, default_value_t = 0)]
        exit_code: u8,
    },
}

fn main() -> ExitCode {
    labkit::cli::run_with_code(|cli: Cli| run(&cli.common, cli.experiment))
}

fn run(common: &Common, experiment: Experiment) -> Result<ExitCode> {
    match experiment {
        Experiment::Processes => processes::run(common)?,
        Experiment::Timeline { loaves, pool } => timeline::run(common, loaves, pool)?,
        Experiment::CpuPair => cpu_pair::run(common)?,
        Experiment::Preemption => preemption::run(common, false)?,
        Experiment::Offload => preemption::run(common, true)?,
        Experiment::Python { python } => python::run(common, &python)?,
        Experiment::ChildProcess { loaves, exit_code } => {
            println!("{}", listing::child_body(loaves));
            return Ok(ExitCode::from(exit_code));
        }
    }
    Ok(ExitCode::SUCCESS)
}

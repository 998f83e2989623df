//! `gil`: the command line of the chapter "The GIL and its analogue". It
//! parses the arguments and hands each subcommand to its module in
//! `gil::experiments`.

use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};
use gil::experiments::{
    convoy, countdown, fib, hashing, io, ipc, order, powersum, python, races, step,
};
use labkit::Common;

/// Build CPython's Global Interpreter Lock in Rust, measure what it costs,
/// run the same experiments in CPython with and without its GIL, then use
/// the tools Rust has instead: threads, rayon and a process pool.
///
/// Sizes are the Python material's unless --scale shrinks them.
#[derive(Parser, Debug)]
#[command(name = "gil", version)]
struct Cli {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    experiment: Experiment,
}

#[derive(Subcommand, Debug)]
enum Experiment {
    /// Count down from 500M: 1 thread, 2 threads under the GIL, 2 threads without it, rayon.
    Countdown(countdown::Args),
    /// The countdown's step on one thread: a round trip through memory vs register arithmetic.
    Step(step::Args),
    /// fib(n) + fib(n+1), naive recursion: one thread, then two, with and without the GIL.
    Fib(fib::Args),
    /// 10 blocking waits of 1 s: one after another, then on 10 threads, all under the GIL.
    Io(io::Args),
    /// The exercise: requests that wait, beside a countdown under the same GIL.
    Convoy(convoy::Args),
    /// The Python twins of countdown, fib and io with each CPython, beside the Rust Gil and threads.
    Python(python::Args),
    /// Lost updates and a check-then-act bank in each CPython, with and without its GIL; Rust's counter.
    Races(races::Args),
    /// hashlib's SHA-256 on one thread and two in each CPython: a C extension releases the GIL.
    Hashing(hashing::Args),
    /// The Python lab's power sum: sequential, rayon, and a pool of worker processes.
    Powersum(powersum::Args),
    /// Results in the tasks' order or as they finish: rayon and a channel, Executor.map and as_completed.
    Order(order::Args),
    /// The Python material's Queue and Pipe examples: a channel between threads, a pipe to a child process.
    Ipc(ipc::Args),
    /// (internal) A process-pool worker: answers power-sum tasks on stdin/stdout.
    #[command(hide = true)]
    Worker(powersum::WorkerArgs),
    /// (internal) The child process of `ipc`.
    #[command(hide = true)]
    IpcChild(ipc::ChildArgs),
}

fn main() -> ExitCode {
    labkit::cli::run(|cli: Cli| run(&cli.common, &cli.experiment))
}

fn run(common: &Common, experiment: &Experiment) -> Result<()> {
    match experiment {
        Experiment::Countdown(args) => countdown::run(common, args),
        Experiment::Step(args) => step::run(common, args),
        Experiment::Fib(args) => fib::run(common, args),
        Experiment::Io(args) => io::run(common, args),
        Experiment::Convoy(args) => convoy::run(common, args),
        Experiment::Python(args) => python::run(common, args),
        Experiment::Races(args) => races::run(common, args),
        Experiment::Hashing(args) => hashing::run(common, args),
        Experiment::Powersum(args) => powersum::run(common, args),
        Experiment::Order(args) => order::run(common, args),
        Experiment::Ipc(args) => ipc::run(common, args),
        Experiment::Worker(args) => powersum::worker(args),
        Experiment::IpcChild(args) => ipc::child(args),
    }
}

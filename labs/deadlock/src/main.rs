//! `deadlock`: the command line of the "Deadlock" chapter's lab. It parses
//! and dispatches; each experiment is a module of `experiments/`.
//!
//! Exit status: 0 when the experiment finished, 1 on a runtime error (or
//! `detect` in a build without the `detect` feature), 2 on a bad argument,
//! and 3 when a watchdog or the detector found the threads deadlocked and
//! ended the process.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Result, ensure};
use clap::{Parser, Subcommand};
use experiments::once::Program;
use experiments::philosophers::Forks;
use labkit::Common;

mod experiments;

/// Reproduce the Python material's deadlock in Rust, detect it, prevent it.
///
/// Experiments that deadlock never hang: a watchdog reports which thread
/// holds which lock and waits for which, then ends the program with exit
/// status 3. Delays are the Python material's unless --scale shrinks them.
#[derive(Parser, Debug)]
#[command(name = "deadlock", version)]
struct Cli {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    experiment: Experiment,
}

#[derive(Subcommand, Debug)]
enum Experiment {
    /// Thread 1 takes lock A then B, thread 2 takes B then A: a deadlock every
    /// time. The watchdog reports after 2 s and exits with status 3.
    TwoLocks,
    /// The same two threads with nothing staged, run N times, each run a
    /// child process: how often they deadlock, and with a lock order, never.
    TwoLocksRuns {
        /// How many runs of each program (each a fresh process).
        #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        runs: u32,
    },
    /// The same deadlock found by parking_lot's deadlock detector, exit status 3.
    /// Needs `--features detect` (it slows every parking_lot lock).
    Detect,
    /// Timeouts (try_lock_for): give up like the Python fix, then retry with
    /// the same back-off (a livelock) and with random back-off (jitter).
    Timeout {
        /// How long a thread waits for its second lock, in seconds (before --scale).
        #[arg(long, default_value = "2", value_name = "SECONDS", value_parser = positive_seconds)]
        timeout: Duration,
        /// How many attempts a retrying thread makes before it gives up.
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=1000))]
        attempts: u32,
    },
    /// The timeout programs with nothing staged, run N times, each run a
    /// child process: who gives up, and how often retrying threads collide.
    TimeoutRuns {
        /// How many runs of each program (each a fresh process).
        #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        runs: u32,
    },
    /// Never deadlock by design: a global lock order, one lock for both
    /// accounts, or all or nothing.
    Ordered {
        /// Transfers each way, per strategy.
        #[arg(long = "transfers", id = "transfers", default_value_t = 1000,
              value_parser = clap::value_parser!(u32).range(1..))]
        rounds: u32,
    },
    /// The dining philosophers: left fork first deadlocks (the watchdog
    /// exits with status 3); lower-numbered fork first finishes.
    Philosophers {
        /// How many philosophers (and forks) at the table.
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(2..=64))]
        philosophers: u32,
        /// How many times each philosopher eats.
        #[arg(long = "meals", id = "meals", default_value_t = 100,
              value_parser = clap::value_parser!(u32).range(1..))]
        rounds: u32,
        /// Which fork each philosopher picks up first.
        #[arg(long, value_enum, default_value_t = Forks::LeftThenRight)]
        forks: Forks,
    },
    /// The Python twins beside the Rust: the forced deadlock (both end with
    /// exit status 3) and the timeout fix, timed in the same rounds.
    Python {
        /// The Python interpreter to run the twins with.
        #[arg(long, default_value = "python3", value_name = "PATH")]
        python: String,
        /// How long a thread waits for its second lock, in seconds (before --scale).
        #[arg(long, default_value = "2", value_name = "SECONDS", value_parser = positive_seconds)]
        timeout: Duration,
    },
    /// One run of one program, printed as one JSON line (what the runs
    /// experiments start, once per run).
    #[command(hide = true)]
    Once {
        #[arg(long, value_enum)]
        program: Program,
        #[arg(long, default_value_t = 0)]
        pause_ns: u64,
        #[arg(long, default_value_t = 0)]
        timeout_ns: u64,
    },
}

fn positive_seconds(text: &str) -> Result<Duration> {
    let seconds: f64 = text
        .trim()
        .parse()
        .map_err(|_| anyhow::anyhow!("expected a number of seconds such as 2 or 0.5"))?;
    ensure!(
        seconds.is_finite() && seconds > 0.0,
        "the timeout must be more than 0 seconds, got {text}"
    );
    Ok(Duration::from_secs_f64(seconds))
}

fn main() -> ExitCode {
    labkit::cli::run(|cli: Cli| run(&cli.common, cli.experiment))
}

fn run(common: &Common, experiment: Experiment) -> Result<()> {
    use experiments::*;
    match experiment {
        Experiment::TwoLocks => two_locks::run(common, false),
        Experiment::TwoLocksRuns { runs } => runs::two_locks(common, runs),
        Experiment::Detect => two_locks::run(common, true),
        Experiment::Timeout { timeout, attempts } => timeout::run(common, timeout, attempts),
        Experiment::TimeoutRuns { runs } => runs::timeouts(common, runs),
        Experiment::Ordered { rounds } => ordered::run(common, rounds),
        Experiment::Philosophers {
            philosophers,
            rounds,
            forks,
        } => philosophers::run(common, philosophers as usize, rounds, forks),
        Experiment::Python { python, timeout } => python::run(common, &python, timeout),
        Experiment::Once {
            program,
            pause_ns,
            timeout_ns,
        } => once::once(
            program,
            Duration::from_nanos(pause_ns),
            Duration::from_nanos(timeout_ns),
        ),
    }
}

//! `locks`: the command line of the "Locks" chapter's lab. It parses and
//! dispatches; each experiment is a module of `experiments/`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};
use labkit::Common;
use races::account::Account;

mod experiments;

/// Locks: the bank account fixed, guards held too long, what a lock costs.
///
/// The Python threading tutorial's bank (balance 100; 80, 70, 50 and 20
/// withdrawn at once) with a lock around check-and-subtract, run forced and
/// run 100 times as it is; exactly when a guard unlocks; the re-entrant lock
/// Rust does not have; the price of holding a lock across a slow wait; std
/// and parking_lot mutexes, RwLock, Condvar; and nanoseconds per operation.
#[derive(Parser, Debug)]
#[command(name = "locks", version)]
struct Cli {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    experiment: Experiment,
}

#[derive(Subcommand, Debug)]
enum Experiment {
    /// The tutorial's bank with a lock: queue order, free order, every possible outcome, loom.
    BankLocked {
        #[command(flatten)]
        account: Account,
    },
    /// The locked bank all at once, unstaged, run N times: the outcomes it allows.
    BankRuns {
        #[command(flatten)]
        account: Account,
        /// How many runs of each program (each a fresh process).
        #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        runs: u32,
    },
    /// Exactly where a MutexGuard unlocks: end of statement, end of block, drop, if let.
    Release,
    /// Locking a mutex twice on one thread (Python's RLock allows it): bounded by a watchdog.
    Relock,
    /// Sellers holding a lock across a 1 s wait, vs releasing it first.
    HoldAcrossSleep {
        /// How many seller threads start together.
        #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=64))]
        sellers: u32,
    },
    /// std::sync::Mutex vs parking_lot::Mutex: poisoning, waiting with a time limit, size.
    Mutexes,
    /// An RwLock: readers inside together.
    Rwlock {
        /// How many clerks read at once.
        #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=64))]
        clerks: u32,
    },
    /// A Condvar: a customer sleeps until a deposit makes the withdrawal possible.
    Condvar,
    /// ns per lock+unlock (std vs parking_lot), per read lock, per fetch_add; 1 and 2 threads.
    Costs {
        /// Operations per thread, before --scale.
        #[arg(long, default_value_t = experiments::costs::FULL_OPS, value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
        ops: u64,
    },
    /// The exercise's solution: the teller's pause outside the lock.
    Exercise {
        #[command(flatten)]
        account: Account,
    },
    /// The locked bank's Python twin (python/bank_locked.py) next to the Rust one, same rounds.
    Python {
        #[command(flatten)]
        account: Account,
        /// The Python interpreter to run (a name on PATH or a path).
        #[arg(long, default_value = "python3")]
        python: PathBuf,
    },
    /// One run of the locked bank, printed as one JSON line (what bank-runs starts).
    #[command(hide = true)]
    Once {
        #[command(flatten)]
        account: Account,
        /// The teller's pause, holding the lock, in nanoseconds.
        #[arg(long, default_value_t = 0)]
        pause_ns: u64,
    },
}

// Kept on purpose (CONTRIBUTING.md, "Duplicates kept on purpose"): the dispatch
// below has the same shape as labs/races/src/main.rs's, arm for arm where the two labs
// share an experiment (the bank's options are one `Account`).
fn main() -> ExitCode {
    labkit::cli::run(|cli: Cli| run(cli.common, cli.experiment))
}

fn run(common: Common, experiment: Experiment) -> Result<()> {
    use experiments::*;
    let results = match experiment {
        Experiment::BankLocked { account } => bank_locked::run(&common, &account)?,
        Experiment::BankRuns { account, runs } => bank_runs::run(&common, &account, runs)?,
        Experiment::Release => release::run(&common)?,
        Experiment::Relock => relock::run(&common)?,
        Experiment::HoldAcrossSleep { sellers } => hold::run(&common, sellers)?,
        Experiment::Mutexes => mutexes::run(&common)?,
        Experiment::Rwlock { clerks } => waiting::rwlock(&common, clerks as usize)?,
        Experiment::Condvar => waiting::condvar(&common)?,
        Experiment::Costs { ops } => costs::run(&common, ops)?,
        Experiment::Exercise { account } => exercise::run(&common, &account)?,
        Experiment::Python { account, python } => python::run(&common, &account, &python)?,
        Experiment::Once { account, pause_ns } => return bank_runs::once(&account, pause_ns),
    };
    results.print(&common)?;
    Ok(())
}

//! `races`: the command line of the "Race conditions" chapter's lab. It
//! parses and dispatches; each experiment is a module of `experiments/`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};
use labkit::Common;
use races::account::Account;

mod experiments;

use experiments::once::Program;

/// Race conditions Rust still lets you write, made to happen on demand,
/// then left to luck and counted.
///
/// The bank account from the Python threading tutorial (balance 100, four
/// customers withdrawing 80, 70, 50 and 20) and a shared counter: first with
/// the bad interleavings forced by barriers, so that every run shows them;
/// then run 100 times as they are, each run a fresh process, to show how
/// often luck lets them through.
#[derive(Parser, Debug)]
#[command(name = "races", version)]
struct Cli {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    experiment: Experiment,
}

#[derive(Subcommand, Debug)]
enum Experiment {
    /// The tutorial's bank: customers in turn, then all at once (check, pause 1 s, subtract).
    Bank {
        #[command(flatten)]
        account: Account,
    },
    /// The bank all at once, unstaged, run N times: how often it overdraws, and with fetch_update.
    BankRuns {
        #[command(flatten)]
        account: Account,
        /// How many runs of each program (each a fresh process).
        #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        runs: u32,
    },
    /// Check-then-act with atomics vs one fetch_update, and what loom finds in each.
    BankAtomic {
        #[command(flatten)]
        account: Account,
    },
    /// A shared counter in lockstep: load + store loses updates, fetch_add does not.
    Counter {
        /// How many threads increment the counter.
        #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(2..=8))]
        threads: u32,
        /// Rounds of forced (lockstep) increments per thread, before --scale.
        #[arg(long = "lockstep-rounds", id = "lockstep_rounds", default_value_t = experiments::counter::FULL_LOCKSTEP_ROUNDS,
              value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
        rounds: u64,
    },
    /// The counter free-running, run N times: how many updates each run lost.
    CounterRuns {
        /// How many threads increment the counter.
        #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(2..=8))]
        threads: u32,
        /// Increments per thread in each run, before --scale.
        #[arg(long, default_value_t = experiments::counter_runs::FULL_INCREMENTS,
              value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
        increments: u64,
        /// How many runs of each program (each a fresh process).
        #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        runs: u32,
    },
    /// The exercise's compare_exchange withdrawal, all at once, run N times.
    Exercise {
        #[command(flatten)]
        account: Account,
        /// How many runs (each a fresh process).
        #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        runs: u32,
    },
    /// The bank's Python twin (python/bank.py) next to the Rust bank, same rounds.
    Python {
        #[command(flatten)]
        account: Account,
        /// The Python interpreter to run (a name on PATH or a path).
        #[arg(long, default_value = "python3")]
        python: PathBuf,
    },
    /// One run of one program, printed as one JSON line (what the *-runs experiments start).
    #[command(hide = true)]
    Once {
        #[command(subcommand)]
        program: Program,
    },
}

// Kept on purpose (CONTRIBUTING.md, "Duplicates kept on purpose"): the dispatch
// below has the same shape as labs/locks/src/main.rs's, arm for arm where the two labs
// share an experiment (the bank's options are one `Account`).
fn main() -> ExitCode {
    labkit::cli::run(|cli: Cli| run(cli.common, cli.experiment))
}

fn run(common: Common, experiment: Experiment) -> Result<()> {
    use experiments::*;
    let results = match experiment {
        Experiment::Bank { account } => bank::run(&common, &account)?,
        Experiment::BankRuns { account, runs } => bank_runs::run(&common, &account, runs)?,
        Experiment::BankAtomic { account } => bank_atomic::run(&common, &account)?,
        Experiment::Counter { threads, rounds } => counter::run(&common, threads as usize, rounds)?,
        Experiment::CounterRuns {
            threads,
            increments,
            runs,
        } => counter_runs::run(&common, threads as usize, increments, runs)?,
        Experiment::Exercise { account, runs } => bank_runs::exercise(&common, &account, runs)?,
        Experiment::Python { account, python } => python::run(&common, &account, &python)?,
        Experiment::Once { program } => return once::run(program),
    };
    results.print(&common)?;
    Ok(())
}

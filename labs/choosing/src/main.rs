//! `choosing`: the command line of the "Which model when" chapter's lab. It
//! parses the arguments and hands each subcommand to its module in
//! `choosing::experiments` (or, for the hidden helpers, `choosing::children`).

use std::process::ExitCode;

use anyhow::Result;
use choosing::children::{self, IdleKind};
use choosing::experiments::{costs, lazy, python};
use choosing::report;
use clap::{Parser, Subcommand};
use labkit::Common;

/// Measure what each concurrency model costs, and report every chapter's headline.
///
/// `costs` measures starting, switching and idle memory for OS threads, tokio
/// tasks, rayon jobs and processes; `python` measures CPython's executors
/// beside them. `report` runs every lab's headline experiment at one --scale
/// and writes a markdown table and an SVG chart.
#[derive(Parser, Debug)]
#[command(name = "choosing", version)]
struct Cli {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    experiment: Experiment,
}

#[derive(Subcommand, Debug)]
enum Experiment {
    /// Spawn cost, hand-off cost and idle memory of threads, tasks, rayon jobs and processes.
    Costs(costs::Args),
    /// CPython's ThreadPoolExecutor, ProcessPoolExecutor and asyncio beside the Rust units.
    Python(python::Args),
    /// The order in which a thread, a spawned task and an un-awaited future run.
    Lazy,
    /// Run every lab's headline experiment and write report.md and speedups.svg.
    Report,
    /// Rerun every headline at the book's sizes; write your run beside the book's (compare.md, .html).
    Compare,
    /// Exit at once (what `costs` starts to time a process).
    #[command(name = "exit-now", hide = true)]
    ExitNow,
    /// Park idle threads or tasks and print peak memory as JSON (run by `costs`).
    #[command(hide = true)]
    Idle {
        #[arg(long, value_enum)]
        kind: IdleKind,
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
        count: u64,
    },
}

fn main() -> ExitCode {
    labkit::cli::run(|cli: Cli| run(cli.common, cli.experiment))
}

fn run(common: Common, experiment: Experiment) -> Result<()> {
    match experiment {
        Experiment::Costs(args) => costs::run(&common, &args),
        Experiment::Python(args) => python::run(&common, &args),
        Experiment::Lazy => lazy::run(&common),
        Experiment::Report => report::run::report(&common),
        Experiment::Compare => report::compare::run(&common),
        Experiment::ExitNow => Ok(()),
        Experiment::Idle { kind, count } => children::print_idle(kind, count),
    }
}

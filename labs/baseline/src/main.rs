//! `baseline`: the command line of the "Sequential baseline" chapter's lab.
//! It parses and dispatches; each experiment is a module of `experiments/`.

mod experiments;

use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};
use labkit::Common;

use experiments::{FULL_POWERSUM_NUMBERS, chunks, logs, powersum, python, weather};

/// Run the Python lab's sequential experiments in Rust, one step after another.
///
/// These are the numbers every later chapter tries to beat: two programs
/// that mostly wait (weather, logs) and one that only computes (powersum).
/// Delays and sizes are the Python material's unless --scale shrinks them.
#[derive(Parser, Debug)]
#[command(name = "baseline", version)]
struct Cli {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    experiment: Experiment,
}

#[derive(Subcommand, Debug)]
enum Experiment {
    /// Check the weather in 3 cities, 2 s per request, one after another (about 6 s a round).
    Weather {
        /// How many cities to check (at most 10).
        #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=10))]
        cities: u32,
    },
    /// Write 5 log files, each waiting 1 s for a slow device, one after another (about 5 s a round).
    Logs {
        /// How many log files to write.
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=100))]
        files: u32,
        /// Lines written to each file.
        #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..))]
        lines: u32,
    },
    /// Sum i^65537 mod 1e9+7 over 1..=N on one core: in 1 chunk, then in 4 and in 16 (CPU-bound).
    Powersum {
        /// Chunk counts to compare with 1 chunk (comma-separated); they all run one after another.
        #[arg(long, value_delimiter = ',', default_values_t = [4, 16],
              value_parser = clap::value_parser!(u64).range(2..=1000))]
        chunks: Vec<u64>,
        /// N, before --scale is applied.
        #[arg(long, default_value_t = FULL_POWERSUM_NUMBERS, value_parser = clap::value_parser!(u64).range(1..))]
        numbers: u64,
    },
    /// The ranges chunk_ranges makes (the chapter's exercise): which numbers each chunk holds.
    Chunks {
        /// N: split the numbers 1..=N.
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=1_000_000_000_000))]
        numbers: u64,
        /// How many chunks.
        #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=100))]
        chunks: u64,
    },
    /// The three experiments in Rust and in CPython (the twin python/sequential.py), same rounds.
    Python {
        /// The Python interpreter to run (a name on PATH or a path).
        #[arg(long, default_value = "python3")]
        python: String,
    },
}

fn main() -> ExitCode {
    labkit::cli::run(|cli: Cli| run(&cli.common, cli.experiment))
}

fn run(common: &Common, experiment: Experiment) -> Result<()> {
    match experiment {
        Experiment::Weather { cities } => weather::run(common, cities as usize),
        Experiment::Logs { files, lines } => logs::run(common, files, lines),
        Experiment::Powersum { chunks, numbers } => powersum::run(common, &chunks, numbers),
        Experiment::Chunks { numbers, chunks } => chunks::run(common, numbers, chunks),
        Experiment::Python { python } => python::run(common, &python),
    }
}

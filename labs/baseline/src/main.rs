//! `baseline`: the command line of the "Sequential baseline" chapter's lab.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use baseline::{logs, powersum, weather};
use clap::{Parser, Subcommand};
use labkit::{Common, Results, measure};

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
    /// Check the weather in 3 cities, 2 s per request, one after another (about 6 s).
    Weather {
        /// How many cities to check (at most 10).
        #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=10))]
        cities: u32,
    },
    /// Write 5 log files, each waiting 1 s for a slow device, one after another (about 5 s).
    Logs {
        /// How many log files to write.
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=100))]
        files: u32,
        /// Lines written to each file.
        #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..))]
        lines: u32,
    },
    /// Sum i^65537 mod 1e9+7 over 1..=N in 4 chunks on one core (CPU-bound).
    Powersum {
        /// How many chunks to split the numbers into (they still run one after another).
        #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=1000))]
        chunks: u64,
        /// N, before --scale is applied.
        #[arg(long, default_value_t = FULL_POWERSUM_NUMBERS, value_parser = clap::value_parser!(u64).range(1..))]
        numbers: u64,
    },
}

/// The request latency the Python lab simulates for one city.
const CITY_LATENCY: Duration = Duration::from_secs(2);
/// The delay the Python lab simulates for one log file.
const LOG_DELAY: Duration = Duration::from_secs(1);
/// Sized so that the power sum takes about as long as the weather check on
/// the book's machine (about 5 s in a release build).
const FULL_POWERSUM_NUMBERS: u64 = 100_000_000;

fn main() -> ExitCode {
    labkit::cli::run(|cli: Cli| run(cli.common, cli.experiment))
}

fn run(common: Common, experiment: Experiment) -> Result<()> {
    let mut results = Results::new();
    match experiment {
        Experiment::Weather { cities } => {
            let cities = &weather::CITIES[..cities as usize];
            let latency = common.scale.duration(CITY_LATENCY);
            common.say(format!(
                "Checking the weather in {} cities, {} per request, one after another.",
                cities.len(),
                labkit::timing::format_duration(latency)
            ));
            let (forecasts, cost) = measure(|| weather::check_cities(cities, latency));
            for forecast in &forecasts {
                common.say(format!("  {}: {} °C", forecast.city, forecast.celsius));
            }
            results
                .push_measured("weather", "sequential", cost)
                .with("requests", cities.len())
                .with(
                    "waiting",
                    labkit::timing::format_duration(latency * cities.len() as u32),
                );
        }
        Experiment::Logs { files, lines } => {
            let delay = common.scale.duration(LOG_DELAY);
            let dir = std::env::temp_dir().join(format!("baseline-logs-{}", std::process::id()));
            std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
            common.say(format!(
                "Writing {files} log files of {lines} lines, {} of device wait each, one after another.",
                labkit::timing::format_duration(delay)
            ));
            let names = logs::log_names(files);
            let (written, cost) = measure(|| logs::write_all_logs(&dir, &names, lines, delay));
            let written = written.with_context(|| format!("writing logs in {}", dir.display()))?;
            for path in &written {
                let bytes = std::fs::metadata(path)?.len();
                let name = path.file_name().unwrap_or_default().to_string_lossy();
                common.say(format!("  {name}: {bytes} bytes"));
            }
            std::fs::remove_dir_all(&dir).with_context(|| format!("removing {}", dir.display()))?;
            results
                .push_measured("logs", "sequential", cost)
                .with("files", files)
                .with("waiting", labkit::timing::format_duration(delay * files));
        }
        Experiment::Powersum { chunks, numbers } => {
            let n = common.scale.count(numbers);
            anyhow::ensure!(
                n >= chunks,
                "{n} numbers cannot be split into {chunks} chunks"
            );
            common.say(format!(
                "Summing i^{} mod {} for i in 1..={n}, in {chunks} chunks, one after another.",
                powersum::EXPONENT,
                powersum::MODULUS
            ));
            let (sum, cost) =
                measure(|| powersum::power_sum_sequential(n, chunks, powersum::EXPONENT));
            common.say(format!("  sum = {sum}"));
            results
                .push_measured("powersum", "sequential", cost)
                .with("numbers", n)
                .with("chunks", chunks)
                .with("sum", sum);
        }
    }
    results.print(&common)?;
    Ok(())
}

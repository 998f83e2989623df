//! `gil io`: blocking waits one after another, then on one thread each, all
//! under the GIL, which each wait releases.

use std::time::Duration;

use anyhow::{Result, ensure};
use labkit::bench::median;
use labkit::timing::format_duration;
use labkit::{Bench, Common};

use super::waits_in_flight;
use crate::gil::{self as lock, Gil};

/// The Python material's wait.
pub const IO_WAIT: Duration = Duration::from_secs(1);

#[derive(clap::Args, Debug)]
pub struct Args {
    /// How many waits.
    #[arg(long, default_value_t = 10, allow_negative_numbers = true,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    waits: u32,
    /// CPU work under the GIL before and after each wait (countdown steps).
    #[arg(long, default_value_t = 100_000, allow_negative_numbers = true,
          value_parser = clap::value_parser!(u64).range(0..=100_000_000))]
    cpu_steps: u64,
}

/// `10 threads, GIL`.
fn threads_variant(waits: u32) -> String {
    format!("{waits} threads, GIL")
}

pub fn run(common: &Common, args: &Args) -> Result<()> {
    let (waits, cpu_steps) = (args.waits, args.cpu_steps);
    let latency = common.scale.duration(IO_WAIT);
    common.say(format!(
        "{waits} blocking waits of {}, the GIL held for {cpu_steps} countdown steps before and after each.",
        format_duration(latency)
    ));
    let gil = Gil::new(Gil::DEFAULT_SWITCH_INTERVAL);
    let threads = threads_variant(waits);
    let mut bench = Bench::new("io", common);
    bench
        .variant("sequential, GIL", || {
            lock::requests_in_sequence(&gil, waits, latency, cpu_steps)
        })
        .variant(&threads, || {
            lock::requests_on_threads(&gil, waits, latency, cpu_steps)
        });
    let run = bench.run(|variant, waited| {
        // A sleep never ends early: every wait took at least the latency.
        ensure!(
            *waited >= latency * waits,
            "{variant} waited {waited:?} in all, less than {waits} × {latency:?}"
        );
        Ok(())
    })?;
    let mut results = run.results_with(|measured, row| {
        let waited: Vec<f64> = measured.values.iter().map(Duration::as_secs_f64).collect();
        row.with("waits", waits).with(
            "waited in all",
            format_duration(Duration::from_secs_f64(median(&waited))),
        );
    });
    results.paired_speedup("io", &threads, "sequential, GIL", &waits_in_flight(waits))?;
    results.print(common)
}

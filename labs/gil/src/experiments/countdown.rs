//! `gil countdown`: the Python material's CPU-bound loop on one thread and
//! two, under the GIL (two switch intervals) and without it, and with rayon.

use std::time::Duration;

use anyhow::{Result, ensure};
use labkit::bench::median;
use labkit::timing::format_duration;
use labkit::{Bench, Ceiling, Common};

use super::{THREADS, one_at_a_time};
use crate::gil::{self as lock, Gil};

/// The countdown's Python size.
pub const FULL_COUNTDOWN: u64 = 500_000_000;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// N, before --scale is applied.
    #[arg(long, default_value_t = FULL_COUNTDOWN, allow_negative_numbers = true,
          value_parser = clap::value_parser!(u64).range(1..))]
    numbers: u64,
    /// The GIL's switch interval in microseconds (CPython's default: 5000).
    #[arg(long, default_value_t = 5_000, allow_negative_numbers = true,
          value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    switch_us: u64,
    /// A tiny switch interval to compare with, in microseconds.
    #[arg(long, default_value_t = 5, allow_negative_numbers = true,
          value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    tiny_switch_us: u64,
    /// How many jobs rayon gets (each a tight loop over its share).
    #[arg(long, default_value_t = 64, allow_negative_numbers = true,
          value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    chunks: u64,
}

/// What a countdown variant returns: the steps its threads counted and,
/// under a GIL, how many times a holder was made to hand it over.
#[derive(Debug, Clone, Copy)]
struct Counted {
    steps: u64,
    switches: Option<u64>,
}

/// `2 threads, GIL, 5.0 ms switch`.
fn gil_variant(switch: Duration) -> String {
    format!("{THREADS} threads, GIL, {} switch", format_duration(switch))
}

pub fn run(common: &Common, args: &Args) -> Result<()> {
    let n = common.scale.count(args.numbers);
    let switch = Duration::from_micros(args.switch_us);
    let tiny_switch = Duration::from_micros(args.tiny_switch_us);
    common.say(format!(
        "Counting down from {n}: the Python material's CPU-bound loop, {} switch interval.",
        format_duration(switch)
    ));
    let under_gil = |interval: Duration, threads: u64| {
        move || {
            let gil = Gil::new(interval);
            let steps = lock::count_down_gil_threads(&gil, n, threads);
            let switches = Some(gil.forced_switches());
            Counted { steps, switches }
        }
    };
    let free = |threads: u64| {
        move || Counted {
            steps: lock::count_down_free_threads(n, threads),
            switches: None,
        }
    };
    let (gil_name, tiny_name) = (gil_variant(switch), gil_variant(tiny_switch));
    let chunks = args.chunks;
    let rayon_threads = rayon::current_num_threads();
    let rayon_name = format!("rayon, {chunks} jobs, {rayon_threads} threads");
    let two_free = format!("{THREADS} threads, no GIL");
    let mut bench = Bench::new("countdown", common);
    bench
        .variant("1 thread, GIL", under_gil(switch, 1))
        .variant(&gil_name, under_gil(switch, THREADS))
        .variant(&tiny_name, under_gil(tiny_switch, THREADS))
        .variant("1 thread, no GIL", free(1))
        .variant(&two_free, free(THREADS))
        .variant(&rayon_name, move || Counted {
            steps: lock::count_down_rayon(n, chunks),
            switches: None,
        });
    let run = bench.run(|variant, counted| {
        ensure!(
            counted.steps == n,
            "{variant} counted {} of {n}",
            counted.steps
        );
        Ok(())
    })?;
    let mut results = run.results_with(|measured, row| {
        row.with("counted", measured.median_value().steps);
        let switches: Vec<f64> = measured
            .values
            .iter()
            .filter_map(|c| c.switches)
            .map(|s| s as f64)
            .collect();
        if !switches.is_empty() {
            row.with("switches", median(&switches).round() as u64);
        }
    });
    // Each speedup compares runs that differ in one thing: threads or not,
    // under the same GIL setting; every run's threads are new threads.
    for name in [&gil_name, &tiny_name] {
        results.paired_speedup("countdown", name, "1 thread, GIL", &one_at_a_time())?;
    }
    let cores = Ceiling::cores(THREADS as usize);
    results.paired_speedup("countdown", &two_free, "1 thread, no GIL", &cores)?;
    let rayon_cores = Ceiling::cores(rayon_threads);
    results.paired_speedup("countdown", &rayon_name, "1 thread, no GIL", &rayon_cores)?;
    results.print(common)
}

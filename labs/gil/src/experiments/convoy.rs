//! `gil convoy`: the chapter's exercise, measured. I/O-bound requests share
//! the GIL with a thread that counts down, at two switch intervals; how
//! long does the slowest request take?

use std::time::Duration;

use anyhow::{Result, ensure};
use labkit::bench::spread;
use labkit::timing::format_duration;
use labkit::{Bench, Common};

use super::countdown::FULL_COUNTDOWN;
use crate::gil::{self as lock, Gil};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// How many requests, each on a thread of its own.
    #[arg(long, default_value_t = 10, allow_negative_numbers = true,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    requests: u32,
    /// Each request's wait in milliseconds, before --scale.
    #[arg(long, default_value_t = 100, allow_negative_numbers = true,
          value_parser = clap::value_parser!(u64).range(1..=60_000))]
    wait_ms: u64,
    /// The short and the long switch interval, in milliseconds.
    #[arg(long, num_args = 2, default_values_t = [5, 50], allow_negative_numbers = true,
          value_parser = clap::value_parser!(u64).range(1..=10_000))]
    switch_ms: Vec<u64>,
}

/// CPU work under the GIL before and after each wait (countdown steps), as in `gil io`.
const CPU_STEPS: u64 = 100_000;

pub fn run(common: &Common, args: &Args) -> Result<()> {
    let latency = common.scale.duration(Duration::from_millis(args.wait_ms));
    let countdown = common.scale.count(FULL_COUNTDOWN);
    let requests = args.requests;
    common.say(format!(
        "{requests} requests that wait {} each under one GIL: alone, then beside a thread",
        format_duration(latency)
    ));
    common.say(format!(
        "counting down from {countdown}, with each switch interval. slowest: the slowest request."
    ));
    let beside = |switch: Duration, steps: u64| {
        move || {
            let gil = Gil::new(switch);
            let (slowest, counted) =
                lock::requests_beside_a_countdown(&gil, requests, latency, CPU_STEPS, steps);
            (slowest, counted, steps)
        }
    };
    let default = Gil::DEFAULT_SWITCH_INTERVAL;
    let mut bench = Bench::new("convoy", common);
    bench.variant("alone", beside(default, 0));
    for &ms in &args.switch_ms {
        let switch = Duration::from_millis(ms);
        let name = format!("{} switch", format_duration(switch));
        bench.variant(&name, beside(switch, countdown));
    }
    let run = bench.run(|variant, &(slowest, counted, steps)| {
        ensure!(counted == steps, "{variant} counted {counted} of {steps}");
        // A sleep never ends early, whatever the GIL does around it.
        ensure!(slowest >= latency, "{variant}: a request took {slowest:?}");
        Ok(())
    })?;
    let results = run.results_with(|measured, row| {
        let slowest: Vec<f64> = measured.values.iter().map(|v| v.0.as_secs_f64()).collect();
        let s = spread(&slowest);
        row.with("slowest, ms", s.median * 1e3)
            .with(
                "range, ms",
                format!("{:.1}–{:.1}", s.min * 1e3, s.max * 1e3),
            )
            .with("counted", measured.median_value().1);
    });
    results.print(common)
}

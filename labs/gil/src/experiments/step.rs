//! `gil step`: the countdown's step on one thread, two ways: a round trip
//! through memory, and the lab's register-only arithmetic.

use anyhow::{Result, ensure};
use labkit::{Bench, Common};

use super::countdown::FULL_COUNTDOWN;
use crate::gil as lock;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Steps, before --scale is applied.
    #[arg(long, default_value_t = FULL_COUNTDOWN, allow_negative_numbers = true,
          value_parser = clap::value_parser!(u64).range(1..))]
    numbers: u64,
}

/// The countdown's first step, kept to compare: `left = black_box(left) - 1`
/// sends every step through memory (a store, then a load of the same place).
fn count_down_through_memory(n: u64) -> u64 {
    let mut left = n;
    while left > 0 {
        left = std::hint::black_box(left) - 1;
    }
    n - left
}

/// The two countdown steps, each on one new thread, in interleaved rounds.
pub fn run(common: &Common, args: &Args) -> Result<()> {
    let n = common.scale.count(args.numbers);
    common.say(format!(
        "Counting down from {n} on one thread, two ways: a round trip through memory per step,"
    ));
    common.say("and the lab's step (xor, multiply, rotate in registers).");
    let on_a_thread = |count: fn(u64) -> u64| {
        move || std::thread::scope(|s| s.spawn(move || count(n)).join().unwrap())
    };
    let mut bench = Bench::new("step", common);
    bench
        .variant(
            "memory: black_box(left) - 1",
            on_a_thread(count_down_through_memory),
        )
        .variant("registers: count_down", on_a_thread(lock::count_down));
    let run = bench.run(|variant, counted| {
        ensure!(*counted == n, "{variant} counted {counted} of {n}");
        Ok(())
    })?;
    let results = run.results_with(|measured, row| {
        let spread = labkit::bench::spread(&measured.walls());
        row.with(
            "ns per step",
            measured.median_wall().as_secs_f64() * 1e9 / n as f64,
        )
        .with("slowest / fastest", spread.max / spread.min);
    });
    results.print(common)
}

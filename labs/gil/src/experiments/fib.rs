//! `gil fib`: fib(n) and fib(n + 1) by naive recursion, on one thread and
//! on two, with and without the GIL.

use anyhow::{Result, ensure};
use labkit::{Bench, Ceiling, Common, Scale};

use super::one_at_a_time;
use crate::gil::{self as lock, Gil};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// n; --scale changes it so that the work scales (fib(n) costs about 1.618^n).
    #[arg(long, default_value_t = 40, allow_negative_numbers = true,
          value_parser = clap::value_parser!(u32).range(1..=50))]
    n: u32,
}

/// `n` moved so that fib(n) does about `scale` times the work of fib(n) at
/// scale 1: the work grows by the golden ratio per step of n.
pub fn scaled_n(n: u32, scale: Scale) -> u32 {
    let golden = (1.0 + 5f64.sqrt()) / 2.0;
    let shift = (scale.factor().ln() / golden.ln()).round();
    (f64::from(n) + shift).clamp(1.0, f64::from(n) + 10.0) as u32
}

/// fib(n) and fib(n + 1) the fast way, to check the slow ones.
pub fn by_iteration(n: u32) -> (u64, u64) {
    let (mut a, mut b) = (0u64, 1u64);
    for _ in 0..n {
        (a, b) = (b, a + b);
    }
    (a, b)
}

/// The calls naive recursion makes for fib(n) and for fib(n + 1):
/// fib(k) makes 2 fib(k+1) - 1 calls.
fn calls(n: u32) -> (f64, f64) {
    let (a, b) = by_iteration(n);
    let calls = |next: u64| 2.0 * next as f64 - 1.0;
    (calls(b), calls(a + b))
}

/// Two threads finish when the larger job does: the speedup of the pair on
/// two threads cannot beat all the calls over fib(n + 1)'s (about φ = 1.618).
pub fn pair_ceiling(n: u32) -> Ceiling {
    let (small, large) = calls(n);
    Ceiling::new(
        (small + large) / large,
        format!(
            "all the calls ÷ those of fib({}), the larger job (about φ = 1.618)",
            n + 1
        ),
    )
}

pub fn run(common: &Common, args: &Args) -> Result<()> {
    let n = scaled_n(args.n, common.scale);
    let expected = by_iteration(n);
    let (small, large) = calls(n);
    common.say(format!(
        "fib({n}) and fib({}) by naive recursion: fib({}) is {:.0}% of the calls.",
        n + 1,
        n + 1,
        100.0 * large / (small + large)
    ));
    let gil = || Gil::new(Gil::DEFAULT_SWITCH_INTERVAL);
    let mut bench = Bench::new("fib", common);
    bench
        .variant("1 thread, GIL", move || {
            lock::fib_pair_on_one_thread(n, Some(&gil()))
        })
        .variant("2 threads, GIL", move || {
            lock::fib_pair_on_threads(n, Some(&gil()))
        })
        .variant("1 thread, no GIL", move || {
            lock::fib_pair_on_one_thread(n, None)
        })
        .variant("2 threads, no GIL", move || {
            lock::fib_pair_on_threads(n, None)
        });
    let run = bench.run(|variant, pair| {
        ensure!(
            *pair == expected,
            "{variant} gave {pair:?}, not {expected:?}"
        );
        Ok(())
    })?;
    let mut results = run.results_with(|_, row| {
        row.with("fib(n)", expected.0).with("fib(n+1)", expected.1);
    });
    results.paired_speedup("fib", "2 threads, GIL", "1 thread, GIL", &one_at_a_time())?;
    results.paired_speedup(
        "fib",
        "2 threads, no GIL",
        "1 thread, no GIL",
        &pair_ceiling(n),
    )?;
    results.print(common)
}

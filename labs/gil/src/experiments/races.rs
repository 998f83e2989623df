//! `gil races`: what free-threading changes for races. The lost-update
//! counter and the check-then-act bank with every CPython found (or named),
//! and Rust's counter (atomic, and behind a lock) beside them, in the same
//! interleaved rounds. Tables show what was lost, overdrawn or overpaid:
//! the median round's count with the least and most in brackets.

use anyhow::Result;
use labkit::bench::spread;
use labkit::{Bench, Common, Row};
use serde_json::{Map, Value};

use super::twins::{self, Outcome, PythonArgs, rust_variant};
use crate::counter;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    python: PythonArgs,
    /// How many threads share the counter.
    #[arg(long, default_value_t = 4, allow_negative_numbers = true,
          value_parser = clap::value_parser!(u64).range(1..=64))]
    threads: u64,
}

/// The Rust rows' experiment name.
const RUST: &str = "counter: Rust";
/// The counter twin's increments at scale 1 (lost_updates.py's FULL).
const FULL_INCREMENTS: u64 = 10_000_000;

pub fn run(common: &Common, args: &Args) -> Result<()> {
    let interpreters = twins::interpreters(common, &args.python);
    let threads = args.threads;
    let times = common.scale.count(FULL_INCREMENTS) / threads;
    let increments = threads * times;
    common.say(format!(
        "counter: {threads} threads add 1 to one counter, {times} times each ({increments} in all)."
    ));
    common.say("bank: 4 withdrawals (80, 70, 50, 20) from 100 that check, pause, act;");
    common.say("      then 4 threads that take 1 at a time until the balance is 0.");
    let timeout = twins::twin_timeout(common);
    let scale = common.scale.factor().to_string();
    let mut bench: Bench<Outcome> = Bench::new("races", common);
    for interpreter in &interpreters {
        let counter_args = vec![
            "--scale".into(),
            scale.clone(),
            "--threads".into(),
            threads.to_string(),
        ];
        twins::add_twin(
            &mut bench,
            interpreter,
            twins::LOST_UPDATES,
            counter_args,
            timeout,
        );
    }
    let lost = move |name: &str, count: fn(u64, u64) -> u64| {
        let what = name.to_string();
        move || {
            let counted = count(threads, times);
            let mut columns = Map::new();
            columns.insert("lost".into(), Value::from(increments - counted));
            Outcome::Rust(if counted == increments {
                Ok(columns)
            } else {
                Err(format!("{what} counted {counted} of {increments}"))
            })
        }
    };
    let atomic = format!("{threads} threads, AtomicU64");
    let locked = format!("{threads} threads, Mutex<u64>");
    bench
        .variant(
            &rust_variant(RUST, &atomic),
            lost(&atomic, counter::count_with_atomic),
        )
        .variant(
            &rust_variant(RUST, &locked),
            lost(&locked, counter::count_with_mutex),
        );
    for interpreter in &interpreters {
        let bank_args = vec!["--scale".into(), scale.clone()];
        twins::add_twin(&mut bench, interpreter, twins::BANK, bank_args, timeout);
    }
    let run = bench.run(|_, outcome| outcome.check())?;
    let mut results = twins::results_of(&run);
    for row in twins::gather(&run, &interpreters) {
        let pushed = results.push_samples(&row.experiment, &row.variant, row.samples.clone(), None);
        per_round(pushed, "lost", row.numbers("lost"));
        // A balance below 0 is what the bank overdrew: shown as a count,
        // never negative.
        let overdrawn = row
            .numbers("balance")
            .iter()
            .map(|b| if *b < 0.0 { -b } else { 0.0 })
            .collect();
        per_round(pushed, "overdrawn", overdrawn);
        per_round(pushed, "overpaid", row.numbers("overpaid"));
    }
    results.print_by_experiment(common)
}

/// A column measured each round, as its median with the least and most in
/// brackets (`734392 (0–1127281)`, `0 (0–0)`: the same shape whatever the
/// race did, so the transcript check can compare it); nothing when the row
/// has no such column.
fn per_round(row: &mut Row, column: &str, values: Vec<f64>) {
    if values.is_empty() {
        return;
    }
    let s = spread(&values);
    let median = whole(s.median);
    row.with(column, format!("{median} ({}–{})", s.min, s.max));
}

/// A count as a whole number when it is one (the median of an even number
/// of rounds may fall between two).
fn whole(value: f64) -> Value {
    if value.fract() == 0.0 {
        Value::from(value as i64)
    } else {
        Value::from(value)
    }
}

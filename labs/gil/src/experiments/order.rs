//! `gil order`: results in the tasks' order (rayon's `par_iter`, Python's
//! `Executor.map`) or as they finish (a channel, Python's `as_completed`),
//! Rust and every CPython found (or named) in the same rounds.

use std::time::Duration;

use anyhow::Result;
use labkit::{Bench, Common};
use serde_json::{Map, Value};

use super::twins::{self, Outcome, PythonArgs, rust_variant};
use crate::order;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    python: PythonArgs,
}

/// The naps, in milliseconds at scale 1 (order.py's TASKS).
const TASKS: [u64; 4] = [40, 10, 30, 20];
const RUST: &str = "order: Rust";

pub fn run(common: &Common, args: &Args) -> Result<()> {
    let interpreters = twins::interpreters(common, &args.python);
    let naps: Vec<String> = TASKS.iter().map(u64::to_string).collect();
    common.say(format!(
        "Four tasks nap {} ms (times the scale); each row shows the order of their results.",
        naps.join(", ")
    ));
    let timeout = twins::twin_timeout(common);
    let mut bench: Bench<Outcome> = Bench::new("order", common);
    for interpreter in &interpreters {
        let args = vec!["--scale".into(), common.scale.factor().to_string()];
        twins::add_twin(&mut bench, interpreter, twins::ORDER, args, timeout);
    }
    let scale = common.scale;
    let nap = move |ms: u64| {
        std::thread::sleep(scale.duration(Duration::from_millis(ms)));
        ms
    };
    let shown = |results: Vec<u64>, in_order: bool| {
        let mut sorted = results.clone();
        sorted.sort_unstable();
        let mut want = TASKS.to_vec();
        if !in_order {
            want.sort_unstable();
        }
        let order: Vec<String> = results.iter().map(u64::to_string).collect();
        let mut columns = Map::new();
        columns.insert("order".into(), Value::from(order.join(" ")));
        Outcome::Rust(
            if (in_order && results == want) || (!in_order && sorted == want) {
                Ok(columns)
            } else {
                Err(format!("the results came back as {results:?}"))
            },
        )
    };
    bench
        .variant(&rust_variant(RUST, "in order, rayon par_iter"), move || {
            shown(order::in_order(&TASKS, nap), true)
        })
        .variant(&rust_variant(RUST, "as they finish, channel"), move || {
            shown(order::as_they_finish(&TASKS, nap), false)
        });
    let run = bench.run(|_, outcome| outcome.check())?;
    let mut results = twins::results_of(&run);
    for row in twins::gather(&run, &interpreters) {
        // The order of the median round.
        let order = row.values("order").get(row.median_round()).cloned();
        row.push(&mut results)
            .with("order", order.unwrap_or_default());
    }
    results.print_by_experiment(common)
}

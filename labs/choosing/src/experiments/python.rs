//! `choosing python`: the closing chapter's three Python executors
//! (`ThreadPoolExecutor`, `ProcessPoolExecutor` and asyncio, in the twin
//! `python/executors.py`) beside the Rust units of `costs`, in the same
//! interleaved rounds: each round runs the Rust variants, then the twin
//! (started with `--rounds 1`, timing itself around its work only, not the
//! interpreter's start-up).

use std::time::Duration;

use anyhow::Result;
use labkit::python::{Lookup, Round, Twin, each_round, find, results_beside};
use labkit::{Bench, Common};

use super::costs;
use super::units::{self, Context, Outcome, Part};

/// The twin, built into the binary so that the experiment runs from any directory.
const TWIN: Twin<'static> = Twin::new("executors.py", include_str!("../../python/executors.py"));
/// Far longer than a round of the twin (a few seconds), short enough that
/// a hung interpreter is noticed.
const TWIN_TIMEOUT: Duration = Duration::from_secs(300);

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The Python interpreter to run the twin with, by name (looked up on
    /// PATH) or path.
    #[arg(long, value_name = "PATH", default_value = "python3")]
    python: String,
}

pub fn run(common: &Common, args: &Args) -> Result<()> {
    let twin = match find(&[args.python.as_str()]).remove(0) {
        Lookup::Found { path, facts, .. } => {
            common.say(format!("Rust, then {}, in every round.", facts.label()));
            Some(path)
        }
        Lookup::Missing { reason, .. } => {
            common.say(format!(
                "{reason}: skipping the CPython side (install Python 3 to compare)."
            ));
            None
        }
        Lookup::Duplicate { name, .. } => {
            common.say(format!("{name}: found twice; skipping the CPython side."));
            None
        }
    };
    common.say("Rows named Rust run the listing; rows named Python, the twin executors.py.");
    let context = Context::new(common)?;
    let parts = [Part::Spawn, Part::Switch];
    let mut bench: Bench<Round<Outcome>> = Bench::new("python", common);
    for part in parts {
        units::add_variants(&mut bench, part, &context, "Rust: ", Round::Rust);
    }
    let scale = common.scale.factor().to_string();
    if let Some(path) = &twin {
        bench.variant(
            "twin",
            each_round(path, TWIN, &["--scale", &scale], TWIN_TIMEOUT),
        );
    }
    let run = bench.run(|variant, round| match round.rust()? {
        Some(outcome) => units::check(variant, outcome),
        None => Ok(()),
    })?;
    let results = results_beside(&run, |_, row| {
        format!("{}|Python: {}", row.experiment, row.variant)
    })?;
    let mut results = costs::split_rows(results);
    for measured in &run.measured {
        let Some((experiment, variant)) = measured.variant.split_once('|') else {
            continue;
        };
        if let Some(Round::Rust(Ok(done))) = measured.values.get(measured.median_round())
            && let Some(row) = results.get_mut(experiment, variant)
        {
            costs::columns(row, done);
        }
    }
    let names: Vec<(String, String)> = results
        .rows()
        .iter()
        .map(|r| (r.experiment.clone(), r.variant.clone()))
        .collect();
    for (experiment, variant) in names {
        costs::per_unit(
            results
                .get_mut(&experiment, &variant)
                .expect("listed above"),
        );
    }
    costs::print(&results, &parts, common)
}

//! What the experiments of the `races` and `locks` labs share to report a
//! bank: lists of amounts, and the balance columns of rows measured in
//! rounds (the Rust ones and their Python twins').
//!
//! Not a listing: the book does not show this module.

use std::path::Path;
use std::time::Duration;

use anyhow::{Result, ensure};
use labkit::python::{Twin, TwinRow, run_twin};
use labkit::{Common, Results, Row};

/// `80, 70`, or `none`.
pub fn list(amounts: impl IntoIterator<Item = i64>) -> String {
    let items: Vec<String> = amounts.into_iter().map(|a| a.to_string()).collect();
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}

/// `--amounts` as the command line takes it: `80,70,50,20`.
pub fn amounts_arg(amounts: &[i64]) -> String {
    list(amounts.iter().copied()).replace(' ', "")
}

/// The bank twin's command line (`python/bank.py`, `python/bank_locked.py`):
/// the rounds and scale of this run, the opening balance and the amounts.
pub fn twin_args(common: &labkit::Common, opening: i64, amounts: &[i64]) -> Vec<String> {
    vec![
        "--rounds".to_string(),
        common.rounds.to_string(),
        "--scale".to_string(),
        common.scale.factor().to_string(),
        "--balance".to_string(),
        opening.to_string(),
        "--amounts".to_string(),
        amounts_arg(amounts),
    ]
}

/// The round whose wall time is the median one (the lower of the two
/// middle rounds for an even count), as `labkit::bench` picks it.
fn median_round(samples: &[f64]) -> usize {
    let mut order: Vec<usize> = (0..samples.len()).collect();
    order.sort_by(|&a, &b| samples[a].total_cmp(&samples[b]));
    order[(order.len() - 1) / 2]
}

/// The columns of a bank row measured in rounds: `paid` (how many
/// customers were paid in the median round) and `overdrawn` (in how many
/// rounds the bank ended below 0). (No balance: its sign would change the
/// shape of the line from run to run, and the transcript check compares
/// shapes.)
fn bank_columns(row: &mut Row, rounds: &[(usize, i64)], median_round: usize) {
    let overdrawn = rounds.iter().filter(|(_, b)| *b < 0).count();
    row.with("paid", rounds[median_round].0)
        .with("overdrawn", format!("{overdrawn} of {}", rounds.len()));
}

/// [`bank_columns`] of a variant measured by `labkit::bench`, from what
/// each round's value says: how many were paid, and the final balance.
pub fn measured_bank_columns<T>(
    measured: &labkit::bench::Measured<T>,
    row: &mut Row,
    paid_and_balance: impl Fn(&T) -> (usize, i64),
) {
    let rounds: Vec<(usize, i64)> = measured.values.iter().map(paid_and_balance).collect();
    bank_columns(row, &rounds, measured.median_round());
}

/// A twin's per-round (`paid`, `balance`) columns.
fn twin_rounds(twin: &TwinRow) -> Result<Vec<(usize, i64)>> {
    let column = |key: &str| -> Vec<i64> {
        twin.columns
            .get(key)
            .and_then(|b| b.as_array())
            .map(|b| b.iter().filter_map(|v| v.as_i64()).collect())
            .unwrap_or_default()
    };
    let (paid, balances) = (column("paid"), column("balance"));
    ensure!(
        paid.len() == twin.samples.len() && balances.len() == twin.samples.len(),
        "the twin's {} row has no paid and balance for every round",
        twin.variant
    );
    Ok(paid.into_iter().map(|p| p as usize).zip(balances).collect())
}

/// Adds a twin's row to `results` under `experiment`, with its bank columns.
fn push_twin_row(results: &mut labkit::Results, experiment: &str, twin: &TwinRow) -> Result<()> {
    let rounds = twin_rounds(twin)?;
    let row = results.push_samples(
        experiment,
        &twin.variant,
        twin.samples.clone(),
        Some(twin.cpu_samples.clone()),
    );
    bank_columns(row, &rounds, median_round(&twin.samples));
    Ok(())
}

/// Runs a bank twin (`twin`, with [`twin_args`] for this run's account),
/// bounded by `timeout`, and adds its rows `variants` of `experiment` to
/// `results` as rows of `<experiment>, CPython`, next to the Rust rows
/// measured in the same rounds. A missing interpreter is said aloud and
/// leaves the CPython rows out; any other failure is the experiment's error.
pub fn add_twin_rows(
    results: &mut Results,
    common: &Common,
    python: &Path,
    (twin, args, timeout): (Twin<'_>, &[String], Duration),
    experiment: &str,
    variants: &[&str],
) -> Result<()> {
    let (rows, are) = if variants.len() == 1 {
        ("row", "is")
    } else {
        ("rows", "are")
    };
    match run_twin(python, twin, args, timeout) {
        Ok(document) => {
            common.say(format!(
                "{} ({}), measured here in the same rounds as the Rust {rows}.",
                document.interpreter.label(),
                python.display()
            ));
            for variant in variants {
                let row = document
                    .row(experiment, variant)
                    .ok_or_else(|| anyhow::anyhow!("the twin has no '{variant}' row"))?;
                push_twin_row(results, &format!("{experiment}, CPython"), row)?;
            }
        }
        Err(err) if err.is_missing() => common.say(format!(
            "{} was not found: the CPython {rows} {are} left out (install Python 3 to compare).",
            python.display()
        )),
        Err(err) => return Err(err.into()),
    }
    Ok(())
}

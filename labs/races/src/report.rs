//! What the experiments of the `races` and `locks` labs share to report a
//! bank: lists of amounts, and the balance columns of rows measured in
//! rounds (the Rust ones and their Python twins').
//!
//! Not a listing: the book does not show this module.

use anyhow::{Result, ensure};
use labkit::Row;
use labkit::python::TwinRow;

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
pub fn bank_columns(row: &mut Row, rounds: &[(usize, i64)], median_round: usize) {
    let overdrawn = rounds.iter().filter(|(_, b)| *b < 0).count();
    row.with("paid", rounds[median_round].0)
        .with("overdrawn", format!("{overdrawn} of {}", rounds.len()));
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
pub fn push_twin_row(
    results: &mut labkit::Results,
    experiment: &str,
    twin: &TwinRow,
) -> Result<()> {
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

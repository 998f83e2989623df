//! `python`: the locked bank's Python twin (`python/bank_locked.py`) next
//! to the Rust one, in the same number of interleaved rounds, on the same
//! machine. The twin is embedded here and run through `labkit::python`.

use std::path::Path;
use std::time::Duration;

use anyhow::{Result, ensure};
use labkit::python::{Twin, run_twin};
use labkit::timing::format_duration;
use labkit::{Bench, Common, Results};
use locks::bank_locked::{self, Order, Outcome};
use races::account::Account;
use races::report;

use super::{TELLER_PAUSE, list};

/// The twin of `bank-locked`.
pub const BANK_LOCKED_PY: Twin<'static> = Twin::new(
    "bank_locked.py",
    include_str!("../../python/bank_locked.py"),
);

const VARIANT: &str = "with a lock";

pub fn run(common: &Common, account: &Account, python: &Path) -> Result<Results> {
    let (opening, amounts): (i64, &[i64]) = (account.balance, &account.amounts);
    let pause = common.scale.duration(TELLER_PAUSE);
    common.say(format!(
        "Balance {opening}; customers withdraw {} at once with a lock; the teller pauses {}.",
        list(amounts),
        format_duration(pause)
    ));
    let possible = bank_locked::possible_outcomes(opening, amounts);
    let mut bench = Bench::new("bank-locked, Rust", common);
    bench.variant(VARIANT, || {
        let (reports, balance) =
            bank_locked::all_at_once(opening, amounts, pause, Order::Free, &|_| {});
        Outcome::of(&reports, balance)
    });
    let run = bench.run(|_, outcome: &Outcome| {
        ensure!(
            possible.contains(outcome),
            "{outcome:?}, which no order gives"
        );
        Ok(())
    })?;
    let mut results = run.results_with(|measured, row| {
        let rounds: Vec<(usize, i64)> = measured
            .values
            .iter()
            .map(|o| (o.paid.len(), o.balance))
            .collect();
        report::bank_columns(row, &rounds, measured.median_round());
    });

    let args = vec![
        "--rounds".to_string(),
        common.rounds.to_string(),
        "--scale".to_string(),
        common.scale.factor().to_string(),
        "--balance".to_string(),
        opening.to_string(),
        "--amounts".to_string(),
        report::amounts_arg(amounts),
    ];
    let timeout = Duration::from_secs(60) + pause * (amounts.len() as u32 + 1) * common.rounds * 4;
    match run_twin(python, BANK_LOCKED_PY, &args, timeout) {
        Ok(document) => {
            common.say(format!(
                "{} ({}), measured here in the same rounds as the Rust row.",
                document.interpreter.label(),
                python.display()
            ));
            let twin = document
                .row("bank-locked", VARIANT)
                .ok_or_else(|| anyhow::anyhow!("the twin has no '{VARIANT}' row"))?;
            report::push_twin_row(&mut results, "bank-locked, CPython", twin)?;
        }
        Err(err) if err.is_missing() => common.say(format!(
            "{} was not found: the CPython row is left out (install Python 3 to compare).",
            python.display()
        )),
        Err(err) => return Err(err.into()),
    }
    Ok(results)
}

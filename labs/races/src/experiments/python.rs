//! `python`: the bank's Python twin (`python/bank.py`) next to the Rust
//! bank, in the same number of interleaved rounds, on the same machine.
//! The twin and twinkit are embedded here and written to a temporary
//! directory when the experiment runs (see `labkit::python`).

use std::path::Path;
use std::time::Duration;

use anyhow::{Result, ensure};
use labkit::python::{Twin, run_twin};
use labkit::timing::format_duration;
use labkit::{Bench, Common, Results};
use races::account::Account;
use races::bank::{self, Withdrawal};
use races::report;

use super::{TELLER_PAUSE, forced_balance, in_turn_balance, list};

/// The twin of `bank`.
pub const BANK_PY: Twin<'static> = Twin::new("bank.py", include_str!("../../python/bank.py"));

pub fn run(common: &Common, account: &Account, python: &Path) -> Result<Results> {
    let (opening, amounts): (i64, &[i64]) = (account.balance, &account.amounts);
    let pause = common.scale.duration(TELLER_PAUSE);
    let payments = super::payments_in_turn(opening, amounts);
    common.say(format!(
        "Balance {opening}; customers withdraw {}; the teller pauses {}: Rust, then CPython.",
        list(amounts.iter().copied()),
        format_duration(pause)
    ));
    let mut bench = Bench::new("bank, Rust", common);
    bench.variant("in turn", || {
        bank::in_turn(opening, amounts, pause, &|_| {})
    });
    bench.variant("all at once", || {
        bank::all_at_once(opening, amounts, pause, &|_| {})
    });
    let run = bench.run(|variant, (_, balance): &(Vec<Withdrawal>, i64)| {
        let expected = match variant {
            "in turn" => in_turn_balance(opening, amounts),
            _ => forced_balance(opening, amounts),
        };
        ensure!(*balance == expected, "ended at {balance}, not {expected}");
        Ok(())
    })?;
    let mut results = run.results_with(|measured, row| {
        let rounds: Vec<(usize, i64)> = measured
            .values
            .iter()
            .map(|(reports, balance)| (reports.iter().filter(|w| w.is_paid()).count(), *balance))
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
    // Each round pauses `payments + 1` times; the interpreter gets ample room.
    let timeout = Duration::from_secs(60) + pause * (payments as u32 + 1) * common.rounds * 4;
    match run_twin(python, BANK_PY, &args, timeout) {
        Ok(document) => {
            common.say(format!(
                "{} ({}), measured here in the same rounds as the Rust rows.",
                document.interpreter.label(),
                python.display()
            ));
            for variant in ["in turn", "all at once"] {
                let row = document
                    .row("bank", variant)
                    .ok_or_else(|| anyhow::anyhow!("the twin has no {variant} row"))?;
                report::push_twin_row(&mut results, "bank, CPython", row)?;
            }
        }
        Err(err) if err.is_missing() => common.say(format!(
            "{} was not found: the CPython rows are left out (install Python 3 to compare).",
            python.display()
        )),
        Err(err) => return Err(err.into()),
    }
    Ok(results)
}

//! `python`: the bank's Python twin (`python/bank.py`) next to the Rust
//! bank, in the same number of interleaved rounds, on the same machine.
//! The twin and twinkit are embedded here and written to a temporary
//! directory when the experiment runs (see `labkit::python`).

use std::path::Path;
use std::time::Duration;

use anyhow::{Result, ensure};
use labkit::python::Twin;
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
        report::measured_bank_columns(measured, row, |(reports, balance)| {
            (reports.iter().filter(|w| w.is_paid()).count(), *balance)
        })
    });

    let args = report::twin_args(common, opening, amounts);
    // Each round pauses `payments + 1` times; the interpreter gets ample room.
    let timeout = Duration::from_secs(60) + pause * (payments as u32 + 1) * common.rounds * 4;
    report::add_twin_rows(
        &mut results,
        common,
        python,
        (BANK_PY, &args, timeout),
        "bank",
        &["in turn", "all at once"],
    )?;
    Ok(results)
}
